"""Telegram public channels, read from their web preview (``t.me/s/<channel>``).

The preview is an HTML page: the channel's card (title, description, photo, counters) and
its latest ~20 messages, oldest first. Older messages are paged with ``?before=<id>``.

What a t.me answer can be, and what the adapter makes of it:

- the preview (``.tgme_channel_info`` / ``.tgme_widget_message``): outcome ``ok``;
- the contact card ``t.me/<name>`` (``.tgme_page``), where ``t.me/s/<name>`` redirects
  when there is no preview:

  - a channel (``N subscribers``): its owner turned the web preview off ->
    ``preview_disabled``, with what the card shows (title, description, photo);
  - a channel's card that offers "Preview channel" (a link to ``/s/<name>``) although
    ``t.me/s/<name>`` showed the card: a channel all the same (never a group, whatever
    its counter says) -> ``preview_disabled``, the detail saying that the card offers a
    preview;
  - a user or a bot (``Send Message``), or a group (``N members``): not a channel, there
    is nothing public to audit -> ``unsupported`` (the card's facts are kept);
  - a card without a title (``Telegram: Contact @name``): no such name -> ``not_found``.

A URL written out at the end of a description, outside any link, is a link of the
channel's all the same (its website). Channels have no replies (``replies_observable`` is
False) and no banner image.
The pages themselves are read by :mod:`auditor.platforms.telegrampage`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from auditor.models import Item, ProfileFacts, ProfileRecord, Sample
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    DateSieve,
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
    plausible_time,
)
from auditor.platforms.telegrampage import Message, TelegramPage, parse_count, parse_page
from auditor.platforms.timeline import TELEGRAM_COUNTERS_NOTE, join_read
from auditor.urls import host_of, is_http_url

__all__ = ["Message", "TelegramAdapter", "TelegramPage", "parse_count", "parse_page"]

#: The public hosts whose URLs this adapter claims (telegram.dog is another alias of t.me).
_HOSTS = frozenset({"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog",
                    "www.telegram.dog"})
#: Hosts whose links are Telegram's own (other channels, bots), never a website.
_TELEGRAM_HOSTS = frozenset({*_HOSTS, "telegram.org", "www.telegram.org", "telesco.pe",
                             "cdn-telegram.org", "telegram-cdn.org"})
#: A public username: a letter, then letters, digits and underscores (Telegram: 5-32,
#: a few older or auctioned ones are shorter).
_NAME = r"[A-Za-z][A-Za-z0-9_]{2,31}"
#: ``/name`` and the preview ``/s/name``; ``/name/123`` is a message of the channel.
_PROFILE_PATH = re.compile(rf"^/(?:s/)?(?P<name>{_NAME})(?P<post>/\d{{1,12}})?/?$")
#: First path segments that are Telegram features, not channel names.
_RESERVED = frozenset({
    "joinchat", "addstickers", "addemoji", "addtheme", "addlist", "share", "proxy", "socks",
    "iv", "login", "setlanguage", "confirmphone", "invoice", "contact", "boost", "giftcode",
    "bg", "dl", "msg", "msg_url", "auth", "nft", "apps", "web", "k", "a", "z",
})
#: A t.me page is a whole document: one that opens <html> but never closes it was cut.
_PAGE_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html[\s>])", re.I)
_PAGE_END = re.compile(rb"</html\s*>", re.I)
_HEADERS: Mapping[str, str] = {"Accept": "text/html", "Accept-Language": "en"}


class TelegramAdapter(PlatformAdapter):
    platform = "telegram"
    replies_observable = False
    unobservable: Mapping[str, str] = {"banner": "Telegram channels have no banner image"}
    #: Telegram opened in August 2013.
    earliest_post = datetime(2013, 8, 1, tzinfo=UTC)

    def claims(self, url: str) -> bool:
        return _name(url) is not None

    def is_profile(self, url: str) -> bool:
        match = _match(url)
        return match is not None and not match.group("post")

    def owns_host(self, host: str) -> bool:
        return host in _HOSTS or host.endswith((".t.me", ".telegram.me"))

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
        # A card that offers "Preview channel", counts subscribers or names a channel is a
        # channel's, whatever else it says; only without any of those do members or a
        # group's button make it a group.
        channel = card.card_preview or "subscriber" in extra or "channel" in action
        if card.card_preview:
            return self.record(
                target, "preview_disabled",
                f"@{name} is a Telegram channel whose contact card offers a preview, but "
                f"t.me/s/{name} showed the card instead of messages (title, description "
                "and photo read; no posts)",
                fetched_at=page.fetched_at, profile=facts)
        if not channel and ("member" in extra or "group" in action):
            return self.record(
                target, "unsupported",
                f"@{name} is a Telegram group, not a channel: its messages are not public",
                fetched_at=page.fetched_at, profile=facts)
        is_person = ("send message" in action or "start bot" in action
                     or extra.startswith("@")) and not channel
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
            notes = (*notes, f"{TELEGRAM_COUNTERS_NOTE}{shown}")
        seen = {item.id for item in data["items"]}
        sieve = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="message(s)")
        new_items = [item for item in _items(parsed.messages, state.target.url)
                     if item.id not in seen and sieve.keep(item.published_at)]
        notes = (*notes, *sieve.notes())
        pages = data["pages"] + 1
        # Every message of the page became an item (no service notice, no unreadable or
        # undated one): only then do pages fall the same from the stored posts.
        clean = data.get("clean", True) and not parsed.skipped \
            and len(new_items) == len(parsed.messages)
        state = state.with_data(
            "preview", items=(*data["items"], *new_items), pages=pages, notes=notes,
            facts=facts, fetched_at=data["fetched_at"] or page.fetched_at, clean=clean,
            page_size=data.get("page_size") or len(parsed.messages))
        if not parsed.messages or not parsed.has_older:
            return self._finish(state, exhausted=True)
        dates = [d for d in (plausible_time(m.published_at, fetched_at=page.fetched_at,
                                            earliest=self.earliest_post)
                             for m in parsed.messages) if d is not None]
        if dates and min(dates) < state.options.window_start:
            return self._finish(state, exhausted=False)
        oldest_id = min(m.id for m in parsed.messages)
        if oldest_id <= 1:
            return self._finish(state, exhausted=True)
        if pages >= state.options.max_pages:
            return self._finish(state, exhausted=False, cap_reached=True)
        known = state.target.known
        if known is not None and clean:
            # A re-audit: once a page reaches the newest message the last audit stored,
            # the pages after it are the stored ones (timeline.join_read).
            read = sorted(state.data["items"], key=lambda i: int(i.id), reverse=True)
            joined = join_read(read, known, page_size=state.data["page_size"],
                               pages_read=pages, max_pages=state.options.max_pages,
                               window_start=state.options.window_start)
            if joined is not None:
                return self._finish(
                    state.with_data("preview", items=joined.items, pages=joined.sample.pages),
                    exhausted=False, cap_reached=joined.sample.page_cap_reached)
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
    match = _match(url)
    return match.group("name").lower() if match is not None else None


def _match(url: str) -> re.Match[str] | None:
    """The channel path of a t.me URL (a message's too), None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in _HOSTS:
        return None
    match = _PROFILE_PATH.match(parts.path)
    if match is None or match.group("name").lower() in _RESERVED:
        return None
    return match


def _preview_url(options: CrawlOptions, name: str) -> str:
    return f"{options.endpoint('telegram')}/s/{name}"


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
            # a forward's views are the message's in this channel: still its reach here
            views=message.views,
            media=message.media,
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


def _is_telegram_link(link: str) -> bool:
    host = host_of(link)
    return host in _TELEGRAM_HOSTS or any(host.endswith("." + h) for h in _TELEGRAM_HOSTS)
