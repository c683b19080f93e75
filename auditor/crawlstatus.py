"""What the crawl child says about itself while it runs: ``crawl-status.json`` beside the
records, rewritten every second by :class:`spiders.pacing.RateLimitMiddleware`.

The ``auditor`` process reads it for the progress line (profiles in flight, the hosts whose
rate limit is being waited for) and, once the crawl is over, to tell a run where nothing
could be fetched (no answer at all, every request failing to reach its host) and which
hosts' rate limits left profiles to read again later.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

#: Beside records.jsonl.
STATUS_FILE: Final = "crawl-status.json"


@dataclass(frozen=True, slots=True)
class HostWait:
    """A host whose rate limit is being waited for (or that left profiles unread)."""

    host: str
    #: When (epoch seconds) it takes requests again.
    until: float
    #: Requests waiting for it (or given up).
    requests: int


@dataclass(frozen=True, slots=True)
class CrawlStatus:
    written_at: float = 0.0
    #: Profiles with a request under way (or waiting for a rate limit).
    in_flight: int = 0
    waiting: tuple[HostWait, ...] = ()
    #: Hosts whose wait was longer than allowed: their profiles ended ``rate_limited``.
    given_up: tuple[HostWait, ...] = ()
    #: Answers received (any HTTP status).
    responses: int = 0
    #: Requests that reached no server, by kind: dns, connection, timeout, tls.
    unreachable: dict[str, int] = field(default_factory=dict)
    #: Written as the crawl closed.
    final: bool = False

    @property
    def nothing_fetched(self) -> bool:
        """Not one answer, and requests failed to reach their hosts (a name not found, a
        connection refused or broken in TLS): the network (or DNS) is down, not the
        servers. Timeouts alone do not count: a server that hangs is there."""
        return self.responses == 0 and sum(
            count for kind, count in self.unreachable.items() if kind != "timeout") > 0


def status_path(records: Path) -> Path:
    return records.with_name(STATUS_FILE)


def _waits(raw: Any, when: str) -> tuple[HostWait, ...]:
    found = []
    for entry in raw if isinstance(raw, list) else ():
        if not isinstance(entry, dict):
            continue
        host, until, count = entry.get("host"), entry.get(when), entry.get("requests")
        if isinstance(host, str) and isinstance(until, (int, float)) \
                and isinstance(count, int):
            found.append(HostWait(host[:200], float(until), count))
    return tuple(found)


def read_status(path: Path) -> CrawlStatus | None:
    """The status the crawl wrote last, or None (none yet, or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    in_flight = data.get("in_flight")
    unreachable = data.get("unreachable")
    return CrawlStatus(
        written_at=float(data.get("written_at") or 0.0),
        in_flight=len(in_flight) if isinstance(in_flight, list) else 0,
        waiting=_waits(data.get("waiting"), "until"),
        given_up=_waits(data.get("given_up"), "retry_at"),
        responses=int(data.get("responses") or 0),
        unreachable={str(k): int(v) for k, v in unreachable.items()
                     if isinstance(v, int)} if isinstance(unreachable, dict) else {},
        final=bool(data.get("final")),
    )


_KIND_WORDS: Final = {"dns": "host names could not be looked up (DNS)",
                      "connection": "connections were refused",
                      "timeout": "connections timed out",
                      "tls": "secure connections (TLS) failed"}


def nothing_fetched_reason(status: CrawlStatus) -> str:
    """Why nothing could be fetched, in a line: "every request failed before any answer:
    12 host names could not be looked up (DNS)"."""
    parts = [f"{count} {_KIND_WORDS.get(kind, kind)}"
             for kind, count in sorted(status.unreachable.items(), key=lambda kv: -kv[1])]
    return "every request failed before any answer: " + ", ".join(parts)


def still_to_read(outcomes: Iterable[tuple[str, str]]) -> set[str]:
    """The URLs ``--resume`` reads again among (url, outcome) pairs in records order: those
    whose last record is ``rate_limited`` (a later record of a URL replaces an earlier)."""
    last: dict[str, str] = {}
    for url, outcome in outcomes:
        last[url] = outcome
    return {url for url, outcome in last.items() if outcome == "rate_limited"}


def retry_time_text(epoch: float) -> str:
    """When a host takes requests again, rounded up to the minute: "2026-11-30 21:34 UTC"."""
    minute = math.ceil(epoch / 60) * 60
    return datetime.fromtimestamp(minute, UTC).strftime("%Y-%m-%d %H:%M UTC")
