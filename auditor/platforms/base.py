"""The interface every platform adapter implements, and the pieces they share.

An adapter is a pure page object: it is handed what was fetched (url, status, headers,
body, fetched_at) and answers with the next request to make or the finished record.
It never fetches anything itself and never raises on a bad page: a page it cannot read
becomes a record with an outcome.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from auditor.apicost import XSettings
from auditor.credentials import ApiCredentials
from auditor.i18n import N_
from auditor.models import Item, ProfileRecord, cap_text

#: The default floor for a post's date: before the web had feeds and profiles.
EARLIEST_POST = datetime(1995, 1, 1, tzinfo=UTC)
#: How far past the fetch a date may be (clock skew, time zones) before it is impossible.
FUTURE_SLACK = timedelta(days=1)


#: Failure kinds the I/O layer reports when no response could be had.
FAILURE_KINDS = (
    "timeout",
    "dns",
    "connection",
    "tls",
    "robots",
    "refused",
    "not_in_replay",
    "too_large",
    "parser",
    "other",
)


@dataclass(frozen=True, slots=True)
class Target:
    """One profile listed in the config, ready to crawl."""

    url: str
    platform: str
    organisation: str | None = None
    role: str | None = None
    source_url: str | None = None
    #: Whether a verdict compares this profile's photo with others' (its organisation has
    #: enough profiles for the comparison): only then are the avatar's bytes fetched.
    compare_photo: bool = True
    #: What an earlier audit stored of this profile's posts (the history's timeline), so
    #: that only newer posts are asked for; None: read everything.
    known: KnownPosts | None = None


@dataclass(frozen=True, slots=True)
class KnownPosts:
    """A profile's posts as an earlier audit read them, kept in the history.

    ``items`` newest first, as the crawl read them (not cut to any window); ``exhausted``:
    they are the account's whole history; ``posts_total``: the count the platform gave
    then. A re-audit asks only for posts newer than ``newest_id`` and takes the rest
    from here when the platform's new count adds up (nothing was deleted)."""

    newest_id: str | None
    posts_total: int | None
    items: tuple[Item, ...]
    exhausted: bool
    last_post_reported_at: datetime | None = None
    #: Pages the read that stored them took (Bluesky, Telegram: their pages are cut anew
    #: from these posts only when every page held the same number); None: not said.
    pages: int | None = None


#: Where each platform with a fixed home is read; ``[endpoints]`` in the config overrides
#: them (self-hosted instances, and tests that point every adapter at a local server).
DEFAULT_ENDPOINTS: Mapping[str, str] = {
    "bluesky": "https://public.api.bsky.app",
    "youtube": "https://www.youtube.com",
    "telegram": "https://t.me",
    "linkedin": "https://www.linkedin.com",
    "x": "https://x.com",
    "facebook": "https://www.facebook.com",
    "instagram": "https://www.instagram.com",
    "threads": "https://www.threads.net",
    "tiktok": "https://www.tiktok.com",
    "reddit": "https://www.reddit.com",
    #: The owners' APIs, read with the user's own credentials (auditor.credentials).
    "x_api": "https://api.x.com",
    "meta_graph": "https://graph.facebook.com/v23.0",
}


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How far back to read (the window and the page cap), and where each platform lives."""

    as_of: datetime
    window_days: int = 90
    max_pages: int = 3
    page_size: int = 40
    #: Base URL per platform name, overriding DEFAULT_ENDPOINTS.
    endpoints: Mapping[str, str] = field(default_factory=dict)
    #: Fetch the public HTML of walled networks (LinkedIn, X, ...) instead of only naming
    #: them login_wall. Off by default: they forbid it and show little to logged-out readers.
    fetch_walled: bool = False
    #: An account whose platform dates its last post before this moment needs no posts
    #: read: its verdict (DEAD) is the same from the account's own data (None: always read).
    lookup_enough_before: datetime | None = None
    #: At most this many posts ever is NEVER_USED (its evidence lists the posts, so those
    #: accounts are always read).
    never_used_max_posts: int = 2
    #: The user's API tokens (X, Meta): filled in by the crawl process itself when it
    #: starts, never written into plan.json (auditor.credentials). None: there are none.
    credentials: ApiCredentials | None = None
    #: How deep X is read and what it may cost (``[x]``), and how many X profiles the
    #: plan holds (the run's maximum cost is worked out from it: auditor.apicost).
    x: XSettings = field(default_factory=XSettings)
    x_profiles: int = 0

    @property
    def window_start(self) -> datetime:
        return self.as_of - timedelta(days=self.window_days)

    def endpoint(self, platform: str) -> str:
        """The base URL (no trailing slash) to read ``platform`` from."""
        base = self.endpoints.get(platform) or DEFAULT_ENDPOINTS[platform]
        return base.rstrip("/")


@dataclass(frozen=True, slots=True)
class Fetch:
    """A request the adapter wants made next."""

    url: str
    #: Adapter-defined name of the step this answer feeds ("lookup", "statuses", ...).
    step: str
    headers: Mapping[str, str] = field(default_factory=dict)
    #: A documented API read with the user's own credentials (X, Meta's Graph API): its
    #: owner's terms govern it, not robots.txt (which is for crawlers), so it is not checked.
    api: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """What came back for a Fetch: the adapter's only view of the network."""

    url: str
    status: int
    #: Header names lower-cased; repeated headers joined with ", ".
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8", errors="replace"))


@dataclass(frozen=True, slots=True)
class Failure:
    """No response could be had for a Fetch (network error, robots.txt, replay miss)."""

    kind: str
    detail: str
    url: str


@dataclass(frozen=True, slots=True)
class CrawlState:
    """Where one profile's request chain stands; adapters keep their findings in ``data``."""

    target: Target
    options: CrawlOptions
    step: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def with_data(self, step: str, **changes: Any) -> CrawlState:
        return replace(self, step=step, data={**self.data, **changes})


@dataclass(frozen=True, slots=True)
class Next:
    """Continue the chain: make ``fetch``, then hand its Page back with ``state``."""

    fetch: Fetch
    state: CrawlState


Step = Next | ProfileRecord


class PlatformAdapter(ABC):
    """Reads one platform. Subclasses are stateless; all state travels in CrawlState."""

    #: Platform name as used in every output.
    platform: str = "unknown"
    #: Whether this platform shows which posts are replies.
    replies_observable: bool = True
    #: Checklist items the platform cannot show, with the reason.
    unobservable: Mapping[str, str] = {}
    #: No post on this platform can be older than this (the platform did not exist):
    #: an earlier date is a parse error or a forged field, read by :func:`plausible_time`.
    earliest_post: datetime = EARLIEST_POST

    @abstractmethod
    def claims(self, url: str) -> bool:
        """True when ``url`` (canonical) is a profile this adapter reads."""

    def is_profile(self, url: str) -> bool:
        """True when ``url`` (canonical) is itself a profile of an account on this platform.

        What a link found on a website must be to count as one of the organisation's
        profiles. Stricter than :meth:`claims`, which also takes addresses that lead to a
        profile (a post, a login page wrapping it) so that a pasted URL can be audited: a
        link to a post, a video or a share button is not a link to the profile. Adapters
        override it on top of their own :meth:`claims` and :meth:`profile_url`, so that
        each platform's profile addresses are defined once; platforms without profile
        addresses (feeds, websites, pages searched for a feed) keep this answer: no.
        """
        return False

    def owns_host(self, host: str) -> bool:
        """True when ``host`` (lower-case) is this platform's own.

        A URL there that :meth:`claims` refuses (a video, an invitation, a search) is
        then nobody's profile, though another adapter's pattern may match it (Mastodon's
        ``/@user`` matches ``music.youtube.com/@name``). An adapter that owns hosts claims
        URLs on them only, and no two adapters own the same host. Platforms that live on
        any host own none.
        """
        return False

    def profile_url(self, url: str) -> str:
        """The canonical profile URL for a URL this adapter claims."""
        return url

    def handle(self, url: str) -> str | None:
        """The handle shown in reports for a claimed URL."""
        return None

    @abstractmethod
    def start(self, target: Target, options: CrawlOptions) -> Step:
        """The first request for a profile (or a record straight away)."""

    @abstractmethod
    def advance(self, state: CrawlState, page: Page) -> Step:
        """Read a fetched page; return the next request or the finished record."""

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        """Turn a failed fetch into the profile's record."""
        outcome, detail = outcome_for_failure(failure)
        return self.record(state.target, outcome, detail)

    def record(self, target: Target, outcome: str, detail: str | None = None,
               **fields: Any) -> ProfileRecord:
        """A record for ``target`` carrying this platform's name and capabilities."""
        return ProfileRecord(
            url=target.url,
            platform=self.platform,
            handle=self.handle(target.url),
            outcome=outcome,
            outcome_detail=detail,
            organisation=target.organisation,
            role=target.role,
            source_url=target.source_url,
            replies_observable=self.replies_observable,
            unobservable=dict(self.unobservable),
            **fields,
        )


#: How the detail of a host whose robots.txt could not be read begins (RFC 9309: nothing on
#: that host may be fetched). The I/O layer words the whole sentence (``detail.robots_*``).
ROBOTS_UNREADABLE = "robots.txt could not be read ("
#: What Scrapy says of an answer over the size cap, and the sentence shown instead.
_SCRAPY_MAXSIZE = re.compile(r"max size \((\d{1,15})\)|DOWNLOAD_MAXSIZE \((\d{1,15}) B\)")
TOO_LARGE = "the answer was larger than {size} and was not read"
#: A connection that closed or was lost mid-answer, as Scrapy words it (a list of Twisted
#: failures), and the sentence shown instead. Twisted also hangs up on an answer with a
#: header line over 16 KiB (a redirect to an overlong address, say): this is all it says.
_TWISTED_BROKE_OFF = re.compile(r"twisted\.internet\.error\.(?:ConnectionDone|ConnectionLost)\b")
BROKE_OFF = "the connection broke off before the answer was complete"


def size_text(size: int) -> str:
    """A byte count as people read a size cap: "5 MiB", "64 KiB", "1000 bytes"."""
    for unit, name in ((1024 * 1024, "MiB"), (1024, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} byte" if size == 1 else f"{size} bytes"


def outcome_for_failure(failure: Failure) -> tuple[str, str]:
    """Outcome and detail for a fetch that produced no response."""
    if failure.kind == "robots":
        if failure.detail.startswith(ROBOTS_UNREADABLE):
            return "robots_disallowed", failure.detail
        return "robots_disallowed", f"robots.txt forbids {failure.url}"
    if failure.kind == "not_in_replay":
        return "error", f"not in replay: {failure.url}"
    if failure.kind == "refused":
        return "error", failure.detail
    if failure.kind == "too_large" and failure.detail.startswith(TOO_LARGE.split("{")[0]):
        return "error", failure.detail
    if failure.kind in ("too_large", "other"):
        # Scrapy's own words for an answer over the cap (its length, or once unpacked)
        cap = _SCRAPY_MAXSIZE.search(failure.detail)
        if cap is not None:
            return "error", TOO_LARGE.format(size=size_text(int(cap.group(1) or cap.group(2))))
    if failure.kind == "other" and _TWISTED_BROKE_OFF.search(failure.detail):
        return "error", BROKE_OFF
    return "error", f"{failure.kind}: {failure.detail}"


def outcome_for_status(status: int) -> tuple[str, str] | None:
    """Outcome for an HTTP status that ends the chain, or None for a readable 2xx."""
    if 200 <= status < 300:
        return None
    if status == 404:
        return "not_found", N_("HTTP 404: no such account")
    if status == 410:
        return "gone", N_("HTTP 410: the account was suspended or deleted")
    if status in (401, 403, 999):
        return "blocked", f"HTTP {status}: " + N_("the server refuses logged-out access")
    if status == 451:
        return "blocked", N_("HTTP 451: unavailable for legal reasons")
    if status in (429, 503):
        return "rate_limited", f"HTTP {status}: " + N_("rate limited")
    return "error", f"HTTP {status}"


#: Paths of the login pages servers redirect logged-out readers to.
LOGIN_PATH = re.compile(r"/(?:auth/sign_in|users/sign_in|login|log_in|signin|sign_in"
                        r"|wp-login\.php|accounts/login)\b", re.I)


def login_redirect(page: Page, what: str) -> tuple[str, str] | None:
    """``login_wall`` when the answer is a login page the request was redirected to."""
    try:
        path = urlsplit(page.url).path
    except ValueError:
        return None
    if not LOGIN_PATH.search(path):
        return None
    return "login_wall", f"{what} was redirected to a login page ({cap_text(path, 80)})"


def plausible_time(moment: datetime | None, *, fetched_at: datetime | None,
                   earliest: datetime = EARLIEST_POST) -> datetime | None:
    """``moment`` when a post could really have been published then, else None.

    The one date-sanity rule for every platform: not before ``earliest`` (the adapter's
    ``earliest_post``: the platform did not exist before) and not later than a day after
    the page was fetched. A naive time is taken as UTC.
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if date_problem(moment, fetched_at=fetched_at, earliest=earliest) is not None:
        return None
    return moment


def date_problem(moment: datetime, *, fetched_at: datetime | None,
                 earliest: datetime = EARLIEST_POST) -> str | None:
    """Why ``moment`` cannot be a post's date: ``"early"``, ``"late"``, or None when it can.

    The rule :func:`plausible_time` applies, with the reason kept for the record's notes.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment < earliest:
        return "early"
    if fetched_at is not None:
        latest = (fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC))
        if moment > latest + FUTURE_SLACK:
            return "late"
    return None


class DateSieve:
    """Applies the date-sanity rule to one page's posts and counts what it dropped.

    One per page read (it counts, so it is never shared); :meth:`notes` gives the lines
    for the record's notes, in the wording every adapter uses::

        sieve = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="status(es)")
        kept = [item for item in items if sieve.keep(item.published_at)]
        notes = (*notes, *sieve.notes())
    """

    __slots__ = ("earliest", "early", "fetched_at", "late", "noun")

    def __init__(self, *, fetched_at: datetime | None, earliest: datetime = EARLIEST_POST,
                 noun: str = "post(s)") -> None:
        self.fetched_at = fetched_at
        self.earliest = earliest
        self.noun = noun
        self.early = 0
        self.late = 0

    def keep(self, moment: datetime) -> bool:
        """True when ``moment`` is plausible; counts it as dropped otherwise."""
        problem = date_problem(moment, fetched_at=self.fetched_at, earliest=self.earliest)
        if problem == "early":
            self.early += 1
        elif problem == "late":
            self.late += 1
        return problem is None

    @property
    def dropped(self) -> int:
        return self.early + self.late

    def notes(self, prefix: str = "") -> tuple[str, ...]:
        """One note per reason a post was dropped (none when nothing was)."""
        notes: list[str] = []
        if self.early:
            notes.append(f"{prefix}{self.early} {self.noun} dated before "
                         f"{self.earliest:%Y-%m-%d}, skipped")
        if self.late:
            notes.append(f"{prefix}{self.late} {self.noun} dated more than a day after "
                         "the fetch, skipped")
        return tuple(notes)


def parse_iso_time(value: Any) -> datetime | None:
    """An ISO 8601 time ('2026-04-11T12:08:00.687Z', '2026-04-11', offsets) as aware UTC.

    A time without a zone is taken as UTC; anything unreadable (or absurdly long) is None.
    """
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


_LINK_PART = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)')
_REL = re.compile(r'rel\s*=\s*"?([^";,]+)"?', re.I)


def parse_link_header(value: str | None) -> dict[str, str]:
    """Parse an RFC 8288 ``Link`` header into {rel: url}."""
    links: dict[str, str] = {}
    if not value:
        return links
    for match in _LINK_PART.finditer(value):
        url, params = match.group(1).strip(), match.group(2)
        rel = _REL.search(params or "")
        if url and rel:
            for name in rel.group(1).split():
                links.setdefault(name.lower(), url)
    return links
