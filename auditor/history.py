"""The history store: every audit run in one SQLite file, so later runs can say what changed.

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
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import AuditConfig
from auditor.messages import Msg, known_text
from auditor.models import MAX_NAME_CHARS, MAX_TEXT_CHARS, cap_text, to_jsonable
from auditor.verdicts import MISSING_OUTCOMES

#: Outcomes that are a reading of the profile: its verdict is current. Any other outcome
#: (error, blocked, rate_limited, login_wall, ...) means "not re-checked".
CHECKED_OUTCOMES: Final = frozenset({"ok"}) | MISSING_OUTCOMES
#: Seconds a writer waits for another writer before giving up.
BUSY_TIMEOUT_S: Final = 60.0
DB_SUFFIX: Final = ".history.sqlite"


class HistoryError(Exception):
    """The history file cannot be used; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Migration:
    #: The schema version this step produces (steps run in order 1, 2, ...).
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, profiles, flags and items", (
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
    )),
    # No new columns: from here on flags.reason and profiles.outcome_detail hold a message
    # (its id and parameters as JSON, see auditor.messages), never a sentence in some
    # language, and metrics_json's null reasons and notes too. Rows of version 1 hold
    # English sentences and are read as literal text.
    Migration(2, "reasons and details stored as message ids with parameters", ()),
)
#: The schema version this auditor writes.
SCHEMA_VERSION: Final = MIGRATIONS[-1].version


# --- snapshots: what a stored run says, typed ------------------------------------------


@dataclass(frozen=True, slots=True)
class RunInfo:
    #: None for a run that is not stored (the audit being rendered).
    id: int | None
    name: str
    config_path: str | None
    config_hash: str | None
    tool_version: str
    started_at: datetime | None
    as_of: datetime | None
    generated_at: datetime | None
    completed: bool
    profiles: int = 0
    flags: int = 0
    window_days: int | None = None
    profiles_missing: int | None = None


@dataclass(frozen=True, slots=True)
class FlagSnapshot:
    code: str
    severity: str
    reason: Msg


@dataclass(frozen=True, slots=True)
class ItemSnapshot:
    id: str
    published_at: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    """One profile as one run saw it."""

    url: str
    organisation: str
    role: str | None
    platform: str
    handle: str | None
    outcome: str
    outcome_detail: str | None
    #: The run this snapshot belongs to (None: the audit not stored yet) and its date.
    run_id: int | None
    as_of: datetime | None
    display_name: str | None = None
    bio_hash: str | None = None
    avatar_hash: str | None = None
    posts_total: int | None = None
    sample_exhausted: bool | None = None
    last_post_at: datetime | None = None
    days_since_last_post: int | None = None
    posts_per_week: float | None = None
    completeness_score: int | None = None
    completeness_checks: Mapping[str, bool | None] = field(default_factory=dict)
    flags: tuple[FlagSnapshot, ...] = ()
    items: tuple[ItemSnapshot, ...] = ()
    #: For a profile not re-checked in this run: its latest reading in an earlier run.
    last_known: ProfileSnapshot | None = None

    @property
    def checked(self) -> bool:
        """This run read the profile (or learnt that it is gone): its verdict is current."""
        return self.outcome in CHECKED_OUTCOMES

    @property
    def effective(self) -> ProfileSnapshot:
        """The snapshot whose verdict stands: this one, or the last known reading."""
        if self.checked or self.last_known is None:
            return self
        return self.last_known

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    run: RunInfo
    #: In config order.
    profiles: tuple[ProfileSnapshot, ...]


# --- pure helpers ------------------------------------------------------------------------


def to_utc_text(value: datetime | None) -> str | None:
    """A time as the store keeps it: UTC, ISO 8601, always with microseconds (sortable)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_text(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def text_hash(value: str | None) -> str | None:
    """sha256 of a text; None stays None (unknown is not empty)."""
    if value is None:
        return None
    return hashlib.sha256(value.strip().encode("utf-8")).hexdigest()


def avatar_hash(url: str | None) -> str | None:
    """Hash of the avatar URL without its query: CDNs sign and size-tag the query string,
    while a new picture gets a new path. (An image hash may replace this later.)"""
    if not url:
        return None
    return text_hash(url.split("#", 1)[0].split("?", 1)[0])


def config_hash(config: AuditConfig) -> str:
    """sha256 of what the config says (not how the file is formatted)."""
    data = {
        "audit": to_jsonable(config.audit),
        "thresholds": to_jsonable(config.thresholds),
        "organisations": to_jsonable(config.organisations),
        "endpoints": dict(sorted(config.endpoints.items())),
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_path_key(path: str | Path | None) -> str | None:
    """How a config's path is stored: absolute and resolved, so any working folder matches."""
    if path is None:
        return None
    try:
        return str(Path(path).expanduser().resolve())
    except OSError:
        return str(Path(path).absolute())


def default_db_path(config_path: str | Path) -> Path:
    """``<config stem>.history.sqlite`` in the config's folder."""
    path = Path(config_path)
    return path.with_name(f"{path.stem}{DB_SUFFIX}")


def snapshot_of(result: AuditResult, *, run_id: int | None = None) -> RunSnapshot:
    """A judged audit as a snapshot, exactly as :meth:`HistoryStore.load_run` would return it."""
    profiles = tuple(profile_snapshots(result, run_id=run_id))
    return RunSnapshot(run_info_of(result, run_id=run_id, profiles=len(profiles),
                                   flags=sum(len(p.flags) for p in profiles)), profiles)


def profile_snapshots(result: AuditResult, *,
                      run_id: int | None = None) -> Iterator[ProfileSnapshot]:
    """Each judged profile as :meth:`HistoryStore.load_run` would return it, one at a time
    (an audit on disk is never held whole)."""
    for organisation in result.organisations:
        yield from organisation_snapshots(organisation, as_of=result.as_of, run_id=run_id)


def organisation_snapshots(organisation: OrganisationResult, *, as_of: datetime | None,
                           run_id: int | None = None) -> Iterator[ProfileSnapshot]:
    """Each judged profile of one organisation as a stored run would return it."""
    for profile in organisation.profiles:
        row = _profile_row(profile, organisation.name, organisation.role, 0)
        snap = _snapshot_from_row(row, run_id=run_id, as_of=as_of)
        yield _with(snap, flags=tuple(FlagSnapshot(f.code, f.severity, f.reason)
                                      for f in profile.flags),
                    items=_item_snapshots(profile))


def run_info_of(result: AuditResult, *, run_id: int | None, profiles: int,
                flags: int) -> RunInfo:
    """The run row of a judged audit that is not stored (yet)."""
    return RunInfo(
        id=run_id, name=result.name, config_path=None, config_hash=None,
        tool_version=result.tool_version, started_at=None, as_of=result.as_of,
        generated_at=result.generated_at, completed=not result.missing,
        profiles=profiles, flags=flags, window_days=result.window_days,
        profiles_missing=result.missing,
    )


def _with(snapshot: ProfileSnapshot, **changes: Any) -> ProfileSnapshot:
    values = {name: getattr(snapshot, name) for name in ProfileSnapshot.__dataclass_fields__}
    values.update(changes)
    return ProfileSnapshot(**values)


def _item_snapshots(profile: ProfileResult) -> tuple[ItemSnapshot, ...]:
    return tuple(ItemSnapshot(str(item.id)[:MAX_NAME_CHARS], item.published_at, item.kind)
                 for item in profile.record.items)


def _profile_row(profile: ProfileResult, organisation: str, role: str | None,
                 position: int) -> dict[str, Any]:
    record, metrics = profile.record, profile.metrics
    facts = record.profile
    return {
        "url": record.url,
        "position": position,
        "organisation": organisation,
        "role": role,
        "platform": record.platform,
        "handle": cap_text(record.handle, MAX_NAME_CHARS),
        "outcome": record.outcome,
        "outcome_detail": _message_json(known_text(cap_text(record.outcome_detail,
                                                            MAX_TEXT_CHARS))),
        "checked": int(record.outcome in CHECKED_OUTCOMES),
        "fetched_at": to_utc_text(record.fetched_at),
        "display_name": cap_text(facts.display_name, MAX_NAME_CHARS) if facts else None,
        "bio_hash": text_hash(facts.bio) if facts else None,
        "avatar_hash": avatar_hash(facts.avatar_url) if facts else None,
        "posts_total": facts.posts_total if facts else None,
        "sample_exhausted": None if record.sample is None else int(record.sample.exhausted),
        "metrics_json": _json(metrics),
    }


def _snapshot_from_row(row: Mapping[str, Any], *, run_id: int | None,
                       as_of: datetime | None) -> ProfileSnapshot:
    try:
        metrics = json.loads(row["metrics_json"] or "{}")
    except ValueError:
        metrics = {}
    if not isinstance(metrics, dict):
        metrics = {}
    completeness = metrics.get("completeness") or {}
    checks = completeness.get("checks") if isinstance(completeness, dict) else None
    exhausted = row["sample_exhausted"]
    return ProfileSnapshot(
        url=row["url"], organisation=row["organisation"], role=row["role"],
        platform=row["platform"], handle=row["handle"], outcome=row["outcome"],
        outcome_detail=_detail_text(row["outcome_detail"]), run_id=run_id, as_of=as_of,
        display_name=row["display_name"], bio_hash=row["bio_hash"],
        avatar_hash=row["avatar_hash"], posts_total=row["posts_total"],
        sample_exhausted=None if exhausted is None else bool(exhausted),
        last_post_at=from_utc_text(metrics.get("last_post_at")),
        days_since_last_post=_int_or_none(metrics.get("days_since_last_post")),
        posts_per_week=_float_or_none(metrics.get("posts_per_week")),
        completeness_score=_int_or_none(completeness.get("score")
                                        if isinstance(completeness, dict) else None),
        completeness_checks=dict(checks) if isinstance(checks, dict) else {},
    )


def _message_json(message: Msg | None) -> str | None:
    """A message as stored: its id and parameters as JSON."""
    return None if message is None else json.dumps(message.to_dict(), ensure_ascii=False,
                                                   sort_keys=True)


def _message(stored: str | None) -> Msg:
    """A stored message; a sentence from a version 1 file as literal text."""
    if stored and stored.startswith("{"):
        try:
            return Msg.from_dict(json.loads(stored))
        except ValueError:
            pass
    return Msg.from_dict(stored or "")


def _detail_text(stored: str | None) -> str | None:
    """A stored outcome detail as its English text (what records and report.json hold)."""
    return None if stored is None else str(_message(stored))


def _json(value: Any) -> str:
    """JSON text of metrics, evidence or settings; any odd value (a date) as its ISO text."""
    def fallback(item: Any) -> Any:
        return item.isoformat() if hasattr(item, "isoformat") else str(item)

    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True, default=fallback)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


# --- the store ---------------------------------------------------------------------------


class HistoryStore:
    """An open history file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S,
                 migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise HistoryError(f"{self.path}: the folder {self.path.parent} does not exist")
        if self.path.is_dir():
            raise HistoryError(f"{self.path}: is a folder, not a history file")
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: cannot open the history file ({exc})") from None
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._set_wal(timeout)
            migrate(self._conn, migrations, where=str(self.path))
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise HistoryError(f"{self.path}: not a usable history file ({exc})") from None
        except BaseException:
            self._conn.close()
            raise

    def _set_wal(self, timeout: float) -> None:
        # Switching to WAL needs a moment with no other connection mid-write; the busy
        # handler does not always cover it, so retry briefly. A WAL file stays WAL.
        deadline = time.monotonic() + timeout
        while True:
            try:
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":
            raise HistoryError(f"{self.path}: cannot use write-ahead logging "
                               f"(journal mode stays {mode})")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction, taken at once (BEGIN IMMEDIATE) so writers queue."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- writing --

    def begin_run(self, *, name: str, config_path: str | None, config_hash: str | None,
                  tool_version: str, started_at: datetime, as_of: datetime | None = None,
                  window_days: int | None = None) -> int:
        """Insert the run, not completed yet; return its id."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (audit_name, config_path, config_hash, tool_version, "
                "started_at, as_of, window_days, completed) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (name, config_path, config_hash, tool_version, to_utc_text(started_at),
                 to_utc_text(as_of), window_days))
            run_id = cursor.lastrowid
        assert run_id is not None
        return run_id

    def finish_run(self, run_id: int, result: AuditResult, *, completed: bool,
                   finished_at: datetime | None = None) -> None:
        """Store every profile of ``result`` and the run's dates in one transaction;
        mark the run completed when ``completed``."""
        with self.run_writer(run_id) as writer:
            for organisation in result.organisations:
                writer.append(organisation)
            writer.finish(result, completed=completed, finished_at=finished_at)

    @contextmanager
    def run_writer(self, run_id: int) -> Iterator[RunWriter]:
        """A run's profiles written as the audit is judged, one organisation at a time, in
        one transaction: call :meth:`RunWriter.finish` before the block ends, else nothing
        of the run's profiles is kept."""
        with self.transaction() as conn:
            row = conn.execute("SELECT completed FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise HistoryError(f"{self.path}: no run {run_id}")
            conn.execute("DELETE FROM profiles WHERE run_id = ?", (run_id,))
            writer = RunWriter(conn, run_id)
            yield writer
            if not writer.finished:
                raise HistoryError(f"{self.path}: run {run_id} was not finished")

    @classmethod
    def insert_profiles(cls, conn: sqlite3.Connection, run_id: int,
                        result: AuditResult) -> None:
        """Write (or rewrite) a run's profiles; call inside :meth:`transaction`."""
        conn.execute("DELETE FROM profiles WHERE run_id = ?", (run_id,))
        writer = RunWriter(conn, run_id)
        for organisation in result.organisations:
            writer.append(organisation)

    @staticmethod
    def _insert_profile(conn: sqlite3.Connection, run_id: int, profile: ProfileResult,
                        organisation: str, role: str | None, position: int) -> None:
        row = _profile_row(profile, organisation, role, position)
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
            [(run_id, url, flag.code, flag.severity, _message_json(flag.reason),
              _json(flag.evidence))
             for flag in profile.flags])
        conn.executemany(
            "INSERT OR IGNORE INTO items (run_id, url, item_id, published_at, kind) "
            "VALUES (?, ?, ?, ?, ?)",
            [(run_id, url, item.id, to_utc_text(item.published_at), item.kind)
             for item in _item_snapshots(profile)])

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
        return [_run_info(row) for row in self._conn.execute(sql, params)]

    def run(self, run_id: int) -> RunInfo | None:
        row = self._conn.execute(
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
        for row in self._conn.execute(
                "SELECT url, code, severity, reason FROM flags WHERE run_id = ? ORDER BY rowid",
                (run_id,)):
            flags.setdefault(row["url"], []).append(
                FlagSnapshot(row["code"], row["severity"], _message(row["reason"])))
        seen: dict[str, list[ItemSnapshot]] = {}
        if items:
            for row in self._conn.execute(
                    "SELECT url, item_id, published_at, kind FROM items WHERE run_id = ? "
                    "ORDER BY published_at DESC", (run_id,)):
                published = from_utc_text(row["published_at"])
                if published is not None:
                    seen.setdefault(row["url"], []).append(
                        ItemSnapshot(row["item_id"], published, row["kind"]))
        profiles: list[ProfileSnapshot] = []
        for row in self._conn.execute(
                "SELECT * FROM profiles WHERE run_id = ? ORDER BY position", (run_id,)):
            snap = _snapshot_from_row(row, run_id=run_id, as_of=info.as_of)
            snap = _with(snap, flags=tuple(flags.get(snap.url, ())),
                         items=tuple(seen.get(snap.url, ())))
            if not snap.checked:
                snap = _with(snap, last_known=self._last_known(snap.url, run_id, info))
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
        row = self._conn.execute(
            "SELECT p.*, r.as_of AS run_as_of FROM profiles p JOIN runs r ON r.id = p.run_id "
            "WHERE " + " AND ".join(where) + " ORDER BY p.run_id DESC LIMIT 1",
            params).fetchone()
        if row is None:
            return None
        snap = _snapshot_from_row(row, run_id=row["run_id"],
                                  as_of=from_utc_text(row["run_as_of"]))
        codes = self._conn.execute(
            "SELECT code, severity, reason FROM flags WHERE run_id = ? AND url = ? "
            "ORDER BY rowid", (row["run_id"], url)).fetchall()
        return _with(snap, flags=tuple(FlagSnapshot(c["code"], c["severity"], _message(c["reason"]))
                                       for c in codes))

    def _last_known(self, url: str, run_id: int, info: RunInfo) -> ProfileSnapshot | None:
        return self.last_known(url, before_run=run_id, config_path=info.config_path,
                               name=info.name)

    def integrity_ok(self) -> bool:
        row = self._conn.execute("PRAGMA integrity_check").fetchone()
        return row is not None and row[0] == "ok"


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


def _run_info(row: sqlite3.Row) -> RunInfo:
    return RunInfo(
        id=row["id"], name=row["audit_name"], config_path=row["config_path"],
        config_hash=row["config_hash"], tool_version=row["tool_version"],
        started_at=from_utc_text(row["started_at"]), as_of=from_utc_text(row["as_of"]),
        generated_at=from_utc_text(row["generated_at"]), completed=bool(row["completed"]),
        profiles=row["n_profiles"], flags=row["n_flags"], window_days=row["window_days"],
        profiles_missing=row["profiles_missing"],
    )


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS, *,
            where: str = "history file") -> int:
    """Bring the file to the newest schema version; return it. Refuses a newer file."""
    newest = migrations[-1].version if migrations else 0
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > newest:
        raise HistoryError(_newer_message(where, current, newest))
    if current == newest:
        return current
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > newest:
            raise HistoryError(_newer_message(where, current, newest))
        for step in migrations:
            if step.version <= current:
                continue
            try:
                for statement in step.statements:
                    conn.execute(statement)
            except sqlite3.Error as exc:
                raise HistoryError(f"{where}: upgrading the history to schema version "
                                   f"{step.version} ({step.description}) failed: {exc}; "
                                   "the file was left as it was") from None
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            current = step.version
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return current


def _newer_message(where: str, found: int, newest: int) -> str:
    return (f"{where}: written by a newer auditor (history schema version {found}; this "
            f"auditor knows up to {newest}). Upgrade the auditor, or use another --db.")


def open_history(path: str | Path) -> HistoryStore:
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

    def __init__(self, conn: sqlite3.Connection, run_id: int) -> None:
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
             _json(result.thresholds), result.missing, int(completed), self.run_id))
        self.finished = True
