"""spiders/throttle.py: a 304 lowers a host's AutoThrottle delay as a 200 does (a
re-audit's conditional requests get nothing but 304s from an unchanged host)."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

import spiders.settings
from spiders.throttle import ConditionalAutoThrottle


def delay_after(kind: type[AutoThrottle], status: int) -> float:
    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True})
    throttle = kind(crawler)
    throttle.mindelay, throttle.maxdelay = 0.25, 10.0
    slot = SimpleNamespace(delay=0.5)  # AUTOTHROTTLE_START_DELAY
    response = Response("http://a.example/feed", status=status,
                        request=Request("http://a.example/feed"))
    for _ in range(5):  # quick answers
        throttle._adjust_delay(slot, 0.01, response)  # type: ignore[arg-type]
    return float(slot.delay)


def test_a_304_lowers_the_delay_as_a_200_does() -> None:
    assert delay_after(AutoThrottle, 304) == 0.5  # Scrapy's: stuck at the start delay
    assert delay_after(ConditionalAutoThrottle, 304) == delay_after(AutoThrottle, 200) == 0.25
    # other statuses are Scrapy's rule: an error page never lowers the delay
    assert delay_after(ConditionalAutoThrottle, 404) == 0.5


def test_the_crawl_uses_it() -> None:
    names = spiders.settings.EXTENSIONS_BASE
    assert "spiders.throttle.ConditionalAutoThrottle" in names
    assert "scrapy.extensions.throttle.AutoThrottle" not in names
