"""HTML metadata: lenient JSON-LD, OpenGraph, h-card and rel=me, on hand-made and real pages."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import MAX_NAME_CHARS
from auditor.platforms.htmlmeta import (
    MAX_HTML_BYTES,
    jsonld_nodes,
    loads_lenient,
    pick_entity,
    read_html_meta,
    read_jsonld,
)
from tests.conftest import realcase
from tests.fuzzdepth import fuzz_examples


def ld(payload: str, extra: str = "") -> str:
    return (f'<html><head><script type="application/ld+json">{payload}</script>{extra}'
            "</head><body></body></html>")


# -- lenient JSON ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ('{"a": 1}', {"a": 1}),
    ('{"a": [1, 2,], }', {"a": [1, 2]}),                       # trailing commas
    ('{"a": 1, // a comment\n "b": 2}', {"a": 1, "b": 2}),     # line comment
    ('{"a": /* block */ 1}', {"a": 1}),                        # block comment
    ('{"url": "https://x.example/a//b"}', {"url": "https://x.example/a//b"}),  # // in a string
    ('{"d": "line one\nline two\ttab"}', {"d": "line one\nline two\ttab"}),  # raw newline
    ('{"d": "bell\x07"}', {"d": "bell\x07"}),                  # raw control character
    ("{&quot;name&quot;: &quot;Spaak&quot;}", {"name": "Spaak"}),  # HTML entities
    ('<![CDATA[{"a": 1}]]>', {"a": 1}),
    ('<!-- {"a": 1} -->', {"a": 1}),
    ('\ufeff{"a": 1}', {"a": 1}),                               # byte-order mark
    ('{"a": 1}\n{"b": 2}', [{"a": 1}, {"b": 2}]),              # two values in a row
    ("{'a': 'single'}", {"a": "single"}),                      # single quotes
])
def test_lenient_json(text: str, expected: object) -> None:
    assert loads_lenient(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "not json", "{{{{", '{"a": ', "<b>html</b>"])
def test_lenient_json_gives_none_for_garbage(text: str) -> None:
    assert loads_lenient(text) is None


def test_deeply_nested_json_does_not_raise() -> None:
    assert loads_lenient("[" * 100_000) is None
    meta = read_html_meta(ld("[" * 100_000 + "]" * 100_000))
    assert meta.entity_type is None


# -- JSON-LD entity --------------------------------------------------------------------------

def test_graph_organisation_with_referenced_logo_contacts_and_same_as() -> None:
    payload = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Site", "publisher": {"@id": "#org"}},
        {"@type": "Person", "name": "An Author"},
        {"@type": ["LocalBusiness", "BikeStore"], "@id": "#org", "name": "Spaak Fietsen",
         "description": "Fietsen in Utrecht", "image": {"@id": "#logo"},
         "email": "mailto:info@spaak.example", "telephone": "+31 30 123 4567",
         "contactPoint": [{"@type": "ContactPoint", "email": "werkplaats@spaak.example"}],
         "sameAs": ["https://mastodon.example/@spaak", "twitch.tv/spaak", "javascript:x"],
         "url": "/"},
        {"@type": "ImageObject", "@id": "#logo", "url": "/logo.png"},
    ]})
    meta = read_html_meta(ld(payload), "https://www.spaak.example/page")
    assert meta.entity_type == "LocalBusiness"
    assert meta.name == "Spaak Fietsen"
    assert meta.description == "Fietsen in Utrecht"
    assert meta.image == "https://www.spaak.example/logo.png"
    assert meta.emails == ("info@spaak.example", "werkplaats@spaak.example")
    assert meta.phones == ("+31 30 123 4567",)
    assert meta.same_as == ("https://mastodon.example/@spaak", "https://twitch.tv/spaak")
    assert meta.urls == ("https://www.spaak.example/",)
    assert "json-ld" in meta.sources


@pytest.mark.parametrize("kind", ["Organization", "Corporation", "NGO", "LocalBusiness",
                                  "HomeAndConstructionBusiness", "http://schema.org/BikeStore",
                                  "SportsClub"])
def test_organisation_subtypes_are_picked(kind: str) -> None:
    nodes = jsonld_nodes([[{"@type": "Person", "name": "P"}, {"@type": kind, "name": "O"}]])
    assert pick_entity(nodes) == {"@type": kind, "name": "O"}


def test_profile_page_main_entity_wins_and_person_is_the_fallback() -> None:
    nodes = jsonld_nodes([{"@type": "Organization", "name": "Network"},
                          {"@type": "ProfilePage", "mainEntity": {"@type": "Person",
                                                                   "name": "Someone"}}])
    assert pick_entity(nodes) == {"@type": "Person", "name": "Someone"}
    assert pick_entity(jsonld_nodes([{"@type": "Person", "name": "P"}])) == {
        "@type": "Person", "name": "P"}
    assert pick_entity(jsonld_nodes([{"@type": "WebSite", "name": "S"}])) is None


def test_broken_jsonld_script_beside_a_good_one() -> None:
    page = ld('{"@type": "Organization", "name": "Broken",', ) + ld(
        '{"@type": "Organization", "name": "Good\nCo", }')
    meta = read_html_meta(page)
    assert meta.name == "Good Co"


# -- OpenGraph, h-card, rel=me ---------------------------------------------------------------

def test_twitter_card_is_the_fallback_for_opengraph() -> None:
    page = ('<meta name="twitter:title" content="Card title">'
            '<meta name="twitter:description" content="Card text">'
            '<meta name="twitter:image:src" content="/card.png">')
    meta = read_html_meta(page, "https://site.example/")
    assert (meta.name, meta.description, meta.image) == (
        "Card title", "Card text", "https://site.example/card.png")


def test_hcard_properties() -> None:
    page = """<div class="h-card"><img class="u-photo" src="/me.jpg" alt="">
      <span class="p-name">Velo Vlot</span><a class="u-url" href="https://velo.example/">site</a>
      <a class="u-email" href="mailto:hallo@velo.example">mail</a>
      <span class="p-tel">+31 20 555 0101</span><p class="p-note">E-bikes.</p>
      <article class="h-entry"><a class="u-url" href="/post/1">a post</a></article></div>"""
    meta = read_html_meta(page, "https://velo.example/")
    card = meta.hcards[0]
    assert (card.name, card.photo, card.url, card.emails, card.phones, card.note) == (
        "Velo Vlot", "https://velo.example/me.jpg", "https://velo.example/", (
            "hallo@velo.example",), ("+31 20 555 0101",), "E-bikes.")
    assert (meta.name, meta.description, meta.image) == (
        "Velo Vlot", "E-bikes.", "https://velo.example/me.jpg")
    assert meta.emails == ("hallo@velo.example",) and meta.phones == ("+31 20 555 0101",)


def test_old_style_vcard_and_implied_name() -> None:
    meta = read_html_meta('<p class="vcard"><a class="fn url" href="http://x.example/">X BV'
                          '</a> <span class="tel">020-1234567</span></p>'
                          '<a class="h-card" href="https://y.example/">Y Person</a>')
    assert [(c.name, c.url) for c in meta.hcards] == [
        ("X BV", "http://x.example/"), ("Y Person", "https://y.example/")]
    assert meta.phones == ("020-1234567",)


def test_rel_me_anchor_and_link_and_page_links() -> None:
    page = ('<link rel="me" href="https://social.example/@a"><link rel="stylesheet" href="/s">'
            '<a rel="me nofollow" href="/@b">b</a><a href="mailto:x@y.example">m</a>'
            '<a href="javascript:void(0)">j</a><a href="tel:+3120">t</a><a href="/about">a</a>')
    meta = read_html_meta(page, "https://home.example/")
    assert meta.rel_me == ("https://social.example/@a", "https://home.example/@b")
    assert meta.links == ("https://home.example/@b", "https://home.example/about")
    assert meta.emails == ("x@y.example",)


def test_empty_and_garbage_pages() -> None:
    for body in (b"", b"\x00\xff\xfe", "<<<>>>", "plain text"):
        meta = read_html_meta(body)
        assert meta.name is None and meta.empty


def test_input_is_capped() -> None:
    filler = "<p>" + "x" * (MAX_HTML_BYTES + 10) + "</p>"
    late = ld('{"@type": "Organization", "name": "Too late"}')
    assert read_html_meta(filler + late).name is None
    long_name = read_html_meta(ld(json.dumps({"@type": "Organization", "name": "n" * 10_000})))
    assert long_name.name is not None and len(long_name.name) <= MAX_NAME_CHARS


def test_login_form_is_noticed() -> None:
    assert read_html_meta('<form><input type="PASSWORD" name="p"></form>').has_password_form
    assert not read_html_meta('<form><input type="text"></form>').has_password_form


# -- real pages ------------------------------------------------------------------------------

def test_real_yoast_graph_organisation() -> None:
    meta = read_html_meta(realcase("jsonld_profile", "metascraper_org_site_bfi.html").read_bytes(),
                          "https://bfi.uchicago.edu/podcast/the-big-tech-threat/")
    assert meta.entity_type == "Organization"
    assert meta.name == "Becker Friedman Institute for Economics at UChicago"
    assert meta.same_as == ("https://www.facebook.com/BeckerFriedman",
                            "https://www.youtube.com/user/BFIVideos",
                            "https://twitter.com/BeckerFriedman")
    assert meta.image == ("https://bfi.uchicago.edu/wp-content/uploads/2019/04/"
                          "BFI_Logos_v08_RGB_Square-Logo-RGB.png")
    assert meta.site_name == "BFI"


def test_real_songkick_page_against_extructs_expected_output() -> None:
    page = realcase("jsonld_profile", "extruct_songkick_tovestyrke.html").read_bytes()
    expected = json.loads(realcase("jsonld_profile",
                                   "extruct_songkick_tovestyrke.expected.json").read_text())
    assert jsonld_nodes(read_jsonld(page)) == expected["json-ld"]
    meta = read_html_meta(page, "https://www.songkick.com/artists/3407026-tove-styrke")
    properties = dict(expected["opengraph"][0]["properties"])
    for key in ("og:title", "og:description", "og:url", "og:image", "og:site_name"):
        assert meta.og[key] == properties[key]
    assert meta.name == properties["og:title"]
    assert meta.description == properties["og:description"]
    assert meta.image == properties["og:image"]
    assert meta.entity_type is None  # a MusicEvent is neither an organisation nor a person


def test_real_bluesky_profile_page_with_invalid_json() -> None:
    meta = read_html_meta(realcase("bluesky", "metascraper_bsky.app_profile_stephenking.html")
                          .read_bytes(), "https://bsky.app/profile/stephenking.bsky.social")
    assert meta.entity_type == "Person"
    assert meta.name == "Stephen King"
    assert meta.description == "Writer"  # the raw newline inside the JSON string is read
    assert meta.alternate_name == "@stephenking.bsky.social"
    assert meta.image is not None and meta.image.startswith("https://cdn.bsky.app/img/avatar/")


def test_real_tiktok_profile_page() -> None:
    meta = read_html_meta(realcase("tiktok", "metascraper_tiktok_profile_illojuan.html")
                          .read_bytes(), "https://www.tiktok.com/@illojuan")
    assert (meta.entity_type, meta.name, meta.alternate_name) == ("Person", "IlloJuan",
                                                                  "illojuan")
    assert meta.description == "Timing, saludos desde Almería"
    assert meta.followers == 783427
    assert meta.same_as == ("https://twitch.tv/illojuan",)  # written without a scheme
    assert meta.urls[0] == "https://www.tiktok.com/@illojuan"


def test_real_instagram_and_x_pages() -> None:
    insta = read_html_meta(realcase("instagram", "metascraper_instagram_profile_pluto__travel.html")
                           .read_bytes(), "https://www.instagram.com/pluto__travel/")
    assert insta.og["og:type"] == "profile"
    assert insta.description == ("2,362 Followers, 136 Following, 224 Posts - See Instagram "
                                 "photos and videos from Pluto (@pluto__travel)")
    assert insta.meta_description is not None and "Home of travel" in insta.meta_description
    assert insta.entity_type is None  # no JSON-LD
    assert not insta.has_password_form
    x = read_html_meta(realcase("x_twitter", "metascraper_x_profile_kikobeats_og.html")
                       .read_bytes(), "https://x.com/Kikobeats")
    assert x.name == "#!/kiko/beats (@Kikobeats) on X"
    assert x.description is not None and x.description.startswith("engineering ▲ @vercel")
    assert x.image == "https://pbs.twimg.com/profile_images/1846292082501054464/oKUC44PF_200x200.jpg"
    assert x.entity_type is None  # its JSON-LD is only WebSite/SearchAction


def test_real_reddit_minimal_page() -> None:
    meta = read_html_meta(realcase("reddit", "metascraper_reddit_post_lotus.html").read_bytes())
    assert meta.site_name == "Reddit"
    assert meta.name == ("From the lotus community on Reddit: My Lotus Elise 72D with 17” Rays "
                         "Volk GT-P")
    assert meta.urls[0].endswith("?seeker-session=true")
    assert meta.og["twitter:site"] == "@reddit"


def test_real_opengraph_and_twitter_card_fixtures() -> None:
    ogp = read_html_meta(realcase("html_profile", "pleroma_ogp.html").read_text())
    assert (ogp.name, ogp.image, ogp.urls) == ("The Rock", "http://ia.media-imdb.com/images/rock.jpg",
                                               ("http://www.imdb.com/title/tt0117500/",))
    missing = read_html_meta(realcase("html_profile", "pleroma_ogp-missing-data.html").read_text())
    assert (missing.name, missing.description, missing.image) == ("Pleroma", None, None)
    card = read_html_meta(realcase("html_profile", "pleroma_twitter_card.html").read_text())
    assert card.name == "Small Island Developing States Photo Submission"
    assert card.description == "View the album on Flickr."
    extruct = read_html_meta(realcase("html_profile", "extruct_opengraph_test.html").read_text())
    assert extruct.site_name == "Event Education"
    assert extruct.og["og:type"] == "article"


def test_real_rel_me_and_hcard_fixtures() -> None:
    for name in ("pleroma_rel_me_anchor.html", "pleroma_rel_me_link.html"):
        meta = read_html_meta(realcase("html_profile", name).read_text())
        assert meta.rel_me == ("https://social.example.org/users/lain",)
    rel = read_html_meta(realcase("html_profile", "mf2py_rel.html").read_text())
    assert rel.rel_me == () and len(rel.links) == 5
    empty_url = read_html_meta(realcase("html_profile", "mf2py_hcard_with_empty_url.html")
                               .read_text())
    assert [(c.name, c.url) for c in empty_url.hcards] == [("Cheri Oteri", None),
                                                          ("Maya Rudolph", None)]
    assert empty_url.name == "Cheri Oteri"
    nested = read_html_meta(realcase("html_profile", "extruct_microformat_test.html").read_text())
    author = nested.hcards[0]
    assert (author.name, author.url, author.top_level) == ("W. Developer", "http://example.com",
                                                           False)
    assert nested.name == "Himanshu's Open Graph Protocol"  # an author card is not the site's


# -- never raises ------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from([
    '<script type="application/ld+json">', "</script>", '{"@type": "Organization",',
    '"name": "x",', '"sameAs": [', "]", "}", "{", '"@graph": [', ",", "//", "/*", "\n",
    '<meta property="og:title" content="', '">', '<div class="h-card">', "</div>",
    '<a rel="me" href="', "https://x.example/@a", '<span class="p-name">', "&quot;", "\x00",
    "<![CDATA[", '<img class="u-photo" src="', "<form><input type=password>", "\ud7ff",
])


@settings(max_examples=fuzz_examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS | st.text(max_size=20), max_size=40))
def test_read_html_meta_never_raises(parts: list[str]) -> None:
    page = "".join(parts)
    meta = read_html_meta(page, "https://base.example/")
    assert meta.name is None or len(meta.name) <= MAX_NAME_CHARS
    read_html_meta(page.encode("utf-8", "surrogatepass"))


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(st.text(max_size=200))
def test_loads_lenient_never_raises(text: str) -> None:
    loads_lenient(text)


@settings(max_examples=fuzz_examples(100), deadline=None)
@given(st.binary(max_size=300))
def test_binary_garbage_never_raises(body: bytes) -> None:
    read_html_meta(body)
