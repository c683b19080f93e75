"""``[[history.earlier]]``: earlier crawls start an empty history (auditor.seed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import ConfigError, load_config
from auditor.history import HistoryStore
from tests.conftest import SAMPLE_PAGES

BASE = '''[audit]
name = "Seeded"
[[organisation]]
name = "Spaak Fietsen"
profiles = ["https://mastodon.example/@spaak"]
'''


def write(tmp_path: Path, history: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(BASE + history, encoding="utf-8")
    return path


@pytest.mark.parametrize(("history", "message"), [
    ('[[history.earlier]]\nas_of = 2026-09-01\nrecords = "missing.jsonl"\n',
     "history.earlier[0].records: "),
    ('[[history.earlier]]\nas_of = "soon"\nrecords = "r.jsonl"\n',
     "history.earlier[0].as_of: 'soon' is not a date"),
    ('[[history.earlier]]\nas_of = 2026-09-01\n', "needs exactly `as_of`"),
    ('[history]\nlater = 1\n', "history.later: unknown key"),
    ('[[history.earlier]]\nas_of = 2026-09-01\nrecords = "r.jsonl"\n'
     '[[history.earlier]]\nas_of = 2026-09-01\nrecords = "r.jsonl"\n',
     "two earlier runs have the same as_of"),
])
def test_bad_earlier_runs_are_config_problems(tmp_path: Path, history: str,
                                              message: str) -> None:
    (tmp_path / "r.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, history))
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_earlier_runs_are_read_relative_to_the_config_oldest_first(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    config = load_config(write(tmp_path, '[[history.earlier]]\nas_of = 2026-10-01\n'
                                         'records = "b.jsonl"\n[[history.earlier]]\n'
                                         'as_of = 2026-09-01\nrecords = "a.jsonl"\n'))
    assert [(r.as_of.date().isoformat(), r.records.name) for r in config.earlier_runs] == [
        ("2026-09-01", "a.jsonl"), ("2026-10-01", "b.jsonl")]


def test_the_demo_starts_its_history_with_two_earlier_months(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    demo = str(SAMPLE_PAGES / "demo.toml")
    assert main(["audit", demo, "--replay", str(SAMPLE_PAGES), "--out", str(out),
                 "--format", "json,md"]) == 0
    assert "starts with the config's 2 earlier run(s)" in capsys.readouterr().err
    db = out / "demo.history.sqlite"
    with HistoryStore(db) as store:
        runs = store.runs()
    assert [run.as_of.date().isoformat() for run in runs if run.as_of] == [
        "2026-09-01", "2026-10-01", "2026-11-01"]
    assert all(run.completed for run in runs)
    # the report tells what changed since October's run
    assert "## Since the last audit (run 2, as of 2026-10-01)" in (
        out / "report.md").read_text(encoding="utf-8")
    # a history that has runs is never seeded again
    assert main(["audit", demo, "--replay", str(SAMPLE_PAGES), "--out", str(out),
                 "--format", "json"]) == 0
    assert "earlier run" not in capsys.readouterr().err
    with HistoryStore(db) as store:
        assert len(store.runs()) == 4
    # an audit dated before the earlier runs gets none of them
    early = tmp_path / "early"
    assert main(["audit", demo, "--replay", str(SAMPLE_PAGES), "--out", str(early),
                 "--format", "json", "--as-of", "2026-08-15"]) == 0
    with HistoryStore(early / "demo.history.sqlite") as store:
        assert len(store.runs()) == 1
