"""No single page holds the crawl: real crawls against feeds served on 127.0.0.1.

- The hostile feed of issue 17 (80,000 characters without "@" in ``<managingEditor>`` and
  an item's ``<author>``: feedparser's e-mail pattern is quadratic there) among normal
  feeds: every profile is recorded within the per-page parse budget of its page being
  served; the hostile one is read (after the caps of auditor.platforms.feedcap) or an error.
- A read that is slow in Python (an adapter patched to sleep in a child process that runs
  the spider): the page is read off the crawl's thread, the other profiles are recorded
  without waiting for it, and past AUDITOR_PARSE_SECONDS the slow profile is an error whose
  detail says so; the read still going on in its thread does not hold the crawl's end, and
  what a read raises in its thread still becomes that profile's error record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from auditor.messages import known_text
from tests.conftest import REPO
from tests.faultserver import FAST, write_config
from tests.servers import serve_in_background, shut_down

#: The per-page parse budget the crawls are held to (seconds): generous, a normal feed
#: takes milliseconds.
BUDGET = 10.0
NORMAL = ("blog-a", "blog-b", "blog-c", "blog-d")
LONG = "a" * 80_000


def rss(title: str, *, editor: str = "", author: str = "") -> bytes:
    items = "".join(
        f"<item><title>Post {n}</title><link>https://{title}.example/{n}</link>"
        f"<guid>https://{title}.example/{n}</guid>"
        f"<pubDate>Mon, {10 + n:02d} Oct 2026 09:{n:02d}:00 GMT</pubDate>"
        + (f"<author>{author}</author>" if author and n == 1 else "")
        + f"<description>Post number {n}</description></item>"
        for n in range(1, 6))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>https://{title}.example/</link>"
            f"<description>The {title} blog</description>"
            + (f"<managingEditor>{editor}</managingEditor>" if editor else "")
            + f"{items}</channel></rss>").encode()


class FeedServer:
    """Serves {path: body} as RSS on 127.0.0.1 and notes when each answer was sent."""

    def __init__(self, pages: Mapping[str, bytes]):
        self.pages = dict(pages)
        self.served: dict[str, float] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                body = outer.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")
                outer.served.setdefault(self.path, time.monotonic())

            def log_message(self, format: str, *args: object) -> None:  # keep quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@contextmanager
def serve(pages: Mapping[str, bytes]) -> Iterator[FeedServer]:
    server = FeedServer(pages)
    serve_in_background(server.server)
    try:
        yield server
    finally:
        shut_down([server.server])


def watch(command: list[str], records: Path, *, env: Mapping[str, str] | None = None,
          timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], dict[str, Any],
                                         dict[str, float]]:
    """Run a crawl, noting when each profile's record line appeared in ``records``."""
    seen: dict[str, float] = {}
    found: dict[str, Any] = {}
    started = time.monotonic()
    with subprocess.Popen(command, cwd=REPO, env=env, text=True, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        output = ["", ""]

        def read(index: int, stream: Any) -> None:
            output[index] = stream.read()

        readers = [threading.Thread(target=read, args=(index, stream), daemon=True)
                   for index, stream in enumerate((process.stdout, process.stderr))]
        for reader in readers:
            reader.start()
        while True:
            done = process.poll() is not None
            try:
                lines = records.read_text(encoding="utf-8").split("\n")[:-1]  # whole lines
            except OSError:
                lines = []
            for line in lines:
                record = json.loads(line)
                if record["url"] not in seen:
                    seen[record["url"]] = time.monotonic()
                    found[record["url"]] = record
            if done:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                raise AssertionError(f"the crawl did not end within {timeout} s; records: "
                                     f"{sorted(found)}")
            time.sleep(0.05)
        for reader in readers:
            reader.join()
    run = subprocess.CompletedProcess(command, process.returncode, *output)
    return run, found, seen


def test_the_hostile_feed_holds_no_profile_past_the_parse_budget(tmp_path: Path) -> None:
    pages = {f"/{name}/feed.xml": rss(name) for name in NORMAL}
    pages["/hostile/feed.xml"] = rss("hostile", editor=LONG, author=LONG)
    with serve(pages) as server:
        urls = {path: server.url(path) for path in pages}
        config = write_config(tmp_path / "feeds.toml", list(urls.values()), obey_robots=False)
        out = tmp_path / "out"
        run, records, seen = watch(
            [sys.executable, "-m", "auditor", "audit", str(config), "--out", str(out),
             "--format", "json", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
             "-s", f"AUDITOR_PARSE_SECONDS={BUDGET:g}"], out / "records.jsonl")
        served = server.served
    assert run.returncode == 0, run.stderr
    assert sorted(records) == sorted(urls.values())
    for path, url in urls.items():
        record = records[url]
        # each page was read (or given up) within the budget of its answer being sent
        assert seen[url] - served[path] < BUDGET, (path, seen[url] - served[path])
        if path.startswith("/hostile/"):
            assert record["outcome"] in ("ok", "error"), record["outcome_detail"]
            if record["outcome"] == "error":
                message = known_text(record["outcome_detail"])
                assert message is not None and message.id == "detail.parse_budget"
        else:
            assert record["outcome"] == "ok", record["outcome_detail"]
            assert len(record["items"]) == 5


#: Runs the spider with the feed adapter's reading made slow (a sleep in Python) for pages
#: whose URL holds "slow", and raising for "boom"; the arguments are scrapy's.
SLOW_RUNNER = '''
import sys, time
from auditor.platforms import feed

original = feed.FeedAdapter.advance

def advance(self, state, page):
    if "slow" in page.url:
        time.sleep(600)
    if "boom" in page.url:
        raise RuntimeError("boom")
    return original(self, state, page)

feed.FeedAdapter.advance = advance
from scrapy.cmdline import execute
execute(["scrapy", *sys.argv[1:]])
'''


def test_a_slow_read_is_given_up_after_the_budget_and_holds_no_other_profile(
        tmp_path: Path) -> None:
    budget = 2.0
    pages = {f"/{name}/feed.xml": rss(name) for name in NORMAL}
    pages["/slow/feed.xml"] = rss("slow")
    pages["/boom/feed.xml"] = rss("boom")
    runner = tmp_path / "slow_runner.py"
    runner.write_text(SLOW_RUNNER, encoding="utf-8")
    with serve(pages) as server:
        urls = {path: server.url(path) for path in pages}
        config = write_config(tmp_path / "feeds.toml", list(urls.values()), obey_robots=False)
        records_path = tmp_path / "records.jsonl"
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings",
                   PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
        # the subprocess timeout (120 s) is far below the sleep (600 s): the crawl must end
        # without waiting for the read it gave up
        run, records, seen = watch(
            [sys.executable, str(runner), "crawl", "profiles", "-a", f"config={config}",
             "-a", f"records={records_path}", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
             "-s", f"AUDITOR_PARSE_SECONDS={budget:g}"], records_path, env=env)
        served = server.served
    assert run.returncode == 0, run.stderr
    assert sorted(records) == sorted(urls.values())
    slow = records[urls["/slow/feed.xml"]]
    assert slow["outcome"] == "error"
    message = known_text(slow["outcome_detail"])
    assert message is not None and message.id == "detail.parse_budget"
    assert message.params == {"url": urls["/slow/feed.xml"], "seconds": "2"}
    assert "took longer than 2 s" in run.stderr  # logged as it happened
    # what a read raises in its thread is still the profile's error, not a lost profile
    boom = records[urls["/boom/feed.xml"]]
    assert (boom["outcome"], boom["outcome_detail"]) == (
        "error", "parser failed: RuntimeError: boom")
    for name in NORMAL:
        path = f"/{name}/feed.xml"
        assert records[urls[path]]["outcome"] == "ok"
        # read within the budget of being served, whether or not the slow page came first
        assert seen[urls[path]] - served[path] < BUDGET, (path, seen[urls[path]] - served[path])
