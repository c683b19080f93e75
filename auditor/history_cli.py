"""The ``history`` and ``diff`` commands, and the hooks ``auditor audit`` uses to store a run.

Wiring (in auditor/cli.py)::

    history_cli.add_commands(commands)          # adds ``history`` and ``diff``
    history_cli.add_db_option(audit)            # adds ``--db`` to ``audit``
    ...
    if args.command in history_cli.COMMANDS:
        return history_cli.run_command(args)

and in ``cmd_audit``, once the audit is judged::

    db = history_cli.resolve_db_path(args.db, config)   # None for a config without a file
    run_id = history_cli.store_run(db, config, result, completed=..., started_at=...)
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TextIO

from auditor.audit import AuditResult
from auditor.changes import (
    CAME_BACK,
    FLAG_CLEARED,
    FLAG_NEW,
    NOT_RECHECKED,
    WENT_QUIET,
    Changes,
    changes_between,
    changes_data,
)
from auditor.config import AuditConfig, ConfigError, load_config
from auditor.history import (
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    sqlite_problem,
    store_result,
)
from auditor.historydb import DbTarget, PostgresURL, parse_db, target_exists
from auditor.i18n import EN, LANGUAGES, Translator, translator
from auditor.models import to_jsonable
from auditor.report import clean_text
from auditor.snapshots import RunInfo, RunSnapshot, config_hash, config_path_key, default_db_path
from auditor.trends import Trend, monthly_runs, trends

__all__ = ["COMMANDS", "add_commands", "add_db_option", "begin_run", "default_db_path",
           "resolve_db_path", "run_command", "store_run"]

COMMANDS: Final = ("history", "diff")
EXIT_OK, EXIT_USAGE = 0, 2
_MARKS: Final = {FLAG_NEW: "+", FLAG_CLEARED: "-", NOT_RECHECKED: "?", WENT_QUIET: "!",
                 CAME_BACK: "+"}


# --- hooks for ``auditor audit`` -----------------------------------------------------------


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=db_option, metavar="PATH|URL",
                        help="the history: an SQLite file (default: <config name>.history."
                             "sqlite beside the config, created on first use) or a "
                             "PostgreSQL database, postgresql://user@host/dbname (password "
                             "in PGPASSWORD or ~/.pgpass)")


def db_option(value: str) -> DbTarget:
    """``--db``'s value; a URL that cannot be read is refused without being repeated (it
    may hold a password)."""
    try:
        return parse_db(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a usable postgresql:// URL ({exc})") from None


def resolve_db_path(db: DbTarget | str | None, config: AuditConfig, *,
                    out: Path | None = None) -> DbTarget | None:
    """``--db`` when given, else the default beside the config; None when neither exists
    (a config built from command-line URLs has no file to sit beside).

    A config bundled with the auditor (the demo in ``sample_pages/``, inside the package
    when installed) keeps its history in the audit's ``out`` folder instead, never beside
    itself; without ``out`` (``history``, ``diff``) such a config needs ``--db``."""
    if db is not None:
        return parse_db(db)
    if config.path is None:
        return None
    if is_bundled(config.path):
        name = default_db_path(config.path).name
        if out is None:
            raise HistoryError(f"{config.path} is bundled with the auditor and keeps no "
                               "history beside itself; give --db (an audit of it keeps its "
                               f"history in its --out folder: OUT/{name})")
        return Path(out) / name
    return default_db_path(config.path)


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the files shipped with the auditor (its sample pages, or
    anything inside the installed package), where an audit must write nothing."""
    import auditor
    from auditor.resources import sample_pages_dir

    resolved = Path(path).resolve()
    homes = [Path(auditor.__file__).resolve().parent]
    with suppress(FileNotFoundError):
        homes.append(sample_pages_dir().resolve())
    return any(resolved.is_relative_to(home) for home in homes)


def begin_run(db_path: str | Path | PostgresURL, config: AuditConfig, *, started_at: datetime,
              as_of: datetime | None = None, name: str | None = None,
              tool_version: str | None = None) -> int:
    """Insert a run, not completed yet, at the start of an audit; return its id. Pass it to
    :func:`store_run` at the end: a crash in between leaves the run marked incomplete."""
    from auditor import __version__

    with HistoryStore(db_path) as store:
        try:
            return store.begin_run(
                name=name or config.audit.name, config_path=config_path_key(config.path),
                config_hash=config_hash(config), tool_version=tool_version or __version__,
                started_at=started_at, as_of=as_of, window_days=config.audit.window_days)
        except sqlite3.Error as exc:  # locked past the busy timeout, a full disk
            raise HistoryError(sqlite_problem(db_path, exc)) from None


def store_run(db_path: str | Path | PostgresURL, config: AuditConfig, result: AuditResult, *,
              completed: bool, started_at: datetime, run_id: int | None = None) -> int:
    """Store a judged audit in the history file (created on first use); return the run id.

    ``completed`` says whether the crawl finished every profile; an incomplete run is kept
    but never used as "the last audit". Raises HistoryError when the file is unusable.
    """
    with HistoryStore(db_path) as store:
        return store_result(store, config, result, completed=completed,
                            started_at=started_at, run_id=run_id)


# --- the commands --------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """Add ``history`` and ``diff`` to an argparse subparsers object."""
    history = subparsers.add_parser("history", help="list the stored audit runs of a config")
    history.add_argument("config", type=Path, help="the audit config")
    add_db_option(history)
    history.add_argument("--json", action="store_true", help="print JSON instead")
    history.add_argument("--trend", action="store_true",
                         help="month by month per organisation and network: posts per week, "
                              "followers, interactions per post, reply share and flags")

    diff = subparsers.add_parser("diff", help="what changed between two stored audit runs "
                                              "(default: the last two complete ones)")
    diff.add_argument("config", type=Path, help="the audit config")
    add_db_option(diff)
    diff.add_argument("--from", dest="from_run", type=int, metavar="RUN",
                      help="the earlier run's id (see `auditor history`)")
    diff.add_argument("--to", dest="to_run", type=int, metavar="RUN",
                      help="the later run's id (default: the latest complete run)")
    diff.add_argument("--json", action="store_true", help="print JSON instead")
    diff.add_argument("--lang", choices=LANGUAGES, default="en",
                      help="language of the changes (default: en; --json is always the same)")


def run_command(args: argparse.Namespace, *, out: TextIO | None = None,
                err: TextIO | None = None) -> int:
    """Run ``history`` or ``diff``; return the exit code (0, or 2 for bad input)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"auditor: {problem}", file=err)
        return EXIT_USAGE
    try:
        db = resolve_db_path(getattr(args, "db", None), config)
        assert db is not None  # a loaded config always has a path
        if args.command == "history":
            return _history(config, db, args, out, err)
        if args.command == "diff":
            return _diff(config, db, args, out, err)
    except HistoryError as exc:
        print(f"auditor: {exc}", file=err)
        return EXIT_USAGE
    print(f"auditor: unknown command {args.command!r}", file=err)
    return EXIT_USAGE


def _history(config: AuditConfig, db: DbTarget, args: argparse.Namespace, out: TextIO,
             err: TextIO) -> int:
    runs: list[RunInfo] = []
    months: list[RunSnapshot] = []
    exists = target_exists(db)
    if exists:
        with HistoryStore(db) as store:
            runs = store.runs(config_path=config_path_key(config.path), name=config.audit.name)
            if getattr(args, "trend", False):
                months = monthly_runs(store.load_run(run.id, items=False) for run in runs
                                      if run.completed and run.id is not None)
    if getattr(args, "trend", False):
        found = trends(months)
        if args.json:
            print(json.dumps({"db": str(db), "name": config.audit.name,
                              "trends": to_jsonable(found)}, ensure_ascii=False, indent=2),
                  file=out)
        else:
            print(render_trends(found, name=config.audit.name), file=out)
        return EXIT_OK
    if args.json:
        data = {"db": str(db), "config": str(args.config), "name": config.audit.name,
                "schema_version": SCHEMA_VERSION, "runs": [_run_data(run) for run in runs]}
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return EXIT_OK
    if not runs:
        where = db if exists else f"{db} (not created yet)"
        print(f"No audit runs of “{_c(config.audit.name)}” stored in {where}.", file=out)
        return EXIT_OK
    print(f"Audit runs of “{_c(config.audit.name)}” in {db}:", file=out)
    print(f"{'run':>5}  {'as of':<10}  {'generated (UTC)':<16}  {'status':<10}  "
          f"{'profiles':>8}  {'flags':>5}", file=out)
    for run in reversed(runs):
        status = "complete" if run.completed else "incomplete"
        print(f"{run.id:>5}  {_date(run.as_of):<10}  {_minute(run.generated_at):<16}  "
              f"{status:<10}  {run.profiles:>8}  {run.flags:>5}", file=out)
    return EXIT_OK


def _diff(config: AuditConfig, db: DbTarget, args: argparse.Namespace, out: TextIO,
          err: TextIO) -> int:
    if not target_exists(db):
        print(f"auditor: no history at {db}; run `auditor audit` first", file=err)
        return EXIT_USAGE
    with HistoryStore(db) as store:
        complete = store.runs(config_path=config_path_key(config.path),
                              name=config.audit.name, completed=True)
        ids = [run.id for run in complete if run.id is not None]
        for value in (args.from_run, args.to_run):
            if value is not None and store.run(value) is None:
                print(f"auditor: diff: no run {value} in {db} (see `auditor history`)",
                      file=err)
                return EXIT_USAGE
        to_run = args.to_run
        from_run = args.from_run
        if to_run is None:
            later = [i for i in ids if from_run is None or i > from_run]
            to_run = later[-1] if later else None
        if from_run is None and to_run is not None:
            earlier = [i for i in ids if i < to_run]
            from_run = earlier[-1] if earlier else None
        if from_run is None or to_run is None:
            print(f"auditor: diff: needs two complete runs of “{_c(config.audit.name)}” in "
                  f"{db}; found {len(ids)}. Run `auditor audit` again later, or name the "
                  "runs with --from and --to.", file=err)
            return EXIT_USAGE
        previous = store.load_run(from_run, items=False)
        current = store.load_run(to_run)
    changes = changes_between(previous, current)
    if args.json:
        text = json.dumps(changes_data(changes), ensure_ascii=False, indent=2, default=str)
        print(text, file=out)
    else:
        print(render_changes(changes, translator(getattr(args, "lang", "en"))), file=out)
    return EXIT_OK


#: The trend table's rows: (label, TrendPoint field, how a value is written).
_TREND_ROWS = (("posts/week", "posts_per_week", "{:.2f}"), ("followers", "followers", "{:,}"),
               ("interactions/post", "interactions", "{:.1f}"),
               ("reply share", "reply_share", "{:.0%}"), ("flags", "flags", "{}"))


def render_trends(found: Sequence[Trend], *, name: str) -> str:
    """The trends as terminal text: per organisation, per network, a row per metric and a
    column per month, with the change from the first month to the last."""
    if not found:
        return (f"No trend for “{_c(name)}” yet: it needs complete audit runs in the history "
                "(one a month gives one column each).")
    months = sorted({p.month for trend in found for p in trend.points})
    width = 10
    lines = [f"Trends of “{_c(name)}”, month by month (the month's latest run):"]
    organisation = None
    for trend in found:
        if trend.organisation != organisation:
            organisation = trend.organisation
            role = f" ({trend.role})" if trend.role else ""
            lines += ["", f"{_c(organisation)}{role}",
                      f"  {'':<20}" + "".join(f"{m:>{width}}" for m in months) + "    change"]
        lines.append(f"  {trend.platform}")
        by_month = {p.month: p for p in trend.points}
        for label, attr, form in _TREND_ROWS:
            cells = []
            for month in months:
                value = getattr(by_month[month], attr) if month in by_month else None
                cells.append(f"{'—' if value is None else form.format(value):>{width}}")
            change = trend.change(attr)
            shown = "" if change is None else _signed(change, form)
            lines.append(f"    {label:<18}" + "".join(cells) + f"    {shown}")
    return "\n".join(lines)


def _signed(change: float, form: str) -> str:
    if change == 0:
        return "0"
    text = form.format(abs(change) if form != "{}" else int(abs(change)))
    return ("+" if change > 0 else "−") + text


def render_changes(changes: Changes, t: Translator = EN) -> str:
    """The changes as terminal text in ``t``'s language: a heading, the summary, then each
    organisation."""
    previous, current = changes.previous, changes.current
    heading = t("Changes from {before} to {after}", before=_run_label(previous, t),
                after=_run_label(current, t))
    if changes.days_between is not None:
        heading += ", " + t("{days} days", days=t.number(changes.days_between, 1))
    summary = t.msg(changes.summary)
    lines = [heading, summary[:1].upper() + summary[1:] + "."]
    for warning in (previous, current):
        if not warning.completed:
            lines.append(t("Note: run {run} did not complete; profiles it did not finish count "
                           "as not re-checked.", run=warning.id))
    for organisation in changes.organisations:
        shown = [p for p in organisation.profiles if p.changes or p.posting or p.audience]
        lines.append("")
        role = f" ({organisation.role})" if organisation.role else ""
        lines.append(f"{_c(organisation.name)}{role}")
        for profile in shown:
            who = _c(profile.handle or profile.url)
            name = f" — {_c(profile.display_name, 80)}" if profile.display_name else ""
            lines.append(f"  {profile.platform} {who}{name}")
            for change in profile.changes:
                lines.append(f"    {_MARKS.get(change.kind, '*')} "
                             f"{_c(t.msg(change.message), 400)}")
            for extra in (profile.posting, profile.audience):
                if extra is not None:
                    lines.append(f"    · {_c(t.msg(extra.message), 400)}")
        quiet = len(organisation.profiles) - len(shown)
        if quiet:
            lines.append("  " + t.n(quiet, "{n} profile without changes",
                                    "{n} profiles without changes"))
    return "\n".join(lines)


def _run_label(run: RunInfo, t: Translator = EN) -> str:
    if run.id is None:
        return t("this audit (as of {date})", date=_date(run.as_of))
    return t("run {run} (as of {date})", run=run.id, date=_date(run.as_of))


def _run_data(run: RunInfo) -> dict[str, Any]:
    return {
        "id": run.id,
        "name": run.name,
        "as_of": _iso(run.as_of),
        "generated_at": _iso(run.generated_at),
        "started_at": _iso(run.started_at),
        "completed": run.completed,
        "profiles": run.profiles,
        "flags": run.flags,
        "profiles_not_finished": run.profiles_missing,
        "tool_version": run.tool_version,
        "config_hash": run.config_hash,
        "config_path": run.config_path,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else "-"


def _minute(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def _c(value: object, limit: int = 200) -> str:
    return clean_text(value, limit)
