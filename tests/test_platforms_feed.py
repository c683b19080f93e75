"""Feeds (RSS 2.0, RSS 1.0, Atom, JSON Feed) and the catch-all that discovers a page's feed."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import MAX_TEXT_CHARS, ProfileRecord
from auditor.platforms.base import (
    CrawlOptions,
    Failure,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Target,
)
from auditor.platforms.feed import (
    NO_CONTACT,
    DiscoveryAdapter,
    FeedAdapter,
    FeedRead,
    NotFeed,
    find_feed_links,
    parse_date,
    read_feed,
    readable_handle,
    sniff,
)
from auditor.urls import canonicalise
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, judged, realcase
from tests.fuzzdepth import fuzz_examples

FEED = FeedAdapter()
DISCOVERY = DiscoveryAdapter()
SAMPLES = SAMPLE_PAGES / "feed"
RSS_TYPE = "application/rss+xml; charset=UTF-8"
HTML_TYPE = "text/html; charset=utf-8"


def sample(adapter: PlatformAdapter, url: str) -> ProfileRecord:
    return run_chain(adapter, url, replay_answer(SAMPLES),
                     options=CrawlOptions(as_of=AS_OF)).record


Served = Mapping[str, tuple[int, str, bytes]]


def serve(pages: Served):
    """An answer function from {url: (status, content type, body)}; others are replay misses."""

    def answer(fetch: Fetch) -> Page | Failure:
        if fetch.url not in pages:
            return Failure("not_in_replay", "no entry", fetch.url)
        status, ctype, body = pages[fetch.url]
        return Page(url=fetch.url, status=status, headers={"content-type": ctype}, body=body,
                    fetched_at=AS_OF)

    return answer


def chain(adapter: PlatformAdapter, url: str, pages: Served, **options: int):
    return run_chain(adapter, url, serve(pages), options=CrawlOptions(as_of=AS_OF, **options))


def feed_record(body: bytes | str, *, url: str = "https://blog.test.example/feed",
                ctype: str = RSS_TYPE, status: int = 200) -> ProfileRecord:
    raw = body.encode() if isinstance(body, str) else body
    return chain(FEED, url, {url: (status, ctype, raw)}).record


def rss(*items: str, channel: str = "<title>Testblog</title><link>https://test.example</link>"
        "<description>Een blog om mee te testen, met genoeg woorden.</description>") -> str:
    return (f'<?xml version="1.0"?><rss version="2.0" '
            f'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>{channel}'
            f'{"".join(items)}</channel></rss>')


def item(title: str, date: str, extra: str = "") -> str:
    return (f"<item><title>{title}</title><link>https://test.example/{title}</link>"
            f"<pubDate>{date}</pubDate>{extra}</item>")


# -- which URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://blog.spaak.example/feed",
    "https://blog.spaak.example/feed/",
    "https://example.org/rss",
    "https://example.org/atom",
    "https://example.org/blog/feed/rss2",
    "https://example.org/feeds/posts/default",
    "https://example.org/rss.xml",
    "https://example.org/atom.xml",
    "https://example.org/index.xml",
    "https://example.org/feed.json",
    "https://example.org/blog/feed.xml",
    "https://example.org/news.rss",
    "https://example.org/?feed=rss2",
    "https://example.org/blog?format=rss",
    "https://spaak.substack.com/feed",
    "https://feeds.feedburner.com/SpaakFietsen",
])
def test_feed_urls_are_claimed(url: str) -> None:
    canonical = canonicalise(url)
    assert FEED.claims(canonical)
    assert FEED.profile_url(canonical) == canonical


@pytest.mark.parametrize("url", [
    "https://example.org/",
    "https://example.org/feedback",
    "https://example.org/sitemap.xml",
    "https://example.org/data.json",
    "https://example.org/feeds",
    "https://example.org/?feed=summer",
    "https://example.org/blog/rss-explained",
    "https://feeds.feedburner.com/",
])
def test_other_urls_are_not_feeds(url: str) -> None:
    assert not FEED.claims(canonicalise(url))
    assert DISCOVERY.claims(canonicalise(url))


def test_discovery_claims_only_http() -> None:
    assert not DISCOVERY.claims("ftp://example.org/feed")
    assert not DISCOVERY.claims("mailto:info@example.org")


@pytest.mark.parametrize(("url", "handle"), [
    ("https://nieuws.spaak.example/", "nieuws.spaak.example"),
    ("https://blog.spaak.example/feed", "blog.spaak.example/feed"),
    ("https://example.org/?feed=rss2", "example.org?feed=rss2"),
    ("http://example.org:8080/blog/atom.xml", "example.org:8080/blog/atom.xml"),
])
def test_handles_are_host_and_path(url: str, handle: str) -> None:
    assert readable_handle(url) == handle
    assert FEED.handle(url) == DISCOVERY.handle(url) == handle


def test_the_feed_url_itself_is_fetched_with_a_feed_accept_header() -> None:
    step = FEED.start(Target(url="https://blog.spaak.example/feed", platform="feed"),
                      CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    assert step.fetch.url == "https://blog.spaak.example/feed"
    assert "application/rss+xml" in step.fetch.headers["Accept"]


# -- the demo profiles on the sample pages -----------------------------------------------


def test_every_demo_profile_gets_its_intended_outcome_and_flags() -> None:
    expected = {
        "https://blog.spaak.example/feed": (FEED, "ok", []),
        "https://nieuws.spaak.example/": (DISCOVERY, "ok", []),
        "https://www.ratel.example/blog/atom.xml": (FEED, "ok", ["DEAD"]),
        "https://www.velovlot.example/feed.json": (FEED, "ok", ["INCOMPLETE"]),
        "https://www.velovlot.example/rss": (FEED, "error", ["UNAUDITABLE"]),
    }
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    served = {entry["url"] for entry in manifest["responses"]}
    assert set(expected) <= served
    for url, (adapter, outcome, flags) in expected.items():
        record = sample(adapter, url)
        assert record.platform == "feed", url
        assert record.outcome == outcome, (url, record.outcome_detail)
        assert [flag.code for flag in judged(record).flags] == flags, url


def test_healthy_wordpress_blog() -> None:
    record = sample(FEED, "https://blog.spaak.example/feed")
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Spaak Fietsen – Werkplaatsblog"
    assert facts.bio == "Tips, nieuws en verhalen uit de werkplaats van Spaak Fietsen in Utrecht."
    assert facts.avatar_url == ("https://blog.spaak.example/wp-content/uploads/2024/03/"
                                "cropped-spaak-logo-32x32.png")
    assert facts.avatar_is_default is False
    assert facts.banner_url is None and facts.posts_total is None
    assert facts.links == ("https://www.spaak.example",)
    assert [(f.name, f.value) for f in facts.fields] == [("Editor", "blog@spaak.example")]
    assert record.replies_observable is False
    assert record.unobservable == {"banner": "feeds have no banner image"}
    assert len(record.items) == 10
    first = record.items[0]
    assert first.kind == "original"
    assert first.text.startswith("Zo maak je je fiets winterklaar in vijf stappen\n")
    assert first.url == "https://blog.spaak.example/2026/10/winterklaar/"
    assert first.id == "https://blog.spaak.example/?p=4120"
    assert first.links == ("https://blog.spaak.example/2026/10/winterklaar/",)
    assert first.published_at == datetime(2026, 10, 30, 16, 4, 28, tzinfo=UTC)
    assert [i.comments for i in record.items[:4]] == [3, 8, 2, 7]
    dates = [i.published_at for i in record.items]
    assert dates == sorted(dates, reverse=True)
    assert record.sample is not None
    assert (record.sample.pages, record.sample.exhausted, record.sample.page_cap_reached) == (
        1, False, False)
    # Ten weekly posts reach back 64 days of the 90-day window: the note says so and the
    # rate is over the span the feed covers.
    assert any("only its newest 10 entries with a date" in note for note in record.notes)
    metrics = judged(record).metrics
    assert metrics.covered_days is not None and 64 < metrics.covered_days < 65
    assert metrics.reply_share is None
    assert "not measurable" in str(metrics.null_reasons["reply_share"])


def test_newsletter_page_discovers_its_atom_feed() -> None:
    run = run_chain(DISCOVERY, "https://nieuws.spaak.example/", replay_answer(SAMPLES),
                    options=CrawlOptions(as_of=AS_OF))
    # The hreflang and oEmbed alternates are not feeds; the Atom one is read, one hop.
    assert run.fetched == ["https://nieuws.spaak.example/",
                           "https://nieuws.spaak.example/archief/atom.xml"]
    record = run.record
    assert record.url == "https://nieuws.spaak.example/"
    assert (record.platform, record.handle) == ("feed", "nieuws.spaak.example")
    assert record.notes[0] == "feed named by the page: https://nieuws.spaak.example/archief/atom.xml"
    assert record.profile is not None
    assert record.profile.display_name == "Spaak Nieuwsbrief"
    assert record.profile.fields[0].value == "nieuwsbrief@spaak.example"
    assert record.profile.avatar_url == "https://nieuws.spaak.example/static/spaak-logo.png"
    assert len(record.items) == 12
    assert record.items[0].text.startswith("Nieuwsbrief oktober")
    assert not any("only its newest" in note for note in record.notes)  # a year of issues


def test_dead_atom_feed() -> None:
    record = sample(FEED, "https://www.ratel.example/blog/atom.xml")
    assert [i.comments for i in record.items] == [2, 3, 4, None, None, None]
    # published (not the later updated) counts, converted from +02:00 to UTC
    assert record.items[0].published_at == datetime(2026, 4, 24, 19, 12, 24, tzinfo=UTC)
    assert record.profile is not None and record.profile.links == (
        "https://www.ratel.example/blog/",)
    dead = judged(record).flags[0]
    assert dead.code == "DEAD" and "190 days" in str(dead.reason)


def test_incomplete_json_feed_is_incomplete_not_unknown() -> None:
    record = sample(FEED, "https://www.velovlot.example/feed.json")
    facts = record.profile
    assert facts is not None
    assert (facts.display_name, facts.bio, facts.avatar_url) == ("", "", None)
    assert facts.links == ("https://www.velovlot.example/",)
    assert record.unobservable["contact"] == NO_CONTACT
    assert len(record.items) == 6
    assert record.items[0].text == ("Proefrit op de nieuwe Vlot E3\nProefrit op de nieuwe Vlot "
                                    "E3: lees het hele bericht op onze site.")
    checks = judged(record).metrics.completeness.checks
    assert checks == {"photo": False, "bio": False, "contact": None, "website": True,
                      "display_name": False, "banner": None}


def test_app_shell_instead_of_a_feed_is_an_error() -> None:
    record = sample(FEED, "https://www.velovlot.example/rss")
    assert record.outcome == "error"
    assert record.outcome_detail == "not a feed: the server answered with an HTML page"
    assert record.profile is None and record.items == ()


# -- real feeds ------------------------------------------------------------------------


def real(*parts: str) -> bytes:
    return realcase("rss_atom", *parts).read_bytes()


def test_real_wordpress_rss() -> None:
    record = feed_record(real("capyreader_arstechnica_feed.xml"),
                         url="https://arstechnica.com/feed")
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Ars Technica"
    assert facts.bio == ("Serving the Technologist for more than a decade. IT news, reviews, "
                         "and analysis.")
    assert facts.avatar_url == ("https://cdn.arstechnica.net/wp-content/uploads/2016/10/"
                                "cropped-ars-logo-512_480-32x32.png")
    assert facts.links == ("https://arstechnica.com",)
    assert len(record.items) == 20
    first, last = record.items[0], record.items[-1]
    assert first.text.startswith("New teaser reminds us that Dragon Age: Dreadwolf still exists\n"
                                 "A full trailer")
    assert first.published_at == datetime(2023, 12, 4, 20, 25, 54, tzinfo=UTC)
    assert first.url == "https://arstechnica.com/?p=1988420"
    assert first.comments is None  # this item carries no slash:comments
    assert [i.comments for i in record.items[1:4]] == [8, 71, 52]
    assert max(i.comments or 0 for i in record.items) == 434
    assert last.text.startswith("25M homes will lose broadband discounts")
    assert last.published_at == datetime(2023, 12, 1, 21, 34, 47, tzinfo=UTC)
    assert record.unobservable["contact"] == NO_CONTACT


def test_real_atom_with_offsets() -> None:
    record = feed_record(real("capyreader_theverge_feed.xml"), url="https://www.theverge.com/rss",
                         ctype="application/atom+xml")
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "The Verge - All Posts"
    assert facts.avatar_url == "https://cdn.vox-cdn.com/community_logos/52801/VER_Logomark_32x32..png"
    assert facts.bio == ""  # no subtitle: observably empty
    assert facts.links == ("https://www.theverge.com/",)
    assert len(record.items) == 10
    assert record.items[0].text.startswith("Be skeptical about QR codes, warns the FTC")
    assert record.items[0].published_at == datetime(2023, 12, 10, 23, 11, 41, tzinfo=UTC)
    assert ("https://consumer.ftc.gov/consumer-alerts/2023/12/scammers-hide-harmful-links-"
            "qr-codes-steal-your-information") in record.items[0].links
    assert record.items[-1].text.startswith("How to build a bike lane in America")
    assert record.items[-1].published_at == datetime(2023, 12, 9, 15, 0, tzinfo=UTC)


def test_real_dead_movable_type_blog() -> None:
    record = feed_record(real("feedparser",
                              "wellformed__sanitize__large_atom_feed_that_needs_css_sanitisation"
                              ".xml"), url="http://touchnokia.ru/atom.xml")
    assert record.outcome == "ok"
    assert len(record.items) == 15
    assert record.items[0].text.startswith("Невидимая броня для Вашего Nokia 5800")
    # published wins over updated (2009-04-08 for this entry)
    assert record.items[0].published_at == datetime(2009, 9, 9, 14, 19, 45, tzinfo=UTC)
    assert record.profile is not None and record.profile.links == ("http://touchnokia.ru/",)
    flags = judged(record).flags
    assert flags[0].code == "DEAD"
    assert flags[0].evidence["last_post_at"] == "2009-09-09T14:19:45+00:00"


def test_real_json_feed_example() -> None:
    record = feed_record(real("feedparser", "json__example.json"),
                         url="https://example.org/feed.json", ctype="application/json")
    assert record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "My Example Feed"
    assert facts.avatar_url == "https://example.org/feed.png"
    assert facts.links == ("https://example.org/",)
    # Its two items carry no dates: they cannot be placed in time, so they are skipped.
    assert record.items == ()
    assert "2 entries without a readable date, skipped" in record.notes
    assert "the feed lists no dated entries" in record.notes
    assert judged(record).metrics.last_post_at is None
    # unknown is not dead: no activity flag, only the empty description
    assert [f.code for f in judged(record).flags] == ["INCOMPLETE"]
    assert judged(record).metrics.completeness.missing == ("bio",)


def test_real_json_feed_items_when_dated() -> None:
    data = json.loads(real("feedparser", "json__example.json"))
    data["items"][0]["date_published"] = "2026-10-20T10:00:00-05:00"
    data["items"][1]["date_published"] = "2026-10-01T08:30:00Z"
    result = read_feed(json.dumps(data).encode(), url="https://example.org/feed.json",
                       fetched_at=AS_OF)
    assert isinstance(result, FeedRead)
    assert result.format == "json1"
    assert [(i.id, i.url, i.published_at) for i in result.items] == [
        ("2", "https://example.org/second-item", datetime(2026, 10, 20, 15, tzinfo=UTC)),
        ("1", "https://example.org/initial-post", datetime(2026, 10, 1, 8, 30, tzinfo=UTC)),
    ]
    assert result.items[0].text == "post 2\nThis is a second item."
    assert "alert" not in result.items[1].text  # scripts are not text
    assert result.items[1].text == "Hello, world!"


def test_real_rss_dc_date() -> None:
    result = read_feed(real("feedparser", "wellformed__rss__item_dc_date.xml"),
                       url="https://example.org/rss", fetched_at=AS_OF)
    assert isinstance(result, FeedRead)
    assert [i.published_at for i in result.items] == [datetime(2003, 12, 31, 10, 14, 55,
                                                               tzinfo=UTC)]


def test_real_rss_10_and_empty_channels() -> None:
    rdf = read_feed(real("feedparser", "wellformed__rdf__rss_version_10.xml"),
                    url="https://example.org/index.rdf", fetched_at=AS_OF)
    assert isinstance(rdf, FeedRead)
    assert (rdf.format, rdf.entries, rdf.items) == ("rss10", 0, ())
    record = feed_record(real("feedparser", "wellformed__feedburner__feedburner_browserfriendly"
                                            ".xml"))
    assert record.outcome == "ok" and record.items == ()
    assert record.notes == ("the feed lists no dated entries",)


def test_real_illformed_feeds_are_read_as_far_as_possible() -> None:
    cdata = feed_record(real("feedparser", "illformed__rss_incomplete_cdata.xml"))
    assert cdata.outcome == "ok"
    assert cdata.profile is not None
    assert cdata.profile.display_name == "can feedparser read this xml"
    assert cdata.profile.links == ("http://adcdefgh.com",)
    assert cdata.notes[0].startswith("the feed is not well-formed (")
    koi8 = feed_record(real("feedparser", "illformed__chardet__koi8r.xml"))
    assert koi8.outcome == "ok"
    assert any(note.startswith("the feed is not well-formed") for note in koi8.notes)
    assert "1 entry without a readable date, skipped" in koi8.notes
    empty = feed_record(real("feedparser", "illformed__rss_empty_document.xml"))
    assert empty.outcome == "error"
    assert empty.outcome_detail is not None and empty.outcome_detail.startswith("not a feed")


def test_real_html_page_with_a_non_feed_alternate() -> None:
    html = realcase("html_profile", "mf2py_rel.html").read_bytes()
    # <a rel="alternate home"> is a translated page, not a feed (and an <a>, not a <link>).
    assert find_feed_links(html.decode(), "https://example.com/") == []
    record = chain(DISCOVERY, "https://example.com/", {
        "https://example.com/": (200, HTML_TYPE, html)}).record
    assert (record.platform, record.outcome) == ("unknown", "unsupported")
    assert record.outcome_detail == "no adapter reads example.com and the page names no feed"


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "when", "naive"), [
    ("Mon, 04 Dec 2023 20:25:54 +0000", datetime(2023, 12, 4, 20, 25, 54, tzinfo=UTC), False),
    ("Mon, 04 Dec 2023 20:25:54 GMT", datetime(2023, 12, 4, 20, 25, 54, tzinfo=UTC), False),
    ("Mon, 04 Dec 2023 15:25:54 EST", datetime(2023, 12, 4, 20, 25, 54, tzinfo=UTC), False),
    ("Mon, 04 Dec 2023 21:25:54 +0100", datetime(2023, 12, 4, 20, 25, 54, tzinfo=UTC), False),
    ("Mon, 04 Dec 2023 20:25:54", datetime(2023, 12, 4, 20, 25, 54, tzinfo=UTC), True),
    ("2023-12-10T18:11:41-05:00", datetime(2023, 12, 10, 23, 11, 41, tzinfo=UTC), False),
    ("2003-12-31T10:14:55Z", datetime(2003, 12, 31, 10, 14, 55, tzinfo=UTC), False),
    ("2003-12-31T10:14:55", datetime(2003, 12, 31, 10, 14, 55, tzinfo=UTC), True),
    ("not a date", None, False),
    ("", None, False),
    (None, None, False),
])
def test_dates_become_aware_utc(raw: str | None, when: datetime | None, naive: bool) -> None:
    parsed, was_naive = parse_date(raw)
    assert parsed == when
    assert was_naive is naive
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


def test_naive_future_ancient_and_undated_entries() -> None:
    record = feed_record(rss(
        item("zonder-zone", "Fri, 30 Oct 2026 09:15:00"),
        item("met-zone", "Thu, 29 Oct 2026 09:15:00 +0100"),
        item("morgen", "Sun, 01 Nov 2026 20:00:00 +0000"),       # within a day: kept
        item("toekomst", "Wed, 04 Nov 2026 09:00:00 +0000"),     # skipped
        item("oud", "Sun, 01 Jan 1984 00:00:00 +0000"),          # skipped
        item("geen-datum", ""),                                  # skipped
    ))
    assert record.outcome == "ok"
    assert [i.text for i in record.items] == ["morgen", "zonder-zone", "met-zone"]
    assert record.items[1].published_at == datetime(2026, 10, 30, 9, 15, tzinfo=UTC)
    assert record.items[2].published_at == datetime(2026, 10, 29, 8, 15, tzinfo=UTC)
    assert set(record.notes) >= {
        "1 entry gave a time without a time zone; read as UTC",
        "1 entry dated more than a day after the fetch, skipped",
        "1 entry dated before 1995-01-01, skipped",
        "1 entry without a readable date, skipped",
    }


def test_a_feed_reaching_past_the_window_has_no_window_note() -> None:
    record = feed_record(rss(item("nieuw", "Fri, 30 Oct 2026 09:15:00 +0000"),
                             item("oud", "Fri, 01 May 2026 09:15:00 +0000")))
    assert not any("only its newest" in note for note in record.notes)
    short = feed_record(rss(item("nieuw", "Fri, 30 Oct 2026 09:15:00 +0000")))
    assert any("only its newest 1 entry with a date, back to 2026-10-30" in note
               for note in short.notes)


# -- profile facts -------------------------------------------------------------------------


def test_contact_from_managing_editor_and_webmaster() -> None:
    record = feed_record(rss(channel="<title>T</title><link>https://test.example</link>"
                                     "<description>Een beschrijving van het blog.</description>"
                                     "<managingEditor>redactie@test.example (Redactie)"
                                     "</managingEditor><webMaster>web@test.example</webMaster>"))
    assert record.profile is not None
    assert [(f.name, f.value) for f in record.profile.fields] == [
        ("Editor", "redactie@test.example"), ("Webmaster", "web@test.example")]
    assert "contact" not in record.unobservable
    assert judged(record).metrics.completeness.checks["contact"] is True


def test_contact_in_the_description_counts() -> None:
    record = feed_record(rss(channel="<title>T</title><description>Mail ons: info@test.example"
                                     "</description>"))
    assert "contact" not in record.unobservable
    assert judged(record).metrics.completeness.checks["contact"] is True


def test_json_feed_author_mailto_is_contact() -> None:
    body = {"version": "https://jsonfeed.org/version/1", "title": "Blog",
            "author": {"name": "Redactie", "url": "mailto:redactie@test.example"},
            "items": [{"id": 1, "content_text": "Kleiner <dan> & groter",
                       "date_published": "2026-10-30T10:00:00+01:00"}]}
    result = read_feed(json.dumps(body).encode(), url="https://test.example/feed.json",
                       fetched_at=AS_OF)
    assert isinstance(result, FeedRead)
    assert result.contact_seen
    assert result.facts.fields[0].value == "redactie@test.example"
    assert result.items[0].text == "Kleiner <dan> & groter"  # plain text stays text
    assert result.items[0].id == "1"


def test_plain_text_atom_summary_keeps_angle_brackets() -> None:
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>x</title>'
            '<id>1</id><updated>2026-10-30T10:00:00Z</updated>'
            '<summary type="text">a &lt;b&gt; c</summary></entry></feed>')
    result = read_feed(atom.encode(), url="https://t.example/atom.xml", fetched_at=AS_OF)
    assert isinstance(result, FeedRead)
    assert result.items[0].text == "x\na <b> c"


def test_scraped_text_is_capped() -> None:
    long_title = "woord " * 400
    record = feed_record(rss(item(long_title, "Fri, 30 Oct 2026 09:15:00 +0000"),
                             channel=f"<title>{'naam ' * 200}</title>"))
    assert len(record.items[0].text) <= MAX_TEXT_CHARS
    assert record.profile is not None and len(record.profile.display_name or "") <= 200


def test_relative_links_resolve_against_the_feed_url() -> None:
    record = feed_record(rss(item("a", "Fri, 30 Oct 2026 09:15:00 +0000"),
                             channel="<title>T</title><link>/</link><image><url>/logo.png</url>"
                                     "</image>"), url="https://blog.test.example/blog/feed")
    assert record.profile is not None
    assert record.profile.links == ("https://blog.test.example/",)
    assert record.profile.avatar_url == "https://blog.test.example/logo.png"


# -- faults ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "outcome"), [
    (404, "not_found"), (410, "gone"), (401, "blocked"), (403, "blocked"), (451, "blocked"),
    (429, "rate_limited"), (503, "rate_limited"), (500, "error"), (502, "error"),
])
def test_http_errors(status: int, outcome: str) -> None:
    for adapter in (FEED, DISCOVERY):
        url = "https://blog.test.example/feed"
        record = chain(adapter, url, {url: (status, HTML_TYPE, b"<html>oops</html>")}).record
        assert record.outcome == outcome
        assert record.outcome_detail and str(status) in record.outcome_detail


@pytest.mark.parametrize(("body", "ctype", "detail"), [
    (b"", RSS_TYPE, "not a feed: the body is empty"),
    (b"  \n\t", RSS_TYPE, "not a feed: the body is empty"),
    (b"\x00\xff\xfe garbage \x89PNG", "application/octet-stream", "not a feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "application/feed+json",
     "not a feed: unreadable JSON"),
    (b'{"error": "nope"}', "application/json", "not a feed: JSON, but not a JSON Feed"),
    (b"<html><body>Onderhoud</body></html>", HTML_TYPE,
     "not a feed: the server answered with an HTML page"),
    (b"https://example.org/feed", "text/plain", "not a feed"),  # never fetched as a URL
])
def test_bodies_that_are_not_feeds(body: bytes, ctype: str, detail: str) -> None:
    record = feed_record(body, ctype=ctype)
    assert record.outcome == "error"
    assert record.outcome_detail is not None and record.outcome_detail.startswith(detail)


def test_a_body_naming_a_file_is_not_read_from_disk(tmp_path: Path) -> None:
    # feedparser opens str/bytes arguments as file names: the body must go in as a stream
    local = tmp_path / "feed.xml"
    local.write_text(rss(item("geheim", "Fri, 30 Oct 2026 09:15:00 +0000")), encoding="utf-8")
    record = feed_record(str(local).encode(), ctype="text/plain")
    assert record.outcome == "error" and record.items == ()


def test_external_entities_are_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
            + rss(item("t&x;", "Fri, 30 Oct 2026 09:15:00 +0000")).split("?>", 1)[1])
    record = feed_record(body)
    assert record.outcome == "ok"
    assert all("GEHEIM" not in i.text for i in record.items)
    assert "the feed declares its own XML entities; they were ignored" in record.notes


def test_entity_expansion_bomb_is_defused() -> None:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)]
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(levels)}]>'
            + rss(item("a", "Fri, 30 Oct 2026 09:15:00 +0000"),
                  channel="<title>&l9;</title>").split("?>", 1)[1])
    started = time.monotonic()
    record = feed_record(body)
    assert time.monotonic() - started < 1.0
    assert record.outcome == "ok" and len(record.items) == 1
    assert record.profile is not None and len(record.profile.display_name or "") < 100


def test_truncated_feed_keeps_the_entries_it_got() -> None:
    whole = rss(item("een", "Fri, 30 Oct 2026 09:15:00 +0000"),
                item("twee", "Thu, 29 Oct 2026 09:15:00 +0000"))
    cut = whole[: whole.index("<item>", whole.index("twee") - 80) + 30]
    record = feed_record(cut)
    assert record.outcome == "ok"
    assert [i.text for i in record.items] == ["een"]
    assert record.notes[0].startswith("the feed is not well-formed (")


def test_network_failure() -> None:
    step = FEED.start(Target(url="https://blog.test.example/feed", platform="feed"),
                      CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    record = FEED.fail(step.state, Failure("timeout", "read timed out", step.fetch.url))
    assert (record.outcome, record.outcome_detail) == ("error", "timeout: read timed out")


# -- discovery -------------------------------------------------------------------------------

PAGE = "https://www.test.example/blog"
RSS_BODY = rss(item("een", "Fri, 30 Oct 2026 09:15:00 +0000")).encode()


def page_naming(*links: str, head: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head>{head}{''.join(links)}<title>Blog</title></head>"
            "<body><p>Hallo</p></body></html>").encode()


def test_find_feed_links_resolves_and_orders() -> None:
    html = page_naming(
        '<link rel="alternate" type="application/rss+xml" title="Reacties" '
        'href="/comments/feed/">',
        '<link rel="stylesheet" type="application/rss+xml" href="/not-a-feed">',
        '<link rel="Alternate" type="application/RSS+XML; charset=utf-8" href="feed/#top">',
        '<link rel="alternate" type="application/feed+json" href="https://cdn.other.example/f.json">',
        '<link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">',
        '<link rel="alternate" type="application/atom+xml">',
        '<link rel="alternate" type="application/rss+xml" href="feed/">',
    ).decode()
    assert find_feed_links(html, PAGE) == [
        "https://www.test.example/feed/",
        "https://cdn.other.example/f.json",
        "https://www.test.example/comments/feed/",
    ]
    with_base = page_naming('<link rel="alternate" type="application/atom+xml" href="atom.xml">',
                            head='<base href="https://www.test.example/nieuws/">').decode()
    assert find_feed_links(with_base, PAGE) == ["https://www.test.example/nieuws/atom.xml"]


def test_discovered_feed_on_another_host_is_read() -> None:
    feed = "https://feeds.other.example/test"
    run = chain(DISCOVERY, PAGE, {
        PAGE: (200, HTML_TYPE, page_naming(
            f'<link rel="alternate" type="application/rss+xml" href="{feed}">')),
        feed: (200, RSS_TYPE, RSS_BODY)})
    assert run.fetched == [PAGE, feed]
    assert (run.record.platform, run.record.outcome) == ("feed", "ok")
    assert run.record.url == PAGE and run.record.handle == "www.test.example/blog"
    assert [i.text for i in run.record.items] == ["een"]
    assert run.record.replies_observable is False


def test_page_that_is_itself_a_feed() -> None:
    # served as text/html by a misconfigured server: the body decides
    record = chain(DISCOVERY, PAGE, {PAGE: (200, HTML_TYPE, RSS_BODY)}).record
    assert (record.platform, record.outcome) == ("feed", "ok")
    assert record.notes[0] == "the page is itself a feed"
    assert len(record.items) == 1


def test_page_naming_no_feed_is_unsupported() -> None:
    record = chain(DISCOVERY, PAGE, {PAGE: (200, HTML_TYPE, page_naming())}).record
    assert (record.platform, record.outcome) == ("unknown", "unsupported")
    assert record.outcome_detail == "no adapter reads www.test.example and the page names no feed"
    assert record.handle == "www.test.example/blog"


@pytest.mark.parametrize(("body", "ctype"), [
    (b"%PDF-1.7 binary", "application/pdf"),
    (b'{"hello": "world"}', "application/json"),
    (b"", "text/plain"),
])
def test_page_neither_html_nor_feed(body: bytes, ctype: str) -> None:
    record = chain(DISCOVERY, PAGE, {PAGE: (200, ctype, body)}).record
    assert record.outcome == "unsupported"
    assert record.outcome_detail is not None
    assert record.outcome_detail.startswith("no adapter reads www.test.example and the page is "
                                            "neither HTML nor a feed")


def test_broken_feed_body_at_the_page_url_is_an_error() -> None:
    record = chain(DISCOVERY, PAGE, {PAGE: (200, "application/rss+xml", b"<rss><channel")}).record
    assert (record.platform, record.outcome) == ("feed", "error")
    assert record.outcome_detail is not None
    assert record.outcome_detail.startswith("not a feed: malformed XML with no entries (")


@pytest.mark.parametrize(("status", "outcome"), [
    (404, "error"), (410, "error"), (403, "blocked"), (429, "rate_limited"), (500, "error")])
def test_discovered_feed_that_fails(status: int, outcome: str) -> None:
    feed = "https://www.test.example/feed"
    record = chain(DISCOVERY, PAGE, {
        PAGE: (200, HTML_TYPE, page_naming(
            '<link rel="alternate" type="application/rss+xml" href="/feed">')),
        feed: (status, HTML_TYPE, b"nope")}).record
    # the listed page exists: a missing feed is not a missing profile
    assert (record.platform, record.outcome) == ("feed", outcome)
    assert record.outcome_detail is not None
    assert record.outcome_detail.startswith(f"the feed {feed} named by the page: HTTP {status}")


def test_discovery_follows_one_hop_only() -> None:
    feed = "https://www.test.example/feed"
    run = chain(DISCOVERY, PAGE, {
        PAGE: (200, HTML_TYPE, page_naming(
            '<link rel="alternate" type="application/rss+xml" href="/feed">')),
        feed: (200, HTML_TYPE, page_naming(
            '<link rel="alternate" type="application/rss+xml" href="/real-feed">'))})
    assert run.fetched == [PAGE, feed]
    assert run.record.outcome == "error"
    assert "is an HTML page, not a feed" in (run.record.outcome_detail or "")


def test_discovered_feed_that_is_garbage_or_unreachable() -> None:
    feed = "https://www.test.example/feed"
    naming = page_naming('<link rel="alternate" type="application/rss+xml" href="/feed">')
    garbage = chain(DISCOVERY, PAGE, {PAGE: (200, HTML_TYPE, naming),
                                      feed: (200, RSS_TYPE, b"\x00\x01")}).record
    assert garbage.outcome == "error"
    assert garbage.outcome_detail is not None
    assert garbage.outcome_detail.startswith(f"the feed {feed} named by the page: not a feed")
    missing = chain(DISCOVERY, PAGE, {PAGE: (200, HTML_TYPE, naming)}).record
    assert (missing.platform, missing.outcome) == ("feed", "error")
    assert missing.outcome_detail == (f"the feed {feed} named by the page: not in replay: {feed}")
    step = DISCOVERY.start(Target(url=PAGE, platform="unknown"), CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    after = DISCOVERY.advance(step.state, Page(PAGE, 200, {"content-type": HTML_TYPE}, naming,
                                               AS_OF))
    assert isinstance(after, Next)
    robots = DISCOVERY.fail(after.state, Failure("robots", "disallowed", feed))
    assert (robots.platform, robots.outcome) == ("feed", "robots_disallowed")


@pytest.mark.parametrize(("head", "ctype", "kind"), [
    (b'<?xml version="1.0"?><rss version="2.0">', "text/html", "feed"),
    (b"\xef\xbb\xbf  <feed xmlns='http://www.w3.org/2005/Atom'>", "", "feed"),
    (b"<rdf:RDF xmlns:rdf='x'>", "", "feed"),
    (b"<!DOCTYPE html><html>", "application/rss+xml", "html"),
    (b"<p>fragment</p>", "text/html", "html"),
    (b'  {"version": 1}', "", "json"),
    (b"<item>", "application/xml", "feed"),
    (b"plain", "text/plain", "other"),
])
def test_sniff(head: bytes, ctype: str, kind: str) -> None:
    assert sniff(head, ctype) == kind


# -- never raise on garbage -------------------------------------------------------------------

SEEDS = [RSS_BODY, (SAMPLES / "ratel-blog.atom").read_bytes()[:3000],
         (SAMPLES / "velovlot.json").read_bytes(), page_naming(
             '<link rel="alternate" type="application/rss+xml" href="/feed">')]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        if not body:
            break
        at = draw(st.integers(0, len(body) - 1))
        action = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if action == "cut":
            del body[at:]
        elif action == "flip":
            body[at] = draw(st.integers(0, 255))
        elif action == "insert":
            body[at:at] = draw(st.sampled_from([b"<", b"]]>", b"&", b"{", b"\x00", b"<item>",
                                                b"<entry>", b"\"", b"<link rel=alternate>"]))
        else:
            del body[at:at + draw(st.integers(1, 40))]
    return bytes(body)


@settings(max_examples=fuzz_examples(250), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(mutated(), st.binary(max_size=400)),
       ctype=st.sampled_from(["", RSS_TYPE, HTML_TYPE, "application/feed+json", "text/plain"]))
def test_parsers_never_raise(body: bytes, ctype: str) -> None:
    result = read_feed(body, url="https://t.example/feed", content_type=ctype, fetched_at=AS_OF)
    assert isinstance(result, (FeedRead, NotFeed))
    if isinstance(result, FeedRead):
        for entry in result.items:
            assert entry.published_at.utcoffset() == timedelta(0)
            assert len(entry.text) <= MAX_TEXT_CHARS
    assert isinstance(find_feed_links(body.decode("utf-8", "replace"), PAGE), list)
    for adapter in (FEED, DISCOVERY):
        step = adapter.start(Target(url=PAGE, platform=adapter.platform),
                             CrawlOptions(as_of=AS_OF))
        assert isinstance(step, Next)
        after = adapter.advance(step.state, Page(PAGE, 200, {"content-type": ctype}, body, AS_OF))
        assert isinstance(after, (ProfileRecord, Next))
