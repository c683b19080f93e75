"""Observed by hand: the observation sheet's rows judged like crawled profiles.

A row of the sheet (auditor.sheet) becomes the profile's record with outcome ``observed``
and the :class:`~auditor.models.Observation` in it; :func:`observed_metrics` computes the
same metrics a crawled profile gets from what the person wrote down, and the verdicts
apply the same thresholds. Every number carries its provenance: the outcome detail is
"observed by hand by NAME on DATE", and every flag's reason says it too.

Rules (docs/metrics.md, "Observed by hand"):

- a crawled answer always wins: an observation is used only for a profile the crawl could
  not read (any outcome but ``ok``, ``not_found`` and ``gone``);
- an observation more than ``observations_max_age_days`` (default 30) before the audit
  date, or after it, is not used (a warning says so);
- the last post is the "last post date" cell, else the newest of the dates written down;
- posts per week come from "posts in the last N days" (over N days), else from the dates
  of the posts looked at (over the span they cover, as a crawled sample that does not
  reach back to the window start);
- the reply share is "how many of those answer someone else" over the posts counted, with
  the same minimum of own posts as a crawled profile;
- every cell left empty stays unknown (null with a reason), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

from auditor.config import AuditConfig, ProfileEntry, Thresholds
from auditor.engagement import Engagement
from auditor.messages import Msg, msg
from auditor.metrics import CHECK_WEIGHTS, Automation, Completeness, Metrics
from auditor.models import Observation, ProfileFacts, ProfileRecord
from auditor.platforms import adapter_named
from auditor.sheet import SheetRow, read_sheet
from auditor.verdicts import Flag, judge

#: Outcomes that are the crawl's own answer about the profile: an observation never
#: replaces them.
CRAWLED_ANSWERS: Final = frozenset({"ok", "not_found", "gone"})
#: Observations older than this many days before the audit date are not used.
DEFAULT_MAX_AGE_DAYS: Final = 30
#: What the sheet does not ask, so it stays unknown for an observed profile.
_NOT_ON_SHEET: Final = ("display_name", "banner")


def provenance(observation: Observation) -> str:
    """"observed by hand by NAME on DATE" (English; ``detail.observed`` in the catalogue)."""
    return f"observed by hand by {observation.observer} on {observation.observed_on.isoformat()}"


def provenance_message(observation: Observation) -> Msg:
    return msg("detail.observed", observer=observation.observer,
               date=observation.observed_on.isoformat())


@dataclass
class Observations:
    """The usable rows of a sheet by profile URL, and what was said about the others."""

    by_url: dict[str, SheetRow] = field(default_factory=dict)
    #: Bad cells and rows, one line each (the rest of the sheet is used).
    problems: list[str] = field(default_factory=list)
    #: Rows not used for a reason that is no mistake in the sheet (too old, the crawl read
    #: the profile), one line each.
    warnings: list[str] = field(default_factory=list)
    #: The audit date the ages were counted from.
    as_of: date | None = None


def load_observations(path: Path, config: AuditConfig, *, as_of: datetime,
                      max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> Observations:
    """The sheet at ``path`` for ``config``'s audit at ``as_of``.

    Raises :class:`auditor.sheet.SheetError` when the file is no sheet at all."""
    reading = read_sheet(path, config, window_days=config.audit.window_days)
    found = Observations(problems=list(reading.problems), as_of=as_of.date())
    return select(found, reading.rows, as_of=as_of, max_age_days=max_age_days)


def select(found: Observations, rows: Iterable[SheetRow], *, as_of: datetime,
           max_age_days: int) -> Observations:
    """Keep the rows young enough, and per profile the newest observation."""
    audit_day = as_of.astimezone(UTC).date()
    oldest = audit_day - timedelta(days=max_age_days)
    for row in rows:
        seen = row.observation.observed_on
        if seen < oldest:
            found.warnings.append(
                f"{row.where}: observed on {seen.isoformat()}, more than {max_age_days} days "
                f"before the audit date {audit_day.isoformat()}; not used (observe it again, "
                "or set observations_max_age_days)")
            continue
        if seen > audit_day:
            found.warnings.append(
                f"{row.where}: observed on {seen.isoformat()}, after the audit date "
                f"{audit_day.isoformat()}; not used")
            continue
        earlier = found.by_url.get(row.url)
        if earlier is not None:
            newer, older = ((row, earlier) if seen >= earlier.observation.observed_on
                            else (earlier, row))
            found.warnings.append(f"{older.where}: {row.url} is observed again in "
                                  f"{newer.where}; the newer observation is used")
            row = newer
        found.by_url[row.url] = row
    return found


class ObservedSource:
    """A record source (auditor.audit.RecordSource) that answers with the observation for
    a profile the crawl could not read; a crawled answer always wins (with a warning)."""

    def __init__(self, records: object, observations: Observations,
                 entries: Iterable[ProfileEntry]) -> None:
        self.records = records
        self.observations = observations
        self.entries = {entry.url: entry for entry in entries}
        self.used: set[str] = set()
        self.warned: set[str] = set()

    def get(self, url: str) -> ProfileRecord | None:
        record = self.records.get(url)  # type: ignore[attr-defined]
        row = self.observations.by_url.get(url)
        if row is None:
            return record
        if record is not None and record.outcome in CRAWLED_ANSWERS:
            if url not in self.warned:
                self.warned.add(url)
                self.observations.warnings.append(
                    f"{row.where}: the crawl read {url} itself (outcome {record.outcome}); "
                    "the crawl's answer is used, not the observation")
            return record
        entry = self.entries.get(url)
        if record is None and entry is None:
            return None
        self.used.add(url)
        return observed_record(record, row.observation, entry)


def observed_record(crawled: ProfileRecord | None, observation: Observation,
                    entry: ProfileEntry | None = None) -> ProfileRecord:
    """The record of a profile observed by hand (what the crawl read of it kept as facts:
    a walled page's logged-out name, say)."""
    if crawled is None:
        assert entry is not None
        adapter = adapter_named(entry.platform)
        crawled = ProfileRecord(
            url=entry.url, platform=entry.platform,
            handle=adapter.handle(entry.url) if adapter else None, outcome="error",
            organisation=entry.organisation, role=entry.role, source_url=entry.source_url)
    facts = crawled.profile or ProfileFacts()
    if observation.followers is not None:
        facts = replace(facts, followers=observation.followers)
    return replace(
        crawled, outcome="observed", outcome_detail=provenance(observation),
        fetched_at=datetime.combine(observation.observed_on, datetime.min.time(), UTC),
        profile=facts, items=(), sample=None,
        replies_observable=observation.replies is not None, unobservable={},
        notes=(),
        observation=observation)


def with_provenance(reason: Msg, observation: Observation) -> Msg:
    """A flag's reason followed by who observed it, and when."""
    return msg("flag.observed", reason=reason, provenance=provenance_message(observation))


# --- metrics ------------------------------------------------------------------------------


def observed_metrics(record: ProfileRecord, as_of: datetime, *, window_days: int,
                     thresholds: Thresholds) -> Metrics:
    """The metrics of an observed profile, by the rules a crawled one is measured by."""
    observation = record.observation
    assert observation is not None
    reasons: dict[str, Msg] = {}
    seen = provenance_message(observation)
    audit_day = as_of.astimezone(UTC).date() if as_of.tzinfo else as_of.date()

    last = observation.last_post_on
    if last is None and observation.post_dates:
        last = max(observation.post_dates)
    last_post_at = _midnight(last) if last is not None else None
    days_since = (audit_day - last).days if last is not None else None
    if last is None:
        reasons["last_post_at"] = reasons["days_since_last_post"] = msg(
            "null.observed_missing", what=msg("observed.last_post"), provenance=seen)

    own: int | None
    covered: float | None
    in_window: int | None
    if observation.posts_in_window is not None:
        own = in_window = observation.posts_in_window
        covered = float(observation.window_days)
    elif observation.post_dates:
        start = observation.observed_on - timedelta(days=window_days)
        dated = [d for d in observation.post_dates if d > start]
        own = in_window = len(dated)
        oldest = min(observation.post_dates)
        # As a crawled sample: dates that do not reach back to the window start cover
        # only the span from the oldest of them.
        span_start = start if oldest <= start else oldest
        covered = float((observation.observed_on - span_start).days)
    else:
        own = in_window = covered = None
    posts_per_week: float | None = None
    if own is None or covered is None:
        reasons["posts_per_week"] = msg("null.observed_missing",
                                        what=msg("observed.posts"), provenance=seen)
    elif covered < 1:
        reasons["posts_per_week"] = msg("null.short_span")
    else:
        posts_per_week = round(own * 7 / covered, 2)

    counted = (observation.posts_in_window if observation.posts_in_window is not None
               else observation.posts_looked_at if observation.posts_looked_at is not None
               else len(observation.post_dates) or None)
    reply_share: float | None = None
    minimum = thresholds.min_posts_for_ratio
    if observation.replies is None or counted is None:
        reasons["reply_share"] = msg("null.observed_missing", what=msg("observed.replies"),
                                     provenance=seen)
    elif counted < minimum:
        reasons["reply_share"] = msg("null.few_own_posts", posts=counted, minimum=minimum)
    else:
        reply_share = round(observation.replies / counted, 4)
    reasons["repost_share"] = msg("null.observed_not_asked", what=msg("observed.reposts"))
    reasons["median_gap_days"] = reasons["longest_gap_days"] = msg(
        "null.observed_not_asked", what=msg("observed.gaps"))
    basis = counted or 0
    replies = observation.replies or 0
    return Metrics(
        last_post_at=last_post_at, last_post_url=None,
        last_post_source="observed" if last_post_at is not None else None,
        days_since_last_post=days_since, posts_per_week=posts_per_week,
        window_days=observation.window_days if observation.posts_in_window is not None
        else window_days,
        covered_days=covered, sampled_items=len(observation.post_dates),
        items_in_window=in_window or 0, own_posts=basis, originals=max(basis - replies, 0),
        replies=replies, self_replies=0, reposts=0, page_cap_cut_sample=False,
        reply_share=reply_share, repost_share=None, posts_total=None,
        completeness=observed_completeness(observation), null_reasons=reasons,
        automation=Automation(basis=0),
        engagement=observed_engagement(observation),
    )


def observed_engagement(observation: Observation) -> Engagement:
    """The followers a person wrote down; a sheet has no interaction counts."""
    seen = provenance_message(observation)
    why = msg("null.observed_not_asked", what=msg("observed.interactions"))
    reasons = {name: why for name in ("median_interactions", "median_views", "rate_per_1000",
                                      "link_share", "media_share", "video_share",
                                      "best_weekday", "best_hour")}
    if observation.followers is None:
        reasons["followers"] = msg("null.observed_missing", what=msg("observed.followers"),
                                   provenance=seen)
    return Engagement(followers=observation.followers, null_reasons=reasons)


def observed_completeness(observation: Observation) -> Completeness:
    """The checklist from the sheet's yes/no cells; an empty cell is unknown."""
    values = {"photo": observation.photo, "bio": observation.bio,
              "contact": observation.contact, "website": observation.website}
    checks: dict[str, bool | None] = {}
    notes: dict[str, Msg] = {}
    for name in CHECK_WEIGHTS:
        value = values.get(name)
        checks[name] = value
        if name in _NOT_ON_SHEET:
            notes[name] = msg("note.not_on_sheet")
        elif value is None:
            notes[name] = msg("note.not_observed")
    applicable = {name: value for name, value in checks.items() if value is not None}
    total = sum(CHECK_WEIGHTS[name] for name in applicable)
    score = None if total == 0 else round(
        100 * sum(CHECK_WEIGHTS[name] for name, value in applicable.items() if value) / total)
    return Completeness(score=score, checks=checks, notes=notes)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def observation_evidence(observation: Observation) -> dict[str, object]:
    """Who observed, when and where it is written down: in every flag's evidence."""
    return {"observed_by": observation.observer,
            "observed_on": observation.observed_on.isoformat(),
            "observation": observation.source}


def judge_observed(record: ProfileRecord, as_of: datetime, *, window_days: int,
                   thresholds: Thresholds) -> tuple[Metrics, tuple[Flag, ...]]:
    """An observed profile's metrics and flags, by the same rules as a crawled profile's,
    each flag's reason with who observed it and when, and its evidence with the sheet's."""
    assert record.observation is not None
    metrics = observed_metrics(record, as_of, window_days=window_days, thresholds=thresholds)
    observation = record.observation
    flags = tuple(replace(flag, reason=with_provenance(flag.reason, observation),
                          evidence={**flag.evidence, **observation_evidence(observation)})
                  for flag in judge(record, metrics, thresholds))
    return metrics, flags
