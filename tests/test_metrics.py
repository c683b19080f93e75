"""Metrics by DESIGN.md's definitions: windows, bases, shares and the completeness checklist."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.config import Thresholds
from auditor.metrics import compute_completeness, compute_metrics, find_contacts
from auditor.models import ITEM_KINDS, Item, ProfileField
from tests.conftest import AS_OF, COMPLETE_PROFILE, make_items, make_record

T = Thresholds()


def metrics_of(record, window_days: int = 90):
    return compute_metrics(record, AS_OF, window_days=window_days, thresholds=T)


def test_last_post_and_days_since() -> None:
    m = metrics_of(make_record(items=make_items([(3.5, "original"), (10, "reply")])))
    assert m.last_post_at == AS_OF - timedelta(days=3.5)
    assert m.days_since_last_post == 3
    assert m.last_post_source == "items"


def test_posts_per_week_over_the_full_window() -> None:
    # 45 own posts and 5 reposts over 90 days, and older posts before the window
    spec = [(d * 2, "original") for d in range(45)] + [(d, "repost") for d in range(5)]
    spec += [(100 + d, "original") for d in range(10)]
    m = metrics_of(make_record(items=make_items(spec)))
    assert m.covered_days == 90
    assert m.own_posts == 45
    assert m.posts_per_week == round(45 * 7 / 90, 2)
    assert m.sampled_items == 60
    assert m.page_cap_cut_sample is False


def test_posts_per_week_over_the_covered_span_when_the_page_cap_cut_it() -> None:
    spec = [(d * 0.25, "original") for d in range(120)]  # 4 a day, oldest 29.75 days ago
    m = metrics_of(make_record(items=make_items(spec), cap=True))
    assert m.covered_days == 29.75
    assert m.page_cap_cut_sample is True
    assert m.posts_per_week == round(120 * 7 / 29.75, 2)


def test_young_account_rate_counts_only_its_lifetime() -> None:
    profile = replace(COMPLETE_PROFILE, created_at=AS_OF - timedelta(days=14), posts_total=4)
    m = metrics_of(make_record(items=make_items([(1, "original")] * 4), profile=profile,
                               exhausted=True))
    assert m.covered_days == 14
    assert m.posts_per_week == 2.0


def test_no_posts_in_a_fully_read_history_is_a_measured_zero() -> None:
    m = metrics_of(make_record(items=make_items([(200, "original")]), exhausted=True))
    assert m.posts_per_week == 0.0
    assert m.days_since_last_post == 200


def test_nothing_fetched_and_not_exhausted_is_unknown_not_zero() -> None:
    m = metrics_of(make_record(items=(), exhausted=False))
    assert m.posts_per_week is None and "posts_per_week" in m.null_reasons
    assert m.last_post_at is None


def test_platform_reported_date_is_the_fallback() -> None:
    profile = replace(COMPLETE_PROFILE, last_post_reported_at=AS_OF - timedelta(days=40))
    m = metrics_of(make_record(items=(), profile=profile))
    assert m.days_since_last_post == 40 and m.last_post_source == "platform"


def test_posts_after_as_of_are_ignored() -> None:
    items = make_items([(-5, "original"), (12, "original")])
    m = metrics_of(make_record(items=items))
    assert m.days_since_last_post == 12


@pytest.mark.parametrize(("own", "replies", "share"), [
    (19, 5, None),       # below min_posts_for_ratio
    (20, 2, 0.1),
    (40, 0, 0.0),
    (40, 10, 0.25),
])
def test_reply_share_minimum_sample(own: int, replies: int, share: float | None) -> None:
    spec = [(1 + d, "reply") for d in range(replies)]
    spec += [(1 + d, "original") for d in range(own - replies)]
    m = metrics_of(make_record(items=make_items(spec)))
    assert m.reply_share == share
    if share is None:
        assert "only 19 own posts" in str(m.null_reasons["reply_share"])


def test_self_replies_count_as_own_posts_but_not_replies() -> None:
    spec = [(1, "self_reply")] * 10 + [(2, "original")] * 10 + [(3, "reply")] * 5
    m = metrics_of(make_record(items=make_items(spec)))
    assert m.reply_share == 0.2


def test_reply_share_is_null_where_the_platform_hides_replies() -> None:
    record = replace(make_record(items=make_items([(1, "original")] * 30)),
                     replies_observable=False)
    m = metrics_of(record)
    assert m.reply_share is None and "does not show replies" in str(m.null_reasons["reply_share"])


def test_unread_profile_has_no_activity_numbers() -> None:
    m = metrics_of(make_record(outcome="blocked", profile=None))
    assert m.last_post_at is None and m.posts_per_week is None
    assert m.completeness.score is None
    assert "outcome blocked" in str(m.null_reasons["posts_per_week"])


def test_complete_profile_scores_100() -> None:
    c = compute_completeness(make_record())
    assert c.score == 100 and all(c.checks.values())


def test_default_avatar_empty_bio_no_contact() -> None:
    profile = replace(COMPLETE_PROFILE, avatar_is_default=True, bio="", links=(),
                      banner_is_default=True, display_name="")
    c = compute_completeness(make_record(profile=profile))
    assert c.checks == {"photo": False, "bio": False, "contact": False, "website": False,
                        "display_name": False, "banner": False}
    assert c.score == 0


@pytest.mark.parametrize(("bio", "ok"), [
    ("spaak", False), ("@spaak", False), ("Fietsen!", False), ("x" * 19, False),
    ("x" * 20, True),
])
def test_bio_rules(bio: str, ok: bool) -> None:
    c = compute_completeness(make_record(profile=replace(COMPLETE_PROFILE, bio=bio)))
    assert c.checks["bio"] is ok


@pytest.mark.parametrize(("text", "found"), [
    ("Bel 020-1234567", True), ("Bel +31 6 12345678", True), ("app 06-12345678", True),
    ("mail info@spaak.example", True), ("Sinds 1982 in Utrecht", False),
    ("Open 9-17 uur, 2026-11-01", False),
])
def test_contact_detection(text: str, found: bool) -> None:
    emails, phones = find_contacts([text])
    assert bool(emails or phones) is found


def test_contact_in_a_profile_field_counts() -> None:
    profile = replace(COMPLETE_PROFILE, bio="Wij repareren fietsen in Utrecht.",
                      fields=(ProfileField(name="Telefoon", value="030 123 4567"),))
    assert compute_completeness(make_record(profile=profile)).checks["contact"] is True


def test_unobservable_items_are_null_and_left_out_of_the_score() -> None:
    profile = replace(COMPLETE_PROFILE, banner_url=None, banner_is_default=None)
    record = replace(make_record(profile=profile), unobservable={"banner": "no banners here"})
    c = compute_completeness(record)
    assert c.checks["banner"] is None and c.score == 100


_dates = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1),
                      timezones=st.just(UTC))
_items = st.lists(st.builds(Item, id=st.text(max_size=5), published_at=_dates,
                            kind=st.sampled_from(ITEM_KINDS)), max_size=60)


@given(items=_items, exhausted=st.booleans(), cap=st.booleans(),
       window=st.integers(min_value=1, max_value=400))
def test_metrics_never_crash_and_stay_in_range(items, exhausted, cap, window) -> None:
    record = make_record(items=tuple(items), exhausted=exhausted, cap=cap)
    m = metrics_of(record, window_days=window)
    for share in (m.reply_share, m.repost_share):
        assert share is None or 0 <= share <= 1
    assert m.posts_per_week is None or m.posts_per_week >= 0
    assert m.days_since_last_post is None or m.days_since_last_post >= 0
    assert m.covered_days is None or 0 <= m.covered_days <= window
    assert m.own_posts + m.reposts == m.items_in_window
