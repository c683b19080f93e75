"""report.xlsx: the audit as a workbook for people who work in spreadsheets.

One sheet per view: the profiles (one row each), the organisations side by side, and the
flags (one row per flag, with its severity, reason and fix). Numbers are numbers, shares
are percentages (0.125 shown as 12.5%), dates are dates in the report's time zone, and
unknown values are empty cells, never 0. Headers are in the report's language.

Every text cell is written as text (an inline string): a scraped name starting with ``=``,
``+``, ``-`` or ``@`` is never run as a formula, and no apostrophe is put in front of it
(``@ratelwerkplaats`` stays that handle). report.csv stays the stable machine format with
fixed column names; this workbook is for reading and may gain columns.

Written with openpyxl's write-only workbook: rows go to disk as they are made, so a large
audit is never held whole.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from auditor.audit import AuditResult, OrganisationResult
from auditor.i18n import Translator, translator
from auditor.report import clean_text
from auditor.report.format import in_zone, zone_name
from auditor.report.viewmodel import OrganisationView, ReportView
from auditor.report.views import build_report_view

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: A cell never holds more than this (spreadsheets cap cells at 32,767 characters).
CELL_CHARS: Final = 2000
PERCENT: Final = "0.0%"
DECIMAL: Final = "0.00"
DATE: Final = "yyyy-mm-dd"


def write_xlsx(result: AuditResult, path: Path, *, view: ReportView | None = None) -> None:
    """Write ``path`` atomically (a reader sees the old workbook or the whole new one)."""
    from openpyxl import Workbook

    view = view if view is not None else build_report_view(result)
    t = translator(view.lang)
    if view.timezone != "UTC":
        from auditor.config import time_zone

        zone = time_zone(view.timezone)
        if zone is not None:
            t = t.in_zone(zone)
    book = Workbook(write_only=True)
    profiles = book.create_sheet(t("Profiles"))
    organisations = book.create_sheet(t("Organisations"))
    flags = book.create_sheet(t("Flags"))
    _header(profiles, [t("Organisation"), t("Role"), t("Network"), t("Profile"), t("Address"),
                       t("State"), t("Outcome"),
                       t("Last post ({zone})", zone=zone_name(t)), t("Days since last post"),
                       t("Posts per week"), t("Reply share"), t("Repost share"),
                       t("Completeness"), t("Flags"), t("Followers"),
                       t("Interactions per post"), t("Per 1,000 followers"),
                       t("Views per post")],
            widths=[22, 12, 11, 30, 40, 15, 15, 14, 10, 10, 10, 10, 10, 30, 10, 10, 10, 10])
    _header(flags, [t("Organisation"), t("Role"), t("Network"), t("Profile"), t("Flag"),
                    t("Severity"), t("Reason"), t("Fix")],
            widths=[22, 12, 11, 30, 16, 10, 60, 60])
    for organisation, judged in view.organisations.with_results():
        _profile_rows(profiles, flags, organisation, judged, t)
    _organisation_rows(organisations, view, t)
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        book.save(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _header(sheet: WriteOnlyWorksheet, names: Sequence[str], *, widths: Sequence[int]) -> None:
    from openpyxl.styles import Font

    columns: Any = sheet.column_dimensions  # type: ignore[attr-defined]  # not in the stubs
    for index, width in enumerate(widths, start=1):
        columns[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in names])


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, number_format: str | None = None,
          font: Any = None) -> Any:
    """One cell: text always as text (never a formula), numbers and dates typed; None
    stays an empty cell (unknown is not zero)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=clean_text(value, CELL_CHARS))
        cell.data_type = "s"  # "=cmd()" is text here, not a formula; no apostrophe added
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if number_format and value is not None:
            cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _local_date(value: datetime | None, t: Translator) -> datetime | None:
    """A moment as a spreadsheet date: in the report's zone, without the zone (a
    spreadsheet has none; the column header names it)."""
    if value is None:
        return None
    return in_zone(value, t).replace(tzinfo=None)


def _profile_rows(profiles: WriteOnlyWorksheet, flags: WriteOnlyWorksheet,
                  organisation: OrganisationView, judged: OrganisationResult,
                  t: Translator) -> None:
    for view, profile in zip(organisation.profiles, judged.profiles, strict=True):
        metrics = profile.metrics
        row = [
            _cell(profiles, organisation.name), _cell(profiles, organisation.role_text),
            _cell(profiles, view.platform_name), _cell(profiles, view.name),
            _cell(profiles, view.url.text), _cell(profiles, view.state.word),
            _cell(profiles, view.outcome_text),
            _cell(profiles, _local_date(metrics.last_post_at, t), number_format=DATE),
            _cell(profiles, metrics.days_since_last_post),
            _cell(profiles, metrics.posts_per_week, number_format=DECIMAL),
            _cell(profiles, metrics.reply_share, number_format=PERCENT),
            _cell(profiles, metrics.repost_share, number_format=PERCENT),
            _cell(profiles, metrics.completeness.score),
            _cell(profiles, " ".join(flag.code for flag in view.flags)),
            _cell(profiles, metrics.engagement.followers),
            _cell(profiles, metrics.engagement.median_interactions, number_format=DECIMAL),
            _cell(profiles, metrics.engagement.rate_per_1000, number_format=DECIMAL),
            _cell(profiles, metrics.engagement.median_views, number_format=DECIMAL),
        ]
        if view.url.href:
            row[4].hyperlink = view.url.href
        profiles.append(row)
        for flag in view.flags:
            fix = flag.fix if organisation.role != "competitor" else ""
            flags.append([_cell(flags, organisation.name), _cell(flags, organisation.role_text),
                          _cell(flags, view.platform_name), _cell(flags, view.name),
                          _cell(flags, flag.code), _cell(flags, flag.severity_text),
                          _cell(flags, flag.reason), _cell(flags, fix)])


def _organisation_rows(sheet: WriteOnlyWorksheet, view: ReportView, t: Translator) -> None:
    _header(sheet, [t("Organisation"), t("Role"), t("Verdict"), t("Profiles"),
                    t("Profiles without flags"), t("Flags"), t("Posts per week"),
                    t("Reply share"), t("Completeness"), t("Days since last post"),
                    t("Rank")],
            widths=[22, 12, 60, 10, 10, 10, 10, 10, 10, 10, 8])
    ranked = {row.anchor: row.position for row in view.comparison}
    for summary in view.summaries:
        numbers: Mapping[str, float | None] = summary.numbers
        sheet.append([
            _cell(sheet, summary.name), _cell(sheet, summary.role_text),
            _cell(sheet, summary.verdict), _cell(sheet, summary.profile_count),
            _cell(sheet, summary.clean_profiles), _cell(sheet, summary.flag_count),
            _cell(sheet, numbers["posts_per_week"], number_format=DECIMAL),
            _cell(sheet, numbers["reply_share"], number_format=PERCENT),
            _cell(sheet, numbers["completeness"]),
            _cell(sheet, numbers["days_since"]),
            _cell(sheet, ranked.get(summary.anchor)),
        ])
