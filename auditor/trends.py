"""Trends over the stored runs: month by month, per organisation and network.

Pure: it takes the runs the history holds (:class:`auditor.snapshots.RunSnapshot`, oldest
first) and gives, for each organisation and each network it is on, one point per month
that has a complete run (the month's latest run stands for it). Each point's numbers are
over the profiles that run read (outcome ``ok``), defined in docs/metrics.md:

- **posts per week**: the sum of the profiles' posts per week;
- **followers**: the sum of the followers the profiles show (null when none shows any);
- **interactions**: the mean of the profiles' median interactions per original post;
- **reply share**: replies over own posts, pooled over the profiles whose share is
  measurable (as in the side-by-side table);
- **flags**: the flags raised on the organisation's profiles on that network (of any
  outcome: an UNAUDITABLE counts too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.snapshots import ProfileSnapshot, RunSnapshot

#: Months shown at most (the latest ones).
MAX_MONTHS = 12


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month: str  # "2026-10"
    run_id: int | None
    profiles: int
    read: int
    posts_per_week: float | None
    followers: int | None
    interactions: float | None
    reply_share: float | None
    flags: int


@dataclass(frozen=True, slots=True)
class Trend:
    organisation: str
    role: str | None
    platform: str
    points: tuple[TrendPoint, ...]

    def change(self, name: str) -> float | None:
        """The metric's change from the first point that has it to the last that has it."""
        values = [getattr(p, name) for p in self.points if getattr(p, name) is not None]
        return None if len(values) < 2 else round(values[-1] - values[0], 4)


def monthly_runs(runs: Iterable[RunSnapshot]) -> list[RunSnapshot]:
    """The latest complete run of each month, oldest month first, at most MAX_MONTHS."""
    by_month: dict[str, RunSnapshot] = {}
    for run in sorted((r for r in runs if r.run.completed and r.run.as_of is not None),
                      key=lambda r: (r.run.as_of, r.run.id or 0)):
        assert run.run.as_of is not None
        by_month[run.run.as_of.strftime("%Y-%m")] = run
    return [by_month[month] for month in sorted(by_month)][-MAX_MONTHS:]


def trends(runs: Iterable[RunSnapshot]) -> list[Trend]:
    """One trend per organisation and network, in the order the latest run lists them."""
    months = monthly_runs(runs)
    if not months:
        return []
    order: dict[tuple[str, str], str | None] = {}
    for run in reversed(months):  # the latest run's order first, then older extra ones
        for profile in run.profiles:
            order.setdefault((profile.organisation, profile.platform), profile.role)
    found: list[Trend] = []
    for (organisation, platform), role in order.items():
        points = []
        for run in months:
            mine = [p for p in run.profiles
                    if p.organisation == organisation and p.platform == platform]
            if mine:
                assert run.run.as_of is not None
                points.append(point(run.run.as_of.strftime("%Y-%m"), run.run.id, mine))
        found.append(Trend(organisation, role, platform, tuple(points)))
    found.sort(key=lambda t: [o for o, _ in order].index(t.organisation))
    return found


def point(month: str, run_id: int | None, profiles: Sequence[ProfileSnapshot]) -> TrendPoint:
    read = [p for p in profiles if p.outcome == "ok"]
    rates = [p.posts_per_week for p in read if p.posts_per_week is not None]
    followers = [p.followers for p in read if p.followers is not None]
    medians = [p.median_interactions for p in read if p.median_interactions is not None]
    pooled = [p for p in read if p.reply_share is not None and p.own_posts and
              p.replies is not None]
    own = sum(p.own_posts or 0 for p in pooled)
    return TrendPoint(
        month=month, run_id=run_id, profiles=len(profiles), read=len(read),
        posts_per_week=round(sum(rates), 2) if rates else None,
        followers=sum(followers) if followers else None,
        interactions=round(sum(medians) / len(medians), 2) if medians else None,
        reply_share=round(sum(p.replies or 0 for p in pooled) / own, 4) if own else None,
        flags=sum(len(p.flags) for p in profiles),
    )
