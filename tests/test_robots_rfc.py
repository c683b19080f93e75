"""robots.txt as RFC 9309 reads it, in real crawls through the CLI against local servers.

- 4xx (other than 429) means "no robots.txt": everything may be fetched;
- 5xx, 429, a timeout or a connection that breaks off means "could not be read": nothing on
  that host is fetched, and the profile says robots.txt could not be read, so the user knows
  to try again later;
- robots.txt is asked for once per host, with its own short timeout, never retried; a host
  whose robots.txt did not answer is not waited for again;
- at least the first 500 KiB of a robots.txt are parsed, whatever the page size cap.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.faultserver import (
    FAST,
    Answer,
    FaultServer,
    crawl_log,
    records_by_url,
    run_audit,
    write_config,
)

KIB = 1024


class RobotsServer(FaultServer):
    """The fault server, with a robots.txt answer of its own per host."""

    def __init__(self, hosts: tuple[str, ...], robots_answers: dict[str, Answer]):
        super().__init__(hosts)
        self.robots_answers = robots_answers

    def answer(self, target: str, origin: str) -> Answer:
        if target.split("?", 1)[0] == "/robots.txt":
            host = origin.split("//", 1)[1].rsplit(":", 1)[0]
            return self.robots_answers[host]
        return super().answer(target, origin)

    def paths(self, index: int) -> list[str]:
        return [seen.path for seen in list(self.seen) if seen.host == self.hosts[index]]


def _crawl(tmp: Path, robots_answers: dict[str, Answer], handles: tuple[str, ...],
           *settings: str) -> SimpleNamespace:
    hosts = tuple(robots_answers)
    server = RobotsServer(hosts, robots_answers)
    server.start()
    try:
        profiles = [server.profile(handle, index) for index in range(len(hosts))
                    for handle in handles]
        config = write_config(tmp / "a.toml", profiles)
        run = run_audit(config, tmp / "out", *FAST, *settings)
    finally:
        server.stop()
    assert run.returncode == 0, run.stderr + crawl_log(tmp / "out")
    return SimpleNamespace(server=server, records=records_by_url(tmp / "out"),
                           log=crawl_log(tmp / "out"))


def _text(status: int, body: str, **options: Any) -> Answer:
    return Answer(status, body.encode(), (("Content-Type", "text/plain"),), **options)


# -- what each answer to robots.txt means ----------------------------------------------------

STATUS_HOSTS = {
    # a server error: robots.txt is undefined, so nothing may be fetched
    "127.0.0.1": _text(500, "<h1>Internal Server Error</h1>"),
    # rate limited: as a server error (the server asks us to stay away)
    "127.0.0.2": _text(429, "slow down"),
    # 4xx: there is no robots.txt, whatever the error page says
    "127.0.0.3": _text(403, "User-agent: *\nDisallow: /\n"),
    # the connection breaks off in the middle of robots.txt
    "127.0.0.4": _text(200, "User-agent: *\nDisallow:", content_length=4000),
}
HANDLES = ("ok1", "ok2")


@pytest.fixture(scope="module")
def status_crawl(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    return _crawl(tmp_path_factory.mktemp("robots-status"), STATUS_HOSTS, HANDLES)


def _outcomes(crawl: SimpleNamespace, index: int) -> list[tuple[str, str | None]]:
    return [(crawl.records[crawl.server.profile(handle, index)]["outcome"],
             crawl.records[crawl.server.profile(handle, index)]["outcome_detail"])
            for handle in HANDLES]


@pytest.mark.parametrize("index, said", [(0, "HTTP 500"), (1, "HTTP 429"),
                                         (3, "the connection broke off")],
                         ids=["500", "429", "cut-short"])
def test_unreadable_robots_txt_disallows_the_host(status_crawl: SimpleNamespace, index: int,
                                                  said: str) -> None:
    expected = (f"robots.txt could not be read ({said}), so nothing on this host is "
                "fetched; try again later")
    assert _outcomes(status_crawl, index) == [("robots_disallowed", expected)] * len(HANDLES)
    # asked once, not retried, and nothing else asked of that host
    assert status_crawl.server.paths(index) == ["/robots.txt"]


def test_a_4xx_robots_txt_allows_everything(status_crawl: SimpleNamespace) -> None:
    assert _outcomes(status_crawl, 2) == [("ok", None)] * len(HANDLES)
    assert status_crawl.server.paths(2).count("/robots.txt") == 1


def test_an_unreadable_robots_txt_is_said_in_the_crawl_log(status_crawl: SimpleNamespace) -> None:
    assert "robots.txt of 127.0.0.1:" in status_crawl.log
    assert "could not be read (HTTP 500)" in status_crawl.log


# -- a server that accepts and never answers -----------------------------------------------


def test_a_hanging_robots_txt_disallows_the_host_after_one_short_wait(tmp_path: Path) -> None:
    # robots.txt answers after 30 s: far beyond the robots.txt timeout (1 s here; the page
    # timeout is 3 s, so without the fix the crawl ends too, after three 3 s waits)
    # and a second host that answers, so that the run fetched something (a run where
    # nothing at all answers is "nothing fetched": exit 5, see test_pacing)
    hanging = {"127.0.0.1": _text(200, "User-agent: *\nDisallow:\n", delay=30.0),
               "127.0.0.2": _text(200, "User-agent: *\nDisallow:\n")}
    handles = ("ok1", "ok2", "ok3", "ok4")
    crawl = _crawl(tmp_path, hanging, handles, "-s", "AUDITOR_ROBOTSTXT_TIMEOUT=1",
                   "-s", "DOWNLOAD_TIMEOUT=3")
    expected = ("robots.txt could not be read (no answer within 1 s), so nothing on this host "
                "is fetched; try again later")
    for handle in handles:
        record = crawl.records[crawl.server.profile(handle)]
        assert (record["outcome"], record["outcome_detail"]) == ("robots_disallowed", expected)
    # one request in all: robots.txt was not retried, and no profile waited on it again
    assert crawl.server.paths(0) == ["/robots.txt"]


# -- a large robots.txt ----------------------------------------------------------------------


def _large_robots() -> str:
    """600 KiB: the lookups forbidden at line 2, allowed again by a rule past 512 KiB."""
    head = "User-agent: *\nDisallow: /api/\n"
    filler = "".join(f"# comment line {n:07d} to make robots.txt large\n"
                      for n in range(520 * KIB // 48))
    tail = "Allow: /api/v1/\n"
    text = head + filler
    assert 512 * KIB < len(text) < 600 * KIB - len(tail)
    return text + "#" * (600 * KIB - len(text) - len(tail) - 1) + "\n" + tail


@pytest.mark.parametrize("page_cap", [None, 256 * KIB], ids=["default-cap", "page-cap-256k"])
def test_the_first_500_kib_of_a_large_robots_txt_are_honoured(tmp_path: Path,
                                                              page_cap: int | None) -> None:
    body = _large_robots()
    assert len(body.encode()) == 600 * KIB
    settings = () if page_cap is None else ("-s", f"DOWNLOAD_MAXSIZE={page_cap}")
    crawl = _crawl(tmp_path, {"127.0.0.1": _text(200, body)}, ("ok1",), *settings)
    record = crawl.records[crawl.server.profile("ok1")]
    assert record["outcome"] == "robots_disallowed", record["outcome_detail"]
    assert record["outcome_detail"].startswith("robots.txt forbids ")
    assert crawl.server.paths(0) == ["/robots.txt"]
