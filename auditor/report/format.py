"""Display formatting shared by every writer: dates, "12 days ago", percentages, "n/a —
reason", the length caps for scraped text, and links made only for http(s) URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlsplit

from auditor.i18n import EN, Translator
from auditor.report import DEFAULT_CHARS, clean_text
from auditor.verdicts import FLAG_CODES, SEVERITIES

#: Length caps for scraped text shown in a report.
BIO_CHARS: Final = 500
NAME_CHARS: Final = 200
HANDLE_CHARS: Final = 200
URL_CHARS: Final = 300
REASON_CHARS: Final = 500
EVIDENCE_CHARS: Final = 300
NOTE_CHARS: Final = DEFAULT_CHARS
#: At most this many evidence items are shown per flag (the rest are counted).
EVIDENCE_ITEMS: Final = 20
#: At most this many crawl notes are shown per profile.
NOTES_SHOWN: Final = 10
#: A link longer than this is shown as text only.
MAX_HREF_CHARS: Final = 2000

NA: Final = "n/a"

#: From this many profiles on, the report lists profiles as table rows instead of cards
#: (no charts or post lists): a 10,000-profile page stays usable in a browser.
COMPACT_FROM: Final = 200
#: At most this many items are listed under a profile ("the posts behind the numbers").
POSTS_SHOWN: Final = 10
POST_TEXT_CHARS: Final = 160
CHECK_MARKS: Final = {True: ("✓", "yes"), False: ("✗", "no"), None: ("—", "unknown")}
SEVERITY_RANK: Final = {severity: rank for rank, severity in enumerate(SEVERITIES)}
CODE_RANK: Final = {code: rank for rank, code in enumerate(FLAG_CODES)}
DEAD_OR_STALE: Final = frozenset({"DEAD", "STALE", "NEVER_USED"})



# --------------------------------------------------------------------------- untrusted text


def web_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL that can be a link, else None.

    Anything else (``javascript:``, ``data:``, relative paths, URLs with spaces or control
    characters) is never made a link; show it as text instead.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_HREF_CHARS or clean_text(url, MAX_HREF_CHARS) != url:
        return None
    if any(char.isspace() for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def format_date(value: datetime | None, t: Translator = EN) -> str:
    """A date as 2026-10-28 in the report's time zone (``t.zone``), or "n/a"."""
    if value is None:
        return t(NA)
    return in_zone(value, t).date().isoformat()


def format_datetime(value: datetime | None, t: Translator = EN) -> str:
    """A moment as 2026-10-28 14:05 UTC (or 15:05 CET in Europe/Amsterdam), or "n/a"."""
    if value is None:
        return t(NA)
    local = in_zone(value, t)
    return f"{local:%Y-%m-%d %H:%M} {zone_abbreviation(local)}"


def in_zone(value: datetime, t: Translator = EN) -> datetime:
    """``value`` in the report's time zone (a naive value is taken as UTC)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(t.zone)


def zone_name(t: Translator = EN) -> str:
    """The report's time zone by its IANA name ("Europe/Amsterdam", "UTC")."""
    return str(getattr(t.zone, "key", None) or t.zone)


def zone_abbreviation(local: datetime) -> str:
    """CET, CEST, UTC, or the offset (+0530) where the zone has no abbreviation."""
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    return local.strftime("%z") or "UTC"


def days_ago(days: int | None, t: Translator = EN) -> str:
    """12 -> "12 days ago"; 0 -> "under a day ago"; None -> "n/a"."""
    if days is None:
        return t(NA)
    if days <= 0:
        return t("under a day ago")
    return t.n(days, "{n} day ago", "{n} days ago")


def percent(value: float | None, t: Translator = EN) -> str:
    """0.125 -> "12.5%", 0.1 -> "10%"; None -> "n/a"."""
    if value is None:
        return t(NA)
    return t.percent(value)


def number(value: float | None, t: Translator = EN) -> str:
    """3.5 -> "3.5", 4.0 -> "4"; None -> "n/a"."""
    if value is None:
        return t(NA)
    return t.number(value)


def not_available(reason: str | None, t: Translator = EN) -> str:
    """ "n/a — reason", or "n/a" when no reason is known."""
    reason = clean_text(reason, NOTE_CHARS)
    return f"{t(NA)} — {reason}" if reason else t(NA)


def plural(count: int, word: str, many: str | None = None) -> str:
    """English-only count and noun ("3 profiles"); translated texts use Translator.n."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value



def severity_text(severity: str, t: Translator = EN) -> str:
    return {"high": t("high"), "medium": t("medium"), "low": t("low")}.get(severity, severity)


def role_text(role: str, t: Translator = EN) -> str:
    return {"client": t("client"), "competitor": t("competitor"),
            "person": t("person")}.get(role, role)


def kind_text(kind: str, t: Translator = EN) -> str:
    return {"original": t("post"), "reply": t("reply"), "self_reply": t("thread"),
            "repost": t("repost")}.get(kind, kind)
