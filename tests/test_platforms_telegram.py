"""The Telegram adapter on the hand-made sample pages and on real captured markup."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import MAX_BIO_CHARS, MAX_TEXT_CHARS, ProfileRecord
from auditor.platforms.base import CrawlOptions, Failure, Next, Page, Target
from auditor.platforms.telegram import TelegramAdapter, parse_count, parse_page
from auditor.urls import canonicalise
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, judged, realcase
from tests.fuzzdepth import fuzz_examples

ADAPTER = TelegramAdapter()
SAMPLES = SAMPLE_PAGES / "telegram"
HTML_TYPE = "text/html; charset=utf-8"


def start(url: str = "https://t.me/spaakfietsen", **options: object) -> Next:
    step = ADAPTER.start(Target(url=url, platform="telegram"),
                         CrawlOptions(as_of=options.pop("as_of", AS_OF), **options))  # type: ignore[arg-type]
    assert isinstance(step, Next)
    return step


def page(body: bytes | str, *, url: str = "https://t.me/s/spaakfietsen", status: int = 200,
         headers: dict[str, str] | None = None) -> Page:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return Page(url=url, status=status, headers=headers or {"content-type": HTML_TYPE},
                body=raw, fetched_at=AS_OF)


def first_page(body: bytes | str, url: str = "https://t.me/spaakfietsen",
               **options: object) -> ProfileRecord | Next:
    step = start(url, **options)
    return ADAPTER.advance(step.state, page(body, url=step.fetch.url))


def sample(url: str, **options: object) -> ProfileRecord:
    run = run_chain(ADAPTER, url, replay_answer(SAMPLES),
                    options=CrawlOptions(as_of=AS_OF, **options))  # type: ignore[arg-type]
    return run.record


# -- URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://t.me/SpaakFietsen",
    "https://t.me/spaakfietsen/",
    "https://t.me/s/spaakfietsen",
    "https://t.me/s/SpaakFietsen/1234",
    "https://t.me/spaakfietsen/1234",
    "https://telegram.me/spaakfietsen",
    "https://www.telegram.me/s/spaakfietsen",
    "https://www.t.me/spaakfietsen",
    "http://t.me/spaakfietsen",
    "https://t.me/spaakfietsen?utm_source=site",
    "https://T.ME/spaakfietsen#top",
])
def test_channel_urls_are_claimed_and_normalised(url: str) -> None:
    canonical = canonicalise(url)
    assert ADAPTER.claims(canonical)
    assert ADAPTER.profile_url(canonical) == "https://t.me/spaakfietsen"
    assert ADAPTER.handle(canonical) == "@spaakfietsen"


@pytest.mark.parametrize("url", [
    "https://t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg",
    "https://t.me/+AbCdEfGhIjK1",
    "https://t.me/addstickers/SpaakPack",
    "https://t.me/addemoji/SpaakEmoji",
    "https://t.me/share/url?url=https://www.spaak.example",
    "https://t.me/proxy?server=1.2.3.4&port=443",
    "https://t.me/c/1234567/89",
    "https://t.me/iv?url=https://www.spaak.example",
    "https://t.me/",
    "https://t.me/s",
    "https://t.me/ab",
    "https://t.me/spaakfietsen/not-a-post",
    "https://t.me/spaakfietsen/12/34",
    "https://t.me/s/spaakfietsen/extra/path",
    "https://t.me/_underscore",
    "https://www.spaak.example/spaakfietsen",
    "https://telegram.org/spaakfietsen",
    "ftp://t.me/spaakfietsen",
])
def test_other_urls_are_not_claimed(url: str) -> None:
    assert not ADAPTER.claims(canonicalise(url) if url.startswith("http") else url)


def test_first_request_is_the_preview_on_the_endpoint() -> None:
    assert start().fetch.url == "https://t.me/s/spaakfietsen"
    assert start("https://t.me/spaakfietsen", endpoints={"telegram": "http://127.0.0.1:8081/"}
                 ).fetch.url == "http://127.0.0.1:8081/s/spaakfietsen"


def test_unclaimed_url_given_anyway_is_unsupported() -> None:
    record = ADAPTER.start(Target(url="https://t.me/joinchat/AAAA", platform="telegram"),
                           CrawlOptions(as_of=AS_OF))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "unsupported"


@pytest.mark.parametrize(("text", "value"), [
    ("10K", 10_000), ("1.2K", 1_200), ("2.5K", 2_500), ("436.6K", 436_600), ("3M", 3_000_000),
    ("3.1M", 3_100_000), ("500", 500), ("1", 1), ("12 345", 12_345), ("1,234", 1_234),
    ("1\u00a0208", 1_208), ("", None), (None, None), ("many", None), ("1.2.3K", None),
    ("9" * 40, None),
])
def test_counts(text: str | None, value: int | None) -> None:
    assert parse_count(text) == value


# -- the demo profiles on the sample pages -----------------------------------------------


def test_every_demo_profile_gets_its_intended_outcome_and_flags() -> None:
    expected = {
        "https://t.me/spaakfietsen": ("ok", []),
        "https://t.me/rateltweewielers": ("ok", ["DEAD"]),
        "https://t.me/velovlot": ("ok", ["INCOMPLETE"]),
        "https://t.me/ratelverhuur": ("preview_disabled", ["UNAUDITABLE"]),
        "https://t.me/velovlotnl": ("not_found", ["GONE"]),
    }
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    served = {entry["url"] for entry in manifest["responses"]}
    for url, (outcome, flags) in expected.items():
        assert url.replace("t.me/", "t.me/s/") in served
        record = sample(url)
        assert record.platform == "telegram"
        assert record.replies_observable is False
        assert record.outcome == outcome, (url, record.outcome_detail)
        assert [flag.code for flag in judged(record).flags] == flags, url


def test_healthy_channel_reads_two_pages_back_to_the_window() -> None:
    run = run_chain(ADAPTER, "https://t.me/spaakfietsen", replay_answer(SAMPLES))
    record = run.record
    assert run.fetched == ["https://t.me/s/spaakfietsen",
                           "https://t.me/s/spaakfietsen?before=393"]
    assert record.sample is not None
    assert (record.sample.pages, record.sample.exhausted,
            record.sample.page_cap_reached) == (2, False, False)
    # The oldest message read lies before the window start: that is why paging stopped.
    assert record.items[-1].published_at < AS_OF - timedelta(days=90)
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Spaak Fietsen"
    assert facts.username == "spaakfietsen"
    assert facts.avatar_url == "https://cdn4.telesco.pe/file/spaakfietsen-avatar.jpg"
    assert facts.avatar_is_default is False
    assert facts.bio is not None and "Bel 030-2345678 of mail winkel@spaak.example" in facts.bio
    assert facts.links == ("https://www.spaak.example/",)
    assert facts.followers == 1200
    assert facts.banner_url is None and facts.posts_total is None
    assert "channel counters: 1200 subscribers, 184 photos, 23 videos, 61 links" in record.notes
    # 40 messages over two pages, one of them a "pinned" service notice: 39 items.
    assert len(record.items) == 39
    assert len({item.id for item in record.items}) == 39
    assert [i.published_at for i in record.items] == sorted(
        (i.published_at for i in record.items), reverse=True)
    assert all("pinned" not in item.text for item in record.items)
    reposts = [item for item in record.items if item.kind == "repost"]
    assert len(reposts) == 4
    assert {item.kind for item in record.items} == {"original", "repost"}
    newest = record.items[0]
    assert newest.id == "412" and newest.url == "https://t.me/spaakfietsen/412"
    assert newest.published_at == datetime(2026, 10, 31, 4, 7, 31, tzinfo=UTC)
    assert newest.text.startswith("Werkplaatstip: controleer je bandenspanning")
    with_link = next(item for item in record.items if item.links)
    assert with_link.links == ("https://www.spaak.example/werkplaats",)
    metrics = judged(record).metrics
    assert metrics.reply_share is None
    assert metrics.completeness.checks["banner"] is None
    assert metrics.completeness.score == 100


def test_page_cap_stops_paging() -> None:
    record = sample("https://t.me/spaakfietsen", max_pages=1)
    assert record.sample is not None
    assert (record.sample.pages, record.sample.page_cap_reached) == (1, True)
    assert len(record.items) == 19  # 20 messages, one of them the pinned notice


def test_wider_window_pages_on_until_the_cap() -> None:
    record = sample("https://t.me/spaakfietsen", max_pages=2, window_days=400)
    assert record.sample is not None
    assert (record.sample.pages, record.sample.page_cap_reached) == (2, True)


def test_a_later_page_that_fails_keeps_the_pages_read() -> None:
    # The third page (?before=373) is not in the sample folder: a replay miss.
    run = run_chain(ADAPTER, "https://t.me/spaakfietsen", replay_answer(SAMPLES),
                    options=CrawlOptions(as_of=AS_OF, window_days=400, max_pages=5))
    record = run.record
    assert run.fetched[-1] == "https://t.me/s/spaakfietsen?before=373"
    assert record.outcome == "ok"
    assert record.sample is not None and record.sample.pages == 2
    assert record.sample.exhausted is False
    assert len(record.items) == 39
    assert any(note.startswith("page 3: not in replay") for note in record.notes)


def test_dead_channel_is_read_to_its_start() -> None:
    record = sample("https://t.me/rateltweewielers")
    assert record.sample is not None
    assert record.sample.exhausted is True and record.sample.pages == 1
    assert len(record.items) == 7  # "Channel created" is not an item
    assert record.items[0].published_at == datetime(2026, 4, 14, 23, 29, 17, tzinfo=UTC)
    assert record.items[-1].text == "Welkom op het kanaal van Ratel Tweewielers."
    result = judged(record)
    assert result.metrics.days_since_last_post == 200


def test_channel_without_photo_or_description() -> None:
    record = sample("https://t.me/velovlot")
    facts = record.profile
    assert facts is not None
    assert facts.avatar_url is None
    assert facts.bio == ""  # observably empty, not unknown
    assert facts.links == ()
    assert facts.display_name == "Velo Vlot"
    checks = judged(record).metrics.completeness.checks
    assert checks["photo"] is False and checks["bio"] is False
    assert checks["display_name"] is True


def test_preview_disabled_reads_the_contact_card() -> None:
    run = run_chain(ADAPTER, "https://t.me/ratelverhuur", replay_answer(SAMPLES))
    record = run.record
    assert run.fetched == ["https://t.me/s/ratelverhuur", "https://t.me/ratelverhuur"]
    assert record.outcome == "preview_disabled"
    assert record.outcome_detail is not None
    assert "turned the web preview of @ratelverhuur off" in record.outcome_detail
    assert record.items == () and record.sample is None
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Ratel Verhuur"
    assert facts.followers == 1208
    assert facts.avatar_url == "https://cdn4.telesco.pe/file/ratelverhuur-avatar.jpg"
    assert facts.links == ("https://www.ratel.example/verhuur",)
    assert facts.bio is not None and facts.bio.startswith("Huur een e-bike")


def test_unknown_name_is_not_found() -> None:
    record = sample("https://t.me/velovlotnl")
    assert record.outcome == "not_found"
    assert record.outcome_detail is not None and "@velovlotnl" in record.outcome_detail
    assert record.profile is None


# -- contact cards that are not channels -------------------------------------------------


def card(title: str | None, extra: str | None, action: str, *, description: str = "",
         photo: bool = True) -> str:
    parts = ['<html><head><meta property="og:site_name" content="Telegram">']
    parts.append(f'<meta property="og:title" content="{title or "Telegram: Contact @x"}">')
    parts.append('</head><body><div class="tgme_page">')
    if photo:
        parts.append('<img class="tgme_page_photo_image" src="https://cdn4.telesco.pe/file/p.jpg">')
    if title:
        parts.append(f'<div class="tgme_page_title"><span dir="auto">{title}</span></div>')
    if extra:
        parts.append(f'<div class="tgme_page_extra">{extra}</div>')
    parts.append(f'<div class="tgme_page_description">{description}</div>')
    parts.append(f'<div class="tgme_page_action"><a class="tgme_action_button_new" '
                 f'href="tg://resolve?domain=x">{action}</a></div></div></body></html>')
    return "".join(parts)


def test_user_card_is_unsupported_not_a_channel() -> None:
    record = first_page(card("Jan de Vries", "@jandevries", "Send Message",
                             description="Monteur bij Spaak"), "https://t.me/jandevries")
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "unsupported"
    assert record.outcome_detail is not None
    assert "Telegram user, not a channel" in record.outcome_detail
    assert record.profile is not None and record.profile.display_name == "Jan de Vries"
    assert record.profile.bot is False
    assert "UNAUDITABLE" in [flag.code for flag in judged(record).flags]


def test_bot_card_is_unsupported() -> None:
    record = first_page(card("Spaak Afspraken", "@spaakafsprakenbot", "Send Message"),
                        "https://t.me/spaakafsprakenbot")
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "unsupported"
    assert "Telegram bot" in (record.outcome_detail or "")
    assert record.profile is not None and record.profile.bot is True


def test_group_card_is_unsupported() -> None:
    record = first_page(card("Fietsers Utrecht", "2 345 members, 81 online", "View in Telegram"),
                        "https://t.me/fietsersutrecht")
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "unsupported"
    assert "group" in (record.outcome_detail or "")


def test_channel_card_served_directly_is_preview_disabled() -> None:
    record = first_page(card("Spaak", "12 345 subscribers", "View in Telegram"))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "preview_disabled"
    assert record.profile is not None and record.profile.followers == 12_345
    assert record.profile.bio == ""


def test_card_without_title_is_not_found() -> None:
    body = card(None, None, "Send Message", photo=False,
                description="If you have <strong>Telegram</strong>, you can contact @x right away.")
    record = first_page(body)
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "not_found"


def test_unfollowed_redirect_is_followed_on_the_endpoint_only() -> None:
    step = start(endpoints={"telegram": "http://127.0.0.1:8081"})
    moved = ADAPTER.advance(step.state, page(b"", url=step.fetch.url, status=302,
                                             headers={"location": "https://t.me/spaakfietsen"}))
    assert isinstance(moved, Next)
    assert moved.fetch.url == "http://127.0.0.1:8081/spaakfietsen"
    elsewhere = ADAPTER.advance(step.state, page(
        b"", url=step.fetch.url, status=302, headers={"location": "https://evil.example/x"}))
    assert isinstance(elsewhere, ProfileRecord)
    assert elsewhere.outcome == "error"
    assert "redirect not followed" in (elsewhere.outcome_detail or "")


# -- real markup (../shared/realcases/telegram) --------------------------------------------


def test_real_channel_page() -> None:
    path = realcase("telegram", "lifemodel_t.me_s_test_channel.html")
    record = first_page(path.read_bytes(), "https://t.me/test_channel")
    assert isinstance(record, ProfileRecord)  # its messages (2026-01-31) predate the window
    assert record.outcome == "ok"
    assert [item.id for item in record.items] == ["1010", "1003", "1001"]
    assert [item.published_at for item in record.items] == [
        datetime(2026, 1, 31, 9, 41, 27, tzinfo=UTC),
        datetime(2026, 1, 31, 9, 35, tzinfo=UTC),
        datetime(2026, 1, 31, 8, 35, 56, tzinfo=UTC),
    ]
    assert [item.kind for item in record.items] == ["repost", "original", "original"]
    assert record.items[0].url == "https://t.me/test_channel/1010"
    assert record.items[2].text.startswith("This is a test message with multiple photos.")
    assert record.sample is not None and record.sample.exhausted is False
    facts = record.profile
    assert facts is not None
    assert facts.display_name == "Test_Channel"
    assert facts.username == "test_channel"
    assert facts.followers == 10_000
    assert facts.avatar_url == "https://cdn4.telesco.pe/file/test-avatar.jpg"
    assert facts.bio == ("A test channel for unit testing the Telegram fetcher.\n"
                         "Questions and suggestions:\n@TestBot")
    assert facts.links == ()  # the only link is t.me/TestBot: a Telegram bot, not a website
    parsed = parse_page(path.read_bytes())
    assert dict(parsed.counters) == {"subscribers": 10_000, "photos": 500, "videos": 100}
    assert parsed.description_links == ("https://t.me/TestBot",)
    assert parsed.has_older is True


def test_real_channel_page_pages_back_with_before() -> None:
    path = realcase("telegram", "lifemodel_t.me_s_test_channel.html")
    after = first_page(path.read_bytes(), "https://t.me/test_channel",
                       as_of=datetime(2026, 2, 10, tzinfo=UTC))
    assert isinstance(after, Next)
    assert after.fetch.url == "https://t.me/s/test_channel?before=1001"


def test_real_channel_info_counters() -> None:
    parsed = parse_page(realcase("telegram", "tchan_snippets", "channel_info.html").read_bytes())
    assert parsed.kind == "preview"
    assert dict(parsed.counters) == {"subscribers": 1, "photos": 3, "videos": 2, "links": 4}
    assert parsed.username == "tchantest"
    assert parsed.title == "tchan's test channel 👍"
    assert parsed.description == "Test channel for tchan Python library/CLI"
    assert parsed.photo_url is not None
    assert parsed.photo_url.startswith("https://cdn1.telegram-cdn.org/file/pEJs58u1vQ4")


@pytest.mark.parametrize(("name", "post_id", "when"), [
    ("parse_audio_document", 12, "2023-02-24T07:33:58"),
    ("parse_audio_message", 13, "2023-02-24T07:34:05"),
    ("parse_location_message", 10, "2023-02-24T07:31:38"),
    ("parse_location_message_2", 83, "2023-02-24T11:01:22"),
    ("parse_message_weird_preview", 7334, "2022-11-09T22:43:54"),
    ("parse_multimedia_message", 84, "2023-02-24T11:01:46"),
    ("parse_photo_multiple", 14, "2023-02-24T07:34:20"),
    ("parse_photo_single", 16, "2023-02-24T07:35:28"),
    ("parse_round_video_single", 17, "2023-02-24T07:35:45"),
    ("parse_service_message_channel_video_changed", 82, "2023-02-24T10:15:33"),
    ("parse_sticker_message", 9, "2023-02-24T07:31:06"),
    ("parse_text_message_link_no_preview", 24, "2023-02-24T07:48:02"),
    ("parse_text_message_link_with_regular_preview", 94, "2023-02-24T13:47:38"),
    ("parse_text_message_link_with_right_preview", 81, "2023-02-24T08:16:18"),
    ("parse_text_message_multiline", 62, "2023-02-24T08:01:26"),
    ("parse_text_message_signed_not_edited", 79, "2023-02-24T08:07:51"),
    ("parse_unsigned_text_message", 6, "2023-02-24T07:30:39"),
    ("parse_video_big", 5343, "2023-01-30T23:30:40"),
    ("parse_video_single", 18, "2023-02-24T07:36:49"),
    ("parse_video_single_2", 19, "2023-02-24T07:38:13"),
])
def test_real_messages_are_original_items(name: str, post_id: int, when: str) -> None:
    body = realcase("telegram", "tchan_snippets", f"{name}.html").read_bytes()
    record = first_page(body, "https://t.me/tchantest")
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "ok"
    assert record.sample is not None and record.sample.exhausted is True  # no older link
    # The message's own <time datetime>, never a video's duration <time>.
    assert [(i.id, i.published_at, i.kind) for i in record.items] == [
        (str(post_id), datetime.fromisoformat(when + "+00:00"), "original")]


@pytest.mark.parametrize("name", [
    "parse_service_message_channel_created",
    "parse_service_message_channel_name_changed",
    "parse_service_message_channel_photo_updated",
])
def test_real_service_messages_are_not_items(name: str) -> None:
    body = realcase("telegram", "tchan_snippets", f"{name}.html").read_bytes()
    parsed = parse_page(body)
    assert len(parsed.messages) == 1 and parsed.messages[0].service is True
    record = first_page(body, "https://t.me/tchantest")
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "ok" and record.items == ()


def test_real_message_texts_and_links() -> None:
    def only(name: str):  # a test helper
        body = realcase("telegram", "tchan_snippets", f"{name}.html").read_bytes()
        (message,) = parse_page(body).messages
        return message

    link = only("parse_text_message_link_no_preview")
    assert link.text == "This is a message with a link\nhttps://brasil.io/"
    assert link.links == ("https://brasil.io/",)
    assert only("parse_text_message_multiline").text.splitlines()[0] == "Bigger"
    weird = only("parse_message_weird_preview")
    assert "http://bit.ly/3Tq1C4G" in weird.links
    assert not any("?q=" in link for link in weird.links)  # hashtag searches are not links
    assert len(weird.text) <= MAX_TEXT_CHARS


# -- faults --------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "outcome"), [
    (404, "not_found"), (410, "gone"), (401, "blocked"), (403, "blocked"), (451, "blocked"),
    (429, "rate_limited"), (503, "rate_limited"), (500, "error"), (502, "error"),
])
def test_http_errors(status: int, outcome: str) -> None:
    record = first_page_status(b"<html>oops</html>", status)
    assert isinstance(record, ProfileRecord)
    assert record.outcome == outcome
    assert record.outcome_detail is not None and f"HTTP {status}" in record.outcome_detail


def first_page_status(body: bytes, status: int) -> ProfileRecord | Next:
    step = start()
    return ADAPTER.advance(step.state, page(body, url=step.fetch.url, status=status))


@pytest.mark.parametrize(("body", "ctype", "detail"), [
    (b"", HTML_TYPE, "empty answer"),
    (b"   \n", HTML_TYPE, "empty answer"),
    (b'{"ok": true}', "application/json", "not a Telegram preview page"),
    (b'{"ok": tr', "application/json", "not a Telegram preview page"),
    (b"\x00\xff\xfe garbage \x89PNG", "application/octet-stream", "not a Telegram preview page"),
    (b"<html><body><h1>Welcome to nginx!</h1></body></html>", HTML_TYPE,
     "not a Telegram preview page"),
])
def test_bodies_that_are_not_previews(body: bytes, ctype: str, detail: str) -> None:
    step = start()
    record = ADAPTER.advance(step.state, page(body, url=step.fetch.url,
                                              headers={"content-type": ctype}))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "error"
    assert detail in (record.outcome_detail or "")


def test_truncated_page_is_an_error_not_an_older_last_post() -> None:
    # A page cut short loses its newest messages (the bottom of the page): reading the
    # rest would make the last post look older than it is (a false STALE).
    body = (SAMPLES / "spaakfietsen.html").read_bytes()
    cut = body[: body.index(b'data-post="spaakfietsen/405"') + 400]
    after = first_page(cut)
    assert isinstance(after, ProfileRecord)
    assert after.outcome == "error" and "truncated" in (after.outcome_detail or "")
    assert after.items == ()


def test_network_failure_on_the_first_page() -> None:
    step = start()
    record = ADAPTER.fail(step.state, Failure("timeout", "no answer in 30 s", step.fetch.url))
    assert record.outcome == "error"
    assert record.outcome_detail == "timeout: no answer in 30 s"


def test_scraped_text_is_capped() -> None:
    long = "x" * 10_000
    body = (SAMPLES / "spaakfietsen.html").read_text(encoding="utf-8")
    body = body.replace("Werkplaatstips en acties", long).replace(
        "Werkplaatstip: controleer", long)
    body = body.replace("<span dir=\"auto\">Spaak Fietsen</span>",
                        f"<span dir=\"auto\">{long}</span>", 1)
    parsed = parse_page(body)
    assert parsed.description is not None and len(parsed.description) <= MAX_BIO_CHARS
    assert parsed.title is not None and len(parsed.title) <= 200
    assert all(len(m.text) <= MAX_TEXT_CHARS for m in parsed.messages)


# -- never raise ---------------------------------------------------------------------------

SEEDS = [(SAMPLES / name).read_bytes() for name in
         ("spaakfietsen.html", "velovlot.html", "ratelverhuur-card.html",
          "velovlotnl-card.html")]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        if not body:
            break
        at = draw(st.integers(0, len(body) - 1))
        action = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if action == "cut":
            del body[at:]
        elif action == "flip":
            body[at] = draw(st.integers(0, 255))
        elif action == "insert":
            body[at:at] = draw(st.sampled_from([
                b"<", b"&", b"\x00", b"\"", b"<![CDATA[", b"<!--", b"</div>",
                b'<time datetime="9999-99-99T99:99">', b'data-post="x/99999999999999999"',
                b'<div class="tgme_widget_message service_message" data-post="a/1">',
                b'<span class="counter_value">9.9.9K</span>', b"<a href=\"javascript:x\">"]))
        else:
            del body[at:at + draw(st.integers(1, 80))]
    return bytes(body)


@settings(max_examples=fuzz_examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(mutated(), st.binary(max_size=400), st.text(max_size=400)),
       status=st.sampled_from([200, 200, 302, 404, 500]))
def test_parsers_never_raise(body: bytes | str, status: int) -> None:
    parsed = parse_page(body)
    assert parsed.kind in ("preview", "card", "other")
    for message in parsed.messages:
        assert message.published_at is None or message.published_at.utcoffset() == timedelta(0)
        assert len(message.text) <= MAX_TEXT_CHARS
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    step = start()
    after = ADAPTER.advance(step.state, page(raw, url=step.fetch.url, status=status,
                                             headers={"content-type": HTML_TYPE,
                                                      "location": "/spaakfietsen"}))
    assert isinstance(after, ProfileRecord | Next)
    if isinstance(after, ProfileRecord):
        assert after.outcome in ("ok", "not_found", "gone", "preview_disabled", "unsupported",
                                 "error", "blocked", "rate_limited")


# -- what real data showed (issue 17) ------------------------------------------------------


def test_a_url_written_out_at_the_end_of_the_description_is_the_website_link() -> None:
    record = sample("https://t.me/fietsclubnoord")
    assert record.outcome == "ok" and record.profile is not None
    assert record.profile.bio is not None
    assert record.profile.bio.endswith("https://www.fietsclubnoord.example/tochten")
    assert record.profile.links == ("https://www.fietsclubnoord.example/tochten",)
    checks = judged(record).metrics.completeness.checks
    assert checks["website"] is True


def test_a_linked_url_is_not_counted_twice() -> None:
    spaak = sample("https://t.me/spaakfietsen")  # "www.spaak.example" is a link there
    assert spaak.profile is not None and spaak.profile.links == ("https://www.spaak.example/",)


def test_a_card_offering_preview_channel_is_a_channel_not_a_group() -> None:
    body = (SAMPLES / "fietsclubnoord-card.html").read_bytes()
    parsed = parse_page(body)
    assert parsed.kind == "card" and parsed.card_preview
    record = first_page(body, "https://t.me/fietsclubnoord")
    assert isinstance(record, ProfileRecord)
    assert record.outcome == "preview_disabled"
    assert "group" not in (record.outcome_detail or "")
    assert record.outcome_detail == (
        "@fietsclubnoord is a Telegram channel whose contact card offers a preview, but "
        "t.me/s/fietsclubnoord showed the card instead of messages (title, description and "
        "photo read; no posts)")
    assert record.profile is not None and record.profile.display_name == "Fietsclub Noord"
