"""Pacing from the rate-limit headers servers send, so that no profile is lost to a limit.

What each platform's headers say (Mastodon's ``X-RateLimit-*``, the IETF draft's and
Bluesky's ``RateLimit-*``, X's ``x-rate-limit-*``) and the limits Mastodon publishes are in
:mod:`spiders.ratelimits`, which reads them.

:class:`RateLimitMiddleware` keeps one budget per host (and one more per Mastodon host for
paged calls), learnt from those headers:

- every request takes one unit of its budget before it goes on to the host's download
  slot; the answer's headers correct the estimate (what the server says is left, less the
  requests still on their way), so the budget is never overspent;
- a request that begins a profile's work on a host (depth 0: Mastodon's lookup, Bluesky's
  getProfile) spends only what the requests on their way leave over: units are kept for
  the calls their profiles may still make (as many as the deepest request a profile may
  make, from the audit's ``max_pages``, is below each: a lookup keeps three on Mastodon,
  for the first statuses page and two more), so a profile already begun goes on in the
  same window instead of waiting for the next while new profiles take the window's budget
  in its first second. Those units stay kept until the profile's next request takes them
  or its record is out; and no new profile begins while the host's download slot has
  enough queued (:data:`_QUEUED_PER_SLOT`), so that the next requests of profiles begun
  reach this middleware, where they go first. On Mastodon a page with
  ``max_id`` needs the page before it, and only those pages draw on the paging budget:
  profiles begun and finished window by window keep that budget fed. On a host with one
  budget (Bluesky's, or Mastodon's where the audit's paged calls there fit in one paging
  window: :meth:`RateLimitMiddleware.paging_binds`) nothing is kept, and while the window
  has time to spare the order is the other way round: profiles not begun yet go first,
  so that what each costs is learnt early (:meth:`spiders.ratelimits.Budget.spare`);
- when it is spent, the host's further requests wait here, asynchronously, until the
  window resets (and a margin, ``AUDITOR_RATE_LIMIT_MARGIN``), then go in order: other
  hosts are not held up. Requests waiting here do not count against Scrapy's
  ``CONCURRENT_REQUESTS`` (see :meth:`RateLimitMiddleware._discount_waiting`), else a few
  dozen of them would stop every other host;
- a 429 without ``Retry-After`` waits for the reset its headers name, then asks again
  (``AUDITOR_RATE_LIMIT_RETRIES`` times); a 429 with ``Retry-After`` is left to
  :class:`spiders.manners.RetryAfterMiddleware`, the budget only learns from it;
- a wait longer than ``AUDITOR_RATE_LIMIT_MAX_WAIT`` seconds is not made: the request is
  not sent (or the 429 goes through) and its profile ends ``rate_limited``, its detail
  saying when the host allows more requests (:mod:`spiders.retrytime`); ``auditor audit
  --resume`` reads those profiles again.

The middleware also writes the crawl's status beside the records file every second
(``crawl-status.json``, read by :mod:`auditor.crawlstatus`): the profiles in flight, the
hosts being waited for and until when, the answers received and the requests that failed
before any answer, so the ``auditor`` process can show a progress line and tell a run where
nothing could be fetched (offline) from one where servers answered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from time import monotonic, time
from typing import Any, Self
from urllib.parse import parse_qsl, urlparse

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Request, Response
from scrapy.utils.asyncio import is_asyncio_available, sleep
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import (
    ConnectError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from auditor.crawlstatus import STATUS_FILE
from spiders.manners import ROBOTS_KEY
from spiders.middlewares import auditor_option, header_dict
from spiders.ratelimits import Budget, read_rate_limit, server_time

logger = logging.getLogger(__name__)

#: Request meta: the budgets a request took a unit of (released when it is answered).
TAKEN_KEY = "auditor_rate_budgets"
#: Request meta: the units a request keeps for the calls its profile may still make after it.
KEPT_KEY = "auditor_rate_kept"
#: Request meta: the budgets a request gave back as it left the downloader.
GIVEN_KEY = "auditor_rate_budgets_given"
#: How often (every 0.05 s) a request looks whether the first answer of its part of a host
#: came back, before it goes anyway (that answer may be lost to a failure).
_FIRST_ANSWER_POLLS = 200
#: Request meta: the 429 waits already made for a request.
WAITS_KEY = "auditor_rate_limit_waits"
#: Request meta: when (epoch seconds) the host allows more requests, for a request given up.
RETRY_AT_KEY = "auditor_retry_at"
#: Response flag of an answer made here for a request not sent (the wait was too long).
NOT_ASKED = "auditor_rate_limit_not_asked"
_PAGED_PARAMETERS = frozenset({"max_id", "min_id", "since_id"})
#: Requests on their way for a budget not known yet, or not since its window reset (its
#: estimate is then the full limit, which the paging budget of Mastodon may not have): so
#: that a wrong guess costs at most one 429.
UNKNOWN_IN_FLIGHT = 1
#: Seconds between the requests of one rank and the next coming back from a wait.
_RANK_STEP = 0.02
#: Seconds at most the units a request kept for its profile's next calls stay kept after
#: its answer, for the next request of that profile to take them over (the spider makes it
#: from the answer; it may wait a second or more in the scheduler while Scrapy's downloader
#: is full). A profile that asks nothing more gives them back as soon as its record is out
#: (:meth:`RateLimitMiddleware.profile_done`); this is for a record that never comes.
_KEPT_AT_MOST = 30.0
#: Requests beginning a profile wait here while this many of their host's requests (times
#: the host's download slot's concurrency) are on their way: past the slot's concurrency
#: they only queue in its first-come queue, and fill Scrapy's downloader, so that the next
#: requests of profiles already begun, made by the spider from their answers, could not
#: even reach this middleware, where they go before new profiles.
_QUEUED_PER_SLOT = 4
#: The longest a request held back for the answers on their way sleeps before it looks
#: again (it is woken sooner when a unit comes back or an answer tells what is left).
_HOLD_AT_MOST = 2.0


def section_of(request: Request) -> str:
    """The part of a host a request goes to, by its path's first segment ("/api", "/xrpc",
    "/avatars"): Mastodon limits and counts its API, not its images."""
    parts = urlparse_cached(request)
    return f"{(parts.hostname or '').lower()} /{parts.path.lstrip('/').split('/', 1)[0]}"


def budget_keys(request: Request) -> tuple[str, ...]:
    """The budgets a request draws on: its host's, and for a Mastodon API call paged with
    ``max_id``/``min_id``/``since_id`` also the host's budget for paged calls."""
    parts = urlparse_cached(request)
    host = (parts.hostname or "").lower()
    if may_page(request) and parts.query and any(
            name in _PAGED_PARAMETERS for name, _ in parse_qsl(parts.query)):
        return host, host + " paged"
    return (host,)


def may_page(request: Request) -> bool:
    """Whether ``request``'s host may have a budget for paged calls besides its own (a
    Mastodon API: ``/api/``), rather than one budget for all calls (Bluesky's ``/xrpc/``)."""
    return urlparse_cached(request).path.startswith("/api/")


def rank_of(request: Request, paging: bool | None = None) -> int:
    """Which requests waiting for a window's reset come back first: the higher rank.

    Where some calls also draw on a paging budget that may run out (``paging``; unsaid:
    Mastodon's API, :func:`may_page`), the deeper request: a profile's next page before
    another's first statuses page, before a new lookup, so that the paging budget, which
    only profiles begun can spend, is fed window by window.

    Where one budget pays for every call (or the paging one cannot run out,
    :meth:`RateLimitMiddleware.paging_binds`), any order of the same calls spends it alike,
    and the profiles not begun yet come first, as in a window with time to spare
    (:meth:`spiders.ratelimits.Budget.spare`): what a profile costs is learnt from its first
    answer. A request asked again (after a 429 or a failure) keeps its rank."""
    depth = int(request.meta.get("depth") or 0)
    if paging is None:
        paging = may_page(request)
    return depth if paging else -depth


def begins_profile(request: Request) -> bool:
    """Whether ``request`` begins a profile's work (a start request, depth 0) rather than
    continuing it (a profile's statuses after its lookup, a next page): the requests that
    continue a profile go first when a budget is nearly spent."""
    return not int(request.meta.get("depth") or 0)


def _profile_of(request: Request) -> str | None:
    """The URL of the profile a request is made for (None: not a profile's)."""
    url = getattr(getattr(request.meta.get("auditor_state"), "target", None), "url", None)
    return url if isinstance(url, str) else None


def _deepest_of(request: Request) -> int:
    """The deepest request ``request``'s profile may make: its first call and as many pages
    as the audit reads (``max_pages``: Mastodon's lookup, then at most three statuses pages,
    the last at depth 3). Known from the first request on, where the deepest request seen
    would be learnt only as profiles get there: in a run that begins late in a short window
    the first lookups would keep too little, and the window's budget would go on lookups
    whose profiles' pages then wait for the next one (0: not a profile's request)."""
    options = getattr(request.meta.get("auditor_state"), "options", None)
    pages = getattr(options, "max_pages", None)
    return pages if isinstance(pages, int) and 0 < pages <= 100 else 0


def _host_of(url: str) -> str:
    """The lower-case host of ``url`` ("" for an address that does not parse)."""
    try:
        return (urlparse(url).hostname or "").lower()
    except ValueError:
        return ""


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _retry_after_present(response: Response) -> bool:
    return bool((response.headers.get(b"Retry-After") or b"").strip())


#: Failures before any answer that say the network (or the host) could not be reached.
_UNREACHABLE: tuple[tuple[str, tuple[type[BaseException], ...]], ...] = (
    ("dns", (DNSLookupError, CannotResolveHostError)),
    ("connection", (DownloadConnectionRefusedError, ConnectError)),
    ("timeout", (TimeoutError, TCPTimedOutError, DownloadTimeoutError)),
)


def unreachable_kind(exception: BaseException) -> str | None:
    """"dns", "connection", "timeout" or "tls" for a failure that reached no server."""
    for kind, types in _UNREACHABLE:
        if isinstance(exception, types):
            return kind
    text = f"{type(exception).__name__} {exception}".lower()
    if "ssl" in text or "tls" in text or "certificate" in text:
        return "tls"
    return None


class RateLimitMiddleware:
    """Paces every host by the rate-limit headers it sends (see the module's docstring).

    Sits at 700: its answers pass here before RedirectMiddleware (600) and
    RetryAfterMiddleware (560) see them, so each request's unit is given back before a
    redirect or a retry is made of it; with ``--replay`` nothing is paced."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.max_wait = settings.getfloat("AUDITOR_RATE_LIMIT_MAX_WAIT", 900.0)
        self.retries = settings.getint("AUDITOR_RATE_LIMIT_RETRIES", 3)
        self.margin = settings.getfloat("AUDITOR_RATE_LIMIT_MARGIN", 1.0)
        #: Requests of a host on their way past which no new profile begins there.
        self.queued_at_most = _QUEUED_PER_SLOT * max(
            1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8))
        self.budgets: dict[str, Budget] = {}
        self.replaying = False
        #: Requests waiting here, which Scrapy's concurrency limit must not count.
        self.parked: set[Request] = set()
        #: Host -> (the latest time it allows requests again, requests given up).
        self.given_up: dict[str, tuple[float, int]] = {}
        self.responses = 0
        self.unreachable: dict[str, int] = {}
        #: Host and first path segment -> whether its answers carry rate-limit headers
        #: (False: not paced here; unknown: one request at a time until the first answer
        #: says, so that a limit of a few calls is not overspent before it is known).
        self.sections: dict[str, bool] = {}
        self.section_in_flight: dict[str, int] = {}
        #: Host budget key -> the requests beginning a profile held back for the answers on
        #: their way (woken one by one as units come back).
        #: (A dict for its order and its removal in one step, which a deque's is not.)
        self.held: dict[str, dict[asyncio.Future[None], None]] = {}
        #: Budget key -> the requests waiting for its reset, woken if it turns out unspent.
        self.reopened: dict[str, dict[asyncio.Future[None], None]] = {}
        #: (host budget key, profile URL) -> units kept for that profile's next request.
        self.passed_on: dict[tuple[str, str], int] = {}
        #: (host budget key, profile URL) -> how often what it kept was taken over or given
        #: back: a timer of :meth:`_expire` set before then has nothing left to expire.
        self.handovers: dict[tuple[str, str], int] = {}
        #: Host budget key -> the Mastodon profiles the audit plans there, the profiles
        #: whose record is out, the paged calls taken there, and those taken for profiles
        #: not done yet (by profile): whether the paging budget may run out
        #: (:meth:`paging_binds`).
        self.planned: dict[str, int] = {}
        self.finished: dict[str, int] = {}
        self.paged_taken: dict[str, int] = {}
        self.paged_open: dict[str, dict[str, int]] = {}
        self.status_path: Path | None = None
        self._status_loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        # Every request that reached the network gives its units back here, whatever a
        # middleware above does with its answer or its failure (one that raises in
        # process_exception, as TooLargeMiddleware does, skips the ones below it).
        crawler.signals.connect(middleware.request_left_downloader,
                                signal=signals.request_left_downloader)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(middleware.profile_done, signal=signal)
        return middleware

    # -- the crawl's life -------------------------------------------------------------------

    def spider_opened(self) -> None:
        self.replaying = bool(auditor_option(self.crawler, "replay"))
        self._discount_waiting()
        plan = getattr(self.crawler.spider, "plan", None)
        for target in getattr(plan, "targets", None) or ():
            if getattr(target, "platform", None) == "mastodon":
                host = _host_of(str(target.url))
                self.planned[host] = self.planned.get(host, 0) + 1
        records = getattr(self.crawler.spider, "records", None) or \
            self.crawler.settings.get("AUDITOR_RECORDS_FILE")
        if records:
            self.status_path = Path(records).with_name(STATUS_FILE)
            from scrapy.utils.asyncio import create_looping_call

            self._status_loop = create_looping_call(self.write_status)
            self._status_loop.start(1.0, now=True)

    def spider_closed(self) -> None:
        if self._status_loop is not None:
            self._status_loop.stop()
            self._status_loop = None
        self.write_status(final=True)

    def _discount_waiting(self) -> None:
        """Scrapy stops taking requests from its scheduler once ``CONCURRENT_REQUESTS`` are
        in its downloader, waiting ones included: 32 requests waiting minutes for one host
        would stop every other host. The downloader's count leaves out the requests waiting
        here (they stay in its ``active`` set, so the crawl is not taken for idle)."""
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        if downloader is None or not hasattr(downloader, "total_concurrency"):
            return  # pragma: no cover - other Scrapy internals: waiting still works
        parked = self.parked

        def needs_backout() -> bool:
            total = downloader.total_concurrency
            return 0 < total <= len(downloader.active) - len(parked)

        downloader.needs_backout = needs_backout

    def _wake_engine(self) -> None:
        """Ask the engine to take more requests now (one just began to wait here)."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    # -- requests ---------------------------------------------------------------------------

    async def process_request(self, request: Request) -> Response | None:
        if (self.replaying or request.meta.get(TAKEN_KEY) is not None
                or request.meta.get(ROBOTS_KEY)):
            return None  # robots.txt: never held back (it has a timeout of its own)
        if urlparse_cached(request).scheme not in ("http", "https"):
            return None
        section = section_of(request)
        if self.sections.get(section) is False:
            return None  # its answers say nothing of a limit
        keys = budget_keys(request)
        begins = begins_profile(request)
        depth = int(request.meta.get("depth") or 0)
        may = may_page(request)
        for _ in range(_FIRST_ANSWER_POLLS):
            if section in self.sections:
                break
            if not self.section_in_flight.get(section):
                # A first request there: it tells whether that part of the host is limited
                # (Mastodon's images are not), so it does not wait for the API's budget.
                self._take(request, keys, section)
                return None
            await sleep(0.05)
        host = self.budgets.setdefault(keys[0], Budget(keys[0]))
        #: whether this request is counted among those waiting for the host's budget alone
        #: (host.ahead), before which shallower requests hold back
        counted = False
        try:
            while True:
                paging = may and self.paging_binds(keys[0])
                wait, hold, host_only = self._verdict(keys, depth, begins, paging)
                if wait <= 0 and not hold:
                    break
                if wait > self.max_wait:
                    return self._not_asked(request, keys, wait)
                if wait > 0 and not host_only:
                    # it waits for another budget's reset (Mastodon's paging one): what its
                    # profile kept of the host's budget is no use to it until then, and
                    # other profiles' lookups and first pages can spend it meanwhile
                    self._forgo(keys[0], _profile_of(request))
                if host_only != counted:
                    host.ahead[depth] = host.ahead.get(depth, 0) + (1 if host_only else -1)
                    counted = host_only
                if request not in self.parked:
                    # waiting here from now on: the engine may take another request (once
                    # per request, not at every look)
                    self.parked.add(request)
                    self._wake_engine()
                if wait > 0:
                    await self._wait(request, keys, wait, rank_of(request, paging))
                else:
                    await self._hold(request, keys[0])
            self._take(request, keys, section)
            return None
        finally:
            self.parked.discard(request)
            if counted:
                host.ahead[depth] -= 1
                # one fewer request waits: one held for it may go. Only
                # as it leaves: woken, it looks again and may hold on, and a request that
                # woke another at every look kept the whole crowd of held lookups awake
                # (a whole core on a 1,000-profile audit, and parsers starved of it).
                self._release(keys[0])

    def paging_binds(self, key: str) -> bool:
        """Whether the paging budget of host ``key`` (Mastodon's, for calls with
        ``max_id``) may run out before the audit is done there: unless the paged calls
        taken so far and those its profiles may still make (as many as their deepest page
        allows, less those they made) fit in one window of it. Its limit is the one its
        answers said (the host's until a paged call is answered: Mastodon's are alike); the
        host's planned profiles come from the spider's plan (none known: it may).

        Where it cannot, the host has one budget that binds and is paced as one: nothing
        kept for the profiles begun, new profiles first while the window has time to spare.
        Deepest first there (150 profiles on Mastodon, windows shrunk tenfold, 198 paged
        calls of the 300 a window allows), the profiles listed last began after the last
        reset, and those answering 429 with ``Retry-After`` made the run's last seconds
        wait: 1.24-1.29 times the least its calls allow at four of seven starting points
        (1.01-1.03 with this and the refusals that leave the host alone, in
        :class:`spiders.manners.RetryAfterMiddleware`).

        This judges the run's own calls: a paging budget others spend from the same address
        runs out all the same, answers 429 and is waited for; only the order was less apt."""
        planned = self.planned.get(key)
        host = self.budgets.get(key)
        if planned is None or host is None:
            return True
        paged = self.budgets.get(key + " paged")
        limit = paged.limit if paged is not None and paged.limit else host.limit
        if limit is None:
            return True
        per_profile = max(0, host.deepest - 1)
        open_profiles = self.paged_open.get(key, {})
        to_come = max(0, planned - self.finished.get(key, 0)) * per_profile - sum(
            min(per_profile, taken) for taken in open_profiles.values())
        return self.paged_taken.get(key, 0) + max(0, to_come) > limit

    def _verdict(self, keys: tuple[str, ...], depth: int, begins: bool,
                 paging: bool) -> tuple[float, bool, bool]:
        """Whether a request may go now: the seconds it must wait for a budget's reset (or
        an answer), whether it holds back for the requests that go first when the budget
        is nearly spent (and for profiles on their way), and whether only its host's budget
        keeps it (not Mastodon's paging budget), so that it goes first while it waits.

        Which go first: on a host whose paging budget may run out (``paging``, Mastodon's:
        :meth:`paging_binds`) the deeper requests. On a host with one budget that binds, the
        shallower ones (profiles not begun yet) while the window has time to spare, else
        the deeper ones (:meth:`spiders.ratelimits.Budget.spare`)."""
        now = monotonic()
        wait = 0.0
        hold = False
        host_only = True
        # Units are kept for the profiles begun only on a host where some calls also draw on
        # a second budget (Mastodon's paging one): there a profile's later calls must come
        # in the window their turn falls in. With one budget, any order of the same calls
        # spends it alike, and units kept for calls that never come are left unspent at
        # each window's end (Bluesky's headers, 1,000 profiles: 276-295 calls of 300 per
        # window, and a twelfth window for the last 48).
        two = paging and (keys[0] + " paged") in self.budgets
        for key in keys:
            budget = self.budgets.get(key)
            if budget is None:
                continue
            budget.roll_over(now)
            if budget.remaining is None or budget.remaining > 0:
                if not budget.confirmed and budget.in_flight >= UNKNOWN_IN_FLIGHT:
                    wait = max(wait, 0.1)  # not known yet: one at a time until it is
                    host_only = host_only and key == keys[0]
                elif key == keys[0] and budget.remaining is not None and \
                        budget.remaining <= budget.claimed(
                            depth, begins=begins and two,
                            shallower_first=not paging and budget.spare(now)):
                    hold = True  # what is left goes to the others first
                continue
            host_only = host_only and key == keys[0]
            if budget.reset_at is not None:
                wait = max(wait, budget.reset_at - now + self.margin)
            elif budget.in_flight:
                wait = max(wait, 0.5)  # an answer on its way will say when
        if begins and wait <= 0 and not hold and \
                self.budgets[keys[0]].in_flight >= self.queued_at_most:
            hold = True  # the host's slot has enough to do (_QUEUED_PER_SLOT)
        return wait, hold, host_only

    def _take(self, request: Request, keys: tuple[str, ...], section: str) -> None:
        """One unit of each budget for ``request``, given back when it is answered; and
        units of its host's kept for the calls its profile may still make."""
        now = monotonic()
        for key in keys:
            budget = self.budgets.setdefault(key, Budget(key))
            budget.in_flight += 1
            if budget.remaining is not None:
                budget.remaining -= 1
            if budget.window_began is None:
                budget.window_began = now
            budget.taken += 1
        host = self.budgets[keys[0]]
        depth = int(request.meta.get("depth") or 0)
        host.deepest = max(host.deepest, depth, _deepest_of(request))
        kept = host.deepest - depth
        profile = _profile_of(request)
        if len(keys) > 1:  # a paged call (paging_binds)
            self.paged_taken[keys[0]] = self.paged_taken.get(keys[0], 0) + 1
            if profile is not None:
                taken = self.paged_open.setdefault(keys[0], {})
                taken[profile] = taken.get(profile, 0) + 1
        if profile is not None:  # what the profile's request before kept, this one takes
            host.kept = max(0, host.kept - self.passed_on.pop((keys[0], profile), 0))
            self.handovers[(keys[0], profile)] = self.handovers.get((keys[0], profile), 0) + 1
        host.kept += kept
        request.meta[KEPT_KEY] = kept
        request.meta[TAKEN_KEY] = keys
        self.section_in_flight[section] = self.section_in_flight.get(section, 0) + 1

    async def _wait(self, request: Request, keys: tuple[str, ...], seconds: float,
                    rank: int) -> None:
        host = keys[0]
        if seconds >= 1.0 and not request.meta.get("_auditor_logged_wait"):
            logger.info("waiting %.0f s for %s's rate limit: %s", seconds, host, request.url)
            request.meta["_auditor_logged_wait"] = True
        if seconds >= 1.0:
            logger.debug("budgets: %s", "; ".join(
                f"{b.key}: {b.remaining} left, {b.in_flight} on their way, reset in "
                f"{(b.reset_at - monotonic()) if b.reset_at else -1:.1f} s"
                for b in (self.budgets.get(key) for key in keys) if b is not None))
        stats = self.crawler.stats
        if stats and seconds >= 1.0:
            stats.inc_value("rate_limit/waits")
        budgets = [self.budgets[key] for key in keys if key in self.budgets]
        for budget in budgets:
            budget.waiting += 1
        try:
            # At a reset the waiting requests come back in the order of their rank
            # (rank_of): where a paging budget may run out (Mastodon's) the deepest first, so
            # that the budget only some calls draw on is not left unspent while new profiles
            # take the budget all calls share; with one budget the profiles not begun first.
            seconds += _RANK_STEP * max(0, min(8, 4 - rank)) if seconds >= 0.5 else 0.0
            if not is_asyncio_available():  # pragma: no cover - Scrapy's default is asyncio
                await sleep(seconds)
                return
            # woken sooner if an answer shows the spent budget was not spent after all
            # (:meth:`Budget.learn`, once nothing is on its way)
            spent = [b.key for b in budgets if b.remaining is not None and b.remaining <= 0]
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            for key in spent:
                self.reopened.setdefault(key, {})[future] = None
            timer = loop.call_later(seconds, _settle, future)
            try:
                await future
            finally:
                timer.cancel()
                for key in spent:
                    self.reopened[key].pop(future, None)
        finally:
            for budget in budgets:
                budget.waiting -= 1

    async def _hold(self, request: Request, key: str) -> None:
        """Wait until a unit of ``key``'s budget comes back or an answer tells what is left
        (:meth:`_release`), or its window resets, or :data:`_HOLD_AT_MOST` seconds."""
        budget = self.budgets[key]
        seconds = _HOLD_AT_MOST
        if budget.reset_at is not None:
            seconds = min(seconds, max(0.05, budget.reset_at - monotonic() + self.margin))
        if not is_asyncio_available():  # pragma: no cover - Scrapy's default is asyncio
            await sleep(min(seconds, 0.1))
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        queue = self.held.setdefault(key, {})
        queue[future] = None
        timer = loop.call_later(seconds, _settle, future)
        try:
            await future
        finally:
            timer.cancel()
            queue.pop(future, None)

    def _pass_on(self, key: str, profile: str | None, kept: int) -> None:
        """Keep ``kept`` units for ``profile``'s next request, until its record is out
        (:meth:`profile_done`) or :data:`_KEPT_AT_MOST` seconds have passed; then give back
        what it did not take over."""
        host = self.budgets.get(key)
        if host is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if profile is None or loop is None:
            host.kept = max(0, host.kept - kept)
            return
        self.passed_on[(key, profile)] = self.passed_on.get((key, profile), 0) + kept
        loop.call_later(_KEPT_AT_MOST, self._expire, key, profile, kept,
                        self.handovers.get((key, profile), 0))

    def profile_done(self, item: Any) -> None:
        """A profile's record is out: it asks nothing more, what it kept is free."""
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(url, str):
            return
        host = _host_of(url)
        if host in self.planned:
            self.finished[host] = self.finished.get(host, 0) + 1
            self.paged_open.get(host, {}).pop(url, None)
        if not self.passed_on:
            return
        for key, profile in [entry for entry in self.passed_on if entry[1] == url]:
            self._forgo(key, profile)

    def _forgo(self, key: str, profile: str | None) -> None:
        """Give back what ``profile`` kept of ``key``'s budget for its next request."""
        if profile is None:
            return
        left = self.passed_on.pop((key, profile), 0)
        self.handovers[(key, profile)] = self.handovers.get((key, profile), 0) + 1
        if not left:
            return
        host = self.budgets.get(key)
        if host is not None:
            host.kept = max(0, host.kept - left)
        self._release(key)

    def _expire(self, key: str, profile: str, kept: int, handovers: int) -> None:
        left = self.passed_on.get((key, profile), 0)
        if not left or self.handovers.get((key, profile), 0) != handovers:
            return  # taken over since: what is kept now is another request's
        gone = min(left, kept)
        if left - gone:
            self.passed_on[(key, profile)] = left - gone
        else:
            del self.passed_on[(key, profile)]
        host = self.budgets.get(key)
        if host is not None:
            host.kept = max(0, host.kept - gone)
        self._release(key)

    def _release(self, key: str) -> None:
        """Wake the requests held for ``key``'s budget that its units now allow (one at
        least: it looks again and holds on if it still may not go)."""
        queue = self.held.get(key)
        if not queue:
            return
        budget = self.budgets.get(key)
        free = 1
        if budget is not None and budget.remaining is not None:
            free = max(1, budget.remaining - budget.kept - sum(budget.ahead.values()))
        while queue and free > 0:
            future = next(iter(queue))
            del queue[future]
            if not future.done():
                future.set_result(None)
                free -= 1

    def _not_asked(self, request: Request, keys: tuple[str, ...], wait: float) -> Response:
        """The answer for a request not sent: the wait for its host's window is longer than
        allowed. A 429, as the host would answer, flagged as never asked."""
        retry_at = time() + wait
        self._gave_up(request, keys[0], retry_at)
        logger.info("not asking %s: %s's rate limit allows more requests in %.0f s, more "
                    "than the %.0f s allowed (AUDITOR_RATE_LIMIT_MAX_WAIT)", request.url,
                    keys[0], wait, self.max_wait)
        return Response(request.url, status=429, request=request, flags=[NOT_ASKED],
                        headers={"Content-Type": "application/json"}, body=b"{}")

    def _gave_up(self, request: Request, host: str, retry_at: float) -> None:
        request.meta[RETRY_AT_KEY] = retry_at
        latest, count = self.given_up.get(host, (0.0, 0))
        self.given_up[host] = (max(latest, retry_at), count + 1)
        if self.crawler.stats:
            self.crawler.stats.inc_value("rate_limit/gave_up")

    # -- answers ----------------------------------------------------------------------------

    def request_left_downloader(self, request: Request) -> None:
        keys = request.meta[GIVEN_KEY] = self._give_back(request)
        for key in keys:  # answered: unread until process_response or process_exception
            budget = self.budgets.get(key)
            if budget is not None:
                budget.unread += 1

    def _read(self, request: Request) -> tuple[str, ...]:
        """The budgets ``request`` gave back as it left the downloader; its answer is read
        now (:attr:`Budget.unread`)."""
        keys: tuple[str, ...] = request.meta.pop(GIVEN_KEY, None) or ()
        for key in keys:
            budget = self.budgets.get(key)
            if budget is not None and budget.unread > 0:
                budget.unread -= 1
        return keys

    def _give_back(self, request: Request) -> tuple[str, ...]:
        keys: tuple[str, ...] = request.meta.pop(TAKEN_KEY, None) or ()
        kept = int(request.meta.pop(KEPT_KEY, 0) or 0)
        if keys:
            section = section_of(request)
            self.section_in_flight[section] = max(0, self.section_in_flight.get(section, 0) - 1)
            if kept:
                self._pass_on(keys[0], _profile_of(request), kept)
        for key in keys:
            budget = self.budgets.get(key)
            if budget is not None and budget.in_flight > 0:
                budget.in_flight -= 1
        if keys:
            self._release(keys[0])
        return keys

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if NOT_ASKED in response.flags:
            return response
        self.responses += 1
        if "replay" in response.flags:
            return response
        taken = self._give_back(request) or self._read(request)
        keys = taken or budget_keys(request)
        local = time()
        headers = header_dict(response)
        said = read_rate_limit(headers, now=server_time(headers, local=local))
        now = monotonic()
        # A paged call's headers show the tighter of the API's budget and the paging one
        # (Mastodon): what a paged call may spend, so the paged budget is kept as that.
        key = keys[-1]
        budget = self.budgets.get(key)
        section = section_of(request)
        if said is not None:
            self.sections[section] = True
            if budget is None:
                budget = self.budgets[key] = Budget(key)
            spent = budget.remaining is not None and budget.remaining <= 0
            budget.learn(said, now=now)
            if spent and budget.remaining and self.reopened.get(key):
                for future in list(self.reopened[key]):
                    _settle(future)
            host = self.budgets.get(keys[0])
            if host is not None and host is not budget and response.status != 429 and \
                    said.remaining is not None and host.remaining is not None:
                # A paged call's headers show the tighter of its two budgets; a call taken
                # confirms the host's window all the same (its estimate after a reset is the
                # limit, less what it sent since). Else, with only paged calls left, the host
                # would stay unconfirmed and send one call at a time until the next lookup.
                host.confirmed = True
                if host.reset_at is None:
                    # Not told its reset since the last one (only paged calls answered):
                    # what the tighter budget has left, the host's has at least. Without
                    # this its estimate only went down, and at 0 it sent one call at a
                    # time (the last paging window's 219 calls took 110 s).
                    host.remaining = max(host.remaining, said.remaining - host.in_flight)
            self._release(keys[0])
        elif taken and section not in self.sections:
            self.sections[section] = False  # no limit said: paced by the slot alone
        if response.status != 429 or request.meta.get("dont_retry"):
            return response
        if budget is not None and (said is None or not said.remaining):
            budget.remaining = 0  # (a 429 whose headers say calls are left is about another
            # limit than this budget: its Retry-After is waited for, the host goes on)
        if _retry_after_present(response):
            return response  # RetryAfterMiddleware waits as it asks
        stats = self.crawler.stats
        if stats:
            stats.inc_value("rate_limit/429")
        if budget is None or budget.reset_at is None:
            return response  # nothing says when to ask again
        wait = max(0.0, budget.reset_at - now) + self.margin
        waits = int(request.meta.get(WAITS_KEY, 0))
        if wait > self.max_wait or waits >= self.retries:
            self._gave_up(request, keys[0], local + wait)
            logger.info("HTTP 429 for %s: %s allows more requests in %.0f s; giving up "
                        "(wait %d of %d allowed, at most %.0f s)", request.url, keys[0], wait,
                        waits, self.retries, self.max_wait)
            return response
        logger.info("HTTP 429 for %s without Retry-After: asking again after %s's reset, in "
                    "%.0f s", request.url, keys[0], wait)
        retry = request.copy()
        retry.meta[WAITS_KEY] = waits + 1
        retry.meta.pop(TAKEN_KEY, None)
        retry.meta.pop(KEPT_KEY, None)
        retry.dont_filter = True
        return retry

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request)
        self._read(request)
        kind = unreachable_kind(exception)
        if kind is not None:
            self.unreachable[kind] = self.unreachable.get(kind, 0) + 1

    # -- the status the auditor process reads -----------------------------------------------

    def status(self) -> dict[str, Any]:
        now, wall = monotonic(), time()
        waiting = []
        for budget in self.budgets.values():
            if budget.waiting and budget.reset_at is not None:
                waiting.append({"host": budget.key.removesuffix(" paged"),
                                "until": round(wall + max(0.0, budget.reset_at - now), 1),
                                "requests": budget.waiting})
        return {
            "written_at": round(wall, 1),
            "in_flight": sorted(self._profiles_in_flight())[:1000],
            "waiting": waiting,
            "given_up": [{"host": host, "retry_at": round(at, 1), "requests": count}
                         for host, (at, count) in sorted(self.given_up.items())],
            "responses": self.responses,
            "unreachable": dict(sorted(self.unreachable.items())),
        }

    def _profiles_in_flight(self) -> set[str]:
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        active: Iterable[Request] = getattr(downloader, "active", ()) or ()
        found: set[str] = set()
        for request in list(active):
            state = request.meta.get("auditor_state")
            target = getattr(state, "target", None)
            url = getattr(target, "url", None)
            if isinstance(url, str):
                found.add(url)
        return found

    def write_status(self, final: bool = False) -> None:
        if self.status_path is None:
            return
        data = self.status()
        data["final"] = final
        temporary = self.status_path.with_name(self.status_path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, self.status_path)
        except OSError as exc:  # the progress line is lost, not the crawl
            logger.warning("cannot write %s: %s", self.status_path, exc)
