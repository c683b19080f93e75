"""Answers the crawl will not read end with a sentence in outcome_detail, not with the name
of an exception: a body over the size cap sent without a length, redirects to ``file:`` and
``data:`` addresses, to an overlong address or to one with a control character in it.

One real crawl through the CLI against a local Mastodon-shaped server (tests/faultserver.py).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.faultserver import (
    FAST,
    Answer,
    FaultServer,
    Seen,
    _Handler,
    _Server,
    crawl_log,
    records_by_url,
    run_audit,
    write_config,
)
from tests.servers import serve_in_background

MAXSIZE = 64 * 1024

#: Handle -> the redirect its lookup answers with.
REDIRECTS = {
    "tofile": "file:///etc/passwd",
    "todata": "data:text/html,<script>alert(1)</script>",
    "tolong": "/api/v1/accounts/lookup?acct=" + "a" * 10_000,
    # a header line over 16 KiB: Twisted hangs up before any middleware sees the answer
    "tohuge": "/api/v1/accounts/lookup?acct=" + "a" * 100_000,
    "tocontrol": "/api/v1/accounts/lookup?acct=ok\x01x",
}


class _StreamingHandler(_Handler):
    def do_GET(self) -> None:  # the name http.server calls
        if "acct=fstream" not in self.path:
            super().do_GET()
            return
        # 1 MiB without a Content-Length: only counting the bytes shows it is too large
        self.server.outer.log_path(self.server.host, self.path)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 8192
            for _ in range(128):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class _StreamingServer(_Server):
    def __init__(self, host: str, outer: FaultServer):
        super().__init__(host, outer)
        self.RequestHandlerClass = _StreamingHandler


class DetailServer(FaultServer):
    def start(self) -> None:
        for host in self.hosts:
            server = _StreamingServer(host, self)
            self._servers.append(server)
            serve_in_background(server)

    def log_path(self, host: str, path: str) -> None:
        self.log(Seen(0.0, host, path, ""))

    def answer(self, target: str, origin: str) -> Answer:
        for handle, location in REDIRECTS.items():
            if target.endswith(f"acct={handle}"):
                return Answer(302, b"", (("Location", location),))
        return super().answer(target, origin)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("details")
    server = DetailServer()
    server.start()
    try:
        handles = ("fstream", "fbig", *REDIRECTS)
        config = write_config(tmp / "a.toml", [server.profile(h) for h in handles])
        run = run_audit(config, tmp / "out", *FAST, "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}")
    finally:
        server.stop()
    assert run.returncode == 0, run.stderr + crawl_log(tmp / "out")
    return SimpleNamespace(server=server, records=records_by_url(tmp / "out"))


@pytest.mark.parametrize("handle, detail", [
    ("fstream", "the answer was larger than 64 KiB and was not read"),
    ("fbig", "the answer was larger than 64 KiB and was not read"),
    ("tofile", "redirected to a file: address, which is never followed"),
    ("todata", "redirected to a data: address, which is never followed"),
    ("tolong", "redirected to an address longer than 2083 characters, which is never followed"),
    ("tocontrol", "redirected to an address with a control character (U+0001), which is never "
                  "followed"),
    ("tohuge", "the connection broke off before the answer was complete"),
])
def test_unread_answers_end_with_a_sentence(crawl: Any, handle: str, detail: str) -> None:
    record = crawl.records[crawl.server.profile(handle)]
    assert (record["outcome"], record["outcome_detail"]) == ("error", detail)


def test_refused_redirects_are_not_followed(crawl: Any) -> None:
    lookups = [seen.path for seen in crawl.server.seen if "lookup" in seen.path]
    for handle in REDIRECTS:
        # a broken connection is retried (RETRY_TIMES = 2): nothing tells it from a reset
        expected = 3 if handle == "tohuge" else 1
        assert sum(path.endswith(f"acct={handle}") for path in lookups) == expected, handle
    assert not any("acct=ok" in path or "a" * 1000 in path for path in lookups)
