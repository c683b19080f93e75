"""Issue 16: fewer requests per verdict, and a re-audit that asks only for what is new.

The Mastodon adapter is driven without Scrapy against bench/fakeplatforms.py's own answers
(``route``, called in this process), so a "full read" and a read that skips or takes posts
from the history can be compared on exactly the same data.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.config import AuditConfig, Organisation, ProfileEntry, Thresholds, config_from_urls
from auditor.crawl import CrawlPlan, crawl_plan
from auditor.metrics import compute_metrics
from auditor.models import Item, ProfileRecord
from auditor.platforms.base import CrawlOptions, KnownPosts, Next, Page, Target
from auditor.platforms.mastodon import LAST_POST_OLD, NEVER_POSTED, MastodonAdapter
from auditor.platforms.timeline import as_full_read, join, newest_id
from auditor.verdicts import judge

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import fakeplatforms as fp  # noqa: E402  (bench/ is not a package on the import path)

BASE = "http://127.0.0.9:8000"
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
LATER = AS_OF + timedelta(days=30)
ADAPTER = MastodonAdapter()


@pytest.fixture
def later() -> Iterator[None]:
    """The fake platforms a month later: every tenth profile has new posts."""
    fp.LATER_DAYS = 30
    try:
        yield
    finally:
        fp.LATER_DAYS = 0


def options(as_of: datetime = AS_OF, **changes: object) -> CrawlOptions:
    """The options a crawl plan gives (posts needed from 91 days back)."""
    made = CrawlOptions(as_of=as_of, window_days=90, max_pages=3, page_size=40,
                        lookup_enough_before=as_of - timedelta(days=91))
    return replace(made, **changes)  # type: ignore[arg-type]


def crawl(i: int, opts: CrawlOptions, known: KnownPosts | None = None
          ) -> tuple[ProfileRecord, list[str]]:
    """Profile ``u{i}`` read from the fake platforms; the record and the URLs asked."""
    target = Target(url=f"{BASE}/@u{i}", platform="mastodon", organisation="Org",
                    role="client", known=known)
    step = ADAPTER.start(target, opts)
    asked: list[str] = []
    while isinstance(step, Next):
        asked.append(step.fetch.url)
        parts = urlsplit(step.fetch.url)
        status, headers, body = fp.route("spread", BASE, parts.path, parts.query, robots=False)
        page = Page(url=step.fetch.url, status=status,
                    headers={name.lower(): value for name, value in headers}, body=body,
                    fetched_at=opts.as_of)
        step = ADAPTER.advance(step.state, page)
    assert isinstance(step, ProfileRecord)
    return step, asked


def index_of(kind: str, *, changed: bool | None = None) -> int:
    """The first Mastodon profile of ``kind`` (and changed a month later, or not)."""
    for i in range(10, 2000):
        if fp.platform_of_index(i) == "mastodon" and fp.kind_of(i) == kind \
                and (changed is None or (i % 10 == 3) == changed):
            return i
    raise AssertionError(kind)


def known_from(record: ProfileRecord) -> KnownPosts:
    """What the crawl keeps of a record for the next audit (spiders/profiles.py)."""
    assert record.profile is not None and record.sample is not None
    return KnownPosts(newest_id=newest_id(record.items), posts_total=record.profile.posts_total,
                      items=record.items, exhausted=record.sample.exhausted,
                      last_post_reported_at=record.profile.last_post_reported_at)


def verdict(record: ProfileRecord, as_of: datetime = AS_OF) -> list[tuple[str, str]]:
    metrics = compute_metrics(record, as_of, window_days=90, thresholds=Thresholds())
    return [(flag.code, flag.severity) for flag in judge(record, metrics, Thresholds())]


def comparable(record: ProfileRecord) -> ProfileRecord:
    return replace(record, fetched_at=None)


# -- the statuses of an account whose lookup gives the verdict ----------------------------


def test_dead_account_needs_only_its_lookup_and_gets_the_same_verdict() -> None:
    i = index_of("dead")
    skipped, asked = crawl(i, options())
    full, asked_full = crawl(i, options(lookup_enough_before=None))
    assert len(asked) == 1 and asked[0].startswith(f"{BASE}/api/v1/accounts/lookup")
    assert len(asked_full) > 1  # the full read asked for statuses
    assert skipped.outcome == "ok" and skipped.items == () and full.items
    assert skipped.notes == (LAST_POST_OLD.format(date="2026-04-15"),)
    assert verdict(skipped) == verdict(full) == [("DEAD", "high")]
    one = compute_metrics(skipped, AS_OF, window_days=90, thresholds=Thresholds())
    two = compute_metrics(full, AS_OF, window_days=90, thresholds=Thresholds())
    # no post in the window either way: the same rates and shares, and the same reasons
    for name in ("posts_per_week", "reply_share", "repost_share", "items_in_window",
                 "own_posts", "covered_days"):
        assert getattr(one, name) == getattr(two, name), name
    assert one.posts_per_week == 0.0
    assert one.null_reasons["reply_share"] == two.null_reasons["reply_share"]
    assert one.last_post_source == "platform" and two.last_post_source == "items"


def test_a_quiet_account_under_the_dead_threshold_is_read() -> None:
    """The lookup is enough only past the window and DEAD by every role's threshold."""
    i = index_of("dead")
    record, asked = crawl(i, options(lookup_enough_before=AS_OF - timedelta(days=400)))
    assert len(asked) > 1 and record.items


def test_few_posts_are_read_for_the_never_used_evidence() -> None:
    i = index_of("dead")
    record, asked = crawl(i, options(never_used_max_posts=100))  # 60 posts ever: NEVER_USED
    assert len(asked) > 1 and record.items


def test_never_posted_account_is_not_asked_for_statuses() -> None:
    facts_body = (b'{"id":"7","username":"nobody","statuses_count":0,"last_status_at":null,'
                  b'"display_name":"Nobody","note":"","avatar":null,"header":null}')
    target = Target(url=f"{BASE}/@nobody", platform="mastodon")
    step = ADAPTER.start(target, options())
    assert isinstance(step, Next)
    page = Page(url=step.fetch.url, status=200, headers={"content-type": "application/json"},
                body=facts_body, fetched_at=AS_OF)
    record = ADAPTER.advance(step.state, page)
    assert isinstance(record, ProfileRecord) and record.notes == (NEVER_POSTED,)
    assert record.sample is not None and record.sample.exhausted
    # what reading its (empty) statuses gives: never posted, none per week
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=Thresholds())
    assert metrics.posts_per_week == 0.0 and metrics.last_post_at is None
    assert "NEVER_USED" in [f.code for f in judge(record, metrics, Thresholds())]
    # a server that hides the count but dates a last post is read
    hidden = facts_body.replace(b'"last_status_at":null', b'"last_status_at":"2026-10-30"')
    step_two = ADAPTER.advance(step.state, replace(page, body=hidden))
    assert isinstance(step_two, Next)


def test_statuses_are_asked_forty_at_a_time_whatever_the_page_size() -> None:
    i = index_of("healthy")
    _, asked = crawl(i, options(page_size=100))
    assert "limit=40" in asked[1]


# -- a month later: only what is new -----------------------------------------------------


def test_unchanged_account_costs_one_request_and_reads_as_a_full_read(later: None) -> None:
    i = index_of("healthy", changed=False)
    fp.LATER_DAYS = 0
    first, _ = crawl(i, options())
    fp.LATER_DAYS = 30
    again, asked = crawl(i, options(LATER), known_from(first))
    full, asked_full = crawl(i, options(LATER))
    assert len(asked) == 1 and len(asked_full) > 1
    assert comparable(again) == comparable(full)
    # the posts come from the history, cut to the later window as the full read cuts them
    assert len(again.items) < len(first.items)
    assert again.sample == full.sample


def test_changed_account_asks_with_min_id_and_reads_as_a_full_read(later: None) -> None:
    i = index_of("healthy", changed=True)
    fp.LATER_DAYS = 0
    first, _ = crawl(i, options())
    fp.LATER_DAYS = 30
    known = known_from(first)
    again, asked = crawl(i, options(LATER), known)
    full, _ = crawl(i, options(LATER))
    assert len(asked) == 2 and f"min_id={known.newest_id}" in asked[1]
    assert comparable(again) == comparable(full)
    assert again.items[0].published_at > AS_OF  # the new posts are there


def test_posts_deleted_meanwhile_read_the_timeline_in_full(later: None) -> None:
    i = index_of("healthy", changed=True)
    fp.LATER_DAYS = 0
    first, _ = crawl(i, options())
    fp.LATER_DAYS = 30
    stale = replace(known_from(first), posts_total=(first.profile.posts_total or 0) - 2
                    if first.profile else 0)  # the count says 14 new; only 12 come
    again, asked = crawl(i, options(LATER), stale)
    full, _ = crawl(i, options(LATER))
    assert "min_id=" in asked[1] and "min_id=" not in asked[-1]  # read again in full
    assert comparable(again) == comparable(full)


def test_too_many_new_posts_read_the_timeline_in_full(later: None) -> None:
    i = index_of("healthy", changed=True)
    fp.LATER_DAYS = 0
    first, _ = crawl(i, options())
    fp.LATER_DAYS = 30
    known = known_from(first)
    _, asked = crawl(i, options(LATER, max_pages=1, page_size=10), known)
    assert not any("min_id=" in url for url in asked)  # 12 new > 1 page of 10


def item(days_ago: float, n: int) -> Item:
    return Item(id=str(1000 + n), published_at=AS_OF - timedelta(days=days_ago),
                kind="original")


def test_full_read_cut_by_window_cap_and_what_the_history_holds() -> None:
    items = [item(d, 100 - d) for d in range(0, 100)]  # one a day, newest first
    window = AS_OF - timedelta(days=30)
    joined = as_full_read(items, complete=False, page_size=20, max_pages=3,
                          window_start=window)
    assert joined is not None and len(joined.items) == 40  # page 2 reaches past day 30
    assert not joined.sample.page_cap_reached and joined.sample.pages == 2
    capped = as_full_read(items, complete=False, page_size=10, max_pages=2,
                          window_start=window)
    assert capped is not None and capped.sample.page_cap_reached and len(capped.items) == 20
    # the history ends before the read would: read it for real
    assert as_full_read(items[:30], complete=False, page_size=20, max_pages=3,
                        window_start=window) is None
    # the read would reach the end of the account's history: paging there differs
    assert as_full_read(items[:40], complete=True, page_size=20, max_pages=3,
                        window_start=window) is None


def test_join_and_newest_id() -> None:
    old = KnownPosts(newest_id="1005", posts_total=6, items=(item(3, 5), item(4, 4)),
                     exhausted=False)
    joined = join([item(1, 7), item(3, 5)], old)
    assert [i.id for i in joined] == ["1007", "1005", "1004"]
    assert newest_id(joined) == "1007"
    assert newest_id([Item(id="https://x.example/1", published_at=AS_OF,
                           kind="original")]) is None  # not Mastodon's numbers


# -- avatars: only where a comparison needs the bytes ------------------------------------


def _config(*sizes: int) -> AuditConfig:
    organisations = tuple(
        Organisation(name=f"Org {n}", role="client", profiles=tuple(
            ProfileEntry(url=f"https://m.example/@o{n}p{k}", platform="mastodon",
                         organisation=f"Org {n}", role="client",
                         source_url=f"https://m.example/@o{n}p{k}")
            for k in range(size)))
        for n, size in enumerate(sizes))
    return AuditConfig(organisations=organisations, path=Path("x.toml"))


def test_avatars_are_fetched_only_where_photos_are_compared() -> None:
    plan = crawl_plan(_config(1, 2, 3), AS_OF)
    compare = {t.organisation: t.compare_photo for t in plan.targets}
    assert compare == {"Org 0": False, "Org 1": False, "Org 2": True}
    # `auditor check` with two URLs groups them by a shared photo: two are enough
    two = crawl_plan(config_from_urls(["https://m.example/@a", "https://m.example/@b"]), AS_OF)
    assert all(t.compare_photo for t in two.targets)
    one = crawl_plan(config_from_urls(["https://m.example/@a"]), AS_OF)
    assert not any(t.compare_photo for t in one.targets)
    # the plan carries it to the crawl process
    again = CrawlPlan.from_json(plan.to_json())
    assert [t.compare_photo for t in again.targets] == [t.compare_photo for t in plan.targets]
    assert again.options.lookup_enough_before == plan.options.lookup_enough_before
