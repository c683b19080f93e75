"""AutoThrottle that takes a ``304 Not Modified`` for what it is: the normal answer.

Scrapy's AutoThrottle never lowers a host's delay on an answer other than 200 ("error
pages and redirections are usually small"). A re-audit with history asks feeds, YouTube
and images conditionally (auditor.answercache), and an unchanged host then answers
nothing but 304s: its delay stayed at AUTOTHROTTLE_START_DELAY for the whole crawl, and a
re-audit of half the requests took longer than a full audit (the benchmark's YouTube host:
229 requests, 0.63 s apart instead of about 0.4). A 304 to a conditional request is the
server's answer to the question asked, as quick as it is because nothing changed; the
delay follows its latency as it follows a 200's. Every other status is left to Scrapy.
"""

from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class ConditionalAutoThrottle(AutoThrottle):
    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
