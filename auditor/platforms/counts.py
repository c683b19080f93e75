"""Public interaction counts as platforms give them: a count is a non-negative integer, and
anything else (missing, null, a string, a boolean, negative) is unknown, never 0."""

from __future__ import annotations

from typing import Any

#: Counts above this are not believed (a malformed or hostile answer): unknown instead.
MAX_COUNT = 10**12


def count(value: Any) -> int | None:
    """``value`` when it is a plausible count, else None (unknown)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNT else None


def count_text(value: Any) -> int | None:
    """A count that may come as digits in a string (XML attributes: ``views="123"``)."""
    if isinstance(value, str):
        text = value.strip()
        return count(int(text)) if text.isdigit() and len(text) <= 13 else None
    return count(value)


def attached(value: Any) -> int | None:
    """How many media a JSON list of attachments holds; None when it is not a list."""
    return min(len(value), 1000) if isinstance(value, list) else None
