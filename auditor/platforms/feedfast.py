"""The fast path: plain RSS 2.0 and Atom 1.0 feeds read with lxml into feedparser's shapes.

feedparser drives a pure-Python state machine over SAX events; on the usual blog feed that
costs far more than the reading itself. A plain RSS 2.0 or Atom 1.0 document (only the
elements below, no DTD, no xml:base, one title per channel and entry, ...) is read with
lxml into the same dictionaries feedparser would build for it, value by value the way
feedparser treats them (stripped, the windows-1252 repair, URIs joined as it joins them:
see :mod:`auditor.platforms.feedmarkup`). Anything else gives None and goes to
``feedparser.parse``. Only feedparser's results are relied on, never its modules:
tests/test_feed_paths.py reads feeds both ways and compares.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from typing import Any

from lxml import etree

from auditor.platforms.feedmarkup import (
    CP1252,
    HTMLISH,
    join_uri,
    looks_like_html,
    map_content_type,
    safe_absolute_uri,
)

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"
_SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
_WFW = "{http://wellformedweb.org/CommentAPI/}"
_THR = "{http://purl.org/syndication/thread/1.0}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FAST_TYPES = frozenset({"", "application/xml", "text/xml", "application/rss+xml",
                         "application/atom+xml"})
_FAST_REFUSE = re.compile(rb"<!DOCTYPE|<!ENTITY|xml:base|\sbase\s*=", re.I)
#: Elements read for nothing (their values are not used), with no children of their own.
_RSS_CHANNEL_IGNORED = frozenset({
    "language", "copyright", "lastBuildDate", "pubDate", "generator", "docs", "ttl",
    "category", f"{_SY}updatePeriod", f"{_SY}updateFrequency", f"{_SY}updateBase",
})
_RSS_ITEM_IGNORED = frozenset({"category", "author", "comments", f"{_DC}creator",
                               f"{_WFW}commentRss"})
_RSS_IMAGE_CHILDREN = frozenset({"url", "title", "link", "width", "height", "description"})
_ATOM_FEED_IGNORED = frozenset({f"{_ATOM}{n}" for n in ("id", "updated", "generator",
                                                        "rights", "category")})
_ATOM_ENTRY_IGNORED = frozenset({f"{_ATOM}{n}" for n in ("rights", "category")})
_ATOM_AUTHOR_CHILDREN = frozenset({f"{_ATOM}{n}" for n in ("name", "email", "uri")})
_TEXT_TYPES = {"text": "text/plain", "html": "text/html"}
_FAST_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                               load_dtd=False, remove_comments=False)


class _Refuse(Exception):
    """The document is not plain enough for the fast path."""


def fast_read(body: bytes, *, url: str,
              content_type: str) -> tuple[str, dict[str, Any], list[Any]] | None:
    """(version, feed, entries) as feedparser would give them, or None."""
    media = content_type.split(";")[0].strip().lower()
    if media not in _FAST_TYPES or _FAST_REFUSE.search(body):
        return None
    try:
        data = as_utf8(body, content_type or "application/xml")
        if data is None:
            return None
        root = etree.fromstring(data, _FAST_PARSER)
        reader = _FastReader(safe_absolute_uri("", url))
        if root.tag == "rss" and root.get("version") == "2.0" and root.prefix is None:
            feed, entries = reader.rss(root)
            version = "rss20"
        elif root.tag == f"{_ATOM}feed" and "version" not in root.attrib:
            feed, entries = reader.atom(root)
            version = "atom10"
        else:
            return None
    except Exception:  # _Refuse, malformed XML, or anything unforeseen: feedparser's way
        return None
    return version, feed, entries


_XML_DECLARATION = re.compile(r"^<\?xml[^>]*?>")
_DECLARED_ENCODING = re.compile(rb"^<\?.*encoding=['\"](.*?)['\"].*\?>")
_UTF8_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


def as_utf8(body: bytes, content_type: str) -> bytes | None:
    """The body in UTF-8 with a UTF-8 declaration, or None unless its encoding is plain.

    Decoded as RFC 3023 says (and feedparser does) for the XML media types the fast path
    takes: the charset parameter, else (for application/...xml) the XML declaration, else
    UTF-8; text/xml without a charset is US-ASCII. Where feedparser would have to guess
    (a UTF-16 or UTF-32 body, a declared encoding that does not decode it, a media type
    it does not know), None: the document goes to feedparser.
    """
    mime, *params = content_type.split(";")
    mime = mime.strip()
    charset = ""
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if mime not in _FAST_TYPES or not mime:
        return None  # feedparser takes "Application/XML" or "" for a non-XML type
    if body[:3] == codecs.BOM_UTF8:
        body = body[3:]
    elif body[:2] in (codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE) or b"\x00" in body[:4] \
            or body[:4] == b"\x4c\x6f\xa7\x94":  # UTF-16/32 and EBCDIC
        return None
    declared = _DECLARED_ENCODING.match(body)
    try:
        xml_encoding = declared.group(1).decode("utf-8").lower() if declared else ""
    except UnicodeDecodeError:
        return None
    # text/xml without a charset is US-ASCII (RFC 3023), whatever the declaration says
    encoding = charset or ("us-ascii" if mime == "text/xml" else xml_encoding or "utf-8")
    if encoding.lower() == "gb2312":
        encoding = "gb18030"
    try:
        text = body.decode(encoding)
        if _XML_DECLARATION.search(text):
            text = _XML_DECLARATION.sub(_UTF8_DECLARATION, text)
        else:
            text = _UTF8_DECLARATION + "\n" + text
        return text.encode("utf-8")
    except (UnicodeError, LookupError):
        return None


class _FastReader:
    def __init__(self, base: str) -> None:
        self.base = base

    # values, as feedparser's pop leaves them

    def value(self, element: Any, *, uri: bool = False) -> str:
        if len(element) or set(element.attrib.keys()) - {_XML_LANG}:
            raise _Refuse
        return self.finish(element.text or "", uri=uri)

    def finish(self, text: str, *, uri: bool = False) -> str:
        output = text.strip()
        if uri and output:
            output = join_uri(self.base, output)
        # feedparser hands its parser the body converted to UTF-8, so this always runs
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            output = output.encode("iso-8859-1").decode("utf-8")
        return output.translate(CP1252)

    def text_construct(self, element: Any, default: str, *, rss: bool) -> tuple[str, dict]:
        if len(element) or set(element.attrib.keys()) - {_XML_LANG, "type"}:
            raise _Refuse
        raw_type = element.get("type")
        if rss:
            if raw_type is not None:
                raise _Refuse
            kind = default
        else:
            kind = _TEXT_TYPES.get(raw_type or "text", "")
            if not kind:
                raise _Refuse  # xhtml and other types: feedparser's way
        output = (element.text or "").strip()
        if rss and kind == "text/plain" and looks_like_html(output):
            kind = "text/html"
        output = self.finish(output)
        return output, {"type": kind, "base": self.base, "value": output}

    def link(self, element: Any, context: dict[str, Any]) -> None:
        """An Atom link (also atom:link in RSS): feedparser's _start_link."""
        if len(element):
            raise _Refuse
        attrs: dict[str, str] = {}
        for name, value in element.attrib.items():
            if name.startswith(_THR):
                attrs["thr:" + name[len(_THR):].lower()] = value
            elif name == _XML_LANG:
                attrs["xml:lang"] = value
            elif name.startswith("{") or name.lower() in ("url", "uri", "base", "lang"):
                raise _Refuse
            else:
                key = name.lower()
                attrs[key] = value.lower() if key in ("rel", "type") else value
        if "href" not in attrs:
            raise _Refuse
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self"
                         else "text/html")
        attrs["href"] = join_uri(self.base, attrs["href"])
        context.setdefault("links", []).append(attrs)
        if attrs["rel"] == "alternate" and map_content_type(attrs["type"]) in HTMLISH:
            context["link"] = attrs["href"]

    # RSS 2.0

    def rss(self, root: Any) -> tuple[dict[str, Any], list[Any]]:
        channels = list(root)
        if len(channels) != 1 or channels[0].tag != "channel" or (root.text and \
                root.text.strip()) or channels[0].attrib:
            raise _Refuse
        feed: dict[str, Any] = {}
        entries: list[Any] = []
        seen: set[str] = set()
        for child in channels[0]:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse  # a comment or processing instruction among the elements
            if tag == "item":
                entries.append(self.rss_item(child))
                continue
            if tag in ("title", "description", "link", "image"):
                if tag in seen:
                    raise _Refuse
                seen.add(tag)
            if tag == "title":
                feed["title"], feed["title_detail"] = self.text_construct(
                    child, "text/plain", rss=True)
            elif tag == "description":
                feed["subtitle"], feed["subtitle_detail"] = self.text_construct(
                    child, "text/html", rss=True)
            elif tag == "link":
                value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", self.value(child, uri=True))
                feed["link"] = value
                feed.setdefault("links", []).append(
                    {"rel": "alternate", "type": "text/html", "href": value})
            elif tag == f"{_ATOM}link":
                self.link(child, feed)
            elif tag == "image":
                feed["image"] = self.rss_image(child)
            elif tag in ("managingEditor", "webMaster"):
                _childless(child)
                seen.add(tag)
            elif tag in _RSS_CHANNEL_IGNORED:
                _childless(child)
            else:
                raise _Refuse
        for tag in ("managingEditor", "webMaster"):
            if tag in seen:
                feed[f"_raw_{tag}"] = True
        return feed, entries

    def rss_image(self, image: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        seen: set[str] = set()
        for child in image:
            if not isinstance(child.tag, str) or child.tag not in _RSS_IMAGE_CHILDREN \
                    or child.tag in seen:
                raise _Refuse
            seen.add(child.tag)
            if child.tag == "url":
                found["href"] = self.value(child, uri=True)
            else:
                self.value(child)
        return found

    def rss_item(self, item: Any) -> dict[str, Any]:
        if item.attrib:
            raise _Refuse
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        guid: str | None = None
        for child in item:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse
            if tag in seen:
                raise _Refuse
            if tag not in _RSS_ITEM_IGNORED:
                seen.add(tag)
            if tag == "title":
                entry["title"], entry["title_detail"] = self.text_construct(
                    child, "text/plain", rss=True)
            elif tag == "description":
                entry["summary"], entry["summary_detail"] = self.text_construct(
                    child, "text/html", rss=True)
            elif tag == f"{_CONTENT_NS}encoded":
                value, detail = self.text_construct(child, "text/html", rss=True)
                entry["content"] = [detail]
                entry["_content"] = value
            elif tag == "link":
                value = self.value(child, uri=True).replace("&amp;", "&")
                entry["link"] = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)
                entry.setdefault("links", []).append(
                    {"rel": "alternate", "type": "text/html", "href": entry["link"]})
            elif tag == "guid":
                permalink = child.get("isPermaLink", "true") == "true"
                if set(child.attrib.keys()) - {"isPermaLink"} or len(child):
                    raise _Refuse
                guid_value = self.finish(child.text or "", uri=permalink)
                entry["id"] = guid_value
                if permalink:
                    guid = guid_value
            elif tag == "pubDate":
                entry["published"] = self.value(child)
            elif tag == f"{_SLASH}comments":
                entry["slash_comments"] = self.value(child)
            elif tag in _RSS_ITEM_IGNORED or tag == "enclosure":
                _childless(child)
            else:
                raise _Refuse
        return self.close_entry(entry, guid)

    @staticmethod
    def close_entry(entry: dict[str, Any], guid: str | None) -> dict[str, Any]:
        if "content" in entry:
            content = entry.pop("_content")
            entry.setdefault("summary", content)  # feedparser copies content to the summary
        if guid is not None:
            entry.setdefault("link", guid)  # a permalink guid stands in for a missing link
        return entry

    # Atom 1.0

    def atom(self, root: Any) -> tuple[dict[str, Any], list[Any]]:
        if set(root.attrib.keys()) - {_XML_LANG}:
            raise _Refuse
        feed: dict[str, Any] = {}
        entries: list[Any] = []
        seen: set[str] = set()
        for child in root:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse
            if tag == f"{_ATOM}entry":
                entries.append(self.atom_entry(child))
                continue
            if tag == f"{_ATOM}link":
                self.link(child, feed)
                continue
            if tag in seen:
                raise _Refuse
            seen.add(tag)
            if tag == f"{_ATOM}title":
                feed["title"], feed["title_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag == f"{_ATOM}subtitle":
                feed["subtitle"], feed["subtitle_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag in (f"{_ATOM}logo", f"{_ATOM}icon"):
                feed[tag[len(_ATOM):]] = self.value(child, uri=True)
            elif tag == f"{_ATOM}author":
                email = self.atom_author(child)
                if email is not None:
                    feed["author_detail"] = {"email": email}
            elif tag in _ATOM_FEED_IGNORED:
                _childless(child)
            else:
                raise _Refuse
        return feed, entries

    def atom_author(self, author: Any) -> str | None:
        if author.attrib or (author.text or "").strip():
            raise _Refuse
        email = None
        seen: set[str] = set()
        for child in author:
            if not isinstance(child.tag, str) or child.tag not in _ATOM_AUTHOR_CHILDREN \
                    or child.tag in seen or (child.tail or "").strip():
                raise _Refuse
            seen.add(child.tag)
            if len(child) or set(child.attrib.keys()) - {_XML_LANG}:
                raise _Refuse
            if child.tag == f"{_ATOM}email":  # pushed "not expecting text": only stripped
                email = (child.text or "").strip()
        return email

    def atom_entry(self, element: Any) -> dict[str, Any]:
        if set(element.attrib.keys()) - {_XML_LANG}:
            raise _Refuse
        entry: dict[str, Any] = {}
        seen: set[str] = set()
        guid: str | None = None
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                raise _Refuse
            if tag == f"{_ATOM}link":
                self.link(child, entry)
                continue
            if tag in seen:
                raise _Refuse
            if tag not in _ATOM_ENTRY_IGNORED:
                seen.add(tag)
            if tag == f"{_ATOM}title":
                entry["title"], entry["title_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag == f"{_ATOM}summary":
                entry["summary"], entry["summary_detail"] = self.text_construct(
                    child, "text/plain", rss=False)
            elif tag == f"{_ATOM}content":
                value, detail = self.text_construct(child, "text/plain", rss=False)
                entry["content"] = [detail]
                entry["_content"] = value
            elif tag == f"{_ATOM}id":
                entry["id"] = guid = self.value(child, uri=True)
            elif tag in (f"{_ATOM}published", f"{_ATOM}updated"):
                entry[tag[len(_ATOM):]] = self.value(child)
            elif tag == f"{_THR}total":
                entry["thr_total"] = self.value(child)
            elif tag == f"{_ATOM}author":
                self.atom_author(child)
            elif tag in _ATOM_ENTRY_IGNORED:
                _childless(child)
            else:
                raise _Refuse
        return self.close_entry(entry, guid)


def _childless(element: Any) -> None:
    if len(element):
        raise _Refuse
