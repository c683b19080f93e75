"""Audience, engagement and content mix of one profile (docs/metrics.md defines each).

Everything here is counted over the profile's **original posts in the window** (its own
posts that are neither replies nor reposts: what it publishes for its audience), from the
public counts each platform shows per post (:class:`auditor.models.Item`'s ``likes``,
``shares``, ``quotes``, ``comments`` and ``views``). A count the platform does not show is
unknown, never 0: a post whose platform shows no count at all is left out of the
medians, and a metric with nothing to stand on is None with its reason.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from auditor.messages import Msg, msg
from auditor.models import Item, ProfileRecord, cap_text, pickled_by_position

#: Top posts shown per profile.
TOP_POSTS = 3
#: Hashtags shown per profile.
TOP_HASHTAGS = 5
#: Posts a weekday or an hour needs before it can be the best one.
MIN_POSTS_PER_SLOT = 2
#: The metrics that need the posts (all but the followers).
_POST_METRICS = ("median_interactions", "median_views", "rate_per_1000", "link_share",
                 "media_share", "video_share", "best_weekday", "best_hour")
#: How much of a top post's text is kept.
EXCERPT_CHARS = 140
_HASHTAG = re.compile(r"(?<![\w&/])#(\w{2,60})", re.UNICODE)


@pickled_by_position
@dataclass(frozen=True, slots=True)
class TopPost:
    url: str | None
    published_at: datetime
    #: Likes + shares + quotes + comments the platform shows for it.
    interactions: int
    views: int | None
    text: str


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Engagement:
    #: Followers (subscribers) as the platform reports them when the profile was read
    #: (the record's ``fetched_at``).
    followers: int | None = None
    #: Original posts in the window, and those of them with at least one public count.
    originals: int = 0
    counted: int = 0
    #: Median likes + shares + quotes + comments per original post (of those counted).
    median_interactions: float | None = None
    median_likes: float | None = None
    median_shares: float | None = None
    median_comments: float | None = None
    #: Median views per original post, where the platform counts views.
    median_views: float | None = None
    #: median_interactions per 1,000 followers.
    rate_per_1000: float | None = None
    top_posts: tuple[TopPost, ...] = ()
    #: Shares of the original posts: with a link, with media, that are videos.
    link_share: float | None = None
    media_share: float | None = None
    video_share: float | None = None
    #: The hashtags used most, with how many original posts use each.
    hashtags: tuple[tuple[str, int], ...] = ()
    #: The weekday (0 = Monday) and hour of the day, in the audit's time zone, whose
    #: original posts have the highest median interactions.
    best_weekday: int | None = None
    best_hour: int | None = None
    null_reasons: Mapping[str, Msg] = field(default_factory=dict)


def interactions(item: Item) -> int | None:
    """Likes + shares + quotes + comments of ``item``; None when no count is shown."""
    counts = [c for c in (item.likes, item.shares, item.quotes, item.comments) if c is not None]
    return sum(counts) if counts else None


def compute_engagement(record: ProfileRecord, originals: Sequence[Item], *,
                       min_posts: int, tz: tzinfo = UTC) -> Engagement:
    """The engagement of ``record`` from its original posts in the window."""
    reasons: dict[str, Msg] = {}
    profile = record.profile
    followers = profile.followers if profile is not None else None
    if followers is None:
        reasons["followers"] = (msg("null.not_read", outcome=record.outcome)
                                if record.outcome != "ok" else msg("null.followers_hidden",
                                                                   platform=record.platform))
    counted = [(item, total) for item in originals
               if (total := interactions(item)) is not None]
    if record.outcome != "ok" or not originals:
        no_posts = (msg("null.not_read", outcome=record.outcome) if record.outcome != "ok"
                    else msg("null.no_originals"))
        for name in _POST_METRICS:
            reasons[name] = no_posts
        return Engagement(followers=followers, null_reasons=reasons)
    median_total = _median([total for _, total in counted])
    if median_total is None:
        reasons["median_interactions"] = msg("null.no_counts", platform=record.platform)
    views = [item.views for item in originals if item.views is not None]
    median_views = _median(views)
    if median_views is None:
        reasons["median_views"] = msg("null.no_views", platform=record.platform)
    rate = None
    if median_total is not None and followers:
        rate = round(median_total * 1000 / followers, 2)
    elif median_total is not None:
        reasons["rate_per_1000"] = (reasons["followers"] if followers is None
                                    else msg("null.no_followers"))
    else:
        reasons["rate_per_1000"] = reasons["median_interactions"]
    best_weekday, best_hour = _best(counted, min_posts, tz, reasons)
    media_known = [item for item in originals if item.media is not None]
    return Engagement(
        followers=followers, originals=len(originals), counted=len(counted),
        median_interactions=median_total,
        median_likes=_median([i.likes for i, _ in counted if i.likes is not None]),
        median_shares=_median([i.shares for i, _ in counted if i.shares is not None]),
        median_comments=_median([i.comments for i, _ in counted if i.comments is not None]),
        median_views=median_views, rate_per_1000=rate,
        top_posts=_top(counted),
        link_share=_share(originals, lambda item: bool(item.links)),
        media_share=_share(media_known, lambda item: bool(item.media)),
        video_share=_share(originals, lambda item: item.format in ("video", "short")),
        hashtags=_hashtags(originals),
        best_weekday=best_weekday, best_hour=best_hour, null_reasons=reasons,
    )


def _median(values: Sequence[int]) -> float | None:
    return round(float(statistics.median(values)), 2) if values else None


def _share(items: Sequence[Item], test: Callable[[Item], bool]) -> float | None:
    return round(sum(1 for item in items if test(item)) / len(items), 4) if items else None


def _top(counted: Sequence[tuple[Item, int]]) -> tuple[TopPost, ...]:
    best = sorted(counted, key=lambda pair: (pair[1], pair[0].published_at), reverse=True)
    return tuple(TopPost(url=item.url, published_at=item.published_at, interactions=total,
                         views=item.views, text=cap_text(item.text, EXCERPT_CHARS) or "")
                 for item, total in best[:TOP_POSTS] if total > 0)


def _hashtags(items: Sequence[Item]) -> tuple[tuple[str, int], ...]:
    """Each hashtag once per post, spelled as most posts spell it, most used first."""
    per_tag: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for item in items:
        seen: set[str] = set()
        for tag in _HASHTAG.findall(item.text):
            key = tag.casefold()
            spellings.setdefault(key, Counter())[tag] += 1
            if key not in seen and not key.isdigit():
                seen.add(key)
                per_tag[key] += 1
    ranked = sorted(per_tag.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_HASHTAGS]
    return tuple((spellings[key].most_common(1)[0][0], n) for key, n in ranked)


def _best(counted: Sequence[tuple[Item, int]], min_posts: int, tz: tzinfo,
          reasons: dict[str, Msg]) -> tuple[int | None, int | None]:
    """The weekday and hour whose posts have the highest median interactions."""
    if len(counted) < min_posts:
        why = msg("null.few_counted", posts=len(counted), minimum=min_posts)
        reasons["best_weekday"] = reasons["best_hour"] = why
        return None, None
    by_day: dict[int, list[int]] = {}
    by_hour: dict[int, list[int]] = {}
    for item, total in counted:
        local = item.published_at.astimezone(tz)
        by_day.setdefault(local.weekday(), []).append(total)
        by_hour.setdefault(local.hour, []).append(total)
    found: list[int | None] = []
    for name, slots in (("best_weekday", by_day), ("best_hour", by_hour)):
        eligible = {slot: statistics.median(v) for slot, v in slots.items()
                    if len(v) >= MIN_POSTS_PER_SLOT}
        if not eligible:
            reasons[name] = msg("null.slots_thin", minimum=MIN_POSTS_PER_SLOT)
            found.append(None)
            continue
        # the highest median; a tie goes to the slot with more posts, then the earlier one
        found.append(max(eligible, key=lambda s: (eligible[s], len(slots[s]), -s)))
    return found[0], found[1]
