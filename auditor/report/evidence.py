"""A flag in the report: its reason, fix and evidence, the evidence told in plain words
with units ("Limit: replies under 10%", "Posted at one minute: 100% at minute 00 past the
hour"), never as the judgement's keys (``basis_posts``, ``threshold: 0.1``).

report.json keeps the evidence as data (keys and raw values); this is only how a person
reads it. A key this module does not know is still shown, in words made from the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from auditor.i18n import EN, Translator
from auditor.messages import Msg, known_text
from auditor.report import clean_text
from auditor.report.format import (
    CHECK_MARKS,
    EVIDENCE_CHARS,
    EVIDENCE_ITEMS,
    NA,
    REASON_CHARS,
    format_date,
    format_datetime,
    kind_text,
    number,
    percent,
    severity_text,
    web_url,
)
from auditor.report.viewmodel import EvidenceView, FlagView
from auditor.verdicts import Flag, outcome_message

#: Evidence that repeats what another line or the card already shows.
_LEFT_OUT = frozenset({"checks", "automation"})
#: Where an observation is written down: "observations.csv row 4" (auditor.sheet).
_SHEET_ROW = re.compile(r"^(.+) row (\d+)$")
#: Keys told together on one line (the first names the line; the others join it).
_PAIRS = {"own_link_posts": "own_link_share", "crossposted": "crossposted_share",
          "top_minute": "same_minute_share"}


def flag_view(flag: Flag, t: Translator) -> FlagView:
    items = list(evidence_items(flag.evidence, t))
    hidden = max(len(items) - EVIDENCE_ITEMS, 0)
    return FlagView(
        code=clean_text(flag.code, 40),
        severity=clean_text(flag.severity, 20),
        severity_text=severity_text(flag.severity, t),
        reason=clean_text(t.msg(flag.reason), REASON_CHARS),
        fix=clean_text(t.msg(flag.fix), REASON_CHARS),
        evidence=tuple(items[:EVIDENCE_ITEMS]),
        evidence_hidden=hidden,
        evidence_more=t.n(hidden, "… {n} more evidence item not shown (report.json has them "
                          "all)", "… {n} more evidence items not shown (report.json has them "
                          "all)") if hidden else "",
    )


def check_labels(t: Translator) -> dict[str, str]:
    """The profile checklist's items in words."""
    return {"photo": t("Photo"), "display_name": t("Display name"), "bio": t("Bio"),
            "contact": t("Contact (e-mail, phone or contact link)"),
            "website": t("Website link"), "banner": t("Banner image")}


def evidence_items(evidence: Mapping[str, Any], t: Translator) -> Iterable[EvidenceView]:
    """One line per piece of evidence, in words with units; lists give a line each."""
    labels = _labels(t)
    for key, value in evidence.items():
        key = str(key)
        if key in _LEFT_OUT or key in _PAIRS.values():
            continue
        label = labels.get(key) or clean_text(key.replace("_", " "), 60).capitalize()
        if key in _PAIRS:
            yield _pair(key, value, evidence.get(_PAIRS[key]), label, t)
            continue
        if key == "detail" and isinstance(value, str):
            value = known_text(value)  # an adapter's fixed text, shown in the audit's language
        if isinstance(value, (list, tuple)):
            if not value:
                if key != "crossposted_with":
                    yield EvidenceView(label, t("none"))
                continue
            if key in ("missing", "signs"):
                yield EvidenceView(label, _joined(key, value, t))
                continue
            for element in value:
                yield _item(label, element, t)
            continue
        yield _worded(key, label, value, t)


def _labels(t: Translator) -> dict[str, str]:
    return {
        "outcome": t("What happened"), "detail": t("What the server said"),
        "url": t("Address"), "posts_total": t("Posts ever"), "created_at": t("Created"),
        "last_post_at": t("Last post"), "last_post_url": t("Last post"),
        "posts": t("Post"), "source": t("Date from"), "threshold_days": t("Limit"),
        "threshold": t("Limit"), "own_posts": t("Own posts read"),
        "replies": t("Replies to others"), "originals": t("New posts"),
        "self_replies": t("Thread replies"), "reposts": t("Reposts"),
        "covered_days": t("Period read"), "missing": t("Missing"),
        "score": t("Completeness"), "findings": t("Finding"),
        "basis_posts": t("Own posts compared"), "own_link_posts": t("Only a link to the own site"),
        "top_minute": t("Posted at one minute"), "crossposted": t("Also on another profile"),
        "crossposted_with": t("Same texts as"), "signs": t("Signs"),
        # observed by hand (issue 15): who saw it, when, and where it is written down
        "observed_by": t("Observed by"), "observed_on": t("Observed on"),
        "observation": t("Written down in"),
    }


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _worded(key: str, label: str, value: Any, t: Translator) -> EvidenceView:
    """A single value with its unit."""
    text: str | None = None
    count = _whole(value)
    if count is not None and key in ("own_posts", "originals", "basis_posts", "posts_total"):
        text = t.n(count, "{n} post", "{n} posts")
    elif count is not None and key in ("replies", "self_replies"):
        text = t.n(count, "{n} reply", "{n} replies")
    elif count is not None and key == "reposts":
        text = t.n(count, "{n} repost", "{n} reposts")
    elif count is not None and key == "threshold_days":
        text = t.n(count, "{n} day without a post", "{n} days without a post")
    elif key == "covered_days" and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        text = t("the last {days} days", days=number(float(value), t))
    elif key == "threshold" and isinstance(value, float) and 0 <= value <= 1:
        text = t("reply share under {share}", share=percent(value, t))
    elif key == "source" and isinstance(value, str):
        text = {"items": t("the newest post read"),
                "platform": t("the date the platform reports (no post read)"),
                "observed": t("what a person saw (observation sheet)")}.get(value)
    elif key == "observation" and isinstance(value, str) and _SHEET_ROW.match(value):
        where = _SHEET_ROW.match(value)
        assert where is not None
        text = t("{file}, row {row}", file=where.group(1), row=where.group(2))
    elif key == "outcome" and isinstance(value, str):
        text = t.msg(outcome_message(value))
    elif key == "score" and isinstance(value, int) and not isinstance(value, bool):
        text = f"{value}/100"
    elif key in ("last_post_at", "created_at", "observed_on") and isinstance(value, str):
        moment = _parse_moment(value)
        text = format_date(moment, t) if moment is not None else None
    if text is None:
        return _item(label, value, t)
    return EvidenceView(label, clean_text(text, EVIDENCE_CHARS) or t(NA))


def _pair(key: str, value: Any, share: Any, label: str, t: Translator) -> EvidenceView:
    """A count or minute and its share on one line."""
    share_text = percent(share, t) if isinstance(share, (int, float)) \
        and not isinstance(share, bool) else t(NA)
    if key == "top_minute":
        minute = f"{value:02d}" if isinstance(value, int) and not isinstance(value, bool) \
            else "--"
        text = t("{share} at minute {minute} past the hour", share=share_text, minute=minute)
    else:
        count = _whole(value)
        posts = t.n(count, "{n} post", "{n} posts") if count is not None \
            else _evidence_text(value, t)
        text = f"{posts} ({share_text})"
    return EvidenceView(label, clean_text(text, EVIDENCE_CHARS))


def _joined(key: str, values: Iterable[Any], t: Translator) -> str:
    if key == "missing":
        words = check_labels(t)
    else:
        words = {"own_link": t("mostly bare links to the own site"),
                 "same_minute": t("posts at a fixed minute"),
                 "crosspost": t("the same text on several profiles")}
    shown = [words.get(str(v)) or clean_text(str(v).replace("_", " "), 40) for v in values]
    return clean_text(", ".join(shown), EVIDENCE_CHARS)


def _item(label: str, value: Any, t: Translator) -> EvidenceView:
    if isinstance(value, Mapping):
        url = value.get("url")
        message = value.get("message")
        if isinstance(message, Msg):  # a finding: its message says it all
            text = clean_text(t.msg(message), EVIDENCE_CHARS)
            return EvidenceView(label, text or t(NA), None)
        # A post: {"date", "url", "kind"}; the date and kind speak for themselves.
        parts = [kind_text(str(v), t) if k == "kind" else _evidence_text(v, t)
                 for k, v in value.items() if k != "url"]
        if isinstance(url, str) and url:
            parts.append(url)
        text = clean_text(" · ".join(parts), EVIDENCE_CHARS)
        return EvidenceView(label, text or t(NA), web_url(url))
    return EvidenceView(label, clean_text(_evidence_text(value, t), EVIDENCE_CHARS) or t(NA),
                        web_url(value))


def _evidence_text(value: Any, t: Translator = EN) -> str:
    if value is None:
        return t(NA)
    if isinstance(value, Msg):
        return t.msg(value)
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, Mapping):
        return ", ".join(
            f"{k} {CHECK_MARKS[v][0]}" if v is None or isinstance(v, bool)
            else f"{k} {_evidence_text(v, t)}"
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(_evidence_text(v, t) for v in value)
    if isinstance(value, float):
        return number(value, t)
    if isinstance(value, str):
        moment = _parse_moment(value)
        return format_datetime(moment, t) if moment is not None else value
    return str(value)


def _parse_moment(value: str) -> datetime | None:
    """An ISO date-time string from evidence, else None (plain text stays text)."""
    if len(value) < 19 or not value[:4].isdigit() or value[4] != "-" or value[10] != "T":
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
