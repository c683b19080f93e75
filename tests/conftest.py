"""Shared test helpers: sample pages, the real payloads beside the repo, records to judge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import Thresholds
from auditor.metrics import compute_metrics
from auditor.models import Item, ProfileFacts, ProfileRecord, Sample
from auditor.platforms.base import Page
from auditor.verdicts import judge
from tests.fuzzdepth import active_factor, load_profile
from tests.postgres import postgres_server  # noqa: F401  (a fixture: the history's tests)

#: The Hypothesis profile AUDITOR_FUZZ (or CI) asks for, loaded before any test module is
#: imported: see tests/fuzzdepth.py.
FUZZ_PROFILE = load_profile()

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PAGES = REPO / "sample_pages"
REALCASES = REPO.parent / "shared" / "realcases"
AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


#: The slow tests: marked ``slow`` here, so that ``python -m pytest -m "not slow"`` is the
#: quick loop; ``python -m pytest`` (and CI) runs them all. A file with no names is slow as a
#: whole; else the tests named (every parametrization of each) are. Slow means a few seconds
#: or more per test: a real crawl through the CLI, a browser, the benchmark, a wheel build,
#: or fuzzing at full depth. tests/test_slow_marks.py checks that every name here exists.
SLOW_TESTS: dict[str, tuple[str, ...]] = {
    # the benchmark: fake platforms in a subprocess, crawled by the audit and a raw fetch
    "test_bench_smoke.py": (),
    "test_bench_fakeplatforms.py": (),
    # issue 21: bench/scale.py's smoke run, shards as parallel processes and their merge
    "test_bench_scale.py": (),
    # issue 16: first audit, re-audit with history and a full audit, each through the CLI
    "test_reaudit.py": (),
    # issue 21: two real Scrapyd servers, a sharded audit on them and one without items
    "test_scrapyd.py": ("test_sharded_audit_on_two_scrapyds_with_a_job_killed_and_resumed",
                        "test_an_interrupted_sharded_audit_cancels_its_jobs_and_resumes",
                        "test_a_scrapyd_without_items_is_refused_with_what_to_set"),
    # crawls through the CLI over loopback HTTP, several per test or waiting out timeouts
    "test_e2e.py": (),
    # issue 15: sheet -> filled in -> audit --observations, crawls through the CLI
    "test_sheet_e2e.py": (),
    "test_faults.py": (),
    "test_faults_platforms.py": (),
    "test_fetch_details.py": (),
    "test_robots_rfc.py": (),
    "test_history_cli.py": (),
    "test_manners.py": (
        "test_robots_txt_is_checked_for_every_request_queued_while_it_loads",
        "test_obey_robots_false_skips_robots_txt",
        "test_private_addresses_are_refused_without_a_request",
        "test_replay_is_not_refused_for_private_hosts",
        # the tests of the retry_crawl fixture (one crawl waiting out Retry-After)
        "test_retry_after_seconds_then_ok",
        "test_retry_after_on_503_then_ok",
        "test_retry_after_http_date_then_ok",
        "test_always_429_is_rate_limited_after_the_capped_waits",
        "test_retry_after_beyond_the_cap_or_absent_is_not_waited_for",
        "test_retry_after_waits_do_not_block_other_hosts",
        "test_retry_after_holds_back_the_hosts_other_requests",
        "test_user_agent_names_the_tool_and_its_home",
    ),
    "test_resume.py": ("test_a_stopped_crawl_resumes_with_only_the_missing_profiles",),
    # crawls through the CLI against a rate-limited server, waiting out its windows
    "test_pacing.py": ("test_no_profile_is_lost_and_the_budget_is_never_overspent",
                       "test_a_429_without_retry_after_waits_for_the_reset_its_headers_name",
                       "test_a_wait_past_the_maximum_leaves_rate_limited_and_resume_reads_them",
                       "test_nothing_fetched_exits_5_with_a_hint_and_keeps_the_last_reports",
                       "test_a_host_waiting_for_its_limit_does_not_hold_up_the_others"),
    # a replayed crawl through the CLI each
    "test_service.py": ("test_a_crash_after_a_real_crawl_keeps_its_records_for_from_records",
                        "test_the_demo_config_keeps_its_history_in_out_not_in_sample_pages"),
    # the demo crawled once, then judged again with each rule
    # the demo crawled once, then judged at three dates into one history
    # the demo audited three times, its history seeded with two earlier months
    "test_seed.py": ("test_the_demo_starts_its_history_with_two_earlier_months",),
    # issue 21: the demo crawled whole and as three shards through the CLI, then merged
    "test_shard_e2e.py": (),
    "test_trends.py": ("test_history_trend_on_the_demo_judged_at_three_dates",),
    "test_failon.py": ("test_the_demo_fails_on_a_rivals_dead_account_only_when_asked",),
    "test_discover.py": ("test_discover_on_the_demo_websites_finds_demo_toml",
                         "test_discover_with_sites_that_fail",
                         "test_guess_keeps_only_profiles_that_link_back"),
    # issue 14: crawls through the CLI against a fake X API on loopback
    "test_platforms_xapi.py": (
        "test_x_profiles_are_read_through_the_api_and_the_token_is_written_nowhere",
        "test_a_revoked_token_is_one_line_naming_the_fix_and_the_rest_goes_on",
        "test_over_the_ceiling_no_request_is_made",
        "test_a_live_run_without_credentials_leaves_the_api_networks_honest_login_walls"),
    "test_platforms_facebook_graph.py": (
        "test_the_clients_page_is_measured_end_to_end_and_the_token_is_written_nowhere",),
    "test_platforms_instagram_graph.py": (
        "test_business_accounts_are_measured_and_personal_ones_say_why",),
    # the demo audited twice and re-judged through the real command
    "test_language_free.py": (),
    # a wheel built and installed, its demo run
    "test_package.py": (),
    # headless Chromium
    "test_report_browser.py": (),
    # 2,000 mutated request chains per platform (at the default and CI fuzz depth)
    "test_fuzz.py": ("test_parsers_survive_mutated_bodies",
                     # 7 parsers x 6 kinds of field x 15 fillers of 100,000 characters
                     "test_overlong_fields_are_read_within_the_budget"),
    # crawls over loopback HTTP holding pages to the parse budget (one child blocked on
    # purpose until its budget runs out)
    "test_parse_budget.py": (),
    # a crawl through the CLI against a fediverse server without the Mastodon API
    "test_platforms_activitypub.py": ("test_a_crawl_reads_a_server_without_the_mastodon_api",),
}


def pytest_report_header() -> str:
    # active_factor(): a --hypothesis-profile given to pytest is loaded after AUDITOR_FUZZ's
    return (f"fuzz depth: x{active_factor():g} examples (AUDITOR_FUZZ={FUZZ_PROFILE}; "
            "quick|default|ci|deep)")


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = SLOW_TESTS.get(item.path.name)
        if names is not None and (not names or getattr(item, "originalname", item.name) in names):
            item.add_marker(pytest.mark.slow)


def sample_page(*parts: str) -> Path:
    """Path of a file under sample_pages/."""
    return SAMPLE_PAGES.joinpath(*parts)


def realcase(*parts: str) -> Path:
    """Path of a real captured payload; skips the test when ../shared/realcases is absent."""
    path = REALCASES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real payload not available: {path}")
    return path


def page_from_file(path: Path, *, url: str, status: int = 200,
                   headers: dict[str, str] | None = None) -> Page:
    return Page(url=url, status=status,
                headers={"content-type": "application/json", **(headers or {})},
                body=path.read_bytes(), fetched_at=AS_OF)


def realcase_meta(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def make_items(spec: list[tuple[float, str]], *, as_of: datetime = AS_OF,
               scheduled: bool = False) -> tuple[Item, ...]:
    """Items from (days before as_of, kind) pairs, newest first.

    People post at any minute: unless ``scheduled``, each item but the first is moved 1
    to 7 minutes earlier so that the items do not all share one minute past the hour (an
    automation sign). Whole-day counts and spans rounded to 0.01 day stay the same.
    """
    def shift(index: int) -> timedelta:
        return timedelta() if scheduled or index == 0 else timedelta(minutes=index % 7 + 1)

    items = [
        Item(id=str(index), published_at=as_of - timedelta(days=days) - shift(index),
             kind=kind, url=f"https://mastodon.example/@t/{index}")
        for index, (days, kind) in enumerate(spec)
    ]
    return tuple(sorted(items, key=lambda item: item.published_at, reverse=True))


COMPLETE_PROFILE = ProfileFacts(
    display_name="Fietsenmaker Spaak",
    username="spaak",
    bio="Fietsenmaker in Utrecht sinds 1982. Bel 030-1234567 of mail info@spaak.example.",
    avatar_url="https://mastodon.example/system/accounts/avatars/1/original/a.jpg",
    avatar_is_default=False,
    banner_url="https://mastodon.example/system/accounts/headers/1/original/h.jpg",
    banner_is_default=False,
    links=("https://www.spaak.example",),
    created_at=AS_OF - timedelta(days=2000),
    posts_total=500,
)


def make_record(*, items: tuple[Item, ...] = (), outcome: str = "ok",
                profile: ProfileFacts | None = COMPLETE_PROFILE, exhausted: bool = False,
                cap: bool = False, **fields: Any) -> ProfileRecord:
    return ProfileRecord(
        url=fields.pop("url", "https://mastodon.example/@spaak"), platform="mastodon",
        handle="@spaak@mastodon.example", outcome=outcome, profile=profile, items=items,
        sample=Sample(pages=1, page_cap_reached=cap, exhausted=exhausted), **fields,
    )


def judged(record: ProfileRecord, thresholds: Thresholds | None = None) -> ProfileResult:
    """A record with its metrics and flags, as the audit judges it (window 90 days)."""
    thresholds = thresholds or Thresholds()
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=thresholds)
    return ProfileResult(record, metrics, judge(record, metrics, thresholds))


def make_audit(*organisations: OrganisationResult, name: str = "Presence audit, Q4",
               missing: int = 0, thresholds: Thresholds | None = None,
               generated_after: timedelta = timedelta(hours=2, minutes=5)) -> AuditResult:
    return AuditResult(name=name, as_of=AS_OF, generated_at=AS_OF + generated_after,
                       tool_version="9.8.7", window_days=90,
                       thresholds=thresholds or Thresholds(), organisations=organisations,
                       missing=missing)
