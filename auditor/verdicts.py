"""Flags with a reason and evidence: pure functions of a record, its metrics and thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from auditor.config import Thresholds
from auditor.messages import Msg, join, known_text, msg
from auditor.metrics import Metrics
from auditor.models import ProfileRecord, pickled_by_position

SEVERITIES: Final = ("high", "medium", "low")
FLAG_CODES: Final = (
    "GONE",
    "NEVER_USED",
    "DEAD",
    "STALE",
    "BROADCAST_ONLY",
    "INCOMPLETE",
    "UNAUDITABLE",
    "AUTOMATED",
    "INCONSISTENT",
)
#: Outcomes that say the listed profile does not exist.
MISSING_OUTCOMES: Final = frozenset({"not_found", "gone"})
#: Outcomes judged on activity: read by the crawl, or observed by hand (auditor.observed).
JUDGED_OUTCOMES: Final = frozenset({"ok", "observed"})
_EVIDENCE_POSTS = 5



@pickled_by_position
@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: str
    #: One line with the numbers ("last post 212 days ago, threshold 90"), as a message.
    reason: Msg
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: What to do about it (``fix.<CODE>``), as a message.
    fix: Msg | None = None


def judge(record: ProfileRecord, metrics: Metrics, thresholds: Thresholds) -> tuple[Flag, ...]:
    """Every flag the profile earns. A profile we could not read never gets an activity flag."""
    flags: list[Flag] = []
    if record.outcome in MISSING_OUTCOMES:
        flags.append(_flag("GONE", "high", _gone_reason(record),
                           {"outcome": record.outcome, "detail": record.outcome_detail,
                            "url": record.url}))
        return tuple(flags)
    if record.outcome not in JUDGED_OUTCOMES:
        if record.outcome_detail:
            reason = msg("flag.unauditable.detail", outcome=record.outcome,
                         detail=known_text(record.outcome_detail))
        else:
            reason = msg("flag.unauditable", outcome=record.outcome)
        flags.append(_flag("UNAUDITABLE", "low", reason,
                           {"outcome": record.outcome, "detail": record.outcome_detail,
                            "url": record.url}))
    else:
        flags.extend(_activity_flags(record, metrics, thresholds))
        automated = _automated_flag(metrics, thresholds)
        if automated is not None:
            flags.append(automated)
    incomplete = _incomplete_flag(record, metrics)
    if incomplete is not None:
        flags.append(incomplete)
    return tuple(flags)


def outcome_message(outcome: str) -> Msg:
    """An outcome in words ("login wall" for login_wall); unknown codes as they are."""
    return Msg(f"outcome.{outcome}") if f"outcome.{outcome}" in _OUTCOME_IDS else Msg(
        "text", {"text": outcome})


_OUTCOME_IDS: Final = frozenset(f"outcome.{code}" for code in (
    "ok", "not_found", "gone", "login_wall", "robots_disallowed", "blocked", "rate_limited",
    "preview_disabled", "unsupported", "error", "observed"))


def fix_message(code: str, signs: tuple[str, ...] = ()) -> Msg | None:
    """What to do about a flag, as a message (None for a code without advice).

    AUTOMATED's advice follows the signs that raised it (``own_link``, ``same_minute``,
    ``crosspost``: one piece of advice each, in that order); without signs it is general.
    """
    if code not in FLAG_CODES:
        return None
    if code == "AUTOMATED":
        advice = [Msg(f"fix.automated.{sign}") for sign in AUTOMATION_SIGNS if sign in signs]
        return msg("fix.AUTOMATED",
                   advice=join(advice or [Msg("fix.automated.any")], "; "))
    return Msg(f"fix.{code}")


#: The signs of automatic posting AUTOMATED is raised on, in the order they are told.
AUTOMATION_SIGNS: Final = ("own_link", "same_minute", "crosspost")


def _flag(code: str, severity: str, reason: Msg, evidence: Mapping[str, Any]) -> Flag:
    return Flag(code=code, severity=severity, reason=reason, evidence=dict(evidence),
                fix=fix_message(code))


def _gone_reason(record: ProfileRecord) -> Msg:
    if record.profile is not None and record.profile.moved_to:
        return msg("flag.gone.moved", target=record.profile.moved_to)
    if record.outcome == "not_found":
        return msg("flag.gone.not_found")
    return msg("flag.gone.deleted")


def _activity_flags(record: ProfileRecord, metrics: Metrics,
                    thresholds: Thresholds) -> list[Flag]:
    flags: list[Flag] = []
    total = metrics.posts_total
    sample = record.sample
    if total is None and sample is not None and sample.exhausted:
        total = len(record.items)  # the whole history was read
    elif total is not None:
        # A platform's counter can lag behind the posts it serves: trust what we saw.
        total = max(total, len(record.items))
    never_used = total is not None and total <= thresholds.never_used_max_posts
    if never_used:
        flags.append(_flag(
            "NEVER_USED", "high",
            msg("flag.never_used", n=total, threshold=thresholds.never_used_max_posts),
            {"posts_total": total, "created_at": _iso(record.profile.created_at
                                                      if record.profile else None),
             "last_post_at": _iso(metrics.last_post_at), "posts": _post_links(record)},
        ))
    days = metrics.days_since_last_post
    if not never_used and days is not None:
        evidence = {"last_post_at": _iso(metrics.last_post_at),
                    "last_post_url": metrics.last_post_url,
                    "source": metrics.last_post_source}
        if days >= thresholds.dead_after_days:
            flags.append(_flag("DEAD", "high",
                               msg("flag.last_post",
                                   days=days, threshold=thresholds.dead_after_days),
                               {**evidence, "threshold_days": thresholds.dead_after_days}))
        elif days >= thresholds.stale_after_days:
            flags.append(_flag("STALE", "medium",
                               msg("flag.last_post",
                                   days=days, threshold=thresholds.stale_after_days),
                               {**evidence, "threshold_days": thresholds.stale_after_days}))
    share = metrics.reply_share
    if share is not None and share < thresholds.broadcast_max_reply_share:
        flags.append(_flag(
            "BROADCAST_ONLY", "medium",
            msg("flag.broadcast_only", share=share, posts=metrics.own_posts,
                days=metrics.window_days, threshold=thresholds.broadcast_max_reply_share),
            {"own_posts": metrics.own_posts, "replies": metrics.replies,
             "originals": metrics.originals, "self_replies": metrics.self_replies,
             "reposts": metrics.reposts, "covered_days": metrics.covered_days,
             "threshold": thresholds.broadcast_max_reply_share,
             "posts": _post_links(record, kinds={"original"}),
             "automation": automation_evidence(metrics)},
        ))
    return flags


def automation_evidence(metrics: Metrics) -> dict[str, Any]:
    """The automation signals as evidence (shown on BROADCAST_ONLY and AUTOMATED)."""
    auto = metrics.automation
    return {"basis_posts": auto.basis,
            "own_link_posts": auto.own_link_posts, "own_link_share": auto.own_link_share,
            "top_minute": auto.top_minute, "same_minute_share": auto.same_minute_share,
            "crossposted": auto.crossposted, "crossposted_share": auto.crossposted_share,
            "crossposted_with": list(auto.crossposted_with)}


def _automated_flag(metrics: Metrics, thresholds: Thresholds) -> Flag | None:
    """AUTOMATED (low) only on strong signs, each over at least 10 own posts."""
    auto = metrics.automation
    signs: dict[str, Msg] = {}
    if auto.own_link_share is not None and auto.own_link_share >= thresholds.automated_link_share:
        signs["own_link"] = msg("flag.automated.own_link", share=auto.own_link_share,
                                posts=auto.basis, threshold=thresholds.automated_link_share)
    if auto.same_minute_share is not None \
            and auto.same_minute_share >= thresholds.automated_same_minute_share:
        signs["same_minute"] = msg("flag.automated.same_minute", share=auto.same_minute_share,
                                   minute=f"{auto.top_minute:02d}",
                                   threshold=thresholds.automated_same_minute_share)
    if auto.crossposted_share is not None \
            and auto.crossposted_share >= thresholds.automated_crosspost_share:
        signs["crosspost"] = msg("flag.automated.crosspost", share=auto.crossposted_share,
                                 profiles=list(auto.crossposted_with),
                                 threshold=thresholds.automated_crosspost_share)
    if not signs:
        return None
    flag = _flag("AUTOMATED", "low", join(signs.values()),
                 {**automation_evidence(metrics), "signs": list(signs)})
    # The advice follows the evidence: posting at minute 00 is not cross-posting.
    return replace(flag, fix=fix_message("AUTOMATED", tuple(signs)))


def inconsistent_flag(findings: list[tuple[Msg, dict[str, Any]]]) -> Flag | None:
    """INCONSISTENT (low) from the organisation-level findings that concern one profile."""
    if not findings:
        return None
    return _flag("INCONSISTENT", "low", join(message for message, _ in findings),
                 {"findings": [{"message": message, **evidence}
                               for message, evidence in findings]})


def _incomplete_flag(record: ProfileRecord, metrics: Metrics) -> Flag | None:
    completeness = metrics.completeness
    missing = completeness.missing
    if record.profile is None or not missing:
        return None
    if "photo" in missing:
        severity = "high"
    elif "bio" in missing or "contact" in missing:
        severity = "medium"
    else:
        severity = "low"
    details = [msg("check.with_note", label=Msg(f"check.{name}"), note=completeness.notes[name])
               if name in completeness.notes else Msg(f"check.{name}") for name in missing]
    return _flag("INCOMPLETE", severity,
                 msg("flag.incomplete", items=details, score=completeness.score),
                 {"missing": list(missing), "score": completeness.score,
                  "checks": dict(completeness.checks)})


def check_message(name: str) -> Msg:
    """A checklist item's name in words."""
    return Msg(f"check.{name}") if f"check.{name}" in _CHECK_IDS else Msg("text", {"text": name})


_CHECK_IDS: Final = frozenset(f"check.{name}" for name in (
    "photo", "display_name", "bio", "contact", "website", "banner"))


def _post_links(record: ProfileRecord, kinds: set[str] | None = None) -> list[dict[str, Any]]:
    chosen = [item for item in record.items if kinds is None or item.kind in kinds]
    chosen.sort(key=lambda item: item.published_at, reverse=True)
    return [{"date": _iso(item.published_at), "url": item.url, "kind": item.kind}
            for item in chosen[:_EVIDENCE_POSTS]]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
