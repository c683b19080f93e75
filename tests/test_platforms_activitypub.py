"""The fediverse reader: profiles without the Mastodon API, read through ActivityPub.

Real captures (../shared/realcases/activitypub: Mastodon and PeerTube actors, a Mastodon
note, a followers collection) and hand-made documents modelled on what Misskey, Pixelfed,
Friendica, Mobilizon, PeerTube, WordPress, GoToSocial and Guppe send
(sample_pages/activitypub, SOURCES.md there), driven through the whole request chain;
and one real crawl through the CLI against a local server that has no Mastodon API.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.messages import known_text
from auditor.models import OUTCOMES, ProfileRecord
from auditor.platforms import activitypub, adapter_for, is_profile_link, platform_of, profile_url
from auditor.platforms.activitydocs import (
    Post,
    actor_facts,
    classify,
    collection_total,
    read_entry,
    self_ids,
    webfinger_actor,
)
from auditor.platforms.base import CrawlOptions, DateSieve, Failure, Fetch, Page, Target
from auditor.urls import request_key
from tests.chain import ChainRun, run_chain
from tests.conftest import AS_OF, REPO, SAMPLE_PAGES, realcase
from tests.fuzzdepth import fuzz_examples
from tests.servers import serve_in_background, shut_down

SAMPLES = SAMPLE_PAGES / "activitypub"
ADAPTER = adapter_for("https://misskey.example/@fietsenmaker")
assert ADAPTER is not None
EARLIEST = datetime(2008, 1, 1, tzinfo=UTC)

HTML_404 = (404, "text/html; charset=utf-8", b"<html><body>Page not found</body></html>")
#: Misskey's answer to an API path it does not have: its error is an object, not a sentence.
MISSKEY_NO_ENDPOINT = (404, "application/json; charset=utf-8", json.dumps({"error": {
    "message": "Unknown API endpoint.", "code": "UNKNOWN_API_ENDPOINT",
    "id": "2ca3b769-540a-4f08-9dd5-b5a825b6d0f1", "kind": "client"}}).encode())

Route = tuple[int, str, bytes]


def sample(name: str) -> dict[str, Any]:
    data = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def ap(name_or_doc: str | Mapping[str, Any], status: int = 200) -> Route:
    doc = sample(name_or_doc) if isinstance(name_or_doc, str) else name_or_doc
    return status, "application/activity+json; charset=utf-8", json.dumps(doc).encode()


def jrd(name_or_doc: str | Mapping[str, Any]) -> Route:
    doc = sample(name_or_doc) if isinstance(name_or_doc, str) else name_or_doc
    return 200, "application/jrd+json; charset=utf-8", json.dumps(doc).encode()


def webfinger(user: str, host: str) -> str:
    return f"https://{host}/.well-known/webfinger?resource=acct:{user}@{host}"


def self_link(actor: str, subject: str) -> dict[str, Any]:
    return {"subject": f"acct:{subject}", "links": [
        {"rel": "self", "type": "application/activity+json", "href": actor}]}


def serve(routes: Mapping[str, Route]) -> Callable[[Fetch], Page]:
    """Answer each fetch from ``routes`` (URLs compared as the replay store does); any
    other URL is a 404 page."""
    by_key = {request_key(url): route for url, route in routes.items()}

    def answer(fetch: Fetch) -> Page:
        status, kind, body = by_key.get(request_key(fetch.url), HTML_404)
        return Page(url=fetch.url, status=status, headers={"content-type": kind}, body=body,
                    fetched_at=AS_OF)
    return answer


def chain(url: str, routes: Mapping[str, Route], **options: Any) -> ChainRun:
    return run_chain(ADAPTER, url, serve(routes), options=CrawlOptions(as_of=AS_OF, **options))


def kinds(record: ProfileRecord) -> list[tuple[str, str]]:
    return [(item.published_at.strftime("%Y-%m-%d"), item.kind) for item in record.items]


# -- which addresses are fediverse profiles --------------------------------------------------

@pytest.mark.parametrize(("url", "canonical", "handle", "linked"), [
    ("https://tube.example/a/spaak", "https://tube.example/a/spaak", "@spaak@tube.example", True),
    ("https://tube.example/accounts/spaak", "https://tube.example/a/spaak",
     "@spaak@tube.example", False),
    ("https://tube.example/a/spaak/video-channels", "https://tube.example/a/spaak",
     "@spaak@tube.example", True),
    ("https://tube.example/c/spaak_kanaal/videos", "https://tube.example/c/spaak_kanaal",
     "@spaak_kanaal@tube.example", True),
    ("https://tube.example/video-channels/spaak_kanaal", "https://tube.example/c/spaak_kanaal",
     "@spaak_kanaal@tube.example", True),
    ("https://tube.example/a/spaak@other.example", "https://tube.example/a/spaak@other.example",
     "@spaak@other.example", True),
    ("https://gup.pe/u/fietsers", "https://gup.pe/u/fietsers", "@fietsers@gup.pe", False),
    ("https://mobilizon.example/@fietsgroep", "https://mobilizon.example/@fietsgroep",
     "@fietsgroep@mobilizon.example", True),
    ("https://misskey.example/@fietsenmaker", "https://misskey.example/@fietsenmaker",
     "@fietsenmaker@misskey.example", True),
])
def test_fediverse_addresses(url: str, canonical: str, handle: str, linked: bool) -> None:
    assert platform_of(url) == "mastodon"
    assert profile_url(url) == canonical
    assert ADAPTER.handle(url) == handle
    # a link on a website counts as a profile only where the address is PeerTube's own
    # (/accounts/login and /u/name are common on sites that are no fediverse server)
    assert (is_profile_link(url) == "mastodon") is linked


@pytest.mark.parametrize("url", [
    "https://forum.example/c/nieuws/12",          # a forum category, not a channel
    "https://shop.example/accounts/login/reset",  # an account page of a web shop
    "https://shop.example/a/b/c",
    "https://tube.example/c/spaak_kanaal/feed.xml",
])
def test_lookalikes_are_not_fediverse_profiles(url: str) -> None:
    assert platform_of(url) != "mastodon"
    assert is_profile_link(url) is None


def test_links_to_login_pages_are_no_profiles() -> None:
    assert platform_of("https://shop.example/accounts/login") == "mastodon"  # listed: tried
    assert is_profile_link("https://shop.example/accounts/login") is None  # found: ignored


def test_peertube_and_guppe_addresses_skip_the_mastodon_api() -> None:
    run = chain("https://tube.example/a/spaak", {})
    assert run.fetched[0] == webfinger("spaak", "tube.example")
    assert not any("/api/v1/" in url for url in run.fetched)


# -- when the Mastodon API is not there --------------------------------------------------

LOOKUP = "https://misskey.example/api/v1/accounts/lookup?acct=fietsenmaker"
MK = "https://misskey.example/users/9kx3fietsen0"
MISSKEY: dict[str, Route] = {
    webfinger("fietsenmaker", "misskey.example"): jrd("misskey-webfinger.json"),
    MK: ap("misskey-actor.json"),
    f"{MK}/outbox": ap("misskey-outbox.json"),
    f"{MK}/outbox?page=true": ap("misskey-outbox-page-1.json"),
    f"{MK}/outbox?page=true&until_id=a7b2km03": ap("misskey-outbox-page-2.json"),
    f"{MK}/followers": ap("misskey-followers.json"),
}


@pytest.mark.parametrize("lookup", [
    HTML_404,
    MISSKEY_NO_ENDPOINT,
    (200, "text/html; charset=utf-8", b"<!doctype html><title>Misskey</title><div id=app>"),
    (405, "text/plain", b"Method Not Allowed"),
    (404, "application/json", b'{"errors":{"detail":"Not Found"}}'),
], ids=["html-404", "misskey-error-object", "app-shell", "405", "json-of-another-shape"])
def test_no_mastodon_api_means_activitypub(lookup: Route) -> None:
    run = chain("https://misskey.example/@fietsenmaker", {LOOKUP: lookup, **MISSKEY})
    assert run.fetched[:2] == [LOOKUP, webfinger("fietsenmaker", "misskey.example")]
    assert run.record.outcome == "ok"
    assert run.record.platform == "mastodon"


@pytest.mark.parametrize(("lookup", "outcome"), [
    ((404, "application/json", b'{"error":"Record not found"}'), "not_found"),
    ((410, "application/json; charset=utf-8", b""), "gone"),
    ((401, "application/json", b'{"error":"This API requires an authenticated user"}'),
     "blocked"),
])
def test_the_mastodon_api_is_taken_at_its_word(lookup: Route, outcome: str) -> None:
    run = chain("https://misskey.example/@fietsenmaker", {LOOKUP: lookup, **MISSKEY})
    assert run.fetched == [LOOKUP]
    assert run.record.outcome == outcome


def test_no_api_and_no_activitypub_is_unsupported_naming_every_answer() -> None:
    run = chain("https://www.example.nl/@shop", {})
    assert run.fetched == ["https://www.example.nl/api/v1/accounts/lookup?acct=shop",
                           webfinger("shop", "www.example.nl"), "https://www.example.nl/@shop"]
    record = run.record
    assert record.outcome == "unsupported"
    assert record.outcome_detail == (
        "www.example.nl answers neither the Mastodon API nor ActivityPub "
        "(/api/v1/accounts/lookup: HTTP 404, text/html; WebFinger: HTTP 404, text/html; "
        "https://www.example.nl/@shop: HTTP 404, text/html)")
    assert known_text(record.outcome_detail).id == "detail.no_fediverse"


# -- Misskey: the whole chain ----------------------------------------------------------------

def test_misskey_profile_and_two_outbox_pages() -> None:
    run = chain("https://misskey.example/@fietsenmaker", {LOOKUP: MISSKEY_NO_ENDPOINT, **MISSKEY})
    assert run.fetched == [LOOKUP, *list(MISSKEY)]
    record = run.record
    assert record.outcome == "ok" and record.outcome_detail is None
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Ratel Tweewielers" and facts.username == "fietsenmaker"
    assert facts.bio is not None and facts.bio.startswith("Fietsenwinkel en werkplaats in Utrecht")
    assert facts.avatar_url and facts.avatar_is_default is False
    assert facts.banner_url and facts.banner_is_default is False
    assert [f.name for f in facts.fields] == ["Website"]
    assert "https://www.ratel.example/" in facts.links
    assert facts.posts_total == 312 and facts.followers == 87
    assert kinds(record) == [
        ("2026-10-31", "self_reply"),  # answers its own note of the day before
        ("2026-10-30", "original"),
        ("2026-10-28", "reply"),       # answers a Mastodon user
        ("2026-10-25", "repost"),      # a renote: Announce of a URL
        ("2026-09-02", "original"),
        ("2026-07-14", "original"),    # page 2 reaches back past the window: paging stops
    ]
    newest_original = record.items[1]
    assert newest_original.text == "Nieuwe winterbanden binnen! https://www.ratel.example/winter"
    assert newest_original.links == ("https://www.ratel.example/winter",)
    assert newest_original.url == "https://misskey.example/notes/a7b2kp99"
    assert record.sample is not None
    assert (record.sample.pages, record.sample.exhausted, record.sample.page_cap_reached) == (
        2, False, False)
    assert record.replies_observable


def test_page_cap_and_window_as_for_the_mastodon_api() -> None:
    routes = {LOOKUP: HTML_404, **MISSKEY}
    capped = chain("https://misskey.example/@fietsenmaker", routes, max_pages=1).record
    assert capped.sample is not None and capped.sample.page_cap_reached
    assert len(capped.items) == 4
    short = chain("https://misskey.example/@fietsenmaker", routes, window_days=3).record
    assert short.sample is not None and short.sample.pages == 1  # page 1 covers 3 days


def test_a_next_page_on_another_host_is_not_followed() -> None:
    page = sample("misskey-outbox-page-1.json")
    page["next"] = "https://elsewhere.example/outbox?page=2"
    routes = {**MISSKEY, f"{MK}/outbox?page=true": ap(page)}
    record = chain("https://misskey.example/@fietsenmaker", {LOOKUP: HTML_404, **routes}).record
    assert record.outcome == "ok" and len(record.items) == 4
    assert "next page on another host ignored: elsewhere.example" in record.notes


# -- Pixelfed: WebFinger says nothing, the profile address gives the actor ---------------------

PF = "https://pixelfed.example/users/spaakfoto"


def test_pixelfed_actor_from_the_address_and_an_outbox_holding_its_items() -> None:
    run = chain(PF, {PF: ap("pixelfed-actor.json"), f"{PF}/outbox": ap("pixelfed-outbox.json")})
    assert run.fetched == [
        "https://pixelfed.example/api/v1/accounts/lookup?acct=spaakfoto",
        webfinger("spaakfoto", "pixelfed.example"),  # 404: the address itself is asked
        PF, f"{PF}/outbox", f"{PF}/followers"]
    record = run.record
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.bio == "Foto's uit de werkplaats van Spaak Fietsen, Utrecht. Bel 030-1234567."
    assert facts.banner_url is None  # Pixelfed has no banner
    assert facts.posts_total == 24 and facts.followers is None
    assert kinds(record) == [("2026-10-29", "original"), ("2026-10-20", "reply"),
                             ("2026-10-02", "original")]
    assert record.items[0].text.startswith("Een Gazelle uit 1962")
    assert record.items[0].links == ()  # the hashtag link is no link to a website
    # 3 of 24 posts shown and no next page: not the whole history
    assert record.sample is not None and not record.sample.exhausted


# -- Friendica: fields, an Organization, a window reached on page 1 -----------------------------

FR = "https://friendica.example/profile/ratel"
FRIENDICA: dict[str, Route] = {
    webfinger("ratel", "friendica.example"): jrd(self_link(FR, "ratel@friendica.example")),
    FR: ap("friendica-actor.json"),
    "https://friendica.example/outbox/ratel": ap("friendica-outbox.json"),
    "https://friendica.example/outbox/ratel?page=1": ap("friendica-outbox-page-1.json"),
}


def test_friendica_fields_and_posts() -> None:
    run = chain("https://friendica.example/@ratel", FRIENDICA)
    record = run.record
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert [(f.name, f.value) for f in facts.fields] == [
        ("Website", "https://www.ratel.example"), ("Telefoon", "030 765 4321")]
    assert facts.links == ("https://www.ratel.example",)
    assert facts.bot is False and facts.banner_is_default is False
    assert kinds(record) == [("2026-04-18", "original"), ("2026-04-12", "repost"),
                             ("2026-03-02", "reply")]
    # the page reaches back past the window: its next page (?max_id=) is not asked
    assert "https://friendica.example/outbox/ratel?max_id=31920" not in run.fetched
    assert record.sample is not None and record.sample.pages == 1


# -- Mobilizon: a group, events, an embedded first page, a next link on the last page ---------

MZ = "https://mobilizon.example/@fietsgroep"


def test_mobilizon_group_events() -> None:
    routes = {
        webfinger("fietsgroep", "mobilizon.example"): jrd(
            self_link(MZ, "fietsgroep@mobilizon.example")),
        MZ: ap("mobilizon-group.json"),
        f"{MZ}/outbox": ap("mobilizon-outbox.json"),
        f"{MZ}/outbox?page=2": ap("mobilizon-outbox-page-2.json"),
    }
    run = chain(MZ, routes)
    record = run.record
    assert record.outcome == "ok"
    assert record.profile is not None and record.profile.display_name == "Fietsgroep Spaak"
    assert record.profile.bot is False
    # dated by the Event's own published, not the activity's (the time of the request)
    assert kinds(record) == [("2026-10-26", "original"), ("2026-09-14", "original")]
    assert record.items[0].format == "event"
    assert record.items[0].text.startswith("Zondagtocht: rondje Kromme Rijn\n")
    # the empty page after the last one ends the history
    assert record.sample is not None and record.sample.exhausted and record.sample.pages == 2
    assert f"{MZ}/outbox?page=3" not in run.fetched


# -- PeerTube: an oldest-first outbox, a channel read through its account ----------------------

PT = "https://tube.example"
ACC = f"{PT}/accounts/spaak"
CH = f"{PT}/video-channels/spaak_kanaal"
PEERTUBE: dict[str, Route] = {
    webfinger("spaak", "tube.example"): jrd("peertube-webfinger.json"),
    ACC: ap("peertube-account.json"),
    f"{ACC}/outbox": ap("peertube-account-outbox.json"),
    f"{ACC}/outbox?page=1": ap("peertube-account-outbox-page-1.json"),
    f"{ACC}/outbox?page=2": ap("peertube-account-outbox-page-2.json"),
    f"{ACC}/outbox?page=3": ap("peertube-account-outbox-page-3.json"),
    f"{ACC}/outbox?page=4": ap("peertube-account-outbox-page-4.json"),
    f"{ACC}/followers": ap("peertube-followers.json"),
    webfinger("spaak_kanaal", "tube.example"): jrd(self_link(CH, "spaak_kanaal@tube.example")),
    CH: ap("peertube-channel.json"),
    f"{CH}/outbox": ap("peertube-channel-outbox.json"),
    f"{CH}/outbox?page=1": ap("peertube-channel-outbox-page-1.json"),
}


def test_peertube_account_is_read_from_its_newest_page_backwards() -> None:
    run = chain(f"{PT}/a/spaak", PEERTUBE)
    assert run.fetched == [webfinger("spaak", "tube.example"), ACC, f"{ACC}/outbox",
                           f"{ACC}/outbox?page=1",  # oldest first: jump to page 7/2 = 4
                           f"{ACC}/outbox?page=4", f"{ACC}/outbox?page=3", f"{ACC}/followers"]
    record = run.record
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.avatar_url == f"{PT}/lazy-static/avatars/7e1c8f0a-4b2d-4e55-9a61-account-120.png"
    assert facts.created_at == datetime(2020, 3, 11, 10, 4, 55, 112000, tzinfo=UTC)
    assert facts.posts_total == 7 and facts.followers == 212
    # the oldest page was set aside: it does not join the newest pages
    assert kinds(record) == [("2026-10-20", "original"), ("2026-09-10", "original"),
                             ("2026-06-15", "original")]
    assert {item.format for item in record.items} == {"video"}
    assert record.items[0].url == f"{PT}/w/1f0e2d3c"  # the text/html Link
    assert record.sample is not None and not record.sample.exhausted


def test_peertube_account_read_whole() -> None:
    record = chain(f"{PT}/a/spaak", PEERTUBE, window_days=3650, max_pages=5).record
    assert [day for day, _ in kinds(record)] == [
        "2026-10-20", "2026-09-10", "2026-06-15", "2024-05-22", "2023-03-08", "2022-05-17",
        "2021-02-03"]
    # pages 1, 4, 3, 2: page 2 leads back to page 1, read first: the whole history
    assert record.sample is not None and record.sample.exhausted and record.sample.pages == 4


def test_an_oldest_first_outbox_that_hides_its_end_gives_no_dates() -> None:
    outbox = sample("peertube-account-outbox.json")
    del outbox["totalItems"]
    page = sample("peertube-account-outbox-page-1.json")
    del page["totalItems"]
    routes = {**PEERTUBE, f"{ACC}/outbox": ap(outbox), f"{ACC}/outbox?page=1": ap(page)}
    record = chain(f"{PT}/a/spaak", routes, max_pages=2).record
    assert record.outcome == "ok"
    assert record.items == () and record.sample is None  # unknown, not dead
    assert activitypub.OLDEST_FIRST in record.notes


def test_peertube_channel_videos_from_its_account() -> None:
    run = chain(f"{PT}/c/spaak_kanaal/videos", PEERTUBE)
    assert run.fetched[:5] == [webfinger("spaak_kanaal", "tube.example"), CH, f"{CH}/outbox",
                               f"{CH}/outbox?page=1", ACC]
    record = run.record
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Spaak Werkplaats"
    assert facts.banner_url == f"{PT}/lazy-static/banners/2b9d0e11-banner.jpg"
    assert facts.posts_total == 6  # the channel's own count
    assert kinds(record) == [("2026-10-20", "original"), ("2026-09-10", "original"),
                             ("2026-06-15", "original")]
    assert record.notes == (activitypub.VIA_OWNER.format(owner=ACC),)


def test_a_video_of_another_channel_is_left_out() -> None:
    record = chain(f"{PT}/c/spaak_kanaal", PEERTUBE, window_days=3650, max_pages=5).record
    names = [item.text.split(".")[0] for item in record.items]
    assert "Oude folders" not in names  # the account's other channel
    assert "Een band plakken" in names


# -- WordPress with the ActivityPub plugin ---------------------------------------------------

WP = "https://blog.velovlot.example"
WPAPI = f"{WP}/wp-json/activitypub/1.0/actors/2"


def test_wordpress_author_articles() -> None:
    routes = {
        webfinger("redactie", "blog.velovlot.example"): jrd("wordpress-webfinger.json"),
        f"{WP}/author/redactie/": ap("wordpress-actor.json"),
        f"{WPAPI}/outbox": ap("wordpress-outbox.json"),
        f"{WPAPI}/outbox?page=1": ap("wordpress-outbox-page-1.json"),
    }
    record = chain(f"{WP}/@redactie", routes).record
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.links == ("https://www.velovlot.example/contact/", f"{WP}/",
                           "https://www.velovlot.example/")
    # the Update of the article and a Like are no posts
    assert kinds(record) == [("2026-10-21", "original")]
    assert record.items[0].format == "article"
    assert record.items[0].text.startswith("Winterbanden: wanneer wissel je?\n")
    assert record.sample is not None and record.sample.exhausted


# -- GoToSocial, Mastodon with authorized fetch: blocked, never gone ---------------------------

GTS = "https://gts.example/users/velovlot"
SECURE = "https://secure.example/users/ratel"


@pytest.mark.parametrize(("actor", "detail"), [
    (ap("gotosocial-key-stub.json"), activitypub.AUTHORIZED_FETCH),
    ((401, "application/json", b'{"error":"Unauthorized"}'),
     f"HTTP 401: {activitypub.AUTHORIZED_FETCH}"),
], ids=["key-document", "401"])
def test_signed_requests_only_is_blocked(actor: Route, detail: str) -> None:
    routes = {webfinger("velovlot", "gts.example"): jrd(self_link(GTS, "velovlot@gts.example")),
              GTS: actor}
    record = chain("https://gts.example/@velovlot", routes).record
    assert (record.outcome, record.outcome_detail) == ("blocked", detail)


def test_mastodon_actor_for_unsigned_readers_is_blocked() -> None:
    routes = {webfinger("ratel", "secure.example"): jrd("mastodon-webfinger.json"),
              SECURE: ap("mastodon-authorized-fetch-actor.json")}
    record = chain(SECURE, routes).record
    assert (record.outcome, record.outcome_detail) == ("blocked", activitypub.AUTHORIZED_FETCH)


def test_an_outbox_closed_to_unsigned_readers_is_blocked_with_the_profile() -> None:
    routes = {webfinger("ratel", "friendica.example"): FRIENDICA[webfinger("ratel",
                                                                           "friendica.example")],
              FR: ap("friendica-actor.json"),
              "https://friendica.example/outbox/ratel": (401, "application/json", b"{}")}
    record = chain("https://friendica.example/@ratel", routes).record
    assert record.outcome == "blocked"
    assert record.outcome_detail == f"outbox: HTTP 401: {activitypub.AUTHORIZED_FETCH}"
    assert record.profile is not None and record.profile.display_name == "Ratel Tweewielers"


def test_gotosocial_outbox_lists_posts_by_address_only() -> None:
    actor = {"id": GTS, "type": "Person", "name": "Velo Vlot", "preferredUsername": "velovlot",
             "outbox": f"{GTS}/outbox", "url": "https://gts.example/@velovlot"}
    routes = {webfinger("velovlot", "gts.example"): jrd(self_link(GTS, "velovlot@gts.example")),
              GTS: ap(actor),
              f"{GTS}/outbox": ap({"id": f"{GTS}/outbox", "type": "OrderedCollection",
                                   "first": f"{GTS}/outbox?page=true"}),
              f"{GTS}/outbox?page=true": ap("gotosocial-outbox-page.json")}
    record = chain("https://gts.example/@velovlot", routes, max_pages=1).record
    assert record.outcome == "ok"
    assert kinds(record) == [("2026-10-18", "original"), ("2026-10-11", "original")]
    assert record.replies_observable is False  # only originals are listed
    assert activitypub.LINKS_ONLY in record.notes


def test_gotosocial_note_quirks() -> None:
    post = read_entry(sample("gotosocial-create-reply.json"), DateSieve(
        fetched_at=AS_OF, earliest=EARLIEST))
    assert isinstance(post, Post)
    assert post.item.published_at == datetime(2026, 10, 30, 14, 18, 55, tzinfo=UTC)
    assert post.reply_to == "https://mastodon.example/users/klant/statuses/113370002"
    [item] = classify([post], self_ids({"id": GTS}))
    assert item.kind == "reply"
    assert item.url == "https://gts.example/@velovlot/statuses/01JCAB3G6HA0XX4JS79BWSRD4F"


# -- Guppe: a group that only boosts --------------------------------------------------------

def test_guppe_group_boosts() -> None:
    group = "https://gup.pe/u/fietsers"
    routes = {webfinger("fietsers", "gup.pe"): jrd(self_link(group, "fietsers@gup.pe")),
              group: ap("guppe-actor.json"),
              f"{group}/outbox": ap("guppe-outbox.json"),
              f"{group}/outbox?page=true": ap("guppe-outbox-page.json"),
              f"{group}/outbox?page=6723f1a0c4e5b2a1d0e9f8c7": ap("guppe-outbox-page-2.json")}
    record = chain(group, routes).record
    assert record.outcome == "ok"
    assert record.profile is not None and record.profile.avatar_is_default is True  # the logo
    assert kinds(record) == [("2026-10-30", "repost"), ("2026-10-27", "repost")]
    assert record.sample is not None and record.sample.exhausted


# -- outcomes along the chain -------------------------------------------------------------------

def _friendica_with(**changes: Route) -> dict[str, Route]:
    routes = dict(FRIENDICA)
    names = {"webfinger": webfinger("ratel", "friendica.example"), "actor": FR,
             "outbox": "https://friendica.example/outbox/ratel",
             "page": "https://friendica.example/outbox/ratel?page=1"}
    for name, route in changes.items():
        routes[names[name]] = route
    return routes


@pytest.mark.parametrize(("changes", "outcome", "detail"), [
    ({"webfinger": (410, "text/html", b"")}, "gone",
     "HTTP 410: the account was suspended or deleted"),
    ({"webfinger": (429, "application/json", b"{}")}, "rate_limited", "HTTP 429: rate limited"),
    ({"actor": (404, "application/activity+json", b"{}")}, "not_found",
     "HTTP 404: no such account"),
    ({"actor": ap({"id": FR, "type": "Tombstone", "deleted": "2026-10-01T00:00:00Z"})}, "gone",
     activitypub.TOMBSTONE),
    ({"actor": (410, "application/activity+json", b"{}")}, "gone",
     "HTTP 410: the account was suspended or deleted"),
    ({"actor": (200, "text/html", b"<html>profile</html>")}, "error",
     "actor: not ActivityPub JSON (HTTP 200, text/html)"),
    ({"outbox": (403, "text/html", b"")}, "blocked",
     "outbox: HTTP 403: the server refuses logged-out access"),
    ({"outbox": (429, "text/html", b"")}, "rate_limited", "outbox: HTTP 429: rate limited"),
], ids=["webfinger-410", "webfinger-429", "actor-404", "tombstone", "actor-410", "actor-html",
        "outbox-403", "outbox-429"])
def test_answers_along_the_chain(changes: dict[str, Route], outcome: str, detail: str) -> None:
    record = chain("https://friendica.example/@ratel", _friendica_with(**changes)).record
    assert (record.outcome, record.outcome_detail) == (outcome, detail)


def test_a_moved_account_is_gone_with_its_new_home() -> None:
    actor = sample("friendica-actor.json")
    actor["movedTo"] = "https://mastodon.example/users/ratel"
    record = chain("https://friendica.example/@ratel", _friendica_with(actor=ap(actor))).record
    assert record.outcome == "gone"
    assert record.outcome_detail == "the account moved to https://mastodon.example/users/ratel"
    assert record.profile is not None


@pytest.mark.parametrize("outbox", [(404, "text/html", b"nope"), (500, "text/html", b"oops"),
                                    (200, "application/json", b"[1, 2]")])
def test_an_unreadable_outbox_leaves_the_posts_unknown(outbox: Route) -> None:
    record = chain("https://friendica.example/@ratel", _friendica_with(outbox=outbox)).record
    assert record.outcome == "ok" and record.profile is not None
    assert record.sample is None and record.items == ()  # not dead: unknown
    assert any(note.startswith("outbox: ") for note in record.notes)


def test_a_later_page_that_fails_keeps_the_pages_read() -> None:
    routes = {LOOKUP: HTML_404, **MISSKEY,
              f"{MK}/outbox?page=true&until_id=a7b2km03": (500, "text/html", b"")}
    record = chain("https://misskey.example/@fietsenmaker", routes).record
    assert record.outcome == "ok" and len(record.items) == 4
    assert "outbox page 2: HTTP 500" in record.notes


def test_network_failures_become_outcomes() -> None:
    step = ADAPTER.start(Target(url="https://tube.example/a/spaak", platform="mastodon"),
                         CrawlOptions(as_of=AS_OF))
    assert not isinstance(step, ProfileRecord)
    record = ADAPTER.fail(step.state, Failure("timeout", "took too long", step.fetch.url))
    assert record.outcome == "error" and "timeout" in (record.outcome_detail or "")


def test_a_followers_count_that_cannot_be_had_is_left_out() -> None:
    answer = serve({LOOKUP: HTML_404, **MISSKEY})

    def flaky(fetch: Fetch) -> Page | Failure:
        if fetch.url == f"{MK}/followers":
            return Failure("timeout", "took too long", fetch.url)
        return answer(fetch)
    record = run_chain(ADAPTER, "https://misskey.example/@fietsenmaker", flaky).record
    assert record.outcome == "ok" and len(record.items) == 6
    assert record.profile is not None and record.profile.followers is None


def test_dates_before_the_fediverse_or_in_the_future_are_dropped() -> None:
    page = sample("misskey-outbox-page-1.json")
    page["orderedItems"][0]["object"]["published"] = "1999-01-01T00:00:00Z"
    page["orderedItems"][1]["object"]["published"] = "2027-06-01T00:00:00Z"
    routes = {LOOKUP: HTML_404, **MISSKEY, f"{MK}/outbox?page=true": ap(page)}
    record = chain("https://misskey.example/@fietsenmaker", routes, max_pages=1).record
    assert len(record.items) == 2
    assert "1 post(s) dated before 2008-01-01, skipped" in record.notes
    assert "1 post(s) dated more than a day after the fetch, skipped" in record.notes


# -- the real captures ----------------------------------------------------------------------------

def _real(name: str) -> dict[str, Any]:
    data = json.loads(realcase("activitypub", name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_real_mastodon_actor() -> None:
    facts = actor_facts(_real("pleroma_emelie.json"))
    assert facts.display_name == "emelie 🎨" and facts.username == "emelie"
    assert facts.bio is not None and "If I ain't spending time with my pets" in facts.bio
    assert "#Sweden" in facts.bio and "<p>" not in facts.bio
    assert [f.name for f in facts.fields] == ["Ko-fi", "Instagram", "Carrd", "Artstation"]
    assert facts.links == ("https://ko-fi.com/emeliepng", "https://www.instagram.com/emelie_png/",
                           "https://emelie.carrd.co/", "https://emiri.artstation.com")
    assert facts.avatar_url and facts.avatar_url.endswith("e7163f98280da1a4.png")
    assert facts.banner_url and facts.banner_url.endswith("847f331f3dd9e38b.png")
    assert facts.bot is False


def test_real_thin_mastodon_actor() -> None:
    facts = actor_facts(_real("pleroma_lambadalambda.json"))
    assert facts.display_name == "Critical Value"
    assert facts.bio == "" and facts.fields == () and facts.links == ()


def test_real_peertube_actor() -> None:
    facts = actor_facts(_real("pleroma_https___framatube.org_accounts_framasoft.json"))
    assert facts.display_name == "Framasoft" and facts.username == "framasoft"
    assert facts.bio == ""  # summary: null
    assert facts.avatar_url is not None and facts.avatar_url.startswith(
        "https://framatube.org/lazy-static/avatars/")
    assert facts.banner_url is None


def test_real_note_is_an_original_post() -> None:
    note = _real("pleroma_status.emelie.json")
    sieve = DateSieve(fetched_at=AS_OF, earliest=EARLIEST)
    for entry in (note, {"type": "Create", "id": note["id"] + "/activity", "object": note}):
        post = read_entry(entry, sieve)
        assert isinstance(post, Post)
        assert post.item.kind == "original" and post.reply_to is None
        assert post.item.published_at == datetime(2019, 4, 1, 5, 2, 5, tzinfo=UTC)
        assert post.item.url == "https://mastodon.social/@emelie/101849165031453009"
        assert post.item.text.startswith("You gotta take whatever bellyrubbing")
        assert post.item.links == ()  # a hashtag


def test_real_followers_collections_give_the_count() -> None:
    assert collection_total(_real("pleroma_masto_closed_followers.json")) == 437
    assert collection_total(_real("pleroma_masto_closed_followers_page.json")) == 437


def test_real_actor_through_the_chain() -> None:
    actor = _real("pleroma_emelie.json")
    routes = {
        "https://mastodon.social/api/v1/accounts/lookup?acct=emelie": HTML_404,
        webfinger("emelie", "mastodon.social"): jrd(self_link(actor["id"],
                                                              "emelie@mastodon.social")),
        actor["id"]: ap(actor),
        actor["outbox"]: ap({"id": actor["outbox"], "type": "OrderedCollection",
                             "totalItems": 1, "first": actor["outbox"] + "?page=true"}),
        actor["outbox"] + "?page=true": ap({
            "id": actor["outbox"] + "?page=true", "type": "OrderedCollectionPage",
            "orderedItems": [{"type": "Create", "id": "x/activity",
                              "object": _real("pleroma_status.emelie.json")}]}),
        actor["followers"]: ap(_real("pleroma_masto_closed_followers.json")),
    }
    record = chain("https://mastodon.social/@emelie", routes).record
    assert record.outcome == "ok"
    assert record.profile is not None and record.profile.followers == 437
    assert kinds(record) == [("2019-04-01", "original")]


# -- the pure readers ----------------------------------------------------------------------------

def test_webfinger_names_the_actor() -> None:
    assert webfinger_actor(sample("wordpress-webfinger.json")) == f"{WP}/author/redactie/"
    assert webfinger_actor(sample("misskey-webfinger.json")) == MK
    ld = {"links": [{"rel": "self", "href": "https://a.example/u/1",
                     "type": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}]}
    assert webfinger_actor(ld) == "https://a.example/u/1"
    for nothing in ({}, {"links": "x"}, {"links": [{"rel": "self", "type": "text/html",
                                                    "href": "https://a.example/"}]}, [], None):
        assert webfinger_actor(nothing) is None


def test_a_self_thread_older_than_the_sample_counts_as_a_reply_unless_under_the_actor() -> None:
    sieve = DateSieve(fetched_at=AS_OF, earliest=EARLIEST)
    own = self_ids({"id": "https://m.example/users/a", "url": "https://m.example/@a"})
    def note(reply: str) -> Post:
        post = read_entry({"type": "Note", "id": "https://m.example/users/a/statuses/9",
                           "published": "2026-10-01T00:00:00Z", "inReplyTo": reply}, sieve)
        assert isinstance(post, Post)
        return post
    [under] = classify([note("https://m.example/users/a/statuses/1")], own)
    [other] = classify([note("https://m.example/users/b/statuses/1")], own)
    [unknown] = classify([note("https://misskey.example/notes/zzz")], own)
    assert (under.kind, other.kind, unknown.kind) == ("self_reply", "reply", "reply")


def test_fixed_texts_are_messages() -> None:
    for value in (activitypub.AUTHORIZED_FETCH, activitypub.TOMBSTONE, activitypub.NO_OUTBOX,
                  activitypub.NO_PAGES, activitypub.OLDEST_FIRST, activitypub.LINKS_ONLY,
                  activitypub.LOOP, activitypub.VIA_OWNER.format(owner=ACC),
                  activitypub.UNDATED_ITEMS.format(n=2), activitypub.UNREADABLE_ITEMS.format(n=1),
                  activitypub.OTHER_HOST.format(host="a.example"),
                  activitypub.NO_ACTIVITYPUB.format(host="a.example", reasons="WebFinger: x")):
        message = known_text(value)
        assert message is not None and message.id.startswith("detail."), value
        assert str(message) == value


# -- never a crash -----------------------------------------------------------------------------

_PROFILES = {
    "https://misskey.example/@fietsenmaker": {LOOKUP: MISSKEY_NO_ENDPOINT, **MISSKEY},
    f"{PT}/c/spaak_kanaal": PEERTUBE,
    "https://friendica.example/@ratel": FRIENDICA,
}


@settings(max_examples=fuzz_examples(300), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(profile=st.sampled_from(sorted(_PROFILES)), data=st.data())
def test_mutated_documents_end_in_an_outcome(profile: str, data: st.DataObject) -> None:
    answer = serve(_PROFILES[profile])

    def mutated(fetch: Fetch) -> Page:
        page = answer(fetch)
        body = page.body
        how = data.draw(st.sampled_from(["keep", "cut", "garbage", "json"]))
        if how == "cut":
            body = body[:data.draw(st.integers(0, len(body)))]
        elif how == "garbage":
            body = data.draw(st.binary(max_size=300))
        elif how == "json":
            body = json.dumps(data.draw(st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                lambda inner: st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(
                    ["id", "type", "first", "next", "prev", "last", "orderedItems", "object",
                     "published", "outbox", "links", "totalItems", "inReplyTo", "icon"]),
                    inner, max_size=5), max_leaves=15))).encode()
        status = data.draw(st.sampled_from([page.status, page.status, 200, 401, 404, 410, 500]))
        return Page(page.url, status, page.headers, body, page.fetched_at)

    record = run_chain(ADAPTER, profile, mutated, options=CrawlOptions(as_of=AS_OF)).record
    assert record.outcome in OUTCOMES


# -- end to end: a real crawl through the CLI, no Mastodon API -------------------------------

class _Fediverse(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    seen: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Fediverse

    def do_GET(self) -> None:  # the name http.server calls
        self.server.seen.append(self.path)
        path = self.path.split("?", 1)[0] if self.path.startswith("/.well-known/") else self.path
        status, kind, body = self.server.routes.get(path, HTML_404)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


def test_a_crawl_reads_a_server_without_the_mastodon_api(tmp_path: Path) -> None:
    server = _Fediverse(("127.0.0.1", 0), _Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    server.seen = []
    local = {path: (status, kind, body.replace(b"https://misskey.example", origin.encode()))
             for path, (status, kind, body) in {
                 "/api/v1/accounts/lookup?acct=fietsenmaker": MISSKEY_NO_ENDPOINT,
                 "/.well-known/webfinger": MISSKEY[webfinger("fietsenmaker", "misskey.example")],
                 **{url.removeprefix("https://misskey.example"): route
                    for url, route in MISSKEY.items() if url.startswith(MK)},
                 "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow:\n"),
             }.items()}
    server.routes = local
    serve_in_background(server)
    config = tmp_path / "fedi.toml"
    profile = f"{origin}/@fietsenmaker"
    config.write_text(
        '[audit]\nname = "Fediverse"\nas_of = "2026-11-01"\nallow_private_addresses = true\n\n'
        f'[[organisation]]\nname = "Ratel Tweewielers"\nrole = "client"\n'
        f'profiles = ["{profile}"]\n', encoding="utf-8")
    out = tmp_path / "out"
    try:
        run = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", str(config), "--out", str(out),
             "--no-history", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
            cwd=REPO, text=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    finally:
        shut_down([server])
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in
               (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    [record] = [r for r in records if r["url"] == profile]
    assert (record["platform"], record["outcome"]) == ("mastodon", "ok")
    assert record["handle"] == "@fietsenmaker@127.0.0.1"
    assert record["sample"] == {"pages": 2, "page_cap_reached": False, "exhausted": False}
    assert [item["kind"] for item in record["items"]] == [
        "self_reply", "original", "reply", "repost", "original", "original"]
    assert record["profile"]["followers"] == 87 and record["profile"]["posts_total"] == 312
    asked = [path.split("?")[0] for path in server.seen]
    assert asked.index("/api/v1/accounts/lookup") < asked.index("/.well-known/webfinger")
    assert server.seen.count("/users/9kx3fietsen0/outbox?page=true&until_id=a7b2km03") == 1
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [shown] = [p for org in report["organisations"] for p in org["profiles"]]
    assert shown["platform"] == "mastodon" and shown["outcome"] == "ok"
    assert shown["metrics"]["last_post_at"].startswith("2026-10-31")
    assert math.isclose(shown["metrics"]["completeness"]["score"], 100.0)
