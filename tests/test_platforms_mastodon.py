"""The Mastodon adapter on real captured payloads and on the hand-made sample pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from auditor.models import ProfileRecord
from auditor.platforms import adapter_for, platform_of, profile_url
from auditor.platforms.base import CrawlOptions, Failure, Fetch, Next, Page, Target
from auditor.replay import ReplayStore
from tests.chain import run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, page_from_file, realcase, realcase_meta

ADAPTER = adapter_for("https://mastodon.social/@halcy")
assert ADAPTER is not None


def start(url: str = "https://mastodon.social/@halcy", **options: int) -> Next:
    step = ADAPTER.start(Target(url=url, platform="mastodon"),
                         CrawlOptions(as_of=options.pop("as_of", AS_OF), **options))
    assert isinstance(step, Next)
    return step


@pytest.mark.parametrize(("url", "canonical", "handle"), [
    ("https://mastodon.social/@halcy", "https://mastodon.social/@halcy", "@halcy@mastodon.social"),
    ("https://mastodon.social/users/halcy", "https://mastodon.social/@halcy",
     "@halcy@mastodon.social"),
    ("https://mastodon.social/@halcy/112233", "https://mastodon.social/@halcy",
     "@halcy@mastodon.social"),
    ("https://mastodon.social/@halcy@icosahedron.website",
     "https://mastodon.social/@halcy@icosahedron.website", "@halcy@icosahedron.website"),
])
def test_profile_urls(url: str, canonical: str, handle: str) -> None:
    assert platform_of(url) == "mastodon"
    assert profile_url(url) == canonical
    assert ADAPTER.handle(canonical) == handle


@pytest.mark.parametrize("url", ["https://www.spaak.example/", "https://example.nl/about",
                                 "https://example.nl/@/x"])
def test_other_urls_are_not_claimed(url: str) -> None:
    assert platform_of(url) == "unknown"


def test_lookup_request() -> None:
    step = start("https://mastodon.social/@halcy@icosahedron.website")
    assert step.fetch.url == ("https://mastodon.social/api/v1/accounts/lookup"
                              "?acct=halcy@icosahedron.website")


def test_real_account_becomes_profile_facts() -> None:
    path = realcase("mastodon", "mastopy_account_halcy_1.json")
    step = start()
    after = ADAPTER.advance(step.state, page_from_file(path, url=step.fetch.url))
    assert isinstance(after, Next)
    assert after.fetch.url == "https://mastodon.social/api/v1/accounts/23972/statuses?limit=40"
    facts = after.state.data["facts"]
    # what SOURCES.md says the file shows: a complete profile
    assert facts.avatar_is_default is False and facts.banner_is_default is False
    assert facts.bio.startswith("i am exactly like all the other guys.\nideal for")
    assert "<p>" not in facts.bio
    assert facts.posts_total == 75076
    assert facts.followers == 3553
    assert facts.created_at == datetime(2017, 2, 3, tzinfo=UTC)
    assert facts.last_post_reported_at == datetime(2026, 4, 11, tzinfo=UTC)  # a date only
    assert [f.name for f in facts.fields] == ["Web", "Demogroup", "Pronouns", "Priv"]
    assert [f.verified for f in facts.fields] == [True, False, False, False]
    assert facts.links == ("https://halcy.de/", "https://demoscene.vc/")  # not the @mention


def test_real_inactive_account() -> None:
    path = realcase("mastodon", "mastopy_account_lookup_2.json")
    step = start("https://localhost.example/@mastodonpy_test")
    after = ADAPTER.advance(step.state, page_from_file(path, url=step.fetch.url))
    assert isinstance(after, Next)
    facts = after.state.data["facts"]
    assert facts.posts_total == 0
    assert facts.bio == "I walk funny"
    assert facts.display_name == "John Lennon"


def test_real_404_is_not_found() -> None:
    path = realcase("mastodon", "mastopy_account_lookup_1.json")
    step = start()
    record = ADAPTER.advance(step.state, page_from_file(path, url=step.fetch.url, status=404))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "not_found"
    assert "Record not found" in (record.outcome_detail or "")


def _statuses_state(account_id: str = "117020565966271181", **options: int) -> Next:
    path = realcase("mastodon", "mastopy_account_lookup_2.json")
    step = start("https://localhost.example/@mastodonpy_test", **options)
    after = ADAPTER.advance(step.state, page_from_file(path, url=step.fetch.url))
    assert isinstance(after, Next)
    return after


def _real_statuses_page(name: str, url: str | None = None) -> Page:
    path = realcase("mastodon", f"{name}.json")
    meta = realcase_meta(realcase("mastodon", f"{name}.meta.json"))
    link = meta["headers"].get("link", [""])[0]
    return page_from_file(path, url=url or meta["uri"], headers={"link": link})


def test_real_statuses_page_follows_the_link_header() -> None:
    after = _statuses_state(as_of=datetime(2026, 8, 2, tzinfo=UTC))
    page = _real_statuses_page("mastopy_account_statuses_paged_1")
    step = ADAPTER.advance(after.state, page)
    assert isinstance(step, Next)
    assert "max_id=117020580489281910" in step.fetch.url
    items = step.state.data["items"]
    assert len(items) == 5 and {i.kind for i in items} == {"original"}
    # the second page, then no next link: the whole history was read
    second = _real_statuses_page("mastopy_account_statuses_paged_2", url=step.fetch.url)
    record = ADAPTER.advance(step.state, page_from_file(
        realcase("mastodon", "mastopy_account_statuses_paged_2.json"), url=second.url))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "ok"
    assert record.sample is not None and record.sample.exhausted and record.sample.pages == 2
    assert len(record.items) == 10
    assert record.items[0].published_at >= record.items[-1].published_at


def test_page_cap_stops_paging() -> None:
    after = _statuses_state(as_of=datetime(2026, 8, 2, tzinfo=UTC), max_pages=1)
    record = ADAPTER.advance(after.state, _real_statuses_page("mastopy_account_statuses_paged_1"))
    assert isinstance(record, ProfileRecord)
    assert record.sample is not None and record.sample.page_cap_reached


def test_real_context_reply_is_classified() -> None:
    data = json.loads(realcase("mastodon", "mastopy_status_context_1.json").read_text())
    descendant = data["descendants"][0]
    ancestor = data["ancestors"][0]
    own_id = str(descendant["account"]["id"])
    body = json.dumps([descendant, ancestor]).encode()
    state = _statuses_state().state.with_data("statuses", account_id=own_id)
    record = ADAPTER.advance(state, Page("https://localhost.example/x", 200,
                                         {"content-type": "application/json"}, body, AS_OF))
    assert isinstance(record, ProfileRecord)
    by_id = {item.id: item.kind for item in record.items}
    expected = ("self_reply" if str(descendant["in_reply_to_account_id"]) == own_id else "reply")
    assert by_id[str(descendant["id"])] == expected
    assert descendant["in_reply_to_account_id"] is not None


@pytest.mark.parametrize(("status", "outcome"), [
    (404, "not_found"), (410, "gone"), (401, "blocked"), (403, "blocked"),
    (429, "rate_limited"), (500, "error"),
])
def test_lookup_statuses_map_to_outcomes(status: int, outcome: str) -> None:
    step = start()
    page = Page(step.fetch.url, status, {"content-type": "application/json"},
                b'{"error":"x"}', AS_OF)
    record = ADAPTER.advance(step.state, page)
    assert isinstance(record, ProfileRecord) and record.outcome == outcome


def test_a_site_that_is_not_mastodon_is_unsupported_not_gone() -> None:
    # No Mastodon API, so ActivityPub is asked (WebFinger, then the address): 404 pages all.
    def page(fetch: Fetch) -> Page:
        return Page(fetch.url, 404, {"content-type": "text/html"}, b"<html>nope</html>", AS_OF)
    record = run_chain(ADAPTER, "https://www.example.nl/@shop", page).record
    assert record.outcome == "unsupported"


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"null", b'{"id": 1}', b"\xff\xfe"])
def test_garbage_lookup_never_raises(body: bytes) -> None:
    step = start()
    record = ADAPTER.advance(step.state, Page(step.fetch.url, 200,
                                              {"content-type": "application/json"}, body, AS_OF))
    assert isinstance(record, ProfileRecord) and record.outcome in {"error", "unsupported"}


def test_moved_account_is_gone_with_its_new_home() -> None:
    step = start()
    body = json.dumps({"id": "1", "username": "halcy", "note": "", "avatar": None,
                       "moved": {"id": "2", "url": "https://new.example/@halcy"}}).encode()
    record = ADAPTER.advance(step.state, Page(step.fetch.url, 200,
                                              {"content-type": "application/json"}, body, AS_OF))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "gone" and "https://new.example/@halcy" in record.outcome_detail


def test_network_failure_becomes_an_outcome() -> None:
    step = start()
    record = ADAPTER.fail(step.state, Failure("timeout", "took too long", step.fetch.url))
    assert record.outcome == "error" and "timeout" in (record.outcome_detail or "")
    robots = ADAPTER.fail(step.state, Failure("robots", "Forbidden", step.fetch.url))
    assert robots.outcome == "robots_disallowed"


def test_next_link_to_another_host_is_not_followed() -> None:
    after = _statuses_state(as_of=datetime(2026, 8, 2, tzinfo=UTC))
    page = _real_statuses_page("mastopy_account_statuses_paged_1",
                               url="https://other.example/api/v1/accounts/1/statuses")
    record = ADAPTER.advance(after.state, page)
    assert isinstance(record, ProfileRecord)
    assert any("another host" in note for note in record.notes)


def test_sample_pages_drive_every_demo_profile_to_its_outcome() -> None:
    """Walk each demo profile's request chain through the replay store, with no Scrapy."""
    expected = json.loads((SAMPLE_PAGES / "expected.json").read_text(encoding="utf-8"))
    store = ReplayStore(SAMPLE_PAGES)
    for url, wanted in expected.items():
        adapter = adapter_for(url)
        if adapter is None or adapter.platform != "mastodon":
            continue
        step = adapter.start(Target(url=profile_url(url), platform="mastodon"),
                             CrawlOptions(as_of=AS_OF))
        hops = 0
        while isinstance(step, Next):
            entry = store.lookup(step.fetch.url)
            assert entry is not None, f"{url}: {step.fetch.url} not in the manifest"
            headers = {k.lower(): v if isinstance(v, str) else ", ".join(v)
                       for k, v in entry.headers.items()}
            step = adapter.advance(step.state, Page(step.fetch.url, entry.status, headers,
                                                    entry.body(), AS_OF))
            hops += 1
            assert hops < 10
        assert step.outcome == wanted["outcome"], url
