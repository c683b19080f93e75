"""A t.me page read: the web preview (``t.me/s/<channel>``) or the contact card.

Read by :class:`auditor.platforms.telegram.TelegramAdapter`, which says what each kind of
page means for the record. The page is parsed with lxml and read in one walk over its
elements; nothing here raises on any body (garbage in, ``kind="other"`` out). The tree is
bounded: a page is cut at :data:`MAX_PAGE_BYTES` and at
:data:`auditor.platforms.markupcap.MAX_MARKUP_TOKENS` tags (a preview has about 1,000).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from html import escape as html_escape
from typing import Any

from lxml import etree

from auditor.htmltext import read_fragment
from auditor.models import MAX_BIO_CHARS, MAX_NAME_CHARS, cap_text
from auditor.platforms.base import parse_iso_time
from auditor.platforms.markupcap import cap_markup
from auditor.urls import is_http_url

#: Telegram's own placeholder images (used as og:image when a page has no photo).
_DEFAULT_IMAGE = re.compile(r"telegram\.org/img/|/img/t_logo|/img/tg_logo", re.I)
#: "1.2K", "3M", "12 345", "1,234" and their parts.
_COUNT = re.compile(r"^\s*([\d][\d\s,.\u00a0\u202f']*)\s*([KMB])?\s*$", re.I)
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
#: Bodies past this size are cut before parsing: a preview page is ~100 kB.
MAX_PAGE_BYTES = 3_000_000
#: At most this many messages are read from one page (Telegram sends ~20).
MAX_MESSAGES_PER_PAGE = 200
#: An element of the parsed page.
Element = etree._Element


# -- reading the tree ---------------------------------------------------------------------
#
# The page is parsed with lxml and read with one walk over its elements (see _Index) instead
# of one CSS select per field: a preview page has ~500 elements and ~15 things to find.
# Classes are matched as CSS (and beautifulsoup4) match them: whitespace-separated names.

#: Class names the walk collects, in document order.
_INDEXED = frozenset({
    "tgme_widget_message", "tgme_channel_info", "tgme_channel_history",
    "tgme_channel_info_counters", "tgme_channel_info_header_username", "tgme_page",
    "tgme_channel_info_header_title", "tgme_header_title", "tgme_channel_info_description",
    "tgme_page_photo_image", "tgme_channel_info_counter", "tme_messages_more",
})
#: Elements lxml's HTML parser never gives content (written without an end tag).
_VOID = frozenset({"area", "base", "basefont", "br", "col", "frame", "hr", "img", "input",
                   "isindex", "link", "meta", "param"})
#: Text nodes as beautifulsoup4's get_text() reads them: not those of code or ruby notes.
_X_TEXT = etree.XPath("descendant::text()[not(ancestor::script or ancestor::style"
                      " or ancestor::template or ancestor::rt or ancestor::rp)]",
                      smart_strings=False)
#: Text nodes outside links, scripts and styles (where a URL written out is not a link).
_X_PLAIN_TEXT = etree.XPath("descendant::text()[not(ancestor::a or ancestor::script"
                            " or ancestor::style or ancestor::template)]", smart_strings=False)


@dataclass(frozen=True, slots=True)
class Message:
    """One message of the preview, as read from its HTML."""

    id: int
    published_at: datetime | None
    service: bool
    forwarded: bool
    text: str
    links: tuple[str, ...]
    #: The views the message shows ("1.2K" -> 1200); None when it shows none.
    views: int | None = None
    #: Photos, videos, round videos and documents attached.
    media: int = 0


@dataclass(frozen=True, slots=True)
class TelegramPage:
    """What one t.me page shows."""

    #: "preview" (t.me/s/ with messages or channel info), "card" (t.me/<name> contact card),
    #: or "other" (not a page Telegram's web preview serves).
    kind: str
    title: str | None = None
    username: str | None = None
    #: Description as plain text: None when the page does not show one at all.
    description: str | None = None
    description_links: tuple[str, ...] = ()
    photo_url: str | None = None
    #: Channel counters by plural name ("subscribers", "photos", "videos", "links", ...).
    counters: Mapping[str, int] = field(default_factory=dict)
    messages: tuple[Message, ...] = ()
    #: Messages whose id or markup could not be read.
    skipped: int = 0
    #: The page links to older messages (``?before=``).
    has_older: bool = False
    #: Contact card only: the line under the title ("1 234 subscribers", "@name") and the
    #: action button ("View in Telegram", "Send Message").
    card_extra: str | None = None
    card_action: str | None = None
    #: Contact card only: the card offers a preview of the channel ("Preview channel", a
    #: link to ``/s/<name>``): a channel, whatever else the card says.
    card_preview: bool = False


# -- parsing ------------------------------------------------------------------------------


def parse_page(body: bytes | str) -> TelegramPage:
    """Read a t.me page (preview or contact card). Never raises on any body."""
    try:
        return _parse_page(body)
    except Exception:  # garbage in, "other" out
        return TelegramPage(kind="other")


def _parse_page(body: bytes | str) -> TelegramPage:
    if isinstance(body, bytes):
        text = body[:MAX_PAGE_BYTES].decode("utf-8", errors="replace")
    else:
        text = body[:MAX_PAGE_BYTES]
    text, _ = cap_markup(text)  # a million tags would make a tree of hundreds of MB
    if not text.strip():
        return TelegramPage(kind="other")
    root = _document(text)
    if root is None:
        return TelegramPage(kind="other")
    index = _Index(root)
    meta = _meta(index.meta)
    message_tags = [tag for tag in index.all("tgme_widget_message")
                    if tag.get("data-post") is not None]
    info = index.first("tgme_channel_info")
    if info is not None or message_tags or any(
            index.first(name) is not None
            for name in ("tgme_channel_history", "tgme_channel_info_counters",
                         "tgme_channel_info_header_username")):
        return _parse_preview(index, meta, info, message_tags)
    card = index.first("tgme_page")
    og_title = meta.get("og:title", "")
    if card is not None or og_title.startswith("Telegram: Contact") or (
            meta.get("og:site_name") == "Telegram" and "tgme" in text):
        return _parse_card(root, meta, card)
    return TelegramPage(kind="other")


def _document(text: str) -> Element | None:
    """The page's tree, built by lxml's HTML parser (None when there is no element at all).

    The text is fed to the parser as beautifulsoup4's lxml builder fed it (a leading byte
    order mark dropped), so the tree is the one the earlier beautifulsoup4 code read.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = etree.HTMLParser()
    try:
        parser.feed(text)
        root = parser.close()
    except (ValueError, etree.ParserError, etree.XMLSyntaxError):  # lxml refused it
        return None
    return root if isinstance(root, etree._Element) else None


class _Index:
    """One walk over a page: its elements by (indexed) class name, its <meta> tags and its
    ``<link rel="prev">`` tags, each in document order."""

    __slots__ = ("by_class", "meta", "prev_links")

    def __init__(self, root: Element) -> None:
        by_class: dict[str, list[Element]] = {}
        meta: list[Element] = []
        prev_links: list[Element] = []
        hidden = _templated(root)
        for element in root.iter(etree.Element):
            tag = element.tag
            if tag == "meta":
                meta.append(element)  # read as beautifulsoup4's find_all: templates too
            if hidden and element in hidden:
                continue
            if tag == "link" and "prev" in (element.get("rel") or "").lower().split():
                prev_links.append(element)
            names = element.get("class")
            if not names or "me_" not in names:  # every indexed name has "me_" in it
                continue
            for name in names.split():
                if name in _INDEXED:
                    found = by_class.setdefault(name, [])
                    if not found or found[-1] is not element:
                        found.append(element)
        self.by_class = by_class
        self.meta = meta
        self.prev_links = prev_links

    def all(self, name: str) -> list[Element]:
        return self.by_class.get(name, [])

    def first(self, name: str, *, within: str | None = None) -> Element | None:
        """The first element with class ``name`` (and, given ``within``, an ancestor with
        that class: CSS ``.within .name``)."""
        for element in self.by_class.get(name, ()):
            if within is None or _in_class(element, within):
                return element
        return None


def _parse_preview(index: _Index, meta: Mapping[str, str], info: Element | None,
                   message_tags: list[Element]) -> TelegramPage:
    title = _text_of(index.first("tgme_channel_info_header_title")) \
        or _text_of(index.first("tgme_header_title")) or meta.get("og:title") or None
    username = None
    user_tag = index.first("tgme_channel_info_header_username")
    if user_tag is not None:
        username = _text_of(user_tag).lstrip("@") or None
    desc_tag = index.first("tgme_channel_info_description")
    description: str | None
    links: tuple[str, ...] = ()
    if desc_tag is not None:
        fragment = read_fragment(_inner_html(desc_tag))
        description, links = fragment.text, _with_text_links(fragment.links, desc_tag)
    elif info is not None:
        description = ""  # the channel card is shown, without a description
    elif "og:description" in meta:
        description = meta["og:description"]
    else:
        description = None
    photo = _img_src(index.first("tgme_page_photo_image", within="tgme_channel_info_header")) \
        or _img_src(index.first("tgme_page_photo_image", within="tgme_header_info"))
    if photo is None and info is None:
        og_image = meta.get("og:image")
        if og_image and is_http_url(og_image) and not _DEFAULT_IMAGE.search(og_image):
            photo = og_image
    counters: dict[str, int] = {}
    for counter in index.all("tgme_channel_info_counter"):
        value = parse_count(_text_of(_find(counter, "counter_value")))
        kind = _text_of(_find(counter, "counter_type")).lower()
        if value is None or not kind:
            continue
        key = kind if kind.endswith("s") else f"{kind}s"
        counters.setdefault(cap_text(key, 40) or key, value)
    messages: list[Message] = []
    skipped = 0
    for tag in message_tags[:MAX_MESSAGES_PER_PAGE]:
        message = _message(tag)
        if message is None:
            skipped += 1
        else:
            messages.append(message)
    older = [tag for tag in index.all("tme_messages_more")
             if tag.tag == "a" and tag.get("data-before") is not None] + index.prev_links
    has_older = any(_is_older_link(tag.get("href")) for tag in older)
    return TelegramPage(
        kind="preview",
        title=cap_text(title, MAX_NAME_CHARS),
        username=cap_text(username, MAX_NAME_CHARS),
        description=cap_text(description, MAX_BIO_CHARS),
        description_links=links[:20],
        photo_url=photo,
        counters=counters,
        messages=tuple(messages),
        skipped=skipped,
        has_older=has_older,
    )


def _parse_card(root: Element, meta: Mapping[str, str], card: Element | None) -> TelegramPage:
    # Inside the .tgme_page element, or (no such element) the whole document.
    scope, whole = (card, False) if card is not None else (root, True)
    title = _text_of(_find(scope, "tgme_page_title", with_self=whole)) or None
    desc_tag = _find(scope, "tgme_page_description", with_self=whole)
    description = None
    links: tuple[str, ...] = ()
    if title:
        if desc_tag is not None:
            fragment = read_fragment(_inner_html(desc_tag))
            description, links = fragment.text, _with_text_links(fragment.links, desc_tag)
        else:
            description = ""
    extra = _text_of(_find(scope, "tgme_page_extra", with_self=whole)) or None
    action = _text_of(_card_action(scope, whole)) or None
    # "Preview channel" sits beside the card (.tgme_page_context_link), so the whole page
    # is searched for it.
    preview = any(_offers_preview(element) for element in root.iter("a"))
    photo = _img_src(_find(scope, "tgme_page_photo_image", with_self=whole))
    if photo is not None and _DEFAULT_IMAGE.search(photo):
        photo = None
    counters: dict[str, int] = {}
    if extra:
        match = re.match(r"^([\d\s,.\u00a0\u202f'KMBkmb]+?)\s*(subscribers?|members?)\b", extra)
        if match:
            value = parse_count(match.group(1))
            if value is not None:
                counters["subscribers" if match.group(2).startswith("sub") else "members"] = value
    return TelegramPage(
        kind="card",
        title=cap_text(title, MAX_NAME_CHARS),
        description=cap_text(description, MAX_BIO_CHARS),
        description_links=links[:20],
        photo_url=photo,
        counters=counters,
        card_extra=cap_text(extra, MAX_NAME_CHARS),
        card_action=cap_text(action, MAX_NAME_CHARS),
        card_preview=preview,
    )


#: ``/s/<name>`` (relative or on a t.me host): the link to a channel's web preview.
_PREVIEW_HREF = re.compile(
    r"^(?:(?:https?:)?//(?:www\.)?(?:t|telegram)\.me)?/s/[A-Za-z]\w{2,31}/?$", re.I)


def _offers_preview(anchor: Element) -> bool:
    """An ``<a>`` that opens the channel's web preview ("Preview channel", ``/s/<name>``)."""
    href = anchor.get("href") or ""
    return bool(_PREVIEW_HREF.match(href.strip())) or \
        _text_of(anchor).lower().startswith("preview channel")


#: A URL written out in a description's text (Telegram leaves some unlinked: one at the
#: very end, a bare ``www.`` address).
_URL_IN_TEXT = re.compile(r"(?<![\w@/.-])(?:https?://|www\.)[^\s<>\"'«»“”‘’]+", re.I)
_URL_TRAILING = ".,;:!?)]}'\"…"


def _with_text_links(links: tuple[str, ...], description: Element) -> tuple[str, ...]:
    """``links`` and, after them, the http(s) URLs written out in the description's text
    outside any ``<a>`` (``www.`` addresses read as https)."""
    found = list(links)
    text = " ".join(_X_PLAIN_TEXT(description))[:MAX_BIO_CHARS * 2]
    for match in _URL_IN_TEXT.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        if url.lower().startswith("www."):
            url = "https://" + url
        if is_http_url(url) and url not in found and not any(
                link.rstrip("/") == url.rstrip("/") for link in found):
            found.append(url)
        if len(found) >= 20:
            break
    return tuple(found)


def _card_action(scope: Element, whole: bool) -> Element | None:
    """CSS ``.tgme_action_button_new, .tgme_page_action a``: the first of either."""
    for element in _descendants(scope, with_self=whole):
        if "tgme_action_button_new" in _classes(element) or (
                element.tag == "a" and _in_class(element, "tgme_page_action")):
            return element
    return None


def _message(tag: Element) -> Message | None:
    post = tag.get("data-post") or ""
    number = post.rsplit("/", 1)[-1]
    if not number.isdigit() or len(number) > 12:
        return None
    service = "service_message" in _classes(tag)
    # One walk over the message for: the first .tgme_widget_message_text, any
    # .tgme_widget_message_forwarded_from, and the first time[datetime] under
    # .tgme_widget_message_date (else under .tgme_widget_message_meta).
    text_tag: Element | None = None
    forwarded = False
    date_time: Element | None = None
    meta_time: Element | None = None
    views: int | None = None
    media = 0
    for element in _descendants(tag):
        names = element.get("class")
        if names and "tgme_widget_message_" in names:
            split = names.split()
            if text_tag is None and "tgme_widget_message_text" in split:
                text_tag = element
            if "tgme_widget_message_forwarded_from" in split:
                forwarded = True
            if views is None and "tgme_widget_message_views" in split:
                views = parse_count(_text_of(element))
            media += any(name in _MEDIA_CLASSES for name in split)
        if element.tag == "time" and date_time is None and element.get("datetime") is not None:
            for ancestor in element.iterancestors():
                above = _classes(ancestor)
                if date_time is None and "tgme_widget_message_date" in above:
                    date_time = element
                if meta_time is None and "tgme_widget_message_meta" in above:
                    meta_time = element
                if date_time is not None:
                    break
    time_tag = date_time if date_time is not None else meta_time
    published = _parse_time(time_tag.get("datetime") if time_tag is not None else None)
    if published is None and not service:
        return None
    fragment = read_fragment(_inner_html(text_tag) if text_tag is not None else "")
    return Message(
        id=int(number),
        published_at=published,
        service=service,
        forwarded=forwarded,
        text=cap_text(fragment.text) or "",
        links=fragment.links[:20],
        views=views,
        media=min(media, 100),
    )


#: The classes of a message's attachments: one element each.
_MEDIA_CLASSES = frozenset({"tgme_widget_message_photo_wrap", "tgme_widget_message_video_player",
                            "tgme_widget_message_roundvideo_player",
                            "tgme_widget_message_document_wrap"})


def parse_count(text: str | None) -> int | None:
    """Telegram's counts: "10K" -> 10000, "1.2K" -> 1200, "3M" -> 3000000, "12 345"."""
    if not text:
        return None
    match = _COUNT.match(text)
    if match is None:
        return None
    digits, suffix = match.group(1), match.group(2)
    digits = re.sub(r"[\s\u00a0\u202f']", "", digits)
    if len(digits) > 15:
        return None
    if suffix:
        try:
            value = float(digits.replace(",", "."))
        except ValueError:
            return None
        return round(value * _MULTIPLIERS[suffix.lower()])
    # Without a suffix, "." and "," are thousands separators ("1,234", "1.234").
    plain = digits.replace(",", "").replace(".", "")
    if not plain.isdigit() or len(plain) > 15:
        return None
    return int(plain)


# -- small helpers ------------------------------------------------------------------------


def _meta(tags: list[Element]) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tags:
        key = tag.get("property") or tag.get("name")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and key not in found:
            found[key] = content.strip()
    return found


def _classes(element: Element, attribute: str = "class") -> list[str]:
    """A whitespace-separated attribute's names (``class``, ``rel``), as CSS reads them."""
    value = element.get(attribute)
    return value.split() if value else []


def _in_class(element: Element, name: str) -> bool:
    """Whether an ancestor of the element has class ``name``."""
    return any(name in _classes(ancestor) for ancestor in element.iterancestors())


def _templated(scope: Element) -> set[Element]:
    """The elements inside a <template> under ``scope``: CSS selectors never match them."""
    return {element for template in scope.iter("template")
            for element in template.iter(etree.Element) if element is not template}


def _descendants(element: Element, *, with_self: bool = False) -> Iterator[Element]:
    """The elements inside ``element`` in document order (and, asked, itself first), as CSS
    selectors see them: without the content of <template> elements."""
    walk = element.iter(etree.Element)
    if not with_self:
        next(walk, None)
    hidden = _templated(element)
    if hidden:
        return (found for found in walk if found not in hidden)
    return walk


def _find(scope: Element, name: str, *, with_self: bool = False) -> Element | None:
    """The first element inside ``scope`` with class ``name`` (CSS ``select_one``)."""
    for element in _descendants(scope, with_self=with_self):
        names = element.get("class")
        if names and name in names.split():
            return element
    return None


def _text_of(tag: Element | None) -> str:
    """The element's text, words joined by single spaces.

    Like beautifulsoup4's ``get_text(" ")``: every text node counts on its own (so
    ``a<b>b</b>`` reads "a b"), and what sits in script, style, template, rt or rp does not.
    """
    if tag is None:
        return ""
    return " ".join(" ".join(_X_TEXT(tag)).split())


def _inner_html(tag: Element) -> str:
    """The markup inside an element (beautifulsoup4's ``decode_contents``).

    Written out here rather than by lxml's HTML serializer, which %-escapes the URLs of
    href/src attributes (non-ASCII letters, spaces) and so would change the links read.
    """
    out: list[str] = [html_escape(tag.text, quote=False)] if tag.text else []
    for child in tag:
        _write(child, out)
    return "".join(out)


def _write(node: Element, out: list[str]) -> None:
    if not isinstance(node.tag, str):  # a comment or processing instruction
        out.append(etree.tostring(node, encoding="unicode", method="html", with_tail=False))
    else:
        out.append(f"<{node.tag}")
        for name, value in node.items():
            out.append(f' {name}="{html_escape(value)}"')
        out.append(">")
        if node.text:
            out.append(html_escape(node.text, quote=False))
        for child in node:
            _write(child, out)
        if node.tag not in _VOID or len(node) or node.text:
            out.append(f"</{node.tag}>")
    if node.tail:
        out.append(html_escape(node.tail, quote=False))


def _img_src(tag: Element | None) -> str | None:
    """The http(s) image of a photo element (the <img> itself or one inside it)."""
    if tag is None:
        return None
    img = tag if tag.tag == "img" else next(tag.iter("img"), None)
    if img is None:
        return None
    src = img.get("src")
    if not isinstance(src, str):
        return None
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    return src if is_http_url(src) else None


def _is_older_link(href: Any) -> bool:
    return isinstance(href, str) and "before=" in href


def _parse_time(value: Any) -> datetime | None:
    return parse_iso_time(value)
