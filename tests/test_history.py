"""The history store: what a run keeps, migrations, concurrent writers, crashes, commands.

The tests that take ``db`` run twice: on an SQLite file and on a PostgreSQL database of
the throwaway server (tests/postgres.py), so both backends pass the same tests.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor.config import config_from_data, load_config
from auditor.history import MIGRATIONS, SCHEMA_VERSION, HistoryError, HistoryStore, Migration
from auditor.history_cli import (
    add_commands,
    begin_run,
    render_changes,
    resolve_db_path,
    run_command,
    store_run,
)
from auditor.historydb import PG_VERSION_TABLE, DbTarget, PostgresURL, postgres_sql
from auditor.snapshots import avatar_hash, config_hash, default_db_path, snapshot_of, text_hash
from tests.test_changes import (
    CONFIG_DATA,
    CONFIG_TOML,
    NIEUWS,
    RATEL,
    SPAAK,
    T1,
    T2,
    T3,
    run_result,
    scenario_config,
)

SPAWN = multiprocessing.get_context("spawn")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="auditor")
    add_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(list(argv))


def command(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_command(parse(*argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> DbTarget:
    """A history not created yet: an SQLite file's path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "h.sqlite"
    return request.getfixturevalue("postgres_server").new_database()


def db_arg(db: DbTarget) -> str:
    """``--db``'s value for ``db`` (a PostgreSQL URL with its password, as a user types it)."""
    if isinstance(db, PostgresURL):
        scheme, _, rest = db.url.partition("://")
        user, _, host = rest.partition("@")
        from urllib.parse import quote
        return f"{scheme}://{user}:{quote(db.password or '', safe='')}@{host}"
    return str(db)


def raw(db: DbTarget, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows read past the store (SQLite's SQL; placeholders translated for PostgreSQL)."""
    if isinstance(db, PostgresURL):
        import psycopg

        with psycopg.connect(db.url, password=db.password, autocommit=True) as pg:
            cursor = pg.execute(postgres_sql(sql), params)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def schema_version(db: DbTarget) -> int:
    if isinstance(db, PostgresURL):
        if not raw(db, "SELECT 1 FROM information_schema.tables WHERE table_name = ?",
                   (PG_VERSION_TABLE,)):
            return 0
        return int(raw(db, f"SELECT max(version) FROM {PG_VERSION_TABLE}")[0][0])
    return int(raw(db, "PRAGMA user_version")[0][0])


def set_schema_version(db: DbTarget, version: int) -> None:
    if isinstance(db, PostgresURL):
        raw(db, f"CREATE TABLE {PG_VERSION_TABLE} (version INTEGER NOT NULL)")
        raw(db, f"INSERT INTO {PG_VERSION_TABLE} VALUES (?)", (version,))
        return
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {version}")


def table_names(db: DbTarget) -> set[str]:
    if isinstance(db, PostgresURL):
        return {row[0] for row in raw(db, "SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = current_schema()")}
    return {row[0] for row in raw(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}


# --- what a run keeps --------------------------------------------------------------------


def test_a_run_keeps_times_facts_flags_and_items(tmp_path: Path, db: DbTarget) -> None:
    config = scenario_config(tmp_path / "audit.toml")
    started = datetime(2026, 9, 2, 0, 30, tzinfo=UTC)
    run_id = store_run(db, config, run_result(2, config), completed=True, started_at=started)

    (run,) = raw(db, "SELECT audit_name, config_path, config_hash, tool_version, started_at, "
                     "as_of, generated_at, completed, window_days FROM runs WHERE id = ?",
                 (run_id,))
    assert run[0] == "Presence audit"
    assert run[1] == str((tmp_path / "audit.toml").resolve())
    assert run[2] == config_hash(config) and len(run[2]) == 64
    assert run[3] == run_result(2).tool_version
    assert run[4] == "2026-09-02T00:30:00.000000+00:00"  # ISO, UTC
    assert run[5] == "2026-10-02T00:00:00.000000+00:00"
    assert run[6] == "2026-10-02T01:00:00.000000+00:00"
    assert run[7:] == (1, 90)

    rows = raw(db, "SELECT url, organisation, outcome, checked, display_name, bio_hash, "
                   "avatar_hash, posts_total FROM profiles WHERE run_id = ? ORDER BY position",
               (run_id,))
    assert [row[0] for row in rows] == [SPAAK, NIEUWS, "https://mastodon.example/@spaak_oud",
                                        RATEL]
    spaak = next(p for p in run_result(2).profiles() if p.record.url == SPAAK).record
    assert spaak.profile is not None
    assert rows[0][1:] == ("Spaak Fietsen", "ok", 1, "Fietsenmaker Spaak",
                           text_hash(spaak.profile.bio), avatar_hash(spaak.profile.avatar_url),
                           512)
    assert rows[3][6] is None  # Ratel's photo is gone: unknown, not a hash of ""
    metrics = json.loads(raw(db, "SELECT metrics_json FROM profiles WHERE url = ?",
                             (SPAAK,))[0][0])
    assert metrics["own_posts"] == 25 and metrics["completeness"]["score"] == 100

    flags = raw(db, "SELECT url, code, severity FROM flags WHERE run_id = ?", (run_id,))
    assert sorted(flags) == [(RATEL, "INCOMPLETE", "high"),
                             ("https://mastodon.example/@spaak_oud", "STALE", "medium")]
    items = raw(db, "SELECT item_id, published_at, kind FROM items WHERE url = ? "
                    "ORDER BY published_at DESC", (SPAAK,))
    assert len(items) == 25
    assert items[0] == ("0", "2026-10-01T00:00:00.000000+00:00", "reply")


def test_hashes_and_config_hash() -> None:
    assert text_hash(None) is None and text_hash("") != text_hash(" bio ") == text_hash("bio")
    assert avatar_hash("https://cdn.example/a.jpg?sig=1") == avatar_hash(
        "https://cdn.example/a.jpg?sig=2")
    assert avatar_hash("https://cdn.example/a.jpg") != avatar_hash("https://cdn.example/b.jpg")
    assert config_hash(scenario_config()) == config_hash(scenario_config())
    stricter = config_from_data({**CONFIG_DATA, "thresholds": {"dead_after_days": 60}},
                                path=None)
    assert config_hash(stricter) != config_hash(scenario_config())


def test_default_db_path_is_beside_the_config(tmp_path: Path) -> None:
    assert default_db_path(tmp_path / "clients" / "q4.toml") == (
        tmp_path / "clients" / "q4.history.sqlite")
    config = scenario_config(tmp_path / "audit.toml")
    assert resolve_db_path(None, config) == tmp_path / "audit.history.sqlite"
    assert resolve_db_path(tmp_path / "x.db", config) == tmp_path / "x.db"
    assert resolve_db_path(None, scenario_config()) is None


def test_the_file_is_created_on_first_use_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    assert not db.exists()
    with HistoryStore(db) as store:
        mode = store.connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert db.is_file()
    assert raw(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_a_missing_folder_or_a_file_that_is_no_database_is_a_clear_error(
        tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="does not exist"):
        HistoryStore(tmp_path / "nowhere" / "h.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all, just some text " * 20)
    with pytest.raises(HistoryError, match="not a usable history file"):
        HistoryStore(junk)


def test_an_incomplete_run_is_stored_as_incomplete(tmp_path: Path, db: DbTarget) -> None:
    config = scenario_config(tmp_path / "audit.toml")
    run_id = store_run(db, config, run_result(1, config), completed=False, started_at=T1)
    with HistoryStore(db) as store:
        (run,) = store.runs()
        assert run.id == run_id and not run.completed and run.profiles == 4
        assert store.runs(completed=True) == []


# --- migrations --------------------------------------------------------------------------


def test_an_empty_file_is_migrated_to_the_current_version(db: DbTarget) -> None:
    if isinstance(db, Path):
        db.write_bytes(b"")  # a v0 file: what sqlite3 leaves after a bare connect
    assert schema_version(db) == 0 and table_names(db) == set()  # an empty database
    with HistoryStore(db):
        pass
    assert {"runs", "profiles", "flags", "items", "answers", "timelines",
            "avatars"} <= table_names(db)
    assert schema_version(db) == SCHEMA_VERSION


def test_a_file_at_the_current_version_is_opened_as_it_is(tmp_path: Path,
                                                           db: DbTarget) -> None:
    config = scenario_config(tmp_path / "audit.toml")
    first = store_run(db, config, run_result(1, config), completed=True, started_at=T1)
    with HistoryStore(db) as store:  # opening again must not re-create anything
        assert [run.id for run in store.runs()] == [first]
        assert store.load_run(first).profiles[0].url == SPAAK
    assert schema_version(db) == SCHEMA_VERSION


def test_migration_steps_run_in_order_from_the_file_version(tmp_path: Path,
                                                             db: DbTarget) -> None:
    config = scenario_config(tmp_path / "audit.toml")
    first = store_run(db, config, run_result(1, config), completed=True, started_at=T1)
    later = (*MIGRATIONS,
             Migration(SCHEMA_VERSION + 1, "a label per run",
                       ("ALTER TABLE runs ADD COLUMN label TEXT",)),
             Migration(SCHEMA_VERSION + 2, "label the old runs",
                       ("UPDATE runs SET label = 'before v3'",)))
    with HistoryStore(db, migrations=later):
        pass
    assert schema_version(db) == SCHEMA_VERSION + 2
    assert raw(db, "SELECT id, label FROM runs") == [(first, "before v3")]


def test_a_failing_migration_leaves_the_file_as_it_was(db: DbTarget) -> None:
    with HistoryStore(db):
        pass
    broken = (*MIGRATIONS,
              Migration(SCHEMA_VERSION + 1, "ok", ("CREATE TABLE extra (x INTEGER)",)),
              Migration(SCHEMA_VERSION + 2, "broken", ("THIS IS NOT SQL",)))
    with pytest.raises(HistoryError, match=r"schema version .* failed.*left as it was"):
        HistoryStore(db, migrations=broken)
    assert schema_version(db) == SCHEMA_VERSION
    assert "extra" not in table_names(db)


def test_a_file_from_a_newer_auditor_is_refused(tmp_path: Path, db: DbTarget) -> None:
    set_schema_version(db, SCHEMA_VERSION + 1)
    with pytest.raises(HistoryError, match="newer auditor") as caught:
        HistoryStore(db)
    assert f"schema version {SCHEMA_VERSION + 1}" in str(caught.value)
    assert schema_version(db) == SCHEMA_VERSION + 1  # untouched
    assert table_names(db) <= {PG_VERSION_TABLE}
    config_file = tmp_path / "audit.toml"
    config_file.write_text(CONFIG_TOML, encoding="utf-8")
    code, out, err = command("history", str(config_file), "--db", db_arg(db))
    assert code == 2 and out == ""
    assert "newer auditor" in err and "Upgrade the auditor" in err


# --- concurrent writers and crashes --------------------------------------------------------


def _writer(db: str, config_path: str, label: str, runs: int, start: Any) -> None:
    config = scenario_config(Path(config_path))
    result = run_result(1, config)
    start.wait(30)
    for _ in range(runs):
        store_run(db, config, result, completed=True, started_at=datetime.now(UTC))


def test_two_writers_at_once_both_land_and_the_file_stays_consistent(tmp_path: Path,
                                                                      db: DbTarget) -> None:
    # db is not created yet: both also race to create the schema
    start = SPAWN.Event()
    runs = 6
    workers = [SPAWN.Process(target=_writer, args=(db_arg(db), str(tmp_path / "audit.toml"),
                                                    label, runs, start))
               for label in ("a", "b")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    with HistoryStore(db) as store:
        assert store.integrity_ok()
        stored = store.runs()
        assert len(stored) == 2 * runs
        assert all(run.completed and run.profiles == 4 and run.flags == 1 for run in stored)
        items = store.connection.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        assert items == 2 * runs * (25 * 4)


def _crashing_writer(db: str, config_path: str, ready: Any) -> None:
    config = scenario_config(Path(config_path))
    result = run_result(1, config)
    run_id = begin_run(db, config, started_at=T1, as_of=T1)
    with HistoryStore(db) as store, store.transaction() as conn:
        store.insert_profiles(conn, run_id, result)
        ready.set()  # profiles written, not committed: kill me now
        time.sleep(60)


def test_a_run_killed_midway_stays_incomplete_and_the_file_opens(tmp_path: Path,
                                                                  db: DbTarget) -> None:
    config = scenario_config(tmp_path / "audit.toml")
    earlier = store_run(db, config, run_result(1, config), completed=True, started_at=T1)
    ready = SPAWN.Event()
    worker = SPAWN.Process(target=_crashing_writer,
                           args=(db_arg(db), str(tmp_path / "audit.toml"), ready))
    worker.start()
    try:
        assert ready.wait(60), "the writer never got going"
    finally:
        os.kill(worker.pid or 0, signal.SIGKILL)
        worker.join(30)
    assert worker.exitcode == -signal.SIGKILL
    with HistoryStore(db) as store:
        assert store.integrity_ok()
        crashed = store.runs()[-1]
        assert crashed.id != earlier and not crashed.completed
        assert crashed.profiles == 0  # the uncommitted profiles are gone, not half there
        assert [run.id for run in store.runs(completed=True)] == [earlier]
        # The file is writable again at once.
        later = store_run(db, config, run_result(2, config), completed=True, started_at=T2)
    assert later > crashed.id  # type: ignore[operator]


# --- the history and diff commands -------------------------------------------------------


@pytest.fixture()
def audited(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A config file and three complete runs plus an incomplete one: in the default db, or
    (``audited_pg``) in a PostgreSQL database given with ``--db``."""
    config_file = tmp_path / "audit.toml"
    config_file.write_text(CONFIG_TOML, encoding="utf-8")
    config = load_config(config_file)
    db: DbTarget = default_db_path(config_file)
    args: tuple[str, ...] = ()
    if getattr(request, "param", "sqlite") == "postgres":
        db = request.getfixturevalue("postgres_server").new_database()
        args = ("--db", db_arg(db))
    ids = [store_run(db, config, run_result(1, config), completed=True, started_at=T1),
           store_run(db, config, run_result(2, config), completed=True, started_at=T2),
           store_run(db, config, run_result(2, config), completed=False, started_at=T2),
           store_run(db, config, run_result(3, config), completed=True, started_at=T3)]
    return {"config": config_file, "db": db, "ids": ids, "args": args}


BOTH = pytest.mark.parametrize("audited", ["sqlite", "postgres"], indirect=True)


@BOTH
def test_history_lists_runs_newest_first(audited: dict[str, Any]) -> None:
    code, out, err = command("history", str(audited["config"]), *audited["args"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"Audit runs of “Presence audit” in {audited['db']}:"
    assert lines[1].split() == ["run", "as", "of", "generated", "(UTC)", "status", "profiles",
                                "flags"]
    rows = [line.split() for line in lines[2:]]
    ids = audited["ids"]
    assert rows[0] == [str(ids[3]), "2026-11-01", "2026-11-01", "01:00", "complete", "4", "1"]
    assert rows[1] == [str(ids[2]), "2026-10-02", "2026-10-02", "01:00", "incomplete", "4",
                       "2"]
    assert [row[0] for row in rows] == [str(i) for i in reversed(ids)]


@BOTH
def test_history_json(audited: dict[str, Any]) -> None:
    code, out, _ = command("history", str(audited["config"]), *audited["args"], "--json")
    data = json.loads(out)
    assert code == 0
    assert data["db"] == str(audited["db"]) and data["name"] == "Presence audit"
    assert data["schema_version"] == SCHEMA_VERSION
    assert [run["id"] for run in data["runs"]] == audited["ids"]
    first = data["runs"][0]
    assert set(first) >= {"id", "as_of", "generated_at", "started_at", "completed",
                          "profiles", "flags", "tool_version", "config_hash"}
    assert first["as_of"] == "2026-09-02T00:00:00+00:00"
    assert first["completed"] is True and first["profiles"] == 4 and first["flags"] == 1
    assert data["runs"][2]["completed"] is False


def test_history_with_no_file_yet(tmp_path: Path) -> None:
    config_file = tmp_path / "audit.toml"
    config_file.write_text(CONFIG_TOML, encoding="utf-8")
    code, out, _ = command("history", str(config_file))
    assert code == 0 and "No audit runs" in out and "not created yet" in out
    assert not default_db_path(config_file).exists()
    code, _, err = command("diff", str(config_file))
    assert code == 2 and "no history" in err


@BOTH
def test_diff_defaults_to_the_last_two_complete_runs(audited: dict[str, Any]) -> None:
    ids = audited["ids"]
    code, out, err = command("diff", str(audited["config"]), *audited["args"])
    assert code == 0, err
    lines = out.splitlines()
    # The incomplete run (ids[2]) is skipped.
    assert lines[0] == (f"Changes from run {ids[1]} (as of 2026-10-02) to run {ids[3]} "
                        "(as of 2026-11-01), 30 days")
    assert lines[1] == ("1 account came back; 1 profile not re-checked.")
    assert "Ratel Tweewielers (competitor)" in lines
    # The last reading of Ratel is the incomplete run's: it did read that profile.
    assert (f"    ? not re-checked (error: HTTP 502), last known verdict from run {ids[2]}: "
            "INCOMPLETE") in lines
    assert not any("cleared" in line for line in lines)
    assert "    · 18 posts since run 2 (30 days); 3.57 → 3.57 posts a week".replace(
        "run 2", f"run {ids[1]}") in lines


@BOTH
def test_diff_from_and_to(audited: dict[str, Any]) -> None:
    ids = audited["ids"]
    code, out, _ = command("diff", str(audited["config"]), *audited["args"],
                           "--from", str(ids[0]),
                           "--to", str(ids[1]))
    assert code == 0
    assert "    - BROADCAST_ONLY cleared (was: 0% of 25 own posts in the last 90 days are " \
           "replies to others, threshold 10%)" in out.splitlines()
    assert "    ! went quiet (STALE): last post 35 days ago" in out.splitlines()
    assert "    * new bio" in out.splitlines()
    # --to alone compares with the complete run before it.
    code, out, _ = command("diff", str(audited["config"]), *audited["args"],
                           "--to", str(ids[1]))
    assert out.startswith(f"Changes from run {ids[0]} ")
    # --from alone compares with the latest complete run.
    code, out, _ = command("diff", str(audited["config"]), *audited["args"],
                           "--from", str(ids[0]))
    assert out.startswith(f"Changes from run {ids[0]} ") and f"to run {ids[3]} " in out


@BOTH
def test_diff_json_shape(audited: dict[str, Any]) -> None:
    ids = audited["ids"]
    code, out, _ = command("diff", str(audited["config"]), *audited["args"], "--json",
                           "--from", str(ids[0]),
                           "--to", str(ids[1]))
    assert code == 0
    data = json.loads(out)
    assert data["from_run"]["id"] == ids[0] and data["to_run"]["id"] == ids[1]
    assert data["from_run"]["as_of"] == "2026-09-02T00:00:00+00:00"
    assert data["days_between"] == 30
    assert data["counts"]["new_flags"] == 1 and data["counts"]["went_quiet"] == 1
    assert [o["name"] for o in data["organisations"]] == ["Spaak Fietsen", "Ratel Tweewielers"]
    ratel = data["organisations"][1]["profiles"][0]
    assert set(ratel) == {"url", "platform", "handle", "display_name", "status", "changed",
                          "flags_before", "flags_after", "verdict_run", "carried_flags",
                          "changes", "posting", "audience"}
    assert ratel["status"] == "changed" and ratel["flags_after"] == ["INCOMPLETE"]
    new = next(c for c in ratel["changes"] if c["kind"] == "flag_new")
    assert set(new) == {"kind", "message", "message_id", "numbers"}
    assert new["numbers"]["code"] == "INCOMPLETE"
    # posts_total 500 both times and the same rate: no posting news to tell
    assert ratel["posting"] is None


@BOTH
def test_diff_needs_two_complete_runs_and_known_run_ids(tmp_path: Path,
                                                        audited: dict[str, Any]) -> None:
    code, _, err = command("diff", str(audited["config"]), *audited["args"], "--from", "999")
    assert code == 2 and "no run 999" in err
    lonely = tmp_path / "lonely.toml"
    lonely.write_text(CONFIG_TOML, encoding="utf-8")
    config = load_config(lonely)
    store_run(default_db_path(lonely), config, run_result(1, config), completed=True,
              started_at=T1)
    code, out, err = command("diff", str(lonely))
    assert code == 2 and out == ""
    assert "needs two complete runs" in err and "found 1" in err


def test_a_bad_config_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[audit]\nname = 3\n", encoding="utf-8")
    code, _, err = command("history", str(bad))
    assert code == 2 and "audit.name" in err


def test_terminal_output_strips_escapes_from_scraped_text(tmp_path: Path) -> None:
    import dataclasses

    from auditor.audit import judge_audit
    from auditor.changes import changes_between
    from tests.conftest import COMPLETE_PROFILE, make_items, make_record

    config = scenario_config()
    evil = dataclasses.replace(COMPLETE_PROFILE, display_name="Evil\x1b]0;pwned\x07 \x1b[2J")
    records = [make_record(url=SPAAK, items=make_items([(1, "original")], as_of=T2),
                           profile=evil)]
    after = judge_audit(config, records, as_of=T2, generated_at=T2)
    text = render_changes(changes_between(snapshot_of(run_result(1), run_id=1),
                                          snapshot_of(after, run_id=2)))
    assert "\x1b" not in text and "\x07" not in text
    assert "new name: “Fietsenmaker Spaak” → “Evil”" in text


def test_store_run_continues_a_begun_run(tmp_path: Path, db: DbTarget) -> None:
    config = scenario_config(tmp_path / "audit.toml")
    run_id = begin_run(db, config, started_at=T3 - timedelta(hours=1), as_of=T3)
    with HistoryStore(db) as store:
        (begun,) = store.runs()
        assert not begun.completed and begun.as_of == T3 and begun.profiles == 0
    assert store_run(db, config, run_result(3, config), completed=True, started_at=T3,
                     run_id=run_id) == run_id
    with HistoryStore(db) as store:
        (done,) = store.runs()
        assert done.completed and done.profiles == 4 and done.generated_at is not None
