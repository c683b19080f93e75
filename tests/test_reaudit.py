"""Issue 16: a re-audit with history asks only for what is new, and reports what a full
audit of the same data reports.

Real crawls through the CLI against local servers: bench/fakeplatforms.py in a subprocess
(switched to "a month later", where every tenth profile has new posts, by its control
address), and a small feed server here that answers conditional requests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.servers import serve_in_background, shut_down

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import fakeplatforms as fp  # noqa: E402  (bench/ is not a package on the import path)
from run import LATER_AS_OF, comparable_report  # noqa: E402

from tests.test_bench_fakeplatforms import Running, _start, _stop  # noqa: E402


def audit(config: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(config), "--out",
                           str(out), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done


def logged(running: Running) -> list[str]:
    import time

    time.sleep(1.3)  # the server flushes its log every second
    try:
        return running.log.read_text("utf-8").split()
    except FileNotFoundError:
        return []


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[Running]:
    running = _start(tmp_path)
    yield running
    _stop(running)


def later(running: Running, days: int) -> None:
    base = running.info["hosts"][0]
    with urllib.request.urlopen(f"{base}/__later-days/{days}", timeout=10) as answer:
        assert json.loads(answer.read())["later_days"] == days


def test_reaudit_a_month_later_equals_a_full_audit_and_costs_less(
        fake: Running, tmp_path: Path) -> None:
    config = tmp_path / "bench.toml"
    profiles = fp.build_config(80, fake.info, config)  # a changed Bluesky and Telegram too
    db = tmp_path / "history.sqlite"
    audit(config, tmp_path / "first", "--db", str(db))
    first = logged(fake)
    later(fake, 30)
    audit(config, tmp_path / "again", "--db", str(db), "--as-of", LATER_AS_OF)
    again = logged(fake)[len(first):]
    audit(config, tmp_path / "full", "--no-history", "--as-of", LATER_AS_OF)
    full = logged(fake)[len(first) + len(again):]

    # the same report.json, run timestamps apart
    assert (comparable_report(tmp_path / "again" / "report.json")
            == comparable_report(tmp_path / "full" / "report.json"))
    # ... for less: no avatar again, unchanged Mastodon accounts by their lookup alone,
    # the changed ones by the posts after the newest stored one
    photos = [url for url in again if "/media/" in url]
    # a platform's photo at a known address is the same photo: not fetched again; a
    # feed's logo may change at the same address, but is fresh for a tenth of the time
    # since its Last-Modified (RFC 9111 4.2.2; the fake's logos date from 2024)
    assert not photos, photos
    assert [url for url in full if "/media/avatars/" in url]
    assert [url for url in full if "/media/blog" in url]
    # Bluesky and Telegram, changed or not: the first page reaches the newest stored post,
    # the pages after it come from the history
    for platform, part, paged in (("bluesky", "getAuthorFeed", "cursor="),
                                  ("telegram", "/s/", "before=")):
        listed = [i for i, p in enumerate(profiles) if p["platform"] == platform
                  and p["kind"] in ("healthy", "broadcast")]
        assert any(i % 10 == 3 for i in listed) and any(i % 10 != 3 for i in listed)
        assert [url for url in first if part in url and paged in url]
        assert [url for url in full if part in url and paged in url]
        assert not [url for url in again if part in url and paged in url]
        for i in listed:  # each read its first page again
            mark = f"/s/u{i}" if platform == "telegram" else f"bench{i:019d}&"
            assert [url for url in again if part in url and (
                url.endswith(mark) or mark in url)], (platform, i)
    statuses = [url for url in again if "/statuses" in url]
    changed = [p for i, p in enumerate(profiles) if p["platform"] == "mastodon" and i % 10 == 3]
    assert changed and [url for url in statuses if "min_id=" in url]
    assert len(statuses) <= 2 * len(changed), statuses
    assert not [url for url in statuses if "max_id=" in url]  # no page read twice
    assert len(again) < 0.6 * len(first), (len(again), len(first))
    # Mastodon accounts whose id the first audit kept: asked for in batches, not looked up
    assert not [url for url in first if "/api/v1/accounts?" in url]
    batches = [url for url in again if "/api/v1/accounts?" in url]
    assert batches and all(0 < url.count("id%5B%5D=") <= 40 for url in batches), batches
    assert not set(looked_up(again)) & answered(profiles)
    assert sum(url.count("id%5B%5D=") for url in batches) == len(answered(profiles))
    # posts of the history are cut to the later window, as the full audit's are
    report = json.loads((tmp_path / "again" / "report.json").read_text("utf-8"))
    windows = {p["metrics"]["covered_days"] for o in report["organisations"]
               for p in o["profiles"] if p["metrics"]["covered_days"] is not None}
    assert windows and max(windows) <= 90


def looked_up(log: list[str]) -> list[str]:
    return [url.rsplit("acct=", 1)[1] for url in log if "/accounts/lookup?acct=" in url]


def answered(profiles: list[dict[str, str]]) -> set[str]:
    """The Mastodon accounts whose lookup answers (so the history keeps their id)."""
    return {f"u{i}" for i, p in enumerate(profiles) if p["platform"] == "mastodon"
            and p["kind"] not in ("not_found", "gone", "rate_limited")}


def test_reaudit_falls_back_to_lookups_where_a_batch_does_not_answer(
        fake: Running, tmp_path: Path) -> None:
    """The first host answers the batch 404 (a server before Mastodon 4.3), the others
    give every odd-numbered account another acct (renamed): those are looked up one by
    one, the rest come from the batches, and the report is a full audit's."""
    config = tmp_path / "bench.toml"
    profiles = fp.build_config(80, fake.info, config)
    db = tmp_path / "history.sqlite"
    audit(config, tmp_path / "first", "--db", str(db))
    first = logged(fake)
    later(fake, 30)
    with urllib.request.urlopen(f"{fake.info['hosts'][0]}/__batch-mode/mixed",
                                timeout=10) as answer:
        assert json.loads(answer.read())["batch_mode"] == "mixed"
    audit(config, tmp_path / "again", "--db", str(db), "--as-of", LATER_AS_OF)
    again = logged(fake)[len(first):]
    audit(config, tmp_path / "full", "--no-history", "--as-of", LATER_AS_OF)
    assert (comparable_report(tmp_path / "again" / "report.json")
            == comparable_report(tmp_path / "full" / "report.json"))
    batches = [url for url in again if "/api/v1/accounts?" in url]
    refused = [url for url in batches if "//127.0.0.2:" in url]
    assert refused and len(refused) < len(batches)
    host_of = {f"u{i}": p["url"].split("/@")[0] for i, p in enumerate(profiles)}
    expected = {name for name in answered(profiles)
                if int(name[1:]) % 2 or "//127.0.0.2:" in host_of[name]}
    lookups = set(looked_up(again))
    assert expected and expected <= lookups
    assert not (lookups & answered(profiles)) - expected  # the others came from a batch


# -- conditional requests ------------------------------------------------------------------


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Spaak blog</title>
<link>http://www.spaak.example/</link><description>Werkplaatsnieuws</description>
{items}</channel></rss>"""
ITEM = ("<item><title>Post {n}</title><link>http://www.spaak.example/p{n}</link>"
        "<guid>p{n}</guid><pubDate>{date}</pubDate><description>Tekst {n}</description></item>")


class _FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:  # the name http.server calls
        server = self.server
        with server.lock:
            server.seen.append((self.path, self.headers.get("If-None-Match"),
                                self.headers.get("If-Modified-Since")))
        if self.path == "/robots.txt":
            self._send(404, b"", "text/plain")
            return
        body = server.body.encode()
        etag = f'"v{server.version}"'
        if server.use_etag and self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, etag=etag)
            return
        if not server.use_etag and self.headers.get("If-Modified-Since") == server.modified:
            self._send(304, b"", None)
            return
        self._send(200, body, "application/rss+xml", etag=etag if server.use_etag else None)

    def _send(self, status: int, body: bytes, kind: str | None, etag: str | None = None) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if etag:
            self.send_header("ETag", etag)
        elif status == 200:
            self.send_header("Last-Modified", self.server.modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class FeedServer(ThreadingHTTPServer):
    def __init__(self, *, use_etag: bool) -> None:
        super().__init__(("127.0.0.1", 0), _FeedHandler)
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str | None, str | None]] = []
        self.use_etag = use_etag
        self.version = 1
        self.modified = formatdate(1761955200, usegmt=True)
        items = "".join(ITEM.format(n=n, date=formatdate(1761955200 - n * 86400 * 3,
                                                           usegmt=True)) for n in range(8))
        self.body = FEED.format(items=items)


@pytest.mark.parametrize(("use_etag", "backend"), [
    (True, "sqlite"), (False, "sqlite"), (True, "postgres")],
    ids=["etag", "last-modified", "etag-postgres"])
def test_unchanged_feed_answers_304_and_the_stored_answer_is_read(
        tmp_path: Path, use_etag: bool, backend: str, request: pytest.FixtureRequest) -> None:
    """The crawl process reads the stored answer from the history, a file or PostgreSQL;
    PostgreSQL's password (given in the URL) is in no file the audit writes, nor its output."""
    password = None
    if backend == "postgres":
        server_pg = request.getfixturevalue("postgres_server")
        target = server_pg.new_database()
        password = server_pg.password
        db = server_pg.url(target.url.rsplit("/", 1)[1])  # with the password in it
    else:
        db = str(tmp_path / "history.sqlite")
    server = FeedServer(use_etag=use_etag)
    serve_in_background(server)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        config = tmp_path / "feed.toml"
        config.write_text(
            '[audit]\nas_of = "2026-11-01"\nallow_private_addresses = true\n\n'
            f'[[organisation]]\nname = "Spaak"\nrole = "client"\nprofiles = ["{url}"]\n',
            "utf-8")
        said = [audit(config, tmp_path / "one", "--db", db),
                audit(config, tmp_path / "two", "--db", db)]
        audit(config, tmp_path / "three", "--no-history")
        feed = [seen for seen in server.seen if seen[0] == "/feed.xml"]
        assert len(feed) == 3
        asked = feed[1][1] if use_etag else feed[1][2]
        assert asked == ('"v1"' if use_etag else server.modified)  # asked conditionally
        assert feed[2][1:] == (None, None)  # without history: a plain request
        assert feed[0][1:] == (None, None)
    finally:
        shut_down([server])
    one = json.loads((tmp_path / "one" / "report.json").read_text("utf-8"))
    two = comparable_report(tmp_path / "two" / "report.json")
    three = comparable_report(tmp_path / "three" / "report.json")
    assert two == three  # the 304 was answered from the history: the same feed read
    profile = two["organisations"][0]["profiles"][0]
    assert profile["outcome"] == "ok" and profile["metrics"]["sampled_items"] == 8
    assert one["organisations"][0]["profiles"][0]["metrics"]["sampled_items"] == 8
    if password is not None:
        plan = json.loads((tmp_path / "two" / "plan.json").read_text("utf-8"))
        assert plan["history"] == str(target)  # the URL without its password
        assert password not in plan["history"] and target.url.startswith("postgresql://")
        from urllib.parse import quote

        forms = (password, quote(password, safe=""))  # as typed in the URL, and decoded
        for done in said:
            assert not any(form in done.stdout + done.stderr for form in forms)
        for written in [*(tmp_path / "one").rglob("*"), *(tmp_path / "two").rglob("*")]:
            if written.is_file():
                data = written.read_bytes()
                assert not any(form.encode() in data for form in forms), written
