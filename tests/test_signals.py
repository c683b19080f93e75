"""Frequency detail, automation evidence, consistency and per-role thresholds (issue 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.audit import judge_audit
from auditor.config import ConfigError, Thresholds, config_from_data
from auditor.consistency import consistency_findings, crossposts
from auditor.metrics import compute_metrics, is_link_only
from auditor.models import ITEM_KINDS, Item, ProfileRecord
from auditor.verdicts import judge
from tests.conftest import AS_OF, COMPLETE_PROFILE, make_items, make_record
from tests.fuzzdepth import fuzz_examples

T = Thresholds()


def metrics_of(record, *, own_hosts=(), thresholds: Thresholds = T):
    return compute_metrics(record, AS_OF, window_days=90, thresholds=thresholds,
                           own_hosts=own_hosts)


def codes(record, *, own_hosts=()) -> list[str]:
    metrics = metrics_of(record, own_hosts=own_hosts)
    return sorted(flag.code for flag in judge(record, metrics, T))


# -- frequency ----------------------------------------------------------------------------

def test_gaps_between_own_posts() -> None:
    # own posts 1, 3, 4 and 10 days ago; the repost in between does not count
    items = make_items([(1, "original"), (2, "repost"), (3, "reply"), (4, "original"),
                        (10, "self_reply")], scheduled=True)
    m = metrics_of(make_record(items=items))
    assert m.longest_gap_days == 6.0
    assert m.median_gap_days == 2.0


def test_gaps_need_two_posts() -> None:
    m = metrics_of(make_record(items=make_items([(5, "original")])))
    assert m.median_gap_days is None and m.longest_gap_days is None
    assert "a gap needs two" in str(m.null_reasons["median_gap_days"])


def test_weekday_and_hour_profile_count_own_posts() -> None:
    monday_9 = datetime(2026, 10, 26, 9, 15, tzinfo=UTC)
    items = tuple(Item(id=str(i), published_at=monday_9 - timedelta(days=7 * i), kind=kind)
                  for i, kind in enumerate(["original", "reply", "repost", "original"]))
    m = metrics_of(make_record(items=items))
    assert m.weekday_profile == (3, 0, 0, 0, 0, 0, 0)
    assert m.hour_profile[9] == 3 and sum(m.hour_profile) == 3


def test_weekly_buckets_cover_the_window_and_mark_unknown_weeks() -> None:
    spec = [(d, "original") for d in range(1, 20)] + [(d + 0.5, "reply") for d in range(1, 6)]
    m = metrics_of(make_record(items=make_items(spec), cap=True))
    assert len(m.weekly) == 13
    assert sum(b.posts for b in m.weekly) == 19 and sum(b.replies for b in m.weekly) == 5
    assert m.weekly[-1].covered and not m.weekly[0].covered  # the sample reaches 19 days back
    assert [b.start for b in m.weekly] == sorted(b.start for b in m.weekly)


# -- automation ---------------------------------------------------------------------------

def _link_post(index: int, days: float, text: str, link: str) -> Item:
    return Item(id=f"l{index}", published_at=AS_OF - timedelta(days=days, minutes=index * 7),
                kind="original", text=text, links=(link,))


@pytest.mark.parametrize(("text", "link", "expected"), [
    ("https://www.spaak.example/blog/1", "https://www.spaak.example/blog/1", True),
    ("Nieuw op de blog: https://spaak.example/x", "https://spaak.example/x", True),
    ("Lees hier https://shop.spaak.example/a", "https://shop.spaak.example/a", True),
    ("Nieuw: https://other.example/x", "https://other.example/x", False),
    (" ".join(["woord"] * 13) + " https://www.spaak.example/", "https://www.spaak.example/",
     False),
])
def test_link_only_posts(text: str, link: str, expected: bool) -> None:
    assert is_link_only(_link_post(0, 1, text, link), {"www.spaak.example"}) is expected


@pytest.mark.parametrize(("link_posts", "flagged"), [(7, False), (8, True), (10, True)])
def test_automated_by_link_only_share(link_posts: int, flagged: bool) -> None:
    items = [_link_post(i, i + 1, "Nieuw: https://www.spaak.example/p", "https://www.spaak.example/p")
             for i in range(link_posts)]
    items += [Item(id=f"o{i}", published_at=AS_OF - timedelta(days=i + 1, minutes=i * 11 + 3),
                   kind="original", text="Een gewone post met wat meer woorden erin")
              for i in range(10 - link_posts)]
    record = make_record(items=tuple(items))
    assert ("AUTOMATED" in codes(record, own_hosts={"www.spaak.example"})) is flagged
    m = metrics_of(record, own_hosts={"www.spaak.example"})
    assert m.automation.own_link_posts == link_posts
    assert m.automation.own_link_share == link_posts / 10


def test_dates_without_a_time_of_day_say_nothing_about_the_minute() -> None:
    # a feed that only gives dates: every item at 00:00 is not a scheduler
    record = make_record(items=make_items([(d, "original") for d in range(1, 30)],
                                          scheduled=True))
    assert metrics_of(record).automation.same_minute_share is None
    assert "AUTOMATED" not in codes(record)


def test_automation_needs_ten_posts() -> None:
    record = make_record(items=make_items([(d, "original") for d in range(1, 10)],
                                          scheduled=True))
    m = metrics_of(record)
    assert m.automation.same_minute_share is None
    assert "AUTOMATED" not in codes(record)


@pytest.mark.parametrize(("at_minute", "flagged"), [(5, False), (6, True), (10, True)])
def test_automated_by_fixed_minute(at_minute: int, flagged: bool) -> None:
    # `at_minute` of 10 posts go out at :00, the others at different minutes
    items = tuple(Item(id=str(i), kind="original",
                       published_at=AS_OF - timedelta(days=i + 1, hours=i % 5 + 1,
                                                      minutes=0 if i < at_minute else 7 * i))
                  for i in range(10))
    record = make_record(items=items)
    m = metrics_of(record)
    assert m.automation.top_minute == 0
    assert m.automation.same_minute_share == at_minute / 10
    found = [f for f in judge(record, m, T) if f.code == "AUTOMATED"]
    assert bool(found) is flagged
    if flagged:
        assert "minute 00" in str(found[0].reason) and "threshold 60%" in str(found[0].reason)


def test_automated_fix_follows_the_signs_raised() -> None:
    # issue 17: posting at minute 00 got advice about cross-posting
    items = tuple(Item(id=str(i), kind="original",
                       published_at=AS_OF - timedelta(days=i + 1, hours=i % 5 + 1))
                  for i in range(10))
    record = make_record(items=items)
    flag = next(f for f in judge(record, metrics_of(record), T) if f.code == "AUTOMATED")
    assert flag.evidence["signs"] == ["same_minute"]
    assert flag.fix is not None and flag.fix.id == "fix.AUTOMATED"
    assert str(flag.fix) == ("Show that a person is behind the account: post by hand at varied "
                             "moments, not always at the same minute past the hour.")
    assert "cross-post" not in str(flag.fix)


def test_automated_fix_names_each_sign_once() -> None:
    texts = [f"Nieuwe actie nummer {i} in de winkel deze week voor iedereen" for i in range(12)]
    a = replace(_texts("https://m.example/@a", texts), organisation="Spaak", role="client")
    b = replace(_texts("https://m.example/@b", texts), organisation="Spaak", role="client")
    config = config_from_data({"organisation": [
        {"name": "Spaak", "role": "client", "profiles": [a.url, b.url]}]}, path=None)
    result = judge_audit(config, [a, b], as_of=AS_OF, generated_at=AS_OF)
    flag = next(f for f in next(iter(result.profiles())).flags if f.code == "AUTOMATED")
    assert flag.evidence["signs"] == ["crosspost"]
    assert str(flag.fix) == ("Show that a person is behind the account: write for each network "
                             "instead of the same text everywhere: automatic cross-posting "
                             "reads as nobody being there.")


def test_broadcast_only_carries_automation_evidence() -> None:
    spec = [(d + 1, "original") for d in range(25)]
    record = make_record(items=make_items(spec))
    flag = next(f for f in judge(record, metrics_of(record), T) if f.code == "BROADCAST_ONLY")
    assert flag.evidence["automation"]["basis_posts"] == 25
    assert flag.evidence["automation"]["same_minute_share"] is not None


def _texts(url: str, texts: list[str], kind: str = "original"):
    items = tuple(Item(id=f"{url}-{i}", kind=kind, text=text, url=f"{url}/{i}",
                       published_at=AS_OF - timedelta(days=i + 1, minutes=i * 13))
                  for i, text in enumerate(texts))
    return make_record(url=url, items=items)


def test_crossposts_exact_and_near_identical() -> None:
    shared = "Zaterdag open van negen tot vijf uur met koffie"
    a = _texts("https://m.example/@a", [shared, "Nieuwe fietsen staan in de winkel klaar",
                                        "kort"])
    b = _texts("https://m.example/@b", [shared + "!", "Iets heel anders over de werkplaats "
                                                      "en banden", "kort"])
    found = crossposts([a, b])
    assert found[a.url].posts == 1 and found[a.url].with_profiles == (b.url,)
    assert found[b.url].posts == 1  # near-identical: one character more
    assert found[a.url].basis == 3


def test_replies_and_short_texts_are_not_crossposts() -> None:
    a = _texts("https://m.example/@a", ["Dank je voor je vraag over de ketting"], kind="reply")
    b = _texts("https://m.example/@b", ["Dank je voor je vraag over de ketting"], kind="reply")
    c = _texts("https://m.example/@c", ["Open", "Open"])
    d = _texts("https://m.example/@d", ["Open"])
    assert crossposts([a, b])[a.url].posts == 0
    assert crossposts([c, d])[c.url].posts == 0


def test_crossposting_raises_automated_in_an_audit() -> None:
    texts = [f"Nieuwe actie nummer {i} in de winkel deze week voor iedereen" for i in range(12)]
    a = replace(_texts("https://m.example/@a", texts), organisation="Spaak", role="client")
    b = replace(_texts("https://m.example/@b", texts), organisation="Spaak", role="client")
    config = config_from_data({"organisation": [
        {"name": "Spaak", "role": "client", "profiles": [a.url, b.url]}]}, path=None)
    result = judge_audit(config, [a, b], as_of=AS_OF, generated_at=AS_OF)
    for profile in result.profiles():
        flag = next(f for f in profile.flags if f.code == "AUTOMATED")
        assert "100% of own posts repeat the text of" in str(flag.reason)
        assert profile.metrics.automation.crossposted == 12


# -- consistency --------------------------------------------------------------------------

def _profile(url: str, **changes):
    return make_record(url=url, profile=replace(COMPLETE_PROFILE, **changes))


def test_display_names_sharing_a_word_are_consistent() -> None:
    records = [_profile("https://m.example/@a", display_name="Spaak Fietsen"),
               _profile("https://m.example/@b", display_name="Spaak Nieuws"),
               _profile("https://m.example/@c", display_name="SPAAK fietsen Utrecht")]
    findings = consistency_findings(records, None, "Spaak Fietsen")
    assert [(f.kind, f.profiles) for f in findings] == []
    records.append(_profile("https://m.example/@d", display_name="Bakkerij de Graaf"))
    findings = consistency_findings(records, None, "Spaak Fietsen")
    assert [(f.kind, f.profiles) for f in findings] == [("display_name", ("https://m.example/@d",))]


def test_a_different_avatar_and_a_foreign_website_link() -> None:
    records = [_profile("https://m.example/@a", avatar_sha256="aa"),
               _profile("https://m.example/@b", avatar_sha256="aa"),
               _profile("https://m.example/@c", avatar_sha256="bb",
                        links=("https://oude-site.example/",))]
    findings = consistency_findings(records, "https://www.spaak.example", "Spaak")
    kinds = sorted((f.kind, f.profiles[0]) for f in findings)
    assert kinds == [("avatar", "https://m.example/@c"), ("website", "https://m.example/@c")]
    website = next(f for f in findings if f.kind == "website")
    assert "oude-site.example" in str(website.message) and "spaak.example" in str(website.message)


def test_unread_profiles_are_not_compared() -> None:
    records = [_profile("https://m.example/@a", avatar_sha256="aa"),
               _profile("https://m.example/@b", avatar_sha256="aa"),
               replace(_profile("https://m.example/@c", avatar_sha256="bb"), outcome="error")]
    assert consistency_findings(records, None, "Spaak") == []


def test_inconsistent_flag_in_an_audit() -> None:
    a = replace(_profile("https://m.example/@a"), organisation="Spaak", role="client")
    b = replace(_profile("https://m.example/@b", links=("https://elders.example",)),
                organisation="Spaak", role="client")
    config = config_from_data({"organisation": [
        {"name": "Spaak", "role": "client", "website": "https://www.spaak.example",
         "profiles": [a.url, b.url]}]}, path=None)
    result = judge_audit(config, [a, b], as_of=AS_OF, generated_at=AS_OF)
    by_url = {p.record.url: p for p in result.profiles()}
    flag = next(f for f in by_url[b.url].flags if f.code == "INCONSISTENT")
    assert flag.severity == "low" and "elders.example" in str(flag.reason)
    assert flag.evidence["findings"][0]["kind"] == "website"
    assert not any(f.code == "INCONSISTENT" for f in by_url[a.url].flags)
    assert result.organisations[0].findings


# -- thresholds per role ------------------------------------------------------------------

def _audit_at(days: int, role: str, thresholds: dict):
    record = replace(make_record(items=make_items([(days, "original")])),
                     organisation="Org", role=role)
    config = config_from_data({"thresholds": thresholds, "organisation": [
        {"name": "Org", "role": role, "profiles": [record.url]}]}, path=None)
    result = judge_audit(config, [record], as_of=AS_OF, generated_at=AS_OF)
    return sorted(f.code for f in next(iter(result.profiles())).flags), result


@pytest.mark.parametrize(("role", "expected"), [("client", ["DEAD"]), ("competitor", ["STALE"])])
def test_role_thresholds(role: str, expected: list[str]) -> None:
    flags, result = _audit_at(120, role, {"dead_after_days": 100,
                                          "competitor": {"dead_after_days": 180}})
    assert flags == expected
    assert result.role_thresholds["competitor"].dead_after_days == 180
    assert result.role_thresholds["competitor"].stale_after_days == 30  # inherited


@pytest.mark.parametrize(("thresholds", "message"), [
    ({"competitor": {"dead_after_dayz": 10}}, "thresholds.competitor.dead_after_dayz: unknown "
                                              "key (did you mean 'dead_after_days'?)"),
    ({"person": {"automated_link_share": 2}}, "thresholds.person.automated_link_share: must be "
                                              "a number from 0 to 1"),
    ({"competitor": {"stale_after_days": 200}}, "thresholds.competitor.stale_after_days: 200 is "
                                                "more than dead_after_days (90)"),
    ({"competitor": 5}, "thresholds.competitor: must be a table"),
])
def test_role_thresholds_are_validated(thresholds: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_data({"thresholds": thresholds, "organisation": [
            {"name": "Org", "profiles": ["https://m.example/@a"]}]}, path=None)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


# -- properties ---------------------------------------------------------------------------

_naive_or_aware = st.one_of(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1),
                 timezones=st.just(UTC)),
)
_items = st.lists(st.builds(Item, id=st.text(max_size=4), published_at=_naive_or_aware,
                            kind=st.sampled_from(ITEM_KINDS), text=st.text(max_size=40),
                            links=st.lists(st.sampled_from(["https://www.spaak.example/a",
                                                            "https://x.example/"]),
                                           max_size=2).map(tuple)),
                  max_size=50)


@settings(max_examples=fuzz_examples(200), deadline=None)
@given(items=_items, exhausted=st.booleans(), cap=st.booleans())
def test_signals_never_crash_and_stay_in_range(items, exhausted, cap) -> None:
    record = make_record(items=tuple(items), exhausted=exhausted, cap=cap)
    m = metrics_of(record, own_hosts={"www.spaak.example"})
    for share in (m.automation.own_link_share, m.automation.same_minute_share):
        assert share is None or 0 <= share <= 1
    assert m.median_gap_days is None or 0 <= m.median_gap_days <= (m.longest_gap_days or 0)
    assert sum(m.weekday_profile) == sum(m.hour_profile) == m.own_posts
    assert sum(b.posts + b.replies for b in m.weekly) <= m.own_posts
    judge(record, m, T)
    crossposts([record, replace(record, url="https://m.example/@other")])


@settings(max_examples=fuzz_examples(100), deadline=None)
@given(items=_items, outcome=st.sampled_from(["error", "blocked", "rate_limited",
                                              "login_wall", "robots_disallowed"]))
def test_unread_profiles_never_get_activity_or_automation_flags(items, outcome) -> None:
    record = make_record(items=tuple(items), outcome=outcome)
    found = codes(record)
    assert not set(found) & {"DEAD", "STALE", "NEVER_USED", "BROADCAST_ONLY", "AUTOMATED"}
    assert "UNAUDITABLE" in found


def _person(url: str, name: str, photo: str, username: str) -> ProfileRecord:
    return replace(_profile(url, display_name=name, avatar_sha256=photo, username=username),
                   organisation="Quick check", role="person")


def test_check_of_different_peoples_urls_invents_no_inconsistency() -> None:
    # issue 17: `auditor check` puts every URL in one organisation; two people's profiles
    # disagree on name and photo without anything being wrong with either
    from auditor.config import config_from_urls

    jan = _person("https://m.example/@jan", "Jan de Vries", "a" * 64, "jan")
    jan_bsky = _person("https://m.example/@jandevries", "Jan de Vries (fietsen)", "a" * 64,
                       "jandevries")
    anna = _person("https://m.example/@anna", "Anna Bakker", "b" * 64, "anna")
    shop = _person("https://m.example/@graaf", "Bakkerij de Graaf", "c" * 64, "graaf")
    records = [jan, jan_bsky, anna, shop]
    config = config_from_urls([r.url for r in records])
    result = judge_audit(config, records, as_of=AS_OF, generated_at=AS_OF)
    (organisation,) = result.organisations
    assert organisation.findings == ()
    assert not [f.code for p in result.profiles() for f in p.flags if f.code == "INCONSISTENT"]
    # the same profiles declared as one organisation's are compared as before
    declared = config_from_data({"organisation": [
        {"name": "Jan de Vries", "role": "person", "profiles": [r.url for r in records]}]},
        path=None)
    result = judge_audit(declared, records, as_of=AS_OF, generated_at=AS_OF)
    flagged = {p.record.url for p in result.profiles()
               if any(f.code == "INCONSISTENT" for f in p.flags)}
    assert flagged == {anna.url, shop.url}


def test_check_still_compares_the_profiles_that_belong_together() -> None:
    from auditor.config import config_from_urls

    records = [_person("https://m.example/@jan", "Jan de Vries", "a" * 64, "jan"),
               _person("https://m.example/@jan2", "Jan de Vries", "a" * 64, "jan2"),
               _person("https://m.example/@jan3", "Jan de Vries", "d" * 64, "jan3")]
    config = config_from_urls([r.url for r in records])
    result = judge_audit(config, records, as_of=AS_OF, generated_at=AS_OF)
    (organisation,) = result.organisations
    assert [(f.kind, f.profiles) for f in organisation.findings] == [
        ("avatar", ("https://m.example/@jan3",))]
