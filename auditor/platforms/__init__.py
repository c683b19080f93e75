"""Platform adapters and the registry that picks one from a profile URL."""

from __future__ import annotations

from auditor.platforms.base import PlatformAdapter
from auditor.platforms.bluesky import BlueskyAdapter
from auditor.platforms.feed import DiscoveryAdapter, FeedAdapter
from auditor.platforms.mastodon import MastodonAdapter
from auditor.platforms.telegram import TelegramAdapter
from auditor.platforms.walled import WALLED_ADAPTERS
from auditor.platforms.website import WebsiteAdapter
from auditor.platforms.youtube import YouTubeAdapter

#: Adapters tried in order: specific hosts first, patterns that match any host last.
#: The walled networks come first (Mastodon's /@user pattern would take tiktok.com/@x).
#: YouTube before Mastodon (whose /@user pattern matches any host); FeedAdapter after every
#: platform with feed-like paths of its own (Mastodon's /@user.rss, YouTube's
#: /feeds/videos.xml); DiscoveryAdapter claims whatever is left and looks for a feed.
ADAPTERS: tuple[PlatformAdapter, ...] = (
    *WALLED_ADAPTERS,
    BlueskyAdapter(),
    YouTubeAdapter(),
    MastodonAdapter(),
    TelegramAdapter(),
    FeedAdapter(),
    DiscoveryAdapter(),
    WebsiteAdapter(),  # claims no URL: it reads each organisation's configured website
)

_BY_NAME = {adapter.platform: adapter for adapter in ADAPTERS}


def adapter_for(url: str) -> PlatformAdapter | None:
    """The adapter that reads ``url`` (canonical), or None when no adapter claims it."""
    for adapter in ADAPTERS:
        if adapter.claims(url):
            return adapter
    return None


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
