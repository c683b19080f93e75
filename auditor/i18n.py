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


def translator(lang: str) -> Translator:
    """The translator for ``lang`` (one of LANGUAGES); raises ValueError otherwise."""
    if lang == "en":
        return EN
    if lang == "nl":
        from auditor.locale_nl import NL

        return Translator("nl", NL)
    raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
