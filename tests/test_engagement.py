"""Audience, engagement and content mix (auditor.engagement), and the counts each adapter
reads for it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from auditor.config import Thresholds
from auditor.engagement import compute_engagement, interactions
from auditor.metrics import compute_metrics
from auditor.models import Item
from auditor.platforms.activitydocs import read_entry
from auditor.platforms.base import DateSieve
from auditor.platforms.bluesky import BlueskyAdapter
from auditor.platforms.mastodon import MastodonAdapter
from auditor.platforms.telegram import TelegramAdapter
from auditor.platforms.telegrampage import parse_page
from auditor.platforms.youtube import YouTubeAdapter
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, COMPLETE_PROFILE, SAMPLE_PAGES, make_record, realcase

FOLLOWERS = replace(COMPLETE_PROFILE, followers=2000)


def post(days: float, *, likes: int | None = None, shares: int | None = None,
         comments: int | None = None, views: int | None = None, text: str = "",
         links: tuple[str, ...] = (), media: int | None = None, kind: str = "original",
         fmt: str | None = None, at: datetime = AS_OF) -> Item:
    return Item(id=f"{days}-{text}", published_at=at - timedelta(days=days), kind=kind,
                url=f"https://mastodon.example/@spaak/{int(days * 10)}", text=text,
                links=links, likes=likes, shares=shares, comments=comments, views=views,
                media=media, format=fmt)


def test_interactions_add_what_is_shown_and_unknown_is_not_zero() -> None:
    assert interactions(post(1, likes=3, shares=2, comments=1)) == 6
    assert interactions(post(1, likes=0)) == 0
    assert interactions(post(1)) is None  # no count shown at all


def test_medians_rate_top_posts_and_mix() -> None:
    originals = [
        post(1, likes=10, shares=5, comments=5, text="Nieuw: #bakfiets #Utrecht",
             links=("https://www.spaak.example/a",), media=1),
        post(2, likes=2, shares=0, comments=0, text="#bakfiets weer op voorraad", media=0),
        post(3, likes=4, shares=1, comments=1, text="Open op zondag #BAKFIETS", media=2),
        post(4, text="counts hidden", media=None),
        post(5, likes=0, shares=0, comments=0, text="niemand"),
    ]
    record = make_record(profile=FOLLOWERS)
    engagement = compute_engagement(record, originals, min_posts=3)
    assert (engagement.originals, engagement.counted) == (5, 4)
    assert engagement.median_interactions == 4.0  # of 20, 2, 6, 0
    assert engagement.median_likes == 3.0
    assert engagement.rate_per_1000 == 2.0  # 4 per post over 2,000 followers
    assert engagement.followers == 2000
    assert [p.interactions for p in engagement.top_posts] == [20, 6, 2]  # 0 is no top post
    assert engagement.top_posts[0].text == "Nieuw: #bakfiets #Utrecht"
    assert engagement.link_share == 0.2
    assert engagement.media_share == 0.6667  # 2 of the 3 whose media are known
    # once per post, in the spelling most posts use, most used first
    assert engagement.hashtags == (("bakfiets", 3), ("Utrecht", 1))
    assert engagement.median_views is None
    assert "views" in str(engagement.null_reasons["median_views"])


def test_nothing_to_count_is_null_with_a_reason() -> None:
    unread = make_record(outcome="blocked", profile=None)
    engagement = compute_engagement(unread, (), min_posts=3)
    assert engagement.median_interactions is None and engagement.followers is None
    assert str(engagement.null_reasons["median_interactions"]) == (
        "profile not read (outcome blocked)")
    quiet = compute_engagement(make_record(profile=FOLLOWERS), (), min_posts=3)
    assert quiet.followers == 2000  # the audience is known without posts
    assert str(quiet.null_reasons["link_share"]) == "no original post in the window"
    hidden = compute_engagement(make_record(profile=FOLLOWERS), [post(1), post(2)],
                                min_posts=3)
    assert hidden.median_interactions is None and hidden.rate_per_1000 is None
    assert "shows no interaction counts" in str(hidden.null_reasons["median_interactions"])
    no_audience = compute_engagement(make_record(profile=replace(FOLLOWERS, followers=None)),
                                     [post(1, likes=3)], min_posts=3)
    assert no_audience.median_interactions == 3.0 and no_audience.rate_per_1000 is None
    assert "follower count" in str(no_audience.null_reasons["rate_per_1000"])


def test_best_weekday_and_hour_are_counted_in_the_audit_time_zone() -> None:
    monday_late = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))  # Tue 00:30 CET
    originals = [
        post(0, likes=50, at=monday_late), post(7, likes=40, at=monday_late),
        post(2, likes=1, at=monday_late), post(9, likes=2, at=monday_late),
    ]
    record = make_record(profile=FOLLOWERS)
    utc = compute_engagement(record, originals, min_posts=3)
    amsterdam = compute_engagement(record, originals, min_posts=3,
                                   tz=ZoneInfo("Europe/Amsterdam"))
    assert (utc.best_weekday, utc.best_hour) == (0, 23)  # Monday, 23h UTC
    assert (amsterdam.best_weekday, amsterdam.best_hour) == (1, 0)  # Tuesday, 0h there
    few = compute_engagement(record, originals[:2], min_posts=3)
    assert few.best_weekday is None and "at least 3" in str(few.null_reasons["best_hour"])


def test_metrics_count_originals_only() -> None:
    items = (post(1, likes=9), post(2, likes=100, kind="reply"),
             post(3, likes=100, kind="repost"), post(4, likes=1))
    metrics = compute_metrics(make_record(items=items, profile=FOLLOWERS), AS_OF,
                              window_days=90, thresholds=Thresholds())
    assert metrics.engagement.originals == 2
    assert metrics.engagement.median_interactions == 5.0


# -- what each adapter reads -------------------------------------------------------------

def test_mastodon_reads_favourites_boosts_replies_and_media() -> None:
    run = run_chain(MastodonAdapter(), "https://mastodon.example/@spaak",
                    replay_answer(SAMPLE_PAGES))
    originals = [i for i in run.record.items if i.kind == "original"]
    assert originals and all(i.likes is not None and i.shares is not None
                             and i.comments is not None and i.media is not None
                             for i in originals)
    # a boost's counts belong to the boosted post: not read as the account's
    assert all(i.likes is None for i in run.record.items if i.kind == "repost")


def test_mastodon_counts_match_the_payload() -> None:
    body = json.loads((SAMPLE_PAGES / "mastodon" / "mastodon-spaak-statuses-1.json")
                      .read_text(encoding="utf-8"))
    first = next(s for s in body if not s.get("reblog"))
    run = run_chain(MastodonAdapter(), "https://mastodon.example/@spaak",
                    replay_answer(SAMPLE_PAGES))
    item = next(i for i in run.record.items if i.id == str(first["id"]))
    assert (item.likes, item.shares, item.comments, item.media) == (
        first["favourites_count"], first["reblogs_count"], first["replies_count"],
        len(first["media_attachments"]))


def test_bluesky_reads_likes_reposts_quotes_replies() -> None:
    run = run_chain(BlueskyAdapter(), "https://bsky.app/profile/spaakfietsen.example",
                    replay_answer(SAMPLE_PAGES))
    own = [i for i in run.record.items if i.kind != "repost"]
    assert own and all(i.likes is not None and i.comments is not None for i in own)


def test_youtube_reads_views_and_likes_from_the_feed() -> None:
    run = run_chain(YouTubeAdapter(), "https://www.youtube.com/@spaakfietsen",
                    replay_answer(SAMPLE_PAGES))
    first = run.record.items[0]
    assert first.views is not None and first.views > 0 and first.likes is not None
    assert first.media == 1


def test_telegram_reads_views_and_media_on_a_real_page() -> None:
    page = parse_page(realcase("telegram", "lifemodel_t.me_s_test_channel.html").read_bytes())
    assert [(m.views, m.media) for m in page.messages] == [(2500, 2), (1300, 0), (1000, 3)]
    run = run_chain(TelegramAdapter(), "https://t.me/spaakfietsen", replay_answer(SAMPLE_PAGES))
    assert all(i.views is not None for i in run.record.items)


def test_activitypub_reads_embedded_collection_totals_and_media() -> None:
    note = {"id": "https://social.example/users/a/statuses/1", "type": "Note",
            "published": "2026-10-30T10:00:00Z", "content": "<p>Hoi</p>",
            "attributedTo": "https://social.example/users/a",
            "likes": {"id": "https://social.example/users/a/statuses/1/likes",
                      "type": "Collection", "totalItems": 7},
            "shares": {"type": "Collection", "totalItems": 2},
            "replies": "https://social.example/users/a/statuses/1/replies",
            "attachment": [{"type": "Document", "mediaType": "image/png",
                            "url": "https://social.example/a.png"},
                           {"type": "PropertyValue", "name": "x", "value": "y"}]}
    video = {"id": "https://tube.example/videos/watch/1", "type": "Video",
             "published": "2026-10-29T10:00:00Z", "name": "Een video", "views": 321,
             "likes": "https://tube.example/videos/watch/1/likes",
             "attributedTo": "https://tube.example/accounts/a"}
    posts = [read_entry({"type": "Create", "object": obj, "published": obj["published"]},
                        DateSieve(fetched_at=AS_OF)) for obj in (note, video)]
    first, second = (p.item for p in posts if not isinstance(p, str))
    assert (first.likes, first.shares, first.comments, first.media) == (7, 2, None, 1)
    # a bare link to a collection says nothing; PeerTube's views are a number
    assert (second.likes, second.views, second.media) == (None, 321, 0)


def test_an_observed_profiles_audience_is_what_the_person_wrote_down() -> None:
    from datetime import date

    from auditor.models import Observation
    from auditor.observed import observed_engagement

    seen = observed_engagement(Observation(observer="Anna", observed_on=date(2026, 10, 28),
                                           followers=1284))
    assert seen.followers == 1284 and seen.median_interactions is None
    assert str(seen.null_reasons["median_interactions"]) == (
        "the observation sheet does not ask for interaction counts")
    empty = observed_engagement(Observation(observer="Anna", observed_on=date(2026, 10, 28)))
    assert empty.followers is None
    assert "Anna" in str(empty.null_reasons["followers"])
