"""What the person at the terminal sees while the crawl runs."""

from __future__ import annotations

import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.crawl import Finished
from auditor.crawlstatus import CrawlStatus, HostWait, read_status

#: Without a terminal, a line at least this often (seconds) while profiles are in flight,
#: so that a slow server or a rate-limit wait does not look like a hung tool.
QUIET_LINE_EVERY = 60.0


def wait_text(waits: Sequence[HostWait], *, now: float) -> str:
    """"waiting 3 min for mastodon.social's rate limit" (the host most requests wait for)."""
    if not waits:
        return ""
    first = max(waits, key=lambda wait: (wait.requests, wait.until))
    seconds = max(0.0, first.until - now)
    span = f"{math.ceil(seconds / 60)} min" if seconds >= 60 else f"{math.ceil(seconds)} s"
    text = f"waiting {span} for {first.host}'s rate limit"
    others = len({wait.host for wait in waits} - {first.host})
    if others:
        text += f" (and {others} other host{'s' if others > 1 else ''}')"
    return text


@dataclass
class _Shown:
    """What was printed last."""

    at: float
    step: int = -1
    line: str = ""
    waits: frozenset[str] = frozenset()
    ended: bool = False


def progress_printer(listed: Sequence[str], status_file: Path | None = None, *,
                     clock: Callable[[], float] = time.time,
                     ) -> Callable[[list[Finished]], None]:
    """Progress on stderr: profiles done out of total, and how many did not read as ok;
    with the crawl's ``status_file`` (auditor.crawlstatus) also the profiles in flight and
    the rate limits being waited for ("waiting 3 min for mastodon.social's rate limit").

    One updating line on a terminal; otherwise a plain line per 10% of the profiles, one
    when a wait for a rate limit begins, and one at least every minute while profiles are
    in flight. Records of anything not listed (an organisation's website) are not counted.
    Called with no new records too, so that the line follows the status.
    """
    interactive = sys.stderr.isatty()
    wanted = set(listed)
    total = len(wanted)
    done: set[str] = set()
    not_ok: dict[str, str] = {}
    shown = _Shown(at=clock())
    status: list[CrawlStatus] = []

    def line() -> str:
        text = f"{len(done)}/{total} profiles done"
        if not_ok:
            counts = Counter(not_ok.values())
            text += f", {len(not_ok)} not ok (" + ", ".join(
                f"{count} {outcome}" for outcome, count in sorted(counts.items())) + ")"
        if status and len(done) < total:
            current = status[0]
            if current.in_flight:
                text += f", {current.in_flight} in flight"
            waiting = wait_text(current.waiting, now=clock())
            if waiting:
                text += f"; {waiting}"
        return text

    def read() -> None:
        if status_file is None:
            return
        current = read_status(status_file)
        status[:] = [current] if current is not None and not current.final else []

    def show(finished: list[Finished]) -> None:
        for record in finished:
            if record.url not in wanted:
                continue
            done.add(record.url)
            if record.outcome == "ok":
                not_ok.pop(record.url, None)
            else:
                not_ok[record.url] = record.outcome
        read()
        text = line()
        now = clock()
        if interactive:
            if text != shown.line:
                shown.line = text
                print(f"\r\033[K  {text}", end="", file=sys.stderr, flush=True)
            if len(done) >= total and not shown.ended:
                shown.ended = True
                print(file=sys.stderr)
            return
        step = len(done) * 10 // max(total, 1)
        waits = frozenset(wait.host for wait in status[0].waiting) if status else frozenset()
        new_wait = bool(waits - shown.waits)
        shown.waits = waits
        quiet = bool(status and status[0].in_flight) and now - shown.at >= QUIET_LINE_EVERY
        if step > shown.step or new_wait or quiet:
            shown.step = max(step, shown.step)
            shown.at = now
            print(f"  {text}", file=sys.stderr, flush=True)

    return show


def print_log_tail(log: Path, lines: int = 15) -> None:
    """The end of the crawl's log, so a failed crawl is not a silent one."""
    try:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return
    print("auditor: the crawl failed; the end of its log:", file=sys.stderr)
    for line in tail:
        print(f"  {line}", file=sys.stderr)
