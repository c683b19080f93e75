"""Item pipeline: stream each profile's record to disk the moment it is complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Self

from scrapy import signals
from scrapy.crawler import Crawler


class RecordFilePipeline:
    """Appends one JSON line per record to the records file and flushes it at once.

    A run that is interrupted keeps every profile that was finished before the stop.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self) -> None:
        spider = self.crawler.spider
        path = getattr(spider, "records", None) or self.crawler.settings.get(
            "AUDITOR_RECORDS_FILE")
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed at spider_closed

    def spider_closed(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_item(self, item: Any) -> Any:
        if self.file is not None:
            self.file.write(json.dumps(item, ensure_ascii=False) + "\n")
            self.file.flush()
        return item
