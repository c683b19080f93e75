"""The benchmark: the full audit against the network limit and a naive script, side by side.

    python bench/run.py --profiles 1000 [--hosts 50] [--latency 0.05] [--naive-subset 50]
                        [--out bench-results] [--skip reports,raw,naive,check,parse,reaudit]
                        [--smoke]

Starts bench/fakeplatforms.py (synthetic profiles of every public platform under many
loopback hosts), writes a config of N profiles, and measures:

(a) ``audit``: ``python -m auditor audit CONFIG --out DIR --no-history`` with the project's
    default politeness; the fake server logs every URL it is asked for;
(b) ``raw``: bench/rawfetch.py, a Scrapy spider with the same settings module that fetches
    exactly those URLs (deduplicated, robots.txt left to Scrapy) and ignores the bodies:
    the limit the chosen politeness puts on any crawl;
(a') ``reports``: (a) again after its crawl: ``auditor audit --resume`` over the finished
    records (judging and the four reports alone, so their time and memory show apart);
(c) ``naive``: bench/naive.py, sequential requests + beautifulsoup4 doing the same audit on
    the first ``--naive-subset`` profiles; its time and CPU are scaled by N / subset;
(d) ``reaudit``: monitoring. A first audit with history, then the same set a month later
    (the fake platforms switched to data where every tenth profile has new posts) audited
    again with that history, asking only for what is new, and a full audit of the later
    data without history: the requests of each, and whether the two later report.json
    are the same apart from run timestamps.

Each runs as a child process; wall time is measured around it, CPU (user + sys) and peak RSS
come from ``os.wait4``'s rusage, which covers the child and every descendant it waited for
(ru_maxrss is the largest single process of that tree, not a sum). Also measured: parse
throughput per platform (bench/parsespeed.py, in this process) and ``auditor check URL``
latency for one profile against the time its pages take to fetch one after another.

Writes ``<out>/results-N.json`` and prints a markdown table. ``--smoke`` is a tiny run for
CI (20 profiles, 3 hosts, no latency, naive on every profile, short parse timing); it makes
no timing assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

#: Issue 8's targets, checked (never asserted) in the results.
TARGET_AUDIT_OVER_RAW = 1.25
TARGET_NAIVE_OVER_AUDIT = 10.0
TARGET_PAGES_PER_S = 500.0
#: How long the fake server may take to start listening.
_READY_TIMEOUT = 60.0


@dataclass
class Measurement:
    """One child process run: wall and CPU seconds, peak RSS, and its exit status."""

    name: str
    command: list[str]
    wall_s: float
    cpu_user_s: float
    cpu_sys_s: float
    peak_rss_mib: float
    returncode: int
    timed_out: bool = False
    profiles: int = 0
    #: Wall and CPU seconds scaled to N (the naive run measures a subset); else the same.
    scale: float = 1.0

    @property
    def cpu_s(self) -> float:
        return self.cpu_user_s + self.cpu_sys_s

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        wall = self.wall_s * self.scale
        data.update(
            cpu_s=round(self.cpu_s, 3),
            wall_s_scaled=round(wall, 3),
            cpu_s_scaled=round(self.cpu_s * self.scale, 3),
            profiles_per_s=round(self.profiles * self.scale / wall, 3) if wall > 0 else None,
        )
        return data


def measure(name: str, command: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None,
            timeout: float | None = None, stdout: Path | None = None,
            profiles: int = 0, scale: float = 1.0) -> Measurement:
    """Run ``command`` as a child (own session) and measure it with ``os.wait4``."""
    out_handle = stdout.open("wb") if stdout is not None else subprocess.DEVNULL
    started = time.monotonic()
    try:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=out_handle, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    finally:
        if stdout is not None:
            out_handle.close()  # type: ignore[union-attr]
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        if timer is not None:
            timer.cancel()
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    return Measurement(
        name=name, command=[str(part) for part in command], wall_s=round(wall, 3),
        cpu_user_s=round(usage.ru_utime, 3), cpu_sys_s=round(usage.ru_stime, 3),
        peak_rss_mib=round(usage.ru_maxrss / 1024, 1),  # Linux: KiB
        returncode=process.returncode, timed_out=timed_out.is_set(), profiles=profiles,
        scale=scale,
    )


# -- the fake platforms ---------------------------------------------------------------------


def load_fakeplatforms(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("fakeplatforms", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"bench: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fakeplatforms", module)
    spec.loader.exec_module(module)
    return module


class FakeServer:
    """bench/fakeplatforms.py as a child process, logging the URLs it is asked for."""

    def __init__(self, script: Path, work: Path, *, hosts: int, latency: float):
        self.ready = work / "server-ready.json"
        self.log = work / "server-urls.log"
        self.output = work / "server.out"
        for path in (self.ready, self.log):
            path.unlink(missing_ok=True)
        command = [sys.executable, str(script), "--hosts", str(hosts), "--latency",
                   str(latency), "--ready", str(self.ready), "--log", str(self.log)]
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + _READY_TIMEOUT
        while True:
            if self.ready.exists():
                try:
                    self.info: dict[str, Any] = json.loads(self.ready.read_text("utf-8"))
                    break
                except ValueError:
                    pass  # written at this moment; look again
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.output.read_text("utf-8", errors="replace")[-2000:]
                raise SystemExit(f"bench: the fake server did not start:\n{tail}")
            time.sleep(0.05)

    def logged_lines(self) -> int:
        return len(self.read_log())

    def read_log(self, *, settle: float = 0.0) -> list[str]:
        """Every URL logged so far (the server flushes its log about every second)."""
        if settle:
            time.sleep(settle)
        try:
            return self.log.read_text("utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def requested_urls(lines: list[str]) -> list[str]:
    """The URLs to replay for the raw fetch: deduplicated, in order, robots.txt left out."""
    seen: dict[str, None] = {}
    for line in lines:
        url = line.strip()
        if not url or url.split("?", 1)[0].endswith("/robots.txt"):
            continue
        seen.setdefault(url, None)
    return list(seen)


# -- the runs -------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["SCRAPY_SETTINGS_MODULE"] = "spiders.settings"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def count_report_profiles(report: Path) -> int | None:
    try:
        data = json.loads(report.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return sum(len(org.get("profiles", [])) for org in data.get("organisations", []))


def outcome_counts(report: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    try:
        data = json.loads(report.read_text("utf-8"))
    except (OSError, ValueError):
        return counts
    for org in data.get("organisations", []):
        for profile in org.get("profiles", []):
            outcome = str(profile.get("outcome") or profile.get("record", {}).get("outcome"))
            counts[outcome] = counts.get(outcome, 0) + 1
    return dict(sorted(counts.items()))


def check_latency(server: FakeServer, work: Path, url: str, settings: list[str],
                  timeout: float) -> dict[str, Any]:
    """``auditor check URL`` wall time against fetching the same pages one after another.

    ``check`` has no config, so it cannot allow loopback addresses nor take [endpoints]:
    the address guard is switched off for this one run with ``-s DOWNLOADER_MIDDLEWARES``
    (the project's middlewares minus AddressGuardMiddleware) and ``-s TWISTED_DNS_RESOLVER``
    (Scrapy's own caching resolver, which even IP literals pass), and the profile is one on a
    fake host (Mastodon or a feed), whose URL needs no endpoint.
    """
    from spiders import settings as project_settings

    middlewares = {name: order for name, order in project_settings.DOWNLOADER_MIDDLEWARES.items()
                   if name != "spiders.manners.AddressGuardMiddleware"}
    middlewares["spiders.manners.AddressGuardMiddleware"] = None
    before = len(server.read_log(settle=1.5))
    run = measure("check", [sys.executable, "-m", "auditor", "check", url, "--as-of",
                            "2026-11-01", "-s", "DOWNLOADER_MIDDLEWARES=" + json.dumps(middlewares),
                            "-s", "TWISTED_DNS_RESOLVER=scrapy.resolver.CachingThreadedResolver",
                            *[part for s in settings for part in ("-s", s)]],
                  env=child_env(), timeout=timeout, stdout=work / "check.out", profiles=1)
    fetched = server.read_log(settle=1.5)[before:]
    started = time.monotonic()
    statuses = []
    for page in fetched:
        try:
            with urllib.request.urlopen(page, timeout=20) as answer:
                answer.read()
                statuses.append(answer.status)
        except OSError as exc:
            statuses.append(getattr(exc, "code", 0))
    fetch = time.monotonic() - started
    return {"url": url, "check": run.as_dict(), "pages": fetched, "statuses": statuses,
            "fetch_s": round(fetch, 3),
            "check_over_fetch": round(run.wall_s / fetch, 2) if fetch > 0 else None}


def pick_check_profile(profiles: list[dict[str, Any]]) -> str | None:
    for wanted in ("mastodon", "feed"):
        for profile in profiles:
            if profile.get("platform") == wanted and profile.get("kind") == "healthy":
                return str(profile["url"])
    return None


# -- (d) monitoring: the same set a month later ----------------------------------------------

#: The re-audit's date: a month after the fake platforms' AS_OF, where every tenth profile
#: has new posts (fakeplatforms.changed) and the others answer as before.
LATER_DAYS = 30
LATER_AS_OF = "2026-12-01"
#: Issue 16's target: a re-audit with history costs at most this share of the first audit.
TARGET_REAUDIT_SHARE = 0.40


#: The run timestamps of report.json: when it was generated, and when each profile's pages
#: (and its follower count) were read.
RUN_TIMESTAMPS = frozenset({"generated_at", "fetched_at", "followers_read_at"})


def comparable_report(path: Path) -> Any:
    """report.json without what differs between two runs of the same data: its run
    timestamps (:data:`RUN_TIMESTAMPS`)."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items()
                    if key not in RUN_TIMESTAMPS}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return strip(json.loads(path.read_text("utf-8")))


def _later(server: FakeServer, days: int) -> None:
    """Switch the fake platforms to the data of ``days`` after the first audit."""
    base = server.info["hosts"][0]
    with urllib.request.urlopen(f"{base}/__later-days/{days}", timeout=20) as answer:
        answer.read()


def measure_reaudit(server: FakeServer, work: Path, config: Path, *, env: dict[str, str],
                    settings: list[str], timeout: float, profiles: int) -> dict[str, Any]:
    """A first audit with history, the re-audit a month later with 10% of the profiles
    changed (asking only for what is new), and a full audit of the same later data without
    history: the requests each made, and whether the two later report.json are the same."""
    history = work / "monitoring.history.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(history) + suffix).unlink(missing_ok=True)
    extra = [part for s in settings for part in ("-s", s)]
    audit = [sys.executable, "-m", "auditor", "audit", str(config)]
    counts: list[int] = [len(server.read_log(settle=1.5))]
    runs: dict[str, Measurement] = {}
    try:
        _later(server, 0)
        runs["first"] = measure("first", [*audit, "--out", str(work / "monitor-first"),
                                          "--db", str(history), *extra],
                                env=env, timeout=timeout, stdout=work / "monitor-first.out",
                                profiles=profiles)
        counts.append(len(server.read_log(settle=1.5)))
        _later(server, LATER_DAYS)
        runs["reaudit"] = measure("reaudit", [*audit, "--out", str(work / "monitor-later"),
                                              "--db", str(history), "--as-of", LATER_AS_OF,
                                              *extra],
                                  env=env, timeout=timeout, stdout=work / "monitor-later.out",
                                  profiles=profiles)
        counts.append(len(server.read_log(settle=1.5)))
        runs["full"] = measure("full", [*audit, "--out", str(work / "monitor-full"),
                                        "--no-history", "--as-of", LATER_AS_OF, *extra],
                               env=env, timeout=timeout, stdout=work / "monitor-full.out",
                               profiles=profiles)
        counts.append(len(server.read_log(settle=1.5)))
    finally:
        _later(server, 0)
    first, later, full = (counts[i + 1] - counts[i] for i in range(3))
    try:
        same = (comparable_report(work / "monitor-later" / "report.json")
                == comparable_report(work / "monitor-full" / "report.json"))
    except (OSError, ValueError):
        same = False
    return {"first_requests": first, "reaudit_requests": later, "full_later_requests": full,
            "first_per_profile": round(first / profiles, 2) if profiles else None,
            "reaudit_per_profile": round(later / profiles, 2) if profiles else None,
            "reaudit_share": round(later / first, 3) if first else None,
            "target_share": TARGET_REAUDIT_SHARE, "reports_equal": same,
            "runs": {name: run.as_dict() for name, run in runs.items()}}


# -- report ---------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    n = results["profiles"]
    lines = [f"### N = {n} profiles, {results['hosts']} hosts, latency {results['latency']} s",
             "",
             "| run | wall s | profiles/s | CPU s | peak RSS MiB | exit | notes |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, data in results["measurements"].items():
        note = data.get("note", "")
        if data.get("timed_out"):
            note = (note + "; timed out").strip("; ")
        lines.append(
            f"| {name} | {_fmt(data['wall_s_scaled'], 1)} | {_fmt(data['profiles_per_s'])} "
            f"| {_fmt(data['cpu_s_scaled'], 1)} | {_fmt(data['peak_rss_mib'], 1)} "
            f"| {data['returncode']} | {note} |")
    ratios = results.get("ratios", {})
    if ratios:
        lines += ["", "| ratio | value | target |", "|---|---:|---|"]
        for name, (value, target) in ratios.items():
            lines.append(f"| {name} | {_fmt(value)} | {target} |")
    parse = results.get("parse")
    if parse:
        lines += ["", "| platform | pages | pages/s per core | profiles/s per core |",
                  "|---|---:|---:|---:|"]
        for platform, data in parse.items():
            lines.append(f"| {platform} | {data['pages']} | {_fmt(data['pages_per_s'], 0)} "
                         f"| {_fmt(data['profiles_per_s'], 0)} |")
    monitoring = results.get("monitoring")
    if monitoring:
        lines += ["", f"Requests: first audit {monitoring['first_requests']} "
                      f"({monitoring['first_per_profile']} per profile); re-audit a month later "
                      f"with history {monitoring['reaudit_requests']} "
                      f"({monitoring['reaudit_per_profile']} per profile, "
                      f"{_fmt(monitoring['reaudit_share'])} of the first, target <= "
                      f"{monitoring['target_share']}); a full audit of the later data "
                      f"{monitoring['full_later_requests']}; report.json the same as the full "
                      f"audit's: {monitoring['reports_equal']}"]
    check = results.get("check")
    if check and "check" in check:
        lines += ["", f"`auditor check {check['url']}`: {check['check']['wall_s']:.2f} s; its "
                      f"{len(check['pages'])} page(s) fetched one after another: "
                      f"{check['fetch_s']:.2f} s (x{_fmt(check['check_over_fetch'])})"]
    return "\n".join(lines)


def measure_reports(config: Path, audit_out: Path, *, env: dict[str, str], timeout: float,
                    profiles: int, stdout: Path) -> Measurement:
    """Judging and report writing alone, on the records (a) wrote: ``auditor audit --resume``
    over a finished crawl reads records.jsonl, judges and writes the four reports."""
    state = audit_out / "run.json"
    saved = state.read_text("utf-8")
    data = json.loads(saved)
    data["completed"] = False  # --resume refuses a finished audit
    state.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    try:
        return measure("reports", [sys.executable, "-m", "auditor", "audit", str(config),
                                   "--out", str(audit_out), "--no-history", "--resume"],
                       env=env, timeout=timeout, stdout=stdout, profiles=profiles)
    finally:
        state.write_text(saved, "utf-8")


# -- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--naive-subset", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--skip", default="",
                        help="comma-separated: reports,raw,naive,check,parse,reaudit")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny run for CI: 20 profiles, 3 hosts, no latency, no scaling")
    parser.add_argument("--parse-seconds", type=float, default=2.0,
                        help="time spent parsing each platform's sample pages")
    parser.add_argument("--timeout", type=float, default=3600.0,
                        help="seconds each measured run may take before it is killed")
    parser.add_argument("--fake-server", type=Path, default=BENCH / "fakeplatforms.py",
                        help=argparse.SUPPRESS)
    parser.add_argument("-s", "--set", action="append", default=[], dest="settings",
                        metavar="NAME=VALUE",
                        help="a Scrapy setting for both the audit and the raw fetch")
    args = parser.parse_args(argv)
    if args.smoke:
        args.profiles, args.hosts, args.latency = 20, 3, 0.0
        args.naive_subset = 20
        args.parse_seconds = min(args.parse_seconds, 0.2)
        args.timeout = min(args.timeout, 100.0)
    args.naive_subset = max(1, min(args.naive_subset, args.profiles))
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.profiles
    out: Path = args.out.resolve()
    work = out / f"run-{n}"
    work.mkdir(parents=True, exist_ok=True)
    fake = load_fakeplatforms(args.fake_server)
    env = child_env()
    settings = list(args.settings)
    started = time.monotonic()
    server = FakeServer(args.fake_server, work, hosts=args.hosts, latency=args.latency)
    results: dict[str, Any] = {
        "profiles": n, "hosts": args.hosts, "latency": args.latency, "smoke": args.smoke,
        "naive_subset": args.naive_subset, "settings": settings,
        "cpu_count": os.cpu_count(), "python": sys.version.split()[0],
        "measurements": {},
    }
    measurements: dict[str, Measurement] = {}
    try:
        config = work / "bench.toml"
        profiles = fake.build_config(n, server.info, config)
        kinds: dict[str, int] = {}
        for profile in profiles:
            kinds[profile["kind"]] = kinds.get(profile["kind"], 0) + 1
        results["kinds"] = dict(sorted(kinds.items()))
        (work / "profiles.json").write_text(json.dumps(profiles, indent=1), "utf-8")

        # (a) the full audit
        audit_out = work / "audit"
        before = server.logged_lines()
        audit = measure("audit", [sys.executable, "-m", "auditor", "audit", str(config),
                                  "--out", str(audit_out), "--no-history",
                                  *[part for s in settings for part in ("-s", s)]],
                        env=env, timeout=args.timeout, stdout=work / "audit.out", profiles=n)
        measurements["audit"] = audit
        report = audit_out / "report.json"
        results["audit_report"] = str(report)
        results["audit_report_profiles"] = count_report_profiles(report)
        results["audit_outcomes"] = outcome_counts(report)
        logged = server.read_log(settle=1.5)[before:]
        urls = requested_urls(logged)
        urls_file = work / "urls.txt"
        urls_file.write_text("".join(url + "\n" for url in urls), "utf-8")
        results["audit_requests"] = len(logged)
        results["audit_requests_per_profile"] = round(len(logged) / n, 2) if n else None
        results["raw_urls"] = len(urls)

        # (a') the part of (a) after the crawl, alone: judge the records and write every
        # report again, through the CLI (--resume with every profile already done)
        if "reports" not in args.skip:
            measurements["reports"] = measure_reports(config, audit_out, env=env,
                                                      timeout=args.timeout, profiles=n,
                                                      stdout=work / "reports.out")

        # (b) the raw fetch of the same URLs
        if "raw" not in args.skip:
            summary = work / "raw-summary.json"
            raw = measure("raw", [sys.executable, str(BENCH / "rawfetch.py"), "--urls",
                                  str(urls_file), "--summary", str(summary),
                                  "--log-file", str(work / "raw-crawl.log"), *[
                                      part for s in settings for part in ("-s", s)]],
                          env=env, timeout=args.timeout, stdout=work / "raw.out", profiles=n)
            measurements["raw"] = raw
            try:
                results["raw_summary"] = json.loads(summary.read_text("utf-8"))
            except (OSError, ValueError):
                results["raw_summary"] = None

        # (c) the naive script on a subset
        if "naive" not in args.skip:
            subset = args.naive_subset
            naive = measure("naive", [sys.executable, str(BENCH / "naive.py"), str(config),
                                      "--limit", str(subset), "--out", str(work / "naive.csv")],
                            env=env, timeout=args.timeout, stdout=work / "naive.out",
                            profiles=subset, scale=n / subset)
            measurements["naive"] = naive

        if "check" not in args.skip:
            url = pick_check_profile(profiles)
            if url is not None:
                results["check"] = check_latency(server, work, url, settings,
                                                 timeout=min(args.timeout, 300.0))

        # (d) monitoring: the same set a month later, with history
        if "reaudit" not in args.skip:
            results["monitoring"] = measure_reaudit(server, work, config, env=env,
                                                    settings=settings, timeout=args.timeout,
                                                    profiles=n)
    finally:
        server.stop()

    if "parse" not in args.skip:
        import parsespeed

        results["parse"] = parsespeed.measure_all(seconds=args.parse_seconds)

    for name, measurement in measurements.items():
        data = measurement.as_dict()
        if name == "naive" and measurement.scale != 1.0:
            data["note"] = (f"{measurement.profiles} profiles measured, wall and CPU scaled "
                            f"x{measurement.scale:.1f}")
        results["measurements"][name] = data
    ratios: dict[str, tuple[float | None, str]] = {}
    audit_data = results["measurements"].get("audit")
    raw_data = results["measurements"].get("raw")
    naive_data = results["measurements"].get("naive")
    if audit_data and raw_data and raw_data["wall_s"] > 0:
        ratios["audit wall / raw wall"] = (
            round(audit_data["wall_s_scaled"] / raw_data["wall_s_scaled"], 2),
            f"<= {TARGET_AUDIT_OVER_RAW}")
    if audit_data and naive_data and audit_data["wall_s"] > 0:
        ratios["naive wall / audit wall"] = (
            round(naive_data["wall_s_scaled"] / audit_data["wall_s_scaled"], 2),
            f">= {TARGET_NAIVE_OVER_AUDIT}")
    if audit_data and raw_data and raw_data["cpu_s"] > 0:
        ratios["audit CPU / raw CPU"] = (round(audit_data["cpu_s"] / raw_data["cpu_s"], 2), "–")
    results["ratios"] = ratios
    if "parse" in results:
        slow = [p for p, d in results["parse"].items() if d["pages_per_s"] < TARGET_PAGES_PER_S]
        results["parse_below_target"] = slow
    results["bench_wall_s"] = round(time.monotonic() - started, 1)
    results["bench_self_maxrss_mib"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    path = out / f"results-{n}.json"
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
    failed = [name for name, data in results["measurements"].items()
              if data["returncode"] not in (0, 1) or data["timed_out"]]
    if failed:
        print(f"bench: run(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
