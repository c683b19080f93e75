"""The scale-out benchmark (issue 21): one audit on 1, 2 and 4 shards, merged.

    python bench/scale.py --profiles 10000 [--hosts 50] [--latency 0.05] [--shards 1,2,4]
                          [--out bench-results] [-s NAME=VALUE ...] [--smoke]

Starts bench/fakeplatforms.py (bench/run.py's fake server), writes a config of N profiles,
and for each shard count K runs the K shards (``auditor audit CONFIG --shard k/K --out
DIR``) as K processes at the same time on this machine, then ``auditor merge`` of their
folders. Measured per shard process and for the merge: wall time, CPU (user + sys) and peak
RSS (``os.wait4``'s rusage of the process tree, as bench/run.py measures), and per shard the
profiles it owned and the requests it made (Scrapy's ``downloader/request_count`` in its
crawl.log). The fake server's own CPU during each step is read from /proc: it runs on the
same cores as the shards. The merged report.json of every K is compared with that of the
first K, run timestamps aside (bench/run.py's ``comparable_report``).

Writes ``<out>/scale-N.json`` and prints a markdown table. ``--smoke``: 24 profiles on 3
hosts, no latency, shards 1 and 2, delays of 10 ms: for CI, no timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench.run import (  # noqa: E402  (ROOT on sys.path first)
    FakeServer,
    Measurement,
    child_env,
    comparable_report,
    count_report_profiles,
    load_fakeplatforms,
    measure,
)

_REQUESTS = re.compile(r"'downloader/request_count': (\d+)")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15)


def shard_requests(crawl_log: Path) -> int | None:
    """The requests a shard's crawl made (Scrapy's closing stats), or None."""
    try:
        found = _REQUESTS.findall(crawl_log.read_text("utf-8", errors="replace"))
    except OSError:
        return None
    return int(found[-1]) if found else None


def run_shards(config: Path, count: int, work: Path, *, env: dict[str, str],
               settings: list[str], timeout: float) -> list[Measurement]:
    """The ``count`` shards of ``config`` as ``count`` processes at once, each measured."""
    from auditor.config import load_config
    from auditor.shard import Shard, shard_urls

    loaded = load_config(config)
    extra = [part for s in settings for part in ("-s", s)]
    results: list[Measurement | None] = [None] * count

    def one(index: int) -> None:
        folder = work / f"shard-{index}"
        results[index - 1] = measure(
            f"shard {index}/{count}",
            [sys.executable, "-m", "auditor", "audit", str(config), "--shard",
             f"{index}/{count}", "--out", str(folder), *extra],
            env=env, timeout=timeout, stdout=work / f"shard-{index}.out",
            profiles=len(shard_urls(loaded, Shard(index, count))))

    threads = [threading.Thread(target=one, args=(index,)) for index in range(1, count + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result for result in results if result is not None]


def run_step(config: Path, count: int, work: Path, server: FakeServer, *,
             env: dict[str, str], settings: list[str], timeout: float) -> dict[str, Any]:
    """One shard count: the shards in parallel, then their merge."""
    work.mkdir(parents=True, exist_ok=True)
    server_cpu = process_cpu_s(server.process.pid)
    started = time.monotonic()
    shards = run_shards(config, count, work, env=env, settings=settings, timeout=timeout)
    crawl_wall = time.monotonic() - started
    server_after = process_cpu_s(server.process.pid)
    merged = work / "merged"
    merge = measure("merge", [sys.executable, "-m", "auditor", "merge",
                              *(str(work / f"shard-{k}") for k in range(1, count + 1)),
                              "--config", str(config), "--out", str(merged)],
                    env=env, timeout=timeout, stdout=work / "merge.out",
                    profiles=sum(shard.profiles for shard in shards))
    rows = []
    for index, shard in enumerate(shards, 1):
        data = shard.as_dict()
        data["requests"] = shard_requests(work / f"shard-{index}" / "crawl.log")
        rows.append(data)
    return {
        "shards": count, "crawl_wall_s": round(crawl_wall, 1),
        "total_wall_s": round(crawl_wall + merge.wall_s, 1),
        "shard_cpu_s": round(sum(shard.cpu_s for shard in shards), 1),
        "server_cpu_s": round(server_after - server_cpu, 1)
        if server_cpu is not None and server_after is not None else None,
        "requests": sum(row["requests"] or 0 for row in rows),
        "per_shard": rows, "merge": merge.as_dict(),
        "report": str(merged / "report.json"),
    }


# -- report ---------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    lines = [f"### N = {results['profiles']} profiles, {results['hosts']} hosts, latency "
             f"{results['latency']} s, {results['cpu_count']} cores"
             + (f", settings {' '.join(results['settings'])}" if results["settings"] else ""),
             "",
             "| shards | process | profiles | requests | wall s | CPU s | peak RSS MiB | exit |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for step in results["steps"]:
        for row in [*step["per_shard"], step["merge"]]:
            lines.append(f"| {step['shards']} | {row['name']} | {row['profiles']} "
                         f"| {row.get('requests', '') or ''} | {row['wall_s']:.1f} "
                         f"| {row['cpu_s']:.1f} | {row['peak_rss_mib']:.1f} "
                         f"| {row['returncode']} |")
    lines += ["", "| shards | crawl wall s | + merge = total s | shards' CPU s | fake server "
                  "CPU s | requests | report same as 1 shard's |",
              "|---:|---:|---:|---:|---:|---:|---|"]
    for step in results["steps"]:
        lines.append(f"| {step['shards']} | {step['crawl_wall_s']:.1f} "
                     f"| {step['total_wall_s']:.1f} | {step['shard_cpu_s']:.1f} "
                     f"| {step['server_cpu_s']} | {step['requests']} "
                     f"| {step.get('same_report')} |")
    return "\n".join(lines)


# -- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=10000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--shards", default="1,2,4",
                        help="the shard counts to measure, comma-separated (default 1,2,4)")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--timeout", type=float, default=7200.0,
                        help="seconds each measured process may take before it is killed")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny run for CI: 24 profiles, 3 hosts, shards 1 and 2, 10 ms "
                             "delays")
    parser.add_argument("--fake-server", type=Path, default=BENCH / "fakeplatforms.py",
                        help=argparse.SUPPRESS)
    parser.add_argument("-s", "--set", action="append", default=[], dest="settings",
                        metavar="NAME=VALUE", help="a Scrapy setting for every shard")
    args = parser.parse_args(argv)
    if args.smoke:
        args.profiles, args.hosts, args.latency, args.shards = 24, 3, 0.0, "1,2"
        args.settings += ["DOWNLOAD_DELAY=0.01", "AUTOTHROTTLE_START_DELAY=0.01"]
        args.timeout = min(args.timeout, 100.0)
    try:
        args.counts = [int(part) for part in args.shards.split(",") if part.strip()]
    except ValueError:
        parser.error("--shards: whole numbers, comma-separated (e.g. 1,2,4)")
    if not args.counts or min(args.counts) < 1:
        parser.error("--shards: each count at least 1")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.profiles
    out: Path = args.out.resolve()
    work = out / f"scale-{n}"
    work.mkdir(parents=True, exist_ok=True)
    fake = load_fakeplatforms(args.fake_server)
    env = child_env()
    started = time.monotonic()
    results: dict[str, Any] = {
        "profiles": n, "hosts": args.hosts, "latency": args.latency,
        "settings": list(args.settings), "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0], "steps": []}
    server = FakeServer(args.fake_server, work, hosts=args.hosts, latency=args.latency)
    try:
        config = work / "bench.toml"
        fake.build_config(n, server.info, config)
        for count in args.counts:
            results["steps"].append(run_step(config, count, work / f"shards-{count}", server,
                                             env=env, settings=list(args.settings),
                                             timeout=args.timeout))
    finally:
        server.stop()
    # Reports are read only now: a child's peak RSS (ru_maxrss) starts from this process's
    # at the fork, so this process must stay small while anything is measured.
    first = results["steps"][0]
    for step in results["steps"]:
        step["report_profiles"] = count_report_profiles(Path(step["report"]))
        try:
            step["same_report"] = (comparable_report(Path(step["report"]))
                                   == comparable_report(Path(first["report"])))
        except (OSError, ValueError):
            step["same_report"] = False
    results["bench_wall_s"] = round(time.monotonic() - started, 1)
    path = out / f"scale-{n}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", "utf-8")
    results["results_file"] = str(path)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.fake_server.exists():
        print(f"bench: {args.fake_server} not found", file=sys.stderr)
        return 2
    results = run(args)
    print(markdown(results))
    print(f"\nResults: {results['results_file']} (bench took {results['bench_wall_s']} s)")
    failed = [f"{step['shards']} shards: {row['name']}" for step in results["steps"]
              for row in [*step["per_shard"], step["merge"]]
              if row["returncode"] not in (0, 1) or row["timed_out"]]
    if failed:
        print(f"bench: run(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
