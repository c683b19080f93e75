"""Judging and report writing alone, at growing sizes: is it linear, is memory flat?

    python bench/reports.py [--sizes 1000,5000,10000] [--out bench-results/reports]

Builds, for each size N, a config of N Mastodon profiles (ten per organisation, the
first organisation the client) and their records, copied from the demo's read Mastodon
profiles (so every profile has a realistic 60-120 posts with interaction counts), then
times ``auditor audit CONFIG --from-records RECORDS --no-history`` (judging plus
report.html, .json, .csv, .md and .xlsx) as a child process: wall time, user+system CPU
and peak RSS (``os.wait4``). Nothing is fetched. ``--python`` runs another checkout's
auditor (``--python /other/venv/bin/python``) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PER_ORGANISATION = 10


def demo_records() -> list[dict[str, Any]]:
    """The demo's Mastodon profiles as the replayed crawl reads them (outcome ok)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        subprocess.run([sys.executable, "-m", "auditor", "audit",
                        str(ROOT / "sample_pages" / "demo.toml"), "--replay",
                        str(ROOT / "sample_pages"), "--no-history", "--out", str(out),
                        "--format", "json"], check=False, capture_output=True)
        records = [json.loads(line) for line in
                   (out / "records.jsonl").read_text(encoding="utf-8").splitlines() if line]
    found = [r for r in records if r["platform"] == "mastodon" and r["outcome"] == "ok"
             and r.get("items")]
    if not found:
        sys.exit("the demo crawl gave no Mastodon profile with posts")
    return found


def write_input(folder: Path, size: int, templates: list[dict[str, Any]]) -> tuple[Path, Path]:
    config = folder / f"audit-{size}.toml"
    records = folder / f"records-{size}.jsonl"
    lines = ['[audit]\nname = "Report benchmark"\nas_of = 2026-11-01\n']
    with records.open("w", encoding="utf-8") as out:
        for org in range(0, size, PER_ORGANISATION):
            role = "client" if org == 0 else "competitor"
            urls = []
            for index in range(org, min(org + PER_ORGANISATION, size)):
                url = f"https://mastodon.example/@bench{index}"
                record = dict(templates[index % len(templates)])
                record.update(url=url, source_url=url, handle=f"@bench{index}@mastodon.example",
                              organisation=f"Organisation {org // PER_ORGANISATION}", role=role)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                urls.append(url)
            lines.append(f'[[organisation]]\nname = "Organisation {org // PER_ORGANISATION}"\n'
                         f'role = "{role}"\nprofiles = {json.dumps(urls)}\n')
    config.write_text("\n".join(lines), encoding="utf-8")
    return config, records


def measure(python: str, config: Path, records: Path, out: Path) -> dict[str, float]:
    started = time.monotonic()
    child = subprocess.Popen([python, "-m", "auditor", "audit", str(config), "--from-records",
                              str(records), "--no-history", "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"})
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"the audit failed (exit {os.waitstatus_to_exitcode(status)})")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--out", type=Path, default=Path("bench-results/reports"))
    parser.add_argument("--python", default=sys.executable,
                        help="the Python whose auditor is measured (default: this one)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    templates = demo_records()
    results = []
    for size in sizes:
        config, records = write_input(args.out, size, templates)
        numbers = measure(args.python, config, records, args.out / f"out-{size}")
        numbers |= {"profiles": size,
                    "ms_per_profile": round(numbers["wall_s"] * 1000 / size, 2)}
        results.append(numbers)
        print(json.dumps(numbers), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
