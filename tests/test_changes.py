"""What changed between audit runs: three judged runs of one config whose records change."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from auditor.audit import AuditResult, judge_audit
from auditor.changes import (
    AUDIENCE,
    CAME_BACK,
    COMPLETENESS,
    FLAG_CLEARED,
    FLAG_NEW,
    NEW_BIO,
    NEW_NAME,
    NEW_PHOTO,
    NOT_RECHECKED,
    READ_AGAIN,
    WENT_QUIET,
    Change,
    Changes,
    ProfileChanges,
    changes_between,
    changes_data,
    changes_since_last,
)
from auditor.config import AuditConfig, config_from_data
from auditor.history import HistoryStore, store_result
from auditor.models import ProfileRecord
from auditor.snapshots import snapshot_of
from tests.conftest import AS_OF, COMPLETE_PROFILE, make_items, make_record

SPAAK = "https://mastodon.example/@spaak"
NIEUWS = "https://mastodon.example/@spaaknieuws"
OUD = "https://mastodon.example/@spaak_oud"
RATEL = "https://mastodon.example/@ratel"

#: The three audits, a month apart.
T1, T2, T3 = AS_OF - timedelta(days=60), AS_OF - timedelta(days=30), AS_OF

CONFIG_DATA = {
    "audit": {"name": "Presence audit"},
    "organisation": [
        {"name": "Spaak Fietsen", "role": "client", "profiles": [SPAAK, NIEUWS, OUD]},
        {"name": "Ratel Tweewielers", "role": "competitor", "profiles": [RATEL]},
    ],
}
CONFIG_TOML = """
[audit]
name = "Presence audit"

[[organisation]]
name = "Spaak Fietsen"
role = "client"
profiles = ["https://mastodon.example/@spaak", "https://mastodon.example/@spaaknieuws",
            "https://mastodon.example/@spaak_oud"]

[[organisation]]
name = "Ratel Tweewielers"
role = "competitor"
profiles = ["https://mastodon.example/@ratel"]
"""


def scenario_config(path: Path | None = None) -> AuditConfig:
    return config_from_data(CONFIG_DATA, path=path)


def _chatty(as_of: datetime, *, replies: int = 5, newest: int = 1) -> tuple:
    """25 own posts over the last ~50 days, ``replies`` of them replies to others."""
    spec = [(newest + 2 * i, "reply" if i < replies else "original") for i in range(25)]
    return make_items(spec, as_of=as_of)


def run_records(run: int) -> list[ProfileRecord]:
    """The records of run 1, 2 or 3 (each at T1, T2, T3)."""
    as_of = {1: T1, 2: T2, 3: T3}[run]
    spaak_profile = dataclasses.replace(COMPLETE_PROFILE, posts_total={1: 500, 2: 512,
                                                                       3: 530}[run])
    if run >= 2:  # a new bio from run 2 on
        spaak_profile = dataclasses.replace(
            spaak_profile, posts_total=spaak_profile.posts_total,
            bio="Fietsenmaker en reparaties in Utrecht. Bel 030-1234567, info@spaak.example.")
    no_total = dataclasses.replace(COMPLETE_PROFILE, posts_total=None)
    spaak = make_record(url=SPAAK, items=_chatty(as_of), profile=spaak_profile)
    # Broadcast only in run 1, answering people from run 2 on.
    nieuws = make_record(url=NIEUWS, items=_chatty(as_of, replies=0 if run == 1 else 6),
                         profile=no_total)
    # Active in run 1; nothing since 5 days before run 1 (STALE in run 2); back in run 3.
    if run == 1:
        oud_items = _chatty(as_of, newest=5)
    elif run == 2:
        oud_items = _chatty(T1, newest=5)
    else:
        oud_items = (*make_items([(3, "original")], as_of=as_of), *_chatty(T1, newest=5))
    oud = make_record(url=OUD, items=oud_items, profile=no_total)
    # Complete in run 1; the photo is gone in run 2; the server errs in run 3.
    if run == 1:
        ratel = make_record(url=RATEL, items=_chatty(as_of), profile=COMPLETE_PROFILE)
    elif run == 2:
        ratel = make_record(url=RATEL, items=_chatty(as_of),
                            profile=dataclasses.replace(COMPLETE_PROFILE, avatar_url=None))
    else:
        ratel = make_record(url=RATEL, outcome="error", outcome_detail="HTTP 502",
                            profile=None)
    return [spaak, nieuws, oud, ratel]


def run_result(run: int, config: AuditConfig | None = None,
               records: list[ProfileRecord] | None = None) -> AuditResult:
    as_of = {1: T1, 2: T2, 3: T3, 4: T3 + timedelta(days=30)}[run]
    return judge_audit(config or scenario_config(), records or run_records(run), as_of=as_of,
                       generated_at=as_of + timedelta(hours=1))


def profile(changes: Changes, url: str) -> ProfileChanges:
    return next(p for p in changes.profiles() if p.url == url)


def kinds(entry: ProfileChanges) -> list[str]:
    return [change.kind for change in entry.changes]


def only(entry: ProfileChanges, kind: str) -> Change:
    found = [change for change in entry.changes if change.kind == kind]
    assert len(found) == 1, entry.changes
    return found[0]


def store_three_runs(db: Path, config: AuditConfig) -> list[int]:
    with HistoryStore(db) as store:
        return [store_result(store, config, run_result(run, config), completed=True,
                             started_at={1: T1, 2: T2, 3: T3}[run]) for run in (1, 2, 3)]


# --- the scenario's own premises ---------------------------------------------------------


def test_the_scenario_judges_as_intended() -> None:
    flags = {run: {p.record.url: [f.code for f in p.flags] for p in run_result(run).profiles()}
             for run in (1, 2, 3)}
    assert flags[1] == {SPAAK: [], NIEUWS: ["BROADCAST_ONLY"], OUD: [], RATEL: []}
    assert flags[2] == {SPAAK: [], NIEUWS: [], OUD: ["STALE"], RATEL: ["INCOMPLETE"]}
    assert flags[3] == {SPAAK: [], NIEUWS: [], OUD: [], RATEL: ["UNAUDITABLE"]}


# --- pure diff over snapshots ------------------------------------------------------------


def test_run_one_to_two_flags_quiet_bio_and_posts() -> None:
    changes = changes_between(snapshot_of(run_result(1), run_id=1),
                              snapshot_of(run_result(2), run_id=2))
    assert changes.days_between == 30

    ratel = profile(changes, RATEL)  # a flag appears
    new = only(ratel, FLAG_NEW)
    assert new.numbers["code"] == "INCOMPLETE" and new.numbers["severity"] == "high"
    assert str(new.message).startswith("new flag INCOMPLETE (high): missing: photo")
    assert ratel.flags_before == () and ratel.flags_after == ("INCOMPLETE",)
    completeness = only(ratel, COMPLETENESS)
    assert completeness.numbers == {"score_before": 100, "score_after": 70, "gained": [],
                                    "lost": ["photo"]}
    assert str(completeness.message) == "completeness 100 → 70/100 (now missing: photo)"

    nieuws = profile(changes, NIEUWS)  # one clears
    cleared = only(nieuws, FLAG_CLEARED)
    assert cleared.numbers["code"] == "BROADCAST_ONLY"
    assert str(cleared.message).startswith("BROADCAST_ONLY cleared (was: 0% of 25 own posts")

    oud = profile(changes, OUD)  # goes quiet
    quiet = only(oud, WENT_QUIET)
    assert str(quiet.message) == "went quiet (STALE): last post 35 days ago"
    assert quiet.numbers["flags_after"] == ["STALE"]
    assert quiet.numbers["days_since_last_post"] == 35
    assert FLAG_NEW not in kinds(oud)  # the activity change is told once, not twice

    spaak = profile(changes, SPAAK)  # a new bio, and 12 posts counted from the totals
    assert kinds(spaak) == [NEW_BIO]
    assert spaak.posting is not None
    assert spaak.posting.numbers["posts_between"] == 12
    assert spaak.posting.numbers["source"] == "posts_total"
    assert spaak.posting.numbers["exact"] is True
    assert str(spaak.posting.message).startswith("12 posts since run 1 (30 days)")

    assert changes.counts["new_flags"] == 1 and changes.counts["cleared_flags"] == 1
    assert changes.counts["went_quiet"] == 1 and changes.counts["profile_changes"] == 1
    assert str(changes.summary) == ("1 new flag, 1 cleared; 1 account went quiet; "
                               "1 profile with a new name, bio or photo; "
                               "1 completeness change")


def test_posts_between_audits_from_items_when_no_total() -> None:
    changes = changes_between(snapshot_of(run_result(1), run_id=1),
                              snapshot_of(run_result(2), run_id=2))
    posting = profile(changes, NIEUWS).posting
    assert posting is not None
    # Items at 1, 3, ... 49 days before run 2: those newer than run 1 (30 days) count.
    assert posting.numbers["posts_between"] == 15
    assert posting.numbers["source"] == "items"
    assert posting.numbers["exact"] is True  # the sample reaches back past run 1
    assert posting.numbers["posts_per_week_before"] == pytest.approx(25 * 7 / 49, abs=0.01)
    stale = profile(changes, OUD).posting
    assert stale is not None and stale.numbers["posts_between"] == 0


def test_posts_between_is_a_lower_bound_when_the_sample_stops_short() -> None:
    config = scenario_config()
    before = run_result(1)
    short = make_items([(day, "original") for day in range(1, 11)], as_of=T2)
    records = [*run_records(2)[:1],
               make_record(url=NIEUWS, items=short,
                           profile=dataclasses.replace(COMPLETE_PROFILE, posts_total=None)),
               *run_records(2)[2:]]
    after = run_result(2, config, records)
    posting = profile(changes_between(snapshot_of(before, run_id=1),
                                      snapshot_of(after, run_id=2)), NIEUWS).posting
    assert posting is not None
    assert posting.numbers["posts_between"] == 10 and posting.numbers["exact"] is False
    assert str(posting.message).startswith("at least 10 posts since run 1")


def test_an_unreadable_profile_keeps_its_verdict_marked_not_rechecked() -> None:
    changes = changes_between(snapshot_of(run_result(2), run_id=2),
                              snapshot_of(run_result(3), run_id=3))
    ratel = profile(changes, RATEL)
    assert ratel.status == "not_rechecked"
    assert kinds(ratel) == [NOT_RECHECKED]  # never "INCOMPLETE cleared", never UNAUDITABLE new
    entry = ratel.changes[0]
    assert str(entry.message) == ("not re-checked (error: HTTP 502), last known verdict from "
                             "run 2: INCOMPLETE")
    assert entry.numbers["verdict_run"] == 2
    assert ratel.flags_before == ("INCOMPLETE",) and ratel.flags_after == ("INCOMPLETE",)
    assert ratel.verdict_run == 2
    assert [flag.code for flag in ratel.carried_flags] == ["INCOMPLETE"]
    assert ratel.posting is None
    assert changes.counts["cleared_flags"] == 0 and changes.counts["new_flags"] == 0
    assert changes.counts["not_rechecked"] == 1

    came_back = only(profile(changes, OUD), CAME_BACK)
    assert str(came_back.message) == "came back: posted again 2026-10-29 (3 days ago); was STALE"


def test_a_profile_read_again_is_compared_with_its_last_known_verdict(tmp_path: Path) -> None:
    config = scenario_config()
    with HistoryStore(tmp_path / "h.sqlite") as store:
        ids = [store_result(store, config, run_result(run, config), completed=True,
                            started_at=T1) for run in (1, 2, 3)]
        # Run 4: Ratel is read again, still without a photo.
        records = [*run_records(3)[:3],
                   make_record(url=RATEL, items=_chatty(T3 + timedelta(days=30)),
                               profile=dataclasses.replace(COMPLETE_PROFILE, avatar_url=None))]
        ids.append(store_result(store, config, run_result(4, config, records),
                                completed=True, started_at=T3))
        previous, current = store.load_run(ids[2]), store.load_run(ids[3])
    ratel = profile(changes_between(previous, current), RATEL)
    # Still INCOMPLETE, as in run 2: no new flag, no cleared flag, only "read again".
    assert kinds(ratel) == [READ_AGAIN]
    assert ratel.changes[0].numbers["compared_with_run"] == ids[1]
    assert ratel.flags_before == ("INCOMPLETE",) and ratel.flags_after == ("INCOMPLETE",)


def test_an_error_with_no_earlier_reading_has_no_verdict_to_keep() -> None:
    config = scenario_config()
    broken = [*run_records(1)[:3], make_record(url=RATEL, outcome="blocked", profile=None,
                                               outcome_detail="HTTP 403")]
    first = snapshot_of(run_result(1, config, broken), run_id=1)
    limited = make_record(url=RATEL, outcome="rate_limited", profile=None)
    second = snapshot_of(run_result(2, config, [*run_records(2)[:3], limited]), run_id=2)
    ratel = profile(changes_between(first, second), RATEL)
    assert ratel.status == "not_rechecked" and ratel.changed
    assert ratel.verdict_run is None and ratel.flags_after == ("UNAUDITABLE",)
    assert "no earlier run could read it" in str(ratel.changes[0].message)
    # Read at last in run 3: "read for the first time", not a burst of new flags.
    third = snapshot_of(run_result(3, config, [*run_records(3)[:3],
                                               make_record(url=RATEL, items=_chatty(T3))]),
                        run_id=3)
    ratel = profile(changes_between(second, third), RATEL)
    assert ratel.status == "first_read"
    assert str(ratel.changes[0].message) == (
        "read for the first time (before: rate_limited): no flags")
    # The same failure run after run, never read: listed, but not news.
    again = snapshot_of(run_result(2, config, [*run_records(2)[:3], broken[3]]), run_id=2)
    ratel = profile(changes_between(first, again), RATEL)
    assert ratel.status == "not_rechecked" and not ratel.changed
    assert changes_between(first, again).counts["not_rechecked"] == 0


def test_gone_supersedes_earlier_flags_instead_of_clearing_them() -> None:
    config = scenario_config()
    gone = [*run_records(2)[:3], make_record(url=RATEL, outcome="not_found", profile=None)]
    changes = changes_between(snapshot_of(run_result(2), run_id=2),
                              snapshot_of(run_result(3, config, gone), run_id=3))
    ratel = profile(changes, RATEL)
    assert kinds(ratel) == [FLAG_NEW]
    assert ratel.changes[0].numbers["code"] == "GONE"
    assert ratel.changes[0].numbers["previous_flags"] == ["INCOMPLETE"]


def test_new_name_and_new_photo_and_listing_changes() -> None:
    old_config = config_from_data({"audit": {"name": "Presence audit"}, "organisation": [
        {"name": "Spaak Fietsen", "role": "client", "profiles": [SPAAK, OUD]}]}, path=None)
    new_config = config_from_data({"audit": {"name": "Presence audit"}, "organisation": [
        {"name": "Spaak Fietsen", "role": "client", "profiles": [SPAAK, NIEUWS]}]}, path=None)
    renamed = dataclasses.replace(
        COMPLETE_PROFILE, display_name="Spaak \x1b[31mFietsen\x1b[0m",
        avatar_url="https://mastodon.example/avatars/new.jpg?sig=1")
    before = judge_audit(old_config, run_records(1), as_of=T1, generated_at=T1)
    after = judge_audit(new_config, [make_record(url=SPAAK, items=_chatty(T2), profile=renamed),
                                     *run_records(2)[1:]], as_of=T2, generated_at=T2)
    changes = changes_between(snapshot_of(before, run_id=1), snapshot_of(after, run_id=2))
    spaak = profile(changes, SPAAK)
    assert str(only(spaak, NEW_NAME).message) == "new name: “Fietsenmaker Spaak” → “Spaak Fietsen”"
    assert str(only(spaak, NEW_PHOTO).message) == "new profile photo"
    assert profile(changes, NIEUWS).status == "added"
    assert str(profile(changes, NIEUWS).changes[0].message) == "newly listed: no flags"
    assert profile(changes, OUD).status == "removed"
    assert changes.counts["added"] == 1 and changes.counts["removed"] == 1


def test_avatar_query_strings_are_not_a_new_photo() -> None:
    signed = dataclasses.replace(COMPLETE_PROFILE,
                                 avatar_url=COMPLETE_PROFILE.avatar_url + "?oe=123&oh=abc")
    config = scenario_config()
    after = run_result(2, config, [make_record(url=SPAAK, items=_chatty(T2), profile=signed),
                                   *run_records(2)[1:]])
    before = run_result(1)
    spaak = profile(changes_between(snapshot_of(before, run_id=1),
                                    snapshot_of(after, run_id=2)), SPAAK)
    assert NEW_PHOTO not in kinds(spaak)


def test_nothing_changed_says_so() -> None:
    result = run_result(1)
    changes = changes_between(snapshot_of(result, run_id=1), snapshot_of(result, run_id=2))
    assert str(changes.summary) == "no changes"
    assert all(not p.changed and p.status == "unchanged" for p in changes.profiles())


def test_follower_growth_is_told_beside_the_changes_and_is_no_change_itself() -> None:
    config = scenario_config()
    before = run_result(1, config, [
        make_record(url=SPAAK, items=_chatty(T1),
                    profile=dataclasses.replace(COMPLETE_PROFILE, followers=1200)),
        *run_records(1)[1:]])
    grown = dataclasses.replace(COMPLETE_PROFILE, followers=1340)
    after = run_result(1, config, [make_record(url=SPAAK, items=_chatty(T1), profile=grown),
                                   *run_records(1)[1:]])
    changes = changes_between(snapshot_of(before, run_id=1), snapshot_of(after, run_id=2))
    spaak = profile(changes, SPAAK)
    assert spaak.audience is not None and spaak.audience.kind == AUDIENCE
    assert str(spaak.audience.message) == "1200 → 1340 followers (+140)"
    assert spaak.audience.numbers["growth"] == round(140 / 1200, 4)
    # a follower count moves every month: it is told, but the profile did not "change"
    assert not spaak.changed and str(changes.summary) == "no changes"
    assert changes_data(changes)["organisations"][0]["profiles"][0]["audience"][
        "numbers"]["change"] == 140
    # unknown on either side: nothing to tell
    unknown = run_result(1, config, [
        make_record(url=SPAAK, items=_chatty(T1),
                    profile=dataclasses.replace(COMPLETE_PROFILE, followers=None)),
        *run_records(1)[1:]])
    assert profile(changes_between(snapshot_of(before, run_id=1),
                                   snapshot_of(unknown, run_id=2)), SPAAK).audience is None


def test_no_posts_and_the_same_rate_is_no_news() -> None:
    result = run_result(1)
    changes = changes_between(snapshot_of(result, run_id=1), snapshot_of(result, run_id=2))
    assert all(p.posting is None for p in changes.profiles())  # 0 posts, same rate


# --- since the last audit, from the history file ---------------------------------------------


def test_changes_since_last_compares_with_the_latest_complete_earlier_run(
        tmp_path: Path) -> None:
    db = tmp_path / "audit.history.sqlite"
    config = scenario_config(tmp_path / "audit.toml")
    assert changes_since_last(db, run_result(2, config)) is None  # no file: nothing
    assert not db.exists()  # and it was not created
    with HistoryStore(db) as store:
        first = store_result(store, config, run_result(1, config), completed=True,
                             started_at=T1)
        # An incomplete run later than run 1 is never "the last audit".
        store_result(store, config, run_result(2, config), completed=False, started_at=T2)
    current = run_result(3, config)
    changes = changes_since_last(db, current, config_path=config.path)
    assert changes is not None
    assert changes.previous.id == first and changes.current.id is None
    assert changes.days_between == 60
    # Ratel: run 1 had it complete and the current audit could not read it.
    ratel = profile(changes, RATEL)
    assert ratel.status == "not_rechecked" and ratel.verdict_run == first
    assert str(ratel.changes[0].message).endswith(f"last known verdict from run {first}: no flags")


def test_changes_since_last_never_compares_a_run_with_itself(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    config = scenario_config(tmp_path / "audit.toml")
    with HistoryStore(db) as store:
        first = store_result(store, config, run_result(1, config), completed=True,
                             started_at=T1)
        current = run_result(2, config)
        store_result(store, config, current, completed=True, started_at=T2)
    changes = changes_since_last(db, current, config_path=config.path)
    assert changes is not None and changes.previous.id == first


def test_changes_since_last_ignores_other_configs(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite"
    other = config_from_data({**CONFIG_DATA, "audit": {"name": "Another audit"}},
                             path=tmp_path / "other.toml")
    with HistoryStore(db) as store:
        store_result(store, other, run_result(1, other), completed=True, started_at=T1)
    assert changes_since_last(db, run_result(2), config_path=tmp_path / "audit.toml") is None


def test_changes_data_is_plain_json() -> None:
    import json

    data = changes_data(changes_between(snapshot_of(run_result(2), run_id=2),
                                        snapshot_of(run_result(3), run_id=3)))
    text = json.dumps(data)
    assert json.loads(text) == data
    assert set(data) == {"from_run", "to_run", "days_between", "summary", "summary_id", "counts",
                         "organisations"}
    ratel = data["organisations"][1]["profiles"][0]
    assert ratel["status"] == "not_rechecked" and ratel["verdict_run"] == 2
    assert ratel["changes"][0]["kind"] == NOT_RECHECKED
    assert ratel["carried_flags"][0]["code"] == "INCOMPLETE"
