"""Posts from an earlier audit, joined with the new ones, read as a full crawl would read them.

A re-audit with history asks a paged timeline (Mastodon's statuses) only for the posts newer
than the newest one stored; the rest come from the history (:class:`KnownPosts`). The
result must be what a full read of the same data gives, so the joined list is cut the way
the full read cuts it: pages of ``page_size`` from the newest post, stopping after the page
whose oldest post is older than the window start (of *this* audit's date), or at the page
cap. Where the history does not reach far enough, or the read would run into the end of the
account's history (whose paging differs from server to server), the answer is None and the
timeline is read in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditor.models import Item, Sample, to_jsonable
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


def known_to_json(known: KnownPosts) -> dict[str, Any]:
    return {"newest_id": known.newest_id, "posts_total": known.posts_total,
            "exhausted": known.exhausted,
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
        return KnownPosts(
            newest_id=data["newest_id"] if isinstance(data.get("newest_id"), str) else None,
            posts_total=total if isinstance(total, int) and not isinstance(total, bool)
            else None,
            items=items, exhausted=data.get("exhausted") is True,
            last_post_reported_at=datetime.fromisoformat(reported)
            if isinstance(reported, str) else None)
    except (KeyError, TypeError, ValueError):
        return None
