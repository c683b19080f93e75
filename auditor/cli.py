"""The ``auditor`` command: ``audit`` a config into reports, ``check`` a few URLs on screen."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from auditor import __version__, history_cli, merge
from auditor.audit import AuditResult
from auditor.config import (
    AuditConfig,
    ConfigError,
    config_from_urls,
    load_config,
    parse_as_of,
)
from auditor.crawl import setting_problems
from auditor.crawlstatus import retry_time_text
from auditor.failon import FailOnProblem, FailRule, parse_fail_on, triggered
from auditor.history import HistoryError
from auditor.historydb import DbTarget
from auditor.i18n import LANGUAGES
from auditor.outdir import AuditProblem, resumable_as_of, temporary_out
from auditor.replay import ReplayError, ReplayStore
from auditor.resources import sample_pages_dir
from auditor.service import (
    EXIT_CUT_SHORT,
    EXIT_FLAGGED,
    EXIT_NOT_FINISHED,
    EXIT_NOTHING_FETCHED,
    EXIT_OK,
    EXIT_USAGE,
    FORMATS,
    AuditRequest,
    AuditRun,
    run_audit,
)
from auditor.verdicts import FLAG_CODES

EXIT_INTERRUPTED = 130
#: The output pipe was closed by its reader (`| head`): the shell's code for SIGPIPE.
EXIT_BROKEN_PIPE = 141


class UsageProblem(Exception):
    """Bad input from the user: one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="Audit public social media profiles: dead, broadcast-only and incomplete "
                    "accounts, each flag with its reason and evidence.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    audit = commands.add_parser("audit", help="audit every profile in a config, write reports")
    audit.add_argument("config", type=Path, help="the audit config (TOML, or CSV with "
                                                 "columns organisation,role,url)")
    audit.add_argument("--out", type=Path, default=Path("audit-report"),
                       help="folder for the reports (default: ./audit-report)")
    _common(audit)
    audit.add_argument("--record", type=Path, metavar="DIR",
                       help="also write every response into DIR, replayable with --replay")
    audit.add_argument("--format", default=",".join(FORMATS),
                       help=f"reports to write, comma-separated (default: {','.join(FORMATS)})")
    audit.add_argument("--fail-on", default="", metavar="CODE[@WHERE],...",
                       help="exit with code 1 when any of these flags is raised "
                            f"({', '.join(FLAG_CODES)}); CODE@client, CODE@competitor or "
                            "CODE@NAME (an organisation) only there")
    audit.add_argument("--resume", action="store_true",
                       help="continue an interrupted audit of the same config in --out: keep "
                            "its finished profiles and crawl only the missing ones")
    audit.add_argument("--from-records", type=Path, metavar="FILE",
                       help="judge the records.jsonl of an earlier crawl instead of crawling "
                            "(other thresholds or --lang without fetching again); stored in "
                            "the history only with --db")
    _observations_option(audit)
    history_cli.add_db_option(audit)
    audit.add_argument("--no-history", action="store_true",
                       help="do not store this run in the history file, nor compare with it")
    _lang(audit)
    merge.add_shard_option(audit)

    demo = commands.add_parser("demo", help="audit the bundled sample pages offline "
                                            "(the same as: audit sample_pages/demo.toml "
                                            "--replay sample_pages)")
    demo.add_argument("--out", type=Path, default=Path("demo-report"),
                      help="folder for the reports (default: ./demo-report)")
    _lang(demo)

    check = commands.add_parser("check", help="a quick brief on a few profile URLs")
    check.add_argument("urls", nargs="+", metavar="URL", help="profile URLs")
    _common(check)
    check.add_argument("--json", action="store_true", help="print report.json data instead")
    _observations_option(check)
    check.add_argument("--sheet", type=Path, metavar="FILE",
                       help="also write the observation sheet (.xlsx or .csv) of the URLs "
                            "the crawl cannot read, to fill in by hand")
    _lang(check)

    sheet = commands.add_parser(
        "sheet", help="write the observation sheet: one row per profile the audit cannot "
                      "read itself (LinkedIn, X, Facebook, ...), to fill in by hand")
    sheet.add_argument("config", type=Path, help="the audit config")
    sheet.add_argument("--out", type=Path, metavar="FILE",
                       help="the sheet to write: .xlsx, or .csv for Excel with Dutch settings "
                            "(UTF-8 with BOM, ';'); default: observations.xlsx beside the "
                            "config")
    sheet.add_argument("--force", action="store_true",
                       help="overwrite FILE if it exists (a filled-in sheet is lost)")
    history_cli.add_commands(commands)
    from auditor import scrapyd  # --scrapyd on audit, and scrapyd-deploy
    scrapyd.add_commands(commands)
    merge.add_command(commands)

    discover = commands.add_parser(
        "discover", help="write a config from organisations' websites (the first is the "
                         "client, the others competitors): the profiles their pages link")
    discover.add_argument("urls", nargs="+", metavar="URL", help="website URLs")
    discover.add_argument("--replay", type=Path, metavar="DIR",
                          help="answer every request from a recorded directory; no network")
    discover.add_argument("--format", choices=("toml", "csv"), default="toml",
                          help="the config's format (default: toml)")
    discover.add_argument("--out", type=Path, metavar="FILE",
                          help="write the config to FILE (default: print it)")
    discover.add_argument("--guess", action="store_true",
                          help="also try each organisation's name as a handle on Bluesky, "
                               "YouTube, Telegram and mastodon.social; keep only profiles "
                               "that link back to the website")
    return parser


def _observations_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--observations", type=Path, metavar="FILE",
                        help="the filled-in observation sheet (auditor sheet) of the profiles "
                             "the crawl cannot read; overrides the config's [audit] "
                             "observations")


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of every text in the reports: en or nl (default: en)")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="DATE",
                        help="the audit date (YYYY-MM-DD; default: the config's, else now)")
    parser.add_argument("--replay", type=Path, metavar="DIR",
                        help="answer every request from a recorded directory; no network")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        dest="settings",
                        help="override a Scrapy setting for this run (repeatable), "
                             "e.g. -s DOWNLOAD_DELAY=1")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, so that a closed pipe is noticed while it can be handled
    except BrokenPipeError:
        # The reader went away (`auditor history ... | head`): what Python's documentation
        # advises for SIGPIPE. Nothing more can be printed; stdout goes to devnull so the
        # interpreter's last flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        with suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "discover":
            return cmd_discover(args)
        if args.command == "sheet":
            return cmd_sheet(args)
        if hasattr(args, "handler"):  # a command that names its own function
            return int(args.handler(args))
        if args.command in history_cli.COMMANDS:
            return history_cli.run_command(args)
        if args.command == "merge":
            return merge.cmd_merge(args, _audit_with_db)
        return cmd_check(args)
    except (UsageProblem, AuditProblem) as exc:
        print(f"auditor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"auditor: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise
    except AuditCrashed as exc:
        print(f"auditor: {exc}", file=sys.stderr)
        return EXIT_NOT_FINISHED
    except Exception as exc:  # a bug: one line, never a traceback nor exit code 1
        print(f"auditor: internal error ({_described(exc)})", file=sys.stderr)
        return EXIT_NOT_FINISHED


class AuditCrashed(Exception):
    """The audit failed unexpectedly after it began: one line that says where the records
    are and how to judge them again; exit code 4."""


def _run_audit(request: AuditRequest, *, config_arg: Path | str) -> AuditRun:
    """:func:`run_audit`, with an unexpected error turned into :class:`AuditCrashed`."""
    try:
        return run_audit(request)
    except (AuditProblem, UsageProblem, ConfigError, KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:
        records = request.records_from or request.out / "records.jsonl"
        details = _save_traceback(request.out, exc)
        line = f"internal error ({_described(exc)})"
        if records.is_file() and records.stat().st_size > 0:
            line += (f"; the records are kept in {records}: judge them again without "
                     f"fetching anything with: auditor audit {config_arg} --from-records "
                     f"{records} --out {request.out}")
        if details is not None:
            line += f" (details: {details})"
        raise AuditCrashed(line) from exc


def _described(exc: BaseException) -> str:
    from auditor.service import problem_text

    if isinstance(exc, OSError):
        return problem_text(exc) + (f": {exc.filename}" if exc.filename else "")
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _save_traceback(out: Path, exc: BaseException) -> Path | None:
    """The traceback in ``out/error.log`` for whoever fixes the bug; None if it cannot be
    written (the disk may be what failed)."""
    import traceback

    path = out / "error.log"
    try:
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    except OSError:
        return None
    return path


def _audit_with_db(argv: list[str], db: DbTarget | None) -> int:
    """``auditor audit`` of ``argv`` with this ``--db`` as parsed (auditor merge)."""
    args = build_parser().parse_args(argv)
    args.db = db
    return cmd_audit(args)


def cmd_audit(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    _print_warnings(config)
    formats = _formats(args.format)
    fail_on = _fail_on(args.fail_on, config)
    settings = _settings(args.settings)
    _check_replay(args.replay)
    digest = _config_digest(args.config)
    if args.from_records is not None and (args.resume or args.replay or args.record):
        raise UsageProblem("--from-records judges records already read: it takes no "
                           "--resume, --replay or --record")
    if args.resume:
        as_of = resumable_as_of(args.out, digest, None if args.as_of is None
                                else _as_of(args.as_of, config))
    else:
        as_of = _as_of(args.as_of, config)
    if args.record is not None:
        _writable_folder(args.record, "--record")
    if args.shard is not None:  # one shard's crawl, judged with the others by auditor merge
        return merge.crawl_shard(args, config, as_of=as_of, digest=digest, settings=settings,
                                 cli=merge.ShardCli(
                                     _writable_folder, partial(_run_audit, config_arg=args.config),
                                     nothing_fetched_hint))
    if args.no_history or (args.from_records is not None and args.db is None):
        db = None
    else:
        try:
            db = history_cli.resolve_db_path(args.db, config, out=args.out)
        except HistoryError as exc:
            raise UsageProblem(f"--db: {exc}") from None
    request = AuditRequest(
        config=config, out=_writable_folder(args.out), as_of=as_of, formats=tuple(formats),
        lang=args.lang, replay=args.replay, record=args.record,
        settings=tuple(settings), resume=args.resume, db=db,
        config_digest=digest, records_from=args.from_records,
        observations=args.observations)
    hint = f"auditor audit {args.config} --out {args.out} --resume"
    if args.scrapyd:  # the crawl in shards on Scrapyd, judged here
        from auditor.scrapyd import sharded_request
        from auditor.scrapyd_api import without_password
        request = sharded_request(args, request)
        hint += f" --scrapyd {without_password(args.scrapyd)}"
    return _finish(request, _run_audit(request, config_arg=args.config), fail_on,
                   resume_hint=hint, config_arg=args.config)


def _finish(request: AuditRequest, run: AuditRun, fail_on: tuple[FailRule, ...], *,
            resume_hint: str, config_arg: Path | str) -> int:
    """The closing lines on stderr, and the exit code."""
    for problem in run.problems:
        print(f"auditor: {problem}", file=sys.stderr)
    for warning in run.warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)
    if run.nothing_fetched:
        print(nothing_fetched_hint(run.nothing_fetched, request.out, resume_hint),
              file=sys.stderr)
        return EXIT_NOTHING_FETCHED
    if run.removed:
        print(f"auditor: removed {', '.join(path.name for path in run.removed)} from "
              f"{request.out}: an earlier audit's reports, in formats this run did not write",
              file=sys.stderr)
    written = ", ".join(str(p) for p in run.written) or "none"
    print(f"{run.profiles} profile(s) audited in {run.elapsed:.1f} s, {run.flagged} with "
          f"flags. Reports: {written}", file=sys.stderr)
    for wait in run.retry_later:
        print(f"auditor: {wait.requests} request(s) to {wait.host} were not made: its rate "
              f"limit allows more from {retry_time_text(wait.until)}, a longer wait than "
              f"allowed (AUDITOR_RATE_LIMIT_MAX_WAIT); read those profiles then with: "
              f"{resume_hint}", file=sys.stderr)
    if run.not_written:
        for path, why in run.not_written:
            print(f"auditor: {path} could not be written: {why}", file=sys.stderr)
        records = run.records or request.out / "records.jsonl"
        print(f"auditor: the records are kept in {records}; once there is room, write the "
              f"reports without fetching anything again: auditor audit {config_arg} "
              f"--from-records {records} --out {request.out}", file=sys.stderr)
        if run.cut_short:
            print(f"auditor: the crawl was also cut short ({run.missing} profile(s) not "
                  f"finished): {resume_hint}", file=sys.stderr)
        return EXIT_NOT_FINISHED
    if run.cut_short:
        print(f"auditor: the crawl was cut short ({run.missing} profile(s) not finished; "
              f"see {request.out / 'crawl.log'}); rerun with --resume to crawl only those: "
              f"{resume_hint}", file=sys.stderr)
        return EXIT_CUT_SHORT
    failed = triggered(fail_on, run.raised_where)
    if failed:
        print(f"auditor: flags raised that --fail-on names: {', '.join(failed)}",
              file=sys.stderr)
        return EXIT_FLAGGED
    return EXIT_OK


# -- resuming an interrupted audit --------------------------------------------------------

def _config_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:  # load_config read it a moment ago; report it all the same
        raise UsageProblem(f"{path}: cannot be read ({exc.strerror or exc})") from None


def nothing_fetched_hint(reason: str, out: Path | None, again: str) -> str:
    """What to say when nothing could be fetched, and what to do."""
    kept = f" (those already in {out} were left as they were)" if out is not None else ""
    return (f"auditor: nothing could be fetched ({reason}); is this machine offline, or its "
            f"DNS failing? No report was written{kept}. Once the network is back: {again}")


def cmd_demo(args: argparse.Namespace) -> int:
    """The bundled demo, found inside the installed package as well as in a checkout."""
    samples = sample_pages_dir()
    config = load_config(samples / "demo.toml")
    _print_warnings(config)
    out = _writable_folder(args.out)
    # The demo's history goes into its --out folder, never beside the bundled config.
    request = AuditRequest(config=config, out=out, as_of=_as_of(None, config),
                           lang=args.lang, replay=samples,
                           db=history_cli.resolve_db_path(None, config, out=out))
    return _finish(request, _run_audit(request, config_arg=samples / "demo.toml"), (),
                   resume_hint="auditor demo", config_arg=samples / "demo.toml")


def cmd_check(args: argparse.Namespace) -> int:
    from auditor.report.brief import render_brief
    from auditor.report.json_report import dumps, report_data

    config = config_from_urls(args.urls)
    _print_warnings(config)
    as_of = _as_of(args.as_of, config)
    settings = _settings(args.settings)
    _check_replay(args.replay)
    printed: list[str] = []

    def present(result: AuditResult) -> None:
        if args.json:
            printed.append(dumps(report_data(result)))
        else:
            printed.append(render_brief(result, markdown=False))

    with temporary_out() as work:
        request = AuditRequest(config=config, out=work, as_of=as_of, formats=(),
                               lang=args.lang, replay=args.replay,
                               settings=tuple(settings), progress=False,
                               observations=args.observations)
        run = run_audit(request, present=present)
    for line in (*run.problems, *(f"warning: {w}" for w in run.warnings)):
        print(f"auditor: {line}", file=sys.stderr)
    if run.nothing_fetched:
        print(nothing_fetched_hint(run.nothing_fetched, None, "run the same command again"),
              file=sys.stderr)
        return EXIT_NOTHING_FETCHED
    print("\n".join(printed))
    _offer_sheet(config, args.sheet, observed=args.observations is not None)
    return EXIT_CUT_SHORT if run.cut_short else EXIT_OK

def _offer_sheet(config: AuditConfig, sheet: Path | None, *, observed: bool) -> None:
    """For the URLs the crawl cannot read: what to look at, and the one-row sheet."""
    from auditor.sheet import blank_rows, look_at, sheet_entries

    entries = sheet_entries(config)
    if not entries or (observed and sheet is None):
        return
    if sheet is None:
        print("", file=sys.stderr)
        for entry in entries:
            print(f"By hand: {entry.url}: {look_at(entry)}", file=sys.stderr)
        urls = " ".join(entry.source_url for entry in entries)
        print(f"Write it down in the observation sheet: auditor check {urls} --sheet "
              f"observations.xlsx, fill it in, then: auditor check {urls} --observations "
              "observations.xlsx", file=sys.stderr)
        return
    _write_sheet_file(sheet, blank_rows(entries), config.audit.window_days, force=False)
    print(f"Observation sheet written to {sheet}: {len(entries)} row(s); fill it in, then "
          f"add --observations {sheet}", file=sys.stderr)


def _write_sheet_file(path: Path, rows: list[dict[str, object]], window_days: int, *,
                      force: bool) -> None:
    from auditor.sheet import write_sheet

    if path.exists() and not force:
        raise UsageProblem(f"{path} exists (it may be filled in already); choose another "
                           "file, or --force to overwrite it")
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageProblem(f"{path}: the sheet must be .xlsx or .csv")
    try:
        write_sheet(path, rows, window_days=window_days)
    except OSError as exc:
        raise UsageProblem(f"cannot write {path} ({exc.strerror or exc})") from None


def cmd_sheet(args: argparse.Namespace) -> int:
    """The observation sheet of a config's profiles that the crawl cannot read."""
    from auditor.sheet import blank_rows, sheet_entries

    config = load_config(args.config)
    _print_warnings(config)
    out = args.out or args.config.parent / "observations.xlsx"
    entries = sheet_entries(config)
    _write_sheet_file(out, blank_rows(entries), config.audit.window_days, force=args.force)
    if not entries:
        print(f"auditor: no profile in {args.config} needs observing by hand (none is on "
              f"LinkedIn, X, Facebook, Instagram, Threads, TikTok or Reddit); {out} has only "
              "its header", file=sys.stderr)
    print(f"Observation sheet written to {out}: {len(entries)} profile(s) to look at by hand. "
          f"Fill it in, then: auditor audit {args.config} --observations {out} (or name it "
          "in the config: [audit] observations = \"...\")", file=sys.stderr)
    return EXIT_OK


def cmd_discover(args: argparse.Namespace) -> int:
    """A config from the websites: stdout or --out; one line per problem on stderr."""
    from auditor.discover import DiscoverProblem, discover, loadable, render

    try:
        found = discover(args.urls, replay=args.replay, guess=args.guess)
    except DiscoverProblem as exc:
        raise UsageProblem(str(exc)) from None
    text = render(found, args.format, sources=args.urls)
    for site in found:
        for problem in site.problems:
            print(f"auditor: {problem}", file=sys.stderr)
        for profile in site.profiles:
            print(f"{site.name}: {profile.url} ({', '.join(profile.how)})", file=sys.stderr)
        for guessed in site.guessed:
            print(f"{site.name}: {guessed.url} (found by name: {guessed.evidence})",
                  file=sys.stderr)
        for url in site.unconfirmed:
            print(f"auditor: {site.name}: {url} exists but does not link back to "
                  f"{site.website}: not kept", file=sys.stderr)
    if not loadable(found):
        print("auditor: no profile was found: add the profile URLs by hand before auditing",
              file=sys.stderr)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"--out: cannot write {args.out} ({exc.strerror or exc})") from None
    print(f"Config written to {args.out}: "
          f"{sum(len(s.profiles) + len(s.guessed) for s in found)} profile(s) "
          f"of {len(found)} organisation(s).", file=sys.stderr)
    return EXIT_OK


def _settings(values: Sequence[str]) -> list[str]:
    """The -s settings, each name one the crawl knows and each value of the kind Scrapy
    reads it as; checked before anything is written (ConfigError lists every problem)."""
    problems = setting_problems(values)
    if problems:
        raise ConfigError(problems)
    return list(values)


def _print_warnings(config: AuditConfig) -> None:
    for warning in config.warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)


def _formats(value: str) -> list[str]:
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise UsageProblem(f"--format: {', '.join(unknown) or 'nothing'} is not one of "
                           f"{', '.join(FORMATS)}")
    return list(dict.fromkeys(chosen))


def _fail_on(value: str, config: AuditConfig) -> tuple[FailRule, ...]:
    try:
        return parse_fail_on(value, organisations=[o.name for o in config.organisations])
    except FailOnProblem as exc:
        raise UsageProblem(str(exc)) from None


def _as_of(value: str | None, config: AuditConfig) -> datetime:
    if value is None:
        return config.audit.as_of or datetime.now(UTC)
    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise UsageProblem(f"--as-of: {exc}") from None


def _check_replay(directory: Path | None) -> None:
    if directory is None:
        return
    try:
        ReplayStore(directory)
    except ReplayError as exc:
        raise UsageProblem(f"--replay: {exc}") from None


def _writable_folder(path: Path, option: str = "--out") -> Path:
    """Create ``path`` if need be and check a file can be written in it; else UsageProblem."""
    for folder in (path, *path.parents):
        if folder.exists() and not folder.is_dir():
            why = "it is a file, not a folder" if folder == path else f"{folder} is a file"
            raise UsageProblem(f"{option}: cannot write to {path}: {why}")
        if folder.exists():
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".auditor-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UsageProblem(f"{option}: cannot write to {path} ({exc.strerror or exc})") from None
    return path
