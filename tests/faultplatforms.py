"""One fault-injecting HTTP server on 127.0.0.1 standing in for Bluesky, YouTube, Telegram
and a blog's feed, so that a real crawl can meet every fault on every platform.

Healthy answers are the sample pages of the healthy demo account (``spaakfietsen``), with
the account's name, DID and channel id rewritten to the name asked for and every image
host pointed back at this server (no request leaves the machine). The name in the request
chooses the fault (:data:`FAULTS`):

==================  ========================================================================
Bluesky             ``/xrpc/app.bsky.actor.getProfile?actor=<name>.example``, then
                    ``/xrpc/app.bsky.feed.getAuthorFeed?actor=did:plc:<name>`` (a cursor
                    asks for the second page)
YouTube             ``/@<name>`` (the channel page), then
                    ``/feeds/videos.xml?channel_id=UC<name padded with _ to 22>``
Telegram            ``/s/<name>`` (``?before=`` for older messages); ``/<name>`` is the
                    contact card a preview-disabled channel redirects to
feed                ``/<name>/feed`` (RSS 2.0)
==================  ========================================================================

A name ``f<kind>`` (``f404``, ``ftrunc``, ...) faults the first request of the chain; a
name ``ffeed<kind>`` (``ffeed404``, ...) answers the first request healthily and faults the
second surface (Bluesky's author feed, YouTube's uploads feed).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.faultserver import PNG, Answer
from tests.servers import serve_in_background, shut_down

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_pages"
#: Longer than the crawl's DOWNLOAD_TIMEOUT (2 s): the request times out.
HANG_SECONDS = 4.0
#: The healthy demo account whose sample pages are served.
HEALTHY = "spaakfietsen"

_SPAAK_DID = "did:plc:mf6wmzi5aeurvdvepzh5h4tv"
_SPAAK_CHANNEL = "UCSpaakFietsenWerkplaats"
#: Image hosts named in the sample bodies; rewritten to ``<origin>/cdn/<host>``.
_IMAGE_HOSTS = ("cdn.bsky.app", "yt3.googleusercontent.com", "i2.ytimg.com", "cdn4.telesco.pe",
                "blog.spaak.example/wp-content")
JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "text/xml; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"

#: Fault kinds: what each injects.
FAULTS: dict[str, str] = {
    "404": "HTTP 404 (plain HTML body)",
    "410": "HTTP 410",
    "403": "HTTP 403",
    "429": "HTTP 429 with Retry-After: 1, every time",
    "500": "HTTP 500, every time",
    "slow": f"the healthy answer after {HANG_SECONDS:.0f} s (past the download timeout)",
    "trunc": "the healthy body cut in half (a complete HTTP answer)",
    "empty": "HTTP 200 with an empty body",
    "garbage": "HTTP 200 with 4 KiB of random bytes under the usual content type",
    "login": "a 302 redirect to a login page on the same host",
    "nopreview": "Telegram only: t.me/s/<name> redirects to the contact card",
    "notfound": "Bluesky only: HTTP 400 with XRPC error InvalidRequest 'Profile not found'",
}

LOGIN_HTML = ("<!DOCTYPE html><html><head><title>Log in</title></head><body><h1>Log in</h1>"
              '<form action="/login" method="post"><input name="username">'
              '<input type="password" name="password"><button>Log in</button></form>'
              "</body></html>")


def garbage(seed: str, size: int = 4096) -> bytes:
    """Deterministic random bytes that do not start like JSON, HTML or XML."""
    data = bytearray(random.Random(seed).randbytes(size))
    data[0] = 0x9F
    return bytes(data)


def channel_id(name: str) -> str:
    """The channel id the server gives channel ``name`` (``UC`` + 22 characters)."""
    return "UC" + (name + "_" * 22)[:22]


def name_of_channel(value: str) -> str:
    return value[2:].rstrip("_")


def split_fault(name: str) -> tuple[str, str | None]:
    """(surface, kind): ``f404`` -> ("first", "404"), ``ffeed404`` -> ("second", "404")."""
    if name.startswith("ffeed") and name[5:] in FAULTS:
        return "second", name[5:]
    if name.startswith("f") and name[1:] in FAULTS:
        return "first", name[1:]
    return "first", None


def _read(platform: str, file: str) -> bytes:
    return (SAMPLES / platform / file).read_bytes()


@dataclass(frozen=True, slots=True)
class Seen:
    path: str
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # the name http.server calls
        outer = self.server.outer
        outer.log(Seen(self.path, self.headers.get("User-Agent", "")))
        try:
            answer = outer.answer(self.path)
        except Exception as exc:  # a bug here must show as a 599, not a hung test
            answer = Answer(599, repr(exc).encode(), (("Content-Type", "text/plain"),))
        if answer.delay:
            threading.Event().wait(answer.delay)
        try:
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, outer: PlatformFaultServer):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.outer = outer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client giving up (a timeout) is part of the tests


class PlatformFaultServer:
    """Bluesky, YouTube, Telegram and feeds on one loopback port, faults chosen by name."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        #: Requests per (surface, account name): surfaces are "bluesky", "bluesky-feed",
        #: "youtube", "youtube-feed", "telegram", "telegram-older", "telegram-card", "feed",
        #: and "login" (the login page, by the name it was asked for).
        self.asked: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._server: _Server | None = None

    # -- life ---------------------------------------------------------------------------

    def start(self) -> None:
        self._server = _Server(self)
        serve_in_background(self._server)

    def stop(self) -> None:
        if self._server is not None:
            shut_down([self._server])

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def log(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def count(self, surface: str, name: str) -> None:
        with self._lock:
            self.asked[(surface, name)] += 1

    # -- profile URLs and endpoints -------------------------------------------------------

    def profile(self, platform: str, name: str) -> str:
        """The URL a config lists for account ``name`` on ``platform``."""
        return {
            "bluesky": f"https://bsky.app/profile/{name}.example",
            "youtube": f"https://www.youtube.com/@{name}",
            "telegram": f"https://t.me/{name}",
            "feed": f"{self.origin}/{name}/feed",
        }[platform]

    def endpoints(self) -> dict[str, str]:
        return {"bluesky": self.origin, "youtube": self.origin, "telegram": self.origin}

    # -- answers ------------------------------------------------------------------------

    def _healthy(self, body: bytes, name: str) -> bytes:
        """A sample body made the account ``name``'s, its images served from here."""
        text = body.decode("utf-8")
        for host in _IMAGE_HOSTS:
            text = text.replace(f"https://{host}", f"{self.origin}/cdn/{host}")
        text = (text.replace(_SPAAK_DID, f"did:plc:{name}")
                .replace(_SPAAK_CHANNEL, channel_id(name))
                .replace(HEALTHY, name))
        return text.encode("utf-8")

    def _fault(self, kind: str | None, healthy: bytes, content_type: str,
               name: str) -> Answer:
        """``healthy`` (a body of ``content_type``) with fault ``kind`` applied."""
        ctype = (("Content-Type", content_type),)
        html = (("Content-Type", HTML),)
        if kind in ("404", "410", "403", "500"):
            return Answer(int(kind), f"<html><body><h1>{kind}</h1></body></html>".encode(), html)
        if kind == "429":
            return Answer(429, b"<html><body><h1>Too Many Requests</h1></body></html>",
                          (*html, ("Retry-After", "1")))
        if kind == "slow":
            return Answer(200, healthy, ctype, delay=HANG_SECONDS)
        if kind == "trunc":
            return Answer(200, healthy[:len(healthy) // 2], ctype)
        if kind == "empty":
            return Answer(200, b"", ctype)
        if kind == "garbage":
            return Answer(200, garbage(name), ctype)
        if kind == "login":
            return Answer(302, b"", (("Location", f"{self.origin}/login?next={quote(name)}"),))
        return Answer(200, healthy, ctype)

    def answer(self, target: str) -> Answer:
        parts = urlsplit(target)
        path = parts.path
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if path == "/robots.txt":
            return Answer(200, b"User-agent: *\nDisallow:\n", (("Content-Type", "text/plain"),))
        if path.startswith("/cdn/"):
            return Answer(200, PNG, (("Content-Type", "image/png"),))
        if path == "/login":
            self.count("login", query.get("next", ""))
            return Answer(200, LOGIN_HTML.encode(), (("Content-Type", HTML),))
        # Bluesky
        if path == "/xrpc/app.bsky.actor.getProfile":
            name = query.get("actor", "").removesuffix(".example")
            self.count("bluesky", name)
            surface, kind = split_fault(name)
            if kind == "notfound":
                return Answer(400, b'{"error":"InvalidRequest","message":"Profile not found"}',
                              (("Content-Type", JSON),))
            healthy = self._healthy(_read("bluesky", "spaakfietsen-profile.json"), name)
            return self._fault(kind if surface == "first" else None, healthy, JSON, name)
        if path == "/xrpc/app.bsky.feed.getAuthorFeed":
            name = query.get("actor", "").removeprefix("did:plc:")
            self.count("bluesky-feed", name)
            surface, kind = split_fault(name)
            page = "spaakfietsen-feed-2.json" if "cursor" in query else "spaakfietsen-feed-1.json"
            healthy = self._healthy(_read("bluesky", page), name)
            return self._fault(kind if surface == "second" else None, healthy, JSON, name)
        # YouTube
        if path.startswith("/@"):
            name = unquote(path[2:])
            self.count("youtube", name)
            surface, kind = split_fault(name)
            healthy = self._healthy(_read("youtube", "spaak-channel.html"), name)
            return self._fault(kind if surface == "first" else None, healthy, HTML, name)
        if path == "/feeds/videos.xml":
            name = name_of_channel(query.get("channel_id", ""))
            self.count("youtube-feed", name)
            surface, kind = split_fault(name)
            healthy = self._healthy(_read("youtube", "spaak-videos.xml"), name)
            return self._fault(kind if surface == "second" else None, healthy, XML, name)
        # Telegram
        match = re.fullmatch(r"/s/([A-Za-z0-9_]+)", path)
        if match:
            name = match.group(1)
            _, kind = split_fault(name)
            self.count("telegram-older" if "before" in query else "telegram", name)
            if kind == "nopreview":
                return Answer(302, b"", (("Location", f"{self.origin}/{name}"),))
            if "before" in query:  # older messages: never faulted
                return Answer(200, self._healthy(
                    _read("telegram", "spaakfietsen-before-393.html"), name),
                    (("Content-Type", HTML),))
            healthy = self._healthy(_read("telegram", "spaakfietsen.html"), name)
            return self._fault(kind, healthy, HTML, name)
        # a blog's feed
        match = re.fullmatch(r"/([A-Za-z0-9_]+)/feed", path)
        if match:
            name = match.group(1)
            self.count("feed", name)
            _, kind = split_fault(name)
            healthy = self._healthy(_read("feed", "spaak-blog.rss"), name)
            return self._fault(kind, healthy, RSS, name)
        # Telegram's contact card (where a preview-disabled channel's t.me/s/ leads)
        match = re.fullmatch(r"/([A-Za-z0-9_]+)", path)
        if match:
            self.count("telegram-card", match.group(1))
            card = _read("telegram", "ratelverhuur-card.html").decode("utf-8")
            return Answer(200, self._healthy(card.replace("ratelverhuur", match.group(1))
                                             .encode(), match.group(1)),
                          (("Content-Type", HTML),))
        self.count("unknown", target)
        return Answer(404, b"<html><body><h1>404</h1></body></html>", (("Content-Type", HTML),))


@contextmanager
def serve_platform_faults() -> Iterator[PlatformFaultServer]:
    server = PlatformFaultServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- running the audit -----------------------------------------------------------------------


def write_config(path: Path, profiles: Sequence[str], endpoints: dict[str, str]) -> Path:
    """An audit config listing ``profiles`` (one organisation each), platforms pointed at
    ``endpoints``; loopback addresses allowed."""
    lines = ["[audit]", 'as_of = "2026-11-01"', "allow_private_addresses = true", ""]
    for index, url in enumerate(profiles):
        lines += ["[[organisation]]", f'name = "Org {index}"', f'profiles = ["{url}"]', ""]
    lines.append("[endpoints]")
    lines += [f'{platform} = "{url}"' for platform, url in sorted(endpoints.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(config: Path, out: Path, *settings: str,
            timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """``python -m auditor audit CONFIG --out OUT --no-history --format json -s ...``."""
    return subprocess.run(
        [sys.executable, "-m", "auditor", "audit", str(config), "--out", str(out),
         "--no-history", "--format", "json", *settings],
        cwd=REPO, text=True, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
