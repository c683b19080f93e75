"""Parsers never crash on garbage: every adapter, fed mutated sample bodies, ends in an outcome.

For each platform with sample pages, each demo profile's request chain is run with every
answer's body mutated (cut, bytes flipped, garbage spliced in, or replaced outright) and
its status sometimes changed. Whatever comes back, the adapter must return a record whose
outcome is one of the contract's outcomes, never raise. Two thousand cases per platform at
the default and CI fuzz depth (AUDITOR_FUZZ, tests/fuzzdepth.py); two hundred in the quick loop.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import urljoin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.apicost import XSettings
from auditor.credentials import replay_credentials
from auditor.models import OUTCOMES, ProfileRecord
from auditor.platforms import adapter_for, adapter_named
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
from auditor.urls import canonicalise
from tests.chain import run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES
from tests.fuzzdepth import fuzz_examples

EXAMPLES = 2000
#: The owners' APIs' sample answers (sample_pages/apis), read with placeholder tokens as a
#: replay reads them (auditor.credentials): the platforms whose profiles they answer.
API_FOLDER = "apis"
API_PLATFORMS = frozenset({"x", "facebook", "instagram"})
API_OPTIONS: dict[str, Any] = {"credentials": replay_credentials(),
                               "x": XSettings(depth="posts", max_cost_usd=10.0),
                               "x_profiles": 1}


def _platform_folders() -> list[str]:
    return sorted(p.name for p in SAMPLE_PAGES.iterdir()
                  if p.is_dir() and (p / "manifest.json").exists())


def _profiles_in(folder: str) -> list[str]:
    """The demo profiles whose pages are in this folder (from expected.json)."""
    expected = json.loads((SAMPLE_PAGES / "expected.json").read_text(encoding="utf-8"))
    store = ReplayStore(SAMPLE_PAGES / folder)
    hosts = {entry.url.split("/")[2] for entry in store.entries.values()}
    chosen = []
    for url in expected:
        adapter = adapter_for(url)
        if adapter is None:
            continue
        host = url.split("/")[2]
        if host in hosts or adapter.platform == folder or (
                folder == API_FOLDER and adapter.platform in API_PLATFORMS):
            chosen.append(url)
    return chosen


_mutation = st.one_of(
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                        min_size=1, max_size=20)),
    st.tuples(st.just("splice"), st.tuples(st.floats(0, 1), st.binary(max_size=200))),
    st.tuples(st.just("replace"), st.binary(max_size=2000)),
    st.tuples(st.just("keep"), st.none()),
)
_status = st.one_of(st.none(), st.sampled_from([200, 204, 301, 400, 404, 410, 429, 500, 999]))


def _mutate(body: bytes, mutation: tuple) -> bytes:
    kind, arg = mutation
    if kind == "cut":
        return body[: int(len(body) * arg)]
    if kind == "flip":
        data = bytearray(body)
        for where, value in arg:
            if data:
                data[min(int(where * len(data)), len(data) - 1)] = value
        return bytes(data)
    if kind == "splice":
        where, garbage = arg
        at = int(where * len(body))
        return body[:at] + garbage + body[at:]
    if kind == "replace":
        return arg
    return body


@pytest.mark.parametrize("folder", _platform_folders())
def test_parsers_survive_mutated_bodies(folder: str) -> None:
    store = ReplayStore(SAMPLE_PAGES / folder)
    profiles = _profiles_in(folder)
    if not profiles:
        pytest.skip(f"no demo profile reads sample_pages/{folder}")

    @settings(max_examples=fuzz_examples(EXAMPLES), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(index=st.integers(0, len(profiles) - 1), data=st.data())
    def run(index: int, data: st.DataObject) -> None:
        url = profiles[index]
        adapter = adapter_for(url)
        assert adapter is not None

        def answer(fetch: Fetch) -> Page | Failure:
            entry = store.lookup(fetch.url)
            body = entry.body() if entry is not None else b""
            status = data.draw(_status) or (entry.status if entry is not None else 404)
            headers = ({k.lower(): (v if isinstance(v, str) else ", ".join(v))
                        for k, v in entry.headers.items()} if entry is not None else {})
            headers.pop("location", None)  # a mutated chain does not follow redirects
            return Page(url=fetch.url, status=status, headers=headers,
                        body=_mutate(body, data.draw(_mutation)), fetched_at=AS_OF)

        api = API_OPTIONS if folder == API_FOLDER else {}
        record = run_chain(adapter, adapter.profile_url(url), answer,
                           options=CrawlOptions(as_of=AS_OF, max_pages=3, **api)).record
        assert isinstance(record, ProfileRecord)
        assert record.outcome in OUTCOMES

    run()


def test_every_sample_folder_is_fuzzed() -> None:
    # A platform whose sample pages no demo profile reads would escape the fuzzing above.
    unread = [folder for folder in _platform_folders() if not _profiles_in(folder)
              and folder not in {"website", "walled"}]
    assert unread == []


def test_the_fuzzer_does_mutate() -> None:
    body = b'{"id": "1", "username": "x"}'
    assert _mutate(body, ("cut", 0.5)) == body[:14]
    assert _mutate(body, ("replace", b"<html>")) == b"<html>"
    assert _mutate(body, ("splice", (0.0, b"!!"))) == b"!!" + body


# -- overlong fields ------------------------------------------------------------------------
#
# Every parser also meets pages whose text fields (names, bios, post texts, URLs, authors,
# e-mails, titles: any JSON string, any text between tags, any quoted attribute value) are
# 100,000 characters long, filled with what makes patterns slow: long runs of letters
# without "@", dots, digits, entity references, many URLs or addresses. Each page must be
# read within PAGE_BUDGET seconds (CPU time of the reading thread) and never raise.

#: Characters in each overlong field.
LONG = 100_000
#: Seconds of CPU one page may take to read, however long its fields: generous, a normal
#: page takes milliseconds.
PAGE_BUDGET = 2.0
LONG_EXAMPLES = 100
FILLERS: dict[str, str] = {
    "letters": "a" * LONG,
    "dots": ("a." * LONG)[:LONG],
    "at-in-the-middle": "a" * (LONG // 2) + "@" + "a" * (LONG // 2),
    "words": ("a " * LONG)[:LONG],
    "digits": "0" * LONG,
    "phones": ("06-12345678 " * LONG)[:LONG],
    "url": "https://x.example/" + "a" * LONG,
    "urls": ("https://a.example/b " * LONG)[:LONG],
    "emails": ("a@b.example " * LONG)[:LONG],
    "references": "&#97;" * (LONG // 5),
    "mentions": ("@a" * LONG)[:LONG],
    "hashtags": ("#a" * LONG)[:LONG],
    "dashes": ("a-" * LONG)[:LONG],
    "accents": "é" * LONG,
    "declarations": ('encoding="a" ' * LONG)[:LONG],
}
#: Text between tags (named by the tag before it), a quoted value named by its attribute or
#: JSON key (``name="..."``, ``"name": "..."``, also JSON inside a page's scripts), or any
#: other quoted value.
_TEXT_NODE = re.compile(r"<([\w:.-]+)[^<>]*>([^<>]{1,4000})<")
_NAMED_VALUE = re.compile(r'([\w:.-]+)"?\s*[=:]\s*"([^"\\<>\n]{0,4000})"')
_QUOTED = re.compile(r'"([^"\\<>\n]{0,4000})"')
#: Kinds of text field, by words in their names (JSON key, attribute, element).
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "names": ("name", "acct", "handle", "username"),
    "bios": ("note", "description", "bio", "summary", "about", "subtitle"),
    "texts": ("content", "text", "message", "summary", "record", "p", "div", "span"),
    "urls": ("url", "href", "link", "uri", "src", "avatar", "banner", "website", "homepage"),
    "authors": ("author", "email", "managingeditor", "webmaster", "creator",
                            "contact", "mail"),
    "titles": ("title", "headline"),
}


@dataclass(frozen=True)
class LongChain:
    adapter: PlatformAdapter
    url: str
    options: CrawlOptions


def _long_chains() -> dict[str, list[LongChain]]:
    """Every sample profile (demo profiles, the organisations' websites, the walled pages
    read with fetch_walled on), by parser: mastodon, bluesky, youtube, telegram, feed
    (feeds and pages naming one), website, walled."""
    options = CrawlOptions(as_of=AS_OF, max_pages=2)
    chains: dict[str, list[LongChain]] = {}

    def add(url: str, adapter: PlatformAdapter | None, chain_options: CrawlOptions) -> None:
        if adapter is None:
            return
        group = {"unknown": "feed", "website": "website"}.get(adapter.platform)
        if group is None:
            group = adapter.platform if adapter.platform in (
                "mastodon", "bluesky", "youtube", "telegram", "feed") else "walled"
        chains.setdefault(group, []).append(
            LongChain(adapter, adapter.profile_url(url), chain_options))

    expected = json.loads((SAMPLE_PAGES / "expected.json").read_text(encoding="utf-8"))
    for url in expected:
        adapter = adapter_for(canonicalise(url))
        if adapter is not None and adapter.platform not in WALLED:
            add(canonicalise(url), adapter, options)
        elif adapter is not None and adapter.platform in API_PLATFORMS:
            # read through the owner's API (sample_pages/apis), as the replayed demo does
            chains.setdefault("api", []).append(LongChain(
                adapter, adapter.profile_url(canonicalise(url)),
                replace(options, **API_OPTIONS)))
    demo = tomllib.loads((SAMPLE_PAGES / "demo.toml").read_text(encoding="utf-8"))
    for organisation in demo["organisation"]:
        if organisation.get("website"):
            add(canonicalise(organisation["website"]), adapter_named("website"), options)
    walled = replace(options, fetch_walled=True)
    for entry in ReplayStore(SAMPLE_PAGES / "walled").entries.values():
        adapter = adapter_for(canonicalise(entry.url))
        if adapter is not None and adapter.platform in WALLED:
            add(canonicalise(entry.url), adapter, walled)
    return chains


def _strings(data: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every string in a JSON document."""
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(value, str):
            yield data, key
        else:
            yield from _strings(value)


def _fields(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every text field of an HTML or XML page, in page order."""
    found: dict[tuple[int, int], str] = {}
    for match in _QUOTED.finditer(text):
        found[match.span(1)] = ""
    for pattern in (_NAMED_VALUE, _TEXT_NODE):
        for match in pattern.finditer(text):
            found[match.span(2)] = match.group(1).lower()
    return sorted((start, end, name) for (start, end), name in found.items())


def _lengthen(body: bytes, picks: list[float], filler: str, kind: str | None = None) -> bytes:
    """``body`` with some of its text fields replaced by ``filler``: JSON strings, or text
    between tags and quoted values in HTML and XML. ``picks`` (each in [0, 1)) say which, by
    where they are in field order; with ``kind`` (a key of FIELD_KINDS), only fields whose
    name holds one of its words are picked from."""
    words = FIELD_KINDS[kind] if kind else ()

    def wanted(name: Any) -> bool:
        name = str(name).lower()
        return not words or any(word == name or (len(word) > 2 and word in name)
                                for word in words)

    text = body.decode("utf-8", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if data is not None:
            strings = [(container, key) for container, key in _strings(data)
                       if wanted(key)]
            for pick in picks:
                if strings:
                    container, key = strings[int(pick * len(strings))]
                    container[key] = filler
            return json.dumps(data).encode()
    fields = [(start, end) for start, end, name in _fields(text) if wanted(name)]
    chosen: list[tuple[int, int]] = []
    for pick in picks:
        if fields:
            start, end = fields[int(pick * len(fields))]
            if all(end <= s or start >= e for s, e in chosen):
                chosen.append((start, end))
    for start, end in sorted(chosen, reverse=True):
        text = text[:start] + filler + text[end:]
    return text.encode("utf-8")


def _read_within_budget(chain: LongChain, lengthen: Callable[[bytes], bytes]) -> ProfileRecord:
    """Run the chain from the sample pages, each body lengthened; every page read within
    PAGE_BUDGET seconds."""
    adapter = chain.adapter
    step = adapter.start(Target(url=chain.url, platform=adapter.platform), chain.options)
    for _ in range(20):
        if isinstance(step, ProfileRecord):
            return step
        assert isinstance(step, Next)
        fetch, answer = step.fetch, LONG_STORE.lookup(step.fetch.url)
        url = fetch.url
        for _hop in range(5):  # follow the recorded redirects
            location = answer.headers.get("Location") if answer is not None else None
            if answer is None or answer.status not in (301, 302, 303, 307, 308) \
                    or not location:
                break
            url = urljoin(url, location if isinstance(location, str) else location[0])
            answer = LONG_STORE.lookup(url)
        if answer is None:
            step = adapter.fail(step.state, Failure("not_in_replay", "no entry", url))
            continue
        headers = {k.lower(): (v if isinstance(v, str) else ", ".join(v))
                   for k, v in answer.headers.items()}
        page = Page(url=url, status=answer.status, headers=headers,
                    body=lengthen(answer.body()), fetched_at=AS_OF)
        started = time.thread_time()
        step = adapter.advance(step.state, page)
        spent = time.thread_time() - started
        assert spent < PAGE_BUDGET, f"{url}: {spent:.2f} s to read ({len(page.body)} bytes)"
    raise AssertionError(f"the chain of {chain.url} did not end")


WALLED = frozenset({"linkedin", "x", "facebook", "instagram", "threads", "tiktok", "reddit"})
LONG_STORE = ReplayStore(SAMPLE_PAGES)
LONG_CHAINS = _long_chains()


def test_every_parser_meets_overlong_fields() -> None:
    assert sorted(LONG_CHAINS) == ["api", "bluesky", "feed", "mastodon", "telegram", "walled",
                                   "website", "youtube"]


@pytest.mark.parametrize("filler", sorted(FILLERS))
@pytest.mark.parametrize("kind", sorted(FIELD_KINDS))
@pytest.mark.parametrize("parser", sorted(LONG_CHAINS))
def test_overlong_fields_are_read_within_the_budget(parser: str, kind: str,
                                                    filler: str) -> None:
    # every profile of the parser; on each page, three fields of the kind (the first, one
    # in the middle, the last), then three anywhere
    for chain in LONG_CHAINS[parser]:
        for picks, only in (([0.0, 0.5, 0.99], kind), ([0.2, 0.5, 0.8], None)):
            record = _read_within_budget(chain, partial(
                _lengthen, picks=picks, filler=FILLERS[filler], kind=only))
            assert record.outcome in OUTCOMES


@pytest.mark.parametrize("parser", sorted(LONG_CHAINS))
def test_overlong_fields_anywhere_are_read_within_the_budget(parser: str) -> None:
    chains = LONG_CHAINS[parser]

    @settings(max_examples=fuzz_examples(LONG_EXAMPLES), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(index=st.integers(0, len(chains) - 1), filler=st.sampled_from(sorted(FILLERS)),
           picks=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=3),
           kind=st.none() | st.sampled_from(sorted(FIELD_KINDS)))
    def run(index: int, filler: str, picks: list[float], kind: str | None) -> None:
        record = _read_within_budget(chains[index], partial(
            _lengthen, picks=picks, filler=FILLERS[filler], kind=kind))
        assert record.outcome in OUTCOMES

    run()
