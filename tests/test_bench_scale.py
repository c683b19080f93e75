"""bench/scale.py's smoke run: the shards run as parallel processes against the fake
platforms, each is measured, and the merged reports of 1 and 2 shards are the same.

No timing assertions (a CI machine's speed says nothing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCALE = REPO / "bench" / "scale.py"


def test_bench_scale_smoke_measures_every_shard_and_the_merge(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    done = subprocess.run([sys.executable, str(SCALE), "--smoke", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((out / "scale-24.json").read_text(encoding="utf-8"))
    steps = {step["shards"]: step for step in results["steps"]}
    assert sorted(steps) == [1, 2]
    for count, step in steps.items():
        rows = step["per_shard"]
        assert [row["name"] for row in rows] == [f"shard {k}/{count}"
                                                  for k in range(1, count + 1)]
        # every profile in exactly one shard, each shard asked for its own pages
        assert sum(row["profiles"] for row in rows) == 24
        assert all(row["requests"] and row["requests"] > 0 for row in rows)
        for row in (*rows, step["merge"]):
            assert row["returncode"] == 0 and not row["timed_out"]
            assert row["wall_s"] > 0 and row["peak_rss_mib"] > 0
        assert step["report_profiles"] == 24
        assert step["same_report"] is True
    # the two splits asked for the same pages in all
    assert steps[1]["requests"] == steps[2]["requests"]
    assert "| 2 | shard 2/2 |" in done.stdout
