"""Downloader middlewares: answer requests from a replay directory, or record them into one."""

from __future__ import annotations

from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from auditor.credentials import ACCESS_TOKEN_PARAM, redact
from auditor.replay import ReplayRecorder, ReplayStore


class NotInReplay(IgnoreRequest):
    """--replay was given and the manifest has no answer for this URL."""


def header_dict(response: Response) -> dict[str, str]:
    """A response's headers by lower-case name, repeated ones joined with ", " (what the
    adapters, the rate-limit readers and the answer cache read)."""
    return {name.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
            for name, values in response.headers.items()}


def auditor_option(crawler: Crawler, name: str) -> Any:
    """An auditor option: the spider argument (``-a replay=DIR``) or the setting."""
    spider_value = getattr(crawler.spider, name, None) if crawler.spider else None
    return spider_value or crawler.settings.get(f"AUDITOR_{name.upper()}_DIR") or None


class ReplayMiddleware:
    """With a replay directory set, every request is answered from its manifest."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store: ReplayStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        directory = auditor_option(self.crawler, "replay")
        if directory:
            self.store = ReplayStore(directory)

    def process_request(self, request: Request) -> Response | None:
        if self.store is None or request.url.startswith("data:"):
            return None
        entry = self.store.lookup(request.url)
        if entry is None:
            if request.url.endswith("/robots.txt"):
                # No robots.txt recorded: answer as a server without one would.
                return Response(request.url, status=404, request=request, flags=["replay"])
            raise NotInReplay(f"not in replay: {request.url}")
        headers = Headers({name: value for name, value in entry.headers.items()})
        body = entry.body()
        # The class from the recorded Content-Type too, as a live crawl picks it (a JSON API
        # answers JsonResponse): Scrapy's Headers look names up as bytes.
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=entry.status, headers=headers, body=body,
                   request=request, flags=["replay"])


class RecordMiddleware:
    """With a record directory set, every response is written into a replay directory."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.recorder: ReplayRecorder | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        directory = auditor_option(self.crawler, "record")
        if directory:
            self.recorder = ReplayRecorder(directory)

    def spider_closed(self) -> None:
        if self.recorder is not None:
            self.recorder.save()

    def process_response(self, request: Request, response: Response) -> Response:
        if self.recorder is None or "replay" in response.flags:
            return response
        # Redirects were followed below us; write each hop so a replay follows them too.
        hops = request.meta.get("redirect_urls") or []
        reasons = request.meta.get("redirect_reasons") or []
        chain = [*hops, response.url]
        for index, url in enumerate(hops):
            status = reasons[index] if index < len(reasons) and isinstance(reasons[index], int) \
                else 302
            self.recorder.add(_redacted(url), status, {"Location": _redacted(chain[index + 1])},
                              b"")
        # Only these answer headers are kept; the request's (its Authorization) never are.
        headers = {}
        for name in (b"Content-Type", b"Link", b"Retry-After", b"Location"):
            value = response.headers.get(name)
            if value is not None:
                headers[name.decode()] = _redacted(value.decode("latin-1"))
        body = response.body
        text = body.decode("latin-1")
        secrets = _secrets(self.crawler)
        if ACCESS_TOKEN_PARAM.search(text) or any(secret in text for secret in secrets):
            # Graph API paging links carry the token (``next``: ...&access_token=...)
            body = redact(text, secrets).encode("latin-1")
        self.recorder.add(_redacted(response.url), response.status, headers, body)
        self.recorder.save()
        return response


def _redacted(text: str) -> str:
    """``text`` without any ``access_token=`` value (recordings are shared; tokens are not)."""
    return redact(text, ())


def _secrets(crawler: Crawler) -> tuple[str, ...]:
    """The tokens the crawl holds (auditor.credentials), to keep out of recordings."""
    options = getattr(crawler.spider, "options", None)
    credentials = getattr(options, "credentials", None)
    return credentials.secrets() if credentials is not None else ()
