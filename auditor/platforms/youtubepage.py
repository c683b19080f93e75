"""The YouTube channel page: what its ``ytInitialData`` (or, failing that, its meta tags) says.

Read by :class:`auditor.platforms.youtube.YouTubeAdapter` (see there for the surfaces and
the choices). ``ytInitialData`` holds the header (``c4TabbedHeaderRenderer`` or the newer
``pageHeaderRenderer``/``pageHeaderViewModel``: name, handle, avatar, banner, header
links, counts) and ``channelMetadataRenderer`` (description, avatar, ``externalId``); a
removed or terminated channel answers with an ``alerts[].alertRenderer`` of type ERROR.
Nothing here raises on a bad page and every walk over the data is bounded. So is the
memory one page costs: JSON with more than :data:`MAX_JSON_CONTAINERS` objects and arrays
is not decoded (a real channel page holds about 10,000; six MB of ``[],`` would build
two million lists, a quarter of a GB).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from auditor.models import MAX_BIO_CHARS, MAX_NAME_CHARS, ProfileFacts, ProfileField, cap_text
from auditor.urls import host_of, is_http_url

#: Hosts whose channel URLs the adapter claims (the canonical one is www.youtube.com);
#: links to them on a channel page are YouTube's own, not the channel's website.
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
#: A channel page larger than this is cut before it is searched (real ones are ~1 MB).
MAX_PAGE_BYTES = 8 * 1024 * 1024
#: ytInitialData larger than this is not decoded (the real one is ~0.5 MB).
MAX_INITIAL_DATA_CHARS = 6 * 1024 * 1024
#: JSON (ytInitialData, a browse answer) with more ``{`` and ``[`` than this is not
#: decoded: each becomes a Python dict or list (the real channel page holds ~10,000).
MAX_JSON_CONTAINERS = 300_000
#: Nodes visited at most when walking ytInitialData for links and images.
MAX_WALK_NODES = 200_000
MAX_LINKS = 30

CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_CHANNEL_ID_IN = re.compile(r"/channel/(UC[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])")
_INITIAL_DATA = re.compile(
    r"""(?:\bvar\s+ytInitialData|window\s*\[\s*["']ytInitialData["']\s*\]|\bytInitialData)"""
    r"""\s*=\s*""")
_TAG = re.compile(r"<(meta|link)\b([^>]{0,2000})>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
#: An http(s) URL in free text (a description, a video's notes).
URL_IN_TEXT = re.compile(r"""https?://[^\s<>"'\])]+""", re.I)
_DEFAULT_AVATAR = re.compile(r"/a/default-user\b|default-user=", re.I)
_EXACT_COUNT = re.compile(r"^\s*(\d{1,3}(?:[.,\s\u00a0\u202f]\d{3})+|\d+)(?!\s*[.,]\d)"
                          r"(?:\s+\D*)?$")
#: YouTube's own text in og:description when a channel has no description of its own.
_GENERIC_DESCRIPTION = re.compile(r"^(Share your videos with friends, family,? and the world"
                                  r"|Enjoy the videos and music you love).*", re.I)


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
        if not _decodable(chunk):
            continue
        try:
            data, _ = json.JSONDecoder().raw_decode(chunk)
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict):
            return data
    return None


def _decodable(text: str) -> bool:
    """JSON text small enough in objects and arrays to decode (counted over-generously:
    brackets inside strings count too)."""
    return text.count("{") + text.count("[") <= MAX_JSON_CONTAINERS


def read_channel_page(body: bytes, *, page_url: str = "") -> ChannelPage:
    """Facts, channel id and alert of a channel page (HTML) or browse answer (JSON)."""
    text = body[:MAX_PAGE_BYTES].decode("utf-8", errors="replace")
    data: dict[str, Any] | None = None
    stripped = text.lstrip()
    if stripped.startswith("{") and _decodable(stripped):
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
    facts: ProfileFacts | None
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
            width = image.get("width")
            if not isinstance(width, int):
                width = 0
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
        if isinstance(value, str) and CHANNEL_ID.match(value):
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
    for url in URL_IN_TEXT.findall(bio or ""):
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
    links = [unwrap_redirect(url.rstrip(".,;:!?")) for url in URL_IN_TEXT.findall(bio or "")]
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name is not None else None,
        bio=bio,
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else bool(_DEFAULT_AVATAR.search(avatar)),
        links=tuple(url for url in links if is_http_url(url)
                    and host_of(url) not in YOUTUBE_HOSTS)[:MAX_LINKS],
    )
