"""JSON-LD as web pages write it: lenient JSON, the entity a page is about, its facts.

Used by :mod:`auditor.platforms.htmlmeta`, which merges what JSON-LD says with OpenGraph,
h-card and rel=me. Everything here reads untrusted text: scripts are capped, JSON is
parsed leniently (trailing commas, comments, raw control characters in strings, HTML
entities, CDATA wrappers) and nothing raises.

The entity is the ``mainEntity`` of a ``ProfilePage`` when there is one, else the first
Organization (or a subtype: LocalBusiness, Corporation, NGO, a store ...), else the first
Person.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin

from auditor.models import MAX_NAME_CHARS, cap_text
from auditor.urls import is_http_url

#: At most this many characters of one JSON-LD script are parsed.
MAX_JSONLD_CHARS = 500_000
MAX_URL_CHARS = 2048
#: Cap on the values kept from one list (sameAs, e-mail addresses, nodes of a level).
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
_BARE_HOST = re.compile(r"^(www\.)?[a-z0-9\-]+(\.[a-z0-9\-]+)+(/\S*)?$", re.I)


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
class EntityFacts:
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


def entity_facts(entity: Mapping[str, Any], nodes: list[dict[str, Any]],
                  base: str | None) -> EntityFacts:
    ids = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    facts = EntityFacts()
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
