"""Flags: the thresholds at their boundaries, and unknown never judged as dead."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.config import Thresholds
from auditor.metrics import compute_metrics
from auditor.models import OUTCOMES
from auditor.verdicts import fix_message, judge, outcome_message
from tests.conftest import AS_OF, COMPLETE_PROFILE, make_items, make_record

T = Thresholds()


def codes(record, thresholds: Thresholds = T) -> list[str]:
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=thresholds)
    return [flag.code for flag in judge(record, metrics, thresholds)]


def flags(record, thresholds: Thresholds = T):
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=thresholds)
    return {flag.code: flag for flag in judge(record, metrics, thresholds)}


@pytest.mark.parametrize(("days", "expected"), [
    (29, []), (30, ["STALE"]), (89, ["STALE"]), (90, ["DEAD"]), (400, ["DEAD"]),
])
def test_activity_boundaries(days: int, expected: list[str]) -> None:
    assert codes(make_record(items=make_items([(days, "original")]))) == expected


def test_dead_reason_carries_the_numbers_and_evidence() -> None:
    flag = flags(make_record(items=make_items([(212, "original")])))["DEAD"]
    assert flag.severity == "high"
    assert str(flag.reason) == "last post 212 days ago, threshold 90"
    assert flag.evidence["last_post_url"] == "https://mastodon.example/@t/0"
    assert flag.evidence["last_post_at"].startswith("2026-04-")


def test_thresholds_come_from_the_config() -> None:
    record = make_record(items=make_items([(100, "original")]))
    assert codes(record, Thresholds(dead_after_days=120)) == ["STALE"]


@pytest.mark.parametrize(("total", "expected"), [(0, True), (2, True), (3, False)])
def test_never_used(total: int, expected: bool) -> None:
    profile = replace(COMPLETE_PROFILE, posts_total=total)
    items = make_items([(300, "original")] * min(total, 2))
    found = codes(make_record(items=items, profile=profile))
    assert ("NEVER_USED" in found) is expected
    if expected:
        assert "DEAD" not in found  # never used says it already


@pytest.mark.parametrize(("own", "replies", "flagged"), [
    (19, 0, False),   # too few posts to judge
    (20, 1, True),    # 5%
    (20, 2, False),   # exactly 10% is not below the threshold
    (50, 4, True),
])
def test_broadcast_only(own: int, replies: int, flagged: bool) -> None:
    spec = [(1 + d, "reply") for d in range(replies)]
    spec += [(1 + d, "original") for d in range(own - replies)]
    found = flags(make_record(items=make_items(spec)))
    assert ("BROADCAST_ONLY" in found) is flagged
    if flagged:
        flag = found["BROADCAST_ONLY"]
        assert f"of {own} own posts" in str(flag.reason) and "threshold 10%" in str(flag.reason)
        assert flag.evidence["posts"] and flag.evidence["replies"] == replies


@pytest.mark.parametrize(("outcome", "code"), [("not_found", "GONE"), ("gone", "GONE")])
def test_gone(outcome: str, code: str) -> None:
    assert codes(make_record(outcome=outcome, profile=None)) == [code]


@pytest.mark.parametrize("outcome", [o for o in OUTCOMES
                                     if o not in ("ok", "not_found", "gone", "observed")])
def test_unreadable_profiles_never_get_activity_flags(outcome: str) -> None:
    # even with old items and a tiny post count in hand, an unread profile is not judged
    profile = replace(COMPLETE_PROFILE, posts_total=1)
    record = make_record(outcome=outcome, items=make_items([(500, "original")]), profile=profile)
    found = codes(record)
    assert found == ["UNAUDITABLE"]
    flag = flags(record)["UNAUDITABLE"]
    assert flag.evidence["outcome"] == outcome
    # the outcome in words, e.g. "login wall"
    assert str(outcome_message(outcome)) in str(flag.reason)


def test_incomplete_severity() -> None:
    no_photo = replace(COMPLETE_PROFILE, avatar_is_default=True)
    no_bio = replace(COMPLETE_PROFILE, bio="")
    no_banner = replace(COMPLETE_PROFILE, banner_is_default=True)
    recent = make_items([(1, "original")])
    assert flags(make_record(items=recent, profile=no_photo))["INCOMPLETE"].severity == "high"
    assert flags(make_record(items=recent, profile=no_bio))["INCOMPLETE"].severity == "medium"
    banner = flags(make_record(items=recent, profile=no_banner))["INCOMPLETE"]
    assert banner.severity == "low"
    assert banner.evidence["missing"] == ["banner"]
    assert "completeness 95/100" in str(banner.reason)


def test_healthy_profile_has_no_flags() -> None:
    spec = [(d, "reply" if d % 3 == 0 else "original") for d in range(1, 60)]
    assert codes(make_record(items=make_items(spec))) == []


def test_a_lagging_post_counter_does_not_make_an_active_account_never_used() -> None:
    profile = replace(COMPLETE_PROFILE, posts_total=0)
    record = make_record(items=make_items([(1, "original")] * 10), profile=profile)
    assert "NEVER_USED" not in codes(record)


def test_automated_fix_gives_one_piece_of_advice_per_sign() -> None:
    both = fix_message("AUTOMATED", ("same_minute", "own_link"))
    assert both is not None and both.id == "fix.AUTOMATED"
    assert str(both) == ("Show that a person is behind the account: write posts that say "
                         "something themselves, not only a link to your website; post by hand "
                         "at varied moments, not always at the same minute past the hour.")
    assert str(fix_message("AUTOMATED")) == ("Show that a person is behind the account: post "
                                             "and answer by hand.")
    assert fix_message("DEAD") is not None and fix_message("NOPE") is None


@pytest.mark.parametrize("avatar", ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=",
                                    "file:///etc/passwd", "/relative/avatar.png"])
def test_an_avatar_that_is_no_http_address_is_no_photo(avatar: str) -> None:
    # issue 17: a javascript: or data: "avatar" counted as a photo
    record = make_record(items=make_items([(1, "original")]),
                         profile=replace(COMPLETE_PROFILE, avatar_url=avatar,
                                         avatar_is_default=False))
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=Thresholds())
    assert metrics.completeness.checks["photo"] is False
    assert str(metrics.completeness.notes["photo"]) == ("the avatar is not an image address "
                                                        "(only http and https are)")
    flag = next(f for f in judge(record, metrics, Thresholds()) if f.code == "INCOMPLETE")
    assert flag.severity == "high"
