"""What a re-audit needs from the last one to ask only for what is new, kept in the history file.

Three tables (history schema version 3, :data:`CACHE_TABLES`), each keyed by URL and holding
only the latest:

- ``answers``: the last answer (headers and body, compressed) of a page whose platform
  allows conditional requests (feeds, YouTube, websites) and that carried an ``ETag`` or
  ``Last-Modified``. The next audit asks with ``If-None-Match`` / ``If-Modified-Since``;
  a ``304 Not Modified`` is answered from here, so the adapter reads the same bytes as
  before and gives the same record.
- ``timelines``: a Mastodon, Bluesky or Telegram profile's posts as the last audit read them
  (:class:`auditor.platforms.base.KnownPosts`); the next audit asks only for newer posts
  (Mastodon's ``min_id``; Bluesky and Telegram stop at the page that reaches the newest
  stored post) and cuts the joined list as a full read would (:mod:`auditor.platforms.timeline`).
- ``answers`` also keeps each Mastodon profile's account id (under :data:`ACCOUNT_KEY`),
  so that the next audit asks a server for its accounts in batches
  (:mod:`auditor.platforms.mastodon_batch`).
- ``avatars``: the SHA-256 of an avatar's bytes by its URL. Platforms give a changed photo a
  new address, so a known address is not fetched again. An image whose address may hold
  another picture (a feed's logo) is kept in ``answers`` instead (:meth:`AnswerCache.image`),
  reused while fresh (:func:`is_fresh`) and then asked for conditionally.

The crawl process writes here as it goes (the history's own rows are written by the
auditor process after the crawl, never at the same time); writes are batched into short
transactions. Without a history (``--no-history``) nothing is kept and everything is read.
This module is core: plain SQLite (or the PostgreSQL history, :mod:`auditor.historydb`, whose
password the crawl process finds in ``PGPASSWORD``), no Scrapy.
"""

from __future__ import annotations

import contextlib
import json
import time
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Final

from auditor.historydb import HistoryError, PostgresURL, connect, parse_db
from auditor.platforms.base import KnownPosts

#: The history schema version that has these tables.
CACHE_VERSION: Final = 3
CACHE_TABLES: Final = (
    """CREATE TABLE answers (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        headers_json TEXT NOT NULL,
        body BLOB NOT NULL,
        stored_at TEXT NOT NULL
    )""",
    """CREATE TABLE timelines (
        url TEXT PRIMARY KEY,
        posts_json BLOB NOT NULL,
        stored_at TEXT NOT NULL
    )""",
    """CREATE TABLE avatars (
        url TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        stored_at TEXT NOT NULL
    )""",
)
#: The steps of each platform whose pages are asked for conditionally: pages that say when
#: they changed (feeds, YouTube's channel page and uploads feed, websites). API answers
#: with counters that change every day (Mastodon, Bluesky) and Telegram's previews (view
#: counts) would never be "not modified".
CONDITIONAL_STEPS: Final[Mapping[str, frozenset[str]]] = {
    "feed": frozenset({"feed", "page"}),
    "youtube": frozenset({"channel", "feed"}),
    "website": frozenset({"page", "contact"}),
}
#: Where the stored answer was finally read from (after redirects), kept with its headers.
FINAL_URL: Final = "x-auditor-final-url"
#: An answer larger than this (uncompressed) is not kept: it is simply read again.
MAX_BODY: Final = 4 * 1024 * 1024
#: Headers kept with an answer (the adapters read no others).
KEPT_HEADERS: Final = frozenset({"content-type", "etag", "last-modified", "link",
                                 "content-language", "location"})
#: The key an image's digest is kept under in ``answers`` (:meth:`AnswerCache.image`).
IMAGE_KEY: Final = "image:"
#: The headers kept with an image: how long it stays fresh, and how to revalidate it.
FRESHNESS_HEADERS: Final = frozenset({"date", "cache-control", "expires", "etag",
                                      "last-modified"})
#: The key a Mastodon profile's account id is kept under in ``answers``
#: (:meth:`AnswerCache.account_id`; :mod:`auditor.platforms.mastodon_batch`).
ACCOUNT_KEY: Final = "mastodon-account:"
#: Writes are committed in batches of this many, or this often (seconds).
_BATCH = 200
_BATCH_SECONDS = 2.0
_VALIDATOR_MAX = 512


class AnswerCache:
    """The cache tables of one history (file or PostgreSQL database), for the crawl process."""

    def __init__(self, path: str | Path | PostgresURL, *, timeout: float = 30.0) -> None:
        self.path = parse_db(path)
        self._db = connect(self.path, timeout=timeout)
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._last_flush = time.monotonic()
        try:
            version = self._db.schema_version()
        except self._db.errors as exc:
            self._db.close()
            raise HistoryError(f"{self.path}: {exc}") from None
        if version < CACHE_VERSION:
            self._db.close()
            raise HistoryError(f"{self.path}: history schema {version} has no answer cache")
        self._upsert = {
            "answers": self._db.upsert("answers", ("url", "etag", "last_modified",
                                                   "headers_json", "body", "stored_at")),
            "timelines": self._db.upsert("timelines", ("url", "posts_json", "stored_at")),
            "avatars": self._db.upsert("avatars", ("url", "sha256", "stored_at")),
        }

    @classmethod
    def open(cls, path: str | Path | None) -> AnswerCache | None:
        """The cache of the history at ``path``; None when there is none or it cannot be
        used (the audit then reads everything, as without history)."""
        if not path:
            return None
        try:
            return cls(path)
        except HistoryError:
            return None

    # -- conditional requests ----------------------------------------------------------

    def validators(self, url: str) -> dict[str, str]:
        """The conditional request headers for ``url`` (empty: nothing stored)."""
        row = self._one("SELECT etag, last_modified FROM answers WHERE url = ?", (url,))
        if row is None:
            return {}
        headers = {}
        if row[0]:
            headers["If-None-Match"] = row[0]
        if row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def answer(self, url: str) -> tuple[dict[str, str], bytes] | None:
        """The stored headers (lower-case names) and body of ``url``."""
        row = self._one("SELECT headers_json, body FROM answers WHERE url = ?", (url,))
        if row is None:
            return None
        try:
            headers = json.loads(row[0])
            body = zlib.decompress(row[1])
        except (ValueError, zlib.error):
            return None
        if not isinstance(headers, dict):
            return None
        return {str(k): str(v) for k, v in headers.items()}, body

    def keep_answer(self, url: str, headers: Mapping[str, str], body: bytes) -> bool:
        """Keep a 200 answer that can be asked for conditionally; False when it cannot."""
        etag = _validator(headers.get("etag"))
        modified = _validator(headers.get("last-modified"))
        if (etag is None and modified is None) or len(body) > MAX_BODY:
            return False
        kept = {name: value for name, value in headers.items()
                if name in KEPT_HEADERS or name == FINAL_URL}
        self._write(self._upsert["answers"],
                    (url, etag, modified, json.dumps(kept), zlib.compress(body, 6), _now()))
        return True

    # -- timelines and avatars ---------------------------------------------------------

    def timeline(self, url: str) -> KnownPosts | None:
        from auditor.platforms.timeline import known_from_json

        row = self._one("SELECT posts_json FROM timelines WHERE url = ?", (url,))
        if row is None:
            return None
        try:
            return known_from_json(json.loads(zlib.decompress(row[0])))
        except (ValueError, zlib.error):
            return None

    def keep_timeline(self, url: str, known: KnownPosts) -> None:
        from auditor.platforms.timeline import known_to_json

        data = json.dumps(known_to_json(known), ensure_ascii=False).encode("utf-8")
        self._write(self._upsert["timelines"],
                    (url, zlib.compress(data, 6), _now()))

    def avatar(self, url: str) -> str | None:
        row = self._one("SELECT sha256 FROM avatars WHERE url = ?", (url,))
        return str(row[0]) if row is not None else None

    def keep_avatar(self, url: str, digest: str) -> None:
        self._write(self._upsert["avatars"], (url, digest, _now()))

    def account_id(self, url: str) -> str | None:
        """The Mastodon account id the last lookup of the profile at ``url`` gave."""
        stored = self.answer(ACCOUNT_KEY + url)
        return stored[1].decode("ascii", "replace") if stored is not None else None

    def keep_account_id(self, url: str, account_id: str) -> None:
        self._write(self._upsert["answers"], (ACCOUNT_KEY + url, None, None, "{}",
                                              zlib.compress(account_id.encode("ascii"), 6),
                                              _now()))

    # An image at an address that may hold another picture tomorrow (a feed's or a
    # website's /logo.png) is kept in ``answers`` under IMAGE_KEY + its address, with the
    # headers that say how long it stays fresh and how to revalidate it, its digest as body.

    def image(self, url: str, *, now: datetime | None = None
              ) -> tuple[str, bool, dict[str, str]] | None:
        """The stored digest of the image at ``url``, whether it is still fresh (RFC 9111:
        it may be used without asking), and the headers that ask for it conditionally."""
        stored = self.answer(IMAGE_KEY + url)
        if stored is None:
            return None
        headers, body = stored
        digest = body.decode("ascii", "replace")
        if len(digest) != 64:
            return None
        return (digest, is_fresh(headers, now or datetime.now(UTC)),
                self.validators(IMAGE_KEY + url))

    def keep_image(self, url: str, headers: Mapping[str, str], digest: str) -> None:
        kept = {name: value for name, value in headers.items() if name in FRESHNESS_HEADERS}
        self._write(self._upsert["answers"],
                    (IMAGE_KEY + url, _validator(headers.get("etag")),
                     _validator(headers.get("last-modified")), json.dumps(kept),
                     zlib.compress(digest.encode("ascii"), 6), _now()))

    # -- plumbing ----------------------------------------------------------------------

    def _one(self, sql: str, args: tuple[Any, ...]) -> Any:
        try:
            return self._db.execute(sql, args).fetchone()
        except self._db.errors:
            return None

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        self._pending.append((sql, args))
        if len(self._pending) >= _BATCH or time.monotonic() - self._last_flush > _BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write what is pending in one transaction; a failure loses only the cache."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self._last_flush = time.monotonic()
        try:
            self._db.begin_write()
            for sql, args in pending:
                self._db.execute(sql, args)
            self._db.commit()
        except self._db.errors:
            with contextlib.suppress(*self._db.errors):
                self._db.rollback()

    def close(self) -> None:
        self.flush()
        self._db.close()


def is_fresh(headers: Mapping[str, str], now: datetime) -> bool:
    """Whether a stored answer with ``headers`` (lower-case names) may still be used
    without asking (RFC 9111, 4.2): its age by its ``Date`` under its freshness lifetime,
    from ``Cache-Control: max-age``, else ``Expires``, else the heuristic of 4.2.2 (a tenth
    of the time since ``Last-Modified``: a logo unchanged for three years is fresh for
    about a hundred days). ``no-cache``/``no-store`` or no ``Date``: never fresh."""
    date = _http_date(headers.get("date"))
    if date is None:
        return False
    control = (headers.get("cache-control") or "").lower()
    directives = {part.strip().partition("=")[0]: part.strip().partition("=")[2]
                  for part in control.split(",") if part.strip()}
    if "no-cache" in directives or "no-store" in directives:
        return False
    lifetime: float | None = None
    if directives.get("max-age", "").strip('"').isdigit():
        lifetime = float(directives["max-age"].strip('"'))
    elif headers.get("expires") is not None:
        expires = _http_date(headers.get("expires"))
        lifetime = (expires - date).total_seconds() if expires is not None else 0.0
    else:
        modified = _http_date(headers.get("last-modified"))
        if modified is not None and modified < date:
            lifetime = (date - modified).total_seconds() / 10
    return lifetime is not None and (now - date).total_seconds() < lifetime


def _http_date(value: str | None) -> datetime | None:
    if not value or len(value) > 64:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _validator(value: str | None) -> str | None:
    if not value or len(value) > _VALIDATOR_MAX or any(ord(c) < 32 for c in value):
        return None
    return value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
