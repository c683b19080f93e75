"""YouTube channels: the channel page's ``ytInitialData``, then the channel's uploads feed.

Two surfaces, both public and logged-out:

1. The channel page (``/@handle``, ``/channel/UC…``, ``/c/name``, ``/user/name``, read from
   ``options.endpoint("youtube")``). Its ``var ytInitialData = {...};`` holds the header
   (``c4TabbedHeaderRenderer`` or the newer ``pageHeaderRenderer``/``pageHeaderViewModel``:
   name, handle, avatar, banner, header links, counts) and ``channelMetadataRenderer``
   (description, avatar, ``externalId``). A removed or terminated channel answers with an
   ``alerts[].alertRenderer`` of type ERROR: that alert is the verdict (``gone``, or
   ``not_found`` for "does not exist") and its text the detail.
2. ``/feeds/videos.xml?channel_id=UC…``: Atom with the 15 newest uploads (``yt:videoId``,
   ``published``, ``media:group``). Shorts are uploads too; their link is ``/shorts/ID``
   and they are marked ``format="short"``, other uploads ``"video"``.

Choices (see docs): the feed is known to answer 404 for channels that exist (outages in
2024-01 and 2026-03/04), so a feed 404 is never taken as proof of death: the channel page
already read is the confirmation. When the page was fine but the feed answers 404/410 the
record is ``ok`` with the profile facts, no items, ``sample=None`` (activity unknown, never
"no uploads") and a note. The feed has no paging: fewer than 15 entries is the whole
history (``exhausted``); 15 entries is a sample capped by the platform
(``page_cap_reached`` and a note). Replies cannot be seen (comments are not in either
surface). YouTube shows a channel's business e-mail only after a captcha, so ``contact`` is
marked unobservable unless the description or the links show a way to get in touch.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from auditor.contacts import find_contacts
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
    DateSieve,
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
    parse_iso_time,
)
from auditor.urls import host_of, is_http_url

#: Hosts whose channel URLs this adapter claims (the canonical one is www.youtube.com).
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
PUBLIC_BASE = "https://www.youtube.com"
#: The uploads feed lists at most this many entries and has no paging.
FEED_LIMIT = 15
#: A channel page larger than this is cut before it is searched (real ones are ~1 MB).
MAX_PAGE_BYTES = 8 * 1024 * 1024
#: ytInitialData larger than this is not decoded (the real one is ~0.5 MB).
MAX_INITIAL_DATA_CHARS = 6 * 1024 * 1024
MAX_FEED_BYTES = 2 * 1024 * 1024
#: Nodes visited at most when walking ytInitialData for links and images.
MAX_WALK_NODES = 200_000
MAX_LINKS = 30
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
FEED_ACCEPT = "application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
#: Alert texts are localised: ask for English so that they can be classified.
LANGUAGE = "en-GB,en;q=0.9"
NO_CONTACT = ("YouTube shows a channel's business e-mail only after a captcha; the "
              "description and links name no e-mail, phone or contact page")
FEED_MISSING_NOTE = "uploads feed answered {status}; activity not known"
CUT_PAGE_NOTE = ("the channel page was cut short (ytInitialData truncated): only its meta "
                 "tags were read, which show no links or banner")
FEED_CAPPED_NOTE = (f"sample limited to the {FEED_LIMIT} newest uploads (the uploads feed "
                    f"has no paging)")

_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_CHANNEL_ID_IN = re.compile(r"/channel/(UC[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])")
#: ``/@handle``, ``/channel/UC…``, ``/c/name`` and ``/user/name``, then any tab (/videos ...).
_PROFILE_PATH = re.compile(
    r"^/(?:(?P<handle>@[^/@]+)|channel/(?P<channel>UC[A-Za-z0-9_-]{22})"
    r"|(?P<kind>c|user)/(?P<name>[^/]+))(?P<rest>/.*)?$"
)
#: Tabs of a channel page: a link to one is a link to the channel. Anything else under the
#: channel's path (``/@x/live`` is a video, ``/@x/search?query=`` a search) is not.
_CHANNEL_TABS = frozenset({"featured", "videos", "shorts", "streams", "playlists", "community",
                           "posts", "about", "channels", "podcasts", "releases", "courses",
                           "store"})
_INITIAL_DATA = re.compile(
    r"""(?:\bvar\s+ytInitialData|window\s*\[\s*["']ytInitialData["']\s*\]|\bytInitialData)"""
    r"""\s*=\s*""")
_TAG = re.compile(r"<(meta|link)\b([^>]{0,2000})>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_URL_IN_TEXT = re.compile(r"""https?://[^\s<>"'\])]+""", re.I)
_DEFAULT_AVATAR = re.compile(r"/a/default-user\b|default-user=", re.I)
_EXACT_COUNT = re.compile(r"^\s*(\d{1,3}(?:[.,\s\u00a0\u202f]\d{3})+|\d+)(?!\s*[.,]\d)"
                          r"(?:\s+\D*)?$")
#: Links that are a way to get in touch (as auditor.metrics counts them).
_CONTACT_LINK = re.compile(r"^(mailto:|tel:)|^https?://(wa\.me|api\.whatsapp\.com|m\.me)/"
                           r"|^https?://[^/]+/(contact|kontakt|contacteer|neem-contact)", re.I)
_CAPTCHA = re.compile(r"unusual traffic|/sorry/index|g-recaptcha|captcha-form", re.I)
#: YouTube's own text in og:description when a channel has no description of its own.
_GENERIC_DESCRIPTION = re.compile(r"^(Share your videos with friends, family,? and the world"
                                  r"|Enjoy the videos and music you love).*", re.I)
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "yt": "http://www.youtube.com/xml/schemas/2015",
    "media": "http://search.yahoo.com/mrss/",
}


# -- URLs ------------------------------------------------------------------------------


def channel_path(url: str) -> str | None:
    """The channel's own path (``/@x``, ``/channel/UC…``, ``/c/x``, ``/user/x``) or None."""
    match = _channel_match(url)
    if match is None:
        return None
    if match.group("handle"):
        return "/" + match.group("handle")
    if match.group("channel"):
        return "/channel/" + match.group("channel")
    return f"/{match.group('kind')}/{match.group('name')}"


def is_channel_url(url: str) -> bool:
    """True when ``url`` is a channel page or one of its tabs (not a video, not a search)."""
    match = _channel_match(url)
    if match is None:
        return False
    rest = (match.group("rest") or "").strip("/").lower()
    return not rest or rest in _CHANNEL_TABS


def _channel_match(url: str) -> re.Match[str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in \
            YOUTUBE_HOSTS or port not in (None, 80, 443):
        return None
    return _PROFILE_PATH.match(parts.path)


def unwrap_redirect(url: str) -> str:
    """The target of a ``youtube.com/redirect?q=`` link; other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.path.rstrip("/") == "/redirect" and parts.query:
        target = dict(parse_qsl(parts.query)).get("q")
        if target and is_http_url(target):
            return target
    return url


# -- the channel page ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """What a channel page (or a browse answer) says."""

    channel_id: str | None
    #: None when neither ytInitialData nor any meta tag described the channel.
    facts: ProfileFacts | None
    #: The text of an ERROR alert (removed, terminated, does not exist), if any.
    alert: str | None = None
    #: ytInitialData was found and decoded.
    initial_data: bool = False
    #: ytInitialData is assigned an object that does not decode (a page cut short).
    initial_data_broken: bool = False
    notes: tuple[str, ...] = ()


def extract_initial_data(text: str) -> dict[str, Any] | None:
    """The ``ytInitialData`` object assigned in a page's script, or None."""
    for match in _INITIAL_DATA.finditer(text):
        start = text.find("{", match.end(), match.end() + 16)
        if start < 0:
            continue
        chunk = text[start:start + MAX_INITIAL_DATA_CHARS]
        try:
            data, _ = json.JSONDecoder().raw_decode(chunk)
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict):
            return data
    return None


def read_channel_page(body: bytes, *, page_url: str = "") -> ChannelPage:
    """Facts, channel id and alert of a channel page (HTML) or browse answer (JSON)."""
    text = body[:MAX_PAGE_BYTES].decode("utf-8", errors="replace")
    data: dict[str, Any] | None = None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            loaded = json.loads(stripped)
        except (ValueError, RecursionError):
            loaded = None
        data = loaded if isinstance(loaded, dict) else None
    if data is None:
        data = extract_initial_data(text)
    meta = _meta_tags(text) if data is None or "<" in text[:2000] else {}
    notes: list[str] = []
    if len(body) > MAX_PAGE_BYTES:
        notes.append(f"the channel page was cut at {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    alert = _error_alert(data) if data is not None else None
    channel_id = _channel_id(data, meta, page_url)
    if data is not None:
        facts = _facts_from_data(data, meta)
    elif meta:
        facts = _facts_from_meta(meta)
        if facts is not None:
            notes.append("ytInitialData not found; profile read from the page's meta tags")
    else:
        facts = None
    broken = data is None and any(text.find("{", match.end(), match.end() + 16) >= 0
                                  for match in _INITIAL_DATA.finditer(text))
    return ChannelPage(channel_id=channel_id, facts=facts, alert=alert,
                       initial_data=data is not None, initial_data_broken=broken,
                       notes=tuple(notes))


def alert_outcome(alert: str) -> str:
    """``not_found`` for a channel that never existed, ``blocked`` for a country block,
    ``gone`` for a removed, terminated or otherwise unavailable one."""
    lowered = alert.lower()
    if "does not exist" in lowered or "doesn't exist" in lowered or "doesn’t exist" in lowered:
        return "not_found"
    if "country" in lowered:
        return "blocked"
    return "gone"


def _meta_tags(text: str) -> dict[str, str]:
    """First value of each ``<meta property|name|itemprop>`` and ``<link rel>`` tag."""
    found: dict[str, str] = {}
    head = text[:2 * 1024 * 1024]
    for tag in _TAG.finditer(head):
        attrs = {name.lower(): unescape(value.strip("\"'"))
                 for name, value in _ATTR.findall(tag.group(2))}
        if tag.group(1).lower() == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            value = attrs.get("content")
        else:
            rel = attrs.get("rel")
            key = f"link:{rel.lower()}" if rel else None
            value = attrs.get("href")
        if key and value is not None:
            found.setdefault(key.lower(), value)
        if len(found) > 500:
            break
    return found


def _get(node: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                return None
        elif not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _text(node: Any) -> str | None:
    """The text of a YouTube text object: a string, ``simpleText``, ``runs`` or ``content``."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return None
    if isinstance(node.get("simpleText"), str):
        return node["simpleText"]
    if isinstance(node.get("content"), str):
        return node["content"]
    runs = node.get("runs")
    if isinstance(runs, list):
        parts = [run.get("text") for run in runs[:200] if isinstance(run, dict)]
        return "".join(part for part in parts if isinstance(part, str))
    return None


def _walk(node: Any, budget: list[int]) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair below ``node``, depth first, within a shared node budget."""
    stack = [node]
    while stack and budget[0] > 0:
        current = stack.pop()
        budget[0] -= 1
        if isinstance(current, dict):
            for key, value in current.items():
                yield key, value
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(current, list):
            stack.extend(reversed(current))


def _find(node: Any, key: str, budget: list[int] | None = None) -> Any:
    """The first value stored under ``key`` anywhere below ``node``."""
    for name, value in _walk(node, budget or [MAX_WALK_NODES]):
        if name == key:
            return value
    return None


def _largest_image(node: Any) -> str | None:
    """The URL of the widest image in ``thumbnails``/``sources`` below ``node``."""
    best: tuple[int, str] | None = None
    for key, value in _walk(node, [5000]):
        if key not in ("thumbnails", "sources") or not isinstance(value, list):
            continue
        for image in value[:50]:
            if not isinstance(image, dict) or not isinstance(image.get("url"), str):
                continue
            url = image["url"]
            if url.startswith("//"):
                url = "https:" + url
            if not is_http_url(url):
                continue
            width = image.get("width") if isinstance(image.get("width"), int) else 0
            if best is None or width > best[0]:
                best = (width, url)
    return best[1] if best else None


def _error_alert(data: Mapping[str, Any]) -> str | None:
    alerts = data.get("alerts")
    if not isinstance(alerts, list):
        return None
    for alert in alerts[:20]:
        if not isinstance(alert, dict):
            continue
        for renderer in alert.values():
            if not isinstance(renderer, dict) or renderer.get("type") != "ERROR":
                continue
            text = _text(renderer.get("text"))
            if text and text.strip():
                return cap_text(" ".join(text.split()), 300)
    return None


def _channel_id(data: Mapping[str, Any] | None, meta: Mapping[str, str],
                page_url: str) -> str | None:
    candidates: list[Any] = []
    if data is not None:
        candidates += [
            _get(data, "metadata", "channelMetadataRenderer", "externalId"),
            _get(data, "header", "c4TabbedHeaderRenderer", "channelId"),
            _get(data, "header", "pageHeaderRenderer", "channelId"),
        ]
        for service in _get(data, "responseContext", "serviceTrackingParams") or ():
            for param in _get(service, "params") or ():
                if isinstance(param, dict) and param.get("key") == "browse_id":
                    candidates.append(param.get("value"))
    candidates += [meta.get("channelid"), meta.get("identifier")]
    for value in candidates:
        if isinstance(value, str) and _CHANNEL_ID.match(value):
            return value
    for value in (meta.get("link:canonical"), meta.get("og:url"), page_url):
        match = _CHANNEL_ID_IN.search(value or "")
        if match:
            return match.group(1)
    return None


def _handle(value: Any) -> str | None:
    """A handle without its ``@`` from text like ``@name`` or a URL ending in ``/@name``."""
    if not isinstance(value, str):
        return None
    match = re.search(r"(?:^|/)@([^/?#\s@]{1,100})", value.strip())
    return match.group(1) if match else None


def _exact_count(value: Any) -> int | None:
    """An exact count from "1,234 subscribers" or "12 videos"; None for "4.69M" or "6.8K"."""
    text = _text(value)
    if not text:
        return None
    match = _EXACT_COUNT.match(text.replace("\u00a0", " "))
    if match is None:
        return None
    rest = text[match.end(1):].strip().lower()
    if re.match(r"^[kmb]\b|^(thousand|million|billion|mln|mio|mrd|dzd)", rest):
        return None
    digits = re.sub(r"\D", "", match.group(1))
    return int(digits) if digits and len(digits) < 13 else None


def _external_links(node: Any, public_hosts: frozenset[str]) -> list[tuple[str, str]]:
    """(label, url) of the links to other sites below ``node`` (redirects unwrapped)."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    budget = [MAX_WALK_NODES // 4]
    for key, value in _walk(node, budget):
        label = ""
        if key == "channelExternalLinkViewModel" and isinstance(value, dict):
            label = _text(value.get("title")) or ""
            url = _find(value.get("link"), "url", [500])
        elif key in ("urlEndpoint",) and isinstance(value, dict):
            url = value.get("url")
        elif key == "primaryLinks" or key == "secondaryLinks":
            for link in value if isinstance(value, list) else ():
                target = _get(link, "navigationEndpoint", "urlEndpoint", "url")
                title = _text(_get(link, "title")) or ""
                _add_link(found, seen, title, target, public_hosts)
            continue
        else:
            continue
        _add_link(found, seen, label, url, public_hosts)
        if len(found) >= MAX_LINKS:
            break
    return found


def _add_link(found: list[tuple[str, str]], seen: set[str], label: str, url: Any,
              public_hosts: frozenset[str]) -> None:
    if not isinstance(url, str):
        return
    if url.startswith("//"):
        url = "https:" + url
    url = unwrap_redirect(url)
    if not is_http_url(url) or len(url) > 2048:
        return
    host = host_of(url)
    if host in public_hosts or host.endswith(".youtube.com") or host == "youtu.be":
        return
    if url not in seen:
        seen.add(url)
        found.append((cap_text(label, MAX_NAME_CHARS) or "", url))


def _facts_from_data(data: Mapping[str, Any], meta: Mapping[str, str]) -> ProfileFacts:
    metadata = _get(data, "metadata", "channelMetadataRenderer")
    metadata = metadata if isinstance(metadata, dict) else {}
    header = data.get("header") if isinstance(data.get("header"), dict) else {}
    c4 = _get(header, "c4TabbedHeaderRenderer")
    c4 = c4 if isinstance(c4, dict) else {}
    page_header = _get(header, "pageHeaderRenderer")
    page_header = page_header if isinstance(page_header, dict) else {}
    view_model = _find(page_header, "pageHeaderViewModel", [5000])
    view_model = view_model if isinstance(view_model, dict) else {}

    name = (_text(c4.get("title")) or _text(page_header.get("pageTitle"))
            or _text(_find(view_model.get("title"), "content", [200]))
            or _text(metadata.get("title")) or meta.get("og:title"))
    handle = (_handle(_text(c4.get("channelHandleText")))
              or _handle(_get(c4, "navigationEndpoint", "browseEndpoint", "canonicalBaseUrl"))
              or _handle(metadata.get("vanityChannelUrl"))
              or _first_handle_in(view_model.get("metadata"))
              or _handle(next((u for u in metadata.get("ownerUrls") or () if isinstance(u, str)),
                              None)))
    description = metadata.get("description")
    if isinstance(description, str):
        bio: str | None = cap_text(description, MAX_BIO_CHARS) or ""
    else:
        preview = _text(_find(view_model.get("description"), "content", [200]))
        bio = cap_text(preview, MAX_BIO_CHARS) if preview is not None else _meta_bio(meta)

    avatar = (_largest_image(metadata.get("avatar")) or _largest_image(c4.get("avatar"))
              or _largest_image(_find(view_model.get("image"), "avatarViewModel", [500])))
    banner = (_largest_image(c4.get("banner"))
              or _largest_image(_find(view_model.get("banner"), "imageBannerViewModel", [500])))

    public_hosts = frozenset(YOUTUBE_HOSTS)
    links = _external_links(header, public_hosts)
    about = _find(data, "aboutChannelViewModel") or _find(data,
                                                          "channelAboutFullMetadataRenderer")
    if about is not None:
        for label, url in _external_links(about, public_hosts):
            if url not in (u for _, u in links):
                links.append((label, url))
    fields = tuple(ProfileField(name=label or "link", value=url, links=(url,))
                   for label, url in links[:MAX_LINKS])
    all_links = [url for _, url in links]
    for url in _URL_IN_TEXT.findall(bio or ""):
        url = unwrap_redirect(url.rstrip(".,;:!?"))
        if is_http_url(url) and url not in all_links and host_of(url) not in public_hosts:
            all_links.append(url)

    counts = _find(view_model.get("metadata"), "metadataRows", [500])
    posts_total = _exact_count(c4.get("videosCountText"))
    followers = _exact_count(c4.get("subscriberCountText"))
    if posts_total is None and followers is None and isinstance(counts, list):
        for part in _parts_text(counts):
            lowered = part.lower()
            if "video" in lowered and posts_total is None:
                posts_total = _exact_count(part)
            elif "subscriber" in lowered and followers is None:
                followers = _exact_count(part)
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name is not None else None,
        username=cap_text(handle, MAX_NAME_CHARS),
        bio=bio,
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else bool(_DEFAULT_AVATAR.search(avatar)),
        banner_url=banner,
        banner_is_default=None if banner is None else False,
        links=tuple(all_links[:MAX_LINKS]),
        fields=fields,
        posts_total=posts_total,
        followers=followers,
    )


def _parts_text(rows: list[Any]) -> Iterator[str]:
    for key, value in _walk(rows, [2000]):
        if key == "text":
            text = _text(value)
            if text:
                yield text


def _first_handle_in(node: Any) -> str | None:
    for text in _parts_text([node]) if node is not None else ():
        handle = _handle(text)
        if handle:
            return handle
    return None


def _meta_bio(meta: Mapping[str, str]) -> str | None:
    description = meta.get("og:description") or meta.get("description")
    if description is None:
        return None
    if _GENERIC_DESCRIPTION.match(description.strip()):
        return ""
    return cap_text(description, MAX_BIO_CHARS)


def _facts_from_meta(meta: Mapping[str, str]) -> ProfileFacts | None:
    name = meta.get("og:title") or meta.get("name")
    avatar = meta.get("og:image")
    if name is None and avatar is None:
        return None
    avatar = avatar if is_http_url(avatar) else None
    bio = _meta_bio(meta)
    links = [unwrap_redirect(url.rstrip(".,;:!?")) for url in _URL_IN_TEXT.findall(bio or "")]
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name is not None else None,
        bio=bio,
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else bool(_DEFAULT_AVATAR.search(avatar)),
        links=tuple(url for url in links if is_http_url(url)
                    and host_of(url) not in YOUTUBE_HOSTS)[:MAX_LINKS],
    )


# -- the uploads feed ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Uploads:
    """The uploads feed, read."""

    items: tuple[Item, ...]
    #: Entries in the feed, readable or not (15 means "capped by the platform").
    entries: int
    channel_id: str | None = None
    title: str | None = None
    notes: tuple[str, ...] = ()


def read_uploads_feed(body: bytes, *, fetched_at: datetime,
                      earliest: datetime | None = None) -> Uploads | str:
    """The uploads in a ``videos.xml`` body, newest first; a reason string when unreadable.

    Uploads dated before ``earliest`` (default: :attr:`YouTubeAdapter.earliest_post`) or
    more than a day after ``fetched_at`` (clock errors, premieres) are skipped, with a note.
    """
    if not body.strip():
        return "empty answer"
    if len(body) > MAX_FEED_BYTES:
        return f"larger than {MAX_FEED_BYTES // (1024 * 1024)} MB"
    head = body[:4096]
    if re.search(rb"<!doctype\s+html|<html[\s>]", head, re.I):
        return "not an Atom feed (an HTML page)"
    if re.search(rb"<!DOCTYPE", head, re.I) or b"<!ENTITY" in body.upper():
        return "not an Atom feed (a document type declaration)"
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, RecursionError):
        return "not an Atom feed (the XML is malformed or truncated)"
    if root.tag != f"{{{_NS['atom']}}}feed":
        return f"not an Atom feed (root element {cap_text(root.tag, 80)})"
    entries = root.findall("atom:entry", _NS)
    items: list[Item] = []
    skipped = 0
    dates = DateSieve(fetched_at=fetched_at, noun="upload(s)",
                      earliest=YouTubeAdapter.earliest_post if earliest is None else earliest)
    for entry in entries[:100]:
        item = _item(entry)
        if item is None:
            skipped += 1
        elif dates.keep(item.published_at):
            items.append(item)
    notes: list[str] = []
    if skipped:
        notes.append(f"{skipped} unreadable feed entr{'y' if skipped == 1 else 'ies'} skipped")
    notes.extend(dates.notes())
    channel_id = (root.findtext("yt:channelId", None, _NS) or "").strip()
    title = root.findtext("atom:title", None, _NS)
    return Uploads(
        items=tuple(sorted(items, key=lambda i: i.published_at, reverse=True)),
        entries=len(entries),
        channel_id=channel_id if _CHANNEL_ID.match(channel_id) else None,
        title=cap_text(title, MAX_NAME_CHARS) if title else None,
        notes=tuple(notes),
    )


def _item(entry: ET.Element) -> Item | None:
    video_id = (entry.findtext("yt:videoId", None, _NS) or "").strip()
    if not video_id:
        raw_id = (entry.findtext("atom:id", None, _NS) or "").strip()
        video_id = raw_id.removeprefix("yt:video:") if raw_id.startswith("yt:video:") else ""
    published = parse_iso_time(entry.findtext("atom:published", None, _NS))
    if not video_id or published is None:
        return None
    url = None
    for link in entry.findall("atom:link", _NS):
        href = link.get("href")
        if link.get("rel", "alternate") == "alternate" and href and is_http_url(href):
            url = href
            break
    if url is None:
        url = f"{PUBLIC_BASE}/watch?v={quote(video_id, safe='')}"
    path = urlsplit(url).path
    title = entry.findtext("atom:title", None, _NS) or entry.findtext(
        "media:group/media:title", None, _NS) or ""
    description = entry.findtext("media:group/media:description", None, _NS) or ""
    text = title.strip() if not description.strip() else f"{title.strip()}\n{description}"
    links: list[str] = []
    for link in _URL_IN_TEXT.findall(description[:20000]):
        link = unwrap_redirect(link.rstrip(".,;:!?"))
        if is_http_url(link) and link not in links:
            links.append(link)
        if len(links) >= 20:
            break
    return Item(
        id=cap_text(video_id, 100) or video_id,
        published_at=published,
        kind="original",
        url=url,
        text=cap_text(text) or "",
        links=tuple(links),
        format="short" if path.startswith("/shorts/") else "video",
    )


# -- the adapter -----------------------------------------------------------------------


class YouTubeAdapter(PlatformAdapter):
    platform = "youtube"
    replies_observable = False
    #: Contact is made unobservable per record, only when nothing on the page shows one.
    unobservable: Mapping[str, str] = {}
    #: The first video went up on 23 April 2005.
    earliest_post = datetime(2005, 4, 1, tzinfo=UTC)

    def claims(self, url: str) -> bool:
        return channel_path(url) is not None

    def is_profile(self, url: str) -> bool:
        return is_channel_url(url)

    def owns_host(self, host: str) -> bool:
        # YouTube Music, the short links and any other *.youtube.com are YouTube's, though
        # only YOUTUBE_HOSTS serve the channel pages this adapter reads.
        return host in ("youtube.com", "youtu.be") or host.endswith(".youtube.com")

    def profile_url(self, url: str) -> str:
        path = channel_path(url)
        return f"{PUBLIC_BASE}{path}" if path else url

    def handle(self, url: str) -> str | None:
        path = channel_path(url)
        if path is None:
            return None
        if path.startswith("/@"):
            return path[1:]
        return path.rsplit("/", 1)[-1]

    def start(self, target: Target, options: CrawlOptions) -> Step:
        path = channel_path(target.url)
        if path is None:
            return self.record(target, "unsupported", "not a YouTube channel URL")
        state = CrawlState(target=target, options=options, step="channel")
        url = options.endpoint("youtube") + path
        return Next(Fetch(url, "channel", {"Accept": PAGE_ACCEPT,
                                           "Accept-Language": LANGUAGE}), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "feed":
            return self._after_feed(state, page)
        return self._after_channel(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step != "feed":
            return super().fail(state, failure)
        outcome, detail = outcome_for_failure(failure)
        data = state.data
        return self._record(state.target, outcome, f"uploads feed: {detail}",
                            fetched_at=data["fetched_at"], profile=data["facts"],
                            notes=data["notes"])

    def _record(self, target: Target, outcome: str, detail: str | None = None, *,
                cut: bool = False, **fields: Any) -> ProfileRecord:
        """A record whose ``contact`` is unobservable unless the profile shows one; after a
        cut channel page (``cut``) the links and banner are unobservable too."""
        record = self.record(target, outcome, detail, **fields)
        if cut:
            record = replace(record, unobservable={
                **record.unobservable, "website": CUT_PAGE_NOTE, "banner": CUT_PAGE_NOTE})
        if record.profile is None or _shows_contact(record.profile):
            return record
        return replace(record, unobservable={**record.unobservable, "contact": NO_CONTACT})

    # -- steps -------------------------------------------------------------------------

    def _after_channel(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        host = host_of(page.url)
        if host.startswith("consent.") or "/sorry/" in urlsplit(page.url).path:
            return self.record(target, "blocked",
                               f"the channel page was redirected to {host}{_path(page.url)} "
                               f"(cookie consent or captcha)", fetched_at=page.fetched_at)
        wall = login_redirect(page, "the channel page")
        if wall is not None:
            return self.record(target, *wall, fetched_at=page.fetched_at)
        readable = page.status == 404 or 200 <= page.status < 300
        channel = read_channel_page(page.body, page_url=page.url) if readable else None
        if channel is not None and channel.alert:
            # What a removed channel's page still shows (a default avatar) is not its profile.
            return self.record(target, alert_outcome(channel.alert), channel.alert,
                               fetched_at=page.fetched_at)
        if page.status == 404:
            return self.record(target, "not_found", "HTTP 404: no such channel",
                               fetched_at=page.fetched_at)
        ended = outcome_for_status(page.status)
        if ended is not None or channel is None:
            outcome, detail = ended or ("error", f"HTTP {page.status}")
            return self.record(target, outcome, f"channel page: {detail}",
                               fetched_at=page.fetched_at)
        channel_id = channel.channel_id
        if channel_id is None:
            return self.record(target, *_unreadable_channel(page, channel),
                               fetched_at=page.fetched_at)
        facts = channel.facts or ProfileFacts()
        if facts.username is None and target.url:
            path = channel_path(target.url) or ""
            if path.startswith("/@"):
                facts = replace(facts, username=path[2:])
        feed = (f"{state.options.endpoint('youtube')}/feeds/videos.xml?"
                f"channel_id={quote(channel_id, safe='')}")
        notes = channel.notes
        if channel.initial_data_broken:
            notes = (*notes, CUT_PAGE_NOTE)
        next_state = state.with_data("feed", channel_id=channel_id, facts=facts,
                                     fetched_at=page.fetched_at, notes=notes,
                                     cut=channel.initial_data_broken)
        return Next(Fetch(feed, "feed", {"Accept": FEED_ACCEPT}), next_state)

    def _after_feed(self, state: CrawlState, page: Page) -> ProfileRecord:
        data = state.data
        target = state.target
        notes: tuple[str, ...] = tuple(data["notes"])
        common = {"fetched_at": data["fetched_at"], "profile": data["facts"],
                  "cut": data.get("cut", False)}
        if page.status in (404, 410):
            # The feed flaps: the channel page already read is the word on the channel.
            return self._record(target, "ok", None, sample=None,
                                notes=(*notes, FEED_MISSING_NOTE.format(status=page.status)),
                                **common)
        ended = outcome_for_status(page.status)
        if ended is not None:
            return self._record(target, ended[0], f"uploads feed: {ended[1]}", notes=notes,
                                **common)
        uploads = read_uploads_feed(page.body, earliest=self.earliest_post,
                                    fetched_at=max(page.fetched_at, state.options.as_of))
        if isinstance(uploads, str):
            if _CAPTCHA.search(page.body[:65536].decode("utf-8", errors="replace")):
                return self._record(target, "blocked", "uploads feed: a captcha page",
                                    notes=notes, **common)
            return self._record(target, "error", f"uploads feed: {uploads}", notes=notes,
                                **common)
        notes = (*notes, *uploads.notes)
        if uploads.channel_id and uploads.channel_id != data["channel_id"]:
            notes = (*notes, f"the uploads feed names channel {uploads.channel_id}, the page "
                             f"{data['channel_id']}")
        capped = uploads.entries >= FEED_LIMIT
        if capped:
            notes = (*notes, FEED_CAPPED_NOTE)
        shorts = sum(1 for item in uploads.items if item.format == "short")
        if shorts:
            notes = (*notes, f"{shorts} of {len(uploads.items)} uploads are shorts")
        return self._record(
            target, "ok", None, items=uploads.items,
            sample=Sample(pages=1, page_cap_reached=capped, exhausted=not capped),
            notes=notes, **common)


def _shows_contact(facts: ProfileFacts) -> bool:
    """The description or links show an e-mail, a phone number or a contact page."""
    texts = [facts.bio or "", *(f"{f.name} {f.value}" for f in facts.fields)]
    emails, phones = find_contacts(texts)
    if emails or phones:
        return True
    return any(_CONTACT_LINK.search(link) for link in facts.links)


def _path(url: str) -> str:
    try:
        return cap_text(urlsplit(url).path, 80) or ""
    except ValueError:
        return ""


def _unreadable_channel(page: Page, channel: ChannelPage) -> tuple[str, str]:
    """Outcome and detail for a channel page that names no channel."""
    kind = page.headers.get("content-type", "no content type")
    text = page.body[:65536].decode("utf-8", errors="replace")
    if _CAPTCHA.search(text):
        return "blocked", "the channel page is a captcha page"
    if not page.body.strip():
        return "error", f"channel page: empty answer (HTTP {page.status}, {kind})"
    if channel.initial_data:
        return "error", "channel page: ytInitialData names no channel id"
    return "error", (f"channel page: no ytInitialData and no channel id "
                     f"({len(page.body)} bytes, {kind})")
