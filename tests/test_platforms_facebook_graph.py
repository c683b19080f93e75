"""Facebook pages read through Meta's Graph API with the page's own token
(auditor.platforms.facebook_graph), and the median response time to visitors' comments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.credentials import ANY_PAGE, ApiCredentials
from auditor.platforms import adapter_for
from auditor.platforms.base import CrawlOptions, Next, Page, Target
from auditor.platforms.facebook_graph import NO_TOKEN, FacebookGraphAdapter
from auditor.platforms.metagraph import TOKEN_EXPIRED, rate_limit_of, without_token
from tests.conftest import REPO
from tests.fakeapis import AS_OF, FakeGraphApi, FbPage, serve_x
from tests.test_platforms_xapi import every_byte_written, records_of

TOKEN = "EAAGPlantedPageTokenForTests0123456789abcdefZZ"
ADAPTER = FacebookGraphAdapter()


def options(**changes: Any) -> CrawlOptions:
    base = CrawlOptions(as_of=AS_OF, credentials=ApiCredentials(page_tokens={ANY_PAGE: TOKEN}))
    return replace(base, **changes)


def target(name: str = "spaakfietsen") -> Target:
    return Target(url=f"https://www.facebook.com/{name}", platform="facebook")


def test_the_registry_reads_facebook_through_the_graph_adapter() -> None:
    assert isinstance(adapter_for("https://www.facebook.com/spaakfietsen"), FacebookGraphAdapter)


def test_without_a_page_token_the_page_is_an_honest_login_wall() -> None:
    record = ADAPTER.start(target(), options(credentials=None))
    assert not isinstance(record, Next)
    assert record.outcome == "login_wall"
    assert (record.outcome_detail or "").startswith(NO_TOKEN)
    assert "App Review" not in (record.outcome_detail or "")  # that is for a refused page
    assert "check by hand" in (record.outcome_detail or "")


def test_the_token_goes_in_the_header_and_never_in_a_followed_link() -> None:
    step = ADAPTER.start(target(), options())
    assert isinstance(step, Next)
    assert step.fetch.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in step.fetch.url and step.fetch.api
    link = ("https://graph.facebook.com/v23.0/1/published_posts?access_token=SECRET&limit=25"
            "&after=QVFI")
    assert without_token(link) == ("https://graph.facebook.com/v23.0/1/published_posts?"
                                    "limit=25&after=QVFI")


def test_an_expired_token_is_one_line_naming_the_fix() -> None:
    step = ADAPTER.start(target(), options())
    assert isinstance(step, Next)
    body = {"error": {"message": "Error validating access token: Session has expired",
                      "type": "OAuthException", "code": 190, "error_subcode": 463}}
    record = ADAPTER.advance(step.state, Page(step.fetch.url, 400, {}, json.dumps(body)
                                              .encode(), AS_OF))
    assert not isinstance(record, Next)
    assert (record.outcome, record.outcome_detail) == ("error", TOKEN_EXPIRED)


def test_metas_usage_headers_become_a_budget() -> None:
    assert rate_limit_of({"x-app-usage": '{"call_count":40,"total_time":96}'}) == (100, 0,
                                                                                    3600.0)
    assert rate_limit_of({"x-business-use-case-usage": '{"1":[{"type":"pages","call_count":'
                          '5,"estimated_time_to_regain_access":9}]}'}) == (100, 0, 540.0)
    assert rate_limit_of({"x-app-usage": '{"call_count":30}'}) == (100, 70, 3600.0)
    assert rate_limit_of({"content-type": "application/json"}) is None


def spaak_page() -> FbPage:
    """60 posts 2 days apart; on every other post a visitor asks and the page answers
    3 hours later; every fifth post's visitor is never answered."""
    posts = []
    for index in range(60):
        moment = AS_OF - timedelta(days=2 * index + 1)
        comments: list[tuple[datetime, bool]] = []
        if index % 2 == 0:
            comments.append((moment + timedelta(hours=1), False))
            comments.append((moment + timedelta(hours=4), True))
        if index % 5 == 1:
            comments.append((moment + timedelta(hours=2), False))
        posts.append((moment, comments))
    return FbPage("101234567890", "spaakfietsen", TOKEN, posts)


def test_the_clients_page_is_measured_end_to_end_and_the_token_is_written_nowhere(
        tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    with serve_x(FakeGraphApi([spaak_page()])) as api:
        config = tmp_path / "audit.toml"
        config.write_text(
            '[audit]\nname = "FB"\nas_of = "2026-11-01"\nallow_private_addresses = true\n'
            f'\n[endpoints]\nmeta_graph = "{api.origin}/v23.0"\n\n'
            '[[organisation]]\nname = "Spaak"\nrole = "client"\nprofiles = ['
            '"https://www.facebook.com/spaakfietsen", "https://www.facebook.com/ratelfietsen"]\n',
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")}
        env |= {"AUDITOR_FB_PAGE_TOKEN": TOKEN, "HOME": str(tmp_path / "home"),
                "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config")}
        run = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", str(config), "--out",
             str(tmp_path / "out"), "--record", str(recording), "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=False"],
            cwd=REPO, env=env, text=True, capture_output=True, timeout=180,
            stdin=subprocess.DEVNULL)
        requests = list(api.requests)
    assert run.returncode == 0, run.stderr
    assert all(r.authorization == f"Bearer {TOKEN}" and TOKEN not in r.path for r in requests)
    found = records_of(tmp_path / "out")
    page = found["https://www.facebook.com/spaakfietsen"]
    assert page["outcome"] == "ok", page
    assert page["profile"]["followers"] == 2310
    assert page["profile"]["links"] == ["https://www.spaak.example"]
    # 40 posts a page: the second page (followed without the token in its link) reaches
    # past the 90-day window
    assert page["sample"]["pages"] == 2
    replies = [i for i in page["items"] if i["kind"] == "reply"]
    assert replies and all(i["response_seconds"] in (3 * 3600, 2 * 3600) for i in replies)
    # each post keeps the comment count the page shows (engagement, issue 19)
    posts = [i for i in page["items"] if i["kind"] == "original"]
    assert posts and all(isinstance(i["comments"], int) for i in posts)
    assert any(note.endswith("visitor comment(s) in the window not answered")
               for note in page["notes"])
    other = found["https://www.facebook.com/ratelfietsen"]
    assert other["outcome"] == "error"
    assert "a page access token reads only its own page" in other["outcome_detail"]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    profile = next(p for o in report["organisations"] for p in o["profiles"]
                   if p["url"] == "https://www.facebook.com/spaakfietsen")
    metrics = profile["metrics"]
    # answers 3 h after the visitor on every other post, 2 h on every tenth: median 3 h
    assert metrics["median_response_hours"] == 3.0
    assert metrics["responses_timed"] == len([r for r in replies if r["published_at"] >=
                                               "2026-08-03"])
    assert metrics["reply_share"] is not None
    written = every_byte_written(tmp_path / "out", recording, *tmp_path.glob("*.sqlite"))
    assert [path for path, data in written if TOKEN.encode() in data] == []
    # the recorded paging links say where a token was, not what it was
    assert any(b"access_token=[redacted]" in data for _, data in written)


def test_response_time_is_null_with_a_reason_elsewhere() -> None:
    from auditor.config import Thresholds
    from auditor.metrics import compute_metrics
    from tests.conftest import make_items, make_record

    record = make_record(items=make_items([(1.0, "original"), (2.0, "reply")]))
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=Thresholds())
    assert metrics.median_response_hours is None
    assert "median_response_hours" in metrics.null_reasons
    assert metrics.responses_timed == 0
    _ = UTC
