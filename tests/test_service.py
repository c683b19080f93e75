"""After the crawl, the reports are written whatever else fails: a history file that is
locked, corrupted, replaced or of another shape is a warning, a full disk loses only the
report it hits, a bug exits 4 naming the records to judge again; and one --out holds one
audit at a time, with no reports of an earlier one beside it."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor import history, history_cli
from auditor.cli import main
from auditor.history import HistoryStore
from auditor.outdir import LOCK
from tests.conftest import SAMPLE_PAGES, make_items, make_record

SPAAK = "https://mastodon.example/@spaak"
CONFIG = ('[audit]\nname = "Spaak"\nas_of = "2026-11-01"\n[[organisation]]\nname = "Spaak"\n'
          f'profiles = ["{SPAAK}"]\n')
REPORTS = ("report.html", "report.json", "report.csv", "report.md")


@pytest.fixture()
def audit(tmp_path: Path) -> dict[str, Path]:
    """A config, the records of its crawl (read before: nothing is fetched), an --out."""
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG, encoding="utf-8")
    records = tmp_path / "records.jsonl"
    record = make_record(url=SPAAK, items=make_items([(d, "original") for d in (3, 10, 40)]))
    records.write_text(json.dumps(record.to_dict()) + "\n", encoding="utf-8")
    return {"config": config, "records": records, "out": tmp_path / "out",
            "db": tmp_path / "audit.history.sqlite"}


def judge(audit: dict[str, Path], *extra: str) -> int:
    return main(["audit", str(audit["config"]), "--from-records", str(audit["records"]),
                 "--out", str(audit["out"]), *extra])


def raw(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def auditor_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("auditor: ")]


def reports_written(out: Path, names: tuple[str, ...] = REPORTS) -> None:
    for name in names:
        assert (out / name).stat().st_size > 0, name


@pytest.fixture()
def after_begin(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Run each callable appended to the list once the audit's run is begun in the history
    (what another program does to the file while the audit crawls)."""
    actions: list[Any] = []
    real = history_cli.begin_run

    def begin_run(db_path: Any, *args: Any, **kwargs: Any) -> int:
        run_id = real(db_path, *args, **kwargs)
        for action in actions:
            action(Path(db_path))
        return run_id

    monkeypatch.setattr(history_cli, "begin_run", begin_run)
    yield actions


def _drop(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


# --- the history file fails after the crawl: a warning, the reports are written ------------


def test_a_history_locked_past_the_busy_timeout_is_a_warning_and_the_reports_are_written(
        audit: dict[str, Path], after_begin: list[Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(history, "BUSY_TIMEOUT_S", 0.2)
    holders: list[sqlite3.Connection] = []

    def lock(db: Path) -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # another writer, holding the file
        holders.append(conn)

    after_begin.append(lock)
    try:
        assert judge(audit, "--db", str(audit["db"])) == 0
    finally:
        for conn in holders:
            conn.close()
    lines = auditor_lines(capsys.readouterr().err)
    assert len(lines) == 1, lines
    assert lines[0].startswith("auditor: warning: --db: ")
    assert "locked by another program" in lines[0] and "not stored" in lines[0]
    reports_written(audit["out"])
    # the run stays as begun (incomplete, no profiles), the file is consistent
    assert raw(audit["db"], "SELECT completed FROM runs") == [(0,)]
    assert raw(audit["db"], "SELECT COUNT(*) FROM profiles") == [(0,)]


def test_a_history_corrupted_during_the_audit_is_a_warning(
        audit: dict[str, Path], after_begin: list[Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    def corrupt(db: Path) -> None:
        _drop(db)
        db.write_bytes(b"not a database any more " * 200)

    after_begin.append(corrupt)
    assert judge(audit, "--db", str(audit["db"])) == 0
    captured = capsys.readouterr()
    lines = auditor_lines(captured.err)
    assert len(lines) == 1 and lines[0].startswith("auditor: warning: --db: "), lines
    assert "not a usable history file" in lines[0]
    assert "Traceback" not in captured.err
    reports_written(audit["out"])


def test_a_history_replaced_by_a_file_of_another_shape_is_a_warning(
        audit: dict[str, Path], after_begin: list[Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    def reshape(db: Path) -> None:
        _drop(db)
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, note TEXT)")
        conn.execute(f"PRAGMA user_version = {history.SCHEMA_VERSION}")
        conn.commit()
        conn.close()

    after_begin.append(reshape)
    assert judge(audit, "--db", str(audit["db"])) == 0
    lines = auditor_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "not an auditor history file" in lines[0], lines
    reports_written(audit["out"])
    assert raw(audit["db"], "SELECT name FROM sqlite_master") == [("runs",)]  # left as it was


def test_a_history_replaced_by_another_history_keeps_that_ones_runs(
        audit: dict[str, Path], after_begin: list[Any], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite"
    first = judge({**audit, "out": tmp_path / "first"}, "--db", str(other))
    assert first == 0
    before = raw(other, "SELECT run_id, url FROM profiles")
    assert before == [(1, SPAAK)]
    capsys.readouterr()

    def replace(db: Path) -> None:  # its run 1 is another audit's
        _drop(db)
        shutil.copy(other, db)

    after_begin.append(replace)
    assert judge(audit, "--db", str(audit["db"])) == 0
    lines = auditor_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "not this audit's run" in lines[0], lines
    reports_written(audit["out"])
    assert raw(audit["db"], "SELECT run_id, url FROM profiles") == before
    assert raw(audit["db"], "SELECT id, completed FROM runs") == [(1, 1)]


def test_an_unrelated_sqlite_file_is_refused_before_the_crawl_and_left_as_it_was(
        audit: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "customers.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    conn.execute("INSERT INTO customers VALUES (1, 'Spaak')")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    code = main(["audit", str(audit["config"]), "--replay", str(SAMPLE_PAGES), "--out",
                 str(audit["out"]), "--db", str(foreign)])
    assert code == 2
    lines = auditor_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "another program" in lines[0] and "customers" in lines[0]
    assert foreign.read_bytes() == before  # not extended, not even switched to WAL
    assert not (audit["out"] / "records.jsonl").exists()  # nothing was crawled
    for name in REPORTS:
        assert not (audit["out"] / name).exists()


# --- a full disk: the other reports are written, the records stay ------------------------


def _full(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(("target", "lost"), [
    ("auditor.report.html.open_atomic", ("report.html",)),
    ("auditor.report.json_report.JsonReportWriter.append", ("report.json",)),
    ("auditor.report.csv_report.CsvReportWriter.finish", ("report.csv",)),
    ("auditor.spool.OrganisationSpool.append", ("report.html", "report.md")),
])
def test_a_full_disk_loses_only_the_reports_it_hits(
        audit: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], target: str, lost: tuple[str, ...]) -> None:
    assert judge(audit) == 0  # an earlier audit's reports, which must not be left behind
    capsys.readouterr()
    monkeypatch.setattr(target, _full)
    assert judge(audit) == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = auditor_lines(err)
    for name in lost:
        assert not (audit["out"] / name).exists(), name
        assert any(f"{name} could not be written: the disk is full (No space left on device)"
                   in line for line in lines), lines
    reports_written(audit["out"], tuple(name for name in REPORTS if name not in lost))
    assert any(f"--from-records {audit['records']}" in line for line in lines), lines
    assert audit["records"].read_text(encoding="utf-8").count("\n") == 1
    leftovers = [p.name for p in audit["out"].iterdir() if p.name.startswith(".report")]
    assert leftovers == []  # no half-written report left beside the others


# --- a bug: exit code 4, one line, the records to judge again ----------------------------


def test_an_unexpected_crash_exits_4_naming_the_records(
        audit: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the metrics")

    monkeypatch.setattr("auditor.service.judge_audit", broken)
    assert judge(audit) == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = auditor_lines(err)
    assert line.startswith("auditor: internal error (RuntimeError: a bug in the metrics)")
    assert f"--from-records {audit['records']} --out {audit['out']}" in line
    assert "RuntimeError" in (audit["out"] / "error.log").read_text(encoding="utf-8")
    monkeypatch.undo()
    assert judge(audit) == 0  # what the line says to do works
    reports_written(audit["out"])


def test_a_crash_after_a_real_crawl_keeps_its_records_for_from_records(
        audit: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = audit["out"]
    monkeypatch.setattr("auditor.service.judge_audit", lambda *a, **k: 1 / 0)
    assert main(["audit", str(audit["config"]), "--replay", str(SAMPLE_PAGES), "--out",
                 str(out), "--no-history"]) == 4
    (line,) = auditor_lines(capsys.readouterr().err)
    records = out / "records.jsonl"
    assert f"--from-records {records}" in line
    assert json.loads(records.read_text(encoding="utf-8"))["url"] == SPAAK
    monkeypatch.undo()
    assert main(["audit", str(audit["config"]), "--from-records", str(records), "--out",
                 str(out)]) == 0
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))[
        "organisations"][0]["profiles"][0]["outcome"] == "ok"


# --- one audit at a time in one --out, and no reports of an earlier one beside it ----------


def test_a_second_audit_into_the_same_out_is_refused(
        audit: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out = audit["out"]
    out.mkdir()
    with (out / LOCK).open("w", encoding="utf-8") as held:  # the first audit, still writing
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        assert judge(audit) == 2
    (line,) = auditor_lines(capsys.readouterr().err)
    assert line == (f"auditor: another audit is writing to {out} (pid 4242); wait for it "
                    "to finish, or give another --out")
    assert sorted(p.name for p in out.iterdir()) == [LOCK]  # nothing written
    assert judge(audit) == 0  # once the first one is done


def test_reports_of_an_earlier_audit_in_other_formats_are_removed(
        audit: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert judge(audit) == 0
    reports_written(audit["out"])
    capsys.readouterr()
    assert judge(audit, "--format", "md") == 0
    assert sorted(p.name for p in audit["out"].glob("report.*")) == ["report.md"]
    lines = auditor_lines(capsys.readouterr().err)
    assert lines == [f"auditor: removed report.html, report.json, report.csv, report.xlsx from "
                     f"{audit['out']}: an earlier audit's reports, in formats this run did "
                     "not write"]


# --- the demo writes nothing beside its bundled config ------------------------------------


def test_the_demo_config_keeps_its_history_in_out_not_in_sample_pages(tmp_path: Path) -> None:
    beside = SAMPLE_PAGES / "demo.history.sqlite"
    existed = beside.exists()
    before = beside.stat().st_mtime_ns if existed else None
    out = tmp_path / "demo-report"
    try:
        assert main(["audit", str(SAMPLE_PAGES / "demo.toml"), "--replay", str(SAMPLE_PAGES),
                     "--out", str(out), "--format", "json"]) == 0
        assert beside.exists() == existed
        assert (beside.stat().st_mtime_ns if existed else None) == before
    finally:
        if not existed:
            _drop(beside)
    with HistoryStore(out / "demo.history.sqlite") as store:
        # the demo's two earlier months ([[history.earlier]]), then this audit
        assert [run.completed for run in store.runs()] == [True, True, True]
