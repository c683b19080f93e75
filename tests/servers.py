"""Local HTTP servers for end-to-end crawls: a replay directory served for real on 127.0.0.x.

Each fictional origin in the manifest (https://mastodon.example, ...) gets its own server,
on a loopback address of its own site, so Scrapy sees distinct hosts as it would on the
internet.
Every occurrence of a fictional origin in bodies and headers is rewritten to the local one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from auditor.replay import ReplayStore

#: How often a test server's loop looks for a shutdown request. Stopping a server waits for
#: that look, and http.server's default is half a second.
POLL_SECONDS = 0.05


def serve_in_background(server: ThreadingHTTPServer) -> None:
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                     daemon=True).start()


def shut_down(servers: Iterable[ThreadingHTTPServer]) -> None:
    """Stop and close servers started by :func:`serve_in_background`, all at once (one by
    one, each stop waits for its server's next poll)."""
    servers = list(servers)
    stopping = [threading.Thread(target=server.shutdown) for server in servers]
    for thread in stopping:
        thread.start()
    for thread in stopping:
        thread.join()
    for server in servers:
        server.server_close()


def origins_of(store: ReplayStore) -> list[str]:
    found: list[str] = []
    for entry in store.entries.values():
        parts = urlsplit(entry.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in found:
            found.append(origin)
    return found


class _Handler(BaseHTTPRequestHandler):
    server: _ManifestServer

    def do_GET(self) -> None:  # the name http.server calls
        outer = self.server.outer
        fictional = outer.mapping_back[self.server.local_origin]
        entry = outer.store.lookup(fictional + self.path)
        outer.requests.append(self.server.local_origin + self.path)
        if entry is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"not in the sample pages")
            return
        body = outer.rewrite(entry.body())
        self.send_response(entry.status)
        for name, value in entry.headers.items():
            values = [value] if isinstance(value, str) else value
            for one in values:
                self.send_header(name, outer.rewrite(one.encode()).decode())
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class _ManifestServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], outer: ReplayServers):
        super().__init__(address, _Handler)
        self.outer = outer
        self.local_origin = f"http://{address[0]}:{self.server_address[1]}"


class ReplayServers:
    """Serves a replay directory on one loopback address per fictional origin."""

    def __init__(self, directory: Path):
        self.store = ReplayStore(directory)
        self.mapping: dict[str, str] = {}
        self.mapping_back: dict[str, str] = {}
        self.requests: list[str] = []
        self._servers: list[_ManifestServer] = []

    def start(self) -> None:
        # One loopback address per site (www.spaak.example and blog.spaak.example share
        # 127.0.0.N on different ports), so hosts of one site still compare as one site.
        addresses: dict[str, str] = {}
        for origin in origins_of(self.store):
            site = ".".join((urlsplit(origin).hostname or "").split(".")[-2:])
            address = addresses.setdefault(site, f"127.0.0.{len(addresses) + 1}")
            server = _ManifestServer((address, 0), self)
            self.mapping[origin] = server.local_origin
            self.mapping_back[server.local_origin] = origin
            self._servers.append(server)
            serve_in_background(server)

    def stop(self) -> None:
        shut_down(self._servers)

    def rewrite(self, data: bytes) -> bytes:
        for fictional, local in self.mapping.items():
            data = data.replace(fictional.encode(), local.encode())
        return data

    def local(self, url: str) -> str:
        return self.rewrite(url.encode()).decode()

    def fictional(self, url: str) -> str:
        for local, fictional in self.mapping_back.items():
            url = url.replace(local, fictional)
        return url


@contextmanager
def serve_replay(directory: Path) -> Iterator[ReplayServers]:
    servers = ReplayServers(directory)
    servers.start()
    try:
        yield servers
    finally:
        servers.stop()
