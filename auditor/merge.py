"""A sharded audit on the command line: ``auditor audit CONFIG --shard K/N`` crawls one shard
into its own folder, and ``auditor merge SHARD_DIR... --out DIR`` judges them all as one audit.

A shard's folder holds what an audit's --out holds after its crawl (records.jsonl, run.json,
plan.json, crawl.log) and no report, plus :data:`SHARD_STATE`: which shard of which config
and audit date it is. The merge refuses shards that do not make one audit (another config,
another date, a shard missing, given twice or not finished), puts their records into one
records.jsonl in --out and judges it exactly as ``audit --from-records`` does: the report is
the one a single machine would write from the same answers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from auditor import __version__
from auditor.config import AuditConfig, load_config, parse_as_of
from auditor.history_cli import db_option
from auditor.i18n import LANGUAGES
from auditor.outdir import RUN_STATE, AuditProblem, read_json_file, write_json_file
from auditor.service import (
    EXIT_CUT_SHORT,
    EXIT_NOTHING_FETCHED,
    EXIT_OK,
    FORMATS,
    AuditRequest,
    AuditRun,
)
from auditor.shard import Shard, ShardError, parse_shard, shard_urls, split_digest

#: In a shard's folder: which shard of which audit its records are.
SHARD_STATE: Final = "shard.json"
RECORDS: Final = "records.jsonl"


# -- one shard's crawl -----------------------------------------------------------------------


def add_shard_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shard", metavar="K/N",
                        help="crawl only shard K of N (every host in exactly one shard) into "
                             "--out, and write no report: judge all N with auditor merge")


@dataclass(frozen=True, slots=True)
class ShardCli:
    """What a shard's crawl takes from the command line it runs under (auditor.cli)."""

    writable_folder: Callable[[Path], Path]
    run_audit: Callable[[AuditRequest], AuditRun]
    nothing_fetched_hint: Callable[[str, Path | None, str], str]


def crawl_shard(args: argparse.Namespace, config: AuditConfig, *, as_of: Any, digest: str,
                settings: list[str], cli: ShardCli) -> int:
    """``auditor audit CONFIG --shard K/N``: the shard's profiles and websites into
    ``--out/records.jsonl``; exit 0 when every one was read."""
    try:
        shard = parse_shard(args.shard)
    except ShardError as exc:
        raise AuditProblem(str(exc)) from None
    given = [name for name, used in (("--from-records", args.from_records is not None),
                                     ("--db", args.db is not None),
                                     ("--observations", args.observations is not None),
                                     ("--fail-on", bool(args.fail_on)),
                                     ("--format", args.format != ",".join(FORMATS)))
             if used]
    if given:
        raise AuditProblem(f"--shard crawls and judges nothing: give {', '.join(given)} to "
                           "auditor merge, which judges every shard together")
    out = cli.writable_folder(args.out)
    state = {"shard": str(shard), "index": shard.index, "count": shard.count,
             "config": str(args.config.resolve()), "config_sha256": digest,
             "as_of": as_of.isoformat(), "split_sha256": split_digest(config, shard.count),
             "auditor": __version__}
    if args.resume:
        earlier = read_shard_state(out)
        if earlier is None or earlier.get("shard") != str(shard):
            was = f"shard {earlier.get('shard')}" if earlier else "no shard"
            raise AuditProblem(f"--resume: {out} holds {was}, not shard {shard}; give the "
                               "folder of that shard, or run without --resume")
    urls = shard_urls(config, shard)
    if not args.resume:
        write_json_file(out / SHARD_STATE, state)
        (out / RECORDS).write_text("", encoding="utf-8")
    request = AuditRequest(config=config, out=out, as_of=as_of, formats=(), lang=args.lang,
                           replay=args.replay, record=args.record, settings=tuple(settings),
                           resume=args.resume, db=None, config_digest=digest,
                           crawl_only=urls)
    run = cli.run_audit(request)
    resume = f"auditor audit {args.config} --shard {shard} --out {args.out} --resume"
    for warning in run.warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)
    if run.nothing_fetched:
        print(cli.nothing_fetched_hint(run.nothing_fetched, out, resume), file=sys.stderr)
        return EXIT_NOTHING_FETCHED
    for wait in run.retry_later:
        print(f"auditor: {wait.requests} request(s) to {wait.host} were not made (its rate "
              f"limit); read those profiles later with: {resume}", file=sys.stderr)
    if run.cut_short:
        print(f"auditor: shard {shard}: the crawl was cut short ({run.missing} profile(s) not "
              f"finished; see {out / 'crawl.log'}); crawl only those with: {resume}",
              file=sys.stderr)
        return EXIT_CUT_SHORT
    folders = f"<the {shard.count} shard folders>" if shard.count > 1 else str(args.out)
    print(f"shard {shard}: {run.profiles} profile(s) crawled into {out / RECORDS} in "
          f"{run.elapsed:.1f} s, no report written; judge all shards with: auditor merge "
          f"{folders} --config {args.config} --out DIR", file=sys.stderr)
    return EXIT_OK


def read_shard_state(folder: Path) -> dict[str, Any] | None:
    """The :data:`SHARD_STATE` in ``folder``; None when there is none."""
    return read_json_file(folder / SHARD_STATE)


# -- the merge -------------------------------------------------------------------------------


def add_command(commands: Any) -> None:
    merge = commands.add_parser(
        "merge", help="judge the shards of a sharded audit (audit --shard K/N) together: "
                      "one report, as one machine would write it")
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD_DIR",
                       help="the --out folder of every shard, 1/N to N/N, in any order")
    merge.add_argument("--out", type=Path, default=Path("audit-report"),
                       help="folder for the reports and the merged records.jsonl "
                            "(default: ./audit-report)")
    merge.add_argument("--config", type=Path,
                       help="the audit config the shards were crawled with (default: the "
                            "path the first shard recorded); it must be the same file")
    merge.add_argument("--format", default=",".join(FORMATS),
                       help=f"reports to write, comma-separated (default: {','.join(FORMATS)})")
    merge.add_argument("--fail-on", default="", metavar="CODE[@WHERE],...",
                       help="exit with code 1 when any of these flags is raised (as audit)")
    merge.add_argument("--observations", type=Path, metavar="FILE",
                       help="the filled-in observation sheet (as audit)")
    merge.add_argument("--db", type=db_option, metavar="PATH|URL",
                       help="store the merged run in this history: an SQLite file or "
                            "postgresql://user@host/dbname (default: not stored)")
    merge.add_argument("--lang", choices=LANGUAGES, default="en",
                       help="language of every text in the reports: en or nl (default: en)")


def cmd_merge(args: argparse.Namespace, audit: Callable[[list[str], Any], int]) -> int:
    """Check the shards make one whole audit, merge their records, judge them (``audit``:
    the audit command of these arguments and that ``--db``, as parsed)."""
    states = [_shard_of(folder) for folder in args.shards]
    config_path = args.config or Path(str(states[0][1].get("config")))
    check_shards(states, config_path)
    out: Path = args.out
    for folder, _ in states:
        if folder.resolve() == out.resolve():
            raise AuditProblem(f"--out {out} is one of the shards; give another folder")
    out.mkdir(parents=True, exist_ok=True)
    merged = merge_records([folder / RECORDS for folder, _ in
                            sorted(states, key=lambda pair: int(pair[1]["index"]))],
                           out / RECORDS)
    count = int(states[0][1]["count"])
    print(f"Merged the records of {count} shard(s) into {merged}.", file=sys.stderr)
    argv = ["audit", str(config_path), "--from-records", str(merged), "--out", str(out),
            "--as-of", str(states[0][1]["as_of"]), "--format", args.format,
            "--lang", args.lang, "--fail-on", args.fail_on]
    if args.observations is not None:
        argv += ["--observations", str(args.observations)]
    # --db as parsed, not as text: a PostgreSQL URL's password never goes through a string
    return audit(argv, args.db)


def _shard_of(folder: Path) -> tuple[Path, dict[str, Any]]:
    state = read_shard_state(folder) if folder.is_dir() else None
    if state is None:
        raise AuditProblem(f"{folder} is not a shard's folder (no {SHARD_STATE}); crawl a "
                           "shard into it with: auditor audit CONFIG --shard K/N --out "
                           f"{folder}")
    try:
        Shard(int(state["index"]), int(state["count"]))
        str(state["config_sha256"]), parse_as_of(state["as_of"])
    except (KeyError, TypeError, ValueError):
        raise AuditProblem(f"{folder / SHARD_STATE} cannot be read (a field is missing or "
                           "wrong)") from None
    return folder, state


def check_shards(states: list[tuple[Path, dict[str, Any]]], config_path: Path) -> None:
    """AuditProblem unless ``states`` are every shard of one audit of ``config_path``, each
    once and each finished."""
    first_folder, first = states[0]
    count = int(first["count"])
    for folder, state in states[1:]:
        for field, what in (("count", "number of shards"), ("config_sha256", "config"),
                            ("as_of", "audit date")):
            if state[field] != first[field]:
                raise AuditProblem(
                    f"{folder} and {first_folder} are not shards of one audit: another "
                    f"{what} ({state.get('shard')} of {state[field]!s:.16}, "
                    f"{first.get('shard')} of {first[field]!s:.16})")
    seen: dict[int, Path] = {}
    for folder, state in states:
        index = int(state["index"])
        if index in seen:
            raise AuditProblem(f"shard {index}/{count} is given twice: {seen[index]} and "
                               f"{folder}")
        seen[index] = folder
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        raise AuditProblem(f"{'shards' if len(missing) > 1 else 'shard'} "
                           f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} "
                           f"missing: give every shard's folder "
                           f"(crawl a missing one with: auditor audit {config_path} --shard "
                           f"{missing[0]} --out DIR)")
    for folder, state in states:
        run = _run_state(folder)
        if not run.get("completed"):
            raise AuditProblem(f"shard {state['shard']} in {folder} did not finish; crawl what "
                               f"is left with: auditor audit {config_path} --shard "
                               f"{state['shard']} --out {folder} --resume")
    config = _same_config(config_path, str(first["config_sha256"]))
    if split_digest(config, count) != first.get("split_sha256"):
        raise AuditProblem(f"the shards were split otherwise than this auditor splits "
                           f"{config_path} (another version, {first.get('auditor')}?); crawl "
                           "them again with one version")


def _run_state(folder: Path) -> dict[str, Any]:
    try:
        state = json.loads((folder / RUN_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _same_config(path: Path, digest: str) -> AuditConfig:
    import hashlib

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AuditProblem(f"--config: {path} cannot be read ({exc.strerror or exc}); give the "
                           "config the shards were crawled with") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise AuditProblem(f"--config: {path} is not the config the shards were crawled with "
                           "(its content differs); give that file")
    return load_config(path)


def merge_records(sources: list[Path], target: Path) -> Path:
    """The records of every shard, one after another, in ``target`` (each line whole: a
    file without a last newline gets one, so no two records share a line)."""
    temporary = target.with_name(target.name + ".tmp")
    try:
        with temporary.open("wb") as sink:
            for source in sources:
                last = b"\n"
                with source.open("rb") as handle:
                    while block := handle.read(1 << 20):
                        sink.write(block)
                        last = block[-1:]
                if last != b"\n":
                    sink.write(b"\n")
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        where = exc.filename or target
        raise AuditProblem(f"cannot merge the records: {where}: "
                           f"{exc.strerror or exc}") from None
    return target
