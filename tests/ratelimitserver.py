"""A Mastodon-API-shaped server on 127.0.0.1 that enforces a rate limit as the platforms do.

Fixed windows (bench/fakeplatforms.py's :class:`RateLimiter`, here with windows that begin
when the server starts, so a test knows where it is in one), the limit's headers on every
answer in the chosen style (Mastodon's ``X-RateLimit-*`` with an ISO reset, Bluesky's
``RateLimit-*`` with an epoch reset, the IETF draft's with seconds, X's
``x-rate-limit-*``), and past the limit a 429 *without* Retry-After. Every API request is
logged with its time and the status it got.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.faultserver import account, statuses
from tests.servers import serve_in_background, shut_down

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from fakeplatforms import RateLimiter


@dataclass(frozen=True, slots=True)
class Asked:
    at: float  # time.time()
    path: str
    status: int


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # the name http.server calls
        outer = self.server.outer
        parts = urlsplit(self.path)
        headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
        if parts.path == "/robots.txt":
            status, body = 200, b"User-agent: *\nDisallow:\n"
            headers = [("Content-Type", "text/plain")]
        else:
            allowed, limit_headers = outer.limiter.check(parts.path, parts.query)
            headers += limit_headers
            if not allowed:
                status, body = 429, b'{"error":"Too many requests"}'
            else:
                status, body = outer.answer(parts.path, parts.query, self.server.origin)
            if outer.limiter.limited(parts.path):
                outer.log(Asked(time.time(), self.path, status))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, outer: LimitedServer, host: str):
        super().__init__((host, 0), _Handler)
        self.outer = outer
        self.origin = f"http://{host}:{self.server_address[1]}"


class LimitedServer:
    """Healthy Mastodon accounts (a lookup and one statuses page each) behind a limit of
    ``limit`` API calls per ``window`` seconds."""

    def __init__(self, style: str, limit: int, window: float, host: str = "127.0.0.1"):
        self.started = time.time()
        self.limiter = RateLimiter(style, limit, window, origin=self.started)
        self.asked: list[Asked] = []
        self._lock = threading.Lock()
        self._server = _Server(self, host)

    @property
    def origin(self) -> str:
        return self._server.origin

    def profile(self, handle: str) -> str:
        return f"{self.origin}/@{handle}"

    def log(self, asked: Asked) -> None:
        with self._lock:
            self.asked.append(asked)

    def answer(self, path: str, query: str, origin: str) -> tuple[int, bytes]:
        if path == "/api/v1/accounts/lookup":
            handle = (parse_qs(query).get("acct") or [""])[0]
            return 200, json.dumps(account(handle, origin)).encode()
        if path.startswith("/api/v1/accounts/id-") and path.endswith("/statuses"):
            return 200, json.dumps(statuses(path.split("/")[4][3:], origin)).encode()
        if path == "/api/v1/accounts":  # "Get multiple accounts" (Mastodon 4.3+): one call
            ids = parse_qs(query).get("id[]") or []
            return 200, json.dumps([account(i[3:], origin) for i in dict.fromkeys(ids)
                                    if i.startswith("id-")]).encode()
        return 404, b'{"error":"Record not found"}'

    def window_of(self, at: float) -> int:
        return int((at - self.started) // self.limiter.window)

    def served_per_window(self) -> dict[int, int]:
        """API answers other than 429, per window."""
        counts: dict[int, int] = {}
        for asked in list(self.asked):
            if asked.status != 429:
                index = self.window_of(asked.at)
                counts[index] = counts.get(index, 0) + 1
        return counts

    def refused_per_window(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for asked in list(self.asked):
            if asked.status == 429:
                index = self.window_of(asked.at)
                counts[index] = counts.get(index, 0) + 1
        return counts

    def lookups(self, handle: str) -> list[Asked]:
        return [a for a in list(self.asked) if a.path.endswith(f"lookup?acct={handle}")]

    def next_window_in(self) -> float:
        """Seconds until the next window begins."""
        window = self.limiter.window
        return window - ((time.time() - self.started) % window)

    def start(self) -> None:
        serve_in_background(self._server)

    def stop(self) -> None:
        shut_down([self._server])


@contextmanager
def serve_limited(style: str = "mastodon", *, limit: int, window: float,
                  **options: Any) -> Iterator[LimitedServer]:
    server = LimitedServer(style, limit, window, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()
