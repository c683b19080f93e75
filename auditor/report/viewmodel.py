"""The report's view model: display-ready, cleaned values every writer (HTML, Markdown,
terminal) reads; templates only loop, branch and escape."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from auditor.audit import OrganisationResult
from auditor.report.charts import ChartView


class OrganisationSequence(Protocol):
    """The organisations' full views, built as they are read (auditor.report.views
    .OrganisationViews), with the judged organisation each shows."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[OrganisationView]: ...

    def with_results(self) -> Iterator[tuple[OrganisationView, OrganisationResult]]: ...


@dataclass(frozen=True, slots=True)
class LinkView:
    """Text that is a link only when ``href`` is set (an http(s) URL, or a #fragment)."""

    text: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class MetricView:
    label: str
    #: The formatted value, or "n/a — reason".
    value: str
    #: What the number is based on ("6 of 50 own posts"), "" when nothing to add.
    basis: str
    known: bool
    href: str | None = None


@dataclass(frozen=True, slots=True)
class CheckView:
    name: str
    label: str
    #: ✓, ✗ or —.
    mark: str
    #: CSS class: yes, no or unknown.
    state: str
    #: The state in words (for the tooltip).
    state_text: str
    note: str


@dataclass(frozen=True, slots=True)
class EvidenceView:
    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class FlagView:
    code: str
    severity: str
    severity_text: str
    reason: str
    fix: str
    evidence: tuple[EvidenceView, ...]
    #: Evidence items left out of ``evidence`` (over EVIDENCE_ITEMS).
    evidence_hidden: int
    #: "… 3 more evidence items not shown", "" when all are shown.
    evidence_more: str


@dataclass(frozen=True, slots=True)
class PostView:
    """One item behind the numbers: its date, kind, link and the start of its text."""

    date: str
    kind: str
    link: LinkView
    text: str


@dataclass(frozen=True, slots=True)
class StateView:
    """A profile's state at a glance: its worst flag in one word, with a colour class and a
    symbol so that it reads without colour too."""

    #: "dead", "broadcast-only", "active", "not read", ...
    word: str
    #: CSS class: high, medium, low (the worst flag's severity), unread or ok.
    css: str
    #: ✗ (high), ! (medium), · (low), ? (not read), ✓ (no flag).
    symbol: str
    #: The flag code behind the word, "" when the profile has no flag.
    code: str = ""


@dataclass(frozen=True, slots=True)
class TopPostView:
    """One of a profile's best original posts: its date, link, start and its numbers."""

    date: str
    link: LinkView
    text: str
    #: "120 interactions · 1,640 views".
    numbers: str


@dataclass(frozen=True, slots=True)
class AudienceView:
    """A profile's audience, engagement and content mix (auditor.engagement)."""

    #: One line for the card: "1,240 followers · 120 interactions per post · ...".
    keyline: str
    #: The numbers with their basis, or "n/a — reason".
    rows: tuple[MetricView, ...]
    top_posts: tuple[TopPostView, ...]
    #: The newest original posts (something to talk about), newest first.
    newest: tuple[PostView, ...] = ()


@dataclass(frozen=True, slots=True)
class ProfileView:
    #: The card's id, for links from the summary.
    anchor: str
    url: LinkView
    platform: str
    handle: str
    display_name: str
    bio: str
    outcome: str
    #: The outcome in words ("login wall").
    outcome_text: str
    outcome_detail: str
    #: CSS class: ok, missing (not_found/gone) or unread (any other outcome).
    outcome_class: str
    #: The most severe flag's severity, "" when the profile has no flag.
    worst_severity: str
    # Short forms, for summaries and the brief.
    last_post: str
    days_since: str
    posts_per_week: str
    reply_share: str
    score: str
    metrics: tuple[MetricView, ...]
    checks: tuple[CheckView, ...]
    #: The completeness score with its basis, or "n/a — reason".
    score_text: str
    flags: tuple[FlagView, ...]
    notes: tuple[str, ...]
    #: Posts per week over the window (None when the profile was not read).
    timeline: ChartView | None
    #: Own posts per weekday and per hour (None without own posts).
    weekdays: ChartView | None
    hours: ChartView | None
    #: The newest items behind the numbers, and how many more report.json has.
    posts: tuple[PostView, ...]
    posts_more: str
    #: The profile's state from its worst flag (not from the fetch outcome).
    state: StateView = StateView("", "ok", "")
    #: The network as people write it ("YouTube", "Mastodon").
    platform_name: str = ""
    #: The name people recognise: the handle when it is one (@name), else the channel's or
    #: feed's title (not a channel id such as UC...), else what the address shows.
    name: str = ""
    #: The name without the server part (@ratel, not @ratel@fedi.example), for the
    #: scoreboard.
    short_name: str = ""
    #: Audience and engagement; None when the profile was not read.
    audience: AudienceView | None = None

    @property
    def label(self) -> str:
        return f"{self.platform_name or self.platform} {self.name or self.handle or self.url.text}"


@dataclass(frozen=True, slots=True)
class SeverityCount:
    severity: str
    count: int
    #: "high: 2", in the report's language.
    text: str


@dataclass(frozen=True, slots=True)
class AttentionView:
    """A profile that has flags, for the organisation summary."""

    anchor: str
    label: str
    worst_severity: str
    severity_text: str
    codes: str


@dataclass(frozen=True, slots=True)
class UnauditableView:
    """A profile that could not be read, and what to check by hand."""

    anchor: str
    organisation: str
    label: str
    url: LinkView
    outcome_text: str
    detail: str
    by_hand: str


@dataclass(frozen=True, slots=True)
class ScoreChip:
    """One profile in a scoreboard cell: its state and a name, linked to its card."""

    anchor: str
    state: StateView
    name: str
    #: The tooltip: the full name and network.
    title: str


@dataclass(frozen=True, slots=True)
class ScoreCell:
    chips: tuple[ScoreChip, ...]
    #: "+3 more" when the cell holds more profiles than are shown, else "".
    more: str = ""


@dataclass(frozen=True, slots=True)
class ScoreRow:
    network: str
    #: One cell per organisation, in the columns' order (no chip: none listed there).
    cells: tuple[ScoreCell, ...]


@dataclass(frozen=True, slots=True)
class ScoreColumn:
    anchor: str
    name: str
    role_text: str
    is_client: bool
    verdict: str
    short_verdict: str = ""


@dataclass(frozen=True, slots=True)
class ScoreboardView:
    """Organisations (columns) by networks (rows): each profile's state as a word."""

    columns: tuple[ScoreColumn, ...]
    rows: tuple[ScoreRow, ...]


@dataclass(frozen=True, slots=True)
class HeadlineNumber:
    count: int
    #: "3 dead", in the report's language.
    text: str
    #: CSS class of the state counted (high, medium, low, unread, ok; "" for the total).
    css: str


@dataclass(frozen=True, slots=True)
class FixView:
    """One of the client's most useful fixes and the profiles it applies to."""

    text: str
    #: "Mastodon @spaak_oud@mastodon.example, YouTube @spaakfietsen"
    profiles: str
    severity: str
    severity_text: str
    #: The card of the first profile it names.
    anchor: str


@dataclass(frozen=True, slots=True)
class BrandView:
    name: str
    #: A data: URI, "" without a logo.
    logo: str


@dataclass(frozen=True, slots=True)
class OrganisationView:
    anchor: str
    name: str
    role: str
    role_text: str
    is_client: bool
    website: LinkView | None
    profile_count: int
    flag_count: int
    #: "3 profiles, 2 flags".
    summary: str
    #: The one-line verdict ("2 of 5 profiles need attention: 1 dead, 1 incomplete").
    verdict: str
    severity_counts: tuple[SeverityCount, ...]
    attention: tuple[AttentionView, ...]
    #: What the organisation's profiles and website say together (consistency, links).
    findings: tuple[str, ...]
    profiles: tuple[ProfileView, ...]
    #: The ranked numbers over the profiles read (posts_per_week, reply_share as a share,
    #: completeness, days_since), None where unknown; for report.xlsx.
    numbers: Mapping[str, float | None] = field(default_factory=dict)
    #: Profiles read and without a flag.
    clean_profiles: int = 0
    #: "3 of 9 need attention" (the scoreboard shows which).
    short_verdict: str = ""
    #: "3,892 followers on 4 networks", "" when no profile shows a follower count.
    audience: str = ""


@dataclass(frozen=True, slots=True)
class RankedValue:
    text: str
    #: "#1" (best) to "#n"; "" when the value is unknown.
    rank: str


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    anchor: str
    name: str
    role: str
    is_client: bool
    #: The overall position (mean of the four ranks).
    position: int
    profiles: int
    ok_profiles: int
    posts_per_week: RankedValue
    reply_share: RankedValue
    completeness: RankedValue
    days_since: RankedValue
    flags: int


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """One organisation on one network, ranked against the others there."""

    anchor: str
    name: str
    is_client: bool
    profiles: int
    followers: RankedValue
    interactions: RankedValue
    posts_per_week: RankedValue
    reply_share: RankedValue
    completeness: RankedValue


@dataclass(frozen=True, slots=True)
class NetworkTable:
    """The organisations side by side on one network (those with a profile there)."""

    network: str
    rows: tuple[NetworkRow, ...]


@dataclass(frozen=True, slots=True)
class LineView:
    """One network's line in a trend chart: SVG polyline points, broken where unknown."""

    css: str
    name: str
    #: Each run of known months as "x,y x,y ..." (a gap between runs is an unknown month).
    segments: tuple[str, ...]
    #: (x, y, tooltip) of every known point.
    dots: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True, slots=True)
class LineChartView:
    caption: str
    width: int
    height: int
    lines: tuple[LineView, ...]
    #: Month labels under the x axis: (x, text).
    labels: tuple[tuple[float, str], ...]
    top_y: float
    top_label: str
    bottom_y: float


@dataclass(frozen=True, slots=True)
class TrendView:
    """One organisation's months: a small chart per number, a line per network."""

    anchor: str
    name: str
    is_client: bool
    charts: tuple[LineChartView, ...]
    #: (CSS class, network) for the legend.
    legend: tuple[tuple[str, str], ...]
    #: Per network, how its numbers moved from the first month to the last (report.md).
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SettingView:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class LegendEntry:
    code: str
    severity: str
    text: str


@dataclass(frozen=True, slots=True)
class SinceProfileView:
    label: str
    anchor: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SinceGroupView:
    """One organisation's changed profiles."""

    name: str
    role_text: str
    profiles: tuple[SinceProfileView, ...]


@dataclass(frozen=True, slots=True)
class SinceView:
    """What changed since the last stored audit of the same config."""

    heading: str
    summary: str
    profiles: tuple[SinceProfileView, ...]
    #: The same profiles grouped by organisation, in config order.
    groups: tuple[SinceGroupView, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportView:
    lang: str
    #: Profiles as compact table rows (large audits), not cards.
    compact: bool
    title: str
    as_of: str
    generated_at: str
    tool_version: str
    window_days: int
    settings: tuple[SettingView, ...]
    #: Every organisation in full, built one at a time as it is read (OrganisationViews).
    organisations: OrganisationSequence
    #: Every organisation's heading, verdict and profiles needing attention, without the
    #: profile cards (for the summary at the top).
    summaries: tuple[OrganisationView, ...]
    #: Empty unless the audit has more than one organisation.
    comparison: tuple[ComparisonRow, ...]
    #: Profiles that could not be read, with what to check by hand.
    unauditable: tuple[UnauditableView, ...]
    #: Listed profiles the crawl never finished.
    missing: int
    #: The cut-short warning, "" when the crawl finished.
    missing_text: str
    legend: tuple[LegendEntry, ...]
    profile_count: int
    flag_count: int
    flagged_profiles: int
    #: "4 profiles audited; 3 flags on 2 profiles."
    summary: str
    severity_counts: tuple[SeverityCount, ...]
    #: None when there is no earlier audit to compare with.
    since: SinceView | None = None
    #: The first screen: organisations by networks, the headline numbers, the client's
    #: fixes and what the competitors leave open.
    scoreboard: ScoreboardView | None = None
    headline: tuple[HeadlineNumber, ...] = ()
    #: The organisation the report is written for ("" when no organisation is the client).
    client: str = ""
    fixes: tuple[FixView, ...] = ()
    #: About the competitors: observations and openings, never advice to them.
    observations: tuple[str, ...] = ()
    #: The time zone times are shown in ("Europe/Amsterdam").
    timezone: str = "UTC"
    branding: BrandView | None = None
    #: The organisations side by side per network (where two or more are present).
    networks: tuple[NetworkTable, ...] = ()
    #: Month by month per organisation, when the history holds two months or more.
    trends: tuple[TrendView, ...] = ()
