"""Audience and engagement in the report: per profile, per organisation, per network.

Display-ready views of :mod:`auditor.engagement`'s numbers (docs/metrics.md defines them).
A number that is unknown says so with its reason, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.audit import OrganisationResult, ProfileResult
from auditor.engagement import Engagement
from auditor.i18n import Translator
from auditor.messages import Msg
from auditor.report import clean_text
from auditor.report.format import (
    NA,
    URL_CHARS,
    format_date,
    format_datetime,
    not_available,
    number,
    percent,
    web_url,
)
from auditor.report.overview import platform_name
from auditor.report.viewmodel import (
    AudienceView,
    LinkView,
    MetricView,
    NetworkRow,
    NetworkTable,
    PostView,
    RankedValue,
    TopPostView,
)
from auditor.verdicts import JUDGED_OUTCOMES

#: Characters of a top post's text shown.
TOP_TEXT_CHARS = 140
#: Newest original posts shown in ``auditor check``.
NEWEST_SHOWN = 3


def count(value: int, t: Translator) -> str:
    """1240 -> "1,240" (English) or "1.240" (Dutch)."""
    text = f"{value:,}"
    return text.replace(",", ".") if t.lang == "nl" else text


def audience_view(result: ProfileResult, t: Translator) -> AudienceView | None:
    """The profile's audience and engagement; None when it was not read."""
    record = result.record
    if record.outcome not in JUDGED_OUTCOMES:
        return None
    e = result.metrics.engagement
    reasons = e.null_reasons
    parts = []
    if e.followers is not None:
        parts.append(t.n(e.followers, "{count} follower", "{count} followers",
                         count=count(e.followers, t)))
    if e.median_interactions is not None:
        parts.append(t("{n} interactions per post", n=number(e.median_interactions, t)))
    if e.rate_per_1000 is not None:
        parts.append(t("{n} per 1,000 followers", n=number(e.rate_per_1000, t)))
    if e.median_views is not None:
        parts.append(t("{n} views per post", n=_whole(e.median_views, t)))
    read_on = format_date(record.fetched_at, t) if record.fetched_at else ""
    rows = [
        _row(t("Followers"), None if e.followers is None else count(e.followers, t),
             t("as the platform showed them on {date}", date=read_on) if read_on else "",
             reasons.get("followers"), t),
        _row(t("Interactions per post"), _maybe(e.median_interactions, t),
             _basis(e, t), reasons.get("median_interactions"), t),
        _row(t("Likes, shares, comments per post"), _split(e, t), t("medians"),
             reasons.get("median_interactions"), t),
        _row(t("Views per post"), None if e.median_views is None else _whole(e.median_views, t),
             t("median"),
             reasons.get("median_views"), t),
        _row(t("Per 1,000 followers"), _maybe(e.rate_per_1000, t),
             t("interactions per post for every 1,000 followers"),
             reasons.get("rate_per_1000"), t),
        _row(t("Content mix"), _mix(e, t), t("of the original posts"),
             reasons.get("link_share"), t),
        _row(t("Hashtags used most"),
             ", ".join(f"#{clean_text(tag, 60)} ({n})" for tag, n in e.hashtags)
             or (t("none") if e.originals else None),
             t("posts using each"), reasons.get("link_share"), t),
        _row(t("Best time to post"), _best(e, t), t("highest median interactions"),
             reasons.get("best_weekday"), t),
    ]
    return AudienceView(
        keyline=" · ".join(parts),
        rows=tuple(rows),
        top_posts=tuple(TopPostView(
            date=format_datetime(post.published_at, t),
            link=LinkView(clean_text(post.url or "", URL_CHARS) or t("(no link)"),
                          web_url(post.url)),
            text=clean_text(post.text, TOP_TEXT_CHARS),
            numbers=" · ".join(
                [t.n(post.interactions, "{count} interaction", "{count} interactions",
                     count=count(post.interactions, t))]
                + ([t("{count} views", count=count(post.views, t))]
                   if post.views is not None else [])),
        ) for post in e.top_posts),
        newest=tuple(_newest(result, t)),
    )


def _row(label: str, value: str | None, basis: str, reason: Msg | None,
         t: Translator) -> MetricView:
    if value is not None:
        return MetricView(label, value, basis, True)
    return MetricView(label, not_available(t.msg(reason) if reason else t("not measured"), t),
                      "", False)


def _whole(value: float, t: Translator) -> str:
    """A median of counts: 1640.0 -> "1,640"; 2.5 stays "2.5"."""
    return count(int(value), t) if value == int(value) else number(value, t)


def _maybe(value: float | None, t: Translator) -> str | None:
    return None if value is None else number(value, t)


def _basis(e: Engagement, t: Translator) -> str:
    return t("median of {counted} of {posts} original posts", counted=e.counted,
             posts=e.originals)


def _split(e: Engagement, t: Translator) -> str | None:
    values = (e.median_likes, e.median_shares, e.median_comments)
    if all(value is None for value in values):
        return None
    return " / ".join(t(NA) if value is None else number(value, t) for value in values)


def _mix(e: Engagement, t: Translator) -> str | None:
    parts = []
    for share, label in ((e.link_share, t("links")), (e.media_share, t("images or video")),
                         (e.video_share, t("videos"))):
        if share is not None:
            parts.append(f"{percent(share, t)} {label}")
    return ", ".join(parts) or None


def _best(e: Engagement, t: Translator) -> str | None:
    days = (t("Monday"), t("Tuesday"), t("Wednesday"), t("Thursday"), t("Friday"),
            t("Saturday"), t("Sunday"))
    parts = []
    if e.best_weekday is not None:
        parts.append(days[e.best_weekday])
    if e.best_hour is not None:
        parts.append(t("{hour}:00–{next}:00", hour=e.best_hour, next=(e.best_hour + 1) % 24))
    return ", ".join(parts) or None


def _newest(result: ProfileResult, t: Translator) -> Iterable[PostView]:
    originals = sorted((item for item in result.record.items if item.kind == "original"),
                       key=lambda item: item.published_at, reverse=True)
    for item in originals[:NEWEST_SHOWN]:
        yield PostView(date=format_date(item.published_at, t), kind="",
                       link=LinkView(clean_text(item.url or item.id, URL_CHARS),
                                     web_url(item.url)),
                       text=clean_text(item.text, TOP_TEXT_CHARS))


def organisation_audience(organisation: OrganisationResult, t: Translator) -> str:
    """"3,892 followers on 4 networks", or "" when no profile read shows a count."""
    known = [(p.record.platform, p.metrics.engagement.followers)
             for p in organisation.profiles if p.record.outcome in JUDGED_OUTCOMES
             and p.metrics.engagement.followers is not None]
    if not known:
        return ""
    total = sum(followers for _, followers in known if followers is not None)
    networks = len({platform for platform, _ in known})
    return t.n(networks, "{count} followers on {n} network", "{count} followers on {n} networks",
               count=count(total, t))


# -- side by side per network --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Numbers:
    profiles: int
    followers: int | None
    interactions: float | None
    posts_per_week: float | None
    reply_share: float | None
    completeness: float | None


def network_numbers(organisation: OrganisationResult) -> dict[str, _Numbers]:
    """Per network, the organisation's numbers over its profiles there that were read."""
    by_network: dict[str, list[ProfileResult]] = {}
    for profile in organisation.profiles:
        by_network.setdefault(profile.record.platform, []).append(profile)
    return {network: _numbers(profiles) for network, profiles in by_network.items()}


def _numbers(profiles: Sequence[ProfileResult]) -> _Numbers:
    read = [p.metrics for p in profiles if p.record.outcome in JUDGED_OUTCOMES]
    followers = [m.engagement.followers for m in read if m.engagement.followers is not None]
    medians = [m.engagement.median_interactions for m in read
               if m.engagement.median_interactions is not None]
    rates = [m.posts_per_week for m in read if m.posts_per_week is not None]
    shared = [m for m in read if m.reply_share is not None]
    own = sum(m.own_posts for m in shared)
    scores = [m.completeness.score for m in read if m.completeness.score is not None]
    return _Numbers(
        profiles=len(profiles),
        followers=sum(followers) if followers else None,
        interactions=round(sum(medians) / len(medians), 2) if medians else None,
        posts_per_week=round(sum(rates), 2) if rates else None,
        reply_share=round(sum(m.replies for m in shared) / own, 4) if own else None,
        completeness=round(sum(scores) / len(scores)) if scores else None,
    )


def network_tables(organisations: Sequence[tuple[str, str, bool]],
                   numbers: Sequence[Mapping[str, _Numbers]],
                   t: Translator) -> tuple[NetworkTable, ...]:
    """A table per network where two or more organisations have a profile: each column
    ranked (#1 is best: most followers, interactions, posts, dialogue, completeness)."""
    networks: dict[str, None] = {}
    for per_org in numbers:
        for network in per_org:
            networks.setdefault(network)
    tables = []
    for network in networks:
        present = [i for i, per_org in enumerate(numbers) if network in per_org]
        if len(present) < 2 or network == "website":
            continue
        values = [numbers[i][network] for i in present]
        columns = {name: _ranks([getattr(v, name) for v in values])
                   for name in ("followers", "interactions", "posts_per_week", "reply_share",
                                "completeness")}

        rows = []
        for j, i in enumerate(present):
            anchor, name, is_client = organisations[i]
            v = values[j]
            rows.append(NetworkRow(
                anchor=anchor, name=name, is_client=is_client, profiles=v.profiles,
                followers=_ranked(columns, j, "followers", t(NA) if v.followers is None
                                 else count(v.followers, t)),
                interactions=_ranked(columns, j, "interactions", number(v.interactions, t)),
                posts_per_week=_ranked(columns, j, "posts_per_week", number(v.posts_per_week, t)),
                reply_share=_ranked(columns, j, "reply_share", percent(v.reply_share, t)),
                completeness=_ranked(columns, j, "completeness", t(NA) if v.completeness is None
                                    else f"{v.completeness:.0f}/100")))
        tables.append(NetworkTable(platform_name(network, t), tuple(rows)))
    return tuple(tables)


def _ranked(columns: Mapping[str, list[int | None]], j: int, name: str,
            text: str) -> RankedValue:
    rank = columns[name][j]
    return RankedValue(text, f"#{rank}" if rank is not None else "")


def _ranks(values: Sequence[float | None]) -> list[int | None]:
    known = sorted({v for v in values if v is not None}, reverse=True)
    return [None if v is None else known.index(v) + 1 for v in values]
