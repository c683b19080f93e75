"""A re-audit of Bluesky and Telegram reads from the newest post and stops at the page that
reaches the newest one stored (auditor.platforms.timeline.join_read): the record equals a
full read of the same data, changed or not; anything that does not fit reads in full.
Images at addresses that may change are reused while fresh (RFC 9111) or revalidated.

The answers come from bench/fakeplatforms.py's routes (no server): its data "a month
later" (LATER_DAYS) gives every tenth profile 12 new posts and leaves the others as they were.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.answercache import is_fresh
from auditor.models import ProfileRecord
from auditor.platforms.base import CrawlOptions, Fetch, KnownPosts, Page, Target
from auditor.platforms.bluesky import BlueskyAdapter
from auditor.platforms.telegram import TelegramAdapter
from auditor.platforms.timeline import known_from_json, known_of, known_to_json
from tests.chain import ChainRun, run_chain

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import fakeplatforms as fp  # noqa: E402  (bench/ is not a package on the import path)

BASE = "http://127.0.0.9:9"
FIRST = datetime(2026, 11, 1, tzinfo=UTC)
LATER = datetime(2026, 12, 1, tzinfo=UTC)
ROLE = {"bluesky": "bluesky", "telegram": "telegram"}


@pytest.fixture
def later() -> Iterator[None]:
    yield
    fp.LATER_DAYS = 0


def answer_from(role: str, fetched_at: datetime, edit: dict[str, bytes] | None = None):
    def answer(fetch: Fetch) -> Page:
        parts = urlsplit(fetch.url)
        status, headers, body = fp.route(role, BASE, parts.path, parts.query, robots=False)
        body = (edit or {}).get(fetch.url, body)
        return Page(url=fetch.url, status=status,
                    headers={k.lower(): v for k, v in headers}, body=body,
                    fetched_at=fetched_at)
    return answer


def index(kind: str, platform: str, *, is_changed: bool) -> int:
    return next(i for i in range(30, 3000) if fp.kind_of(i) == kind
                and fp.platform_of_index(i) == platform and (i % 10 == 3) == is_changed)


def url_of(platform: str, i: int) -> str:
    return (f"https://bsky.app/profile/u{i}.example" if platform == "bluesky"
            else f"https://t.me/u{i}")


def adapter_of(platform: str) -> BlueskyAdapter | TelegramAdapter:
    return BlueskyAdapter() if platform == "bluesky" else TelegramAdapter()


def read(platform: str, i: int, as_of: datetime, known: KnownPosts | None = None,
         edit: dict[str, bytes] | None = None) -> ChainRun:
    adapter = adapter_of(platform)
    options = CrawlOptions(as_of=as_of, window_days=90, max_pages=3,
                           endpoints={platform: BASE})
    url = url_of(platform, i)
    answer = answer_from(ROLE[platform], as_of, edit)
    if known is None:
        return run_chain(adapter, url, answer, options=options)
    # run_chain builds its own Target: start the chain from one that carries ``known``
    target = Target(url=url, platform=platform, organisation="Org", role="client",
                    source_url=url, known=known)
    original = adapter.start
    adapter.start = lambda _t, o: original(target, o)  # type: ignore[method-assign]
    return run_chain(adapter, url, answer, options=options)


def same(a: ProfileRecord, b: ProfileRecord) -> None:
    assert a.items == b.items
    assert a.sample == b.sample
    assert a.notes == b.notes
    assert a.profile == b.profile
    assert a.outcome == b.outcome == "ok"


@pytest.mark.parametrize("platform", ["bluesky", "telegram"])
@pytest.mark.parametrize("kind", ["healthy", "broadcast"])
@pytest.mark.parametrize("is_changed", [False, True])
def test_reaudit_stops_at_the_newest_stored_post_and_equals_a_full_read(
        platform: str, kind: str, is_changed: bool, later: None) -> None:
    i = index(kind, platform, is_changed=is_changed)
    first = read(platform, i, FIRST).record
    known = known_of(first)
    assert known is not None and known.pages == first.sample.pages and known.pages >= 2
    known = known_from_json(known_to_json(known))  # as the history keeps it
    assert known is not None
    fp.LATER_DAYS = 30
    full = read(platform, i, LATER)
    again = read(platform, i, LATER, known)
    same(again.record, full.record)
    assert len(again.fetched) == (2 if platform == "bluesky" else 1)  # profile, first page
    if kind == "broadcast":  # three pages for a full read, in the window or to the cap
        assert len(full.fetched) == len(again.fetched) + 2


@pytest.mark.parametrize("platform", ["bluesky", "telegram"])
def test_a_deleted_post_reads_in_full(platform: str, later: None) -> None:
    i = index("broadcast", platform, is_changed=False)
    first = read(platform, i, FIRST).record
    known = known_of(first)
    assert known is not None
    # the history holds a post the platform no longer shows after the newest stored one
    ghost = replace(known.items[1], id="99999999" if platform == "telegram" else "at://x/y/z")
    damaged = replace(known, items=(known.items[0], ghost, *known.items[1:-1]))
    full = read(platform, i, FIRST)
    again = read(platform, i, FIRST, damaged)
    same(again.record, full.record)
    assert again.fetched == full.fetched


@pytest.mark.parametrize("platform", ["bluesky", "telegram"])
def test_stored_pages_of_another_size_read_in_full(platform: str, later: None) -> None:
    i = index("broadcast", platform, is_changed=False)
    first = read(platform, i, FIRST).record
    known = known_of(first)
    assert known is not None
    shorter = replace(known, items=known.items[:-1])  # the stored pages were not all full
    full = read(platform, i, FIRST)
    again = read(platform, i, FIRST, shorter)
    same(again.record, full.record)
    assert again.fetched == full.fetched


def test_newest_stored_post_not_on_the_first_page_reads_on(later: None) -> None:
    i = index("broadcast", "bluesky", is_changed=False)
    first = read("bluesky", i, FIRST).record
    known = known_of(first)
    assert known is not None
    # a history from long ago: its newest post is on the second page now
    old = replace(known, items=known.items[100:] + known.items[:100])
    again = read("bluesky", i, FIRST, old)
    same(again.record, first)


def test_a_page_with_an_unreadable_message_is_not_joined(later: None) -> None:
    i = index("broadcast", "telegram", is_changed=True)
    first = read("telegram", i, FIRST).record
    known = known_of(first)
    assert known is not None
    fp.LATER_DAYS = 30
    preview = f"{BASE}/s/u{i}"
    body = fp.route("telegram", BASE, f"/s/u{i}", "", robots=False)[2]
    # a service notice on the first page: it is no item, so pages would not fall the same
    broken = body.replace(
        b'class="tgme_widget_message text_not_supported_wrap js-widget_message"',
        b'class="tgme_widget_message service_message js-widget_message"', 1)
    assert broken != body
    full = read("telegram", i, LATER, edit={preview: broken})
    again = read("telegram", i, LATER, known, edit={preview: broken})
    same(again.record, full.record)
    assert again.fetched == full.fetched


def test_only_clean_whole_reads_are_kept(later: None) -> None:
    i = index("healthy", "bluesky", is_changed=False)
    first = read("bluesky", i, FIRST).record
    assert known_of(first) is not None
    assert known_of(replace(first, notes=("feed page 2: 1 unreadable item(s) skipped",))) is None
    assert known_of(replace(first, sample=replace(first.sample, exhausted=True))) is None
    assert known_of(replace(first, outcome="error")) is None
    dead = read("bluesky", index("dead", "bluesky", is_changed=False), FIRST).record
    assert known_of(dead) is None  # one page, the whole history: nothing to save
    tg = read("telegram", index("healthy", "telegram", is_changed=False), FIRST).record
    assert any(str(n).startswith("channel counters: ") for n in tg.notes)
    assert known_of(tg) is not None  # the counters note is not a sign of an unclean read


def test_pinned_post_stays_out_of_the_stored_timeline_unless_it_was_in_it() -> None:
    i = index("healthy", "bluesky", is_changed=False)
    first = read("bluesky", i, FIRST).record
    oldest = first.items[-1]
    pin_old = replace(oldest, id="at://pinned/old", pinned=True,
                      published_at=oldest.published_at - timedelta(days=400))
    known = known_of(replace(first, items=(*first.items, pin_old)))
    assert known is not None and all(item.id != "at://pinned/old" for item in known.items)
    middle = first.items[10]
    pinned_inside = replace(middle, pinned=True)
    items = tuple(pinned_inside if item is middle else item for item in first.items)
    known = known_of(replace(first, items=items))
    assert known is not None
    assert [item.id for item in known.items] == [item.id for item in first.items]
    assert not any(item.pinned for item in known.items)


def test_freshness_of_a_stored_image() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    date = "Sun, 01 Nov 2026 00:00:00 GMT"
    # heuristic: a tenth of the time since Last-Modified (here ~ 2.7 years -> ~ 98 days)
    assert is_fresh({"date": date, "last-modified": "Fri, 01 Mar 2024 09:00:00 GMT"}, now)
    assert not is_fresh({"date": date, "last-modified": "Fri, 01 Aug 2026 09:00:00 GMT"}, now)
    assert is_fresh({"date": date, "cache-control": "public, max-age=31536000"}, now)
    assert not is_fresh({"date": date, "cache-control": "max-age=60",
                         "last-modified": "Fri, 01 Mar 2024 09:00:00 GMT"}, now)
    assert not is_fresh({"date": date, "cache-control": "no-cache",
                         "last-modified": "Fri, 01 Mar 2024 09:00:00 GMT"}, now)
    assert not is_fresh({"date": date, "expires": "Mon, 02 Nov 2026 00:00:00 GMT"}, now)
    assert not is_fresh({"date": date, "expires": "0",
                         "last-modified": "Fri, 01 Mar 2024 09:00:00 GMT"}, now)
    assert not is_fresh({"last-modified": "Fri, 01 Mar 2024 09:00:00 GMT"}, now)  # no Date
    assert not is_fresh({"date": "garbage", "cache-control": "max-age=99999999"}, now)
    assert not is_fresh({"date": date, "etag": '"x"'}, now)  # nothing says how long


def with_pin(i: int, pin_at: int | None) -> dict[str, bytes]:
    """Answers of Bluesky profile ``i`` with a pinned post shown on top of the first page:
    the post at ``pin_at`` in its timeline, or (None) an old post no page reaches."""
    import json

    profile_url = f"{BASE}/xrpc/app.bsky.actor.getProfile?actor=u{i}.example"
    feed_url = (f"{BASE}/xrpc/app.bsky.feed.getAuthorFeed?actor={fp._did(i)}"
                "&filter=posts_with_replies&includePins=true&limit=100")
    profile = json.loads(fp.route("bluesky", BASE, "/xrpc/app.bsky.actor.getProfile",
                                  f"actor=u{i}.example", robots=False)[2])
    page = json.loads(fp.route("bluesky", BASE, "/xrpc/app.bsky.feed.getAuthorFeed",
                               urlsplit(feed_url).query, robots=False)[2])
    source = json.loads(fp.route("bluesky", BASE, "/xrpc/app.bsky.feed.getAuthorFeed",
                                 urlsplit(feed_url).query.replace("limit=100", "limit=1")
                                 + f"&cursor={pin_at or 0}", robots=False)[2])["feed"][0]
    source.pop("reason", None)
    post = source["post"]
    if pin_at is None:
        post["uri"] = post["uri"] + "old"
        post["record"]["createdAt"] = post["indexedAt"] = "2024-01-02T03:04:05.000Z"
    post["author"]["did"] = fp._did(i)
    post["record"].pop("reply", None)
    source.pop("reply", None)
    profile["pinnedPost"] = {"uri": post["uri"], "cid": "bafyreipin"}
    page["feed"].insert(0, {**source, "reason": {"$type": "app.bsky.feed.defs#reasonPin"}})
    return {profile_url: json.dumps(profile).encode(), feed_url: json.dumps(page).encode()}


@pytest.mark.parametrize("pin_at", [None, 150, 20])
@pytest.mark.parametrize("is_changed", [False, True])
def test_bluesky_pinned_post_joins_as_a_full_read_has_it(
        pin_at: int | None, is_changed: bool, later: None) -> None:
    i = index("broadcast", "bluesky", is_changed=is_changed)
    first = read("bluesky", i, FIRST, edit=with_pin(i, pin_at)).record
    assert sum(item.pinned for item in first.items) == 1
    known = known_of(first)
    assert known is not None and not any(item.pinned for item in known.items)
    assert len(known.items) == known.pages * 100  # the old pin is not in the timeline
    fp.LATER_DAYS = 30
    edit = with_pin(i, pin_at)
    full = read("bluesky", i, LATER, edit=edit)
    again = read("bluesky", i, LATER, known, edit=edit)
    same(again.record, full.record)
    assert len(again.fetched) == 2
