"""Platform adapters and the registry that picks one from a profile URL."""

from __future__ import annotations

from functools import lru_cache

from auditor.platforms.base import PlatformAdapter
from auditor.platforms.bluesky import BlueskyAdapter
from auditor.platforms.facebook_graph import FacebookGraphAdapter
from auditor.platforms.feed import DiscoveryAdapter, FeedAdapter
from auditor.platforms.instagram_graph import InstagramGraphAdapter
from auditor.platforms.mastodon import MastodonAdapter
from auditor.platforms.telegram import TelegramAdapter
from auditor.platforms.walled import WALLED_ADAPTERS
from auditor.platforms.website import WebsiteAdapter
from auditor.platforms.xapi import XApiAdapter
from auditor.platforms.youtube import YouTubeAdapter
from auditor.urls import BadURL, canonicalise, host_of

#: Adapters tried in order: specific hosts first, patterns that match any host last.
#: The walled networks come first (Mastodon's /@user pattern would take tiktok.com/@x).
#: YouTube before Mastodon (whose /@user pattern matches any host); FeedAdapter after every
#: platform with feed-like paths of its own (Mastodon's /@user.rss, YouTube's
#: /feeds/videos.xml); DiscoveryAdapter claims whatever is left and looks for a feed.
#: The walled networks whose owners offer an API read with the user's own credentials
#: (auditor.credentials) take the walled route themselves when there are none.
_API_ADAPTERS: dict[str, PlatformAdapter] = {"x": XApiAdapter(),
                                             "facebook": FacebookGraphAdapter(),
                                             "instagram": InstagramGraphAdapter()}

ADAPTERS: tuple[PlatformAdapter, ...] = (
    *(_API_ADAPTERS.get(adapter.platform, adapter) for adapter in WALLED_ADAPTERS),
    BlueskyAdapter(),
    YouTubeAdapter(),
    MastodonAdapter(),
    TelegramAdapter(),
    FeedAdapter(),
    DiscoveryAdapter(),
    WebsiteAdapter(),  # claims no URL: it reads each organisation's configured website
)

_BY_NAME = {adapter.platform: adapter for adapter in ADAPTERS}


def _overrides(adapter: PlatformAdapter, method: str) -> bool:
    return getattr(type(adapter), method) is not getattr(PlatformAdapter, method)


#: The registry up to the last adapter whose platform has profile addresses: the ones after
#: it (feeds, pages searched for a feed, websites) never call a link a profile.
_LINK_ADAPTERS: tuple[PlatformAdapter, ...] = ADAPTERS[
    :max(i for i, adapter in enumerate(ADAPTERS) if _overrides(adapter, "is_profile")) + 1]
#: Of those, the ones whose platform lives on any host (Mastodon): the others claim URLs
#: on their own hosts only, so a host that none of them owns is for these to judge.
_ANY_HOST_ADAPTERS: tuple[PlatformAdapter, ...] = tuple(
    adapter for adapter in _LINK_ADAPTERS if not _overrides(adapter, "owns_host"))


def adapter_for(url: str) -> PlatformAdapter | None:
    """The adapter that reads ``url`` (canonical), or None when no adapter claims it."""
    for adapter in ADAPTERS:
        if adapter.claims(url):
            return adapter
    return None


def is_profile_link(url: str, *, canonical: bool = False) -> str | None:
    """The platform ``url`` is a profile on ("youtube", "x", ...), or None.

    For links found on a website: the first adapter that claims the URL, or owns its
    host, decides by its :meth:`~auditor.platforms.base.PlatformAdapter.is_profile` (so
    ``youtube.com/@x`` is YouTube's to judge, never Mastodon's ``/@user``). A post, a
    video, a share button or an invitation is not a profile; neither is anything no
    adapter claims. ``canonical``: ``url`` is canonical already (:func:`auditor.urls.
    canonicalise`), as the website reader's links are.
    """
    if not canonical:
        try:
            url = canonicalise(url)
        except BadURL:
            return None
    owner = _host_owner(host_of(url))
    if owner is not None:
        return owner.platform if owner.is_profile(url) else None
    for adapter in _ANY_HOST_ADAPTERS:
        if adapter.claims(url):
            return adapter.platform if adapter.is_profile(url) else None
    return None


@lru_cache(maxsize=4096)
def _host_owner(host: str) -> PlatformAdapter | None:
    """The adapter whose platform ``host`` belongs to (hosts are few: a page's links share
    a handful), or None for a host of no platform's own."""
    return next((adapter for adapter in _LINK_ADAPTERS if adapter.owns_host(host)), None)


def adapter_named(platform: str) -> PlatformAdapter | None:
    return _BY_NAME.get(platform)


def platform_of(url: str) -> str:
    """The platform name for ``url``; ``unknown`` when no adapter claims it."""
    adapter = adapter_for(url)
    return adapter.platform if adapter else "unknown"


def profile_url(url: str) -> str:
    """The canonical profile URL: the adapter's own spelling where one claims the URL."""
    adapter = adapter_for(url)
    return adapter.profile_url(url) if adapter else url
