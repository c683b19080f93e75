"""Flags with a reason and evidence: pure functions of a record, its metrics and thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from auditor.config import Thresholds
from auditor.i18n import EN, Translator, translate_detail
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
_EVIDENCE_POSTS = 5

_FIXES: Final = {
    "GONE": "Remove the link from your website and materials, or claim the account again.",
    "NEVER_USED": "Start using the account or close it; an empty account suggests nobody answers.",
    "DEAD": "Post again and answer questions, or close the account and say where to go instead.",
    "STALE": "Plan regular posts; followers notice a silence of weeks.",
    "BROADCAST_ONLY": "Answer questions and react to followers instead of only posting news.",
    "INCOMPLETE": "Fill in the missing profile items; a photo matters most.",
    "UNAUDITABLE": "Check this profile by hand; the auditor could not read it.",
    "AUTOMATED": "Write for each network and answer by hand; automatic cross-posting reads as "
                 "nobody being there.",
    "INCONSISTENT": "Use the same name, photo and website link on every profile, and link "
                    "every profile from your website.",
}


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: str
    #: One line with the numbers ("last post 212 days ago, threshold 90").
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    #: What to do about it.
    fix: str = ""


def judge(record: ProfileRecord, metrics: Metrics, thresholds: Thresholds,
          t: Translator = EN) -> tuple[Flag, ...]:
    """Every flag the profile earns. A profile we could not read never gets an activity flag."""
    flags: list[Flag] = []
    if record.outcome in MISSING_OUTCOMES:
        flags.append(_flag(t, "GONE", "high", _gone_reason(record, t),
                           {"outcome": record.outcome, "detail": record.outcome_detail,
                            "url": record.url}))
        return tuple(flags)
    if record.outcome != "ok":
        reason = t("could not be audited: {outcome}", outcome=outcome_text(record.outcome, t))
        if record.outcome_detail:
            reason += f" ({translate_detail(record.outcome_detail, t)})"
        flags.append(_flag(t, "UNAUDITABLE", "low", reason,
                           {"outcome": record.outcome, "detail": record.outcome_detail,
                            "url": record.url}))
    else:
        flags.extend(_activity_flags(record, metrics, thresholds, t))
        automated = _automated_flag(metrics, thresholds, t)
        if automated is not None:
            flags.append(automated)
    incomplete = _incomplete_flag(record, metrics, t)
    if incomplete is not None:
        flags.append(incomplete)
    return tuple(flags)


def outcome_text(outcome: str, t: Translator = EN) -> str:
    """An outcome in words ("login wall" for login_wall)."""
    words = {
        "ok": t("read"), "not_found": t("not found"), "gone": t("gone"),
        "login_wall": t("login wall"), "robots_disallowed": t("robots.txt forbids it"),
        "blocked": t("blocked"), "rate_limited": t("rate limited"),
        "preview_disabled": t("preview disabled"), "unsupported": t("unsupported"),
        "error": t("error"),
    }
    return words.get(outcome, outcome)


def _flag(t: Translator, code: str, severity: str, reason: str,
          evidence: Mapping[str, Any]) -> Flag:
    fix = _FIXES.get(code, "")
    return Flag(code=code, severity=severity, reason=reason, evidence=dict(evidence),
                fix=t(fix) if fix else "")


def _gone_reason(record: ProfileRecord, t: Translator) -> str:
    if record.profile is not None and record.profile.moved_to:
        return t("the account moved to {target}", target=record.profile.moved_to)
    if record.outcome == "not_found":
        return t("the listed account does not exist")
    return t("the account was suspended or deleted")


def _activity_flags(record: ProfileRecord, metrics: Metrics,
                    thresholds: Thresholds, t: Translator) -> list[Flag]:
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
            t, "NEVER_USED", "high",
            t.n(total, "{n} post ever, threshold {threshold}", "{n} posts ever, threshold "
                "{threshold}", threshold=thresholds.never_used_max_posts),
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
            flags.append(_flag(t, "DEAD", "high",
                               t("last post {days} days ago, threshold {threshold}",
                                 days=days, threshold=thresholds.dead_after_days),
                               {**evidence, "threshold_days": thresholds.dead_after_days}))
        elif days >= thresholds.stale_after_days:
            flags.append(_flag(t, "STALE", "medium",
                               t("last post {days} days ago, threshold {threshold}",
                                 days=days, threshold=thresholds.stale_after_days),
                               {**evidence, "threshold_days": thresholds.stale_after_days}))
    share = metrics.reply_share
    if share is not None and share < thresholds.broadcast_max_reply_share:
        flags.append(_flag(
            t, "BROADCAST_ONLY", "medium",
            t("{share} of {posts} own posts in the last {days} days are replies to others, "
              "threshold {threshold}", share=t.percent(share), posts=metrics.own_posts,
              days=metrics.window_days,
              threshold=t.percent(thresholds.broadcast_max_reply_share)),
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


def _automated_flag(metrics: Metrics, thresholds: Thresholds, t: Translator) -> Flag | None:
    """AUTOMATED (low) only on strong signs, each over at least 10 own posts."""
    auto = metrics.automation
    signs: list[str] = []
    if auto.own_link_share is not None and auto.own_link_share >= thresholds.automated_link_share:
        signs.append(t("{share} of {posts} own posts are only a link to the own website "
                       "(threshold {threshold})", share=t.percent(auto.own_link_share),
                       posts=auto.basis, threshold=t.percent(thresholds.automated_link_share)))
    if auto.same_minute_share is not None \
            and auto.same_minute_share >= thresholds.automated_same_minute_share:
        signs.append(t("{share} of posts go out at minute {minute} past the hour (threshold "
                       "{threshold})", share=t.percent(auto.same_minute_share),
                       minute=f"{auto.top_minute:02d}",
                       threshold=t.percent(thresholds.automated_same_minute_share)))
    if auto.crossposted_share is not None \
            and auto.crossposted_share >= thresholds.automated_crosspost_share:
        signs.append(t("{share} of own posts repeat the text of {profiles} (threshold "
                       "{threshold})", share=t.percent(auto.crossposted_share),
                       profiles=", ".join(auto.crossposted_with),
                       threshold=t.percent(thresholds.automated_crosspost_share)))
    if not signs:
        return None
    return _flag(t, "AUTOMATED", "low", "; ".join(signs), automation_evidence(metrics))


def inconsistent_flag(findings: list[tuple[str, dict[str, Any]]],
                      t: Translator = EN) -> Flag | None:
    """INCONSISTENT (low) from the organisation-level findings that concern one profile."""
    if not findings:
        return None
    return _flag(t, "INCONSISTENT", "low", "; ".join(message for message, _ in findings),
                 {"findings": [{"message": message, **evidence}
                               for message, evidence in findings]})


def _incomplete_flag(record: ProfileRecord, metrics: Metrics, t: Translator) -> Flag | None:
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
    details = [f"{check_label(name, t)} ({completeness.notes[name]})"
               if name in completeness.notes else check_label(name, t) for name in missing]
    return _flag(t, "INCOMPLETE", severity,
                 t("missing: {items}; completeness {score}/100", items=", ".join(details),
                   score=completeness.score),
                 {"missing": list(missing), "score": completeness.score,
                  "checks": dict(completeness.checks)})


def check_label(name: str, t: Translator = EN) -> str:
    """A checklist item's name in words."""
    labels = {"photo": t("photo"), "display_name": t("display name"), "bio": t("bio"),
              "contact": t("contact details"), "website": t("website link"),
              "banner": t("banner image")}
    return labels.get(name, name)


def _post_links(record: ProfileRecord, kinds: set[str] | None = None) -> list[dict[str, Any]]:
    chosen = [item for item in record.items if kinds is None or item.kind in kinds]
    chosen.sort(key=lambda item: item.published_at, reverse=True)
    return [{"date": _iso(item.published_at), "url": item.url, "kind": item.kind}
            for item in chosen[:_EVIDENCE_POSTS]]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
