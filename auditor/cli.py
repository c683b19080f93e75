"""The ``auditor`` command: ``audit`` a config into reports, ``check`` a few URLs on screen."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor import __version__, history_cli
from auditor.audit import AuditResult, judge_audit
from auditor.changes import changes_since_last
from auditor.config import (
    AuditConfig,
    ConfigError,
    ProfileEntry,
    config_from_urls,
    load_config,
    parse_as_of,
)
from auditor.crawl import Finished, crawl_command, read_records, run_crawl
from auditor.history import HistoryError
from auditor.i18n import LANGUAGES
from auditor.replay import ReplayError, ReplayStore
from auditor.report.format import POSTS_SHOWN
from auditor.resources import sample_pages_dir
from auditor.spool import OrganisationSpool, RecordIndex
from auditor.verdicts import FLAG_CODES

EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_CUT_SHORT = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
FORMATS = ("html", "json", "csv", "md")
#: In --out: what run the records belong to, so --resume can continue only the same one.
RUN_STATE = "run.json"
#: In --out: the config of the profiles still to crawl, written by --resume.
RESUME_CONFIG = "resume.toml"


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
    audit.add_argument("--fail-on", default="", metavar="CODE,...",
                       help="exit with code 1 when any of these flags is raised "
                            f"({', '.join(FLAG_CODES)})")
    audit.add_argument("--resume", action="store_true",
                       help="continue an interrupted audit of the same config in --out: keep "
                            "its finished profiles and crawl only the missing ones")
    history_cli.add_db_option(audit)
    audit.add_argument("--no-history", action="store_true",
                       help="do not store this run in the history file, nor compare with it")
    _lang(audit)

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
    _lang(check)
    history_cli.add_commands(commands)
    return parser


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
    args = build_parser().parse_args(argv)
    try:
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "demo":
            return cmd_demo(args)
        if args.command in history_cli.COMMANDS:
            return history_cli.run_command(args)
        return cmd_check(args)
    except UsageProblem as exc:
        print(f"auditor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"auditor: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def cmd_audit(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    _print_warnings(config)
    formats = _formats(args.format)
    fail_on = _fail_on(args.fail_on)
    _check_replay(args.replay)
    digest = _config_digest(args.config)
    resume = bool(getattr(args, "resume", False))
    if resume:
        as_of = _resumable_as_of(args.out, digest, args.as_of, config)
    else:
        as_of = _as_of(args.as_of, config)
    if args.record is not None:
        _writable_folder(args.record, "--record")
    out = _writable_folder(args.out)
    records = out / "records.jsonl"
    listed = [entry.url for entry in config.profiles()]
    total = len(listed)
    crawl_config: Path | None = args.config
    if resume:
        done = {record.url for record in read_records(records)}  # readable lines only
        todo = [entry for entry in (*config.profiles(), *config.websites())
                if entry.url not in done]
        crawl_config = _write_resume_config(config, todo, out) if todo else None
        left = sum(1 for url in listed if url not in done)
        print(f"Resuming: {total - left} of {total} profile(s) already done, "
              f"{left} to crawl.", file=sys.stderr)
    _write_run_state(out, args.config, digest, as_of, completed=False)
    db = None if getattr(args, "no_history", False) else getattr(args, "db_path", None)
    if db is None and not getattr(args, "no_history", False):
        db = history_cli.resolve_db_path(getattr(args, "db", None), config)
    started_at = datetime.now(UTC)
    run_id = None
    if db is not None:
        try:
            run_id = history_cli.begin_run(db, config, started_at=started_at, as_of=as_of)
        except HistoryError as exc:
            raise UsageProblem(f"--db: {exc}") from None
    if not resume:
        (out / "crawl.log").write_text("", encoding="utf-8")
    print(f"Auditing {total} profile(s) of {len(config.organisations)} organisation(s) "
          f"as of {as_of.date().isoformat()}…", file=sys.stderr)
    started = time.monotonic()
    completed = True
    if crawl_config is not None:
        command = crawl_command(config=crawl_config, records=records, as_of=as_of,
                                log_file=out / "crawl.log", replay=args.replay,
                                record=args.record, settings=_settings(args.settings))
        run = run_crawl(command, records, progress=_progress_printer(listed), resume=resume)
        completed = run.completed
        if run.returncode != 0 and not run.interrupted:
            _print_log_tail(out / "crawl.log")
    # Records are read one organisation at a time and judged organisations wait on disk:
    # memory does not grow with the list (docs/performance.md).
    with OrganisationSpool(out, posts_with_text=POSTS_SHOWN) as spool:
        result = judge_audit(config, RecordIndex(records), as_of=as_of,
                             generated_at=datetime.now(UTC), lang=getattr(args, "lang", "en"),
                             into=spool)
        if db is not None:
            result = replace(result, since=changes_since_last(db, result,
                                                               config_path=config.path))
            history_cli.store_run(db, config, result,
                                  completed=completed and not result.missing,
                                  started_at=started_at, run_id=run_id)
        written = write_reports(result, out, formats)
        flagged, raised = 0, set[str]()
        for profile in result.profiles():
            flagged += bool(profile.flags)
            raised.update(flag.code for flag in profile.flags)
    elapsed = time.monotonic() - started
    print(f"{total} profile(s) audited in {elapsed:.1f} s, {flagged} with flags. "
          f"Reports: {', '.join(str(p) for p in written)}", file=sys.stderr)
    if not completed or result.missing:
        print(f"auditor: the crawl was cut short ({result.missing} profile(s) not finished; "
              f"see {out / 'crawl.log'}); rerun with --resume to crawl only those: "
              f"auditor audit {args.config} --out {out} --resume", file=sys.stderr)
        return EXIT_CUT_SHORT
    _write_run_state(out, args.config, digest, as_of, completed=True)
    if raised & fail_on:
        print(f"auditor: flags raised that --fail-on names: {', '.join(sorted(raised & fail_on))}",
              file=sys.stderr)
        return EXIT_FLAGGED
    return EXIT_OK


# -- resuming an interrupted audit --------------------------------------------------------

def _config_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:  # load_config read it a moment ago; report it all the same
        raise UsageProblem(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _write_run_state(out: Path, config: Path, digest: str, as_of: datetime, *,
                     completed: bool) -> None:
    """``run.json``: which config and audit date the records in ``out`` belong to."""
    state = {"config": str(config.resolve()), "config_sha256": digest,
             "as_of": as_of.isoformat(), "completed": completed}
    path = out / RUN_STATE
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageProblem(f"--out: cannot write {path} ({exc.strerror or exc})") from None


def _resumable_as_of(out: Path, digest: str, as_of_arg: str | None,
                     config: AuditConfig) -> datetime:
    """The audit date of the interrupted run in ``out``; UsageProblem when it cannot go on."""
    path = out / RUN_STATE
    again = "run without --resume to start a new audit"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        stored_digest, stored_as_of = state["config_sha256"], parse_as_of(state["as_of"])
        finished = bool(state.get("completed"))
    except FileNotFoundError:
        raise UsageProblem(f"--resume: nothing to resume in {out} (no {RUN_STATE} from an "
                           f"earlier audit); {again}") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageProblem(f"--resume: {path} cannot be read; {again}") from None
    if stored_digest != digest:
        raise UsageProblem(f"--resume: the audit in {out} was made with another config "
                           f"({state.get('config')}), or the config changed since; {again}")
    if as_of_arg is not None:
        wanted = _as_of(as_of_arg, config)
        if wanted != stored_as_of:
            raise UsageProblem(f"--resume: --as-of {wanted.date().isoformat()} differs from "
                               f"the interrupted audit's {stored_as_of.isoformat()}; {again}")
    if finished:
        raise UsageProblem(f"--resume: nothing to resume: the audit in {out} finished; {again}")
    return stored_as_of


def _write_resume_config(config: AuditConfig, todo: Sequence[ProfileEntry], out: Path) -> Path:
    """A config of only the profiles (and websites) still to crawl, as TOML in ``out``.

    Organisations keep their name and role, profiles their URL as first written, so the
    new records read exactly as the interrupted run's would have.
    """
    wanted = {entry.url for entry in todo}
    lines = ["# Written by auditor audit --resume: the profiles the interrupted run did not",
             "# finish. The audit itself still reads the original config.", "", "[audit]"]
    lines += _toml_table(config.audit)
    lines += ["", "[thresholds]", *_toml_table(config.thresholds)]
    if config.endpoints:
        lines += ["", "[endpoints]"]
        lines += [f"{_toml_key(name)} = {_toml_value(url)}"
                  for name, url in config.endpoints.items()]
    for organisation in config.organisations:
        profiles = [entry for entry in organisation.profiles if entry.url in wanted]
        website = organisation.website if organisation.website in wanted else None
        if website and not profiles and organisation.profiles:
            # A config needs a profile per organisation: re-read one to reach the website.
            profiles = [organisation.profiles[0]]
        if not profiles:
            continue
        lines += ["", "[[organisation]]", f"name = {_toml_value(organisation.name)}",
                  f"role = {_toml_value(organisation.role)}"]
        if website:
            lines.append(f"website = {_toml_value(website)}")
        lines.append("profiles = [")
        lines += [f"  {_toml_value(entry.source_url)}," for entry in profiles]
        lines.append("]")
    path = out / RESUME_CONFIG
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"--out: cannot write {path} ({exc.strerror or exc})") from None
    return path


def _toml_table(settings: Any) -> list[str]:
    return [f"{field.name} = {_toml_value(getattr(settings, field.name))}"
            for field in fields(settings) if getattr(settings, field.name) is not None]


def _toml_key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else _toml_value(name)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return json.dumps(value.isoformat())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    # A JSON string is a valid TOML basic string.
    return json.dumps(str(value), ensure_ascii=False)


def cmd_demo(args: argparse.Namespace) -> int:
    """The bundled demo, found inside the installed package as well as in a checkout."""
    samples = sample_pages_dir()
    demo_args = argparse.Namespace(
        config=samples / "demo.toml", out=args.out, as_of=None, replay=samples, record=None,
        format=",".join(FORMATS), fail_on="", settings=[], resume=False, no_history=False,
        db=None, db_path=args.out / "demo.history.sqlite", lang=args.lang,
    )
    return cmd_audit(demo_args)


def cmd_check(args: argparse.Namespace) -> int:
    from auditor.report.brief import render_brief
    from auditor.report.json_report import report_data

    config = config_from_urls(args.urls)
    _print_warnings(config)
    as_of = _as_of(args.as_of, config)
    _check_replay(args.replay)
    with tempfile.TemporaryDirectory(prefix="auditor-check-") as tmp:
        work = Path(tmp)
        records = work / "records.jsonl"
        command = crawl_command(config=None, urls=[p.url for p in config.profiles()],
                                records=records, as_of=as_of, log_file=work / "crawl.log",
                                replay=args.replay, settings=_settings(args.settings))
        run = run_crawl(command, records)
        result = judge_audit(config, read_records(records), as_of=as_of,
                             generated_at=datetime.now(UTC), lang=args.lang)
        if run.returncode != 0 and not run.interrupted:
            _print_log_tail(work / "crawl.log")
    if args.json:
        print(json.dumps(report_data(result), ensure_ascii=False, indent=2))
    else:
        print(render_brief(result))
    return EXIT_CUT_SHORT if (not run.completed or result.missing) else EXIT_OK


def write_reports(result: AuditResult, out: Path, formats: Sequence[str]) -> list[Path]:
    """Write the chosen reports into ``out``; return their paths."""
    written: list[Path] = []
    for name in formats:
        path = out / f"report.{name}"
        # Each writer is imported only when asked for: a JSON-only run needs no Jinja2.
        if name == "json":
            from auditor.report.json_report import write_json
            write_json(result, path)
        elif name == "html":
            from auditor.report.html import write_html
            write_html(result, path)
        elif name == "csv":
            from auditor.report.csv_report import write_csv
            write_csv(result, path)
        elif name == "md":
            from auditor.report import write_atomic
            from auditor.report.brief import render_brief
            write_atomic(path, render_brief(result) + "\n")
        written.append(path)
    return written


def _settings(values: Sequence[str]) -> list[str]:
    for value in values:
        name, sep, _ = value.partition("=")
        if not sep or not name.strip() or not name.strip().replace("_", "").isalnum():
            raise UsageProblem(f"-s: expected NAME=VALUE, got {value!r}")
    return list(values)


def _progress_printer(listed: Sequence[str]) -> Callable[[list[Finished]], None]:
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


def _print_log_tail(log: Path, lines: int = 15) -> None:
    """The end of the crawl's log, so a failed crawl is not a silent one."""
    try:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return
    print("auditor: the crawl failed; the end of its log:", file=sys.stderr)
    for line in tail:
        print(f"  {line}", file=sys.stderr)


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


def _fail_on(value: str) -> set[str]:
    codes = {part.strip().upper() for part in value.split(",") if part.strip()}
    unknown = sorted(codes - set(FLAG_CODES))
    if unknown:
        raise UsageProblem(f"--fail-on: unknown flag code {', '.join(unknown)} "
                           f"(known: {', '.join(FLAG_CODES)})")
    return codes


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
