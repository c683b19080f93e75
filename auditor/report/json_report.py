"""report.json: the machine-readable report other tools rely on (contract in DESIGN.md).

The JSON is written with non-ASCII text readable (``ensure_ascii=False``: "Fietsen Zoë",
"—"), except the characters that rewrite how a terminal or an editor shows the text
around them: C1 control characters (U+0080-U+009F, U+009B is a terminal's CSI), DEL, the
bidirectional overrides, embeddings, isolates and marks (a name with U+202E reads
backwards) and the line and paragraph separators U+2028/U+2029. Those are written as
``\\uXXXX`` escapes (:func:`dumps`): the data is the same, only its spelling is safe to
``cat`` or review. report.json and ``auditor check --json`` both use it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, Final, TextIO

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.engagement import Engagement
from auditor.messages import Msg, known_text
from auditor.models import to_jsonable
from auditor.report import open_atomic


def report_data(result: AuditResult) -> dict[str, Any]:
    """The report as plain data. Unknown values are null, never omitted."""
    return {
        "audit": audit_data(result),
        "organisations": [organisation_data(organisation)
                          for organisation in result.organisations],
    }


def _listed(values: tuple[int, ...] | None) -> list[int] | None:
    return None if values is None else list(values)


def audit_data(result: AuditResult) -> dict[str, Any]:
    """The ``audit`` part of the report: what was audited, when, with which thresholds."""
    return {
            "name": result.name,
            "as_of": result.as_of.isoformat(),
            "generated_at": result.generated_at.isoformat(),
            "tool_version": result.tool_version,
            "window_days": result.window_days,
            "thresholds": to_jsonable(result.thresholds),
            "thresholds_by_role": to_jsonable(result.role_thresholds),
            "lang": result.lang,
            "profiles_not_finished": result.missing,
            # the zone of the *_local profiles and of the times report.html shows
            "timezone": result.timezone,
    }


def organisation_data(organisation: OrganisationResult) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "role": organisation.role,
        "website": organisation.website,
        "findings": [{**to_jsonable(finding), **message_fields("message", finding.message)}
                     for finding in organisation.findings],
        "website_links": [str(line) for line in organisation.website_lines],
        "website_link_ids": [to_jsonable(line) for line in organisation.website_lines],
        "profiles": [profile_data(p) for p in organisation.profiles],
    }


def profile_data(result: ProfileResult) -> dict[str, Any]:
    record, metrics = result.record, result.metrics
    profile = record.profile
    return {
        "url": record.url,
        "source_url": record.source_url,
        "platform": record.platform,
        "handle": record.handle,
        "display_name": profile.display_name if profile else None,
        "outcome": record.outcome,
        "outcome_detail": record.outcome_detail,
        "outcome_detail_id": to_jsonable(known_text(record.outcome_detail)),
        "fetched_at": to_jsonable(record.fetched_at),
        "metrics": {
            "last_post_at": to_jsonable(metrics.last_post_at),
            "last_post_url": metrics.last_post_url,
            "last_post_source": metrics.last_post_source,
            "days_since_last_post": metrics.days_since_last_post,
            "posts_per_week": metrics.posts_per_week,
            "window_days": metrics.window_days,
            "covered_days": metrics.covered_days,
            "sampled_items": metrics.sampled_items,
            "items_in_window": metrics.items_in_window,
            "own_posts": metrics.own_posts,
            "originals": metrics.originals,
            "replies": metrics.replies,
            "self_replies": metrics.self_replies,
            "reposts": metrics.reposts,
            "page_cap_cut_sample": metrics.page_cap_cut_sample,
            "reply_share": metrics.reply_share,
            "repost_share": metrics.repost_share,
            "posts_total": metrics.posts_total,
            "completeness": {
                "score": metrics.completeness.score,
                "checks": dict(metrics.completeness.checks),
                "notes": english(metrics.completeness.notes),
                "note_ids": to_jsonable(metrics.completeness.notes),
            },
            "null_reasons": english(metrics.null_reasons),
            "null_reason_ids": to_jsonable(metrics.null_reasons),
            "median_gap_days": metrics.median_gap_days,
            "longest_gap_days": metrics.longest_gap_days,
            "median_response_hours": metrics.median_response_hours,
            "responses_timed": metrics.responses_timed,
            "weekday_profile": list(metrics.weekday_profile),
            "hour_profile_utc": list(metrics.hour_profile),
            # in the audit's time zone; null when that is UTC (the two above then)
            "weekday_profile_local": _listed(metrics.local_weekday_profile),
            "hour_profile_local": _listed(metrics.local_hour_profile),
            "weekly": to_jsonable(metrics.weekly),
            "automation": to_jsonable(metrics.automation),
            "engagement": engagement_data(metrics.engagement),
        },
        "flags": [
            {"code": flag.code, "severity": flag.severity,
             **message_fields("reason", flag.reason),
             "evidence": english(flag.evidence), **message_fields("fix", flag.fix)}
            for flag in result.flags
        ],
        "notes": list(record.notes),
        # outcome "observed": what a person saw, and who and when (null for crawled ones)
        "observation": to_jsonable(record.observation),
    }


def engagement_data(engagement: Engagement) -> dict[str, Any]:
    """Audience and engagement as report.json gives them: numbers, and the null reasons in
    English with their ids (like the other metrics)."""
    data = to_jsonable(engagement)
    data["null_reasons"] = english(engagement.null_reasons)
    data["null_reason_ids"] = to_jsonable(engagement.null_reasons)
    data["hashtags"] = [{"tag": tag, "posts": n} for tag, n in engagement.hashtags]
    return data


def message_fields(name: str, message: Msg | None) -> dict[str, Any]:
    """A message as report.json gives it: ``name`` its English text (as always), ``name_id``
    and ``name_params`` what it says in any language."""
    if message is None:
        return {name: "", f"{name}_id": None, f"{name}_params": {}}
    data = message.to_dict()
    return {name: str(message), f"{name}_id": data["id"], f"{name}_params": data["params"]}


def english(value: Any) -> Any:
    """``value`` as JSON-ready data with every message as its English text."""
    if isinstance(value, Msg):
        return str(value)
    if isinstance(value, dict | tuple | list) or hasattr(value, "items"):
        if hasattr(value, "items"):
            return {str(k): english(v) for k, v in value.items()}
        return [english(v) for v in value]
    return to_jsonable(value)


def write_json(result: AuditResult, path: Path) -> None:
    """Write report.json one organisation at a time: the same text as
    ``dumps(report_data(result))``, without ever holding the whole report."""
    with JsonReportWriter(path) as writer:
        for organisation in result.organisations:
            writer.append(organisation)
        writer.finish(result)


class JsonReportWriter:
    """report.json written while the audit is judged: each organisation goes to a part file
    as it comes (an :class:`auditor.audit.OrganisationSink`); :meth:`finish` writes the
    report atomically once the audit's own part (counted at the end) is known."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._part = self.path.with_name(f".{self.path.name}.{os.getpid()}.organisations")
        self._handle: TextIO | None = None
        self._first = True

    def __enter__(self) -> JsonReportWriter:
        self._handle = self._part.open("w", encoding="utf-8", newline="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
        self._part.unlink(missing_ok=True)

    def append(self, organisation: OrganisationResult) -> None:
        assert self._handle is not None, "use JsonReportWriter as a context manager"
        self._handle.write("\n    " if self._first else ",\n    ")
        self._handle.write(_dumps(organisation_data(organisation), level=2))
        self._first = False

    def finish(self, result: AuditResult) -> None:
        """Write report.json: the audit's part, then the organisations appended."""
        assert self._handle is not None, "use JsonReportWriter as a context manager"
        self._handle.close()
        with open_atomic(self.path) as handle:
            handle.write('{\n  "audit": ')
            handle.write(_dumps(audit_data(result), level=1))
            handle.write(',\n  "organisations": [')
            with self._part.open(encoding="utf-8", newline="") as part:
                shutil.copyfileobj(part, handle)
            handle.write("]" if self._first else "\n  ]")
            handle.write("\n}\n")


#: Characters written as \\uXXXX although the rest of the text stays readable.
_UNSAFE: Final = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """``data`` as JSON text: ``json.dumps(data, ensure_ascii=False, indent=indent)`` with
    control, bidi and line-separator characters escaped as ``\\uXXXX`` (valid JSON: such a
    character can only stand inside a string, where its escape means the same)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _dumps(data: Any, *, level: int) -> str:
    """``data`` as indented JSON nested ``level`` deep (JSON strings hold no raw newline)."""
    return dumps(data).replace("\n", "\n" + "  " * level)
