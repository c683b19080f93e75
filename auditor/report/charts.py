"""Bar charts as geometry for an inline SVG: the template only draws the rectangles.

Each chart is a row of columns; a column is a stack of segments (e.g. posts and replies)
or an "unknown" column (a week the sample does not reach), drawn apart so that it never
reads as zero. Coordinates are in the SVG's own units (its viewBox); the page scales it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

#: Space for the y-axis label on the left and the x labels below.
_LEFT: Final = 28
_TOP: Final = 8
_BOTTOM: Final = 18
_GAP: Final = 2


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured part of a column: ``series`` is its CSS class (posts, replies, ...)."""

    series: str
    value: int


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    segments: tuple[Segment, ...]
    #: The tooltip: what the column shows, in words.
    title: str
    known: bool = True


@dataclass(frozen=True, slots=True)
class BarView:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True, slots=True)
class LabelView:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class ChartView:
    #: What the chart shows, for screen readers and as its caption.
    caption: str
    width: int
    height: int
    bars: tuple[BarView, ...]
    labels: tuple[LabelView, ...]
    #: (CSS class, words) for each series drawn.
    legend: tuple[tuple[str, str], ...]
    #: A horizontal line at the top value, with its label.
    top_y: float
    top_label: str


def bar_chart(columns: Sequence[Column], *, caption: str, legend: Sequence[tuple[str, str]],
              column_width: int = 22, height: int = 110, label_every: int = 1) -> ChartView:
    """Stacked columns scaled to the tallest one (at least 1, so an empty chart is flat)."""
    plot_height = height - _TOP - _BOTTOM
    top = max([sum(s.value for s in c.segments) for c in columns if c.known] + [1])
    bars: list[BarView] = []
    labels: list[LabelView] = []
    baseline = _TOP + plot_height
    for index, column in enumerate(columns):
        x = _LEFT + index * column_width
        inner = column_width - _GAP
        if not column.known:
            bars.append(BarView(x, _TOP, inner, plot_height, "unknown", column.title))
        else:
            y = float(baseline)
            for segment in column.segments:
                if segment.value <= 0:
                    continue
                h = plot_height * segment.value / top
                y -= h
                bars.append(BarView(x, round(y, 2), inner, round(h, 2), segment.series,
                                    column.title))
            if not any(s.value > 0 for s in column.segments):
                # A measured zero: a hairline on the baseline, so it reads as "none".
                bars.append(BarView(x, baseline - 1, inner, 1, "zero", column.title))
        if index % label_every == 0 or index == len(columns) - 1:
            labels.append(LabelView(x + inner / 2, height - 4, column.label))
    width = _LEFT + len(columns) * column_width + 4
    return ChartView(caption=caption, width=width, height=height, bars=tuple(bars),
                     labels=tuple(labels), legend=tuple(legend), top_y=_TOP,
                     top_label=str(top))
