"""The observation sheet: what a person sees on a profile the crawl cannot read.

``auditor sheet CONFIG`` writes one row per such profile (the walled networks: LinkedIn,
X, Facebook, Instagram, Threads, TikTok, Reddit), pre-filled with the organisation, the
platform, the address and what to look at there (a company page or a person); the person
fills in what they see. ``auditor audit --observations FILE`` (or ``[audit]
observations``) reads it back: :mod:`auditor.observed` turns each row into a record with
outcome ``observed``, judged by the same rules as a crawled profile.

Two formats, both opening cleanly in Excel with Dutch settings and in LibreOffice:

- ``.xlsx`` (openpyxl): real date cells shown as dd-mm-yyyy, a sheet with instructions;
- ``.csv``: UTF-8 with a byte order mark, ``;`` between cells (the list separator of Excel
  with Dutch settings, where the decimal mark is a comma) and Windows line endings.

Reading accepts what those programs save: a CSV separated by ``;``, ``,`` or tabs, in
UTF-8 (with or without BOM) or Windows-1252 ("CSV (gescheiden door lijstscheidingsteken)"),
dates as dd-mm-yyyy, d-m-yyyy, dd/mm/yyyy, dd.mm.yyyy or yyyy-mm-dd (day first, always),
xlsx date cells or text, yes/no in English or Dutch (ja/nee, waar/onwaar, x), and counts
with Dutch or English thousands separators ("1.234", "1,2K"). Every bad cell is one
problem line naming the row and column as the spreadsheet shows them; the rest is used.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from auditor.config import AuditConfig, ProfileEntry
from auditor.models import Observation
from auditor.platforms import adapter_named
from auditor.platforms.walled import WalledAdapter
from auditor.sheetcells import column_letter, date_text, is_blank, parse_cell, shown

#: At most this many rows are read (a sheet is typed by hand; anything bigger is a mistake).
MAX_ROWS: Final = 20_000
#: A note is kept up to this many characters.
NOTE_CHARS: Final = 500


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    #: "text", "date", "dates", "count", "yesno"
    kind: str
    #: Filled in by ``auditor sheet`` (not by the person).
    prefilled: bool = False
    width: int = 14


def columns(window_days: int = 90) -> tuple[Column, ...]:
    """The sheet's columns, in order (the header names the window of the post count)."""
    return (
        Column("organisation", "organisation", "text", True, 22),
        Column("platform", "platform", "text", True, 10),
        Column("url", "url", "text", True, 42),
        Column("look_at", "what to look at", "text", True, 60),
        Column("last_post_on", "last post date", "date"),
        Column("posts_in_window", f"posts in the last {window_days} days", "count", width=12),
        Column("posts_looked_at", "posts looked at", "count", width=12),
        Column("post_dates", "dates of the posts looked at", "dates", width=30),
        Column("replies", "how many of those answer someone else", "count", width=14),
        Column("photo", "photo", "yesno", width=8),
        Column("bio", "bio / headline", "yesno", width=10),
        Column("contact", "contact details", "yesno", width=10),
        Column("website", "website link", "yesno", width=10),
        Column("followers", "followers", "count", width=10),
        Column("observed_on", "observed on", "date", width=12),
        Column("observer", "observer", "text", width=16),
        Column("note", "note", "text", width=40),
    )


#: The columns a person fills in: a row with none of them is not observed yet.
OBSERVED_KEYS: Final = frozenset(c.key for c in columns() if not c.prefilled) - {"note"}
_WINDOW_HEADER: Final = re.compile(r"^posts in the last (\d{1,4}) days?$")
#: Headers a Dutch sheet may use, and old spellings, for the same columns.
_ALIASES: Final = {
    "organisatie": "organisation", "profiel": "url", "adres": "url", "link": "url",
    "wat te bekijken": "look_at", "laatste post": "last_post_on",
    "datum laatste post": "last_post_on", "bekeken posts": "posts_looked_at",
    "foto": "photo", "bio": "bio", "headline": "bio", "contactgegevens": "contact",
    "website": "website", "volgers": "followers", "bekeken op": "observed_on",
    "waargenomen op": "observed_on", "waarnemer": "observer", "notitie": "note",
    "opmerking": "note",
}


class SheetError(Exception):
    """The sheet cannot be read at all (no such file, not a sheet, no header)."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One observation as read, with the config's profile it belongs to."""

    url: str
    observation: Observation
    #: "observations.xlsx row 4".
    where: str


@dataclass
class SheetReading:
    rows: list[SheetRow] = field(default_factory=list)
    #: One line per bad cell or unusable row (the rest of the sheet is used).
    problems: list[str] = field(default_factory=list)


# --- what goes on the sheet ---------------------------------------------------------------


def needs_observing(entry: ProfileEntry) -> bool:
    """Whether the crawl cannot read ``entry`` itself: a profile on a walled network."""
    return isinstance(adapter_named(entry.platform), WalledAdapter)


def look_at(entry: ProfileEntry) -> str:
    """What to look at on that network, for a company page or a person (English, the
    adapter's checklist; a message id in auditor.english)."""
    adapter = adapter_named(entry.platform)
    if isinstance(adapter, WalledAdapter):
        return adapter.checklist(entry.url)
    return "open the profile in a browser: the date of the newest post, whether it answers " \
           "people, and the photo, bio, contact details and website link"


def sheet_entries(config: AuditConfig) -> list[ProfileEntry]:
    return [entry for entry in config.profiles() if needs_observing(entry)]


def blank_rows(entries: Iterable[ProfileEntry]) -> list[dict[str, Any]]:
    return [{"organisation": entry.organisation, "platform": entry.platform, "url": entry.url,
             "look_at": look_at(entry)} for entry in entries]


# --- writing ------------------------------------------------------------------------------


def write_sheet(path: Path, rows: Sequence[dict[str, Any]], *, window_days: int = 90) -> None:
    """The sheet at ``path``: .xlsx or .csv by its suffix (anything else is CSV)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _write_xlsx(path, rows, window_days)
    else:
        path.write_bytes(csv_bytes(rows, window_days=window_days))


def csv_bytes(rows: Sequence[dict[str, Any]], *, window_days: int = 90) -> bytes:
    """CSV for Excel with Dutch settings: BOM, ``;``, CRLF, dates as dd-mm-yyyy."""
    cols = columns(window_days)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in cols])
    for row in rows:
        writer.writerow([_csv_cell(row.get(c.key)) for c in cols])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, (list, tuple)):
        return " ".join(_csv_cell(v) for v in value)
    return _safe_formula(str(value))


def _safe_formula(value: str) -> str:
    """A text a spreadsheet would run as a formula (=, +, -, @ first) made plain text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _write_xlsx(path: Path, rows: Sequence[dict[str, Any]], window_days: int) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = columns(window_days)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "observations"
    sheet.append([c.header for c in cols])
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for index, col in enumerate(cols, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = col.width
    last = max(len(rows) + 1, 2)
    yesno = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
    sheet.add_data_validation(yesno)
    for r, row in enumerate(rows, start=2):
        for index, col in enumerate(cols, start=1):
            value = row.get(col.key)
            cell = sheet.cell(row=r, column=index)
            if isinstance(value, bool):
                cell.value = "yes" if value else "no"
            elif isinstance(value, (list, tuple)):
                cell.value = " ".join(_csv_cell(v) for v in value) or None
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # never a formula, whatever the text starts with
            else:
                cell.value = value
            if col.kind == "date":
                cell.number_format = "DD-MM-YYYY"
            if col.prefilled:
                cell.fill = grey
                cell.alignment = Alignment(wrap_text=col.key == "look_at", vertical="top")
    for index, col in enumerate(cols, start=1):
        if col.kind == "yesno":
            letter = get_column_letter(index)
            yesno.add(f"{letter}2:{letter}{last + 200}")
    sheet.freeze_panes = "E2"
    help_sheet = book.create_sheet("how to fill in")
    for line in HOW_TO:
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    book.save(path)


HOW_TO: Final = (
    "Fill in one row per profile: open it logged in and write down what you see.",
    "Leave a cell empty when you did not see it: empty is unknown, never 0 or no.",
    "Dates as dd-mm-yyyy (31-10-2026) or yyyy-mm-dd; day first, always.",
    "posts in the last N days: own posts (not reposts) from 'observed on' back N days.",
    "Or: 'posts looked at' and their dates, separated by spaces (newest first).",
    "how many of those answer someone else: of the posts counted, the replies to others.",
    "photo, bio / headline, contact details, website link: yes or no.",
    "observed on and observer are required: the report shows who saw it, and when.",
    "Then: auditor audit CONFIG --observations THIS_FILE",
)


# --- reading ------------------------------------------------------------------------------


def read_sheet(path: Path, config: AuditConfig | None = None, *,
               window_days: int = 90) -> SheetReading:
    """Every usable row of the sheet at ``path``; a problem line per bad cell or row.

    Raises :class:`SheetError` when the file is no sheet at all. URLs are put in the
    config's canonical spelling; with ``config``, a row for a profile it does not list is a
    problem (not used)."""
    name = path.name
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = _xlsx_table(path)
        else:
            table = _csv_table(path.read_bytes(), name)
    except FileNotFoundError:
        raise SheetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SheetError(f"{path}: is a folder, not a sheet") from None
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return read_table(table, name, config, window_days=window_days)


def read_table(table: Sequence[Sequence[Any]], name: str, config: AuditConfig | None = None,
               *, window_days: int = 90) -> SheetReading:
    """The rows of a sheet already split into cells (row 1 the header)."""
    reading = SheetReading()
    if not table or not any(is_blank(cell) is False for cell in table[0]):
        raise SheetError(f"{name}: no header row (expected {columns()[2].header!r} and the "
                         "other columns auditor sheet writes)")
    keys, window = _header(table[0], name, reading)
    if "url" not in keys.values():
        raise SheetError(f"{name} row 1: no 'url' column")
    listed = {entry.url: entry for entry in config.profiles()} if config else None
    for number, cells in enumerate(table[1:MAX_ROWS + 1], start=2):
        row = _read_row(number, cells, keys, window or window_days, name, reading, listed)
        if row is not None:
            reading.rows.append(row)
    if len(table) > MAX_ROWS + 1:
        reading.problems.append(f"{name}: only the first {MAX_ROWS} rows were read")
    return reading


def _header(cells: Sequence[Any], name: str,
            reading: SheetReading) -> tuple[dict[int, str], int | None]:
    known = {c.header: c.key for c in columns()}
    keys: dict[int, str] = {}
    window: int | None = None
    for index, cell in enumerate(cells):
        text = " ".join(str(cell or "").split()).lower()
        if not text:
            continue
        match = _WINDOW_HEADER.match(text)
        key = known.get(text) or _ALIASES.get(text)
        if match:
            key, window = "posts_in_window", int(match.group(1))
            if not 1 <= window <= 3650:
                reading.problems.append(f"{name} row 1, column {column_letter(index)}: "
                                        f"{window} days is not a window (1 to 3650)")
                key = None
        if key is None:
            reading.problems.append(f"{name} row 1, column {column_letter(index)}: unknown "
                                    f"column {shown(cell)}; it is ignored")
        elif key in keys.values():
            reading.problems.append(f"{name} row 1, column {column_letter(index)}: "
                                    f"{shown(cell)} is there twice; the first is used")
        else:
            keys[index] = key
    return keys, window


def _read_row(number: int, cells: Sequence[Any], keys: dict[int, str], window: int,
              name: str, reading: SheetReading,
              listed: dict[str, ProfileEntry] | None) -> SheetRow | None:
    from auditor.platforms import profile_url
    from auditor.urls import BadURL, canonicalise

    values: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    headers = {c.key: c.header for c in columns(window)}
    kinds = {c.key: c.kind for c in columns(window)}
    bad: dict[str, int] = {}

    def problem(index: int, key: str, message: str) -> None:
        bad[key] = len(reading.problems)
        reading.problems.append(f"{name} row {number}, column {column_letter(index)} "
                                f"({headers[key]}): {message}")

    for index, key in keys.items():
        cell = cells[index] if index < len(cells) else None
        if is_blank(cell):
            continue
        raw[key] = (index, cell)
        try:
            values[key] = parse_cell(kinds[key], cell)
        except ValueError as exc:
            problem(index, key, str(exc))
    if not any(key in raw for key in OBSERVED_KEYS):
        return None  # a pre-filled row nobody filled in yet (or an empty row)
    where = f"{name} row {number}"
    url_cell = raw.get("url")
    if url_cell is None:
        reading.problems.append(f"{where}: no url; the row is not used")
        return None
    try:
        url = profile_url(canonicalise(str(url_cell[1]).strip()))
    except BadURL as exc:
        problem(url_cell[0], "url", f"{shown(url_cell[1])}: {exc}; the row is not used")
        return None
    if listed is not None and url not in listed:
        reading.problems.append(f"{where}: {shown(url, 100)} is not a profile of the audit's "
                                "config; the row is not used")
        return None
    for key, required in (("observed_on", "the date you looked"),
                          ("observer", "who looked")):
        if key in bad:
            reading.problems[bad[key]] += "; the row is not used"
            return None
        if key not in values:
            index = next(i for i, k in keys.items() if k == key) if key in keys.values() \
                else len(keys)
            reading.problems.append(f"{name} row {number}, column {column_letter(index)} "
                                    f"({headers[key]}): empty; write {required} (the report "
                                    "shows it with every number); the row is not used")
            return None
    observed_on: date = values["observed_on"]
    for key in ("last_post_on",):
        if key in values and values[key] > observed_on:
            problem(raw[key][0], key, f"{date_text(values[key])} is after the observed-on "
                                      f"date {date_text(observed_on)}")
            del values[key]
    dates = tuple(sorted((d for d in values.get("post_dates", ())), reverse=True))
    if dates and dates[0] > observed_on:
        problem(raw["post_dates"][0], "post_dates",
                f"{date_text(dates[0])} is after the observed-on date "
                f"{date_text(observed_on)}")
        dates = ()
    counted = values.get("posts_in_window", values.get("posts_looked_at"))
    if "posts_looked_at" in values and dates and len(dates) > values["posts_looked_at"]:
        problem(raw["post_dates"][0], "post_dates",
                f"{len(dates)} dates for {values['posts_looked_at']} posts looked at")
        dates = ()
    if "replies" in values and counted is not None and values["replies"] > counted:
        problem(raw["replies"][0], "replies",
                f"{values['replies']} answers of {counted} posts counted")
        del values["replies"]
    if "replies" in values and counted is None and not dates:
        problem(raw["replies"][0], "replies", "answers of how many posts? Fill in the posts "
                                              "in the window or the posts looked at")
        del values["replies"]
    observer = " ".join(str(values["observer"]).split())[:100]
    note = values.get("note")
    return SheetRow(url=url, where=where, observation=Observation(
        observer=observer, observed_on=observed_on, last_post_on=values.get("last_post_on"),
        posts_in_window=values.get("posts_in_window"), window_days=window,
        posts_looked_at=values.get("posts_looked_at"), post_dates=dates,
        replies=values.get("replies"), photo=values.get("photo"), bio=values.get("bio"),
        contact=values.get("contact"), website=values.get("website"),
        followers=values.get("followers"),
        note=" ".join(str(note).split())[:NOTE_CHARS] if note is not None else None,
        source=where))


# --- file formats -------------------------------------------------------------------------


def _csv_table(data: bytes, name: str) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise SheetError(f"{name}: not a CSV text file (it contains NUL bytes; an .xlsx "
                         "file needs the .xlsx name)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV (lijstscheidingsteken)"
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""),
                                          delimiter=delimiter)]
    except csv.Error as exc:
        raise SheetError(f"{name}: not valid CSV ({exc})") from None


def _xlsx_table(path: Path) -> list[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, (FileNotFoundError, IsADirectoryError)):
            raise
        raise SheetError(f"{path.name}: not an .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheet = book["observations"] if "observations" in book.sheetnames else book.worksheets[0]
        return [list(row) for row in _limited(sheet.iter_rows(values_only=True))]
    finally:
        book.close()


def _limited(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for index, row in enumerate(rows):
        if index > MAX_ROWS + 1:
            return
        yield row[:64]
