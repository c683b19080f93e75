"""Parse throughput per platform: pages per second on one core, from the sample pages.

    python bench/parsespeed.py [--seconds 2] [--json]

For every demo profile in sample_pages/expected.json (and every organisation website in
sample_pages/demo.toml, read by the website adapter) the adapter's request chain is driven
once from the recorded pages (as tests/chain.py does, redirects followed), and the pages it
was handed are kept in memory. Then, for about ``--seconds`` per platform, those chains are
replayed through ``adapter.start()`` and ``adapter.advance()`` over and over, with no I/O:
what is timed is the parsing and the record building alone. CPU time (process_time) is the
denominator, so the figure is per core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from auditor.models import ProfileRecord  # noqa: E402
from auditor.platforms import adapter_for, adapter_named  # noqa: E402
from auditor.platforms.base import (  # noqa: E402
    CrawlOptions,
    Failure,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Target,
)
from auditor.replay import ReplayStore  # noqa: E402
from auditor.urls import canonicalise  # noqa: E402

SAMPLE_PAGES = ROOT / "sample_pages"
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Chain:
    """One profile's recorded chain: the answers its adapter was handed, in order."""

    adapter: PlatformAdapter
    target: Target
    answers: list[Page | Failure]


def _answer(store: ReplayStore, fetch: Fetch) -> Page | Failure:
    entry = store.lookup(fetch.url)
    if entry is None:
        return Failure("not_in_replay", "no entry", fetch.url)
    headers = {k.lower(): (v if isinstance(v, str) else ", ".join(v))
               for k, v in entry.headers.items()}
    return Page(url=fetch.url, status=entry.status, headers=headers, body=entry.body(),
                fetched_at=AS_OF)


def record_chain(adapter: PlatformAdapter, target: Target, options: CrawlOptions,
                 store: ReplayStore, max_steps: int = 50) -> Chain:
    """Drive the chain once from the replay store and keep every answer handed over."""
    answers: list[Page | Failure] = []
    step = adapter.start(target, options)
    for _ in range(max_steps):
        if isinstance(step, ProfileRecord):
            return Chain(adapter, target, answers)
        assert isinstance(step, Next)
        fetch = step.fetch
        result = _answer(store, fetch)
        hops = 0
        while (isinstance(result, Page) and result.status in _REDIRECTS
               and result.headers.get("location") and hops < 5):
            location = urljoin(result.url, result.headers["location"])
            result = _answer(store, Fetch(location, fetch.step, fetch.headers))
            if isinstance(result, Page):
                result = Page(url=location, status=result.status, headers=result.headers,
                              body=result.body, fetched_at=result.fetched_at)
            hops += 1
        answers.append(result)
        step = (adapter.fail(step.state, result) if isinstance(result, Failure)
                else adapter.advance(step.state, result))
    raise RuntimeError(f"the chain for {target.url} did not end within {max_steps} steps")


def replay_chain(chain: Chain, options: CrawlOptions) -> int:
    """Run the recorded chain through the adapter again; the number of pages parsed."""
    adapter = chain.adapter
    step = adapter.start(chain.target, options)
    parsed = 0
    for answer in chain.answers:
        assert isinstance(step, Next)
        if isinstance(answer, Failure):
            step = adapter.fail(step.state, answer)
        else:
            step = adapter.advance(step.state, answer)
            parsed += 1
    assert isinstance(step, ProfileRecord)
    return parsed


def sample_chains(samples: Path = SAMPLE_PAGES) -> dict[str, list[Chain]]:
    """Every demo profile's chain, by platform name."""
    store = ReplayStore(samples)
    options = CrawlOptions(as_of=AS_OF)
    expected = json.loads((samples / "expected.json").read_text(encoding="utf-8"))
    targets: list[tuple[PlatformAdapter, Target]] = []
    for url in expected:
        canonical = canonicalise(url)
        adapter = adapter_for(canonical)
        if adapter is None:
            continue
        targets.append((adapter, Target(url=adapter.profile_url(canonical),
                                        platform=adapter.platform, organisation="Bench",
                                        role="client", source_url=url)))
    website = adapter_named("website")
    demo = samples / "demo.toml"
    if website is not None and demo.exists():
        config = tomllib.loads(demo.read_text(encoding="utf-8"))
        for organisation in config.get("organisation", []):
            if organisation.get("website"):
                url = canonicalise(organisation["website"])
                targets.append((website, Target(url=url, platform="website",
                                                organisation=organisation.get("name"),
                                                role=organisation.get("role"), source_url=url)))
    chains: dict[str, list[Chain]] = {}
    for adapter, target in targets:
        chain = record_chain(adapter, target, options, store)
        if any(isinstance(answer, Page) for answer in chain.answers):
            name = "feed-discovery" if adapter.platform == "unknown" else adapter.platform
            chains.setdefault(name, []).append(chain)
    return chains


def measure_platform(chains: list[Chain], seconds: float,
                     clock: Callable[[], float] = time.process_time) -> dict[str, Any]:
    """Replay ``chains`` for about ``seconds`` of CPU; pages and profiles per CPU second."""
    options = CrawlOptions(as_of=AS_OF)
    pages = profiles = 0
    started = clock()
    elapsed = 0.0
    while True:
        for chain in chains:
            pages += replay_chain(chain, options)
            profiles += 1
        elapsed = clock() - started
        if elapsed >= seconds:
            break
    return {
        "chains": len(chains),
        "bytes_per_round": sum(len(a.body) for c in chains for a in c.answers
                               if isinstance(a, Page)),
        "pages": pages,
        "profiles": profiles,
        "cpu_s": round(elapsed, 3),
        "pages_per_s": round(pages / elapsed, 1) if elapsed > 0 else None,
        "profiles_per_s": round(profiles / elapsed, 1) if elapsed > 0 else None,
    }


def measure_all(seconds: float = 2.0, samples: Path = SAMPLE_PAGES) -> dict[str, dict[str, Any]]:
    return {platform: measure_platform(chains, seconds)
            for platform, chains in sorted(sample_chains(samples).items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    results = measure_all(args.seconds)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print("| platform | sample profiles | pages | pages/s per core | profiles/s per core |")
    print("|---|---:|---:|---:|---:|")
    for platform, data in results.items():
        print(f"| {platform} | {data['chains']} | {data['pages']} | {data['pages_per_s']:.0f} "
              f"| {data['profiles_per_s']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
