"""YouTube channels: the channel page's ``ytInitialData``, then the channel's uploads feed.

Two surfaces, both public and logged-out:

1. The channel page (``/@handle``, ``/channel/UC…``, ``/c/name``, ``/user/name``, read from
   ``options.endpoint("youtube")``). Its ``var ytInitialData = {...};`` holds the header
   (``c4TabbedHeaderRenderer`` or the newer ``pageHeaderRenderer``/``pageHeaderViewModel``:
   name, handle, avatar, banner, header links, counts) and ``channelMetadataRenderer``
   (description, avatar, ``externalId``). A removed or terminated channel answers with an
   ``alerts[].alertRenderer`` of type ERROR: that alert is the verdict (``gone``, or
   ``not_found`` for "does not exist") and its text the detail. The page is read by
   :mod:`auditor.platforms.youtubepage`.
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

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from auditor.contacts import find_contacts
from auditor.models import (
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
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
from auditor.platforms.counts import count_text
from auditor.platforms.youtubepage import (
    CHANNEL_ID,
    URL_IN_TEXT,
    YOUTUBE_HOSTS,
    ChannelPage,
    alert_outcome,
    extract_initial_data,
    read_channel_page,
    unwrap_redirect,
)
from auditor.urls import host_of, is_http_url

__all__ = [
    "CUT_PAGE_NOTE",
    "FEED_CAPPED_NOTE",
    "FEED_LIMIT",
    "FEED_MISSING_NOTE",
    "NO_CONTACT",
    "YOUTUBE_HOSTS",
    "ChannelPage",
    "Uploads",
    "YouTubeAdapter",
    "alert_outcome",
    "channel_path",
    "extract_initial_data",
    "is_channel_url",
    "read_channel_page",
    "read_uploads_feed",
    "unwrap_redirect",
]

PUBLIC_BASE = "https://www.youtube.com"
#: The uploads feed lists at most this many entries and has no paging.
FEED_LIMIT = 15
MAX_FEED_BYTES = 2 * 1024 * 1024
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
#: Links that are a way to get in touch (as auditor.metrics counts them).
_CONTACT_LINK = re.compile(r"^(mailto:|tel:)|^https?://(wa\.me|api\.whatsapp\.com|m\.me)/"
                           r"|^https?://[^/]+/(contact|kontakt|contacteer|neem-contact)", re.I)
_CAPTCHA = re.compile(r"unusual traffic|/sorry/index|g-recaptcha|captcha-form", re.I)
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "yt": "http://www.youtube.com/xml/schemas/2015",
    "media": "http://search.yahoo.com/mrss/",
}


# -- URLs ------------------------------------------------------------------------------


def channel_path(url: str) -> str | None:
    """The channel's own path (``/@x``, ``/channel/UC…``, ``/c/x``, ``/user/x``) or None.

    The channel's uploads feed (``/feeds/videos.xml?channel_id=UC…``, or ``?user=x``)
    names the channel too: listed as a profile, it is the channel (read as one, with its
    icon and links), not a feed of its own."""
    match = _channel_match(url)
    if match is None:
        return _feed_channel_path(url)
    if match.group("handle"):
        return "/" + match.group("handle")
    if match.group("channel"):
        return "/channel/" + match.group("channel")
    return f"/{match.group('kind')}/{match.group('name')}"


def is_channel_url(url: str) -> bool:
    """True when ``url`` is a channel page or one of its tabs (not a video, not a search),
    or the channel's uploads feed."""
    match = _channel_match(url)
    if match is None:
        return _feed_channel_path(url) is not None
    rest = (match.group("rest") or "").strip("/").lower()
    return not rest or rest in _CHANNEL_TABS


def _feed_channel_path(url: str) -> str | None:
    """``/channel/UC…`` (or ``/user/x``) of a channel's uploads feed URL; None for anything
    else (a playlist's feed is not a channel)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in \
            YOUTUBE_HOSTS or port not in (None, 80, 443) \
            or parts.path.rstrip("/") != "/feeds/videos.xml":
        return None
    query = dict(parse_qsl(parts.query))
    channel_id = query.get("channel_id", "").strip()
    if CHANNEL_ID.match(channel_id):
        return f"/channel/{channel_id}"
    user = query.get("user", "").strip()
    if re.fullmatch(r"[A-Za-z0-9_.\-]{1,100}", user) and "playlist_id" not in query:
        return f"/user/{user}"
    return None


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
    except (ET.ParseError, ValueError, RecursionError, LookupError):  # an unknown encoding
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
        channel_id=channel_id if CHANNEL_ID.match(channel_id) else None,
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
    for found in URL_IN_TEXT.findall(description[:20000]):
        link_url = unwrap_redirect(found.rstrip(".,;:!?"))
        if is_http_url(link_url) and link_url not in links:
            links.append(link_url)
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
        views=_attribute_count(entry, "media:group/media:community/media:statistics", "views"),
        # the feed's star rating counts likes (YouTube no longer shows dislikes)
        likes=_attribute_count(entry, "media:group/media:community/media:starRating", "count"),
        media=1,  # an upload is a video
    )


def _attribute_count(entry: ET.Element, path: str, name: str) -> int | None:
    element = entry.find(path, _NS)
    return count_text(element.get(name)) if element is not None else None


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
