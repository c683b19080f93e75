"""What an HTML page says about whom it belongs to: JSON-LD, OpenGraph, h-card and rel=me.

Used by the website reader (an organisation's own home page) and by the walled networks
(the little a logged-out reader sees of a LinkedIn or Instagram page). Everything here
reads untrusted markup: the input is capped, JSON-LD is parsed leniently (trailing
commas, comments, raw control characters in strings, HTML entities, CDATA wrappers) and
nothing raises; a page with nothing readable gives an empty :class:`HtmlMeta`.

Which source wins, per value:

- **name**: the JSON-LD entity, then a top-level h-card, then ``og:title``, then
  ``twitter:title``.
- **description**: JSON-LD, h-card ``p-note``, ``og:description``, ``twitter:description``,
  ``<meta name=description>``.
- **image**: JSON-LD ``logo`` then ``image``, h-card ``u-logo``/``u-photo``, ``og:image``,
  ``twitter:image``.

The JSON-LD entity is the ``mainEntity`` of a ``ProfilePage`` when there is one, else the
first Organization (or a subtype: LocalBusiness, Corporation, NGO, a store ...), else the
first Person.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)

from auditor.models import MAX_BIO_CHARS, MAX_NAME_CHARS, cap_text
from auditor.urls import is_http_url

#: Pages are cut to this many bytes before parsing (an Instagram profile is 1.2 MB).
MAX_HTML_BYTES = 4 * 1024 * 1024
#: At most this many characters of one JSON-LD script are parsed.
MAX_JSONLD_CHARS = 500_000
MAX_JSONLD_SCRIPTS = 50
MAX_URL_CHARS = 2048
#: Caps on the lists kept from one page.
MAX_LINKS = 2000
MAX_LIST = 100
_MAX_DEPTH = 40

_ORGANISATION_TYPES = frozenset({
    "organization", "corporation", "localbusiness", "ngo", "nonprofitorganization",
    "educationalorganization", "governmentorganization", "sportsorganization",
    "medicalorganization", "newsmediaorganization", "performinggroup", "musicgroup",
    "sportsteam", "project", "researchproject", "fundingagency", "airline", "consortium",
    "cooperative", "library", "onlinebusiness", "onlinestore", "politicalparty",
    "researchorganization", "searchrescueorganization", "workersunion", "bikestore",
    "sportinggoodsstore", "store", "autorepair", "restaurant", "cafeorcoffeeshop",
    "professionalservice", "travelagency", "dentist", "hotel", "museum", "school",
    "collegeoruniversity", "dancegroup", "theatergroup", "radiostation", "televisionstation",
})
#: Suffixes of Organization subtypes not listed above (e.g. HomeAndConstructionBusiness).
_ORGANISATION_SUFFIXES = ("organization", "business", "store", "shop", "agency", "office",
                          "club", "group", "service", "center", "restaurant")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./\-]{4,30}[0-9]$")
_HCARD_ROOT = re.compile(r"^(h-[a-z0-9\-]+|vcard|hentry|hfeed|vevent)$")
_BARE_HOST = re.compile(r"^(www\.)?[a-z0-9\-]+(\.[a-z0-9\-]+)+(/\S*)?$", re.I)


@dataclass(frozen=True, slots=True)
class HCard:
    """One h-card (or old-style vcard) as read from the page."""

    name: str | None = None
    photo: str | None = None
    logo: str | None = None
    url: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    note: str | None = None
    #: Not inside another microformat (an h-entry's author card is nested).
    top_level: bool = True


@dataclass(frozen=True, slots=True)
class HtmlMeta:
    """Who the page says it belongs to, merged from every syntax found."""

    name: str | None = None
    description: str | None = None
    #: Logo or image of the entity (an avatar on a profile page).
    image: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    #: schema.org ``sameAs`` of the entity: its other profiles.
    same_as: tuple[str, ...] = ()
    #: ``<a rel=me>`` and ``<link rel=me>``: the page's own "this is also me" links.
    rel_me: tuple[str, ...] = ()
    #: The entity's own URLs (JSON-LD ``url``, ``og:url``, h-card ``u-url``).
    urls: tuple[str, ...] = ()
    #: Every http(s) ``<a href>`` on the page, absolute, in page order.
    links: tuple[str, ...] = ()
    title: str | None = None
    #: ``<meta name=description>`` (kept apart: some networks put the bio only there).
    meta_description: str | None = None
    site_name: str | None = None
    #: schema.org type of the entity picked from JSON-LD ("Organization", "Person", ...).
    entity_type: str | None = None
    #: The entity's ``alternateName`` / ``identifier`` (a handle on profile pages).
    alternate_name: str | None = None
    #: Followers from JSON-LD ``interactionStatistic`` (FollowAction), when given.
    followers: int | None = None
    #: OpenGraph and Twitter-card properties (first value of each, lower-case keys).
    og: Mapping[str, str] = field(default_factory=dict)
    hcards: tuple[HCard, ...] = ()
    #: The page's visible text (no scripts or styles), collapsed and capped.
    text: str = ""
    #: The page has a form with a password field (a login form).
    has_password_form: bool = False
    #: Which syntaxes gave something: "json-ld", "opengraph", "h-card", "rel-me".
    sources: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.name or self.description or self.image)


# -- lenient JSON ------------------------------------------------------------------------


def loads_lenient(text: str) -> Any | None:
    """Parse JSON as web pages write it; None when nothing can be made of it.

    Accepts trailing commas, ``//`` and ``/* */`` comments, raw control characters and
    newlines inside strings, HTML entities (``&quot;``), ``<!-- -->`` and CDATA wrappers,
    and several values in a row (returned as a list).
    """
    if not isinstance(text, str):
        return None
    text = text[:MAX_JSONLD_CHARS].strip().lstrip("\ufeff")
    text = _strip_wrappers(text)
    if not text:
        return None
    for candidate in (text, html.unescape(text)):
        value = _try_json(candidate)
        if value is not None:
            return value
        value = _try_json(_clean_json(candidate))
        if value is not None:
            return value
    return None


def _strip_wrappers(text: str) -> str:
    for start, end in (("<![CDATA[", "]]>"), ("<!--", "-->"), ("//<![CDATA[", "//]]>")):
        if text.startswith(start):
            text = text[len(start):]
            if text.rstrip().endswith(end):
                text = text.rstrip()[: -len(end)]
            text = text.strip()
    return text


def _try_json(text: str) -> Any | None:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        pass
    # Several values in a row ("{...}{...}" or one per line).
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    index = 0
    try:
        while index < len(text):
            while index < len(text) and text[index] in " \t\r\n;,":
                index += 1
            if index >= len(text):
                break
            value, index = decoder.raw_decode(text, index)
            values.append(value)
            if len(values) > MAX_LIST:
                break
    except (ValueError, RecursionError):
        return values or None
    return values or None


def _clean_json(text: str) -> str:
    """Drop comments and trailing commas outside strings; escape control characters in them."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    quote = ""
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\" and i + 1 < n:
                out.append(text[i:i + 2])
                i += 2
                continue
            if ch == quote:
                in_string = False
                out.append('"')
            elif ch == '"':  # inside a single-quoted string
                out.append('\\"')
            elif ord(ch) < 0x20:
                out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\u{ord(ch):04x}"))
            else:
                out.append(ch)
            i += 1
            continue
        if ch in "\"'":
            in_string, quote = True, ch
            out.append('"')
            i += 1
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "/":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch in "}]":
            # A trailing comma before the closing bracket: drop it.
            j = len(out) - 1
            while j >= 0 and out[j].isspace():
                j -= 1
            if j >= 0 and out[j] == ",":
                del out[j]
        out.append(ch)
        i += 1
    return "".join(out)


# -- JSON-LD -----------------------------------------------------------------------------


def jsonld_nodes(values: Iterable[Any]) -> list[dict[str, Any]]:
    """Every JSON-LD object in the parsed scripts: lists and ``@graph`` flattened."""
    nodes: list[dict[str, Any]] = []

    def walk(value: Any, depth: int) -> None:
        if depth > _MAX_DEPTH or len(nodes) > 1000:
            return
        if isinstance(value, list):
            for entry in value[:1000]:
                walk(entry, depth + 1)
        elif isinstance(value, dict):
            graph = value.get("@graph")
            if value.get("@type") is not None or graph is None:
                nodes.append(value)
            if graph is not None:
                walk(graph, depth + 1)

    for value in values:
        walk(value, 0)
    return nodes


def _types(node: Mapping[str, Any]) -> list[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    names = []
    for value in values:
        if isinstance(value, str) and value:
            names.append(value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower())
    return names


def _is_organisation(node: Mapping[str, Any]) -> bool:
    return any(t in _ORGANISATION_TYPES or t.endswith(_ORGANISATION_SUFFIXES)
               for t in _types(node))


def _is_person(node: Mapping[str, Any]) -> bool:
    return "person" in _types(node)


def pick_entity(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The entity the page is about: ProfilePage.mainEntity, an Organization, a Person."""
    ids = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    for node in nodes:
        if "profilepage" in _types(node):
            main = _resolve(node.get("mainEntity"), ids) or _resolve(node.get("about"), ids)
            if isinstance(main, list):
                main = next((m for m in main if isinstance(m, dict)), None)
            if isinstance(main, dict):
                return main
    for test in (_is_organisation, _is_person):
        for node in nodes:
            if test(node):
                return node
    return None


def _resolve(value: Any, ids: Mapping[str, dict[str, Any]]) -> Any:
    """Follow a ``{"@id": ...}`` reference to the node it names (once)."""
    if isinstance(value, dict) and set(value) <= {"@id"} and isinstance(value.get("@id"), str):
        return ids.get(value["@id"], value)
    return value


def _texts(value: Any) -> list[str]:
    """Strings in a JSON-LD value that may be a string, a list or a {"@value": ...}."""
    out: list[str] = []
    values = value if isinstance(value, list) else [value]
    for entry in values[:MAX_LIST]:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict):
            inner = entry.get("@value", entry.get("url", entry.get("@id")))
            if isinstance(inner, str):
                out.append(inner)
        elif isinstance(entry, (int, float)) and not isinstance(entry, bool):
            out.append(str(entry))
    return out


def _image_url(value: Any, ids: Mapping[str, dict[str, Any]], base: str | None) -> str | None:
    values = value if isinstance(value, list) else [value]
    for entry in values[:MAX_LIST]:
        entry = _resolve(entry, ids)
        candidates: list[Any] = [entry]
        if isinstance(entry, dict):
            candidates = [entry.get("url"), entry.get("contentUrl"), entry.get("@id")]
        for candidate in candidates:
            url = absolute_url(candidate, base)
            if url:
                return url
    return None


@dataclass(slots=True)
class _EntityFacts:
    type: str | None = None
    name: str | None = None
    description: str | None = None
    image: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    alternate_name: str | None = None
    followers: int | None = None


def _entity_facts(entity: Mapping[str, Any], nodes: list[dict[str, Any]],
                  base: str | None) -> _EntityFacts:
    ids = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    facts = _EntityFacts()
    raw_type = entity.get("@type")
    first_type = raw_type[0] if isinstance(raw_type, list) and raw_type else raw_type
    if isinstance(first_type, str):
        facts.type = cap_text(first_type.rstrip("/").rsplit("/", 1)[-1], MAX_NAME_CHARS)
    facts.name = _first_text(entity.get("name")) or _first_text(entity.get("legalName"))
    facts.description = _first_text(entity.get("description"))
    facts.image = (_image_url(entity.get("logo"), ids, base)
                   or _image_url(entity.get("image"), ids, base))
    alternate = _first_text(entity.get("alternateName")) or _first_text(entity.get("identifier"))
    facts.alternate_name = cap_text(alternate, MAX_NAME_CHARS) if alternate else None
    contacts = [entity]
    for key in ("contactPoint", "address", "location"):
        value = entity.get(key)
        for entry in (value if isinstance(value, list) else [value])[:MAX_LIST]:
            entry = _resolve(entry, ids)
            if isinstance(entry, dict):
                contacts.append(entry)
    for contact in contacts:
        facts.emails.extend(e for e in map(clean_email, _texts(contact.get("email"))) if e)
        facts.phones.extend(p for p in map(clean_phone, _texts(contact.get("telephone"))) if p)
    facts.same_as = [u for u in (absolute_url(s, base, bare_hosts=True)
                                 for s in _texts(entity.get("sameAs"))) if u]
    facts.urls = [u for u in (absolute_url(s, base) for s in _texts(entity.get("url"))) if u]
    facts.followers = _followers(entity.get("interactionStatistic"))
    return facts


def _first_text(value: Any) -> str | None:
    for text in _texts(value):
        cleaned = " ".join(html.unescape(text).split())
        if cleaned:
            return cleaned
    return None


def _followers(value: Any) -> int | None:
    for entry in (value if isinstance(value, list) else [value])[:MAX_LIST]:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("interactionType")
        if isinstance(kind, dict):
            kind = kind.get("@type") or kind.get("@id")
        if isinstance(kind, str) and kind.rstrip("/").rsplit("/", 1)[-1] in (
                "FollowAction", "SubscribeAction"):
            count = entry.get("userInteractionCount")
            if isinstance(count, str) and count.strip().isdigit():
                count = int(count.strip())
            if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                return count
    return None


# -- small cleaners ----------------------------------------------------------------------


def absolute_url(value: Any, base: str | None = None, *, bare_hosts: bool = False) -> str | None:
    """An absolute http(s) URL from ``value`` (resolved against ``base``), or None.

    ``bare_hosts``: accept "twitch.tv/name" (no scheme) as https, as sameAs lists write it.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_URL_CHARS or any(ch.isspace() for ch in text):
        return None
    if bare_hosts and "://" not in text and _BARE_HOST.match(text):
        text = "https://" + text
    if base and not is_http_url(text):
        try:
            text = urljoin(base, text)
        except ValueError:
            return None
    return text if is_http_url(text) else None


def clean_email(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = unquote(value.strip())
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.split("?", 1)[0].strip()
    return text if len(text) <= 254 and _EMAIL.match(text) else None


def clean_phone(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = unquote(value.strip())
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = " ".join(text.split())
    return text if _PHONE.match(text) else None


def _unique(values: Iterable[str], limit: int = MAX_LIST) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for value in values:
        if value and value not in out:
            out[value] = None
            if len(out) >= limit:
                break
    return tuple(out)


def _unique_phones(values: Iterable[str]) -> tuple[str, ...]:
    """Phone numbers, once each: "+31 30 123 4567" and "+31301234567" are one number."""
    out: dict[str, str] = {}
    for value in values:
        key = re.sub(r"[^0-9+]", "", value)
        if key and key not in out:
            out[key] = value
            if len(out) >= MAX_LIST:
                break
    return tuple(out.values())


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if isinstance(value, str):
        return value.split()
    return list(value or [])


def _rels(tag: Tag) -> list[str]:
    value = tag.get("rel")
    if isinstance(value, str):
        return value.lower().split()
    return [v.lower() for v in (value or [])]


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value if isinstance(value, str) else None


# -- the page ----------------------------------------------------------------------------


def parse_html(body: str | bytes) -> BeautifulSoup | None:
    """The page as a soup (capped); None when it cannot be parsed at all."""
    body = body[:MAX_HTML_BYTES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        for parser in ("lxml", "html.parser"):
            try:
                return BeautifulSoup(body, parser)
            except Exception:
                continue
    return None


def _jsonld_scripts(soup: BeautifulSoup, scripts: list[Tag] | None = None) -> list[Any]:
    parsed: list[Any] = []
    for script in (soup.find_all("script") if scripts is None else scripts)[:2000]:
        kind = (_attr(script, "type") or "").lower().split(";")[0].strip()
        if kind != "application/ld+json":
            continue
        value = loads_lenient(script.get_text() or "")
        if value is not None:
            parsed.append(value)
        if len(parsed) >= MAX_JSONLD_SCRIPTS:
            break
    return parsed


def read_jsonld(body: str | bytes) -> list[Any]:
    """The parsed value of every readable JSON-LD script on the page, in page order."""
    soup = parse_html(body)
    if soup is None:
        return []
    try:
        return _jsonld_scripts(soup)
    except RecursionError:
        return []


def read_html_meta(body: str | bytes, base_url: str | None = None) -> HtmlMeta:
    """Everything the page says about its owner; an empty HtmlMeta when nothing is readable."""
    soup = parse_html(body)
    if soup is None:
        return HtmlMeta()
    try:
        return _read(soup, base_url)
    except RecursionError:
        return HtmlMeta()


@dataclass
class _Parts:
    """What :func:`_read` needs of the page, gathered in one walk over the tree (a
    ``find_all`` per kind of tag walked it eight times)."""

    base: Tag | None = None
    title: Tag | None = None
    scripts: list[Tag] = field(default_factory=list)
    metas: list[Tag] = field(default_factory=list)
    links: list[Tag] = field(default_factory=list)
    hcard_roots: list[Tag] = field(default_factory=list)
    password: bool = False
    text: str = ""


_LINK_TAGS = frozenset({"a", "link", "area"})
#: Text inside these is not what a reader sees.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})
MAX_PAGE_TEXT = 5000


def _walk(soup: BeautifulSoup) -> _Parts:
    parts = _Parts()
    words: list[str] = []
    size = 0
    for node in soup.descendants:
        if isinstance(node, Tag):
            name = node.name
            if name in _LINK_TAGS:
                parts.links.append(node)
            elif name == "meta":
                parts.metas.append(node)
            elif name == "script":
                parts.scripts.append(node)
            elif name == "base":
                if parts.base is None and node.get("href") is not None:
                    parts.base = node
            elif name == "title":
                if parts.title is None:
                    parts.title = node
            elif name == "input":
                kind = node.get("type")
                if isinstance(kind, str) and kind.lower() == "password":
                    parts.password = True
            if "class" in node.attrs and any(c in ("h-card", "vcard") for c in _classes(node)):
                parts.hcard_roots.append(node)
        elif type(node) is NavigableString and size < MAX_PAGE_TEXT:
            parent = node.parent
            if parent is None or parent.name in _INVISIBLE:
                continue
            text = " ".join(node.split())
            if text:
                words.append(text)
                size += len(text) + 1
    parts.text = " ".join(words)[:MAX_PAGE_TEXT]
    return parts


def _read(soup: BeautifulSoup, base_url: str | None) -> HtmlMeta:
    page = _walk(soup)
    base = base_url
    if page.base is not None:
        base = absolute_url(_attr(page.base, "href"), base_url) or base_url
    sources: list[str] = []

    # JSON-LD
    nodes = jsonld_nodes(_jsonld_scripts(soup, page.scripts))
    entity = pick_entity(nodes)
    ld = _entity_facts(entity, nodes, base) if entity is not None else _EntityFacts()
    if entity is not None:
        sources.append("json-ld")

    # OpenGraph and Twitter cards
    og: dict[str, str] = {}
    description_meta: str | None = None
    for meta in page.metas[:2000]:
        key = (_attr(meta, "property") or _attr(meta, "name") or "").strip().lower()
        content = _attr(meta, "content")
        if content is None:
            continue
        if key.startswith(("og:", "twitter:")) and key not in og:
            og[key] = content.strip()[:MAX_BIO_CHARS * 2]
        elif key == "description" and description_meta is None:
            description_meta = content
    if any(k.startswith("og:") for k in og) or any(k.startswith("twitter:") for k in og):
        sources.append("opengraph")

    # h-card
    hcards = [_hcard(root, base) for root in page.hcard_roots[:MAX_LIST]]
    card = next((c for c in hcards if c.top_level), None)
    if hcards:
        sources.append("h-card")

    # rel=me, links, contact links
    rel_me: list[str] = []
    links: list[str] = []
    mail_links: list[str] = []
    tel_links: list[str] = []
    for tag in page.links[:20000]:
        href = _attr(tag, "href")
        if not href:
            continue
        href = href.strip()
        lowered = href.lower()
        if lowered.startswith("mailto:"):
            email = clean_email(href)
            if email:
                mail_links.append(email)
            continue
        if lowered.startswith("tel:"):
            phone = clean_phone(href)
            if phone:
                tel_links.append(phone)
            continue
        url = absolute_url(href, base)
        if url is None:
            continue
        if "me" in _rels(tag):
            rel_me.append(url)
        if tag.name == "a" and len(links) < MAX_LINKS:
            links.append(url)
    if rel_me:
        sources.append("rel-me")

    title = " ".join(page.title.get_text().split()) if page.title is not None else ""

    def og_text(*keys: str) -> str | None:
        for key in keys:
            value = og.get(key)
            if value and value.strip():
                return " ".join(html.unescape(value).split())
        return None

    name = ld.name or (card.name if card else None) or og_text("og:title", "twitter:title")
    description = (ld.description or (card.note if card else None)
                   or og_text("og:description", "twitter:description"))
    if description is None and description_meta and description_meta.strip():
        description = " ".join(description_meta.split())
    image = ld.image
    if image is None and card is not None:
        image = card.logo or card.photo
    if image is None:
        for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                    "twitter:image:src"):
            image = absolute_url(og.get(key), base)
            if image:
                break
    urls = [*ld.urls]
    if card and card.url:
        urls.append(card.url)
    og_url = absolute_url(og.get("og:url"), base)
    if og_url:
        urls.append(og_url)
    emails = [*ld.emails, *(e for c in hcards if c.top_level for e in c.emails), *mail_links]
    phones = [*ld.phones, *(p for c in hcards if c.top_level for p in c.phones), *tel_links]
    return HtmlMeta(
        name=cap_text(name, MAX_NAME_CHARS) if name else None,
        description=cap_text(description, MAX_BIO_CHARS) if description else None,
        image=image,
        emails=_unique(e.lower() for e in emails),
        phones=_unique_phones(phones),
        same_as=_unique(ld.same_as),
        rel_me=_unique(rel_me),
        urls=_unique(urls),
        links=_unique(links, MAX_LINKS),
        title=cap_text(title, MAX_NAME_CHARS) if title else None,
        meta_description=(cap_text(" ".join(description_meta.split()), MAX_BIO_CHARS)
                          if description_meta and description_meta.strip() else None),
        site_name=cap_text(og_text("og:site_name"), MAX_NAME_CHARS),
        entity_type=ld.type,
        alternate_name=ld.alternate_name,
        followers=ld.followers,
        og=og,
        hcards=tuple(hcards),
        text=page.text,
        has_password_form=page.password,
        sources=tuple(sources),
    )


def _own_properties(root: Tag) -> Iterator[Tag]:
    """Descendants of ``root`` that are not inside a nested microformat."""
    stack = list(reversed([c for c in root.children if isinstance(c, Tag)]))
    seen = 0
    while stack and seen < 5000:
        tag = stack.pop()
        seen += 1
        yield tag
        if any(_HCARD_ROOT.match(c) for c in _classes(tag)):
            continue  # its own properties belong to it, not to ``root``
        stack.extend(reversed([c for c in tag.children if isinstance(c, Tag)]))


def _hcard(root: Tag, base: str | None) -> HCard:
    name = photo = logo = url = note = None
    emails: list[str] = []
    phones: list[str] = []
    for tag in _own_properties(root):
        classes = set(_classes(tag))
        nested = any(_HCARD_ROOT.match(c) for c in classes)
        if name is None and classes & {"p-name", "fn"}:
            name = _prop_text(tag)
        if photo is None and classes & {"u-photo", "photo"}:
            photo = absolute_url(_attr(tag, "src") or _attr(tag, "href"), base)
        if logo is None and classes & {"u-logo", "logo"}:
            logo = absolute_url(_attr(tag, "src") or _attr(tag, "href"), base)
        if url is None and classes & {"u-url", "url"} and not nested:
            url = absolute_url(_attr(tag, "href") or _prop_text(tag), base)
        if classes & {"u-email", "email"}:
            email = clean_email(_attr(tag, "href") or _prop_text(tag))
            if email:
                emails.append(email)
        if classes & {"p-tel", "tel", "u-tel"}:
            phone = clean_phone(_attr(tag, "href") or _prop_text(tag))
            if phone:
                phones.append(phone)
        if note is None and classes & {"p-note", "note", "p-summary"}:
            note = _prop_text(tag)
    # Implied properties (microformats2): a bare <a class="h-card" href>Name</a>.
    if name is None:
        if root.name == "img":
            name = _attr(root, "alt")
        else:
            name = " ".join(root.get_text(" ").split())[:MAX_NAME_CHARS * 2] or None
    if url is None and root.name in ("a", "area"):
        url = absolute_url(_attr(root, "href"), base)
    if photo is None:
        image = root if root.name == "img" else root.find("img")
        if isinstance(image, Tag):
            photo = absolute_url(_attr(image, "src"), base)
    top_level = not any(
        isinstance(parent, Tag) and any(_HCARD_ROOT.match(c) for c in _classes(parent))
        for parent in root.parents
    ) and not any(c.startswith("p-") for c in _classes(root))
    return HCard(
        name=cap_text(name, MAX_NAME_CHARS) if name else None,
        photo=photo, logo=logo, url=url,
        emails=_unique(emails), phones=_unique(phones),
        note=cap_text(note, MAX_BIO_CHARS) if note else None,
        top_level=top_level,
    )


def _prop_text(tag: Tag) -> str | None:
    if tag.name == "img":
        value = _attr(tag, "alt")
    elif tag.name in ("abbr", "data") and (_attr(tag, "title") or _attr(tag, "value")):
        value = _attr(tag, "title") or _attr(tag, "value")
    else:
        value = tag.get_text(" ")
    text = " ".join((value or "").split())
    return text or None


__all__ = [
    "HCard",
    "HtmlMeta",
    "absolute_url",
    "clean_email",
    "clean_phone",
    "jsonld_nodes",
    "loads_lenient",
    "parse_html",
    "pick_entity",
    "read_html_meta",
    "read_jsonld",
]
