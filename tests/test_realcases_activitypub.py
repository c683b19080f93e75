"""Real ActivityPub captures (../shared/realcases/activitypub): what the adapters make of them.

The auditor reads Mastodon-compatible servers through their REST API, not ActivityPub:
an actor document or a legacy WebFinger/OStatus file where an API answer was expected
must become a clear outcome, never a crash or a made-up profile.
"""

from __future__ import annotations

import pytest

from auditor.platforms import adapter_for, platform_of
from auditor.platforms.base import CrawlOptions, Fetch, Page
from tests.chain import run_chain
from tests.conftest import AS_OF, realcase


def _answer(path, content_type: str):
    def answer(fetch: Fetch) -> Page:
        return Page(url=fetch.url, status=200, headers={"content-type": content_type},
                    body=path.read_bytes(), fetched_at=AS_OF)
    return answer


@pytest.mark.parametrize("url", ["https://mamot.fr/users/skruyb.atom",
                                 "https://mastodon.example/@spaak.rss"])
def test_an_accounts_own_feed_is_read_as_a_feed(url: str) -> None:
    assert platform_of(url) == "feed"


def test_legacy_ostatus_file_is_not_a_feed() -> None:
    # SOURCES.md: the legacy per-user Atom URL; the capture is the WebFinger XRD it served
    path = realcase("activitypub", "pleroma_skruyb@mamot.fr.atom")
    url = "https://mamot.fr/users/skruyb.atom"
    adapter = adapter_for(url)
    assert adapter is not None
    record = run_chain(adapter, url, _answer(path, "application/xrd+xml"),
                       options=CrawlOptions(as_of=AS_OF)).record
    assert record.outcome == "error"
    assert "not a feed" in (record.outcome_detail or "")
    assert record.items == ()


@pytest.mark.parametrize("name", ["pleroma_emelie.json", "pleroma_lambadalambda.json",
                                  "pleroma_https___framatube.org_accounts_framasoft.json"])
def test_an_actor_document_where_the_api_was_expected_is_an_error(name: str) -> None:
    # A server answering the account lookup with ActivityPub actor JSON (id, type,
    # preferredUsername, summary) instead of the REST API's account: not read as one.
    path = realcase("activitypub", name)
    url = "https://mastodon.social/@emelie"
    adapter = adapter_for(url)
    assert adapter is not None and adapter.platform == "mastodon"
    record = run_chain(adapter, url, _answer(path, "application/activity+json"),
                       options=CrawlOptions(as_of=AS_OF)).record
    assert record.outcome == "error"
    assert "unexpected answer" in (record.outcome_detail or "")
    assert record.profile is None
