"""Rate limits: pacing from the headers servers send (spiders/pacing.py), the crawl's status
file, the progress line, a resumed audit reading rate-limited profiles again, and a run where
nothing could be fetched.

The crawls run through the CLI against tests/ratelimitserver.py on 127.0.0.1: a limit of a
few calls per window of a couple of seconds, fixed windows, a 429 without Retry-After.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError, DNSLookupError

from auditor.crawl import Finished
from auditor.crawlstatus import (
    STATUS_FILE,
    CrawlStatus,
    HostWait,
    nothing_fetched_reason,
    read_status,
    retry_time_text,
    still_to_read,
)
from auditor.messages import known_text
from auditor.progress import progress_printer, wait_text
from spiders.pacing import (
    KEPT_KEY,
    NOT_ASKED,
    RETRY_AT_KEY,
    TAKEN_KEY,
    RateLimitMiddleware,
    begins_profile,
    budget_keys,
    unreachable_kind,
)
from spiders.ratelimits import Budget, RateLimit, read_rate_limit, reset_seconds, server_time
from spiders.retrytime import RetryTimeMiddleware
from tests.faultserver import FAST, closed_port, crawl_log, records_by_url, run_audit, write_config
from tests.ratelimitserver import LimitedServer, serve_limited

NOW = datetime(2026, 11, 30, 21, 30, tzinfo=UTC).timestamp()
#: Loopback answers come at once: a small margin past each reset is enough.
MARGIN = ("-s", "AUDITOR_RATE_LIMIT_MARGIN=0.2")


# -- reading the headers ---------------------------------------------------------------------


@pytest.mark.parametrize("headers, expected", [
    # Mastodon: an ISO 8601 reset (microseconds)
    ({"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299",
      "x-ratelimit-reset": "2026-11-30T21:35:00.000000Z"}, RateLimit(300, 299, 300.0)),
    # X: epoch seconds
    ({"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0",
      "x-rate-limit-reset": str(int(NOW) + 60)}, RateLimit(900, 0, 60.0)),
    # Bluesky: epoch seconds, and the policy's window
    ({"ratelimit-limit": "3000", "ratelimit-remaining": "2999",
      "ratelimit-reset": str(int(NOW) + 240), "ratelimit-policy": "3000;w=300"},
     RateLimit(3000, 2999, 240.0, 300.0)),
    # the IETF draft: seconds from now
    ({"ratelimit-limit": "100", "ratelimit-remaining": "5", "ratelimit-reset": "30"},
     RateLimit(100, 5, 30.0)),
    # the later draft's single field
    ({"ratelimit": '"default";r=7;t=12', "ratelimit-policy": '"default";q=10;w=60'},
     RateLimit(10, 7, 12.0, 60.0)),
    # epoch milliseconds; a reset in the past is now
    ({"x-ratelimit-remaining": "1", "x-ratelimit-reset": str(int(NOW * 1000) + 5000)},
     RateLimit(None, 1, 5.0)),
    ({"x-ratelimit-remaining": "1", "x-ratelimit-reset": "2020-01-01T00:00:00Z"},
     RateLimit(None, 1, 0.0)),
])
def test_rate_limit_headers_of_every_kind(headers: dict[str, str], expected: RateLimit) -> None:
    assert read_rate_limit(headers, now=NOW) == expected


@pytest.mark.parametrize("headers", [
    {}, {"x-ratelimit-limit": "lots"}, {"ratelimit": "nonsense"},
    {"x-ratelimit-remaining": "²"}, {"content-type": "text/html"},
])
def test_no_or_unreadable_rate_limit_headers(headers: dict[str, str]) -> None:
    assert read_rate_limit(headers, now=NOW) is None


def test_unreadable_reset_is_none_but_the_budget_is_kept() -> None:
    said = read_rate_limit({"x-ratelimit-remaining": "3", "x-ratelimit-reset": "soon"}, now=NOW)
    assert said == RateLimit(None, 3, None)
    assert reset_seconds("not a time", now=NOW) is None


def test_server_clock_is_used_only_when_far_off() -> None:
    date = "Mon, 30 Nov 2026 21:30:00 GMT"
    assert server_time({"date": date}, local=NOW + 1.5) == NOW + 1.5  # close: ours
    assert server_time({"date": date}, local=NOW + 60) == NOW  # a minute off: theirs
    assert server_time({"date": "garbage"}, local=NOW) == NOW


def test_paged_mastodon_calls_also_draw_on_the_paged_budget() -> None:
    assert budget_keys(Request("https://m.example/api/v1/accounts/1/statuses?limit=40")) == \
        ("m.example",)
    assert budget_keys(Request("https://M.example/api/v1/accounts/1/statuses?max_id=9")) == \
        ("m.example", "m.example paged")
    assert budget_keys(Request("https://m.example/@a?max_id=9")) == ("m.example",)


def test_a_budget_counts_what_is_on_its_way_and_resets() -> None:
    budget = Budget("m.example")
    budget.in_flight = 2  # two requests sent, not answered
    budget.learn(RateLimit(5, 3, 10.0), now=100.0)
    assert budget.remaining == 1  # the server's 3, less the 2 on their way
    budget.roll_over(105.0)
    assert budget.remaining == 1  # not yet
    budget.roll_over(110.0)
    assert budget.remaining == 3 and budget.reset_at is None  # 5 again, less 2


def test_an_answer_that_overtook_a_later_one_does_not_raise_the_estimate() -> None:
    budget = Budget("m.example")
    budget.learn(RateLimit(5, 0, 10.0), now=100.0)  # the later answer came first
    budget.learn(RateLimit(5, 1, 9.9), now=100.1)  # the earlier one, same window
    assert budget.remaining == 0
    budget.learn(RateLimit(5, 4, 15.0), now=106.0)  # the next window's
    assert budget.remaining == 4 and budget.reset_at == 121.0
    budget.learn(RateLimit(5, 0, 3.0), now=107.0)  # a late answer of the window before
    assert budget.remaining == 4 and budget.reset_at == 121.0


def test_once_nothing_is_on_its_way_the_least_count_said_is_the_servers() -> None:
    # 10 left, 3 calls sent; the server counted all three before it answered the first
    # (7 left), then answered the other two (9, 8). Less what is on its way, the estimate
    # undercounts (7 - 2 = 5, and within a window it never rises); once the last answer is
    # in, the least count said, 7, is what the server has left.
    budget = Budget("m.example")
    budget.learn(RateLimit(300, 10, 10.0), now=100.0)
    budget.remaining, budget.in_flight = 7, 3
    estimates = []
    for said in (7, 9, 8):
        budget.in_flight -= 1
        budget.learn(RateLimit(300, said, 9.0), now=101.0)
        estimates.append(budget.remaining)
    assert estimates == [5, 5, 7]
    budget.roll_over(111.0)
    assert budget.least_said is None and budget.remaining == 300


def test_an_answer_not_read_yet_is_still_on_its_way() -> None:
    # 10 left, 2 calls sent (8 left); the server counts both (9, then 8 left) and both
    # leave Scrapy's downloader, which gives their units back, before the first answer is
    # read here. Nothing is in flight then, but the second answer is not read: the first's
    # 9 is not what the server has left, and a call made on it would be one too many.
    middleware = _middleware(**{"m.example": (10, 0, 25.0)})
    budget = middleware.budgets["m.example"]
    budget.least_said = 10
    reset = datetime.fromtimestamp(time.time() + 25, UTC).isoformat().replace("+00:00", "Z")
    sent = []
    for n in range(2):
        request = Request(f"https://m.example/api/v1/accounts/lookup?acct=u{n}")
        middleware._take(request, ("m.example",), "m.example /api")
        sent.append(request)
    assert budget.remaining == 8
    for request in sent:
        middleware.request_left_downloader(request)
    assert budget.in_flight == 0
    estimates = []
    for request, said in zip(sent, ("9", "8"), strict=True):
        middleware.process_response(request, Response(
            request.url, status=200, request=request,
            headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": said,
                     "X-RateLimit-Reset": reset}))
        estimates.append(budget.remaining)
    assert estimates == [8, 8]
    assert budget.unread == 0


def test_a_wait_for_a_budget_that_turns_out_unspent_ends_at_once() -> None:
    # The paging budget's estimate is spent and its reset a minute away; the last answer on
    # its way shows 2 calls left: the paged call waiting for the reset goes now.
    middleware = _middleware(**{"m.example": (100, 0, 20.0), "m.example_paged": (0, 1, 60.0)})
    paged = middleware.budgets["m.example paged"]
    paged.least_said = 5
    reset = datetime.fromtimestamp(time.time() + 60, UTC).isoformat().replace("+00:00", "Z")

    async def scenario() -> tuple[bool, bool]:
        waiting = asyncio.ensure_future(middleware.process_request(
            Request(NEXT_PAGE, meta={"depth": 2})))
        await asyncio.sleep(0.1)
        waited = not waiting.done()
        answered = Request(NEXT_PAGE, meta={TAKEN_KEY: ("m.example", "m.example paged")})
        middleware.process_response(answered, Response(
            NEXT_PAGE, status=200, request=answered,
            headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "2",
                     "X-RateLimit-Reset": reset}))
        gone = await _gone_within(waiting, 0.1)
        return waited, gone

    assert asyncio.run(scenario()) == (True, True)
    assert paged.remaining == 1 and paged.in_flight == 1


# -- the order requests go in when budgets run short ------------------------------------------


def _middleware(**budgets: tuple[int, int, float | None]) -> RateLimitMiddleware:
    """A pacing middleware whose budgets (key -> remaining, in flight, reset in seconds) are
    known, for m.example's API (whose answers carry rate-limit headers)."""
    middleware = RateLimitMiddleware(get_crawler(settings_dict={
        "AUDITOR_RATE_LIMIT_MARGIN": 0.0}))
    middleware.sections["m.example /api"] = True
    middleware._wake_engine = lambda: None  # type: ignore[method-assign]  # no engine here
    for key, (remaining, in_flight, reset_in) in budgets.items():
        budget = middleware.budgets[key.replace("_", " ")] = Budget(key.replace("_", " "))
        budget.limit, budget.remaining, budget.in_flight = 300, remaining, in_flight
        budget.kept = in_flight  # lookups on their way: each keeps one for its statuses
        budget.confirmed = True
        budget.reset_at = None if reset_in is None else time.monotonic() + reset_in
    return middleware


#: Mastodon's paging budget beside the API's, open: units are kept for the profiles begun
#: only on a host with two budgets.
PAGING = {"m.example_paged": (300, 0, 80.0)}
LOOKUP = "https://m.example/api/v1/accounts/lookup?acct=a"
PAGE = "https://m.example/api/v1/accounts/1/statuses?limit=40"
NEXT_PAGE = "https://m.example/api/v1/accounts/1/statuses?limit=40&max_id=9"


async def _gone_within(coroutine: Any, seconds: float) -> bool:
    """Whether ``coroutine`` (a process_request) let its request go within ``seconds``."""
    task = asyncio.ensure_future(coroutine)
    await asyncio.sleep(seconds)
    done = task.done()
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    return done


def test_a_request_for_an_open_budget_does_not_wait_behind_a_spent_one() -> None:
    # Mastodon's paging budget spent for a minute, the API's open: a profile's next page
    # waits, its first page and another profile's lookup go at once, in any order.
    middleware = _middleware(**{"m.example": (100, 0, 20.0), "m.example_paged": (0, 0, 60.0)})

    async def scenario() -> tuple[bool, bool, bool]:
        paged = asyncio.ensure_future(middleware.process_request(
            Request(NEXT_PAGE, meta={"depth": 2})))
        await asyncio.sleep(0.05)
        lookup = await _gone_within(middleware.process_request(Request(LOOKUP)), 0.2)
        page = await _gone_within(middleware.process_request(
            Request(PAGE, meta={"depth": 1})), 0.2)
        waiting = not paged.done()
        paged.cancel()
        with suppress(asyncio.CancelledError):
            await paged
        return lookup, page, waiting

    assert asyncio.run(scenario()) == (True, True, True)
    assert middleware.budgets["m.example"].in_flight == 2


def test_a_profile_begun_goes_on_before_new_profiles_take_what_is_left() -> None:
    # 2 calls left in the window and 2 lookups on their way: those units are kept for the
    # calls the answers lead to (a profile's statuses), so a new profile's lookup waits
    # while a profile's statuses go; once the answers came back without asking for more,
    # the lookup takes what is left, without waiting for the reset.
    middleware = _middleware(**{"m.example": (2, 2, 25.0), **PAGING})

    async def scenario() -> tuple[bool, bool, bool, bool]:
        lookup = asyncio.ensure_future(middleware.process_request(Request(LOOKUP)))
        page = await _gone_within(middleware.process_request(
            Request(PAGE, meta={"depth": 1})), 0.2)
        held = not lookup.done()
        for n in range(2):  # the 2 lookups on their way: profiles not found
            answered = Request(f"https://m.example/api/v1/accounts/lookup?acct=z{n}",
                               meta={TAKEN_KEY: ("m.example",), KEPT_KEY: 1})
            middleware.process_response(answered, Response(answered.url, status=404,
                                                           request=answered))
            await asyncio.sleep(0.05)
            if n == 0:
                still_held = not lookup.done()  # 1 left, 1 lookup on its way: kept for it
        await asyncio.sleep(0.2)
        return page, held, still_held, lookup.done()

    assert asyncio.run(scenario()) == (True, True, True, True)
    assert middleware.budgets["m.example"].remaining == 0


def test_with_one_budget_nothing_is_kept_for_the_profiles_begun() -> None:
    # The same 2 calls left and 2 lookups on their way, on a host with one budget
    # (Bluesky's): the order of the same calls spends it alike, so a new profile's lookup
    # goes at once; units kept there were left unspent at each window's end.
    middleware = _middleware(**{"m.example": (2, 2, 25.0)})

    async def scenario() -> bool:
        return await _gone_within(middleware.process_request(Request(LOOKUP)), 0.1)

    assert asyncio.run(scenario())
    assert middleware.budgets["m.example"].remaining == 1


def test_deeper_requests_waiting_for_the_budget_go_first() -> None:
    # One call left and a profile's next page waiting for it (its paging budget open): a
    # first statuses page and a lookup leave it to that page; another next page may go.
    middleware = _middleware(**{"m.example": (1, 0, 25.0), "m.example_paged": (50, 0, 80.0)})
    host = middleware.budgets["m.example"]
    host.ahead[2] = 1

    async def scenario() -> tuple[bool, bool, bool]:
        page = asyncio.ensure_future(middleware.process_request(
            Request(PAGE, meta={"depth": 1})))
        await asyncio.sleep(0.1)
        held = not page.done()
        host.ahead[2] = 0  # the page waiting went its own way (its other budget closed)
        middleware._release("m.example")
        await asyncio.sleep(0.1)
        return held, page.done(), await _gone_within(middleware.process_request(
            Request(NEXT_PAGE, meta={"depth": 2})), 0.1)

    # the page goes once nothing deeper waits; the next page then finds the budget spent
    assert asyncio.run(scenario()) == (True, True, False)
    assert host.claimed(1, begins=False) == 0 and host.claimed(0, begins=True) == host.kept


#: Bluesky's API: one budget for every call.
PROFILE = "https://b.example/xrpc/app.bsky.actor.getProfile?actor=a.example"
FEED = "https://b.example/xrpc/app.bsky.feed.getAuthorFeed?actor=a.example&limit=100"


def test_with_one_budget_profiles_not_begun_go_first() -> None:
    # One call left on a host with one budget, and a new profile's first call waiting for
    # it: a profile's next page leaves it to that call (what the new profile will cost is
    # learnt from its answer; the pages can go in the next window alike), and a new
    # profile's call goes even while a page waits. On Mastodon it is the other way round
    # (test_deeper_requests_waiting_for_the_budget_go_first).
    middleware = _middleware(**{"b.example": (1, 0, 25.0)})
    middleware.sections["b.example /xrpc"] = True
    host = middleware.budgets["b.example"]
    host.ahead[0] = 1

    async def scenario() -> tuple[bool, bool, bool]:
        page = asyncio.ensure_future(middleware.process_request(
            Request(FEED, meta={"depth": 1})))
        await asyncio.sleep(0.1)
        held = not page.done()
        host.ahead[0] = 0  # the new profile's call went its own way
        middleware._release("b.example")
        await asyncio.sleep(0.1)
        gone = page.done()
        host.remaining, host.ahead[1] = 1, 1  # now a page waits: a first call still goes
        first = await _gone_within(middleware.process_request(Request(PROFILE)), 0.1)
        return held, gone, first

    assert asyncio.run(scenario()) == (True, True, True)


def test_a_window_with_time_to_spare_begins_profiles_first() -> None:
    # 100 calls left, the window's 200 calls so far at 0.025 s each (5 s) and 5 s to its
    # reset: time to spare, new profiles go first. 2.5 s later (0.0375 s a call so far,
    # held back meanwhile) the 100 left take longer than the window has: none to spare,
    # the profiles begun go first, their costs known.
    budget = Budget("b.example")
    budget.remaining, budget.reset_at, budget.kept = 100, 110.0, 4
    budget.window_began, budget.taken = 100.0, 200
    assert budget.spare(105.0)
    assert not budget.spare(107.5)
    budget.ahead = {0: 3, 1: 2}
    assert budget.claimed(1, begins=False, shallower_first=True) == 3
    assert budget.claimed(0, begins=False, shallower_first=True) == 0
    assert budget.claimed(0, begins=False) == 2
    assert budget.claimed(0, begins=True) == 2 + 4
    # a window not judged yet (fewer than 20 calls) has time to spare
    budget.taken = 10
    assert budget.spare(109.9)

    middleware = _middleware(**{"b.example": (1, 0, 1.0)})
    middleware.sections["b.example /xrpc"] = True
    host = middleware.budgets["b.example"]
    host.window_began, host.taken = time.monotonic() - 10.0, 100  # 0.1 s a call so far
    host.ahead[0] = 1  # a new profile's first call waits, but there is no time to spare

    async def scenario() -> bool:
        return await _gone_within(middleware.process_request(
            Request(FEED, meta={"depth": 1})), 0.1)

    assert asyncio.run(scenario())


def test_a_paging_budget_the_audit_cannot_run_out_of_leaves_one_budget() -> None:
    # 150 Mastodon profiles planned on m.example, three statuses pages at most (two with
    # max_id): at most 300 paged calls, what the paging window allows. Then the host's one
    # budget binds, and it is paced as Bluesky's: a new profile's lookup goes before a page
    # waiting for the last unit, nothing kept. With 151 the paging budget may run out:
    # the page goes first.
    middleware = _middleware(**{"m.example": (1, 0, 25.0), **PAGING})
    host = middleware.budgets["m.example"]
    host.deepest = 3

    async def lookup_goes() -> bool:
        host.remaining, host.ahead[1] = 1, 1  # a profile's first statuses page waits
        return await _gone_within(middleware.process_request(Request(LOOKUP)), 0.1)

    middleware.planned["m.example"] = 151
    assert middleware.paging_binds("m.example")
    assert not asyncio.run(lookup_goes())
    middleware.planned["m.example"] = 150
    assert not middleware.paging_binds("m.example")
    assert asyncio.run(lookup_goes())

    # the paged calls made count with those the profiles may still make: a's page asked
    # twice (the server counts both) leaves a nothing more to page, once its record is out
    target = type("Target", (), {"url": "https://m.example/@a"})()
    state = type("State", (), {"target": target})()
    for _ in range(2):
        middleware._take(Request(NEXT_PAGE, meta={"depth": 2, "auditor_state": state}),
                         ("m.example", "m.example paged"), "m.example /api")
    assert middleware.paged_taken["m.example"] == 2
    assert not middleware.paging_binds("m.example")  # 2 made, 2 * 149 + 0 for a to come
    middleware._take(Request(NEXT_PAGE, meta={"depth": 2, "auditor_state": state}),
                     ("m.example", "m.example paged"), "m.example /api")
    assert middleware.paging_binds("m.example")  # 3 made: 301 in all
    middleware.profile_done({"url": "https://m.example/@someone-else"})
    middleware.profile_done({"url": target.url})
    assert middleware.finished["m.example"] == 2 and not middleware.paged_open["m.example"]
    assert not middleware.paging_binds("m.example")  # 3 made, 148 * 2 to come
    # no plan (another spider): the paging budget may always bind
    assert RateLimitMiddleware(get_crawler()).paging_binds("m.example")


@pytest.mark.parametrize("budgets, first, then", [
    # Mastodon: a profile's next page before a new profile's lookup
    ({"m.example": (0, 0, 0.6), **PAGING}, NEXT_PAGE, LOOKUP),
    # one budget: a new profile's first call before a profile's next page
    ({"b.example": (0, 0, 0.6)}, PROFILE, FEED),
])
def test_at_a_reset_the_waiting_requests_come_back_by_rank(
        budgets: dict[str, tuple[int, int, float]], first: str, then: str) -> None:
    middleware = _middleware(**budgets)
    middleware.sections["b.example /xrpc"] = True
    host = middleware.budgets[next(iter(budgets))]
    gone: list[str] = []
    depth = {LOOKUP: 0, NEXT_PAGE: 2, PROFILE: 0, FEED: 2}

    async def ask(url: str) -> None:
        await middleware.process_request(Request(url, meta={"depth": depth[url]}))
        gone.append(url)

    async def scenario() -> list[str]:
        # the one to come back last asks first
        later = asyncio.ensure_future(ask(then))
        sooner = asyncio.ensure_future(ask(first))
        await asyncio.sleep(1.0)
        # past the reset the first to come back went; the other waits for its answer to
        # confirm the new window (one at a time until then)
        after_reset = list(gone)
        host.confirmed = True
        await asyncio.wait_for(asyncio.gather(later, sooner), 5)
        return after_reset

    assert asyncio.run(scenario()) == [first]
    assert gone == [first, then]


def test_paged_answers_keep_the_hosts_budget_going_when_no_other_call_is_left() -> None:
    # After the host's reset only pages with max_id are left: their answers show the paging
    # budget (the tighter); the host's budget, not told its own reset, takes at least that
    # and stays confirmed, instead of going down to 0 and sending one call at a time.
    middleware = _middleware(**{"m.example": (0, 1, None), "m.example_paged": (200, 1, 80.0)})
    host = middleware.budgets["m.example"]
    host.confirmed = False
    answered = Request(NEXT_PAGE, meta={TAKEN_KEY: ("m.example", "m.example paged")})
    reset = datetime.fromtimestamp(time.time() + 80, UTC).isoformat().replace("+00:00", "Z")
    middleware.process_response(answered, Response(NEXT_PAGE, status=200, request=answered,
                                                   headers={"X-RateLimit-Limit": "300",
                                                            "X-RateLimit-Remaining": "199",
                                                            "X-RateLimit-Reset": reset}))
    assert host.confirmed and host.remaining == 199
    assert middleware.budgets["m.example paged"].remaining == 199


def test_what_a_profile_kept_passes_to_its_next_request() -> None:
    # A lookup keeps units for its profile's next calls; once answered they stay kept for
    # the statuses request the spider makes from the answer, however long it takes to come
    # (another profile's lookup waits), which takes them over; a profile that asks nothing
    # more frees them when its record is out.
    middleware = _middleware(**{"m.example": (2, 0, 25.0), **PAGING})
    host = middleware.budgets["m.example"]
    host.deepest = 1
    target = type("Target", (), {"url": "https://m.example/@a"})()
    state = type("State", (), {"target": target})()

    async def scenario() -> tuple[int, bool, int, bool]:
        first = Request(LOOKUP, meta={"auditor_state": state})
        await middleware.process_request(first)  # takes 1, keeps 1: 1 left, 1 kept
        middleware.process_response(first, Response(LOOKUP, status=200, request=first))
        kept_after_answer = host.kept
        other = asyncio.ensure_future(middleware.process_request(
            Request("https://m.example/api/v1/accounts/lookup?acct=b")))
        await asyncio.sleep(0.1)
        other_held = not other.done()
        await middleware.process_request(Request(PAGE, meta={"depth": 1,
                                                             "auditor_state": state}))
        kept_after_page = host.kept
        await asyncio.sleep(0.6)  # the page's answer never comes: the other stays held
        other_done = other.done()
        other.cancel()
        with suppress(asyncio.CancelledError):
            await other
        return kept_after_answer, other_held, kept_after_page, other_done

    assert asyncio.run(scenario()) == (1, True, 0, False)
    assert host.remaining == 0

    # a profile not found asks nothing more: what it kept is freed when its record is out,
    # not before (another profile's record does not free it)
    host.remaining, host.kept = 2, 0

    async def ended() -> tuple[bool, bool, bool]:
        first = Request(LOOKUP, meta={"auditor_state": state})
        await middleware.process_request(first)
        middleware.process_response(first, Response(LOOKUP, status=404, request=first))
        other = asyncio.ensure_future(middleware.process_request(
            Request("https://m.example/api/v1/accounts/lookup?acct=b")))
        await asyncio.sleep(0.6)
        held = not other.done()
        middleware.profile_done({"url": "https://m.example/@someone-else"})
        await asyncio.sleep(0.1)
        still_held = not other.done()
        middleware.profile_done({"url": target.url, "outcome": "not_found"})
        await asyncio.sleep(0.1)
        return held, still_held, other.done()

    assert asyncio.run(ended()) == (True, True, True)


def test_the_first_lookups_keep_what_their_profiles_pages_may_need() -> None:
    # A run that begins late in a short window: 8 calls left and no profile has got past its
    # lookup yet. Each lookup keeps what its profile may still ask (max_pages 3: the first
    # statuses page and two more), known from the audit, not learnt as profiles get there:
    # 2 profiles begin and can finish in the window; a third lookup waits for the next.
    # (Learnt, the first lookups kept 1 each: 4 profiles began, and their pages with max_id
    # waited a whole paging window.)
    middleware = _middleware(**{"m.example": (8, 0, 25.0), **PAGING})
    host = middleware.budgets["m.example"]
    host.kept = 0
    options = type("Options", (), {"max_pages": 3})()

    def lookup(name: str) -> Request:
        target = type("Target", (), {"url": f"https://m.example/@{name}"})()
        state = type("State", (), {"target": target, "options": options})()
        return Request(f"https://m.example/api/v1/accounts/lookup?acct={name}",
                       meta={"auditor_state": state})

    async def scenario() -> list[bool]:
        return [await _gone_within(middleware.process_request(lookup(name)), 0.1)
                for name in "abc"]

    assert asyncio.run(scenario()) == [True, True, False]
    assert (host.deepest, host.kept, host.remaining) == (3, 6, 6)


def test_new_profiles_wait_while_the_hosts_slot_has_enough_to_do() -> None:
    # Budget to spare, but as many of the host's requests on their way as its download slot
    # should queue: a new profile's lookup waits here (past the slot's concurrency it would
    # only queue there, first come first served, and fill Scrapy's downloader so that the
    # spider's next requests of profiles begun could not reach this middleware), while a
    # profile's next page goes; an answer lets the lookup go.
    middleware = _middleware(**{"m.example": (200, 0, 25.0)})
    host = middleware.budgets["m.example"]
    host.in_flight = middleware.queued_at_most
    host.kept = 0

    async def scenario() -> tuple[bool, bool, bool]:
        lookup = asyncio.ensure_future(middleware.process_request(Request(LOOKUP)))
        page = await _gone_within(middleware.process_request(
            Request(PAGE, meta={"depth": 1})), 0.1)
        held = not lookup.done()
        host.in_flight -= 2  # the page and one more request answered
        answered = Request("https://m.example/api/v1/accounts/lookup?acct=z",
                           meta={TAKEN_KEY: ("m.example",)})
        host.in_flight += 1
        middleware.process_response(answered, Response(answered.url, status=200,
                                                       request=answered))
        await asyncio.sleep(0.1)
        return page, held, lookup.done()

    assert middleware.queued_at_most == 4 * 8  # CONCURRENT_REQUESTS_PER_DOMAIN's default
    assert asyncio.run(scenario()) == (True, True, True)


def test_held_requests_sleep_until_something_changes() -> None:
    # 50 lookups held back (what is left is kept for the profiles on their way): each looks
    # once, then sleeps until a unit comes back. (A request that woke another at every look
    # kept the whole crowd awake: a core's worth of CPU, and the parsers starved of it.)
    middleware = _middleware(**{"m.example": (10, 0, 25.0), **PAGING})
    host = middleware.budgets["m.example"]
    host.kept = 10
    looks = 0
    verdict = middleware._verdict

    def counted(*args: Any, **kwargs: Any) -> tuple[float, bool, bool]:
        nonlocal looks
        looks += 1
        return verdict(*args, **kwargs)

    middleware._verdict = counted  # type: ignore[method-assign]

    async def scenario() -> tuple[int, int, int]:
        held = [asyncio.ensure_future(middleware.process_request(
            Request(f"https://m.example/api/v1/accounts/lookup?acct=h{n}")))
            for n in range(50)]
        await asyncio.sleep(0.5)
        quiet = looks
        host.kept = 8  # a profile asked nothing more: 2 units free, for one lookup (it
        # keeps one for its profile's statuses)
        middleware._release("m.example")
        await asyncio.sleep(0.2)
        gone = sum(task.done() for task in held)
        for task in held:
            task.cancel()
        await asyncio.gather(*held, return_exceptions=True)
        return quiet, gone, host.ahead.get(0, 0)

    quiet, gone, ahead = asyncio.run(scenario())
    assert quiet == 50 and gone == 1 and ahead == 0
    assert looks < 60


def test_a_profile_waiting_for_the_paging_budget_keeps_nothing_meanwhile() -> None:
    # 2 calls left in the API's window, both kept for a profile's next page; that page
    # then waits a minute for the paging budget: the units are no use to it before then, so
    # another profile's lookup, held for them, goes now. (Kept through the paging wait, a
    # 1,000-profile run left a third of some API windows unspent and did its lookups in the
    # last paging window instead, 1.11x the bound.)
    middleware = _middleware(**{"m.example": (2, 0, 25.0), "m.example_paged": (0, 0, 60.0)})
    host = middleware.budgets["m.example"]
    target = type("Target", (), {"url": "https://m.example/@a"})()
    state = type("State", (), {"target": target})()
    host.kept = 2
    middleware.passed_on[("m.example", target.url)] = 2

    async def scenario() -> tuple[bool, bool, bool]:
        lookup = asyncio.ensure_future(middleware.process_request(Request(LOOKUP)))
        await asyncio.sleep(0.1)
        held = not lookup.done()
        page = asyncio.ensure_future(middleware.process_request(
            Request(NEXT_PAGE, meta={"depth": 2, "auditor_state": state})))
        await asyncio.sleep(0.1)
        waiting = not page.done()
        page.cancel()
        with suppress(asyncio.CancelledError):
            await page
        return held, waiting, lookup.done()

    assert asyncio.run(scenario()) == (True, True, True)
    assert host.remaining == 1 and not middleware.passed_on


def test_a_late_expiry_leaves_what_the_profiles_next_request_kept() -> None:
    # A lookup's units expire 30 s after its answer unless its profile's next request took
    # them over. Taken over, and that request's own answer keeping 2 for the next page, the
    # lookup's timer must not free those 2.
    middleware = _middleware(**{"m.example": (100, 0, 25.0), **PAGING})
    host = middleware.budgets["m.example"]
    host.kept = 0
    target = type("Target", (), {"url": "https://m.example/@a"})()
    state = type("State", (), {"target": target, "options": type("O", (), {"max_pages": 3})})()

    async def scenario() -> None:
        lookup = Request(LOOKUP, meta={"auditor_state": state})
        await middleware.process_request(lookup)  # keeps 3
        middleware.process_response(lookup, Response(LOOKUP, status=200, request=lookup))
        page = Request(PAGE, meta={"depth": 1, "auditor_state": state})
        await middleware.process_request(page)  # takes the 3 over, keeps 2
        middleware.process_response(page, Response(PAGE, status=200, request=page))

    asyncio.run(scenario())
    assert host.kept == 2 and middleware.passed_on[("m.example", target.url)] == 2
    now = middleware.handovers[("m.example", target.url)]
    middleware._expire("m.example", target.url, 3, now - 1)  # the lookup's timer, 30 s on
    assert host.kept == 2
    middleware._expire("m.example", target.url, 2, now)  # the page's own timer
    assert host.kept == 0 and not middleware.passed_on


def test_only_a_profiles_first_request_is_held_back() -> None:
    assert begins_profile(Request(LOOKUP))
    assert begins_profile(Request(LOOKUP, meta={"depth": 0}))
    assert not begins_profile(Request(PAGE, meta={"depth": 1}))


@pytest.mark.parametrize("exception, kind", [
    (DNSLookupError("no such host"), "dns"),
    (ConnectionRefusedError(), "connection"),
    (ValueError("SSL routines: certificate verify failed"), "tls"),
    (ValueError("something else"), None),
])
def test_unreachable_kinds(exception: Exception, kind: str | None) -> None:
    assert unreachable_kind(exception) == kind


# -- the record says when to try again ----------------------------------------------------


def _answered(url: str, *, flags: list[str] | None = None, at: float | None = NOW) -> Response:
    state = type("State", (), {"target": type("Target", (), {"url": "https://m.example/@a"})})
    request = Request(url, meta={"auditor_state": state(),
                                 **({RETRY_AT_KEY: at} if at is not None else {})})
    return Response(url, status=429, request=request, flags=flags or [])


def test_a_given_up_profile_says_when_its_host_takes_requests_again() -> None:
    middleware = RetryTimeMiddleware()
    item = {"url": "https://m.example/@a", "outcome": "rate_limited",
            "outcome_detail": "HTTP 429: rate limited"}
    out = list(middleware.process_spider_output(
        _answered("https://m.example/api/v1/accounts/lookup?acct=a"), [item, {"x": 1}]))
    assert out[0]["outcome_detail"] == ("HTTP 429: rate limited: try again from 2026-11-30 "
                                        "21:30 UTC, when m.example allows more requests")
    assert out[1] == {"x": 1}
    message = known_text(out[0]["outcome_detail"])  # a message, so it is translated
    assert message is not None
    assert "detail.rate_limit_until" in json.dumps(message.to_dict())
    assert str(message) == out[0]["outcome_detail"]


def test_a_request_never_sent_does_not_claim_an_http_429() -> None:
    middleware = RetryTimeMiddleware()
    item = {"url": "https://m.example/@a", "outcome": "rate_limited",
            "outcome_detail": "HTTP 429: rate limited"}
    out = list(middleware.process_spider_output(
        _answered("https://m.example/api/x", flags=[NOT_ASKED], at=NOW + 61), [item]))
    assert out[0]["outcome_detail"] == ("rate limited: try again from 2026-11-30 21:32 UTC, "
                                        "when m.example allows more requests")


def test_other_records_are_left_alone() -> None:
    middleware = RetryTimeMiddleware()
    item = {"url": "https://m.example/@a", "outcome": "ok", "outcome_detail": None}
    assert list(middleware.process_spider_output(_answered("https://m.example/x"),
                                                 [item])) == [item]
    limited = {"url": "https://m.example/@b", "outcome": "rate_limited",
               "outcome_detail": "HTTP 429: rate limited"}
    assert list(middleware.process_spider_output(_answered("https://m.example/x", at=None),
                                                 [limited])) == [limited]


def test_retry_time_rounds_up_to_the_minute() -> None:
    assert retry_time_text(NOW) == "2026-11-30 21:30 UTC"
    assert retry_time_text(NOW + 1) == "2026-11-30 21:31 UTC"


def test_resume_reads_again_what_was_last_rate_limited() -> None:
    pairs = [("a", "rate_limited"), ("b", "ok"), ("c", "rate_limited"), ("a", "ok"),
             ("d", "error")]
    assert still_to_read(pairs) == {"c"}


# -- the status file and the progress line -------------------------------------------------


def _status(path: Path, **data: Any) -> None:
    base = {"written_at": NOW, "in_flight": [], "waiting": [], "given_up": [],
            "responses": 0, "unreachable": {}, "final": False}
    path.write_text(json.dumps({**base, **data}), encoding="utf-8")


def test_status_file_is_read_and_tolerates_garbage(tmp_path: Path) -> None:
    path = tmp_path / STATUS_FILE
    assert read_status(path) is None
    _status(path, in_flight=["a", "b"], waiting=[{"host": "m.example", "until": NOW + 180,
                                                  "requests": 4}, {"host": 3}],
            unreachable={"dns": 2, "x": "y"})
    status = read_status(path)
    assert status == CrawlStatus(written_at=NOW, in_flight=2,
                                 waiting=(HostWait("m.example", NOW + 180, 4),),
                                 unreachable={"dns": 2})
    assert status.nothing_fetched
    path.write_text("[1, 2", encoding="utf-8")
    assert read_status(path) is None


def test_nothing_fetched_needs_failures_and_no_answer() -> None:
    assert not CrawlStatus().nothing_fetched
    assert not CrawlStatus(responses=1, unreachable={"dns": 5}).nothing_fetched
    assert not CrawlStatus(unreachable={"timeout": 3}).nothing_fetched  # a server that hangs
    status = CrawlStatus(unreachable={"dns": 5, "connection": 1})
    assert nothing_fetched_reason(status) == (
        "every request failed before any answer: 5 host names could not be looked up (DNS), "
        "1 connections were refused")


def test_wait_text() -> None:
    waits = (HostWait("mastodon.social", NOW + 170, 12), HostWait("b.example", NOW + 5, 1))
    assert wait_text(waits, now=NOW) == ("waiting 3 min for mastodon.social's rate limit "
                                         "(and 1 other host')")
    assert wait_text(waits[1:], now=NOW) == "waiting 5 s for b.example's rate limit"
    assert wait_text((), now=NOW) == ""


def test_progress_shows_profiles_in_flight_and_the_wait(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / STATUS_FILE
    clock = [NOW]
    show = progress_printer(["u1", "u2", "u3"], path, clock=lambda: clock[0])
    _status(path, in_flight=["u2", "u3"],
            waiting=[{"host": "mastodon.social", "until": NOW + 180, "requests": 2}])
    show([Finished("u1", "ok")])
    show([])  # the same wait: no new line
    clock[0] += 61  # a quiet minute: a line all the same
    show([])
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "  1/3 profiles done, 2 in flight; waiting 3 min for mastodon.social's rate limit",
        "  1/3 profiles done, 2 in flight; waiting 2 min for mastodon.social's rate limit",
    ]


def test_progress_on_a_terminal_follows_the_status(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    path = tmp_path / STATUS_FILE
    show = progress_printer(["u1"], path, clock=lambda: NOW)
    _status(path, in_flight=["u1"])
    show([])
    show([])
    show([Finished("u1", "ok")])
    assert screen.getvalue() == ("\r\033[K  0/1 profiles done, 1 in flight"
                                 "\r\033[K  1/1 profiles done\n")


# -- real crawls against a limited server ----------------------------------------------------


def _outcomes(out: Path) -> dict[str, str]:
    return {url.rsplit("@", 1)[1]: record["outcome"]
            for url, record in records_by_url(out).items()}


@pytest.mark.parametrize("style", ["mastodon", "bluesky", "ietf"])
def test_no_profile_is_lost_and_the_budget_is_never_overspent(tmp_path: Path,
                                                              style: str) -> None:
    # 8 profiles, 16 API calls, 5 allowed per 2 s window: at least three resets waited out
    with serve_limited(style, limit=5, window=2.0) as server:
        handles = [f"p{n}" for n in range(8)]
        config = write_config(tmp_path / "a.toml", [server.profile(h) for h in handles])
        run = run_audit(config, tmp_path / "out", *FAST, *MARGIN)
        served, refused = server.served_per_window(), server.refused_per_window()
        api = [asked for asked in server.asked if asked.path.startswith("/api/")]
    assert run.returncode == 0, run.stderr + crawl_log(tmp_path / "out")
    assert _outcomes(tmp_path / "out") == dict.fromkeys(handles, "ok")
    assert sum(asked.status == 200 for asked in api) == 16  # (avatars count too, but IETF)
    assert max(served.values()) <= 5
    assert all(count <= 1 for count in refused.values()), refused
    assert len(served) >= 4  # the calls were spread over the windows, not refused
    assert "waiting" in crawl_log(tmp_path / "out") and "rate limit" in crawl_log(
        tmp_path / "out")


def test_a_host_waiting_for_its_limit_does_not_hold_up_the_others(tmp_path: Path) -> None:
    # Two requests at a time in all (CONCURRENT_REQUESTS=2): the limited host's waiting
    # requests must not take those two places, or the other host would wait with it.
    with serve_limited("mastodon", limit=2, window=8.0) as limited, \
            serve_limited("mastodon", limit=1000, window=8.0, host="127.0.0.2") as free:
        slow = [limited.profile(f"a{n}") for n in range(3)]
        fast = [free.profile(f"b{n}") for n in range(6)]
        config = write_config(tmp_path / "a.toml", [*slow, *fast])
        run = run_audit(config, tmp_path / "out", *FAST, *MARGIN,
                        "-s", "CONCURRENT_REQUESTS=2")
        reset = limited.started + 8.0
    assert run.returncode == 0, run.stderr + crawl_log(tmp_path / "out")
    assert set(_outcomes(tmp_path / "out").values()) == {"ok"}
    assert len(free.asked) == 12 and all(asked.at < reset for asked in free.asked)
    assert any(asked.at > reset for asked in limited.asked)  # it did wait


def _spend(server: LimitedServer, calls: int) -> None:
    """Another client on the same address spends the budget."""
    for _ in range(calls):
        with suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{server.origin}/api/v1/instance", timeout=5).read()


def test_a_429_without_retry_after_waits_for_the_reset_its_headers_name(
        tmp_path: Path) -> None:
    with serve_limited("mastodon", limit=4, window=3.0) as server:
        config = write_config(tmp_path / "a.toml", [server.profile("late")])
        _spend(server, 4)  # the crawl's first call is refused: 429, no Retry-After
        run = run_audit(config, tmp_path / "out", *FAST, *MARGIN)
        lookups = server.lookups("late")
    assert run.returncode == 0, run.stderr + crawl_log(tmp_path / "out")
    assert _outcomes(tmp_path / "out") == {"late": "ok"}
    assert [asked.status for asked in lookups] == [429, 200]
    assert server.window_of(lookups[1].at) == server.window_of(lookups[0].at) + 1
    assert "without Retry-After: asking again after" in crawl_log(tmp_path / "out")


def test_a_wait_past_the_maximum_leaves_rate_limited_and_resume_reads_them(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    with serve_limited("mastodon", limit=3, window=20.0) as server:
        handles = ["a", "b"]
        config = write_config(tmp_path / "a.toml", [server.profile(h) for h in handles])
        run = run_audit(config, out, *FAST, *MARGIN, "-s", "AUDITOR_RATE_LIMIT_MAX_WAIT=2")
        first = dict(server.served_per_window())
        outcomes = _outcomes(out)
        assert run.returncode == 0, run.stderr + crawl_log(out)
        # 4 calls, 3 allowed in the window: the wait for the 4th is over 10 s, past the 2 s
        # allowed, so it is not made
        assert sum(first.values()) == 3 and not server.refused_per_window()
        limited = [h for h, outcome in outcomes.items() if outcome == "rate_limited"]
        assert len(limited) == 1 and set(outcomes.values()) == {"ok", "rate_limited"}
        detail = records_by_url(out)[server.profile(limited[0])]["outcome_detail"]
        assert "rate limited: try again from " in detail and "HTTP 429" not in detail
        assert detail.endswith(" UTC, when 127.0.0.1 allows more requests")
        assert re.search(r"\d request\(s\) to 127\.0\.0\.1 were not made", run.stderr)
        assert "--resume" in run.stderr
        status = read_status(out / STATUS_FILE)
        assert status is not None and status.final and status.given_up
        time.sleep(server.next_window_in() + 0.3)
        before = len(server.asked)
        resumed = run_audit(config, out, *FAST, *MARGIN, "--resume")
        again = {asked.path for asked in server.asked[before:]}
    assert resumed.returncode == 0, resumed.stderr + crawl_log(out)
    assert "1 of 2 profile(s) already done, 1 to crawl" in resumed.stderr
    assert _outcomes(out) == dict.fromkeys(handles, "ok")
    assert {path.split("acct=")[1] for path in again if "acct=" in path} <= set(limited)
    assert all(limited[0] in path for path in again)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {p["outcome"] for o in report["organisations"] for p in o["profiles"]} == {"ok"}


def test_nothing_fetched_exits_5_with_a_hint_and_keeps_the_last_reports(
        tmp_path: Path) -> None:
    port = closed_port()
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text('{"earlier": true}', encoding="utf-8")
    config = write_config(tmp_path / "a.toml", [f"http://127.0.0.1:{port}/@a",
                                               f"http://127.0.0.1:{port}/@b"])
    run = run_audit(config, out, *FAST)
    assert run.returncode == 5, run.stderr
    assert "nothing could be fetched (every request failed before any answer: " in run.stderr
    assert "connections were refused" in run.stderr and "--resume" in run.stderr
    assert (out / "report.json").read_text(encoding="utf-8") == '{"earlier": true}'
    assert (out / "records.jsonl").read_text(encoding="utf-8") == ""


# -- the benchmark's bound (bench/ratelimit.py) ----------------------------------------------


def test_the_bound_knows_a_paged_call_comes_after_its_profiles_first_calls() -> None:
    from ratelimit import call_chains, minimum_wall, ordered_minimum  # bench/, on sys.path

    # Two profiles, each a lookup, a first page and one page with max_id; 3 calls per 10 s,
    # 1 paged call per 20 s, the audit starting 0.1 s before both windows end. Each budget
    # alone allows it all in 0.13 s; but no paged call can go before its profile's first
    # page is answered (past the first paging window), and the second profile's then waits
    # for the third paging window.
    chains = call_chains([
        "/robots.txt", "/api/v1/accounts/lookup?acct=a", "/api/v1/accounts/lookup?acct=b",
        "/api/v1/accounts/1/statuses?limit=40", "/api/v1/accounts/2/statuses?limit=40",
        "/api/v1/accounts/1/statuses?limit=40&max_id=5", "/media/avatars/a.png",
        "/api/v1/accounts/2/statuses?limit=40&max_id=7",
    ], "mastodon")
    assert sorted(chains) == [(2, 1), (2, 1)]
    free = {"head_s": 0.0, "per_call_s": 0.01, "tail_s": 0.0}
    alone = max(minimum_wall(6, 3, 10.0, 19.9, free), minimum_wall(2, 1, 20.0, 19.9, free))
    bound = ordered_minimum(chains, limit=3, window=10.0, paged_limit=1, paged_window=20.0,
                            start=19.9, free=free, rtt=0.1)
    assert alone == pytest.approx(0.13)
    assert bound["api_s"] == pytest.approx(0.13)  # 3 calls before the reset, 3 after
    assert bound["paged_s"] == pytest.approx(20.11)  # the second paged call at 40.0
    assert bound["minimum_s"] == pytest.approx(20.11)
    # no faster than the same audit with no limit at all: where it made its third call
    # 1.5 s after its start, a window 1 s from its end holds two of the six calls, not
    # three, and the sixth waits for the window after
    assert minimum_wall(6, 3, 10.0, 9.0, free) == pytest.approx(1.03)
    slow = dict(free, timeline=[0.0, 0.5, 1.5, 1.6, 1.7, 1.8])
    assert minimum_wall(6, 3, 10.0, 9.0, slow) == pytest.approx(11.01)
    # the fake platforms' limiter records when each limited call came, in order
    from fakeplatforms import RateLimiter

    clock = iter([100.0, 100.5, 101.5]).__next__
    limiter = RateLimiter("bluesky", 300, 30.0, clock=clock)
    for _ in range(3):
        limiter.check("/xrpc/app.bsky.actor.getProfile", "actor=a")
    assert limiter.summary()["times"] == [100.0, 100.5, 101.5]
    # Bluesky: one budget, a profile's calls grouped by actor
    assert sorted(call_chains([
        "/xrpc/app.bsky.actor.getProfile?actor=a.example",
        "/xrpc/app.bsky.feed.getAuthorFeed?actor=a.example&limit=40",
        "/xrpc/app.bsky.feed.getAuthorFeed?actor=a.example&limit=40&cursor=x",
        "/xrpc/app.bsky.actor.getProfile?actor=b.example"], "bluesky")) == [(1, 0), (3, 0)]
    # a lookup that found nothing is a profile of one call
    assert call_chains(["/api/v1/accounts/lookup?acct=c"], "mastodon") == [(1, 0)]
