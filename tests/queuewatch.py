"""A test-only Scrapy extension: the longest the scheduler's queue got during a crawl.

Enabled with ``-s EXTENSIONS={"tests.queuewatch.QueueWatch": 0}`` and
``-s QUEUEWATCH_FILE=path``; writes ``{"max_queued": n, "scheduled": m}`` there at the end.
The queue length is the scheduler's own public stats: enqueued minus dequeued.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy import signals


class QueueWatch:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.path = Path(crawler.settings.get("QUEUEWATCH_FILE"))
        self.max_queued = 0
        self.scheduled = 0
        crawler.signals.connect(self.on_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.on_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> QueueWatch:
        return cls(crawler)

    def on_scheduled(self, request: Any, spider: Any = None) -> None:
        stats = self.crawler.stats
        # request_scheduled fires before the scheduler counts the request: +1.
        queued = (stats.get_value("scheduler/enqueued", 0)
                  - stats.get_value("scheduler/dequeued", 0) + 1)
        self.max_queued = max(self.max_queued, queued)
        self.scheduled += 1

    def on_closed(self, spider: Any = None) -> None:
        self.path.write_text(json.dumps({"max_queued": self.max_queued,
                                         "scheduled": self.scheduled}), encoding="utf-8")
