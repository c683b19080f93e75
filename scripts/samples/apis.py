"""Sample answers of the owners' APIs (issue 14): X API v2 for the demo's X profile, Meta's
Graph API for the client's Facebook page, and Instagram Business Discovery for a
competitor's Instagram account.

Recorded as X documents its answers (``data``/``meta``/``errors``, snowflake ids whose top
bits are their date, ``x-rate-limit-*`` headers), for invented accounts. The demo replays
them with placeholder tokens (auditor.credentials), so it needs no credentials; a live run
without a token leaves the same profiles ``login_wall`` with how to add one.

The request URLs are the adapters' own: each chain is driven through the adapter, so the
recorded answers are exactly what it asks for.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, timedelta
from typing import Any

from auditor.apicost import XSettings
from auditor.credentials import replay_credentials
from auditor.platforms.base import CrawlOptions, Next, Page, Target
from auditor.platforms.xapi import TWEPOCH_MS, XApiAdapter
from samples.common import AS_OF, Expect, Writer

#: What the demo config says in its ``[x]`` table (demo.toml).
DEMO_X = XSettings(depth="posts", max_cost_usd=1.00)
X_LIMITS = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "897",
            "x-rate-limit-reset": str(int((AS_OF + timedelta(minutes=15)).timestamp()))}


def snowflake(moment: datetime, sequence: int = 0) -> str:
    return str(((int(moment.timestamp() * 1000) - TWEPOCH_MS) << 22) | sequence)


def demo_options(**changes: Any) -> CrawlOptions:
    options = CrawlOptions(as_of=AS_OF, credentials=replay_credentials(), x=DEMO_X,
                           x_profiles=1)
    names = {f.name for f in fields(CrawlOptions)}
    return replace(options, **{k: v for k, v in changes.items() if k in names})


def page(url: str, body: Any) -> Page:
    import json

    return Page(url=url, status=200, headers={"content-type": "application/json"},
                body=json.dumps(body).encode(), fetched_at=AS_OF)


# -- X --------------------------------------------------------------------------------------

RATEL_X_ID = "1278945600123456789"


def ratel_tweets() -> list[dict[str, Any]]:
    """Ratel's X account: a shop that posts every other day or so and answers customers.

    Newest first, 110 posts over about 190 days; the hour and minute vary as a person
    posts. Every third post answers someone, every seventh is a retweet, a few continue
    the shop's own thread, one quotes a customer."""
    tweets: list[dict[str, Any]] = []
    moment = AS_OF - timedelta(hours=20, minutes=13)
    for index in range(110):
        tweet_id = snowflake(moment, index)
        tweet: dict[str, Any] = {
            "id": tweet_id, "edit_history_tweet_ids": [tweet_id],
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conversation_id": tweet_id,
            "text": f"Werkplaatsnieuws {index}: deze week extra open op zaterdag.",
            "public_metrics": {"retweet_count": index % 4, "reply_count": index % 3,
                               "like_count": 5 + index % 11, "quote_count": 0,
                               "bookmark_count": 0, "impression_count": 300 + index}}
        if index % 3 == 1:
            tweet["in_reply_to_user_id"] = str(4400 + index)
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(9000 + index)}]
            tweet["text"] = f"@klant{index} Dank je! Je fiets staat donderdag klaar."
        elif index % 7 == 5:
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": str(8000 + index)}]
            tweet["text"] = f"RT @fietsbond: Fietsnieuws {index}"
        elif index % 11 == 9:
            tweet["in_reply_to_user_id"] = RATEL_X_ID
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(7000 + index)}]
            tweet["text"] = f"En nog een tip {index}: controleer je bandenspanning."
        elif index == 4:
            tweet["referenced_tweets"] = [{"type": "quoted", "id": "6000"}]
            tweet["text"] = "Mooie review van een klant! https://t.co/q1"
        tweets.append(tweet)
        moment -= timedelta(hours=39 + (index * 7) % 11, minutes=(index * 17) % 60)
    return tweets


def ratel_user(tweets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": {
        "id": RATEL_X_ID, "name": "Ratel Tweewielers", "username": "ratelfietsen",
        "created_at": "2013-05-02T08:11:40.000Z", "protected": False,
        "description": "Fietsenwinkel en werkplaats in Utrecht. Reparaties, verhuur en "
                       "advies. Bel 030 765 4321 of mail winkel@ratel.example",
        "url": "https://t.co/RatelSite1",
        "entities": {"url": {"urls": [{"start": 0, "end": 24, "url": "https://t.co/RatelSite1",
                                       "expanded_url": "https://www.ratel.example/",
                                       "display_url": "ratel.example"}]}},
        "profile_image_url": "https://pbs.twimg.com/profile_images/1501/ratel_normal.png",
        "profile_banner_url": "https://pbs.twimg.com/profile_banners/1278945600123456789/1700000000",
        "most_recent_tweet_id": tweets[0]["id"], "pinned_tweet_id": tweets[6]["id"],
        "public_metrics": {"followers_count": 1204, "following_count": 311,
                           "tweet_count": 2871, "listed_count": 12, "like_count": 904,
                           "media_count": 233}}}


def build_x(out: Writer) -> list[Expect]:
    from samples.bluesky import LOGO_COLOURS, tiny_png

    adapter = XApiAdapter()
    tweets = ratel_tweets()
    target = Target(url="https://x.com/ratelfietsen", platform="x",
                    organisation="Ratel Tweewielers")
    step = adapter.start(target, demo_options(lookup_enough_before=AS_OF - timedelta(days=91)))
    assert isinstance(step, Next), step
    body: Any = ratel_user(tweets)
    out.add_json(step.fetch.url, 200, "apis/x-ratelfietsen-user.json", body, X_LIMITS)
    result = adapter.advance(step.state, page(step.fetch.url, body))
    number = 0
    size = 40
    while isinstance(result, Next):
        start = number * size
        chunk = tweets[start:start + size]
        meta: dict[str, Any] = {"result_count": len(chunk), "newest_id": chunk[0]["id"],
                                "oldest_id": chunk[-1]["id"]}
        if start + size < len(tweets):
            meta["next_token"] = f"7140dibdnow9c7btw4{number + 1:02d}z1jbtq4e2gzmkl7"
        body = {"data": chunk, "meta": meta}
        number += 1
        out.add_json(result.fetch.url, 200, f"apis/x-ratelfietsen-tweets-{number}.json", body,
                     X_LIMITS)
        result = adapter.advance(result.state, page(result.fetch.url, body))
    out.add("https://pbs.twimg.com/profile_images/1501/ratel_normal.png", 200,
            {"Content-Type": "image/png"}, "apis/x-ratelfietsen-avatar.png",
            tiny_png(LOGO_COLOURS["Ratel Tweewielers"]))
    return [Expect(
        "https://x.com/ratelfietsen", "Ratel Tweewielers", result.outcome, [],
        "read through the X API (recorded answers, placeholder token; [x] depth = \"posts\"): "
        "posts every day or two and answers customers; two pages of 40 posts reach past the "
        "window; listed as the login URL someone pasted, read as x.com/ratelfietsen",
        "x", extra={"listed_as": "https://x.com/i/flow/login?redirect_after_login="
                                 "%2Fratelfietsen"})]


def build(out: Writer) -> list[Expect]:
    return [*build_facebook(out), *build_x(out), *build_instagram(out)]


# -- Facebook ---------------------------------------------------------------------------------

SPAAK_PAGE_ID = "104729381122334"
META_USAGE = {"X-App-Usage": '{"call_count":4,"total_cputime":2,"total_time":3}'}


def fb_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def spaak_posts() -> list[dict[str, Any]]:
    """The client's page: a post every two to three days; most visitors' questions are
    answered within a few hours, weekend questions on Monday, a few never."""
    posts: list[dict[str, Any]] = []
    moment = AS_OF - timedelta(hours=30, minutes=12)
    for index in range(45):
        post_id = f"{SPAAK_PAGE_ID}_{8800000000 + index}"
        comments: list[dict[str, Any]] = []
        if index % 3 != 2:
            asked = moment + timedelta(hours=2, minutes=(index * 13) % 50)
            wait = timedelta(hours=1 + (index * 5) % 7) if index % 4 else timedelta(hours=40)
            comments.append({"id": f"{post_id}_1", "created_time": fb_time(asked),
                             "message": "Hebben jullie deze ook in maat 56?",
                             "from": {"name": f"Bezoeker {index}", "id": str(7100 + index)}})
            if index % 7 != 6:
                comments.append({"id": f"{post_id}_2", "created_time": fb_time(asked + wait),
                                 "message": "Ja, kom gerust langs om te passen!",
                                 "from": {"name": "Spaak Fietsen", "id": SPAAK_PAGE_ID}})
        posts.append({
            "id": post_id, "created_time": fb_time(moment),
            "message": f"Nieuw binnen bij Spaak: {index}. Kom langs in de winkel!",
            "permalink_url": f"https://www.facebook.com/spaakfietsen/posts/{8800000000 + index}",
            "comments": {"data": comments,
                         "paging": {"cursors": {"before": "QVFIUm", "after": "QVFIUn"}},
                         "summary": {"order": "chronological", "total_count": len(comments),
                                     "can_comment": True}}})
        moment -= timedelta(days=2 + index % 2, hours=(index * 3) % 5,
                            minutes=(index * 23) % 60)
    return posts


def spaak_page() -> dict[str, Any]:
    return {"id": SPAAK_PAGE_ID, "name": "Spaak Fietsen", "username": "spaakfietsen",
            "about": "Fietsenwinkel en werkplaats in Amsterdam-Oost sinds 1987. Reparatie "
                     "klaar terwijl u wacht.",
            "emails": ["winkel@spaak.example"], "phone": "+31 20 555 0101",
            "website": "https://www.spaak.example", "link": "https://www.facebook.com/spaakfietsen",
            "followers_count": 3120, "fan_count": 2980,
            "picture": {"data": {"height": 50, "width": 50, "is_silhouette": False,
                                 "url": "https://scontent.xx.fbcdn.net/v/spaak-logo.png"}},
            "cover": {"id": "778899", "source": "https://scontent.xx.fbcdn.net/v/spaak-cover.jpg"}}


def build_facebook(out: Writer) -> list[Expect]:
    from auditor.platforms.facebook_graph import FacebookGraphAdapter
    from samples.bluesky import LOGO_COLOURS, tiny_png

    adapter = FacebookGraphAdapter()
    posts = spaak_posts()
    target = Target(url="https://www.facebook.com/spaakfietsen", platform="facebook",
                    organisation="Spaak Fietsen")
    step = adapter.start(target, demo_options())
    assert isinstance(step, Next), step
    body: Any = spaak_page()
    out.add_json(step.fetch.url, 200, "apis/facebook-spaakfietsen-page.json", body, META_USAGE)
    result = adapter.advance(step.state, page(step.fetch.url, body))
    number, size = 0, 40
    while isinstance(result, Next):
        start = number * size
        chunk = posts[start:start + size]
        body = {"data": chunk, "paging": {"cursors": {"before": "QVFIUmJ", "after": "QVFIUmx"}}}
        if start + size < len(posts):
            # as Meta writes it, the token in the link (recordings redact it)
            body["paging"]["next"] = (f"{result.fetch.url}&access_token=[redacted]"
                                      f"&after=QVFIUmx{number + 1}")
        number += 1
        out.add_json(result.fetch.url, 200, f"apis/facebook-spaakfietsen-posts-{number}.json",
                     body, META_USAGE)
        result = adapter.advance(result.state, page(result.fetch.url, body))
    out.add("https://scontent.xx.fbcdn.net/v/spaak-logo.png", 200, {"Content-Type": "image/png"},
            "apis/facebook-spaakfietsen-logo.png", tiny_png(LOGO_COLOURS["Spaak Fietsen"]))
    return [Expect(
        "https://www.facebook.com/spaakfietsen", "Spaak Fietsen", result.outcome,
        ["INCONSISTENT"],
        "the client's own page read through the Graph API with its page token (recorded "
        "answers, placeholder token): posts every two or three days, answers most visitors' "
        "questions within hours (median response time), a few never; the shop's website "
        "does not link to it", "facebook")]


# -- Instagram --------------------------------------------------------------------------------

VELO_IG_ID = "17841400000000888"


def velo_media() -> list[dict[str, Any]]:
    """Velo Vlot's Instagram: photos and reels about twice a week, well liked."""
    media: list[dict[str, Any]] = []
    moment = AS_OF - timedelta(hours=27, minutes=41)
    for index in range(60):
        reel = index % 4 == 3
        media.append({
            "id": f"1790{5500000000 + index:011d}", "timestamp": fb_time(moment),
            "caption": f"Proefrit op de nieuwe Vlot E{index % 5 + 1}! #fietsen #rotterdam",
            "media_type": "VIDEO" if reel else ("CAROUSEL_ALBUM" if index % 5 == 2
                                                 else "IMAGE"),
            "media_product_type": "REELS" if reel else "FEED",
            "like_count": 40 + (index * 37) % 90, "comments_count": (index * 7) % 6,
            "permalink": f"https://www.instagram.com/p/VeLo{index:03d}x/"})
        moment -= timedelta(days=3 + index % 2, hours=(index * 5) % 9,
                            minutes=(index * 29) % 60)
    return media


def velo_account(media: list[dict[str, Any]], start: int, size: int) -> dict[str, Any]:
    chunk = media[start:start + size]
    block: dict[str, Any] = {"data": chunk}
    if start + size < len(media):
        block["paging"] = {"cursors": {"before": f"QVFIUb{start}",
                                       "after": f"QVFIUa{start + size}"},
                           "next": "https://graph.facebook.com/v23.0/17841400000000001?"
                                   "access_token=[redacted]&fields=business_discovery"}
    return {"business_discovery": {
        "id": VELO_IG_ID, "username": "velovlot", "name": "Velo Vlot",
        "biography": "E-bikes en stadsfietsen in Rotterdam. Proefrit? Bel 010 222 3344 of "
                     "mail hallo@velovlot.example",
        "website": "https://www.velovlot.example", "followers_count": 3410,
        "media_count": 412,
        "profile_picture_url": "https://scontent.cdninstagram.com/v/velovlot-logo.png",
        "media": block}, "id": "17841400000000001"}


def build_instagram(out: Writer) -> list[Expect]:
    from auditor.platforms.instagram_graph import InstagramGraphAdapter
    from samples.bluesky import LOGO_COLOURS, tiny_png

    adapter = InstagramGraphAdapter()
    media = velo_media()
    target = Target(url="https://www.instagram.com/velovlot", platform="instagram",
                    organisation="Velo Vlot")
    result: Any = adapter.start(target, demo_options())
    number, size = 0, 40
    while isinstance(result, Next):
        body = velo_account(media, number * size, size)
        number += 1
        out.add_json(result.fetch.url, 200, f"apis/instagram-velovlot-{number}.json", body,
                     {"X-Business-Use-Case-Usage": '{"17841400000000001":[{"type":"instagram",'
                      '"call_count":2,"total_cputime":1,"total_time":1,'
                      '"estimated_time_to_regain_access":0}]}'})
        result = adapter.advance(result.state, page(result.fetch.url, body))
    out.add("https://scontent.cdninstagram.com/v/velovlot-logo.png", 200,
            {"Content-Type": "image/png"}, "apis/instagram-velovlot-logo.png",
            tiny_png(LOGO_COLOURS["Velo Vlot"]))
    return [Expect(
        "https://www.instagram.com/velovlot", "Velo Vlot", result.outcome, [],
        "a professional account read through Business Discovery (recorded answers, "
        "placeholder token): photos and reels about twice a week; who answers comments is "
        "not shown, so the reply share is not measurable", "instagram")]
