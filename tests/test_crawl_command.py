"""The crawl's command line (auditor.crawl): URLs go through the plan file, never the
child's argument list; -s settings are checked against what the crawl knows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.crawl import CrawlPlan, crawl_command, known_settings, setting_problems
from tests.conftest import AS_OF


def test_thousands_of_urls_go_through_the_plan_not_the_argument_list(tmp_path: Path) -> None:
    urls = [f"https://mastodon.example/@someone_with_a_long_name_{i}" for i in range(5000)]
    command = crawl_command(urls=urls, records=tmp_path / "records.jsonl", as_of=AS_OF,
                            log_file=None)
    # the kernel takes this argument list (one argument of 128 KiB or more it refuses)
    true = shutil.which("true")
    assert true is not None
    subprocess.run([true, *command[1:]], check=True)
    assert max(len(argument) for argument in command) < 4096
    (plan_argument,) = [arg for arg in command if arg.startswith("plan=")]
    plan = CrawlPlan.from_json(Path(plan_argument.removeprefix("plan=")).read_text("utf-8"))
    assert [target.url for target in plan.targets] == urls
    assert plan.options.as_of == AS_OF


@pytest.mark.parametrize("setting", [
    "DOWNLOAD_DELAY=0.01", "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
    "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "DOWNLOAD_TIMEOUT=2.5",
    "DEPTH_PRIORITY=-1", "USER_AGENT=test", 'EXTENSIONS={"tests.queuewatch.QueueWatch": 0}',
    "TWISTED_DNS_RESOLVER=scrapy.resolver.CachingThreadedResolver",
    # the project's own settings, and one only its spiders read
    "AUDITOR_RETRY_AFTER_MAX=0.5", "AUDITOR_FETCH_AVATARS=false", "LOG_FILE=crawl.log",
])
def test_settings_the_crawl_knows_pass(setting: str) -> None:
    assert setting_problems([setting]) == []


def test_settings_of_a_users_own_component_pass_with_it() -> None:
    """A component added with -s may read settings of its own (tests/queuewatch.py does)."""
    assert setting_problems(["QUEUEWATCH_FILE=/tmp/x"]) != []
    assert setting_problems(['EXTENSIONS={"tests.queuewatch.QueueWatch": 0}',
                             "QUEUEWATCH_FILE=/tmp/x"]) == []


def test_every_bad_setting_is_one_line() -> None:
    assert setting_problems(["download_delay=1", "RETRY_TIMES=two", "NOVALUE",
                             "DOWNLOAD_MAXSIZE=1e9", "LOGSTATS_INTERVAL=inf"]) == [
        "-s: expected NAME=VALUE, got 'NOVALUE'",
        "-s: download_delay is not a Scrapy setting the crawl knows "
        "(did you mean DOWNLOAD_DELAY?)",
        "-s: RETRY_TIMES=two: expected a whole number",
        "-s: DOWNLOAD_MAXSIZE=1e9: expected a whole number",
        "-s: LOGSTATS_INTERVAL=inf: expected a finite number",
    ]


def test_the_names_come_from_scrapy_and_the_project_without_importing_scrapy() -> None:
    known = known_settings()
    assert {"DOWNLOAD_DELAY", "ROBOTSTXT_OBEY", "FEEDS"} <= set(known)  # Scrapy's defaults
    assert known["AUDITOR_RETRY_AFTER_TIMES"] == "int"  # spiders/settings.py
    assert known["AUDITOR_FETCH_AVATARS"] == "bool"  # read in spiders/profiles.py
    assert known["DOWNLOAD_DELAY"] == "float"  # the project's 0.25 over Scrapy's 0
