"""``auditor audit CONFIG --scrapyd URL[,URL...]``: the audit's shards as Scrapyd jobs.

The targets are split by host (auditor.shard): every host and every single-home platform
in exactly one shard, so each job paces its hosts exactly as one machine would. One job
per shard, the shards handed round-robin to the Scrapyd servers. Each job fetches its plan
from this process (:class:`auditor.scrapyd_api.PlanServer`) and writes its records as its
items; they are read back while the job runs, into ``OUT/shards/shard-K-of-N.jsonl``. A
job that ends with profiles of its shard still missing (it failed, was cancelled or its
server restarted) is followed by a new job for those profiles only, on the same server;
the other shards are not touched. The union of the shards' records is
``OUT/records.jsonl``, judged as ``--from-records`` judges a single machine's records.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from auditor.config import AuditConfig
from auditor.crawl import CrawlPlan, Finished, crawl_plan
from auditor.outdir import AuditProblem, out_lock, write_run_state
from auditor.platforms.base import Target
from auditor.shard import config_keys, shard_key, split

if TYPE_CHECKING:  # the HTTP side is imported when a command uses it, not at every start
    from auditor.scrapyd_api import PlanServer, Scrapyd

#: The Scrapyd project this tool deploys as (``--scrapyd-project`` chooses another).
PROJECT: Final = "social-presence-auditor"

#: Jobs per shard at most (the first and the resumed ones) before its profiles are left
#: missing (the audit then ends cut short, exit code 3).
ATTEMPTS: Final = 3
#: Seconds between two looks at the jobs and their items.
POLL: Final = 1.0
#: Seconds a Scrapyd server may go without answering before the audit stops.
OUTAGE: Final = 120.0
SHARDS_DIR: Final = "shards"


def add_options(audit: argparse.ArgumentParser) -> None:
    """The ``audit`` command's Scrapyd options. ``--scrapyd`` runs every shard; with
    ``--shard K/N`` (one shard, here), when that option is there, argparse refuses it."""
    either = audit.add_mutually_exclusive_group()
    for action in audit._actions:  # argparse has no public way to join an existing option
        if "--shard" in action.option_strings:
            either._group_actions.append(action)
    either.add_argument("--scrapyd", metavar="URL[,URL...]",
                       help="crawl on these Scrapyd servers, one job per shard of hosts, "
                            "then judge the union here (docs/scale.md)")
    audit.add_argument("--shard-count", type=int, metavar="N",
                       help="with --scrapyd: shards to split into (default: one per server)")
    audit.add_argument("--scrapyd-project", default=PROJECT, metavar="NAME",
                       help=f"with --scrapyd: the Scrapyd project (default: {PROJECT})")
    audit.add_argument("--plan-address", metavar="HOST[:PORT]",
                       help="with --scrapyd: where this machine serves the shards' plans to "
                            "the Scrapyd servers (default: its address towards the first)")


def add_commands(commands: Any) -> None:
    """``scrapyd-deploy``, and the Scrapyd options of ``audit``."""
    add_options(commands.choices["audit"])
    deploy_cmd = commands.add_parser(
        "scrapyd-deploy", help="deploy this auditor to Scrapyd servers as a project (egg)")
    deploy_cmd.add_argument("urls", metavar="URL[,URL...]", help="the Scrapyd servers")
    deploy_cmd.add_argument("--project", default=PROJECT,
                            help=f"the Scrapyd project (default: {PROJECT})")
    deploy_cmd.set_defaults(handler=cmd_deploy)


def cmd_deploy(args: argparse.Namespace) -> int:
    from auditor.scrapyd_api import ScrapydError, deploy

    servers = servers_of(args.urls)
    try:
        version = deploy(servers, args.project)
    except ScrapydError as exc:
        raise AuditProblem(str(exc)) from None
    print(f"Deployed {args.project} version {version} to "
          f"{', '.join(str(s) for s in servers)}", file=sys.stderr)
    return 0


def servers_of(text: str) -> list[Scrapyd]:
    from auditor.scrapyd_api import Scrapyd, ScrapydError

    try:
        servers = [Scrapyd(url) for url in text.split(",") if url.strip()]
    except ScrapydError as exc:
        raise AuditProblem(str(exc)) from None
    if not servers:
        raise AuditProblem("--scrapyd: give at least one Scrapyd server's address")
    return servers


def sharded_request(args: argparse.Namespace, request: Any) -> Any:
    """Crawl ``request`` (an AuditRequest) on Scrapyd; return it to be judged from the
    union of the shards' records."""
    if args.record is not None or args.from_records is not None:
        raise AuditProblem("--scrapyd takes no --record or --from-records")
    servers = servers_of(args.scrapyd)
    count = args.shard_count or len(servers)
    if count < 1:
        raise AuditProblem("--shard-count must be at least 1")
    records = run_shards(request.config, request.as_of, request.out, servers, count=count,
                         project=args.scrapyd_project, settings=request.settings,
                         replay=request.replay, resume=request.resume,
                         address=args.plan_address, say=print_line,
                         config_digest=request.config_digest)
    return replace(request, records_from=records, resume=False)


def print_line(line: str) -> None:
    print(line, file=sys.stderr)


# -- the shards ---------------------------------------------------------------------------

def split_plan(plan: CrawlPlan, config: AuditConfig, count: int) -> list[CrawlPlan]:
    """``plan`` in ``count`` shards, each with the plan's options: the split of
    ``auditor audit --shard K/N`` (auditor.shard.split), so shard K holds the same hosts
    on Scrapyd as in a plain process."""
    owner = split(config, count)
    by_key = {key: owner[url] for url, key in config_keys(config)}

    def shard_of(target: Target) -> int:
        index = owner.get(target.url)
        return index if index is not None else by_key.get(
            shard_key(target.platform, target.url), 1)

    return [replace(plan, targets=tuple(t for t in plan.targets if shard_of(t) == index))
            for index in range(1, count + 1)]


@dataclass
class _Shard:
    index: int
    count: int
    plan: CrawlPlan
    server: Scrapyd
    records: Path
    done: set[str] = field(default_factory=set)
    job: str | None = None
    attempts: int = 0
    offset: int = 0
    partial: bytes = b""
    state: str = "new"  # new, scheduled, finished (all read), given_up
    #: The records an earlier run of this audit left (--resume).
    earlier: list[Finished] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"shard {self.index}/{self.count}"

    @property
    def missing(self) -> list[Target]:
        return [t for t in self.plan.targets if t.url not in self.done]


def _read_done(path: Path) -> list[Finished]:
    """The records a shard's file holds (an earlier run's, for --resume)."""
    done: dict[str, Finished] = {}
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    for line in raw[:raw.rfind(b"\n") + 1].splitlines():
        finished = _finished(line)
        if finished is not None:
            done.setdefault(finished.url, finished)
    return list(done.values())


def _take_records(folder: Path) -> dict[str, bytes]:
    """Every whole record line in the shards' files (the first for a URL), the files
    removed: a resumed audit writes them again, split as it splits now."""
    lines: dict[str, bytes] = {}
    for path in sorted(folder.glob("shard-*.jsonl")):
        raw = path.read_bytes()
        for line in raw[:raw.rfind(b"\n") + 1].splitlines():
            finished = _finished(line)
            if finished is not None:
                lines.setdefault(finished.url, line.strip() + b"\n")
    for path in folder.glob("shard-*.jsonl"):
        path.unlink()
    return lines


def _finished(line: bytes) -> Finished | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("url"), str) \
            and isinstance(data.get("outcome"), str):
        return Finished(data["url"], data["outcome"])
    return None


def run_shards(config: AuditConfig, as_of: datetime, out: Path, servers: Sequence[Scrapyd], *,
               count: int, project: str = PROJECT, settings: Sequence[str] = (),
               replay: Path | None = None, resume: bool = False, address: str | None = None,
               say: Callable[[str], None] = print_line, config_digest: str | None = None,
               poll: float = POLL, attempts: int = ATTEMPTS, outage: float = OUTAGE) -> Path:
    """Crawl ``config`` in ``count`` shards on ``servers``; return ``out/records.jsonl``,
    the union of the shards' records (a shard given up on after ``attempts`` jobs leaves
    its missing profiles out: the judged audit says so)."""
    from auditor.scrapyd_api import PlanServer, ScrapydError, deploy, plan_address

    # The history's stored answers live on this machine: the jobs read everything.
    plan = replace(crawl_plan(config, as_of), history=None)
    folder = out / SHARDS_DIR
    with out_lock(out):
        write_run_state(out, config_path=config.path, config_digest=config_digest,
                        as_of=as_of, completed=False)
        folder.mkdir(exist_ok=True)
        kept = _take_records(folder)
        if not resume:
            kept.clear()  # a new audit: the last one's shards are gone
        shards = []
        for index, part in enumerate(split_plan(plan, config, count), start=1):
            path = folder / f"shard-{index}-of-{count}.jsonl"
            # the records an earlier run left, whatever its shard count, to their shard now
            mine = {t.url for t in part.targets}
            path.write_bytes(b"".join(line for url, line in kept.items() if url in mine))
            shard = _Shard(index, count, part, servers[(index - 1) % len(servers)], path)
            shard.earlier = _read_done(path)
            shard.done = {finished.url for finished in shard.earlier}
            shards.append(shard)
        try:
            for server in dict.fromkeys(s.server for s in shards if s.missing):
                server.check()
            version = deploy([s.server for s in shards if s.missing], project,
                             only_missing=True) if any(s.missing for s in shards) else ""
            listed = sum(len(s.plan.targets) for s in shards)
            say(f"Auditing {listed} target(s) in {count} shard(s) on "
                f"{len(servers)} Scrapyd server(s) ({project} {version or 'deployed'})…")
            host, port = plan_address(servers, address)
            with PlanServer(host, port) as plans:
                _follow(shards, plans, project=project, version=version,
                        settings=settings, replay=replay, say=say, poll=poll,
                        attempts=attempts, outage=outage)
        except ScrapydError as exc:
            raise AuditProblem(str(exc)) from None
        return _union(shards, out / "records.jsonl")


def _follow(shards: list[_Shard], plans: PlanServer, *, project: str, version: str,
            settings: Sequence[str], replay: Path | None, say: Callable[[str], None],
            poll: float, attempts: int, outage: float = OUTAGE) -> None:
    """Schedule, follow and resume the shards' jobs until each has all its records or
    has had ``attempts`` jobs. A server that does not answer is asked again for
    ``outage`` seconds before the audit stops (the records so far stay for --resume).
    Ctrl-C cancels the running jobs."""
    from auditor.progress import progress_printer
    from auditor.scrapyd_api import ScrapydError, ScrapydUnreachable

    progress = progress_printer([t.url for s in shards for t in s.plan.targets])
    progress([finished for s in shards for finished in s.earlier])  # what is there
    silent: dict[Scrapyd, float] = {}  # a server not answering: since when

    def answered(server: Scrapyd, error: ScrapydError | None) -> None:
        if error is None:
            silent.pop(server, None)
            return
        since = silent.setdefault(server, time.monotonic())
        if not isinstance(error, ScrapydUnreachable) or time.monotonic() - since > outage:
            raise ScrapydError(f"{error}. The records collected so far are kept: run the "
                               "same command with --resume") from error

    try:
        while True:
            for shard in shards:
                if shard.state == "new" or (shard.state == "finished" and shard.missing):
                    try:
                        _start(shard, plans, project=project, version=version,
                               settings=settings, replay=replay, say=say, attempts=attempts)
                        answered(shard.server, None)
                    except ScrapydError as exc:
                        answered(shard.server, exc)
            active = [s for s in shards if s.state == "scheduled"]
            if not active and all(s.state in ("finished", "given_up") for s in shards):
                return
            jobs_of: dict[Scrapyd, dict[str, Any]] = {}
            for shard in active:
                try:
                    if shard.server not in jobs_of:
                        jobs_of[shard.server] = shard.server.jobs(project)
                    _look(shard, jobs_of[shard.server], project, progress, say)
                    answered(shard.server, None)
                except ScrapydError as exc:
                    answered(shard.server, exc)
            time.sleep(poll)
    except KeyboardInterrupt:
        for shard in shards:
            if shard.state == "scheduled" and shard.job is not None:
                with suppress(ScrapydError):
                    shard.server.cancel(project, shard.job)
        raise


def _look(shard: _Shard, jobs: dict[str, Any], project: str,
          progress: Callable[[list[Finished]], None], say: Callable[[str], None]) -> None:
    """The shard's new records; when its job has ended, what it left to do."""
    assert shard.job is not None
    job = jobs.get(shard.job)
    progress(_collect(shard, project))
    if job is None or job.state == "finished":  # ended (or its server forgot it)
        progress(_collect(shard, project))  # what came after the last look
        shard.state = "finished"
        left = len(shard.missing)
        if left:
            say(f"{shard.name}: job {shard.job} on {shard.server} ended with {left} of "
                f"{len(shard.plan.targets)} target(s) not done (its log: "
                f"{shard.server}/logs/{project}/profiles/{shard.job}.log)")


def _start(shard: _Shard, plans: PlanServer, *, project: str, version: str,
           settings: Sequence[str], replay: Path | None, say: Callable[[str], None],
           attempts: int) -> None:
    missing = shard.missing
    if not missing:
        shard.state = "finished"
        return
    if shard.attempts >= attempts:
        shard.state = "given_up"
        say(f"{shard.name}: {len(missing)} target(s) left after {attempts} job(s); "
            "given up (rerun with --resume to try them again)")
        return
    job = f"shard-{shard.index}-of-{shard.count}-{plans.token[:8]}-{shard.attempts + 1}"
    url = plans.publish(f"{job}.json", replace(shard.plan, targets=tuple(missing)).to_json())
    args = {"plan_url": url}
    if replay is not None:
        args["replay"] = str(replay.resolve())
    shard.job = shard.server.schedule(project, job, version=version, args=args,
                                      settings=settings)  # ScrapydError: tried again
    shard.attempts += 1
    shard.offset, shard.partial, shard.state = 0, b"", "scheduled"
    again = "resumed: " if shard.attempts > 1 else ""
    say(f"{shard.name}: {again}job {shard.job} on {shard.server} for "
        f"{len(missing)} target(s)")


def _collect(shard: _Shard, project: str) -> list[Finished]:
    """Append the job's new whole records to the shard's file; return them."""
    assert shard.job is not None
    chunk = shard.server.items(project, shard.job, shard.offset)
    if not chunk:
        return []
    shard.offset += len(chunk)
    data = shard.partial + chunk
    complete, _, shard.partial = data.rpartition(b"\n")
    found: list[Finished] = []
    keep: list[bytes] = []
    for line in complete.split(b"\n"):
        finished = _finished(line)
        if finished is not None and finished.url not in shard.done:
            shard.done.add(finished.url)
            found.append(finished)
            keep.append(line.strip() + b"\n")
    if keep:
        with shard.records.open("ab") as handle:
            handle.write(b"".join(keep))
    return found


def _union(shards: Sequence[_Shard], path: Path) -> Path:
    """The shards' records in one file, each URL once (shards never share a URL)."""
    seen: set[str] = set()
    with path.open("wb") as union:
        for shard in shards:
            raw = shard.records.read_bytes() if shard.records.exists() else b""
            for line in raw.splitlines():
                finished = _finished(line)
                if finished is not None and finished.url not in seen:
                    seen.add(finished.url)
                    union.write(line + b"\n")
    return path
