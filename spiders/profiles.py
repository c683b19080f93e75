"""The one spider: turns the config into request chains that the platform adapters drive."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    UsageError,
)
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer
from twisted.internet.defer import Deferred
from twisted.internet.error import (
    ConnectError,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure as TwistedFailure

from auditor.answercache import CONDITIONAL_STEPS, FINAL_URL, IMAGE_KEY, AnswerCache
from auditor.config import ConfigError, config_from_urls, load_config, parse_as_of
from auditor.crawl import CrawlPlan, crawl_plan
from auditor.credentials import ApiCredentials, load_credentials, replay_credentials
from auditor.messages import msg
from auditor.models import ProfileRecord
from auditor.platforms import adapter_named, mastodon_batch
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    Failure,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
)
from auditor.replay import ReplayError, ReplayStore
from auditor.scrapyd_api import fetch_plan
from auditor.urls import host_of, is_http_url
from spiders.manners import AddressRefused
from spiders.middlewares import NotInReplay, header_dict

logger = logging.getLogger(__name__)

#: Statuses handed to the adapter instead of being dropped: it maps each to an outcome.
#: Redirects (3xx) are not listed, so Scrapy still follows them.
HANDLED_STATUSES = [*range(400, 600), 999]
#: Seconds one page may take to read (AUDITOR_PARSE_SECONDS); a normal page takes
#: milliseconds, the largest a few seconds.
PARSE_SECONDS = 30.0
#: An avatar larger than this is not fetched for hashing.
_AVATAR_MAX = 2 * 1024 * 1024
#: Platforms that give a new photo a new address (a content hash, an upload id in it): an
#: avatar address hashed by an earlier audit is the same photo, not fetched again. A feed's
#: or a website's image (``/logo.png``) may change at the same address: always fetched.
NEW_ADDRESS_PER_PHOTO = frozenset({"mastodon", "bluesky", "youtube", "telegram"})
#: Platforms whose posts are kept in the history, so a re-audit asks only for new ones.
TIMELINE_PLATFORMS = frozenset({"mastodon", "bluesky", "telegram"})


async def wait_for_room(crawler: Any) -> None:
    """Return when the crawler can take another start request.

    Scrapy reads ``start()`` ahead into its scheduler whenever the downloader is busy, so a
    list of 10,000 profiles would wait in memory as 10,000 queued requests. Waiting here
    until the scheduler has handed everything on (its ``scheduler_empty`` signal) keeps the
    downloader fed and the queue short: memory does not grow with the list.
    """
    engine = getattr(crawler, "engine", None)
    if engine is not None and engine.needs_backout():
        await crawler.signals.wait_for(signals.scheduler_empty)


class ProfilesSpider(scrapy.Spider):
    """Audits every profile listed in ``-a config=FILE`` (or ``-a urls="URL URL"``, or the
    ``-a plan=FILE`` the ``auditor`` command writes from the config it parsed)."""

    name = "profiles"

    def __init__(self, config: str | None = None, urls: str | None = None,
                 as_of: str | None = None, records: str | None = None,
                 replay: str | None = None, record: str | None = None,
                 plan: str | None = None, plan_url: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if plan or plan_url:
            # plan_url: a Scrapyd job's plan, served by the auditor that scheduled it (a
            # spider argument is limited to 128 KiB; auditor.scrapyd_api)
            try:
                if plan_url:
                    self.plan = CrawlPlan.from_json(fetch_plan(plan_url))
                else:
                    with open(str(plan), encoding="utf-8") as handle:
                        self.plan = CrawlPlan.from_json(handle.read())
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise UsageError(f"plan {plan_url or plan}: cannot be read ({exc})") from None
        else:
            try:
                if config:
                    parsed = load_config(config)
                elif urls:
                    parsed = config_from_urls(urls.split())
                else:
                    raise UsageError("give -a config=FILE or -a urls=\"URL [URL ...]\"")
            except ConfigError as exc:
                raise UsageError("bad config:\n" + "\n".join(exc.problems)) from None
            try:
                moment = as_of or parsed.audit.as_of
                when = parse_as_of(moment) if moment else datetime.now(UTC)
            except ValueError as exc:
                raise UsageError(f"as_of: {exc}") from None
            self.plan = crawl_plan(parsed, when)
        # The user's API tokens are read here, in the crawl process, and kept in memory
        # only: plan.json never holds them (auditor.credentials). A replay sends nothing,
        # so it gets placeholders and never reads the real ones.
        self.options: CrawlOptions = replace(
            self.plan.options, credentials=_replay_credentials(replay, self.plan.options)
            if replay else load_credentials())
        self.as_of = self.options.as_of
        self.records = records
        self.replay = replay
        self.record = record
        #: Profiles whose record has not been yielded yet: none may be lost.
        self.pending: dict[str, Target] = {}
        self.fetch_avatars = True
        #: Longest time one page may be read before its profile is recorded as an error.
        self.parse_seconds = PARSE_SECONDS
        #: Avatar URL -> SHA-256 (None when it could not be fetched); records waiting for one.
        self.avatar_hashes: dict[str, str | None] = {}
        self.avatar_waiting: dict[str, list[ProfileRecord]] = {}
        self._rescue_sent = False
        #: What the last audit kept in the history (auditor.answercache), when there is one.
        self.cache: AnswerCache | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ProfilesSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.fetch_avatars = crawler.settings.getbool("AUDITOR_FETCH_AVATARS", True)
        directory = crawler.settings.get("AUDITOR_REPLAY_DIR")
        if directory and not spider.replay:
            spider.options = replace(spider.options,
                                     credentials=_replay_credentials(directory, spider.options))
        spider.parse_seconds = crawler.settings.getfloat("AUDITOR_PARSE_SECONDS",
                                                         PARSE_SECONDS)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    def on_closed(self) -> None:
        if self.cache is not None:
            self.cache.close()
            self.cache = None

    async def start(self) -> AsyncIterator[Any]:
        # Every listed profile, then each organisation's own website (read for its links).
        targets = list(self.plan.targets)
        for target in targets:
            self.pending[target.url] = target
        self.cache = AnswerCache.open(self.plan.history)
        batches = self._batches(targets)
        batched = {target.url for batch in batches for _, target in batch.members}
        for batch in batches:
            await wait_for_room(self.crawler)
            yield scrapy.Request(batch.url, headers={"Accept": "application/json"},
                                 callback=self.on_batch, errback=self.on_batch_failure,
                                 dont_filter=True, meta={"auditor_batch": batch,
                                                         "handle_httpstatus_list":
                                                         HANDLED_STATUSES})
        for target in targets:
            if target.url in batched:
                continue  # asked for in a batch (on_batch)
            await wait_for_room(self.crawler)
            target = self._with_known(target)
            adapter = adapter_named(target.platform)
            if adapter is None:
                yield self._emit(ProfileRecord(
                    url=target.url, platform="unknown", handle=None, outcome="unsupported",
                    outcome_detail=f"no adapter reads {host_of(target.url)} profiles yet",
                    organisation=target.organisation, role=target.role,
                    source_url=target.source_url,
                ))
                continue
            for output in self._follow(adapter, target, lambda a=adapter, t=target:
                                       a.start(t, self.options)):
                yield output

    # -- the request chain ----------------------------------------------------------------

    def _follow(self, adapter: PlatformAdapter, target: Target, make_step: Any) -> Iterator[Any]:
        """Run one adapter call; an exception inside it becomes outcome error, never a loss."""
        try:
            step: Step = make_step()
        except Exception as exc:  # the adapter is pure code over untrusted input
            logger.exception("adapter %s failed on %s", adapter.platform, target.url)
            step = adapter.record(target, "error", f"parser failed: {type(exc).__name__}: {exc}")
        if isinstance(step, Next):
            headers = dict(step.fetch.headers)
            meta = {"auditor_state": step.state, "handle_httpstatus_list": HANDLED_STATUSES}
            if step.fetch.api:
                # A documented API read with the user's credentials: its owner's terms
                # govern it, not robots.txt, which is for crawlers (graph.facebook.com's
                # forbids everything to everyone).
                meta["dont_obey_robotstxt"] = True
                meta["dont_redirect"] = True  # the token goes to the API host, nowhere else
            if self.cache is not None and step.fetch.step in CONDITIONAL_STEPS.get(
                    adapter.platform, ()):
                # Asked conditionally where the last audit kept the answer: a 304 is
                # answered from the history (on_response).
                meta["auditor_conditional"] = step.fetch.url
                validators = self.cache.validators(step.fetch.url)
                if validators:
                    headers.update(validators)
                    meta["handle_httpstatus_list"] = [304, *HANDLED_STATUSES]
            yield scrapy.Request(
                step.fetch.url,
                headers=headers,
                callback=self.on_response,
                errback=self.on_failure,
                dont_filter=True,
                meta=meta,
            )
        else:
            yield from self._finish(step)

    async def on_response(self, response: Response) -> AsyncIterator[Any]:
        state: CrawlState = response.meta["auditor_state"]
        adapter = adapter_named(state.target.platform)
        assert adapter is not None
        page = Page(
            url=response.url,
            status=response.status,
            headers=header_dict(response),
            body=response.body,
            fetched_at=datetime.now(UTC),
        )
        asked = response.meta.get("auditor_conditional")
        if asked and self.cache is not None:
            page = self._conditional(asked, page)
        if self.cache is not None and state.step == "lookup" and adapter.platform == "mastodon":
            account_id = mastodon_batch.account_id_of(page)  # for the next audit's batches
            if account_id is not None:
                self.cache.keep_account_id(state.target.url, account_id)
        # The page is read in a thread of its own, so that a slow read holds up no other
        # profile's downloads; past the parse budget the profile is given up as an error.
        # A thread is pre-empted only between Python steps: one long call in C that holds
        # the GIL (a regular expression) still stalls the crawl, which is why the parsers
        # cap what they read (auditor.platforms.feedcap, tests/test_fuzz.py).
        read = await self._read(adapter, state, page)
        for output in self._follow(adapter, state.target, lambda: _result(read)):
            yield output

    async def _read(self, adapter: PlatformAdapter, state: CrawlState,
                    page: Page) -> Step | Exception:
        """``adapter.advance(state, page)`` in a thread, within the parse budget."""
        try:
            return await maybe_deferred_to_future(
                _in_thread(adapter.advance, state, page, timeout=self.parse_seconds))
        except defer.TimeoutError:
            logger.error("reading %s took longer than %g s; %s recorded as an error (the "
                         "read goes on in its thread)", page.url, self.parse_seconds,
                         state.target.url)
            return adapter.record(state.target, "error", str(msg(
                "detail.parse_budget", url=page.url, seconds=f"{self.parse_seconds:g}")),
                fetched_at=page.fetched_at)
        except Exception as exc:  # raised by the adapter: _follow records it
            return exc

    def on_failure(self, failure: TwistedFailure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        state: CrawlState = request.meta["auditor_state"]
        adapter = adapter_named(state.target.platform)
        assert adapter is not None
        problem = Failure(kind=failure_kind(failure), detail=_describe(failure), url=request.url)
        yield from self._follow(adapter, state.target, lambda: adapter.fail(state, problem))

    def _emit(self, record: ProfileRecord) -> dict[str, Any]:
        self.pending.pop(record.url, None)
        if self.cache is not None:
            self._keep_timeline(record)
        return record.to_dict()

    # -- asking only for what is new (auditor.answercache) ------------------------------------

    def _with_known(self, target: Target) -> Target:
        """``target`` with the posts the last audit stored of it (the timelines of
        Mastodon, Bluesky and Telegram)."""
        if self.cache is None or target.platform not in TIMELINE_PLATFORMS:
            return target
        known = self.cache.timeline(target.url)
        return target if known is None else replace(target, known=known)

    def _batches(self, targets: list[Target]) -> list[mastodon_batch.Batch]:
        """Batches for the Mastodon profiles whose account id the last audit kept."""
        if self.cache is None:
            return []
        known = []
        for target in targets:
            if mastodon_batch.eligible(target):
                account_id = mastodon_batch.usable_id(self.cache.account_id(target.url))
                if account_id is not None:
                    known.append((self._with_known(target), account_id))
        return mastodon_batch.plan(known)

    async def on_batch(self, response: Response) -> AsyncIterator[Any]:
        """A batch's accounts go on as their lookups' answers would; the rest are looked
        up one by one (auditor.platforms.mastodon_batch.split)."""
        page = Page(url=response.url, status=response.status,
                    headers=header_dict(response),
                    body=response.body, fetched_at=datetime.now(UTC))
        found, missing = mastodon_batch.split(response.meta["auditor_batch"], page)
        adapter = adapter_named("mastodon")
        assert adapter is not None
        for target, lookup in found:  # each read as its lookup's answer is (on_response)
            read = await self._read(adapter, mastodon_batch.lookup_state(target, self.options),
                                    lookup)
            for output in self._follow(adapter, target, lambda r=read: _result(r)):
                yield output
        for output in self._lookups(missing):
            yield output

    def on_batch_failure(self, failure: TwistedFailure) -> Iterator[Any]:
        batch = failure.request.meta["auditor_batch"]  # type: ignore[attr-defined]
        yield from self._lookups([target for _, target in batch.members])

    def _lookups(self, targets: list[Target]) -> Iterator[Any]:
        adapter = adapter_named("mastodon")
        assert adapter is not None
        for target in targets:
            yield from self._follow(adapter, target,
                                    lambda t=target: adapter.start(t, self.options))

    def _conditional(self, asked: str, page: Page) -> Page:
        """A 304 becomes the stored answer; a new answer with validators is stored."""
        assert self.cache is not None
        if page.status == 304:
            stored = self.cache.answer(asked)
            if stored is not None:
                headers, body = stored
                return replace(page, url=headers.pop(FINAL_URL, page.url), status=200,
                               headers=headers, body=body)
            return page  # nothing stored after all: the adapter sees the 304 as it is
        if 200 <= page.status < 300:
            self.cache.keep_answer(asked, {**page.headers, FINAL_URL: page.url}, page.body)
        return page

    def _keep_timeline(self, record: ProfileRecord) -> None:
        """Keep a profile's posts for the next audit (auditor.platforms.timeline.known_of
        says which reads are kept)."""
        from auditor.platforms.timeline import known_of

        assert self.cache is not None
        if record.platform not in TIMELINE_PLATFORMS:
            return
        known = known_of(record)
        if known is not None:
            self.cache.keep_timeline(record.url, known)

    # -- avatars: fetched once per URL and hashed, so profiles can be compared ---------------

    def _finish(self, record: ProfileRecord) -> Iterator[Any]:
        """Emit a finished record, after hashing its avatar when there is one to fetch."""
        avatar = record.profile.avatar_url if record.profile else None
        target = self.pending.get(record.url)
        if (not self.fetch_avatars or not is_http_url(avatar) or record.profile is None
                or record.profile.avatar_is_default
                or (target is not None and not target.compare_photo)):
            yield self._emit(record)
            return
        assert avatar is not None
        ask: dict[str, str] = {}
        if avatar not in self.avatar_hashes and self.cache is not None:
            if record.platform in NEW_ADDRESS_PER_PHOTO:
                known = self.cache.avatar(avatar)  # a known address: the same photo
                if known is not None:
                    self.avatar_hashes[avatar] = known
            else:
                # An address that may hold another picture: the stored digest while the
                # image is fresh (RFC 9111), else asked conditionally (a 304 keeps it).
                stored = self.cache.image(avatar)
                if stored is not None and stored[1]:
                    self.avatar_hashes[avatar] = stored[0]
                elif stored is not None:
                    ask = stored[2]
        if avatar in self.avatar_hashes:
            yield self._emit(_with_avatar_hash(record, self.avatar_hashes[avatar]))
            return
        waiting = self.avatar_waiting.setdefault(avatar, [])
        waiting.append(record)
        if len(waiting) == 1:
            yield scrapy.Request(avatar, callback=self.on_avatar, errback=self.on_avatar_failure,
                                 dont_filter=True, headers=ask,
                                 meta={"auditor_avatar": avatar, "download_maxsize": _AVATAR_MAX,
                                       "handle_httpstatus_list": [304, *HANDLED_STATUSES]})

    def on_avatar(self, response: Response) -> Iterator[Any]:
        avatar = response.meta["auditor_avatar"]
        digest = None
        if response.status == 304 and self.cache is not None:
            stored = self.cache.image(avatar)  # not modified: the stored digest
            digest = stored[0] if stored is not None else None
        elif 200 <= response.status < 300 and response.body:
            digest = hashlib.sha256(response.body).hexdigest()
        if digest is not None and self.cache is not None:
            headers = header_dict(response)
            prior = self.cache.answer(IMAGE_KEY + avatar) if response.status == 304 else None
            # a 304 may leave out what it did not change (Last-Modified): keep the rest
            self.cache.keep_image(avatar, {**(prior[0] if prior else {}), **headers}, digest)
        yield from self._release_avatar(avatar, digest)

    def on_avatar_failure(self, failure: TwistedFailure) -> Iterator[Any]:
        avatar = failure.request.meta["auditor_avatar"]  # type: ignore[attr-defined]
        yield from self._release_avatar(avatar, None)

    def _release_avatar(self, avatar: str, digest: str | None) -> Iterator[Any]:
        self.avatar_hashes[avatar] = digest
        if digest is not None and self.cache is not None:
            self.cache.keep_avatar(avatar, digest)
        for record in self.avatar_waiting.pop(avatar, []):
            yield self._emit(_with_avatar_hash(record, digest))

    # -- the safety net ---------------------------------------------------------------------

    def on_idle(self) -> None:
        """Before closing, give every profile still without a record an error record."""
        if not self.pending or self._rescue_sent:
            return
        self._rescue_sent = True
        logger.error("%d profile(s) lost their request chain; recording them as errors",
                     len(self.pending))
        self.crawler.engine.crawl(scrapy.Request("data:,", callback=self._emit_lost,
                                                 dont_filter=True))
        raise DontCloseSpider

    def _emit_lost(self, response: Response) -> Iterator[Any]:
        for records in list(self.avatar_waiting.values()):
            for record in records:
                yield self._emit(record)  # the record is whole; only its avatar hash is missing
        self.avatar_waiting.clear()
        for target in list(self.pending.values()):
            adapter = adapter_named(target.platform)
            if adapter is not None:
                yield self._emit(adapter.record(target, "error",
                                                "the request was dropped before an answer"))


def _replay_credentials(directory: str, options: CrawlOptions) -> ApiCredentials:
    """Placeholder tokens for the APIs whose answers the replay directory holds: a
    recording made without a token replays those profiles as they were, login_wall."""
    try:
        hosts = {host_of(entry.url) for entry in ReplayStore(directory).entries.values()}
    except (ReplayError, OSError, ValueError):
        hosts = set()  # the replay middleware reports an unreadable directory itself
    return replay_credentials(x=host_of(options.endpoint("x_api")) in hosts,
                              meta=host_of(options.endpoint("meta_graph")) in hosts)


def _in_thread(function: Callable[..., Step], *args: Any, timeout: float) -> Deferred[Step]:
    """``function(*args)`` in a daemon thread of its own; the Deferred fails with
    twisted's TimeoutError after ``timeout`` seconds, and a later result is dropped.

    A daemon thread, not the reactor's pool: a read past its budget cannot be stopped, and
    it must not hold the pool's threads or the end of the process.
    """
    from twisted.internet import reactor

    done: Deferred[Step] = Deferred()

    def settle(outcome: Step | TwistedFailure) -> None:
        if not done.called:  # else it timed out: too late
            if isinstance(outcome, TwistedFailure):
                done.errback(outcome)
            else:
                done.callback(outcome)

    def run() -> None:
        try:
            outcome: Step | TwistedFailure = function(*args)
        except Exception:
            outcome = TwistedFailure()
        reactor.callFromThread(settle, outcome)

    threading.Thread(target=run, name="auditor-parse", daemon=True).start()
    done.addTimeout(timeout, reactor)
    return done


def _result(read: Step | Exception) -> Step:
    """The step an adapter returned, or what it raised raised again (for _follow)."""
    if isinstance(read, Exception):
        raise read
    return read


def _with_avatar_hash(record: ProfileRecord, digest: str | None) -> ProfileRecord:
    if digest is None or record.profile is None:
        return record
    return replace(record, profile=replace(record.profile, avatar_sha256=digest))


def failure_kind(failure: TwistedFailure) -> str:
    """Classify a download failure into one of auditor.platforms.base.FAILURE_KINDS."""
    if failure.check(NotInReplay):
        return "not_in_replay"
    if failure.check(AddressRefused):
        return "refused"
    if failure.check(IgnoreRequest):
        message = str(failure.value).lower()
        return "robots" if "robots" in message else "other"
    # Scrapy 2.19 wraps Twisted's errors in its own types; both are recognised.
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns"
    if failure.check(ConnectionRefusedError, ConnectError, DownloadConnectionRefusedError):
        return "connection"
    text = f"{type(failure.value).__name__} {failure.value}".lower()
    if "ssl" in text or "tls" in text or "certificate" in text:
        return "tls"
    if "maxsize" in text or "max size" in text or "larger than" in text:
        return "too_large"
    return "other"


def _describe(failure: TwistedFailure) -> str:
    value = failure.value
    text = str(value).strip() or type(value).__name__
    return text[:300]
