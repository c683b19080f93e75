"""The ``auditor`` command: ``audit`` a config into reports, ``check`` a few URLs on screen."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from auditor import __version__
from auditor.audit import AuditResult, judge_audit
from auditor.config import AuditConfig, ConfigError, config_from_urls, load_config, parse_as_of
from auditor.crawl import crawl_command, read_records, run_crawl
from auditor.replay import ReplayError, ReplayStore
from auditor.resources import sample_pages_dir
from auditor.verdicts import FLAG_CODES

EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_CUT_SHORT = 0, 1, 2, 3
FORMATS = ("html", "json", "csv", "md")


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

    demo = commands.add_parser("demo", help="audit the bundled sample pages offline "
                                            "(the same as: audit sample_pages/demo.toml "
                                            "--replay sample_pages)")
    demo.add_argument("--out", type=Path, default=Path("demo-report"),
                      help="folder for the reports (default: ./demo-report)")

    check = commands.add_parser("check", help="a quick brief on a few profile URLs")
    check.add_argument("urls", nargs="+", metavar="URL", help="profile URLs")
    _common(check)
    check.add_argument("--json", action="store_true", help="print report.json data instead")
    return parser


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
        return cmd_check(args)
    except UsageProblem as exc:
        print(f"auditor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"auditor: {problem}", file=sys.stderr)
        return EXIT_USAGE


def cmd_audit(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    _print_warnings(config)
    formats = _formats(args.format)
    fail_on = _fail_on(args.fail_on)
    as_of = _as_of(args.as_of, config)
    _check_replay(args.replay)
    out = _writable_folder(args.out)
    records = out / "records.jsonl"
    command = crawl_command(config=args.config, records=records, as_of=as_of,
                            log_file=out / "crawl.log", replay=args.replay, record=args.record,
                            settings=_settings(args.settings))
    total = sum(1 for _ in config.profiles())
    print(f"Auditing {total} profile(s) of {len(config.organisations)} organisation(s) "
          f"as of {as_of.date().isoformat()}…", file=sys.stderr)
    started = time.monotonic()
    run = run_crawl(command, records, progress=_progress_printer(total))
    result = judge_audit(config, read_records(records), as_of=as_of,
                         generated_at=datetime.now(UTC))
    written = write_reports(result, out, formats)
    elapsed = time.monotonic() - started
    flagged = sum(1 for p in result.profiles() if p.flags)
    print(f"{total} profile(s) audited in {elapsed:.1f} s, {flagged} with flags. "
          f"Reports: {', '.join(str(p) for p in written)}", file=sys.stderr)
    if run.returncode != 0 and not run.interrupted:
        _print_log_tail(out / "crawl.log")
    if not run.completed or result.missing:
        print(f"auditor: the crawl was cut short ({result.missing} profile(s) not finished; "
              f"see {out / 'crawl.log'})", file=sys.stderr)
        return EXIT_CUT_SHORT
    raised = {flag.code for p in result.profiles() for flag in p.flags}
    if raised & fail_on:
        print(f"auditor: flags raised that --fail-on names: {', '.join(sorted(raised & fail_on))}",
              file=sys.stderr)
        return EXIT_FLAGGED
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """The bundled demo, found inside the installed package as well as in a checkout."""
    samples = sample_pages_dir()
    demo_args = argparse.Namespace(
        config=samples / "demo.toml", out=args.out, as_of=None, replay=samples, record=None,
        format=",".join(FORMATS), fail_on="", settings=[],
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
                             generated_at=datetime.now(UTC))
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


def _progress_printer(total: int) -> Callable[[int], None]:
    """Progress on stderr: one updating line on a terminal, a line per 10% otherwise."""
    interactive = sys.stderr.isatty()
    shown = {"step": -1}

    def show(done: int) -> None:
        if interactive:
            print(f"\r  {done}/{total} profiles done", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)
            return
        step = done * 10 // max(total, 1)
        if step > shown["step"]:
            shown["step"] = step
            print(f"  {done}/{total} profiles done", file=sys.stderr, flush=True)

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


def _writable_folder(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".auditor-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UsageProblem(f"--out: cannot write to {path} ({exc.strerror or exc})") from None
    return path
