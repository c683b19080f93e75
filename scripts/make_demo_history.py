"""Write the demo's two earlier runs: sample_pages/history/<date>.records.jsonl.

The demo (sample_pages/demo.toml, as of 2026-11-01) names them in ``[[history.earlier]]``
so that its first audit already has a history: trends over three months and "since the
last audit". They are made, not recorded: the demo's own crawl (replayed from
sample_pages) turned back to an earlier date, deterministically:

- every post published after that date is left out, and the platform's post total and
  last-post date are turned back to match;
- the follower count is turned back by a growth rate of 1 to 6 % a month taken from the
  profile's URL (a stable pseudo-random number), so some grow faster than others;
- the profile was read on that date (``fetched_at``).

Run it after changing the sample pages: ``python scripts/make_demo_history.py``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent / "sample_pages"
DATES = ("2026-09-01", "2026-10-01")
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


def crawl() -> list[dict[str, Any]]:
    """The demo's records as the replayed crawl gives them."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        run = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", str(ROOT / "demo.toml"), "--replay",
             str(ROOT), "--no-history", "--out", str(out), "--format", "json"],
            capture_output=True, text=True, check=False)
        if run.returncode not in (0, 1):
            sys.exit(f"the demo crawl failed:\n{run.stderr}")
        return [json.loads(line) for line in
                (out / "records.jsonl").read_text(encoding="utf-8").splitlines() if line]


def monthly_growth(url: str) -> float:
    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return 0.01 + digest[0] / 255 * 0.05


def turned_back(record: dict[str, Any], day: datetime) -> dict[str, Any]:
    """``record`` as a crawl on ``day`` would have seen it."""
    record = json.loads(json.dumps(record))
    items = record.get("items") or []
    kept = [item for item in items if datetime.fromisoformat(item["published_at"]) <= day]
    record["items"] = kept
    if record.get("fetched_at"):
        record["fetched_at"] = day.isoformat()
    profile = record.get("profile")
    if isinstance(profile, dict):
        months = (AS_OF - day).days / 30.4
        if isinstance(profile.get("followers"), int):
            growth = (1 + monthly_growth(record["url"])) ** months
            profile["followers"] = round(profile["followers"] / growth)
        if isinstance(profile.get("posts_total"), int):
            profile["posts_total"] = max(0, profile["posts_total"] - (len(items) - len(kept)))
        reported = profile.get("last_post_reported_at")
        if reported and datetime.fromisoformat(reported) > day:
            newest = max((item["published_at"] for item in kept), default=None)
            profile["last_post_reported_at"] = newest
    return record


def main() -> None:
    records = crawl()
    folder = ROOT / "history"
    folder.mkdir(exist_ok=True)
    for date in DATES:
        day = datetime.fromisoformat(date).replace(tzinfo=UTC)
        path = folder / f"{date}.records.jsonl"
        lines = [json.dumps(turned_back(record, day), ensure_ascii=False, sort_keys=True)
                 for record in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(lines)} records, {path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
