"""A Mastodon-API-shaped HTTP server on loopback addresses that injects faults by handle.

``/api/v1/accounts/lookup?acct=HANDLE`` answers as a Mastodon server would for a healthy
account, unless HANDLE names a fault (:data:`FAULTS`): ``f404`` answers 404, ``fslow``
hangs, ``r429once`` answers 429 with ``Retry-After: 1`` once and then the account, ...
Every request is logged with its time, host, path and User-Agent; ``robots.txt`` can be
made slow and restrictive. Also: helpers to write an audit config and run the CLI on it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers import serve_in_background, shut_down

REPO = Path(__file__).resolve().parent.parent
#: Loopback servers answer at once: no need to wait between requests in tests.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the server received."""

    at: float  # time.monotonic()
    host: str
    path: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    #: Seconds to wait before answering (a hang, when longer than the crawl's timeout).
    delay: float = 0.0
    #: Declare this Content-Length instead of the body's (a body cut short).
    content_length: int | None = None


def _json(status: int, data: Any, *headers: tuple[str, str]) -> Answer:
    return Answer(status, json.dumps(data).encode(),
                  (("Content-Type", "application/json; charset=utf-8"), *headers))


def _html(status: int, text: str, *headers: tuple[str, str]) -> Answer:
    return Answer(status, text.encode(), (("Content-Type", "text/html; charset=utf-8"), *headers))


def _iso_in(seconds: int) -> str:
    """A time ``seconds`` from now as Mastodon writes ``X-RateLimit-Reset``."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(
        timespec="microseconds").replace("+00:00", "Z")


def _retry_after_date(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


def account(handle: str, origin: str) -> dict[str, Any]:
    """A complete, healthy Mastodon account."""
    return {
        "id": f"id-{handle}", "username": handle, "acct": handle,
        "display_name": f"Fietsenmaker {handle}",
        "note": "<p>Fietsen repareren sinds 1990. Bel 020 123 4567.</p>",
        "url": f"{origin}/@{handle}", "avatar": f"{origin}/avatars/{handle}.png",
        "header": f"{origin}/headers/{handle}.png", "created_at": "2020-01-01T00:00:00.000Z",
        "statuses_count": 1, "followers_count": 10, "last_status_at": "2026-10-30",
        "bot": False, "fields": [{"name": "Web", "value": '<a href="https://spaak.example">'
                                  "spaak.example</a>", "verified_at": None}],
    }


def statuses(handle: str, origin: str) -> list[dict[str, Any]]:
    return [{"id": "1", "created_at": "2026-10-30T10:00:00.000Z", "in_reply_to_id": None,
             "in_reply_to_account_id": None, "reblog": None, "url": f"{origin}/@{handle}/1",
             "content": "<p>Open vandaag.</p>", "pinned": False}]


LOGIN_PAGE = _html(200, "<html><head><title>Log in</title></head><body><form action="
                   '"/auth/sign_in" method="post"><input name="user[email]"><input '
                   'type="password" name="user[password]"></form></body></html>')
CAPTCHA_PAGE = _html(200, "<html><head><title>Just a moment...</title></head><body><h1>"
                     "Verify you are human</h1><div class=\"g-recaptcha\" data-sitekey=\"x\">"
                     "</div><p>Complete the captcha to continue.</p></body></html>")
CHALLENGE_PAGE = _html(403, "<html><head><title>Attention Required!</title></head><body>"
                       "<p>Please complete the security check (captcha).</p></body></html>",
                       ("cf-mitigated", "challenge"))

#: Handle -> its lookup answer, given how many lookups of it this host had before (None:
#: the healthy account).
FAULTS: dict[str, Callable[[int], Answer | None]] = {
    "f404": lambda n: _json(404, {"error": "Record not found"}),
    "f410": lambda n: _json(410, {"error": "This account has been suspended"}),
    "f401": lambda n: _json(401, {"error": "This API requires an authenticated user"}),
    "f403": lambda n: _json(403, {"error": "This action is not allowed"}),
    "f451": lambda n: _html(451, "<h1>Unavailable For Legal Reasons</h1>"),
    "f999": lambda n: _html(999, "<h1>Request denied</h1>"),
    "f429": lambda n: _json(429, {"error": "Too many requests"}, ("Retry-After", "1")),
    "f429bare": lambda n: _json(429, {"error": "Too many requests"}),
    "f429long": lambda n: _json(429, {"error": "Too many requests"}, ("Retry-After", "3600")),
    "f500": lambda n: _html(500, "<h1>We're sorry, but something went wrong</h1>"),
    "f502": lambda n: _html(502, "<h1>502 Bad Gateway</h1>"),
    "f503": lambda n: _html(503, "<h1>Service Unavailable</h1>", ("Retry-After", "1")),
    "fslow": lambda n: Answer(200, b"{}", (("Content-Type", "application/json"),), delay=4.0),
    "fbig": lambda n: _json(200, {"id": "big", "username": "fbig", "note": "x" * 200_000}),
    "fpng": lambda n: Answer(200, PNG, (("Content-Type", "image/png"),)),
    "flogin": lambda n: Answer(302, b"", (("Location", "/auth/sign_in"),)),
    "fcaptcha": lambda n: CAPTCHA_PAGE,
    "fchallenge": lambda n: CHALLENGE_PAGE,
    "fempty": lambda n: Answer(200, b"", (("Content-Type", "application/json"),)),
    "ftrunc": lambda n: Answer(200, b'{"id": "7", "username": "ftrunc", "display_name": "Tr',
                               (("Content-Type", "application/json"),)),
    "fcut": lambda n: Answer(200, b'{"id": "8", "user', (("Content-Type", "application/json"),),
                             content_length=4000),
    # once, then healthy
    "r429once": lambda n: (_json(429, {"error": "Too many requests"}, ("Retry-After", "1"))
                           if n == 0 else None),
    "r429date": lambda n: (_json(429, {"error": "Too many requests"},
                                 ("Retry-After", _retry_after_date(2)))
                           if n == 0 else None),
    "r503once": lambda n: (_html(503, "<h1>Maintenance</h1>", ("Retry-After", "1"))
                           if n == 0 else None),
    "r429twice": lambda n: (_json(429, {"error": "Too many requests"}, ("Retry-After", "2"))
                            if n == 0 else None),
    # refused with calls left: about this request, not the client (its headers say so)
    "r429left": lambda n: (_json(429, {"error": "Too many requests"}, ("Retry-After", "1"),
                                 ("X-RateLimit-Limit", "300"),
                                 ("X-RateLimit-Remaining", "250"),
                                 ("X-RateLimit-Reset", _iso_in(120)))
                           if n == 0 else None),
    "slowok": lambda n: None,
}
#: Handles whose healthy answers come late (seconds), to see what happens meanwhile.
SLOW_HANDLES = {"slowok": 0.3}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # the name http.server calls
        outer = self.server.outer
        outer.log(Seen(time.monotonic(), self.server.host, self.path,
                       self.headers.get("User-Agent", "")))
        answer = outer.answer(self.path, self.server.origin)
        if answer.delay:
            time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            length = answer.content_length if answer.content_length is not None \
                else len(answer.body)
            self.send_header("Content-Length", str(length))
            if answer.content_length is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer.body)
            self.wfile.flush()
            if answer.content_length is not None:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, outer: FaultServer):
        super().__init__((host, 0), _Handler)
        self.outer = outer
        self.host = host
        self.origin = f"http://{host}:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client giving up (a timeout, a size cap) is part of the tests


class FaultServer:
    """The fault-injecting Mastodon server, on one port per loopback address given."""

    def __init__(self, hosts: Sequence[str] = ("127.0.0.1",), *,
                 robots: str = "User-agent: *\nDisallow:\n", robots_delay: float = 0.0):
        self.hosts = tuple(hosts)
        self.robots = robots
        self.robots_delay = robots_delay
        self.seen: list[Seen] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._servers: list[_Server] = []

    # -- life ---------------------------------------------------------------------------

    def start(self) -> None:
        for host in self.hosts:
            server = _Server(host, self)
            self._servers.append(server)
            serve_in_background(server)

    def stop(self) -> None:
        shut_down(self._servers)

    def origin(self, index: int = 0) -> str:
        return self._servers[index].origin

    def profile(self, handle: str, index: int = 0) -> str:
        return f"{self.origin(index)}/@{handle}"

    # -- answers ------------------------------------------------------------------------

    def log(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def answer(self, target: str, origin: str) -> Answer:
        parts = urlsplit(target)
        path = parts.path
        if path == "/robots.txt":
            return Answer(200, self.robots.encode(), (("Content-Type", "text/plain"),),
                          delay=self.robots_delay)
        if path == "/auth/sign_in":
            return LOGIN_PAGE
        if path == "/api/v1/accounts/lookup":
            handle = (parse_qs(parts.query).get("acct") or [""])[0]
            with self._lock:  # counted per server, so one handle may be used on each
                key = f"{origin} {handle}"
                count = self._counts.get(key, 0)
                self._counts[key] = count + 1
            fault = FAULTS.get(handle)
            answer = fault(count) if fault else None
            if answer is not None:
                return answer
            return replace(_json(200, account(handle, origin)),
                           delay=SLOW_HANDLES.get(handle, 0.0))
        if path.startswith("/api/v1/accounts/id-") and path.endswith("/statuses"):
            handle = path.split("/")[4][3:]
            return _json(200, statuses(handle, origin))
        if path == "/api/v1/accounts":
            # "Get multiple accounts" (Mastodon 4.3+): the healthy accounts asked for; an
            # account with a fault is left out, as a missing one, so its lookup shows it
            ids = parse_qs(parts.query).get("id[]") or []
            return _json(200, [account(i[3:], origin) for i in dict.fromkeys(ids)
                               if i.startswith("id-") and i[3:] not in FAULTS])
        return _json(404, {"error": "Record not found"})

    # -- what was asked -----------------------------------------------------------------

    def lookups(self, handle: str, index: int | None = None) -> list[Seen]:
        """Account lookups made for ``handle`` (on the ``index``-th host only, if given)."""
        return [s for s in list(self.seen) if s.path.endswith(f"lookup?acct={handle}")
                and (index is None or s.host == self.hosts[index])]

    def statuses_requests(self, handle: str) -> list[Seen]:
        return [s for s in list(self.seen) if f"/accounts/id-{handle}/statuses" in s.path]


@contextmanager
def serve_faults(hosts: Sequence[str] = ("127.0.0.1",), **options: Any) -> Iterator[FaultServer]:
    server = FaultServer(hosts, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- running audits -----------------------------------------------------------------------


def write_config(path: Path, profiles: Sequence[str], *, allow_private: bool = True,
                 obey_robots: bool = True) -> Path:
    """An audit config listing ``profiles``, one organisation each (so none is dropped)."""
    lines = ["[audit]", 'as_of = "2026-11-01"',
             f"allow_private_addresses = {str(allow_private).lower()}",
             f"obey_robots = {str(obey_robots).lower()}", ""]
    for index, url in enumerate(profiles):
        lines += ["[[organisation]]", f'name = "Org {index}"', f'profiles = ["{url}"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_audit(config: Path, out: Path, *settings: str,
              timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """``python -m auditor audit CONFIG --out OUT --format json -s ...`` from the repo root."""
    return subprocess.run(
        [sys.executable, "-m", "auditor", "audit", str(config), "--out", str(out),
         "--format", "json", *settings],
        cwd=REPO, text=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def run_scrapy(config: Path, out: Path, *settings: str,
               timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl profiles`` straight, logging everything to stderr (the CLI's log file
    misses Scrapy's first lines); records go to OUT/records.jsonl."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings")
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "profiles", "-a", f"config={config}",
         "-a", f"records={out / 'records.jsonl'}", *settings],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=timeout,
        stdin=subprocess.DEVNULL)


def records_by_url(out: Path) -> dict[str, dict[str, Any]]:
    """The crawl's records (records.jsonl), by profile URL."""
    found: dict[str, dict[str, Any]] = {}
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            found[record["url"]] = record
    return found


def crawl_log(out: Path) -> str:
    try:
        return (out / "crawl.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
