"""The rate-limit benchmark: N profiles on one host that enforces a platform's published limit.

    python bench/ratelimit.py --table [--out bench-results]
    python bench/ratelimit.py --profiles 150 --platform mastodon [--rate-scale 1]
                              [--rate-limit 300] [--latency 0.05] [--out bench-results]
                              [-s NAME=VALUE ...]

``--table`` runs every row of docs/performance.md's rate-limit table in one go (Mastodon
with its real windows for 150 profiles, windows x0.1 for 150 and 1,000; Bluesky's headers
x0.1 for 150 and 1,000, given 300 calls per window) and prints the table in that file's
format (about 25 minutes); without it, one row as the options say.

Starts bench/fakeplatforms.py with ``--rate-scale``: besides its usual hosts, a Mastodon host
that allows 300 API calls per 5 minutes (fixed windows aligned to the epoch, as rack-attack
counts them; 300 per 15 minutes for paged calls), sends ``X-RateLimit-*`` with an ISO 8601
reset on every API answer and a 429 without Retry-After past the limit, and a Bluesky API host
sending ``RateLimit-*`` with an epoch reset and ``RateLimit-Policy``. ``--rate-scale 0.1``
shrinks the windows tenfold (300 per 30 s), so that 1,000 profiles take minutes instead of
an hour; the audit is then run without delays on that host (``DOWNLOAD_DELAY=0``, no
AutoThrottle), or its own politeness (at most 4 requests a second) and not the limit would be
what is measured, and with the margin it waits past each reset (for two machines' clocks a
little apart; one clock here) scaled alike (``AUDITOR_RATE_LIMIT_MARGIN=0.1``): its 1 s would
weigh ten times what it does against real windows.

Measures (the audit is ``auditor audit CONFIG --no-history``, every profile on that one host):

- profiles lost: records whose outcome is not the one their synthetic kind was made for (3%
  of the profiles answer 429 with ``Retry-After`` always and are meant to end
  ``rate_limited``; the others ``ok``, ``not_found`` or ``gone``);
- the 429s the limit gave, per window, and the calls served per window (never over the limit);
- wall time against the least any schedule of the same calls could take
  (:func:`ordered_minimum`): the same audit is first run against an unlimited copy of the
  host, which gives its speed (start-up before the first call, seconds per call, judging
  and reports after the last; the limited run's own fastest window when that was faster)
  and when it made each call (none of the limited run's schedule comes earlier: from a
  cold start no audit makes calls at the pace it reaches in full swing) and the calls each
  profile makes in the order it must make them (the server's log:
  Mastodon's lookup, then the first statuses page, then the pages with ``max_id`` that
  draw on the paging budget too). The bound is the longest of: all calls at the API's
  ``limit`` per window; the paged calls at the paging budget's, none before the calls
  that unlock it could have been made and answered; the longest profile's calls one after
  another. Also reported: the old bound, each budget alone with the order left out
  (:func:`minimum_wall`).

Writes ``<out>/ratelimit-<platform>-N-x<scale>.json`` per row and prints the table rows.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for folder in (ROOT, BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from run import child_env, load_fakeplatforms, measure, outcome_counts  # noqa: E402

NO_DELAY = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")
#: AUDITOR_RATE_LIMIT_MARGIN's default (spiders/settings.py): seconds waited past a reset.
MARGIN_S = 1.0


class LimitedPlatforms:
    """bench/fakeplatforms.py with its rate-limited hosts, as a child process."""

    def __init__(self, work: Path, *, scale: float, limit: int | None, latency: float,
                 name: str, log: Path | None = None):
        self.ready = work / f"{name}-ready.json"
        self.ready.unlink(missing_ok=True)
        command = [sys.executable, str(BENCH / "fakeplatforms.py"), "--hosts", "1",
                   "--latency", str(latency), "--ready", str(self.ready),
                   "--rate-scale", str(scale)]
        if limit is not None:
            command += ["--rate-limit", str(limit)]
        if log is not None:
            log.unlink(missing_ok=True)
            command += ["--log", str(log)]
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
                 free: dict[str, Any]) -> float:
    """The least time ``calls`` calls can take from ``start`` at ``limit`` per fixed window
    (aligned to the epoch), made one after another at the speed of the same audit without a
    limit (``free``: its time before its first call, seconds per call, and time after its
    last call): each call as soon as that speed and the window's count allow. One budget
    alone, the order of the calls left out: :func:`ordered_minimum` is the bound reported."""
    times = _call_times(calls, limit, window, start, free)
    end = times[-1] + free["per_call_s"] if times else start + free["head_s"]
    return end - start + free["tail_s"]


def _call_times(calls: int, limit: int, window: float, start: float,
                free: dict[str, Any]) -> list[float]:
    """The earliest time of each of ``calls`` calls at ``limit`` per window and the speed;
    and none before the same audit without a limit made its call of that rank (``free``'s
    ``timeline``: seconds from its start, when recorded). Seconds per call alone is the
    pace of a crawl in full swing (or of a burst of calls that waited for a reset): from a
    cold start (robots.txt, the first answer telling the budget, start requests taken in as
    Scrapy makes room) no audit gets there at once, and a bound that let a window a second
    long hold its 300 calls at that pace was below what the audit reaches with no limit at
    all (78 calls there, one of 1,000 Bluesky profiles' runs: a whole window more)."""
    now = start + free["head_s"]
    per_call = free["per_call_s"]
    timeline: list[float] = free.get("timeline") or []
    counts: dict[int, int] = {}
    times = []
    for rank in range(calls):
        if rank < len(timeline):
            now = max(now, start + timeline[rank])
        index = int(now // window)
        if counts.get(index, 0) >= limit:
            index += 1
            now = index * window
        counts[index] = counts.get(index, 0) + 1
        times.append(now)
        now += per_call
    return times


_ACCOUNT = re.compile(r"^/api/v\d+/accounts/([^/?]+)/statuses$")


def call_chains(urls: Iterable[str], platform: str) -> list[tuple[int, int]]:
    """Each profile's calls to the limited API as (unpaged, paged), from the URLs one audit
    of them asked for (``fakeplatforms.py --log``). A profile's calls are made one after
    another, each after the answer of the one before: on Mastodon the lookup, then the
    account's statuses (the first page unpaged, each next page with ``max_id`` paged);
    on Bluesky getProfile, then getAuthorFeed's pages (one budget: none paged)."""
    lookups = 0
    accounts: dict[str, list[int]] = {}
    for url in urls:
        parts = urlsplit(url.strip())
        query = parse_qs(parts.query)
        if platform == "mastodon":
            if not parts.path.startswith("/api/"):
                continue
            if parts.path.endswith("/accounts/lookup"):
                lookups += 1
                continue
            match = _ACCOUNT.match(parts.path)
            key = match.group(1) if match else url
            paged = any(name in query for name in ("max_id", "min_id", "since_id"))
            counts = accounts.setdefault(key, [0, 0])
            counts[1 if paged else 0] += 1
        elif parts.path != "/robots.txt" and parts.path:
            actor = (query.get("actor") or [url])[0]
            accounts.setdefault(actor, [0, 0])[0] += 1
    chains = [(unpaged, paged) for unpaged, paged in accounts.values()]
    if platform == "mastodon":  # each account's statuses come after its lookup
        chains = [(unpaged + 1, paged) for unpaged, paged in chains]
        chains += [(1, 0)] * max(0, lookups - len(chains))
    return chains


def ordered_minimum(chains: list[tuple[int, int]], *, limit: int, window: float,
                    paged_limit: int | None, paged_window: float | None, start: float,
                    free: dict[str, Any], rtt: float) -> dict[str, float]:
    """The least wall time any schedule of these calls could take: a lower bound that knows
    both budgets and the order each profile's calls must be made in.

    With ``head``, ``per_call`` and ``tail`` the speed of the same audit without a limit, and
    A(n) the earliest the n-th API call can be made (``limit`` per fixed window aligned to
    the epoch, one call per ``per_call`` at most, the first at ``start + head``, none before
    the unlimited run made its n-th: :func:`_call_times`):

    - the API's budget: the last of all N calls at A(N), then ``per_call + tail``;
    - the paging budget, in the order calls must come: before the k-th paged call, the
      profiles it and the k-1 before it belong to must each have had their unpaged calls
      answered. U(k), never more than the fewest unpaged calls unlocking k paged ones, is the
      larger of the fractional cover (profiles in the order of most paged calls per
      unpaged call, the fraction of the last rounded up) and the fewest profiles whose
      paged calls reach k times the fewest unpaged calls a paging profile makes (Mastodon:
      2, the lookup and the first page); so the k-th paged call is at least the (U(k)+k)-th
      API call and at least ``rtt`` after the U(k)-th: t(k) = max(t(k-1) + per_call,
      A(U(k) + k), A(U(k)) + rtt), moved to the next paging window while the one it falls
      in holds ``paged_limit``; the last at t(P), then ``per_call + tail``;
    - the longest profile: its calls one ``rtt`` after another from ``start + head``.

    The bound is the longest of the three; it assumes the schedule knows beforehand which
    profiles page most (a crawler learns it only from their answers), so it is below what a
    crawler can reach, never above."""
    head, per_call, tail = free["head_s"], free["per_call_s"], free["tail_s"]
    calls = sum(unpaged + paged for unpaged, paged in chains)
    times = _call_times(calls, limit, window, start, free)
    api_end = (times[-1] if times else start + head) + per_call + tail
    longest = max((unpaged + paged for unpaged, paged in chains), default=0)
    chain_end = start + head + max(0, longest - 1) * rtt + per_call + tail
    paged_end = start
    total_paged = sum(paged for _, paged in chains)
    if total_paged and paged_limit and paged_window:
        # U(k): the fractional cover of k paged calls by the profiles with the most paged
        # calls per unpaged call (rounded up), and at least the fewest profiles whose paged
        # calls reach k times the fewest unpaged calls a paging profile has
        order = sorted((c for c in chains if c[1]), key=lambda c: c[1] / max(c[0], 1),
                       reverse=True)
        most = sorted((paged for _, paged in order), reverse=True)
        least_unpaged = min(unpaged for unpaged, _ in order)
        taken_paged, taken_unpaged, position = 0, 0, 0
        covered, profiles = 0, 0
        previous = start + head - per_call
        counts: dict[int, int] = {}
        for k in range(1, total_paged + 1):
            while taken_paged + order[position][1] < k:
                taken_paged += order[position][1]
                taken_unpaged += order[position][0]
                position += 1
            while covered < k:
                covered += most[profiles]
                profiles += 1
            unpaged, paged = order[position]
            unlock = max(taken_unpaged + math.ceil(unpaged * (k - taken_paged) / paged - 1e-9),
                         least_unpaged * profiles)
            at = max(previous + per_call, times[min(unlock + k, len(times)) - 1],
                     times[min(unlock, len(times)) - 1] + rtt)
            index = int(at // paged_window)
            while counts.get(index, 0) >= paged_limit:
                index += 1
                at = max(at, index * paged_window)
            counts[index] = counts.get(index, 0) + 1
            previous = at
        paged_end = previous + per_call + tail
    bound = max(api_end, paged_end, chain_end)
    return {"minimum_s": bound - start, "api_s": api_end - start,
            "paged_s": paged_end - start if total_paged else 0.0,
            "chain_s": chain_end - start, "calls": calls, "paged_calls": total_paged}


def audit(config: Path, out: Path, settings: list[str], timeout: float, n: int,
          stdout: Path) -> tuple[Any, float]:
    started = time.time()
    run = measure("audit", [sys.executable, "-m", "auditor", "audit", str(config), "--out",
                            str(out), "--no-history", "--format", "json",
                            *[part for s in settings for part in ("-s", s)]],
                  env=child_env(), timeout=timeout, stdout=stdout, profiles=n)
    return run, started


@dataclass(frozen=True)
class Row:
    """One row of docs/performance.md's rate-limit table."""

    label: str
    platform: str
    profiles: int
    rate_scale: float
    rate_limit: int | None = None

    @property
    def name(self) -> str:
        return f"ratelimit-{self.platform}-{self.profiles}-x{self.rate_scale:g}"


#: The rows of docs/performance.md's rate-limit table, in its order (``--table``).
TABLE = (
    Row("Mastodon, real windows, default politeness", "mastodon", 150, 1.0),
    Row("Mastodon, windows ×0.1, no delay", "mastodon", 150, 0.1),
    Row("Mastodon, windows ×0.1, no delay", "mastodon", 1000, 0.1),
    Row("Bluesky headers, windows ×0.1, no delay", "bluesky", 150, 0.1, 300),
    Row("Bluesky headers, windows ×0.1, no delay", "bluesky", 1000, 0.1, 300),
)

TABLE_HEAD = ("| host | profiles | limit | wall s | least any schedule allows, s | ratio | "
              "each budget alone, s | calls | 429s from the limit | profiles lost |\n"
              "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")


def wait_for_window(window: float, left: float | None) -> None:
    """Sleep until the current fixed window (aligned to the epoch, as the fake server counts
    them) has ``left`` seconds to go: where a run starts against the windows moves what the
    first window can hold, and with it the wall time (None: start at once)."""
    if left is None:
        return
    now = time.time()
    start = (now // window + 1) * window - left
    if start < now:
        start += window
    time.sleep(start - now)


def run_row(row: Row, *, out: Path, latency: float, timeout: float, skip_free: bool,
            extra: list[str], window_left: float | None = None) -> dict[str, Any]:
    """Run one row (the audit against an unlimited copy of the host, then the limited one);
    its results, also written to ``<out>/<row.name>.json``. ``window_left``: start the
    limited audit when the longest window (Mastodon's paging one) has that many seconds
    left."""
    n, platform = row.profiles, row.platform
    settings = list(extra)
    if row.rate_scale < 1 and not any(s.startswith("DOWNLOAD_DELAY=") for s in settings):
        settings += NO_DELAY
    if row.rate_scale < 1 and not any(s.startswith("AUDITOR_RATE_LIMIT_MARGIN=")
                                      for s in settings):
        # the margin past each reset is for two machines' clocks (one here), a second
        # against windows of minutes: scaled with the windows, as it would weigh there
        settings.append(f"AUDITOR_RATE_LIMIT_MARGIN={MARGIN_S * row.rate_scale:g}")
    work = out / row.name
    work.mkdir(parents=True, exist_ok=True)
    fake = load_fakeplatforms(BENCH / "fakeplatforms.py")
    results: dict[str, Any] = {"label": row.label, "profiles": n, "platform": platform,
                               "rate_scale": row.rate_scale, "settings": settings,
                               "latency": latency, "window_left_s": window_left}

    free: dict[str, Any] = {}
    chains: list[tuple[int, int]] = []
    if not skip_free:
        server = LimitedPlatforms(work, scale=row.rate_scale, limit=10 ** 9,
                                  latency=latency, name="free", log=work / "free.log")
        try:
            base = server.info["limited"][platform]
            config = work / "free.toml"
            write_config(fake, n, base, platform, config)
            run, started = audit(config, work / "free", settings, timeout, n,
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
        results["free"] = dict(free)
        # when it made each call, from its start: no call of the limited run's schedule
        # comes before the unlimited run's of the same rank (_call_times)
        free["timeline"] = [round(at - started, 4) for at in summary.get("times") or ()]
        base_prefix = base.rstrip("/")
        chains = call_chains((line[len(base_prefix):] if line.startswith(base_prefix) else ""
                              for line in (work / "free.log").read_text("utf-8").splitlines()
                              if line.startswith(base_prefix)), platform)

    server = LimitedPlatforms(work, scale=row.rate_scale, limit=row.rate_limit,
                              latency=latency, name="limited", log=work / "limited.log")
    try:
        base = server.info["limited"][platform]
        config = work / "limited.toml"
        expected = write_config(fake, n, base, platform, config)
        longest = 900.0 if platform == "mastodon" else 300.0
        wait_for_window(longest * row.rate_scale, window_left)
        run, started = audit(config, work / "audit", settings, timeout, n, work / "audit.out")
        summary = server.limits(platform)
    finally:
        server.stop()
    windows = summary["windows"]
    calls = sum(window["requests"] - window["refused"] for window in windows)
    refused = [window["refused"] for window in windows]
    paged_windows = summary.get("paged_windows") or []
    paged = sum(window["requests"] - window["refused"] for window in paged_windows)
    lost = lost_profiles(work / "audit" / "records.jsonl", expected)
    minimum = alone = None
    if free:
        # the speed: the unlimited run's average, or the fastest the limited run went in a
        # window of its own, whichever is faster (an average is no lower bound)
        busy = [(w["last"] - w["first"]) / (w["requests"] - 1) for w in windows
                if w["requests"] - w["refused"] >= 50 and w["last"] > w["first"]]
        free = dict(free, per_call_s=min([free["per_call_s"], *busy]))
        results["per_call_s"] = free["per_call_s"]
        # each budget alone (the order of the calls left out): the API's, and Mastodon's
        # for paged calls
        alone = minimum_wall(calls, summary["limit"], summary["window"], started, free)
        if paged and summary.get("paged_limit"):
            alone = max(alone, minimum_wall(paged, summary["paged_limit"],
                                            summary["paged_window"], started, free))
        # both budgets and the order of each profile's calls (what the limited run served
        # beyond the unlimited one's calls, e.g. a retry, counts as calls of their own)
        served = sum(unpaged + paged_ for unpaged, paged_ in chains)
        extra_paged = max(0, paged - sum(paged_ for _, paged_ in chains))
        chains = chains + [(0, 1)] * extra_paged + \
            [(1, 0)] * max(0, calls - served - extra_paged)
        ordered = ordered_minimum(chains, limit=summary["limit"], window=summary["window"],
                                  paged_limit=summary.get("paged_limit"),
                                  paged_window=summary.get("paged_window"), start=started,
                                  free=free, rtt=latency)
        results["bound"] = {key: round(value, 2) for key, value in ordered.items()}
        minimum = ordered["minimum_s"]
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
        "each_budget_alone_s": round(alone, 1) if alone is not None else None,
        "wall_over_minimum": round(run.wall_s / minimum, 3) if minimum else None,
    })
    (out / f"{row.name}.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return results


def _window_text(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds:g} s"


def table_row(results: dict[str, Any]) -> str:
    """A row of docs/performance.md's rate-limit table."""
    limit = f"{results['limit']} per {_window_text(results['window_s'])}"
    if results.get("paged_limit") and results.get("paged_calls"):
        limit += (f" (paged {results['paged_limit']} per "
                  f"{_window_text(results['paged_window_s'])})")
    calls = f"{results['calls_served']:,}"
    if results.get("paged_calls"):
        calls += f" ({results['paged_calls']:,} paged)"
    refused = results["refused_per_window"]
    shown = f"{sum(refused)}" + (f" (at most {max(refused)} in a window)" if sum(refused) else "")
    ratio = results["wall_over_minimum"]
    return (f"| {results['label']} | {results['profiles']:,} | {limit} | "
            f"{results['audit']['wall_s']:.1f} | {results['minimum_wall_s']} | "
            f"{ratio:.2f} | {results['each_budget_alone_s']} | {calls} | {shown} | "
            f"{results['lost']} |" if ratio is not None else
            f"| {results['label']} | {results['profiles']:,} | {limit} | "
            f"{results['audit']['wall_s']:.1f} | - | - | - | {calls} | {shown} | "
            f"{results['lost']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", action="store_true",
                        help="run every row of docs/performance.md's rate-limit table and "
                             "print the table (about 25 minutes)")
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
                        help="no run without a limit (no bound then)")
    parser.add_argument("--window-left", type=float, default=None, metavar="SECONDS",
                        help="start each limited audit when its longest window (Mastodon's "
                             "paging one) has SECONDS left (default: at once)")
    parser.add_argument("-s", "--set", action="append", default=[], dest="settings",
                        metavar="NAME=VALUE", help="a Scrapy setting for the audits")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    label = "Mastodon" if args.platform == "mastodon" else "Bluesky headers"
    rows = TABLE if args.table else (Row(
        f"{label}, windows ×{args.rate_scale:g}", args.platform, args.profiles,
        args.rate_scale, args.rate_limit),)
    failed = False
    lines = []
    for row in rows:
        results = run_row(row, out=out, latency=args.latency, timeout=args.timeout,
                          skip_free=args.skip_free, extra=list(args.settings),
                          window_left=args.window_left)
        lines.append(table_row(results))
        print(lines[-1], flush=True)
        failed = failed or results["audit"]["returncode"] not in (0, 1) or bool(results["lost"])
    print()
    print(TABLE_HEAD)
    print("\n".join(lines))
    print(f"results: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
