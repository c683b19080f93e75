"""Fake platforms for the benchmark: deterministic synthetic profiles on many loopback hosts.

Run::

    python bench/fakeplatforms.py --hosts H --latency 0.05 --ready FILE [--log FILE]

One ThreadingHTTPServer per loopback address: 127.0.0.2 ... 127.0.0.(H+1) serve Mastodon
APIs and RSS feeds (the "spread" hosts), and three more addresses serve the platforms with
a fixed home (Bluesky XRPC, YouTube, Telegram). Every port is ephemeral. When all listen,
FILE is written (JSON: hosts, endpoints, pid) and the process serves until SIGTERM/SIGINT.

Profile ``u{i}`` is derived from its index alone (see ``kind_of``): healthy, dead,
broadcast, incomplete, not_found, gone or rate_limited. Bodies are filled from string
templates on every request (nothing big is cached), shaped like ``sample_pages/<platform>/``
so that the real adapters read them. Dates count back from 2026-11-01.

``build_config(n, info, path)`` writes an auditor config of n profiles over the hosts in
``info`` (the ready file's JSON) and returns [{"url", "platform", "kind"}].
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import signal
import socket
import socketserver
import sys
import threading
import time
from calendar import timegm
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote

AS_OF = "2026-11-01"
AS_OF_TS = timegm((2026, 11, 1, 0, 0, 0, 0, 0, 0))
DAY = 86400
HOUR = 3600
#: Profiles per organisation in the generated config (the server derives names from it).
ORG_SIZE = 10
KINDS = ("healthy", "dead", "broadcast", "incomplete", "not_found", "gone", "rate_limited")
PLATFORMS = ("mastodon", "feed", "bluesky", "youtube", "telegram")
#: Platforms whose profiles live on the spread hosts; the others on their one endpoint.
SPREAD_PLATFORMS = ("mastodon", "feed")
FIXED_PLATFORMS = ("bluesky", "youtube", "telegram")
_PLATFORM_SHARES = (("mastodon", 0.45), ("feed", 0.20), ("bluesky", 0.12),
                    ("youtube", 0.12), ("telegram", 0.11))
_KIND_SHARES = (("healthy", 0.36), ("dead", 0.15), ("broadcast", 0.15), ("incomplete", 0.15),
                ("not_found", 0.08), ("gone", 0.08), ("rate_limited", 0.03))
_PHI = (math.sqrt(5) - 1) / 2
_SQRT2 = math.sqrt(2) - 1
#: Reply share and broadcast detection only exist where replies are observable.
REPLY_PLATFORMS = frozenset({"mastodon", "bluesky"})

# -- who is who ----------------------------------------------------------------------------


def _bucket(value: float, shares: tuple[tuple[str, float], ...]) -> str:
    total = 0.0
    for name, share in shares:
        total += share
        if value < total:
            return name
    return shares[-1][0]


def platform_of_index(i: int) -> str:
    """The platform of profile ``i`` (a low-discrepancy spread, so small N get a mix)."""
    platform = _bucket((i * _PHI) % 1.0, _PLATFORM_SHARES)
    if platform == "telegram" and i < 10:
        return "mastodon"  # Telegram names have at least three characters: u0..u9 cannot be
    return platform


def kind_of(i: int) -> str:
    """The intended category of profile ``i`` (independent of its platform)."""
    return _bucket((i * _SQRT2 + 0.05) % 1.0, _KIND_SHARES)


def expected_flags(platform: str, kind: str) -> frozenset[str]:
    """The flags auditor judge() should give a profile of ``kind`` on ``platform``."""
    if kind in ("not_found", "gone"):
        return frozenset({"GONE"})
    if kind == "rate_limited":
        return frozenset({"UNAUDITABLE"})
    if kind == "dead":
        return frozenset({"DEAD"})
    if kind == "incomplete":
        return frozenset({"INCOMPLETE"})
    if kind == "broadcast" and platform in REPLY_PLATFORMS:
        return frozenset({"BROADCAST_ONLY"})
    return frozenset()


def expected_outcome(kind: str) -> str:
    return kind if kind in ("not_found", "gone", "rate_limited") else "ok"


def org_name(i: int) -> str:
    return f"Bench Fietsen {i // ORG_SIZE}"


def _site(i: int) -> str:
    return f"https://www.fietsen{i // ORG_SIZE}.example"


# -- timelines -----------------------------------------------------------------------------

#: (newest post's age in seconds, gap between posts in seconds, posts ever) per kind.
_SCHEDULES = {
    "healthy": (3 * HOUR, 20 * HOUR, 400),
    "incomplete": (5 * HOUR, 22 * HOUR, 300),
    "broadcast": (2 * HOUR, 7 * HOUR, 900),
    "dead": (200 * DAY, 3 * DAY, 60),
}
#: Platforms without paging post less often (a blog, a video channel).
_SLOW_GAP = {"feed": 3 * DAY, "youtube": 4 * DAY}


def _schedule(kind: str, platform: str) -> tuple[int, int, int]:
    newest, gap, total = _SCHEDULES.get(kind, _SCHEDULES["healthy"])
    if platform in _SLOW_GAP and kind != "dead":
        gap = _SLOW_GAP[platform]
    return newest, gap, total


def _post_ts(i: int, k: int, newest: int, gap: int) -> int:
    """When post ``k`` (0 = newest) of profile ``i`` went out: minutes spread over the hour."""
    jitter = (i * 7919 + k * 104729) % 3000
    return AS_OF_TS - newest - k * gap - jitter


def _post_kind(kind: str, k: int) -> str:
    if kind == "broadcast":
        return "repost" if k % 13 == 6 else "original"
    if k % 4 == 1:
        return "reply"
    if k % 10 == 7:
        return "self_reply"
    if k % 11 == 5:
        return "repost"
    return "original"


# -- "a month later": some profiles changed ------------------------------------------------

#: Days since AS_OF that the server plays (``--later-days``): 0 is the first audit's data.
#: Then every tenth profile (``changed``) has published NEW_POSTS posts since AS_OF (its
#: Mastodon statuses, Bluesky posts, Telegram messages and feed entries); every other
#: profile's answers are byte for byte the same, as a month of no change gives.
LATER_DAYS = 0
NEW_POSTS = 12
#: How the Mastodon hosts answer "Get multiple accounts" (``/__batch-mode/MODE``): "on"
#: as documented; "mixed" (tests of the fall-backs) answers 404 on the first host, as a
#: server older than 4.3, and gives every odd-numbered account another ``acct``.
BATCH_MODE = "on"


def changed(i: int) -> bool:
    return LATER_DAYS > 0 and i % 10 == 3


def _new_posts(i: int) -> int:
    return NEW_POSTS if changed(i) else 0


def _timeline_post(i: int, k: int, newest: int, gap: int) -> tuple[int, int]:
    """Post ``k`` (0 = newest) of profile ``i`` now: its time and the index its kind and
    text are drawn from. The posts of a changed profile since AS_OF come first, one a day;
    the older ones are the first audit's, unchanged."""
    extra = _new_posts(i)
    if k < extra:
        return AS_OF_TS + (extra - k) * DAY - (i * 7919 + k) % 3000, 10_000 + k
    return _post_ts(i, k - extra, newest, gap), k - extra


def _iso(ts: int, millis: int = 0) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{millis:03d}Z"


def _iso_offset(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


_POOL = (
    "fiets", "werkplaats", "ketting", "band", "remmen", "verlichting", "zadel", "stuur",
    "winter", "voorjaar", "actie", "korting", "proefrit", "bakfiets", "e-bike", "accu",
    "onderhoud", "tips", "vandaag", "morgen", "zaterdag", "winkel", "open", "nieuw",
    "tweedehands", "reparatie", "afspraak", "klanten", "route", "toertocht", "regen",
    "zon", "wind", "snel", "stil", "licht", "zwaar", "sterk", "mooi", "handig", "veilig",
    "kinderzitje", "fietstas", "slot", "dynamo", "versnelling", "naaf", "spaken", "velg",
    "ventiel", "pomp", "olie", "poetsen", "afstellen", "controle", "garantie", "lease",
    "buurt", "markt", "school", "station", "centrum", "dijk", "polder", "bos", "strand",
)


def _phrases(seed: int, count: int) -> tuple[str, ...]:
    """``count`` phrases of 3 to 8 words from _POOL, picked by a xorshift generator."""
    state = seed
    phrases = []
    for index in range(count):
        words = []
        for _ in range(3 + index % 6):
            state ^= (state << 13) & 0xFFFFFFFF
            state ^= state >> 17
            state ^= (state << 5) & 0xFFFFFFFF
            words.append(_POOL[state % len(_POOL)])
        phrases.append(" ".join(words))
    return tuple(phrases)


#: Post texts are a first half and a second half: a million combinations from two small
#: tables, so profiles of one organisation do not repeat each other's posts (that would be
#: cross-posting) and a text costs two look-ups.
_HALVES = 1024
_FIRST = tuple(phrase.capitalize() for phrase in _phrases(0x2545F491, _HALVES))
_SECOND = _phrases(0x9E3779B9, _HALVES)


def _text(i: int, k: int) -> str:
    """A post's text, 6 to 16 words, fixed by (profile, post)."""
    h = ((i * 0x9E3779B1) ^ (k * 0x85EBCA77)) & 0xFFFFFFFF
    h = (h ^ (h >> 15)) * 0x2C1B3C6D & 0xFFFFFFFF
    h ^= h >> 12
    return f"{_FIRST[h % _HALVES]} {_SECOND[(h >> 10) % _HALVES]}."


# -- responses -----------------------------------------------------------------------------

Answer = tuple[int, list[tuple[str, str]], bytes]
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
_HANDLE_NUMBER = re.compile(r"^u(\d{1,9})$")

#: A 1x1 PNG: every avatar is these bytes, so an organisation's photos are consistent.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2e6e3a10000000049454e44ae426082")


def _answer(status: int, body: bytes | str, content_type: str = JSON_TYPE,
            extra: list[tuple[str, str]] | None = None) -> Answer:
    data = body.encode() if isinstance(body, str) else body
    headers = [("Content-Type", content_type), *(extra or [])]
    return status, headers, data


def _rate_limited(content_type: str = JSON_TYPE, body: str = '{"error":"Too many requests"}'
                  ) -> Answer:
    return _answer(429, body, content_type, [("Retry-After", "1")])


def _index(handle: str) -> int | None:
    match = _HANDLE_NUMBER.match(handle)
    return int(match.group(1)) if match else None


def _esc(text: str) -> str:
    """For JSON string templates: the generated texts are plain, but be safe anyway."""
    return json.dumps(text)[1:-1]


# -- Mastodon ------------------------------------------------------------------------------

_ACCOUNT_BASE = 109_000_000_000_000_000
_STATUS_STRIDE = 1_000_000


def _account_id(i: int) -> int:
    return _ACCOUNT_BASE + i


def _status_id(i: int, k: int, total: int) -> int:
    return _ACCOUNT_BASE + (i + 1) * _STATUS_STRIDE + (total - k)


def mastodon_lookup(base: str, query: dict[str, list[str]]) -> Answer:
    acct = (query.get("acct") or [""])[0]
    i = _index(acct)
    kind = kind_of(i) if i is not None else "not_found"
    if kind == "not_found":
        return _answer(404, '{"error":"Record not found"}')
    if kind == "gone":
        return _answer(410, '{"error":"This account has been suspended"}')
    if kind == "rate_limited":
        return _rate_limited()
    assert i is not None
    newest, _gap, total = _schedule(kind, "mastodon")
    total += _new_posts(i)
    if _new_posts(i):
        newest = -_new_posts(i) * DAY  # the newest post is that many days after AS_OF
    name = org_name(i)
    if kind == "incomplete":
        note = ""
        avatar = f"{base}/avatars/original/missing.png"
        header = f"{base}/headers/original/missing.png"
    else:
        note = (f"<p>{name}: fietsenwinkel en werkplaats, profiel u{i}.</p>"
                f"<p>Vragen? Mail info@fietsen{i // ORG_SIZE}.example of bel 030 123 4567.</p>")
        avatar = f"{base}/media/avatars/u{i}.png"
        header = f"{base}/media/headers/u{i}.jpg"
    site = _site(i)
    website = f'<a href="{site}/" rel="nofollow noopener me">{site}/</a>'
    last = time.strftime("%Y-%m-%d", time.gmtime(AS_OF_TS - newest))
    body = (
        f'{{"id":"{_account_id(i)}","username":"u{i}","acct":"u{i}",'
        f'"display_name":"{name}","locked":false,"bot":false,"discoverable":true,'
        f'"group":false,"created_at":"2019-03-04T00:00:00.000Z","note":"{_esc(note)}",'
        f'"url":"{base}/@u{i}","uri":"{base}/users/u{i}","avatar":"{avatar}",'
        f'"avatar_static":"{avatar}","header":"{header}","header_static":"{header}",'
        f'"followers_count":{100 + i % 900},"following_count":{20 + i % 80},'
        f'"statuses_count":{total},'
        f'"last_status_at":"{last}",'
        f'"noindex":false,"emojis":[],"roles":[],"fields":[{{"name":"Website","value":'
        f'"{_esc(website)}",'
        f'"verified_at":null}},{{"name":"Open","value":"di-za 9-17 uur","verified_at":null}}]}}'
    )
    return _answer(200, body)


def mastodon_accounts(base: str, query: dict[str, list[str]]) -> Answer:
    """"Get multiple accounts" (Mastodon 4.3+, ``/api/v1/accounts?id[]=1&id[]=2``): the
    accounts asked for that exist, each as the lookup gives it; unknown, suspended and
    rate-limited ones are left out. More than 40 ids are refused (422): the auditor's
    cap, checked here."""
    ids = query.get("id[]") or []
    if BATCH_MODE == "mixed" and "//127.0.0.2:" in base:
        return _answer(404, '{"error":"Record not found"}')  # as a server before 4.3
    if not ids or len(ids) > 40:
        return _answer(422, '{"error":"Validation failed"}')
    found = []
    for raw in dict.fromkeys(ids):
        i = int(raw) - _ACCOUNT_BASE if raw.isdigit() and len(raw) < 25 else -1
        if 0 <= i < _STATUS_STRIDE:
            status, _headers, body = mastodon_lookup(base, {"acct": [f"u{i}"]})
            if status == 200 and BATCH_MODE == "mixed" and i % 2:
                body = body.replace(b'"acct":"u', b'"acct":"renamed-u', 1)  # renamed
            if status == 200:
                found.append(body.decode())
    return _answer(200, "[" + ",".join(found) + "]")


_STATUS = (
    '{{"id":"{id}","created_at":"{created}","in_reply_to_id":{reply_id},'
    '"in_reply_to_account_id":{reply_account},"sensitive":false,"spoiler_text":"",'
    '"visibility":"public","language":"nl","uri":"{base}/users/u{i}/statuses/{id}",'
    '"url":"{base}/@u{i}/{id}","replies_count":{replies},"reblogs_count":0,'
    '"favourites_count":{favs},"edited_at":null,"pinned":false,"reblog":{reblog},'
    '"media_attachments":[],"mentions":[],"tags":[],"emojis":[],"card":null,"poll":null,'
    '"account":{{"id":"{account}","username":"u{i}","acct":"u{i}","url":"{base}/@u{i}"}},'
    '"content":"{content}"}}'
)
_REBLOG = (
    '{{"id":"{id}","created_at":"{created}","in_reply_to_id":null,'
    '"in_reply_to_account_id":null,"visibility":"public","uri":"https://elders.example/users/'
    'buurt/statuses/{id}","url":"https://elders.example/@buurt/{id}","reblog":null,'
    '"account":{{"id":"42","username":"buurt","acct":"buurt@elders.example"}},'
    '"content":"<p>{text}</p>"}}'
)


def mastodon_statuses(base: str, account: str, query: dict[str, list[str]]) -> Answer:
    try:
        i = int(account) - _ACCOUNT_BASE
    except ValueError:
        i = -1
    if not 0 <= i < _STATUS_STRIDE or kind_of(i) in ("not_found", "gone"):
        return _answer(404, '{"error":"Record not found"}')
    kind = kind_of(i)
    if kind == "rate_limited":
        return _rate_limited()
    newest, gap, total = _schedule(kind, "mastodon")
    total += _new_posts(i)
    limit = _int_arg(query, "limit", 20, 1, 40)
    start = 0
    max_id = _int_arg(query, "max_id", 0, 0, 10**19)
    min_id = _int_arg(query, "min_id", 0, 0, 10**19)
    if max_id:
        start = max(0, total - (max_id - _ACCOUNT_BASE - (i + 1) * _STATUS_STRIDE) + 1)
    end = min(total, start + limit)
    if min_id and not max_id:  # the posts immediately newer than min_id, newest first
        serial = max(0, min(total, min_id - _ACCOUNT_BASE - (i + 1) * _STATUS_STRIDE))
        start, end = total - min(serial + limit, total), total - serial
    parts = []
    account = _account_id(i)
    for k in range(start, end):
        ts, drawn = _timeline_post(i, k, newest, gap)
        sid = _status_id(i, k, total)
        post_kind = _post_kind(kind, drawn)
        reply_id = reply_account = "null"
        reblog = "null"
        content = f"<p>{_text(i, drawn)}</p>"
        if post_kind == "reply":
            reply_id, reply_account = f'"{sid - 7}"', f'"{77 + k % 5}"'
        elif post_kind == "self_reply":
            reply_id, reply_account = f'"{sid + 1}"', f'"{account}"'
        elif post_kind == "repost":
            reblog = _REBLOG.format(id=sid - 3, created=_iso(ts - 600), text=_text(-i, drawn))
            content = ""
        parts.append(_STATUS.format(
            id=sid, created=_iso(ts), reply_id=reply_id, reply_account=reply_account, base=base,
            i=i, replies=drawn % 3, favs=drawn % 7, reblog=reblog, account=account,
            content=content))
    headers: list[tuple[str, str]] = []
    path = f"{base}/api/v1/accounts/{account}/statuses?limit={limit}"
    links = []
    if end < total and end > start:
        links.append(f'<{path}&max_id={_status_id(i, end - 1, total)}>; rel="next"')
    if end > start:
        links.append(f'<{path}&min_id={_status_id(i, start, total)}>; rel="prev"')
    if links:
        headers.append(("Link", ", ".join(links)))
    return _answer(200, "[" + ",".join(parts) + "]", JSON_TYPE, headers)


def _int_arg(query: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    raw = (query.get(name) or [""])[0]
    if not raw.isdigit() or len(raw) > 20:
        return default
    return max(low, min(high, int(raw)))


# -- RSS feeds -----------------------------------------------------------------------------

_RSS_ITEM = (
    "<item><title>{title}</title><link>{link}</link>"
    "<dc:creator><![CDATA[Redactie]]></dc:creator><pubDate>{date}</pubDate>"
    "<category><![CDATA[Werkplaats]]></category><guid isPermaLink=\"false\">{link}</guid>"
    "<description><![CDATA[{text} <a href=\"{link}\">Lees verder</a>]]></description>"
    "<content:encoded><![CDATA[<p>{text}</p><p>{more}</p>]]></content:encoded>"
    "<slash:comments>{comments}</slash:comments></item>\n"
)
FEED_ENTRIES = 20


def rss_feed(base: str, number: str) -> Answer:
    i = _index("u" + number)
    kind = kind_of(i) if i is not None else "not_found"
    rss_type = "application/rss+xml; charset=UTF-8"
    if kind == "not_found":
        return _answer(404, "<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>",
                       HTML_TYPE)
    if kind == "gone":
        return _answer(410, "<!DOCTYPE html><html><body><h1>Gone</h1></body></html>", HTML_TYPE)
    if kind == "rate_limited":
        return _rate_limited(HTML_TYPE, "<html><body>Too Many Requests</body></html>")
    assert i is not None
    newest, gap, total = _schedule(kind, "feed")
    total += _new_posts(i)
    name = org_name(i)
    site = _site(i)
    if kind == "incomplete":
        description = image = editor = ""
    else:
        description = f"Tips, nieuws en verhalen uit de werkplaats van {name} (blog {i})."
        image = (f"<image><url>{base}/media/blog{i}/logo.png</url><title>{name}</title>"
                 f"<link>{site}</link></image>")
        editor = f"<managingEditor>blog@fietsen{i // ORG_SIZE}.example (Redactie)</managingEditor>"
    items = []
    for k in range(min(FEED_ENTRIES, total)):
        ts, drawn = _timeline_post(i, k, newest, gap)
        items.append(_RSS_ITEM.format(
            title=_text(i, drawn)[:-1], link=f"{base}/blog{i}/{ts}/", date=formatdate(ts),
            text=_text(i, drawn + 1000), more=_text(i, drawn + 2000), comments=drawn % 5))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n<channel>\n'
        f"<title>{name}</title>"
        f'<atom:link href="{base}/blog{i}/feed" rel="self" type="application/rss+xml" />'
        f"<link>{site}</link><description>{description}</description>"
        f"<lastBuildDate>{formatdate(_timeline_post(i, 0, newest, gap)[0])}</lastBuildDate>"
        f"<language>nl-NL</language>{editor}{image}\n" + "".join(items)
        + "</channel></rss>\n"
    )
    return _answer(200, body, rss_type)


# -- Bluesky -------------------------------------------------------------------------------

_XRPC_NOT_FOUND = '{"error":"InvalidRequest","message":"Profile not found"}'
_XRPC_TAKEDOWN = '{"error":"AccountTakedown","message":"Account has been suspended"}'


def _did(i: int) -> str:
    return f"did:plc:bench{i:019d}"


def _did_index(did: str) -> int | None:
    match = re.match(r"^did:plc:bench(\d{19})$", did)
    return int(match.group(1)) if match else None


def _bsky_actor_index(actor: str) -> int | None:
    if actor.startswith("did:"):
        return _did_index(actor)
    return _index(actor.removesuffix(".example"))


def bluesky_profile(base: str, query: dict[str, list[str]]) -> Answer:
    actor = (query.get("actor") or [""])[0]
    i = _bsky_actor_index(actor)
    kind = kind_of(i) if i is not None else "not_found"
    if kind == "not_found":
        return _answer(400, _XRPC_NOT_FOUND)
    if kind == "gone":
        return _answer(400, _XRPC_TAKEDOWN)
    if kind == "rate_limited":
        return _rate_limited(JSON_TYPE, '{"error":"RateLimitExceeded","message":"Rate Limit '
                                        'Exceeded"}')
    assert i is not None
    _newest, _gap, total = _schedule(kind, "bluesky")
    total += _new_posts(i)
    name = org_name(i)
    did = _did(i)
    if kind == "incomplete":
        images = ""
        description = ""
    else:
        images = (f'"avatar":"{base}/media/avatar/{did}.png",'
                  f'"banner":"{base}/media/banner/{did}.jpg",')
        description = (f'"description":"{name}, werkplaats en winkel (u{i}).\\n'
                       f'030 123 4567 \\u00b7 info@fietsen{i // ORG_SIZE}.example\\n'
                       f'{_site(i)}",')
    body = (
        f'{{"did":"{did}","handle":"u{i}.example","displayName":"{name}",{images}'
        f'"associated":{{"lists":0,"feedgens":0,"starterPacks":0,"labeler":false}},'
        f'"viewer":{{"muted":false,"blockedBy":false}},"labels":[],'
        f'"createdAt":"2023-09-12T08:41:07.085Z",{description}'
        f'"indexedAt":"2023-10-12T08:41:07.340Z","followersCount":{100 + i % 900},'
        f'"followsCount":{10 + i % 90},"postsCount":{total}}}'
    )
    return _answer(200, body)


_BSKY_AUTHOR = ('{{"did":"{did}","handle":"u{i}.example","displayName":"{name}",'
                '"labels":[],"createdAt":"2023-09-12T08:41:07.602Z"}}')
_BSKY_OTHER = ('{"did":"did:plc:buurtkrant0000000000000","handle":"buurtkrant.example",'
               '"displayName":"De Buurtkrant","labels":[],"createdAt":"2023-05-02T00:00:00.602Z"}')
_BSKY_POST = (
    '{{"post":{{"uri":"at://{did}/app.bsky.feed.post/{rkey}","cid":"bafyrei{rkey}",'
    '"author":{author},"record":{{"$type":"app.bsky.feed.post","createdAt":"{created}",'
    '"langs":["nl"],"text":"{text}"{reply}}},"replyCount":{replies},"repostCount":0,'
    '"likeCount":{likes},"quoteCount":0,"indexedAt":"{indexed}","labels":[]}}{view}}}'
)
_BSKY_REPLY_REF = (',"reply":{{"root":{{"uri":"at://{parent}/app.bsky.feed.post/{prkey}",'
                   '"cid":"bafyreiparent{prkey}"}},"parent":{{"uri":"at://{parent}/app.bsky.'
                   'feed.post/{prkey}","cid":"bafyreiparent{prkey}"}}}}')
_BSKY_REPLY_VIEW = (',"reply":{{"parent":{{"$type":"app.bsky.feed.defs#postView",'
                    '"uri":"at://{parent}/app.bsky.feed.post/{prkey}","cid":"bafyreiparent'
                    '{prkey}","author":{author},"record":{{"$type":"app.bsky.feed.post",'
                    '"createdAt":"{created}","text":"Vraag aan de winkel?"}},'
                    '"indexedAt":"{created}","labels":[]}}}}')
_BSKY_REPOST = (
    '{{"post":{{"uri":"at://did:plc:buurtkrant0000000000000/app.bsky.feed.post/{rkey}",'
    '"cid":"bafyreiother{rkey}","author":' + _BSKY_OTHER.replace("{", "{{").replace("}", "}}")
    + ',"record":{{"$type":"app.bsky.feed.post","createdAt":"{created}","text":"{text}"}},'
    '"replyCount":0,"repostCount":2,"likeCount":8,"quoteCount":0,"indexedAt":"{created}",'
    '"labels":[]}},"reason":{{"$type":"app.bsky.feed.defs#reasonRepost","by":{author},'
    '"uri":"at://{did}/app.bsky.feed.repost/{rkey}","cid":"bafyreirepost{rkey}",'
    '"indexedAt":"{indexed}"}}}}'
)


def bluesky_feed(base: str, query: dict[str, list[str]]) -> Answer:
    i = _did_index((query.get("actor") or [""])[0])
    kind = kind_of(i) if i is not None else "not_found"
    if kind in ("not_found", "gone"):
        return _answer(400, _XRPC_NOT_FOUND if kind == "not_found" else _XRPC_TAKEDOWN)
    if kind == "rate_limited":
        return _rate_limited(JSON_TYPE, '{"error":"RateLimitExceeded"}')
    assert i is not None
    newest, gap, total = _schedule(kind, "bluesky")
    total += _new_posts(i)
    limit = _int_arg(query, "limit", 50, 1, 100)
    start = _int_arg(query, "cursor", 0, 0, total)
    end = min(total, start + limit)
    did = _did(i)
    author = _BSKY_AUTHOR.format(did=did, i=i, name=org_name(i))
    parts = []
    for position in range(start, end):
        # a changed profile's new posts come first; the older ones keep their ids
        ts, k = _timeline_post(i, position, newest, gap)
        rkey = f"3b{i:x}k{k}"
        created, indexed = _iso(ts, k % 1000), _iso(ts + 1, 250)
        post_kind = _post_kind(kind, k)
        if post_kind == "repost":
            parts.append(_BSKY_REPOST.format(rkey=rkey, created=_iso(ts - 3600),
                                             text=_text(-i - 1, k), author=author, did=did,
                                             indexed=indexed))
            continue
        reply = view = ""
        if post_kind in ("reply", "self_reply"):
            parent = did if post_kind == "self_reply" else "did:plc:buurtkrant0000000000000"
            parent_author = author if post_kind == "self_reply" else _BSKY_OTHER
            prkey = f"3p{i:x}k{k}"
            reply = _BSKY_REPLY_REF.format(parent=parent, prkey=prkey)
            view = _BSKY_REPLY_VIEW.format(parent=parent, prkey=prkey, author=parent_author,
                                           created=_iso(ts - 1800))
        parts.append(_BSKY_POST.format(did=did, rkey=rkey, author=author, created=created,
                                       text=_text(i, k), reply=reply, replies=k % 3,
                                       likes=k % 9, indexed=indexed, view=view))
    cursor = f',"cursor":"{end}"' if end < total else ""
    return _answer(200, '{"feed":[' + ",".join(parts) + "]" + cursor + "}")


# -- YouTube -------------------------------------------------------------------------------

def _channel_id(i: int) -> str:
    return f"UCBench{i:017d}"


def _channel_index(channel_id: str) -> int | None:
    match = re.match(r"^UCBench(\d{17})$", channel_id)
    return int(match.group(1)) if match else None


_YT_404 = ("<!DOCTYPE html><html lang=\"en-GB\"><head><title>404 Not Found</title></head>"
           "<body><p>This page isn't available. Sorry about that.</p></body></html>")
_YT_TERMINATED = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>YouTube</title>'
    '<meta property="og:site_name" content="YouTube"></head><body>'
    '<script nonce="YmVuY2g">var ytInitialData = {{"responseContext": {{"serviceTrackingParams":'
    ' [{{"service": "GFEEDBACK", "params": [{{"key": "browse_id", "value": "{cid}"}}]}}]}},'
    ' "header": {{"c4TabbedHeaderRenderer": {{"channelId": "{cid}", "avatar": {{"thumbnails":'
    ' [{{"url": "{base}/a/default-user=s100-c-k-c0x00ffffff-no-rj", "width": 100,'
    ' "height": 100}}]}}}}}}, "alerts": [{{"alertRenderer": {{"type": "ERROR", "text":'
    ' {{"simpleText": "This account has been terminated for a violation of YouTube\'s Terms'
    ' of Service."}}}}}}]}};</script></body></html>'
)
_YT_CHANNEL = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>{name} - YouTube</title>'
    '<meta property="og:title" content="{name}">'
    '<meta property="og:url" content="https://www.youtube.com/channel/{cid}">'
    '<meta property="og:image" content="{avatar}">'
    '<meta itemprop="identifier" content="{cid}">'
    '<link rel="canonical" href="https://www.youtube.com/channel/{cid}">'
    '</head><body dir="ltr"><div id="content"></div>'
    '<script nonce="YmVuY2g">var ytInitialData = {data};</script>'
    '<script nonce="YmVuY2g">if (window.ytcsi) {{window.ytcsi.tick("pdr", null, \'\');}}'
    '</script></body></html>'
)
_YT_DATA = (
    '{{"responseContext": {{"serviceTrackingParams": [{{"service": "GFEEDBACK", "params": '
    '[{{"key": "route", "value": "channel."}}, {{"key": "browse_id", "value": "{cid}"}}, '
    '{{"key": "logged_in", "value": "0"}}]}}]}}, "contents": {{"twoColumnBrowseResultsRenderer":'
    ' {{"tabs": [{{"tabRenderer": {{"title": "Home", "selected": true, "content": '
    '{{"sectionListRenderer": {{"contents": []}}}}}}}}]}}}}, "header": {{"c4TabbedHeaderRenderer"'
    ': {{"channelId": "{cid}", "title": "{name}", "navigationEndpoint": {{"browseEndpoint": '
    '{{"browseId": "{cid}", "canonicalBaseUrl": "/@u{i}"}}}}, "subscriberCountText": '
    '{{"simpleText": "{subs} subscribers"}}, "channelHandleText": {{"runs": [{{"text": '
    '"@u{i}"}}]}}, "videosCountText": {{"runs": [{{"text": "{videos}"}}, {{"text": " videos"}}]'
    '}}, "avatar": {{"thumbnails": [{{"url": "{avatar}", "width": 176, "height": 176}}]}}'
    '{banner}{links}}}}}, "metadata": {{"channelMetadataRenderer": {{"title": "{name}", '
    '"description": "{description}", "rssUrl": "https://www.youtube.com/feeds/videos.xml?'
    'channel_id={cid}", "externalId": "{cid}", "keywords": "", "ownerUrls": '
    '["http://www.youtube.com/@u{i}"], "channelUrl": "https://www.youtube.com/channel/{cid}", '
    '"isFamilySafe": true, "vanityChannelUrl": "http://www.youtube.com/@u{i}", "avatar": '
    '{{"thumbnails": [{{"url": "{avatar}", "width": 176, "height": 176}}]}}}}}}}}'
)
_YT_LINKS = (
    ', "headerLinks": {{"channelHeaderLinksViewModel": {{"firstLink": {{"content": "{label}", '
    '"commandRuns": [{{"startIndex": 0, "length": {length}, "onTap": {{"innertubeCommand": '
    '{{"urlEndpoint": {{"url": "https://www.youtube.com/redirect?event=channel_header&q={q}", '
    '"target": "TARGET_NEW_WINDOW"}}}}}}}}]}}}}}}'
)
_YT_ENTRY = (
    " <entry>\n  <id>yt:video:{vid}</id>\n  <yt:videoId>{vid}</yt:videoId>\n"
    "  <yt:channelId>{cid}</yt:channelId>\n  <title>{title}</title>\n"
    '  <link rel="alternate" href="https://www.youtube.com/{path}"/>\n'
    "  <author>\n   <name>{name}</name>\n"
    "   <uri>https://www.youtube.com/channel/{cid}</uri>\n  </author>\n"
    "  <published>{published}</published>\n  <updated>{updated}</updated>\n"
    "  <media:group>\n   <media:title>{title}</media:title>\n"
    '   <media:content url="https://www.youtube.com/v/{vid}?version=3" '
    'type="application/x-shockwave-flash" width="640" height="390"/>\n'
    '   <media:thumbnail url="https://i2.ytimg.com/vi/{vid}/hqdefault.jpg" width="480" '
    'height="360"/>\n   <media:description>{description}</media:description>\n'
    '   <media:community>\n    <media:starRating count="{likes}" average="5.00" min="1" '
    'max="5"/>\n    <media:statistics views="{views}"/>\n   </media:community>\n'
    "  </media:group>\n </entry>\n"
)
YOUTUBE_FEED_ENTRIES = 15


def youtube_channel(base: str, handle: str) -> Answer:
    i = _index(handle)
    kind = kind_of(i) if i is not None else "not_found"
    if kind == "not_found":
        return _answer(404, _YT_404, HTML_TYPE)
    if kind == "rate_limited":
        return _rate_limited(HTML_TYPE, "<html><body>Too Many Requests</body></html>")
    assert i is not None
    cid = _channel_id(i)
    if kind == "gone":
        return _answer(200, _YT_TERMINATED.format(cid=cid, base=base), HTML_TYPE)
    _newest, _gap, total = _schedule(kind, "youtube")
    name = org_name(i)
    if kind == "incomplete":
        avatar = f"{base}/a/default-user=s176-c-k-c0x00ffffff-no-rj"
        banner = links = description = ""
    else:
        avatar = f"{base}/media/ytc/u{i}=s176-c-k-c0x00ffffff-no-rj"
        banner = (f', "banner": {{"thumbnails": [{{"url": "{base}/media/banner/u{i}=w2560", '
                  f'"width": 2560, "height": 423}}]}}')
        site = _site(i)
        links = _YT_LINKS.format(label=site.removeprefix("https://"),
                                 length=len(site) - 8, q=quote(site, safe=""))
        description = (f"{name} in de werkplaats: video {i} over onderhoud en reparatie.\\n\\n"
                       f"Vragen? Mail werkplaats@fietsen{i // ORG_SIZE}.example of bel "
                       f"030-1234567.\\nWinkel: {site}\\n")
    data = _YT_DATA.format(cid=cid, name=name, i=i, subs=f"{1000 + i % 9000:,}", videos=total,
                           avatar=avatar, banner=banner, links=links, description=description)
    return _answer(200, _YT_CHANNEL.format(name=name, cid=cid, avatar=avatar, data=data),
                   HTML_TYPE)


def youtube_feed(base: str, query: dict[str, list[str]]) -> Answer:
    i = _channel_index((query.get("channel_id") or [""])[0])
    kind = kind_of(i) if i is not None else "not_found"
    if kind in ("not_found", "gone"):
        return _answer(404, _YT_404, HTML_TYPE)
    if kind == "rate_limited":
        return _rate_limited(HTML_TYPE, "<html><body>Too Many Requests</body></html>")
    assert i is not None
    newest, gap, total = _schedule(kind, "youtube")
    cid = _channel_id(i)
    name = org_name(i)
    entries = []
    for k in range(min(YOUTUBE_FEED_ENTRIES, total)):
        ts = _post_ts(i, k, newest, gap)
        vid = f"b{i:07d}k{k:02d}"
        short = k % 4 == 2
        entries.append(_YT_ENTRY.format(
            vid=vid, cid=cid, title=_text(i, k)[:-1] + (" #shorts" if short else ""),
            path=f"shorts/{vid}" if short else f"watch?v={vid}", name=name,
            published=_iso_offset(ts), updated=_iso_offset(ts + DAY),
            description=_text(i, k + 500), likes=10 + k, views=100 + k * 13))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns:yt="http://www.youtube.com/xml/'
        'schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns="http://www.w3.org/2005/Atom">\n'
        f' <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={cid}"/>\n'
        f" <id>yt:channel:{cid[2:]}</id>\n <yt:channelId>{cid}</yt:channelId>\n"
        f" <title>{name}</title>\n"
        f' <link rel="alternate" href="https://www.youtube.com/channel/{cid}"/>\n'
        f" <author>\n  <name>{name}</name>\n"
        f"  <uri>https://www.youtube.com/channel/{cid}</uri>\n </author>\n"
        " <published>2014-05-02T09:12:40+00:00</published>\n" + "".join(entries) + "</feed>\n"
    )
    return _answer(200, body, "text/xml; charset=UTF-8")


# -- Telegram ------------------------------------------------------------------------------

TELEGRAM_PAGE = 20
_TG_MESSAGE = (
    '<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message'
    ' text_not_supported_wrap js-widget_message" data-post="u{i}/{id}" data-view="YmVuY2g">\n'
    '  <div class="tgme_widget_message_user"><a href="https://t.me/u{i}"><i class="tgme_widget_'
    'message_user_photo bgcolor6" data-content="B">{photo}</i></a></div>\n'
    '  <div class="tgme_widget_message_bubble">\n'
    '    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner'
    '_name" href="https://t.me/u{i}"><span dir="auto">{name}</span></a></div>\n{forwarded}'
    '<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>\n'
    '<div class="tgme_widget_message_footer compact js-message_footer">\n'
    '  <div class="tgme_widget_message_info short js-message_info">\n'
    '    <span class="tgme_widget_message_views">{views}</span><span class="copyonly"> views'
    '</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
    'href="https://t.me/u{i}/{id}"><time datetime="{datetime}" class="time">{hhmm}</time></a>'
    '</span>\n  </div>\n</div>\n  </div>\n</div></div>\n'
)
_TG_FORWARDED = ('<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from'
                 '&nbsp;<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/'
                 'fietsersbond/{id}"><span dir="auto">fietsersbond</span></a></div>\n')
_TG_CARD_EMPTY = (
    '<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset="utf-8">\n'
    '    <title>Telegram: Contact @{name}</title>\n'
    '<meta property="og:title" content="Telegram: Contact @{name}">\n'
    '<meta property="og:image" content="https://telegram.org/img/t_logo.png">\n'
    '<meta property="og:site_name" content="Telegram">\n'
    '<meta property="og:description" content="">\n  </head>\n  <body>\n'
    '    <div class="tgme_page_wrap"><div class="tgme_body_wrap"><div class="tgme_page">\n'
    '<div class="tgme_page_description" dir="auto">If you have <strong>Telegram</strong>, you '
    'can contact <a class="tgme_username_link" href="tg://resolve?domain={name}">@{name}</a> '
    'right away.</div>\n<div class="tgme_page_action"><a class="tgme_action_button_new shine" '
    'href="tg://resolve?domain={name}">Send Message</a></div>\n'
    '    </div></div></div>\n  </body>\n</html>\n'
)


def telegram_card(name: str) -> Answer:
    """t.me/NAME for a name nobody has: the empty contact card."""
    return _answer(200, _TG_CARD_EMPTY.format(name=name), HTML_TYPE)


def telegram_preview(base: str, name: str, query: dict[str, list[str]]) -> Answer:
    i = _index(name)
    kind = kind_of(i) if i is not None else "not_found"
    if kind == "not_found":
        return _answer(302, b"", HTML_TYPE, [("Location", f"/{name}")])
    if kind == "gone":
        return _answer(410, "<html><body>This channel can't be displayed.</body></html>",
                       HTML_TYPE)
    if kind == "rate_limited":
        return _rate_limited(HTML_TYPE, "<html><body>Too Many Requests</body></html>")
    assert i is not None
    newest, gap, total = _schedule(kind, "telegram")
    total += _new_posts(i)  # a changed channel's new messages take the next ids
    name_shown = org_name(i)
    before = _int_arg(query, "before", total + 1, 1, total + 1)
    # Message ids run 1..total (total = newest); a page holds the TELEGRAM_PAGE ids below
    # ``before``, oldest first, as t.me/s/ shows them.
    high = before - 1
    low = max(1, high - TELEGRAM_PAGE + 1)
    if kind == "incomplete":
        photo = ""
        description = ""
    else:
        photo = f'<img src="{base}/media/tg/u{i}.jpg">'
        site = _site(i)
        description = (
            f'<div class="tgme_channel_info_description">{name_shown}: werkplaats, nieuwe '
            f"fietsen en e-bikes (kanaal {i}).<br/><br/>Bel 030-2345678 of mail "
            f"winkel@fietsen{i // ORG_SIZE}.example<br/><a href=\"{site}/\" target=\"_blank\" "
            f'rel="noopener">{site.removeprefix("https://")}</a></div>')
    messages = []
    for message_id in range(low, high + 1):
        ts, k = _timeline_post(i, total - message_id, newest, gap)
        forwarded = _TG_FORWARDED.format(id=1000 + k) if _post_kind(kind, k) == "repost" else ""
        messages.append(_TG_MESSAGE.format(
            i=i, id=message_id, photo=photo, name=name_shown, forwarded=forwarded,
            text=_text(i, k), views=100 + k * 3, datetime=_iso_offset(ts),
            hhmm=time.strftime("%H:%M", time.gmtime(ts))))
    older = ""
    prev = ""
    if low > 1 and messages:
        older = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/'
                 f'u{i}?before={low}" class="tme_messages_more js-messages_more" '
                 f'data-before="{low}"></a></div>\n')
        prev = f'<link rel="prev" href="/s/u{i}?before={low}">\n'
    body = (
        '<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset="utf-8">\n'
        f"    <title>{name_shown} \u2013 Telegram</title>\n"
        f'<meta property="og:title" content="{name_shown}">\n'
        '<meta property="og:site_name" content="Telegram">\n'
        f'<meta property="og:description" content="">\n{prev}'
        '  </head>\n  <body class="widget_frame_base tgme_webpreview emoji_image tme_mode">\n'
        '    <header class="tgme_header search_collapsed"><div class="tgme_container">'
        '<div class="tgme_header_right_column"><section class="tgme_right_column">'
        '<div class="tgme_channel_info"><div class="tgme_channel_info_header">'
        f'<i class="tgme_page_photo_image bgcolor6" data-content="B">{photo}</i>'
        '<div class="tgme_channel_info_header_title_wrap"><div class="tgme_channel_info_header_'
        f'title"><span dir="auto">{name_shown}</span></div></div>'
        f'<div class="tgme_channel_info_header_username"><a href="https://t.me/u{i}">@u{i}</a>'
        '</div></div><div class="tgme_channel_info_counters"><div class="tgme_channel_info_'
        f'counter"><span class="counter_value">{1 + i % 9}.{i % 10}K</span> <span class='
        f'"counter_type">subscribers</span></div></div>\n{description}</div></section></div>'
        '</div></header>\n'
        f'<main class="tgme_main" data-url="/u{i}"><div class="tgme_container">'
        '<section class="tgme_channel_history js-message_history">\n'
        + older + "".join(messages) + "</section></div></main>\n  </body>\n</html>\n"
    )
    return _answer(200, body, HTML_TYPE)


# -- routing -------------------------------------------------------------------------------

ROBOTS_ALLOW_ALL = "User-agent: *\nDisallow:\n"
_MASTODON_STATUSES = re.compile(r"^/api/v1/accounts/(\d{1,24})/statuses$")
_FEED_PATH = re.compile(r"^/blog(\d{1,9})/feed$")
_YT_HANDLE = re.compile(r"^/@([A-Za-z0-9_.\-]{1,100})$")
_TG_PREVIEW = re.compile(r"^/s/([A-Za-z0-9_]{1,64})$")
_TG_CARD = re.compile(r"^/([A-Za-z0-9_]{1,64})$")
_NOT_FOUND: Answer = (404, [("Content-Type", "text/plain; charset=utf-8")], b"not found\n")


def route(role: str, base: str, path: str, query_string: str, *, robots: bool) -> Answer:
    """The answer for one request to a server of ``role`` (spread, bluesky, youtube, telegram)."""
    if path == "/robots.txt":
        if robots:
            return _answer(200, ROBOTS_ALLOW_ALL, "text/plain; charset=utf-8")
        return _NOT_FOUND
    if path.startswith("/media/"):
        return _answer(200, PNG, "image/png")
    if path.startswith("/__later-days/") and path[14:].isdigit():
        global LATER_DAYS  # the benchmark's "a month later" (see changed())
        LATER_DAYS = int(path[14:])
        return _answer(200, f'{{"later_days":{LATER_DAYS}}}')
    if path in ("/__batch-mode/on", "/__batch-mode/mixed"):
        global BATCH_MODE
        BATCH_MODE = path.rsplit("/", 1)[1]
        return _answer(200, f'{{"batch_mode":"{BATCH_MODE}"}}')
    query = parse_qs(query_string, keep_blank_values=True) if query_string else {}
    if role == "spread":
        if path == "/api/v1/accounts/lookup":
            return mastodon_lookup(base, query)
        if path == "/api/v1/accounts":
            return mastodon_accounts(base, query)
        match = _MASTODON_STATUSES.match(path)
        if match:
            return mastodon_statuses(base, match.group(1), query)
        match = _FEED_PATH.match(path)
        if match:
            return rss_feed(base, match.group(1))
    elif role == "bluesky":
        if path == "/xrpc/app.bsky.actor.getProfile":
            return bluesky_profile(base, query)
        if path == "/xrpc/app.bsky.feed.getAuthorFeed":
            return bluesky_feed(base, query)
    elif role == "youtube":
        if path == "/feeds/videos.xml":
            return youtube_feed(base, query)
        match = _YT_HANDLE.match(path)
        if match:
            return youtube_channel(base, match.group(1))
    elif role == "telegram":
        match = _TG_PREVIEW.match(path)
        if match:
            return telegram_preview(base, match.group(1), query)
        match = _TG_CARD.match(path)
        if match:
            return telegram_card(match.group(1))
    return _NOT_FOUND


# -- rate limits as the platforms publish them ------------------------------------------------

#: The published limits: requests per window (seconds), and how each platform says so.
#: Mastodon: 300 API calls per 5 minutes per address logged out, 300 per 15 minutes for
#: paged calls (max_id/min_id/since_id), fixed windows (rack-attack), X-RateLimit-* with an
#: ISO 8601 reset on every API answer, 429 without Retry-After. Bluesky's public API: 3000
#: per 5 minutes per address, RateLimit-* with the reset in epoch seconds and a
#: RateLimit-Policy. "ietf" is the IETF draft (reset in seconds from now), "x" X's
#: x-rate-limit-* (epoch seconds).
PUBLISHED_LIMITS = {"mastodon": (300, 300.0), "bluesky": (3000, 300.0)}
MASTODON_PAGED = (300, 900.0)
LIMIT_STYLES = ("mastodon", "bluesky", "ietf", "x")
_PAGED = re.compile(r"(?:^|&)(?:max_id|min_id|since_id)=")


class RateLimiter:
    """Fixed windows aligned to the epoch, as rack-attack counts them: every request to a
    limited path counts (refused ones too); past the limit the answer is 429 without
    Retry-After. Counts what it answered per window, for the benchmark to read back."""

    def __init__(self, style: str, limit: int, window: float, *,
                 paged: tuple[int, float] | None = None,
                 clock: Callable[[], float] = time.time, origin: float = 0.0):
        if style not in LIMIT_STYLES:
            raise ValueError(f"unknown rate-limit style {style!r}")
        self.style = style
        self.limit = limit
        self.window = window
        self.paged = paged
        self.clock = clock
        #: Windows start at multiples of their length from here (rack-attack: the epoch).
        self.origin = origin
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        #: (budget, window index) -> [requests answered, 429s answered, first, last (epoch)]
        self.per_window: dict[tuple[str, int], list[float]] = {}
        #: When (epoch) each limited call came, in order: how fast an audit went (the
        #: benchmark's unlimited run, bench/ratelimit.py).
        self.times: list[float] = []

    def limited(self, path: str) -> bool:
        if self.style == "mastodon":
            return path.startswith("/api/")
        return path != "/robots.txt"

    def check(self, path: str, query: str) -> tuple[bool, list[tuple[str, str]]]:
        """Count one request; whether it may be served, and the headers to send."""
        if not self.limited(path):
            return True, []
        now = self.clock() - self.origin
        budgets = [("api", self.limit, self.window)]
        if self.paged is not None and _PAGED.search(query):
            budgets.append(("paged", *self.paged))
        shown: tuple[int, int, float] | None = None
        allowed = True
        with self._lock:
            for name, limit, window in budgets:
                index = int(now // window)
                count = self._counts.get((name, index), 0) + 1
                self._counts[(name, index)] = count
                if count > limit:
                    allowed = False
                remaining = max(0, limit - count)
                reset = (index + 1) * window
                # Mastodon shows the most limited of the budgets a request counts against
                if shown is None or remaining < shown[1]:
                    shown = (limit, remaining, reset)
            self.times.append(now + self.origin)
            for name, _limit, window in budgets:
                noted = self.per_window.setdefault((name, int(now // window)),
                                                   [0, 0, now + self.origin, 0.0])
                noted[0] += 1
                noted[1] += 0 if allowed else 1
                noted[3] = now + self.origin
        assert shown is not None
        limit, remaining, reset = shown
        return allowed, self.headers(limit, remaining, reset + self.origin,
                                     now=now + self.origin)

    def headers(self, limit: int, remaining: int, reset: float, *,
                now: float) -> list[tuple[str, str]]:
        if self.style == "mastodon":
            iso = datetime.fromtimestamp(reset, UTC).isoformat(
                timespec="microseconds").replace("+00:00", "Z")  # as Mastodon's iso8601(6)
            return [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)),
                    ("X-RateLimit-Reset", iso)]
        if self.style == "x":
            return [("x-rate-limit-limit", str(limit)), ("x-rate-limit-remaining",
                                                         str(remaining)),
                    ("x-rate-limit-reset", str(math.ceil(reset)))]
        shown = str(math.ceil(reset)) if self.style == "bluesky" else \
            str(max(0, math.ceil(reset - now)))
        return [("RateLimit-Limit", str(limit)), ("RateLimit-Remaining", str(remaining)),
                ("RateLimit-Reset", shown),
                ("RateLimit-Policy", f"{limit};w={self.window:g}")]

    def refusal(self, headers: list[tuple[str, str]]) -> Answer:
        if self.style == "bluesky":
            return _answer(429, '{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}',
                           JSON_TYPE, headers)
        return _answer(429, '{"error":"Too many requests"}', JSON_TYPE, headers)

    def summary(self) -> dict[str, Any]:
        """Per window: the calls answered and refused, the first's and last's time; the
        paged calls (Mastodon's max_id/min_id/since_id) also in their own windows."""
        with self._lock:
            windows = sorted(self.per_window.items())
            times = [round(at, 4) for at in self.times]
        paged_limit, paged_window = self.paged or (None, None)

        def listed(budget: str, length: float) -> list[dict[str, Any]]:
            return [{"index": index, "start": self.origin + index * length,
                     "requests": int(counts[0]), "refused": int(counts[1]),
                     "first": counts[2], "last": counts[3]}
                    for (name, index), counts in windows if name == budget]

        return {"style": self.style, "limit": self.limit, "window": self.window,
                "windows": listed("api", self.window), "paged_limit": paged_limit,
                "paged_window": paged_window,
                "paged_windows": listed("paged", paged_window) if paged_window else [],
                "times": times}


# -- conditional requests ------------------------------------------------------------------

_NO_ETAG = ("/api/", "/xrpc/", "/robots.txt")
#: Images are static files, as a web server sends them: an ETag and the file's date (the
#: logos and photos were put up long before the audit).
_MEDIA_MODIFIED = "Fri, 01 Mar 2024 09:00:00 GMT"


def conditional(path: str, status: int, headers: list[tuple[str, str]], body: bytes,
                if_none_match: str | None) -> Answer:
    """Pages (feeds, YouTube, Telegram, websites) carry an ETag of their bytes, and a
    request that names it gets ``304 Not Modified`` with no body, as web servers and
    CDNs answer; API answers (whose counters change daily on the real platforms) carry
    none."""
    if status != 200 or path.startswith(_NO_ETAG):
        return status, headers, body
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    media = [("Last-Modified", _MEDIA_MODIFIED)] if path.startswith("/media/") else []
    if if_none_match and etag in (tag.strip() for tag in if_none_match.split(",")):
        return 304, [("ETag", etag), *media], b""
    return status, [*headers, ("ETag", etag), *media], body


# -- the servers ---------------------------------------------------------------------------


class RequestLog:
    """Absolute URLs requested, buffered and appended to a file every second and at exit."""

    def __init__(self, path: Path | None):
        self.path = path
        self._pending: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if path is not None:
            self._thread = threading.Thread(target=self._run, name="log-flusher", daemon=True)
            self._thread.start()

    def add(self, url: str) -> None:
        if self.path is not None:
            self._pending.append(url)  # list.append is atomic; flush swaps the list

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.flush()

    def flush(self) -> None:
        if self.path is None:
            return
        with self._lock:
            pending, self._pending = self._pending, []
            if pending:
                with open(self.path, "a", encoding="utf-8") as out:
                    out.write("\n".join(pending) + "\n")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()


class FakeHandler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy's connection pool expects
    #: An idle keep-alive connection is closed after this many seconds.
    timeout = 30
    server_version = "fakeplatforms/1"
    disable_nagle_algorithm = True
    sys_version = ""

    def do_GET(self) -> None:  # the name http.server calls
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        server = self.server
        url = server.base + self.path
        server.request_log.add(url)
        if server.latency > 0:
            time.sleep(server.latency)
        raw_path, _, query = self.path.partition("?")
        limiter = server.limiter
        try:
            if raw_path == "/__limits" and limiter is not None:
                status, headers, body = _answer(200, json.dumps(limiter.summary()))
            else:
                allowed, limit_headers = (limiter.check(unquote(raw_path), query)
                                          if limiter is not None else (True, []))
                if allowed:
                    status, headers, body = route(server.role, server.base, unquote(raw_path),
                                                  query, robots=server.robots)
                    headers = [*headers, *limit_headers]
                else:
                    assert limiter is not None
                    status, headers, body = limiter.refusal(limit_headers)
        except Exception as exc:  # a bug in a template must not take the server down
            status, headers, body = 500, [("Content-Type", "text/plain")], \
                f"internal error: {type(exc).__name__}\n".encode()
        status, headers, body = conditional(raw_path, status, headers, body,
                                            self.headers.get("If-None-Match"))
        # One write for the whole answer: headers and body in separate small writes meet
        # Nagle's algorithm and delayed ACKs, a 40 ms stall per answer on Linux loopback.
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n")
        if not head and body:
            self._headers_buffer.append(body)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer = []

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, address: str, role: str, *, latency: float, request_log: RequestLog,
                 robots: bool = False, limiter: RateLimiter | None = None):
        super().__init__((address, 0), FakeHandler)
        self.role = role
        self.limiter = limiter
        self.latency = latency
        self.request_log = request_log
        self.robots = robots
        host, port = self.server_address[:2]
        self.base = f"http://{host}:{port}"

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the address's name (socket.getfqdn): ~0.1 s
        # per server for nothing. Bind as TCPServer does and name the address itself.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-answer are normal under load; anything else is reported.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)


def loopback(n: int) -> str:
    """The n-th loopback address from 127.0.0.2 on (127.0.1.x after 127.0.0.254, ...)."""
    number = n + 2
    third, fourth = divmod(number, 253)
    return f"127.0.{third}.{fourth + 1 if third else fourth}"


class Platforms:
    """All the fake servers of one run, each serving on a thread of its own."""

    def __init__(self, hosts: int, latency: float, log_path: Path | None = None, *,
                 rate_scale: float = 0.0, rate_limit: int | None = None):
        if hosts < 1:
            raise ValueError("at least one host")
        self.request_log = RequestLog(log_path)
        self.spread = [FakeServer(loopback(n), "spread", latency=latency,
                                  request_log=self.request_log, robots=n == 0)
                       for n in range(hosts)]
        self.fixed = {name: FakeServer(loopback(hosts + index), name, latency=latency,
                                       request_log=self.request_log)
                      for index, name in enumerate(FIXED_PLATFORMS)}
        #: With rate_scale > 0: a Mastodon host and a Bluesky API host that enforce the
        #: published limits, their windows multiplied by rate_scale (1: as published).
        self.limited: dict[str, FakeServer] = {}
        if rate_scale > 0:
            roles = {"mastodon": "spread", "bluesky": "bluesky"}
            for index, (platform, (limit, window)) in enumerate(PUBLISHED_LIMITS.items()):
                paged = ((rate_limit or MASTODON_PAGED[0], MASTODON_PAGED[1] * rate_scale)
                         if platform == "mastodon" else None)
                limiter = RateLimiter(platform, rate_limit or limit, window * rate_scale,
                                      paged=paged)
                self.limited[platform] = FakeServer(
                    loopback(hosts + len(FIXED_PLATFORMS) + index), roles[platform],
                    latency=latency, request_log=self.request_log, limiter=limiter)
        self._threads: list[threading.Thread] = []

    @property
    def servers(self) -> list[FakeServer]:
        return [*self.spread, *self.fixed.values(), *self.limited.values()]

    def info(self) -> dict[str, Any]:
        return {"hosts": [server.base for server in self.spread],
                "endpoints": {name: server.base for name, server in self.fixed.items()},
                "limited": {name: server.base for name, server in self.limited.items()},
                "pid": os.getpid()}

    def start(self) -> None:
        for server in self.servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"serve {server.base}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        # shutdown() waits for one poll of its loop: ask every server at once, not in turn.
        stoppers = [threading.Thread(target=server.shutdown, daemon=True)
                    for server in self.servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join(timeout=5)
        for server in self.servers:
            server.server_close()
        self.request_log.close()


# -- the config ----------------------------------------------------------------------------


def profile_for(i: int, info: dict[str, Any]) -> dict[str, str]:
    """Profile ``i``: its URL on the hosts of ``info``, its platform and its kind."""
    platform = platform_of_index(i)
    hosts = info["hosts"]
    host = hosts[i % len(hosts)]
    if platform == "mastodon":
        url = f"{host}/@u{i}"
    elif platform == "feed":
        url = f"{host}/blog{i}/feed"
    elif platform == "bluesky":
        url = f"https://bsky.app/profile/u{i}.example"
    elif platform == "youtube":
        url = f"https://www.youtube.com/@u{i}"
    else:
        url = f"https://t.me/u{i}"
    return {"url": url, "platform": platform, "kind": kind_of(i)}


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string for our values


def build_config(n: int, info: dict[str, Any], path: Path) -> list[dict[str, str]]:
    """Write an auditor config of ``n`` profiles (organisations of ORG_SIZE) to ``path``."""
    profiles = [profile_for(i, info) for i in range(n)]
    lines = [
        "# Generated by bench/fakeplatforms.py: synthetic profiles on local fake platforms.",
        "[audit]",
        f"name = {_toml_string(f'Benchmark: {n} profiles')}",
        f'as_of = "{AS_OF}"',
        "allow_private_addresses = true",
        "",
        "[endpoints]",
        *(f"{name} = {_toml_string(url)}" for name, url in sorted(info["endpoints"].items())),
        "",
    ]
    for start in range(0, n, ORG_SIZE):
        lines += [
            "[[organisation]]",
            f"name = {_toml_string(org_name(start))}",
            f'role = "{"client" if start == 0 else "competitor"}"',
            "profiles = [",
            *(f"  {_toml_string(p['url'])}," for p in profiles[start:start + ORG_SIZE]),
            "]",
            "",
        ]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    return profiles


# -- main ----------------------------------------------------------------------------------


def write_ready(path: Path, info: dict[str, Any]) -> None:
    """Write the ready file atomically: a reader never sees half of it."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(info, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def main(argv: list[str] | None = None,
         on_ready: Callable[[dict[str, Any]], None] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=10,
                        help="loopback hosts for Mastodon and feeds (default 10)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds every answer waits first (default 0)")
    parser.add_argument("--ready", type=Path, required=True,
                        help="write the hosts and endpoints here (JSON) once listening")
    parser.add_argument("--log", type=Path, default=None,
                        help="append every requested absolute URL to this file")
    parser.add_argument("--later-days", type=int, default=0,
                        help="serve the data this many days after the first audit: every "
                             "tenth profile has new posts (default 0: the first audit's data)")
    parser.add_argument("--rate-scale", type=float, default=0.0,
                        help="also serve a Mastodon host and a Bluesky API host enforcing the "
                             "published rate limits, their windows times this (1: as "
                             "published, 0.1: Mastodon's 300 per 5 min as 300 per 30 s)")
    parser.add_argument("--rate-limit", type=int, default=None,
                        help="requests per window on those hosts (default: as published)")
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 5000:
        parser.error("--hosts must be from 1 to 5000")
    if args.latency < 0:
        parser.error("--latency must not be negative")
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    global LATER_DAYS
    LATER_DAYS = max(0, args.later_days)
    platforms = Platforms(args.hosts, args.latency, args.log, rate_scale=args.rate_scale,
                          rate_limit=args.rate_limit)
    platforms.start()
    info = platforms.info()
    write_ready(args.ready, info)
    if on_ready is not None:
        on_ready(info)
    try:
        while not stop.wait(0.1):
            pass
    finally:
        platforms.stop()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is flushed and closed; skip the interpreter's teardown of the idle
    # keep-alive threads, which takes over a second with many servers.
    os._exit(code)
