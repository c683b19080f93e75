"""report.json (the contract in DESIGN.md) and report.csv (for spreadsheets)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from auditor import cli
from auditor.audit import AuditResult, OrganisationResult
from auditor.report.csv_report import COLUMNS, write_csv
from auditor.report.json_report import report_data, write_json
from tests.conftest import COMPLETE_PROFILE, judged, make_audit, make_items, make_record

CONTRACT_METRICS = {"last_post_at", "days_since_last_post", "posts_per_week", "reply_share",
                    "repost_share", "sampled_items", "completeness"}
CONTRACT_PROFILE = {"url", "platform", "handle", "outcome", "outcome_detail", "metrics",
                    "flags", "observation"}


def two_profiles() -> OrganisationResult:
    dead = make_record(url="https://mastodon.example/@dead", items=make_items([(212, "original")]))
    walled = make_record(url="https://mastodon.example/@walled", outcome="blocked",
                         outcome_detail="HTTP 401", profile=None)
    return OrganisationResult("Spaak", "client", "https://www.spaak.example",
                              (judged(dead), judged(walled)))


def test_json_carries_every_contract_field_and_null_for_unknown(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_json(make_audit(two_profiles()), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {"name", "as_of", "generated_at", "tool_version"} <= set(data["audit"])
    dead, walled = data["organisations"][0]["profiles"]
    for profile in (dead, walled):
        assert set(profile) >= CONTRACT_PROFILE
        assert set(profile["metrics"]) >= CONTRACT_METRICS
        assert {"score", "checks"} <= set(profile["metrics"]["completeness"])
    assert [f["code"] for f in dead["flags"]] == ["DEAD"]
    assert dead["flags"][0]["reason"] == "last post 212 days ago, threshold 90"
    assert dead["metrics"]["days_since_last_post"] == 212
    # unknown is null (present, not omitted, not 0), and the reason is given
    assert walled["outcome"] == "blocked"
    assert walled["metrics"]["days_since_last_post"] is None
    assert walled["metrics"]["posts_per_week"] is None
    assert walled["metrics"]["completeness"]["score"] is None
    assert walled["metrics"]["null_reasons"]["posts_per_week"]
    assert [f["code"] for f in walled["flags"]] == ["UNAUDITABLE"]
    # what a person saw is there only for outcome "observed" (tests/test_observations.py)
    assert dead["observation"] is None and walled["observation"] is None


def test_json_is_plain_data_for_every_value() -> None:
    data = report_data(make_audit(two_profiles()))
    assert json.loads(json.dumps(data)) == data  # no datetime or tuple left behind


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_one_row_per_profile_with_stable_columns(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    write_csv(make_audit(two_profiles()), path)
    dead, walled = read_csv(path)
    assert dead["url"] == "https://mastodon.example/@dead"
    assert dead["flags"] == "DEAD"
    assert dead["days_since_last_post"] == "212"
    assert walled["days_since_last_post"] == ""  # unknown is an empty cell, not 0
    assert walled["flags"] == "UNAUDITABLE"


def test_csv_defuses_formulas_and_control_characters(tmp_path: Path) -> None:
    hostile = make_record(url="https://mastodon.example/@x", outcome="error",
                          outcome_detail='  =HYPERLINK("https://evil.example")\x1b[31m\x00')
    org = OrganisationResult("-2+3", "client", None, (judged(hostile),))
    path = tmp_path / "report.csv"
    write_csv(make_audit(org), path)
    (row,) = read_csv(path)
    assert row["organisation"] == "'-2+3"
    assert row["outcome_detail"].startswith("'")
    assert "\x1b" not in row["outcome_detail"] and "\x00" not in row["outcome_detail"]


def test_csv_caps_huge_cells(tmp_path: Path) -> None:
    huge = make_record(url="https://mastodon.example/@x", outcome="error",
                       outcome_detail="x" * 100_000)
    path = tmp_path / "report.csv"
    write_csv(make_audit(OrganisationResult("O", "client", None, (judged(huge),))), path)
    (row,) = read_csv(path)
    assert len(row["outcome_detail"]) <= 2000


#: Characters that rewrite how the text around them is shown: C1 controls (U+009B is a
#: terminal's CSI), bidi overrides and isolates, line and paragraph separators.
SPOOFING = "\x85\x9b31m\u202egnp.exe\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u2028\u2029"


def spoofing_audit() -> AuditResult:
    record = make_record(url="https://mastodon.example/@x", outcome="error",
                         outcome_detail=f"server said {SPOOFING}",
                         profile=replace(COMPLETE_PROFILE, display_name=f"Zoë {SPOOFING}"))
    return make_audit(OrganisationResult(f"Fietsen — {SPOOFING}", "client", None,
                                         (judged(record),)))


def assert_escaped(text: str) -> None:
    for char in SPOOFING:
        if char.isascii():
            continue
        assert char not in text, repr(char)
        assert f"\\u{ord(char):04x}" in text, repr(char)
    assert "Zoë" in text and "—" in text  # other non-ASCII text stays readable


def test_report_json_escapes_controls_and_bidi_overrides(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_json(spoofing_audit(), path)
    text = path.read_text(encoding="utf-8")
    assert_escaped(text)
    data = json.loads(text)
    assert data["organisations"][0]["name"] == f"Fietsen — {SPOOFING}"  # the same data
    assert data["organisations"][0]["profiles"][0]["display_name"] == f"Zoë {SPOOFING}"


def test_check_json_escapes_controls_and_bidi_overrides(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def fake_run(request: Any, *, present: Any = None) -> SimpleNamespace:
        present(spoofing_audit())
        return SimpleNamespace(cut_short=False, warnings=(), completed=True, missing=0,
                               problems=(), nothing_fetched=None)

    monkeypatch.setattr(cli, "run_audit", fake_run)
    assert cli.main(["check", "https://mastodon.example/@x", "--json"]) == 0
    printed = capsys.readouterr().out
    assert_escaped(printed)
    assert json.loads(printed)["organisations"][0]["name"] == f"Fietsen — {SPOOFING}"
