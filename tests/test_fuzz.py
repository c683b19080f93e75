"""Parsers never crash on garbage: every adapter, fed mutated sample bodies, ends in an outcome.

For each platform with sample pages, each demo profile's request chain is run with every
answer's body mutated (cut, bytes flipped, garbage spliced in, or replaced outright) and
its status sometimes changed. Whatever comes back, the adapter must return a record whose
outcome is one of the contract's outcomes, never raise. Two thousand cases per platform at
the default and CI fuzz depth (AUDITOR_FUZZ, tests/fuzzdepth.py); two hundred in the quick loop.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import OUTCOMES, ProfileRecord
from auditor.platforms import adapter_for
from auditor.platforms.base import CrawlOptions, Failure, Fetch, Page
from auditor.replay import ReplayStore
from tests.chain import run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES
from tests.fuzzdepth import fuzz_examples

EXAMPLES = 2000


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
        if host in hosts or adapter.platform == folder:
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

        record = run_chain(adapter, adapter.profile_url(url), answer,
                           options=CrawlOptions(as_of=AS_OF, max_pages=3)).record
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
