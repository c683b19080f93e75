"""What changed between two audit runs: a pure diff of two snapshots, one entry per change.

Every entry has a one-line English message and the numbers behind it, so the reports and
the ``diff`` command can render it however they like. A profile the later run could not
read (error, blocked, rate limited, login wall, ...) is "not re-checked": it keeps its last
known verdict and never shows as "flags cleared".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from auditor.audit import AuditResult, OrganisationResult
from auditor.history import HistoryStore
from auditor.historydb import PostgresURL, parse_db, target_exists
from auditor.messages import Msg, join, known_text, msg, text
from auditor.models import MAX_NAME_CHARS, MAX_TEXT_CHARS, to_jsonable
from auditor.report import clean_text
from auditor.snapshots import (
    FlagSnapshot,
    ProfileSnapshot,
    RunInfo,
    RunSnapshot,
    config_path_key,
    organisation_snapshots,
    profile_snapshots,
    run_info_of,
)
from auditor.verdicts import FLAG_CODES, JUDGED_OUTCOMES

#: Flags that say how active an account is; their changes read as "went quiet"/"came back".
ACTIVITY_FLAGS: Final = ("NEVER_USED", "DEAD", "STALE")

#: Change kinds (``Change.kind``).
FLAG_NEW: Final = "flag_new"
FLAG_CLEARED: Final = "flag_cleared"
WENT_QUIET: Final = "went_quiet"
CAME_BACK: Final = "came_back"
ACTIVITY: Final = "activity"
COMPLETENESS: Final = "completeness"
NEW_NAME: Final = "new_name"
NEW_BIO: Final = "new_bio"
NEW_PHOTO: Final = "new_photo"
NOT_RECHECKED: Final = "not_rechecked"
READ_AGAIN: Final = "read_again"
FIRST_READ: Final = "first_read"
ADDED: Final = "added"
REMOVED: Final = "removed"
POSTING: Final = "posting"
AUDIENCE: Final = "audience"
#: Profile-level facts that changed (counted together as "profile changes").
FACT_KINDS: Final = frozenset({NEW_NAME, NEW_BIO, NEW_PHOTO})

#: ``ProfileChanges.status`` values.
STATUSES: Final = ("changed", "unchanged", "not_rechecked", "added", "removed", "first_read")


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    #: One line with the numbers in it, as a message.
    message: Msg
    numbers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    url: str
    platform: str
    handle: str | None
    display_name: str | None
    #: One of STATUSES.
    status: str
    #: What changed, most important first (flags, activity, completeness, profile facts).
    changes: tuple[Change, ...]
    #: Posts between the two audits and posts per week before/after, when measurable
    #: and when something changed (``0 → 0 posts a week`` is no news).
    posting: Change | None
    #: Flag codes of the verdict that stood before, and of the one that stands now.
    flags_before: tuple[str, ...]
    flags_after: tuple[str, ...]
    #: The run whose verdict stands now (for a profile not re-checked: an earlier run).
    verdict_run: int | None
    #: The standing verdict in full when it was carried over from an earlier run.
    carried_flags: tuple[FlagSnapshot, ...] = ()
    #: Followers before and after, when both runs read them and they differ.
    audience: Change | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True, slots=True)
class OrganisationChanges:
    name: str
    role: str | None
    profiles: tuple[ProfileChanges, ...]

    @property
    def changed(self) -> tuple[ProfileChanges, ...]:
        return tuple(profile for profile in self.profiles if profile.changed)


@dataclass(frozen=True, slots=True)
class Changes:
    previous: RunInfo
    current: RunInfo
    #: Days from the previous audit date to the current one.
    days_between: float | None
    organisations: tuple[OrganisationChanges, ...]
    #: new_flags, cleared_flags, went_quiet, came_back, not_rechecked, profile_changes,
    #: completeness_changes, added, removed, first_read, changed_profiles.
    counts: Mapping[str, int]
    #: One line ("2 new flags, 1 cleared; 1 account went quiet"), as a message.
    summary: Msg

    def profiles(self) -> tuple[ProfileChanges, ...]:
        return tuple(p for organisation in self.organisations for p in organisation.profiles)


# --- the diff ----------------------------------------------------------------------------


def changes_between(previous: RunSnapshot, current: RunSnapshot) -> Changes:
    """Everything that changed from ``previous`` to ``current``: a pure function."""
    return _changes(previous, current.profiles, lambda profiles, flags: current.run)


def _changes(previous: RunSnapshot, current: Iterable[ProfileSnapshot],
             current_run: Callable[[int, int], RunInfo]) -> Changes:
    """The diff, reading the current profiles once, one at a time; ``current_run(profiles,
    flags)`` gives the current run's row once they are counted."""
    collector = ChangeCollector(previous)
    collector.add_profiles(current)
    return collector.finish(current_run)


class ChangeCollector:
    """The diff built while the current audit is judged: each organisation's profiles are
    compared as they come (their posts dropped as soon as each is compared), so the audit
    is read once for every report, the history and the diff."""

    def __init__(self, previous: RunSnapshot, *, as_of: datetime | None = None) -> None:
        self.previous = previous
        self.as_of = as_of
        self._before = {profile.url: profile for profile in previous.profiles}
        self._now: set[str] = set()
        self._profiles = self._flags = 0
        self._groups: dict[str, tuple[str | None, list[ProfileChanges]]] = {}

    def append(self, organisation: OrganisationResult) -> None:
        """Compare one judged organisation (an :class:`auditor.audit.OrganisationSink`)."""
        self.add_profiles(organisation_snapshots(organisation, as_of=self.as_of))

    def add_profiles(self, profiles: Iterable[ProfileSnapshot]) -> None:
        for profile in profiles:
            self._now.add(profile.url)
            self._profiles += 1
            self._flags += len(profile.flags)
            entry = _profile_changes(self._before.get(profile.url), profile)
            self._groups.setdefault(profile.organisation, (profile.role, []))[1].append(entry)

    def finish(self, current_run: Callable[[int, int], RunInfo]) -> Changes:
        """The changes; ``current_run(profiles, flags)`` gives the current run's row."""
        groups = self._groups
        for profile in self.previous.profiles:
            if profile.url not in self._now:
                entry = _removed(profile)
                groups.setdefault(profile.organisation, (profile.role, []))[1].append(entry)
        organisations = tuple(OrganisationChanges(name, role, tuple(entries))
                              for name, (role, entries) in groups.items())
        counts = _counts(organisations)
        run = current_run(self._profiles, self._flags)
        previous = self.previous.run
        return Changes(
            previous=previous, current=run, days_between=_days(previous.as_of, run.as_of),
            organisations=organisations, counts=counts, summary=_summary(counts),
        )


def previous_run(db_path: str | Path | PostgresURL, *, config_path: str | Path | None, name: str,
                 as_of: datetime, generated_before: datetime) -> RunSnapshot | None:
    """The latest complete earlier run of the same config (same config path, or same audit
    name), without its posts; None when the file or such a run does not exist. Never
    creates the file; raises :class:`auditor.history.HistoryError` when it is not a usable
    history (e.g. written by a newer auditor)."""
    target = parse_db(db_path)
    if not target_exists(target):
        return None
    with HistoryStore(target) as store:
        previous = store.latest_complete_before(
            config_path=config_path_key(config_path), name=name, as_of=as_of,
            generated_before=generated_before)
        if previous is None or previous.id is None:
            return None
        return store.load_run(previous.id, items=False)


def changes_since_last(db_path: str | Path | PostgresURL, result: AuditResult, *,
                       config_path: str | Path | None = None) -> Changes | None:
    """Changes from the latest complete earlier run of the same config (same config path,
    or same audit name) to ``result``; None when the file or such a run does not exist."""
    previous = previous_run(db_path, config_path=config_path, name=result.name,
                            as_of=result.as_of, generated_before=result.generated_at)
    if previous is None:
        return None
    return _changes(previous, profile_snapshots(result),
                    lambda profiles, flags: run_info_of(result, run_id=None, profiles=profiles,
                                                        flags=flags))


def changes_data(changes: Changes) -> dict[str, Any]:
    """The changes as plain JSON-ready data (the ``diff --json`` shape)."""
    def run(info: RunInfo) -> dict[str, Any]:
        return {"id": info.id, "name": info.name, "as_of": to_jsonable(info.as_of),
                "generated_at": to_jsonable(info.generated_at), "completed": info.completed,
                "tool_version": info.tool_version}

    return {
        "from_run": run(changes.previous),
        "to_run": run(changes.current),
        "days_between": changes.days_between,
        "summary": str(changes.summary),
        "summary_id": to_jsonable(changes.summary),
        "counts": dict(changes.counts),
        "organisations": [
            {"name": organisation.name, "role": organisation.role,
             "profiles": [{
                 "url": p.url, "platform": p.platform, "handle": p.handle,
                 "display_name": p.display_name, "status": p.status, "changed": p.changed,
                 "flags_before": list(p.flags_before), "flags_after": list(p.flags_after),
                 "verdict_run": p.verdict_run,
                 "carried_flags": to_jsonable(p.carried_flags),
                 "changes": [_change_data(change) for change in p.changes],
                 "posting": _change_data(p.posting) if p.posting else None,
                 "audience": _change_data(p.audience) if p.audience else None,
             } for p in organisation.profiles]}
            for organisation in changes.organisations
        ],
    }


def _profile_changes(previous: ProfileSnapshot | None,
                     current: ProfileSnapshot) -> ProfileChanges:
    if previous is None:
        return _added(current)
    if not current.checked:
        return _not_rechecked(previous, current)
    standing = previous.effective
    if not standing.checked:
        return _first_read(previous, current)
    changes: list[Change] = []
    if standing is not previous:
        changes.append(Change(
            READ_AGAIN,
            msg("change.read_again", run=previous.run_id, outcome=_outcome_text(previous),
                standing=standing.run_id),
            {"unread_run": previous.run_id, "outcome": previous.outcome,
             "compared_with_run": standing.run_id}))
    changes += _flag_changes(standing, current)
    both_ok = standing.outcome == "ok" and current.outcome == "ok"
    # Observed by hand counts as a reading: its completeness is compared too; names,
    # bios and photos (which a sheet does not hold) only between two crawls.
    if standing.outcome in JUDGED_OUTCOMES and current.outcome in JUDGED_OUTCOMES:
        changes += _completeness_change(standing, current)
    if both_ok:
        changes += _fact_changes(standing, current)
    return _entry(current, "changed" if changes else "unchanged", changes,
                  posting=_posting(standing, current) if both_ok else None,
                  audience=_audience(standing, current) if both_ok else None,
                  flags_before=standing.flag_codes, flags_after=current.flag_codes,
                  verdict_run=current.run_id)


def _flag_changes(before: ProfileSnapshot, after: ProfileSnapshot) -> list[Change]:
    old = {flag.code: flag for flag in before.flags}
    new = {flag.code: flag for flag in after.flags}
    changes: list[Change] = []
    if "GONE" in new and "GONE" not in old:
        flag = new["GONE"]
        changes.append(Change(
            FLAG_NEW, msg("change.flag_new", code="GONE", severity=flag.severity,
                          reason=flag.reason),
            {"code": "GONE", "severity": flag.severity, "reason": flag.reason,
             "previous_flags": list(before.flag_codes)}))
        return changes  # the account is gone: its earlier flags are moot, not "cleared"
    handled: set[str] = set()
    active_before: list[str] = [code for code in ACTIVITY_FLAGS if code in old]
    active_after: list[str] = [code for code in ACTIVITY_FLAGS if code in new]
    if before.outcome in JUDGED_OUTCOMES and after.outcome in JUDGED_OUTCOMES \
            and active_before != active_after:
        handled = set(ACTIVITY_FLAGS)
        changes.append(_activity_change(before, after, active_before, active_after))
    for code in _ordered(set(new) - set(old) - handled):
        flag = new[code]
        changes.append(Change(
            FLAG_NEW, msg("change.flag_new", code=code, severity=flag.severity,
                          reason=flag.reason),
            {"code": code, "severity": flag.severity, "reason": flag.reason}))
    for code in _ordered(set(old) - set(new) - handled):
        flag = old[code]
        changes.append(Change(
            FLAG_CLEARED, msg("change.flag_cleared", code=code, reason=flag.reason),
            {"code": code, "severity": flag.severity, "previous_reason": flag.reason}))
    return changes


def _activity_change(before: ProfileSnapshot, after: ProfileSnapshot, old: list[str],
                     new: list[str]) -> Change:
    days = after.days_since_last_post
    last = msg("change.last_post", days=days) if days is not None else msg("change.no_post_seen")
    numbers = {"flags_before": old, "flags_after": new, "days_since_last_post": days,
               "last_post_at": to_jsonable(after.last_post_at),
               "days_since_last_post_before": before.days_since_last_post}
    if not old:
        return Change(WENT_QUIET, msg("change.went_quiet", flags=new, last=last), numbers)
    if not new:
        came_back = (msg("change.came_back", date=after.last_post_at.date().isoformat(),
                         days=days, flags=old)
                     if after.last_post_at is not None and days is not None else
                     msg("change.came_back_undated", flags=old))
        return Change(CAME_BACK, came_back, numbers)
    return Change(ACTIVITY, msg("change.activity", before=old, after=new, last=last), numbers)


def _completeness_change(before: ProfileSnapshot, after: ProfileSnapshot) -> list[Change]:
    gained = [name for name, value in after.completeness_checks.items()
              if value is True and before.completeness_checks.get(name) is False]
    lost = [name for name, value in after.completeness_checks.items()
            if value is False and before.completeness_checks.get(name) is True]
    if before.completeness_score == after.completeness_score and not gained and not lost:
        return []
    parts = []
    if gained:
        parts.append(msg("change.now_has", items=gained))
    if lost:
        parts.append(msg("change.now_missing", items=lost))
    scores = {"before": _score(before.completeness_score),
              "after": _score(after.completeness_score)}
    message = (msg("change.completeness_detail", **scores, detail=join(parts)) if parts
               else msg("change.completeness", **scores))
    return [Change(COMPLETENESS, message,
                   {"score_before": before.completeness_score,
                    "score_after": after.completeness_score, "gained": gained, "lost": lost})]


def _fact_changes(before: ProfileSnapshot, after: ProfileSnapshot) -> list[Change]:
    changes: list[Change] = []
    if before.display_name != after.display_name and (before.display_name or after.display_name):
        old, new = _clean(before.display_name, 80), _clean(after.display_name, 80)
        if not before.display_name:
            message = msg("change.name_set", name=new)
        elif not after.display_name:
            message = msg("change.name_removed", name=old)
        else:
            message = msg("change.new_name", before=old, after=new)
        changes.append(Change(NEW_NAME, message, {"before": old or None, "after": new or None}))
    if before.bio_hash and after.bio_hash and before.bio_hash != after.bio_hash:
        changes.append(Change(NEW_BIO, msg("change.new_bio"), {"bio_hash_before": before.bio_hash,
                                                   "bio_hash_after": after.bio_hash}))
    if before.avatar_hash and after.avatar_hash and before.avatar_hash != after.avatar_hash:
        changes.append(Change(NEW_PHOTO, msg("change.new_photo"),
                              {"avatar_hash_before": before.avatar_hash,
                               "avatar_hash_after": after.avatar_hash}))
    return changes


def _posting(before: ProfileSnapshot, after: ProfileSnapshot) -> Change | None:
    """Posts between the audits (exact from the platform's totals, else from the items seen)
    and posts per week before and after."""
    days = _days(before.as_of, after.as_of)
    between: int | None = None
    source: str | None = None
    exact = False
    if days is not None and days >= 0 and before.as_of is not None and after.as_of is not None:
        if before.posts_total is not None and after.posts_total is not None:
            between, source, exact = after.posts_total - before.posts_total, "posts_total", True
        else:
            newer = [item for item in after.items
                     if before.as_of < item.published_at <= after.as_of]
            oldest = min((item.published_at for item in after.items), default=None)
            covered = bool(after.sample_exhausted) or (oldest is not None
                                                       and oldest <= before.as_of)
            if newer or covered:
                between, source, exact = len(newer), "items", covered
    rate_before, rate_after = before.posts_per_week, after.posts_per_week
    if between is None and rate_before is None and rate_after is None:
        return None
    if not between and rate_before == rate_after:
        return None  # nothing posted and the same rate: "0 → 0 posts a week" is no news
    parts: list[Msg] = []
    since = (msg("change.since_run", run=before.run_id) if before.run_id is not None
             else msg("change.since_last"))
    if between is None:
        parts.append(msg("change.posts_unknown", since=since))
    elif between < 0:
        parts.append(msg("change.posts_deleted", count=-between, since=since))
    else:
        which = "change.posts_between" if exact else "change.at_least_posts_between"
        if days is not None:
            parts.append(msg(which + "_days", n=between, since=since, days=days))
        else:
            parts.append(msg(which, n=between, since=since))
    if rate_before is not None or rate_after is not None:
        parts.append(msg("change.rate", before=rate_before, after=rate_after))
    return Change(POSTING, join(parts), {
        "posts_between": between, "source": source, "exact": exact if between is not None
        else None, "days_between": days, "since_run": before.run_id,
        "posts_per_week_before": rate_before, "posts_per_week_after": rate_after,
        "posts_total_before": before.posts_total, "posts_total_after": after.posts_total,
    })


def _audience(before: ProfileSnapshot, after: ProfileSnapshot) -> Change | None:
    """Followers before and after, when both runs read them and they differ."""
    if before.followers is None or after.followers is None or before.followers == \
            after.followers:
        return None
    delta = after.followers - before.followers
    growth = round(delta / before.followers, 4) if before.followers else None
    return Change(AUDIENCE, msg("change.followers", before=before.followers,
                                after=after.followers, delta=f"{delta:+d}"),
                  {"followers_before": before.followers, "followers_after": after.followers,
                   "change": delta, "growth": growth})


def _not_rechecked(previous: ProfileSnapshot, current: ProfileSnapshot) -> ProfileChanges:
    standing = current.last_known or previous.effective
    if not standing.checked:
        # Never read: no verdict to keep. The same failure as last time is no news (a
        # login-walled profile would otherwise be listed in every diff).
        message = msg("change.never_read", outcome=_outcome_text(current))
        same = previous.outcome == current.outcome
        return _entry(current, "not_rechecked",
                      [] if same else
                      [Change(NOT_RECHECKED, message,
                              {"outcome": current.outcome, "detail": current.outcome_detail,
                               "verdict_run": None})],
                      flags_before=previous.flag_codes, flags_after=current.flag_codes,
                      verdict_run=None)
    codes = standing.flag_codes
    message = msg("change.not_rechecked", outcome=_outcome_text(current), run=standing.run_id,
                  flags=_flag_list(codes))
    return _entry(current, "not_rechecked",
                  [Change(NOT_RECHECKED, message,
                          {"outcome": current.outcome, "detail": current.outcome_detail,
                           "verdict_run": standing.run_id, "flags": list(codes)})],
                  flags_before=previous.effective.flag_codes, flags_after=codes,
                  verdict_run=standing.run_id, carried=standing.flags,
                  display_name=standing.display_name)


def _first_read(previous: ProfileSnapshot, current: ProfileSnapshot) -> ProfileChanges:
    codes = current.flag_codes
    message = msg("change.first_read", outcome=_outcome_text(previous), flags=_flag_list(codes))
    return _entry(current, "first_read",
                  [Change(FIRST_READ, message,
                          {"outcome_before": previous.outcome, "flags": list(codes)})],
                  flags_before=previous.flag_codes, flags_after=codes,
                  verdict_run=current.run_id)


def _added(current: ProfileSnapshot) -> ProfileChanges:
    codes = current.flag_codes
    if current.checked:
        message = msg("change.added", flags=_flag_list(codes))
    else:
        message = msg("change.added_unread", outcome=_outcome_text(current))
    return _entry(current, "added",
                  [Change(ADDED, message, {"outcome": current.outcome, "flags": list(codes)})],
                  flags_before=(), flags_after=codes, verdict_run=current.run_id)


def _removed(previous: ProfileSnapshot) -> ProfileChanges:
    standing = previous.effective
    return _entry(previous, "removed",
                  [Change(REMOVED, msg("change.removed"),
                          {"flags": list(standing.flag_codes)})],
                  flags_before=standing.flag_codes, flags_after=(), verdict_run=None,
                  display_name=standing.display_name)


def _entry(snapshot: ProfileSnapshot, status: str, changes: list[Change], *,
           flags_before: tuple[str, ...], flags_after: tuple[str, ...],
           verdict_run: int | None, posting: Change | None = None,
           carried: tuple[FlagSnapshot, ...] = (),
           display_name: str | None = None, audience: Change | None = None) -> ProfileChanges:
    return ProfileChanges(
        url=snapshot.url, platform=snapshot.platform, handle=snapshot.handle,
        display_name=snapshot.display_name or display_name, status=status,
        changes=tuple(changes), posting=posting, flags_before=tuple(flags_before),
        flags_after=tuple(flags_after), verdict_run=verdict_run, carried_flags=tuple(carried),
        audience=audience,
    )


# --- counting and wording ----------------------------------------------------------------


def _counts(organisations: tuple[OrganisationChanges, ...]) -> dict[str, int]:
    counts = dict.fromkeys(("new_flags", "cleared_flags", "went_quiet", "came_back",
                            "not_rechecked", "profile_changes", "completeness_changes",
                            "added", "removed", "first_read", "changed_profiles"), 0)
    kind_to_count = {FLAG_NEW: "new_flags", FLAG_CLEARED: "cleared_flags",
                     WENT_QUIET: "went_quiet", CAME_BACK: "came_back",
                     NOT_RECHECKED: "not_rechecked", COMPLETENESS: "completeness_changes",
                     ADDED: "added", REMOVED: "removed", FIRST_READ: "first_read"}
    for organisation in organisations:
        for profile in organisation.profiles:
            if profile.changed:
                counts["changed_profiles"] += 1
            if any(change.kind in FACT_KINDS for change in profile.changes):
                counts["profile_changes"] += 1
            for change in profile.changes:
                if change.kind in kind_to_count:
                    counts[kind_to_count[change.kind]] += 1
    return counts


def _summary(counts: Mapping[str, int]) -> Msg:
    parts: list[Msg] = []
    if counts["new_flags"] or counts["cleared_flags"]:
        parts.append(msg("summary.flags", n=counts["new_flags"], cleared=counts["cleared_flags"]))
    for count, msgid in (("went_quiet", "summary.went_quiet"),
                         ("came_back", "summary.came_back"),
                         ("not_rechecked", "summary.not_rechecked"),
                         ("profile_changes", "summary.profile_changes"),
                         ("completeness_changes", "summary.completeness")):
        if counts[count]:
            parts.append(msg(msgid, n=counts[count]))
    if counts["added"] or counts["removed"]:
        parts.append(msg("summary.listed", added=counts["added"], removed=counts["removed"]))
    if counts["first_read"]:
        parts.append(msg("summary.first_read", n=counts["first_read"]))
    return join(parts) if parts else msg("summary.none")


def _change_data(change: Change) -> dict[str, Any]:
    """A change as ``diff --json`` gives it: the English line, its message, the numbers."""
    return {"kind": change.kind, "message": str(change.message),
            "message_id": to_jsonable(change.message), "numbers": _english(change.numbers)}


def _english(value: Any) -> Any:
    if isinstance(value, Msg):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _english(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_english(v) for v in value]
    return to_jsonable(value)


def _flag_list(codes: tuple[str, ...]) -> Msg:
    return text(", ".join(codes)) if codes else msg("change.no_flags")


def _ordered(codes: set[str]) -> list[str]:
    known = [code for code in FLAG_CODES if code in codes]
    return known + sorted(codes - set(known))


def _outcome_text(snapshot: ProfileSnapshot) -> Msg:
    detail = _clean(snapshot.outcome_detail, 120)
    if not detail:
        return text(snapshot.outcome)
    known = known_text(_clean(snapshot.outcome_detail, MAX_TEXT_CHARS))
    if known is not None and known.id != "text":
        return join([text(snapshot.outcome), known], ": ")  # fixed texts: translated whole
    return join([text(snapshot.outcome), known_text(detail) or text(detail)], ": ")


def _clean(value: str | None, limit: int = MAX_NAME_CHARS) -> str:
    return clean_text(value, limit)


def _score(value: int | None) -> int | Msg:
    return msg("change.unknown") if value is None else value


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 86400, 1)
