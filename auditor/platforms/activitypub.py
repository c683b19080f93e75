"""Fediverse profiles read through ActivityPub: WebFinger, the actor, its paged outbox.

The Mastodon adapter reads servers that speak the Mastodon API through that API (it is
richer); this chain reads the others (PeerTube, Misskey, Pixelfed, Friendica, Mobilizon,
WordPress with ActivityPub, Guppe groups...) through the documents every ActivityPub
server publishes, on the adapter's behalf (its records keep the adapter's platform):

1. ``/.well-known/webfinger?resource=acct:user@host`` names the actor (when WebFinger
   names none, the profile's own address is asked for the actor instead);
2. the actor (``Accept: application/activity+json``): name, summary, icon, image,
   ``attachment`` fields, ``published``, ``movedTo``; its followers collection's
   ``totalItems``;
3. the outbox (``OrderedCollection``), read page by page (``first``, then ``next``) until
   the window is covered, the history ends or the page cap is reached, as the Mastodon
   adapter pages its statuses. An outbox that lists its oldest posts first (PeerTube) is
   read from its newest page backwards (``last``, or the page its ``totalItems`` gives,
   then ``prev``). A PeerTube channel's outbox only announces its videos, without dates:
   they are read from its owner account's outbox instead.

A server that only answers signed requests ("authorized fetch": 401, or an actor that is
only a key) is ``blocked``, never ``gone``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from auditor.models import ProfileRecord, Sample, cap_text
from auditor.platforms.activitydocs import (
    DATE_REFUSED,
    NOT_A_POST,
    UNDATED,
    Post,
    actor_facts,
    classify,
    collection_entries,
    collection_total,
    is_actor,
    is_key_stub,
    is_tombstone,
    owner_of,
    read_entry,
    ref,
    self_ids,
    types_of,
    webfinger_actor,
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
)
from auditor.urls import host_of, is_http_url

#: Why a server that only answers signed requests shows nothing (``detail.authorized_fetch``).
AUTHORIZED_FETCH: Final = "the server only answers signed requests (authorized fetch)"
#: No Mastodon API and no ActivityPub either (``detail.no_fediverse``).
NO_FEDIVERSE: Final = "{host} answers neither the Mastodon API nor ActivityPub ({reasons})"
#: A profile address that only ActivityPub could read, and it did not answer
#: (``detail.no_activitypub``).
NO_ACTIVITYPUB: Final = "{host} does not answer ActivityPub ({reasons})"
TOMBSTONE: Final = "the account was deleted (the server shows a Tombstone)"
MOVED: Final = "the account moved to {target}"
NO_OUTBOX: Final = "the actor names no outbox"
NO_PAGES: Final = "the outbox names no page of posts"
OLDEST_FIRST: Final = ("the outbox lists its oldest posts first and does not say where its "
                       "newest are, so its posts were not used")
LINKS_ONLY: Final = ("the outbox lists its posts by address only, so replies cannot be told "
                     "from other posts")
VIA_OWNER: Final = ("the channel's outbox gives its videos no dates; they were read from the "
                    "outbox of {owner}")
UNDATED_ITEMS: Final = "{n} outbox item(s) without a date, skipped"
UNREADABLE_ITEMS: Final = "{n} unreadable outbox item(s) skipped"
OTHER_HOST: Final = "next page on another host ignored: {host}"
LOOP: Final = "the outbox leads back to a page already read"

ACTIVITY_JSON: Final = ('application/activity+json, application/ld+json; '
                        'profile="https://www.w3.org/ns/activitystreams"')
_AP_HEADERS: Final = {"Accept": ACTIVITY_JSON}
_JRD_HEADERS: Final = {"Accept": "application/jrd+json, application/json"}
#: Placeholder images: Mastodon's, Pleroma/Akkoma's, Friendica's, Pixelfed's, and the logo
#: every Guppe group shows.
_DEFAULT_AVATAR = re.compile(r"(/avatars/original/missing\.png|/images/avi\.png"
                             r"|/images/person-\d+\.jpe?g|/storage/avatars/default\.(?:jpe?g|png)"
                             r"|//gup\.pe/f/guppe\.png)(\?.*)?$", re.I)
_DEFAULT_HEADER = re.compile(r"(/headers/original/missing\.png|/images/banner\.png)(\?.*)?$",
                             re.I)


@dataclass(frozen=True, slots=True)
class Account:
    """Whom to look up: ``acct:user@domain`` over ``scheme``, and the profile's own address
    to ask for the actor when WebFinger names none."""

    user: str
    domain: str
    scheme: str = "https"
    direct: str | None = None


@dataclass(frozen=True, slots=True)
class _End:
    """How the outbox reading ended (kept while the followers count is asked)."""

    exhausted: bool
    cap_reached: bool = False
    note: str | None = None
    unknown: bool = False


def describe(page: Page) -> str:
    """A page's status and content type, as the reasons in a detail give them."""
    kind = page.headers.get("content-type", "") or "no content type"
    return f"HTTP {page.status}, {cap_text(kind.split(';')[0].strip() or kind, 60)}"


class ActivityPubReader:
    """The ActivityPub request chain, run for ``adapter`` (its steps are named ``ap_*``)."""

    def __init__(self, adapter: PlatformAdapter) -> None:
        self.adapter = adapter

    @staticmethod
    def owns(step: str) -> bool:
        return step.startswith("ap_")

    # -- the start ----------------------------------------------------------------------

    def start(self, target: Target, options: CrawlOptions, account: Account, *,
              tried: tuple[str, ...] = (), api_tried: bool = False) -> Step:
        """Ask WebFinger for ``account``; ``tried`` holds what earlier surfaces answered."""
        resource = quote(f"acct:{account.user}@{account.domain}", safe=":@")
        url = urlunsplit((account.scheme, account.domain, "/.well-known/webfinger",
                          f"resource={resource}", ""))
        state = CrawlState(target=target, options=options, step="ap_webfinger", data={
            "tried": tried, "api_tried": api_tried, "direct": account.direct,
            "host": host_of(target.url),
        })
        return Next(Fetch(url, "ap_webfinger", _JRD_HEADERS), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        step = state.step
        if step == "ap_webfinger":
            return self._after_webfinger(state, page)
        if step in ("ap_actor", "ap_direct"):
            return self._after_actor(state, page)
        if step == "ap_followers":
            return self._after_followers(state, page)
        if step == "ap_owner":
            return self._after_owner(state, page)
        if step == "ap_outbox":
            return self._after_outbox(state, page)
        return self._after_page(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        """A fetch of the chain that brought no answer (network, robots.txt, replay)."""
        outcome, detail = outcome_for_failure(failure)
        data = state.data
        if state.step == "ap_followers":
            return self._record(state, data["end"])  # the count is a nicety
        if state.step == "ap_page" and data.get("pages"):
            return self._record(state, _End(
                exhausted=False, note=f"outbox page {data['pages'] + 1}: {detail}"))
        if state.step in ("ap_outbox", "ap_page", "ap_owner"):
            return self._record(state, _End(exhausted=False, unknown=True,
                                            note=f"outbox: {detail}"))
        return self.adapter.record(state.target, outcome, detail)

    # -- discovery: WebFinger, then the actor ---------------------------------------------

    def _after_webfinger(self, state: CrawlState, page: Page) -> Step:
        wall = login_redirect(page, "WebFinger")
        if wall is not None:
            return self.adapter.record(state.target, *wall, fetched_at=page.fetched_at)
        ended = self._refused(page)
        if ended is not None:
            return self.adapter.record(state.target, *ended, fetched_at=page.fetched_at)
        actor = None
        if 200 <= page.status < 300:
            try:
                actor = webfinger_actor(page.json())
            except ValueError:
                actor = None
        if actor is not None:
            return Next(Fetch(actor, "ap_actor", _AP_HEADERS), state.with_data("ap_actor"))
        tried = (*state.data["tried"], f"WebFinger: {describe(page)}")
        direct = state.data.get("direct")
        if direct:
            return Next(Fetch(direct, "ap_direct", _AP_HEADERS),
                        state.with_data("ap_direct", tried=tried))
        return self._not_fediverse(state, tried, page)

    def _refused(self, page: Page) -> tuple[str, str] | None:
        """The outcome of a status that ends the chain whatever surface answered it: gone,
        blocked (401: authorized fetch), rate limited, a server error."""
        if page.status == 401:
            return "blocked", f"HTTP 401: {AUTHORIZED_FETCH}"
        if page.status == 410 or page.status in (403, 429, 451, 503, 999) or page.status >= 500:
            return outcome_for_status(page.status)
        return None

    def _not_fediverse(self, state: CrawlState, tried: tuple[str, ...],
                       page: Page) -> ProfileRecord:
        template = NO_FEDIVERSE if state.data.get("api_tried") else NO_ACTIVITYPUB
        detail = template.format(host=state.data["host"], reasons="; ".join(tried))
        return self.adapter.record(state.target, "unsupported", detail,
                                   fetched_at=page.fetched_at)

    def _after_actor(self, state: CrawlState, page: Page) -> Step:
        direct = state.step == "ap_direct"
        target = state.target
        wall = login_redirect(page, "the actor")
        if wall is not None:
            return self.adapter.record(target, *wall, fetched_at=page.fetched_at)
        ended = self._refused(page)
        if ended is not None:
            return self.adapter.record(target, *ended, fetched_at=page.fetched_at)
        doc = _json_object(page) if 200 <= page.status < 300 else None
        if doc is not None and is_tombstone(doc):
            return self.adapter.record(target, "gone", TOMBSTONE, fetched_at=page.fetched_at)
        if doc is None or not is_actor(doc):
            if direct:
                tried = (*state.data["tried"], f"{page.url}: {describe(page)}")
                return self._not_fediverse(state, tried, page)
            if page.status == 404:
                ended = outcome_for_status(404)
                assert ended is not None
                return self.adapter.record(target, *ended, fetched_at=page.fetched_at)
            detail = ("actor: unexpected answer" if doc is not None
                      else f"actor: not ActivityPub JSON ({describe(page)})")
            return self.adapter.record(target, "error", detail, fetched_at=page.fetched_at)
        if is_key_stub(doc):
            return self.adapter.record(target, "blocked", AUTHORIZED_FETCH,
                                       fetched_at=page.fetched_at)
        facts = actor_facts(doc)
        avatar, banner = facts.avatar_url, facts.banner_url
        facts = replace(
            facts,
            avatar_is_default=None if avatar is None else bool(_DEFAULT_AVATAR.search(avatar)),
            banner_is_default=None if banner is None else bool(_DEFAULT_HEADER.search(banner)),
        )
        if facts.moved_to:
            return self.adapter.record(target, "gone", MOVED.format(target=facts.moved_to),
                                       fetched_at=page.fetched_at, profile=facts)
        followers = doc.get("followers")
        outbox = doc.get("outbox")
        total = collection_total(followers)
        if total is not None:
            facts = replace(facts, followers=total)
        state = state.with_data(
            "ap_outbox", facts=facts, fetched_at=page.fetched_at, notes=(),
            own=self_ids(doc, page.url), actor=ref(doc.get("id")) or page.url,
            owner=owner_of(doc) if "Group" in types_of(doc) else None,
            outbox=outbox if isinstance(outbox, (str, dict)) else None,
            followers=(followers if total is None and isinstance(followers, str)
                       and is_http_url(followers) else None),
        )
        return self._continue_to_outbox(state)

    def _after_followers(self, state: CrawlState, page: Page) -> ProfileRecord:
        # Servers hide the list freely (Misskey answers 403); only the count is wanted.
        doc = _json_object(page) if 200 <= page.status < 300 else None
        total = collection_total(doc)
        if total is not None:
            state = state.with_data(state.step, facts=replace(state.data["facts"],
                                                              followers=total))
        return self._record(state, state.data["end"])

    def _continue_to_outbox(self, state: CrawlState) -> Step:
        outbox = state.data.get("outbox")
        state = state.with_data("ap_outbox", posts=(), head=(), pages=0, seen=(),
                                direction="next", decided=False, oldest_first=False,
                                undated=0, unreadable=0, filter=state.data.get("filter"))
        if isinstance(outbox, dict):
            return self._read_collection(state, outbox, state.data["fetched_at"])
        if not isinstance(outbox, str) or not is_http_url(outbox):
            return self._end(state, exhausted=False, unknown=True, note=NO_OUTBOX)
        return Next(Fetch(outbox, "ap_outbox", _AP_HEADERS), state)

    # -- a PeerTube channel: its videos from its owner account's outbox -------------------

    def _after_owner(self, state: CrawlState, page: Page) -> Step:
        doc = _json_object(page) if 200 <= page.status < 300 else None
        outbox = doc.get("outbox") if doc is not None and is_actor(doc) else None
        if not isinstance(outbox, str) or not is_http_url(outbox):
            return self._end(state, exhausted=False, unknown=True,
                             note=f"{page.url}: {describe(page)}")
        owner = ref(doc.get("id")) if doc is not None else None
        state = state.with_data(
            state.step, outbox=outbox,
            notes=(*state.data["notes"], VIA_OWNER.format(owner=owner or page.url)),
            filter=tuple(sorted(state.data["own"])))
        return self._continue_to_outbox(state)

    # -- the outbox ------------------------------------------------------------------------

    def _after_outbox(self, state: CrawlState, page: Page) -> Step:
        problem = self._collection_problem(state, page)
        if problem is not None:
            return problem
        doc = _json_object(page)
        assert doc is not None
        return self._read_collection(state, doc, page.fetched_at, url=page.url)

    def _collection_problem(self, state: CrawlState, page: Page) -> Step | None:
        """What follows an outbox or page that could not be read, or None when it can be.

        Before any page: 401 (authorized fetch), 403 and a rate limit are the outcome,
        with the profile kept; anything else leaves the posts unknown. After a page: the
        sample stops there."""
        data = state.data
        if 200 <= page.status < 300 and _json_object(page) is not None:
            return None
        ended = outcome_for_status(page.status)
        if page.status == 401:
            ended = ("blocked", f"HTTP 401: {AUTHORIZED_FETCH}")
        if ended is not None and ended[0] in ("blocked", "rate_limited"):
            detail = ended[1]
        else:
            detail = describe(page) if 200 <= page.status < 300 else f"HTTP {page.status}"
        if data.get("pages"):
            return self._end(state, exhausted=False,
                             note=f"outbox page {data['pages'] + 1}: {detail}")
        if ended is not None and ended[0] in ("blocked", "rate_limited"):
            return self.adapter.record(state.target, ended[0], f"outbox: {detail}",
                                       fetched_at=data["fetched_at"], profile=data["facts"])
        return self._end(state, exhausted=False, unknown=True, note=f"outbox: {detail}")

    def _read_collection(self, state: CrawlState, doc: Mapping[str, Any],
                         fetched_at: datetime, url: str | None = None) -> Step:
        total = collection_total(doc)
        if total is not None and not state.data.get("filter"):
            state = state.with_data(state.step, facts=replace(state.data["facts"],
                                                              posts_total=total))
        state = state.with_data(state.step, last=ref(doc.get("last")), total=total)
        first = doc.get("first")
        if isinstance(first, dict):
            return self._read_page(state, first, fetched_at, url=ref(first))
        first_url = ref(first)
        if first_url is not None and is_http_url(first_url):
            return Next(Fetch(first_url, "ap_page", _AP_HEADERS), state.with_data("ap_page"))
        if collection_entries(doc) is not None:  # the collection holds its items (Pixelfed)
            return self._read_page(state, doc, fetched_at, url=url, inline_total=total)
        if total == 0:
            return self._end(state, exhausted=True)
        return self._end(state, exhausted=False, unknown=True, note=NO_PAGES)

    def _after_page(self, state: CrawlState, page: Page) -> Step:
        problem = self._collection_problem(state, page)
        if problem is not None:
            return problem
        doc = _json_object(page)
        assert doc is not None
        return self._read_page(state, doc, page.fetched_at, url=page.url)

    def _read_page(self, state: CrawlState, doc: Mapping[str, Any], fetched_at: datetime, *,
                   url: str | None, inline_total: int | None = None) -> Step:
        data = state.data
        options = state.options
        entries = collection_entries(doc) or []
        sieve = DateSieve(fetched_at=fetched_at, earliest=self.adapter.earliest_post,
                          noun="post(s)")
        read: list[Post] = []
        undated = unreadable = 0
        for entry in entries:
            post = read_entry(entry, sieve)
            if isinstance(post, Post):
                read.append(post)
            elif post == UNDATED:
                undated += 1
            elif post not in (NOT_A_POST, DATE_REFUSED):
                unreadable += 1
        wanted = data.get("filter")
        kept = read if not wanted else [
            post for post in read
            if {owner.rstrip("/") for owner in post.attributed_to} & set(wanted)]
        pages = data["pages"] + 1
        seen = (*data["seen"], *([url] if url else []))
        state = state.with_data(
            "ap_page", pages=pages, seen=seen, undated=data["undated"] + undated,
            unreadable=data["unreadable"] + unreadable,
            notes=(*data["notes"], *sieve.notes()))
        direction = data["direction"]
        following = ref(doc.get(direction))
        dates = [post.item.published_at for post in read]

        if not data["decided"]:
            state = state.with_data("ap_page", decided=True)
            if not read and undated and data.get("owner") and not wanted \
                    and host_of(data["owner"]) == host_of(data["actor"]):
                # A PeerTube channel: undated announces of its videos; its account has them.
                return Next(Fetch(data["owner"], "ap_owner", _AP_HEADERS),
                            state.with_data("ap_owner"))
            if len(dates) >= 2 and dates[0] < dates[-1] and following:
                newest = self._newest_page(state, doc, url, len(entries))
                if newest is not None and newest not in seen:
                    # Oldest first (PeerTube): keep this page aside, read from the end.
                    state = state.with_data("ap_page", head=tuple(kept), direction="prev")
                    return Next(Fetch(newest, "ap_page", _AP_HEADERS), state)
                state = state.with_data("ap_page", oldest_first=True)
        state = state.with_data("ap_page", posts=(*state.data["posts"], *kept))

        if not entries or not following:
            exhausted = inline_total is None or inline_total <= len(entries)
            return self._end(state, exhausted=exhausted)
        if direction == "prev" and following in seen:
            return self._end(state, exhausted=True)  # back at the first page: all read
        reading_back = direction == "prev" or not state.data["oldest_first"]
        if reading_back and dates and min(dates) < options.window_start:
            return self._end(state, exhausted=False)
        if pages >= options.max_pages:
            return self._end(state, exhausted=False, cap_reached=True)
        if not is_http_url(following) or host_of(following) != host_of(url or data["actor"]):
            return self._end(state, exhausted=False,
                             note=OTHER_HOST.format(host=host_of(following) or following))
        if following in seen:
            return self._end(state, exhausted=False, note=LOOP)
        return Next(Fetch(following, "ap_page", _AP_HEADERS), state)

    @staticmethod
    def _newest_page(state: CrawlState, doc: Mapping[str, Any], url: str | None,
                     size: int) -> str | None:
        """Where an oldest-first outbox keeps its newest posts: its ``last`` page, or the
        page number its ``totalItems`` gives when pages are numbered (PeerTube's
        ``?page=N``)."""
        last = state.data.get("last")
        if isinstance(last, str) and is_http_url(last):
            return last
        total = state.data.get("total")
        if total is None:
            total = collection_total(doc)
        if not url or not total or size <= 0:
            return None
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if not any(name == "page" and value.isdigit() for name, value in query):
            return None
        number = math.ceil(total / size)
        if number <= 1:
            return None
        query = [(name, str(number) if name == "page" else value) for name, value in query]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    # -- the record --------------------------------------------------------------------------

    def _end(self, state: CrawlState, *, exhausted: bool, cap_reached: bool = False,
             note: str | None = None, unknown: bool = False) -> Step:
        """The outbox is read: ask the followers collection for its count, then record."""
        end = _End(exhausted=exhausted, cap_reached=cap_reached, note=note, unknown=unknown)
        followers = state.data.get("followers")
        if followers:
            return Next(Fetch(followers, "ap_followers", _AP_HEADERS),
                        state.with_data("ap_followers", end=end))
        return self._record(state, end)

    def _record(self, state: CrawlState, end: _End) -> ProfileRecord:
        """The finished record: the profile, and the posts unless they are unknown."""
        exhausted, cap_reached, note, unknown = (end.exhausted, end.cap_reached, end.note,
                                                 end.unknown)
        data = state.data
        notes = list(data.get("notes", ()))
        posts = list(data.get("posts", ()))
        if exhausted:
            posts.extend(data.get("head", ()))
        if data.get("undated"):
            notes.append(UNDATED_ITEMS.format(n=data["undated"]))
        if data.get("unreadable"):
            notes.append(UNREADABLE_ITEMS.format(n=data["unreadable"]))
        if note:
            notes.append(note)
        if data.get("oldest_first") and not exhausted and not unknown:
            unknown = True
            notes.append(OLDEST_FIRST)
        sample = None
        items: tuple[Any, ...] = ()
        if not unknown:
            items = tuple(sorted(classify(posts, frozenset(data.get("own", ()))),
                                 key=lambda item: item.published_at, reverse=True))
            sample = Sample(pages=data.get("pages", 0), page_cap_reached=cap_reached,
                            exhausted=exhausted)
        hidden = not unknown and any(not post.content_shown for post in posts)
        if hidden:
            notes.append(LINKS_ONLY)
        record = self.adapter.record(
            state.target, "ok", None, fetched_at=data.get("fetched_at"),
            profile=data.get("facts"), items=items, sample=sample, notes=tuple(notes))
        return replace(record, replies_observable=False) if hidden else record


def _json_object(page: Page) -> dict[str, Any] | None:
    """The body as a JSON object, or None (not JSON, or JSON of another shape)."""
    try:
        doc = page.json()
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None
