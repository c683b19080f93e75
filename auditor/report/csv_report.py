"""report.csv: one row per profile with stable column names, for spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path

from auditor.audit import AuditResult

COLUMNS = (
    "organisation", "role", "platform", "handle", "url", "outcome", "outcome_detail",
    "last_post_at", "days_since_last_post", "posts_per_week", "covered_days", "sampled_items",
    "reply_share", "repost_share", "completeness_score", "missing_items", "flags",
    "flag_reasons",
)
#: Spreadsheets run cells starting with these as formulas; scraped text must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(result: AuditResult, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for organisation in result.organisations:
            for profile in organisation.profiles:
                record, metrics = profile.record, profile.metrics
                row = (
                    organisation.name, organisation.role, record.platform, record.handle,
                    record.url, record.outcome, record.outcome_detail, metrics.last_post_at,
                    metrics.days_since_last_post, metrics.posts_per_week, metrics.covered_days,
                    metrics.sampled_items, metrics.reply_share, metrics.repost_share,
                    metrics.completeness.score, " ".join(metrics.completeness.missing),
                    " ".join(flag.code for flag in profile.flags),
                    " | ".join(f"{flag.code}: {flag.reason}" for flag in profile.flags),
                )
                writer.writerow([_cell(value) for value in row])
