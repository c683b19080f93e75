"""Trends month by month (auditor.trends) and ``auditor history --trend``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.messages import text
from auditor.snapshots import FlagSnapshot, ProfileSnapshot, RunInfo, RunSnapshot
from auditor.trends import MAX_MONTHS, monthly_runs, trends
from tests.conftest import SAMPLE_PAGES


def run(run_id: int, day: str, *profiles: ProfileSnapshot, completed: bool = True
        ) -> RunSnapshot:
    as_of = datetime.fromisoformat(day).replace(tzinfo=UTC)
    info = RunInfo(id=run_id, name="A", config_path=None, config_hash=None, tool_version="t",
                   started_at=as_of, as_of=as_of, generated_at=as_of, completed=completed)
    return RunSnapshot(info, profiles)


def profile(url: str, *, org: str = "Spaak", platform: str = "mastodon", outcome: str = "ok",
            rate: float | None = None, followers: int | None = None,
            interactions: float | None = None, replies: int | None = None,
            own: int | None = None, flags: int = 0) -> ProfileSnapshot:
    return ProfileSnapshot(
        url=url, organisation=org, role="client", platform=platform, handle=None,
        outcome=outcome, outcome_detail=None, run_id=None, as_of=None, posts_per_week=rate,
        followers=followers, median_interactions=interactions,
        reply_share=None if replies is None or not own else replies / own, own_posts=own,
        replies=replies,
        flags=tuple(FlagSnapshot("DEAD", "high", text("x")) for _ in range(flags)))


def test_one_point_per_month_from_its_latest_complete_run() -> None:
    runs = [run(1, "2026-09-03", profile("a", followers=100)),
            run(2, "2026-09-28", profile("a", followers=110)),
            run(3, "2026-10-30", profile("a", followers=130), completed=False),
            run(4, "2026-10-02", profile("a", followers=120))]
    assert [r.run.id for r in monthly_runs(runs)] == [2, 4]
    [trend] = trends(runs)
    assert [(p.month, p.followers) for p in trend.points] == [("2026-09", 110),
                                                              ("2026-10", 120)]
    assert trend.change("followers") == 10
    many = [run(i, f"{2020 + i // 12}-{i % 12 + 1:02d}-01", profile("a")) for i in range(30)]
    assert len(monthly_runs(many)) == MAX_MONTHS


def test_a_point_sums_rates_and_followers_pools_replies_and_counts_every_flag() -> None:
    runs = [run(1, "2026-10-01",
                profile("a", rate=2.0, followers=100, interactions=4.0, replies=3, own=10,
                        flags=1),
                profile("b", rate=1.0, followers=None, interactions=8.0, replies=1, own=30),
                profile("c", outcome="blocked", rate=None, flags=2),
                profile("d", org="Ratel", rate=5.0))]
    spaak, ratel = trends(runs)
    point = spaak.points[0]
    assert (spaak.organisation, spaak.platform, ratel.organisation) == (
        "Spaak", "mastodon", "Ratel")
    assert (point.profiles, point.read) == (3, 2)
    assert point.posts_per_week == 3.0
    assert point.followers == 100  # unknown is left out, not 0
    assert point.interactions == 6.0
    assert point.reply_share == 0.1  # 4 replies over 40 own posts, pooled
    assert point.flags == 3  # the unread profile's flags too
    assert trends([run(1, "2026-10-01", profile("x", outcome="blocked"))])[0].points[0] \
        .posts_per_week is None


def test_history_trend_on_the_demo_judged_at_three_dates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo = str(SAMPLE_PAGES / "demo.toml")
    db = str(tmp_path / "h.sqlite")
    assert main(["history", demo, "--db", db, "--trend"]) == 0
    assert "No trend" in capsys.readouterr().out
    first = tmp_path / "first"
    assert main(["audit", demo, "--replay", str(SAMPLE_PAGES), "--no-history", "--out",
                 str(first), "--format", "json"]) == 0
    for day in ("2026-09-01", "2026-10-01", "2026-11-01"):
        assert main(["audit", demo, "--from-records", str(first / "records.jsonl"), "--db", db,
                     "--as-of", day, "--out", str(tmp_path / day), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["history", demo, "--db", db, "--trend"]) == 0
    out = capsys.readouterr().out
    assert "2026-09   2026-10   2026-11    change" in out
    assert "Spaak Fietsen (client)" in out and "Ratel Tweewielers (competitor)" in out
    assert main(["history", demo, "--db", db, "--trend", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    spaak_youtube = next(t for t in data["trends"] if t["organisation"] == "Spaak Fietsen"
                         and t["platform"] == "youtube")
    assert [p["month"] for p in spaak_youtube["points"]] == ["2026-09", "2026-10", "2026-11"]
    # the same records judged later: the uploads of October count in November's rate
    rates = [p["posts_per_week"] for p in spaak_youtube["points"]]
    assert rates[-1] is not None and all(p["followers"] == 1240
                                         for p in spaak_youtube["points"])
