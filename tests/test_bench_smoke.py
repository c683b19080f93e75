"""The benchmark's CI smoke run: every measurement happens and yields real numbers.

No timing assertions: a CI machine's speed says nothing. What is checked is that the audit,
the raw fetch and the naive script all ran against the fake platforms, that each was
measured (wall time, CPU, peak RSS), that the audit's report holds every configured
profile and that the raw fetch asked for exactly the URLs the audit asked for.

The run keeps AutoThrottle on but with delays of 10 ms instead of the project's politeness
(0.25 s between requests, AutoThrottle starting at 0.5 s): on 3 loopback hosts those made
the audit and the raw fetch ~7 s each, timings no assertion reads. Parse throughput is timed
for 0.05 s per platform instead of 0.2 s: still hundreds of pages each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "bench" / "run.py"
#: Passed to every crawl of the smoke run (the audit, the raw fetch and `auditor check`).
QUICKER = ["-s", "DOWNLOAD_DELAY=0.01", "-s", "AUTOTHROTTLE_START_DELAY=0.01",
           "--parse-seconds", "0.05"]


def test_bench_smoke_measures_all_three(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    command = [sys.executable, str(RUN), "--smoke", "--out", str(out), *QUICKER]
    # For working on the benchmark with another fake server (never set in CI).
    if os.environ.get("BENCH_FAKEPLATFORMS"):
        command += ["--fake-server", os.environ["BENCH_FAKEPLATFORMS"]]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    results = json.loads((out / "results-20.json").read_text(encoding="utf-8"))
    assert results["profiles"] == 20 and results["smoke"] is True
    measurements = results["measurements"]
    assert set(measurements) == {"audit", "reports", "raw", "naive"}
    for name, data in measurements.items():
        assert data["returncode"] == 0, name
        assert not data["timed_out"], name
        assert data["wall_s"] > 0, name
        assert data["cpu_s"] > 0, name
        assert data["peak_rss_mib"] > 0, name
        assert data["profiles_per_s"] > 0, name
    # Smoke: the naive script audits every profile, so nothing is scaled.
    assert measurements["naive"]["scale"] == 1.0

    # (a) wrote a report with one profile per configured profile.
    configured = json.loads((out / "run-20" / "profiles.json").read_text(encoding="utf-8"))
    assert len(configured) == 20
    report = json.loads(Path(results["audit_report"]).read_text(encoding="utf-8"))
    reported = [p["url"] for org in report["organisations"] for p in org["profiles"]]
    assert len(reported) == len(configured) == results["audit_report_profiles"]

    # (a') judged the same records again and wrote the same report (run.json restored).
    again = json.loads(Path(results["audit_report"]).read_text(encoding="utf-8"))
    assert [p["url"] for org in again["organisations"] for p in org["profiles"]] == reported
    state = json.loads((out / "run-20" / "audit" / "run.json").read_text(encoding="utf-8"))
    assert state["completed"] is True
    assert "0 to crawl" in (out / "run-20" / "reports.out").read_text(encoding="utf-8")

    # (b) asked for exactly the URLs (a) asked for, robots.txt aside, and got every one.
    urls = (out / "run-20" / "urls.txt").read_text(encoding="utf-8").split()
    assert urls and len(urls) == results["raw_urls"] == len(set(urls))
    assert not any(url.endswith("/robots.txt") for url in urls)
    assert results["raw_summary"]["responses"] == len(urls)

    # (d) the re-audit a month later asked for less than the first audit and reported
    # what a full audit of the same data reports.
    monitoring = results["monitoring"]
    assert monitoring["reports_equal"] is True
    assert 0 < monitoring["reaudit_requests"] < monitoring["first_requests"]
    assert all(run["returncode"] in (0, 1) for run in monitoring["runs"].values())

    # (c) wrote a CSV row per profile.
    rows = (out / "run-20" / "naive.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) == 1 + 20

    # Parse throughput was measured for the main platforms.
    parse = results["parse"]
    for platform in ("mastodon", "bluesky", "youtube", "telegram", "feed"):
        assert parse[platform]["pages"] > 0 and parse[platform]["pages_per_s"] > 0, platform

    # The markdown table was printed.
    assert "| audit |" in done.stdout and "| raw |" in done.stdout
