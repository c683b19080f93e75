"""Every human-readable text in one language: English (the source) or Dutch.

Two kinds of text are translated, both by gettext catalogues
(``auditor/locale/<lang>/LC_MESSAGES/auditor.po``, read with Babel, the format translators'
tools such as Poedit and Weblate read):

- the writers' own labels, written in English where they are used, as ``t("n/a")`` or
  ``t.n(count, "{n} day", "{n} days")``: the English text is the msgid;
- the judgement's messages (:class:`auditor.messages.Msg`), rendered with ``t.msg(m)``:
  the message id is the msgctxt and its English text the msgid, so a translator sees both
  and a changed English text falls back to English until it is translated again.

Scraped text and server messages are never translated: they are shown as they came.
``python scripts/i18n_check.py`` lists what a catalogue lacks; tests/test_i18n.py fails on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from functools import cache
from pathlib import Path
from typing import Any, Final

from auditor.messages import Msg, format_number, plural_index, render

LANGUAGES: Final = ("en", "nl")
#: Where the catalogues live: <dir>/<lang>/LC_MESSAGES/auditor.po.
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
DOMAIN: Final = "auditor"

#: (msgctxt or None, English msgid) -> the translation, or its (singular, plural) forms.
Catalogue = Mapping[tuple[str | None, str], str | tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Translator:
    lang: str = "en"
    catalogue: Catalogue = field(default_factory=dict)
    #: The time zone dates and times are shown in (``[audit] timezone``), carried with the
    #: language as a locale is: every writer that formats a date gets it (:meth:`in_zone`).
    zone: tzinfo = UTC

    def in_zone(self, zone: tzinfo) -> Translator:
        """This translator, showing dates and times in ``zone``."""
        return replace(self, zone=zone)

    def __call__(self, msgid: str, /, **params: Any) -> str:
        """A writer's label in this language, with ``{name}`` placeholders filled in."""
        found = self.catalogue.get((None, msgid))
        text = found if isinstance(found, str) and found else msgid
        return text.format(**params) if params else text

    def n(self, count: int, singular: str, plural: str, /, **params: Any) -> str:
        """The singular or plural form for ``count`` (``{n}`` is the count)."""
        found = self.catalogue.get((None, singular))
        forms = found if isinstance(found, tuple) and all(found) else (singular, plural)
        text = forms[plural_index(count)]
        return text.format(n=count, **params)

    def msg(self, message: Msg | None) -> str:
        """A judgement message in this language ("" for None)."""
        return render(message, self)

    def translation(self, msgid: str, english: str) -> str | tuple[str, ...] | None:
        """The catalogue's translation of message ``msgid`` (English text ``english``)."""
        return self.catalogue.get((msgid, english))

    def number(self, value: float, decimals: int = 2) -> str:
        """3.5 -> "3.5" (English) or "3,5" (Dutch); trailing zeros dropped."""
        return format_number(value, decimals, "," if self.lang == "nl" else ".")

    def percent(self, share: float) -> str:
        """0.125 -> "12.5%" (English) or "12,5%" (Dutch)."""
        return self.number(share * 100, 1) + "%"


EN: Final = Translator("en", {})


def N_(text: str) -> str:
    """Mark a fixed English text that an adapter stores as data (an outcome detail); it is
    registered in :data:`auditor.messages.ENGLISH` and found again by
    :func:`auditor.messages.known_text`. Returns it unchanged."""
    return text


def translator(lang: str) -> Translator:
    """The translator for ``lang`` (one of LANGUAGES); raises ValueError otherwise."""
    if lang == "en":
        return EN
    if lang in LANGUAGES:
        return Translator(lang, load_catalogue(lang))
    raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")


@cache
def load_catalogue(lang: str) -> Catalogue:
    """The translations of ``lang``'s gettext catalogue (fuzzy and empty ones left out)."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    entries: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        value = message.string
        if isinstance(value, str):
            if value:
                entries[(message.context, key)] = value
        elif value and all(value):
            entries[(message.context, key)] = tuple(value)
    return entries
