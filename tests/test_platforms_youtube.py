"""YouTube adapter: URLs, the channel page's ytInitialData, the uploads feed, faults."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import ProfileRecord
from auditor.platforms.base import CrawlOptions, Failure, Fetch, Next, Page, Target
from auditor.platforms.youtube import (
    FEED_CAPPED_NOTE,
    NO_CONTACT,
    Uploads,
    YouTubeAdapter,
    alert_outcome,
    channel_path,
    extract_initial_data,
    read_channel_page,
    read_uploads_feed,
    unwrap_redirect,
)
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, judged, realcase
from tests.fuzzdepth import fuzz_examples

ADAPTER = YouTubeAdapter()
SAMPLES = SAMPLE_PAGES / "youtube"
SPAAK = "https://www.youtube.com/@spaakfietsen"
RATEL = "https://www.youtube.com/channel/UCRatelTweewielersKanaal"
VELO = "https://www.youtube.com/c/VeloVlot"
RATEL_OLD = "https://www.youtube.com/@ratelwerkplaats"
SPAAK_FEED = "https://www.youtube.com/feeds/videos.xml?channel_id=UCSpaakFietsenWerkplaats"
OPTIONS = CrawlOptions(as_of=AS_OF)


def run(url: str, answer: Callable[[Fetch], Page | Failure] | None = None,
        options: CrawlOptions = OPTIONS):
    return run_chain(ADAPTER, url, answer or replay_answer(SAMPLES), options=options)


def with_override(url: str, status: int, body: bytes,
                  content_type: str = "text/html; charset=utf-8"):
    """The sample replay, except that ``url`` answers ``status`` with ``body``."""
    base = replay_answer(SAMPLES)

    def answer(fetch: Fetch) -> Page | Failure:
        if fetch.url == url:
            return Page(url=fetch.url, status=status, headers={"content-type": content_type},
                        body=body, fetched_at=AS_OF)
        return base(fetch)

    return answer


def page(body: bytes, status: int = 200, url: str = SPAAK,
         content_type: str = "text/html; charset=utf-8") -> Page:
    return Page(url=url, status=status, headers={"content-type": content_type}, body=body,
                fetched_at=AS_OF)


# -- URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "canonical", "handle"), [
    ("https://www.youtube.com/@spaakfietsen", "https://www.youtube.com/@spaakfietsen",
     "@spaakfietsen"),
    ("https://youtube.com/@spaakfietsen/videos", "https://www.youtube.com/@spaakfietsen",
     "@spaakfietsen"),
    ("https://m.youtube.com/@spaakfietsen/featured?si=x", "https://www.youtube.com/@spaakfietsen",
     "@spaakfietsen"),
    ("http://www.youtube.com/channel/UCRatelTweewielersKanaal/about",
     "https://www.youtube.com/channel/UCRatelTweewielersKanaal", "UCRatelTweewielersKanaal"),
    ("https://www.youtube.com/c/VeloVlot/videos", "https://www.youtube.com/c/VeloVlot",
     "VeloVlot"),
    ("https://www.youtube.com/user/kurzgesagt", "https://www.youtube.com/user/kurzgesagt",
     "kurzgesagt"),
])
def test_claims_channel_urls_and_canonicalises(url: str, canonical: str, handle: str) -> None:
    assert ADAPTER.claims(url)
    assert ADAPTER.profile_url(url) == canonical
    assert ADAPTER.handle(url) == handle


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=Us2Z-WC9rao",
    "https://www.youtube.com/shorts/Us2Z-WC9rao",
    "https://www.youtube.com/playlist?list=PL123",
    "https://www.youtube.com/channel/notanid",
    "https://www.youtube.com/kurzgesagt",
    "https://music.youtube.com/@spaakfietsen",
    "https://www.youtube.example/@spaakfietsen",
    "https://youtu.be/Us2Z-WC9rao",
])
def test_does_not_claim_other_urls(url: str) -> None:
    assert not ADAPTER.claims(url)
    assert channel_path(url) is None


def test_fetches_from_the_configured_endpoint() -> None:
    options = CrawlOptions(as_of=AS_OF, endpoints={"youtube": "http://127.0.0.1:8123/"})
    step = ADAPTER.start(Target(url=SPAAK, platform="youtube"), options)
    assert isinstance(step, Next)
    assert step.fetch.url == "http://127.0.0.1:8123/@spaakfietsen"
    html = (SAMPLES / "spaak-channel.html").read_bytes()
    after = ADAPTER.advance(step.state, page(html, url=step.fetch.url))
    assert isinstance(after, Next)
    assert after.fetch.url == ("http://127.0.0.1:8123/feeds/videos.xml?"
                               "channel_id=UCSpaakFietsenWerkplaats")


def test_unwrap_redirect() -> None:
    assert unwrap_redirect("https://www.youtube.com/redirect?event=channel_header&q="
                           "https%3A%2F%2Fwww.spaak.example%2Fcontact") == \
        "https://www.spaak.example/contact"
    assert unwrap_redirect("https://www.spaak.example/x") == "https://www.spaak.example/x"
    assert unwrap_redirect("https://www.youtube.com/redirect?q=javascript:alert(1)") == \
        "https://www.youtube.com/redirect?q=javascript:alert(1)"


# -- the demo profiles -----------------------------------------------------------------


def test_healthy_channel_spaak() -> None:
    chain = run(SPAAK)
    record = chain.record
    assert chain.fetched == [SPAAK, SPAAK_FEED]
    assert record.outcome == "ok" and record.outcome_detail is None
    assert record.platform == "youtube" and record.replies_observable is False
    profile = record.profile
    assert profile is not None
    assert profile.display_name == "Spaak Fietsen"
    assert profile.username == "spaakfietsen"
    assert profile.bio is not None and profile.bio.startswith("Fietsenmaker Spaak in Utrecht")
    assert "werkplaats@spaak.example" in profile.bio
    assert profile.avatar_url is not None
    assert profile.avatar_url.endswith("=s176-c-k-c0x00ffffff-no-rj")
    assert profile.avatar_is_default is False
    assert profile.banner_url is not None and "=w2560-" in profile.banner_url
    # the header link is a youtube.com/redirect?q= link: unwrapped to its target
    assert profile.links == ("https://www.spaak.example",)
    assert profile.posts_total == 86 and profile.followers == 1240
    assert "contact" not in record.unobservable  # the description shows an e-mail
    assert len(record.items) == 15
    assert [i.published_at for i in record.items] == sorted(
        (i.published_at for i in record.items), reverse=True)
    newest = record.items[0]
    assert newest.format == "short" and newest.url is not None
    assert "/shorts/" in newest.url and newest.kind == "original"
    assert newest.text.startswith("Ketting smeren in twee minuten #shorts")
    assert sum(1 for i in record.items if i.format == "short") == 4
    assert sum(1 for i in record.items if i.format == "video") == 11
    assert record.sample is not None
    assert record.sample.page_cap_reached and not record.sample.exhausted
    assert FEED_CAPPED_NOTE in record.notes
    result = judged(record)
    assert [f.code for f in result.flags] == []
    assert result.metrics.reply_share is None
    assert "not measurable" in str(result.metrics.null_reasons["reply_share"])
    assert result.metrics.completeness.score == 100
    assert result.metrics.days_since_last_post == 1


def test_dead_channel_ratel() -> None:
    record = run(RATEL).record
    assert record.outcome == "ok"
    assert record.profile is not None and record.profile.display_name == "Ratel Tweewielers"
    assert len(record.items) == 6
    assert all(i.format == "video" for i in record.items)
    assert record.sample is not None and record.sample.exhausted
    assert not record.sample.page_cap_reached
    assert FEED_CAPPED_NOTE not in record.notes
    result = judged(record)
    assert [f.code for f in result.flags] == ["DEAD"]
    assert result.metrics.days_since_last_post is not None
    assert result.metrics.days_since_last_post >= 200


def test_incomplete_channel_velovlot() -> None:
    record = run(VELO).record
    assert record.outcome == "ok"
    profile = record.profile
    assert profile is not None
    assert profile.bio == ""  # observably empty, not unknown
    assert profile.avatar_is_default is True
    assert profile.banner_url is None and profile.links == ()
    assert record.unobservable["contact"] == NO_CONTACT
    result = judged(record)
    assert [f.code for f in result.flags] == ["INCOMPLETE"]
    checks = result.metrics.completeness.checks
    assert checks["photo"] is False and checks["bio"] is False
    assert checks["contact"] is None and checks["banner"] is False
    assert result.flags[0].severity == "high"


def test_terminated_channel_is_gone() -> None:
    chain = run(RATEL_OLD)
    record = chain.record
    assert chain.fetched == [RATEL_OLD]  # the alert ends the chain: no feed request
    assert record.outcome == "gone"
    assert record.outcome_detail == ("This account has been terminated for a violation of "
                                     "YouTube's Terms of Service.")
    assert record.profile is None
    assert [f.code for f in judged(record).flags] == ["GONE"]


def test_sample_manifest_lists_every_fetched_url() -> None:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    urls = {entry["url"] for entry in manifest["responses"]}
    fetched = {url for profile in (SPAAK, RATEL, VELO, RATEL_OLD) for url in run(profile).fetched}
    assert fetched == urls


# -- the feed flaps: 404 from the feed is not death ------------------------------------


def test_feed_404_after_a_good_page_is_ok_without_activity() -> None:
    body = realcase("youtube", "newpipe_videos_xml_notavailable_2026-01.html").read_bytes()
    record = run(SPAAK, with_override(SPAAK_FEED, 404, body)).record
    assert record.outcome == "ok"
    assert record.items == () and record.sample is None
    assert "uploads feed answered 404; activity not known" in record.notes
    assert record.profile is not None and record.profile.display_name == "Spaak Fietsen"
    result = judged(record)
    codes = [f.code for f in result.flags]
    assert not {"DEAD", "STALE", "NEVER_USED", "GONE"} & set(codes)
    assert result.metrics.days_since_last_post is None
    assert result.metrics.posts_per_week is None


def test_feed_404_never_makes_a_channel_with_few_videos_never_used() -> None:
    # With sample=None the judge cannot take "no items" for "the whole history".
    record = run(VELO, with_override(
        "https://www.youtube.com/feeds/videos.xml?channel_id=UCVeloVlotFietsverhuur01", 404,
        b"")).record
    assert record.outcome == "ok" and record.sample is None
    assert "NEVER_USED" not in [f.code for f in judged(record).flags]


@pytest.mark.parametrize(("status", "outcome"), [
    (429, "rate_limited"), (503, "rate_limited"), (500, "error"), (403, "blocked"),
])
def test_feed_errors_keep_the_profile(status: int, outcome: str) -> None:
    record = run(SPAAK, with_override(SPAAK_FEED, status, b"oops")).record
    assert record.outcome == outcome
    assert record.outcome_detail is not None and record.outcome_detail.startswith("uploads feed")
    assert record.profile is not None and record.profile.username == "spaakfietsen"


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>",
                                  b"<rss><channel/></rss>"])
def test_unreadable_feed_is_an_error_with_the_profile(body: bytes) -> None:
    record = run(SPAAK, with_override(SPAAK_FEED, 200, body, "text/xml")).record
    assert record.outcome == "error"
    assert record.outcome_detail is not None and record.outcome_detail.startswith("uploads feed:")
    assert record.profile is not None


def test_feed_network_failure_keeps_the_profile() -> None:
    base = replay_answer(SAMPLES)

    def answer(fetch: Fetch) -> Page | Failure:
        if "feeds/videos.xml" in fetch.url:
            return Failure("timeout", "took too long", fetch.url)
        return base(fetch)

    record = run(SPAAK, answer).record
    assert record.outcome == "error"
    assert record.outcome_detail == "uploads feed: timeout: took too long"
    assert record.profile is not None


# -- channel page faults -----------------------------------------------------------------


@pytest.mark.parametrize(("status", "outcome"), [
    (404, "not_found"), (410, "gone"), (401, "blocked"), (403, "blocked"), (429, "rate_limited"),
    (500, "error"), (502, "error"), (503, "rate_limited"),
])
def test_channel_page_status(status: int, outcome: str) -> None:
    record = run(SPAAK, with_override(SPAAK, status, b"<html>nope</html>")).record
    assert record.outcome == outcome
    assert record.outcome_detail


def test_404_with_a_terminated_alert_is_gone() -> None:
    html = (SAMPLES / "ratelwerkplaats-terminated.html").read_bytes()
    record = run(SPAAK, with_override(SPAAK, 404, html)).record
    assert record.outcome == "gone"
    assert record.outcome_detail is not None and "terminated" in record.outcome_detail


@pytest.mark.parametrize(("body", "outcome", "detail"), [
    (b"", "error", "empty answer"),
    (b"<html><body>hello</body></html>", "error", "no ytInitialData"),
    (b"\x00\xff\xfe garbage \x89PNG", "error", "no ytInitialData"),
    (b"<html><form action='https://www.google.com/sorry/index'>Our systems have detected "
     b"unusual traffic</form></html>", "blocked", "captcha"),
])
def test_unreadable_channel_pages(body: bytes, outcome: str, detail: str) -> None:
    record = run(SPAAK, with_override(SPAAK, 200, body)).record
    assert record.outcome == outcome
    assert record.outcome_detail is not None and detail in record.outcome_detail


def test_truncated_initial_data_falls_back_to_meta_tags() -> None:
    html = (SAMPLES / "spaak-channel.html").read_bytes()
    cut = html[: html.index(b"var ytInitialData") + 400]
    record = run(SPAAK, with_override(SPAAK, 200, cut)).record
    # the channel id comes from <meta itemprop=identifier>/<link rel=canonical>: the feed is read
    assert record.outcome == "ok" and len(record.items) == 15
    assert record.profile is not None and record.profile.display_name == "Spaak Fietsen"
    assert any("meta tags" in note for note in record.notes)


def test_consent_redirect_is_blocked() -> None:
    step = ADAPTER.start(Target(url=SPAAK, platform="youtube"), OPTIONS)
    assert isinstance(step, Next)
    consent = Page(url="https://consent.youtube.com/m?continue=x", status=200,
                   headers={"content-type": "text/html"}, body=b"<html>consent</html>",
                   fetched_at=AS_OF)
    record = ADAPTER.advance(step.state, consent)
    assert isinstance(record, ProfileRecord) and record.outcome == "blocked"


def test_channel_page_network_failure() -> None:
    def answer(fetch: Fetch) -> Failure:
        return Failure("dns", "no such host", fetch.url)

    record = run(SPAAK, answer).record
    assert record.outcome == "error" and record.outcome_detail == "dns: no such host"


@pytest.mark.parametrize(("alert", "outcome"), [
    ("This channel does not exist.", "not_found"),
    ("This account has been terminated because we received multiple copyright claims.", "gone"),
    ("This channel was removed because it violated our Community Guidelines.", "gone"),
    ("This channel is not available.", "gone"),
    ("This channel is not available in your country.", "blocked"),
])
def test_alert_outcomes(alert: str, outcome: str) -> None:
    assert alert_outcome(alert) == outcome
    data = {"alerts": [{"alertRenderer": {"type": "ERROR", "text": {"runs": [{"text": alert}]}}}]}
    html = f"<html><script>var ytInitialData = {json.dumps(data)};</script></html>".encode()
    record = run(SPAAK, with_override(SPAAK, 200, html)).record
    assert record.outcome == outcome and record.outcome_detail == alert


def test_info_alerts_do_not_end_the_chain() -> None:
    html = (SAMPLES / "spaak-channel.html").read_text(encoding="utf-8").replace(
        '"trackingParams": "CAAQhGciEwjDemoSamplePages="',
        '"alerts": [{"alertRenderer": {"type": "INFO", "text": {"simpleText": "Hi"}}}], '
        '"trackingParams": "x"')
    assert '"INFO"' in html
    record = run(SPAAK, with_override(SPAAK, 200, html.encode())).record
    assert record.outcome == "ok" and len(record.items) == 15


def test_initial_data_extraction_handles_braces_in_strings() -> None:
    html = ('<script>var ytInitialData = {"a": "}{ \\" }", "b": [1, {"c": "</script>"}]};'
            'var other = {"x": 1};</script>')
    assert extract_initial_data(html) == {"a": '}{ " }', "b": [1, {"c": "</script>"}]}
    assert extract_initial_data('window["ytInitialData"] = {"k": 2};') == {"k": 2}
    assert extract_initial_data("var ytInitialData = {broken") is None
    assert extract_initial_data("nothing here") is None


def test_page_header_view_model_shape() -> None:
    """The 2024+ header (pageHeaderRenderer/pageHeaderViewModel) is read too."""
    data = {
        "header": {"pageHeaderRenderer": {"pageTitle": "Spaak Fietsen", "content": {
            "pageHeaderViewModel": {
                "title": {"dynamicTextViewModel": {"text": {"content": "Spaak Fietsen"}}},
                "image": {"decoratedAvatarViewModel": {"avatar": {"avatarViewModel": {
                    "image": {"sources": [
                        {"url": "https://yt3.googleusercontent.com/x=s72", "width": 72},
                        {"url": "https://yt3.googleusercontent.com/x=s160", "width": 160}]}}}}},
                "banner": {"imageBannerViewModel": {"image": {"sources": [
                    {"url": "https://yt3.googleusercontent.com/b=w1060", "width": 1060}]}}},
                "metadata": {"contentMetadataViewModel": {"metadataRows": [
                    {"metadataParts": [{"text": {"content": "@spaakfietsen"}}]},
                    {"metadataParts": [{"text": {"content": "1,240 subscribers"}},
                                       {"text": {"content": "86 videos"}}]}]}},
                "attribution": {"attributionViewModel": {"text": {
                    "content": "spaak.example and 2 more links", "commandRuns": [
                        {"onTap": {"innertubeCommand": {"urlEndpoint": {
                            "url": "https://www.youtube.com/redirect?q=https%3A%2F%2Fwww."
                                   "spaak.example%2Fcontact"}}}}]}}},
            }}}},
        "metadata": {"channelMetadataRenderer": {
            "title": "Spaak Fietsen", "description": "Fietsenmaker in Utrecht sinds 1982.",
            "externalId": "UCSpaakFietsenWerkplaats"}},
    }
    html = f"<html><script>var ytInitialData = {json.dumps(data)};</script></html>"
    channel = read_channel_page(html.encode())
    facts = channel.facts
    assert channel.channel_id == "UCSpaakFietsenWerkplaats"
    assert facts is not None
    assert facts.display_name == "Spaak Fietsen" and facts.username == "spaakfietsen"
    assert facts.avatar_url == "https://yt3.googleusercontent.com/x=s160"
    assert facts.banner_url == "https://yt3.googleusercontent.com/b=w1060"
    assert facts.links == ("https://www.spaak.example/contact",)
    assert facts.posts_total == 86 and facts.followers == 1240


@pytest.mark.parametrize(("text", "count"), [
    ("86 videos", 86), ("1,240 subscribers", 1240), ("1.240 abonnees", 1240),
    ("4.69M subscribers", None), ("6,8\u00a0K vídeos", None), ("1.2K subscribers", None),
    ("No videos", None),
])
def test_counts_are_exact_or_unknown(text: str, count: int | None) -> None:
    data = {"header": {"c4TabbedHeaderRenderer": {"channelId": "UCSpaakFietsenWerkplaats",
                                                  "videosCountText": {"simpleText": text}}}}
    html = f"<script>var ytInitialData = {json.dumps(data)};</script>"
    facts = read_channel_page(html.encode()).facts
    assert facts is not None and facts.posts_total == count


# -- the uploads feed parser --------------------------------------------------------------


def test_feed_skips_future_and_undated_entries() -> None:
    xml = (SAMPLES / "ratel-videos.xml").read_text(encoding="utf-8")
    first = xml.index("<published>", xml.index("<entry>"))
    end = xml.index("</published>", first)
    future = xml[:first] + "<published>2027-01-01T00:00:00+00:00" + xml[end:]
    uploads = read_uploads_feed(future.encode(), fetched_at=AS_OF)
    assert isinstance(uploads, Uploads)
    assert uploads.entries == 6 and len(uploads.items) == 5
    assert any("after the fetch" in note for note in uploads.notes)
    undated = xml[:first] + "<published>yesterday" + xml[end:]
    uploads = read_uploads_feed(undated.encode(), fetched_at=AS_OF)
    assert isinstance(uploads, Uploads) and len(uploads.items) == 5
    assert "1 unreadable feed entry skipped" in uploads.notes


def test_feed_refuses_entity_declarations() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]><feed xmlns="http://www.w3.org/2005/Atom">'
            b"<title>&b;</title></feed>")
    assert isinstance(read_uploads_feed(bomb, fetched_at=AS_OF), str)


def test_empty_feed_is_the_whole_history() -> None:
    empty = (b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
             b"<title>Spaak Fietsen</title></feed>")
    record = run(SPAAK, with_override(SPAAK_FEED, 200, empty, "text/xml")).record
    assert record.outcome == "ok" and record.items == ()
    assert record.sample is not None and record.sample.exhausted


# -- real payloads -------------------------------------------------------------------------


def real(name: str) -> Path:
    return realcase("youtube", name)


def test_real_channel_page_onemedia() -> None:
    channel = read_channel_page(real("metascraper_youtube_channel_onemedia.html").read_bytes(),
                                page_url="https://www.youtube.com/@OneMedia.")
    assert channel.initial_data and channel.alert is None
    assert channel.channel_id == "UCzcRQ3vRNr6fJ1A9rqFn7QA"
    facts = channel.facts
    assert facts is not None
    assert facts.display_name == "ONE Media"
    assert facts.username == "OneMedia."
    assert facts.bio is not None
    assert facts.bio.startswith("ALL the Must See Movie Trailers, Film Clips & Videos are here!")
    assert "Don't miss the latest movie and blockbuster trailers." in facts.bio
    assert facts.avatar_url == ("https://yt3.googleusercontent.com/ytc/AIf8zZSIo7x4j4eJ6Q52j5i0s"
                                "grfxfVCvz4wwkk7VEcA=s900-c-k-c0x00ffffff-no-rj")
    assert facts.avatar_is_default is False
    assert facts.banner_url is not None and "=w2560-fcrop64" in facts.banner_url
    # the header link is youtube.com/redirect?...&q=https%3A%2F%2Fwww.facebook.com%2F…
    assert facts.links == ("https://www.facebook.com/204568612956950",)
    # "6,8 K vídeos" and "4,69 M de suscriptores" are rounded: not exact, so unknown
    assert facts.posts_total is None and facts.followers is None


def test_real_channel_page_through_the_adapter() -> None:
    body = real("metascraper_youtube_channel_onemedia.html").read_bytes()
    url = "https://www.youtube.com/@OneMedia."
    step = ADAPTER.start(Target(url=url, platform="youtube"), OPTIONS)
    assert isinstance(step, Next)
    after = ADAPTER.advance(step.state, page(body, url=step.fetch.url))
    assert isinstance(after, Next)
    assert after.fetch.url == ("https://www.youtube.com/feeds/videos.xml?"
                               "channel_id=UCzcRQ3vRNr6fJ1A9rqFn7QA")
    feed = real("newpipe_videos_xml_kurzgesagt_2022-11-22.xml").read_bytes()
    record = ADAPTER.advance(after.state, page(feed, url=after.fetch.url,
                                               content_type="text/xml; charset=UTF-8"))
    assert isinstance(record, ProfileRecord) and record.outcome == "ok"
    assert record.profile is not None and record.profile.display_name == "ONE Media"
    assert len(record.items) == 15 and record.sample is not None
    assert record.sample.page_cap_reached
    # the description shows no e-mail: contact is not observable rather than missing
    assert record.unobservable.get("contact") == NO_CONTACT


def test_real_removed_channel_browse_answer() -> None:
    channel = read_channel_page(real("newpipe_browse_channel_notavailable.json").read_bytes())
    assert channel.alert == ("This channel was removed because it violated our Community "
                             "Guidelines.")
    assert channel.channel_id == "UCoaO4U_p7G7AwalqSbGCZOA"
    assert alert_outcome(channel.alert) == "gone"
    record = run(SPAAK, with_override(
        SPAAK, 200, real("newpipe_browse_channel_notavailable.json").read_bytes(),
        "application/json; charset=UTF-8")).record
    assert record.outcome == "gone"
    assert record.outcome_detail == channel.alert
    assert [f.code for f in judged(record).flags] == ["GONE"]


@pytest.mark.parametrize(("name", "first", "newest", "oldest", "first_title"), [
    ("newpipe_videos_xml_kurzgesagt_2021-02-13.xml", "Jzfpyo-q-RM",
     datetime(2021, 2, 2, 15, 2, 1, tzinfo=UTC), datetime(2020, 6, 21, 12, 29, 44, tzinfo=UTC),
     "How Many People Did Nuclear Energy Kill? Nuclear Death Toll"),
    ("newpipe_videos_xml_kurzgesagt_2022-11-22.xml", "Us2Z-WC9rao",
     datetime(2022, 11, 8, 14, 59, 18, tzinfo=UTC), datetime(2021, 12, 14, 15, 0, 3, tzinfo=UTC),
     "Why Don't We Shoot Nuclear Waste Into Space?"),
])
def test_real_uploads_feeds(name: str, first: str, newest: datetime, oldest: datetime,
                            first_title: str) -> None:
    uploads = read_uploads_feed(real(name).read_bytes(), fetched_at=newest + timedelta(days=10))
    assert isinstance(uploads, Uploads)
    assert uploads.entries == 15 and len(uploads.items) == 15
    assert uploads.title == "Kurzgesagt – In a Nutshell"
    assert uploads.items[0].id == first
    assert uploads.items[0].published_at == newest
    assert uploads.items[-1].published_at == oldest
    assert uploads.items[0].text.startswith(first_title)
    assert uploads.items[0].url == f"https://www.youtube.com/watch?v={first}"
    # these 2021/2022 feeds link every entry with /watch?v=: no shorts among them
    assert all(item.format == "video" for item in uploads.items)
    assert len({item.id for item in uploads.items}) == 15


def test_real_feed_404_page() -> None:
    body = real("newpipe_videos_xml_notavailable_2026-01.html").read_bytes()
    assert read_uploads_feed(body, fetched_at=AS_OF) == "not an Atom feed (an HTML page)"
    # served with its real 404 after a readable channel page: ok, activity unknown
    record = run(SPAAK, with_override(SPAAK_FEED, 404, body)).record
    assert record.outcome == "ok" and record.sample is None


# -- never raise -----------------------------------------------------------------------


def _mutations() -> st.SearchStrategy[bytes]:
    html = (SAMPLES / "spaak-channel.html").read_bytes()
    xml = (SAMPLES / "ratel-videos.xml").read_bytes()
    return st.one_of(
        st.binary(max_size=2000),
        st.tuples(st.sampled_from([html, xml]), st.integers(0, 20000),
                  st.integers(0, 20000), st.binary(max_size=20)).map(
            lambda t: t[0][: t[1] % len(t[0])] + t[3] + t[0][t[2] % len(t[0]):]),
        st.text(max_size=500).map(
            lambda s: f"<script>var ytInitialData = {s}</script>".encode()),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.sampled_from(
                         ["header", "metadata", "c4TabbedHeaderRenderer", "alerts",
                          "alertRenderer", "type", "text", "thumbnails", "url", "title",
                          "channelMetadataRenderer", "description", "externalId",
                          "pageHeaderRenderer", "urlEndpoint", "runs", "ERROR"]), inner,
                         max_size=5), max_leaves=30).map(
            lambda d: f"<script>var ytInitialData = {json.dumps(d)};</script>".encode()),
    )


@settings(max_examples=fuzz_examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(body=_mutations(), status=st.sampled_from([200, 200, 404, 410, 500]))
def test_parsers_and_adapter_never_raise(body: bytes, status: int) -> None:
    read_channel_page(body)
    read_uploads_feed(body, fetched_at=AS_OF)
    step = ADAPTER.start(Target(url=SPAAK, platform="youtube"), OPTIONS)
    assert isinstance(step, Next)
    result = ADAPTER.advance(step.state, page(body, status=status))
    if isinstance(result, Next):
        record = ADAPTER.advance(result.state, page(body, status=status, url=result.fetch.url))
        assert isinstance(record, ProfileRecord)
    else:
        assert isinstance(result, ProfileRecord)


# -- what real data showed (issue 17) ------------------------------------------------------

RATEL_FEED = "https://www.youtube.com/feeds/videos.xml?channel_id=UCRatelTweewielersKanaal"


def test_an_uploads_feed_listed_as_a_profile_is_read_as_the_channel() -> None:
    from auditor.config import config_from_urls
    from auditor.platforms import adapter_for, profile_url

    assert adapter_for(RATEL_FEED) is not None and adapter_for(RATEL_FEED).platform == "youtube"
    assert profile_url(RATEL_FEED) == RATEL
    assert channel_path(RATEL_FEED) == "/channel/UCRatelTweewielersKanaal"
    assert ADAPTER.is_profile(RATEL_FEED)
    assert ADAPTER.handle(RATEL_FEED) == "UCRatelTweewielersKanaal"
    (entry,) = config_from_urls([RATEL_FEED]).organisations[0].profiles
    assert (entry.platform, entry.url) == ("youtube", RATEL)
    # read as the channel: its page (icon, links), then its uploads
    result = run(RATEL_FEED)
    assert result.fetched == [RATEL, RATEL_FEED]
    record = result.record
    assert (record.outcome, record.platform) == ("ok", "youtube")
    assert record.profile is not None and record.profile.avatar_url
    assert judged(record).metrics.completeness.checks["photo"] is True


@pytest.mark.parametrize(("url", "path"), [
    ("https://youtube.com/feeds/videos.xml?channel_id=UCRatelTweewielersKanaal",
     "/channel/UCRatelTweewielersKanaal"),
    ("https://www.youtube.com/feeds/videos.xml?user=ratelfietsen", "/user/ratelfietsen"),
    ("https://www.youtube.com/feeds/videos.xml?playlist_id=PLx1", None),
    ("https://www.youtube.com/feeds/videos.xml?channel_id=notachannel", None),
    ("https://feeds.example/feeds/videos.xml?channel_id=UCRatelTweewielersKanaal", None),
])
def test_uploads_feed_urls_name_their_channel(url: str, path: str | None) -> None:
    assert channel_path(url) == path
