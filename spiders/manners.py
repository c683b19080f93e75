"""Crawling manners Scrapy 2.19 lacks: a robots.txt check without holes, Retry-After, and
no requests to private addresses or other schemes than http(s).

- :class:`RobotsTxtMiddleware` replaces Scrapy's. Scrapy 2.14-2.19 keep one Deferred per
  host while its robots.txt loads and let every waiting request await it through
  ``maybe_deferred_to_future()``, i.e. ``Deferred.asFuture()``. ``asFuture`` adds a callback
  that *returns None*, so it consumes the Deferred's result: the first waiter gets the
  parser, every later waiter gets ``None``, and ``process_request_2(None, ...)`` lets the
  request through unchecked. So the third and later requests queued for a host while its
  robots.txt is still loading were never checked. Here each waiter gets its own branch
  Deferred, fed by a pass-through callback that hands the parser on. The audit switch
  ``obey_robots = false`` (for documented APIs and feeds one may read) turns the check off
  for that audit; robots.txt is then not even fetched.
- :class:`RetryAfterMiddleware` honours ``Retry-After`` on 429 and 503 (scrapy#3849), in
  seconds or as an HTTP date, a limited number of times; then the response goes through
  and the adapter reports ``rate_limited``.
- :class:`AddressGuardMiddleware` and :class:`GuardedResolver` refuse private, loopback,
  link-local and other non-public addresses (unless the audit sets
  ``allow_private_addresses = true``) and any scheme but http(s);
  :class:`RefusedNameMiddleware` carries the resolver's reason to the record.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import Any, ClassVar, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as _StockRobotsTxtMiddleware,
)
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import call_later, sleep
from scrapy.utils.datatypes import LocalCache
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from spiders.middlewares import auditor_option

logger = logging.getLogger(__name__)


def _audit_setting(crawler: Crawler, name: str, default: bool) -> bool:
    """A flag of the running spider's ``[audit]`` table, as its crawl plan carries it (the
    default without one)."""
    plan = getattr(crawler.spider, "plan", None)
    value = getattr(plan, name, default)
    return value if isinstance(value, bool) else default


# -- robots.txt ---------------------------------------------------------------------------


def _branch(source: Deferred[Any]) -> Deferred[Any]:
    """A new Deferred firing with ``source``'s result, leaving that result in ``source``.

    ``asFuture()`` consumes a Deferred's result; awaiting a branch instead leaves the result
    in place for every other waiter.
    """
    branch: Deferred[Any] = Deferred()

    def hand_on(result: Any) -> Any:
        branch.callback(result)
        return result

    source.addBoth(hand_on)
    return branch


class RobotsTxtMiddleware(_StockRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, checking every request, with the audit's switch."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._told_off = False

    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        if not _audit_setting(self.crawler, "obey_robots", True):
            if not self._told_off:
                self._told_off = True
                logger.info("robots.txt is not consulted: the audit sets obey_robots = false")
            return
        await super().process_request(request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            # robots.txt of this host is still loading: wait on a branch, not the original.
            return await maybe_deferred_to_future(_branch(pending))
        return await super().robot_parser(request)


# -- Retry-After --------------------------------------------------------------------------

#: Request meta key counting the Retry-After waits already made for a request.
WAITS_KEY = "auditor_retry_after_waits"
RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: bytes | str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date).

    None when absent or unreadable; a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text[:12]))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _server_now(response: Response) -> datetime | None:
    """The server's clock from its ``Date`` header, so clock skew does not bend the wait."""
    value = response.headers.get(b"Date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.decode("latin-1"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when is not None and when.tzinfo is not None else None


class RetryAfterMiddleware:
    """Wait as a 429 or 503 answer's ``Retry-After`` asks, then ask again; a few times.

    The wait is asynchronous (other hosts keep being crawled) and holds back the host's own
    download queue for as long, so its other requests wait too. A wait longer than
    ``AUDITOR_RETRY_AFTER_MAX`` seconds is not made at all: asking again sooner than the
    server said would be rude and futile, so the answer goes straight through. Without a
    (readable) ``Retry-After`` the answer goes through at once as well. Scrapy's own
    RetryMiddleware must not retry 429/503 (see ``RETRY_HTTP_CODES`` in the settings).
    Replayed answers are never waited on.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("AUDITOR_RETRY_AFTER_MAX", 60.0)
        self.max_times = crawler.settings.getint("AUDITOR_RETRY_AFTER_TIMES", 2)
        #: Download slot -> when (monotonic) the hold this middleware put on it ends.
        self._held: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in RETRY_AFTER_STATUSES or "replay" in response.flags:
            return response
        waits = int(request.meta.get(WAITS_KEY, 0))
        delay = retry_after_seconds(response.headers.get(b"Retry-After"),
                                    now=_server_now(response))
        if delay is None:
            return response
        stats = self.crawler.stats
        if waits >= self.max_times:
            logger.info("HTTP %d for %s again after %d Retry-After wait(s); giving up",
                        response.status, request.url, waits)
            if stats:
                stats.inc_value("retry_after/gave_up")
            return response
        if delay > self.max_wait:
            logger.info("HTTP %d for %s asks to wait %.0f s, more than the %.0f s allowed "
                        "(AUDITOR_RETRY_AFTER_MAX); not waiting", response.status, request.url,
                        delay, self.max_wait)
            if stats:
                stats.inc_value("retry_after/too_long")
            return response
        logger.info("HTTP %d for %s: waiting %.1f s as Retry-After asks (wait %d of %d)",
                    response.status, request.url, delay, waits + 1, self.max_times)
        if stats:
            stats.inc_value("retry_after/waits")
        self._hold_host(request, delay)
        await sleep(delay)
        retry = request.copy()
        retry.meta[WAITS_KEY] = waits + 1
        retry.dont_filter = True
        return retry

    def _hold_host(self, request: Request, seconds: float) -> None:
        """Keep the host's download queue still for ``seconds`` (best effort).

        Uses the downloader's per-host slot timer, as DOWNLOAD_DELAY does; a hold already
        running longer is kept. Should a future Scrapy change those internals, only the
        host-wide pause is lost, not the wait itself.
        """
        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        key = request.meta.get("download_slot")
        if downloader is None or not key or seconds <= 0:
            return
        try:
            slot = downloader.slots.get(key)
            if slot is None:
                return
            until = monotonic() + seconds
            if slot.latercall is not None:
                if self._held.get(key, 0.0) >= until:
                    return
                slot.latercall.cancel()
            slot.latercall = call_later(seconds, downloader._latercall, slot)
            self._held[key] = until
        except AttributeError:  # pragma: no cover - other Scrapy internals
            return


# -- only public http(s) addresses --------------------------------------------------------

ALLOWED_SCHEMES = frozenset({"http", "https"})
_NOT_ALLOWED = "(the audit does not allow private addresses)"


class AddressRefused(IgnoreRequest):
    """A request the audit will not make: a private address or a scheme other than http(s)."""


def non_public_kind(host: str) -> str | None:
    """What kind of non-public address ``host`` is ("a loopback address", ...), or None.

    None also for names: only IP literals are judged here (names are judged once resolved).
    """
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks: Sequence[tuple[bool, str]] = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "a non-public address"),
    )
    for matched, kind in checks:
        if matched:
            return kind
    return None


def _allow_private(crawler: Crawler) -> bool:
    return _audit_setting(crawler, "allow_private_addresses", False)


class AddressGuardMiddleware:
    """Refuses non-http(s) URLs and IP-literal hosts that are not public.

    Every request passes here, redirect targets too (a redirect is a new request through
    the middlewares). Host names are judged by :class:`GuardedResolver` once resolved.
    With ``--replay`` nothing reaches the network, so nothing is refused.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.allow_private = False
        self.replaying = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        self.allow_private = _allow_private(self.crawler)
        self.replaying = bool(auditor_option(self.crawler, "replay"))
        GuardedResolver.allow_private = self.allow_private
        if self.allow_private:
            logger.info("private addresses allowed: the audit sets allow_private_addresses")

    def process_request(self, request: Request) -> None:
        if self.replaying:
            return
        parts = urlparse_cached(request)
        scheme = (parts.scheme or "").lower()
        if scheme not in ALLOWED_SCHEMES:
            if scheme == "data" and "auditor_state" not in request.meta:
                return  # the spider's own bookkeeping request, never a fetch
            raise AddressRefused(f"refused: {scheme or 'scheme-less'} URLs are not fetched "
                                 f"(only http and https): {request.url[:200]}")
        if self.allow_private:
            return
        host = parts.hostname or ""
        kind = non_public_kind(host)
        if kind is not None:
            self._count()
            raise AddressRefused(f"refused: {host} is {kind} {_NOT_ALLOWED}")

    def _count(self) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value("address_guard/refused")


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to a non-public address.

    The address is judged on every lookup, cached or not, so no connection is ever opened.

    Installed process-wide (``TWISTED_DNS_RESOLVER``) before any spider exists, so the
    audit's ``allow_private_addresses`` reaches it through :attr:`allow_private`, which
    :class:`AddressGuardMiddleware` sets when the spider opens (one audit per process).
    """

    #: Refuse by default: a crawl without the guard middleware still cannot reach inside.
    allow_private: ClassVar[bool] = False
    #: Name -> why it was refused. Twisted reports a failed lookup as "no results" whatever
    #: the resolver raised, so :class:`RefusedNameMiddleware` gets the reason from here.
    refusals: ClassVar[LocalCache[str, str]] = LocalCache(1000)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        resolved = super().getHostByName(name, timeout)
        resolved.addCallback(self.judge, name)
        return resolved

    @classmethod
    def judge(cls, address: str, name: str) -> str:
        if cls.allow_private:
            return address
        kind = non_public_kind(address)
        if kind is not None:
            reason = f"refused: {name} resolves to {address}, {kind} {_NOT_ALLOWED}"
            cls.refusals[name.lower().rstrip(".")] = reason
            # A DNS error: Twisted passes it on quietly as "no results" (anything else is
            # logged with a traceback); RefusedNameMiddleware restores the reason.
            raise DNSLookupError(reason)
        return address


class RefusedNameMiddleware:
    """Gives a request whose host name :class:`GuardedResolver` refused its real reason.

    Without it the refusal reaches the spider as a plain DNS failure ("no results for
    hostname lookup") and RetryMiddleware retries it. Sits above RetryMiddleware (550), as
    exceptions travel from the downloader upwards.
    """

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return
        host = (urlparse_cached(request).hostname or "").lower().rstrip(".")
        reason = GuardedResolver.refusals.get(host)
        if reason is not None:
            raise AddressRefused(reason) from exception
