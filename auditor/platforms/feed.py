"""Blogs and newsletters: RSS 2.0, RSS 1.0, Atom and JSON Feed, and the catch-all adapter.

``FeedAdapter`` reads a URL that looks like a feed. ``DiscoveryAdapter`` takes every other
http(s) URL: when the page is itself a feed it is read as one; when it is HTML naming a feed
in ``<link rel="alternate">`` that feed is read (one hop, any host); otherwise the URL is
``unsupported``. XML feeds are parsed by feedparser (twenty years of dialects, dates and
broken markup); feedparser 6.0 does not read JSON Feed, so JSON Feed 1.0/1.1 is read here.

What a feed can and cannot show, and the choices made (see docs):

- A feed lists only its newest N entries: the sample is never ``exhausted`` and a note
  says when the entries stop short of the window start.
- Replies are not observable. Comment counts (``slash:comments``, ``thr:total``) are kept
  on the items as evidence.
- No banner: unobservable. Contact: an e-mail in ``managingEditor``/``webMaster``/the
  author is shown as a profile field; when the feed names none, ``contact`` is marked
  unobservable rather than false (feeds seldom carry contact details at all).
- Times without a zone are read as UTC (noted); entries dated more than a day after the
  fetch, or before 1995, are skipped (counted in a note).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape as html_unescape
from html.entities import name2codepoint
from typing import Any, Final
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit
from xml.sax import SAXException

import feedparser
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from feedparser.encodings import convert_to_utf8 as _convert_to_utf8
from feedparser.html import _cp1252 as _CP1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin, make_safe_absolute_uri
from feedparser.urls import resolve_relative_uris as _resolve_relative_uris
from lxml import etree

from auditor.contacts import find_contacts
from auditor.htmltext import Fragment, read_fragment
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileField,
    ProfileRecord,
    Sample,
    cap_text,
)
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    Failure,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
    login_redirect,
    outcome_for_failure,
    outcome_for_status,
)
from auditor.urls import host_of, is_http_url

#: A feed body larger than this is cut before parsing (what was cut is noted).
MAX_FEED_BYTES = 5 * 1024 * 1024
#: Only the start of an HTML page is searched for its feed links (they sit in <head>).
MAX_PAGE_BYTES = 1024 * 1024
#: Entries read from one feed at most.
MAX_ENTRIES = 1000
#: Dates before this are a feed's garbage, not a post (the web had few blogs then).
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
#: Dates more than this after the fetch are clock errors or scheduled posts: skipped.
FUTURE_SLACK = timedelta(days=1)
#: Feed media types named in ``<link rel="alternate" type=...>``.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
PAGE_ACCEPT = ("text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
               "application/feed+json, application/xml;q=0.9, */*;q=0.5")
NO_CONTACT = ("the feed names no contact (no e-mail in managingEditor, webMaster or the "
              "author, none in the description); feeds seldom carry one")

_FEED_PATH = re.compile(
    r"""(?:^|/)(?:feed|rss|rss2|atom|rdf)$              # /feed, /rss, /atom, /feed/rss2
      | (?:^|/)feeds/                                   # /feeds/..., Blogger's /feeds/posts/default
      | (?:^|/)[^/]*(?:feed|rss|atom)[^/]*\.(?:xml|json|rdf)$   # rss.xml, atom.xml, feed.json
      | \.(?:rss|atom)$                                 # index.rss, posts.atom
      | (?:^|/)index\.xml$                              # Hugo's feed
    """,
    re.X,
)
_FEED_QUERY = {"feed": {"rss", "rss2", "atom", "rdf", "json"}, "format": {"rss", "atom"}}
_FEED_HOSTS = frozenset({"feeds.feedburner.com", "feeds.feedblitz.com"})
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
_CHANNEL_HEAD_BYTES = 64 * 1024
_RSS_CONTACT = re.compile(r"<(managingEditor|webMaster)\s*>(.{0,400}?)</\1\s*>", re.S)
_DTD_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(?:[a-z0-9_]+:)?(?:rss|feed|rdf:rdf|rdf)[\s>/]", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)


# -- URLs ------------------------------------------------------------------------------


def looks_like_feed_url(url: str) -> bool:
    """True for URLs whose path or query names a feed (/feed, /rss.xml, ?feed=rss2, ...)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname.lower() in _FEED_HOSTS and parts.path.strip("/"):
        return True
    if _FEED_PATH.search(parts.path.lower()):
        return True
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if value.lower() in _FEED_QUERY.get(key.lower(), ()):
            return True
    return False


def readable_handle(url: str) -> str | None:
    """Host and path (and query), the way a person would write the address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    handle = parts.netloc + parts.path.rstrip("/")
    if parts.query:
        handle += f"?{parts.query}"
    return cap_text(handle, MAX_NAME_CHARS)


# -- reading a feed --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedRead:
    """What one feed body shows."""

    #: "rss20", "rss10", "atom10", "json11", ... (feedparser's names; "json1x" for JSON Feed).
    format: str
    facts: ProfileFacts
    #: Newest first.
    items: tuple[Item, ...]
    #: Entries the feed holds (dated or not, before any was skipped).
    entries: int
    notes: tuple[str, ...]
    #: An e-mail or phone number was seen in the feed's own details.
    contact_seen: bool


@dataclass(frozen=True, slots=True)
class NotFeed:
    """The body is not a feed; ``reason`` says what it is instead."""

    reason: str


def sniff(body: bytes, content_type: str = "") -> str:
    """What a body is: "json", "feed" (XML), "html" or "other" (from its start, then its type)."""
    head = body[:4096].lstrip(_BOM_AND_SPACE)
    if head[:1] in (b"{", b"["):
        return "json"
    html = _HTML_ROOT.search(head[:2048])
    feed = _FEED_ROOT.search(head)
    if feed and (not html or feed.start() < html.start()):
        return "feed"
    if html:
        return "html"
    ctype = content_type.lower()
    if "html" in ctype:
        return "html"
    if any(word in ctype for word in ("xml", "rss", "atom")):
        return "feed"
    if "json" in ctype:
        return "json"
    return "other"


def read_feed(body: bytes, *, url: str, content_type: str = "",
              fetched_at: datetime) -> FeedRead | NotFeed:
    """Read an RSS, Atom or JSON Feed body. Never raises: a non-feed gives NotFeed."""
    notes: list[str] = []
    if len(body) > MAX_FEED_BYTES:
        body = body[:MAX_FEED_BYTES]
        notes.append(f"the feed was cut at {MAX_FEED_BYTES // (1024 * 1024)} MB")
    stripped = body.lstrip(_BOM_AND_SPACE)
    if not stripped:
        return NotFeed("not a feed: the body is empty")
    latest = fetched_at + FUTURE_SLACK
    if stripped[:1] in (b"{", b"["):
        try:
            data = json.loads(stripped.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError) as exc:
            return NotFeed(f"not a feed: unreadable JSON ({cap_text(str(exc), 120)})")
        if not _is_json_feed(data):
            return NotFeed("not a feed: JSON, but not a JSON Feed")
        return _read_json_feed(data, url=url, latest=latest, notes=notes)
    if sniff(body, content_type) == "html":
        return NotFeed("not a feed: the server answered with an HTML page")
    if b"<!ENTITY" in body[:_CHANNEL_HEAD_BYTES].upper():
        # Feeds never need their own entities; expanding them is how XML bombs work.
        body = _DTD_SUBSET.sub(b"", body[:_CHANNEL_HEAD_BYTES], count=1) \
            + body[_CHANNEL_HEAD_BYTES:]
        notes.append("the feed declares its own XML entities; they were ignored")
    fast = _fast_read(body, url=url, content_type=content_type)
    if fast is not None:
        version, feed, entries = fast
        raw_contacts = _rss_contacts(body)
        if all(tag in raw_contacts for tag in ("managingEditor", "webMaster")
               if feed.pop(f"_raw_{tag}", False)) and all(_date_readable(entry)
                                                          for entry in entries):
            try:
                return _read_xml_feed(version, feed, entries, url=url, latest=latest,
                                      notes=list(notes), raw_contacts=raw_contacts,
                                      markup=_Markup("utf-8"))
            except _Unsure:
                pass
    # feedparser's own pass over the markup in each text (resolving relative URIs, then
    # sanitising, with an SGML parser written in Python) costs more than the XML parse.
    # Most texts hold plain markup where that pass changes nothing read_fragment sees, so
    # it is run here, only on the texts that need it (_Markup). A document with xml:base
    # (a base that can change inside an entry) is parsed the old way.
    exact = b"xml:base" in body
    try:
        parsed = _parse(body, url=url, content_type=content_type, exact=exact)
    except Exception as exc:  # feedparser is robust, but the body is untrusted
        return NotFeed(f"not a feed: unreadable ({type(exc).__name__})")
    version = str(parsed.get("version") or "")
    entries = list(parsed.get("entries") or ())
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not version and not entries:
        why = f" ({cap_text(str(problem), 120)})" if problem is not None else ""
        return NotFeed(f"not a feed{why}")
    if isinstance(problem, SAXException) and not entries:
        return NotFeed(f"not a feed: malformed XML with no entries "
                       f"({cap_text(str(problem), 120)})")
    if problem is not None:
        notes.append(f"the feed is not well-formed ({cap_text(str(problem), 160)}); "
                     f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} read as far as "
                     "possible")
    raw_contacts = _rss_contacts(body)
    if not exact:
        try:
            return _read_xml_feed(version or "unknown", parsed.get("feed") or {}, entries,
                                  url=url, latest=latest, notes=notes,
                                  raw_contacts=raw_contacts,
                                  markup=_Markup("utf-8"))
        except _Unsure:  # a text whose markup pass cannot be redone here: parse the old way
            try:
                parsed = _parse(body, url=url, content_type=content_type, exact=True)
            except Exception as exc:  # as above
                return NotFeed(f"not a feed: unreadable ({type(exc).__name__})")
            entries = list(parsed.get("entries") or ())
    return _read_xml_feed(version or "unknown", parsed.get("feed") or {}, entries, url=url,
                          latest=latest, notes=notes, raw_contacts=raw_contacts,
                          markup=_Markup(None))


def _parse(body: bytes, *, url: str, content_type: str, exact: bool) -> Any:
    """feedparser on the body; ``exact`` lets feedparser resolve and sanitise markup itself."""
    return feedparser.parse(
        io.BytesIO(body),  # a stream: feedparser opens str/bytes arguments as URLs or files
        response_headers={"content-type": content_type or "application/xml",
                          "content-location": url},
        sanitize_html=exact,
        resolve_relative_uris=exact,
    )


class _Unsure(Exception):
    """A text's markup needs feedparser's own pass in a way that cannot be redone here."""


#: Tags feedparser's sanitiser keeps as they are and read_fragment reads like any other.
_PLAIN_TAGS = frozenset({
    "a", "abbr", "b", "big", "blockquote", "br", "caption", "center", "cite", "code",
    "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol",
    "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
})
_HTMLISH = frozenset({"text/html", "application/xhtml+xml"})
_looks_like_html = _FeedParserMixin.looks_like_html
_map_type = _FeedParserMixin.map_content_type
_TAG_OPEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])")
_AMP = re.compile(r"&(?:([a-zA-Z][a-zA-Z0-9]*)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ATTR_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", re.I)
_ATTR_REL = re.compile(r"\srel\s*=", re.I)


class _Markup:
    """feedparser's markup pass (resolve relative URIs, sanitise) on one text, when needed.

    ``encoding`` None: feedparser already ran the pass (the value is returned as it is).
    Otherwise the pass is skipped for texts where it provably changes nothing
    read_fragment reads (known tags only, absolute links, known entities, no ``rel``)
    and run, as feedparser would have, on the others.
    """

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding

    def __call__(self, value: str, detail: Any) -> str:
        if self.encoding is None:
            return value
        if not isinstance(detail, Mapping):
            if "<" in value or "&" in value or "\r" in value:
                raise _Unsure
            return value
        kind = str(detail.get("type") or "")
        if kind not in _HTMLISH:
            return value
        base = str(detail.get("base") or "")
        if kind == "text/html" and _plain_markup(value, base):
            return value
        try:
            value = _resolve_relative_uris(value, base, self.encoding, kind)
            return str(_sanitize_html(value, self.encoding, kind))
        except Exception as exc:  # feedparser catches nothing here either: parse the old way
            raise _Unsure from exc


def _plain_markup(html: str, base: str) -> bool:
    """True when feedparser's markup pass would change nothing read_fragment reads."""
    if "<" in html:
        if html.count("<") != len(tags := _TAG_OPEN.findall(html)):
            return False  # a comment, CDATA, a processing instruction or a stray "<"
        if any(name.lower() not in _PLAIN_TAGS for _, name in tags):
            return False
        if _ATTR_REL.search(html):
            return False  # the sanitiser drops rel, which tells hashtags from links
        for match in _ATTR_HREF.finditer(html):
            href = match.group(1) or match.group(2) or match.group(3) or ""
            if "&" in href or make_safe_absolute_uri(base, href.strip()) != href:
                return False
    if "&" in html:
        amps = _AMP.findall(html)
        if html.count("&") != len(amps):
            return False
        for name, decimal, hexa in amps:
            if name:
                if name not in name2codepoint and name != "apos":
                    return False
            elif not 0 < (int(decimal) if decimal else int(hexa, 16)) < 0x80 \
                    and not 0xA0 <= (int(decimal) if decimal else int(hexa, 16)) < 0x110000:
                return False
    return "\r" not in html


def _date_readable(entry: Mapping[str, Any]) -> bool:
    """False when feedparser's own date reading (which the fast path lacks) would count."""
    raw = entry.get("published") or entry.get("updated")
    return not (isinstance(raw, str) and raw.strip()) or parse_date(raw)[0] is not None


def _rss_contacts(body: bytes) -> dict[str, str | None]:
    """E-mails in the channel's managingEditor and webMaster, read from the raw XML.

    feedparser cuts addresses whose top-level domain is longer than four letters
    ("blog@spaak.example" becomes "blog@spaak.exam"), so RSS's own elements are read here.
    A key is present when the element is; its value is the address found, or None.
    """
    head = body[:_CHANNEL_HEAD_BYTES].decode("utf-8", errors="replace")
    first_item = re.search(r"<(?:\w+:)?(?:item|entry)[\s>]", head)
    if first_item:
        head = head[:first_item.start()]
    found: dict[str, str | None] = {}
    for match in _RSS_CONTACT.finditer(head):
        name = match.group(1)
        text = html_unescape(match.group(2).replace("<![CDATA[", "").replace("]]>", ""))
        emails, _ = find_contacts([text])
        if found.get(name) is None:
            found[name] = emails[0] if emails else None
    return found


def _read_xml_feed(version: str, feed: Mapping[str, Any], entries: list[Any], *, url: str,
                   latest: datetime, notes: list[str],
                   raw_contacts: Mapping[str, str | None], markup: _Markup) -> FeedRead:
    fields: list[ProfileField] = []
    for key, element, label in (("author_detail", "managingEditor", "Editor"),
                                ("publisher_detail", "webMaster", "Webmaster")):
        if element in raw_contacts:
            email = raw_contacts[element]
        else:  # Atom's <author><email> and itunes:email, which feedparser reads whole
            detail = feed.get(key)
            email = detail.get("email") if isinstance(detail, Mapping) else None
        if isinstance(email, str) and email.strip():
            fields.append(ProfileField(name=label, value=cap_text(email, MAX_NAME_CHARS) or ""))
    image = feed.get("image")
    avatar = _http(image.get("href") if isinstance(image, Mapping) else None, url) \
        or _http(feed.get("logo"), url) or _http(feed.get("icon"), url)
    links: list[str] = []
    for candidate in [feed.get("link"), *(
            link.get("href") for link in feed.get("links") or ()
            if isinstance(link, Mapping) and link.get("rel") == "alternate"
            and "html" in str(link.get("type") or "text/html"))]:
        site = _http(candidate, url)
        if site and site not in links:
            links.append(site)
    facts = _facts(title=_plain(feed, "title", markup), bio=_plain(feed, "subtitle", markup),
                   avatar=avatar, links=links, fields=fields)
    items: list[Item] = []
    counts = _Counts()
    for index, entry in enumerate(entries[:MAX_ENTRIES]):
        if not isinstance(entry, dict):
            counts.unreadable += 1
            continue
        # dict.get: feedparser's own get maps "updated" to "published" with a warning
        raw = dict.get(entry, "published") or dict.get(entry, "updated")
        struct = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        when = counts.date(raw, struct, latest)
        if when is None:
            continue
        content = entry.get("content")
        first = content[0] if isinstance(content, list) and content \
            and isinstance(content[0], Mapping) else None
        detail = dict.get(entry, "summary_detail")
        if detail is None and first is not None and entry.get("summary") == first.get("value"):
            detail = first  # feedparser copied the content into the summary
        html = _html(entry, "summary", markup=markup, markup_detail=detail)
        if not html and first is not None:
            html = _html(first, "value", first, markup)
        link = _http(entry.get("link"), url)
        items.append(_item(
            entry_id=entry.get("id") or link or f"{url}#{index}", when=when, url=link,
            title=_plain(entry, "title", markup), html=html, comments=_comments(entry),
        ))
    notes.extend(counts.notes(len(entries)))
    return FeedRead(format=version, facts=facts, items=_newest_first(items),
                    entries=len(entries), notes=tuple(notes),
                    contact_seen=_contact_seen(facts))


def _is_json_feed(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    version = data.get("version")
    if isinstance(version, str) and "jsonfeed.org/version/" in version:
        return True
    return isinstance(data.get("items"), list) and isinstance(data.get("title"), str)


def _read_json_feed(data: dict[str, Any], *, url: str, latest: datetime,
                    notes: list[str]) -> FeedRead:
    version = str(data.get("version") or "")
    number = version.rsplit("/", 1)[-1].replace(".", "") if "/version/" in version else ""
    authors = data.get("authors") if isinstance(data.get("authors"), list) else []
    if isinstance(data.get("author"), dict):
        authors = [*authors, data["author"]]
    fields: list[ProfileField] = []
    for author in authors:
        contact = author.get("url") if isinstance(author, dict) else None
        if isinstance(contact, str) and contact.lower().startswith("mailto:"):
            fields.append(ProfileField(name="Author",
                                       value=cap_text(contact[7:], MAX_NAME_CHARS) or ""))
    site = _http(data.get("home_page_url"), url)
    facts = _facts(title=_str(data.get("title")), bio=_str(data.get("description")),
                   avatar=_http(data.get("icon"), url) or _http(data.get("favicon"), url),
                   links=[site] if site else [], fields=fields)
    raw_items = data.get("items") if isinstance(data.get("items"), list) else []
    items: list[Item] = []
    counts = _Counts()
    for index, entry in enumerate(raw_items[:MAX_ENTRIES]):
        if not isinstance(entry, dict):
            counts.unreadable += 1
            continue
        when = counts.date(entry.get("date_published") or entry.get("date_modified"), None,
                           latest)
        if when is None:
            continue
        html = _str(entry.get("summary")) or _str(entry.get("content_html"))
        if not html:
            text = _str(entry.get("content_text"))
            html = text.replace("&", "&amp;").replace("<", "&lt;") if text else ""
        link = _http(entry.get("url"), url) or _http(entry.get("external_url"), url)
        entry_id = entry.get("id")
        items.append(_item(
            entry_id=str(entry_id) if isinstance(entry_id, (str, int)) and entry_id != ""
            else link or f"{url}#{index}",
            when=when, url=link, title=_str(entry.get("title")), html=html, comments=None,
        ))
    notes.extend(counts.notes(len(raw_items)))
    return FeedRead(format=f"json{number}" if number else "json", facts=facts,
                    items=_newest_first(items), entries=len(raw_items), notes=tuple(notes),
                    contact_seen=_contact_seen(facts))


class _Counts:
    """Entries skipped while reading one feed, and dates read without a zone."""

    def __init__(self) -> None:
        self.unreadable = self.undated = self.future = self.ancient = self.naive = 0

    def date(self, raw: Any, struct: Any, latest: datetime) -> datetime | None:
        when, naive = parse_date(raw, struct)
        if when is None:
            self.undated += 1
            return None
        if when > latest:
            self.future += 1
            return None
        if when < EARLIEST:
            self.ancient += 1
            return None
        self.naive += naive
        return when

    def notes(self, total: int) -> list[str]:
        notes = []
        if total > MAX_ENTRIES:
            notes.append(f"only the first {MAX_ENTRIES} of {total} entries were read")
        if self.unreadable:
            notes.append(f"{_entries(self.unreadable)} unreadable, skipped")
        if self.undated:
            notes.append(f"{_entries(self.undated)} without a readable date, skipped")
        if self.future:
            notes.append(f"{_entries(self.future)} dated more than a day after the fetch, "
                         "skipped")
        if self.ancient:
            notes.append(f"{_entries(self.ancient)} dated before {EARLIEST:%Y-%m-%d}, skipped")
        if self.naive:
            notes.append(f"{_entries(self.naive)} gave a time without a time zone; read as UTC")
        return notes


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def parse_date(raw: Any, struct: Any = None) -> tuple[datetime | None, bool]:
    """A feed date as aware UTC, and whether it had no zone (then it is read as UTC).

    Tries ISO 8601 / RFC 3339 (Atom, JSON Feed, dc:date), then RFC 822 (RSS pubDate),
    then feedparser's own reading (``*_parsed``, already UTC) for the odd dialects.
    """
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()[:100]
        parsed: datetime | None = None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError, OverflowError):
                parsed = None
        if parsed is not None:
            naive = parsed.tzinfo is None
            try:
                value = parsed.replace(tzinfo=UTC) if naive else parsed.astimezone(UTC)
            except (OverflowError, ValueError):
                return None, False
            return value, naive
    if isinstance(struct, time.struct_time) or (isinstance(struct, tuple) and len(struct) >= 6):
        try:
            return datetime(*struct[:6], tzinfo=UTC), False
        except (TypeError, ValueError, OverflowError):
            return None, False
    return None, False


def _item(*, entry_id: Any, when: datetime, url: str | None, title: str, html: str,
          comments: int | None) -> Item:
    fragment = _fragment(html)
    text = "\n".join(part for part in (title.strip(), fragment.text) if part)
    return Item(
        id=cap_text(str(entry_id), 500) or "",
        published_at=when,
        kind="original",
        url=url,
        text=cap_text(text) or "",
        links=fragment.links[:20],
        comments=comments,
    )


def _comments(entry: Mapping[str, Any]) -> int | None:
    for key in ("slash_comments", "thr_total"):
        count = _count(entry.get(key))
        if count is not None:
            return count
    for link in entry.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel") == "replies":
            count = _count(link.get("thr:count") or link.get("count"))
            if count is not None:
                return count
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
        return int(value.strip())
    return None


def _facts(*, title: str, bio: str, avatar: str | None, links: list[str],
           fields: list[ProfileField]) -> ProfileFacts:
    # Every feed format has a slot for the title and description: missing is observably
    # empty (""), never unknown.
    return ProfileFacts(
        display_name=cap_text(title, MAX_NAME_CHARS) or "",
        bio=cap_text(bio, MAX_BIO_CHARS) or "",
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else False,
        links=tuple(links[:10]),
        fields=tuple(fields[:5]),
    )


def _contact_seen(facts: ProfileFacts) -> bool:
    emails, phones = find_contacts([facts.bio or "", *(f.value for f in facts.fields)])
    return bool(emails or phones)


def _plain(data: Mapping[str, Any], key: str, markup: _Markup | None = None) -> str:
    """A feedparser text construct as plain text (HTML ones are read as fragments)."""
    value = data.get(key)
    if not isinstance(value, str):
        return ""
    detail = data.get(f"{key}_detail")
    kind = str(detail.get("type") or "") if isinstance(detail, Mapping) else ""
    if markup is not None:
        value = markup(value, detail)
    if "html" in kind:
        return _fragment(value).text
    return " ".join(value.split())


def _fragment(html: str) -> Fragment:
    """read_fragment, quiet about fragments that look like XML (feeds carry such HTML)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return read_fragment(html)


def _html(data: Mapping[str, Any], key: str, detail: Any = None,
          markup: _Markup | None = None, markup_detail: Any = None) -> str:
    """A feedparser text construct as HTML (plain-text ones escaped, so "<" stays text)."""
    value = data.get(key)
    if not isinstance(value, str):
        return ""
    detail = detail if detail is not None else data.get(f"{key}_detail")
    if markup is not None:
        value = markup(value, markup_detail if markup_detail is not None else detail)
    kind = str(detail.get("type") or "") if isinstance(detail, Mapping) else ""
    if kind == "text/plain":
        return value.replace("&", "&amp;").replace("<", "&lt;")
    return value


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _http(value: Any, base: str) -> str | None:
    """An absolute http(s) URL from ``value`` (relative ones resolved against ``base``)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 2048:
        return None
    try:
        absolute = urljoin(base, value.strip())
    except ValueError:
        return None
    return absolute if is_http_url(absolute) else None


def _newest_first(items: list[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda item: item.published_at, reverse=True))


# -- the fast path: plain RSS 2.0 and Atom 1.0 read with lxml ----------------------------
#
# feedparser drives a pure-Python state machine over SAX events; on the usual blog feed
# that costs far more than the reading itself. A plain RSS 2.0 or Atom 1.0 document (only
# the elements below, no DTD, no xml:base, one title per channel and entry, ...) is read
# with lxml into the same dictionaries feedparser would build for it, value by value the
# way feedparser's ``pop`` treats them. Anything else returns None and goes to feedparser.

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"
_SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
_WFW = "{http://wellformedweb.org/CommentAPI/}"
_THR = "{http://purl.org/syndication/thread/1.0}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FAST_TYPES = frozenset({"", "application/xml", "text/xml", "application/rss+xml",
                         "application/atom+xml"})
_FAST_REFUSE = re.compile(rb"<!DOCTYPE|<!ENTITY|xml:base|\sbase\s*=", re.I)
#: Elements read for nothing (their values are not used), with no children of their own.
_RSS_CHANNEL_IGNORED = frozenset({
    "language", "copyright", "lastBuildDate", "pubDate", "generator", "docs", "ttl",
    "category", f"{_SY}updatePeriod", f"{_SY}updateFrequency", f"{_SY}updateBase",
})
_RSS_ITEM_IGNORED = frozenset({"category", "author", "comments", f"{_DC}creator",
                               f"{_WFW}commentRss"})
_RSS_IMAGE_CHILDREN = frozenset({"url", "title", "link", "width", "height", "description"})
_ATOM_FEED_IGNORED = frozenset({f"{_ATOM}{n}" for n in ("id", "updated", "generator",
                                                        "rights", "category")})
_ATOM_ENTRY_IGNORED = frozenset({f"{_ATOM}{n}" for n in ("rights", "category")})
_ATOM_AUTHOR_CHILDREN = frozenset({f"{_ATOM}{n}" for n in ("name", "email", "uri")})
_TEXT_TYPES = {"text": "text/plain", "html": "text/html"}
_FAST_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                               load_dtd=False, remove_comments=False)


class _Refuse(Exception):
    """The document is not plain enough for the fast path."""


def _fast_read(body: bytes, *, url: str,
               content_type: str) -> tuple[str, dict[str, Any], list[Any]] | None:
    """(version, feed, entries) as feedparser would give them, or None."""
    media = content_type.split(";")[0].strip().lower()
    if media not in _FAST_TYPES or _FAST_REFUSE.search(body):
        return None
    headers = {"content-type": content_type or "application/xml", "content-location": url}
    result: dict[str, Any] = {}
    try:
        data = _convert_to_utf8(headers, body, result)
        if result.get("bozo") or not result.get("encoding"):
            return None
        root = etree.fromstring(data, _FAST_PARSER)
        base = make_safe_absolute_uri("", url) or ""
        reader = _FastReader(base)
        if root.tag == "rss" and root.get("version") == "2.0" and root.prefix is None:
            feed, entries = reader.rss(root)
            version = "rss20"
        elif root.tag == f"{_ATOM}feed" and "version" not in root.attrib:
            feed, entries = reader.atom(root)
            version = "atom10"
        else:
            return None
    except Exception:  # _Refuse, malformed XML, or anything unforeseen: feedparser's way
        return None
    return version, feed, entries


class _FastReader:
    def __init__(self, base: str) -> None:
        self.base = base

    # values, as feedparser's pop leaves them

    def value(self, element: Any, *, uri: bool = False) -> str:
        if len(element) or set(element.attrib.keys()) - {_XML_LANG}:
            raise _Refuse
        return self.finish(element.text or "", uri=uri)

    def finish(self, text: str, *, uri: bool = False) -> str:
        output = text.strip()
        if uri and output:
            output = _urljoin(self.base, output)
        # feedparser hands its parser the body converted to UTF-8, so this always runs
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            output = output.encode("iso-8859-1").decode("utf-8")
        return output.translate(_CP1252)

    def text_construct(self, element: Any, default: str, *, rss: bool) -> tuple[str, dict]:
        if len(element) or set(element.attrib.keys()) - {_XML_LANG, "type"}:
            raise _Refuse
        raw_type = element.get("type")
        if rss:
            if raw_type is not None:
                raise _Refuse
            kind = default
        else:
            kind = _TEXT_TYPES.get(raw_type or "text", "")
            if not kind:
                raise _Refuse  # xhtml and other types: feedparser's way
        output = (element.text or "").strip()
        if rss and kind == "text/plain" and _looks_like_html(output):
            kind = "text/html"
        output = self.finish(output)
        return output, {"type": kind, "base": self.base, "value": output}

    def link(self, element: Any, context: dict[str, Any]) -> None:
        """An Atom link (also atom:link in RSS): feedparser's _start_link."""
        if len(element):
            raise _Refuse
        attrs: dict[str, str] = {}
        for name, value in element.attrib.items():
            if name.startswith(_THR):
                attrs["thr:" + name[len(_THR):].lower()] = value
            elif name == _XML_LANG:
                attrs["xml:lang"] = value
            elif name.startswith("{") or name.lower() in ("url", "uri", "base", "lang"):
                raise _Refuse
            else:
                key = name.lower()
                attrs[key] = value.lower() if key in ("rel", "type") else value
        if "href" not in attrs:
            raise _Refuse
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self"
                         else "text/html")
        attrs["href"] = _urljoin(self.base, attrs["href"])
        context.setdefault("links", []).append(attrs)
        if attrs["rel"] == "alternate" and _map_type(attrs["type"]) in _HTMLISH:
            context["link"] = attrs["href"]

    # RSS 2.0

    def rss(self, root: Any) -> tuple[dict[str, Any], list[Any]]:
        channels = list(root)
        if len(channels) != 1 or channels[0].tag != "channel" or (root.text and \
                root.text.strip()) or channels[0].attrib:
            raise _Refuse
        feed: dict[str, Any] = {}
        entries: list[Any] = []
        seen: set[str] = set()
        for child in channels[0]:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse  # a comment or processing instruction among the elements
            if tag == "item":
                entries.append(self.rss_item(child))
                continue
            if tag in ("title", "description", "link", "image"):
                if tag in seen:
                    raise _Refuse
                seen.add(tag)
            if tag == "title":
                feed["title"], feed["title_detail"] = self.text_construct(
                    child, "text/plain", rss=True)
            elif tag == "description":
                feed["subtitle"], feed["subtitle_detail"] = self.text_construct(
                    child, "text/html", rss=True)
            elif tag == "link":
                value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", self.value(child, uri=True))
                feed["link"] = value
                feed.setdefault("links", []).append(
                    {"rel": "alternate", "type": "text/html", "href": value})
            elif tag == f"{_ATOM}link":
                self.link(child, feed)
            elif tag == "image":
                feed["image"] = self.rss_image(child)
            elif tag in ("managingEditor", "webMaster"):
                _childless(child)
                seen.add(tag)
            elif tag in _RSS_CHANNEL_IGNORED:
                _childless(child)
            else:
                raise _Refuse
        for tag in ("managingEditor", "webMaster"):
            if tag in seen:
                feed[f"_raw_{tag}"] = True
        return feed, entries

    def rss_image(self, image: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        seen: set[str] = set()
        for child in image:
            if not isinstance(child.tag, str) or child.tag not in _RSS_IMAGE_CHILDREN \
                    or child.tag in seen:
                raise _Refuse
            seen.add(child.tag)
            if child.tag == "url":
                found["href"] = self.value(child, uri=True)
            else:
                self.value(child)
        return found

    def rss_item(self, item: Any) -> dict[str, Any]:
        if item.attrib:
            raise _Refuse
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        guid: str | None = None
        for child in item:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse
            if tag in seen:
                raise _Refuse
            if tag not in _RSS_ITEM_IGNORED:
                seen.add(tag)
            if tag == "title":
                entry["title"], entry["title_detail"] = self.text_construct(
                    child, "text/plain", rss=True)
            elif tag == "description":
                entry["summary"], entry["summary_detail"] = self.text_construct(
                    child, "text/html", rss=True)
            elif tag == f"{_CONTENT_NS}encoded":
                value, detail = self.text_construct(child, "text/html", rss=True)
                entry["content"] = [detail]
                entry["_content"] = value
            elif tag == "link":
                value = self.value(child, uri=True).replace("&amp;", "&")
                entry["link"] = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)
                entry.setdefault("links", []).append(
                    {"rel": "alternate", "type": "text/html", "href": entry["link"]})
            elif tag == "guid":
                permalink = child.get("isPermaLink", "true") == "true"
                if set(child.attrib.keys()) - {"isPermaLink"} or len(child):
                    raise _Refuse
                guid_value = self.finish(child.text or "", uri=permalink)
                entry["id"] = guid_value
                if permalink:
                    guid = guid_value
            elif tag == "pubDate":
                entry["published"] = self.value(child)
            elif tag == f"{_SLASH}comments":
                entry["slash_comments"] = self.value(child)
            elif tag in _RSS_ITEM_IGNORED or tag == "enclosure":
                _childless(child)
            else:
                raise _Refuse
        return self.close_entry(entry, guid)

    @staticmethod
    def close_entry(entry: dict[str, Any], guid: str | None) -> dict[str, Any]:
        if "content" in entry:
            content = entry.pop("_content")
            entry.setdefault("summary", content)  # feedparser copies content to the summary
        if guid is not None:
            entry.setdefault("link", guid)  # a permalink guid stands in for a missing link
        return entry

    # Atom 1.0

    def atom(self, root: Any) -> tuple[dict[str, Any], list[Any]]:
        if set(root.attrib.keys()) - {_XML_LANG}:
            raise _Refuse
        feed: dict[str, Any] = {}
        entries: list[Any] = []
        seen: set[str] = set()
        for child in root:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse
            if tag == f"{_ATOM}entry":
                entries.append(self.atom_entry(child))
                continue
            if tag == f"{_ATOM}link":
                self.link(child, feed)
                continue
            if tag in seen:
                raise _Refuse
            seen.add(tag)
            if tag == f"{_ATOM}title":
                feed["title"], feed["title_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag == f"{_ATOM}subtitle":
                feed["subtitle"], feed["subtitle_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag in (f"{_ATOM}logo", f"{_ATOM}icon"):
                feed[tag[len(_ATOM):]] = self.value(child, uri=True)
            elif tag == f"{_ATOM}author":
                email = self.atom_author(child)
                if email is not None:
                    feed["author_detail"] = {"email": email}
            elif tag in _ATOM_FEED_IGNORED:
                _childless(child)
            else:
                raise _Refuse
        return feed, entries

    def atom_author(self, author: Any) -> str | None:
        if author.attrib or (author.text or "").strip():
            raise _Refuse
        email = None
        seen: set[str] = set()
        for child in author:
            if not isinstance(child.tag, str) or child.tag not in _ATOM_AUTHOR_CHILDREN \
                    or child.tag in seen or (child.tail or "").strip():
                raise _Refuse
            seen.add(child.tag)
            if len(child) or set(child.attrib.keys()) - {_XML_LANG}:
                raise _Refuse
            if child.tag == f"{_ATOM}email":  # pushed "not expecting text": only stripped
                email = (child.text or "").strip()
        return email

    def atom_entry(self, element: Any) -> dict[str, Any]:
        if set(element.attrib.keys()) - {_XML_LANG}:
            raise _Refuse
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        guid: str | None = None
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse
            if tag == f"{_ATOM}link":
                self.link(child, entry)
                continue
            if tag in seen:
                raise _Refuse
            if tag not in _ATOM_ENTRY_IGNORED:
                seen.add(tag)
            if tag == f"{_ATOM}title":
                entry["title"], entry["title_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag == f"{_ATOM}summary":
                entry["summary"], entry["summary_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag == f"{_ATOM}content":
                value, detail = self.text_construct(child, "text/plain", rss=False)
                entry["content"] = [detail]
                entry["_content"] = value
            elif tag == f"{_ATOM}id":
                entry["id"] = guid = self.value(child, uri=True)
            elif tag in (f"{_ATOM}published", f"{_ATOM}updated"):
                entry[tag[len(_ATOM):]] = self.value(child)
            elif tag == f"{_THR}total":
                entry["thr_total"] = self.value(child)
            elif tag == f"{_ATOM}author":
                self.atom_author(child)
            elif tag in _ATOM_ENTRY_IGNORED:
                _childless(child)
            else:
                raise _Refuse
        return self.close_entry(entry, guid)


def _childless(element: Any) -> None:
    if len(element):
        raise _Refuse


# -- finding a page's feed -------------------------------------------------------------


def find_feed_links(html: str, base_url: str) -> list[str]:
    """Feeds a page names in ``<link rel="alternate" type="...">``, in page order.

    Relative hrefs are resolved against ``<base href>`` or the page URL; only http(s)
    URLs are kept; comment feeds (WordPress's "Comments Feed") come last.
    """
    if not html:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # lxml builds the tree several times faster than html.parser; html.parser
        # is the fallback for the rare document lxml refuses.
        try:
            soup = BeautifulSoup(html[:MAX_PAGE_BYTES], "lxml")
        except Exception:  # lxml refused the document
            soup = BeautifulSoup(html[:MAX_PAGE_BYTES], "html.parser")
    base = base_url
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        resolved = _http(base_tag.get("href"), base_url)
        if resolved:
            base = resolved
    posts: list[str] = []
    comments: list[str] = []
    for link in soup.find_all("link"):
        rel = link.get("rel") or []
        rels = rel.split() if isinstance(rel, str) else [str(r) for r in rel]
        if "alternate" not in {r.lower() for r in rels}:
            continue
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if kind not in FEED_TYPES:
            continue
        href = _http(link.get("href"), base)
        if href is None:
            continue
        href = urldefrag(href)[0]
        title = str(link.get("title") or "")
        target = comments if "comment" in f"{title} {href}".lower() else posts
        if href not in posts and href not in comments:
            target.append(href)
    return posts + comments


def read_page(page: Page, options: CrawlOptions) -> FeedRead | NotFeed:
    """read_feed on a fetched page; dates more than a day after the fetch (or as_of) are out."""
    return read_feed(page.body, url=page.url, content_type=page.headers.get("content-type", ""),
                     fetched_at=max(page.fetched_at, options.as_of))


# -- adapters --------------------------------------------------------------------------


class FeedAdapter(PlatformAdapter):
    """A URL that looks like a feed: fetch it and read it."""

    platform = "feed"
    replies_observable = False
    unobservable: Mapping[str, str] = {"banner": "feeds have no banner image"}

    def claims(self, url: str) -> bool:
        return looks_like_feed_url(url)

    def handle(self, url: str) -> str | None:
        return readable_handle(url)

    def start(self, target: Target, options: CrawlOptions) -> Step:
        state = CrawlState(target=target, options=options, step="feed")
        return Next(Fetch(target.url, "feed", {"Accept": FEED_ACCEPT}), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        ended = outcome_for_status(page.status)
        if ended is None and page.url != state.target.url:
            ended = login_redirect(page, "the feed")
        if ended is not None:
            return self.record(state.target, *ended, fetched_at=page.fetched_at)
        return self.read(state, page)

    def read(self, state: CrawlState, page: Page, *, notes: tuple[str, ...] = (),
             detail_prefix: str = "", result: FeedRead | NotFeed | None = None) -> ProfileRecord:
        """The record for a fetched feed body (an ``error`` record when it is not a feed)."""
        if result is None:
            result = read_page(page, state.options)
        if isinstance(result, NotFeed):
            return self.record(state.target, "error", detail_prefix + result.reason,
                               fetched_at=page.fetched_at, notes=notes)
        all_notes = [*notes, *result.notes]
        if result.items:
            oldest = result.items[-1].published_at
            if oldest > state.options.window_start:
                all_notes.append(
                    f"the feed lists only its newest {_entries(len(result.items))} with a date, "
                    f"back "
                    f"to {oldest:%Y-%m-%d}; the window starts "
                    f"{state.options.window_start:%Y-%m-%d}, older posts are not visible")
        else:
            all_notes.append("the feed lists no dated entries")
        record = self.record(
            state.target, "ok", None,
            fetched_at=page.fetched_at,
            profile=result.facts,
            items=result.items,
            sample=Sample(pages=1, page_cap_reached=False, exhausted=False),
            notes=tuple(all_notes),
        )
        if result.contact_seen:
            return record
        return replace(record, unobservable={**record.unobservable, "contact": NO_CONTACT})


#: Records of feeds found by DiscoveryAdapter carry the feed platform's name and capabilities.
_FEED = FeedAdapter()


#: Hosts that belong to a platform with an adapter of its own.
PLATFORM_HOSTS: Final = frozenset({
    "t.me", "www.t.me", "telegram.me", "www.telegram.me",
    "youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "music.youtube.com",
    "bsky.app", "www.bsky.app",
})


class DiscoveryAdapter(PlatformAdapter):
    """Every other http(s) URL: a feed read as one, or an HTML page naming its feed."""

    platform = "unknown"
    replies_observable = False

    def claims(self, url: str) -> bool:
        # A platform's own host that its adapter refused (t.me/joinchat/..., a YouTube
        # watch page) is not a blog to look for a feed on: it stays unsupported.
        return is_http_url(url) and host_of(url) not in PLATFORM_HOSTS

    def handle(self, url: str) -> str | None:
        return readable_handle(url)

    def start(self, target: Target, options: CrawlOptions) -> Step:
        state = CrawlState(target=target, options=options, step="page")
        return Next(Fetch(target.url, "page", {"Accept": PAGE_ACCEPT}), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "feed":
            return self._after_feed(state, page)
        return self._after_page(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step != "feed":
            return super().fail(state, failure)
        outcome, detail = outcome_for_failure(failure)
        return _FEED.record(state.target, outcome,
                            f"the feed {state.data['feed_url']} named by the page: {detail}",
                            notes=state.data["notes"])

    def _after_page(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        ended = outcome_for_status(page.status)
        if ended is not None:
            return self.record(target, *ended, fetched_at=page.fetched_at)
        host = host_of(page.url) or host_of(target.url)
        kind = sniff(page.body, page.headers.get("content-type", ""))
        if kind == "html":
            feeds = find_feed_links(page.body[:MAX_PAGE_BYTES].decode("utf-8", "replace"),
                                    page.url)
            if not feeds:
                return self.record(target, "unsupported",
                                   f"no adapter reads {host} and the page names no feed",
                                   fetched_at=page.fetched_at)
            notes = [f"feed named by the page: {feeds[0]}"]
            if len(feeds) > 1:
                notes.append(f"the page names {len(feeds)} feeds; the first was read")
            return Next(Fetch(feeds[0], "feed", {"Accept": FEED_ACCEPT}),
                        state.with_data("feed", feed_url=feeds[0], notes=tuple(notes)))
        result = read_page(page, state.options)
        if isinstance(result, NotFeed):
            if kind == "feed":  # it looked like a feed but could not be read
                return _FEED.record(target, "error", result.reason, fetched_at=page.fetched_at)
            ctype = page.headers.get("content-type") or "no content type"
            return self.record(target, "unsupported",
                               f"no adapter reads {host} and the page is neither HTML nor a "
                               f"feed ({cap_text(ctype, 80)})", fetched_at=page.fetched_at)
        return _FEED.read(state, page, notes=("the page is itself a feed",), result=result)

    def _after_feed(self, state: CrawlState, page: Page) -> Step:
        feed_url = state.data["feed_url"]
        notes = state.data["notes"]
        ended = outcome_for_status(page.status)
        if ended is not None:
            outcome, detail = ended
            if outcome in ("not_found", "gone"):
                # The listed page exists; only the feed it names is missing.
                outcome, detail = "error", f"HTTP {page.status}"
            return _FEED.record(state.target, outcome,
                                f"the feed {feed_url} named by the page: {detail}",
                                fetched_at=page.fetched_at, notes=notes)
        if sniff(page.body, page.headers.get("content-type", "")) == "html":
            # One hop only: a feed link that leads to another page is not followed further.
            return _FEED.record(state.target, "error",
                                f"the page names {feed_url} as its feed, but that is an HTML "
                                "page, not a feed", fetched_at=page.fetched_at, notes=notes)
        return _FEED.read(state, page, notes=notes,
                          detail_prefix=f"the feed {feed_url} named by the page: ")
