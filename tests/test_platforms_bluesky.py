"""The Bluesky adapter on real captured payloads and on the hand-made sample pages."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import ProfileRecord
from auditor.platforms.base import CrawlOptions, CrawlState, Failure, Next, Page, Target
from auditor.platforms.bluesky import (
    BlueskyAdapter,
    dedupe,
    feed_item,
    feed_items,
    parse_at_uri,
    parse_time,
    post_links,
    profile_facts,
    text_links,
)
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, judged, realcase
from tests.fuzzdepth import fuzz_examples

ADAPTER = BlueskyAdapter()
API = "https://public.api.bsky.app"
SAMPLES = SAMPLE_PAGES / "bluesky"
JSON_HEADERS = {"content-type": "application/json; charset=utf-8"}
MKBHD = "did:plc:ys5aypbbeqmwn42edy5t3sho"
SELF = "did:plc:selfselfselfselfselfself"
OTHER = "did:plc:otherotherotherotherothe"


def options(**changes: Any) -> CrawlOptions:
    return CrawlOptions(as_of=changes.pop("as_of", AS_OF), **changes)


def start(url: str = "https://bsky.app/profile/spaakfietsen.example", **opts: Any) -> Next:
    step = ADAPTER.start(Target(url=url, platform="bluesky"), options(**opts))
    assert isinstance(step, Next)
    return step


def page(url: str, body: bytes | str | Any, status: int = 200,
         headers: dict[str, str] | None = None) -> Page:
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    return Page(url=url, status=status, headers=headers if headers is not None else JSON_HEADERS,
                body=body, fetched_at=AS_OF)


def profile_json(did: str = SELF, handle: str = "spaakfietsen.example",
                 **extra: Any) -> dict[str, Any]:
    return {"did": did, "handle": handle, "displayName": "Spaak", "labels": [],
            "createdAt": "2023-09-12T08:41:07.085Z", **extra}


def to_feed(step: Next, **profile: Any) -> Next:
    """Answer the getProfile fetch of ``step``; the adapter asks for the feed next."""
    after = ADAPTER.advance(step.state, page(step.fetch.url, profile_json(**profile)))
    assert isinstance(after, Next)
    return after


def run(url: str, **opts: Any) -> Any:
    return run_chain(ADAPTER, url, replay_answer(SAMPLES), options=options(**opts))


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "canonical", "handle"), [
    ("https://bsky.app/profile/spaakfietsen.example",
     "https://bsky.app/profile/spaakfietsen.example", "@spaakfietsen.example"),
    ("https://bsky.app/profile/Name.Bsky.Social", "https://bsky.app/profile/name.bsky.social",
     "@name.bsky.social"),
    ("https://bsky.app/profile/name.bsky.social/post/3lsy4fwoq6s23",
     "https://bsky.app/profile/name.bsky.social", "@name.bsky.social"),
    ("https://bsky.app/profile/did:plc:ys5aypbbeqmwn42edy5t3sho/rss",
     "https://bsky.app/profile/did:plc:ys5aypbbeqmwn42edy5t3sho",
     "did:plc:ys5aypbbeqmwn42edy5t3sho"),
    ("http://bsky.app/profile/mkbhd.com", "https://bsky.app/profile/mkbhd.com", "@mkbhd.com"),
])
def test_profile_urls(url: str, canonical: str, handle: str) -> None:
    assert ADAPTER.claims(url)
    assert ADAPTER.profile_url(url) == canonical
    assert ADAPTER.handle(canonical) == handle


@pytest.mark.parametrize("url", [
    "https://bsky.app", "https://bsky.app/profile", "https://bsky.app/profile/nodot",
    "https://bsky.app/search?q=fiets", "https://example.nl/profile/name.bsky.social",
    "https://bsky.social/profile/name.bsky.social", "https://mastodon.social/@spaak",
    "https://bsky.app/profile/-bad-.example", "ftp://bsky.app/profile/a.example",
])
def test_other_urls_are_not_claimed(url: str) -> None:
    assert not ADAPTER.claims(url)
    assert ADAPTER.handle(url) is None


def test_requests_use_the_endpoint_and_the_did() -> None:
    step = start("https://bsky.app/profile/did:plc:ys5aypbbeqmwn42edy5t3sho")
    assert step.fetch.url == (f"{API}/xrpc/app.bsky.actor.getProfile"
                              "?actor=did:plc:ys5aypbbeqmwn42edy5t3sho")
    local = start(endpoints={"bluesky": "http://127.0.0.1:8123/"}, page_size=250)
    assert local.fetch.url == ("http://127.0.0.1:8123/xrpc/app.bsky.actor.getProfile"
                               "?actor=spaakfietsen.example")
    feed = to_feed(local)
    assert feed.fetch.url == ("http://127.0.0.1:8123/xrpc/app.bsky.feed.getAuthorFeed"
                              f"?actor={SELF}&filter=posts_with_replies&includePins=true"
                              "&limit=100")  # the API's largest page
    # whatever page_size says (it is for the APIs that count every post read)
    assert to_feed(start(page_size=25)).fetch.url.endswith("&limit=100")


# -- the sample pages ----------------------------------------------------------------------

DEMO = {
    "https://bsky.app/profile/spaakfietsen.example": ("ok", []),
    "https://bsky.app/profile/rateltweewielers.example": ("ok", ["DEAD"]),
    "https://bsky.app/profile/ratelverhuur.example": ("not_found", ["GONE"]),
    "https://bsky.app/profile/velovlot.example": ("ok", ["INCOMPLETE"]),
    "https://bsky.app/profile/velovlotdeals.example": ("blocked", ["UNAUDITABLE"]),
}


@pytest.mark.parametrize(("url", "expected"), DEMO.items())
def test_sample_pages_drive_every_demo_profile_to_its_outcome(
        url: str, expected: tuple[str, list[str]]) -> None:
    record = run(url).record
    assert (record.outcome, sorted(f.code for f in judged(record).flags)) == expected
    assert record.platform == "bluesky"


def test_healthy_sample_profile_and_items() -> None:
    chain = run("https://bsky.app/profile/spaakfietsen.example")
    record = chain.record
    assert all(url.startswith(f"{API}/xrpc/") for url in chain.fetched)
    assert len(chain.fetched) == 3  # profile + two feed pages; the window stops paging
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Spaak Fietsen"
    assert facts.username == "spaakfietsen.example"
    assert facts.bio.startswith("Fietsenwinkel en werkplaats in Utrecht")
    assert facts.links == ("https://www.spaak.example",)
    assert facts.avatar_url.startswith("https://cdn.bsky.app/img/avatar/plain/did:plc:")
    assert facts.banner_url.startswith("https://cdn.bsky.app/img/banner/plain/did:plc:")
    assert facts.posts_total == 1312
    assert facts.created_at == datetime(2023, 9, 12, 8, 41, 7, 85000, tzinfo=UTC)
    assert record.sample is not None
    assert (record.sample.pages, record.sample.page_cap_reached,
            record.sample.exhausted) == (2, False, False)
    items = record.items
    ids = [item.id for item in items]
    assert len(ids) == len(set(ids)) == 130  # the pinned post appears twice, kept once
    assert [i.published_at for i in items] == sorted((i.published_at for i in items),
                                                     reverse=True)
    kinds = Counter(item.kind for item in items)
    assert kinds == {"original": 78, "reply": 26, "self_reply": 13, "repost": 13}
    pinned = [item for item in items if item.pinned]
    assert len(pinned) == 1 and pinned[0].kind == "original"
    own = [item for item in items if item.kind != "repost"]
    assert all(i.url.startswith("https://bsky.app/profile/spaakfietsen.example/post/")
               for i in own)
    reposts = [item for item in items if item.kind == "repost"]
    assert all(i.id.startswith("at://did:plc:") and "/app.bsky.feed.repost/" in i.id
               for i in reposts)
    assert all(i.url.startswith("https://bsky.app/profile/") and "spaak" not in i.url
               for i in reposts)
    assert any("https://www.spaak.example/nieuws/0" in i.links for i in items)
    metrics = judged(record).metrics
    assert metrics.reply_share is not None and metrics.reply_share >= 0.10


def test_pinned_post_counts_by_its_own_date() -> None:
    body = json.loads((SAMPLES / "spaakfietsen-feed-1.json").read_text(encoding="utf-8"))
    first = body["feed"][0]
    assert first["reason"]["$type"] == "app.bsky.feed.defs#reasonPin"
    items, skipped = feed_items(body["feed"], first["post"]["author"]["did"])
    assert skipped == 0
    assert items[0].pinned is True
    assert items[0].published_at == parse_time(first["post"]["record"]["createdAt"])
    assert items[0].published_at < items[1].published_at  # older than the posts after it


def test_repost_is_dated_by_the_reason() -> None:
    body = json.loads((SAMPLES / "spaakfietsen-feed-1.json").read_text(encoding="utf-8"))
    entry = next(e for e in body["feed"]
                 if e.get("reason", {}).get("$type") == "app.bsky.feed.defs#reasonRepost")
    item = feed_item(entry, entry["reason"]["by"]["did"])
    assert item is not None and item.kind == "repost"
    assert item.published_at == parse_time(entry["reason"]["indexedAt"])
    assert item.published_at != parse_time(entry["post"]["record"]["createdAt"])


def test_incomplete_sample_hits_the_page_cap() -> None:
    chain = run("https://bsky.app/profile/velovlot.example")
    record = chain.record
    assert record.sample is not None
    assert (record.sample.pages, record.sample.page_cap_reached) == (3, True)
    assert len(chain.fetched) == 4
    facts = record.profile
    assert facts is not None
    assert (facts.avatar_url, facts.banner_url, facts.bio) == (None, None, "")
    checks = judged(record).metrics.completeness.checks
    assert checks["photo"] is False and checks["bio"] is False and checks["banner"] is False
    assert len(record.items) == 300  # three pages of 100, the API's largest


def test_page_cap_follows_max_pages() -> None:
    record = run("https://bsky.app/profile/velovlot.example", max_pages=2).record
    assert record.sample is not None
    assert (record.sample.pages, record.sample.page_cap_reached) == (2, True)
    assert len(record.items) == 200


def test_dead_sample_reads_the_whole_feed() -> None:
    record = run("https://bsky.app/profile/rateltweewielers.example").record
    assert record.sample is not None and record.sample.exhausted is True
    assert record.profile is not None
    assert record.profile.links == ("https://www.ratel.example",)  # written without https://
    assert max(i.published_at for i in record.items) <= AS_OF - timedelta(days=150)


def test_not_found_sample() -> None:
    record = run("https://bsky.app/profile/ratelverhuur.example").record
    assert record.outcome == "not_found"
    assert "Profile not found" in (record.outcome_detail or "")
    assert record.profile is None


def test_no_unauthenticated_label_blocks_and_keeps_nothing() -> None:
    chain = run("https://bsky.app/profile/velovlotdeals.example")
    record = chain.record
    assert record.outcome == "blocked"
    assert "logged-out" in (record.outcome_detail or "")
    assert "!no-unauthenticated" in (record.outcome_detail or "")
    assert record.profile is None and record.items == () and record.sample is None
    assert len(chain.fetched) == 1  # the feed is never asked for


# -- replies and self-replies --------------------------------------------------------------


def _post(rkey: str, did: str = SELF, reply_parent: str | None = None,
          created: str = "2026-10-30T10:00:00.000Z") -> dict[str, Any]:
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created, "text": "hoi"}
    if reply_parent:
        parent = {"uri": reply_parent, "cid": "bafyrei"}
        record["reply"] = {"root": parent, "parent": parent}
    return {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafyrei",
            "author": {"did": did, "handle": "spaakfietsen.example"}, "record": record,
            "indexedAt": created}


def test_reply_kinds_come_from_the_parent_author() -> None:
    other_parent = f"at://{OTHER}/app.bsky.feed.post/3aaa"
    own_parent = f"at://{SELF}/app.bsky.feed.post/3bbb"
    cases = [
        ({"post": _post("3k1")}, "original"),
        ({"post": _post("3k2", reply_parent=other_parent)}, "reply"),
        ({"post": _post("3k3", reply_parent=own_parent)}, "self_reply"),
        # the reply view's parent author wins over the URI (a handle-form URI, say)
        ({"post": _post("3k4", reply_parent="at://spaakfietsen.example/app.bsky.feed.post/x"),
          "reply": {"parent": {"author": {"did": SELF}}}}, "self_reply"),
        ({"post": _post("3k5", reply_parent=own_parent),
          "reply": {"parent": {"author": {"did": OTHER}}}}, "reply"),
        ({"post": _post("3k6", reply_parent=other_parent),
          "reply": {"parent": {"$type": "app.bsky.feed.defs#notFoundPost",
                               "uri": other_parent, "notFound": True}}}, "reply"),
    ]
    for entry, kind in cases:
        item = feed_item(entry, SELF)
        assert item is not None and item.kind == kind, entry
        rkey = entry["post"]["uri"].rsplit("/", 1)[-1]
        assert item.url == f"https://bsky.app/profile/spaakfietsen.example/post/{rkey}"


def test_someone_elses_post_without_a_repost_reason_is_skipped() -> None:
    items, skipped = feed_items([{"post": _post("3k1", did=OTHER)}, {"post": _post("3k2")}],
                                SELF)
    assert skipped == 1 and [i.id for i in items] == [f"at://{SELF}/app.bsky.feed.post/3k2"]


def test_future_created_at_falls_back_to_indexed_at() -> None:
    post = _post("3k1", created="2031-01-01T00:00:00.000Z")
    post["indexedAt"] = "2026-10-20T08:00:00.000Z"
    item = feed_item({"post": post}, SELF)
    assert item is not None and item.published_at == datetime(2026, 10, 20, 8, tzinfo=UTC)


def test_window_stop_ignores_an_old_pinned_post() -> None:
    step = to_feed(start())
    old_pin = {"post": _post("3old", created="2024-01-01T00:00:00.000Z"),
               "reason": {"$type": "app.bsky.feed.defs#reasonPin"}}
    body = {"feed": [old_pin, {"post": _post("3new")}], "cursor": "2026-10-30T10:00:00.000Z"}
    after = ADAPTER.advance(step.state, page(step.fetch.url, body))
    assert isinstance(after, Next)  # an old pin at the top does not end the window
    assert after.fetch.url == (step.fetch.url + "&cursor=2026-10-30T10%3A00%3A00.000Z")


# -- the real payloads ---------------------------------------------------------------------


def test_real_get_profile_becomes_profile_facts() -> None:
    path = realcase("bluesky", "impro_getProfile.json")
    step = start("https://bsky.app/profile/godoglyness.bsky.social")
    after = ADAPTER.advance(step.state, page(step.fetch.url, path.read_bytes()))
    # knownFollowers inside `viewer` carry !no-unauthenticated; the account itself does not
    assert isinstance(after, Next)
    assert after.fetch.url == (f"{API}/xrpc/app.bsky.feed.getAuthorFeed"
                               "?actor=did:plc:7qsdxoucnmbk4nctklqrzmdy"
                               "&filter=posts_with_replies&includePins=true&limit=100")
    facts = after.state.data["facts"]
    assert after.state.data["did"] == "did:plc:7qsdxoucnmbk4nctklqrzmdy"
    assert facts.display_name == "godoglyness"
    assert facts.username == "godoglyness.bsky.social"
    assert facts.bio.startswith("⥁ ⥁ ⥁     in the sway of the rainbow serpent")
    assert facts.avatar_url.startswith("https://cdn.bsky.app/img/avatar/plain/did:plc:7qsd")
    assert facts.banner_url.startswith("https://cdn.bsky.app/img/banner/plain/did:plc:7qsd")
    assert (facts.followers, facts.posts_total) == (662, 9621)
    assert facts.created_at == datetime(2024, 11, 5, 5, 39, 24, 79000, tzinfo=UTC)
    assert facts.links == ()  # no website field and no link in the description


def test_real_author_feed_items() -> None:
    path = realcase("bluesky", "dekoxd_getAuthorFeed_mkbhd.json")
    body = json.loads(path.read_bytes())
    items, skipped = feed_items(body["feed"], MKBHD)
    assert skipped == 0 and len(items) == 30
    assert Counter(i.kind for i in items) == {"original": 30}  # 0 replies, 0 reposts
    assert items[0].published_at == datetime(2025, 7, 2, 11, 30, 50, 192000, tzinfo=UTC)
    assert items[-1].published_at == datetime(2025, 1, 9, 16, 54, 6, 992000, tzinfo=UTC)
    assert items[0].url == "https://bsky.app/profile/mkbhd.com/post/3lsy4fwoq6s23"
    assert items[0].text == "2025 is 50% over 🫣"
    airline = next(i for i in items if i.id.endswith("/3lqcpi7nlys2s"))
    assert airline.links == (
        "https://thepointsguy.com/news/united-airlines-jetblue-partnership/",)
    assert not any(i.pinned for i in items)


@pytest.mark.parametrize(("as_of", "follows_cursor"), [
    (datetime(2025, 7, 10, tzinfo=UTC), False),  # the page reaches past the window start
    (datetime(2025, 3, 1, tzinfo=UTC), True),
])
def test_real_author_feed_pages_by_cursor(as_of: datetime, follows_cursor: bool) -> None:
    path = realcase("bluesky", "dekoxd_getAuthorFeed_mkbhd.json")
    step = to_feed(start("https://bsky.app/profile/mkbhd.com", as_of=as_of), did=MKBHD,
                   handle="mkbhd.com")
    after = ADAPTER.advance(step.state, page(step.fetch.url, path.read_bytes()))
    if follows_cursor:
        assert isinstance(after, Next)
        assert after.fetch.url.endswith("&cursor=2025-01-09T16%3A54%3A06.992Z")
        return
    assert isinstance(after, ProfileRecord) and after.outcome == "ok"
    assert after.sample is not None
    assert (after.sample.pages, after.sample.exhausted) == (1, False)
    assert len(after.items) == 30


def test_real_post_record() -> None:
    path = realcase("bluesky", "marshalx_post_record.json")
    raw = json.loads(path.read_bytes())
    assert parse_at_uri(raw["uri"]) == ("did:plc:kvwvcn5iqfooopmyzvb4qzba",
                                        "app.bsky.feed.post", "3k2yihcrp6f2c")
    # a +00:00 offset with microseconds, unlike the AppView's Z and milliseconds
    assert parse_time(raw["value"]["createdAt"]) == datetime(2024, 2, 22, 19, 58, 13, 903293,
                                                             tzinfo=UTC)
    item = feed_item({"post": {"uri": raw["uri"], "cid": raw["cid"], "record": raw["value"]}},
                     "did:plc:kvwvcn5iqfooopmyzvb4qzba")
    assert item is not None
    assert (item.kind, item.text) == ("original", "new text114")
    assert item.url == ("https://bsky.app/profile/did:plc:kvwvcn5iqfooopmyzvb4qzba"
                        "/post/3k2yihcrp6f2c")  # no author view: the DID stands in


def test_real_follows_profile_views() -> None:
    path = realcase("bluesky", "marshalx_get_follows.json")
    data = json.loads(path.read_bytes())
    facts = [profile_facts(view) for view in data["follows"]]
    assert [f.username for f in facts] == ["why.bsky.team", "divy.zone", "jay.bsky.team",
                                           "bsky.app", "vercel.com", "marshal.dev"]
    assert all(f.avatar_url and f.avatar_url.startswith("https://cdn.bsky.app/") for f in facts)
    assert facts[0].display_name == "Why"
    assert facts[0].created_at == datetime(2022, 11, 17, 1, 4, 43, 624000, tzinfo=UTC)
    assert facts[5].links == ("https://atproto.blue/",
                              "https://github.com/MarshalX/bluesky-feed-generator",
                              "https://github.com/MarshalX/python-libipld",
                              "https://marshal.dev")
    assert facts[4].links == ()  # "@nextjs.org." is a mention, not a website
    subject = profile_facts(data["subject"])
    assert subject.links == ("https://github.com/MarshalX/atproto", "https://atproto.blue")


def test_real_bsky_app_html_is_not_read_as_the_api() -> None:
    path = realcase("bluesky", "metascraper_bsky.app_profile_stephenking.html")
    step = start("https://bsky.app/profile/stephenking.bsky.social")
    record = ADAPTER.advance(step.state, page(step.fetch.url, path.read_bytes(),
                                              headers={"content-type": "text/html"}))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "error" and record.profile is None
    assert "not JSON" in (record.outcome_detail or "")


# -- faults --------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "body", "outcome", "detail"), [
    (404, "", "not_found", "HTTP 404"),
    (410, "", "gone", "HTTP 410"),
    (401, {"error": "AuthMissing", "message": "Authentication Required"}, "blocked",
     "AuthMissing"),
    (403, "<html>Forbidden</html>", "blocked", "HTTP 403"),
    (429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, "rate_limited",
     "Rate Limit"),
    (500, {"error": "InternalServerError", "message": "Internal Server Error"}, "error",
     "HTTP 500"),
    (502, "<html>Bad gateway</html>", "error", "HTTP 502"),
    (503, "", "rate_limited", "HTTP 503"),
    (400, {"error": "InvalidRequest", "message": "Profile not found"}, "not_found",
     "Profile not found"),
    (400, {"error": "InvalidRequest", "message": "Actor not found"}, "not_found",
     "Actor not found"),
    (400, {"error": "AccountTakedown", "message": "Account has been suspended"}, "gone",
     "taken down"),
    (400, {"error": "AccountDeactivated", "message": "Account is deactivated"}, "gone",
     "deactivated"),
    (400, {"error": "InvalidRequest", "message": "Error: actor must be a valid did or a handle"},
     "error", "must be a valid did"),
    (200, "<!doctype html><title>Bluesky</title>", "error", "not JSON"),
    (200, '{"did": "did:plc:abc", "handle": "a.b', "error", "truncated JSON"),
    (200, "", "error", "empty answer"),
    (200, "[1, 2]", "error", "unexpected answer"),
    (200, {"handle": "a.example"}, "error", "no DID"),
])
def test_profile_answers_map_to_outcomes(status: int, body: Any, outcome: str,
                                         detail: str) -> None:
    step = start()
    record = ADAPTER.advance(step.state, page(step.fetch.url, body, status))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == outcome
    assert detail in (record.outcome_detail or "")
    assert record.profile is None


@pytest.mark.parametrize(("status", "body", "outcome"), [
    (500, "oops", "error"),
    (429, "", "rate_limited"),
    (200, "not json", "error"),
    (200, {"cursor": "x"}, "error"),
])
def test_first_feed_page_failure_keeps_the_profile(status: int, body: Any,
                                                   outcome: str) -> None:
    step = to_feed(start())
    record = ADAPTER.advance(step.state, page(step.fetch.url, body, status))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == outcome and record.outcome_detail.startswith("getAuthorFeed")
    assert record.profile is not None and record.profile.display_name == "Spaak"


def test_later_feed_page_failure_keeps_what_was_read() -> None:
    step = to_feed(start())
    body = {"feed": [{"post": _post("3k1")}], "cursor": "c1"}
    after = ADAPTER.advance(step.state, page(step.fetch.url, body))
    assert isinstance(after, Next)
    record = ADAPTER.advance(after.state, page(after.fetch.url, "", 502))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "ok" and len(record.items) == 1
    assert record.sample is not None and record.sample.exhausted is False
    assert any("feed page 2" in note and "502" in note for note in record.notes)


def test_network_failure_becomes_an_outcome() -> None:
    step = start()
    record = ADAPTER.fail(step.state, Failure("timeout", "took too long", step.fetch.url))
    assert record.outcome == "error" and "timeout" in (record.outcome_detail or "")


def test_empty_feed_is_exhausted() -> None:
    step = to_feed(start())
    record = ADAPTER.advance(step.state, page(step.fetch.url, {"feed": []}))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "ok" and record.items == ()
    assert record.sample is not None and record.sample.exhausted is True


def test_text_links_are_http_only_and_trimmed() -> None:
    text = ("Mail info@spaak.example, zie https://www.spaak.example/winkel. "
            "of www.spaak.example (ook @spaak.bsky.social) javascript:alert(1)")
    assert text_links(text) == ["https://www.spaak.example/winkel",
                                "https://www.spaak.example"]


def test_post_links_read_facets_and_external_embeds() -> None:
    record = {"facets": [{"features": [{"$type": "app.bsky.richtext.facet#link",
                                        "uri": "https://a.example/x"},
                                       {"$type": "app.bsky.richtext.facet#link",
                                        "uri": "javascript:alert(1)"},
                                       {"$type": "app.bsky.richtext.facet#mention",
                                        "did": OTHER}]}],
              "embed": {"$type": "app.bsky.embed.recordWithMedia",
                        "media": {"external": {"uri": "https://b.example/y"}}}}
    assert post_links(record) == ["https://a.example/x", "https://b.example/y"]


# -- never raise on garbage ----------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["feed", "post", "reason", "$type", "record", "reply", "parent",
                         "author", "did", "uri", "createdAt", "indexedAt", "text", "facets",
                         "features", "embed", "labels", "val", "handle", "cursor", "error",
                         "message", "avatar", "description"]) | st.text(max_size=8),
        inner, max_size=6),
    max_leaves=25,
)


@settings(max_examples=fuzz_examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(value=_JSON)
def test_parsers_never_raise_on_arbitrary_json(value: Any) -> None:
    feed_items(value if isinstance(value, list) else [value], SELF)
    if isinstance(value, dict):
        profile_facts(value)
        post_links(value)
    state = start().state
    ADAPTER.advance(state, page("https://x.example/", value))
    feed_state = state.with_data("feed", did=SELF, handle="a.example",
                                 feed_url=f"{API}/xrpc/app.bsky.feed.getAuthorFeed?actor={SELF}",
                                 facts=None, items=(), pages=0, fetched_at=AS_OF, notes=())
    ADAPTER.advance(feed_state, page("https://x.example/", {"feed": [value], "cursor": value}))


@settings(max_examples=fuzz_examples(200), deadline=None)
@given(data=st.data())
def test_mutated_sample_pages_never_raise(data: st.DataObject) -> None:
    raw = (SAMPLES / "spaakfietsen-feed-1.json").read_bytes()[:4000]
    cut = data.draw(st.integers(0, len(raw)))
    flip = data.draw(st.binary(max_size=8))
    body = raw[:cut] + flip + raw[cut + len(flip):]
    step = to_feed(start())
    result = ADAPTER.advance(step.state, page(step.fetch.url, body))
    assert isinstance(result, (Next, ProfileRecord))
    state: CrawlState = start().state
    profile = (SAMPLES / "spaakfietsen-profile.json").read_bytes()
    result = ADAPTER.advance(state, page(state.target.url, profile[:cut] + flip))
    assert isinstance(result, (Next, ProfileRecord))


def test_profile_pinned_post_marks_the_item_without_a_pin_reason() -> None:
    step = to_feed(start(), pinnedPost={"uri": f"at://{SELF}/app.bsky.feed.post/3k2",
                                        "cid": "bafyrei"})
    body = {"feed": [{"post": _post("3k1")}, {"post": _post("3k2")}]}
    record = ADAPTER.advance(step.state, page(step.fetch.url, body))
    assert isinstance(record, ProfileRecord)
    assert {i.id.rsplit("/", 1)[-1]: i.pinned for i in record.items} == {"3k1": False,
                                                                         "3k2": True}


def test_dedupe_keeps_one_item_per_uri_and_the_pin() -> None:
    timeline = feed_item({"post": _post("3k1")}, SELF)
    pinned = feed_item({"post": _post("3k1"),
                        "reason": {"$type": "app.bsky.feed.defs#reasonPin"}}, SELF)
    assert timeline is not None and pinned is not None
    for order in ([timeline, pinned], [pinned, timeline]):
        kept = dedupe(order)
        assert len(kept) == 1 and kept[0].pinned is True
