"""Sample pages for YouTube: channel pages with ``ytInitialData`` and uploads feeds.

Modelled on the real payloads in ../shared/realcases/youtube (a channel page whose
``var ytInitialData = {...};`` holds a ``c4TabbedHeaderRenderer`` with avatar, banner and
a ``youtube.com/redirect?q=`` header link plus ``channelMetadataRenderer``; a removed
channel's ERROR alert; ``videos.xml`` Atom feeds with ``yt:videoId``, ``published`` and
``media:group``) but every channel, video and id is invented. The pages are served on
YouTube's own host, since the profile URLs are YouTube's.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from samples.common import AS_OF, HTML, Expect, Writer

BASE = "https://www.youtube.com"
ATOM = {"Content-Type": "text/xml; charset=UTF-8"}
YT3 = "https://yt3.googleusercontent.com"


def channel_id(seed: str) -> str:
    """A made-up but well-formed channel id: UC and 22 characters."""
    body = "".join(ch for ch in seed if ch.isalnum())
    return ("UC" + (body + "0123456789abcdefghijklmnop")[:22])


def video_id(seed: str, index: int) -> str:
    """A made-up 11-character video id."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    value = sum(ord(ch) * (i + 7) for i, ch in enumerate(seed)) * 7919 + index * 104729
    chars = []
    for _ in range(11):
        chars.append(alphabet[value % 64])
        value = value // 64 + index * 31 + 17
    return "".join(chars)


def ago(days: float, minute: int) -> datetime:
    """A moment ``days`` before AS_OF at ``minute`` past the hour (uploads vary)."""
    return (AS_OF - timedelta(days=days)).replace(minute=minute % 60, second=(minute * 13) % 60)


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def thumbnails(url: str, sizes: list[int], banner: bool = False) -> dict:
    items = []
    for size in sizes:
        if banner:
            items.append({"url": f"{url}=w{size}-fcrop64=1,00005a57ffffa5a8-k-c0xffffffff-no-nd-rj",
                          "width": size, "height": size * 100 // 604})
        else:
            items.append({"url": f"{url}=s{size}-c-k-c0x00ffffff-no-rj",
                          "width": size, "height": size})
    return {"thumbnails": items}


def redirect_link(target: str) -> str:
    return (f"{BASE}/redirect?event=channel_header&redir_token=QUFFLUhqbURlbW8&q="
            f"{quote(target, safe='')}")


def header_links(target: str, label: str) -> dict:
    url = redirect_link(target)
    return {"channelHeaderLinksViewModel": {"firstLink": {
        "content": label,
        "commandRuns": [{"startIndex": 0, "length": len(label), "onTap": {"innertubeCommand": {
            "commandMetadata": {"webCommandMetadata": {
                "url": url, "webPageType": "WEB_PAGE_TYPE_UNKNOWN", "rootVe": 83769}},
            "urlEndpoint": {"url": url, "target": "TARGET_NEW_WINDOW"}}}}],
    }}}


def initial_data(*, cid: str, title: str, handle: str, description: str, avatar: str | None,
                 banner: str | None, link: tuple[str, str] | None, videos: str,
                 subscribers: str) -> dict:
    header: dict = {
        "channelId": cid,
        "title": title,
        "navigationEndpoint": {
            "commandMetadata": {"webCommandMetadata": {
                "url": f"/@{handle}", "webPageType": "WEB_PAGE_TYPE_CHANNEL", "rootVe": 3611,
                "apiUrl": "/youtubei/v1/browse"}},
            "browseEndpoint": {"browseId": cid, "canonicalBaseUrl": f"/@{handle}"}},
        "subscribeButton": {"buttonRenderer": {"style": "STYLE_DESTRUCTIVE", "text": {
            "runs": [{"text": "Subscribe"}]}}},
        "subscriberCountText": {"accessibility": {"accessibilityData": {
            "label": subscribers}}, "simpleText": subscribers},
        "channelHandleText": {"runs": [{"text": f"@{handle}"}]},
        "style": "C4_TABBED_HEADER_RENDERER_STYLE_PAGE_HEADER",
        "videosCountText": {"runs": [{"text": videos.split()[0]},
                                     {"text": " " + videos.split()[1]}]},
        "trackingParams": "CA0Q8DsiEwjDemoSamplePages=",
    }
    avatar_block = None
    if avatar:
        avatar_block = thumbnails(avatar, [48, 88, 176]) if not avatar.endswith(
            "default-user") else {"thumbnails": [{"url": f"{avatar}=s100-c-k-c0x00ffffff-no-rj",
                                                  "width": 100, "height": 100}]}
        header["avatar"] = avatar_block
    if banner:
        header["banner"] = thumbnails(banner, [1060, 1707, 2560], banner=True)
    if link:
        header["headerLinks"] = header_links(*link)
    metadata: dict = {
        "title": title,
        "description": description,
        "rssUrl": f"{BASE}/feeds/videos.xml?channel_id={cid}",
        "externalId": cid,
        "keywords": "",
        "ownerUrls": [f"http://www.youtube.com/@{handle}"],
        "channelUrl": f"{BASE}/channel/{cid}",
        "isFamilySafe": True,
        "vanityChannelUrl": f"http://www.youtube.com/@{handle}",
    }
    if avatar_block:
        metadata["avatar"] = {"thumbnails": [avatar_block["thumbnails"][-1]]}
    return {
        "responseContext": {"serviceTrackingParams": [{"service": "GFEEDBACK", "params": [
            {"key": "route", "value": "channel."}, {"key": "browse_id", "value": cid},
            {"key": "logged_in", "value": "0"}]}]},
        "contents": {"twoColumnBrowseResultsRenderer": {"tabs": [{"tabRenderer": {
            "title": "Home", "selected": True, "content": {"sectionListRenderer": {
                "contents": []}}}}]}},
        "header": {"c4TabbedHeaderRenderer": header},
        "metadata": {"channelMetadataRenderer": metadata},
        "trackingParams": "CAAQhGciEwjDemoSamplePages=",
        "microformat": {"microformatDataRenderer": {
            "urlCanonical": f"{BASE}/channel/{cid}", "title": title,
            "description": description[:160]}},
    }


def channel_html(data: dict, *, cid: str, title: str, description: str,
                 avatar: str | None) -> str:
    image = f"{avatar}=s900-c-k-c0x00ffffff-no-rj" if avatar else ""
    og_description = description or "Share your videos with friends, family, and the world"
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html><html style="font-size: 10px;font-family: Roboto, Arial, sans-serif;"
 lang="en-GB"><head><meta http-equiv="X-UA-Compatible" content="IE=edge"/>
<title>{escape(title)} - YouTube</title>
<meta name="description" content={quoteattr(og_description[:160])}>
<meta property="og:title" content={quoteattr(title)}>
<meta property="og:site_name" content="YouTube">
<meta property="og:url" content="{BASE}/channel/{cid}">
<meta property="og:image" content="{image}">
<meta property="og:description" content={quoteattr(og_description[:160])}>
<meta property="og:type" content="profile">
<meta itemprop="name" content={quoteattr(title)}>
<meta itemprop="identifier" content="{cid}">
<link rel="canonical" href="{BASE}/channel/{cid}">
</head><body dir="ltr"><div id="content"></div>
<script nonce="c2FtcGxl">var ytInitialData = {payload};</script>
<script nonce="c2FtcGxl">if (window.ytcsi) {{window.ytcsi.tick("pdr", null, '');}}</script>
</body></html>
"""


def removed_html(cid: str, alert: str) -> str:
    data = {
        "responseContext": {"serviceTrackingParams": [{"service": "GFEEDBACK", "params": [
            {"key": "browse_id", "value": cid}, {"key": "logged_in", "value": "0"}]}]},
        "header": {"c4TabbedHeaderRenderer": {"channelId": cid, "avatar": {"thumbnails": [
            {"url": f"{YT3}/a/default-user=s100-c-k-c0x00ffffff-no-rj", "width": 100,
             "height": 100}]}}},
        "alerts": [{"alertRenderer": {"type": "ERROR", "text": {"simpleText": alert}}}],
        "trackingParams": "CAAQhGciEwjDemoRemoved=",
    }
    payload = json.dumps(data, ensure_ascii=False)
    return f"""<!DOCTYPE html><html lang="en-GB"><head>
<title>YouTube</title>
<meta property="og:site_name" content="YouTube">
</head><body><script nonce="c2FtcGxl">var ytInitialData = {payload};</script></body></html>
"""


def uploads_feed(*, cid: str, title: str, created: datetime,
                 uploads: list[tuple[str, str, datetime, bool, str]]) -> str:
    """videos.xml for (video id, title, published, is_short, description) newest first."""
    entries = []
    for vid, name, when, short, text in uploads:
        link = f"{BASE}/shorts/{vid}" if short else f"{BASE}/watch?v={vid}"
        entries.append(f""" <entry>
  <id>yt:video:{vid}</id>
  <yt:videoId>{vid}</yt:videoId>
  <yt:channelId>{cid}</yt:channelId>
  <title>{escape(name)}</title>
  <link rel="alternate" href="{link}"/>
  <author>
   <name>{escape(title)}</name>
   <uri>{BASE}/channel/{cid}</uri>
  </author>
  <published>{stamp(when)}</published>
  <updated>{stamp(when + timedelta(days=1, hours=3))}</updated>
  <media:group>
   <media:title>{escape(name)}</media:title>
   <media:content url="{BASE}/v/{vid}?version=3" type="application/x-shockwave-flash"
    width="640" height="390"/>
   <media:thumbnail url="https://i2.ytimg.com/vi/{vid}/hqdefault.jpg" width="480" height="360"/>
   <media:description>{escape(text)}</media:description>
   <media:community>
    <media:starRating count="{len(name) * 3}" average="5.00" min="1" max="5"/>
    <media:statistics views="{len(name) * 41}"/>
   </media:community>
  </media:group>
 </entry>""")
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015"
 xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={cid}"/>
 <id>yt:channel:{cid[2:]}</id>
 <yt:channelId>{cid}</yt:channelId>
 <title>{escape(title)}</title>
 <link rel="alternate" href="{BASE}/channel/{cid}"/>
 <author>
  <name>{escape(title)}</name>
  <uri>{BASE}/channel/{cid}</uri>
 </author>
 <published>{stamp(created)}</published>
{body}
</feed>
"""


# -- the demo channels -------------------------------------------------------------------

SPAAK_ID = channel_id("SpaakFietsenWerkplaats")
RATEL_ID = channel_id("RatelTweewielersKanaal")
VELO_ID = channel_id("VeloVlotFietsverhuur")
RATEL_OLD_ID = channel_id("RatelOudKanaalVerwijderd")

SPAAK_URL = f"{BASE}/@spaakfietsen"
RATEL_URL = f"{BASE}/channel/{RATEL_ID}"
VELO_URL = f"{BASE}/c/VeloVlot"
RATEL_OLD_URL = f"{BASE}/@ratelwerkplaats"

SPAAK_VIDEOS = [
    ("Ketting smeren in twee minuten #shorts", True),
    ("Zo maak je je fiets winterklaar: de hele werkplaatsroutine", False),
    ("Nieuwe Spaak Stadsfiets 3 van dichtbij bekeken", False),
    ("Band plakken zonder bandenlichters #shorts", True),
    ("Naafdynamo of batterijlamp? We zetten ze naast elkaar", False),
    ("Een dag meelopen met monteur Sanne", False),
    ("Remblokken wisselen bij een stadsfiets", False),
    ("Fietsverlichting: wat zegt de wet? #shorts", True),
    ("E-bike accu verzorgen in de winter", False),
    ("Najaarsrit langs de Vecht: de hele route", False),
    ("Tweedehands fiets kopen: waar let je op?", False),
    ("Versnellingskabel afstellen in vijf stappen", False),
    ("Bandenspanning meten: zo doe je dat", False),
    ("Zadel op de goede hoogte zetten #shorts", True),
    ("Rondleiding door de werkplaats aan de Biltstraat", False),
]

RATEL_VIDEOS = [
    ("Voorjaarsactie: gratis fietscheck bij Ratel", 214.0),
    ("Ratel Tweewielers opent tweede winkel", 251.0),
    ("Kinderfietsen: welke maat past?", 298.0),
    ("Onderhoudsbeurt: wat doen we precies?", 343.0),
    ("Nieuwe collectie bakfietsen 2025", 377.0),
    ("Welkom bij Ratel Tweewielers", 420.0),
]

VELO_VIDEOS = [
    ("Huurfiets ophalen op het station #shorts", True, 3.2),
    ("Fietsroute langs de Amstel voor huurders", False, 10.5),
    ("Zo werkt het slot van onze huurfietsen #shorts", True, 17.1),
    ("Groepsrit met twintig huurfietsen", False, 29.8),
    ("Fiets kapot onderweg? Dit doe je", False, 44.0),
    ("Velo Vlot: van reservering tot terugbrengen", False, 61.3),
]


def spaak_description() -> str:
    return ("Fietsenmaker Spaak in Utrecht sinds 1982. In onze werkplaats laten we zien hoe je "
            "je fiets zelf onderhoudt en wanneer je beter even langskomt.\n\n"
            "Vragen? Mail werkplaats@spaak.example of bel 030-1234567.\n"
            "Winkel en afspraken: https://www.spaak.example\n")


def video_text(title: str, site: str) -> str:
    return (f"{title}. In deze video nemen we je stap voor stap mee; de onderdelen die we "
            f"gebruiken vind je in de winkel of op {site}.\n\nMeer uitleg: {site}/werkplaats")


def build(out: Writer) -> list[Expect]:
    # Spaak: healthy, 15 uploads in the feed (the feed's limit), newest 1.4 days old.
    spaak = initial_data(
        cid=SPAAK_ID, title="Spaak Fietsen", handle="spaakfietsen",
        description=spaak_description(), avatar=f"{YT3}/ytc/SpaakDemoAvatarAbCdEf0123",
        banner=f"{YT3}/SpaakDemoBannerXyZ9876", link=("https://www.spaak.example",
                                                       "spaak.example"),
        videos="86 videos", subscribers="1,240 subscribers")
    out.add(SPAAK_URL, 200, HTML, "youtube/spaak-channel.html",
            channel_html(spaak, cid=SPAAK_ID, title="Spaak Fietsen",
                         description=spaak_description(),
                         avatar=f"{YT3}/ytc/SpaakDemoAvatarAbCdEf0123"))
    uploads = [(video_id("spaak", i), title, ago(1.4 + i * 4.1, 3 + i * 7), short,
                video_text(title, "https://www.spaak.example"))
               for i, (title, short) in enumerate(SPAAK_VIDEOS)]
    out.add(f"{BASE}/feeds/videos.xml?channel_id={SPAAK_ID}", 200, ATOM,
            "youtube/spaak-videos.xml",
            uploads_feed(cid=SPAAK_ID, title="Spaak Fietsen",
                         created=datetime(2014, 5, 2, 9, 12, 40, tzinfo=AS_OF.tzinfo),
                         uploads=uploads))

    # Ratel: a complete channel whose newest upload is 214 days old (6 uploads in all).
    ratel_description = ("Ratel Tweewielers: fietsen, e-bikes en onderhoud in Amersfoort. "
                         "Afspraak maken? Mail service@ratel.example of kijk op "
                         "https://www.ratel.example")
    ratel = initial_data(
        cid=RATEL_ID, title="Ratel Tweewielers", handle="rateltweewielers",
        description=ratel_description, avatar=f"{YT3}/ytc/RatelDemoAvatar4455",
        banner=f"{YT3}/RatelDemoBanner7788", link=("https://www.ratel.example",
                                                    "ratel.example"),
        videos="6 videos", subscribers="312 subscribers")
    out.add(RATEL_URL, 200, HTML, "youtube/ratel-channel.html",
            channel_html(ratel, cid=RATEL_ID, title="Ratel Tweewielers",
                         description=ratel_description, avatar=f"{YT3}/ytc/RatelDemoAvatar4455"))
    uploads = [(video_id("ratel", i), title, ago(days, 11 + i * 9), False,
                video_text(title, "https://www.ratel.example"))
               for i, (title, days) in enumerate(RATEL_VIDEOS)]
    out.add(f"{BASE}/feeds/videos.xml?channel_id={RATEL_ID}", 200, ATOM,
            "youtube/ratel-videos.xml",
            uploads_feed(cid=RATEL_ID, title="Ratel Tweewielers",
                         created=datetime(2021, 3, 18, 14, 2, 5, tzinfo=AS_OF.tzinfo),
                         uploads=uploads))

    # Velo Vlot: uploads weekly, but no description, the default avatar, no banner, no links.
    velo = initial_data(
        cid=VELO_ID, title="Velo Vlot", handle="velovlot", description="",
        avatar=f"{YT3}/a/default-user", banner=None, link=None,
        videos="6 videos", subscribers="48 subscribers")
    out.add(VELO_URL, 200, HTML, "youtube/velovlot-channel.html",
            channel_html(velo, cid=VELO_ID, title="Velo Vlot", description="",
                         avatar=None))
    uploads = [(video_id("velo", i), title, ago(days, 21 + i * 13), short,
                video_text(title, "https://www.velovlot.example"))
               for i, (title, short, days) in enumerate(VELO_VIDEOS)]
    out.add(f"{BASE}/feeds/videos.xml?channel_id={VELO_ID}", 200, ATOM,
            "youtube/velovlot-videos.xml",
            uploads_feed(cid=VELO_ID, title="Velo Vlot",
                         created=datetime(2025, 9, 1, 8, 0, 0, tzinfo=AS_OF.tzinfo),
                         uploads=uploads))

    # Ratel's old workshop channel, still listed on the website: terminated.
    out.add(RATEL_OLD_URL, 200, HTML, "youtube/ratelwerkplaats-terminated.html",
            removed_html(RATEL_OLD_ID, "This account has been terminated for a violation of "
                                       "YouTube's Terms of Service."))

    return [
        Expect(SPAAK_URL, "Spaak Fietsen", "ok", [],
               "a complete channel uploading every few days (4 of its 15 newest uploads are "
               "shorts); the feed shows only the 15 newest", platform="youtube"),
        Expect(RATEL_URL, "Ratel Tweewielers", "ok", ["DEAD"],
               "a complete channel whose newest upload is 214 days old", platform="youtube"),
        Expect(VELO_URL, "Velo Vlot", "ok", ["INCOMPLETE"],
               "uploads weekly, but no description, YouTube's default avatar, no banner and "
               "no links", platform="youtube"),
        Expect(RATEL_OLD_URL, "Ratel Tweewielers", "gone", ["GONE"],
               "an old workshop channel still listed: YouTube says the account was terminated",
               platform="youtube"),
    ]
