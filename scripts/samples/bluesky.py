"""Sample pages for Bluesky: the public AppView's getProfile and getAuthorFeed answers.

Modelled on the real payloads in ../shared/realcases/bluesky (a ``profileViewDetailed``
with avatar/banner CDN URLs, ``postsCount`` and ``labels``; ``feedViewPost`` items with
``post.record.createdAt``, ``indexedAt``, link facets and a ``cursor``), with what the
real feed capture lacks written from the lexicon: replies (``record.reply`` plus the
``reply`` view, once with a ``#notFoundPost`` parent), reposts (``reasonRepost``) and a
pinned post (``reasonPin``). Every account is invented: handles end in ``.example``.
The answers are served under https://public.api.bsky.app, the adapter's default endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from samples.common import AS_OF, Expect, Writer

ENDPOINT = "https://public.api.bsky.app"
PAGE_SIZE = 100  # the adapter asks for the API's largest page
_S32 = "234567abcdefghijklmnopqrstuvwxyz"

Kind = str  # original | reply | self_reply | repost


def did_for(name: str) -> str:
    """An invented did:plc (24 base32 characters) derived from a name."""
    digest = hashlib.sha256(f"bluesky-sample/{name}".encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def cid_for(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "bafyrei" + base64.b32encode(digest).decode().lower().rstrip("=")[:52]


def tid(when: datetime, seq: int) -> str:
    """A record key as Bluesky makes them: microseconds and a clock id, base32-sortable."""
    value = (int(when.timestamp() * 1_000_000) << 10) | (seq & 1023)
    return "".join(_S32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def stamp(when: datetime, millis: int = 0) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis % 1000:03d}Z"


def tiny_png(colour: tuple[int, int, int]) -> bytes:
    """A valid 1x1 PNG of one colour (the same bytes as the other platforms' avatars)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(colour))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


#: Each organisation's logo, as on its other profiles (the photos are compared).
LOGO_COLOURS = {"Spaak Fietsen": (200, 30, 40), "Ratel Tweewielers": (20, 90, 160),
                "Velo Vlot": (30, 150, 60)}


@dataclass
class Profile:
    """One demo Bluesky account and what the audit is meant to say about it."""

    handle: str
    organisation: str
    outcome: str
    flags: list[str]
    why: str
    display_name: str = ""
    description: str | None = None
    avatar: bool = True
    banner: bool = True
    created: datetime = datetime(2023, 9, 12, 8, 41, 7, tzinfo=UTC)
    posts_count: int | None = None
    #: ages in days of the items, newest first, and the kind of each
    posts: list[tuple[float, Kind]] = field(default_factory=list)
    #: index in ``posts`` of the pinned post (an original), shown first on page 1
    pinned: int | None = None
    pages: int = 1
    #: the last recorded page carries a cursor to a page that is not recorded
    last_page_cursor: bool = False
    labels: list[str] = field(default_factory=list)
    #: an XRPC error answer instead of the profile: (status, error, message)
    error: tuple[int, str, str] | None = None
    #: links written in the posts (to the organisation's own site)
    site: str = ""

    @property
    def url(self) -> str:
        return f"https://bsky.app/profile/{self.handle}"

    @property
    def did(self) -> str:
        return did_for(self.handle)


#: Other accounts the demo accounts talk to and repost.
OTHERS = [("fietsfan.bsky.social", "Fietsfan Utrecht"), ("klantanna.example", "Anna"),
          ("buurtkrant.example", "De Buurtkrant")]

#: Post texts are composed per profile and post from these parts; they differ from the
#: other platforms' samples, so no text looks cross-posted by accident.
OPENERS = ["Vers uit de werkplaats:", "Tip van de monteur:", "Deze maand:", "Even delen:",
           "Nieuw in de showroom:", "Vraag van de week:", "Achter de schermen:"]
SUBJECTS = ["een opgeknapte omafiets uit 1974 die weer als nieuw rijdt",
            "de bandenplakset die in elke fietstas past",
            "onze proefritten met de nieuwe transportfiets",
            "hoe je een piepende schijfrem zelf stil krijgt",
            "de verhuurvloot die klaarstaat voor het voorjaar",
            "waarom een goed slot meer waard is dan je denkt",
            "de werkplaats die nu ook op zaterdagmiddag open is"]
ENDINGS = ["Wat vinden jullie ervan?", "Laat het ons weten.", "Tot snel in de winkel.",
           "Foto's volgen later vandaag.", "Met dank aan onze vaste klanten.",
           "Meer hierover binnenkort."]
REPLIES = ["Dank voor je bericht! Je fiets staat vanaf {n} uur klaar om op te halen.",
           "Goed punt, we zoeken het uit en laten het je morgen weten (ticket {n}).",
           "Leuk om te horen! Over {n} weken komt er weer een nieuwe voorraad binnen.",
           "Dat klopt, een onderhoudsbeurt kost bij ons vanaf {n} euro.",
           "Sorry voor het wachten, er zit nu iemand op je vraag over bestelling {n}."]
THREAD = ["(2/2) De openingstijden en prijzen staan ook in de winkel aangegeven.",
          "Aanvulling: reserveren is niet nodig, loop gerust binnen.",
          "En voor wie vroeg naar de kleur: hij is er ook in donkergroen."]


def compose(p: Profile, index: int, parts: list[list[str]]) -> str:
    pick = random.Random(f"bluesky/{p.handle}/{index}")
    return " ".join(pick.choice(options) for options in parts)


def author_view(handle: str, name: str, avatar: str | None,
                created: datetime) -> dict[str, Any]:
    view: dict[str, Any] = {"did": did_for(handle), "handle": handle, "displayName": name}
    if avatar:
        view["avatar"] = avatar
    view.update({"associated": {"activitySubscription": {"allowSubscriptions": "followers"}},
                 "labels": [], "createdAt": stamp(created, 602)})
    return view


def avatar_url(p: Profile) -> str | None:
    if not p.avatar:
        return None
    return f"https://cdn.bsky.app/img/avatar/plain/{p.did}/{cid_for(p.handle + '/avatar')}@jpeg"


def banner_url(p: Profile) -> str | None:
    if not p.banner:
        return None
    return f"https://cdn.bsky.app/img/banner/plain/{p.did}/{cid_for(p.handle + '/banner')}@jpeg"


def own_author(p: Profile) -> dict[str, Any]:
    return author_view(p.handle, p.display_name, avatar_url(p), p.created)


def other_author(index: int) -> dict[str, Any]:
    handle, name = OTHERS[index % len(OTHERS)]
    return author_view(handle, name, None, datetime(2023, 5, 2, tzinfo=UTC))


def post_view(author: dict[str, Any], when: datetime, seq: int, record: dict[str, Any],
              counts: int = 0) -> dict[str, Any]:
    uri = f"at://{author['did']}/app.bsky.feed.post/{tid(when, seq)}"
    return {"uri": uri, "cid": cid_for(uri), "author": author,
            "record": {"$type": "app.bsky.feed.post", "createdAt": stamp(when, seq * 37),
                       "langs": ["nl"], **record},
            "replyCount": counts % 4, "repostCount": counts % 3, "likeCount": counts % 9,
            "quoteCount": 0, "indexedAt": stamp(when + timedelta(seconds=1), seq * 37 + 250),
            "labels": []}


def ref(view: dict[str, Any]) -> dict[str, str]:
    return {"uri": view["uri"], "cid": view["cid"]}


def with_link(text: str, link: str) -> dict[str, Any]:
    """A record whose text ends in a link, with its link facet (byte offsets, as in UTF-8)."""
    shown = link.removeprefix("https://")
    full = f"{text} {shown}"
    start = len(f"{text} ".encode())
    return {"text": full, "facets": [{
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
        "index": {"byteStart": start, "byteEnd": start + len(shown.encode())}}]}


def entry(p: Profile, index: int, age: float, kind: Kind) -> dict[str, Any]:
    """One feedViewPost of the account's author feed."""
    when = AS_OF - timedelta(days=age) - timedelta(minutes=(index * 23 + 7) % 59)
    me = own_author(p)
    if kind == "repost":
        other = other_author(index)
        original = post_view(other, when - timedelta(hours=5), index + 500, {
            "text": "Zondag fietsen we met de buurt naar de markt, iedereen is welkom."},
            counts=index)
        repost_uri = f"at://{p.did}/app.bsky.feed.repost/{tid(when, index)}"
        return {"post": original, "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost", "by": me, "uri": repost_uri,
            "cid": cid_for(repost_uri), "indexedAt": stamp(when, index * 11)}}
    if kind == "original":
        text = compose(p, index, [OPENERS, SUBJECTS, ENDINGS])
        record = with_link(text, f"{p.site}/nieuws/{index}") if p.site and index % 6 == 0 \
            else {"text": text}
        return {"post": post_view(me, when, index, record, counts=index)}
    if kind == "reply":
        other = other_author(index)
        parent = post_view(other, when - timedelta(hours=2), index + 700,
                           {"text": "Is mijn fiets al klaar? En wat kost een nieuwe ketting?"})
        record = {"text": compose(p, index, [REPLIES]).format(n=index + 3),
                  "reply": {"root": ref(parent), "parent": ref(parent)}}
        post = post_view(me, when, index, record, counts=index)
        if index % 4 == 0:
            # the parent was deleted: the view says so and only the record names its author
            gone = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": parent["uri"],
                    "notFound": True}
            return {"post": post, "reply": {"root": gone, "parent": gone}}
        parent_view = {"$type": "app.bsky.feed.defs#postView", **parent}
        return {"post": post, "reply": {"root": parent_view, "parent": parent_view}}
    # self_reply: continuing its own thread
    parent = post_view(me, when - timedelta(minutes=4), index + 900,
                       {"text": compose(p, index + 1000, [OPENERS, SUBJECTS, ENDINGS])})
    record = {"text": THREAD[index % len(THREAD)],
              "reply": {"root": ref(parent), "parent": ref(parent)}}
    parent_view = {"$type": "app.bsky.feed.defs#postView", **parent}
    return {"post": post_view(me, when, index, record, counts=index),
            "reply": {"root": parent_view, "parent": parent_view}}


def profile_view(p: Profile, entries: list[dict[str, Any]]) -> dict[str, Any]:
    view: dict[str, Any] = {"did": p.did, "handle": p.handle}
    if p.display_name:
        view["displayName"] = p.display_name
    if avatar_url(p):
        view["avatar"] = avatar_url(p)
    view.update({
        "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False,
                       "chat": {"allowIncoming": "following"},
                       "activitySubscription": {"allowSubscriptions": "followers"}},
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [{"src": p.did, "uri": f"at://{p.did}/app.bsky.actor.profile/self",
                    "cid": cid_for(p.did + label), "val": label,
                    "cts": "1970-01-01T00:00:00.000Z"} for label in p.labels],
        "createdAt": stamp(p.created, 85),
    })
    if p.description is not None:
        view["description"] = p.description
    view["indexedAt"] = stamp(p.created + timedelta(days=30), 340)
    if banner_url(p):
        view["banner"] = banner_url(p)
    view.update({"followersCount": 140 + len(p.handle) * 29, "followsCount": 96,
                 "postsCount": p.posts_count if p.posts_count is not None else len(entries)})
    if p.pinned is not None:
        view["pinnedPost"] = ref(entries[p.pinned]["post"])
    return view


def feed_url(p: Profile, cursor: str | None = None) -> str:
    url = (f"{ENDPOINT}/xrpc/app.bsky.feed.getAuthorFeed?actor={p.did}"
           f"&filter=posts_with_replies&includePins=true&limit={PAGE_SIZE}")
    return url + (f"&cursor={quote(cursor, safe='')}" if cursor else "")


def cursor_of(item: dict[str, Any]) -> str:
    reason = item.get("reason") or {}
    return reason.get("indexedAt") or item["post"]["record"]["createdAt"]


def write_profile(out: Writer, p: Profile) -> None:
    stem = f"bluesky/{p.handle.split('.')[0]}"
    profile = f"{ENDPOINT}/xrpc/app.bsky.actor.getProfile?actor={p.handle}"
    if p.error is not None:
        status, error, message = p.error
        out.add_json(profile, status, f"{stem}-profile.json",
                     {"error": error, "message": message})
        return
    entries = [entry(p, i, age, kind) for i, (age, kind) in enumerate(p.posts)]
    out.add_json(profile, 200, f"{stem}-profile.json", profile_view(p, entries))
    if p.labels:
        return  # the adapter stops at the label: no feed is asked for
    avatar = avatar_url(p)
    if avatar:
        out.add(avatar, 200, {"Content-Type": "image/png"}, f"{stem}-avatar.png",
                tiny_png(LOGO_COLOURS[p.organisation]))
    cursor: str | None = None
    for number in range(1, p.pages + 1):
        chunk = entries[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        if number == 1 and p.pinned is not None:
            chunk = [{**entries[p.pinned], "reason": {"$type": "app.bsky.feed.defs#reasonPin"}},
                     *chunk]
        body: dict[str, Any] = {"feed": chunk}
        if chunk and (number < p.pages or p.last_page_cursor):
            body["cursor"] = cursor_of(chunk[-1])
        out.add_json(feed_url(p, cursor), 200, f"{stem}-feed-{number}.json", body)
        cursor = body.get("cursor")


def series(count: int, first_age: float, step: float,
           kind_of: Callable[[int], Kind]) -> list[tuple[float, Kind]]:
    return [(round(first_age + i * step, 3), kind_of(i)) for i in range(count)]


def conversational(i: int) -> Kind:
    return {2: "reply", 5: "reply", 7: "self_reply", 8: "repost"}.get(i % 10, "original")


def some_replies(i: int) -> Kind:
    return "reply" if i % 3 == 1 else "original"


PROFILES = [
    Profile("spaakfietsen.example", "Spaak Fietsen", "ok", [],
            "healthy and conversational: a pinned post, replies, threads and reposts; the "
            "second feed page reaches past the 90-day window, so paging stops there",
            display_name="Spaak Fietsen",
            description=("Fietsenwinkel en werkplaats in Utrecht sinds 1987. Reparaties, "
                         "verhuur en advies.\n📞 030 123 4567 · ✉️ info@spaak.example\n"
                         "https://www.spaak.example"),
            posts_count=1312, posts=series(130, 0.3, 0.75, conversational), pinned=9,
            pages=2, last_page_cursor=True, site="https://www.spaak.example"),
    Profile("rateltweewielers.example", "Ratel Tweewielers", "ok", ["DEAD"],
            "a complete profile whose newest post is 150 days old; the feed ends there",
            display_name="Ratel Tweewielers",
            description=("Tweewielers, onderhoud en verhuur in Amersfoort. Bel ons: "
                         "+31 33 765 4321 of kijk op www.ratel.example"),
            created=datetime(2024, 2, 6, 14, 3, 51, tzinfo=UTC), posts_count=25,
            posts=series(25, 150.0, 6.0, some_replies)),
    Profile("ratelverhuur.example", "Ratel Tweewielers", "not_found", ["GONE"],
            "an old handle still listed: the API says Profile not found (HTTP 400)",
            error=(400, "InvalidRequest", "Profile not found")),
    Profile("velovlot.example", "Velo Vlot", "ok", ["INCOMPLETE"],
            "active and chatty, but no avatar, no banner and an empty description; three full "
            "feed pages, so the page cap stops paging",
            display_name="Velo Vlot", avatar=False, banner=False,
            posts_count=388, posts=series(300, 0.4, 0.18, some_replies), pages=3,
            last_page_cursor=True),
    Profile("velovlotdeals.example", "Velo Vlot", "blocked", ["UNAUDITABLE"],
            "the account asked not to be shown to logged-out readers (!no-unauthenticated)",
            display_name="Velo Vlot Deals",
            description="Aanbiedingen van Velo Vlot. deals@velovlot.example",
            posts_count=57, posts=series(5, 3.0, 2.0, some_replies),
            labels=["!no-unauthenticated"]),
]


def build(out: Writer) -> list[Expect]:
    for p in PROFILES:
        write_profile(out, p)
    return [Expect(url=p.url, organisation=p.organisation, outcome=p.outcome, flags=p.flags,
                   why=p.why, platform="bluesky") for p in PROFILES]
