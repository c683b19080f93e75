"""Posts from an earlier audit, joined with the new ones, read as a full crawl would read them.

A re-audit with history asks a paged timeline (Mastodon's statuses) only for the posts newer
than the newest one stored; the rest come from the history (:class:`KnownPosts`). The
result must be what a full read of the same data gives, so the joined list is cut the way
the full read cuts it: pages of ``page_size`` from the newest post, stopping after the page
whose oldest post is older than the window start (of *this* audit's date), or at the page
cap. Where the history does not reach far enough, or the read would run into the end of the
account's history (whose paging differs from server to server), the answer is None and the
timeline is read in full.

Bluesky's feed and Telegram's preview pages have no "newer than" parameter: a re-audit reads
them from the newest as a full read does and stops at the first page that reaches the
newest stored post (:func:`join_read`); the pages a full read would have read after it
are cut from the joined posts, which needs pages of one fixed size (every stored page full,
and the fresh ones too). :func:`known_of` says what of a record is kept for that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from auditor.models import Item, ProfileRecord, Sample, to_jsonable
from auditor.platforms.base import KnownPosts


@dataclass(frozen=True, slots=True)
class Joined:
    """The posts a full read would have fetched, and how it would have ended."""

    items: tuple[Item, ...]
    sample: Sample


def newest_id(items: Iterable[Item]) -> str | None:
    """The largest id among ``items`` when every id is a decimal number (Mastodon's ids
    grow with time); None otherwise: then ``min_id`` cannot be trusted to mean "newer"."""
    best: int | None = None
    for item in items:
        if not item.id.isdecimal() or len(item.id) > 30:
            return None
        value = int(item.id)
        best = value if best is None or value > best else best
    return None if best is None else str(best)


def join(new: Sequence[Item], known: KnownPosts) -> tuple[Item, ...]:
    """The new posts and the stored ones, newest first, each id once."""
    seen: set[str] = set()
    joined: list[Item] = []
    for item in sorted((*new, *known.items), key=lambda i: i.published_at, reverse=True):
        if item.id not in seen:
            seen.add(item.id)
            joined.append(item)
    return tuple(joined)


def as_full_read(items: Sequence[Item], *, complete: bool, page_size: int, max_pages: int,
                 window_start: datetime) -> Joined | None:
    """``items`` (newest first, the account's newest posts with none missing in between;
    ``complete``: all of them) cut as a full read of ``page_size`` per page would cut them;
    None when that read would need a post not in ``items`` or would reach the end of the
    account's history."""
    if page_size < 1 or max_pages < 1:
        return None
    pages = 0
    while True:
        chunk = items[pages * page_size:(pages + 1) * page_size]
        if len(chunk) < page_size:
            return None  # this page holds posts the history does not have
        pages += 1
        if complete and pages * page_size >= len(items):
            return None  # the end of the history: servers page there differently
        if min(item.published_at for item in chunk) < window_start:
            return Joined(tuple(items[:pages * page_size]),
                          Sample(pages=pages, page_cap_reached=False, exhausted=False))
        if pages >= max_pages:
            return Joined(tuple(items[:pages * page_size]),
                          Sample(pages=pages, page_cap_reached=True, exhausted=False))


def join_read(read: Sequence[Item], known: KnownPosts, *, page_size: int, pages_read: int,
              max_pages: int, window_start: datetime) -> Joined | None:
    """The posts a full read would give, from the ``pages_read`` pages read now (``read``,
    the timeline newest first, without a pinned post shown on top) and the stored ones;
    None when they cannot be joined exactly: the stored newest post is not among those read,
    the posts read after it are not the stored ones (one was deleted), a page read now or
    stored was not a full page of ``page_size`` (the pages would fall elsewhere), or the
    cut needs posts that neither has."""
    if (not known.items or known.exhausted or known.pages is None or pages_read < 1
            or len(read) != pages_read * page_size
            or len(known.items) != known.pages * page_size):
        return None
    ids = [item.id for item in read]
    try:
        start = ids.index(known.items[0].id)
    except ValueError:
        return None  # the newest stored post is further back: read on
    overlap = len(read) - start
    if ids[start:] != [item.id for item in known.items[:overlap]]:
        return None
    return as_full_read((*read, *known.items[overlap:]), complete=False, page_size=page_size,
                        max_pages=max_pages, window_start=window_start)


#: A note the Telegram adapter writes on every channel that shows counters: not a sign of
#: an unclean read.
TELEGRAM_COUNTERS_NOTE = "channel counters: "


def known_of(record: ProfileRecord) -> KnownPosts | None:
    """What of ``record`` is kept for the next audit: only whole, clean reads (a page that
    skipped an unreadable post would not be cut as a full read cuts it)."""
    if (record.outcome != "ok" or not record.items or record.sample is None
            or record.sample.pages == 0 or record.profile is None):
        return None
    notes = record.notes
    if record.platform == "telegram":
        notes = tuple(note for note in notes if not str(note).startswith(TELEGRAM_COUNTERS_NOTE))
    if notes:
        return None
    if record.platform == "mastodon":
        newest = newest_id(record.items)
        if newest is None:
            return None
        return KnownPosts(newest_id=newest, posts_total=record.profile.posts_total,
                          items=record.items, exhausted=record.sample.exhausted,
                          last_post_reported_at=record.profile.last_post_reported_at,
                          pages=record.sample.pages)
    if record.platform not in ("bluesky", "telegram") or record.sample.exhausted:
        return None  # a whole history read ends where servers page differently: read again
    timeline: list[Item] | None
    if record.platform == "telegram":
        if newest_id(record.items) is None:
            return None
        timeline = sorted(record.items, key=lambda i: int(i.id), reverse=True)
    else:
        timeline = _bluesky_timeline(record.items)
    if not timeline:
        return None
    return KnownPosts(newest_id=timeline[0].id, posts_total=record.profile.posts_total,
                      items=tuple(timeline), exhausted=False, pages=record.sample.pages)


def _bluesky_timeline(items: Sequence[Item]) -> list[Item] | None:
    """The feed's own order without the pinned post shown on top: the pinned post stays
    where the timeline has it (its date within the posts read), else it is left out; its
    pin is the profile's of the day, so it is not kept."""
    pinned = [item for item in items if item.pinned]
    others = [item for item in items if not item.pinned]
    if len(pinned) > 1 or not others:
        return None
    oldest = min(item.published_at for item in others)
    timeline = others
    if pinned:
        if pinned[0].published_at == oldest:
            return None  # on the edge: it cannot be told whether the read reached it
        if pinned[0].published_at > oldest:
            timeline = sorted((*others, replace(pinned[0], pinned=False)),
                              key=lambda i: i.published_at, reverse=True)
    dates = [item.published_at for item in timeline]
    if len(set(dates)) != len(dates):
        return None  # two posts of one time: their order in the feed is not known
    return timeline


def known_to_json(known: KnownPosts) -> dict[str, Any]:
    return {"newest_id": known.newest_id, "posts_total": known.posts_total,
            "exhausted": known.exhausted, "pages": known.pages,
            "last_post_reported_at": to_jsonable(known.last_post_reported_at),
            "items": [to_jsonable(item) for item in known.items]}


def known_from_json(data: Any) -> KnownPosts | None:
    """The stored timeline, or None when it is not one (an older or damaged row)."""
    from auditor.models import _item_from_dict

    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return None
    try:
        items = tuple(_item_from_dict(item) for item in data["items"])
        reported = data.get("last_post_reported_at")
        total = data.get("posts_total")
        pages = data.get("pages")
        return KnownPosts(
            newest_id=data["newest_id"] if isinstance(data.get("newest_id"), str) else None,
            posts_total=total if isinstance(total, int) and not isinstance(total, bool)
            else None,
            items=items, exhausted=data.get("exhausted") is True,
            last_post_reported_at=datetime.fromisoformat(reported)
            if isinstance(reported, str) else None,
            pages=pages if isinstance(pages, int) and not isinstance(pages, bool) else None)
    except (KeyError, TypeError, ValueError):
        return None
