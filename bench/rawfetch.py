"""The network limit: fetch a list of URLs with the audit's own Scrapy settings, parse nothing.

    python bench/rawfetch.py --urls URLS.txt [--summary FILE] [--log-file FILE] [-s NAME=VALUE]

A minimal spider run with the project's settings module (``spiders.settings``): the same
per-host concurrency, DOWNLOAD_DELAY, AutoThrottle, robots.txt middleware (Scrapy fetches
each host's robots.txt itself), Retry-After waits and retries as ``auditor audit``. It
requests every URL of the file (one a line) and keeps only counts of what came back, so
the time it takes is what the chosen politeness allows, with no parsing on top.

The address guard (spiders.manners.AddressGuardMiddleware) and the robots.txt switch read
the running spider's crawl ``plan`` (its ``allow_private_addresses`` and ``obey_robots``);
this spider carries a minimal one with both true, as the benchmark config does, so the
guard stays in place and lets the loopback hosts through exactly as in (a).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import scrapy  # noqa: E402
from scrapy.http import Response  # noqa: E402
from twisted.python.failure import Failure  # noqa: E402

from spiders.profiles import wait_for_room  # noqa: E402

#: Every status is handed to the callback (the audit does the same for 4xx/5xx and 999).
_ALL_STATUSES = [*range(400, 600), 999]


@dataclass(frozen=True)
class _Manners:
    """The part of a crawl plan (auditor.crawl.CrawlPlan) that spiders.manners reads."""

    allow_private_addresses: bool = True
    obey_robots: bool = True


class RawFetchSpider(scrapy.Spider):
    """Requests every URL of ``urls`` once; counts statuses and bytes; yields no items."""

    name = "rawfetch"

    def __init__(self, urls: str = "", allow_private: str = "true", **kwargs: Any):
        super().__init__(**kwargs)
        self.plan = _Manners(
            allow_private_addresses=allow_private.lower() in ("1", "true", "yes"))
        self.urls_path = Path(urls)
        self.statuses: Counter[str] = Counter()
        self.bytes = 0
        self.failures: Counter[str] = Counter()

    async def start(self) -> AsyncIterator[Any]:
        with self.urls_path.open(encoding="utf-8") as handle:
            for line in handle:
                url = line.strip()
                if url and not url.startswith("#"):
                    await wait_for_room(self.crawler)  # as the audit does: a short queue
                    yield scrapy.Request(url, callback=self.on_response, errback=self.on_failure,
                                         dont_filter=True,
                                         meta={"handle_httpstatus_list": _ALL_STATUSES})

    def on_response(self, response: Response) -> Iterator[Any]:
        self.statuses[str(response.status)] += 1
        self.bytes += len(response.body)
        return iter(())

    def on_failure(self, failure: Failure) -> Iterator[Any]:
        self.failures[type(failure.value).__name__] += 1
        return iter(())

    def summary(self) -> dict[str, Any]:
        return {"responses": sum(self.statuses.values()), "statuses": dict(self.statuses),
                "bytes": self.bytes, "failures": dict(self.failures)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=Path, required=True, help="file of URLs, one a line")
    parser.add_argument("--summary", type=Path, help="write counts of what came back (JSON)")
    parser.add_argument("--log-file", type=Path, help="Scrapy's log (default: stderr)")
    parser.add_argument("-s", "--set", action="append", default=[], dest="settings",
                        metavar="NAME=VALUE", help="override a Scrapy setting")
    args = parser.parse_args(argv)

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if settings.get("BOT_NAME") != "social-presence-auditor":
        print("rawfetch: the project's settings module (spiders.settings) was not loaded",
              file=sys.stderr)
        return 2
    # Nothing is yielded, so the records pipeline has nothing to write; it stays as it is.
    if args.log_file is not None:
        settings.set("LOG_FILE", str(args.log_file), priority="cmdline")
    for setting in args.settings:
        name, sep, value = setting.partition("=")
        if not sep:
            parser.error(f"-s: expected NAME=VALUE, got {setting!r}")
        settings.set(name.strip(), value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RawFetchSpider)
    process.crawl(crawler, urls=str(args.urls))
    process.start()
    spider = crawler.spider
    summary = spider.summary() if isinstance(spider, RawFetchSpider) else {}
    if args.summary is not None:
        args.summary.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0 if summary.get("responses") else 1


if __name__ == "__main__":
    sys.exit(main())
