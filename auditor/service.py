"""The one application service: :func:`run_audit` crawls, judges and reports an audit.

``auditor audit``, ``auditor demo`` and ``auditor check`` all build an :class:`AuditRequest`
and call it. After the crawl the records are read once: each organisation is judged and
handed to every sink that can take it as it comes (the spool the page writers read, the
JSON and CSV reports, the history and the diff against the last audit); report.html and
report.md, which open with totals and what changed, are then written from one view of the
spool. Memory stays flat as the list grows (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from auditor.audit import AuditResult, OrganisationResult, judge_audit
from auditor.config import AuditConfig
from auditor.crawl import Finished, crawl_command, crawl_plan, read_records, run_crawl, write_plan
from auditor.i18n import LANGUAGES
from auditor.report.format import POSTS_SHOWN
from auditor.spool import OrganisationSpool, RecordIndex

EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_CUT_SHORT = 0, 1, 2, 3
FORMATS: Final = ("html", "json", "csv", "md")
#: In --out: what run the records belong to, so --resume can continue only the same one.
RUN_STATE: Final = "run.json"
#: In --out: the crawl plan handed to the crawl process.
PLAN: Final = "plan.json"


class AuditProblem(Exception):
    """The audit cannot go on (bad input, an unusable --out or history file): one line."""


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """Everything one audit needs; the command line is only one way to make it."""

    config: AuditConfig
    out: Path
    #: The audit date (already resolved: --as-of, the config's as_of, or now).
    as_of: datetime
    formats: tuple[str, ...] = FORMATS
    lang: str = "en"
    replay: Path | None = None
    record: Path | None = None
    #: Scrapy settings for the crawl, NAME=VALUE.
    settings: tuple[str, ...] = ()
    #: Continue the interrupted audit in ``out`` (only the profiles not finished are read).
    resume: bool = False
    #: The history file; None: no history.
    db: Path | None = None
    #: SHA-256 of the config file (what ``run.json`` ties the records to), when there is one.
    config_digest: str | None = None
    #: Progress lines on stderr.
    progress: bool = True
    #: Judge these records of an earlier crawl instead of crawling (a re-judged audit:
    #: other thresholds, another language).
    records_from: Path | None = None


@dataclass(frozen=True, slots=True)
class AuditRun:
    """What an audit did: the reports written and the flags raised."""

    written: tuple[Path, ...]
    profiles: int
    flagged: int
    raised: frozenset[str]
    missing: int
    completed: bool
    elapsed: float
    run_id: int | None = None

    @property
    def cut_short(self) -> bool:
        return not self.completed or self.missing > 0


def generated_now() -> datetime:
    """The time a report says it was made: now, or ``SOURCE_DATE_EPOCH`` when it is set
    (reproducible reports, as reproducible builds do it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            pass
    return datetime.now(UTC)


def run_audit(request: AuditRequest, *,
              present: Callable[[AuditResult], None] | None = None) -> AuditRun:
    """Crawl, judge and report ``request``; ``present`` sees the judged audit while it can
    still be read (``auditor check`` prints its brief there)."""
    from auditor import history_cli
    from auditor.history import HistoryError

    if request.lang not in LANGUAGES:
        raise AuditProblem(f"unknown language {request.lang!r}; choose one of "
                           f"{', '.join(LANGUAGES)}")
    config, out = request.config, request.out
    if request.records_from is not None:
        return _rejudge(request, present=present)
    records = out / "records.jsonl"
    listed = [entry.url for entry in config.profiles()]
    only: Callable[[str], bool] | None = None
    if request.resume:
        done = {record.url for record in read_records(records)}  # readable lines only
        only = lambda url: url not in done  # noqa: E731
        left = sum(1 for url in listed if url not in done)
        _say(request, f"Resuming: {len(listed) - left} of {len(listed)} profile(s) already "
                      f"done, {left} to crawl.")
    plan = crawl_plan(config, request.as_of, only=only)
    write_run_state(request, completed=False)
    started_at = datetime.now(UTC)
    run_id = None
    if request.db is not None:
        try:
            run_id = history_cli.begin_run(request.db, config, started_at=started_at,
                                           as_of=request.as_of)
        except HistoryError as exc:
            raise AuditProblem(f"--db: {exc}") from None
    if not request.resume:
        (out / "crawl.log").write_text("", encoding="utf-8")
    _say(request, f"Auditing {len(listed)} profile(s) of {len(config.organisations)} "
                  f"organisation(s) as of {request.as_of.date().isoformat()}…")
    started = time.monotonic()
    completed = True
    if plan.targets:
        command = crawl_command(plan=write_plan(plan, out / PLAN), records=records,
                                as_of=request.as_of, log_file=out / "crawl.log",
                                replay=request.replay, record=request.record,
                                settings=request.settings)
        progress = progress_printer(listed) if request.progress else None
        run = run_crawl(command, records, progress=progress, resume=request.resume)
        completed = run.completed
        if run.returncode != 0 and not run.interrupted:
            print_log_tail(out / "crawl.log")
    try:
        judged = _judge_and_report(request, records, run_id=run_id, started_at=started_at,
                                   completed=completed, present=present)
    except HistoryError as exc:
        raise AuditProblem(f"--db: {exc}") from None
    if completed and not judged.missing:
        write_run_state(request, completed=True)
    return replace(judged, elapsed=time.monotonic() - started, completed=completed)


def _rejudge(request: AuditRequest, *,
             present: Callable[[AuditResult], None] | None) -> AuditRun:
    """Judge the records of an earlier crawl: nothing is fetched."""
    from auditor.history import HistoryError

    records = request.records_from
    assert records is not None
    if not records.is_file():
        raise AuditProblem(f"--from-records: {records} is not a file")
    listed = sum(1 for _ in request.config.profiles())
    _say(request, f"Judging {listed} profile(s) from {records} as of "
                  f"{request.as_of.date().isoformat()} (nothing is fetched)…")
    started = time.monotonic()
    run_id = None
    if request.db is not None:
        from auditor import history_cli

        try:
            run_id = history_cli.begin_run(request.db, request.config,
                                           started_at=datetime.now(UTC), as_of=request.as_of)
        except HistoryError as exc:
            raise AuditProblem(f"--db: {exc}") from None
    try:
        judged = _judge_and_report(request, records, run_id=run_id,
                                   started_at=datetime.now(UTC), completed=True,
                                   present=present)
    except HistoryError as exc:
        raise AuditProblem(f"--db: {exc}") from None
    return replace(judged, elapsed=time.monotonic() - started)


@dataclass
class _Tally:
    """Counts of the judged profiles, taken as organisations pass (a sink)."""

    profiles: int = 0
    flagged: int = 0
    raised: set[str] = field(default_factory=set)

    def append(self, organisation: OrganisationResult) -> None:
        for profile in organisation.profiles:
            self.profiles += 1
            self.flagged += bool(profile.flags)
            self.raised.update(flag.code for flag in profile.flags)


class _Fanout:
    """Hands each judged organisation to every sink, in order."""

    def __init__(self, sinks: Sequence[Any]) -> None:
        self.sinks = list(sinks)

    def append(self, organisation: OrganisationResult) -> None:
        for sink in self.sinks:
            sink.append(organisation)


def _judge_and_report(request: AuditRequest, records: Path, *, run_id: int | None,
                      started_at: datetime, completed: bool,
                      present: Callable[[AuditResult], None] | None) -> AuditRun:
    from auditor.changes import ChangeCollector, previous_run
    from auditor.history import HistoryStore
    from auditor.snapshots import run_info_of

    config, out, formats = request.config, request.out, request.formats
    generated_at = generated_now()
    previous = None
    if request.db is not None:
        previous = previous_run(request.db, config_path=config.path, name=config.audit.name,
                                as_of=request.as_of, generated_before=generated_at)
    tally = _Tally()
    written: list[Path] = []
    with ExitStack() as stack:
        spool = stack.enter_context(OrganisationSpool(out, posts_with_text=POSTS_SHOWN))
        sinks: list[Any] = [spool, tally]
        json_writer = csv_writer = history_writer = None
        if "json" in formats:
            from auditor.report.json_report import JsonReportWriter
            json_writer = stack.enter_context(JsonReportWriter(out / "report.json"))
            sinks.append(json_writer)
        if "csv" in formats:
            from auditor.report.csv_report import CsvReportWriter
            csv_writer = stack.enter_context(CsvReportWriter(out / "report.csv", request.lang))
            sinks.append(csv_writer)
        collector = (ChangeCollector(previous, as_of=request.as_of)
                     if previous is not None else None)
        if collector is not None:
            sinks.append(collector)
        if request.db is not None and run_id is not None:
            store = stack.enter_context(HistoryStore(request.db))
            history_writer = stack.enter_context(store.run_writer(run_id))
            sinks.append(history_writer)
        result = judge_audit(config, RecordIndex(records), as_of=request.as_of,
                             generated_at=generated_at, lang=request.lang,
                             into=_Fanout(sinks))
        result = replace(result, organisations=spool)  # read back from disk, one at a time
        if collector is not None:
            result = replace(result, since=collector.finish(
                lambda profiles, flags: run_info_of(result, run_id=None, profiles=profiles,
                                                    flags=flags)))
        if history_writer is not None:
            history_writer.finish(result, completed=completed and not result.missing)
        for name in formats:
            if name == "json" and json_writer is not None:
                json_writer.finish(result)
            elif name == "csv" and csv_writer is not None:
                csv_writer.finish()
            written.append(out / f"report.{name}")
        _write_pages(result, out, formats)
        if present is not None:
            present(result)
    return AuditRun(written=tuple(written), profiles=tally.profiles, flagged=tally.flagged,
                    raised=frozenset(tally.raised), missing=result.missing,
                    completed=completed, elapsed=0.0, run_id=run_id)


def _write_pages(result: AuditResult, out: Path, formats: Sequence[str]) -> None:
    """report.html and report.md from one view of the audit: its totals and ranking read
    once, then each writer reads the organisations once more as it writes."""
    if "html" not in formats and "md" not in formats:
        return
    from auditor.report import write_atomic
    from auditor.report.views import build_report_view

    view = build_report_view(result)
    if "html" in formats:
        from auditor.report.html import write_html
        write_html(result, out / "report.html", view=view)
    if "md" in formats:
        from auditor.report.brief import render_brief
        write_atomic(out / "report.md", render_brief(result, view=view) + "\n")


def write_reports(result: AuditResult, out: Path, formats: Sequence[str]) -> list[Path]:
    """Write the chosen reports of a judged audit into ``out``; return their paths."""
    from auditor.report.csv_report import write_csv
    from auditor.report.json_report import write_json

    for name in formats:
        if name == "json":
            write_json(result, out / "report.json")
        elif name == "csv":
            write_csv(result, out / "report.csv")
    _write_pages(result, out, formats)
    return [out / f"report.{name}" for name in formats]


# -- the run state that --resume relies on --------------------------------------------------


def write_run_state(request: AuditRequest, *, completed: bool) -> None:
    """``run.json``: which config and audit date the records in ``out`` belong to."""
    path = request.out / RUN_STATE
    config_path = request.config.path
    state = {"config": str(Path(config_path).resolve()) if config_path else None,
             "config_sha256": request.config_digest, "as_of": request.as_of.isoformat(),
             "completed": completed}
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise AuditProblem(f"--out: cannot write {path} ({exc.strerror or exc})") from None


def read_run_state(out: Path) -> dict[str, Any] | None:
    """The ``run.json`` an earlier audit left in ``out``; None when there is none."""
    try:
        state = json.loads((out / RUN_STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AuditProblem(f"--resume: {out / RUN_STATE} cannot be read ({exc})") from None
    if not isinstance(state, dict):
        raise AuditProblem(f"--resume: {out / RUN_STATE} cannot be read")
    return state


# -- what the person at the terminal sees ----------------------------------------------------


def _say(request: AuditRequest, line: str) -> None:
    if request.progress:
        print(line, file=sys.stderr)


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


@contextmanager
def temporary_out(prefix: str = "auditor-check-") -> Iterator[Path]:
    """A folder for an audit whose files nobody keeps (``auditor check``)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)
