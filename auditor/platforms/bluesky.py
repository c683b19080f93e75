"""Bluesky: the public AppView's XRPC API (``getProfile``, then ``getAuthorFeed`` by cursor).

Profiles are listed as ``https://bsky.app/profile/<handle or DID>`` (anything after the
actor, such as ``/post/<rkey>``, is ignored); requests go to ``options.endpoint("bluesky")``
(default https://public.api.bsky.app), never to the profile URL's host.

What the API shows, and the choices made:

- ``getProfile`` gives the DID, which the feed is read by and which tells the account's
  own threads (``self_reply``) from replies to others (``reply``): a post's
  ``record.reply.parent`` author, taken from the feed item's ``reply.parent.author.did``
  or else from the DID in the parent's ``at://`` URI.
- Reposts (``reason`` ``app.bsky.feed.defs#reasonRepost``) are dated when the account
  reposted (the reason's ``indexedAt``); own posts by ``record.createdAt``, or by
  ``indexedAt`` when that is earlier (a client can write any ``createdAt``; the AppView
  sorts by the earlier of the two); a post so dated before Bluesky existed or more than a
  day after the fetch is skipped, with a note (``earliest_post``). Pinned posts
  (``reasonPin``, asked for with ``includePins=true``, and named by the profile's
  ``pinnedPost``) count by their own date and are merged with their second appearance in
  the timeline; items are deduplicated by their ``at://`` URI.
- A profile without an avatar or banner has none: ``avatar_url``/``banner_url`` are None
  and ``*_is_default`` False (the check is false, not unknown). An absent
  ``description`` or ``displayName`` is observably empty (""). Bluesky profiles have no
  links field: the website links are the http(s) links in the description (and
  ``www.`` names written without a scheme), plus ``website`` when the API sends one.
- An account labelled ``!no-unauthenticated`` asked not to be shown to logged-out
  readers: the outcome is ``blocked`` and nothing about it is kept.
- XRPC errors: ``Profile not found``/``Actor not found`` are ``not_found``;
  ``AccountTakedown`` and ``AccountDeactivated`` are ``gone``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import quote, urlsplit

from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileRecord,
    Sample,
    cap_text,
)
from auditor.platforms.base import (
    EARLIEST_POST,
    CrawlOptions,
    CrawlState,
    DateSieve,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
    login_redirect,
    outcome_for_status,
    parse_iso_time,
)
from auditor.platforms.counts import attached, count
from auditor.platforms.timeline import Joined, join_read
from auditor.urls import is_http_url

PUBLIC_HOST = "bsky.app"
#: ``/profile/<handle or DID>``, then anything (``/post/<rkey>`` is a post, not the profile).
_PROFILE_PATH = re.compile(r"^/profile/@?(?P<actor>[^/?#]+)(?P<rest>/.*)?$")
#: A handle is a domain name (at least two labels) of at most 253 characters.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HANDLE = re.compile(rf"^(?=.{{3,253}}\Z){_LABEL}(?:\.{_LABEL})+\Z", re.I)
_DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}\Z")
_AT_URI = re.compile(
    r"^at://(?P<authority>[^/]+)(?:/(?P<collection>[^/]+)(?:/(?P<rkey>[^/?#]+))?)?")
_RKEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}\Z")
_REPOST = "app.bsky.feed.defs#reasonRepost"
_PIN = "app.bsky.feed.defs#reasonPin"
_NO_UNAUTHENTICATED = "!no-unauthenticated"
_JSON_HEADERS = {"Accept": "application/json"}
_MAX_FEED_ITEMS = 200
#: Posts asked per ``getAuthorFeed`` page: the most the API gives (its lexicon allows 1-100).
#: A free API's page costs one request whatever its size, so Bluesky always asks for the
#: largest; the audit's ``page_size`` is for the APIs that count every post read (X, Meta)
#: and for Mastodon (whose own maximum is 40).
FEED_PAGE = 100
_MAX_LINKS = 20
_MAX_CURSOR_CHARS = 1000
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_BARE_WWW = re.compile(r"(?<![@\w./:-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>\"'`]*)?", re.I)
_TRAILING = ".,;:!?)]}'\"»”’"


class BlueskyAdapter(PlatformAdapter):
    platform = "bluesky"
    replies_observable = True
    unobservable: Mapping[str, str] = {}
    #: The network opened to its first users in November 2022. A record's ``createdAt`` is
    #: written by the client and can be backdated (tools that import an archive from
    #: another network keep the old dates; the AppView sorts such posts by them and shows
    #: them as archived): a post dated earlier is not activity on Bluesky then, and is
    #: skipped with a note. No real sample loses a post: the earliest post ``createdAt``
    #: in sample_pages/bluesky and the shared real cases is 2023-04-28, the earliest date
    #: of any kind 2022-11-17 (an account's ``createdAt``).
    earliest_post = datetime(2022, 11, 1, tzinfo=UTC)

    def claims(self, url: str) -> bool:
        return _actor(url) is not None

    def is_profile(self, url: str) -> bool:
        match = _match(url)
        return match is not None and not (match.group("rest") or "").strip("/")

    def owns_host(self, host: str) -> bool:
        return host == PUBLIC_HOST or host.endswith("." + PUBLIC_HOST)

    def profile_url(self, url: str) -> str:
        actor = _actor(url)
        if actor is None:
            return url
        return f"https://{PUBLIC_HOST}/profile/{actor}"

    def handle(self, url: str) -> str | None:
        actor = _actor(url)
        if actor is None:
            return None
        return actor if actor.startswith("did:") else f"@{actor}"

    def start(self, target: Target, options: CrawlOptions) -> Step:
        actor = _actor(target.url)
        state = CrawlState(target=target, options=options, step="profile")
        if actor is None:
            return self.record(target, "unsupported", "not a Bluesky profile URL")
        url = f"{options.endpoint('bluesky')}/xrpc/app.bsky.actor.getProfile?actor={_q(actor)}"
        return Next(Fetch(url, "profile", _JSON_HEADERS), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "profile":
            return self._after_profile(state, page)
        return self._after_feed(state, page)

    # -- steps -------------------------------------------------------------------------

    def _after_profile(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        ended = login_redirect(page, "getProfile") or api_outcome(page, "getProfile")
        if ended is not None:
            return self.record(target, *ended, fetched_at=page.fetched_at)
        body, problem = read_json(page, "getProfile")
        if problem is not None:
            return self.record(target, "error", problem, fetched_at=page.fetched_at)
        if not isinstance(body, dict) or not _is_did(body.get("did")):
            return self.record(target, "error", "getProfile: unexpected answer (no DID)",
                               fetched_at=page.fetched_at)
        if _NO_UNAUTHENTICATED in label_values(body):
            return self.record(
                target, "blocked",
                "the account asked Bluesky not to show it to logged-out readers "
                "(label !no-unauthenticated); nothing about it was kept",
                fetched_at=page.fetched_at)
        facts = profile_facts(body)
        did = str(body["did"])
        feed = (f"{state.options.endpoint('bluesky')}/xrpc/app.bsky.feed.getAuthorFeed"
                f"?actor={_q(did)}&filter=posts_with_replies&includePins=true"
                f"&limit={FEED_PAGE}")
        pinned = body.get("pinnedPost")
        pinned_uri = pinned.get("uri") if isinstance(pinned, dict) else None
        next_state = state.with_data(
            "feed", did=did, handle=facts.username, feed_url=feed, facts=facts, items=(),
            pages=0, fetched_at=page.fetched_at, notes=(),
            pinned_uri=pinned_uri if isinstance(pinned_uri, str) else None,
        )
        return Next(Fetch(feed, "feed", _JSON_HEADERS), next_state)

    def _after_feed(self, state: CrawlState, page: Page) -> Step:
        data = state.data
        number = data["pages"] + 1
        ended = api_outcome(page, "getAuthorFeed")
        body: Any = None
        if ended is None:
            body, problem = read_json(page, "getAuthorFeed")
            if problem is None and not (isinstance(body, dict)
                                        and isinstance(body.get("feed"), list)):
                problem = "getAuthorFeed: unexpected answer (no feed)"
            if problem is not None:
                ended = ("error", problem)
        if ended is not None:
            outcome, detail = ended
            if data["pages"] > 0:
                # Earlier pages were read: keep them and say the sample stops here.
                return self._finish(state, exhausted=False, note=f"feed page {number}: {detail}")
            return self.record(state.target, outcome, detail, fetched_at=data["fetched_at"],
                               profile=data["facts"])
        feed = body["feed"]
        dates = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post)
        items, skipped = feed_items(feed[:_MAX_FEED_ITEMS], data["did"], dates=dates)
        notes = tuple(data["notes"])
        if skipped:
            notes = (*notes, f"feed page {number}: {skipped} unreadable item(s) skipped")
        notes = (*notes, *dates.notes(prefix=f"feed page {number}: "))
        clean = data.get("clean", True) and not skipped and not dates.dropped \
            and len(feed) <= _MAX_FEED_ITEMS
        state = state.with_data("feed", items=(*data["items"], *items), pages=number,
                                notes=notes, clean=clean)
        cursor = body.get("cursor")
        if not feed or not isinstance(cursor, str) or not cursor:
            return self._finish(state, exhausted=True)
        timeline = [item.published_at for item in items if not item.pinned]
        if timeline and min(timeline) < state.options.window_start:
            return self._finish(state, exhausted=False)
        if number >= state.options.max_pages:
            return self._finish(state, exhausted=False, cap_reached=True)
        known = state.target.known
        if known is not None and clean:
            # A re-audit: once a page reaches the newest post the last audit stored, the
            # pages after it are the stored ones (timeline.join_read).
            joined = join_read([item for item in state.data["items"] if not item.pinned],
                               known, page_size=FEED_PAGE, pages_read=number,
                               max_pages=state.options.max_pages,
                               window_start=state.options.window_start)
            if joined is not None:
                return self._joined(state, joined)
        if len(cursor) > _MAX_CURSOR_CHARS:
            return self._finish(state, exhausted=False,
                                note=f"feed page {number}: cursor too long, not followed")
        next_url = f"{data['feed_url']}&cursor={quote(cursor, safe='')}"
        return Next(Fetch(next_url, "feed", _JSON_HEADERS), state)

    def _joined(self, state: CrawlState, joined: Joined) -> ProfileRecord:
        """The record a full read gives, from the pages read now and the stored posts."""
        data = state.data
        pins = tuple(item for item in data["items"] if item.pinned)
        return self.record(
            state.target, "ok", None, fetched_at=data["fetched_at"], profile=data["facts"],
            items=dedupe((*pins, *joined.items), pinned_uri=data.get("pinned_uri")),
            sample=joined.sample, notes=tuple(data["notes"]))

    def _finish(self, state: CrawlState, *, exhausted: bool, cap_reached: bool = False,
                note: str | None = None) -> ProfileRecord:
        data = state.data
        notes = tuple(data["notes"]) + ((note,) if note else ())
        return self.record(
            state.target, "ok", None,
            fetched_at=data["fetched_at"],
            profile=data["facts"],
            items=dedupe(data["items"], pinned_uri=data.get("pinned_uri")),
            sample=Sample(pages=data["pages"], page_cap_reached=cap_reached,
                          exhausted=exhausted),
            notes=notes,
        )


# -- URLs ----------------------------------------------------------------------------------


def _actor(url: str) -> str | None:
    """The handle (lower-cased) or DID of a bsky.app profile URL; None when it is not one."""
    match = _match(url)
    if match is None:
        return None
    actor = match.group("actor")
    return actor if _is_did(actor) else actor.lower()


def _match(url: str) -> re.Match[str] | None:
    """The profile path of a bsky.app URL naming a valid handle or DID, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != PUBLIC_HOST:
        return None
    match = _PROFILE_PATH.match(parts.path)
    if match is None:
        return None
    actor = match.group("actor")
    return match if _is_did(actor) or _HANDLE.match(actor) else None


def _is_did(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and _DID.match(value) is not None


def _q(value: str) -> str:
    return quote(value, safe=":")


def post_url(author: str, rkey: str) -> str:
    """The public bsky.app address of a post."""
    return f"https://{PUBLIC_HOST}/profile/{author}/post/{quote(rkey, safe='')}"


def parse_at_uri(uri: Any) -> tuple[str, str | None, str | None] | None:
    """(authority, collection, rkey) of an ``at://`` URI, or None."""
    if not isinstance(uri, str):
        return None
    match = _AT_URI.match(uri)
    if match is None:
        return None
    return match.group("authority"), match.group("collection"), match.group("rkey")


# -- answers -------------------------------------------------------------------------------


def xrpc_error(page: Page) -> tuple[str, str] | None:
    """The XRPC ``{"error", "message"}`` pair of an answer, when it is one."""
    try:
        body = page.json()
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    message = body.get("message")
    return (cap_text(body["error"], 100) or "",
            cap_text(message, 200) or "" if isinstance(message, str) else "")


def api_outcome(page: Page, call: str) -> tuple[str, str] | None:
    """Outcome and detail when the answer ends the chain (an XRPC error or HTTP status)."""
    error = xrpc_error(page)
    if error is not None:
        name, message = error
        said = f"{name}: {message}" if message else name
        lowered = f"{name} {message}".lower()
        if name == "AccountTakedown" or "takendown" in lowered or "taken down" in lowered:
            return "gone", f"{call}: the account was taken down by Bluesky ({said})"
        if name == "AccountDeactivated" or "deactivated" in lowered:
            return "gone", f"{call}: the account is deactivated ({said})"
        if name in ("ProfileNotFound", "ActorNotFound", "NotFound") or re.search(
                r"\b(profile|actor|account|repo) not found\b", lowered):
            return "not_found", f"{call}: no such account ({said})"
        status = outcome_for_status(page.status) or ("error", f"HTTP {page.status}")
        return status[0], f"{call}: {status[1]} ({said})"
    ended = outcome_for_status(page.status)
    if ended is not None:
        return ended[0], f"{call}: {ended[1]}"
    return None


def read_json(page: Page, call: str) -> tuple[Any, str | None]:
    """The body as JSON, or None and why it could not be read."""
    kind = page.headers.get("content-type", "no content type")
    if not page.body.strip():
        return None, f"{call}: empty answer (HTTP {page.status}, {kind})"
    try:
        return page.json(), None
    except (ValueError, RecursionError):
        pass
    if page.body.lstrip()[:1] in (b"{", b"["):
        return None, f"{call}: invalid or truncated JSON ({len(page.body)} bytes)"
    return None, f"{call}: not JSON (HTTP {page.status}, {kind})"


def label_values(view: Mapping[str, Any]) -> list[str]:
    labels = view.get("labels")
    if not isinstance(labels, list):
        return []
    return [label["val"] for label in labels
            if isinstance(label, dict) and isinstance(label.get("val"), str)]


# -- profile -------------------------------------------------------------------------------


def profile_facts(view: Mapping[str, Any]) -> ProfileFacts:
    """ProfileFacts from an ``app.bsky.actor.defs#profileViewDetailed`` (or profileView)."""
    description = view.get("description")
    bio = cap_text(description, MAX_BIO_CHARS) if isinstance(description, str) else ""
    links: list[str] = []
    website = view.get("website")
    if isinstance(website, str) and is_http_url(website):
        links.append(website.strip())
    for link in text_links(description if isinstance(description, str) else ""):
        if link not in links:
            links.append(link)
    name = view.get("displayName")
    handle = view.get("handle")
    avatar = _http(view.get("avatar"))
    banner = _http(view.get("banner"))
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if isinstance(name, str) else "",
        username=(handle.lower() if isinstance(handle, str) and _HANDLE.match(handle)
                  and handle.lower() != "handle.invalid" else None),
        bio=bio,
        avatar_url=avatar,
        avatar_is_default=False,
        banner_url=banner,
        banner_is_default=False,
        links=tuple(links[:_MAX_LINKS]),
        created_at=parse_time(view.get("createdAt")),
        posts_total=count(view.get("postsCount")),
        followers=count(view.get("followersCount")),
    )


def text_links(text: str) -> list[str]:
    """http(s) links, and ``www.`` names without a scheme, in plain text."""
    text = text[:MAX_BIO_CHARS * 5]
    found: list[tuple[int, str]] = []
    for match in _URL_IN_TEXT.finditer(text):
        found.append((match.start(), match.group(0).rstrip(_TRAILING)))
    for match in _BARE_WWW.finditer(text):
        found.append((match.start(), "https://" + match.group(0).rstrip(_TRAILING)))
    links: list[str] = []
    for _, link in sorted(found):
        if is_http_url(link) and link not in links:
            links.append(link)
    return links[:_MAX_LINKS]


# -- feed ----------------------------------------------------------------------------------


def feed_items(feed: list[Any], did: str, *,
               dates: DateSieve | None = None) -> tuple[list[Item], int]:
    """Items from ``getAuthorFeed``'s ``feed`` and how many entries could not be read.

    ``did`` is the account's own DID. Entries whose date ``dates`` refuses (before
    Bluesky, or after the fetch) are left out and counted there.
    """
    items: list[Item] = []
    skipped = 0
    for entry in feed:
        item = feed_item(entry, did)
        if item is None:
            skipped += 1
        elif dates is None or dates.keep(item.published_at):
            items.append(item)
    return items, skipped


def feed_item(entry: Any, did: str) -> Item | None:
    """One ``app.bsky.feed.defs#feedViewPost`` as an Item, or None when unreadable."""
    if not isinstance(entry, dict) or not isinstance(entry.get("post"), dict):
        return None
    post = entry["post"]
    uri = post.get("uri")
    parsed = parse_at_uri(uri)
    record = post.get("record")
    if parsed is None or not isinstance(record, dict):
        return None
    authority, _, rkey = parsed
    author = post.get("author")
    if not isinstance(author, dict):
        author = {}
    did_value = author.get("did")
    author_did = did_value if _is_did(did_value) else authority
    author_handle = author.get("handle")
    shown_as = (author_handle.lower() if isinstance(author_handle, str)
                and _HANDLE.match(author_handle) and author_handle.lower() != "handle.invalid"
                else author_did)
    url = post_url(shown_as, rkey) if rkey and _RKEY.match(rkey) else None
    reason = entry.get("reason")
    if not isinstance(reason, dict):
        reason = {}
    reason_type = reason.get("$type")
    if reason_type == _REPOST:
        published = _iso_time(reason.get("indexedAt"))
        if published is None:
            return None
        repost_uri = reason.get("uri")
        item_id = (repost_uri if isinstance(repost_uri, str) and repost_uri.startswith("at://")
                   else f"{uri}#repost@{published.isoformat()}")
        return Item(id=cap_text(item_id, 600) or "", published_at=published, kind="repost",
                    url=url)
    if author_did != did:
        return None  # not the account's own post, and not a repost of it
    published = _own_date(record.get("createdAt"), post.get("indexedAt"))
    if published is None:
        return None
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    return Item(
        id=cap_text(uri, 600) or "",
        published_at=published,
        kind=_post_kind(entry, record, did),
        url=url,
        pinned=reason_type == _PIN,
        text=cap_text(text) or "",
        links=tuple(post_links(record)),
        likes=count(post.get("likeCount")),
        shares=count(post.get("repostCount")),
        quotes=count(post.get("quoteCount")),
        comments=count(post.get("replyCount")),
        media=_media(post.get("embed")),
    )


def _post_kind(entry: Mapping[str, Any], record: Mapping[str, Any], did: str) -> str:
    reply = record.get("reply")
    if not isinstance(reply, dict):
        return "original"
    parent_did: str | None = None
    view = entry.get("reply")
    if isinstance(view, dict) and isinstance(view.get("parent"), dict):
        parent_author = view["parent"].get("author")
        if isinstance(parent_author, dict) and _is_did(parent_author.get("did")):
            parent_did = parent_author["did"]
    if parent_did is None and isinstance(reply.get("parent"), dict):
        parsed = parse_at_uri(reply["parent"].get("uri"))
        if parsed is not None:
            parent_did = parsed[0]
    return "self_reply" if parent_did == did else "reply"


def post_links(record: Mapping[str, Any]) -> list[str]:
    """Links of a post record: link facets, then an external embed's URI."""
    links: list[str] = []
    facets = record.get("facets")
    for facet in facets[:100] if isinstance(facets, list) else ():
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features[:20] if isinstance(features, list) else ():
            if (isinstance(feature, dict)
                    and feature.get("$type") == "app.bsky.richtext.facet#link"):
                _add_link(links, feature.get("uri"))
    embed = record.get("embed")
    if isinstance(embed, dict):
        media = embed.get("media")
        if not isinstance(media, dict):
            media = embed
        external = media.get("external")
        if isinstance(external, dict):
            _add_link(links, external.get("uri"))
    return links[:_MAX_LINKS]


def _add_link(links: list[str], value: Any) -> None:
    if isinstance(value, str) and len(value) <= 2048 and is_http_url(value) \
            and value not in links:
        links.append(value)


def dedupe(items: tuple[Item, ...] | list[Item], *,
           pinned_uri: str | None = None) -> tuple[Item, ...]:
    """Items by id, newest first; a post seen both pinned and in the timeline is pinned.

    ``pinned_uri`` is the profile's ``pinnedPost``: that post is pinned wherever it is read.
    """
    by_id: dict[str, Item] = {}
    for item in items:
        if item.id == pinned_uri and item.kind != "repost" and not item.pinned:
            item = replace(item, pinned=True)
        seen = by_id.get(item.id)
        if seen is None:
            by_id[item.id] = item
        elif item.pinned and not seen.pinned:
            by_id[item.id] = replace(seen, pinned=True)
    return tuple(sorted(by_id.values(), key=lambda i: i.published_at, reverse=True))


# -- values --------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """An AT Protocol datetime ('2025-07-02T11:30:50.192Z', offsets, microseconds) in UTC;
    None before 1995 (a profile's dates; posts are judged by ``DateSieve``)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    parsed = parse_iso_time(value)
    return parsed if parsed is not None and parsed >= EARLIEST_POST else None


def _own_date(created: Any, indexed: Any) -> datetime | None:
    """The earlier of createdAt and indexedAt (a client can write any createdAt; the
    AppView sorts by the earlier). Not floored here: a backdated createdAt stays the
    post's date, for :class:`DateSieve` to refuse."""
    dates = [d for d in (_iso_time(created), _iso_time(indexed)) if d is not None]
    return min(dates) if dates else None


def _iso_time(value: Any) -> datetime | None:
    return parse_iso_time(value) if isinstance(value, str) and len(value) >= 10 else None


def _http(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and len(value) <= 2048 \
        and is_http_url(value) else None


def _media(embed: Any) -> int | None:
    """How many images or videos a post view's embed shows (0 for a link card or a quote
    without media, or no embed at all: the post view always says)."""
    if not isinstance(embed, dict):
        return 0
    kind = embed.get("$type")
    if kind == "app.bsky.embed.recordWithMedia#view":
        return _media(embed.get("media"))
    if kind == "app.bsky.embed.images#view":
        return attached(embed.get("images"))
    if kind == "app.bsky.embed.video#view":
        return 1
    return 0
