"""report.html: view-model dataclasses built from a judged audit, rendered by a Jinja2 template.

Everything a person reads is formatted here (dates, "12 days ago", percentages, "n/a — reason",
sorting); ``templates/report.html`` only loops, branches and escapes. Everything scraped is
untrusted: text is cleaned of control characters and terminal escapes and capped in length,
and a link is only made for an http(s) URL. The same view model feeds the plain-text brief
(``auditor.report.brief``), so both reports clean scraped text in one place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import Thresholds
from auditor.metrics import Completeness, Metrics
from auditor.report import DEFAULT_CHARS, clean_text, write_atomic
from auditor.resources import templates_dir
from auditor.verdicts import FLAG_CODES, MISSING_OUTCOMES, SEVERITIES, Flag

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

CHECK_LABELS: Final = {
    "photo": "Photo",
    "display_name": "Display name",
    "bio": "Bio",
    "contact": "Contact (e-mail or phone)",
    "website": "Website link",
    "banner": "Banner image",
}
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


def format_date(value: datetime | None) -> str:
    """A date as 2026-10-28 (UTC), or "n/a"."""
    if value is None:
        return NA
    return _utc(value).date().isoformat()


def format_datetime(value: datetime | None) -> str:
    """A moment as 2026-10-28 14:05 UTC, or "n/a"."""
    if value is None:
        return NA
    return _utc(value).strftime("%Y-%m-%d %H:%M UTC")


def days_ago(days: int | None) -> str:
    """12 -> "12 days ago"; 0 -> "under a day ago"; None -> "n/a"."""
    if days is None:
        return NA
    if days <= 0:
        return "under a day ago"
    return "1 day ago" if days == 1 else f"{days} days ago"


def percent(value: float | None) -> str:
    """0.125 -> "12.5%", 0.1 -> "10%"; None -> "n/a"."""
    if value is None:
        return NA
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def number(value: float | None) -> str:
    """3.5 -> "3.5", 4.0 -> "4"; None -> "n/a"."""
    if value is None:
        return NA
    return f"{value:.2f}".rstrip("0").rstrip(".")


def not_available(reason: str | None) -> str:
    """ "n/a — reason", or "n/a" when no reason is known."""
    reason = clean_text(reason, NOTE_CHARS)
    return f"{NA} — {reason}" if reason else NA


def plural(count: int, word: str, many: str | None = None) -> str:
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
    reason: str
    fix: str
    evidence: tuple[EvidenceView, ...]
    #: Evidence items left out of ``evidence`` (over EVIDENCE_ITEMS).
    evidence_hidden: int
    #: "… 3 more evidence items not shown", "" when all are shown.
    evidence_more: str


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

    @property
    def label(self) -> str:
        return f"{self.platform} {self.handle or self.url.text}"


@dataclass(frozen=True, slots=True)
class SeverityCount:
    severity: str
    count: int


@dataclass(frozen=True, slots=True)
class AttentionView:
    """A profile that has flags, for the organisation summary."""

    anchor: str
    label: str
    worst_severity: str
    codes: str


@dataclass(frozen=True, slots=True)
class OrganisationView:
    anchor: str
    name: str
    role: str
    is_client: bool
    website: LinkView | None
    profile_count: int
    flag_count: int
    #: "3 profiles, 2 flags".
    summary: str
    severity_counts: tuple[SeverityCount, ...]
    attention: tuple[AttentionView, ...]
    profiles: tuple[ProfileView, ...]


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    anchor: str
    name: str
    role: str
    is_client: bool
    profiles: int
    ok_profiles: int
    dead_or_stale: int
    broadcast_only: int
    incomplete: int
    mean_score: str
    newest_post: str


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
class ReportView:
    title: str
    as_of: str
    generated_at: str
    tool_version: str
    window_days: int
    settings: tuple[SettingView, ...]
    organisations: tuple[OrganisationView, ...]
    #: Empty unless the audit has more than one organisation.
    comparison: tuple[ComparisonRow, ...]
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


# --------------------------------------------------------------------------- building


def build_report_view(result: AuditResult) -> ReportView:
    """The whole report as display-ready, cleaned values."""
    organisations = tuple(_organisation_view(index, organisation)
                          for index, organisation in enumerate(result.organisations, start=1))
    comparison: tuple[ComparisonRow, ...] = ()
    if len(result.organisations) > 1:
        rows = [_comparison_row(org_view, organisation)
                for org_view, organisation in zip(organisations, result.organisations,
                                                  strict=True)]
        # The client first, then the others in config order.
        comparison = tuple(sorted(rows, key=lambda row: not row.is_client))
    all_flags = [flag for profile in result.profiles() for flag in profile.flags]
    profiles = list(result.profiles())
    flagged = sum(1 for profile in profiles if profile.flags)
    missing_text = ""
    if result.missing > 0:
        they = "It is" if result.missing == 1 else "They are"
        missing_text = (f"The crawl was cut short: {plural(result.missing, 'listed profile')} "
                        f"could not be fetched. {they} shown below as not audited (outcome "
                        "error), with no verdict on activity. Run the audit again to "
                        "complete it.")
    return ReportView(
        title=clean_text(result.name, NAME_CHARS) or "Social presence audit",
        as_of=format_date(result.as_of),
        generated_at=format_datetime(result.generated_at),
        tool_version=clean_text(result.tool_version, 50),
        window_days=result.window_days,
        settings=_settings(result.window_days, result.thresholds),
        organisations=organisations,
        comparison=comparison,
        missing=result.missing,
        missing_text=missing_text,
        legend=_legend(result.thresholds, {flag.code for flag in all_flags}),
        profile_count=len(profiles),
        flag_count=len(all_flags),
        flagged_profiles=flagged,
        summary=(f"{plural(len(profiles), 'profile')} audited; {plural(len(all_flags), 'flag')} "
                 f"on {plural(flagged, 'profile')}."),
        severity_counts=_severity_counts(all_flags),
    )


def _settings(window_days: int, thresholds: Thresholds) -> tuple[SettingView, ...]:
    return (
        SettingView("Activity window", plural(window_days, "day")),
        SettingView("Dead after", f"{plural(thresholds.dead_after_days, 'day')} without a post"),
        SettingView("Stale after", f"{plural(thresholds.stale_after_days, 'day')} without a post"),
        SettingView("Never used", f"at most {plural(thresholds.never_used_max_posts, 'post')} "
                                  "ever"),
        SettingView("Broadcast-only", "reply share below "
                                      f"{percent(thresholds.broadcast_max_reply_share)}"),
        SettingView("Shares need",
                    f"at least {plural(thresholds.min_posts_for_ratio, 'own post')}"),
    )


def _legend(thresholds: Thresholds, raised: set[str]) -> tuple[LegendEntry, ...]:
    entries = [
        LegendEntry("GONE", "high", "The listed profile does not exist: not found, suspended, "
                                    "deleted or moved. Visitors following your link hit a "
                                    "dead end."),
        LegendEntry("NEVER_USED", "high",
                    f"At most {plural(thresholds.never_used_max_posts, 'post')} ever: "
                    "registered \"for safety\" and never used."),
        LegendEntry("DEAD", "high", f"No post for {thresholds.dead_after_days} days or more. "
                                    "A dead account is worse than none: people still try to "
                                    "reach it."),
        LegendEntry("STALE", "medium",
                    f"No post for {thresholds.stale_after_days} to "
                    f"{max(thresholds.dead_after_days - 1, thresholds.stale_after_days)} days."),
        LegendEntry("BROADCAST_ONLY", "medium",
                    "Under "
                    f"{percent(thresholds.broadcast_max_reply_share)} of at least "
                    f"{thresholds.min_posts_for_ratio} own posts answer someone else: a press-"
                    "release channel, not a dialogue."),
        LegendEntry("INCOMPLETE", "high / medium / low",
                    "A profile item is missing: no photo (high), no bio or contact details "
                    "(medium), no website link, display name or banner (low)."),
        LegendEntry("UNAUDITABLE", "low",
                    "The profile could not be read (login wall, blocked, rate limited, "
                    "error…). Not judged on activity: check it by hand."),
    ]
    extra = {
        "AUTOMATED": ("low", "Strong signs of automatic posting (bare links to the own site, "
                             "identical text across networks, posts at a fixed minute)."),
        "INCONSISTENT": ("low", "The organisation's profiles disagree on name or photo, or its "
                                "website does not link to them."),
    }
    known = {entry.code for entry in entries}
    for code in sorted(raised - known, key=lambda code: _CODE_RANK.get(code, len(FLAG_CODES))):
        severity, text = extra.get(code, ("", "See the flag's reason."))
        entries.append(LegendEntry(clean_text(code, 40), severity, text))
    return tuple(entries)


def _severity_counts(flags: Iterable[Flag]) -> tuple[SeverityCount, ...]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for flag in flags:
        counts[flag.severity] = counts.get(flag.severity, 0) + 1
    return tuple(SeverityCount(clean_text(severity, 20), count)
                 for severity, count in counts.items())


def _organisation_view(index: int, organisation: OrganisationResult) -> OrganisationView:
    anchor = f"org-{index}"
    profiles = tuple(_profile_view(f"{anchor}-p{p_index}", profile)
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
    return OrganisationView(
        anchor=anchor,
        name=clean_text(organisation.name, NAME_CHARS),
        role=clean_text(organisation.role, 40),
        is_client=organisation.role == "client",
        website=website,
        profile_count=len(profiles),
        flag_count=len(flags),
        summary=f"{plural(len(profiles), 'profile')}, {plural(len(flags), 'flag')}",
        severity_counts=_severity_counts(flags),
        attention=tuple(
            AttentionView(profile.anchor, profile.label, profile.worst_severity,
                          ", ".join(flag.code for flag in profile.flags))
            for profile in attention
        ),
        profiles=profiles,
    )


def _comparison_row(view: OrganisationView, organisation: OrganisationResult) -> ComparisonRow:
    def has(profile: ProfileResult, codes: Iterable[str]) -> bool:
        wanted = set(codes)
        return any(flag.code in wanted for flag in profile.flags)

    profiles = organisation.profiles
    scores = [p.metrics.completeness.score for p in profiles
              if p.metrics.completeness.score is not None]
    newest = max((p.metrics.last_post_at for p in profiles if p.metrics.last_post_at is not None),
                 default=None)
    newest_text = NA
    if newest is not None:
        days = max((p.metrics.days_since_last_post for p in profiles
                    if p.metrics.last_post_at == newest
                    and p.metrics.days_since_last_post is not None), default=None)
        newest_text = format_date(newest) + (f" ({days_ago(days)})" if days is not None else "")
    return ComparisonRow(
        anchor=view.anchor,
        name=view.name,
        role=view.role,
        is_client=view.is_client,
        profiles=len(profiles),
        ok_profiles=sum(1 for p in profiles if p.record.outcome == "ok" and not p.flags),
        dead_or_stale=sum(1 for p in profiles if has(p, _DEAD_OR_STALE)),
        broadcast_only=sum(1 for p in profiles if has(p, ("BROADCAST_ONLY",))),
        incomplete=sum(1 for p in profiles if has(p, ("INCOMPLETE",))),
        mean_score=f"{sum(scores) / len(scores):.0f}/100" if scores else NA,
        newest_post=newest_text,
    )


def _profile_view(anchor: str, result: ProfileResult) -> ProfileView:
    record, metrics = result.record, result.metrics
    facts = record.profile
    flags = tuple(_flag_view(flag) for flag in sorted(
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
    return ProfileView(
        anchor=anchor,
        url=LinkView(clean_text(record.url, URL_CHARS), web_url(record.url)),
        platform=clean_text(record.platform, 40),
        handle=clean_text(record.handle, HANDLE_CHARS),
        display_name=clean_text(facts.display_name if facts else None, NAME_CHARS),
        bio=clean_text(facts.bio if facts else None, BIO_CHARS, multiline=True),
        outcome=clean_text(record.outcome, 40),
        outcome_detail=clean_text(record.outcome_detail, NOTE_CHARS),
        outcome_class=outcome_class,
        worst_severity=flags[0].severity if flags else "",
        last_post=format_date(metrics.last_post_at),
        days_since=days_ago(metrics.days_since_last_post),
        posts_per_week=number(metrics.posts_per_week),
        reply_share=percent(metrics.reply_share),
        score=NA if completeness.score is None else f"{completeness.score}/100",
        metrics=_metric_views(record.outcome, metrics, reasons),
        checks=_check_views(completeness),
        score_text=_score_text(completeness),
        flags=flags,
        notes=tuple(clean_text(note, NOTE_CHARS) for note in record.notes[:NOTES_SHOWN]),
    )


def _metric_views(outcome: str, metrics: Metrics,
                  reasons: Mapping[str, str]) -> tuple[MetricView, ...]:
    def unknown(label: str, name: str) -> MetricView:
        return MetricView(label, not_available(reasons.get(name, "not measured")), "", False)

    if outcome != "ok":
        # Nothing was measured: one line says why instead of five identical ones.
        return (MetricView("Activity", not_available(reasons.get("last_post_at",
                                                                 "profile not read")),
                           "", False),)
    views: list[MetricView] = []
    if metrics.last_post_at is None:
        views.append(unknown("Last post", "last_post_at"))
    else:
        source = {"items": "the newest fetched item",
                  "platform": "the date the platform reports (no post fetched)"}
        basis = source.get(metrics.last_post_source or "", "")
        views.append(MetricView("Last post", format_date(metrics.last_post_at), basis, True,
                                web_url(metrics.last_post_url)))
    if metrics.days_since_last_post is None:
        views.append(unknown("Days since last post", "days_since_last_post"))
    else:
        views.append(MetricView("Days since last post", days_ago(metrics.days_since_last_post),
                                "counted back from the audit date", True))
    if metrics.posts_per_week is None:
        views.append(unknown("Posts per week", "posts_per_week"))
    else:
        views.append(MetricView("Posts per week", number(metrics.posts_per_week),
                                _rate_basis(metrics), True))
    if metrics.reply_share is None:
        views.append(unknown("Reply share", "reply_share"))
    else:
        views.append(MetricView("Reply share", percent(metrics.reply_share),
                                f"{metrics.replies} of {plural(metrics.own_posts, 'own post')}",
                                True))
    if metrics.repost_share is None:
        views.append(unknown("Repost share", "repost_share"))
    else:
        views.append(MetricView("Repost share", percent(metrics.repost_share),
                                f"{metrics.reposts} of {plural(metrics.items_in_window, 'item')}",
                                True))
    if metrics.posts_total is not None:
        views.append(MetricView("Posts ever", str(metrics.posts_total),
                                "as the platform counts them", True))
    return tuple(views)


def _rate_basis(metrics: Metrics) -> str:
    covered = metrics.covered_days
    parts = [f"{plural(metrics.own_posts, 'own post')}"]
    if covered is None or covered >= metrics.window_days:
        parts.append(f"over the {metrics.window_days}-day window")
    else:
        parts.append(f"over {number(covered)} of the {metrics.window_days} window days "
                     "(the sample covers less)")
    parts.append(f"{plural(metrics.sampled_items, 'item')} sampled")
    text = ", ".join([f"{parts[0]} {parts[1]}", *parts[2:]])
    if metrics.page_cap_cut_sample:
        text += "; the page cap stopped the sample"
    return text


def _check_views(completeness: Completeness) -> tuple[CheckView, ...]:
    views: list[CheckView] = []
    for name, value in completeness.checks.items():
        mark, state = _CHECK_MARKS.get(value, _CHECK_MARKS[None])
        views.append(CheckView(
            name=clean_text(name, 40),
            label=CHECK_LABELS.get(name, clean_text(name, 40)),
            mark=mark,
            state=state,
            note=clean_text(completeness.notes.get(name), NOTE_CHARS),
        ))
    return tuple(views)


def _score_text(completeness: Completeness) -> str:
    if completeness.score is not None:
        applicable = sum(1 for value in completeness.checks.values() if value is not None)
        return f"{completeness.score}/100 over {plural(applicable, 'applicable item')}"
    notes = set(completeness.notes.values())
    reason = notes.pop() if len(notes) == 1 else "no checklist item could be observed"
    return not_available(reason)


def _flag_view(flag: Flag) -> FlagView:
    items = list(_evidence_items(flag.evidence))
    hidden = max(len(items) - EVIDENCE_ITEMS, 0)
    return FlagView(
        code=clean_text(flag.code, 40),
        severity=clean_text(flag.severity, 20),
        reason=clean_text(flag.reason, REASON_CHARS),
        fix=clean_text(flag.fix, REASON_CHARS),
        evidence=tuple(items[:EVIDENCE_ITEMS]),
        evidence_hidden=hidden,
        evidence_more=(f"… {plural(hidden, 'more evidence item')} not shown (report.json has "
                       "them all)") if hidden else "",
    )


def _evidence_items(evidence: Mapping[str, Any]) -> Iterable[EvidenceView]:
    """One line per evidence value; lists give one line per element."""
    for key, value in evidence.items():
        label = clean_text(str(key).replace("_", " "), 60)
        if isinstance(value, (list, tuple)):
            if not value:
                yield EvidenceView(label, "none")
            for element in value:
                yield _evidence_item(label, element)
        else:
            yield _evidence_item(label, value)


def _evidence_item(label: str, value: Any) -> EvidenceView:
    if isinstance(value, Mapping):
        # A post: {"date", "url", "kind"}; the date and kind speak for themselves.
        url = value.get("url")
        parts = [_evidence_text(v) if k in ("date", "kind") else f"{k} {_evidence_text(v)}"
                 for k, v in value.items() if k != "url"]
        if isinstance(url, str) and url:
            parts.append(url)
        text = clean_text(" · ".join(parts), EVIDENCE_CHARS)
        return EvidenceView(label, text or NA, web_url(url))
    return EvidenceView(label, clean_text(_evidence_text(value), EVIDENCE_CHARS) or NA,
                        web_url(value))


def _evidence_text(value: Any) -> str:
    if value is None:
        return NA
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(
            f"{k} {_CHECK_MARKS[v][0]}" if v is None or isinstance(v, bool)
            else f"{k} {_evidence_text(v)}"
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(_evidence_text(v) for v in value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        moment = _parse_moment(value)
        return format_datetime(moment) if moment is not None else value
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
    return _environment().get_template(TEMPLATE).render(report=build_report_view(result))


def write_html(result: AuditResult, path: Path) -> None:
    """Render and write ``path`` atomically: a reader sees the old file or the whole new one."""
    write_atomic(path, render_html(result))
