"""Drive a platform adapter's request chain without Scrapy, from a replay directory.

``run_chain`` answers each Fetch the adapter asks for from a ReplayStore, follows
redirects as Scrapy would (up to 5, Location resolved against the request URL), and
returns the finished record with the URLs that were asked for. Parser tests use it to
check a whole profile, from the first request to the record, on the sample pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from auditor.models import ProfileRecord
from auditor.platforms.base import (
    CrawlOptions,
    Failure,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Target,
)
from auditor.replay import ReplayStore
from tests.conftest import AS_OF

Answer = Callable[[Fetch], Page | Failure]


@dataclass
class ChainRun:
    record: ProfileRecord
    #: Every URL fetched, in order (redirect hops included).
    fetched: list[str] = field(default_factory=list)


def replay_answer(directory: Path | ReplayStore) -> Answer:
    """Answer fetches from a replay directory; a miss is a not_in_replay failure."""
    store = directory if isinstance(directory, ReplayStore) else ReplayStore(directory)

    def answer(fetch: Fetch) -> Page | Failure:
        entry = store.lookup(fetch.url)
        if entry is None:
            return Failure("not_in_replay", "no entry", fetch.url)
        headers = {k.lower(): (v if isinstance(v, str) else ", ".join(v))
                   for k, v in entry.headers.items()}
        return Page(url=fetch.url, status=entry.status, headers=headers, body=entry.body(),
                    fetched_at=AS_OF)

    return answer


def run_chain(adapter: PlatformAdapter, url: str, answer: Answer, *,
              options: CrawlOptions | None = None, organisation: str | None = "Org",
              role: str | None = "client", max_steps: int = 50) -> ChainRun:
    """Run ``adapter`` on profile ``url`` until it returns a record."""
    options = options or CrawlOptions(as_of=AS_OF)
    target = Target(url=url, platform=adapter.platform, organisation=organisation, role=role,
                    source_url=url)
    fetched: list[str] = []
    step = adapter.start(target, options)
    for _ in range(max_steps):
        if isinstance(step, ProfileRecord):
            return ChainRun(step, fetched)
        assert isinstance(step, Next)
        fetch = step.fetch
        result = answer(fetch)
        fetched.append(fetch.url)
        hops = 0
        while (isinstance(result, Page) and result.status in (301, 302, 303, 307, 308)
               and result.headers.get("location") and hops < 5):
            location = urljoin(result.url, result.headers["location"])
            result = answer(Fetch(location, fetch.step, fetch.headers))
            if isinstance(result, Page):
                result = Page(url=location, status=result.status, headers=result.headers,
                              body=result.body, fetched_at=result.fetched_at)
            fetched.append(location)
            hops += 1
        if isinstance(result, Failure):
            step = adapter.fail(step.state, result)
        else:
            step = adapter.advance(step.state, result)
    raise AssertionError(f"the chain for {url} did not end within {max_steps} steps")
