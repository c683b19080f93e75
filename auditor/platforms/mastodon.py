"""Mastodon and every fediverse server: its REST API where it answers, ActivityPub elsewhere.

Profiles on servers that speak the Mastodon API (Mastodon, Pleroma, Akkoma, Sharkey...)
are read through it: the account lookup, then the statuses, paged by the ``Link`` header.
Where the lookup shows there is no such API (404 or 410 without its JSON error, an HTML
page, anything but JSON), the profile is read through ActivityPub instead
(:mod:`auditor.platforms.activitypub`), as are the addresses of servers known to have
none: PeerTube accounts and channels (``/a/``, ``/accounts/``, ``/c/``,
``/video-channels/``) and Guppe groups (``/u/``). Every fediverse profile keeps the
platform name ``mastodon`` (the contract's list has no other name for them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from auditor.htmltext import read_fragment
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
from auditor.platforms.activitypub import Account, ActivityPubReader, describe
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    DateSieve,
    Failure,
    Fetch,
    KnownPosts,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
    outcome_for_status,
    parse_iso_time,
    parse_link_header,
)
from auditor.platforms.counts import attached, count
from auditor.platforms.timeline import Joined, as_full_read, join
from auditor.urls import host_of

#: ``/@user``, ``/@user@remote.host`` and ``/users/user`` (optionally followed by more path).
_PROFILE_PATH = re.compile(
    r"^/(?:@(?P<at>[A-Za-z0-9_.\-]+(?:@[A-Za-z0-9.\-]+)?)|users/(?P<users>[A-Za-z0-9_.\-]+))"
    r"(?P<rest>/.*)?$"
)
#: Tabs of a profile page: a link to one is a link to the profile (``/@x/123`` is a post).
_PROFILE_TABS = frozenset({"with_replies", "media"})
#: Addresses of servers without the Mastodon API, read through ActivityPub only: PeerTube
#: accounts (``/a/``, ``/accounts/``) and channels (``/c/``, ``/video-channels/``), Guppe
#: groups (``/u/``). Only the profile itself or one of its tabs: ``/c/news/12`` (a forum
#: category) is none.
_ACTIVITYPUB_PATH = re.compile(
    r"^/(?P<prefix>a|accounts|c|video-channels|u)/"
    r"(?P<name>[A-Za-z0-9_.\-]+(?:@[A-Za-z0-9.\-]+)?)(?P<rest>/[^/]*)?/?$")
_ACTIVITYPUB_TABS = frozenset({"videos", "video-channels", "video-playlists", "about",
                               "shorts", "lives"})
#: Each address prefix: the canonical one, the actor path on the server, and whether a
#: link found on a website counts as a profile (``/accounts/login`` and ``/u/name`` are
#: common on sites that are no fediverse server; ``/a/``, ``/c/`` and ``/video-channels/``
#: are what PeerTube itself shows and links).
_PREFIXES: Mapping[str, tuple[str, str, bool]] = {
    "@": ("@", "@", True),
    "users": ("@", "users/", True),
    "a": ("a/", "accounts/", True),
    "accounts": ("a/", "accounts/", False),
    "c": ("c/", "video-channels/", True),
    "video-channels": ("c/", "video-channels/", True),
    "u": ("u/", "u/", False),
}
#: The account's own feeds (/@user.rss, the legacy /users/user.atom) are read as feeds.
_FEED_SUFFIX = re.compile(r"\.(?:rss|atom|xml|json)$", re.I)
#: Placeholder images Mastodon (``missing.png``) and Pleroma/Akkoma (``avi.png``) serve.
_DEFAULT_AVATAR = re.compile(r"(/avatars/original/missing\.png|/images/avi\.png)(\?.*)?$")
_DEFAULT_HEADER = re.compile(r"(/headers/original/missing\.png|/images/banner\.png)(\?.*)?$")
_MAX_ITEMS_PER_PAGE = 200
#: The most statuses the API gives per page (``limit``; Mastodon's own maximum is 40).
API_PAGE_MAX = 40
#: The notes of an account whose statuses are not read (the lookup gives the verdict).
NEVER_POSTED = ("statuses not read: the server counts no post by this account, so there is "
                "nothing to read")
LAST_POST_OLD = ("statuses not read: the server dates the last post {date}, before the audit "
                 "window, so the verdict needs no more")


@dataclass(frozen=True, slots=True)
class _Address:
    """A fediverse profile address: its prefix (``@``, ``users``, ``a``, ``c``...), the
    name (``user`` or ``user@remote.host``) and what follows it."""

    prefix: str
    name: str
    rest: str

    @property
    def api(self) -> bool:
        """Whether the Mastodon API is asked first (only ``/@`` and ``/users/`` addresses)."""
        return self.prefix in ("@", "users")


def _address(url: str) -> _Address | None:
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if _FEED_SUFFIX.search(path):
        return None
    match = _PROFILE_PATH.match(path)
    if match is not None:
        prefix = "@" if match.group("at") else "users"
        return _Address(prefix, match.group("at") or match.group("users") or "",
                        (match.group("rest") or "").strip("/"))
    match = _ACTIVITYPUB_PATH.match(path)
    if match is not None:
        rest = (match.group("rest") or "").strip("/")
        if rest and rest.lower() not in _ACTIVITYPUB_TABS:
            return None
        return _Address(match.group("prefix"), match.group("name"), rest)
    return None


class MastodonAdapter(PlatformAdapter):
    platform = "mastodon"
    replies_observable = True
    unobservable: Mapping[str, str] = {}
    #: Mastodon itself dates from 2016, but the servers that answer its API (Pleroma,
    #: Akkoma, GoToSocial, Friendica ...) can carry posts imported from older fediverse
    #: software (GNU social and StatusNet, identi.ca from 2008): 2008, not 2016.
    earliest_post = datetime(2008, 1, 1, tzinfo=UTC)

    def claims(self, url: str) -> bool:
        return _address(url) is not None

    def is_profile(self, url: str) -> bool:
        address = _address(url)
        if address is None or not _PREFIXES[address.prefix][2]:
            return False
        rest = address.rest.lower()
        return not rest or rest in (_PROFILE_TABS if address.api else _ACTIVITYPUB_TABS)

    def profile_url(self, url: str) -> str:
        parts = urlsplit(url)
        address = _address(url)
        if address is None:
            raise ValueError(f"not a fediverse profile URL: {url}")
        path = f"/{_PREFIXES[address.prefix][0]}{address.name}"
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    def handle(self, url: str) -> str | None:
        address = _address(url)
        if address is None:
            return None
        if "@" in address.name:
            return f"@{address.name}"
        return f"@{address.name}@{urlsplit(url).hostname}"

    def start(self, target: Target, options: CrawlOptions) -> Step:
        address = _address(target.url)
        if address is not None and not address.api:
            return self._reader.start(target, options, _account(target.url, address))
        state = CrawlState(target=target, options=options, step="lookup")
        return Next(Fetch(lookup_url(target.url), "lookup", {"Accept": "application/json"}),
                    state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if self._reader.owns(state.step):
            return self._reader.advance(state, page)
        if state.step == "lookup":
            return self._after_lookup(state, page)
        if state.step == "since":
            return self._after_since(state, page)
        return self._after_statuses(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if self._reader.owns(state.step):
            return self._reader.fail(state, failure)
        return super().fail(state, failure)

    @property
    def _reader(self) -> ActivityPubReader:
        return ActivityPubReader(self)

    def _without_api(self, state: CrawlState, page: Page) -> Step:
        """The lookup shows the server has no Mastodon API: read the profile through
        ActivityPub, saying what the lookup answered if that finds nothing either."""
        address = _address(state.target.url)
        assert address is not None
        return self._reader.start(state.target, state.options,
                                  _account(state.target.url, address),
                                  tried=(f"{urlsplit(page.url).path}: {describe(page)}",),
                                  api_tried=True)

    # -- steps -------------------------------------------------------------------------

    def _after_lookup(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        api_error = _api_error(page)
        if _api_absent(page):
            # Something answered, but not a Mastodon API: a fediverse server of another
            # kind, or a site whose URL only looked like one.
            return self._without_api(state, page)
        ended = outcome_for_status(page.status)
        if ended is not None:
            outcome, detail = ended
            if page.status == 401:
                detail = "HTTP 401: the server closes its API to logged-out clients"
            if api_error:
                detail = f"{detail} ({cap_text(api_error, 200)})"
            return self.record(target, outcome, detail, fetched_at=page.fetched_at)
        try:
            account = page.json()
        except ValueError:
            outcome, detail = _unreadable_lookup(page)
            if outcome == "unsupported":
                return self._without_api(state, page)  # an HTML page, an image...
            return self.record(target, outcome, detail, fetched_at=page.fetched_at)
        if not isinstance(account, dict) or "id" not in account or "username" not in account:
            return self.record(target, "error", "account lookup: unexpected answer",
                               fetched_at=page.fetched_at)
        facts = _profile_facts(account)
        if facts.moved_to:
            return self.record(target, "gone", f"the account moved to {facts.moved_to}",
                               fetched_at=page.fetched_at, profile=facts)
        options = state.options
        not_needed = _posts_not_needed(facts, options)
        if not_needed is not None:
            # The lookup alone gives the verdict: no statuses page is asked for.
            return self.record(target, "ok", None, fetched_at=page.fetched_at, profile=facts,
                               items=(), sample=Sample(pages=0, exhausted=facts.posts_total == 0),
                               notes=(not_needed,))
        parts = urlsplit(page.url)
        account_id = quote(str(account["id"]), safe="")
        statuses = urlunsplit(
            (parts.scheme, parts.netloc, f"/api/v1/accounts/{account_id}/statuses",
             f"limit={page_size(options)}", "")
        )
        next_state = state.with_data(
            "statuses", account_id=str(account["id"]), facts=facts, items=(), pages=0,
            fetched_at=page.fetched_at, notes=(), full_url=statuses,
        )
        known = target.known
        delta = _new_posts(known, facts)
        if known is not None and delta == 0:
            joined = as_full_read(known.items, complete=known.exhausted,
                                  page_size=page_size(options), max_pages=options.max_pages,
                                  window_start=options.window_start)
            if joined is not None:  # nothing new: every post comes from the history
                return self._joined(next_state, joined)
        elif known is not None and delta is not None \
                and 0 < delta <= page_size(options) * options.max_pages:
            since = f"{statuses}&min_id={known.newest_id}"
            return Next(Fetch(since, "since", {"Accept": "application/json"}),
                        next_state.with_data("since", expected=delta, seen=0))
        return Next(Fetch(statuses, "statuses", {"Accept": "application/json"}), next_state)

    def _after_since(self, state: CrawlState, page: Page) -> Step:
        """Posts newer than the newest stored one (``min_id``, oldest first in pages of
        ``limit``, each page newest first); anything unexpected reads the timeline in full."""
        data = state.data
        known = state.target.known
        assert known is not None
        full = Next(Fetch(data["full_url"], "statuses", {"Accept": "application/json"}),
                    state.with_data("statuses", items=()))
        if outcome_for_status(page.status) is not None or not _is_json(page):
            return full
        try:
            statuses = page.json()
        except ValueError:
            return full
        if not isinstance(statuses, list) or len(statuses) > _MAX_ITEMS_PER_PAGE:
            return full
        dates = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="status(es)")
        items, skipped = _items(statuses, data["account_id"], dates)
        if skipped or dates.dropped:
            return full  # a full read notes what it skipped
        seen = data["seen"] + len(statuses)
        new = (*data["items"], *items)
        newer = parse_link_header(page.headers.get("link")).get("prev")
        if statuses and seen < data["expected"] and newer and host_of(newer) == host_of(page.url):
            return Next(Fetch(newer, "since", {"Accept": "application/json"}),
                        state.with_data("since", items=new, seen=seen))
        if seen != data["expected"]:
            return full  # posts were deleted or hidden meanwhile: the history is not enough
        joined = as_full_read(join(new, known), complete=known.exhausted,
                              page_size=page_size(state.options),
                              max_pages=state.options.max_pages,
                              window_start=state.options.window_start)
        if joined is None:
            return full
        return self._joined(state, joined)

    def _joined(self, state: CrawlState, joined: Joined) -> ProfileRecord:
        data = state.data
        return self.record(state.target, "ok", None, fetched_at=data["fetched_at"],
                           profile=data["facts"], items=joined.items, sample=joined.sample,
                           notes=tuple(data["notes"]))

    def _after_statuses(self, state: CrawlState, page: Page) -> Step:
        data = state.data
        target = state.target
        ended = outcome_for_status(page.status)
        if ended is not None or not _is_json(page):
            outcome, detail = ended or ("error", "statuses: not JSON")
            if data["pages"] > 0:
                # Earlier pages were read: keep them and say the sample stops here.
                return self._finish(state, page, exhausted=False,
                                    note=f"statuses page {data['pages'] + 1}: {detail}")
            return self.record(target, outcome, f"statuses: {detail}",
                               fetched_at=data["fetched_at"], profile=data["facts"])
        try:
            statuses = page.json()
        except ValueError:
            statuses = None
        if not isinstance(statuses, list):
            if data["pages"] > 0:
                return self._finish(state, page, exhausted=False,
                                    note=f"statuses page {data['pages'] + 1}: unexpected answer")
            return self.record(target, "error", "statuses: unexpected answer",
                               fetched_at=data["fetched_at"], profile=data["facts"])
        dates = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="status(es)")
        items, skipped = _items(statuses[:_MAX_ITEMS_PER_PAGE], data["account_id"], dates)
        notes = data["notes"]
        if skipped:
            notes = (*notes, f"{skipped} unreadable status(es) skipped")
        notes = (*notes, *dates.notes())
        all_items = (*data["items"], *items)
        pages = data["pages"] + 1
        state = state.with_data("statuses", items=all_items, pages=pages, notes=notes)
        next_url = parse_link_header(page.headers.get("link")).get("next")
        if not statuses or not next_url:
            return self._finish(state, page, exhausted=True)
        oldest = min((i.published_at for i in items), default=None)
        if oldest is not None and oldest < state.options.window_start:
            return self._finish(state, page, exhausted=False)
        if pages >= state.options.max_pages:
            return self._finish(state, page, exhausted=False, cap_reached=True)
        if host_of(next_url) != host_of(page.url):
            # A server may only page through its own API; never follow it elsewhere.
            return self._finish(state, page, exhausted=False,
                                note=f"next page on another host ignored: {host_of(next_url)}")
        return Next(Fetch(next_url, "statuses", {"Accept": "application/json"}), state)

    def _finish(self, state: CrawlState, page: Page, *, exhausted: bool,
                cap_reached: bool = False, note: str | None = None) -> ProfileRecord:
        data = state.data
        notes = tuple(data["notes"]) + ((note,) if note else ())
        items = tuple(sorted(data["items"], key=lambda i: i.published_at, reverse=True))
        return self.record(
            state.target, "ok", None,
            fetched_at=data["fetched_at"],
            profile=data["facts"],
            items=items,
            sample=Sample(pages=data["pages"], page_cap_reached=cap_reached, exhausted=exhausted),
            notes=notes,
        )


_LOGIN_PATH = re.compile(r"/(?:auth/sign_in|users/sign_in|login|signin|sign_in)\b", re.I)
_CAPTCHA = re.compile(rb"captcha|cf-chl|challenge-platform|verify you are human", re.I)


def _unreadable_lookup(page: Page) -> tuple[str, str]:
    """Outcome and detail for a lookup answer that is not JSON: why it could not be read."""
    path = urlsplit(page.url).path
    kind = page.headers.get("content-type", "no content type")
    if _LOGIN_PATH.search(path):
        return "login_wall", f"the account lookup was redirected to a login page ({path})"
    if _CAPTCHA.search(page.body[:65536]):
        return "blocked", "the server answered with a captcha page"
    if not page.body.strip():
        return "error", f"account lookup: empty answer (HTTP {page.status}, {kind})"
    if "json" in kind.lower():
        return "error", f"account lookup: invalid or truncated JSON ({len(page.body)} bytes)"
    return "unsupported", (f"{urlsplit(page.url).hostname} did not answer with Mastodon API "
                           f"JSON (HTTP {page.status}, {kind})")


def page_size(options: CrawlOptions) -> int:
    """Statuses asked per page: the audit's page size, at most what the API gives."""
    return max(1, min(options.page_size, API_PAGE_MAX))


def _posts_not_needed(facts: ProfileFacts, options: CrawlOptions) -> str | None:
    """Why the statuses need not be read, or None when they must.

    Only where the audit says how far back posts matter (``lookup_enough_before``, which
    :func:`auditor.crawl.crawl_plan` sets). An account the server counts no post of and
    dates no last post of has none to read. An account whose last post
    the server dates before ``options.lookup_enough_before`` (the window start or the DEAD
    threshold, whichever is earlier, less a day: the server gives a day, not a time) has
    no post in the window: its rates and shares are the same without reading any, and it
    is DEAD either way. Accounts of at most ``never_used_max_posts`` posts are read all the
    same: their NEVER_USED evidence lists the posts."""
    before = options.lookup_enough_before
    if before is None:
        return None  # the audit did not say from when the posts are needed: read them
    total = facts.posts_total
    last = facts.last_post_reported_at
    if total == 0 and last is None:
        return NEVER_POSTED  # (a server that hides the count still dates the last post)
    if last is None or total is None or total <= options.never_used_max_posts:
        return None
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last < before:
        return LAST_POST_OLD.format(date=f"{last:%Y-%m-%d}")
    return None


def _new_posts(known: KnownPosts | None, facts: ProfileFacts) -> int | None:
    """How many posts the account published since ``known`` was stored, by the server's
    count; None when that cannot be told (no count, no usable newest id). A new post on
    the day of the newest stored one with one deleted meanwhile is not seen (the count and
    the day stay the same): the price of asking nothing for an unchanged account."""
    if known is None or known.newest_id is None or known.posts_total is None \
            or facts.posts_total is None:
        return None
    delta = facts.posts_total - known.posts_total
    if delta == 0 and facts.last_post_reported_at != known.last_post_reported_at:
        return None
    return delta


def lookup_url(url: str) -> str:
    """The account lookup of a ``/@`` or ``/users/`` profile address."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/api/v1/accounts/lookup",
                       f"acct={quote(_acct(url), safe='@')}", ""))


def _acct(url: str) -> str:
    address = _address(url)
    if address is None:
        raise ValueError(f"not a Mastodon profile URL: {url}")
    return address.name


def _account(url: str, address: _Address) -> Account:
    """Whom WebFinger is asked for, and the address that gives the actor without it."""
    parts = urlsplit(url)
    user, _, remote = address.name.partition("@")
    direct = None
    if not remote:
        actor_path = _PREFIXES[address.prefix][1]
        direct = urlunsplit((parts.scheme, parts.netloc, f"/{actor_path}{user}", "", ""))
    return Account(user=user, domain=remote or parts.netloc, scheme=parts.scheme or "https",
                   direct=direct)


def _is_json(page: Page) -> bool:
    return "json" in page.headers.get("content-type", "").lower() or page.body[:1] in (b"{", b"[")


def _api_absent(page: Page) -> bool:
    """True when the lookup's answer says there is no Mastodon API at all: a 404 (or 400,
    405, 410, 501) that is no JSON, or JSON without the API's ``error`` sentence (Misskey
    answers unknown endpoints with an error object, other servers with their own shapes).
    A 404 with the API's own ``{"error": "Record not found"}``, or a JSON answer with no
    body, is the API speaking."""
    if page.status not in (400, 404, 405, 410, 501):
        return False
    if not _is_json(page):
        return True
    try:
        body = page.json()
    except ValueError:
        return False
    return not (isinstance(body, dict) and isinstance(body.get("error"), str))


def _api_error(page: Page) -> str | None:
    try:
        body = page.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return None


def _parse_time(value: Any) -> datetime | None:
    """Mastodon timestamps ('2026-04-11T12:08:00.687Z') and dates ('2026-04-11') as aware UTC."""
    return parse_iso_time(value)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _profile_facts(account: Mapping[str, Any]) -> ProfileFacts:
    bio = read_fragment(account.get("note") if isinstance(account.get("note"), str) else "")
    fields: list[ProfileField] = []
    links: list[str] = list(bio.links)
    for raw in account.get("fields") or ():
        if not isinstance(raw, dict):
            continue
        value = read_fragment(raw.get("value") if isinstance(raw.get("value"), str) else "")
        fields.append(ProfileField(
            name=cap_text(str(raw.get("name") or ""), MAX_NAME_CHARS) or "",
            value=cap_text(value.text, MAX_NAME_CHARS * 2) or "",
            links=value.links,
            verified=bool(raw.get("verified_at")),
        ))
        links.extend(link for link in value.links if link not in links)
    avatar = _str_or_none(account.get("avatar"))
    header = _str_or_none(account.get("header"))
    moved = account.get("moved")
    moved_to = None
    if isinstance(moved, dict):
        moved_to = _str_or_none(moved.get("url")) or _str_or_none(moved.get("acct"))
    display_name = account.get("display_name")
    return ProfileFacts(
        display_name=cap_text(display_name, MAX_NAME_CHARS) if isinstance(display_name, str)
        else None,
        username=_str_or_none(account.get("username")),
        bio=cap_text(bio.text, MAX_BIO_CHARS),
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else bool(_DEFAULT_AVATAR.search(avatar)),
        banner_url=header,
        banner_is_default=None if header is None else bool(_DEFAULT_HEADER.search(header)),
        links=tuple(links),
        fields=tuple(fields),
        created_at=_parse_time(account.get("created_at")),
        posts_total=_int_or_none(account.get("statuses_count")),
        last_post_reported_at=_parse_time(account.get("last_status_at")),
        followers=_int_or_none(account.get("followers_count")),
        moved_to=moved_to,
        bot=account.get("bot") if isinstance(account.get("bot"), bool) else None,
    )


def _items(statuses: list[Any], account_id: str,
           dates: DateSieve | None = None) -> tuple[list[Item], int]:
    """Items of a statuses page and how many statuses were unreadable; a status whose
    date ``dates`` refuses is left out and counted there."""
    items: list[Item] = []
    skipped = 0
    for status in statuses:
        if not isinstance(status, dict):
            skipped += 1
            continue
        published = _parse_time(status.get("created_at"))
        if published is None or status.get("id") is None:
            skipped += 1
            continue
        if dates is not None and not dates.keep(published):
            continue
        reply_to = status.get("in_reply_to_account_id")
        if isinstance(status.get("reblog"), dict):
            kind = "repost"
        elif reply_to is None:
            kind = "original"
        elif str(reply_to) == account_id:
            kind = "self_reply"
        else:
            kind = "reply"
        content = read_fragment(status.get("content") if isinstance(status.get("content"), str)
                                else "")
        url = _str_or_none(status.get("url")) or _str_or_none(status.get("uri"))
        # a boost's counts are the boosted post's, someone else's: not the account's
        likes, shares, comments, media = ((None, None, None, None) if kind == "repost"
                                          else _interactions(status))
        items.append(Item(
            id=str(status["id"]),
            published_at=published,
            kind=kind,
            url=url,
            pinned=status.get("pinned") is True,
            text=cap_text(content.text) or "",
            links=content.links[:20],
            likes=likes, shares=shares, comments=comments, media=media,
        ))
    return items, skipped


def _interactions(status: Mapping[str, Any]
                  ) -> tuple[int | None, int | None, int | None, int | None]:
    """The status's public counts (favourites, boosts, replies) and how many media."""
    return (count(status.get("favourites_count")), count(status.get("reblogs_count")),
            count(status.get("replies_count")), attached(status.get("media_attachments")))
