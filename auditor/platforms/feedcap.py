"""Caps on a feed body before any parser reads it: no field may make a parser super-linear.

feedparser looks for an e-mail address in the text of every author-like element
(``<author>``, ``<managingEditor>``, ``<webMaster>``, ``dc:creator``, ``dc:publisher``,
``itunes:author``, ...) with a pattern that is tried again at every position of a run of
letters and digits: an 80,000-character name without "@" took 18 s here (92 s where issue
17 found it), on the crawl's thread. Its cost is (the text's length) x (its longest run of
such characters).

:func:`cap_person_fields` rewrites the raw XML before feedparser sees it (the lxml reader
of :mod:`auditor.platforms.feedfast` has no such search, and a feed it reads never reaches
feedparser), so that no run in any such text is longer than :data:`MAX_RUN`: inside every
author-like element whose content is longer than :data:`MAX_PERSON_BYTES` (a real one is
a name, an address and a link, far shorter), each piece of character data (text, CDATA)
gets a space after every :data:`MAX_RUN` run characters and a space at its end (pieces
on either side of markup join in feedparser's value). Markup is never touched, so the
structure of the document stays what it was; bodies without such an element come back
unchanged, byte for byte.

Which content is an element's is read the way either of feedparser's parsers may read it
(its XML parser, and the SGML parser it falls back to for malformed feeds): comments,
CDATA sections and processing instructions are skipped to where the first parser ends
them, names are matched without case and with any prefix, end tags as loosely as the SGML
parser reads them (``</ AUTHOR >``, ``</author<``, the short tag ``<author/text/``), and
an end tag ends any element feedparser files under the same kind. When they do not pair
up (an end tag with none of its kind open), every byte from the first start tag of that
kind to its last end tag counts as its content.

The caps read bytes, so :func:`as_ascii_compatible` first makes the body one that spells
ASCII as ASCII (UTF-16, UTF-32, EBCDIC, and encodings such as ``unicode_escape`` that a
server may name, are decoded here); :func:`tidy_prolog` bounds the first line and the
prolog (feedparser's patterns there are cubic and quadratic), and
:func:`drop_prolog_entities` removes the entity declarations from the prolog, wherever
they are in it (an entity expands inside an element, past any byte count).
tests/test_feedcap.py checks the bound on documents of every shape.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterator
from typing import Final

#: Content (bytes between the start and end tag) an author-like element may have before
#: its runs are broken; below it, feedparser's search costs at most this squared.
MAX_PERSON_BYTES: Final = 256
#: The longest run of e-mail characters left in the text of an overlong author-like
#: element: longer than any address's local part (64) or a usual domain name.
MAX_RUN: Final = 128

#: Elements whose text feedparser searches for an e-mail (and their neighbours in meaning).
PERSON_NAMES: Final = ("author", "managingeditor", "webmaster", "creator", "publisher",
                       "owner", "contributor", "name", "email")
_NAMES = b"|".join(name.encode() for name in PERSON_NAMES)
#: What feedparser's SGML parser takes for a name's end: another name character.
_NAME_GOES_ON = rb"(?![-_.:A-Za-z0-9])"
#: A comment, a CDATA section, a processing instruction, or a start, end or short tag of
#: an author-like element (with any prefix), in the body in lower case (a third faster than
#: matching without case). Each alternative ends where its kind ends, or stops at the next
#: "<", so one pass over the body is linear.
_TOKEN: Final = re.compile(
    rb"<(?:!--|!\[cdata\[|\?"
    rb"|(?P<slash>/)\s*(?:[^\s<>/:]*:)?(?P<close>" + _NAMES + rb")\s*(?=[<>])"
    rb"|(?P<short>" + _NAMES + rb")/(?!>)(?=[^/]*/)"
    rb"|(?:[a-z_][-\w.:]*:)?(?P<open>" + _NAMES + rb")" + _NAME_GOES_ON + rb"[^<>]*)")
#: A run: e-mail characters, and character references (which may decode to one).
_RUN_UNIT = rb"(?:[A-Za-z0-9_.+\-]|&#?\w+;)"
_RUNS: Final = re.compile(_RUN_UNIT + rb"+")
_RUN_PIECE: Final = re.compile(_RUN_UNIT + rb"{%d}" % MAX_RUN)
_MARKUP_END: Final = re.compile(rb"[<>]")
#: Markup to both of feedparser's parsers: a tag, an end tag, a comment, a CDATA section,
#: a declaration or a processing instruction.
_MARKUP_START: Final = re.compile(rb"<(?:[A-Za-z?]|/[A-Za-z]|!(?:--|\[CDATA\[|[A-Za-z]))")
#: The start of a short tag, ``<name/text/`` (feedparser's SGML parser reads the text; what
#: follows is taken for text even when no "/" ends it, which only breaks more runs).
_SHORT_OPEN: Final = re.compile(rb"<[A-Za-z][-.A-Za-z0-9]*/(?!>)")
#: Where comments, CDATA sections and processing instructions end for the first of
#: feedparser's parsers to end them (its SGML parser: "-- >", "] ]>", the first ">").
_SKIP_TO: Final = {b"<!--": re.compile(rb"--\s*>"), b"<![cdata[": re.compile(rb"]\s*]\s*>"),
                   b"<?": re.compile(rb">")}
#: Which author-like elements feedparser keeps as one kind (an end tag of the kind ends
#: any of them): authors (managingEditor, dc:creator, itunes:author are authors to it),
#: publishers (webMaster, dc:publisher, itunes:owner), and names (dc:contributor is a name).
_KINDS: Final = {"author": "author", "managingeditor": "author", "creator": "author",
                 "webmaster": "publisher", "publisher": "publisher", "owner": "publisher",
                 "contributor": "name", "name": "name", "email": "email"}

_ELEMENT_START: Final = re.compile(rb"<\w")
#: The first line of a body may be this long before a newline is put after its declaration.
_FIRST_LINE_BYTES: Final = 1024
#: A prolog longer than this has its runs of blank lines collapsed.
_PROLOG_BYTES: Final = 4096
#: White space holding a newline, from its start (the look-behind keeps the search linear).
_BLANK_LINES: Final = re.compile(rb"(?<![ \t\r\n])[ \t\r]*\n[ \t\r\n]*")
#: An encoding named on the first line, as feedparser reads it there.
_DECLARED_ENCODING: Final = re.compile(rb"encoding=[\"']([^\"'\n]*)[\"']")
_UTF8_DECLARATION: Final = '<?xml version="1.0" encoding="utf-8"?>'
#: Byte-order marks and the bytes of "<?" in encodings that do not spell ASCII as ASCII
#: (the sniffing feedparser does), longest first.
_MARKS: Final = (
    (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16"),
    (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
    (b"Lo\xa7\x94", "cp037"),
)


def _codec_names(*names: str) -> frozenset[str]:
    found = set()
    for name in names:
        try:
            found.add(codecs.lookup(name).name)
        except LookupError:
            continue
    return frozenset(found)


#: Encodings in which every ASCII byte is that character and no other bytes spell an
#: ASCII letter or digit (the multi-byte ones use ASCII bytes only inside characters that
#: are not ASCII: reading their bytes over-counts runs, never under-counts).
_ASCII_ENCODINGS: Final = _codec_names(
    "ascii", "utf-8", "utf-8-sig", *(f"iso8859-{n}" for n in range(1, 17)),
    *(f"cp125{n}" for n in range(9)), "cp437", "cp720", "cp737", "cp775", "cp850", "cp852",
    "cp855", "cp856", "cp857", "cp858", "cp860", "cp861", "cp862", "cp863", "cp864",
    "cp865", "cp866", "cp869", "cp874", "cp1006", "cp1125", "koi8-r", "koi8-u", "koi8-t",
    "kz1048", "mac-roman", "mac-cyrillic", "mac-greek", "mac-iceland", "mac-latin2",
    "mac-turkish", "mac-arabic", "ptcp154", "tis-620", "hp-roman8", "gb2312", "gbk",
    "gb18030", "hz", "big5", "big5hkscs", "cp950", "shift_jis", "shift_jis_2004",
    "shift_jisx0213", "cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "euc_kr", "cp949",
    "johab", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004",
    "iso2022_jp_3", "iso2022_jp_ext", "iso2022_kr")
#: Real text encodings that spell ASCII with other bytes: decoded here, handed on as UTF-8.
_CONVERTED_ENCODINGS: Final = _codec_names(
    "utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le", "cp037",
    "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140")


def cap_person_fields(body: bytes) -> tuple[bytes, int]:
    """``body`` with the runs in its overlong author-like elements broken, and how many
    runs longer than MAX_RUN were broken. A body with no overlong author-like element is
    returned as it was; one whose overlong elements hold no long run changes only by
    spaces at the ends of their texts (which feedparser strips)."""
    spans = _overlong(_person_spans(body))
    if not spans:
        return body, 0
    breaker = _Breaker()
    parts: list[bytes] = []
    done = 0
    for start, end in spans:
        parts.append(body[done:start])
        parts.append(breaker.span(body, start, end))
        done = end
    parts.append(body[done:])
    return b"".join(parts), breaker.broken


def drop_prolog_entities(body: bytes) -> tuple[bytes, bool]:
    """``body`` without the declarations of its prolog when they declare entities, and
    whether it had such. feedparser reads the entities declared before the first
    ``<name``, however far into the body that is (an entity expands inside an element,
    past any byte count, and its patterns for them are tried at every line start):
    everything from the first ``<!DOCTYPE`` or ``<!ENTITY`` to the first element goes."""
    first = _ELEMENT_START.search(body)
    head_end = first.start() if first else len(body)
    head = body[:head_end].upper()
    if b"<!ENTITY" not in head:
        return body, False
    starts = [at for at in (head.find(b"<!DOCTYPE"), head.find(b"<!ENTITY")) if at >= 0]
    return body[:min(starts)] + body[head_end:], True


def tidy_prolog(body: bytes) -> bytes:
    """``body`` with a first line of at most 1 KB and a prolog without long stretches of
    blank lines.

    feedparser reads the encoding from the first line with a pattern that is cubic in that
    line's length (``<?.*encoding=...?>``: a 52 KB one-line feed holding ``encoding="a"``
    4,000 times took three minutes), and the entity and doctype declarations of the prolog
    with patterns tried at every line start (100,000 blank lines: quadratic). A newline
    goes after the first ``?>`` of a first line longer than 1 KB (or after its 1,024th byte
    when there is none by then), and in a prolog longer than 4 KB every stretch of white
    space with a newline becomes one newline: white space where XML allows it. A usual feed
    is returned as it was.
    """
    start = 3 if body.startswith(codecs.BOM_UTF8) else 0
    if body.startswith(b"<?", start) and len(body) - start > _FIRST_LINE_BYTES \
            and body.find(b"\n", start, start + _FIRST_LINE_BYTES) < 0:
        close = body.find(b"?>", start, start + _FIRST_LINE_BYTES)
        cut = start + _FIRST_LINE_BYTES if close < 0 else close + 2
        body = body[:cut] + b"\n" + body[cut:]
    first = _ELEMENT_START.search(body)
    head_end = first.start() if first else len(body)
    if head_end > _PROLOG_BYTES:
        body = _BLANK_LINES.sub(b"\n", body[:head_end]) + body[head_end:]
    return body


def as_ascii_compatible(body: bytes, content_type: str) -> tuple[bytes, str]:
    """``body`` and its content type such that every parser reads each ASCII character as
    the byte it is, so that the caps above, which read bytes, see what the parsers read.

    A body whose declared encodings (the content type's charset, the XML declaration) and
    byte-order mark all name ASCII-compatible encodings is returned as it was. Otherwise
    (UTF-16 and UTF-32, EBCDIC, or an encoding such as ``unicode_escape`` or UTF-7 that
    spells letters with other bytes, which feedparser would decode with) the body is
    decoded here, with the first of those encodings that is a real text encoding and reads
    it (else UTF-8, windows-1252, ISO-8859-2, as feedparser falls back), and handed on as
    UTF-8 with a UTF-8 declaration and ``charset=utf-8``.
    """
    media, _, params = content_type.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    # every encoding named on the first line: feedparser takes the last one before a "?>"
    line_end = body.find(b"\n")
    declared = [name.decode("latin-1") for name in _DECLARED_ENCODING.findall(
        body, 0, len(body) if line_end < 0 else line_end)]
    candidates = [name for name in (charset, *declared, _sniffed(body)) if name]
    kinds = [_encoding_kind(name) for name in candidates]
    if all(kind == "ascii" for kind in kinds):
        return body, content_type
    text = None
    for name, kind in [*zip(candidates, kinds, strict=True),
                       ("utf-8", "ascii"), ("windows-1252", "ascii"), ("iso8859-2", "ascii")]:
        if kind == "other":
            continue  # never decoded with: it could spell any text
        try:
            text = body.decode(name)
        except (UnicodeError, LookupError):
            continue
        break
    assert text is not None  # ISO-8859-2 reads any bytes
    text = text.removeprefix("\ufeff")
    if text.startswith("<?xml"):
        declaration_end = text.find("?>", 0, _FIRST_LINE_BYTES)
        if declaration_end >= 0:
            text = text[declaration_end + 2:]
    text = f"{_UTF8_DECLARATION}\n{text}"
    return text.encode("utf-8"), f"{media.strip() or 'application/xml'}; charset=utf-8"


def _sniffed(body: bytes) -> str:
    """The encoding a byte-order mark or the bytes of "<?" name, as feedparser sniffs it."""
    for mark, name in _MARKS:
        if body.startswith(mark):
            return name
    return ""


@functools.lru_cache(maxsize=128)
def _encoding_kind(name: str) -> str:
    """"ascii" (ASCII bytes read as themselves, others never as ASCII letters), "convert"
    (a real encoding that spells ASCII otherwise: UTF-16, UTF-32, EBCDIC) or "other"."""
    try:
        canonical = codecs.lookup(name).name
    except (LookupError, ValueError):
        return "other"
    if canonical in _ASCII_ENCODINGS:
        return "ascii"
    return "convert" if canonical in _CONVERTED_ENCODINGS else "other"


def _person_spans(body: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of the content of every author-like element, as defined above.

    Start and end tags pair up within a kind (:data:`_KINDS`: feedparser reads
    ``<managingEditor>`` and ``<dc:creator>`` as an author, so an author's end tag ends
    them), each end tag with the latest start tag of its kind still open. When feedparser
    ends an element, that element is the latest of its kind it holds open, and every one
    still open here is open there too: the span found starts at or before that element's
    start. An end tag with nothing open here (feedparser may still hold one open) gets
    the span from the first start tag of its kind.
    """
    open_at: dict[str, list[int]] = {}
    first_open: dict[str, int] = {}
    last_close: dict[str, int] = {}
    unpaired: set[str] = set()
    paired: list[tuple[str, int, int]] = []
    never_ends: set[bytes] = set()  # no end of this kind after the last one looked for
    lower = body.lower()  # the same offsets: only ASCII letters change
    position = 0
    while True:
        match = _TOKEN.search(lower, position)
        if match is None:
            break
        token = match.group(0)
        if token in _SKIP_TO:
            # skipped to where the first of the parsers ends it; never ended: what follows
            # may still be read as markup (feedparser's SGML parser), so it is looked at
            ended = None if token in never_ends else _SKIP_TO[token].search(body, match.end())
            if ended is None:
                never_ends.add(token)
            position = match.end() if ended is None else ended.end()
            continue
        position = match.end()
        if match.group("close"):
            kind = _KINDS[match.group("close").lower().decode()]
            last_close[kind] = match.start()
            stack = open_at.get(kind)
            if stack:
                paired.append((kind, stack.pop(), match.start()))
            else:
                unpaired.add(kind)
        elif match.group("short"):
            # <author/text/: feedparser's SGML parser reads the text up to the next "/"
            yield match.start(), body.index(b"/", position)
        else:
            if body[position - 1:position] == b"/":
                continue  # <author/>
            if body[position:position + 1] == b">":
                position += 1
            kind = _KINDS[match.group("open").lower().decode()]
            open_at.setdefault(kind, []).append(position)
            first_open.setdefault(kind, position)
    for kind, start, end in paired:
        if kind not in unpaired:
            yield start, end
    for kind in unpaired:
        start = first_open.get(kind, 0)
        yield (start if start < last_close[kind] else 0), last_close[kind]


def _overlong(spans: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans longer than MAX_PERSON_BYTES, in order, overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[1] - span[0] > MAX_PERSON_BYTES):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class _Breaker:
    """Breaks the runs in the character data of overlong spans, counting the long ones."""

    def __init__(self) -> None:
        self.broken = 0

    def span(self, body: bytes, start: int, end: int) -> bytes:
        """``body[start:end]`` with its markup kept and each piece of character data broken.

        Every ``<`` ends a piece of text (what follows may be markup to one of feedparser's
        parsers, and the text on its two sides would join). Only what both parsers take
        for markup (a tag, an end tag, a comment, a CDATA section, a declaration, a
        processing instruction) is kept whole; any other ``<`` starts the next piece of
        text, and in a short tag (``<author/text/``) what follows ``<author/`` is text.
        """
        parts: list[bytes] = []
        position = search = start  # the start of the current piece of text; where to look
        while True:
            markup = body.find(b"<", search, end)
            if markup < 0:
                parts.append(self.data(body[position:end]))
                return b"".join(parts)
            parts.append(self.data(body[position:markup]))
            if not _MARKUP_START.match(body, markup, end):
                position, search = markup, markup + 1  # "<" is text to one of them
                continue
            # comments and CDATA end where the first of the parsers ends them (_SKIP_TO)
            if body.startswith(b"<![CDATA[", markup, end):
                close = _SKIP_TO[b"<![cdata["].search(body, markup + 9, end)
                position = end if close is None else close.start()
                parts.append(b"<![CDATA[" + self.data(body[markup + 9:position]))
            elif short := _SHORT_OPEN.match(body, markup, end):
                # all up to the next "/" is text, whatever it looks like
                slash = body.find(b"/", short.end(), end)
                position = end if slash < 0 else slash
                parts.append(short.group(0) + self.data(body[short.end():position]))
            else:
                if body.startswith(b"<!--", markup, end):
                    close = _SKIP_TO[b"<!--"].search(body, markup + 4, end)
                    position = end if close is None else close.end()
                else:  # a tag: up to its ">", or up to the next "<" when it is never closed
                    tag_end = _MARKUP_END.search(body, markup + 1, end)
                    position = end if tag_end is None else \
                        tag_end.start() + (tag_end.group(0) == b">")
                parts.append(body[markup:position])
            search = position

    def data(self, data: bytes) -> bytes:
        """Character data with a space after every MAX_RUN run characters, and at its end."""
        if not data:
            return data
        return _RUNS.sub(self._run, data) + b" "

    def _run(self, match: re.Match[bytes]) -> bytes:
        run = match.group(0)
        if len(run) <= MAX_RUN:
            return run
        broken = _RUN_PIECE.sub(lambda piece: piece.group(0) + b" ", run)
        self.broken += broken != run
        return broken
