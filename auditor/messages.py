"""Judgement as data: every sentence the audit says is a message id plus parameters.

Metrics, verdicts, findings and history changes never hold a sentence in some language;
they hold a :class:`Msg` (``Msg("flag.last_post", {"days": 212, "threshold": 90})``).
Only the writers (HTML, Markdown, CSV, terminal) turn a message into text, in the audit's
language, through :class:`auditor.i18n.Translator`. report.json carries both: the English
text it always had and the id with its parameters, so report.json and the history are the
same whatever ``--lang`` says.

:data:`ENGLISH` (auditor/english.py) is the source catalogue: each id's English text with ``{name}``
placeholders (a pair for singular and plural, chosen by the parameter ``n``). Placeholders
may carry a format: ``{share:%}`` a share shown as a percentage, ``{outcome:outcome}`` an
outcome code in words, ``{name:check}`` a checklist item in words. A parameter is a JSON
value, a :class:`Msg`, or a list of them (shown joined with ", ").

Two ids are special: ``text`` (``{text}``, scraped or server text shown as it came, never
translated) and ``join`` (its ``parts`` joined with ``sep``).

Translations live in gettext catalogues (``auditor/locale/<lang>/LC_MESSAGES/auditor.po``),
each message under its id as ``msgctxt`` (``python scripts/i18n_check.py --update``
rewrites the template from this module and the writers).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from auditor.english import ENGLISH
from auditor.models import pickled_by_position


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Msg:
    """One message: an id from :data:`ENGLISH` and its parameters (JSON values or Msgs)."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """The message in English (what report.json's text fields hold)."""
        return render(self, ENGLISH_WORDS)

    def to_dict(self) -> dict[str, Any]:
        """``{"id": ..., "params": {...}}``, nested messages alike (for JSON)."""
        return {"id": self.id, "params": {name: _param_data(value)
                                          for name, value in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Any) -> Msg:
        """The message :meth:`to_dict` wrote; anything else (a sentence an older auditor
        stored) as literal text."""
        if isinstance(data, Mapping) and isinstance(data.get("id"), str) \
                and isinstance(data.get("params", {}), Mapping):
            return cls(data["id"], {name: _param_value(value)
                                    for name, value in data.get("params", {}).items()})
        return text(data if isinstance(data, str) else str(data))


class Words(Protocol):
    """What rendering a message needs from a language (auditor.i18n.Translator is one)."""

    def translation(self, msgid: str, english: str) -> str | tuple[str, ...] | None:
        """The translation of message ``msgid`` whose English text is ``english``."""

    def number(self, value: float, decimals: int = 2) -> str: ...

    def percent(self, share: float) -> str: ...


class _English:
    """English: the source texts, numbers with a decimal point."""

    def translation(self, msgid: str, english: str) -> str | tuple[str, ...] | None:
        return None

    def number(self, value: float, decimals: int = 2) -> str:
        return format_number(value, decimals)

    def percent(self, share: float) -> str:
        return format_number(share * 100, 1) + "%"


ENGLISH_WORDS: Final[Words] = _English()


def format_number(value: float, decimals: int = 2, point: str = ".") -> str:
    """3.5 -> "3.5", 4.0 -> "4" (trailing zeros dropped), with ``point`` as decimal mark."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    return text.replace(".", point) if point != "." else text


def plural_index(count: int) -> int:
    """English and Dutch: one form for 1, the other for every other count."""
    return 0 if count == 1 else 1


def render(message: Msg | None, words: Words) -> str:
    """``message`` in the language of ``words`` ("" for None)."""
    if message is None:
        return ""
    params = message.params
    if message.id == "text":
        return str(params.get("text", ""))
    if message.id == "join":
        return str(params.get("sep", "; ")).join(
            render(part, words) if isinstance(part, Msg) else str(part)
            for part in params.get("parts", ()))
    template = ENGLISH.get(message.id)
    if template is None:
        return message.id
    english = template if isinstance(template, str) else template[0]
    found = words.translation(message.id, english)
    if isinstance(template, str):
        text = found if isinstance(found, str) and found else template
    else:
        forms = found if isinstance(found, tuple) and all(found) else template
        count = params.get("n", 0)
        text = forms[plural_index(count if isinstance(count, int) else 0)]
    return _Formatter(words).format(text, **params)


class _Formatter(string.Formatter):
    """Fills a message's placeholders in a language: nested messages and lists rendered,
    ``:%`` as a percentage, ``:outcome`` and ``:check`` as words."""

    def __init__(self, words: Words) -> None:
        super().__init__()
        self.words = words

    def format_field(self, value: Any, format_spec: str) -> str:
        words = self.words
        if format_spec == "%":
            return (words.percent(float(value)) if isinstance(value, (int, float))
                    else str(value))
        if format_spec in ("outcome", "check"):
            if isinstance(value, (list, tuple)):
                return ", ".join(self.format_field(v, format_spec) for v in value)
            key = f"{format_spec}.{value}"
            return render(Msg(key), words) if key in ENGLISH else str(value)
        if isinstance(value, Msg):
            return render(value, words)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.format_field(v, format_spec) for v in value)
        if isinstance(value, float) and not format_spec:
            return words.number(value)
        if value is None:
            return render(Msg("change.unknown"), words)
        return str(super().format_field(value, format_spec))


def msg(msgid: str, /, **params: Any) -> Msg:
    """A message with ``params``; ``msgid`` must be in :data:`ENGLISH`."""
    if msgid not in ENGLISH:
        raise KeyError(f"unknown message id {msgid!r}")
    return Msg(msgid, params)


def text(value: str) -> Msg:
    """Text shown as it came (scraped, a server's words, a URL): never translated."""
    return Msg("text", {"text": value})


def join(parts: Iterable[Msg], sep: str = "; ") -> Msg:
    """Messages shown one after the other, separated by ``sep``."""
    return Msg("join", {"parts": list(parts), "sep": sep})


def known_text(value: str | None) -> Msg | None:
    """An adapter's English outcome detail or checklist note, as stored in a record, as
    its message: a fixed text or a ``detail.*`` template it matches whole; else the parts
    around the first ": " looked up one by one, and a known text followed by a server's
    words in brackets. What is not a known text (a host name, a server's words) stays
    literal text."""
    if value is None:
        return None
    found = _lookup(value)
    if found is not None:
        return found
    head, sep, tail = value.partition(": ")
    if sep:
        head_msg, tail_msg = known_text(head), known_text(tail)
        assert head_msg is not None and tail_msg is not None
        if head_msg.id != "text" or tail_msg.id != "text":
            return join([head_msg, tail_msg], ": ")
    said = _SAID.match(value)
    if said:
        known = _lookup(said.group(1))
        if known is not None:
            return join([known, text(said.group(2))], " ")
    return text(value)


def _lookup(value: str) -> Msg | None:
    found = _BY_TEXT.get(value)
    if found is not None:
        return Msg(found)
    for msgid, pattern in _TEMPLATES:
        match = pattern.match(value)
        if match:
            return Msg(msgid, match.groupdict())
    return None


#: A text followed by a server's own words in brackets: "no such account (Record not found)".
_SAID: Final = re.compile(r"^(.+?) (\([^()]*(?:\([^()]*\)[^()]*)*\))$", re.S)


def _param_data(value: Any) -> Any:
    if isinstance(value, Msg):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_param_data(v) for v in value]
    return value


def _param_value(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"id", "params"}:
        return Msg.from_dict(value)
    if isinstance(value, list):
        return [_param_value(v) for v in value]
    return value




def _templates() -> list[tuple[str, re.Pattern[str]]]:
    """``detail.*`` texts with placeholders as patterns that match a whole stored text."""
    found = []
    for msgid, template in ENGLISH.items():
        if msgid.startswith("detail.") and isinstance(template, str) and "{" in template:
            pattern = "".join(
                re.escape(literal) + (f"(?P<{name}>.+?)" if name else "")
                for literal, name, _, _ in string.Formatter().parse(template))
            found.append((msgid, re.compile(f"^{pattern}$", re.S)))
    return found


def _texts() -> dict[str, str]:
    """Fixed texts without placeholders -> their id, for :func:`known_text`."""
    found: dict[str, str] = {}
    for msgid, template in ENGLISH.items():
        if isinstance(template, str) and "{" not in template and msgid.split(".")[0] in (
                "detail", "wall", "unobservable"):
            found.setdefault(template, msgid)
    return found


_BY_TEXT: Final = _texts()
_TEMPLATES: Final = _templates()
