"""Reading one feed body: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed here.

:func:`read_feed` gives what a body shows (:class:`FeedRead`: the feed's own details and its
dated entries, newest first) or why it is not a feed (:class:`NotFeed`). XML feeds are read
by ``feedparser.parse`` (twenty years of dialects, dates and broken markup), or, when they
are plain RSS 2.0 or Atom, by the lxml reader in :mod:`auditor.platforms.feedfast`, which
builds the same values several times faster. feedparser 6 does not read JSON Feed: JSON
Feed 1.0/1.1 is read here. Only feedparser's public API is used.

Dates go through :func:`~auditor.platforms.base.plausible_time` with the adapter's
``earliest_post``: entries dated before it, or more than a day after the fetch, are skipped
and counted in a note; times without a zone are read as UTC (noted).
"""

from __future__ import annotations

import io
import json
import re
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXException

from auditor.contacts import find_contacts
from auditor.htmltext import Fragment, read_fragment
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileField,
    cap_text,
)
from auditor.platforms.base import EARLIEST_POST, plausible_time
from auditor.platforms.counts import count_text
from auditor.platforms.feedcap import (
    MAX_RUN,
    as_ascii_compatible,
    cap_person_fields,
    drop_prolog_entities,
    tidy_prolog,
)
from auditor.platforms.feedfast import fast_read
from auditor.platforms.feedmarkup import Markup, Unsure
from auditor.urls import is_http_url

#: A feed body larger than this is cut before parsing (what was cut is noted).
MAX_FEED_BYTES = 5 * 1024 * 1024
#: Entries read from one feed at most.
MAX_ENTRIES = 1000

_ENTITIES_NOTE = "the feed declares its own XML entities; they were ignored"
_LONG_WORDS_NOTE = (f"an author or e-mail field of the feed held a word of over {MAX_RUN} "
                    "characters; it was broken up before reading")

_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
_CHANNEL_HEAD_BYTES = 64 * 1024
_RSS_CONTACT = re.compile(r"<(managingEditor|webMaster)\s*>(.{0,400}?)</\1\s*>", re.S)
_FEED_ROOT = re.compile(rb"<(?:[a-z0-9_]+:)?(?:rss|feed|rdf:rdf|rdf)[\s>/]", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)
#: XHTML text constructs: feedparser serialises them while it reads, so its pass runs there.
_XHTML_TYPE = re.compile(rb"""\stype\s*=\s*["'](?:xhtml|application/xhtml\+xml)["']""", re.I)


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


def read_feed(body: bytes, *, url: str, content_type: str = "", fetched_at: datetime,
              earliest: datetime = EARLIEST_POST, reference: bool = False) -> FeedRead | NotFeed:
    """Read an RSS, Atom or JSON Feed body. Never raises: a non-feed gives NotFeed.

    Entries dated before ``earliest`` or more than a day after ``fetched_at`` are skipped
    (:func:`~auditor.platforms.base.plausible_time`). ``reference``: XML is read by
    feedparser alone, its markup pass included: the slow reading the faster ones are
    checked against (tests/test_feed_paths.py).
    """
    notes: list[str] = []
    if len(body) > MAX_FEED_BYTES:
        body = body[:MAX_FEED_BYTES]
        notes.append(f"the feed was cut at {MAX_FEED_BYTES // (1024 * 1024)} MB")
    stripped = body.lstrip(_BOM_AND_SPACE)
    if not stripped:
        return NotFeed("not a feed: the body is empty")
    if stripped[:1] in (b"{", b"["):
        try:
            data = json.loads(stripped.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError) as exc:
            return NotFeed(f"not a feed: unreadable JSON ({cap_text(str(exc), 120)})")
        if not _is_json_feed(data):
            return NotFeed("not a feed: JSON, but not a JSON Feed")
        return _read_json_feed(data, url=url, counts=_Counts(fetched_at, earliest),
                               notes=notes)
    if sniff(body, content_type) == "html":
        return NotFeed("not a feed: the server answered with an HTML page")
    # No field may make a parser super-linear (auditor.platforms.feedcap): the caps read
    # bytes, so the body is first made one that spells ASCII as ASCII.
    body, content_type = as_ascii_compatible(body, content_type)
    body = tidy_prolog(body)
    # Feeds never need their own entities; expanding them is how XML bombs work.
    body, dropped = drop_prolog_entities(body)
    if dropped:
        notes.append(_ENTITIES_NOTE)
    fast = None if reference else fast_read(body, url=url, content_type=content_type)
    if fast is not None:
        version, feed, entries = fast
        raw_contacts = _rss_contacts(body)
        if all(tag in raw_contacts for tag in ("managingEditor", "webMaster")
               if feed.pop(f"_raw_{tag}", False)) and all(_date_readable(entry)
                                                          for entry in entries):
            try:
                return _read_xml_feed(version, feed, entries, url=url,
                                      counts=_Counts(fetched_at, earliest), notes=list(notes),
                                      raw_contacts=raw_contacts, markup=Markup())
            except Unsure:
                pass
    # feedparser searches every author-like text for an e-mail address with a pattern that
    # is quadratic on long runs of letters (the lxml reader above has no such search).
    body, broken = cap_person_fields(body)
    if broken:
        notes.append(_LONG_WORDS_NOTE)
    # feedparser's own pass over the markup in each text (resolving relative URIs, then
    # sanitising, with an SGML parser written in Python) costs more than the XML parse.
    # Most texts hold plain markup where that pass changes nothing read_fragment sees, so
    # it is run only on the texts that need it (Markup). A document with xml:base (a base
    # that can change inside an entry) or XHTML texts is read with feedparser's pass.
    exact = reference or b"xml:base" in body or _XHTML_TYPE.search(body) is not None
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
                                  url=url, counts=_Counts(fetched_at, earliest),
                                  notes=list(notes), raw_contacts=raw_contacts,
                                  markup=Markup())
        except Unsure:  # a text whose markup pass cannot be run here: feedparser's way
            try:
                parsed = _parse(body, url=url, content_type=content_type, exact=True)
            except Exception as exc:  # as above
                return NotFeed(f"not a feed: unreadable ({type(exc).__name__})")
            entries = list(parsed.get("entries") or ())
    return _read_xml_feed(version or "unknown", parsed.get("feed") or {}, entries, url=url,
                          counts=_Counts(fetched_at, earliest), notes=notes,
                          raw_contacts=raw_contacts, markup=Markup(applied=True))


def _parse(body: bytes, *, url: str, content_type: str, exact: bool) -> Any:
    """feedparser on the body; ``exact`` lets feedparser resolve and sanitise markup itself."""
    import feedparser  # ~0.1 s to import: only when a feed is read

    return feedparser.parse(
        io.BytesIO(body),  # a stream: feedparser opens str/bytes arguments as URLs or files
        response_headers={"content-type": content_type or "application/xml",
                          "content-location": url},
        sanitize_html=exact,
        resolve_relative_uris=exact,
    )


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
                   counts: _Counts, notes: list[str],
                   raw_contacts: Mapping[str, str | None], markup: Markup) -> FeedRead:
    markup.prepare(_markup_texts(feed, entries))
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
    avatar = http_url(image.get("href") if isinstance(image, Mapping) else None, url) \
        or http_url(feed.get("logo"), url) or http_url(feed.get("icon"), url)
    links: list[str] = []
    for candidate in [feed.get("link"), *(
            link.get("href") for link in feed.get("links") or ()
            if isinstance(link, Mapping) and link.get("rel") == "alternate"
            and "html" in str(link.get("type") or "text/html"))]:
        site = http_url(candidate, url)
        if site and site not in links:
            links.append(site)
    facts = _facts(title=_plain(feed, "title", markup), bio=_plain(feed, "subtitle", markup),
                   avatar=avatar, links=links, fields=fields)
    items: list[Item] = []
    for index, entry in enumerate(entries[:MAX_ENTRIES]):
        if not isinstance(entry, dict):
            counts.unreadable += 1
            continue
        # dict.get: feedparser's own get maps "updated" to "published" with a warning
        raw = dict.get(entry, "published") or dict.get(entry, "updated")
        struct = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        when = counts.date(raw, struct)
        if when is None:
            continue
        detail, first = _summary_detail(entry)
        html = _html(entry, "summary", markup=markup, markup_detail=detail)
        if not html and first is not None:
            html = _html(first, "value", first, markup)
        link = http_url(entry.get("link"), url)
        items.append(_item(
            entry_id=entry.get("id") or link or f"{url}#{index}", when=when, url=link,
            title=_plain(entry, "title", markup), html=html, comments=_comments(entry),
        ))
    notes.extend(counts.notes(len(entries)))
    return FeedRead(format=version, facts=facts, items=_newest_first(items),
                    entries=len(entries), notes=tuple(notes),
                    contact_seen=_contact_seen(facts))


def _summary_detail(entry: dict[str, Any]) -> tuple[Any, Mapping[str, Any] | None]:
    """The details of an entry's summary, and its first content (None when it has none)."""
    content = entry.get("content")
    first = content[0] if isinstance(content, list) and content \
        and isinstance(content[0], Mapping) else None
    detail = dict.get(entry, "summary_detail")
    if detail is None and first is not None and entry.get("summary") == first.get("value"):
        detail = first  # feedparser copied the content into the summary
    return detail, first


def _markup_texts(feed: Mapping[str, Any], entries: list[Any]) -> Iterator[tuple[Any, Any]]:
    """The texts _read_xml_feed may hand to its markup pass, as (value, detail) pairs."""
    for key in ("title", "subtitle"):
        yield feed.get(key), feed.get(f"{key}_detail")
    for entry in entries[:MAX_ENTRIES]:
        if isinstance(entry, dict):
            yield entry.get("title"), entry.get("title_detail")
            detail, first = _summary_detail(entry)
            summary = entry.get("summary")
            yield summary, detail
            if first is not None and not (isinstance(summary, str) and summary):
                yield first.get("value"), first


def _is_json_feed(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    version = data.get("version")
    if isinstance(version, str) and "jsonfeed.org/version/" in version:
        return True
    return isinstance(data.get("items"), list) and isinstance(data.get("title"), str)


def _read_json_feed(data: dict[str, Any], *, url: str, counts: _Counts,
                    notes: list[str]) -> FeedRead:
    version = str(data.get("version") or "")
    number = version.rsplit("/", 1)[-1].replace(".", "") if "/version/" in version else ""
    authors = data.get("authors")
    if not isinstance(authors, list):
        authors = []
    if isinstance(data.get("author"), dict):
        authors = [*authors, data["author"]]
    fields: list[ProfileField] = []
    for author in authors:
        contact = author.get("url") if isinstance(author, dict) else None
        if isinstance(contact, str) and contact.lower().startswith("mailto:"):
            fields.append(ProfileField(name="Author",
                                       value=cap_text(contact[7:], MAX_NAME_CHARS) or ""))
    site = http_url(data.get("home_page_url"), url)
    facts = _facts(title=_str(data.get("title")), bio=_str(data.get("description")),
                   avatar=http_url(data.get("icon"), url) or http_url(data.get("favicon"), url),
                   links=[site] if site else [], fields=fields)
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raw_items = []
    items: list[Item] = []
    for index, entry in enumerate(raw_items[:MAX_ENTRIES]):
        if not isinstance(entry, dict):
            counts.unreadable += 1
            continue
        when = counts.date(entry.get("date_published") or entry.get("date_modified"), None)
        if when is None:
            continue
        html = _str(entry.get("summary")) or _str(entry.get("content_html"))
        if not html:
            text = _str(entry.get("content_text"))
            html = text.replace("&", "&amp;").replace("<", "&lt;") if text else ""
        link = http_url(entry.get("url"), url) or http_url(entry.get("external_url"), url)
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
    """Entries skipped while reading one feed, and dates read without a zone.

    An entry's date must pass :func:`~auditor.platforms.base.plausible_time` (not before
    ``earliest``, at most a day after ``fetched_at``); the notes say which side it failed.
    """

    def __init__(self, fetched_at: datetime, earliest: datetime) -> None:
        self.fetched_at = fetched_at
        self.earliest = earliest
        self.unreadable = self.undated = self.future = self.ancient = self.naive = 0

    def date(self, raw: Any, struct: Any) -> datetime | None:
        when, naive = parse_date(raw, struct)
        if when is None:
            self.undated += 1
            return None
        if plausible_time(when, fetched_at=self.fetched_at, earliest=self.earliest) is None:
            if when < self.earliest:
                self.ancient += 1
            else:
                self.future += 1
            return None
        self.naive += naive
        return when

    def notes(self, total: int) -> list[str]:
        notes = []
        if total > MAX_ENTRIES:
            notes.append(f"only the first {MAX_ENTRIES} of {total} entries were read")
        if self.unreadable:
            notes.append(f"{entries_phrase(self.unreadable)} unreadable, skipped")
        if self.undated:
            notes.append(f"{entries_phrase(self.undated)} without a readable date, skipped")
        if self.future:
            notes.append(f"{entries_phrase(self.future)} dated more than a day after the fetch, "
                         "skipped")
        if self.ancient:
            notes.append(f"{entries_phrase(self.ancient)} dated before "
                         f"{self.earliest:%Y-%m-%d}, skipped")
        if self.naive:
            notes.append(f"{entries_phrase(self.naive)} gave a time without a time zone; "
                         "read as UTC")
        return notes


def entries_phrase(count: int) -> str:
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
            year, month, day, hour, minute, second = struct[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC), False
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
        count = count_text(entry.get(key))
        if count is not None:
            return count
    for link in entry.get("links") or ():
        if isinstance(link, Mapping) and link.get("rel") == "replies":
            count = count_text(link.get("thr:count") or link.get("count"))
            if count is not None:
                return count
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


def _plain(data: Mapping[str, Any], key: str, markup: Markup | None = None) -> str:
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
    from bs4 import XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return read_fragment(html)


def _html(data: Mapping[str, Any], key: str, detail: Any = None,
          markup: Markup | None = None, markup_detail: Any = None) -> str:
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


def http_url(value: Any, base: str) -> str | None:
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
