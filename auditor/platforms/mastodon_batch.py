"""A re-audit asks a Mastodon server for its known accounts in batches, not one lookup each.

Mastodon 4.3 added "Get multiple accounts" (``GET /api/v1/accounts?id[]=1&id[]=2``, public):
the Account records of the ids asked for that exist and are confirmed, in one answer. The
first audit learns each account's id from its lookup (the history keeps it,
:meth:`auditor.answercache.AnswerCache.account_id`); the next one asks a server for all of
its known accounts in batches of at most :data:`BATCH_MAX`. Each account record found is
handed to :class:`auditor.platforms.mastodon.MastodonAdapter` as the answer of the lookup it
replaces (:func:`split`: the lookup's own address, status and body), so everything after it
(``statuses_count`` and ``last_status_at`` deciding whether statuses are asked, ``min_id``)
is the lookup path's own code and the record is the one the lookup would give.

Whatever is not plainly an answer for one of the accounts falls back to the ordinary lookup
of the profiles concerned: an account missing from the answer (deleted, suspended, not
confirmed), one whose ``acct``, ``username`` or ``url`` no longer names the profile
(renamed), a batch answered with anything but a JSON list under HTTP 200 (an older server:
404; another kind of server: anything), or an answer from another address (redirected).
Pure code: the spider (``spiders/profiles.py``) sends the batches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from auditor.platforms.base import CrawlOptions, CrawlState, Page, Target
from auditor.platforms.mastodon import _acct, _address, lookup_url

#: The most ids asked in one batch: a conservative cap, not a documented one (the API's
#: own page maximum elsewhere; an address of about 1.3 KB with 18-digit ids), so that no
#: server or proxy refuses the query for its length or its number of ids.
BATCH_MAX = 40
#: An account id longer than this is not a Mastodon id (snowflakes have 18 digits).
_ID_MAX = 64
#: The most bytes of a batch answer read (40 accounts of a few KB each, generously).
MAX_ANSWER = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Batch:
    """One request: the accounts asked for and the profiles they are, by account id."""

    url: str
    members: tuple[tuple[str, Target], ...]


def eligible(target: Target) -> bool:
    """Whether ``target`` is read through the Mastodon API's lookup (``/@`` and ``/users/``
    addresses), so that a batch answer can stand in for that lookup."""
    if target.platform != "mastodon":
        return False
    address = _address(target.url)
    return (address is not None and address.api
            and urlsplit(target.url).scheme in ("http", "https"))


def usable_id(value: Any) -> str | None:
    """An account id as a batch may ask for it (digits or letters, no separators)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if isinstance(value, str) and 0 < len(value) <= _ID_MAX and value.isascii() \
            and value.replace("-", "").replace("_", "").isalnum():
        return value
    return None


def account_id_of(page: Page) -> str | None:
    """The account id in a lookup's answer (HTTP 200, a JSON account); None otherwise."""
    if page.status != 200 or len(page.body) > MAX_ANSWER:
        return None
    try:
        account = page.json()
    except ValueError:
        return None
    if not isinstance(account, dict) or "username" not in account:
        return None
    return usable_id(account.get("id"))


def plan(known: Iterable[tuple[Target, str]]) -> list[Batch]:
    """The batches for the profiles whose account id the history holds: per server
    (scheme and host), at most :data:`BATCH_MAX` ids each, in the order given."""
    servers: dict[tuple[str, str], list[tuple[str, Target]]] = {}
    for target, account_id in known:
        parts = urlsplit(target.url)
        members = servers.setdefault((parts.scheme, parts.netloc), [])
        if all(account_id != seen for seen, _ in members):
            members.append((account_id, target))
    batches = []
    for (scheme, netloc), members in servers.items():
        for start in range(0, len(members), BATCH_MAX):
            chunk = tuple(members[start:start + BATCH_MAX])
            # ``id[]`` as it goes on the wire (Scrapy would encode the brackets anyway)
            query = "&".join(f"id%5B%5D={quote(account_id, safe='')}"
                             for account_id, _ in chunk)
            batches.append(Batch(urlunsplit((scheme, netloc, "/api/v1/accounts", query, "")),
                                 chunk))
    return batches


def lookup_state(target: Target, options: CrawlOptions) -> CrawlState:
    """The state a lookup's answer is read in (as :meth:`MastodonAdapter.start` makes it)."""
    return CrawlState(target=target, options=options, step="lookup")


def split(batch: Batch, page: Page) -> tuple[list[tuple[Target, Page]], list[Target]]:
    """The profiles a batch answer gives an account for, each with the lookup answer it
    stands for, and the profiles to look up one by one instead."""
    everyone = [target for _, target in batch.members]
    if (page.status != 200 or urlsplit(page.url).netloc != urlsplit(batch.url).netloc
            or len(page.body) > MAX_ANSWER):
        return [], everyone
    try:
        accounts = page.json()
    except ValueError:
        return [], everyone
    if not isinstance(accounts, list):
        return [], everyone
    by_id: dict[str, Mapping[str, Any]] = {}
    for account in accounts:
        if isinstance(account, dict):
            account_id = usable_id(account.get("id"))
            if account_id is not None:
                by_id.setdefault(account_id, account)
    found: list[tuple[Target, Page]] = []
    missing: list[Target] = []
    for account_id, target in batch.members:
        account = by_id.get(account_id)
        if account is None or not _names(account, target):
            missing.append(target)
            continue
        body = json.dumps(account, ensure_ascii=False).encode("utf-8")
        found.append((target, Page(url=lookup_url(target.url), status=200,
                                   headers={"content-type": "application/json; charset=utf-8"},
                                   body=body, fetched_at=page.fetched_at)))
    return found, missing


def _names(account: Mapping[str, Any], target: Target) -> bool:
    """Whether ``account`` is still the profile's: its ``acct`` is the name the lookup
    asks for, its ``username`` that name's user part, its ``url`` (when given) a profile
    address of that user."""
    name = _acct(target.url).lower()
    user = name.partition("@")[0]
    acct, username, url = account.get("acct"), account.get("username"), account.get("url")
    if not isinstance(acct, str) or not isinstance(username, str):
        return False
    if acct.lower() != name or username.lower() != user:
        return False
    if url is None:
        return True
    if not isinstance(url, str):
        return False
    address = _address(url)
    return address is not None and address.name.partition("@")[0].lower() == user
