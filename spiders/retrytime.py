"""When a profile given up to a rate limit may be read again, in its record."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from auditor.crawlstatus import retry_time_text
from spiders.pacing import NOT_ASKED, RETRY_AT_KEY

#: The end of a rate-limited profile's detail (``detail.rate_limit_until``).
RETRY_DETAIL = "try again from {time}, when {host} allows more requests"


class RetryTimeMiddleware:
    """A spider middleware: the record of a profile given up to a rate limit says when its
    host allows more requests ("HTTP 429: rate limited: try again from 2026-11-30 21:34 UTC,
    when mastodon.social allows more requests"); a request never sent does not claim an
    HTTP 429."""

    def __init__(self) -> None:
        #: Profile URL -> (host, epoch seconds), from the answers given up.
        self.retry_at: dict[str, tuple[str, float]] = {}
        #: Profiles whose request was never sent.
        self.not_asked: set[str] = set()

    def _note(self, response: Response) -> None:
        try:
            meta = response.meta
        except AttributeError:  # a response without its request
            return
        at = meta.get(RETRY_AT_KEY)
        url = getattr(getattr(meta.get("auditor_state"), "target", None), "url", None)
        if not isinstance(at, (int, float)) or not isinstance(url, str):
            return
        self.retry_at[url] = ((urlparse_cached(response).hostname or "").lower(), float(at))
        if NOT_ASKED in response.flags:
            self.not_asked.add(url)
        else:
            self.not_asked.discard(url)

    def _amend(self, item: Any) -> Any:
        if not isinstance(item, dict) or item.get("outcome") != "rate_limited":
            return item
        url = item.get("url")
        found = self.retry_at.pop(url, None) if isinstance(url, str) else None
        if found is None:
            return item
        detail = str(item.get("outcome_detail") or "rate limited")
        if url in self.not_asked:
            self.not_asked.discard(url)
            detail = detail.replace("HTTP 429: rate limited", "rate limited", 1)
        host, at = found
        item["outcome_detail"] = detail + ": " + RETRY_DETAIL.format(
            host=host, time=retry_time_text(at))
        return item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        self._note(response)
        for item in result:
            yield self._amend(item)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        self._note(response)
        async for item in result:
            yield self._amend(item)
