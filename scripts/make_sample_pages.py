#!/usr/bin/env python3
"""Generate sample_pages/: the hand-made payloads behind the demo audit.

Mastodon's profiles are declared in this file; every other platform has its builder in
``scripts/samples/<platform>.py`` (see scripts/samples/__init__.py).

The Mastodon payloads are modelled on the real ones in ../shared/realcases/mastodon (field names,
HTML in ``note`` and ``content``, snowflake ids, ``Link`` paging, date-only
``last_status_at``) but every account, post and host is invented: hosts end in
``.example`` so nothing here can reach a real server.

Each profile is declared once below with the outcome and flags it is *meant* to get;
those intentions are written to ``expected.json``, which the tests compare the tool's
verdicts against. Run from the repo root: ``python scripts/make_sample_pages.py``.
Only the standard library is used, and the output is deterministic.
"""

from __future__ import annotations

import importlib
import json
import random
import shutil
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samples.common import AS_OF, ORGANISATIONS, Expect, Writer

ROOT = Path(__file__).resolve().parent.parent / "sample_pages"
PAGE_SIZE = 40
#: Builders of the other platforms, in the order their profiles appear in the demo.
PLATFORM_MODULES = ("bluesky", "youtube", "telegram", "feed", "walled", "apis", "website")
ROBOTS = ("User-agent: *\nDisallow: /media_proxy/\nDisallow: /interact/\n")

Kind = str  # original | reply | self_reply | repost


@dataclass
class Profile:
    """One demo profile and what the audit is meant to say about it."""

    host: str
    user: str
    account_id: str
    organisation: str
    outcome: str
    flags: list[str]
    why: str
    status: int = 200
    error: str | None = None
    display_name: str = ""
    note: str = ""
    avatar: bool = True
    header: bool = True
    fields: list[dict[str, Any]] = field(default_factory=list)
    created: datetime = datetime(2019, 3, 4, tzinfo=UTC)
    statuses_count: int | None = None
    moved_to: str | None = None
    #: ages in days of the posts, newest first, and the kind of each
    posts: list[tuple[float, Kind]] = field(default_factory=list)
    #: pages of statuses recorded; the last recorded page links to an unrecorded next one
    pages: int = 1
    last_page_links_next: bool = False
    #: Posts go out from a scheduler, always at the same minute past the hour.
    scheduled: bool = False

    @property
    def url(self) -> str:
        return f"https://{self.host}/@{self.user}"


def snowflake(when: datetime, seq: int) -> str:
    """Mastodon-style id: milliseconds since the epoch shifted left 16 bits."""
    return str((int(when.timestamp() * 1000) << 16) | (seq & 0xFFFF))


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def website_field(site: str, verified: bool = True) -> dict[str, Any]:
    bare = site.removeprefix("https://")
    return {"name": "Website",
            "value": (f'<a href="{site}/" target="_blank" rel="nofollow noopener me" '
                      f'translate="no"><span class="invisible">https://</span>'
                      f'<span class="">{bare}/</span><span class="invisible"></span></a>'),
            "verified_at": "2025-02-14T09:21:40.512+00:00" if verified else None}


def plain_field(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "value": value, "verified_at": None}


def account(p: Profile) -> dict[str, Any]:
    origin = f"https://{p.host}"
    shard = "/".join(p.account_id[i:i + 3] for i in range(0, 9, 3))
    avatar = (f"{origin}/system/accounts/avatars/{shard}/original/{p.account_id[-8:]}.png"
              if p.avatar else f"{origin}/avatars/original/missing.png")
    header = (f"{origin}/system/accounts/headers/{shard}/original/{p.account_id[-8:]}.jpg"
              if p.header else f"{origin}/headers/original/missing.png")
    newest = min((age for age, _ in p.posts), default=None)
    data: dict[str, Any] = {
        "id": p.account_id, "username": p.user, "acct": p.user,
        "display_name": p.display_name, "locked": False, "bot": False,
        "discoverable": True, "indexable": True, "group": False,
        "created_at": stamp(p.created),
        "note": p.note, "url": f"{origin}/@{p.user}", "uri": f"{origin}/users/{p.user}",
        "avatar": avatar, "avatar_static": avatar, "avatar_description": "",
        "header": header, "header_static": header, "header_description": "",
        "followers_count": 120 + len(p.user) * 37, "following_count": 80,
        "statuses_count": p.statuses_count if p.statuses_count is not None else len(p.posts),
        "last_status_at": ((AS_OF - timedelta(days=newest)).date().isoformat()
                           if newest is not None else None),
        "hide_collections": False, "noindex": False, "emojis": [], "roles": [],
        "fields": p.fields,
    }
    if p.moved_to:
        target_user = p.moved_to.rsplit("@", 1)[-1]
        data["moved"] = {**{k: data[k] for k in ("locked", "bot", "group", "emojis")},
                         "id": str(int(p.account_id) + 1), "username": target_user,
                         "acct": f"{target_user}@{p.moved_to.split('/')[2]}",
                         "display_name": p.display_name, "url": p.moved_to,
                         "note": "", "fields": []}
    return data


OTHERS = [("klant_anna", "fedi.example", "110203040506070801"),
          ("fietsfan", "mastodon.example", "110203040506070802"),
          ("buurtkrant", "nieuws.example", "110203040506070803")]

#: Posts are composed from these parts, chosen per profile and post, so that two
#: profiles never share a text by accident (shared texts are cross-posting evidence).
OPENERS = ["Nieuw binnen:", "Werkplaatstip:", "Deze week:", "Goed nieuws:", "Let op:",
           "Vandaag in de winkel:", "Uit de werkplaats:", "Voor de liefhebber:"]
SUBJECTS = ["stadsfietsen met naafdynamo", "bandenspanning elke twee weken controleren",
            "winterbanden voor de bakfiets", "kettingolie die niet spettert",
            "elektrische vouwfietsen om te proberen", "een gratis lichtcheck bij de kassa",
            "zadels op maat voor lange ritten", "kinderzitjes van gerecycled plastic",
            "remblokken voor natte dagen", "fietstassen die echt waterdicht zijn"]
ENDINGS = ["Kom gerust langs.", "Vraag ernaar aan de balie.", "Dank aan het team!",
           "De koffie staat klaar.", "Zolang de voorraad strekt.", "Tot zaterdag!",
           "Reserveren kan online.", "Neem je oude fiets mee."]
REPLIES = ["Goede vraag! Een nieuwe ketting kost bij ons {n} euro inclusief montage.",
           "Dank je voor de melding, we bellen je vandaag nog terug over reparatie {n}.",
           "Klopt, de bakfiets is ook te huur per dag; er staan er nu {n} klaar.",
           "Fijn dat je tevreden bent! Over {n} maanden graag weer een onderhoudsbeurt.",
           "Helaas is die maat op, maar over {n} dagen komt er een nieuwe levering."]


def compose(p: Profile, index: int, parts: list[list[str]]) -> str:
    """A post text picked per profile and post.

    For originals, the profiles of one organisation talk about different subjects, so
    their texts never look alike by accident (alike texts are cross-posting evidence).
    """
    pick = random.Random(f"{p.host}/{p.user}/{index}")
    if parts == [OPENERS, SUBJECTS, ENDINGS]:
        siblings = [q.user for q in PROFILES if q.organisation == p.organisation]
        share = siblings.index(p.user) % 3
        parts = [OPENERS, SUBJECTS[share::3], ENDINGS]
    return " ".join(pick.choice(options) for options in parts)


def status(p: Profile, index: int, age: float, kind: Kind) -> dict[str, Any]:
    origin = f"https://{p.host}"
    when = AS_OF - timedelta(days=age)
    if not p.scheduled:
        when -= timedelta(minutes=(index * 17) % 53)  # people post at any minute
    sid = snowflake(when, index)
    other_user, other_host, other_id = OTHERS[index % len(OTHERS)]
    base: dict[str, Any] = {
        "id": sid, "created_at": stamp(when), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
        "visibility": "public", "language": "nl",
        "uri": f"{origin}/users/{p.user}/statuses/{sid}", "url": f"{origin}/@{p.user}/{sid}",
        "replies_count": index % 4, "reblogs_count": index % 3, "favourites_count": index % 7,
        "edited_at": None, "pinned": False, "reblog": None, "media_attachments": [],
        "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None,
        "account": {"id": p.account_id, "username": p.user, "acct": p.user,
                    "url": f"{origin}/@{p.user}"},
    }
    if kind == "original":
        base["content"] = f"<p>{compose(p, index, [OPENERS, SUBJECTS, ENDINGS])}</p>"
    elif kind == "reply":
        base["in_reply_to_id"] = snowflake(when - timedelta(hours=2), index + 7)
        base["in_reply_to_account_id"] = other_id
        base["mentions"] = [{"id": other_id, "username": other_user,
                             "acct": f"{other_user}@{other_host}",
                             "url": f"https://{other_host}/@{other_user}"}]
        base["content"] = (
            f'<p><span class="h-card" translate="no"><a href="https://{other_host}/@{other_user}"'
            f' class="u-url mention">@<span>{other_user}</span></a></span> '
            f"{compose(p, index, [REPLIES]).format(n=index + 2)}</p>")
    elif kind == "self_reply":
        base["in_reply_to_id"] = snowflake(when - timedelta(minutes=5), index + 3)
        base["in_reply_to_account_id"] = p.account_id
        base["content"] = "<p>(2/2) Meer details staan op onze website.</p>"
    else:  # repost: the wrapper is the account's own item, dated when it boosted
        inner_when = when - timedelta(hours=6)
        inner_id = snowflake(inner_when, index + 5)
        base["content"] = ""
        base["uri"] = f"{origin}/users/{p.user}/statuses/{sid}/activity"
        base["url"] = None
        base["reblog"] = {
            "id": inner_id, "created_at": stamp(inner_when), "in_reply_to_id": None,
            "in_reply_to_account_id": None, "visibility": "public",
            "uri": f"https://{other_host}/users/{other_user}/statuses/{inner_id}",
            "url": f"https://{other_host}/@{other_user}/{inner_id}",
            "content": "<p>Fietsen naar je werk scheelt een hoop files. 🚲</p>",
            "account": {"id": other_id, "username": other_user,
                        "acct": f"{other_user}@{other_host}",
                        "url": f"https://{other_host}/@{other_user}"},
            "reblog": None, "mentions": [], "tags": [], "emojis": [], "media_attachments": [],
        }
    return base


def series(count: int, first_age: float, step: float,
           kind_of: Callable[[int], Kind]) -> list[tuple[float, Kind]]:
    return [(first_age + i * step, kind_of(i)) for i in range(count)]


def conversational(i: int) -> Kind:
    return {5: "reply", 6: "reply", 7: "reply", 8: "self_reply", 9: "repost"}.get(i % 10,
                                                                                  "original")


def broadcasting(i: int) -> Kind:
    if i in (3, 50):
        return "reply"
    return "repost" if i % 8 == 7 else "original"


def some_replies(i: int) -> Kind:
    return "reply" if i % 3 == 1 else "original"


def bio(text: str) -> str:
    return "".join(f"<p>{part}</p>" for part in text.split("\n"))


PROFILES = [
    # -- Spaak, the client ---------------------------------------------------------------
    Profile("mastodon.example", "spaak", "109876543210000001", "Spaak Fietsen", "ok", [],
            "healthy and conversational: 3 full pages in the window, the page cap stops paging",
            display_name="Spaak Fietsen",
            note=bio("Fietsenwinkel en werkplaats in Utrecht sinds 1987.\n"
                     "Vragen? Mail info@spaak.example of bel 030 123 4567."),
            fields=[website_field("https://www.spaak.example"),
                    plain_field("Open", "di–za 9–17 uur")],
            statuses_count=2140, posts=series(120, 0.5, 0.6, conversational), pages=3,
            last_page_links_next=True),
    Profile("mastodon.example", "spaaknieuws", "109876543210000002", "Spaak Fietsen", "ok",
            ["AUTOMATED", "BROADCAST_ONLY", "INCONSISTENT"],
            "posts news every other day from a scheduler (always at minute 00) and almost "
            "never answers anyone; the shop's website does not link to it",
            display_name="Spaak Nieuws",
            note=bio("Nieuws, acties en openingstijden van Spaak Fietsen. "
                     "Contact: nieuws@spaak.example"),
            fields=[website_field("https://www.spaak.example")],
            statuses_count=812, posts=series(80, 1.0, 1.5, broadcasting), pages=2,
            last_page_links_next=True, scheduled=True),
    Profile("mastodon.example", "spaak_oud", "0", "Spaak Fietsen", "not_found", ["GONE"],
            "an old handle still listed: the server says 404", status=404,
            error="Record not found"),
    # -- Ratel, a competitor -------------------------------------------------------------
    Profile("fedi.example", "ratel", "110000000000000101", "Ratel Tweewielers", "ok", ["DEAD"],
            "complete profile, but the newest post is 200 days old",
            display_name="Ratel Tweewielers",
            note=bio("Tweewielers, onderhoud en verhuur in Amersfoort. "
                     "Bel ons: +31 33 765 4321"),
            fields=[website_field("https://www.ratel.example")],
            statuses_count=25, posts=series(25, 200.0, 4.0, some_replies)),
    Profile("fedi.example", "ratelwerkplaats", "110000000000000102", "Ratel Tweewielers", "ok",
            ["INCONSISTENT", "STALE"],
            "newest post 45 days ago: slowing down, not dead yet; links to an old booking "
            "site instead of the shop's website",
            display_name="Ratel Werkplaats",
            note=bio("De werkplaats van Ratel. Afspraak maken: werkplaats@ratel.example"),
            fields=[website_field("https://afspraak.ratelwerkplaats.example")],
            statuses_count=311, posts=series(30, 45.0, 3.0, some_replies),
            last_page_links_next=True),
    Profile("closed.example", "ratel", "0", "Ratel Tweewielers", "blocked", ["UNAUDITABLE"],
            "a server that closes its API to logged-out clients (401)", status=401,
            error="This API requires an authenticated user"),
    # -- Velo Vlot, a competitor ---------------------------------------------------------
    Profile("mastodon.example", "velovlot", "109876543210000011", "Velo Vlot", "ok",
            ["INCOMPLETE"], "active and chatty, but default avatar and header, no name, no bio",
            avatar=False, header=False, statuses_count=40,
            posts=series(40, 2.0, 1.0, some_replies)),
    Profile("mastodon.example", "velovlot_nl", "109876543210000012", "Velo Vlot", "ok",
            ["INCONSISTENT", "NEVER_USED"],
            "registered, one post ever, then nothing; forgotten: the website does not link "
            "to it",
            display_name="Velo Vlot Nederland",
            note=bio("Velo Vlot in Nederland: e-bikes voor woon-werkverkeer. "
                     "hallo@velovlot.example"),
            fields=[website_field("https://www.velovlot.example", verified=False)],
            statuses_count=1, created=datetime(2025, 12, 1, tzinfo=UTC),
            posts=[(300.0, "original")]),
    Profile("mastodon.example", "velovlot_promo", "0", "Velo Vlot", "gone", ["GONE"],
            "suspended: the server answers 410", status=410, error="Gone"),
    Profile("fedi.example", "velovlot_oud", "110000000000000111", "Velo Vlot", "gone", ["GONE"],
            "the account moved to another one and is no longer used",
            display_name="Velo Vlot (verhuisd)", note=bio("We zijn verhuisd!"),
            statuses_count=57, moved_to="https://mastodon.example/@velovlot",
            posts=[(420.0, "original")]),
]

def tiny_png(colour: tuple[int, int, int]) -> bytes:
    """A valid 1x1 PNG of one colour: an avatar the crawl can fetch and hash."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(colour))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


#: Each organisation's logo; a profile can use another picture (``avatar_colour``).
LOGO_COLOURS = {"Spaak Fietsen": (200, 30, 40), "Ratel Tweewielers": (20, 90, 160),
                "Velo Vlot": (30, 150, 60)}


def write_profile(out: Writer, p: Profile) -> None:
    origin = f"https://{p.host}"
    stem = f"mastodon/{p.host.split('.')[0]}-{p.user}"
    if p.status == 200 and p.avatar and not p.moved_to:
        avatar = account(p)["avatar"]
        out.add(avatar, 200, {"Content-Type": "image/png"}, f"{stem}-avatar.png",
                tiny_png(LOGO_COLOURS[p.organisation]))
    lookup = f"{origin}/api/v1/accounts/lookup?acct={p.user}"
    if p.status != 200:
        out.add_json(lookup, p.status, f"{stem}-lookup.json", {"error": p.error})
        return
    out.add_json(lookup, 200, f"{stem}-lookup.json", account(p))
    if p.moved_to:
        return  # the adapter stops at the move: no statuses are asked for
    statuses = [status(p, i, age, kind) for i, (age, kind) in enumerate(p.posts)]
    api = f"{origin}/api/v1/accounts/{p.account_id}/statuses"
    url = f"{api}?limit={PAGE_SIZE}"
    for number in range(1, p.pages + 1):
        chunk = statuses[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        headers: dict[str, str] = {}
        is_last = number == p.pages
        if chunk and (not is_last or p.last_page_links_next):
            next_url = f"{api}?limit={PAGE_SIZE}&max_id={chunk[-1]['id']}"
            prev_url = f"{api}?limit={PAGE_SIZE}&min_id={chunk[0]['id']}"
            headers["Link"] = f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'
        out.add_json(url, 200, f"{stem}-statuses-{number}.json", chunk, headers)
        if "Link" in headers:
            url = next_url


def demo_toml(expects: list[Expect]) -> str:
    lines = ['# The demo audit: a bicycle shop (the client) and two competitors, on invented',
             '# servers and every public platform. Run it offline from the recorded pages:',
             '#   auditor audit sample_pages/demo.toml --replay sample_pages --out demo-report',
             '', '[audit]', 'name = "Demo: Spaak Fietsen and competitors"',
             'as_of = "2026-11-01"  # the pages were made for this date',
             '# What a person saw on the profiles the crawl cannot read (LinkedIn, X,',
             '# Instagram): the observation sheet, as Excel with Dutch settings saves it.',
             '# Write a blank one for any config with: auditor sheet CONFIG',
             'observations = "observations.csv"',
             'timezone = "Europe/Amsterdam"  # post times, dates and the hour charts in Dutch time',
             '',
             '[branding]  # the agency that hands the report over: name and logo in report.html',
             'name = "Bureau Voorbeeld (demo)"', 'logo = "agency-logo.svg"', '',
             '# Two earlier monthly audits, so that the first run of the demo already shows '
             'trends',
             '# and what changed since last month: they start an empty history (nothing is '
             'fetched).',
             "# Made by scripts/make_demo_history.py from the demo's own pages, turned back in "
             "time.",
             '[[history.earlier]]', 'as_of = 2026-09-01',
             'records = "history/2026-09-01.records.jsonl"', '',
             '[[history.earlier]]', 'as_of = 2026-10-01',
             'records = "history/2026-10-01.records.jsonl"', '',
             '[thresholds]  # the defaults, written out so they are easy to try changing',
             'dead_after_days = 90', 'stale_after_days = 30', '',
             '# X is read through its paid API with your own token (docs/platforms.md):',
             '# "posts" reads the recent posts too; the run stops before it could cost more.',
             '# The demo replays recorded answers: nothing is paid, no token is needed.',
             '[x]', 'depth = "posts"', 'max_cost_usd = 1.00', '']
    for name, role, website in ORGANISATIONS:
        urls = [e.extra.get("listed_as", e.url) for e in expects if e.organisation == name]
        lines += ['[[organisation]]', f'name = "{name}"', f'role = "{role}"',
                  f'website = "{website}"', 'profiles = [']
        lines += [f'  "{u}",' for u in urls]
        lines += [']', '']
    return "\n".join(lines)


def readme(expects: list[Expect]) -> str:
    rows = "\n".join(f"| {e.platform} | {e.url} | {e.outcome} | {', '.join(e.flags) or '—'} "
                     f"| {e.why} |" for e in expects)
    return f"""# Sample pages

Hand-made answers of every platform for the demo audit (`demo.toml`), served by `--replay`
from `manifest.json` and, in the end-to-end tests, by local HTTP servers on 127.0.0.x.
They are modelled on the real payloads in `../shared/realcases/` but every account, post
and host is invented (hosts end in `.example`, or are the platforms' own hosts serving
invented accounts). The audit date is 2026-11-01: post dates are counted back from it.

Do not edit the files by hand: change `scripts/make_sample_pages.py` (Mastodon) or
`scripts/samples/<platform>.py` and run `python scripts/make_sample_pages.py`.
`expected.json` holds what each profile is *meant* to get; the tests check the tool
against it.

| platform | profile | outcome | flags | what it shows |
|---|---|---|---|---|
{rows}
"""


def write_manifest(path: Path, responses: list[dict[str, Any]], strip: str = "") -> None:
    """manifest.json for ``responses``; ``strip`` removes a folder prefix from body names."""
    entries = [{**r, "body": r["body"].removeprefix(strip)} if r.get("body") else r
               for r in responses]
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"responses": entries}, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def build_platform(out: Writer, name: str) -> list[Expect]:
    """Run one platform's builder; its pages also get a manifest of their own in its folder."""
    module = importlib.import_module(f"samples.{name}")
    folder = ROOT / name
    if folder.exists():
        shutil.rmtree(folder)
    first = len(out.responses)
    expects: list[Expect] = module.build(out)
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest(folder / "manifest.json", out.responses[first:], strip=f"{name}/")
    return expects


def main(argv: list[str]) -> None:
    if argv[:1] == ["--only"] and len(argv) == 2:
        # One platform's folder and its own manifest only: the top-level files stay as
        # they are (for work on one builder while others change theirs).
        expects = build_platform(Writer(ROOT), argv[1])
        print(f"wrote sample_pages/{argv[1]}/ ({len(expects)} demo profiles)")
        return
    ROOT.mkdir(exist_ok=True)
    if (ROOT / "mastodon").exists():
        shutil.rmtree(ROOT / "mastodon")  # the other folders are rebuilt by build_platform
    out = Writer(ROOT)
    out.add("https://mastodon.example/robots.txt", 200,
            {"Content-Type": "text/plain; charset=utf-8"}, "mastodon/mastodon-robots.txt",
            ROBOTS)
    for profile in PROFILES:
        write_profile(out, profile)
    write_manifest(ROOT / "mastodon" / "manifest.json", out.responses, strip="mastodon/")
    expects = [Expect(url=p.url, organisation=p.organisation, outcome=p.outcome,
                      flags=p.flags, why=p.why, platform="mastodon") for p in PROFILES]
    chosen = PLATFORM_MODULES
    if argv[:1] == ["--platforms"] and len(argv) == 2:
        chosen = tuple(name for name in PLATFORM_MODULES if name in argv[1].split(","))
    for name in chosen:
        if (Path(__file__).resolve().parent / "samples" / f"{name}.py").exists():
            expects.extend(build_platform(out, name))
    write_manifest(ROOT / "manifest.json", out.responses)
    expected = {e.url: {"outcome": e.outcome, "flags": e.flags, "why": e.why}
                for e in expects}
    (ROOT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False)
                                        + "\n", encoding="utf-8")
    (ROOT / "demo.toml").write_text(demo_toml(expects), encoding="utf-8")
    (ROOT / "README.md").write_text(readme(expects), encoding="utf-8")
    print(f"wrote {len(out.responses)} responses for {len(expects)} profiles to {ROOT}")


if __name__ == "__main__":
    main(sys.argv[1:])
