"""What the person at the terminal sees while the crawl runs."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.crawl import Finished


def progress_printer(listed: Sequence[str]) -> Callable[[list[Finished]], None]:
    """Progress on stderr: profiles done out of total, and how many did not read as ok.

    One updating line on a terminal; otherwise a plain line per 10% of the profiles.
    Records of anything not listed (an organisation's website) are not counted.
    """
    interactive = sys.stderr.isatty()
    wanted = set(listed)
    total = len(wanted)
    done: set[str] = set()
    not_ok: dict[str, str] = {}
    shown = {"step": -1}

    def line() -> str:
        text = f"{len(done)}/{total} profiles done"
        if not_ok:
            counts = Counter(not_ok.values())
            text += f", {len(not_ok)} not ok (" + ", ".join(
                f"{count} {outcome}" for outcome, count in sorted(counts.items())) + ")"
        return text

    def show(finished: list[Finished]) -> None:
        for record in finished:
            if record.url not in wanted:
                continue
            done.add(record.url)
            if record.outcome == "ok":
                not_ok.pop(record.url, None)
            else:
                not_ok[record.url] = record.outcome
        if interactive:
            print(f"\r\033[K  {line()}", end="", file=sys.stderr, flush=True)
            if len(done) >= total:
                print(file=sys.stderr)
            return
        step = len(done) * 10 // max(total, 1)
        if step > shown["step"]:
            shown["step"] = step
            print(f"  {line()}", file=sys.stderr, flush=True)

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
