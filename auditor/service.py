"""The one application service: :func:`run_audit` crawls, judges and reports an audit.

``auditor audit``, ``auditor demo`` and ``auditor check`` all build an :class:`AuditRequest`
and call it. After the crawl the records are read once: each organisation is judged and
handed to every sink that can take it as it comes (the spool the page writers read, the
JSON and CSV reports, the history and the diff against the last audit); report.html and
report.md, which open with totals and what changed, are then written from one view of the
spool. Memory stays flat as the list grows (docs/performance.md).

Once the records are there they are never lost to what comes after: a sink that fails
with what it may fail with (a full disk under one report, a history file that is locked,
corrupted or replaced) is closed and left out with a note, and the other sinks go on.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from auditor.apicost import x_reads_line
from auditor.audit import AuditResult, OrganisationResult, judge_audit
from auditor.config import AuditConfig
from auditor.crawl import (
    api_notice,
    crawl_command,
    crawl_plan,
    read_records,
    run_crawl,
    setting_problems,
    write_plan,
)
from auditor.crawlstatus import (
    HostWait,
    nothing_fetched_reason,
    read_status,
    status_path,
    still_to_read,
)
from auditor.fanout import Fanout
from auditor.historydb import DbTarget, child_env, location
from auditor.i18n import LANGUAGES
from auditor.observed import Observations
from auditor.outdir import (
    AuditProblem,
    out_lock,
    remove_stale_reports,
    write_run_state,
)
from auditor.progress import print_log_tail, progress_printer
from auditor.report.format import POSTS_SHOWN
from auditor.spool import OrganisationSpool, RecordIndex

EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_CUT_SHORT = 0, 1, 2, 3
#: The audit could not be finished after the crawl: an internal error, or a report that
#: could not be written (a full disk). The records are kept: ``--from-records`` judges them
#: again without fetching anything.
EXIT_NOT_FINISHED: Final = 4
#: Nothing could be fetched: every request failed before any answer (offline, DNS failing
#: everywhere). No report is written (the last audit's stay); ``--resume`` reads every
#: profile once the network is back.
EXIT_NOTHING_FETCHED: Final = 5
FORMATS: Final = ("html", "json", "csv", "md", "xlsx")
#: In --out: the crawl plan handed to the crawl process.
PLAN: Final = "plan.json"


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
    #: The history: a file, or a PostgreSQL URL (auditor.historydb); None: no history.
    db: DbTarget | None = None
    #: SHA-256 of the config file (what ``run.json`` ties the records to), when there is one.
    config_digest: str | None = None
    #: Progress lines on stderr.
    progress: bool = True
    #: Judge these records of an earlier crawl instead of crawling (a re-judged audit:
    #: other thresholds, another language).
    records_from: Path | None = None
    #: The observation sheet (auditor.sheet) for the profiles the crawl cannot read; None:
    #: the config's ``observations``, if any.
    observations: Path | None = None
    #: Crawl only these URLs (one shard: auditor.shard) into the records and judge nothing;
    #: ``auditor merge`` judges the shards' records together. None: the whole audit.
    crawl_only: frozenset[str] | None = None


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
    #: Each raised flag with where: (code, role, organisation), for ``--fail-on CODE@WHERE``.
    raised_where: frozenset[tuple[str, str | None, str]] = frozenset()
    #: The run's id in the history; None when it was not stored.
    run_id: int | None = None
    #: Reports that could not be written, each with why (one line, e.g. "the disk is full").
    not_written: tuple[tuple[Path, str], ...] = ()
    #: What the person should know that did not stop the audit (the history could not be
    #: used, so this run is not stored), one line each.
    warnings: tuple[str, ...] = ()
    #: Reports an earlier audit left in ``out``, in formats this run did not write: removed.
    removed: tuple[Path, ...] = ()
    #: The records judged (what ``--from-records`` can judge again).
    records: Path | None = None
    #: Bad cells and rows of the observation sheet, one line each (the rest was used).
    problems: tuple[str, ...] = ()
    #: Why nothing could be fetched (every request failed before any answer: offline, DNS
    #: failing everywhere); None when something was. Then no report is written.
    nothing_fetched: str | None = None
    #: Hosts whose rate limit left profiles ``rate_limited``, with when they take requests
    #: again (``--resume`` reads those profiles then).
    retry_later: tuple[HostWait, ...] = ()

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
    still be read (``auditor check`` prints its brief there).

    Raises :class:`AuditProblem` for what must stop the audit before the crawl (bad input,
    another audit writing to the same ``out``, an unusable history file). Once the records
    are there, the reports are written whatever happens to the history file (a warning in
    :attr:`AuditRun.warnings`) or to one report (:attr:`AuditRun.not_written`)."""
    if request.lang not in LANGUAGES:
        raise AuditProblem(f"unknown language {request.lang!r}; choose one of "
                           f"{', '.join(LANGUAGES)}")
    problems = setting_problems(request.settings)
    if problems:
        raise AuditProblem("; ".join(problems))
    # a sheet that cannot be read stops it here (a shard's crawl leaves it to the merge)
    observations = _observations(request) if request.crawl_only is None else None
    with out_lock(request.out):
        if request.records_from is not None:
            run = _rejudge(request, present=present, observations=observations)
        else:
            run = _crawl_and_judge(request, present=present, observations=observations)
        if observations is not None:
            run = replace(run, problems=tuple(observations.problems),
                          warnings=(*observations.warnings, *run.warnings))
        if request.formats and run.nothing_fetched is None:  # else the last reports stay
            run = replace(run, removed=remove_stale_reports(request.out, run.written, FORMATS))
    return run


def _observations(request: AuditRequest) -> Observations | None:
    """The observation sheet's usable rows, or None without one; AuditProblem when the
    file is no sheet at all (bad cells are problem lines, and the rest is used)."""
    from auditor.observed import load_observations
    from auditor.sheet import SheetError

    path = request.observations or request.config.audit.observations
    if path is None:
        return None
    try:
        return load_observations(path, request.config, as_of=request.as_of,
                                 max_age_days=request.config.audit.observations_max_age_days)
    except SheetError as exc:
        raise AuditProblem(f"--observations: {exc}") from None


def _crawl_and_judge(request: AuditRequest, *,
                     present: Callable[[AuditResult], None] | None,
                     observations: Observations | None = None) -> AuditRun:
    config, out = request.config, request.out
    records = out / "records.jsonl"
    shard = request.crawl_only
    listed = [entry.url for entry in config.profiles() if shard is None or entry.url in shard]
    only: Callable[[str], bool] | None = None if shard is None else shard.__contains__
    if request.resume:
        # readable lines only; a profile left rate_limited is read again
        pairs = [(record.url, record.outcome) for record in read_records(records)]
        done = {url for url, _ in pairs} - still_to_read(pairs)
        only = lambda url: url not in done and (shard is None or url in shard)  # noqa: E731
        left = sum(1 for url in listed if url not in done)
        _say(request, f"Resuming: {len(listed) - left} of {len(listed)} profile(s) already "
                      f"done, {left} to crawl.")
    plan = crawl_plan(config, request.as_of, only=only)
    started_at = datetime.now(UTC)
    run_id = _begin_history(request, started_at)  # before anything is written to out
    if run_id is not None and request.db is not None and request.replay is None \
            and request.record is None:
        # The crawl asks only for what is new since the last audit (auditor.answercache);
        # a replay or a recording reads and keeps every answer as it is.
        plan = replace(plan, history=location(request.db))
    _run_state(request, completed=False)
    if not request.resume:
        (out / "crawl.log").write_text("", encoding="utf-8")
    _say(request, f"Auditing {len(listed)} profile(s) of {len(config.organisations)} "
                  f"organisation(s) as of {request.as_of.date().isoformat()}…")
    if (notice := api_notice(plan, replay=request.replay is not None)) is not None:
        _say(request, notice)  # what X may cost, before the first request
    started = time.monotonic()
    completed = True
    retry_later: tuple[HostWait, ...] = ()
    if plan.targets:
        command = crawl_command(plan=write_plan(plan, out / PLAN), records=records,
                                as_of=request.as_of, log_file=out / "crawl.log",
                                replay=request.replay, record=request.record,
                                settings=request.settings)
        status_file = status_path(records)
        status_file.unlink(missing_ok=True)
        kept = records.stat().st_size if request.resume and records.is_file() else 0
        progress = progress_printer(listed, status_file) if request.progress else None
        run = run_crawl(command, records, progress=progress, resume=request.resume,
                        extra_env=child_env(request.db))
        completed = run.completed
        if run.returncode != 0 and not run.interrupted:
            print_log_tail(out / "crawl.log")
        status = read_status(status_file)
        if status is not None and status.nothing_fetched and request.replay is None \
                and not run.interrupted:
            # Nothing was learnt: the records of this run go, the reports of the last one
            # stay, and --resume reads every profile once the network is back.
            with suppress(OSError), records.open("rb+") as handle:
                handle.truncate(kept)
            return AuditRun(written=(), profiles=0, flagged=0, raised=frozenset(),
                            missing=len(listed), completed=False,
                            elapsed=time.monotonic() - started, records=records,
                            nothing_fetched=nothing_fetched_reason(status))
        retry_later = status.given_up if status is not None else ()
        if (spent := x_reads_line((r.notes for r in read_records(records) if r.platform == "x"),
                                  config.x)) is not None:
            _say(request, spent)  # the X reads the run paid for
    if shard is not None:  # a shard is judged with the others by auditor merge
        return _shard_crawled(request, records, listed, started, completed, retry_later)
    judged = _judge_and_report(request, records, run_id=run_id, started_at=started_at,
                               completed=completed, present=present,
                               observations=observations)
    if completed and not judged.missing:
        try:
            _run_state(request, completed=True)
        except AuditProblem as exc:  # the reports are written; only --resume would mind
            judged = replace(judged, warnings=(*judged.warnings, str(exc)))
    return replace(judged, elapsed=time.monotonic() - started, completed=completed,
                   retry_later=retry_later)


def _shard_crawled(request: AuditRequest, records: Path, listed: list[str], started: float,
                   completed: bool, retry_later: tuple[HostWait, ...]) -> AuditRun:
    done = RecordIndex(records)  # reads each line's URL only
    missing = sum(1 for url in listed if url not in done)
    if completed and not missing:
        _run_state(request, completed=True)
    return AuditRun(written=(), profiles=len(listed) - missing, flagged=0, raised=frozenset(),
                    missing=missing, completed=completed, elapsed=time.monotonic() - started,
                    records=records, retry_later=retry_later)


def _rejudge(request: AuditRequest, *,
             present: Callable[[AuditResult], None] | None,
             observations: Observations | None = None) -> AuditRun:
    """Judge the records of an earlier crawl: nothing is fetched."""
    records = request.records_from
    assert records is not None
    if not records.is_file():
        raise AuditProblem(f"--from-records: {records} is not a file")
    listed = sum(1 for _ in request.config.profiles())
    _say(request, f"Judging {listed} profile(s) from {records} as of "
                  f"{request.as_of.date().isoformat()} (nothing is fetched)…")
    started = time.monotonic()
    started_at = datetime.now(UTC)
    run_id = _begin_history(request, started_at)
    judged = _judge_and_report(request, records, run_id=run_id, started_at=started_at,
                               completed=True, present=present, observations=observations)
    return replace(judged, elapsed=time.monotonic() - started)


def _begin_history(request: AuditRequest, started_at: datetime) -> int | None:
    """The run's row in the history, begun before the crawl (after the config's earlier
    runs, when the history is still empty: auditor.seed); a history file that cannot be
    used stops the audit here, before anything is fetched."""
    from auditor import history_cli
    from auditor.history import HistoryError
    from auditor.seed import seed_history

    if request.db is None:
        return None
    try:
        if request.config.earlier_runs:
            seeded = seed_history(request.db, request.config, request.config.earlier_runs,
                                  before=request.as_of)
            if seeded:
                _say(request, f"The history starts with the config's {seeded} earlier "
                              "run(s) ([[history.earlier]]).")
        return history_cli.begin_run(request.db, request.config, started_at=started_at,
                                     as_of=request.as_of)
    except HistoryError as exc:
        raise AuditProblem(f"--db: {exc} (--no-history audits without it)") from None


@dataclass
class _Tally:
    """Counts of the judged profiles, taken as organisations pass (a sink)."""

    profiles: int = 0
    flagged: int = 0
    raised: set[str] = field(default_factory=set)
    raised_where: set[tuple[str, str | None, str]] = field(default_factory=set)

    def append(self, organisation: OrganisationResult) -> None:
        for profile in organisation.profiles:
            self.profiles += 1
            self.flagged += bool(profile.flags)
            self.raised.update(flag.code for flag in profile.flags)
            self.raised_where.update((flag.code, organisation.role, organisation.name)
                                     for flag in profile.flags)


#: What a report writer may fail with and leave the other reports to be written.
_REPORT_ERRORS: Final = (OSError,)


def _trends(request: AuditRequest) -> list[Any]:
    """The history's months per organisation and network (auditor.trends), this run
    included; empty with fewer than two months."""
    from auditor.history import HistoryStore
    from auditor.snapshots import config_path_key
    from auditor.trends import monthly_runs, trends

    assert request.db is not None
    config = request.config
    with HistoryStore(request.db) as store:
        runs = store.runs(config_path=config_path_key(config.path), name=config.audit.name,
                          completed=True)
        ids = {run.as_of.strftime("%Y-%m"): run.id  # the month's latest run
               for run in sorted(runs, key=lambda r: (r.as_of, r.id or 0)) if run.as_of}
        if len(ids) < 2:
            return []
        months = monthly_runs(store.load_run(run_id, items=False)
                              for run_id in ids.values() if run_id is not None)
    return trends(months)


def _history_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    from auditor.history import HistoryError

    return (HistoryError, sqlite3.Error, OSError)


def _judge_and_report(request: AuditRequest, records: Path, *, run_id: int | None,
                      started_at: datetime, completed: bool,
                      present: Callable[[AuditResult], None] | None,
                      observations: Observations | None = None) -> AuditRun:
    from auditor.changes import ChangeCollector, previous_run
    from auditor.history import HistoryStore
    from auditor.snapshots import run_info_of

    config, out, formats = request.config, request.out, request.formats
    generated_at = generated_now()
    warnings: list[str] = []
    history_errors = _history_errors()
    # reading an earlier run may also meet rows that are not ours
    read_errors: tuple[type[BaseException], ...] = (*history_errors, ValueError, TypeError,
                                                    KeyError)
    previous = None
    use_history = request.db is not None and run_id is not None
    if request.db is not None:
        try:
            previous = previous_run(request.db, config_path=config.path,
                                    name=config.audit.name, as_of=request.as_of,
                                    generated_before=generated_at)
        except read_errors as exc:
            warnings.append(_history_warning(request.db, exc))
            use_history = False
    tally = _Tally()
    written: list[Path] = []
    not_written: list[tuple[Path, str]] = []
    with ExitStack() as stack:
        fanout = Fanout()
        spool = fanout.open("spool", lambda own: own.enter_context(
            OrganisationSpool(out, posts_with_text=POSTS_SHOWN)), _REPORT_ERRORS, stack)
        fanout.add("tally", tally)
        json_sink = csv_sink = history_sink = None
        if "json" in formats:
            from auditor.report.json_report import JsonReportWriter
            json_sink = fanout.open("report.json", lambda own: own.enter_context(
                JsonReportWriter(out / "report.json")), _REPORT_ERRORS, stack)
        if "csv" in formats:
            from auditor.report.csv_report import CsvReportWriter
            csv_sink = fanout.open("report.csv", lambda own: own.enter_context(
                CsvReportWriter(out / "report.csv", request.lang)), _REPORT_ERRORS, stack)
        collector = (ChangeCollector(previous, as_of=request.as_of)
                     if previous is not None else None)
        if collector is not None:
            fanout.add("changes", collector)
        if use_history and request.db is not None and run_id is not None:
            db = request.db

            def history_writer(own: ExitStack) -> Any:
                store = own.enter_context(HistoryStore(db))
                return own.enter_context(store.run_writer(run_id, started_at=started_at))

            history_sink = fanout.open("history", history_writer, history_errors, stack)
        source: Any = RecordIndex(records)
        if observations is not None:
            from auditor.observed import ObservedSource
            source = ObservedSource(source, observations, config.profiles())
        result = judge_audit(config, source, as_of=request.as_of,
                             generated_at=generated_at, lang=request.lang, into=fanout)
        # read back from disk, one at a time
        result = replace(result, organisations=spool.target if spool.live else ())
        if collector is not None:
            result = replace(result, since=collector.finish(
                lambda profiles, flags: run_info_of(result, run_id=None, profiles=profiles,
                                                    flags=flags)))
        stored = None
        if history_sink is not None:
            finished = completed and not result.missing
            if fanout.finish(history_sink, lambda writer: writer.finish(
                    result, completed=finished)):
                stored = run_id
                try:
                    result = replace(result, trends=_trends(request))
                except read_errors as exc:
                    assert request.db is not None
                    warnings.append(_history_warning(request.db, exc))
            elif history_sink.error is not None and request.db is not None:
                warnings.append(_history_warning(request.db, history_sink.error))
        for name, sink, finish in (
                ("json", json_sink, lambda writer: writer.finish(result)),
                ("csv", csv_sink, lambda writer: writer.finish())):
            if sink is None:
                continue
            if fanout.finish(sink, finish):
                written.append(out / f"report.{name}")
            elif sink.error is not None:
                not_written.append((out / f"report.{name}", problem_text(sink.error)))
        pages_written, pages_failed = _write_pages_guarded(result, out, formats,
                                                           spool_error=spool.error)
        written += pages_written
        not_written += pages_failed
        if present is not None:
            if spool.error is not None:
                raise spool.error
            present(result)
    order = {f"report.{name}": index for index, name in enumerate(formats)}
    return AuditRun(written=tuple(sorted(written, key=lambda p: order.get(p.name, 0))),
                    profiles=tally.profiles, flagged=tally.flagged,
                    raised=frozenset(tally.raised),
                    raised_where=frozenset(tally.raised_where), missing=result.missing,
                    completed=completed, elapsed=0.0, run_id=stored,
                    not_written=tuple(not_written), warnings=tuple(warnings),
                    records=records)


def _history_warning(db: DbTarget, error: BaseException) -> str:
    import sqlite3

    from auditor.history import HistoryError, sqlite_problem

    if isinstance(error, HistoryError):
        why = str(error)
    elif isinstance(error, sqlite3.Error):
        why = sqlite_problem(db, error)
    else:
        why = f"{db}: {problem_text(error)}"
    return f"--db: {why}; this run is not stored in the history (the reports are written)"


def problem_text(error: BaseException) -> str:
    """One line for an error writing a file; a full disk is called that."""
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"the disk is full ({error.strerror or 'no space left on device'})"
        return error.strerror or str(error) or type(error).__name__
    return str(error) or type(error).__name__


def _write_pages_guarded(result: AuditResult, out: Path, formats: Sequence[str], *,
                         spool_error: BaseException | None,
                         ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """report.html, report.md and report.xlsx, each on its own: one that cannot be written
    (a full disk) does not keep the others from being written."""
    pages = [name for name in ("html", "md", "xlsx") if name in formats]
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []
    if not pages:
        return written, failed
    if spool_error is not None:
        return written, [(out / f"report.{name}", problem_text(spool_error)) for name in pages]
    from auditor.report import write_atomic
    from auditor.report.views import build_report_view

    try:
        view = build_report_view(result)
    except _REPORT_ERRORS as exc:
        return written, [(out / f"report.{name}", problem_text(exc)) for name in pages]
    for name in pages:
        path = out / f"report.{name}"
        try:
            if name == "html":
                from auditor.report.html import write_html
                write_html(result, path, view=view)
            elif name == "xlsx":
                from auditor.report.xlsx_report import write_xlsx
                write_xlsx(result, path, view=view)
            else:
                from auditor.report.brief import render_brief
                write_atomic(path, render_brief(result, view=view) + "\n")
        except _REPORT_ERRORS as exc:
            failed.append((path, problem_text(exc)))
        else:
            written.append(path)
    return written, failed


def _write_pages(result: AuditResult, out: Path, formats: Sequence[str]) -> None:
    """report.html, report.md and report.xlsx from one view of the audit: its totals and
    ranking read once, then each writer reads the organisations once more as it writes."""
    if not {"html", "md", "xlsx"} & set(formats):
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
    if "xlsx" in formats:
        from auditor.report.xlsx_report import write_xlsx
        write_xlsx(result, out / "report.xlsx", view=view)


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


def _say(request: AuditRequest, line: str) -> None:
    if request.progress:
        print(line, file=sys.stderr)


def _run_state(request: AuditRequest, *, completed: bool) -> None:
    write_run_state(request.out, config_path=request.config.path,
                    config_digest=request.config_digest, as_of=request.as_of,
                    completed=completed)
