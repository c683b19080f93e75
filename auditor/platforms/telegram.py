"""Telegram public channels, read from their web preview (``t.me/s/<channel>``).

The preview is an HTML page: the channel's card (title, description, photo, counters) and
its latest ~20 messages, oldest first. Older messages are paged with ``?before=<id>``.

What a t.me answer can be, and what the adapter makes of it:

- the preview (``.tgme_channel_info`` / ``.tgme_widget_message``): outcome ``ok``;
- the contact card ``t.me/<name>`` (``.tgme_page``), where ``t.me/s/<name>`` redirects
  when there is no preview:

  - a channel (``N subscribers``): its owner turned the web preview off ->
    ``preview_disabled``, with what the card shows (title, description, photo);
  - a user or a bot (``Send Message``), or a group (``N members``): not a channel, there
    is nothing public to audit -> ``unsupported`` (the card's facts are kept);
  - a card without a title (``Telegram: Contact @name``): no such name -> ``not_found``.

Channels have no replies (``replies_observable`` is False) and no banner image.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import Tag

from auditor.htmltext import read_fragment
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileRecord,
    Sample,
    cap_text,
)
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    Failure,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
    login_redirect,
    outcome_for_failure,
    outcome_for_status,
)
from auditor.urls import host_of, is_http_url

#: The public hosts whose URLs this adapter claims.
_HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me"})
#: Hosts whose links are Telegram's own (other channels, bots), never a website.
_TELEGRAM_HOSTS = frozenset({*_HOSTS, "telegram.org", "www.telegram.org", "telegram.dog",
                             "telesco.pe", "cdn-telegram.org", "telegram-cdn.org"})
#: A public username: a letter, then letters, digits and underscores (Telegram: 5-32,
#: a few older or auctioned ones are shorter).
_NAME = r"[A-Za-z][A-Za-z0-9_]{2,31}"
_PROFILE_PATH = re.compile(rf"^/(?:s/)?(?P<name>{_NAME})(?:/\d{{1,12}})?/?$")
#: First path segments that are Telegram features, not channel names.
_RESERVED = frozenset({
    "joinchat", "addstickers", "addemoji", "addtheme", "addlist", "share", "proxy", "socks",
    "iv", "login", "setlanguage", "confirmphone", "invoice", "contact", "boost", "giftcode",
    "bg", "dl", "msg", "msg_url", "auth", "nft", "apps", "web", "k", "a", "z",
})
#: Telegram's own placeholder images (used as og:image when a page has no photo).
_DEFAULT_IMAGE = re.compile(r"telegram\.org/img/|/img/t_logo|/img/tg_logo", re.I)
#: "1.2K", "3M", "12 345", "1,234" and their parts.
_COUNT = re.compile(r"^\s*([\d][\d\s,.\u00a0\u202f']*)\s*([KMB])?\s*$", re.I)
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
#: Bodies past this size are cut before parsing: a preview page is ~100 kB.
MAX_PAGE_BYTES = 3_000_000
#: At most this many messages are read from one page (Telegram sends ~20).
MAX_MESSAGES_PER_PAGE = 200
#: A t.me page is a whole document: one that opens <html> but never closes it was cut.
_PAGE_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html[\s>])", re.I)
_PAGE_END = re.compile(rb"</html\s*>", re.I)
_HEADERS: Mapping[str, str] = {"Accept": "text/html", "Accept-Language": "en"}


@dataclass(frozen=True, slots=True)
class Message:
    """One message of the preview, as read from its HTML."""

    id: int
    published_at: datetime | None
    service: bool
    forwarded: bool
    text: str
    links: tuple[str, ...]


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


class TelegramAdapter(PlatformAdapter):
    platform = "telegram"
    replies_observable = False
    unobservable: Mapping[str, str] = {"banner": "Telegram channels have no banner image"}

    def claims(self, url: str) -> bool:
        return _name(url) is not None

    def profile_url(self, url: str) -> str:
        name = _name(url)
        if name is None:
            return url
        return f"https://t.me/{name}"

    def handle(self, url: str) -> str | None:
        name = _name(url)
        return f"@{name}" if name else None

    def start(self, target: Target, options: CrawlOptions) -> Step:
        name = _name(target.url)
        if name is None:
            return self.record(target, "unsupported",
                               "not a public Telegram channel URL (t.me/<name>)")
        state = CrawlState(target=target, options=options, step="preview",
                           data={"name": name, "items": (), "pages": 0, "facts": None,
                                 "fetched_at": None, "notes": (), "before": None,
                                 "redirects": 0})
        return Next(Fetch(_preview_url(options, name), "preview", _HEADERS), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        data = state.data
        first = data["pages"] == 0
        if 300 <= page.status < 400:
            return self._redirect(state, page)
        wall = login_redirect(page, f"t.me/s/{data['name']}")
        if wall is not None:
            return self._stop(state, page, *wall)
        ended = outcome_for_status(page.status)
        if ended is not None:
            outcome, detail = ended
            if page.status == 404:
                detail = f"HTTP 404: no Telegram channel @{data['name']}"
            return self._stop(state, page, outcome, f"t.me/s/{data['name']}: {detail}")
        try:
            parsed = parse_page(page.body)
        except Exception as exc:  # an unreadable page is a record, not a crash
            return self._stop(state, page, "error",
                              f"t.me/s/{data['name']}: unreadable page ({type(exc).__name__})")
        if parsed.kind == "card":
            if not first:
                return self._finish(state, exhausted=False,
                                    note=f"page {data['pages'] + 1} answered with the "
                                         "contact card instead of messages")
            return self._card(state, page, parsed)
        if parsed.kind != "preview":
            kind = page.headers.get("content-type", "no content type")
            if not page.body.strip():
                why = f"empty answer (HTTP {page.status}, {kind})"
            else:
                why = f"not a Telegram preview page (HTTP {page.status}, {kind})"
            return self._stop(state, page, "error", f"t.me/s/{data['name']}: {why}")
        if _PAGE_START.match(page.body[:1024]) and not _PAGE_END.search(page.body[-4096:]):
            return self._stop(state, page, "error",
                              f"t.me/s/{data['name']}: the page is truncated (no closing "
                              f"</html>, {len(page.body)} bytes)")
        return self._messages(state, page, parsed)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        """A fetch with no answer: keep the pages already read, if any."""
        if state.data.get("pages"):
            _, detail = outcome_for_failure(failure)
            return self._finish(state, exhausted=False,
                                note=f"page {state.data['pages'] + 1}: {detail}")
        return super().fail(state, failure)

    # -- steps -------------------------------------------------------------------------

    def _redirect(self, state: CrawlState, page: Page) -> Step:
        """A redirect the I/O layer did not follow: follow it on the endpoint's host only."""
        data = state.data
        location = page.headers.get("location")
        base = state.options.endpoint(self.platform)
        if location and data["redirects"] < 3:
            target_url = urljoin(page.url, location)
            if is_http_url(target_url) and host_of(target_url) in _HOSTS:
                # t.me names its own host; read that page from the configured endpoint.
                parts = urlsplit(target_url)
                target_url = base + urlunsplit(("", "", parts.path, parts.query, ""))
            if is_http_url(target_url) and host_of(target_url) == host_of(base):
                next_state = state.with_data(state.step, redirects=data["redirects"] + 1)
                return Next(Fetch(target_url, state.step, _HEADERS), next_state)
        return self._stop(state, page, "error",
                          f"t.me/s/{data['name']}: HTTP {page.status} redirect not followed")

    def _stop(self, state: CrawlState, page: Page, outcome: str, detail: str) -> ProfileRecord:
        """End on a page that cannot be read: keep earlier pages when there were any."""
        data = state.data
        if data["pages"] > 0:
            return self._finish(state, exhausted=False,
                                note=f"page {data['pages'] + 1}: {detail}")
        return self.record(state.target, outcome, detail, fetched_at=page.fetched_at)

    def _card(self, state: CrawlState, page: Page, card: TelegramPage) -> ProfileRecord:
        name = state.data["name"]
        target = state.target
        if not card.title:
            return self.record(
                target, "not_found",
                f"no Telegram channel or user is called @{name} "
                "(t.me shows an empty contact page)",
                fetched_at=page.fetched_at)
        facts = _facts(card, name)
        extra = (card.card_extra or "").lower()
        action = (card.card_action or "").lower()
        if "member" in extra or "group" in action:
            return self.record(
                target, "unsupported",
                f"@{name} is a Telegram group, not a channel: its messages are not public",
                fetched_at=page.fetched_at, profile=facts)
        is_person = ("send message" in action or "start bot" in action
                     or extra.startswith("@")) and "subscriber" not in extra
        if is_person:
            bot = name.endswith("bot")
            what = "bot" if bot else "user"
            facts = replace(facts, bot=bot)
            return self.record(
                target, "unsupported",
                f"@{name} is a Telegram {what}, not a channel: it has no public posts "
                "to audit (only its contact card)",
                fetched_at=page.fetched_at, profile=facts)
        return self.record(
            target, "preview_disabled",
            f"the owner turned the web preview of @{name} off: t.me/s/{name} shows the "
            "contact card (title, description and photo read; no posts)",
            fetched_at=page.fetched_at, profile=facts)

    def _messages(self, state: CrawlState, page: Page, parsed: TelegramPage) -> Step:
        data = state.data
        name = data["name"]
        notes = tuple(data["notes"])
        facts = data["facts"]
        if facts is None:
            facts = _facts(parsed, name)
        if parsed.skipped:
            notes = (*notes, f"{parsed.skipped} unreadable message(s) skipped")
        if data["pages"] == 0 and parsed.counters:
            shown = ", ".join(f"{v} {k}" for k, v in parsed.counters.items())
            notes = (*notes, f"channel counters: {shown}")
        seen = {item.id for item in data["items"]}
        new_items = [item for item in _items(parsed.messages, state.target.url)
                     if item.id not in seen]
        pages = data["pages"] + 1
        state = state.with_data(
            "preview", items=(*data["items"], *new_items), pages=pages, notes=notes,
            facts=facts, fetched_at=data["fetched_at"] or page.fetched_at)
        if not parsed.messages or not parsed.has_older:
            return self._finish(state, exhausted=True)
        dates = [m.published_at for m in parsed.messages if m.published_at is not None]
        if dates and min(dates) < state.options.window_start:
            return self._finish(state, exhausted=False)
        oldest_id = min(m.id for m in parsed.messages)
        if oldest_id <= 1:
            return self._finish(state, exhausted=True)
        if pages >= state.options.max_pages:
            return self._finish(state, exhausted=False, cap_reached=True)
        before = data["before"]
        if before is not None and oldest_id >= before:
            return self._finish(state, exhausted=False,
                                note=f"page {pages} did not reach older messages; "
                                     "paging stopped")
        next_state = state.with_data("preview", before=oldest_id, redirects=0)
        url = f"{_preview_url(state.options, name)}?before={oldest_id}"
        return Next(Fetch(url, "preview", _HEADERS), next_state)

    def _finish(self, state: CrawlState, *, exhausted: bool, cap_reached: bool = False,
                note: str | None = None) -> ProfileRecord:
        data = state.data
        notes = tuple(data["notes"]) + ((note,) if note else ())
        items = tuple(sorted(data["items"], key=lambda i: i.published_at, reverse=True))
        return self.record(
            state.target, "ok", None,
            fetched_at=data["fetched_at"],
            profile=data["facts"],
            items=items,
            sample=Sample(pages=data["pages"], page_cap_reached=cap_reached,
                          exhausted=exhausted),
            notes=notes,
        )


# -- URLs ---------------------------------------------------------------------------------


def _name(url: str) -> str | None:
    """The lower-cased channel name of a t.me / telegram.me URL, None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in _HOSTS:
        return None
    match = _PROFILE_PATH.match(parts.path)
    if match is None:
        return None
    name = match.group("name").lower()
    if name in _RESERVED:
        return None
    return name


def _preview_url(options: CrawlOptions, name: str) -> str:
    return f"{options.endpoint('telegram')}/s/{name}"


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
    if not text.strip():
        return TelegramPage(kind="other")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # lxml builds the tree several times faster than html.parser; html.parser
        # is the fallback for the rare document lxml refuses.
        try:
            soup = BeautifulSoup(text, "lxml")
        except Exception:  # lxml refused the document
            soup = BeautifulSoup(text, "html.parser")
    meta = _meta(soup)
    message_tags = [tag for tag in soup.select(".tgme_widget_message[data-post]")
                    if isinstance(tag, Tag)]
    info = soup.select_one(".tgme_channel_info")
    if info is not None or message_tags or soup.select_one(
            ".tgme_channel_history, .tgme_channel_info_counters, "
            ".tgme_channel_info_header_username") is not None:
        return _parse_preview(soup, meta, info, message_tags)
    card = soup.select_one(".tgme_page")
    og_title = meta.get("og:title", "")
    if card is not None or og_title.startswith("Telegram: Contact") or (
            meta.get("og:site_name") == "Telegram" and "tgme" in text):
        return _parse_card(soup, meta, card)
    return TelegramPage(kind="other")


def _parse_preview(soup: BeautifulSoup, meta: Mapping[str, str], info: Tag | None,
                   message_tags: list[Tag]) -> TelegramPage:
    title = _text_of(soup.select_one(".tgme_channel_info_header_title")) \
        or _text_of(soup.select_one(".tgme_header_title")) or meta.get("og:title") or None
    username = None
    user_tag = soup.select_one(".tgme_channel_info_header_username")
    if user_tag is not None:
        username = _text_of(user_tag).lstrip("@") or None
    desc_tag = soup.select_one(".tgme_channel_info_description")
    description: str | None
    links: tuple[str, ...] = ()
    if desc_tag is not None:
        fragment = read_fragment(desc_tag.decode_contents())
        description, links = fragment.text, fragment.links
    elif info is not None:
        description = ""  # the channel card is shown, without a description
    elif "og:description" in meta:
        description = meta["og:description"]
    else:
        description = None
    photo = _img_src(soup.select_one(".tgme_channel_info_header .tgme_page_photo_image")) \
        or _img_src(soup.select_one(".tgme_header_info .tgme_page_photo_image"))
    if photo is None and info is None:
        og_image = meta.get("og:image")
        if og_image and is_http_url(og_image) and not _DEFAULT_IMAGE.search(og_image):
            photo = og_image
    counters: dict[str, int] = {}
    for counter in soup.select(".tgme_channel_info_counter"):
        value = parse_count(_text_of(counter.select_one(".counter_value")))
        kind = _text_of(counter.select_one(".counter_type")).lower()
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
    has_older = any(_is_older_link(tag.get("href"))
                    for tag in soup.select("a.tme_messages_more[data-before], link[rel~=prev]"))
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


def _parse_card(soup: BeautifulSoup, meta: Mapping[str, str], card: Tag | None) -> TelegramPage:
    scope: Tag | BeautifulSoup = card if card is not None else soup
    title = _text_of(scope.select_one(".tgme_page_title")) or None
    desc_tag = scope.select_one(".tgme_page_description")
    description = None
    links: tuple[str, ...] = ()
    if title:
        if desc_tag is not None:
            fragment = read_fragment(desc_tag.decode_contents())
            description, links = fragment.text, fragment.links
        else:
            description = ""
    extra = _text_of(scope.select_one(".tgme_page_extra")) or None
    action = _text_of(scope.select_one(".tgme_action_button_new, .tgme_page_action a")) or None
    photo = _img_src(scope.select_one(".tgme_page_photo_image"))
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
    )


def _message(tag: Tag) -> Message | None:
    post = str(tag.get("data-post") or "")
    number = post.rsplit("/", 1)[-1]
    if not number.isdigit() or len(number) > 12:
        return None
    classes = tag.get("class") or []
    service = "service_message" in classes
    time_tag = tag.select_one(".tgme_widget_message_date time[datetime]") \
        or tag.select_one(".tgme_widget_message_meta time[datetime]")
    published = _parse_time(time_tag.get("datetime") if time_tag is not None else None)
    if published is None and not service:
        return None
    text_tag = tag.select_one(".tgme_widget_message_text")
    fragment = read_fragment(text_tag.decode_contents() if text_tag is not None else "")
    return Message(
        id=int(number),
        published_at=published,
        service=service,
        forwarded=tag.select_one(".tgme_widget_message_forwarded_from") is not None,
        text=cap_text(fragment.text) or "",
        links=fragment.links[:20],
    )


def _items(messages: tuple[Message, ...], profile_url: str) -> list[Item]:
    """Items from messages: service notices are left out, forwards are reposts."""
    items: list[Item] = []
    for message in messages:
        if message.service or message.published_at is None:
            continue
        items.append(Item(
            id=str(message.id),
            published_at=message.published_at,
            kind="repost" if message.forwarded else "original",
            url=f"{profile_url}/{message.id}",
            text=message.text,
            links=message.links,
        ))
    return items


def _facts(page: TelegramPage, name: str) -> ProfileFacts:
    links = tuple(link for link in page.description_links if not _is_telegram_link(link))
    followers = page.counters.get("subscribers")
    return ProfileFacts(
        display_name=page.title,
        username=page.username or name,
        bio=page.description,
        avatar_url=page.photo_url,
        avatar_is_default=False if page.photo_url else None,
        links=links,
        followers=followers,
    )


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


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and key not in found:
            found[key] = content.strip()
    return found


def _text_of(tag: Any) -> str:
    if not isinstance(tag, Tag):
        return ""
    return " ".join(tag.get_text(" ").split())


def _img_src(tag: Any) -> str | None:
    """The http(s) image of a photo element (the <img> itself or one inside it)."""
    if not isinstance(tag, Tag):
        return None
    img = tag if tag.name == "img" else tag.find("img")
    if not isinstance(img, Tag):
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


def _is_telegram_link(link: str) -> bool:
    host = host_of(link)
    return host in _TELEGRAM_HOSTS or any(host.endswith("." + h) for h in _TELEGRAM_HOSTS)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
