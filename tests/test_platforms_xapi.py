"""X read through its API v2 with the user's bearer token (auditor.platforms.xapi)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor.apicost import XSettings, estimate_x, read_x_settings
from auditor.credentials import ApiCredentials, load_credentials
from auditor.platforms import adapter_for
from auditor.platforms.base import CrawlOptions, Next, Page, Target
from auditor.platforms.xapi import (
    BAD_TOKEN,
    NO_TOKEN,
    XApiAdapter,
    snowflake_time,
)
from tests.conftest import REPO
from tests.fakeapis import AS_OF, FakeXApi, XAccount, ratel_timeline, serve_x, snowflake

TOKEN = "AAAAAAAAAAAAAAAAAAAAAPlantedXTokenForTests0123456789abcdef"
ADAPTER = XApiAdapter()


def options(**changes: Any) -> CrawlOptions:
    base = CrawlOptions(as_of=AS_OF, credentials=ApiCredentials(x_bearer=TOKEN),
                        x=XSettings(depth="posts", max_cost_usd=5.0), x_profiles=1)
    return replace(base, **changes)


def target(name: str = "ratelfietsen") -> Target:
    return Target(url=f"https://x.com/{name}", platform="x", organisation="Ratel")


def page(url: str, status: int, body: Any, headers: dict[str, str] | None = None) -> Page:
    return Page(url=url, status=status, headers={"content-type": "application/json",
                                                 **(headers or {})},
                body=json.dumps(body).encode(), fetched_at=AS_OF + timedelta(hours=1))


def first(name: str = "ratelfietsen", **changes: Any) -> Next:
    step = ADAPTER.start(target(name), options(**changes))
    assert isinstance(step, Next)
    return step


# -- units ------------------------------------------------------------------------------------

def test_the_registry_reads_x_through_the_api_adapter() -> None:
    assert isinstance(adapter_for("https://x.com/ratelfietsen"), XApiAdapter)


def test_a_snowflake_id_gives_its_date() -> None:
    moment = datetime(2026, 10, 30, 8, 15, 2, 345000, tzinfo=UTC)
    assert snowflake_time(snowflake(moment, 17)) == moment
    # the example in X's documentation: tweet 1212092628029698048, created_at
    # 2019-12-31T19:26:16.000Z (the API gives whole seconds; the id has the milliseconds)
    made = snowflake_time("1212092628029698048")
    assert made is not None
    assert made.replace(microsecond=0) == datetime(2019, 12, 31, 19, 26, 16, tzinfo=UTC)
    assert snowflake_time("not-an-id") is None and snowflake_time(True) is None


def test_without_a_token_the_profile_is_an_honest_login_wall() -> None:
    record = ADAPTER.start(target(), options(credentials=None))
    assert not isinstance(record, Next)
    assert record.outcome == "login_wall"
    assert record.outcome_detail is not None
    assert record.outcome_detail.startswith(NO_TOKEN)
    assert "check by hand" in record.outcome_detail
    assert record.replies_observable is False


def test_a_credentials_problem_is_named_instead() -> None:
    problem = ApiCredentials(problems=("the credentials file /x can be read by others (mode "
                                       "0644), so it is not used: run chmod 600 /x",))
    record = ADAPTER.start(target(), options(credentials=problem))
    assert not isinstance(record, Next)
    assert "chmod 600 /x" in (record.outcome_detail or "")


def test_the_token_goes_in_the_authorization_header_only() -> None:
    step = first()
    assert step.fetch.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in step.fetch.url
    assert step.fetch.api is True
    assert "/2/users/by/username/ratelfietsen?user.fields=" in step.fetch.url
    assert "most_recent_tweet_id" in step.fetch.url


def test_over_the_ceiling_nothing_is_fetched() -> None:
    record = ADAPTER.start(target(), options(x=XSettings(depth="posts", max_cost_usd=0.5)))
    # one user read and 3 pages of 40 posts: 0.01 + 120 * 0.005 = $0.61
    assert not isinstance(record, Next)
    assert record.outcome == "login_wall"
    assert "$0.61" in (record.outcome_detail or "")
    assert "max_cost_usd" in (record.outcome_detail or "")


def test_the_estimate_counts_every_profile_and_page() -> None:
    estimate = estimate_x(10, XSettings(depth="posts", max_cost_usd=5), max_pages=3,
                          page_size=40)
    assert (estimate.user_reads, estimate.post_reads) == (10, 1200)
    assert estimate.cost_usd == pytest.approx(6.10) and estimate.over
    cheap = estimate_x(10, XSettings(), max_pages=3, page_size=40)
    assert cheap.post_reads == 0 and cheap.cost_usd == pytest.approx(0.10) and not cheap.over
    assert estimate_x(1, XSettings(depth="posts"), max_pages=1, page_size=2).post_reads == 5


@pytest.mark.parametrize(("status", "body", "headers", "outcome", "words"), [
    (401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
           "detail": "Unauthorized"}, {}, "error", BAD_TOKEN),
    (403, {"title": "Client Forbidden", "reason": "client-not-enrolled",
           "type": "https://api.twitter.com/2/problems/client-forbidden"}, {}, "error",
     "attach the app to a project"),
    (429, {"title": "Too Many Requests", "status": 429}, {"x-rate-limit-reset": "1793523600"},
     "rate_limited", "2026-11-01 09:00 UTC"),
    (200, {"errors": [{"detail": "Could not find user with username: [ratelfietsen].",
                       "title": "Not Found Error",
                       "type": "https://api.twitter.com/2/problems/resource-not-found"}]},
     {}, "not_found", "no such account"),
    (200, {"errors": [{"detail": "User has been suspended: [ratelfietsen].",
                       "title": "Forbidden",
                       "type": "https://api.twitter.com/2/problems/resource-not-found"}]},
     {}, "gone", "suspended"),
])
def test_the_apis_documented_errors(status: int, body: Any, headers: dict[str, str],
                                    outcome: str, words: str) -> None:
    step = first()
    record = ADAPTER.advance(step.state, page(step.fetch.url, status, body, headers))
    assert not isinstance(record, Next)
    assert record.outcome == outcome
    assert words in (record.outcome_detail or "")
    assert "\n" not in (record.outcome_detail or "")
    assert record.notes == ("X API: 1 user read(s) and 0 post read(s), $0.01",)


def test_depth_profile_dates_the_last_post_from_the_users_newest_id() -> None:
    step = first(x=XSettings(depth="profile"))
    newest = datetime(2026, 10, 29, 14, 0, tzinfo=UTC)
    body = {"data": {"id": "42", "username": "ratelfietsen", "name": "Ratel",
                     "most_recent_tweet_id": snowflake(newest),
                     "public_metrics": {"followers_count": 1234, "tweet_count": 812}}}
    record = ADAPTER.advance(step.state, page(step.fetch.url, 200, body))
    assert not isinstance(record, Next)
    assert record.outcome == "ok" and record.items == () and record.sample is None
    assert record.profile is not None
    assert record.profile.last_post_reported_at == newest
    assert (record.profile.followers, record.profile.posts_total) == (1234, 812)
    assert record.notes[-1] == "X API: 1 user read(s) and 0 post read(s), $0.01"


# -- end to end: a real crawl through the CLI against a fake X API -----------------------------

def run_audit(tmp_path: Path, api: FakeXApi, *, token: str, x_table: str,
              names: tuple[str, ...], record: Path | None = None) -> tuple[
                  subprocess.CompletedProcess[str], Path]:
    profiles = ", ".join(f'"https://x.com/{name}"' for name in names)
    config = tmp_path / "audit.toml"
    config.write_text(
        '[audit]\nname = "X"\nas_of = "2026-11-01"\nallow_private_addresses = true\n\n'
        f'{x_table}\n[endpoints]\nx_api = "{api.origin}"\n\n'
        '[[organisation]]\nname = "Ratel"\nrole = "competitor"\n'
        f'profiles = [{profiles}, "https://www.linkedin.com/company/ratel"]\n',
        encoding="utf-8")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")}
    env["AUDITOR_X_BEARER_TOKEN"] = token
    env["AUDITOR_CREDENTIALS"] = str(tmp_path / "no-credentials.toml")
    env.pop("AUDITOR_CREDENTIALS")  # the default file under a home of the test's own
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / ".config")
    extra = ["--record", str(record)] if record else []
    run = subprocess.run([sys.executable, "-m", "auditor", "audit", str(config), "--out",
                          str(out), "-s", "DOWNLOAD_DELAY=0", "-s",
                          "AUTOTHROTTLE_ENABLED=False", *extra],
                         cwd=REPO, env=env, text=True, capture_output=True, timeout=180,
                         stdin=subprocess.DEVNULL)
    return run, out


def records_of(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["url"]: r for r in map(json.loads, lines) if r.get("url")}


def every_byte_written(*folders: Path) -> list[tuple[Path, bytes]]:
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else [folder]:
            if path.is_file():
                data = path.read_bytes()
                if path.suffix == ".sqlite":
                    with sqlite3.connect(path) as db:  # the rows too, not only the pages
                        data += "\n".join(db.iterdump()).encode()
                found.append((path, data))
    return found


def test_x_profiles_are_read_through_the_api_and_the_token_is_written_nowhere(
        tmp_path: Path) -> None:
    accounts = [XAccount("ratelfietsen", "1001", tweets=ratel_timeline(AS_OF, 70)),
                XAccount("ratelstil", "1002", tweets=ratel_timeline(AS_OF - timedelta(days=200),
                                                                    12)),
                XAccount("ratelweg", "1003", suspended=True)]
    recording = tmp_path / "recording"
    with serve_x(FakeXApi(TOKEN, accounts)) as api:
        run, out = run_audit(tmp_path, api, token=TOKEN, names=(
            "ratelfietsen", "ratelstil", "ratelweg", "nobodyhere"),
            x_table='[x]\ndepth = "posts"\nmax_cost_usd = 3\n', record=recording)
        requests = list(api.requests)
    assert run.returncode == 0, run.stderr
    # the cost, before the first request: 4 users and 4 x 3 pages of 40 posts
    assert "X: 4 profile(s) at depth posts, at most 4 user read(s) and 480 post read(s): " \
           "at most $2.44 (ceiling $3.00" in run.stderr
    # and after it, what was read (4 users, 70 posts): what the run paid
    assert "X: 4 user read(s) and 70 post read(s) made, $0.39 at the configured prices." \
        in run.stderr
    assert all(r.authorization == f"Bearer {TOKEN}" for r in requests)
    assert not any(TOKEN in r.path for r in requests)
    found = records_of(out)
    busy = found["https://x.com/ratelfietsen"]
    assert busy["outcome"] == "ok"
    assert busy["profile"]["followers"] == 1234
    assert busy["profile"]["links"] == ["https://www.ratel.example/"]
    assert busy["items"][0]["likes"] == 3 and busy["items"][0]["shares"] == 1
    kinds = {item["kind"] for item in busy["items"]}
    assert kinds == {"original", "reply", "self_reply", "repost"}
    # 40 a page: the second page reaches past the 90-day window (posts 36 h apart)
    assert busy["sample"]["pages"] == 2 and len(busy["items"]) == 80 - 10
    assert busy["notes"][-1] == "X API: 1 user read(s) and 70 post read(s), $0.36"
    quiet = found["https://x.com/ratelstil"]
    # its newest post is 200 days old: the user read dates it, no post is read (or paid)
    assert quiet["outcome"] == "ok" and quiet["items"] == []
    assert quiet["notes"][-1] == "X API: 1 user read(s) and 0 post read(s), $0.01"
    assert found["https://x.com/ratelweg"]["outcome"] == "gone"
    assert found["https://x.com/nobodyhere"]["outcome"] == "not_found"
    assert found["https://www.linkedin.com/company/ratel"]["outcome"] == "login_wall"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    text = json.dumps(report)
    assert "ratelfietsen" in text
    # the planted token is in no file the audit wrote: records, crawl.log, plan.json,
    # reports, the history, the recording
    written = every_byte_written(out, tmp_path / "home", recording, *tmp_path.glob(
        "*.sqlite"))
    assert any(path.name == "records.jsonl" for path, _ in written)
    assert any(path.name == "crawl.log" for path, _ in written)
    assert any(path.suffix == ".sqlite" for path, _ in written)
    assert any(path.name == "manifest.json" for path, _ in written)
    leaks = [path for path, data in written if TOKEN.encode() in data]
    assert leaks == []
    assert TOKEN not in run.stdout + run.stderr


def test_a_revoked_token_is_one_line_naming_the_fix_and_the_rest_goes_on(
        tmp_path: Path) -> None:
    accounts = [XAccount("ratelfietsen", "1001", tweets=ratel_timeline(AS_OF, 10))]
    with serve_x(FakeXApi(TOKEN, accounts)) as api:
        run, out = run_audit(tmp_path, api, token="revoked-token-0000", names=(
            "ratelfietsen",), x_table='[x]\ndepth = "profile"\n')
    assert run.returncode == 0, run.stderr
    found = records_of(out)
    assert found["https://x.com/ratelfietsen"]["outcome"] == "error"
    assert found["https://x.com/ratelfietsen"]["outcome_detail"] == BAD_TOKEN
    assert found["https://www.linkedin.com/company/ratel"]["outcome"] == "login_wall"


def test_over_the_ceiling_no_request_is_made(tmp_path: Path) -> None:
    accounts = [XAccount("ratelfietsen", "1001", tweets=ratel_timeline(AS_OF, 10))]
    with serve_x(FakeXApi(TOKEN, accounts)) as api:
        run, out = run_audit(tmp_path, api, token=TOKEN, names=("ratelfietsen", "ratel2"),
                             x_table='[x]\ndepth = "posts"\nmax_cost_usd = 0.50\n')
        requests = list(api.requests)
    assert run.returncode == 0, run.stderr
    assert requests == []
    assert "could cost up to $1.22" in run.stderr and "Raise [x] max_cost_usd" in run.stderr
    record = records_of(out)["https://x.com/ratelfietsen"]
    assert record["outcome"] == "login_wall"
    assert "over the ceiling of $0.50" in record["outcome_detail"]


# -- credentials -------------------------------------------------------------------------------

def test_a_credentials_file_others_can_read_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "credentials.toml"
    file.write_text(f'[x]\nbearer_token = "{TOKEN}"\n', encoding="utf-8")
    file.chmod(0o644)
    loaded = load_credentials(environ={}, path=file)
    assert loaded.x_bearer is None
    assert loaded.problems and f"chmod 600 {file}" in loaded.problems[0]
    assert TOKEN not in repr(loaded) and TOKEN not in " ".join(loaded.problems)
    file.chmod(0o600)
    loaded = load_credentials(environ={}, path=file)
    assert loaded.x_bearer == TOKEN and loaded.problems == ()
    # the environment wins over the file
    assert load_credentials(environ={"AUDITOR_X_BEARER_TOKEN": "envtoken"},
                            path=file).x_bearer == "envtoken"


def test_a_replayed_crawl_never_reads_real_tokens(tmp_path: Path) -> None:
    loaded = load_credentials(replay=True, environ={"AUDITOR_X_BEARER_TOKEN": TOKEN})
    assert loaded.x_bearer != TOKEN and loaded.replay and loaded.secrets() == ()


def test_the_x_table_is_checked() -> None:
    problems: list[str] = []
    settings = read_x_settings({"depth": "all", "max_cost_usd": -1, "budget": 3},
                               lambda where, what: problems.append(f"{where}: {what}"))
    assert settings == XSettings()
    assert [p.split(":")[0] for p in problems] == ["x.depth", "x.max_cost_usd", "x.budget"]


def test_every_detail_the_adapter_stores_is_a_catalogue_text() -> None:
    from auditor.english import ENGLISH
    from auditor.platforms import xapi

    names = {"x_no_token": "NO_TOKEN", "x_token_unusable": "TOKEN_UNUSABLE",
             "x_over_ceiling": "OVER_CEILING", "x_bad_token": "BAD_TOKEN",
             "x_not_enrolled": "NOT_ENROLLED", "x_no_credits": "NO_CREDITS",
             "x_rate_limited": "X_RATE_LIMITED", "x_protected": "PROTECTED",
             "x_suspended": "SUSPENDED", "x_unexpected_user": "UNEXPECTED_USER",
             "x_unexpected_posts": "UNEXPECTED_POSTS", "x_reads": "READS",
             "x_depth_profile": "DEPTH_PROFILE", "x_posts_not_needed": "POSTS_NOT_NEEDED"}
    for msgid, constant in names.items():
        assert ENGLISH[f"detail.{msgid}"] == getattr(xapi, constant), msgid


def test_a_live_run_without_credentials_leaves_the_api_networks_honest_login_walls(
        tmp_path: Path) -> None:
    # no token anywhere: nothing is asked of any API (there is no server to ask here)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")}
    env |= {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config")}
    run = subprocess.run(
        [sys.executable, "-m", "auditor", "check", "https://x.com/ratelfietsen",
         "https://www.facebook.com/spaakfietsen", "https://www.instagram.com/velovlot",
         "--json"], cwd=REPO, env=env, text=True, capture_output=True, timeout=120,
        stdin=subprocess.DEVNULL)
    assert run.returncode in (0, 1), run.stderr
    profiles = {p["url"]: p for o in json.loads(run.stdout)["organisations"]
                for p in o["profiles"]}
    assert {p["outcome"] for p in profiles.values()} == {"login_wall"}
    details = {url: p["outcome_detail"] for url, p in profiles.items()}
    assert "AUDITOR_X_BEARER_TOKEN" in details["https://x.com/ratelfietsen"]
    assert "AUDITOR_FB_PAGE_TOKEN" in details["https://www.facebook.com/spaakfietsen"]
    assert "AUDITOR_META_TOKEN" in details["https://www.instagram.com/velovlot"]
    assert all("check by hand" in detail for detail in details.values())
