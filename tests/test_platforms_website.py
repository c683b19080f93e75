"""The organisation's website: its facts and social links, on sample pages and real pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.messages import known_text
from auditor.models import ProfileField, ProfileRecord
from auditor.platforms.base import CrawlOptions, Failure, Fetch, Next, Page, Target
from auditor.platforms.htmlmeta import HtmlMeta
from auditor.platforms.website import (
    WebsiteAdapter,
    contact_page,
    dead_network,
    social_network,
)
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, realcase
from tests.fuzzdepth import fuzz_examples

ADAPTER = WebsiteAdapter()
SITES = SAMPLE_PAGES / "website"


#: The sample sites whose home page links a contact page (read as a second request).
CONTACT_PAGES = {"https://www.spaak.example/": "https://www.spaak.example/contact/"}


def read(url: str) -> ProfileRecord:
    run = run_chain(ADAPTER, url, replay_answer(SITES))
    # the home page, then its contact page where it links one
    assert run.fetched == [url, *([CONTACT_PAGES[url]] if url in CONTACT_PAGES else [])]
    return run.record


@pytest.mark.parametrize("url", ["https://www.spaak.example/", "https://mastodon.example/@x",
                                 "https://x.com/spaak"])
def test_never_claims_a_url(url: str) -> None:
    assert ADAPTER.platform == "website"
    assert ADAPTER.claims(url) is False


def test_spaak_json_ld_site() -> None:
    record = read("https://www.spaak.example/")
    assert (record.outcome, record.platform, record.items, record.sample) == (
        "ok", "website", (), None)
    assert record.replies_observable is False
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Spaak Fietsen"
    assert facts.bio == ("Fietsenwinkel en werkplaats in Utrecht sinds 1987: verkoop, reparatie "
                         "en verhuur.")
    assert facts.avatar_url == "https://www.spaak.example/wp-content/uploads/spaak-logo.png"
    # the home page's e-mail and phone, then the contact page's others (the shop's number
    # in another spelling is the same number, not a second one)
    assert facts.fields == (ProfileField("email", "info@spaak.example"),
                            ProfileField("telephone", "+31 30 123 4567"),
                            ProfileField("email", "werkplaats@spaak.example"),
                            ProfileField("telephone", "+31301234599"))
    assert record.notes == ("links and contact details also read from the contact page "
                            "https://www.spaak.example/contact/",)
    # sameAs first, then the footer's profile links; the Facebook share button is not one
    # sameAs first, then the social links in the page; the blog and newsletter links on
    # the shop's own site are not social profiles
    assert facts.links == ("https://mastodon.example/@spaak",
                           "https://bsky.app/profile/spaakfietsen.example",
                           "https://www.youtube.com/@spaakfietsen", "https://t.me/spaakfietsen",
                           "https://www.linkedin.com/company/spaak-fietsen/",
                           "https://www.instagram.com/spaak_werkplaats/",
                           "http://spaakfietsen.hyves.nl/")


def test_ratel_opengraph_and_rel_me_site() -> None:
    facts = read("https://www.ratel.example/").profile
    assert facts is not None
    assert facts.display_name == "Ratel Tweewielers"
    assert facts.bio == "Tweewielers, onderhoud en verhuur in Amersfoort. Bel ons: +31 33 765 4321"
    assert facts.avatar_url == "https://www.ratel.example/img/ratel-logo.png"
    assert facts.fields == (ProfileField("email", "info@ratel.example"),)
    assert facts.links == ("https://fedi.example/@ratel", "https://twitter.com/RatelFietsen",
                           "https://fedi.example/@ratelwerkplaats",
                           "https://plus.google.com/+RatelTweewielers",
                           "https://bsky.app/profile/rateltweewielers.example",
                           "https://www.youtube.com/channel/UCRatelTweewielersKanaal",
                           "https://t.me/rateltweewielers")


def test_velovlot_hcard_site() -> None:
    facts = read("https://www.velovlot.example/").profile
    assert facts is not None
    assert facts.display_name == "Velo Vlot"
    assert facts.bio == "E-bikes en leasefietsen voor woon-werkverkeer, in heel Nederland."
    assert facts.avatar_url == "https://www.velovlot.example/img/velovlot.svg"
    assert facts.fields == (ProfileField("email", "hallo@velovlot.example"),
                            ProfileField("telephone", "+31 20 555 0101"))
    assert facts.links == ("https://mastodon.example/@velovlot",
                           "https://mastodon.example/@velovlot_promo",
                           "https://bsky.app/profile/velovlot.example",
                           "https://www.youtube.com/c/VeloVlot",
                           "https://t.me/velovlot",
                           "https://www.instagram.com/velovlot")


@pytest.mark.parametrize(("url", "network"), [
    ("https://mastodon.example/@spaak", "mastodon"),
    ("https://fedi.example/@ratel@mastodon.social", "mastodon"),
    ("https://bsky.app/profile/spaak.example", "bluesky"),
    ("https://www.youtube.com/@spaak", "youtube"),
    ("https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", "youtube"),
    ("https://t.me/spaakfietsen", "telegram"),
    ("https://t.me/s/spaakfietsen", "telegram"),
    ("https://telegram.me/spaakfietsen", "telegram"),
    ("https://nl.linkedin.com/company/spaak", "linkedin"),
    ("https://twitter.com/Spaak", "x"),
    ("https://www.facebook.com/spaak", "facebook"),
    ("https://www.instagram.com/spaak/", "instagram"),
    ("https://www.threads.com/@spaak", "threads"),
    ("https://www.tiktok.com/@spaak", "tiktok"),
    ("https://www.reddit.com/user/spaak", "reddit"),
    ("http://spaak.hyves.nl/", "hyves"),
    ("https://www.hyves.nl/spaak", "hyves"),
    ("https://plus.google.com/+Spaak", "google+"),
    ("https://vine.co/u/123", "vine"),
    ("https://myspace.com/spaak", "myspace"),
    # not profiles
    ("https://www.facebook.com/sharer/sharer.php?u=x", None),
    ("https://twitter.com/intent/tweet?text=x", None),
    ("https://www.youtube.com/watch?v=abc", None),
    ("https://t.me/share/url?url=x", None),
    ("https://www.spaak.example/over-ons", None),
    ("mailto:info@spaak.example", None),
])
def test_social_network(url: str, network: str | None) -> None:
    assert social_network(url) == network


def test_dead_networks() -> None:
    assert dead_network("http://spaak.hyves.nl/") == ("Hyves", 2013)
    assert dead_network("https://plus.google.com/+X") == ("Google+", 2019)
    assert dead_network("https://myspace.com/spaak") is None  # still runs
    assert dead_network("https://www.google.com/") is None


def test_real_organisation_site_links_its_profiles() -> None:
    body = realcase("jsonld_profile", "metascraper_org_site_bfi.html").read_bytes()
    url = "https://bfi.uchicago.edu/"
    step = ADAPTER.start(Target(url=url, platform="website"), CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next) and step.fetch.url == url
    contact = ADAPTER.advance(step.state, Page(url, 200, {"content-type": "text/html"}, body,
                                               AS_OF))
    # the real site's menu links its contact page: read next (here it does not answer)
    assert isinstance(contact, Next) and contact.fetch.url == "https://bfi.uchicago.edu/contact/"
    record = ADAPTER.fail(contact.state, Failure("not_in_replay", "no entry", contact.fetch.url))
    assert isinstance(record, ProfileRecord) and record.outcome == "ok"
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Becker Friedman Institute for Economics at UChicago"
    assert facts.links[:3] == ("https://www.facebook.com/BeckerFriedman",
                               "https://www.youtube.com/user/BFIVideos",
                               "https://twitter.com/BeckerFriedman")


def test_real_hcard_and_rel_me_pages() -> None:
    body = realcase("html_profile", "pleroma_rel_me_link.html").read_bytes()
    record = ADAPTER.advance(start().state, Page("https://blog.example/", 200, {}, body, AS_OF))
    assert isinstance(record, ProfileRecord) and record.profile is not None
    assert record.profile.links == ("https://social.example.org/users/lain",)
    assert record.profile.display_name is None  # the page names nobody


def start(url: str = "https://www.spaak.example/") -> Next:
    step = ADAPTER.start(Target(url=url, platform="website"), CrawlOptions(as_of=AS_OF))
    assert isinstance(step, Next)
    return step


@pytest.mark.parametrize(("status", "outcome"), [
    (404, "not_found"), (410, "gone"), (401, "blocked"), (403, "blocked"), (429, "rate_limited"),
    (503, "rate_limited"), (500, "error"), (502, "error"),
])
def test_http_errors(status: int, outcome: str) -> None:
    record = ADAPTER.advance(start().state, Page("https://www.spaak.example/", status,
                                                 {"content-type": "text/html"}, b"<html>",
                                                 AS_OF))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == outcome and record.outcome_detail
    assert record.profile is None


@pytest.mark.parametrize(("body", "content_type", "outcome"), [
    (b"", "text/html", "error"),
    (b"   \n", "text/html", "error"),
    (b"%PDF-1.4 ...", "application/pdf", "error"),
    (b'{"truncated": "json', "application/json", "error"),
    (b"\x00\xff\xfe garbage", "text/html", "ok"),
    (b"<html><body>just words</body>", "", "ok"),
])
def test_unreadable_bodies(body: bytes, content_type: str, outcome: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    record = ADAPTER.advance(start().state, Page("https://www.spaak.example/", 200, headers,
                                                 body, AS_OF))
    assert isinstance(record, ProfileRecord) and record.outcome == outcome
    if outcome == "ok":
        assert record.profile is not None and record.profile.links == ()
        assert "no JSON-LD, OpenGraph, h-card or rel=me on the page" in record.notes
    else:
        assert record.outcome_detail


def test_redirect_to_another_host_is_noted() -> None:
    body = (SITES / "ratel.html").read_bytes()
    record = ADAPTER.advance(start("https://ratel.example/").state,
                             Page("https://www.ratel.example/", 200, {"content-type": "text/html"},
                                  body, AS_OF))
    assert isinstance(record, ProfileRecord)
    assert record.notes == ("the website redirected to https://www.ratel.example/",)


def test_network_failure() -> None:
    record = ADAPTER.fail(start().state, Failure("timeout", "took too long",
                                                 "https://www.spaak.example/"))
    assert (record.outcome, record.outcome_detail) == ("error", "timeout: took too long")


def test_own_host_links_are_not_social_links() -> None:
    body = (b'<link rel="me" href="https://www.spaak.example/over-ons">'
            b'<a href="https://spaak.example/@team">team</a>'
            b'<a rel="me" href="https://fedi.example/@spaak">fedi</a>')
    record = ADAPTER.advance(start().state, Page("https://www.spaak.example/", 200, {}, body,
                                                 AS_OF))
    assert isinstance(record, ProfileRecord) and record.profile is not None
    assert record.profile.links == ("https://fedi.example/@spaak",)


@settings(max_examples=fuzz_examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(100, 599), st.binary(max_size=500) | st.text(max_size=500).map(str.encode),
       st.sampled_from(["text/html", "", "application/json", "text/html; charset=latin-1"]))
def test_advance_never_raises(status: int, body: bytes, content_type: str) -> None:
    base = (SITES / "spaak.html").read_bytes()
    for candidate in (body, base[: len(body)] + body, body + base):
        record = ADAPTER.advance(start().state, Page("https://www.spaak.example/", status,
                                                     {"content-type": content_type},
                                                     candidate, AS_OF))
        if isinstance(record, Next):  # the home page links its contact page: the same bytes
            record = ADAPTER.advance(record.state, Page(record.fetch.url, status,
                                                        {"content-type": content_type},
                                                        candidate, AS_OF))
        assert isinstance(record, ProfileRecord)


# -- what real data showed (issue 17) ------------------------------------------------------

BLOG = "https://fietsblog.example/2026/10/bakfiets/"


def test_comments_embeds_and_share_buttons_are_not_the_sites_links() -> None:
    record = read(BLOG)
    facts = record.profile
    assert facts is not None
    # only the footer's links are the blog's own: not the commenters' Facebook, X,
    # Mastodon and Instagram accounts, not the accounts in an embedded tweet or Instagram
    # post, not the share bar, not Disqus's own page
    assert facts.links == ("https://mastodon.example/@fietsblognoord",
                           "https://www.instagram.com/fietsblognoord/")
    # a commenter's card (.comment-author.vcard) is not the site's h-card: no name from it
    assert facts.display_name == "Fietsblog Noord"  # og:site_name
    assert facts.fields == (ProfileField("email", "redactie@fietsblog.example"),)


def test_a_share_button_to_a_closed_network_is_not_a_link_to_it() -> None:
    # songkick's "Share on Google+" button: a share button, not a profile on a dead network
    body = realcase("jsonld_profile", "extruct_songkick_tovestyrke.html").read_bytes()
    url = "https://www.songkick.com/artists/3407026-tove-styrke"
    record = ADAPTER.advance(start(url).state, Page(url, 200, {}, body, AS_OF))
    assert isinstance(record, ProfileRecord) and record.profile is not None
    assert record.profile.links == ("https://twitter.com/songkick",
                                    "http://www.facebook.com/songkick")


@pytest.mark.parametrize(("url", "description"), [
    (BLOG, "Just another WordPress site"),
    ("https://kruimel.example/", "Bakkerij Kruimel | Brood en gebak in Zwolle"),  # the title
    ("https://kruimel.example/en/", "Welcome to our website!"),
])
def test_a_generic_description_is_not_the_organisations_bio(url: str, description: str) -> None:
    record = read(url)
    assert record.profile is not None
    assert record.profile.bio is None  # as if there were none: nothing about the organisation
    assert f"the page's description is a generic text, not a summary of the organisation: " \
           f"{description}" in record.notes


def test_a_real_description_stays_the_bio() -> None:
    facts = read("https://www.ratel.example/").profile
    assert facts is not None and facts.bio is not None and facts.bio.startswith("Tweewielers")


# -- the contact page ---------------------------------------------------------------------

HOME = "https://shop.example/"


def _site(home: str, contact: Page | Failure | None = None) -> Callable[[Fetch], Page | Failure]:
    def answer(fetch: Fetch) -> Page | Failure:
        if fetch.url == HOME:
            return Page(url=HOME, status=200, headers={"content-type": "text/html"},
                        body=home.encode(), fetched_at=AS_OF)
        assert contact is not None, f"unexpected fetch of {fetch.url}"
        return contact
    return answer


_HOME_WITH_CONTACT = ('<html><head><title>Shop</title></head><body><nav>'
                      '<a href="https://forms.example/contact">Contact form elsewhere</a>'
                      '<a href="/nl/contact-us.html#form">Contact</a></nav>'
                      '<footer><a href="https://mastodon.example/@shop">Mastodon</a>'
                      '<a href="mailto:info@shop.example">mail</a></footer></body></html>')
_CONTACT_BODY = ('<html><body><p><a href="mailto:Info@shop.example">info</a> '
                 '<a href="mailto:sales@shop.example">sales</a> '
                 '<a href="tel:+31201234567">bel</a></p>'
                 '<a href="https://bsky.app/profile/shop.example">Bluesky</a>'
                 '<a href="https://mastodon.example/@shop">Mastodon</a></body></html>')


def test_the_contact_page_adds_its_links_and_contact_details() -> None:
    contact_url = "https://shop.example/nl/contact-us.html"
    page = Page(url=contact_url, status=200, headers={"content-type": "text/html"},
                body=_CONTACT_BODY.encode(), fetched_at=AS_OF)
    run = run_chain(ADAPTER, HOME, _site(_HOME_WITH_CONTACT, page))
    # the contact page on the site itself, never the form on another host
    assert run.fetched == [HOME, contact_url]
    facts = run.record.profile
    assert facts is not None and run.record.outcome == "ok"
    assert facts.links == ("https://mastodon.example/@shop",
                           "https://bsky.app/profile/shop.example")
    assert [(f.name, f.value) for f in facts.fields] == [
        ("email", "info@shop.example"), ("email", "sales@shop.example"),
        ("telephone", "+31201234567")]
    assert run.record.notes[-1] == ("links and contact details also read from the contact "
                                    f"page {contact_url}")


@pytest.mark.parametrize(("answer", "reason"), [
    (Page(url="https://shop.example/nl/contact-us.html", status=404, headers={},
          body=b"gone", fetched_at=AS_OF), "HTTP 404"),
    (Failure("timeout", "took too long", "https://shop.example/nl/contact-us.html"), None),
])
def test_a_contact_page_that_cannot_be_read_leaves_the_home_page_standing(
        answer: Page | Failure, reason: str | None) -> None:
    run = run_chain(ADAPTER, HOME, _site(_HOME_WITH_CONTACT, answer))
    record = run.record
    assert record.outcome == "ok" and record.profile is not None
    assert record.profile.links == ("https://mastodon.example/@shop",)
    assert [f.value for f in record.profile.fields] == ["info@shop.example"]
    note = record.notes[-1]
    assert note.startswith("the contact page https://shop.example/nl/contact-us.html could "
                           "not be read (")
    if reason is not None:
        assert f"({reason})" in note
    assert known_text(note).id == "detail.site_contact_failed"  # translated like the rest


@pytest.mark.parametrize(("links", "expected"), [
    (["https://shop.example/kontakt"], "https://shop.example/kontakt"),
    (["https://www.shop.example/contact/"], "https://www.shop.example/contact/"),
    (["https://shop.example/over-ons/neem-contact-op.php"],
     "https://shop.example/over-ons/neem-contact-op.php"),
    (["https://shop.example/contactgegevens"], "https://shop.example/contactgegevens"),
    (["https://shop.example/contacts-manager"], None),  # not a word we know: no guess
    (["https://other.example/contact"], None),
    (["https://shop.example/blog/contact-lenses-review"], None),
    (["https://shop.example/"], None),
    ([], None),
])
def test_which_link_is_the_contact_page(links: list[str], expected: str | None) -> None:
    assert contact_page(HtmlMeta(links=tuple(links)), HOME) == expected
