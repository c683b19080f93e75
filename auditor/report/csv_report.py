"""report.csv: one row per profile with stable column names, for spreadsheets."""

from __future__ import annotations

import csv
from contextlib import ExitStack, suppress
from pathlib import Path

from auditor.audit import AuditResult, OrganisationResult
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
    with CsvReportWriter(path, result.lang) as writer:
        for organisation in result.organisations:
            writer.append(organisation)
        writer.finish()


class _Unfinished(Exception):
    pass


class CsvReportWriter:
    """report.csv written row by row while the audit is judged (an
    :class:`auditor.audit.OrganisationSink`); it replaces ``path`` on :meth:`finish`."""

    def __init__(self, path: Path, lang: str = "en") -> None:
        self.path = Path(path)
        self._t = translator(lang)
        self._stack = ExitStack()
        self._finished = False

    def __enter__(self) -> CsvReportWriter:
        self._handle = self._stack.enter_context(open_atomic(self.path))
        self._writer = csv.writer(self._handle)
        self._writer.writerow(COLUMNS)
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self._finished and kind is None:
            self._stack.close()  # the new file replaces the old report
            return
        unfinished = _Unfinished("report.csv was not finished")
        with suppress(_Unfinished):  # the half-written file is dropped; the old report stays
            self._stack.__exit__(_Unfinished, unfinished, None)

    def append(self, organisation: OrganisationResult) -> None:
        t = self._t
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
            self._writer.writerow([_cell(value) for value in row])

    def finish(self) -> None:
        self._finished = True
