"""report.csv: one row per profile with stable column names, for spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from auditor.audit import AuditResult
from auditor.i18n import translator
from auditor.report import clean_text, open_atomic

COLUMNS = (
    "organisation", "role", "platform", "handle", "url", "outcome", "outcome_detail",
    "last_post_at", "days_since_last_post", "posts_per_week", "covered_days", "sampled_items",
    "reply_share", "repost_share", "completeness_score", "missing_items", "flags",
    "flag_reasons",
)
#: Spreadsheets run cells starting with these as formulas; scraped text must not.
_FORMULA_START = ("=", "+", "-", "@")
#: A cell never holds more than this (spreadsheets cap cells at 32767 characters).
_CELL_CHARS = 2000


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if not isinstance(value, str):
        return text
    text = clean_text(text, _CELL_CHARS)  # one line, no control characters or escapes
    # Leading blanks do not stop a spreadsheet from reading "  =cmd()" as a formula.
    if text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(result: AuditResult, path: Path) -> None:
    with open_atomic(path) as handle:
        _write_rows(result, handle)


def _write_rows(result: AuditResult, handle: TextIO) -> None:
    t = translator(result.lang)
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
                " | ".join(f"{flag.code}: {t.msg(flag.reason)}" for flag in profile.flags),
            )
            writer.writerow([_cell(value) for value in row])
