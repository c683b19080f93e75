"""Activity and completeness metrics: pure functions of a record, the audit date and settings.

Every metric that cannot be measured is None with a reason in ``null_reasons``;
docs/metrics.md defines each number.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Final

from auditor.config import Thresholds
from auditor.contacts import find_contacts
from auditor.engagement import Engagement, compute_engagement
from auditor.messages import Msg, known_text, msg, text
from auditor.models import (
    OWN_POST_KINDS,
    Item,
    ProfileFacts,
    ProfileRecord,
    pickled_by_position,
)
from auditor.responsetime import response_time
from auditor.urls import host_of, is_http_url, same_site

#: Checklist items and their weight in the completeness score (they add up to 100).
CHECK_WEIGHTS: Final = {
    "photo": 30,
    "bio": 20,
    "contact": 20,
    "website": 15,
    "display_name": 10,
    "banner": 5,
}
#: A bio shorter than this says nothing about who you are.
MIN_BIO_CHARS: Final = 20

#: Links in a profile that are a way to get in touch, not a website.
_CONTACT_LINK = re.compile(r"^(mailto:|tel:)|^https?://(wa\.me|api\.whatsapp\.com|m\.me)/"
                           r"|^https?://[^/]+/(contact|kontakt|contacteer|neem-contact)", re.I)
_URL_TEXT = re.compile(r"https?://\S+|www\.\S+", re.I)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: A "link-only" post has at most this many words besides its link.
LINK_ONLY_MAX_WORDS: Final = 12
#: Automation signals are only computed over at least this many own posts.
MIN_POSTS_FOR_AUTOMATION: Final = 10


@pickled_by_position
@dataclass(frozen=True, slots=True)
class WeekBucket:
    """Own posts in one week of the window (for the report's timeline chart)."""

    start: date
    #: Originals and self-replies.
    posts: int
    replies: int
    reposts: int
    #: False when the sample does not reach back into this week (unknown, not zero).
    covered: bool


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Crosspost:
    """Own posts of one profile whose text also appears on other profiles of its organisation
    (found by auditor.consistency, which sees them all)."""

    posts: int
    basis: int
    with_profiles: tuple[str, ...]
    examples: tuple[str, ...] = ()


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Automation:
    """Signs of automatic posting, shown as evidence; strong ones raise AUTOMATED."""

    #: Own posts that are only a link to the organisation's own website (<= 12 other words).
    own_link_posts: int = 0
    own_link_share: float | None = None
    #: The minute past the hour most own posts were published at, and their share.
    top_minute: int | None = None
    same_minute_share: float | None = None
    #: Own posts whose text also appears (near-identically) on another of the
    #: organisation's profiles; filled in by the audit, which sees every profile.
    crossposted: int = 0
    crossposted_share: float | None = None
    crossposted_with: tuple[str, ...] = ()
    #: Posts over which the shares are computed.
    basis: int = 0


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Completeness:
    """The profile checklist: each item True, False, or None (not applicable / not observable)."""

    score: int | None
    checks: Mapping[str, bool | None]
    #: Why an item is None, or what was found (e.g. the e-mail address seen).
    notes: Mapping[str, Msg] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name, value in self.checks.items() if value is False)


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Metrics:
    last_post_at: datetime | None
    last_post_url: str | None
    #: Where last_post_at comes from: "items" (a fetched post) or "platform" (reported date).
    last_post_source: str | None
    days_since_last_post: int | None
    posts_per_week: float | None
    window_days: int
    #: Days the rate is computed over: the window, or less when the sample or account is younger.
    covered_days: float | None
    #: Items fetched for the profile, of any date.
    sampled_items: int
    items_in_window: int
    own_posts: int
    originals: int
    replies: int
    self_replies: int
    reposts: int
    #: The page cap stopped the crawl before the window was covered.
    page_cap_cut_sample: bool
    reply_share: float | None
    repost_share: float | None
    posts_total: int | None
    completeness: Completeness
    null_reasons: Mapping[str, Msg] = field(default_factory=dict)
    #: Median and longest gap in days between consecutive own posts in the span.
    median_gap_days: float | None = None
    longest_gap_days: float | None = None
    #: Own posts per weekday (Monday first) and per hour (UTC) over the span.
    weekday_profile: tuple[int, ...] = (0,) * 7
    hour_profile: tuple[int, ...] = (0,) * 24
    #: The same per weekday and per hour in the audit's time zone (``[audit] timezone``),
    #: which the report charts; None when that zone is UTC (the two above then).
    local_weekday_profile: tuple[int, ...] | None = None
    local_hour_profile: tuple[int, ...] | None = None
    #: Weekly counts over the window, oldest week first.
    weekly: tuple[WeekBucket, ...] = ()
    automation: Automation = field(default_factory=Automation)
    #: Audience, engagement and content mix (auditor.engagement).
    engagement: Engagement = field(default_factory=Engagement)
    #: Median hours from a visitor's comment to the account's answer, over
    #: ``responses_timed`` answers in the span (auditor.responsetime; Facebook pages).
    median_response_hours: float | None = None
    responses_timed: int = 0


def compute_metrics(record: ProfileRecord, as_of: datetime, *, window_days: int,
                    thresholds: Thresholds, own_hosts: Collection[str] = (),
                    crossposted: Crosspost | None = None, tz: tzinfo = UTC) -> Metrics:
    """All metrics of one profile at ``as_of`` over ``window_days``.

    ``tz`` is the audit's time zone (``[audit] timezone``): the own posts per weekday and
    per hour of the day are counted in it too (``local_*_profile``: a post at 9 o'clock in
    Amsterdam is at 9 there, at 8 in the UTC profile that report.json keeps).

    ``own_hosts`` are the host names of the organisation's own website: posts that are
    only a link there are a sign of automatic posting. ``crossposted`` is what the
    organisation's other profiles repeat of this one's posts (auditor.consistency), which
    only the whole organisation shows.
    """
    completeness = compute_completeness(record)
    posts_total = record.profile.posts_total if record.profile else None
    reasons: dict[str, Msg] = {}
    if record.outcome != "ok":
        why = msg("null.not_read", outcome=record.outcome)
        for name in ("last_post_at", "days_since_last_post", "posts_per_week", "reply_share",
                     "repost_share"):
            reasons[name] = why
        return Metrics(
            last_post_at=None, last_post_url=None, last_post_source=None,
            days_since_last_post=None, posts_per_week=None, window_days=window_days,
            covered_days=None, sampled_items=len(record.items), items_in_window=0, own_posts=0,
            originals=0, replies=0, self_replies=0, reposts=0, page_cap_cut_sample=False,
            reply_share=None, repost_share=None, posts_total=posts_total,
            completeness=completeness, null_reasons=reasons,
            engagement=compute_engagement(record, (), min_posts=thresholds.min_posts_for_ratio),
        )

    window_start = as_of - timedelta(days=window_days)
    # Posts dated after the audit date did not exist yet at as_of (re-judging an old audit).
    as_of = aware(as_of)
    record = _with_aware_dates(record)
    known = [item for item in record.items if item.published_at <= as_of]
    last_post_at, last_post_url, source = _last_post(known, record.profile, as_of)
    unread_posts = msg("null.posts_unread")
    if last_post_at is None:
        if record.sample is None:
            why = unread_posts
        elif posts_total == 0:
            why = msg("null.never_posted")
        else:
            why = msg("null.no_public_post")
        reasons["last_post_at"] = reasons["days_since_last_post"] = why
    days_since = None if last_post_at is None else int((as_of - last_post_at).total_seconds()
                                                       // 86400)

    sample = record.sample
    exhausted = bool(sample and sample.exhausted)
    oldest = min((item.published_at for item in known), default=None)
    span_start = window_start
    if not exhausted and oldest is not None and oldest > window_start:
        span_start = oldest  # the sample stops before the window starts
    created = record.profile.created_at if record.profile else None
    if created is not None and created > span_start:
        span_start = created  # the account did not exist before
    in_span = [item for item in known if item.published_at >= span_start]
    covered_days = round(max((as_of - span_start).total_seconds(), 0) / 86400, 2)
    page_cap_cut = bool(sample and sample.page_cap_reached and span_start > window_start
                        and span_start == oldest)

    counts = {kind: 0 for kind in ("original", "reply", "self_reply", "repost")}
    for item in in_span:
        if item.kind in counts:
            counts[item.kind] += 1
    own = sum(counts[kind] for kind in OWN_POST_KINDS)

    posts_per_week: float | None
    # A platform that dates the last post before the window says there is none in it:
    # zero per week is known, though no post was fetched (its statuses were not read).
    quiet = source == "platform" and last_post_at is not None and last_post_at < window_start
    if not known and not exhausted and not quiet:
        posts_per_week = None
        reasons["posts_per_week"] = (unread_posts if record.sample is None else
                                     msg("null.no_post_fetched"))
    elif covered_days < 1:
        posts_per_week = None
        reasons["posts_per_week"] = msg("null.short_span")
    else:
        posts_per_week = round(own * 7 / covered_days, 2)

    minimum = thresholds.min_posts_for_ratio
    reply_share: float | None = None
    if not record.replies_observable:
        reasons["reply_share"] = msg("null.replies_not_shown", platform=record.platform)
    elif own < minimum:
        reasons["reply_share"] = msg("null.few_own_posts", posts=own, minimum=minimum)
    else:
        reply_share = round(counts["reply"] / own, 4)
    repost_share: float | None = None
    if len(in_span) < minimum:
        reasons["repost_share"] = msg("null.few_items", items=len(in_span), minimum=minimum)
    else:
        repost_share = round(counts["repost"] / len(in_span), 4)

    own_items = sorted((item for item in in_span if item.kind in OWN_POST_KINDS),
                       key=lambda item: item.published_at)
    gaps = [(b.published_at - a.published_at).total_seconds() / 86400
            for a, b in pairwise(own_items)]
    median_gap = round(statistics.median(gaps), 2) if gaps else None
    longest_gap = round(max(gaps), 2) if gaps else None
    if not gaps:
        reasons["median_gap_days"] = reasons["longest_gap_days"] = msg(
            "null.gap_needs_two", posts=len(own_items))
    weekdays = [0] * 7
    hours = [0] * 24
    local_weekdays = [0] * 7
    local_hours = [0] * 24
    for item in own_items:
        weekdays[item.published_at.weekday()] += 1
        hours[item.published_at.hour] += 1
        local = item.published_at.astimezone(tz)
        local_weekdays[local.weekday()] += 1
        local_hours[local.hour] += 1
    in_utc = tz is UTC or str(tz) == "UTC"
    response_hours, responses_timed = response_time(in_span, record, reasons)

    return Metrics(
        last_post_at=last_post_at, last_post_url=last_post_url, last_post_source=source,
        days_since_last_post=days_since, posts_per_week=posts_per_week, window_days=window_days,
        covered_days=covered_days, sampled_items=len(record.items), items_in_window=len(in_span),
        own_posts=own, originals=counts["original"], replies=counts["reply"],
        self_replies=counts["self_reply"], reposts=counts["repost"],
        page_cap_cut_sample=page_cap_cut, reply_share=reply_share, repost_share=repost_share,
        posts_total=posts_total, completeness=completeness, null_reasons=reasons,
        median_gap_days=median_gap, longest_gap_days=longest_gap,
        weekday_profile=tuple(weekdays), hour_profile=tuple(hours),
        local_weekday_profile=None if in_utc else tuple(local_weekdays),
        local_hour_profile=None if in_utc else tuple(local_hours),
        weekly=weekly_buckets(in_span, as_of, window_days, covered_from=span_start),
        automation=automation_signals(own_items, own_hosts, crossposted),
        engagement=compute_engagement(
            record, [item for item in own_items if item.kind == "original"],
            min_posts=thresholds.min_posts_for_ratio, tz=tz),
        median_response_hours=response_hours, responses_timed=responses_timed,
    )


def weekly_buckets(items: list[Item], as_of: datetime, window_days: int, *,
                   covered_from: datetime) -> tuple[WeekBucket, ...]:
    """Counts per 7-day bucket ending at ``as_of``, oldest first."""
    weeks = max(1, -(-window_days // 7))
    buckets = []
    for index in range(weeks):
        end = as_of - timedelta(days=7 * (weeks - 1 - index))
        start = end - timedelta(days=7)
        chosen = [item for item in items if start < item.published_at <= end]
        buckets.append(WeekBucket(
            start=start.date(),
            posts=sum(1 for item in chosen if item.kind in ("original", "self_reply")),
            replies=sum(1 for item in chosen if item.kind == "reply"),
            reposts=sum(1 for item in chosen if item.kind == "repost"),
            covered=end > covered_from,
        ))
    return tuple(buckets)


def is_link_only(item: Item, own_hosts: Collection[str]) -> bool:
    """A post that is a link to the organisation's own site and at most a few words."""
    if not own_hosts or not item.links:
        return False
    if not any(_same_site(host_of(link), own_hosts) for link in item.links):
        return False
    words = _WORD.findall(_URL_TEXT.sub(" ", item.text or ""))
    return len(words) <= LINK_ONLY_MAX_WORDS


def _same_site(host: str, own_hosts: Collection[str]) -> bool:
    return any(same_site(host, own) for own in own_hosts)


def automation_signals(own_items: list[Item], own_hosts: Collection[str],
                       crossposted: Crosspost | None = None) -> Automation:
    """Link-only posts, fixed-minute posting and (given ``crossposted``) posts repeated on
    the organisation's other profiles, over the account's own posts."""
    basis = len(own_items)
    if basis < MIN_POSTS_FOR_AUTOMATION:
        return Automation(basis=basis)
    link_only = sum(1 for item in own_items if is_link_only(item, own_hosts))
    timed = [item for item in own_items if item.kind != "reply"]
    if all(item.published_at.hour == 0 and item.published_at.minute == 0 for item in timed):
        timed = []  # dates without a time of day (some feeds): the minute says nothing
    minutes = Counter(item.published_at.minute for item in timed)
    top_minute, top_count = minutes.most_common(1)[0] if minutes else (None, 0)
    counted = sum(minutes.values())
    share = (round(crossposted.posts / crossposted.basis, 4)
             if crossposted is not None and crossposted.basis else None)
    return Automation(
        own_link_posts=link_only,
        own_link_share=round(link_only / basis, 4) if own_hosts else None,
        top_minute=top_minute,
        same_minute_share=round(top_count / counted, 4) if counted else None,
        crossposted=crossposted.posts if crossposted is not None else 0,
        crossposted_share=share,
        crossposted_with=crossposted.with_profiles if crossposted is not None else (),
        basis=basis,
    )


def normalised_text(text: str) -> str:
    """Text compared across profiles: no links, lower case, words only."""
    return " ".join(_WORD.findall(_URL_TEXT.sub(" ", text or "").lower()))


def aware(moment: datetime) -> datetime:
    """Naive times are taken as UTC (adapters note where a source gave one)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _with_aware_dates(record: ProfileRecord) -> ProfileRecord:
    """The record with every date comparable to an aware ``as_of``."""
    naive_items = any(item.published_at.tzinfo is None for item in record.items)
    profile = record.profile
    naive_profile = profile is not None and any(
        moment is not None and moment.tzinfo is None
        for moment in (profile.created_at, profile.last_post_reported_at))
    if not naive_items and not naive_profile:
        return record
    items = tuple(replace(item, published_at=aware(item.published_at))
                  for item in record.items)
    if profile is not None and naive_profile:
        profile = replace(
            profile,
            created_at=aware(profile.created_at) if profile.created_at else None,
            last_post_reported_at=(aware(profile.last_post_reported_at)
                                   if profile.last_post_reported_at else None))
    return replace(record, items=items, profile=profile)


def _last_post(items: list[Item], profile: ProfileFacts | None,
               as_of: datetime) -> tuple[datetime | None, str | None, str | None]:
    if items:
        newest = max(items, key=lambda item: item.published_at)
        return newest.published_at, newest.url, "items"
    reported = profile.last_post_reported_at if profile else None
    if reported is not None and reported <= as_of and (profile and profile.posts_total != 0):
        return reported, None, "platform"
    return None, None, None


def compute_completeness(record: ProfileRecord) -> Completeness:
    """The checklist and weighted score; all None when the profile could not be read."""
    profile = record.profile
    if profile is None:
        return Completeness(score=None, checks={name: None for name in CHECK_WEIGHTS},
                            notes={name: msg("note.not_read") for name in CHECK_WEIGHTS})
    checks: dict[str, bool | None] = {}
    notes: dict[str, Msg] = {}

    # A "photo" that is not an http(s) address (javascript:, data:) shows no photo.
    shown = bool(profile.avatar_url) and is_http_url(profile.avatar_url or "")
    checks["photo"] = shown and profile.avatar_is_default is not True
    if profile.avatar_is_default:
        notes["photo"] = msg("note.default_avatar")
    elif not profile.avatar_url:
        notes["photo"] = msg("note.no_avatar")
    elif not shown:
        notes["photo"] = msg("note.bad_avatar")

    checks["display_name"] = bool(profile.display_name and profile.display_name.strip())

    bio = (profile.bio or "").strip()
    bare = bio.lstrip("@").split("@")[0].lower()
    if profile.bio is None:
        checks["bio"] = None
        notes["bio"] = msg("note.not_shown")
    elif not bio:
        checks["bio"] = False
        notes["bio"] = msg("note.empty")
    elif profile.username and bare == profile.username.lower():
        checks["bio"] = False
        notes["bio"] = msg("note.only_handle")
    elif len(bio) < MIN_BIO_CHARS:
        checks["bio"] = False
        notes["bio"] = msg("note.short_bio", count=len(bio))
    else:
        checks["bio"] = True

    texts = [bio, *(f"{f.name} {f.value}" for f in profile.fields)]
    emails, phones = find_contacts(texts)
    field_links = [link for f in profile.fields for link in f.links]
    contact_links = [link for link in (*profile.links, *field_links)
                     if _CONTACT_LINK.search(link)]
    checks["contact"] = bool(emails or phones or contact_links)
    if emails or phones or contact_links:
        notes["contact"] = text(", ".join(dict.fromkeys([*emails, *phones, *contact_links])))
    else:
        notes["contact"] = msg("note.no_contact")

    checks["website"] = bool(profile.links)
    if profile.links:
        notes["website"] = text(profile.links[0])

    checks["banner"] = bool(profile.banner_url) and profile.banner_is_default is not True
    if profile.banner_is_default:
        notes["banner"] = msg("note.default_banner")

    for name, reason in record.unobservable.items():
        if name in checks:
            checks[name] = None
            notes[name] = known_text(reason) or text(reason)

    applicable = {name: value for name, value in checks.items() if value is not None}
    total = sum(CHECK_WEIGHTS[name] for name in applicable)
    score = None if total == 0 else round(
        100 * sum(CHECK_WEIGHTS[name] for name, value in applicable.items() if value) / total
    )
    ordered = {name: checks[name] for name in CHECK_WEIGHTS}
    return Completeness(score=score, checks=ordered, notes=notes)
