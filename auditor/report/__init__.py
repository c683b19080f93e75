"""Report writers over one judged audit: report.json (the contract), report.html, the brief."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, TextIO

from auditor.models import cap_text

#: Default length cap for a piece of scraped text in a report.
DEFAULT_CHARS: Final = 300

#: Terminal escape sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks), and the
#: two-character forms. Removed whole, so no "[31m" is left behind.
_ANSI: Final = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"            # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"       # DCS, SOS, PM, APC ... ST
    r"|\x1b[@-Z\\-_]"                       # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"               # 8-bit CSI
)
#: C0 and C1 control characters, DEL, and the bidi embedding/override/isolate characters
#: that can make text read differently from what it is.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES: Final = re.compile(r"[ \t\u2028\u2029]+")
_BLANK_LINES: Final = re.compile(r"\n{3,}")


def write_atomic(path: Path, text: str) -> None:
    """Write ``path`` so that a reader sees the old file or the whole new one, never half."""
    with open_atomic(path) as handle:
        handle.write(text)


@contextmanager
def open_atomic(path: Path) -> Iterator[TextIO]:
    """A text file to write ``path`` piece by piece; it replaces ``path`` only when the
    ``with`` block ends without an error, so a reader never sees half a report."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("x", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def clean_text(value: object, limit: int = DEFAULT_CHARS, *, multiline: bool = False) -> str:
    """Scraped text made safe to show: no escapes or control characters, capped at ``limit``.

    Tabs and runs of spaces become one space; newlines are kept (at most one blank line)
    when ``multiline``, else they become spaces. ``None`` becomes "".
    """
    if value is None:
        return ""
    text = _ANSI.sub("", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    if multiline:
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n")))
    return cap_text(text, limit) or ""
