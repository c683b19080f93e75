"""Handing each judged organisation to every receiver of an audit (the spool, the reports
being written, the history, the changes), so that one receiver failing with an error it
tolerates (a full disk under one report, a locked history file) is closed and left out
while the others go on. Used by :mod:`auditor.service`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from typing import Any

from auditor.audit import OrganisationResult


@dataclass
class Sink:
    """One receiver of the judged organisations, and the errors it may fail with without
    stopping the others (a full disk for a report, a broken file for the history)."""

    name: str
    target: Any = None
    tolerated: tuple[type[BaseException], ...] = ()
    #: What the sink holds open (its file, its transaction), closed when it finishes or
    #: fails.
    stack: ExitStack = field(default_factory=ExitStack)
    error: BaseException | None = None

    @property
    def live(self) -> bool:
        return self.error is None


class Fanout:
    """Hands each judged organisation to every sink, in order. A sink that fails with an
    error it tolerates is closed (its half-written file dropped, its transaction rolled
    back) and left out from then on; the others go on."""

    def __init__(self) -> None:
        self.sinks: list[Sink] = []

    def add(self, name: str, target: Any) -> Sink:
        sink = Sink(name, target)
        self.sinks.append(sink)
        return sink

    def open(self, name: str, make: Callable[[ExitStack], Any],
             tolerated: tuple[type[BaseException], ...], outer: ExitStack) -> Sink:
        """A sink made by ``make`` (which enters what it opens into the stack it is given);
        if making it fails with a tolerated error, the sink is there, failed."""
        sink = Sink(name, tolerated=tolerated)
        outer.enter_context(sink.stack)  # closed at the end whatever happens
        self.sinks.append(sink)
        try:
            sink.target = make(sink.stack)
        except tolerated as exc:
            self.fail(sink, exc)
        return sink

    def append(self, organisation: OrganisationResult) -> None:
        for sink in self.sinks:
            if not sink.live:
                continue
            try:
                sink.target.append(organisation)
            except sink.tolerated as exc:
                self.fail(sink, exc)

    def finish(self, sink: Sink, action: Callable[[Any], object]) -> bool:
        """``action`` on a live sink, then close it (which commits or replaces the file);
        False when the sink failed, then or before."""
        if not sink.live:
            return False
        try:
            action(sink.target)
            sink.stack.close()
        except sink.tolerated as exc:
            self.fail(sink, exc)
            return False
        return True

    @staticmethod
    def fail(sink: Sink, error: BaseException) -> None:
        sink.error = error
        with suppress(Exception):  # already failing: the first error is the one to tell
            sink.stack.__exit__(type(error), error, error.__traceback__)
