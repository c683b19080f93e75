"""E-mail addresses and phone numbers in free text (bios, profile fields, feeds).

Kept apart from auditor.metrics so that platform parsers can use it without importing
the metrics (which import the config, which imports the platform registry).
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
#: International (+31 6 12345678, +44 20 7946 0958) and Dutch national forms
#: (020-1234567, 06-12345678, 0800 1234): a leading + or 0, then at least 8 more digits.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)[1-9][\d\s().\-]{7,17}\d|(?<![\w+])0[1-9][\d\s\-]{6,12}\d")
_PHONE_DIGITS_MIN = 9


def find_contacts(texts: list[str]) -> tuple[list[str], list[str]]:
    """E-mail addresses and phone numbers found in free text."""
    emails: list[str] = []
    phones: list[str] = []
    for text in texts:
        for match in _EMAIL.findall(text):
            if match not in emails:
                emails.append(match)
        for match in _PHONE.findall(text):
            digits = re.sub(r"\D", "", match)
            if len(digits) >= _PHONE_DIGITS_MIN and match.strip() not in phones:
                phones.append(match.strip())
    return emails, phones
