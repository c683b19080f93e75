"""The whole report as a view model (:func:`build_report_view`), built from a judged audit
in the audit's language: the summary, the ranking, the organisations and their cards, and
what changed since the last audit. Every writer reads it; none formats on its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any, overload

from auditor.audit import AuditResult, OrganisationResult
from auditor.branding import Branding
from auditor.config import Thresholds, time_zone
from auditor.i18n import Translator, translator
from auditor.report import clean_text
from auditor.report.audience import network_numbers, network_tables, organisation_audience
from auditor.report.format import (
    CODE_RANK,
    COMPACT_FROM,
    EVIDENCE_ITEMS,
    HANDLE_CHARS,
    NA,
    NAME_CHARS,
    NOTE_CHARS,
    SEVERITY_RANK,
    URL_CHARS,
    days_ago,
    format_date,
    format_datetime,
    number,
    percent,
    role_text,
    severity_text,
    web_url,
    zone_name,
)
from auditor.report.overview import Overview, platform_name
from auditor.report.profileview import profile_view
from auditor.report.trendview import trend_views
from auditor.report.viewmodel import (
    AttentionView,
    BrandView,
    ComparisonRow,
    LegendEntry,
    LinkView,
    OrganisationView,
    RankedValue,
    ReportView,
    SettingView,
    SeverityCount,
    SinceGroupView,
    SinceProfileView,
    SinceView,
    UnauditableView,
)
from auditor.verdicts import FLAG_CODES, JUDGED_OUTCOMES, SEVERITIES, Flag

#: More organisations than this are listed with their verdicts instead of as the
#: scoreboard's columns (a table of hundreds of columns answers nothing at a glance).
SCOREBOARD_MAX_ORGANISATIONS = 12

# --------------------------------------------------------------------------- building


def build_report_view(result: AuditResult) -> ReportView:
    """The whole report as display-ready, cleaned values, in the audit's language.

    The organisations are read twice from ``result`` (which may be a spool on disk): once
    here for the summary, the ranking and the counts, keeping only each organisation's
    heading; then once more, one organisation at a time, while the page is written
    (:class:`OrganisationViews`). A report of 10,000 profiles never holds them all.
    """
    t = translator(result.lang).in_zone(time_zone(result.timezone) or UTC)
    compact = result.profile_count() >= COMPACT_FROM
    overview = Overview(t)
    summaries: list[OrganisationView] = []
    standings: list[_Standing] = []
    unauditable: list[UnauditableView] = []
    anchors: dict[str, str] = {}
    #: Counted as the organisations pass (every Flag kept would hold its evidence).
    severities: Counter[str] = Counter()
    raised: set[str] = set()
    profile_count = flagged = 0
    per_network = []
    org_anchors: dict[str, str] = {}
    clients: set[str] = set()
    for index, organisation in enumerate(result.organisations, start=1):
        view = _organisation_view(index, organisation, t, compact=compact)
        summaries.append(replace(view, profiles=()))
        per_network.append(network_numbers(organisation))
        org_anchors[organisation.name] = view.anchor
        if view.is_client:
            clients.add(organisation.name)
        overview.add(view)
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
            severities.update(flag.severity for flag in profile.flags)
            raised.update(flag.code for flag in profile.flags)
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
               + t.n(sum(severities.values()), "{n} flag", "{n} flags") + " "
               + t.n(flagged, "on {n} profile.", "on {n} profiles."))
    return ReportView(
        lang=t.lang,
        compact=compact,
        title=clean_text(result.name, NAME_CHARS) or t("Social presence audit"),
        # the audit date as the config gives it (a day in UTC), not moved to the zone
        as_of=format_date(result.as_of, t.in_zone(UTC)),
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
        legend=_legend(result.thresholds, raised, t),
        profile_count=profile_count,
        flag_count=sum(severities.values()),
        flagged_profiles=flagged,
        summary=summary,
        severity_counts=_severity_text(severities, t),
        since=_since_view(result.since, anchors, t) if result.since is not None else None,
        scoreboard=(overview.scoreboard()
                    if profile_count and len(summaries) <= SCOREBOARD_MAX_ORGANISATIONS
                    else None),
        headline=overview.headline(),
        client=overview.client(),
        fixes=overview.fixes(),
        observations=tuple(clean_text(line, NOTE_CHARS) for line in overview.observations()),
        timezone=zone_name(t),
        branding=_brand_view(result.branding),
        networks=network_tables([(v.anchor, v.name, v.is_client) for v in summaries],
                                per_network, t) if len(summaries) > 1 else (),
        trends=trend_views(result.trends, org_anchors, clients, t),
    )


def _brand_view(branding: Branding) -> BrandView | None:
    name = clean_text(branding.name, NAME_CHARS)
    # the logo was checked when the config was read; a data: URI of an image, nothing else
    logo = branding.logo if branding.logo.startswith("data:image/") else ""
    return BrandView(name, logo) if name or logo else None


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
    groups = []
    for organisation in changes.organisations:
        mine = []
        for profile in organisation.profiles:
            lines = [t.msg(change.message) for change in profile.changes]
            if profile.posting is not None and (lines or (changes.days_between or 0) >= 1):
                lines.append(t.msg(profile.posting.message))  # same-day reruns: no trend
            if profile.audience is not None:
                lines.append(t.msg(profile.audience.message))
            if not lines:
                continue  # nothing to tell: no "unchanged" line
            label = f"{platform_name(profile.platform, t)} {profile.handle or profile.url}"
            mine.append(SinceProfileView(
                label=clean_text(label, HANDLE_CHARS), anchor=anchors.get(profile.url, ""),
                lines=tuple(clean_text(line, NOTE_CHARS) for line in lines[:EVIDENCE_ITEMS])))
        if mine:
            profiles += mine
            groups.append(SinceGroupView(clean_text(organisation.name, NAME_CHARS),
                                         role_text(organisation.role or "", t), tuple(mine)))
    summary = clean_text(t.msg(changes.summary), NOTE_CHARS) or t("Nothing changed.")
    return SinceView(heading=heading, summary=summary, profiles=tuple(profiles),
                     groups=tuple(groups))



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
    for code in sorted(raised - known, key=lambda code: CODE_RANK.get(code, len(FLAG_CODES))):
        entries.append(LegendEntry(clean_text(code, 40), "", t("See the flag's reason.")))
    return tuple(entries)


def _severity_counts(flags: Iterable[Flag], t: Translator) -> tuple[SeverityCount, ...]:
    return _severity_text(Counter(flag.severity for flag in flags), t)


def _severity_text(found: Counter[str], t: Translator) -> tuple[SeverityCount, ...]:
    counts = {**dict.fromkeys(SEVERITIES, 0), **found}
    return tuple(SeverityCount(clean_text(severity, 20), count,
                               f"{severity_text(severity, t)}: {count}")
                 for severity, count in counts.items())


def _organisation_view(index: int, organisation: OrganisationResult,
                       t: Translator, *, compact: bool = False) -> OrganisationView:
    anchor = f"org-{index}"
    profiles = tuple(profile_view(f"{anchor}-p{p_index}", profile, t, compact=compact)
                     for p_index, profile in enumerate(organisation.profiles, start=1))
    flags = [flag for profile in organisation.profiles for flag in profile.flags]
    attention = sorted(
        (profile for profile in profiles if profile.flags),
        key=lambda profile: (SEVERITY_RANK.get(profile.worst_severity, len(SEVERITIES)),
                             profile.label.lower()),
    )
    website = None
    if organisation.website:
        text = clean_text(organisation.website, URL_CHARS)
        website = LinkView(text, web_url(organisation.website))
    findings = [clean_text(f"{t.msg(finding.message)} ({', '.join(finding.profiles)})",
                           NOTE_CHARS) for finding in organisation.findings]
    findings += [clean_text(t.msg(line), NOTE_CHARS) for line in organisation.website_lines]
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
        short_verdict=_short_verdict(organisation, t),
        severity_counts=_severity_counts(flags, t),
        attention=tuple(
            AttentionView(profile.anchor, profile.label, profile.worst_severity,
                          severity_text(profile.worst_severity, t),
                          ", ".join(flag.code for flag in profile.flags))
            for profile in attention
        ),
        findings=tuple(findings),
        profiles=profiles,
        numbers=_org_numbers(organisation),
        clean_profiles=_standing(organisation).ok_profiles,
        audience=organisation_audience(organisation, t),
    )


def _short_verdict(organisation: OrganisationResult, t: Translator) -> str:
    """The verdict without its breakdown (the scoreboard shows it profile by profile)."""
    flagged = sum(1 for p in organisation.profiles if p.flags)
    if not organisation.profiles or not flagged:
        return _verdict(organisation, t)
    return t("{flagged} of {total} need attention", flagged=flagged,
             total=len(organisation.profiles))


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
             for code in sorted(counts, key=lambda c: CODE_RANK.get(c, len(FLAG_CODES)))]
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
                        if p.record.outcome in JUDGED_OUTCOMES and not p.flags),
        flags=sum(len(p.flags) for p in organisation.profiles))


def _org_numbers(organisation: OrganisationResult) -> dict[str, float | None]:
    """The four ranked numbers of an organisation, over its profiles that were read."""
    read = [p.metrics for p in organisation.profiles if p.record.outcome in JUDGED_OUTCOMES]
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
