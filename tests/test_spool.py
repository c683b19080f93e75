"""Records read one at a time and judged organisations kept on disk (auditor.spool):
the reports and the history come out exactly as from an audit held in memory."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.audit import OrganisationResult, judge_audit
from auditor.config import load_config
from auditor.crawl import read_records
from auditor.models import Item, ProfileRecord
from auditor.report.brief import render_brief
from auditor.report.csv_report import write_csv
from auditor.report.format import POSTS_SHOWN
from auditor.report.html import render_html, write_html
from auditor.report.json_report import dumps, report_data, write_json
from auditor.resources import sample_pages_dir
from auditor.snapshots import snapshot_of
from auditor.spool import OrganisationSpool, RecordIndex
from tests.conftest import AS_OF, judged, make_audit, make_items, make_record

GENERATED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """records.jsonl of the bundled demo (32 profiles, 3 organisations, 3 websites)."""
    out = tmp_path_factory.mktemp("demo")
    run = subprocess.run([sys.executable, "-m", "auditor", "demo", "--out", str(out)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode in (0, 1), run.stderr
    return out / "records.jsonl"


def _line(record: ProfileRecord) -> str:
    return json.dumps(record.to_dict(), ensure_ascii=False) + "\n"


def test_index_reads_each_record_as_read_records_does(demo_records: Path) -> None:
    index = RecordIndex(demo_records)
    everything = {record.url: record for record in read_records(demo_records)}
    assert len(index) == len(everything) >= 35
    for url, record in everything.items():
        assert index.get(url) == record
    assert index.get("https://nowhere.example/@x") is None


def test_index_last_line_wins_and_torn_or_odd_lines_are_skipped(tmp_path: Path) -> None:
    old = make_record(url="https://m.example/@a", outcome="error")
    new = make_record(url="https://m.example/@a", items=make_items([(1, "post")]))
    other = make_record(url="https://m.example/@b")
    reordered = dict(reversed(list(other.to_dict().items())))  # "url" is not first
    path = tmp_path / "records.jsonl"
    path.write_text(_line(old) + "\n" + "not json\n" + _line(new)
                    + json.dumps(reordered) + "\n" + _line(other)[:40], encoding="utf-8")
    index = RecordIndex(path)
    assert index.get("https://m.example/@a") == new
    assert index.get("https://m.example/@b") == other
    assert sorted(index.urls()) == ["https://m.example/@a", "https://m.example/@b"]
    assert len(RecordIndex(tmp_path / "missing.jsonl")) == 0


def test_a_torn_line_ending_in_a_brace_falls_back_to_the_line_before(tmp_path: Path) -> None:
    good = make_record(url="https://m.example/@a", items=make_items([(1, "post")]))
    text = _line(good)
    torn = text[:text.index('"profile": {')] + '"profile": {}'  # cut, yet ends with }
    path = tmp_path / "records.jsonl"
    path.write_text(text + torn + "\n", encoding="utf-8")
    assert RecordIndex(path).get("https://m.example/@a") == good
    path.write_text(torn + "\n", encoding="utf-8")
    assert RecordIndex(path).get("https://m.example/@a") is None


def test_spooled_audit_writes_the_same_reports_as_one_in_memory(demo_records: Path,
                                                               tmp_path: Path) -> None:
    config = load_config(sample_pages_dir() / "demo.toml")
    as_of = config.audit.as_of or AS_OF
    held = judge_audit(config, read_records(demo_records), as_of=as_of,
                       generated_at=GENERATED)
    with OrganisationSpool(tmp_path, posts_with_text=POSTS_SHOWN) as spool:
        spooled = judge_audit(config, RecordIndex(demo_records), as_of=as_of,
                              generated_at=GENERATED, into=spool)
        assert spooled.organisations is spool and len(spool) == len(config.organisations)
        assert report_data(spooled) == report_data(held)
        assert render_html(spooled) == render_html(held)
        assert render_brief(spooled) == render_brief(held)
        write_csv(spooled, tmp_path / "a.csv")
        write_csv(held, tmp_path / "b.csv")
        assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
        # The history stores every post's id, date and kind, texts or not.
        assert snapshot_of(spooled) == snapshot_of(held)
        # Read as often as the writers ask, the same each time.
        assert [o.name for o in spool] == [o.name for o in spool] == [
            o.name for o in held.organisations]
        assert spool[-1] == spool[len(spool) - 1]


def test_spool_drops_texts_no_report_shows_and_keeps_every_post(tmp_path: Path) -> None:
    items = tuple(Item(id=str(n), published_at=AS_OF.replace(day=1 + n % 28, hour=n % 24),
                       kind="post", text=f"post number {n}", links=(f"https://x.example/{n}",))
                  for n in range(40))
    record = make_record(items=items)
    result = make_audit(_organisation(record))
    with OrganisationSpool(tmp_path, posts_with_text=5) as spool:
        spool.append(result.organisations[0])
        back = spool[0].profiles[0].record
        files = list(tmp_path.glob(".judged-*"))
    assert [(i.id, i.published_at, i.kind) for i in back.items] == [
        (i.id, i.published_at, i.kind) for i in items]
    newest = sorted(items, key=lambda i: i.published_at, reverse=True)[:5]
    assert {i.id for i in back.items if i.text} == {i.id for i in newest}
    assert all(not i.links for i in back.items if not i.text)
    assert back.profile == record.profile
    assert not list(tmp_path.glob(".judged-*")) and not files  # an unnamed temporary file


def _organisation(record: ProfileRecord) -> OrganisationResult:
    return OrganisationResult("Spaak", "client", None, (judged(record),))


@pytest.mark.parametrize("organisations", [0, 1, 3])
def test_json_written_piece_by_piece_is_the_one_document(tmp_path: Path,
                                                         organisations: int) -> None:
    record = make_record(items=make_items([(1, "post"), (3, "reply")]),
                         notes=("a \"quoted\"\nnote\twith\u2028odd characters",))
    result = make_audit(*[_organisation(record) for _ in range(organisations)])
    write_json(result, tmp_path / "report.json")
    expected = dumps(report_data(result)) + "\n"  # U+2028 written as \u2028 (issue 17)
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == expected


def test_html_written_as_rendered_is_the_rendered_page(demo_records: Path,
                                                       tmp_path: Path) -> None:
    config = load_config(sample_pages_dir() / "demo.toml")
    result = judge_audit(config, read_records(demo_records), as_of=AS_OF,
                         generated_at=GENERATED)
    write_html(result, tmp_path / "report.html")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == render_html(result)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_post_pickles_with_every_field() -> None:
    """Item pickles by position (speed); a field added later must not be dropped."""
    values = {"id": "7", "published_at": AS_OF, "kind": "reply", "url": "https://m.example/7",
              "pinned": True, "text": "hallo", "links": ("https://a.example",),
              "format": "video", "comments": 4, "likes": 5, "shares": 6, "quotes": 7,
              "views": 8, "media": 9, "response_seconds": 10}
    assert set(values) == {f.name for f in fields(Item)}
    item = Item(**values)
    assert pickle.loads(pickle.dumps(item)) == item
