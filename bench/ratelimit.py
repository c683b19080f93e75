"""The rate-limit benchmark: N profiles on one host that enforces a platform's published limit.

    python bench/ratelimit.py --profiles 150 --platform mastodon [--rate-scale 1]
                              [--rate-limit 300] [--latency 0.05] [--out bench-results]
                              [-s NAME=VALUE ...]

Starts bench/fakeplatforms.py with ``--rate-scale``: besides its usual hosts, a Mastodon host
that allows 300 API calls per 5 minutes (fixed windows aligned to the epoch, as rack-attack
counts them; 300 per 15 minutes for paged calls), sends ``X-RateLimit-*`` with an ISO 8601
reset on every API answer and a 429 without Retry-After past the limit, and a Bluesky API host
sending ``RateLimit-*`` with an epoch reset and ``RateLimit-Policy``. ``--rate-scale 0.1``
shrinks the windows tenfold (300 per 30 s), so that 1,000 profiles take minutes instead of
an hour; the audit is then run without delays on that host (``DOWNLOAD_DELAY=0``, no
AutoThrottle), or its own politeness (at most 4 requests a second) and not the limit would be
what is measured.

Measures (the audit is ``auditor audit CONFIG --no-history``, every profile on that one host):

- profiles lost: records whose outcome is not the one their synthetic kind was made for (3%
  of the profiles answer 429 with ``Retry-After`` always and are meant to end
  ``rate_limited``; the others ``ok``, ``not_found`` or ``gone``);
- the 429s the limit gave, per window, and the calls served per window (never over the limit);
- wall time against the minimum the limit allows: the calls the audit needed, at most
  ``limit`` per window (the windows where they fall from the audit's start), each made as
  soon as that and the speed of the same audit against the same host without a limit allow
  (measured too: its start-up before the first call, seconds per call, and judging and
  reports after the last; the limited run's own fastest window when that was faster); for
  Mastodon the same for its paged calls and their own budget
  (300 per 15 minutes), and the longer of the two.

Writes ``<out>/ratelimit-<platform>-N-x<scale>.json`` and prints a markdown table row.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for folder in (ROOT, BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from run import child_env, load_fakeplatforms, measure, outcome_counts  # noqa: E402

NO_DELAY = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")


class LimitedPlatforms:
    """bench/fakeplatforms.py with its rate-limited hosts, as a child process."""

    def __init__(self, work: Path, *, scale: float, limit: int | None, latency: float,
                 name: str):
        self.ready = work / f"{name}-ready.json"
        self.ready.unlink(missing_ok=True)
        command = [sys.executable, str(BENCH / "fakeplatforms.py"), "--hosts", "1",
                   "--latency", str(latency), "--ready", str(self.ready),
                   "--rate-scale", str(scale)]
        if limit is not None:
            command += ["--rate-limit", str(limit)]
        self.output = work / f"{name}.out"
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.info: dict[str, Any] = json.loads(self.ready.read_text("utf-8"))
                break
            except (OSError, ValueError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("bench: the fake server did not start: "
                                 + self.output.read_text("utf-8", errors="replace")[-2000:])
            time.sleep(0.05)

    def limits(self, platform: str) -> dict[str, Any]:
        base = self.info["limited"][platform]
        with urllib.request.urlopen(f"{base}/__limits", timeout=10) as answer:
            return dict(json.loads(answer.read()))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def write_config(fake: Any, n: int, base: str, platform: str, path: Path) -> dict[str, str]:
    """N profiles on the one limited host; URL -> the outcome its kind was made for."""
    expected: dict[str, str] = {}
    lines = ["[audit]", f'name = "Rate limit: {n} profiles on one {platform} host"',
             f'as_of = "{fake.AS_OF}"', "allow_private_addresses = true", ""]
    if platform == "bluesky":
        lines += ["[endpoints]", f'bluesky = "{base}"', ""]
    urls = []
    for i in range(n):
        url = f"{base}/@u{i}" if platform == "mastodon" else \
            f"https://bsky.app/profile/u{i}.example"
        urls.append(url)
        expected[url] = fake.expected_outcome(fake.kind_of(i))
    for start in range(0, n, fake.ORG_SIZE):
        lines += ["[[organisation]]", f'name = "{fake.org_name(start)}"',
                  'role = "competitor"', "profiles = ["]
        lines += [f'  "{url}",' for url in urls[start:start + fake.ORG_SIZE]]
        lines += ["]", ""]
    path.write_text("\n".join(lines), "utf-8")
    return expected


def lost_profiles(records: Path, expected: dict[str, str]) -> dict[str, str]:
    """Profiles whose outcome is not the one they were made for (or without a record)."""
    got: dict[str, str] = {}
    for line in records.read_text("utf-8").splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("url") in expected:
            got[data["url"]] = str(data.get("outcome"))
    # canonical URLs may differ in form: compare by the profile's number
    by_number = {_number(url): outcome for url, outcome in got.items()}
    lost = {}
    for url, outcome in expected.items():
        seen = got.get(url, by_number.get(_number(url)))
        if seen != outcome:
            lost[url] = f"{seen} (expected {outcome})"
    return lost


def _number(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail.lstrip("@").removesuffix(".example")


def minimum_wall(calls: int, limit: int, window: float, start: float,
                 free: dict[str, float]) -> float:
    """The least time ``calls`` calls can take from ``start`` at ``limit`` per fixed window
    (aligned to the epoch), made one after another at the speed of the same audit without a
    limit (``free``: its time before its first call, seconds per call, and time after its
    last call): each call as soon as that speed and the window's count allow."""
    now = start + free["head_s"]
    per_call = free["per_call_s"]
    counts: dict[int, int] = {}
    for _ in range(calls):
        index = int(now // window)
        if counts.get(index, 0) >= limit:
            index += 1
            now = index * window
        counts[index] = counts.get(index, 0) + 1
        now += per_call
    return now - start + free["tail_s"]


def audit(config: Path, out: Path, settings: list[str], timeout: float, n: int,
          stdout: Path) -> tuple[Any, float]:
    started = time.time()
    run = measure("audit", [sys.executable, "-m", "auditor", "audit", str(config), "--out",
                            str(out), "--no-history", "--format", "json",
                            *[part for s in settings for part in ("-s", s)]],
                  env=child_env(), timeout=timeout, stdout=stdout, profiles=n)
    return run, started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=150)
    parser.add_argument("--platform", choices=("mastodon", "bluesky"), default="mastodon")
    parser.add_argument("--rate-scale", type=float, default=1.0,
                        help="the windows times this (1: as published; 0.1: 300 per 30 s)")
    parser.add_argument("--rate-limit", type=int, default=None,
                        help="calls per window (default: as published; Bluesky's 3000 never "
                             "binds at this scale, give 300)")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--timeout", type=float, default=7200.0)
    parser.add_argument("--skip-free", action="store_true",
                        help="no run without a limit (the minimum then leaves the speed out)")
    parser.add_argument("-s", "--set", action="append", default=[], dest="settings",
                        metavar="NAME=VALUE", help="a Scrapy setting for the audits")
    args = parser.parse_args(argv)
    n, platform = args.profiles, args.platform
    settings = list(args.settings)
    if args.rate_scale < 1 and not any(s.startswith("DOWNLOAD_DELAY=") for s in settings):
        settings += NO_DELAY
    out = args.out.resolve()
    name = f"ratelimit-{platform}-{n}-x{args.rate_scale:g}"
    work = out / name
    work.mkdir(parents=True, exist_ok=True)
    fake = load_fakeplatforms(BENCH / "fakeplatforms.py")
    results: dict[str, Any] = {"profiles": n, "platform": platform,
                               "rate_scale": args.rate_scale, "settings": settings,
                               "latency": args.latency}

    free: dict[str, Any] = {}
    if not args.skip_free:
        server = LimitedPlatforms(work, scale=args.rate_scale, limit=10 ** 9,
                                  latency=args.latency, name="free")
        try:
            base = server.info["limited"][platform]
            config = work / "free.toml"
            write_config(fake, n, base, platform, config)
            run, started = audit(config, work / "free", settings, args.timeout, n,
                                 work / "free.out")
            summary = server.limits(platform)
        finally:
            server.stop()
        free_windows = summary["windows"]
        calls = sum(window["requests"] for window in free_windows)
        first = min(window["first"] for window in free_windows)
        last = max(window["last"] for window in free_windows)
        free = {"wall_s": run.wall_s, "calls": calls, "returncode": run.returncode,
                "head_s": round(first - started, 3),
                "per_call_s": round((last - first) / max(calls - 1, 1), 5),
                "tail_s": round(started + run.wall_s - last, 3)}
        results["free"] = free

    server = LimitedPlatforms(work, scale=args.rate_scale, limit=args.rate_limit,
                              latency=args.latency, name="limited")
    try:
        base = server.info["limited"][platform]
        config = work / "limited.toml"
        expected = write_config(fake, n, base, platform, config)
        run, started = audit(config, work / "audit", settings, args.timeout, n,
                             work / "audit.out")
        summary = server.limits(platform)
    finally:
        server.stop()
    windows = summary["windows"]
    calls = sum(window["requests"] - window["refused"] for window in windows)
    refused = [window["refused"] for window in windows]
    paged_windows = summary.get("paged_windows") or []
    paged = sum(window["requests"] - window["refused"] for window in paged_windows)
    lost = lost_profiles(work / "audit" / "records.jsonl", expected)
    minimum = None
    if free:
        # the speed: the unlimited run's average, or the fastest the limited run went in a
        # window of its own, whichever is faster (an average is no lower bound)
        busy = [(w["last"] - w["first"]) / (w["requests"] - 1) for w in windows
                if w["requests"] - w["refused"] >= 50 and w["last"] > w["first"]]
        free = dict(free, per_call_s=min([free["per_call_s"], *busy]))
        results["per_call_s"] = free["per_call_s"]
        # each budget alone bounds the time from below: the API's, and Mastodon's for
        # paged calls (300 per 15 minutes: it binds first when a third of the calls page)
        minimum = minimum_wall(calls, summary["limit"], summary["window"], started, free)
        if paged and summary.get("paged_limit"):
            minimum = max(minimum, minimum_wall(paged, summary["paged_limit"],
                                                summary["paged_window"], started, free))
    results.update({
        "limit": summary["limit"], "window_s": summary["window"], "audit_started": started,
        "audit": run.as_dict(), "calls_served": calls,
        "calls_per_window": [window["requests"] - window["refused"] for window in windows],
        "refused_per_window": refused, "refused_total": sum(refused),
        "paged_limit": summary.get("paged_limit"), "paged_window_s": summary.get("paged_window"),
        "paged_calls": paged,
        "paged_calls_per_window": [w["requests"] - w["refused"] for w in paged_windows],
        "paged_refused_per_window": [w["refused"] for w in paged_windows],
        "windows_with_more_than_one_429": sum(1 for count in refused if count > 1),
        "lost": len(lost), "lost_examples": dict(list(lost.items())[:10]),
        "outcomes": outcome_counts(work / "audit" / "report.json"),
        "windows": windows, "paged_windows": paged_windows,
        "minimum_wall_s": round(minimum, 1) if minimum is not None else None,
        "wall_over_minimum": round(run.wall_s / minimum, 3) if minimum else None,
    })
    path = out / f"{name}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"| {platform} | {n} | {summary['limit']} per {summary['window']:g} s | "
          f"{run.wall_s:.1f} | {results['minimum_wall_s']} | {results['wall_over_minimum']} | "
          f"{calls} | {sum(refused)} (max {max(refused, default=0)} in a window) | "
          f"{len(lost)} | exit {run.returncode} |")
    print(f"results: {path}")
    return 0 if run.returncode in (0, 1) and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
