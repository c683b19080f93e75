"""Every fault on every platform: one real crawl through the CLI against a fault-injecting
server on 127.0.0.1 (tests/faultplatforms.py) standing in for Bluesky's AppView, YouTube,
t.me and a blog, each profile mapped to its outcome with a detail naming the fault.

Platform profile URLs stay on their public hosts (bsky.app, youtube.com, t.me); the
config's ``[endpoints]`` sends their requests to the local server. The crawl runs with a
2 s download timeout, so a hang costs 3 x 2 s (two retries) and the whole crawl ~10 s.
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any

import pytest

from tests.faultplatforms import HEALTHY, run_cli, serve_platform_faults, write_config
from tests.faultserver import crawl_log, records_by_url

SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "DOWNLOAD_TIMEOUT=2",
            # every platform is on the same host here: let them run side by side
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")

def case(platform: str, name: str, outcome: str, names: str | None, asked: int = 1,
         *marks: Any) -> Any:
    """One profile: ``names`` is what the outcome_detail must contain (for ``ok``: a note);
    ``asked`` how often the faulted surface was requested (retries included)."""
    return pytest.param(platform, name, outcome, names, asked, marks=marks,
                        id=f"{platform}-{name}")


def common(platform: str, *, trunc: tuple[str, str | None], empty: str, garbage: str,
           trunc_marks: tuple[Any, ...] = ()) -> list[Any]:
    """The faults every platform meets on its first request."""
    return [
        case(platform, HEALTHY, "ok", None),
        case(platform, "f404", "not_found", "HTTP 404"),
        case(platform, "f410", "gone", "HTTP 410"),
        case(platform, "f403", "blocked", "HTTP 403"),
        # Retry-After: 1 honoured twice (AUDITOR_RETRY_AFTER_TIMES), then rate_limited
        case(platform, "f429", "rate_limited", "HTTP 429", 3),
        # retried at once by RetryMiddleware (RETRY_TIMES = 2)
        case(platform, "f500", "error", "HTTP 500", 3),
        case(platform, "fslow", "error", "timeout: ", 3),
        case(platform, "ftrunc", *trunc, 1, *trunc_marks),
        case(platform, "fempty", "error", empty),
        case(platform, "fgarbage", "error", garbage),
        case(platform, "flogin", "login_wall", "login", 1),
    ]


CASES = [
    *common("bluesky", trunc=("error", "invalid or truncated JSON"), empty="empty answer",
            garbage="not JSON"),
    # what the real AppView answers for an unknown handle
    case("bluesky", "fnotfound", "not_found", "Profile not found"),
    # the profile was read, its author feed fails
    case("bluesky", "ffeed500", "error", "getAuthorFeed: HTTP 500", 3),
    case("bluesky", "ffeedtrunc", "error", "getAuthorFeed: invalid or truncated JSON"),

    # the channel id is in the meta tags above the cut: the feed is read (as designed)
    *common("youtube", trunc=("ok", "profile read from the page's meta tags"),
            empty="empty answer", garbage="no ytInitialData and no channel id"),
    # the uploads feed flaps: a healthy channel page with a feed 404/410 is ok, activity
    # unknown, never gone
    case("youtube", "ffeed404", "ok", "uploads feed answered 404"),
    case("youtube", "ffeed410", "ok", "uploads feed answered 410"),
    case("youtube", "ffeed500", "error", "uploads feed: HTTP 500", 3),
    case("youtube", "ffeedtrunc", "error", "uploads feed: not an Atom feed (the XML is "
         "malformed or truncated)"),

    *common("telegram", trunc=("error", "truncated"),
            empty="empty answer", garbage="not a Telegram preview page"),
    case("telegram", "fnopreview", "preview_disabled", "turned the web preview of @fnopreview "
         "off"),

    # a feed lists its newest entries first: what is left of a cut feed is read, with a note
    *common("feed", trunc=("ok", "the feed is not well-formed"), empty="the body is empty",
            garbage="not a feed"),
]


def surface(platform: str, name: str) -> str:
    """The server's name for the surface a case's fault is on."""
    return f"{platform}-feed" if name.startswith("ffeed") else platform


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("platform-faults")
    out = tmp / "out"
    with serve_platform_faults() as server:
        urls = {(p.values[0], p.values[1]): server.profile(p.values[0], p.values[1])
                for p in CASES}
        config = write_config(tmp / "faults.toml", list(urls.values()), server.endpoints())
        started = time.monotonic()
        run = run_cli(config, out, *SETTINGS)
        elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr + crawl_log(out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return SimpleNamespace(
        server=server, urls=urls, elapsed=elapsed, records=records_by_url(out),
        lines=(out / "records.jsonl").read_text(encoding="utf-8").splitlines(),
        profiles={p["url"]: p for org in report["organisations"] for p in org["profiles"]})


def record_of(crawl: Any, platform: str, name: str) -> dict[str, Any]:
    return crawl.records[crawl.urls[(platform, name)]]


def test_one_record_per_profile_and_quick(crawl: Any) -> None:
    assert sorted(crawl.records) == sorted(crawl.urls.values())
    assert len(crawl.lines) == len(CASES)
    assert crawl.elapsed < 60


@pytest.mark.parametrize("platform, name, outcome, names, asked", CASES)
def test_fault_maps_to_outcome(crawl: Any, platform: str, name: str, outcome: str,
                               names: str | None, asked: int) -> None:
    record = record_of(crawl, platform, name)
    assert record["platform"] == platform
    assert record["outcome"] == outcome, record["outcome_detail"]
    if outcome == "ok":
        assert record["outcome_detail"] is None
        if names is not None:
            assert any(names.lower() in note.lower() for note in record["notes"]), \
                record["notes"]
    else:
        assert names is not None
        assert names.lower() in (record["outcome_detail"] or "").lower()
    assert crawl.server.asked[(surface(platform, name), name)] == asked


@pytest.mark.parametrize("platform", ["bluesky", "youtube", "telegram", "feed"])
def test_healthy_answers_make_a_healthy_profile(crawl: Any, platform: str) -> None:
    """The control: the server's healthy answers are read whole and raise no flag, so every
    other outcome is the fault's doing."""
    record = record_of(crawl, platform, HEALTHY)
    assert record["outcome"] == "ok"
    assert len(record["items"]) >= 10
    assert record["profile"]["display_name"]
    assert crawl.profiles[record["url"]]["flags"] == []


def test_youtube_feed_404_is_activity_unknown_not_gone(crawl: Any) -> None:
    record = record_of(crawl, "youtube", "ffeed404")
    assert record["outcome"] == "ok"
    assert record["items"] == [] and record["sample"] is None
    assert record["profile"]["display_name"] == "Spaak Fietsen"
    assert record["profile"]["username"] == "ffeed404"
    flags = {flag["code"] for flag in crawl.profiles[record["url"]]["flags"]}
    assert not flags & {"GONE", "DEAD", "STALE", "UNAUDITABLE"}
    assert crawl.server.asked[("youtube", "ffeed404")] == 1


def test_cut_channel_page_does_not_make_the_profile_incomplete(crawl: Any) -> None:
    record = record_of(crawl, "youtube", "ftrunc")
    assert record["outcome"] == "ok" and len(record["items"]) == 15  # the feed was read
    flags = {flag["code"] for flag in crawl.profiles[record["url"]]["flags"]}
    assert "INCOMPLETE" not in flags


def test_author_feed_failure_keeps_the_profile(crawl: Any) -> None:
    record = record_of(crawl, "bluesky", "ffeedtrunc")
    assert record["profile"]["display_name"] == "Spaak Fietsen"
    assert record["items"] == []


def test_telegram_preview_disabled_reads_the_card(crawl: Any) -> None:
    record = record_of(crawl, "telegram", "fnopreview")
    assert record["profile"]["display_name"]
    assert record["items"] == []
    assert crawl.server.asked[("telegram-card", "fnopreview")] == 1


def test_cut_feed_keeps_its_newest_entries(crawl: Any) -> None:
    cut = record_of(crawl, "feed", "ftrunc")["items"]
    whole = record_of(crawl, "feed", HEALTHY)["items"]
    assert 0 < len(cut) < len(whole)
    assert cut[0]["published_at"] == whole[0]["published_at"]


@pytest.mark.parametrize("platform", ["bluesky", "youtube", "telegram", "feed"])
def test_login_redirect_is_followed_on_the_same_host(crawl: Any, platform: str) -> None:
    assert crawl.server.asked[("login", "flogin")] == 4  # once per platform
    assert crawl.server.asked[(platform, "flogin")] == 1


def test_only_known_surfaces_were_asked(crawl: Any) -> None:
    """Every request reached a surface the server serves: the adapters built their URLs
    from the endpoints, and nothing was left to a catch-all 404."""
    known = {"bluesky", "bluesky-feed", "youtube", "youtube-feed", "telegram",
             "telegram-older", "telegram-card", "feed", "login"}
    assert {kind for kind, _ in crawl.server.asked} <= known
    paths = [seen.path for seen in crawl.server.seen]
    assert paths.count("/robots.txt") == 1
    # one profile per organisation: no photo is compared with another, so no avatar is
    # fetched (issue 16: avatars only where a comparison needs the bytes)
    assert not [path for path in paths if path.startswith("/cdn/")]
