"""Crawling manners Scrapy 2.19 lacks: a robots.txt check without holes and as RFC 9309 reads
it, Retry-After, no requests to private addresses or other schemes than http(s), and a
sentence for every answer the crawl will not read.

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
  robots.txt is read as RFC 9309 says (Scrapy reads any answer's body as rules, and takes a
  failed download as "allow all"): a 2xx answer gives the rules, over its first
  ``AUDITOR_ROBOTSTXT_MAXSIZE`` bytes (512 KiB; the page size cap does not apply); any other
  4xx, or a 3xx left after the redirects, means there is no robots.txt (allow all); a 5xx or
  429, a timeout or a connection that breaks off means it could not be read: nothing on that
  host is fetched for the rest of the audit, and each of its profiles says so
  (``robots_disallowed``, "robots.txt could not be read (...)"), so the user knows to try
  again later. robots.txt is asked for once per host, with a timeout of its own
  (``AUDITOR_ROBOTSTXT_TIMEOUT``, 10 s), never retried and never waited on for Retry-After.
  When the host itself cannot be reached (its name does not resolve or is refused, the
  connection is refused, TLS fails) its pages are not asked for either: each fails with that
  same error, as it would have.
- :class:`RetryAfterMiddleware` honours ``Retry-After`` on 429 and 503 (scrapy#3849), in
  seconds or as an HTTP date, a limited number of times; then the response goes through
  and the adapter reports ``rate_limited``.
- :class:`AddressGuardMiddleware` and :class:`GuardedResolver` refuse private, loopback,
  link-local and other non-public addresses (unless the audit sets
  ``allow_private_addresses = true``; an IPv6 address that carries an IPv4 one, 6to4, Teredo
  or NAT64, is judged by the IPv4 address it carries), any scheme but http(s), and addresses
  longer than ``URLLENGTH_LIMIT``; :class:`RefusedNameMiddleware` carries the resolver's
  reason to the record. :class:`RedirectGuardMiddleware` refuses, with a sentence, redirects
  to another scheme (``file:``, ``data:``), to an overlong address, or to one holding a
  control character (which Scrapy would percent-encode and follow).
- :class:`TooLargeMiddleware` says "the answer was larger than 5 MiB and was not read" for an
  answer over the size cap, also when it came without a length (Scrapy then gives only the
  name of an exception).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic, time
from typing import Any, ClassVar, Self
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as _StockRobotsTxtMiddleware,
)
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.http import Headers, Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.resolver import CachingThreadedResolver
from scrapy.robotstxt import RobotParser
from scrapy.utils.asyncio import call_later, sleep
from scrapy.utils.datatypes import LocalCache
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.internet.error import (
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web.client import ResponseFailed
from w3lib.url import safe_url_string

from auditor.messages import format_number
from auditor.models import cap_text
from auditor.platforms.base import TOO_LARGE, size_text
from auditor.urls import control_character
from spiders.middlewares import auditor_option, header_dict
from spiders.ratelimits import read_rate_limit

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


#: Request meta key marking the robots.txt requests :class:`RobotsTxtMiddleware` makes.
ROBOTS_KEY = "auditor_robots"
_ROBOTS_BYTES = "auditor_robots_bytes"

# The details of a profile whose host's robots.txt could not be read (``detail.robots_*`` in
# auditor/messages.py): each begins with auditor.platforms.base.ROBOTS_UNREADABLE.
ROBOTS_STATUS = ("robots.txt could not be read (HTTP {status}), so nothing on this host is "
                 "fetched; try again later")
ROBOTS_TIMEOUT = ("robots.txt could not be read (no answer within {seconds} s), so nothing on "
                  "this host is fetched; try again later")
ROBOTS_BROKEN = ("robots.txt could not be read (the connection broke off), so nothing on this "
                 "host is fetched; try again later")
ROBOTS_ERROR = ("robots.txt could not be read ({error}), so nothing on this host is fetched; "
                "try again later")

_TIMEOUTS = (TimeoutError, TCPTimedOutError, DownloadTimeoutError)
#: The host cannot be reached at all: its pages would fail the same way.
_UNREACHABLE = (DNSLookupError, CannotResolveHostError, DownloadConnectionRefusedError,
                ConnectError)  # Twisted's ConnectionRefusedError is a ConnectError
#: The answer started and broke off (a reset, a body cut short).
_BROKEN = (DownloadFailedError, ResponseFailed, ConnectionLost, ConnectionDone,
           ResponseDataLossError, DownloadCancelledError)


class RobotsUnreadable(IgnoreRequest):
    """The host's robots.txt could not be read, so none of its pages is fetched (RFC 9309)."""


def robots_head(body: bytes, limit: int) -> bytes:
    """The part of a robots.txt ``body`` that is parsed: all of it when it is at most
    ``limit`` bytes, else its whole lines within the first ``limit`` bytes (a rule cut in two
    would be another rule)."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    end = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[:end + 1] if end >= 0 else b""


def robots_unreadable_reason(exception: BaseException, *, timeout: float,
                             host: str = "") -> str | None:
    """The detail for the profiles of a host whose robots.txt download failed with
    ``exception``, or None when the host itself cannot be reached (its pages then fail with
    that same error, which says more)."""
    if isinstance(exception, _TIMEOUTS):
        return ROBOTS_TIMEOUT.format(seconds=format_number(timeout, 1))
    if isinstance(exception, AddressRefused) and not isinstance(exception, RedirectRefused):
        # the host's own name or address refused; a redirect elsewhere is robots.txt's fault
        if not host or str(exception).startswith(f"refused: {host} "):
            return None
        return ROBOTS_ERROR.format(error=cap_text(str(exception), 120))
    words = f"{type(exception).__name__} {exception}".lower()
    if isinstance(exception, _UNREACHABLE) or any(
            word in words for word in ("ssl", "tls", "certificate")):
        return None
    said = str(exception).strip() or type(exception).__name__
    if "max size" in said or "DOWNLOAD_MAXSIZE" in said:
        # only a robots.txt sent compressed has a cap (RobotsTxtMiddleware.headers_received)
        return ROBOTS_ERROR.format(error="compressed, and too large once unpacked")
    if isinstance(exception, _BROKEN):
        return ROBOTS_BROKEN
    return ROBOTS_ERROR.format(error=cap_text(said, 120))


class _Unreadable(RobotParser):
    """The rules of a host whose robots.txt could not be read: nothing is allowed, and each
    refusal says why (``detail`` for the profile, or the error that made the host
    unreachable)."""

    def __init__(self, detail: str | None, error: Exception):
        self.detail = detail
        self.error = error

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        raise NotImplementedError("built by RobotsTxtMiddleware only")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def refusal(self) -> Exception:
        if self.detail is not None:
            return RobotsUnreadable(self.detail)
        return self.error.with_traceback(None)


class RobotsTxtMiddleware(_StockRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, checking every request, with the audit's switch, and
    reading robots.txt as RFC 9309 says (see the module's notes)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._told_off = False
        settings = crawler.settings
        timeout = settings.getfloat("AUDITOR_ROBOTSTXT_TIMEOUT", 10.0)
        page_timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 180.0)
        #: Seconds robots.txt may take: its own timeout, or the pages' when that is shorter.
        self.timeout = min(timeout, page_timeout) if page_timeout > 0 else timeout
        #: Bytes of robots.txt read and parsed; the rest is not even downloaded.
        self.max_bytes = max(1, settings.getint("AUDITOR_ROBOTSTXT_MAXSIZE", 512 * 1024))
        #: Cap on a robots.txt sent compressed all the same, once unpacked (no zip bomb).
        self.packed_maxsize = max(settings.getint("DOWNLOAD_MAXSIZE"), 4 * self.max_bytes)
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    async def process_request(self, request: Request) -> None:  # type: ignore[override]
        if not _audit_setting(self.crawler, "obey_robots", True):
            if not self._told_off:
                self._told_off = True
                logger.info("robots.txt is not consulted: the audit sets obey_robots = false")
            return
        await super().process_request(request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, _Unreadable):
            self._stats.inc_value("robotstxt/unreadable_refused")
            request.meta["dont_retry"] = True  # the same answer would come again
            raise rp.refusal()
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            # robots.txt of this host is still loading: wait on a branch, not the original.
            return await maybe_deferred_to_future(_branch(pending))
        if netloc in self._parsers:
            return pending
        waiting: Deferred[RobotParser | None] = Deferred()
        self._parsers[netloc] = waiting
        try:
            parser: RobotParser = await self._read_robots(request)
        except Exception as exc:  # never leave the host's waiters hanging  # pragma: no cover
            logger.exception("robots.txt of %s could not be read", netloc)
            parser = _Unreadable(ROBOTS_ERROR.format(error=type(exc).__name__), exc)
        self._parsers[netloc] = parser
        waiting.callback(parser)
        return parser

    def robots_request(self, request: Request) -> Request:
        """The one request for the robots.txt of ``request``'s host: its own short timeout,
        no retry (nor Retry-After wait), no page size cap (:meth:`bytes_received` stops the
        download past ``max_bytes``), and asked for uncompressed (see
        :meth:`headers_received`)."""
        parts = urlparse_cached(request)
        return Request(
            f"{parts.scheme}://{parts.netloc}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            headers={"Accept-Encoding": "identity"},
            meta={"dont_obey_robotstxt": True, "dont_retry": True, ROBOTS_KEY: True,
                  "download_timeout": self.timeout, "download_maxsize": 0,
                  "download_warnsize": 0},
            callback=NO_CALLBACK,
        )

    async def _read_robots(self, request: Request) -> RobotParser:
        robots = self.robots_request(request)
        host = urlparse_cached(request).hostname or ""
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as exc:
            detail = robots_unreadable_reason(exc, timeout=self.timeout, host=host)
            if detail is None:
                logger.info("%s: the host cannot be reached (%s); its pages are not asked "
                            "for", robots.url, cap_text(str(exc) or type(exc).__name__, 200))
                self._stats.inc_value("robotstxt/unreachable")
            return self._unreadable(robots, detail, exc)
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        status = response.status
        if status == 429 or status >= 500:
            detail = ROBOTS_STATUS.format(status=status)
            return self._unreadable(robots, detail, RobotsUnreadable(detail))
        # a 4xx (or a 3xx not followed) means there is no robots.txt: everything is allowed
        body = robots_head(response.body, self.max_bytes) if 200 <= status < 300 else b""
        if len(response.body) > len(body) and 200 <= status < 300:
            logger.info("%s is larger than %s: its first %d bytes are read (RFC 9309)",
                        robots.url, size_text(self.max_bytes), len(body))
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request)
        return parser

    def _unreadable(self, robots: Request, detail: str | None, error: Exception) -> _Unreadable:
        if detail is not None:
            logger.warning("robots.txt of %s: %s (RFC 9309)",
                           urlparse_cached(robots).netloc, detail.removeprefix("robots.txt "))
            self._stats.inc_value("robotstxt/unreadable")
        return _Unreadable(detail, error)

    # Signal handlers, for robots.txt requests only.

    def headers_received(self, headers: Headers, request: Request) -> None:
        if not request.meta.get(ROBOTS_KEY):
            return
        request.meta[_ROBOTS_BYTES] = 0
        encoding = (headers.get(b"Content-Encoding") or b"").strip().lower()
        if encoding not in (b"", b"identity"):
            # compressed all the same: HttpCompressionMiddleware unpacks it up to this cap
            request.meta["download_maxsize"] = self.packed_maxsize

    def bytes_received(self, data: bytes, request: Request) -> None:
        if not request.meta.get(ROBOTS_KEY):
            return
        received = int(request.meta.get(_ROBOTS_BYTES, 0)) + len(data)
        request.meta[_ROBOTS_BYTES] = received
        if received > self.max_bytes:
            raise StopDownload(fail=False)  # the answer so far is handed on, as it is


# -- Retry-After --------------------------------------------------------------------------

#: Request meta key counting the Retry-After waits already made for a request.
WAITS_KEY = "auditor_retry_after_waits"
RETRY_AFTER_STATUSES = frozenset({429, 503})
#: delta-seconds (RFC 9110): ASCII digits only (str.isdigit() takes "²", which int() refuses).
_DELTA_SECONDS = re.compile(r"[0-9]+")


def retry_after_seconds(value: bytes | str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date).

    None when absent or unreadable (digits other than 0-9 too: "²" is no number of
    seconds); a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if _DELTA_SECONDS.fullmatch(text):
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


def _calls_left(response: Response) -> bool:
    """Whether a refusal's own rate-limit headers say the host takes more calls now (its
    ``X-RateLimit-Remaining`` or ``RateLimit-Remaining`` above 0)."""
    said = read_rate_limit(header_dict(response), now=time())
    return said is not None and bool(said.remaining)


class RetryAfterMiddleware:
    """Wait as a 429 or 503 answer's ``Retry-After`` asks, then ask again; a few times.

    The wait is asynchronous (other hosts keep being crawled) and holds back the host's own
    download queue for as long, so its other requests wait too; unless the refusal's own
    rate-limit headers say the host takes more calls now (``X-RateLimit-Remaining: 12``):
    then it refused that request, not the client, and only that request waits. (Held back
    host-wide, the 3% of a benchmark's profiles answering so held a rate-limited host still
    2 s each, one after another as the crawl found them: a run of 150 profiles took 1.45
    times the least its calls allow.) A wait longer than
    ``AUDITOR_RETRY_AFTER_MAX`` seconds is not made at all: asking again sooner than the
    server said would be rude and futile, so the answer goes straight through. Without a
    (readable) ``Retry-After`` the answer goes through at once as well. Scrapy's own
    RetryMiddleware must not retry 429/503 (see ``RETRY_HTTP_CODES`` in the settings).
    Replayed answers are never waited on, nor requests that must not be retried (robots.txt).
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
        if (response.status not in RETRY_AFTER_STATUSES or "replay" in response.flags
                or request.meta.get("dont_retry")):
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
        if not _calls_left(response):
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
#: Where NAT64 translators carry an IPv4 address in the last 32 bits (RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
#: URLLENGTH_LIMIT's default: the longest address fetched or followed.
DEFAULT_URL_LENGTH = 2083

# Details of requests the crawl does not make (``detail.*`` in auditor/messages.py).
URL_LONG = "the address is longer than {limit} characters and is not fetched"
REDIRECT_SCHEME = "redirected to a {scheme}: address, which is never followed"
REDIRECT_LONG = ("redirected to an address longer than {limit} characters, which is never "
                 "followed")
REDIRECT_CONTROL = ("redirected to an address with a control character ({char}), which is "
                    "never followed")


class AddressRefused(IgnoreRequest):
    """A request the audit will not make: a private address, a scheme other than http(s), an
    overlong address. Its message is the profile's detail, as it is."""


class RedirectRefused(AddressRefused):
    """A redirect the audit will not follow (another scheme, an overlong address, a control
    character in it)."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, with the scheme's name: 6to4
    (2002::/16), Teredo (2001::/32: its server and its client) and NAT64 (64:ff9b::/96)."""
    if address.sixtofour is not None:
        return [("6to4", address.sixtofour)]
    if address.teredo is not None:
        server, client = address.teredo
        return [("Teredo", server), ("Teredo", client)]
    if address in _NAT64:
        return [("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))]
    return []


def non_public_kind(host: str) -> str | None:
    """What kind of non-public address ``host`` is ("a loopback address", ...), or None.

    None also for names: only IP literals are judged here (names are judged once resolved).
    An IPv6 address that carries an IPv4 address (6to4, Teredo, NAT64) reaches that one, so
    it is judged by it alone ("a 6to4 address of 127.0.0.1, a loopback address").
    """
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return _address_kind(address.ipv4_mapped)
        carried = _embedded_ipv4(address)
        if carried:
            for scheme, inner in carried:
                kind = _address_kind(inner)
                if kind is not None:
                    return f"a {scheme} address of {inner}, {kind}"
            return None
    return _address_kind(address)


def _address_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
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
    """Refuses non-http(s) URLs, IP-literal hosts that are not public, and addresses longer
    than ``URLLENGTH_LIMIT`` (Scrapy's UrlLengthMiddleware, which drops those in silence,
    is off in the settings).

    Every request passes here, redirect targets too (a redirect is a new request through
    the middlewares). Host names are judged by :class:`GuardedResolver` once resolved.
    With ``--replay`` nothing reaches the network, so nothing is refused.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.allow_private = False
        self.replaying = False
        settings = getattr(crawler, "settings", None)
        self.max_url_length = (settings.getint("URLLENGTH_LIMIT", DEFAULT_URL_LENGTH)
                               if settings is not None else DEFAULT_URL_LENGTH)

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
        if self.max_url_length and len(request.url) > self.max_url_length:
            raise AddressRefused(URL_LONG.format(limit=self.max_url_length))
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


# -- redirects never followed --------------------------------------------------------------

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def redirect_problem(url: str, location: bytes, *, max_length: int) -> str | None:
    """Why the redirect from ``url`` to ``location`` (the raw header) is not followed, or
    None when it may be (the address guard still judges where it leads)."""
    if max_length and len(location) > max_length:
        return REDIRECT_LONG.format(limit=max_length)
    try:
        text = location.decode("utf-8")
    except UnicodeDecodeError:  # not UTF-8: bytes 0x80-0x9f are no C1 controls then
        text = "".join(ch for ch in location.decode("latin-1") if ord(ch) < 0x80)
    control = control_character(text)
    if control is not None:
        return REDIRECT_CONTROL.format(char=control)
    try:
        target = urljoin(url, safe_url_string(location))
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return None  # RedirectMiddleware's own problem to report
    if scheme not in ALLOWED_SCHEMES:
        return REDIRECT_SCHEME.format(scheme=scheme[:20])
    if max_length and len(target) > max_length:
        return REDIRECT_LONG.format(limit=max_length)
    return None


class RedirectGuardMiddleware:
    """Refuses, with a sentence, a redirect RedirectMiddleware would follow or silently hand
    on: to another scheme than http(s) (``file:``, ``data:``; Scrapy hands the 3xx answer on
    and the profile ended with "Ignoring non-200 response"), to an address longer than
    ``URLLENGTH_LIMIT`` (it was asked for, and the server hung up), or to an address with a
    control character in it (Scrapy percent-encodes it and follows another address than the
    server named). Sits just below RedirectMiddleware (600), so it sees the answer first.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_length = crawler.settings.getint("URLLENGTH_LIMIT", DEFAULT_URL_LENGTH)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if (response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect")
                or request.meta.get("handle_httpstatus_all")
                or response.status in request.meta.get("handle_httpstatus_list", ())):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        problem = redirect_problem(request.url, location, max_length=self.max_length)
        if problem is None:
            return response
        if self.crawler.stats:
            self.crawler.stats.inc_value("redirect_guard/refused")
        raise RedirectRefused(problem)


# -- answers over the size cap -------------------------------------------------------------

_BYTES_KEY = "auditor_bytes_received"


class ResponseTooLarge(Exception):
    """The answer was larger than the size cap; the message says so in a sentence."""


class TooLargeMiddleware:
    """Turns Scrapy's cancelled download of an answer over ``DOWNLOAD_MAXSIZE`` (or the
    request's ``download_maxsize``) into :class:`ResponseTooLarge` with a sentence ("the
    answer was larger than 5 MiB and was not read").

    An answer with a length over the cap is refused with Scrapy's own long words; one sent
    without a length is cancelled with no words at all (``DownloadCancelledError``), so the
    bytes received are counted (signals) to know that the cap was the reason.
    """

    def __init__(self, crawler: Crawler):
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def headers_received(self, request: Request) -> None:
        request.meta[_BYTES_KEY] = 0  # a new answer (a retry copies the meta)

    def bytes_received(self, data: bytes, request: Request) -> None:
        request.meta[_BYTES_KEY] = int(request.meta.get(_BYTES_KEY, 0)) + len(data)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, DownloadCancelledError):
            return
        cap = int(request.meta.get("download_maxsize", self.maxsize) or 0)
        if cap <= 0:
            return
        if ("larger than download max size" in str(exception)
                or int(request.meta.get(_BYTES_KEY, 0)) > cap):
            raise ResponseTooLarge(TOO_LARGE.format(size=size_text(cap))) from exception
