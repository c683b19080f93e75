"""Split an audit's profiles into shards by host, so that shards never share a host.

Each platform limits every IP address (or app) on its own, and the crawl paces each host
from its rate-limit headers (spiders/pacing.py). A shard that owns all of a host's profiles
keeps that pacing exact with no coordination between machines: the profiles are split by
their *shard key*, never by URL.

- A platform with a single home (Bluesky's API, YouTube, Telegram, X's API) is one key: all
  its profiles go to one shard. Facebook and Instagram are read through the same Graph API
  and the same app's usage budget, so they share a key.
- Any other platform (Mastodon and other ActivityPub servers, feeds, websites) is keyed by
  the profile URL's host with its port: mastodon.social is one key, fosstodon.org another.

Keys are handed out largest first, each to the shard with the fewest profiles so far (the
lower shard number on a tie), so every machine computes the same split from the same config
without talking to the others.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from auditor.config import AuditConfig

#: Platforms read through one home whatever the profile's URL; two names for one home
#: (the Graph API) share a key.
SINGLE_HOME: Final = {"bluesky": "bluesky", "youtube": "youtube", "telegram": "telegram",
                      "x": "x", "facebook": "meta-graph", "instagram": "meta-graph",
                      "linkedin": "linkedin", "threads": "threads", "tiktok": "tiktok",
                      "reddit": "reddit"}
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ShardError(ValueError):
    """A ``K/N`` that names no shard."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (1-based, as people count) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"2/4"`` → Shard(2, 4); ShardError with a sentence for anything else."""
    match = _SHARD.fullmatch(text)
    if match is None:
        raise ShardError(f"--shard {text!r}: give it as K/N, e.g. 2/4 (the second of four)")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"--shard {text!r}: K must be 1 to N and N at least 1")
    return Shard(index, count)


def shard_key(platform: str, url: str) -> str:
    """What must stay in one shard: a single-home platform, else the URL's host."""
    home = SINGLE_HOME.get(platform)
    if home is not None:
        return home
    try:
        return urlsplit(url).netloc.lower().rpartition("@")[2] or url
    except ValueError:
        return url  # never crawled anyway; any stable key will do


def assign(keys: Iterable[str], count: int) -> dict[str, int]:
    """Each key's shard (1-based) for ``count`` shards, from the keys' profile counts only
    (``keys`` holds one key per profile): the same on every machine."""
    sizes = Counter(keys)
    load = [0] * count
    owner: dict[str, int] = {}
    for key, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        lightest = min(range(count), key=lambda i: (load[i], i))
        owner[key] = lightest + 1
        load[lightest] += size
    return owner


def config_keys(config: AuditConfig) -> list[tuple[str, str]]:
    """Each URL the audit crawls with its shard key: the listed profiles, then each
    organisation's own website (read for its links, keyed by its host like any page)."""
    pairs = [(entry.url, shard_key(entry.platform, entry.url)) for entry in config.profiles()]
    pairs += [(entry.url, shard_key("website", entry.url)) for entry in config.websites()]
    return pairs


def split(config: AuditConfig, count: int) -> dict[str, int]:
    """Each URL the audit crawls (:func:`config_keys`) with its shard (1 to ``count``)."""
    pairs = config_keys(config)
    owner = assign((key for _, key in pairs), count)
    return {url: owner[key] for url, key in pairs}


def shard_urls(config: AuditConfig, shard: Shard) -> frozenset[str]:
    """The URLs shard ``shard`` crawls: every profile and website whose key it owns."""
    return frozenset(url for url, index in split(config, shard.count).items()
                     if index == shard.index)


def split_digest(config: AuditConfig, count: int) -> str:
    """SHA-256 of the whole split (each URL with its shard): two machines whose auditors
    split the same config differently (another version) cannot be merged."""
    lines = "".join(f"{index}\t{url}\n" for url, index in sorted(split(config, count).items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()
