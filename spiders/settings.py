"""Scrapy settings for the auditor: polite by default. Every value says why it is set."""

from scrapy.settings import default_settings as _scrapy_defaults

from auditor import __version__

BOT_NAME = "social-presence-auditor"
SPIDER_MODULES = ["spiders.profiles"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves and where to read about us, as polite crawlers do.
USER_AGENT = (
    f"social-presence-auditor/{__version__} "
    "(+https://github.com/social-presence-auditor/auditor)"
)

# Manners: robots.txt obeyed (an audit may switch it off for documented APIs and feeds),
# one or two requests at a time per host, AutoThrottle to back off from slow servers,
# different hosts in parallel.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Short timeouts, a size cap and few retries: a profile page is never large, and a slow
# server must not hold the audit up.
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DNS_TIMEOUT = 10
RETRY_ENABLED = True
RETRY_TIMES = 2
# 429 and 503 are not retried at once: RetryAfterMiddleware waits as Retry-After asks.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5

# Public pages only: no cookies, no sessions.
COOKIES_ENABLED = False

# Nothing listens on this machine because of us: no telnet console, and Scrapy 2.19's
# RemoteControl extension (a local server that runs posted code) stays off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Scrapy's own lists without them, rather than listing them as None: Scrapy imports every
# component it is given, switched off or not, and RemoteControl's aiohttp and the telnet
# console's Twisted conch cost ~0.1 s of CPU at the start of every crawl (`auditor check`
# of one profile included). The same for the cookies middleware (cookies are off), whose
# tldextract costs ~0.05 s.
_OFF = frozenset({"scrapy.extensions.telnet.TelnetConsole",
                  "scrapy.extensions.remote_control.RemoteControl",
                  "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"})
EXTENSIONS_BASE = {name: order for name, order in _scrapy_defaults.EXTENSIONS_BASE.items()
                   if name not in _OFF}
# AutoThrottle that lowers a host's delay on a 304 too (spiders/throttle.py: a re-audit's
# conditional requests are answered with nothing but 304s by an unchanged host)
EXTENSIONS_BASE = {("spiders.throttle.ConditionalAutoThrottle"
                    if name == "scrapy.extensions.throttle.AutoThrottle" else name): order
                   for name, order in EXTENSIONS_BASE.items()}
DOWNLOADER_MIDDLEWARES_BASE = {
    name: order for name, order in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
    if name not in _OFF}
EXTENSIONS: dict[str, int | None] = {}

DOWNLOADER_MIDDLEWARES = {
    # First of all: only http(s), and no private addresses unless the audit allows them
    # (redirect targets pass here again). Before robots.txt, so none is fetched from there.
    "spiders.manners.AddressGuardMiddleware": 40,
    # Scrapy's robots.txt check skips requests queued while robots.txt loads: ours does not,
    # and honours the audit's obey_robots switch.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.manners.RobotsTxtMiddleware": 100,
    # Retry-After on 429/503 (scrapy#3849), next to RetryMiddleware (550).
    "spiders.manners.RetryAfterMiddleware": 560,
    # Pacing from the rate-limit headers (X-RateLimit-*, RateLimit-*, x-rate-limit-*): each
    # host's budget never overspent, a spent one waited out; answers pass here before
    # RedirectMiddleware (600) and RetryAfterMiddleware (560) make new requests of them.
    "spiders.pacing.RateLimitMiddleware": 700,
    # Just below RedirectMiddleware (600): redirects to file:/data:, to overlong addresses or
    # with control characters are refused with a sentence.
    "spiders.manners.RedirectGuardMiddleware": 610,
    # An answer over the size cap: a sentence, also when it came without a length. Below
    # the pacing (700): an exception raised here ends the chain, and the pacing must have
    # seen the request's end first (at 940 it never did, and a host's waiting requests
    # waited for that answer for ever); above RedirectMiddleware and the retries, which
    # must not ask again for an answer that is too large.
    "spiders.manners.TooLargeMiddleware": 650,
    # After HttpCompression (590) has decoded the body, before anything else sees it.
    "spiders.middlewares.RecordMiddleware": 580,
    # A name the DNS resolver refused: its reason, not "DNS lookup failed", and no retry.
    # Below the pacing too, for the same reason.
    "spiders.manners.RefusedNameMiddleware": 660,
    # Closest to the downloader: with --replay no request ever reaches the network.
    "spiders.middlewares.ReplayMiddleware": 990,
}

# Addresses longer than URLLENGTH_LIMIT are refused by AddressGuardMiddleware with a reason
# for the record; Scrapy's UrlLengthMiddleware would drop them in silence.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # A profile given up to a rate limit says when its host takes requests again.
    "spiders.retrytime.RetryTimeMiddleware": 800,
}

# Names resolving to private, loopback or link-local addresses are refused (IP literals
# are refused by AddressGuardMiddleware). DNS_RESOLVER is deprecated in Scrapy 2.19.
TWISTED_DNS_RESOLVER = "spiders.manners.GuardedResolver"

ITEM_PIPELINES = {
    "spiders.pipelines.RecordFilePipeline": 800,
}

# Auditor options; each can also be given as a spider argument (-a replay=DIR).
AUDITOR_REPLAY_DIR = None  # answer every request from this replay directory
AUDITOR_RECORD_DIR = None  # write every response into this replay directory
AUDITOR_RECORDS_FILE = None  # stream one JSON record per profile to this file
AUDITOR_RETRY_AFTER_MAX = 60  # longest Retry-After (seconds) waited for; longer: give up
AUDITOR_RETRY_AFTER_TIMES = 2  # Retry-After waits per request before giving up
# Rate limits (spiders/pacing.py): the longest wait (seconds) for a host's window to reset;
# a longer one leaves its profiles rate_limited, with the time to try again (--resume).
# Mastodon's windows are 5 minutes (15 for paged calls), X's 15.
AUDITOR_RATE_LIMIT_MAX_WAIT = 900
AUDITOR_RATE_LIMIT_RETRIES = 3  # 429s without Retry-After waited out per request
AUDITOR_RATE_LIMIT_MARGIN = 1.0  # seconds waited past a reset, for clocks a little apart
# Seconds one page may take to read (off the crawl's thread); past it: outcome error.
AUDITOR_PARSE_SECONDS = 30
# robots.txt (RFC 9309): asked once per host, never retried; no answer within this many
# seconds (or 5xx/429, or a broken connection) and nothing on that host is fetched
AUDITOR_ROBOTSTXT_TIMEOUT = 10
AUDITOR_ROBOTSTXT_MAXSIZE = 512 * 1024  # bytes of robots.txt parsed (RFC 9309: 500 KiB at least)

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
