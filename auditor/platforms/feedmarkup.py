"""feedparser's markup pass over a feed's HTML texts, run only on the texts where it matters.

feedparser resolves the relative URIs in every HTML text and then sanitises it, with an SGML
parser written in Python: on the usual blog feed that costs more than reading the XML. Most
texts hold markup where that pass provably changes nothing ``read_fragment`` reads (known
tags, absolute links, known entities): those are kept as they are (:func:`plain_markup`).
The others are handed to feedparser itself through its public API: ``feedparser.parse`` on a
small Atom document with one entry per text (:func:`feedparser_pass`), so what comes back
is feedparser's own pass, as it would have run inside the feed.

Also here, as our own code: the few rules of feedparser's value handling that the lxml
reader (:mod:`auditor.platforms.feedfast`) repeats to build the values feedparser would
build — how it joins URIs and which schemes it keeps, its windows-1252 repair, how it names
content types and when it takes an RSS text for HTML. They are checked against feedparser's
results by tests/test_feed_paths.py.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from html.entities import entitydefs, name2codepoint
from typing import Any

#: URI schemes feedparser keeps when it resolves a link (any other becomes "").
ACCEPTABLE_URI_SCHEMES = frozenset({
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto",
    "mms", "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip",
    "sips", "snews", "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime",
    "feed", "git", "gtalk", "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb",
    "ymsg",
})
#: HTML elements feedparser's sanitiser keeps (an RSS text using only these may be HTML).
SANITIZER_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big",
    "blockquote", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
    "colgroup", "command", "datagrid", "datalist", "dd", "del", "details", "dfn", "dialog",
    "dir", "div", "dl", "dt", "em", "event-source", "fieldset", "figcaption", "figure",
    "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img",
    "input", "ins", "kbd", "keygen", "label", "legend", "li", "m", "map", "menu", "meter",
    "multicol", "nav", "nextid", "noscript", "ol", "optgroup", "option", "output", "p", "pre",
    "progress", "q", "s", "samp", "section", "select", "small", "sound", "source", "spacer",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "textarea", "tfoot",
    "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video",
})
#: Characters 0x80-0x9F mapped to what they are in windows-1252 (texts saved in that
#: encoding and declared as Latin-1 or UTF-8): feedparser repairs every value this way.
CP1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
          if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
HTMLISH = frozenset({"text/html", "application/xhtml+xml"})

_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ANY_REFERENCE = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_NAMED_REFERENCE = re.compile(r"&(\w+);")


def join_uri(base: str, uri: str) -> str:
    """``uri`` resolved against ``base`` the way feedparser does ("" when unreadable)."""
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def safe_absolute_uri(base: str, rel: str | None = None) -> str:
    """feedparser's resolved URI: ``rel`` against ``base``, "" for an unaccepted scheme."""
    if not base:
        return rel or ""
    if not rel:
        try:
            scheme = urllib.parse.urlparse(base)[0]
        except ValueError:
            return ""
        return base if not scheme or scheme in ACCEPTABLE_URI_SCHEMES else ""
    uri = join_uri(base, rel)
    if uri.strip().split(":", 1)[0] not in ACCEPTABLE_URI_SCHEMES:
        return ""
    return uri


def map_content_type(content_type: str) -> str:
    """A text construct's type as feedparser names it ("html" is "text/html", ...)."""
    content_type = content_type.lower()
    if content_type in ("text", "plain"):
        return "text/plain"
    if content_type == "html":
        return "text/html"
    if content_type == "xhtml":
        return "application/xhtml+xml"
    return content_type


def looks_like_html(text: str) -> bool:
    """feedparser's guess that a nominally plain RSS text is HTML (it errs on the safe side).

    A closing tag or an entity is needed; every tag must be one the sanitiser keeps and
    every named entity a known one.
    """
    if not (_CLOSE_TAG.search(text) or _ANY_REFERENCE.search(text)):
        return False
    if any(tag.lower() not in SANITIZER_ELEMENTS for tag in _TAG_NAME.findall(text)):
        return False
    return all(name in entitydefs for name in _NAMED_REFERENCE.findall(text))


# -- which texts need the pass ----------------------------------------------------------

#: Tags feedparser's sanitiser keeps as they are and read_fragment reads like any other.
_PLAIN_TAGS = frozenset({
    "a", "abbr", "b", "big", "blockquote", "br", "caption", "center", "cite", "code",
    "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol",
    "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
})
_TAG_OPEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])")
_AMP = re.compile(r"&(?:([a-zA-Z][a-zA-Z0-9]*)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ATTR_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", re.I)
_ATTR_REL = re.compile(r"\srel\s*=", re.I)


def plain_markup(html: str, base: str) -> bool:
    """True when feedparser's markup pass would change nothing read_fragment reads."""
    if "<" in html:
        if html.count("<") != len(tags := _TAG_OPEN.findall(html)):
            return False  # a comment, CDATA, a processing instruction or a stray "<"
        if any(name.lower() not in _PLAIN_TAGS for _, name in tags):
            return False
        if _ATTR_REL.search(html):
            return False  # rel tells hashtags from links: leave such texts to feedparser
        for match in _ATTR_HREF.finditer(html):
            href = match.group(1) or match.group(2) or match.group(3) or ""
            if "&" in href or safe_absolute_uri(base, href.strip()) != href:
                return False
    if "&" in html:
        amps = _AMP.findall(html)
        if html.count("&") != len(amps):
            return False
        for name, decimal, hexa in amps:
            if name:
                if name not in name2codepoint and name != "apos":
                    return False
            elif not 0 < (int(decimal) if decimal else int(hexa, 16)) < 0x80 \
                    and not 0xA0 <= (int(decimal) if decimal else int(hexa, 16)) < 0x110000:
                return False
    return "\r" not in html


# -- feedparser's own pass, through feedparser.parse --------------------------------------

#: The declaration ends its line: feedparser reads the encoding from the first line with a
#: pattern that is cubic in its length, and the texts are the feed's (untrusted).
_PASS_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
#: Characters XML 1.0 cannot carry, not even as references: such a text is not passed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _cdata(text: str) -> str:
    """``text`` as XML character data, in CDATA sections (read in a few large pieces)."""
    # "]]>" would end the section, and a "\r" in it would be read as "\n": both go outside
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>").replace(
        "\r", "]]>&#13;<![CDATA[") + "]]>"


def feedparser_pass(texts: Sequence[str], base: str) -> list[str] | None:
    """feedparser's markup pass (resolve relative URIs against ``base``, then sanitise) on
    each HTML text, by ``feedparser.parse``; None when it cannot be run that way.

    The texts go in as the ``type="html"`` summaries of an Atom document whose location is
    ``base``: feedparser runs on them exactly the pass it runs on a feed's HTML texts.
    """
    parts = [_PASS_HEAD]
    for text in texts:
        if _NOT_XML.search(text):
            return None
        parts.append(f'<entry><summary type="html">{_cdata(text)}</summary></entry>')
    parts.append("</feed>")
    import feedparser  # ~0.1 s to import: only when a feed's markup needs its pass

    try:
        parsed = feedparser.parse(
            io.BytesIO("".join(parts).encode("utf-8")),
            response_headers={"content-type": "application/atom+xml; charset=utf-8",
                              "content-location": base},
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception:  # the texts are untrusted: whatever went wrong, not this way
        return None
    entries = parsed.get("entries") or []
    if parsed.get("bozo") or len(entries) != len(texts):
        return None
    results: list[str] = []
    for entry in entries:
        value = dict.get(entry, "summary") if isinstance(entry, dict) else None
        if not isinstance(value, str):
            return None
        results.append(value)
    return results


class Unsure(Exception):
    """A text's markup needs feedparser's pass in a way that cannot be run here."""


class Markup:
    """feedparser's markup pass on the texts of one feed that need it.

    ``applied``: feedparser already ran the pass over the whole document, so every value
    is kept as it is. Otherwise texts where the pass changes nothing read_fragment reads
    are kept, the others go through :func:`feedparser_pass` (all at once when
    :meth:`prepare` is told about them first). :class:`Unsure` means "let feedparser read
    the whole document with its pass".
    """

    def __init__(self, *, applied: bool = False) -> None:
        self.applied = applied
        self._passed: dict[tuple[str, str], str] = {}

    def prepare(self, texts: Iterable[tuple[Any, Any]]) -> None:
        """Run the pass in one go on those of ``texts`` ((value, detail) pairs) that need it."""
        if self.applied:
            return
        by_base: dict[str, dict[str, None]] = {}
        for value, detail in texts:
            if not isinstance(value, str) or not isinstance(detail, Mapping) \
                    or detail.get("type") != "text/html":
                continue
            key = (value, _base(detail))
            if key in self._passed:
                continue
            if plain_markup(*key):
                self._passed[key] = value  # the pass would change nothing that is read
            elif not _NOT_XML.search(value):  # such a text would fail the whole batch
                by_base.setdefault(key[1], {})[value] = None
        for base, values in by_base.items():
            results = feedparser_pass(list(values), base)
            if results is not None:  # else each text is tried alone when it is asked for
                self._passed.update(((value, base), result)
                                    for value, result in zip(values, results, strict=True))

    def __call__(self, value: str, detail: Any) -> str:
        if self.applied:
            return value
        if not isinstance(detail, Mapping):
            if "<" in value or "&" in value or "\r" in value:
                raise Unsure
            return value
        kind = str(detail.get("type") or "")
        if kind not in HTMLISH:
            return value
        if kind != "text/html":
            raise Unsure  # XHTML is serialised by feedparser's own reading: not redone here
        key = (value, _base(detail))
        passed = self._passed.get(key)
        if passed is not None:
            return passed
        if plain_markup(*key):
            self._passed[key] = value
            return value
        results = feedparser_pass([value], key[1])
        if results is None:
            raise Unsure
        self._passed[key] = results[0]
        return results[0]


def _base(detail: Mapping[str, Any]) -> str:
    return str(detail.get("base") or "")
