"""What a stored audit run says, typed: the snapshots the history store reads and writes,
and the pure conversions between a judged audit, a database row and a snapshot.

Reasons and outcome details are stored as messages (an id and parameters as JSON, see
auditor.messages), never as sentences; rows of schema 1 hold English sentences and are read
as literal text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import AuditConfig
from auditor.messages import Msg, known_text
from auditor.models import MAX_NAME_CHARS, MAX_TEXT_CHARS, cap_text, to_jsonable
from auditor.verdicts import MISSING_OUTCOMES

#: Outcomes that are a reading of the profile: its verdict is current (``observed``: read by
#: a person, auditor.observed). Any other outcome (error, blocked, rate_limited,
#: login_wall, ...) means "not re-checked".
CHECKED_OUTCOMES: Final = frozenset({"ok", "observed"}) | MISSING_OUTCOMES
DB_SUFFIX: Final = ".history.sqlite"


# --- snapshots: what a stored run says, typed ------------------------------------------


@dataclass(frozen=True, slots=True)
class RunInfo:
    #: None for a run that is not stored (the audit being rendered).
    id: int | None
    name: str
    config_path: str | None
    config_hash: str | None
    tool_version: str
    started_at: datetime | None
    as_of: datetime | None
    generated_at: datetime | None
    completed: bool
    profiles: int = 0
    flags: int = 0
    window_days: int | None = None
    profiles_missing: int | None = None


@dataclass(frozen=True, slots=True)
class FlagSnapshot:
    code: str
    severity: str
    reason: Msg


@dataclass(frozen=True, slots=True)
class ItemSnapshot:
    id: str
    published_at: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    """One profile as one run saw it."""

    url: str
    organisation: str
    role: str | None
    platform: str
    handle: str | None
    outcome: str
    outcome_detail: str | None
    #: The run this snapshot belongs to (None: the audit not stored yet) and its date.
    run_id: int | None
    as_of: datetime | None
    display_name: str | None = None
    bio_hash: str | None = None
    avatar_hash: str | None = None
    posts_total: int | None = None
    sample_exhausted: bool | None = None
    last_post_at: datetime | None = None
    days_since_last_post: int | None = None
    posts_per_week: float | None = None
    completeness_score: int | None = None
    completeness_checks: Mapping[str, bool | None] = field(default_factory=dict)
    #: Audience and engagement as the run measured them (metrics.engagement), and the
    #: reply share with the counts it came from (for an organisation's pooled share).
    followers: int | None = None
    median_interactions: float | None = None
    reply_share: float | None = None
    own_posts: int | None = None
    replies: int | None = None
    flags: tuple[FlagSnapshot, ...] = ()
    items: tuple[ItemSnapshot, ...] = ()
    #: For a profile not re-checked in this run: its latest reading in an earlier run.
    last_known: ProfileSnapshot | None = None

    @property
    def checked(self) -> bool:
        """This run read the profile (or learnt that it is gone): its verdict is current."""
        return self.outcome in CHECKED_OUTCOMES

    @property
    def effective(self) -> ProfileSnapshot:
        """The snapshot whose verdict stands: this one, or the last known reading."""
        if self.checked or self.last_known is None:
            return self
        return self.last_known

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    run: RunInfo
    #: In config order.
    profiles: tuple[ProfileSnapshot, ...]


# --- pure helpers ------------------------------------------------------------------------


def to_utc_text(value: datetime | None) -> str | None:
    """A time as the store keeps it: UTC, ISO 8601, always with microseconds (sortable)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_text(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def text_hash(value: str | None) -> str | None:
    """sha256 of a text; None stays None (unknown is not empty)."""
    if value is None:
        return None
    return hashlib.sha256(value.strip().encode("utf-8")).hexdigest()


def avatar_hash(url: str | None) -> str | None:
    """Hash of the avatar URL without its query: CDNs sign and size-tag the query string,
    while a new picture gets a new path. (An image hash may replace this later.)"""
    if not url:
        return None
    return text_hash(url.split("#", 1)[0].split("?", 1)[0])


def config_hash(config: AuditConfig) -> str:
    """sha256 of what the config says (not how the file is formatted)."""
    data = {
        "audit": to_jsonable(config.audit),
        "thresholds": to_jsonable(config.thresholds),
        "organisations": to_jsonable(config.organisations),
        "endpoints": dict(sorted(config.endpoints.items())),
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_path_key(path: str | Path | None) -> str | None:
    """How a config's path is stored: absolute and resolved, so any working folder matches."""
    if path is None:
        return None
    try:
        return str(Path(path).expanduser().resolve())
    except OSError:
        return str(Path(path).absolute())


def default_db_path(config_path: str | Path) -> Path:
    """``<config stem>.history.sqlite`` in the config's folder."""
    path = Path(config_path)
    return path.with_name(f"{path.stem}{DB_SUFFIX}")


def snapshot_of(result: AuditResult, *, run_id: int | None = None) -> RunSnapshot:
    """A judged audit as a snapshot, exactly as :meth:`HistoryStore.load_run` would return it."""
    profiles = tuple(profile_snapshots(result, run_id=run_id))
    return RunSnapshot(run_info_of(result, run_id=run_id, profiles=len(profiles),
                                   flags=sum(len(p.flags) for p in profiles)), profiles)


def profile_snapshots(result: AuditResult, *,
                      run_id: int | None = None) -> Iterator[ProfileSnapshot]:
    """Each judged profile as :meth:`HistoryStore.load_run` would return it, one at a time
    (an audit on disk is never held whole)."""
    for organisation in result.organisations:
        yield from organisation_snapshots(organisation, as_of=result.as_of, run_id=run_id)


def organisation_snapshots(organisation: OrganisationResult, *, as_of: datetime | None,
                           run_id: int | None = None) -> Iterator[ProfileSnapshot]:
    """Each judged profile of one organisation as a stored run would return it."""
    for profile in organisation.profiles:
        row = profile_row(profile, organisation.name, organisation.role, 0)
        snap = snapshot_from_row(row, run_id=run_id, as_of=as_of)
        yield with_changes(snap, flags=tuple(FlagSnapshot(f.code, f.severity, f.reason)
                                      for f in profile.flags),
                    items=item_snapshots(profile))


def run_info_of(result: AuditResult, *, run_id: int | None, profiles: int,
                flags: int) -> RunInfo:
    """The run row of a judged audit that is not stored (yet)."""
    return RunInfo(
        id=run_id, name=result.name, config_path=None, config_hash=None,
        tool_version=result.tool_version, started_at=None, as_of=result.as_of,
        generated_at=result.generated_at, completed=not result.missing,
        profiles=profiles, flags=flags, window_days=result.window_days,
        profiles_missing=result.missing,
    )


def with_changes(snapshot: ProfileSnapshot, **changes: Any) -> ProfileSnapshot:
    values = {name: getattr(snapshot, name) for name in ProfileSnapshot.__dataclass_fields__}
    values.update(changes)
    return ProfileSnapshot(**values)


def item_snapshots(profile: ProfileResult) -> tuple[ItemSnapshot, ...]:
    return tuple(ItemSnapshot(str(item.id)[:MAX_NAME_CHARS], item.published_at, item.kind)
                 for item in profile.record.items)


def profile_row(profile: ProfileResult, organisation: str, role: str | None,
                 position: int) -> dict[str, Any]:
    record, metrics = profile.record, profile.metrics
    facts = record.profile
    return {
        "url": record.url,
        "position": position,
        "organisation": organisation,
        "role": role,
        "platform": record.platform,
        "handle": cap_text(record.handle, MAX_NAME_CHARS),
        "outcome": record.outcome,
        "outcome_detail": message_json(known_text(cap_text(record.outcome_detail,
                                                            MAX_TEXT_CHARS))),
        "checked": int(record.outcome in CHECKED_OUTCOMES),
        "fetched_at": to_utc_text(record.fetched_at),
        "display_name": cap_text(facts.display_name, MAX_NAME_CHARS) if facts else None,
        "bio_hash": text_hash(facts.bio) if facts else None,
        "avatar_hash": avatar_hash(facts.avatar_url) if facts else None,
        "posts_total": facts.posts_total if facts else None,
        "sample_exhausted": None if record.sample is None else int(record.sample.exhausted),
        "metrics_json": to_json(metrics),
    }


def snapshot_from_row(row: Mapping[str, Any], *, run_id: int | None,
                       as_of: datetime | None) -> ProfileSnapshot:
    try:
        metrics = json.loads(row["metrics_json"] or "{}")
    except ValueError:
        metrics = {}
    if not isinstance(metrics, dict):
        metrics = {}
    completeness = metrics.get("completeness") or {}
    engagement = metrics.get("engagement")
    if not isinstance(engagement, dict):
        engagement = {}  # a run stored before engagement was measured
    checks = completeness.get("checks") if isinstance(completeness, dict) else None
    exhausted = row["sample_exhausted"]
    return ProfileSnapshot(
        url=row["url"], organisation=row["organisation"], role=row["role"],
        platform=row["platform"], handle=row["handle"], outcome=row["outcome"],
        outcome_detail=detail_text(row["outcome_detail"]), run_id=run_id, as_of=as_of,
        display_name=row["display_name"], bio_hash=row["bio_hash"],
        avatar_hash=row["avatar_hash"], posts_total=row["posts_total"],
        sample_exhausted=None if exhausted is None else bool(exhausted),
        last_post_at=from_utc_text(metrics.get("last_post_at")),
        days_since_last_post=int_or_none(metrics.get("days_since_last_post")),
        posts_per_week=float_or_none(metrics.get("posts_per_week")),
        completeness_score=int_or_none(completeness.get("score")
                                        if isinstance(completeness, dict) else None),
        completeness_checks=dict(checks) if isinstance(checks, dict) else {},
        followers=int_or_none(engagement.get("followers")),
        median_interactions=float_or_none(engagement.get("median_interactions")),
        reply_share=float_or_none(metrics.get("reply_share")),
        own_posts=int_or_none(metrics.get("own_posts")),
        replies=int_or_none(metrics.get("replies")),
    )


def message_json(message: Msg | None) -> str | None:
    """A message as stored: its id and parameters as JSON."""
    return None if message is None else json.dumps(message.to_dict(), ensure_ascii=False,
                                                   sort_keys=True)


def stored_message(stored: str | None) -> Msg:
    """A stored message; a sentence from a version 1 file as literal text."""
    if stored and stored.startswith("{"):
        try:
            return Msg.from_dict(json.loads(stored))
        except ValueError:
            pass
    return Msg.from_dict(stored or "")


def detail_text(stored: str | None) -> str | None:
    """A stored outcome detail as its English text (what records and report.json hold)."""
    return None if stored is None else str(stored_message(stored))


def to_json(value: Any) -> str:
    """JSON text of metrics, evidence or settings; any odd value (a date) as its ISO text."""
    def fallback(item: Any) -> Any:
        return item.isoformat() if hasattr(item, "isoformat") else str(item)

    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True, default=fallback)


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)
