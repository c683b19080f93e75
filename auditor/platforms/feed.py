"""Blogs and newsletters: RSS 2.0, RSS 1.0, Atom and JSON Feed, and the catch-all adapter.

``FeedAdapter`` reads a URL that looks like a feed. ``DiscoveryAdapter`` takes every other
http(s) URL: when the page is itself a feed it is read as one; when it is HTML naming a feed
in ``<link rel="alternate">`` that feed is read (one hop, any host); otherwise the URL is
``unsupported``. A feed body is read by :mod:`auditor.platforms.feedread`: XML feeds by
feedparser (twenty years of dialects, dates and broken markup; plain RSS 2.0 and Atom by a
faster lxml reader that builds the same values, :mod:`auditor.platforms.feedfast`), JSON
Feed 1.0/1.1 there too, since feedparser 6 does not read it.

What a feed can and cannot show, and the choices made (see docs):

- A feed lists only its newest N entries: the sample is never ``exhausted`` and a note
  says when the entries stop short of the window start.
- Replies are not observable. Comment counts (``slash:comments``, ``thr:total``) are kept
  on the items as evidence.
- No banner: unobservable. Contact: an e-mail in ``managingEditor``/``webMaster``/the
  author is shown as a profile field; when the feed names none, ``contact`` is marked
  unobservable rather than false (feeds seldom carry contact details at all).
- Times without a zone are read as UTC (noted); entries dated more than a day after the
  fetch, or before the adapter's ``earliest_post`` (1995), are skipped (counted in a note).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Final
from urllib.parse import parse_qsl, urldefrag, urlsplit

from auditor.models import MAX_NAME_CHARS, ProfileRecord, Sample, cap_text
from auditor.platforms.base import (
    EARLIEST_POST,
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
from auditor.platforms.feedread import (
    MAX_ENTRIES,
    MAX_FEED_BYTES,
    FeedRead,
    NotFeed,
    entries_phrase,
    http_url,
    parse_date,
    read_feed,
    sniff,
)
from auditor.urls import host_of, is_http_url

__all__ = [
    "FEED_ACCEPT", "FEED_TYPES", "MAX_ENTRIES", "MAX_FEED_BYTES", "MAX_PAGE_BYTES",
    "NO_CONTACT", "PAGE_ACCEPT", "PLATFORM_HOSTS", "DiscoveryAdapter", "FeedAdapter",
    "FeedRead", "NotFeed", "find_feed_links", "looks_like_feed_url", "parse_date",
    "read_feed", "read_page", "readable_handle", "sniff",
]

#: Only the start of an HTML page is searched for its feed links (they sit in <head>).
MAX_PAGE_BYTES = 1024 * 1024
#: Feed media types named in ``<link rel="alternate" type=...>``.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
PAGE_ACCEPT = ("text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
               "application/feed+json, application/xml;q=0.9, */*;q=0.5")
NO_CONTACT = ("the feed names no contact (no e-mail in managingEditor, webMaster or the "
              "author, none in the description); feeds seldom carry one")

_FEED_PATH = re.compile(
    r"""(?:^|/)(?:feed|rss|rss2|atom|rdf)$              # /feed, /rss, /atom, /feed/rss2
      | (?:^|/)feeds/                                   # /feeds/..., Blogger's /feeds/posts/default
      | (?:^|/)[^/]*(?:feed|rss|atom)[^/]*\.(?:xml|json|rdf)$   # rss.xml, atom.xml, feed.json
      | \.(?:rss|atom)$                                 # index.rss, posts.atom
      | (?:^|/)index\.xml$                              # Hugo's feed
    """,
    re.X,
)
_FEED_QUERY = {"feed": {"rss", "rss2", "atom", "rdf", "json"}, "format": {"rss", "atom"}}
_FEED_HOSTS = frozenset({"feeds.feedburner.com", "feeds.feedblitz.com"})


# -- URLs ------------------------------------------------------------------------------


def looks_like_feed_url(url: str) -> bool:
    """True for URLs whose path or query names a feed (/feed, /rss.xml, ?feed=rss2, ...)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname.lower() in _FEED_HOSTS and parts.path.strip("/"):
        return True
    if _FEED_PATH.search(parts.path.lower()):
        return True
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if value.lower() in _FEED_QUERY.get(key.lower(), ()):
            return True
    return False


def readable_handle(url: str) -> str | None:
    """Host and path (and query), the way a person would write the address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    handle = parts.netloc + parts.path.rstrip("/")
    if parts.query:
        handle += f"?{parts.query}"
    return cap_text(handle, MAX_NAME_CHARS)




# -- finding a page's feed -------------------------------------------------------------


def find_feed_links(html: str, base_url: str) -> list[str]:
    """Feeds a page names in ``<link rel="alternate" type="...">``, in page order.

    Relative hrefs are resolved against ``<base href>`` or the page URL; only http(s)
    URLs are kept; comment feeds (WordPress's "Comments Feed") come last.
    """
    if not html:
        return []
    # imported here, not with the module: `auditor check` of a Mastodon profile needs none
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # lxml builds the tree several times faster than html.parser; html.parser
        # is the fallback for the rare document lxml refuses.
        try:
            soup = BeautifulSoup(html[:MAX_PAGE_BYTES], "lxml")
        except Exception:  # lxml refused the document
            soup = BeautifulSoup(html[:MAX_PAGE_BYTES], "html.parser")
    base = base_url
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        resolved = http_url(base_tag.get("href"), base_url)
        if resolved:
            base = resolved
    posts: list[str] = []
    comments: list[str] = []
    for link in soup.find_all("link"):
        rel: str | list[str] = link.get("rel") or []
        rels = rel.split() if isinstance(rel, str) else [str(r) for r in rel]
        if "alternate" not in {r.lower() for r in rels}:
            continue
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if kind not in FEED_TYPES:
            continue
        href = http_url(link.get("href"), base)
        if href is None:
            continue
        href = urldefrag(href)[0]
        title = str(link.get("title") or "")
        target = comments if "comment" in f"{title} {href}".lower() else posts
        if href not in posts and href not in comments:
            target.append(href)
    return posts + comments


def read_page(page: Page, options: CrawlOptions, *,
              earliest: datetime = EARLIEST_POST) -> FeedRead | NotFeed:
    """read_feed on a fetched page: dates before ``earliest`` (the adapter's
    ``earliest_post``) or more than a day after the fetch (or as_of) are out."""
    return read_feed(page.body, url=page.url, content_type=page.headers.get("content-type", ""),
                     fetched_at=max(page.fetched_at, options.as_of), earliest=earliest)


# -- adapters --------------------------------------------------------------------------


class FeedAdapter(PlatformAdapter):
    """A URL that looks like a feed: fetch it and read it."""

    platform = "feed"
    replies_observable = False
    unobservable: Mapping[str, str] = {"banner": "feeds have no banner image"}

    def claims(self, url: str) -> bool:
        return looks_like_feed_url(url)

    def handle(self, url: str) -> str | None:
        return readable_handle(url)

    def start(self, target: Target, options: CrawlOptions) -> Step:
        state = CrawlState(target=target, options=options, step="feed")
        return Next(Fetch(target.url, "feed", {"Accept": FEED_ACCEPT}), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        ended = outcome_for_status(page.status)
        if ended is None and page.url != state.target.url:
            ended = login_redirect(page, "the feed")
        if ended is not None:
            return self.record(state.target, *ended, fetched_at=page.fetched_at)
        return self.read(state, page)

    def read(self, state: CrawlState, page: Page, *, notes: tuple[str, ...] = (),
             detail_prefix: str = "", result: FeedRead | NotFeed | None = None) -> ProfileRecord:
        """The record for a fetched feed body (an ``error`` record when it is not a feed)."""
        if result is None:
            result = read_page(page, state.options, earliest=self.earliest_post)
        if isinstance(result, NotFeed):
            return self.record(state.target, "error", detail_prefix + result.reason,
                               fetched_at=page.fetched_at, notes=notes)
        all_notes = [*notes, *result.notes]
        if result.items:
            oldest = result.items[-1].published_at
            if oldest > state.options.window_start:
                all_notes.append(
                    f"the feed lists only its newest {entries_phrase(len(result.items))} "
                    f"with a date, back to {oldest:%Y-%m-%d}; the window starts "
                    f"{state.options.window_start:%Y-%m-%d}, older posts are not visible")
        else:
            all_notes.append("the feed lists no dated entries")
        record = self.record(
            state.target, "ok", None,
            fetched_at=page.fetched_at,
            profile=result.facts,
            items=result.items,
            sample=Sample(pages=1, page_cap_reached=False, exhausted=False),
            notes=tuple(all_notes),
        )
        if result.contact_seen:
            return record
        return replace(record, unobservable={**record.unobservable, "contact": NO_CONTACT})


#: Records of feeds found by DiscoveryAdapter carry the feed platform's name and capabilities.
_FEED = FeedAdapter()


#: Hosts that belong to a platform with an adapter of its own.
PLATFORM_HOSTS: Final = frozenset({
    "t.me", "www.t.me", "telegram.me", "www.telegram.me",
    "youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "music.youtube.com",
    "bsky.app", "www.bsky.app",
})


class DiscoveryAdapter(PlatformAdapter):
    """Every other http(s) URL: a feed read as one, or an HTML page naming its feed."""

    platform = "unknown"
    replies_observable = False

    def claims(self, url: str) -> bool:
        # A platform's own host that its adapter refused (t.me/joinchat/..., a YouTube
        # watch page) is not a blog to look for a feed on: it stays unsupported.
        return is_http_url(url) and host_of(url) not in PLATFORM_HOSTS

    def handle(self, url: str) -> str | None:
        return readable_handle(url)

    def start(self, target: Target, options: CrawlOptions) -> Step:
        state = CrawlState(target=target, options=options, step="page")
        return Next(Fetch(target.url, "page", {"Accept": PAGE_ACCEPT}), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "feed":
            return self._after_feed(state, page)
        return self._after_page(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step != "feed":
            return super().fail(state, failure)
        outcome, detail = outcome_for_failure(failure)
        return _FEED.record(state.target, outcome,
                            f"the feed {state.data['feed_url']} named by the page: {detail}",
                            notes=state.data["notes"])

    def _after_page(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        ended = outcome_for_status(page.status)
        if ended is not None:
            return self.record(target, *ended, fetched_at=page.fetched_at)
        host = host_of(page.url) or host_of(target.url)
        kind = sniff(page.body, page.headers.get("content-type", ""))
        if kind == "html":
            feeds = find_feed_links(page.body[:MAX_PAGE_BYTES].decode("utf-8", "replace"),
                                    page.url)
            if not feeds:
                return self.record(target, "unsupported",
                                   f"no adapter reads {host} and the page names no feed",
                                   fetched_at=page.fetched_at)
            notes = [f"feed named by the page: {feeds[0]}"]
            if len(feeds) > 1:
                notes.append(f"the page names {len(feeds)} feeds; the first was read")
            return Next(Fetch(feeds[0], "feed", {"Accept": FEED_ACCEPT}),
                        state.with_data("feed", feed_url=feeds[0], notes=tuple(notes)))
        result = read_page(page, state.options, earliest=self.earliest_post)
        if isinstance(result, NotFeed):
            if kind == "feed":  # it looked like a feed but could not be read
                return _FEED.record(target, "error", result.reason, fetched_at=page.fetched_at)
            ctype = page.headers.get("content-type") or "no content type"
            return self.record(target, "unsupported",
                               f"no adapter reads {host} and the page is neither HTML nor a "
                               f"feed ({cap_text(ctype, 80)})", fetched_at=page.fetched_at)
        return _FEED.read(state, page, notes=("the page is itself a feed",), result=result)

    def _after_feed(self, state: CrawlState, page: Page) -> Step:
        feed_url = state.data["feed_url"]
        notes = state.data["notes"]
        ended = outcome_for_status(page.status)
        if ended is not None:
            outcome, detail = ended
            if outcome in ("not_found", "gone"):
                # The listed page exists; only the feed it names is missing.
                outcome, detail = "error", f"HTTP {page.status}"
            return _FEED.record(state.target, outcome,
                                f"the feed {feed_url} named by the page: {detail}",
                                fetched_at=page.fetched_at, notes=notes)
        if sniff(page.body, page.headers.get("content-type", "")) == "html":
            # One hop only: a feed link that leads to another page is not followed further.
            return _FEED.record(state.target, "error",
                                f"the page names {feed_url} as its feed, but that is an HTML "
                                "page, not a feed", fetched_at=page.fetched_at, notes=notes)
        return _FEED.read(state, page, notes=notes,
                          detail_prefix=f"the feed {feed_url} named by the page: ",
                          result=read_page(page, state.options, earliest=self.earliest_post))
