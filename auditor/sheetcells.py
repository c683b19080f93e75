"""The observation sheet's cells as Excel and LibreOffice save them (auditor.sheet).

Dates day first (dd-mm-yyyy, d-m-yyyy, dd/mm/yyyy, dd.mm.yyyy) or ISO, xlsx date cells and
Excel day numbers; counts with Dutch or English thousands separators and short forms
("1.234", "1,2K"); yes/no in English or Dutch. Each parser raises ValueError saying what
is wrong, in words a problem line can show.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Final

#: A cell's text is shown at most this long in a problem line (it is untrusted input).
SHOWN_CHARS: Final = 40
#: The largest count a cell may hold (followers of the biggest accounts are below this).
MAX_COUNT: Final = 10_000_000_000
#: Excel's day 0 (its 1900 date system, with the 1900 leap-year bug accounted for).
_EXCEL_EPOCH: Final = date(1899, 12, 30)


# --- cells --------------------------------------------------------------------------------


def parse_cell(kind: str, cell: Any) -> Any:
    """A cell's value of ``kind``; ValueError with what is wrong, in words."""
    if kind == "date":
        return parse_date(cell)
    if kind == "dates":
        if isinstance(cell, (datetime, date)) or _is_number(cell):
            return (parse_date(cell),)
        parts = [p for p in re.split(r"[\s,;]+", str(cell)) if p]
        found = []
        for part in parts[:500]:
            try:
                found.append(parse_date(part))
            except ValueError:
                raise ValueError(f"{shown(part)} is not a date") from None
        return tuple(found)
    if kind == "count":
        return parse_count(cell)
    if kind == "yesno":
        return parse_yes_no(cell)
    if isinstance(cell, float) and cell == int(cell):
        cell = int(cell)
    elif isinstance(cell, datetime):
        cell = cell.date()
    text = cell.isoformat() if isinstance(cell, date) else str(cell).strip()
    return "".join(ch if ch.isprintable() else " " for ch in text)


_DAY_FIRST: Final = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]\d{1,2}:\d{2}"
                               r"(?::\d{2})?)?$")
_ISO: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def parse_date(cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if _is_number(cell):  # an xlsx date cell without a date format: Excel's day number
        serial = float(cell)
        if 20_000 <= serial <= 80_000:
            return _EXCEL_EPOCH + timedelta(days=int(serial))
        raise ValueError(f"{shown(cell)} is not a date")
    text = str(cell).strip()
    day_first = _DAY_FIRST.match(text)
    iso = _ISO.match(text)
    try:
        if day_first:
            day, month, year = (int(g) for g in day_first.groups())
            return date(year, month, day)
        if iso:
            year, month, day = (int(g) for g in iso.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise ValueError(f"{shown(text)} is not a date (write dd-mm-yyyy)")


def parse_count(cell: Any) -> int:
    if isinstance(cell, bool):
        raise ValueError(f"{shown(cell)} is not a number")
    if isinstance(cell, int):
        value = cell
    elif isinstance(cell, float):
        if cell != int(cell):
            raise ValueError(f"{shown(cell)} is not a whole number")
        value = int(cell)
    else:
        value = _count_text(str(cell).strip())
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{shown(cell)} is not a count (0 or more)")
    return value


_GROUPED: Final = re.compile(r"^\d{1,3}(?:([.,\s\u00a0\u202f])\d{3})(?:\1\d{3})*$")
_SHORT: Final = re.compile(r"^(\d{1,4}(?:[.,]\d{1,3})?)\s*([kKmM]|dzd|mln)$")


def _count_text(text: str) -> int:
    """"12", "1.234" / "1,234" / "1 234" (thousands), "1,2K" / "1.2k" / "3M"."""
    if text.isdigit():
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"\D", "", text))
    short = _SHORT.match(text)
    if short:
        number = float(short.group(1).replace(",", "."))
        factor = 1_000 if short.group(2).lower() in ("k", "dzd") else 1_000_000
        return round(number * factor)
    if re.fullmatch(r"\d+[.,]\d+", text):
        raise ValueError(f"{shown(text)} is not a whole number")
    raise ValueError(f"{shown(text)} is not a number")


_YES: Final = frozenset({"yes", "y", "ja", "j", "true", "waar", "x", "1", "✓", "✔", "v"})
_NO: Final = frozenset({"no", "n", "nee", "false", "onwaar", "0", "-", "✗", "✘"})


def parse_yes_no(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = str(int(cell) if isinstance(cell, float) and cell == int(cell) else cell)
    text = text.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{shown(cell)} is not yes or no")


def _is_number(cell: Any) -> bool:
    return isinstance(cell, (int, float)) and not isinstance(cell, bool)


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def date_text(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """A cell as a problem line shows it: one line, printable, capped, between quotes."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date_text(value)
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
