"""Issue 16: a re-audit asks a Mastodon server for its known accounts in batches ("Get
multiple accounts", ``/api/v1/accounts?id[]=...``), and each account found goes on exactly
as its lookup's answer would; anything else falls back to the lookup
(auditor.platforms.mastodon_batch).

The answers come from bench/fakeplatforms.py's routes (no server): its data "a month
later" (LATER_DAYS) gives every tenth profile new posts and leaves the others as they were.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from auditor.models import ProfileRecord
from auditor.platforms.base import CrawlOptions, Fetch, KnownPosts, Page, Target
from auditor.platforms.mastodon import MastodonAdapter, lookup_url
from auditor.platforms.mastodon_batch import (
    BATCH_MAX,
    Batch,
    account_id_of,
    eligible,
    lookup_state,
    plan,
    split,
    usable_id,
)
from auditor.platforms.timeline import known_from_json, known_of, known_to_json
from tests.chain import ChainRun, run_chain

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import fakeplatforms as fp  # noqa: E402  (bench/ is not a package on the import path)

BASE = "http://127.0.0.9:9"
FIRST = datetime(2026, 11, 1, tzinfo=UTC)
LATER = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def later() -> Iterator[None]:
    yield
    fp.LATER_DAYS = 0


def answer_from(fetched_at: datetime, asked: list[str] | None = None):
    def answer(fetch: Fetch) -> Page:
        parts = urlsplit(fetch.url)
        status, headers, body = fp.route("spread", BASE, parts.path, parts.query, robots=False)
        if asked is not None:
            asked.append(fetch.url)
        return Page(url=fetch.url, status=status,
                    headers={k.lower(): v for k, v in headers}, body=body,
                    fetched_at=fetched_at)
    return answer


def index(kind: str, *, is_changed: bool, after: int = 30) -> int:
    return next(i for i in range(after, 5000) if fp.kind_of(i) == kind
                and fp.platform_of_index(i) == "mastodon" and (i % 10 == 3) == is_changed)


def url_of(i: int, base: str = BASE) -> str:
    return f"{base}/@u{i}"


def options_at(as_of: datetime) -> CrawlOptions:
    return CrawlOptions(as_of=as_of, window_days=90, max_pages=3)


def target_of(i: int, known: KnownPosts | None = None, base: str = BASE) -> Target:
    return Target(url=url_of(i, base), platform="mastodon", organisation="Org",
                  role="client", source_url=url_of(i, base), known=known)


def by_lookup(i: int, as_of: datetime, known: KnownPosts | None = None) -> ChainRun:
    adapter = MastodonAdapter()
    target = target_of(i, known)
    original = adapter.start
    adapter.start = lambda _t, o: original(target, o)  # type: ignore[method-assign]
    return run_chain(adapter, url_of(i), answer_from(as_of), options=options_at(as_of))


def by_batch(target: Target, lookup: Page, as_of: datetime) -> ChainRun:
    """The chain from a batch's account on: the adapter reads it as its lookup's answer."""
    adapter = MastodonAdapter()
    adapter.start = lambda _t, o: adapter.advance(  # type: ignore[method-assign]
        lookup_state(target, o), lookup)
    return run_chain(adapter, target.url, answer_from(as_of), options=options_at(as_of))


def stored(i: int) -> tuple[KnownPosts | None, str]:
    """What the first audit keeps of profile ``i``: its timeline and its account id."""
    first = by_lookup(i, FIRST)
    lookup = answer_from(FIRST)(Fetch(lookup_url(url_of(i)), "lookup", {}))
    account_id = account_id_of(lookup)
    assert account_id == str(fp._account_id(i))
    known = known_of(first.record)
    return (known_from_json(known_to_json(known)) if known is not None else None), account_id


def comparable(record: ProfileRecord) -> dict[str, object]:
    return json.loads(json.dumps(record.to_dict(), default=str))


@pytest.mark.parametrize("kind", ["healthy", "broadcast", "dead"])
@pytest.mark.parametrize("is_changed", [False, True])
def test_batch_answer_reads_as_the_lookup_and_equals_a_full_read(
        kind: str, is_changed: bool, later: None) -> None:
    i = index(kind, is_changed=is_changed)
    known, account_id = stored(i)
    fp.LATER_DAYS = 30
    target = target_of(i, known)
    [batch] = plan([(target, account_id)])
    assert batch.url == f"{BASE}/api/v1/accounts?id%5B%5D={account_id}"
    found, missing = split(batch, answer_from(LATER)(Fetch(batch.url, "batch", {})))
    assert missing == [] and [t for t, _ in found] == [target]
    again = by_batch(target, found[0][1], LATER)
    # the record is the lookup path's, and a full read's, and no lookup was asked
    assert comparable(again.record) == comparable(by_lookup(i, LATER, known).record)
    full = by_lookup(i, LATER).record
    assert again.record.items == full.items and again.record.sample == full.sample
    assert again.record.profile == full.profile and again.record.notes == full.notes
    assert not [url for url in again.fetched if "/lookup" in url]
    if kind == "healthy" and not is_changed:
        assert again.fetched == []  # nothing new: every post from the history
    if kind == "healthy" and is_changed:
        assert again.fetched and all("min_id=" in url for url in again.fetched)


def test_missing_account_falls_back_to_the_lookup() -> None:
    alive, gone = index("healthy", is_changed=False), index("gone", is_changed=False)
    targets = [target_of(alive), target_of(gone)]
    [batch] = plan([(targets[0], str(fp._account_id(alive))),
                    (targets[1], str(fp._account_id(gone)))])
    page = answer_from(LATER)(Fetch(batch.url, "batch", {}))
    assert [a["id"] for a in json.loads(page.body)] == [str(fp._account_id(alive))]
    found, missing = split(batch, page)
    assert [t for t, _ in found] == [targets[0]] and missing == [targets[1]]
    # the lookup then says what became of it, as a full audit does
    assert by_lookup(gone, LATER).record.outcome == "gone"


@pytest.mark.parametrize("status, body, kind", [
    (404, b'{"error":"Record not found"}', "application/json"),  # before Mastodon 4.3
    (410, b"gone", "text/plain"),
    (400, b"<html>bad</html>", "text/html"),
    (500, b"oops", "text/plain"),
    (429, b'{"error":"Too many requests"}', "application/json"),
    (200, b"<html>not an API</html>", "text/html"),
    (200, b'{"id": "1"}', "application/json"),  # not a list
    (200, b'[{"id": "1", "acct": "u1"', "application/json"),  # cut short
])
def test_a_batch_not_answered_falls_back_to_lookups(status: int, body: bytes,
                                                    kind: str) -> None:
    targets = [target_of(i) for i in (31, 32, 33)]
    [batch] = plan([(t, str(fp._account_id(i))) for t, i in zip(targets, (31, 32, 33),
                                                                    strict=True)])
    page = Page(url=batch.url, status=status, headers={"content-type": kind}, body=body,
                fetched_at=LATER)
    assert split(batch, page) == ([], targets)


def test_an_answer_from_another_address_falls_back() -> None:
    i = index("healthy", is_changed=False)
    [batch] = plan([(target_of(i), str(fp._account_id(i)))])
    page = answer_from(LATER)(Fetch(batch.url, "batch", {}))
    moved = Page(url="http://elsewhere.example/api/v1/accounts", status=200,
                 headers=dict(page.headers), body=page.body, fetched_at=LATER)
    assert split(batch, moved) == ([], [target_of(i)])


@pytest.mark.parametrize("field, value", [
    ("acct", "someone-else"), ("username", "someone-else"), ("acct", None),
    ("url", "http://127.0.0.9:9/@someone-else"), ("url", 12),
])
def test_an_account_that_no_longer_names_the_profile_falls_back(field: str,
                                                                 value: object) -> None:
    i = index("healthy", is_changed=False)
    [batch] = plan([(target_of(i), str(fp._account_id(i)))])
    page = answer_from(LATER)(Fetch(batch.url, "batch", {}))
    accounts = json.loads(page.body)
    accounts[0][field] = value
    edited = Page(url=page.url, status=200, headers=dict(page.headers),
                  body=json.dumps(accounts).encode(), fetched_at=LATER)
    assert split(batch, edited) == ([], [target_of(i)])


def test_names_match_without_regard_to_case_and_for_remote_accounts() -> None:
    target = Target(url="https://social.example/@Anna@other.example", platform="mastodon")
    account = {"id": "7", "username": "anna", "acct": "anna@Other.example",
               "url": "https://other.example/@anna"}
    batch = Batch("https://social.example/api/v1/accounts?id[]=7", (("7", target),))
    page = Page(url=batch.url, status=200, headers={"content-type": "application/json"},
                body=json.dumps([account]).encode(), fetched_at=LATER)
    [(found, lookup)] = split(batch, page)[0]
    assert found == target and lookup.url == lookup_url(target.url)
    assert json.loads(lookup.body) == account and lookup.status == 200


def test_more_than_40_accounts_on_a_host_are_split_into_batches() -> None:
    here = [(target_of(i), str(fp._account_id(i))) for i in range(100)]
    there = [(target_of(i, base="https://other.example"), str(fp._account_id(i)))
             for i in range(3)]
    batches = plan([*here[:50], *there, *here[50:]])
    assert [len(b.members) for b in batches] == [40, 40, 20, 3]
    assert BATCH_MAX == 40
    for batch in batches:
        ids = parse_qs(urlsplit(batch.url).query)["id[]"]
        assert ids == [account_id for account_id, _ in batch.members]
        hosts = {urlsplit(t.url).netloc for _, t in batch.members}
        assert hosts == {urlsplit(batch.url).netloc}
    assert [t for b in batches[:3] for _, t in b.members] == [t for t, _ in here]
    # and the fake server (like the auditor) refuses more than 40 ids
    many = "&".join(f"id[]={fp._account_id(i)}" for i in range(41))
    assert fp.route("spread", BASE, "/api/v1/accounts", many, robots=False)[0] == 422
    # each account once, even when listed twice
    assert len(plan([here[0], here[0]])[0].members) == 1


def test_only_api_profiles_with_a_usable_id_are_batched() -> None:
    assert eligible(target_of(5))
    assert eligible(Target(url="https://social.example/users/anna", platform="mastodon"))
    assert not eligible(Target(url="https://peertube.example/c/news", platform="mastodon"))
    assert not eligible(Target(url="https://bsky.app/profile/a.example", platform="bluesky"))
    assert usable_id("109000000000000005") == "109000000000000005"
    assert usable_id(42) == "42"
    for bad in (None, "", "1&id[]=2", "a/b", "x" * 65, True, -1, "١٢"):
        assert usable_id(bad) is None, bad


def test_account_id_of_a_lookup_answer() -> None:
    def page(status: int, body: bytes) -> Page:
        return Page(url="https://s.example/api/v1/accounts/lookup?acct=a", status=status,
                    headers={"content-type": "application/json"}, body=body,
                    fetched_at=LATER)
    assert account_id_of(page(200, b'{"id": "12", "username": "a"}')) == "12"
    assert account_id_of(page(404, b'{"error": "Record not found"}')) is None
    assert account_id_of(page(200, b'{"id": "12"}')) is None
    assert account_id_of(page(200, b'not json')) is None
    assert account_id_of(page(200, b'{"id": "1&x", "username": "a"}')) is None
