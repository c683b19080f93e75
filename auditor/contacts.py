"""E-mail addresses and phone numbers in free text (bios, profile fields, feeds).

Kept apart from auditor.metrics so that platform parsers can use it without importing
the metrics (which import the config, which imports the platform registry).

Phone numbers are found with ``phonenumbers`` (Google's libphonenumber): it knows each
country's numbering plan, so it takes "020-1234567", "06-12345678", "+31 20 123 4567",
"0031 20 1234567", "+32 2 555 12 34" and "+44 20 7946 0958", and leaves alone what a regex
took for a phone in a Dutch footer: KvK and BTW/VAT numbers, IBANs, dates, postcodes,
years. A few guards below reject what a valid-looking number still is not: a number
labelled as a KvK, order or invoice number, or one that is part of a date or a time.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

# The local part may only start where a run of local-part characters starts: without
# the look-behind every position inside a long run was tried again, which made a
# 100,000-character word take seconds (quadratic). It finds the same addresses.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")

#: Numbers without a + or 00 are read as Dutch: the audited organisations are Dutch or
#: European, and a number written with + (or 00, the Dutch international prefix) is found
#: whatever its country.
PHONE_REGION = "NL"
#: Only this much of each text goes to the phone matcher: scraped text is untrusted, and
#: a bio or profile field is far shorter.
MAX_PHONE_TEXT_CHARS = 5_000

#: A label right before a number that makes it something else than a phone number:
#: "KvK 09001234", "KvK-nummer: 08001234", "Ordernummer 0201234567", "BTW: ...".
_NOT_A_PHONE_LABEL = re.compile(
    r"(?<![A-Za-z])(?:kvk|k\.v\.k\.?|coc|kamer\s+van\s+koophandel|chamber\s+of\s+commerce|"
    r"handelsregister|btw|vat|iban|bic|rsin|eori|order|bestel(?:ling)?|factuur|invoice|"
    r"klant|customer|ref(?:erentie|erence)?|kenmerk|dossier|artikel|article|sku|ean|isbn|"
    r"postbus)(?:[\s\-]?(?:nummer|nr|no|number|id|code))?\.?[\s:#.\-]*$",
    re.IGNORECASE)
_LABEL_LOOKBACK_CHARS = 40
#: A date inside the matched text: "01-02-2026 10" (from "01-02-2026 10:30").
_DATE = re.compile(
    r"(?<!\d)(?:\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d{2}|(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2})"
    r"(?!\d)")
#: A time range inside the matched text: "09.00-17.30" (opening hours).
_TIME_RANGE = re.compile(
    r"(?<!\d)(?:[01]?\d|2[0-3])[:.][0-5]\d\s*[-–]\s*(?:[01]?\d|2[0-3])[:.][0-5]\d(?!\d)")
#: The match runs on into a time or a decimal: "... 10" followed by ":30".
_GLUED_AFTER = re.compile(r"[:.]\d")


def find_contacts(texts: list[str]) -> tuple[list[str], list[str]]:
    """E-mail addresses and phone numbers found in free text.

    Both lists are in the order found, once each; phone numbers are given as written (the
    first spelling seen of a number: "+31 20 123 4567" and "020-1234567" are one number).
    """
    emails: list[str] = []
    phones: list[str] = []
    seen_numbers: set[str] = set()
    for text in texts:
        for match in _EMAIL.findall(text):
            if match not in emails:
                emails.append(match)
        for shown, number in _find_phones(text[:MAX_PHONE_TEXT_CHARS]):
            if number not in seen_numbers:
                seen_numbers.add(number)
                phones.append(shown)
    return emails, phones


def _find_phones(text: str) -> list[tuple[str, str]]:
    """(the text shown, the number in E.164) for each phone number in ``text``."""
    found: list[tuple[str, str]] = []
    if not any(ch.isdigit() for ch in text):
        return found
    for match in PhoneNumberMatcher(text, PHONE_REGION, leniency=Leniency.VALID):
        shown = match.raw_string.strip()
        before = text[max(0, match.start - _LABEL_LOOKBACK_CHARS):match.start]
        if (_NOT_A_PHONE_LABEL.search(before) or _DATE.search(shown)
                or _TIME_RANGE.search(shown) or _GLUED_AFTER.match(text, match.end)):
            continue
        found.append((shown, phonenumbers.format_number(match.number, PhoneNumberFormat.E164)))
    return found
