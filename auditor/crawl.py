"""Run the Scrapy crawl in a child process and read back the records it streamed to disk.

The core never imports Scrapy: the crawl runs as ``python -m scrapy crawl profiles`` with
the project's settings module, so a crash or Ctrl-C in the crawl cannot take the records
already written with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from auditor.models import ProfileRecord

SETTINGS_MODULE = "spiders.settings"
#: How often (seconds) the records file is looked at for progress.
_PROGRESS_EVERY = 0.5


@dataclass(frozen=True, slots=True)
class CrawlRun:
    records_path: Path
    returncode: int
    interrupted: bool

    @property
    def completed(self) -> bool:
        return self.returncode == 0 and not self.interrupted


def crawl_command(*, config: Path | None, urls: Sequence[str] = (), records: Path,
                  as_of: datetime, log_file: Path | None, replay: Path | None = None,
                  record: Path | None = None,
                  settings: Sequence[str] = ()) -> list[str]:
    """The ``scrapy crawl profiles`` command line for one audit."""
    command = [sys.executable, "-m", "scrapy", "crawl", "profiles"]
    if config is not None:
        command += ["-a", f"config={config.resolve()}"]
    else:
        command += ["-a", "urls=" + " ".join(urls)]
    command += ["-a", f"records={records.resolve()}", "-a", f"as_of={as_of.isoformat()}"]
    if replay is not None:
        command += ["-a", f"replay={replay.resolve()}"]
    if record is not None:
        command += ["-a", f"record={record.resolve()}"]
    if log_file is not None:
        command += ["-s", f"LOG_FILE={log_file.resolve()}", "-s", "LOG_FILE_APPEND=False"]
    for setting in settings:
        command += ["-s", setting]
    return command


def run_crawl(command: list[str], records: Path,
              progress: Callable[[int], None] | None = None) -> CrawlRun:
    """Run the crawl; Ctrl-C reaches the child too, which stops cleanly.

    ``progress`` is called with the number of finished profiles whenever it grows.
    """
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE=SETTINGS_MODULE)
    records.parent.mkdir(parents=True, exist_ok=True)
    records.write_text("", encoding="utf-8")
    interrupted = False
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    done = 0
    try:
        while True:
            try:
                returncode = process.wait(timeout=_PROGRESS_EVERY)
                break
            except subprocess.TimeoutExpired:
                pass
            finished = _count_lines(records)
            if progress is not None and finished > done:
                done = finished
                progress(done)
    except KeyboardInterrupt:
        interrupted = True
        try:
            returncode = process.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.kill()
            returncode = process.wait()
    finished = _count_lines(records)
    if progress is not None and finished > done:
        progress(finished)
    return CrawlRun(records_path=records, returncode=returncode, interrupted=interrupted)


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 16), b""))
    except OSError:
        return 0


def read_records(path: Path) -> Iterator[ProfileRecord]:
    """Records from a JSON-lines file; a torn last line (a killed run) is skipped."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                yield ProfileRecord.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue
