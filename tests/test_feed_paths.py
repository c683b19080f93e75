"""The fast ways of reading a feed give what feedparser alone gives, and use only its public API.

read_feed reads plain RSS 2.0 and Atom with lxml (auditor/platforms/feedfast.py) and runs
feedparser's markup pass only on the texts where it can change something
(auditor/platforms/feedmarkup.py). ``read_feed(..., reference=True)`` reads with
``feedparser.parse`` alone, its markup pass included: every feed here must come out the
same both ways. A feedparser release that changes how it builds values shows up here.
"""

from __future__ import annotations

import ast
import json

import pytest

from auditor.platforms.feed import read_feed
from auditor.platforms.feedfast import fast_read
from tests.conftest import AS_OF, REPO, SAMPLE_PAGES, realcase

RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
URL = "https://blog.test.example/feed"

#: Names of the feedparser package that the project may use (its documented API).
FEEDPARSER_PUBLIC = frozenset({"parse", "FeedParserDict", "USER_AGENT", "RESOLVE_RELATIVE_URIS",
                               "SANITIZE_HTML", "__version__"})


def test_only_feedparsers_public_api_is_used() -> None:
    offenders = []
    for path in sorted((REPO / "auditor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(REPO)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                offenders += [f"{where}: import {alias.name}" for alias in node.names
                              if alias.name.startswith("feedparser.")]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("feedparser"):
                offenders += [f"{where}: from {node.module} import {alias.name}"
                              for alias in node.names
                              if node.module != "feedparser" or alias.name not in FEEDPARSER_PUBLIC]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "feedparser" and node.attr not in FEEDPARSER_PUBLIC:
                offenders.append(f"{where}: feedparser.{node.attr}")
    assert offenders == []


# -- the same feed, both ways -------------------------------------------------------------

#: HTML as feeds carry it: plain markup (kept as it is) and markup feedparser's pass changes.
HTML = {
    "plain": '<p>Een <a href="https://x.example/a">link</a> en <b>vet</b>.</p>',
    "relative": '<a href="/pad">pad</a> <a href="ander">ander</a> <a href="?p=2">p</a>',
    "rel-tag": '<a href="https://x.example/t" rel="tag">#tag</a> <a href="/n" rel="nofollow">n</a>',
    "script": "<script>alert(1)</script>zichtbaar<style>p{}</style>",
    "iframe": '<iframe src="/embed">tekst</iframe> daarna <embed src="/e"> <noscript>ns</noscript>',
    "comments": "<!-- wp:paragraph --><p>alinea</p><!-- /wp:paragraph -->",
    "entities": "AT&amp;T &copy; &nbsp; &hellip; &#8217; &#150; &#128; &bogus; & los",
    "cdata": "<![CDATA[binnen]]> tekst",
    "newlines": "regel1\r\nregel2\rregel3",
    "schemes": '<a href="javascript:alert(1)">js</a> <a href="mailto:a@b.example">mail</a>',
    "svg": "<svg><title>svg-titel</title><circle/></svg> <math><mi>x</mi></math>",
    "upper": '<DIV><P>Hoofd <A HREF="/up">letters</A></P></DIV>',
    "unclosed": "<p>open <b>vet <i>schuin",
    "stray": "1 < 2 en 3 > 2, a <b",
    "bad-urls": '<a href="https://x.example/a b">spatie</a> <a href="https://[::1/x">ipv6</a>',
    "quotes": "&#39;enkel&#39; en &#34;dubbel&#34; en &apos;ap&apos;",
    "cp1252": "\u0093aanhalingen\u0094 \u0080 \u0099",
    "mojibake": "caf\u00c3\u00a9 en <a href='/\u00c3\u00a9'>link</a>",
    "control": "vorm\x0cfeed <b>b</b>",
    "empty-after-pass": "<script>alleen code</script>",
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rss(description: str, *, escaped: bool = False, extra: str = "") -> bytes:
    body = _escape(description) if escaped else f"<![CDATA[{description}]]>"
    items = "".join(
        f"<item><title>Titel {n}</title><link>/p/{n}</link><guid>/?p={n}</guid>"
        f"<pubDate>Fri, 30 Oct 2026 09:1{n}:00 +0000</pubDate><description>{body}</description>"
        f"<content:encoded>{body}</content:encoded><slash:comments>{n}</slash:comments></item>"
        for n in range(3))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        f"<title>Blog &amp; co</title><link>https://blog.test.example/</link>"
        f"<description>{body}</description>{extra}{items}</channel></rss>").encode()


def _atom(text: str, kind: str) -> bytes:
    entries = "".join(
        f'<entry><title type="{kind}">{_escape(text)}</title><id>/e/{n}</id>'
        f'<link rel="alternate" href="/e/{n}"/><published>2026-10-2{n}T10:00:00+02:00</published>'
        f'<summary type="{kind}">{_escape(text)}</summary>'
        f'<content type="{kind}">{_escape(text)}</content></entry>'
        for n in range(2))
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>Nieuws</title><subtitle type="{kind}">{_escape(text)}</subtitle>'
        '<logo>/logo.png</logo><link rel="alternate" type="text/html" href="/"/>'
        f"{entries}</feed>").encode()


def _cases() -> list[tuple[str, bytes, str]]:
    cases = []
    for name, html in HTML.items():
        cases += [
            (f"rss-cdata-{name}", _rss(html), RSS_TYPE),
            (f"rss-escaped-{name}", _rss(html, escaped=True), RSS_TYPE),
            # an element the lxml reader does not know: feedparser reads, the pass is ours
            (f"rss-feedparser-{name}", _rss(html, extra="<onbekend>x</onbekend>"), RSS_TYPE),
            (f"rss-title-{name}", _rss("d").replace(b"<title>Blog &amp; co</title>",
                                                    f"<title>{_escape(html)}</title>".encode()),
             RSS_TYPE),
            (f"atom-html-{name}", _atom(html, "html"), ATOM_TYPE),
            (f"atom-text-{name}", _atom(html, "text"), ATOM_TYPE),
        ]
    text = "caf\u00e9 \u20ac <a href='/x'>x</a> \u0093"
    for encoding in ("utf-8", "iso-8859-1", "windows-1252", "us-ascii"):
        declared = _rss(text).replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())
        body = declared.decode().encode(encoding, errors="xmlcharrefreplace")
        for ctype in ("application/rss+xml", "text/xml", "", f"text/xml; charset={encoding}",
                      "application/xml; charset=iso-8859-1", "Application/XML"):
            cases.append((f"encoding-{encoding}-{ctype}", body, ctype))
    cases.append(("bom", b"\xef\xbb\xbf" + _rss(text), RSS_TYPE))
    cases.append(("no-declaration", _rss(text).split(b"?>", 1)[1], RSS_TYPE))
    return cases


@pytest.mark.parametrize(("body", "ctype"), [pytest.param(body, ctype, id=name)
                                              for name, body, ctype in _cases()])
def test_synthetic_feeds_read_the_same_both_ways(body: bytes, ctype: str) -> None:
    fast = read_feed(body, url=URL, content_type=ctype, fetched_at=AS_OF)
    assert fast == read_feed(body, url=URL, content_type=ctype, fetched_at=AS_OF,
                             reference=True)


def _sample_feeds() -> list[tuple[str, str, str]]:
    manifest = json.loads((SAMPLE_PAGES / "feed" / "manifest.json").read_text(encoding="utf-8"))
    return [(entry["body"], entry["headers"].get("Content-Type", ""), entry["url"])
            for entry in manifest["responses"] if not entry["body"].endswith(".html")]


@pytest.mark.parametrize(("name", "ctype", "url"), _sample_feeds())
def test_sample_feeds_read_the_same_both_ways(name: str, ctype: str, url: str) -> None:
    body = (SAMPLE_PAGES / "feed" / name).read_bytes()
    fast = read_feed(body, url=url, content_type=ctype, fetched_at=AS_OF)
    assert fast == read_feed(body, url=url, content_type=ctype, fetched_at=AS_OF,
                             reference=True)


REAL = ["capyreader_arstechnica_feed.xml", "capyreader_theverge_feed.xml",
        "feedparser/illformed__chardet__koi8r.xml",
        "feedparser/illformed__rss_incomplete_cdata.xml",
        "feedparser/wellformed__feedburner__feedburner_browserfriendly.xml",
        "feedparser/wellformed__rdf__rss_version_10.xml",
        "feedparser/wellformed__rss__item_dc_date.xml",
        "feedparser/wellformed__sanitize__large_atom_feed_that_needs_css_sanitisation.xml"]


@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize("ctype", [RSS_TYPE, ATOM_TYPE, "text/xml", ""])
def test_real_feeds_read_the_same_both_ways(name: str, ctype: str) -> None:
    body = realcase("rss_atom", *name.split("/")).read_bytes()
    fast = read_feed(body, url=URL, content_type=ctype, fetched_at=AS_OF)
    assert fast == read_feed(body, url=URL, content_type=ctype, fetched_at=AS_OF,
                             reference=True)


def test_plain_feeds_take_the_fast_path() -> None:
    # the speed: these are read with lxml, not feedparser's SAX state machine
    for name, ctype, url in _sample_feeds():
        if not name.endswith(".json"):
            body = (SAMPLE_PAGES / "feed" / name).read_bytes()
            assert fast_read(body, url=url, content_type=ctype) is not None, name
    wordpress = realcase("rss_atom", "capyreader_arstechnica_feed.xml").read_bytes()
    assert fast_read(wordpress, url=URL, content_type=RSS_TYPE) is not None
    assert fast_read(_rss(HTML["plain"]), url=URL, content_type=RSS_TYPE) is not None
