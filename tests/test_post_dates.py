"""The one date-sanity rule (base.plausible_time) on every platform but feeds.

A post cannot be older than its platform (each adapter's ``earliest_post``) nor dated more
than a day after the page was fetched. Such a post is dropped and the record says so in
its notes. Mastodon and Telegram kept both kinds before; YouTube and Bluesky had floors
and cut-offs of their own.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from auditor.models import ProfileRecord
from auditor.platforms import adapter_named
from auditor.platforms.base import (
    EARLIEST_POST,
    CrawlOptions,
    DateSieve,
    Fetch,
    Next,
    Page,
    Target,
    date_problem,
    plausible_time,
)
from auditor.platforms.bluesky import BlueskyAdapter, feed_items
from auditor.platforms.mastodon import MastodonAdapter
from auditor.platforms.telegram import TelegramAdapter
from auditor.platforms.youtube import Uploads, YouTubeAdapter, read_uploads_feed
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, realcase

EPOCH = "1970-01-01T00:00:00+00:00"
NEXT_YEAR = (AS_OF + timedelta(days=365)).isoformat()
JSON = {"content-type": "application/json; charset=utf-8"}


# -- the rule --------------------------------------------------------------------------


def test_plausible_time() -> None:
    floor = datetime(2013, 8, 1, tzinfo=UTC)
    assert plausible_time(None, fetched_at=AS_OF) is None
    assert plausible_time(datetime(1970, 1, 1, tzinfo=UTC), fetched_at=AS_OF) is None
    assert plausible_time(datetime(2010, 1, 1, tzinfo=UTC), fetched_at=AS_OF,
                          earliest=floor) is None
    assert plausible_time(floor, fetched_at=AS_OF, earliest=floor) == floor
    within = AS_OF + timedelta(hours=23)
    assert plausible_time(within, fetched_at=AS_OF) == within
    assert plausible_time(AS_OF + timedelta(days=2), fetched_at=AS_OF) is None
    assert plausible_time(datetime(2026, 1, 1), fetched_at=AS_OF) == datetime(  # naive: UTC
        2026, 1, 1, tzinfo=UTC)
    assert plausible_time(AS_OF + timedelta(days=400), fetched_at=None) is not None


def test_date_problem_and_the_sieve_say_why() -> None:
    assert date_problem(datetime(1990, 1, 1, tzinfo=UTC), fetched_at=AS_OF) == "early"
    assert date_problem(AS_OF + timedelta(days=3), fetched_at=AS_OF) == "late"
    assert date_problem(AS_OF, fetched_at=AS_OF) is None
    sieve = DateSieve(fetched_at=AS_OF, earliest=datetime(2008, 1, 1, tzinfo=UTC),
                      noun="status(es)")
    kept = [d for d in (datetime(1970, 1, 1, tzinfo=UTC), AS_OF, AS_OF + timedelta(days=365))
            if sieve.keep(d)]
    assert kept == [AS_OF] and sieve.dropped == 2
    assert sieve.notes() == ("1 status(es) dated before 2008-01-01, skipped",
                             "1 status(es) dated more than a day after the fetch, skipped")
    assert DateSieve(fetched_at=AS_OF).notes() == ()


@pytest.mark.parametrize(("platform", "floor"), [
    ("mastodon", datetime(2008, 1, 1, tzinfo=UTC)),
    ("bluesky", datetime(2022, 11, 1, tzinfo=UTC)),
    ("youtube", datetime(2005, 4, 1, tzinfo=UTC)),
    ("telegram", datetime(2013, 8, 1, tzinfo=UTC)),
])
def test_every_platform_has_its_floor(platform: str, floor: datetime) -> None:
    adapter = adapter_named(platform)
    assert adapter is not None and adapter.earliest_post == floor
    assert floor > EARLIEST_POST


# -- Mastodon --------------------------------------------------------------------------


def _mastodon(statuses: list[dict[str, Any]]) -> ProfileRecord:
    adapter = MastodonAdapter()
    step = adapter.start(Target(url="https://mastodon.example/@spaak", platform="mastodon"),
                         CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    account = {"id": "7", "username": "spaak", "display_name": "Spaak"}
    step2 = adapter.advance(step.state, Page(step.fetch.url, 200, JSON,
                                             json.dumps(account).encode(), AS_OF))
    assert isinstance(step2, Next)
    record = adapter.advance(step2.state, Page(step2.fetch.url, 200, JSON,
                                               json.dumps(statuses).encode(), AS_OF))
    assert isinstance(record, ProfileRecord)
    return record


def _status(status_id: str, created: str) -> dict[str, Any]:
    return {"id": status_id, "created_at": created, "content": "<p>hoi</p>",
            "in_reply_to_account_id": None, "reblog": None}


def test_mastodon_drops_a_1970_and_a_next_year_status() -> None:
    record = _mastodon([_status("1", NEXT_YEAR), _status("2", "2026-10-30T10:00:00.000Z"),
                        _status("3", EPOCH),
                        _status("4", "2010-05-01T12:00:00Z")])  # imported from GNU social
    assert record.outcome == "ok"
    assert [item.id for item in record.items] == ["2", "4"]
    assert "1 status(es) dated before 2008-01-01, skipped" in record.notes
    assert "1 status(es) dated more than a day after the fetch, skipped" in record.notes


def test_mastodon_keeps_every_status_of_the_samples() -> None:
    record = run_chain(MastodonAdapter(), "https://mastodon.example/@spaak",
                       replay_answer(SAMPLE_PAGES / "mastodon")).record
    assert record.items and not any("dated" in note for note in record.notes)


# -- Telegram --------------------------------------------------------------------------

_TIME = re.compile(r'<time datetime="([^"]+)"')


def _redate(html: str, changes: dict[int, str]) -> str:
    """``html`` with the n-th ``<time datetime>`` (0-based) set to ``changes[n]``."""
    count = -1

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f'<time datetime="{changes[count]}"' if count in changes else match.group(0)

    return _TIME.sub(swap, html)


def test_telegram_drops_a_1970_and_a_next_year_message() -> None:
    adapter = TelegramAdapter()
    html = (SAMPLE_PAGES / "telegram" / "velovlot.html").read_text(encoding="utf-8")
    before = run_chain(adapter, "https://t.me/velovlot",
                       replay_answer(SAMPLE_PAGES / "telegram")).record
    # messages 2 and 3 (the first is the "Channel created" notice)
    redated = _redate(html, {1: EPOCH, 2: NEXT_YEAR})
    step = adapter.start(Target(url="https://t.me/velovlot", platform="telegram"),
                         CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    record = adapter.advance(step.state, Page(step.fetch.url, 200,
                                              {"content-type": "text/html"},
                                              redated.encode(), AS_OF))
    assert isinstance(record, ProfileRecord) and record.outcome == "ok"
    assert len(record.items) == len(before.items) - 2
    assert {item.id for item in before.items} - {item.id for item in record.items} == {"2", "3"}
    assert "1 message(s) dated before 2013-08-01, skipped" in record.notes
    assert "1 message(s) dated more than a day after the fetch, skipped" in record.notes


def test_telegram_an_impossible_date_does_not_stop_paging() -> None:
    # One message dated 1970 on the first page is not "older than the window": the
    # adapter still reads the second page, as it does without it.
    base = replay_answer(SAMPLE_PAGES / "telegram")

    def answer(fetch: Fetch) -> Any:
        got = base(fetch)
        if isinstance(got, Page) and fetch.url == "https://t.me/s/spaakfietsen":
            html = _redate(got.text(), {5: EPOCH})
            return Page(got.url, got.status, got.headers, html.encode(), got.fetched_at)
        return got

    run = run_chain(TelegramAdapter(), "https://t.me/spaakfietsen", answer)
    assert run.fetched == ["https://t.me/s/spaakfietsen",
                           "https://t.me/s/spaakfietsen?before=393"]
    assert len(run.record.items) == 38  # 39 without the redated one
    assert "1 message(s) dated before 2013-08-01, skipped" in run.record.notes


# -- YouTube ---------------------------------------------------------------------------


def test_youtube_drops_uploads_before_youtube_and_after_the_fetch() -> None:
    xml = (SAMPLE_PAGES / "youtube" / "ratel-videos.xml").read_text(encoding="utf-8")
    head, *entries = xml.split("<entry>")
    for n, date in enumerate([EPOCH, NEXT_YEAR, "2005-02-14T00:00:00+00:00"]):
        entries[n] = re.sub(r"<published>[^<]+", f"<published>{date}", entries[n])
    redated = "<entry>".join([head, *entries])
    uploads = read_uploads_feed(redated.encode(), fetched_at=AS_OF)
    assert isinstance(uploads, Uploads)
    assert uploads.entries == 6 and len(uploads.items) == 3
    assert "2 upload(s) dated before 2005-04-01, skipped" in uploads.notes
    assert "1 upload(s) dated more than a day after the fetch, skipped" in uploads.notes
    assert YouTubeAdapter.earliest_post == datetime(2005, 4, 1, tzinfo=UTC)


# -- Bluesky ---------------------------------------------------------------------------

SELF = "did:plc:spaakspaakspaakspaakspaa"


def _entry(rkey: str, created: str, indexed: str) -> dict[str, Any]:
    return {"post": {"uri": f"at://{SELF}/app.bsky.feed.post/{rkey}", "cid": "bafyrei",
                     "author": {"did": SELF, "handle": "spaakfietsen.example"},
                     "record": {"$type": "app.bsky.feed.post", "createdAt": created,
                                "text": "hoi"},
                     "indexedAt": indexed}}


def test_bluesky_drops_posts_before_bluesky_and_after_the_fetch() -> None:
    now = "2026-10-30T10:00:00.000Z"
    feed = [
        _entry("3k1", now, now),
        _entry("3k2", EPOCH, EPOCH),
        _entry("3k3", NEXT_YEAR, NEXT_YEAR),
        # an archive imported from another network: createdAt keeps the old date
        _entry("3k4", "2009-03-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
        # a client with a clock in the future: indexedAt (the AppView's) is earlier
        _entry("3k5", "2031-01-01T00:00:00.000Z", now),
    ]
    sieve = DateSieve(fetched_at=AS_OF, earliest=BlueskyAdapter.earliest_post)
    items, skipped = feed_items(feed, SELF, dates=sieve)
    assert skipped == 0
    assert [item.id.rsplit("/", 1)[-1] for item in items] == ["3k1", "3k5"]
    assert sieve.notes() == ("2 post(s) dated before 2022-11-01, skipped",
                             "1 post(s) dated more than a day after the fetch, skipped")


def _bluesky_feeds() -> list[tuple[str, dict[str, Any]]]:
    paths = [*sorted((SAMPLE_PAGES / "bluesky").glob("*-feed-*.json")),
             realcase("bluesky", "dekoxd_getAuthorFeed_mkbhd.json")]
    return [(path.name, json.loads(path.read_text(encoding="utf-8"))) for path in paths]


@pytest.mark.parametrize(("name", "body"), _bluesky_feeds())
def test_bluesky_floor_loses_no_post_of_a_real_or_sample_feed(name: str,
                                                              body: dict[str, Any]) -> None:
    feed = body["feed"]
    owners = {entry["post"]["author"]["did"] for entry in feed if "reason" not in entry}
    did = owners.pop() if len(owners) == 1 else feed[0]["post"]["author"]["did"]
    plain, _ = feed_items(feed, did)
    sieve = DateSieve(fetched_at=datetime(2027, 1, 1, tzinfo=UTC),
                      earliest=BlueskyAdapter.earliest_post)
    sifted, _ = feed_items(feed, did, dates=sieve)
    assert plain and sifted == plain and sieve.dropped == 0, name


def test_bluesky_record_notes_name_the_page() -> None:
    adapter = BlueskyAdapter()
    step = adapter.start(Target(url="https://bsky.app/profile/spaakfietsen.example",
                                platform="bluesky"), CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    profile = {"did": SELF, "handle": "spaakfietsen.example", "labels": []}
    step2 = adapter.advance(step.state, Page(step.fetch.url, 200, JSON,
                                             json.dumps(profile).encode(), AS_OF))
    assert isinstance(step2, Next)
    feed = {"feed": [_entry("3k1", "2026-10-30T10:00:00.000Z", "2026-10-30T10:00:01.000Z"),
                     _entry("3k2", EPOCH, EPOCH)]}
    record = adapter.advance(step2.state, Page(step2.fetch.url, 200, JSON,
                                               json.dumps(feed).encode(), AS_OF))
    assert isinstance(record, ProfileRecord) and len(record.items) == 1
    assert "feed page 1: 1 post(s) dated before 2022-11-01, skipped" in record.notes
