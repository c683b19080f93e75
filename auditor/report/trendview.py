"""Trends in the report: per organisation, a small line chart per number, a line per
network, from :mod:`auditor.trends` (the history's months). Geometry only: the template
draws the polylines in an inline SVG."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from auditor.i18n import Translator
from auditor.report import clean_text
from auditor.report.audience import count
from auditor.report.format import NAME_CHARS, number, percent
from auditor.report.overview import platform_name
from auditor.report.viewmodel import LineChartView, LineView, TrendView
from auditor.trends import Trend, TrendPoint

_LEFT: Final = 34
_TOP: Final = 8
_BOTTOM: Final = 18
_RIGHT: Final = 16
_STEP: Final = 34
_HEIGHT: Final = 96
#: Line classes, one per network in the order first met (the CSS gives each a colour).
_LINES: Final = 8


def trend_views(found: Sequence[Trend], anchors: dict[str, str], clients: set[str],
                t: Translator) -> tuple[TrendView, ...]:
    """One view per organisation that has two months or more."""
    months = sorted({point.month for trend in found for point in trend.points})
    if len(months) < 2:
        return ()
    networks: dict[str, int] = {}
    for trend in found:
        networks.setdefault(trend.platform, len(networks) % _LINES)
    by_org: dict[str, list[Trend]] = {}
    for trend in found:
        if trend.platform != "website":
            by_org.setdefault(trend.organisation, []).append(trend)
    views = []
    metrics: tuple[tuple[str, str, Callable[[float], str]], ...] = (
        ("posts_per_week", t("Posts per week"), lambda v: number(v, t)),
        ("followers", t("Followers"), lambda v: count(int(v), t)),
        ("interactions", t("Interactions per post"), lambda v: number(v, t)),
        ("reply_share", t("Reply share"), lambda v: percent(v, t)),
        ("flags", t("Flags"), lambda v: str(int(v))),
    )
    for organisation, trends in by_org.items():
        charts = tuple(_chart(trends, months, networks, attr, caption, shown, t)
                       for attr, caption, shown in metrics)
        legend = tuple((f"line-{networks[trend.platform]}", platform_name(trend.platform, t))
                       for trend in trends)
        views.append(TrendView(
            anchor=anchors.get(organisation, ""), name=clean_text(organisation, NAME_CHARS),
            is_client=organisation in clients, charts=charts, legend=legend,
            lines=tuple(_moved(trend, months, metrics, t) for trend in trends)))
    return tuple(views)


def _chart(trends: Sequence[Trend], months: Sequence[str], networks: dict[str, int],
           attr: str, caption: str, shown: Callable[[float], str],
           t: Translator) -> LineChartView:
    values = [getattr(p, attr) for trend in trends for p in trend.points
              if getattr(p, attr) is not None]
    top = max([*values, 0])
    top = top if top > 0 else 1
    plot = _HEIGHT - _TOP - _BOTTOM
    width = _LEFT + _STEP * (len(months) - 1) + _RIGHT

    def x(index: int) -> float:
        return float(_LEFT + index * _STEP)

    def y(value: float) -> float:
        return round(_TOP + plot - plot * value / top, 2)

    lines = []
    for trend in trends:
        by_month: dict[str, TrendPoint] = {p.month: p for p in trend.points}
        segments: list[list[tuple[float, float]]] = [[]]
        dots = []
        for index, month in enumerate(months):
            point = by_month.get(month)
            value = getattr(point, attr) if point is not None else None
            if value is None:
                if segments[-1]:
                    segments.append([])
                continue
            spot = (x(index), y(value))
            segments[-1].append(spot)
            dots.append((spot[0], spot[1], f"{platform_name(trend.platform, t)} {month}: "
                                           f"{shown(value)}"))
        lines.append(LineView(
            css=f"line-{networks[trend.platform]}", name=platform_name(trend.platform, t),
            segments=tuple(" ".join(f"{px},{py}" for px, py in segment)
                           for segment in segments if segment),
            dots=tuple(dots)))
    labels = tuple((x(index), f"{month[5:]}/{month[2:4]}")  # "09/26": fits the step
                   for index, month in enumerate(months))
    return LineChartView(caption=caption, width=width, height=_HEIGHT, lines=tuple(lines),
                         labels=labels, top_y=_TOP, top_label=shown(top),
                         bottom_y=_TOP + plot)


def _moved(trend: Trend, months: Sequence[str],
           metrics: Sequence[tuple[str, str, Callable[[float], str]]], t: Translator) -> str:
    """"Mastodon: followers 757 → 832, posts per week 15.1 → 14.6, ..." for report.md."""
    parts = []
    for attr, caption, shown in metrics:
        known = [(p.month, getattr(p, attr)) for p in trend.points
                 if getattr(p, attr) is not None]
        if len(known) >= 2 and known[0][1] != known[-1][1]:
            parts.append(f"{caption.lower()} {shown(known[0][1])} → {shown(known[-1][1])}")
    since = t("since {month}", month=months[0])
    body = ", ".join(parts) if parts else t("no change")
    return f"{platform_name(trend.platform, t)} ({since}): {body}"
