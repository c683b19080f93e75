"""report.html: view-model dataclasses built from a judged audit, rendered by a Jinja2 template.

Everything a person reads is formatted here (dates, "12 days ago", percentages, "n/a — reason",
sorting); ``templates/report.html`` only loops, branches and escapes. Everything scraped is
untrusted: text is cleaned of control characters and terminal escapes and capped in length,
and a link is only made for an http(s) URL. The same view model feeds the plain-text brief
(``auditor.report.brief``), so both reports clean scraped text in one place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, overload
from urllib.parse import urlsplit

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import Thresholds
from auditor.i18n import EN, Translator, translate_detail, translator
from auditor.metrics import MIN_POSTS_FOR_AUTOMATION, Completeness, Metrics
from auditor.models import ProfileRecord
from auditor.report import DEFAULT_CHARS, clean_text, open_atomic
from auditor.report.charts import ChartView, Column, Segment, bar_chart
from auditor.resources import templates_dir
from auditor.verdicts import FLAG_CODES, MISSING_OUTCOMES, SEVERITIES, Flag, outcome_text

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE: Final = "report.html"

#: Length caps for scraped text shown in a report.
BIO_CHARS: Final = 500
NAME_CHARS: Final = 200
HANDLE_CHARS: Final = 200
URL_CHARS: Final = 300
REASON_CHARS: Final = 500
EVIDENCE_CHARS: Final = 300
NOTE_CHARS: Final = DEFAULT_CHARS
#: At most this many evidence items are shown per flag (the rest are counted).
EVIDENCE_ITEMS: Final = 20
#: At most this many crawl notes are shown per profile.
NOTES_SHOWN: Final = 10
#: A link longer than this is shown as text only.
MAX_HREF_CHARS: Final = 2000

NA: Final = "n/a"

#: From this many profiles on, the report lists profiles as table rows instead of cards
#: (no charts or post lists): a 10,000-profile page stays usable in a browser.
COMPACT_FROM: Final = 200
#: At most this many items are listed under a profile ("the posts behind the numbers").
POSTS_SHOWN: Final = 10
POST_TEXT_CHARS: Final = 160
_CHECK_MARKS: Final = {True: ("✓", "yes"), False: ("✗", "no"), None: ("—", "unknown")}
_SEVERITY_RANK: Final = {severity: rank for rank, severity in enumerate(SEVERITIES)}
_CODE_RANK: Final = {code: rank for rank, code in enumerate(FLAG_CODES)}
_DEAD_OR_STALE: Final = frozenset({"DEAD", "STALE", "NEVER_USED"})


# --------------------------------------------------------------------------- untrusted text


def web_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL that can be a link, else None.

    Anything else (``javascript:``, ``data:``, relative paths, URLs with spaces or control
    characters) is never made a link; show it as text instead.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_HREF_CHARS or clean_text(url, MAX_HREF_CHARS) != url:
        return None
    if any(char.isspace() for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def format_date(value: datetime | None, t: Translator = EN) -> str:
    """A date as 2026-10-28 (UTC), or "n/a"."""
    if value is None:
        return t(NA)
    return _utc(value).date().isoformat()


def format_datetime(value: datetime | None, t: Translator = EN) -> str:
    """A moment as 2026-10-28 14:05 UTC, or "n/a"."""
    if value is None:
        return t(NA)
    return _utc(value).strftime("%Y-%m-%d %H:%M UTC")


def days_ago(days: int | None, t: Translator = EN) -> str:
    """12 -> "12 days ago"; 0 -> "under a day ago"; None -> "n/a"."""
    if days is None:
        return t(NA)
    if days <= 0:
        return t("under a day ago")
    return t.n(days, "{n} day ago", "{n} days ago")


def percent(value: float | None, t: Translator = EN) -> str:
    """0.125 -> "12.5%", 0.1 -> "10%"; None -> "n/a"."""
    if value is None:
        return t(NA)
    return t.percent(value)


def number(value: float | None, t: Translator = EN) -> str:
    """3.5 -> "3.5", 4.0 -> "4"; None -> "n/a"."""
    if value is None:
        return t(NA)
    return t.number(value)


def not_available(reason: str | None, t: Translator = EN) -> str:
    """ "n/a — reason", or "n/a" when no reason is known."""
    reason = clean_text(reason, NOTE_CHARS)
    return f"{t(NA)} — {reason}" if reason else t(NA)


def plural(count: int, word: str, many: str | None = None) -> str:
    """English-only count and noun ("3 profiles"); translated texts use Translator.n."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value


# --------------------------------------------------------------------------- view model


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

    @property
    def label(self) -> str:
        return f"{self.platform} {self.handle or self.url.text}"


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
class SinceView:
    """What changed since the last stored audit of the same config."""

    heading: str
    summary: str
    profiles: tuple[SinceProfileView, ...]


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
    organisations: OrganisationViews
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


# --------------------------------------------------------------------------- building


def build_report_view(result: AuditResult) -> ReportView:
    """The whole report as display-ready, cleaned values, in the audit's language.

    The organisations are read twice from ``result`` (which may be a spool on disk): once
    here for the summary, the ranking and the counts, keeping only each organisation's
    heading; then once more, one organisation at a time, while the page is written
    (:class:`OrganisationViews`). A report of 10,000 profiles never holds them all.
    """
    t = translator(result.lang)
    compact = result.profile_count() >= COMPACT_FROM
    summaries: list[OrganisationView] = []
    standings: list[_Standing] = []
    unauditable: list[UnauditableView] = []
    anchors: dict[str, str] = {}
    all_flags: list[Flag] = []
    profile_count = flagged = 0
    for index, organisation in enumerate(result.organisations, start=1):
        view = _organisation_view(index, organisation, t, compact=compact)
        summaries.append(replace(view, profiles=()))
        standings.append(_standing(organisation))
        for p in view.profiles:
            anchors[p.url.text] = p.anchor
            if p.outcome_class == "unread":
                unauditable.append(UnauditableView(
                    anchor=p.anchor, organisation=view.name, label=p.label, url=p.url,
                    outcome_text=p.outcome_text, detail=p.outcome_detail,
                    by_hand=_by_hand(p.outcome, t)))
        for profile in organisation.profiles:
            profile_count += 1
            flagged += bool(profile.flags)
            all_flags += profile.flags
    comparison: tuple[ComparisonRow, ...] = ()
    if len(summaries) > 1:
        comparison = _comparison(summaries, standings, t)
    missing_text = ""
    if result.missing > 0:
        missing_text = t.n(
            result.missing,
            "The crawl was cut short: {n} listed profile could not be fetched. It is shown "
            "below as not audited (outcome error), with no verdict on activity. Run the "
            "audit again with --resume to complete it.",
            "The crawl was cut short: {n} listed profiles could not be fetched. They are "
            "shown below as not audited (outcome error), with no verdict on activity. Run "
            "the audit again with --resume to complete it.")
    summary = (t.n(profile_count, "{n} profile audited", "{n} profiles audited") + "; "
               + t.n(len(all_flags), "{n} flag", "{n} flags") + " "
               + t.n(flagged, "on {n} profile.", "on {n} profiles."))
    return ReportView(
        lang=t.lang,
        compact=compact,
        title=clean_text(result.name, NAME_CHARS) or t("Social presence audit"),
        as_of=format_date(result.as_of, t),
        generated_at=format_datetime(result.generated_at, t),
        tool_version=clean_text(result.tool_version, 50),
        window_days=result.window_days,
        settings=_settings(result.window_days, result.thresholds, result.role_thresholds, t),
        organisations=OrganisationViews(result, t, compact=compact),
        summaries=tuple(summaries),
        comparison=comparison,
        unauditable=tuple(unauditable),
        missing=result.missing,
        missing_text=missing_text,
        legend=_legend(result.thresholds, {flag.code for flag in all_flags}, t),
        profile_count=profile_count,
        flag_count=len(all_flags),
        flagged_profiles=flagged,
        summary=summary,
        severity_counts=_severity_counts(all_flags, t),
        since=_since_view(result.since, anchors, t) if result.since is not None else None,
    )


class OrganisationViews(Sequence[OrganisationView]):
    """The organisations' full views (every profile card), built one at a time from the
    judged audit each time they are read, so the page is written without holding them."""

    def __init__(self, result: AuditResult, t: Translator, *, compact: bool) -> None:
        self._organisations = result.organisations
        self._t = t
        self._compact = compact

    def __len__(self) -> int:
        return len(self._organisations)

    @overload
    def __getitem__(self, index: int) -> OrganisationView: ...
    @overload
    def __getitem__(self, index: slice) -> list[OrganisationView]: ...

    def __getitem__(self, index: int | slice) -> OrganisationView | list[OrganisationView]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = range(len(self))[index]
        return _organisation_view(position + 1, self._organisations[position], self._t,
                                  compact=self._compact)

    def __iter__(self) -> Iterator[OrganisationView]:
        for view, _ in self.with_results():
            yield view

    def with_results(self) -> Iterator[tuple[OrganisationView, OrganisationResult]]:
        """Each view with the judged organisation it shows, reading the audit once."""
        for index, organisation in enumerate(self._organisations, start=1):
            yield (_organisation_view(index, organisation, self._t, compact=self._compact),
                   organisation)


def _since_view(changes: Any, anchors: Mapping[str, str], t: Translator) -> SinceView:
    """The "since the last audit" section from auditor.changes.Changes; ``anchors`` maps a
    profile's shown URL to its card."""
    previous = changes.previous
    heading = t("Since the last audit (run {run}, as of {date})", run=previous.id,
                date=format_date(previous.as_of, t))
    profiles = []
    for profile in changes.profiles():
        lines = [change.message for change in profile.changes]
        if profile.posting is not None and (lines or (changes.days_between or 0) >= 1):
            lines.append(profile.posting.message)  # same-day reruns: no trend to tell
        if not lines:
            continue
        label = f"{profile.platform} {profile.handle or profile.url}"
        profiles.append(SinceProfileView(
            label=clean_text(label, HANDLE_CHARS), anchor=anchors.get(profile.url, ""),
            lines=tuple(clean_text(line, NOTE_CHARS) for line in lines[:EVIDENCE_ITEMS])))
    summary = clean_text(changes.summary, NOTE_CHARS) or t("Nothing changed.")
    return SinceView(heading=heading, summary=summary, profiles=tuple(profiles))


def severity_text(severity: str, t: Translator = EN) -> str:
    return {"high": t("high"), "medium": t("medium"), "low": t("low")}.get(severity, severity)


def role_text(role: str, t: Translator = EN) -> str:
    return {"client": t("client"), "competitor": t("competitor"),
            "person": t("person")}.get(role, role)


def kind_text(kind: str, t: Translator = EN) -> str:
    return {"original": t("post"), "reply": t("reply"), "self_reply": t("thread"),
            "repost": t("repost")}.get(kind, kind)


def _by_hand(outcome: str, t: Translator) -> str:
    texts = {
        "login_wall": t("Open the profile while logged in and check the date of the last "
                        "post, whether the account answers people, and the photo, bio and "
                        "contact details."),
        "robots_disallowed": t("The site asks crawlers not to read this page. Open it in a "
                               "browser and check the last post and the profile by hand."),
        "blocked": t("The server refused a logged-out reader (or showed a captcha). Open the "
                     "profile in a browser and check it by hand."),
        "rate_limited": t("The server asked us to slow down. Run the audit again later, or "
                          "check the profile in a browser."),
        "preview_disabled": t("The owner turned off the public web preview. Open the channel "
                              "in the app to see its last post."),
        "unsupported": t("No adapter reads this kind of address. Check the profile by hand, "
                         "or list its RSS feed instead."),
        "error": t("The page could not be read (see the detail). Run the audit again, or check "
                   "the profile by hand."),
    }
    return texts.get(outcome, t("Check this profile by hand."))


def _thresholds_text(thresholds: Thresholds, t: Translator) -> tuple[tuple[str, str], ...]:
    return (
        (t("Dead after"), t.n(thresholds.dead_after_days, "{n} day without a post",
                              "{n} days without a post")),
        (t("Stale after"), t.n(thresholds.stale_after_days, "{n} day without a post",
                               "{n} days without a post")),
        (t("Never used"), t.n(thresholds.never_used_max_posts, "at most {n} post ever",
                              "at most {n} posts ever")),
        (t("Broadcast-only"), t("reply share below {share}",
                                share=t.percent(thresholds.broadcast_max_reply_share))),
        (t("Shares need"), t.n(thresholds.min_posts_for_ratio, "at least {n} own post",
                               "at least {n} own posts")),
        (t("Automated"), t("link-only posts from {links}, posts at one minute from {minute}, "
                           "cross-posted texts from {cross}",
                           links=t.percent(thresholds.automated_link_share),
                           minute=t.percent(thresholds.automated_same_minute_share),
                           cross=t.percent(thresholds.automated_crosspost_share))),
    )


def _settings(window_days: int, thresholds: Thresholds, by_role: Mapping[str, Thresholds],
              t: Translator) -> tuple[SettingView, ...]:
    views = [SettingView(t("Activity window"), t.n(window_days, "{n} day", "{n} days"))]
    views += [SettingView(label, value) for label, value in _thresholds_text(thresholds, t)]
    general = dict(_thresholds_text(thresholds, t))
    for role, values in by_role.items():
        changed = [f"{label}: {value}" for label, value in _thresholds_text(values, t)
                   if general.get(label) != value]
        if changed:
            views.append(SettingView(t("For {role}", role=role_text(role, t)),
                                     "; ".join(changed)))
    return tuple(views)


def _legend(thresholds: Thresholds, raised: set[str], t: Translator) -> tuple[LegendEntry, ...]:
    entries = [
        LegendEntry("GONE", t("high"),
                    t("The listed profile does not exist: not found, suspended, deleted or "
                      "moved. Visitors following your link hit a dead end.")),
        LegendEntry("NEVER_USED", t("high"),
                    t.n(thresholds.never_used_max_posts,
                        "At most {n} post ever: registered \"for safety\" and never used.",
                        "At most {n} posts ever: registered \"for safety\" and never used.")),
        LegendEntry("DEAD", t("high"),
                    t("No post for {days} days or more. A dead account is worse than none: "
                      "people still try to reach it.", days=thresholds.dead_after_days)),
        LegendEntry("STALE", t("medium"),
                    t("No post for {low} to {high} days.", low=thresholds.stale_after_days,
                      high=max(thresholds.dead_after_days - 1, thresholds.stale_after_days))),
        LegendEntry("BROADCAST_ONLY", t("medium"),
                    t("Under {share} of at least {posts} own posts answer someone else: a "
                      "press-release channel, not a dialogue.",
                      share=t.percent(thresholds.broadcast_max_reply_share),
                      posts=thresholds.min_posts_for_ratio)),
        LegendEntry("INCOMPLETE", t("high / medium / low"),
                    t("A profile item is missing: no photo (high), no bio or contact details "
                      "(medium), no website link, display name or banner (low).")),
        LegendEntry("UNAUDITABLE", t("low"),
                    t("The profile could not be read (login wall, blocked, rate limited, "
                      "error…). Not judged on activity: check it by hand.")),
        LegendEntry("AUTOMATED", t("low"),
                    t("Strong signs of automatic posting: mostly bare links to the own site, "
                      "the same text on several profiles, or posts at a fixed minute.")),
        LegendEntry("INCONSISTENT", t("low"),
                    t("The organisation's profiles disagree on name, photo or website link.")),
    ]
    known = {entry.code for entry in entries}
    for code in sorted(raised - known, key=lambda code: _CODE_RANK.get(code, len(FLAG_CODES))):
        entries.append(LegendEntry(clean_text(code, 40), "", t("See the flag's reason.")))
    return tuple(entries)


def _severity_counts(flags: Iterable[Flag], t: Translator) -> tuple[SeverityCount, ...]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for flag in flags:
        counts[flag.severity] = counts.get(flag.severity, 0) + 1
    return tuple(SeverityCount(clean_text(severity, 20), count,
                               f"{severity_text(severity, t)}: {count}")
                 for severity, count in counts.items())


def _organisation_view(index: int, organisation: OrganisationResult,
                       t: Translator, *, compact: bool = False) -> OrganisationView:
    anchor = f"org-{index}"
    profiles = tuple(_profile_view(f"{anchor}-p{p_index}", profile, t, compact=compact)
                     for p_index, profile in enumerate(organisation.profiles, start=1))
    flags = [flag for profile in organisation.profiles for flag in profile.flags]
    attention = sorted(
        (profile for profile in profiles if profile.flags),
        key=lambda profile: (_SEVERITY_RANK.get(profile.worst_severity, len(SEVERITIES)),
                             profile.label.lower()),
    )
    website = None
    if organisation.website:
        text = clean_text(organisation.website, URL_CHARS)
        website = LinkView(text, web_url(organisation.website))
    findings = [clean_text(f"{finding.message} ({', '.join(finding.profiles)})", NOTE_CHARS)
                for finding in organisation.findings]
    findings += [clean_text(line, NOTE_CHARS) for line in organisation.website_lines]
    return OrganisationView(
        anchor=anchor,
        name=clean_text(organisation.name, NAME_CHARS),
        role=clean_text(organisation.role, 40),
        role_text=role_text(organisation.role, t),
        is_client=organisation.role == "client",
        website=website,
        profile_count=len(profiles),
        flag_count=len(flags),
        summary=(t.n(len(profiles), "{n} profile", "{n} profiles") + ", "
                 + t.n(len(flags), "{n} flag", "{n} flags")),
        verdict=_verdict(organisation, t),
        severity_counts=_severity_counts(flags, t),
        attention=tuple(
            AttentionView(profile.anchor, profile.label, profile.worst_severity,
                          severity_text(profile.worst_severity, t),
                          ", ".join(flag.code for flag in profile.flags))
            for profile in attention
        ),
        findings=tuple(findings),
        profiles=profiles,
    )


def _verdict(organisation: OrganisationResult, t: Translator) -> str:
    """One line: how many profiles need attention, and for what."""
    profiles = organisation.profiles
    flagged = [p for p in profiles if p.flags]
    if not profiles:
        return t("No profiles listed.")
    if not flagged:
        return t.n(len(profiles), "The {n} profile is in order.", "All {n} profiles are in order.")
    counts: dict[str, int] = {}
    for profile in flagged:
        for code in {flag.code for flag in profile.flags}:
            counts[code] = counts.get(code, 0) + 1
    words = {"GONE": t("gone"), "NEVER_USED": t("never used"), "DEAD": t("dead"),
             "STALE": t("stale"), "BROADCAST_ONLY": t("broadcast-only"),
             "INCOMPLETE": t("incomplete"), "UNAUDITABLE": t("not auditable"),
             "AUTOMATED": t("automated"), "INCONSISTENT": t("inconsistent")}
    parts = [f"{counts[code]} {words.get(code, code)}"
             for code in sorted(counts, key=lambda c: _CODE_RANK.get(c, len(FLAG_CODES)))]
    return t("{flagged} of {total} profiles need attention: {parts}.", flagged=len(flagged),
             total=len(profiles), parts=", ".join(parts))


@dataclass(frozen=True, slots=True)
class _Standing:
    """What the ranking needs of one organisation."""

    numbers: dict[str, float | None]
    profiles: int
    ok_profiles: int
    flags: int


def _standing(organisation: OrganisationResult) -> _Standing:
    return _Standing(
        numbers=_org_numbers(organisation), profiles=len(organisation.profiles),
        ok_profiles=sum(1 for p in organisation.profiles
                        if p.record.outcome == "ok" and not p.flags),
        flags=sum(len(p.flags) for p in organisation.profiles))


def _org_numbers(organisation: OrganisationResult) -> dict[str, float | None]:
    """The four ranked numbers of an organisation, over its profiles that were read."""
    read = [p.metrics for p in organisation.profiles if p.record.outcome == "ok"]
    rates = [m.posts_per_week for m in read if m.posts_per_week is not None]
    shared = [m for m in read if m.reply_share is not None]
    own = sum(m.own_posts for m in shared)
    scores = [m.completeness.score for m in read if m.completeness.score is not None]
    days = [m.days_since_last_post for m in read if m.days_since_last_post is not None]
    return {
        "posts_per_week": round(sum(rates), 2) if rates else None,
        "reply_share": round(sum(m.replies for m in shared) / own, 4) if own else None,
        "completeness": round(sum(scores) / len(scores)) if scores else None,
        "days_since": min(days) if days else None,
    }


def _ranks(values: list[float | None], *, higher_is_better: bool) -> list[int | None]:
    known = sorted({v for v in values if v is not None}, reverse=higher_is_better)
    return [None if v is None else known.index(v) + 1 for v in values]


def _comparison(views: Sequence[OrganisationView], standings: Sequence[_Standing],
                t: Translator) -> tuple[ComparisonRow, ...]:
    """The organisations side by side, ranked on activity, dialogue, completeness, recency."""
    numbers = [standing.numbers for standing in standings]
    columns = {
        "posts_per_week": _ranks([n["posts_per_week"] for n in numbers], higher_is_better=True),
        "reply_share": _ranks([n["reply_share"] for n in numbers], higher_is_better=True),
        "completeness": _ranks([n["completeness"] for n in numbers], higher_is_better=True),
        "days_since": _ranks([n["days_since"] for n in numbers], higher_is_better=False),
    }
    worst = len(standings) + 1
    mean_rank = [sum((columns[c][i] or worst) for c in columns) / len(columns)
                 for i in range(len(standings))]
    order = sorted(range(len(standings)), key=lambda i: (mean_rank[i], i))

    def ranked(i: int, column: str, text: str) -> RankedValue:
        rank = columns[column][i]
        return RankedValue(text, f"#{rank}" if rank is not None else "")

    rows = []
    for position, i in enumerate(order, start=1):
        view, standing, n = views[i], standings[i], numbers[i]
        days = n["days_since"]
        rows.append(ComparisonRow(
            anchor=view.anchor, name=view.name, role=view.role_text, is_client=view.is_client,
            position=position, profiles=standing.profiles, ok_profiles=standing.ok_profiles,
            posts_per_week=ranked(i, "posts_per_week", number(n["posts_per_week"], t)),
            reply_share=ranked(i, "reply_share", percent(n["reply_share"], t)),
            completeness=ranked(i, "completeness", t(NA) if n["completeness"] is None
                                else f"{n['completeness']:.0f}/100"),
            days_since=ranked(i, "days_since", days_ago(None if days is None else int(days), t)),
            flags=standing.flags,
        ))
    return tuple(rows)


def _profile_view(anchor: str, result: ProfileResult, t: Translator, *,
                  compact: bool = False) -> ProfileView:
    record, metrics = result.record, result.metrics
    facts = record.profile
    flags = tuple(_flag_view(flag, t) for flag in sorted(
        result.flags,
        key=lambda flag: (_SEVERITY_RANK.get(flag.severity, len(SEVERITIES)),
                          _CODE_RANK.get(flag.code, len(FLAG_CODES)), flag.code),
    ))
    if record.outcome == "ok":
        outcome_class = "ok"
    elif record.outcome in MISSING_OUTCOMES:
        outcome_class = "missing"
    else:
        outcome_class = "unread"
    reasons = metrics.null_reasons
    completeness = metrics.completeness
    posts, posts_more = ((), "") if compact else _post_views(record, metrics, t)
    charted = outcome_class == "ok" and not compact
    return ProfileView(
        anchor=anchor,
        url=LinkView(clean_text(record.url, URL_CHARS), web_url(record.url)),
        platform=clean_text(record.platform, 40),
        handle=clean_text(record.handle, HANDLE_CHARS),
        display_name=clean_text(facts.display_name if facts else None, NAME_CHARS),
        bio=clean_text(facts.bio if facts else None, BIO_CHARS, multiline=True),
        outcome=clean_text(record.outcome, 40),
        outcome_text=outcome_text(record.outcome, t),
        outcome_detail=clean_text(translate_detail(record.outcome_detail or "", t), NOTE_CHARS),
        outcome_class=outcome_class,
        worst_severity=flags[0].severity if flags else "",
        last_post=format_date(metrics.last_post_at, t),
        days_since=days_ago(metrics.days_since_last_post, t),
        posts_per_week=number(metrics.posts_per_week, t),
        reply_share=percent(metrics.reply_share, t),
        score=t(NA) if completeness.score is None else f"{completeness.score}/100",
        metrics=_metric_views(record.outcome, metrics, reasons, t),
        checks=_check_views(completeness, t),
        score_text=_score_text(completeness, t),
        flags=flags,
        notes=tuple(clean_text(note, NOTE_CHARS) for note in record.notes[:NOTES_SHOWN]),
        timeline=_timeline(metrics, record.replies_observable, t) if charted else None,
        weekdays=_weekday_chart(metrics, t) if charted and metrics.own_posts else None,
        hours=_hour_chart(metrics, t) if charted and metrics.own_posts else None,
        posts=posts,
        posts_more=posts_more,
    )


def _timeline(metrics: Metrics, replies_shown: bool, t: Translator) -> ChartView:
    columns = []
    for bucket in metrics.weekly:
        start = bucket.start.isoformat()
        if not bucket.covered:
            title = t("week of {date}: not covered by the sample (unknown)", date=start)
            columns.append(Column(bucket.start.strftime("%d-%m"), (), title, known=False))
            continue
        title = t("week of {date}: {posts} posts, {replies} replies, {reposts} reposts",
                  date=start, posts=bucket.posts, replies=bucket.replies,
                  reposts=bucket.reposts)
        columns.append(Column(bucket.start.strftime("%d-%m"),
                              (Segment("posts", bucket.posts), Segment("replies", bucket.replies),
                               Segment("reposts", bucket.reposts)), title))
    legend = [("posts", t("posts")), ("reposts", t("reposts"))]
    if replies_shown:
        legend.insert(1, ("replies", t("replies to others")))
    legend.append(("unknown", t("not covered (unknown)")))
    return bar_chart(columns, caption=t("Posts per week over the last {days} days",
                                        days=metrics.window_days),
                     legend=legend, label_every=3)


def _weekday_chart(metrics: Metrics, t: Translator) -> ChartView:
    names = [t("Mon"), t("Tue"), t("Wed"), t("Thu"), t("Fri"), t("Sat"), t("Sun")]
    columns = [Column(name, (Segment("posts", count),), f"{name}: {count}")
               for name, count in zip(names, metrics.weekday_profile, strict=True)]
    return bar_chart(columns, caption=t("Own posts per weekday"), legend=(), height=80)


def _hour_chart(metrics: Metrics, t: Translator) -> ChartView:
    columns = [Column(f"{hour:02d}", (Segment("posts", count),), f"{hour:02d}:00 UTC: {count}")
               for hour, count in enumerate(metrics.hour_profile)]
    return bar_chart(columns, caption=t("Own posts per hour of the day (UTC)"), legend=(),
                     height=80, column_width=12, label_every=6)


def _post_views(record: ProfileRecord, metrics: Metrics,
                t: Translator) -> tuple[tuple[PostView, ...], str]:
    if record.outcome != "ok" or not record.items:
        return (), ""
    items = sorted(record.items, key=lambda item: item.published_at, reverse=True)
    shown = items[:POSTS_SHOWN]
    views = tuple(PostView(
        date=format_datetime(item.published_at, t),
        kind=kind_text(item.kind, t) + (f" · {t('pinned')}" if item.pinned else "")
        + (f" · {clean_text(item.format, 20)}" if item.format else ""),
        link=LinkView(clean_text(item.url or item.id, URL_CHARS), web_url(item.url)),
        text=clean_text(item.text, POST_TEXT_CHARS),
    ) for item in shown)
    hidden = len(items) - len(shown)
    more = t.n(hidden, "… {n} more item in report.json's records (records.jsonl)",
               "… {n} more items in report.json's records (records.jsonl)") if hidden else ""
    return views, more


def _metric_views(outcome: str, metrics: Metrics, reasons: Mapping[str, str],
                  t: Translator) -> tuple[MetricView, ...]:
    def unknown(label: str, name: str) -> MetricView:
        return MetricView(label, not_available(reasons.get(name, t("not measured")), t), "",
                          False)

    if outcome != "ok":
        # Nothing was measured: one line says why instead of five identical ones.
        return (MetricView(t("Activity"), not_available(reasons.get("last_post_at",
                                                                    t("profile not read")), t),
                           "", False),)
    views: list[MetricView] = []
    if metrics.last_post_at is None:
        views.append(unknown(t("Last post"), "last_post_at"))
    else:
        source = {"items": t("the newest fetched item"),
                  "platform": t("the date the platform reports (no post fetched)")}
        basis = source.get(metrics.last_post_source or "", "")
        views.append(MetricView(t("Last post"), format_date(metrics.last_post_at, t), basis,
                                True, web_url(metrics.last_post_url)))
    if metrics.days_since_last_post is None:
        views.append(unknown(t("Days since last post"), "days_since_last_post"))
    else:
        views.append(MetricView(t("Days since last post"),
                                days_ago(metrics.days_since_last_post, t),
                                t("counted back from the audit date"), True))
    if metrics.posts_per_week is None:
        views.append(unknown(t("Posts per week"), "posts_per_week"))
    else:
        views.append(MetricView(t("Posts per week"), number(metrics.posts_per_week, t),
                                _rate_basis(metrics, t), True))
    if metrics.median_gap_days is None:
        views.append(unknown(t("Gap between posts"), "median_gap_days"))
    else:
        views.append(MetricView(
            t("Gap between posts"),
            t("median {median} days, longest {longest} days",
              median=number(metrics.median_gap_days, t),
              longest=number(metrics.longest_gap_days, t)),
            t("between consecutive own posts in the covered span"), True))
    if metrics.reply_share is None:
        views.append(unknown(t("Reply share"), "reply_share"))
    else:
        views.append(MetricView(t("Reply share"), percent(metrics.reply_share, t),
                                t.n(metrics.own_posts, "{replies} of {n} own post",
                                    "{replies} of {n} own posts", replies=metrics.replies),
                                True))
    if metrics.repost_share is None:
        views.append(unknown(t("Repost share"), "repost_share"))
    else:
        views.append(MetricView(t("Repost share"), percent(metrics.repost_share, t),
                                t.n(metrics.items_in_window, "{reposts} of {n} item",
                                    "{reposts} of {n} items", reposts=metrics.reposts),
                                True))
    if metrics.posts_total is not None:
        views.append(MetricView(t("Posts ever"), str(metrics.posts_total),
                                t("as the platform counts them"), True))
    auto = metrics.automation
    if auto.basis >= MIN_POSTS_FOR_AUTOMATION:
        parts = [t("{share} at minute {minute}", share=percent(auto.same_minute_share, t),
                   minute=f"{auto.top_minute:02d}" if auto.top_minute is not None else "--")]
        if auto.own_link_share is not None:
            parts.append(t("{share} only a link to the own site",
                           share=percent(auto.own_link_share, t)))
        if auto.crossposted_share is not None:
            parts.append(t("{share} also on another profile",
                           share=percent(auto.crossposted_share, t)))
        views.append(MetricView(t("Automation signs"), "; ".join(parts),
                                t.n(auto.basis, "over {n} own post", "over {n} own posts"),
                                True))
    return tuple(views)


def _rate_basis(metrics: Metrics, t: Translator) -> str:
    covered = metrics.covered_days
    posts = t.n(metrics.own_posts, "{n} own post", "{n} own posts")
    if covered is None or covered >= metrics.window_days:
        span = t("over the {days}-day window", days=metrics.window_days)
    else:
        span = t("over {covered} of the {days} window days (the sample covers less)",
                 covered=number(covered, t), days=metrics.window_days)
    text = f"{posts} {span}, " + t.n(metrics.sampled_items, "{n} item sampled",
                                      "{n} items sampled")
    if metrics.page_cap_cut_sample:
        text += "; " + t("the page cap stopped the sample")
    return text


def _check_views(completeness: Completeness, t: Translator) -> tuple[CheckView, ...]:
    words = {"yes": t("yes"), "no": t("no"), "unknown": t("unknown")}
    views: list[CheckView] = []
    for name, value in completeness.checks.items():
        mark, state = _CHECK_MARKS.get(value, _CHECK_MARKS[None])
        label = {"photo": t("Photo"), "display_name": t("Display name"), "bio": t("Bio"),
                 "contact": t("Contact (e-mail, phone or contact link)"),
                 "website": t("Website link"), "banner": t("Banner image")}
        views.append(CheckView(
            name=clean_text(name, 40),
            label=label.get(name, clean_text(name, 40)),
            mark=mark,
            state=state,
            state_text=words[state],
            note=clean_text(completeness.notes.get(name), NOTE_CHARS),
        ))
    return tuple(views)


def _score_text(completeness: Completeness, t: Translator) -> str:
    if completeness.score is not None:
        applicable = sum(1 for value in completeness.checks.values() if value is not None)
        return t.n(applicable, "{score}/100 over {n} applicable item",
                   "{score}/100 over {n} applicable items", score=completeness.score)
    notes = set(completeness.notes.values())
    reason = notes.pop() if len(notes) == 1 else t("no checklist item could be observed")
    return not_available(reason, t)


def _flag_view(flag: Flag, t: Translator) -> FlagView:
    items = list(_evidence_items(flag.evidence, t))
    hidden = max(len(items) - EVIDENCE_ITEMS, 0)
    return FlagView(
        code=clean_text(flag.code, 40),
        severity=clean_text(flag.severity, 20),
        severity_text=severity_text(flag.severity, t),
        reason=clean_text(flag.reason, REASON_CHARS),
        fix=clean_text(flag.fix, REASON_CHARS),
        evidence=tuple(items[:EVIDENCE_ITEMS]),
        evidence_hidden=hidden,
        evidence_more=t.n(hidden, "… {n} more evidence item not shown (report.json has them "
                          "all)", "… {n} more evidence items not shown (report.json has them "
                          "all)") if hidden else "",
    )


def _evidence_items(evidence: Mapping[str, Any], t: Translator) -> Iterable[EvidenceView]:
    """One line per evidence value; lists give one line per element."""
    labels = _evidence_labels(t)
    for key, value in evidence.items():
        label = labels.get(str(key)) or clean_text(str(key).replace("_", " "), 60)
        if isinstance(value, (list, tuple)):
            if not value:
                yield EvidenceView(label, t("none"))
            for element in value:
                yield _evidence_item(label, element, t)
        else:
            yield _evidence_item(label, value, t)


def _evidence_labels(t: Translator) -> dict[str, str]:
    return {
        "outcome": t("outcome"), "detail": t("detail"), "url": t("address"),
        "posts_total": t("posts ever"), "created_at": t("created"),
        "last_post_at": t("last post"), "last_post_url": t("last post link"),
        "posts": t("post"), "source": t("source"), "threshold_days": t("threshold (days)"),
        "threshold": t("threshold"), "own_posts": t("own posts"), "replies": t("replies"),
        "originals": t("originals"), "self_replies": t("thread replies"),
        "reposts": t("reposts"), "covered_days": t("days covered"),
        "automation": t("automation signs"), "missing": t("missing"), "score": t("score"),
        "checks": t("checklist"), "findings": t("finding"),
        "basis_posts": t("posts compared"), "own_link_posts": t("link-only posts"),
        "own_link_share": t("share of link-only posts"), "top_minute": t("most common minute"),
        "same_minute_share": t("share at that minute"), "crossposted": t("cross-posted posts"),
        "crossposted_share": t("share cross-posted"), "crossposted_with": t("cross-posted with"),
    }


def _evidence_item(label: str, value: Any, t: Translator) -> EvidenceView:
    if isinstance(value, Mapping):
        # A post: {"date", "url", "kind"}; the date and kind speak for themselves.
        url = value.get("url")
        parts = [_evidence_text(v, t) if k in ("date", "kind")
                 else f"{k} {_evidence_text(v, t)}"
                 for k, v in value.items() if k != "url"]
        if isinstance(url, str) and url:
            parts.append(url)
        text = clean_text(" · ".join(parts), EVIDENCE_CHARS)
        return EvidenceView(label, text or t(NA), web_url(url))
    return EvidenceView(label, clean_text(_evidence_text(value, t), EVIDENCE_CHARS) or t(NA),
                        web_url(value))


def _evidence_text(value: Any, t: Translator = EN) -> str:
    if value is None:
        return t(NA)
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, Mapping):
        return ", ".join(
            f"{k} {_CHECK_MARKS[v][0]}" if v is None or isinstance(v, bool)
            else f"{k} {_evidence_text(v, t)}"
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(_evidence_text(v, t) for v in value)
    if isinstance(value, float):
        return number(value, t)
    if isinstance(value, str):
        moment = _parse_moment(value)
        return format_datetime(moment, t) if moment is not None else value
    return str(value)


def _parse_moment(value: str) -> datetime | None:
    """An ISO date-time string from evidence, else None (plain text stays text)."""
    if len(value) < 19 or not value[:4].isdigit() or value[4] != "-" or value[10] != "T":
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- rendering


@functools.cache
def _environment() -> Environment:
    # Imported here: a JSON-only run, or the plain-text brief, needs no Jinja2.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,  # every template: bios and posts are untrusted input
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(result: AuditResult) -> str:
    """The self-contained report.html page for ``result``."""
    return "".join(_html_pieces(result))


def write_html(result: AuditResult, path: Path) -> None:
    """Write ``path`` as it is rendered, atomically: a reader sees the old file or the whole
    new one, and the page is never held in memory whole."""
    with open_atomic(path) as handle:
        handle.writelines(_html_pieces(result))


def _html_pieces(result: AuditResult) -> Iterator[str]:
    view = build_report_view(result)
    template = _environment().get_template(TEMPLATE)
    return template.generate(report=view, _=translator(view.lang))
