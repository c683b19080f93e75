"""The history's database: an SQLite file (the default) or a PostgreSQL database (``--db
postgresql://user@host/db``), behind one small connection type, so :mod:`auditor.history`
writes its SQL once.

The SQL is written for SQLite (``?`` placeholders, ``INSERT OR IGNORE``); on PostgreSQL the
placeholders become ``%s``, ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING`` and each
migration's DDL is translated (:func:`postgres_ddl`). What differs beyond that is a method
here:

============================  ===============================  ================================
                              SQLite                           PostgreSQL (psycopg 3)
============================  ===============================  ================================
schema version                ``PRAGMA user_version``          table ``auditor_schema``
writers and migrations        ``BEGIN IMMEDIATE``, WAL: one    an advisory lock, shared by
                              writer at a time                 writers, alone for a migration
waiting for another writer    busy timeout                     ``lock_timeout``
tables and columns            ``sqlite_master``, table_info    ``information_schema``
============================  ===============================  ================================

A password in the URL is taken out of it at once (:func:`parse_db`): the URL shown in
messages, plan.json and reports never holds it; it is given to libpq as a separate
parameter, and to the crawl process through ``PGPASSWORD`` (:meth:`PostgresURL.env`).
``PGPASSWORD``, ``~/.pgpass`` and the other libpq settings work as usual.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeAlias
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

#: Seconds a writer waits for another writer before giving up.
BUSY_TIMEOUT_S: Final = 60.0
#: Seconds to wait for a PostgreSQL server to answer at all.
CONNECT_TIMEOUT_S: Final = 10
#: The advisory lock every history writer takes on PostgreSQL (any number that is ours).
PG_LOCK_KEY: Final = 0x61756469746F72  # "auditor"
PG_SCHEMES: Final = ("postgresql://", "postgres://")
PG_VERSION_TABLE: Final = "auditor_schema"


class HistoryError(Exception):
    """The history cannot be used; the message says why in one line."""


class DatabaseProblem(HistoryError):
    """A PostgreSQL statement failed (the message is one line, without the password)."""

    def __init__(self, message: str, *, lock: bool = False) -> None:
        super().__init__(message)
        self.lock = lock


@dataclass(frozen=True, slots=True)
class PostgresURL:
    """A ``postgresql://`` URL without its password (``str()`` is safe to show anywhere);
    the password, when the URL had one, is kept apart."""

    url: str
    password: str | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return self.url

    def env(self) -> dict[str, str]:
        """What a child process needs to connect as this URL does (its password)."""
        return {"PGPASSWORD": self.password} if self.password else {}


#: ``--db``: a history file, or a PostgreSQL database.
DbTarget: TypeAlias = Path | PostgresURL


def is_postgres(value: object) -> bool:
    return isinstance(value, PostgresURL) or (
        isinstance(value, str) and value.lower().startswith(PG_SCHEMES))


def parse_db(value: str | Path | PostgresURL) -> DbTarget:
    """``--db``'s value: a ``postgresql://`` URL (its password taken out), else a path."""
    if isinstance(value, PostgresURL):
        return value
    if isinstance(value, str) and is_postgres(value):
        return postgres_url(value)
    return Path(value)


def postgres_url(url: str) -> PostgresURL:
    """The URL without its password (in the user part or as ``?password=``)."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, secret = userinfo.partition(":")
    password = unquote(secret) if colon else None
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if key != "password"]
    if len(kept) != len(pairs):
        password = password or next(value for key, value in pairs if key == "password")
        query = urlencode(kept, quote_via=quote)  # libpq reads %20, not +
    netloc = f"{user}@{hostport}" if at and user else hostport
    return PostgresURL(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)),
                       password or None)


def location(target: DbTarget) -> str:
    """What another process is given (the crawl's plan.json): the file's absolute path, or
    the URL without its password (:func:`child_env` carries that)."""
    return str(target.resolve()) if isinstance(target, Path) else str(target)


def child_env(target: DbTarget | None) -> dict[str, str]:
    """Environment variables a child process needs to open ``target`` as this one does."""
    return target.env() if isinstance(target, PostgresURL) else {}


def redact(text: str, target: DbTarget) -> str:
    """``text`` with the target's password (if any) replaced by ``***``."""
    if isinstance(target, PostgresURL) and target.password:
        return text.replace(target.password, "***")
    return text


def target_exists(target: DbTarget) -> bool:
    """Whether a history is there already: the file, or the version table in the database
    (which is then opened only to look)."""
    if isinstance(target, Path):
        return target.is_file()
    with PostgresDatabase(target, timeout=BUSY_TIMEOUT_S) as db:
        return db.schema_version() > 0


# --- the connections ----------------------------------------------------------------------


class Database:
    """One connection, in autocommit mode: :meth:`begin_write` / :meth:`commit` /
    :meth:`rollback` make the transactions."""

    where: str
    #: What the history is called in messages: "file" or "database".
    noun: str
    #: Errors a statement may fail with.
    errors: tuple[type[BaseException], ...]
    #: The column that keeps flags in the order they were written.
    flag_order: str

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT into a table with an ``id`` column; return the new row's id."""
        raise NotImplementedError

    def upsert(self, table: str, columns: Sequence[str], key: str = "url") -> str:
        """An INSERT of ``columns`` into ``table`` that replaces the row with the same ``key``."""
        marks = ", ".join("?" for _ in columns)
        return f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    def begin(self) -> None:
        """A read transaction (one snapshot)."""
        self.execute("BEGIN")

    def begin_write(self) -> None:
        """A write transaction of the history's rows."""
        raise NotImplementedError

    def begin_migration(self) -> None:
        """A write transaction that changes the schema: no other writer meanwhile."""
        self.begin_write()

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")

    def schema_version(self) -> int:
        raise NotImplementedError

    def set_schema_version(self, version: int) -> None:
        raise NotImplementedError

    def tables(self) -> list[str]:
        raise NotImplementedError

    def columns(self, table: str) -> set[str]:
        raise NotImplementedError

    def ddl(self, statements: Sequence[str], postgres: Sequence[str] | None) -> Sequence[str]:
        """A migration step's statements for this database."""
        return statements

    def integrity_ok(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SqliteDatabase(Database):
    """A history file: WAL, a busy timeout, ``BEGIN IMMEDIATE`` for writers."""

    noun = "file"
    errors = (sqlite3.Error,)
    flag_order = "rowid"

    def __init__(self, path: Path, *, timeout: float) -> None:
        self.path = path
        self.where = str(path)
        self.timeout = timeout
        if not path.parent.is_dir():
            raise HistoryError(f"{path}: the folder {path.parent} does not exist")
        if path.is_dir():
            raise HistoryError(f"{path}: is a folder, not a history file")
        try:
            self.conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise HistoryError(f"{path}: cannot open the history file ({exc})") from None
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            self.conn.close()
            raise HistoryError(f"{path}: not a usable history file ({exc})") from None

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        return self.conn.execute(sql, () if params is None else params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        row_id = self.conn.execute(sql, params).lastrowid
        assert row_id is not None
        return row_id

    def begin_write(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    def tables(self) -> list[str]:
        return sorted(row[0] for row in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%'"))

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}

    def set_wal(self) -> None:
        # Switching to WAL needs a moment with no other connection mid-write; the busy
        # handler does not always cover it, so retry briefly. A WAL file stays WAL.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if str(mode).lower() != "wal":
            raise HistoryError(f"{self.path}: cannot use write-ahead logging "
                               f"(journal mode stays {mode})")

    def integrity_ok(self) -> bool:
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        return row is not None and row[0] == "ok"

    def close(self) -> None:
        self.conn.close()


class Row:
    """A PostgreSQL row read by column name or position, as :class:`sqlite3.Row`."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)


def _row_factory(cursor: Any) -> Any:
    names = [column.name for column in cursor.description or ()]
    index = {name: position for position, name in enumerate(names)}
    return lambda values: Row(values, index)


_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO (.*)$", re.S)


def postgres_sql(sql: str) -> str:
    """SQLite's dialect of our statements in PostgreSQL's (placeholders, INSERT OR IGNORE)."""
    sql = sql.replace("%", "%%").replace("?", "%s")
    if (match := _IGNORE.match(sql)) is not None:
        sql = f"INSERT INTO {match.group(1)} ON CONFLICT DO NOTHING"
    return sql


def postgres_ddl(statement: str) -> str:
    """A migration statement written for SQLite, in PostgreSQL's types."""
    statement = statement.replace("INTEGER PRIMARY KEY AUTOINCREMENT",
                                  "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    statement = re.sub(r"\bINTEGER\b", "BIGINT", statement)
    return re.sub(r"\bBLOB\b", "BYTEA", statement)


def _param(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value  # the 0/1 columns are BIGINT


class PostgresDatabase(Database):
    """A PostgreSQL database (its current schema, usually ``public``) through psycopg 3."""

    noun = "database"
    errors = (DatabaseProblem,)
    flag_order = "seq"

    def __init__(self, target: PostgresURL, *, timeout: float) -> None:
        self.target = target
        self.where = str(target)
        self.timeout = timeout
        try:
            import psycopg
        except ImportError:
            raise HistoryError(
                f"{target}: a PostgreSQL history needs psycopg: pip install "
                "'social-presence-auditor[postgres]'") from None
        self._psycopg = psycopg
        extra: dict[str, Any] = {"password": target.password} if target.password else {}
        try:
            self.conn = psycopg.connect(target.url, autocommit=True,
                                        connect_timeout=CONNECT_TIMEOUT_S, **extra)
        except psycopg.Error as exc:
            raise HistoryError(self.problem(exc, connecting=True)) from None
        self.conn.row_factory = _row_factory
        self.execute(f"SET lock_timeout = {int(timeout * 1000)}")

    def problem(self, exc: BaseException, *, connecting: bool = False) -> str:
        """One line for a psycopg error, never with the password."""
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        text = redact("; ".join(lines[:2]) or type(exc).__name__, self.target)
        sqlstate = getattr(exc, "sqlstate", None)
        if sqlstate == "55P03":
            return (f"{self.where}: locked by another program for more than "
                    f"{self.timeout:g} s ({text})")
        if sqlstate in ("28P01", "28000") or "authentication failed" in text:
            return (f"{self.where}: the PostgreSQL server refused the login ({text}); give "
                    "the password in PGPASSWORD, ~/.pgpass or the URL")
        if connecting:
            return f"{self.where}: cannot connect to the PostgreSQL server ({text})"
        return f"{self.where}: {text}"

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        try:
            if params is None:
                return self.conn.execute(sql)
            return self.conn.execute(postgres_sql(sql),
                                     [_param(value) for value in params])
        except self._psycopg.Error as exc:
            raise DatabaseProblem(self.problem(exc),
                                  lock=getattr(exc, "sqlstate", None) == "55P03") from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [[_param(value) for value in row] for row in rows]
        if not rows:
            return
        try:
            with self.conn.cursor() as cursor:
                cursor.executemany(postgres_sql(sql), rows)
        except self._psycopg.Error as exc:
            raise DatabaseProblem(self.problem(exc)) from None

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return int(self.execute(f"{sql} RETURNING id", params).fetchone()[0])

    def upsert(self, table: str, columns: Sequence[str], key: str = "url") -> str:
        marks = ", ".join("?" for _ in columns)
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns
                            if column != key)
        return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
                f"ON CONFLICT ({key}) DO UPDATE SET {updates}")

    def begin_write(self) -> None:
        # Writers share the lock: each writes its own run's rows (row locks keep two
        # audits apart), so a long judgement does not hold up another team's audit.
        self._begin_locked("pg_advisory_xact_lock_shared")

    def begin_migration(self) -> None:
        self._begin_locked("pg_advisory_xact_lock")  # alone: waits for the writers

    def _begin_locked(self, function: str) -> None:
        self.execute("BEGIN")
        try:
            self.execute(f"SELECT {function}(?)", (PG_LOCK_KEY,))
        except BaseException:
            self.rollback()
            raise

    def begin(self) -> None:
        # One snapshot for the whole transaction, as SQLite's: each statement of a READ
        # COMMITTED one would see another auditor's migration half-way through the checks.
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")

    def rollback(self) -> None:
        if not self.conn.closed:
            self.execute("ROLLBACK")

    def schema_version(self) -> int:
        # A query of the catalog, not to_regclass: that looks names up in a cache that
        # may not have seen a table another auditor created a moment ago.
        exists = self.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
            "n ON n.oid = c.relnamespace WHERE c.relname = ? AND n.nspname = current_schema())",
            (PG_VERSION_TABLE,))
        if not exists.fetchone()[0]:
            return 0
        row = self.execute(f"SELECT max(version) FROM {PG_VERSION_TABLE}").fetchone()
        return int(row[0] or 0)

    def set_schema_version(self, version: int) -> None:
        self.execute(f"CREATE TABLE IF NOT EXISTS {PG_VERSION_TABLE} "
                     "(version INTEGER NOT NULL)")
        self.execute(f"DELETE FROM {PG_VERSION_TABLE}")
        self.execute(f"INSERT INTO {PG_VERSION_TABLE} (version) VALUES (?)", (int(version),))

    def tables(self) -> list[str]:
        return sorted(row[0] for row in self.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name <> ?",
            (PG_VERSION_TABLE,)))

    def columns(self, table: str) -> set[str]:
        return {row[0] for row in self.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?", (table,))}

    def ddl(self, statements: Sequence[str], postgres: Sequence[str] | None) -> Sequence[str]:
        return [postgres_ddl(statement) for statement in statements] \
            if postgres is None else postgres

    def integrity_ok(self) -> bool:
        # The server keeps its own pages sound; what can go wrong here is ours: a profile
        # without its run, a flag or item without its profile.
        orphans = self.execute(
            "SELECT (SELECT COUNT(*) FROM profiles p WHERE NOT EXISTS "
            "(SELECT 1 FROM runs r WHERE r.id = p.run_id)) + (SELECT COUNT(*) FROM flags f "
            "WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.run_id = f.run_id AND "
            "p.url = f.url)) + (SELECT COUNT(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM "
            "profiles p WHERE p.run_id = i.run_id AND p.url = i.url))", ()).fetchone()[0]
        return int(orphans) == 0

    def close(self) -> None:
        self.conn.close()


def connect(target: DbTarget, *, timeout: float = BUSY_TIMEOUT_S) -> Database:
    """An open connection to the history at ``target`` (nothing checked or created yet)."""
    if isinstance(target, PostgresURL):
        return PostgresDatabase(target, timeout=timeout)
    return SqliteDatabase(Path(target), timeout=timeout)


def sqlite_problem(path: object, exc: BaseException, *, timeout: float | None = None) -> str:
    """One line for an error on the history (SQLite's, or a PostgreSQL problem)."""
    if isinstance(exc, HistoryError):
        return str(exc)
    if is_lock(exc):
        waited = BUSY_TIMEOUT_S if timeout is None else timeout
        return f"{path}: locked by another program for more than {waited:g} s ({exc})"
    return f"{path}: {exc}"


def is_lock(exc: BaseException) -> bool:
    if isinstance(exc, DatabaseProblem):
        return exc.lock
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))
