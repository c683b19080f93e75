"""Every human-readable text in one language: English (the message ids) or Dutch.

Texts are written in English where they are used, as ``t("last post {days} days ago",
days=212)``; a catalogue maps each English text to its translation. A translator is
passed to whatever writes text for people (reasons, fixes, notes, report labels), so one
audit is written in one language throughout. Scraped text and server messages are never
translated: they are shown as they came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

LANGUAGES: Final = ("en", "nl")


@dataclass(frozen=True, slots=True)
class Translator:
    lang: str = "en"
    catalogue: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, msgid: str, /, **params: Any) -> str:
        """``msgid`` in this language, with ``{name}`` placeholders filled in."""
        text = self.catalogue.get(msgid, msgid)
        return text.format(**params) if params else text

    def n(self, count: int, singular: str, plural: str, /, **params: Any) -> str:
        """The singular or plural form for ``count`` (``{n}`` is the count)."""
        return self(singular if count == 1 else plural, n=count, **params)

    def number(self, value: float, decimals: int = 2) -> str:
        """3.5 -> "3.5" (English) or "3,5" (Dutch); trailing zeros dropped."""
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
        return text.replace(".", ",") if self.lang == "nl" else text

    def percent(self, share: float) -> str:
        """0.125 -> "12.5%" (English) or "12,5%" (Dutch)."""
        return self.number(share * 100, 1) + "%"


EN: Final = Translator("en", {})


def N_(text: str) -> str:
    """Mark a fixed text that is stored as data (an outcome detail) and translated where it
    is shown (see ``translate_detail``). Returns it unchanged."""
    return text


def translate_detail(detail: str, t: Translator) -> str:
    """A stored detail in ``t``'s language: the whole text when it is a message id, else each
    part around ": " that is one ("HTTP 404: no such account", "not crawled logged out:
    LinkedIn shows ..."). Parts that are not (host names, server messages) stay as they are."""
    if t.lang == "en" or not detail:
        return detail
    if detail in t.catalogue:
        return t(detail)
    head, sep, tail = detail.partition(": ")
    if not sep:
        return detail
    return f"{translate_detail(head, t)}: {translate_detail(tail, t)}"


def translator(lang: str) -> Translator:
    """The translator for ``lang`` (one of LANGUAGES); raises ValueError otherwise."""
    if lang == "en":
        return EN
    if lang == "nl":
        from auditor.locale_nl import NL

        return Translator("nl", NL)
    raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
