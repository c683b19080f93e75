"""Item pipeline: stream each profile's record to disk the moment it is complete."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any, Self

from scrapy import signals
from scrapy.crawler import Crawler


class RecordFilePipeline:
    """Appends one JSON line per record to the records file, flushed and synced at once.

    A run that is interrupted, killed or crashes keeps every profile that was finished
    before the stop; at worst the last line is torn, and readers skip it. Records are
    appended, so a resumed run adds to the records of the run it continues.
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
            if not _ends_a_line(Path(path)):
                # A torn line left by a killed run: start ours on a line of its own.
                self.file.write("\n")
                self.file.flush()

    def spider_closed(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_item(self, item: Any) -> Any:
        if self.file is not None:
            self.file.write(json.dumps(item, ensure_ascii=False) + "\n")
            self.file.flush()
            # On disk before the next profile: a power cut or kill keeps this one too.
            os.fsync(self.file.fileno())
        return item


def _ends_a_line(path: Path) -> bool:
    """True for an empty file or one whose last byte is a newline."""
    try:
        with path.open("rb") as handle:
            if handle.seek(0, os.SEEK_END) == 0:
                return True
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
    except OSError:
        return True
