"""The history store: every audit run in one SQLite file (or a PostgreSQL database, see
:mod:`auditor.historydb`), so later runs can say what changed.

One file per config by default (``<config stem>.history.sqlite`` beside the config). Per run:
its times (UTC ISO strings), the config hash, the tool version and whether it completed. Per
profile: outcome, metrics, flags, the facts worth comparing (display name, bio hash, avatar
hash, post total) and the items seen (id, date, kind).

Safety rules:

- WAL journal, a busy timeout and short ``BEGIN IMMEDIATE`` transactions, so two audits
  writing at once wait for each other instead of failing or corrupting the file.
- A run row is written first with ``completed = 0``; its profiles and the completion mark
  come later in one transaction. A crash in between leaves a consistent file whose run is
  marked incomplete.
- The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` are applied in
  order on open, and a file from a newer auditor is refused with a clear message.

On PostgreSQL the same SQL runs with the same rules: a version table instead of the pragma,
an advisory lock instead of ``BEGIN IMMEDIATE`` (:mod:`auditor.historydb`).
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from auditor.answercache import CACHE_TABLES
from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import AuditConfig
from auditor.historydb import BUSY_TIMEOUT_S as BUSY_TIMEOUT_S
from auditor.historydb import (
    Database,
    DbTarget,
    PostgresURL,
    SqliteDatabase,
    connect,
    is_lock,
    parse_db,
    postgres_ddl,
)
from auditor.historydb import HistoryError as HistoryError
from auditor.historydb import sqlite_problem as sqlite_problem
from auditor.snapshots import (
    FlagSnapshot,
    ItemSnapshot,
    ProfileSnapshot,
    RunInfo,
    RunSnapshot,
    config_hash,
    config_path_key,
    from_utc_text,
    item_snapshots,
    message_json,
    profile_row,
    snapshot_from_row,
    stored_message,
    to_json,
    to_utc_text,
    with_changes,
)


@dataclass(frozen=True, slots=True)
class Migration:
    #: The schema version this step produces (steps run in order 1, 2, ...).
    version: int
    description: str
    #: Written for SQLite; on PostgreSQL translated by :func:`auditor.historydb.postgres_ddl`
    #: unless ``postgres`` gives the step's own statements.
    statements: tuple[str, ...]
    postgres: tuple[str, ...] | None = None


_FIRST: Final = (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            audit_name TEXT NOT NULL,
            config_path TEXT,
            config_hash TEXT,
            tool_version TEXT NOT NULL,
            started_at TEXT NOT NULL,
            as_of TEXT,
            generated_at TEXT,
            finished_at TEXT,
            window_days INTEGER,
            thresholds_json TEXT,
            profiles_missing INTEGER,
            completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1))
        )""",
        "CREATE INDEX runs_by_config ON runs (config_path)",
        "CREATE INDEX runs_by_name ON runs (audit_name)",
        """CREATE TABLE profiles (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            position INTEGER NOT NULL,
            organisation TEXT NOT NULL,
            role TEXT,
            platform TEXT NOT NULL,
            handle TEXT,
            outcome TEXT NOT NULL,
            outcome_detail TEXT,
            checked INTEGER NOT NULL CHECK (checked IN (0, 1)),
            fetched_at TEXT,
            display_name TEXT,
            bio_hash TEXT,
            avatar_hash TEXT,
            posts_total INTEGER,
            sample_exhausted INTEGER,
            metrics_json TEXT NOT NULL,
            PRIMARY KEY (run_id, url)
        )""",
        "CREATE INDEX profiles_by_url ON profiles (url, checked, run_id)",
        """CREATE TABLE flags (
            run_id INTEGER NOT NULL,
            url TEXT NOT NULL,
            code TEXT NOT NULL,
            severity TEXT NOT NULL,
            reason TEXT NOT NULL,
            evidence_json TEXT,
            FOREIGN KEY (run_id, url) REFERENCES profiles (run_id, url) ON DELETE CASCADE
        )""",
        "CREATE INDEX flags_by_profile ON flags (run_id, url)",
        """CREATE TABLE items (
            run_id INTEGER NOT NULL,
            url TEXT NOT NULL,
            item_id TEXT NOT NULL,
            published_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (run_id, url, item_id),
            FOREIGN KEY (run_id, url) REFERENCES profiles (run_id, url) ON DELETE CASCADE
        )""",
)
MIGRATIONS: tuple[Migration, ...] = (
    # PostgreSQL has no rowid: its flags keep their order in a column of their own.
    Migration(1, "runs, profiles, flags and items", _FIRST, postgres=(
        *(postgres_ddl(statement) for statement in _FIRST),
        "ALTER TABLE flags ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY")),
    # No new columns: from here on flags.reason and profiles.outcome_detail hold a message
    # (its id and parameters as JSON, see auditor.messages), never a sentence in some
    # language, and metrics_json's null reasons and notes too. Rows of version 1 hold
    # English sentences and are read as literal text.
    Migration(2, "reasons and details stored as message ids with parameters", ()),
    # What a re-audit needs to ask only for what is new (auditor.answercache).
    Migration(3, "answers, timelines and avatars kept for re-audits", CACHE_TABLES),
)
#: The schema version this auditor writes.
SCHEMA_VERSION: Final = MIGRATIONS[-1].version


# --- the store ---------------------------------------------------------------------------


class HistoryStore:
    """An open history file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path | PostgresURL, *, timeout: float | None = None,
                 migrations: Sequence[Migration] = MIGRATIONS) -> None:
        #: A path, or a PostgreSQL URL without its password: what messages show.
        self.path: DbTarget = parse_db(path)
        timeout = BUSY_TIMEOUT_S if timeout is None else timeout
        self.db: Database = connect(self.path, timeout=timeout)
        where = self.db.where
        try:
            # Before anything is written (even the switch to WAL): another program's
            # SQLite file given as --db is refused, never extended with our tables.
            refuse_foreign(self.db, migrations, where=where)
            if isinstance(self.db, SqliteDatabase):
                self.db.set_wal()
            migrate(self.db, migrations, where=where)
            check_shape(self.db, migrations, where=where)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if is_lock(exc):
                raise HistoryError(sqlite_problem(where, exc, timeout=timeout)) from None
            raise HistoryError(f"{where}: not a usable history file ({exc})") from None
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> Database:
        return self.db

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A short write transaction, taken at once (BEGIN IMMEDIATE, so SQLite's writers
        queue; on PostgreSQL writers of different runs go at once)."""
        self.db.begin_write()
        try:
            yield self.db
        except BaseException:
            with contextlib.suppress(*self.db.errors):
                self.db.rollback()
            raise
        self.db.commit()

    # -- writing --

    def begin_run(self, *, name: str, config_path: str | None, config_hash: str | None,
                  tool_version: str, started_at: datetime, as_of: datetime | None = None,
                  window_days: int | None = None) -> int:
        """Insert the run, not completed yet; return its id."""
        with self.transaction() as conn:
            return conn.insert_id(
                "INSERT INTO runs (audit_name, config_path, config_hash, tool_version, "
                "started_at, as_of, window_days, completed) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (name, config_path, config_hash, tool_version, to_utc_text(started_at),
                 to_utc_text(as_of), window_days))

    def finish_run(self, run_id: int, result: AuditResult, *, completed: bool,
                   finished_at: datetime | None = None) -> None:
        """Store every profile of ``result`` and the run's dates in one transaction;
        mark the run completed when ``completed``."""
        with self.run_writer(run_id) as writer:
            for organisation in result.organisations:
                writer.append(organisation)
            writer.finish(result, completed=completed, finished_at=finished_at)

    @contextmanager
    def run_writer(self, run_id: int, *,
                   started_at: datetime | None = None) -> Iterator[RunWriter]:
        """A run's profiles written as the audit is judged, one organisation at a time, in
        one transaction: call :meth:`RunWriter.finish` before the block ends, else nothing
        of the run's profiles is kept.

        With ``started_at`` (what :meth:`begin_run` was given), a run ``run_id`` that began
        at another time is refused: the file was replaced while the audit ran, and that run
        is someone else's."""
        with self.transaction() as conn:
            row = conn.execute("SELECT completed, started_at FROM runs WHERE id = ?",
                               (run_id,)).fetchone()
            if row is None:
                raise HistoryError(f"{self.path}: no run {run_id} (the file was replaced or "
                                   "emptied while the audit ran?)")
            if started_at is not None and row["started_at"] != to_utc_text(started_at):
                raise HistoryError(f"{self.path}: run {run_id} is not this audit's run (the "
                                   "file was replaced while the audit ran)")
            conn.execute("DELETE FROM profiles WHERE run_id = ?", (run_id,))
            writer = RunWriter(conn, run_id)
            yield writer
            if not writer.finished:
                raise HistoryError(f"{self.path}: run {run_id} was not finished")

    @classmethod
    def insert_profiles(cls, conn: Database, run_id: int,
                        result: AuditResult) -> None:
        """Write (or rewrite) a run's profiles; call inside :meth:`transaction`."""
        conn.execute("DELETE FROM profiles WHERE run_id = ?", (run_id,))
        writer = RunWriter(conn, run_id)
        for organisation in result.organisations:
            writer.append(organisation)

    @staticmethod
    def _insert_profile(conn: Database, run_id: int, profile: ProfileResult,
                        organisation: str, role: str | None, position: int) -> None:
        row = profile_row(profile, organisation, role, position)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        # A config lists each URL once; a repeated one keeps its first result.
        cursor = conn.execute(
            f"INSERT OR IGNORE INTO profiles (run_id, {columns}) VALUES (?, {marks})",
            (run_id, *row.values()))
        if cursor.rowcount == 0:
            return
        url = row["url"]
        conn.executemany(
            "INSERT INTO flags (run_id, url, code, severity, reason, evidence_json) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, url, flag.code, flag.severity, message_json(flag.reason),
              to_json(flag.evidence))
             for flag in profile.flags])
        conn.executemany(
            "INSERT OR IGNORE INTO items (run_id, url, item_id, published_at, kind) "
            "VALUES (?, ?, ?, ?, ?)",
            [(run_id, url, item.id, to_utc_text(item.published_at), item.kind)
             for item in item_snapshots(profile)])

    # -- reading --

    def runs(self, *, config_path: str | None = None, name: str | None = None,
             completed: bool | None = None) -> list[RunInfo]:
        """Runs of one config (same path, or same audit name), oldest first.

        With neither ``config_path`` nor ``name``: every run in the file.
        """
        where, params = _family(config_path, name)
        if completed is not None:
            where.append("r.completed = ?")
            params.append(int(completed))
        sql = (
            "SELECT r.*, "
            "(SELECT COUNT(*) FROM profiles p WHERE p.run_id = r.id) AS n_profiles, "
            "(SELECT COUNT(*) FROM flags f WHERE f.run_id = r.id) AS n_flags "
            "FROM runs r" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY r.id"
        )
        return [_run_info(row) for row in self.db.execute(sql, params)]

    def run(self, run_id: int) -> RunInfo | None:
        row = self.db.execute(
            "SELECT r.*, "
            "(SELECT COUNT(*) FROM profiles p WHERE p.run_id = r.id) AS n_profiles, "
            "(SELECT COUNT(*) FROM flags f WHERE f.run_id = r.id) AS n_flags "
            "FROM runs r WHERE r.id = ?", (run_id,)).fetchone()
        return _run_info(row) if row is not None else None

    def latest_complete_before(self, *, config_path: str | None, name: str | None,
                               as_of: datetime, generated_before: datetime,
                               exclude: int | None = None) -> RunInfo | None:
        """The latest complete run of this config dated no later than ``as_of`` and made
        before ``generated_before`` (so the run being rendered never compares with itself)."""
        candidates = [
            run for run in self.runs(config_path=config_path, name=name, completed=True)
            if run.id != exclude and run.as_of is not None and run.as_of <= as_of
            and run.generated_at is not None and run.generated_at < generated_before
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda run: (run.as_of, run.id or 0))

    def load_run(self, run_id: int, *, items: bool = True) -> RunSnapshot:
        """A stored run as a snapshot; a profile not re-checked carries its last reading."""
        info = self.run(run_id)
        if info is None:
            raise HistoryError(f"{self.path}: no run {run_id}")
        flags: dict[str, list[FlagSnapshot]] = {}
        for row in self.db.execute(
                "SELECT url, code, severity, reason FROM flags WHERE run_id = ? "
                f"ORDER BY {self.db.flag_order}",
                (run_id,)):
            flags.setdefault(row["url"], []).append(
                FlagSnapshot(row["code"], row["severity"], stored_message(row["reason"])))
        seen: dict[str, list[ItemSnapshot]] = {}
        if items:
            for row in self.db.execute(
                    "SELECT url, item_id, published_at, kind FROM items WHERE run_id = ? "
                    "ORDER BY published_at DESC", (run_id,)):
                published = from_utc_text(row["published_at"])
                if published is not None:
                    seen.setdefault(row["url"], []).append(
                        ItemSnapshot(row["item_id"], published, row["kind"]))
        profiles: list[ProfileSnapshot] = []
        for row in self.db.execute(
                "SELECT * FROM profiles WHERE run_id = ? ORDER BY position", (run_id,)):
            snap = snapshot_from_row(row, run_id=run_id, as_of=info.as_of)
            snap = with_changes(snap, flags=tuple(flags.get(snap.url, ())),
                         items=tuple(seen.get(snap.url, ())))
            if not snap.checked:
                snap = with_changes(snap, last_known=self._last_known(snap.url, run_id, info))
            profiles.append(snap)
        return RunSnapshot(info, tuple(profiles))

    def last_known(self, url: str, *, before_run: int | None, config_path: str | None,
                   name: str | None) -> ProfileSnapshot | None:
        """The latest reading (outcome ok, not_found or gone) of a profile in this config's
        runs before ``before_run`` (None: any run)."""
        where, params = _family(config_path, name)
        where = [*where, "p.url = ?", "p.checked = 1"]
        params = [*params, url]
        if before_run is not None:
            where.append("p.run_id < ?")
            params.append(before_run)
        row = self.db.execute(
            "SELECT p.*, r.as_of AS run_as_of FROM profiles p JOIN runs r ON r.id = p.run_id "
            "WHERE " + " AND ".join(where) + " ORDER BY p.run_id DESC LIMIT 1",
            params).fetchone()
        if row is None:
            return None
        snap = snapshot_from_row(row, run_id=row["run_id"],
                                  as_of=from_utc_text(row["run_as_of"]))
        codes = self.db.execute(
            "SELECT code, severity, reason FROM flags WHERE run_id = ? AND url = ? "
            f"ORDER BY {self.db.flag_order}", (row["run_id"], url)).fetchall()
        return with_changes(snap, flags=tuple(
            FlagSnapshot(c["code"], c["severity"], stored_message(c["reason"])) for c in codes))

    def _last_known(self, url: str, run_id: int, info: RunInfo) -> ProfileSnapshot | None:
        return self.last_known(url, before_run=run_id, config_path=info.config_path,
                               name=info.name)

    def integrity_ok(self) -> bool:
        return self.db.integrity_ok()


def _family(config_path: str | None, name: str | None) -> tuple[list[str], list[Any]]:
    """SQL for "runs of the same config": the same config file, or the same audit name."""
    alternatives: list[str] = []
    params: list[Any] = []
    if config_path is not None:
        alternatives.append("r.config_path = ?")
        params.append(config_path)
    if name is not None:
        alternatives.append("r.audit_name = ?")
        params.append(name)
    if not alternatives:
        return [], []
    return ["(" + " OR ".join(alternatives) + ")"], params


def _run_info(row: Any) -> RunInfo:
    return RunInfo(
        id=row["id"], name=row["audit_name"], config_path=row["config_path"],
        config_hash=row["config_hash"], tool_version=row["tool_version"],
        started_at=from_utc_text(row["started_at"]), as_of=from_utc_text(row["as_of"]),
        generated_at=from_utc_text(row["generated_at"]), completed=bool(row["completed"]),
        profiles=row["n_profiles"], flags=row["n_flags"], window_days=row["window_days"],
        profiles_missing=row["profiles_missing"],
    )


def migrate(db: Database, migrations: Sequence[Migration] = MIGRATIONS, *,
            where: str = "history file") -> int:
    """Bring the history to the newest schema version; return it. Refuses a newer one."""
    newest = migrations[-1].version if migrations else 0
    current = db.schema_version()
    if current > newest:
        raise HistoryError(_newerstored_message(where, current, newest))
    if current == newest:
        return current
    db.begin_migration()
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        current = db.schema_version()
        if current > newest:
            raise HistoryError(_newerstored_message(where, current, newest))
        if current == 0:
            _refuse_tables(db, where)
        for step in migrations:
            if step.version <= current:
                continue
            try:
                for statement in db.ddl(step.statements, step.postgres):
                    db.execute(statement)
            except db.errors as exc:
                why = str(exc).removeprefix(f"{where}: ")
                raise HistoryError(f"{where}: upgrading the history to schema version "
                                   f"{step.version} ({step.description}) failed: {why}; "
                                   f"the {db.noun} was left as it was") from None
            db.set_schema_version(step.version)
            current = step.version
    except BaseException:
        with contextlib.suppress(*db.errors):
            db.rollback()
        raise
    db.commit()
    return current


def refuse_foreign(db: Database, migrations: Sequence[Migration] = MIGRATIONS, *,
                   where: str = "history file") -> None:
    """Refuse a database that is not a history before anything is written to it: one with
    tables but no schema version of ours (another program's database)."""
    db.begin()  # one snapshot: a history being created meanwhile is all or nothing
    try:
        if db.schema_version() == 0:
            _refuse_tables(db, where)
    except BaseException:
        with contextlib.suppress(*db.errors):
            db.rollback()
        raise
    db.commit()


def _refuse_tables(db: Database, where: str) -> None:
    """A history at schema version 0 is new (no tables): anything else is another program's."""
    tables = db.tables()
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        what = ("an SQLite file" if isinstance(db, SqliteDatabase)
                else "a PostgreSQL database (schema)")
        raise HistoryError(f"{where}: {what} of another program (tables: {shown}; no "
                           f"history schema version), not an auditor history {db.noun}; it "
                           f"was left as it was. Give --db a new {db.noun} or an auditor "
                           "history.")


def check_shape(db: Database, migrations: Sequence[Migration] = MIGRATIONS, *,
                where: str = "history file") -> None:
    """Refuse a history whose schema version is ours but whose tables are not (another
    program's file with a user_version, or a history someone rebuilt by hand)."""
    for table, columns in _expected_shape(tuple(migrations)).items():
        found = db.columns(table)
        if not found:
            raise HistoryError(f"{where}: not an auditor history {db.noun} (no table {table}); "
                               f"it was left as it was. Give --db a new {db.noun} or an "
                               "auditor history.")
        missing = sorted(columns - found)
        if missing:
            raise HistoryError(f"{where}: not an auditor history {db.noun} (table {table} has "
                               f"no column {', '.join(missing)}); it was left as it was. Give "
                               f"--db a new {db.noun} or an auditor history.")


@functools.cache
def _expected_shape(migrations: tuple[Migration, ...]) -> dict[str, frozenset[str]]:
    """Each table and its columns as ``migrations`` build them (on an empty database)."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in migrations:
            for statement in step.statements:
                conn.execute(statement)
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: frozenset(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
                for table in tables}
    except sqlite3.Error:
        return {}  # steps that need an earlier file's rows: nothing to compare with
    finally:
        conn.close()


def _newerstored_message(where: str, found: int, newest: int) -> str:
    return (f"{where}: written by a newer auditor (history schema version {found}; this "
            f"auditor knows up to {newest}). Upgrade the auditor, or use another --db.")


def open_history(path: str | Path | PostgresURL) -> HistoryStore:
    """Open (and create on first use) a history file."""
    return HistoryStore(path)


def store_result(store: HistoryStore, config: AuditConfig, result: AuditResult, *,
                 completed: bool, started_at: datetime, run_id: int | None = None) -> int:
    """Write one judged audit: the run row (unless ``run_id`` was begun already), then its
    profiles and completion mark in one transaction. Returns the run id."""
    if run_id is None:
        run_id = store.begin_run(
            name=result.name, config_path=config_path_key(config.path),
            config_hash=config_hash(config), tool_version=result.tool_version,
            started_at=started_at, as_of=result.as_of, window_days=result.window_days)
    store.finish_run(run_id, result, completed=completed)
    return run_id


class RunWriter:
    """Writes one run's profiles inside :meth:`HistoryStore.run_writer`'s transaction."""

    def __init__(self, conn: Database, run_id: int) -> None:
        self.conn = conn
        self.run_id = run_id
        self.position = 0
        self.finished = False

    def append(self, organisation: OrganisationResult) -> None:
        """Store one judged organisation's profiles (an :class:`auditor.audit.OrganisationSink`)."""
        for profile in organisation.profiles:
            HistoryStore._insert_profile(self.conn, self.run_id, profile, organisation.name,
                                         organisation.role, self.position)
            self.position += 1

    def finish(self, result: AuditResult, *, completed: bool,
               finished_at: datetime | None = None) -> None:
        """The run's dates and counts; marked completed when ``completed``."""
        self.conn.execute(
            "UPDATE runs SET as_of = ?, generated_at = ?, finished_at = ?, "
            "window_days = ?, thresholds_json = ?, profiles_missing = ?, completed = ? "
            "WHERE id = ?",
            (to_utc_text(result.as_of), to_utc_text(result.generated_at),
             to_utc_text(finished_at or datetime.now(UTC)), result.window_days,
             to_json(result.thresholds), result.missing, int(completed), self.run_id))
        self.finished = True
