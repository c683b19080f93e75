"""The walled networks: URLs and pasted login URLs, login_wall without fetching, and what
the public pages show when fetch_walled is on (sample pages and real captures)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.models import ProfileRecord
from auditor.platforms.base import CrawlOptions, Next, Page, Target
from auditor.platforms.walled import (
    WALLED_ADAPTERS,
    FacebookAdapter,
    InstagramAdapter,
    LinkedInAdapter,
    RedditAdapter,
    TikTokAdapter,
    WalledAdapter,
    XAdapter,
)
from auditor.urls import canonicalise
from tests.chain import replay_answer, run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES, judged, realcase
from tests.fuzzdepth import fuzz_examples

WALLED = SAMPLE_PAGES / "walled"
FETCH = CrawlOptions(as_of=AS_OF, fetch_walled=True)


def adapter_for(url: str) -> WalledAdapter | None:
    canonical = canonicalise(url)
    return next((a for a in WALLED_ADAPTERS if a.claims(canonical)), None)


def test_platform_names() -> None:
    assert [a.platform for a in WALLED_ADAPTERS] == [
        "linkedin", "x", "facebook", "instagram", "threads", "tiktok", "reddit"]
    assert all(a.replies_observable is False for a in WALLED_ADAPTERS)


@pytest.mark.parametrize(("url", "platform", "profile", "handle"), [
    ("https://www.linkedin.com/company/spaak-fietsen/", "linkedin",
     "https://www.linkedin.com/company/spaak-fietsen", "spaak-fietsen"),
    ("https://nl.linkedin.com/company/Spaak-Fietsen/posts/?feedView=all", "linkedin",
     "https://www.linkedin.com/company/spaak-fietsen", "spaak-fietsen"),
    ("https://be.linkedin.com/in/jan-jansen-123", "linkedin",
     "https://www.linkedin.com/in/jan-jansen-123", "jan-jansen-123"),
    ("https://x.com/RatelFietsen", "x", "https://x.com/ratelfietsen", "@ratelfietsen"),
    ("https://twitter.com/ratelfietsen/status/1234", "x", "https://x.com/ratelfietsen",
     "@ratelfietsen"),
    ("https://mobile.twitter.com/ratelfietsen?s=20", "x", "https://x.com/ratelfietsen",
     "@ratelfietsen"),
    ("https://m.facebook.com/SpaakFietsen/", "facebook", "https://www.facebook.com/spaakfietsen",
     "spaakfietsen"),
    ("https://fb.com/spaak", "facebook", "https://www.facebook.com/spaak", "spaak"),
    ("https://www.facebook.com/profile.php?id=100064&sk=about", "facebook",
     "https://www.facebook.com/profile.php?id=100064", "id 100064"),
    ("https://instagram.com/VeloVlot/?hl=en", "instagram", "https://www.instagram.com/velovlot",
     "@velovlot"),
    ("https://www.threads.com/@velovlot", "threads", "https://www.threads.net/@velovlot",
     "@velovlot"),
    ("https://threads.net/@velovlot/post/abc", "threads", "https://www.threads.net/@velovlot",
     "@velovlot"),
    ("https://www.tiktok.com/@IlloJuan?lang=es", "tiktok", "https://www.tiktok.com/@illojuan",
     "@illojuan"),
    ("https://old.reddit.com/u/Spaak/", "reddit", "https://www.reddit.com/user/spaak", "u/spaak"),
    ("https://reddit.com/r/fietsen/", "reddit", "https://www.reddit.com/r/fietsen", "r/fietsen"),
])
def test_profile_urls(url: str, platform: str, profile: str, handle: str) -> None:
    adapter = adapter_for(url)
    assert adapter is not None and adapter.platform == platform
    canonical = canonicalise(url)
    assert adapter.profile_url(canonical) == profile
    assert adapter.profile_url(profile) == profile  # stable
    assert adapter.handle(canonical) == handle
    assert adapter.is_profile(profile)
    # a post leads to its profile, but a link to the post is not a link to the profile
    assert adapter.is_profile(canonical) == ("/status/" not in url and "/post/" not in url)


@pytest.mark.parametrize(("url", "profile"), [
    ("https://x.com/i/flow/login?redirect_after_login=%2Fratelfietsen",
     "https://x.com/ratelfietsen"),
    ("https://twitter.com/login?redirect_after_login=%2FRatelFietsen%2Fstatus%2F1",
     "https://x.com/ratelfietsen"),
    ("https://www.linkedin.com/authwall?trk=gf&trkInfo=AQ&originalReferer=&sessionRedirect="
     "https%3A%2F%2Fnl.linkedin.com%2Fcompany%2Fspaak-fietsen",
     "https://www.linkedin.com/company/spaak-fietsen"),
    ("https://www.linkedin.com/uas/login?session_redirect=%2Fcompany%2Fspaak-fietsen"
     "&fromSignIn=true", "https://www.linkedin.com/company/spaak-fietsen"),
    ("https://www.facebook.com/login.php?next=https%3A%2F%2Fwww.facebook.com%2FSpaakFietsen%2F",
     "https://www.facebook.com/spaakfietsen"),
    ("https://m.facebook.com/login/?next=%2Fspaak", "https://www.facebook.com/spaak"),
    ("https://www.instagram.com/accounts/login/?next=%2Fvelovlot%2F&source=omni_redirect",
     "https://www.instagram.com/velovlot"),
    ("https://www.instagram.com/accounts/login/?next=https%3A%2F%2Fwww.instagram.com%2F"
     "accounts%2Flogin%2F%3Fnext%3D%252Fvelovlot%252F", "https://www.instagram.com/velovlot"),
    ("https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40velovlot",
     "https://www.tiktok.com/@velovlot"),
    ("https://www.reddit.com/login/?dest=https%3A%2F%2Fwww.reddit.com%2Fuser%2Fspaak",
     "https://www.reddit.com/user/spaak"),
])
def test_pasted_login_urls_are_decoded(url: str, profile: str) -> None:
    adapter = adapter_for(url)
    assert adapter is not None
    assert adapter.profile_url(canonicalise(url)) == profile


@pytest.mark.parametrize("url", [
    # a redirect to another host is never followed
    "https://x.com/i/flow/login?redirect_after_login=https%3A%2F%2Fevil.example%2Fx",
    "https://www.facebook.com/login.php?next=https%3A%2F%2Fevil.example%2F",
    # a login page without a profile in it
    "https://www.instagram.com/accounts/login/",
])
def test_login_urls_without_a_profile_stay_as_they_are(url: str) -> None:
    adapter = adapter_for(url)
    assert adapter is not None
    canonical = canonicalise(url)
    assert adapter.profile_url(canonical) == canonical
    assert not adapter.is_profile(canonical)
    assert adapter.handle(canonical) is None


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.spaak.example",
    "https://twitter.com/intent/tweet?text=hi", "https://x.com/search?q=fiets",
    "https://www.linkedin.com/shareArticle?url=x", "https://www.instagram.com/p/Cabc123/",
    "https://www.reddit.com/r/fietsen/comments/abc/title/", "https://www.tiktok.com/",
    "https://x.com/spaak/status/1", "https://www.threads.net/@spaak/post/abc",
    "https://www.facebook.com/spaak/posts/pfbid0abc", "https://www.instagram.com/spaak/p/Cabc1",
    "https://www.tiktok.com/@spaak/video/7312", "https://www.linkedin.com/posts/spaak_x-123",
    "https://www.reddit.com/user/spaak/comments/abc/title",
])
def test_share_links_and_posts_are_not_profiles(url: str) -> None:
    adapter = adapter_for(url)
    assert adapter is not None and not adapter.is_profile(canonicalise(url))


@pytest.mark.parametrize("url", ["https://mastodon.example/@spaak", "https://notx.com/a",
                                 "https://linkedin.com.evil.example/company/x",
                                 "https://www.spaak.example/"])
def test_other_hosts_are_not_claimed(url: str) -> None:
    assert adapter_for(url) is None


# -- not fetched by default -------------------------------------------------------------------

@pytest.mark.parametrize("adapter", WALLED_ADAPTERS, ids=lambda a: a.platform)
def test_login_wall_at_once_by_default(adapter: WalledAdapter) -> None:
    url = {"linkedin": "https://www.linkedin.com/company/spaak-fietsen",
           "x": "https://x.com/ratelfietsen", "facebook": "https://www.facebook.com/spaak",
           "instagram": "https://www.instagram.com/velovlot",
           "threads": "https://www.threads.net/@velovlot",
           "tiktok": "https://www.tiktok.com/@velovlot",
           "reddit": "https://www.reddit.com/user/spaak"}[adapter.platform]
    record = adapter.start(Target(url=url, platform=adapter.platform, organisation="Spaak"),
                           CrawlOptions(as_of=AS_OF))
    assert isinstance(record, ProfileRecord)  # no request at all
    assert (record.outcome, record.platform, record.items, record.profile) == (
        "login_wall", adapter.platform, (), None)
    assert record.replies_observable is False
    assert "check by hand" in (record.outcome_detail or "")
    assert [f.code for f in judged(record).flags] == ["UNAUDITABLE"]


def test_linkedin_detail_says_what_to_check() -> None:
    record = LinkedInAdapter().start(
        Target(url="https://www.linkedin.com/company/x", platform="linkedin"),
        CrawlOptions(as_of=AS_OF))
    assert isinstance(record, ProfileRecord)
    detail = record.outcome_detail or ""
    for words in ("logged-in members", "last post date on the Posts tab", "About section",
                  "logo and cover image"):
        assert words in detail


def test_demo_profiles_on_the_sample_pages() -> None:
    manifest = json.loads((WALLED / "manifest.json").read_text())
    recorded = {entry["url"] for entry in manifest["responses"]}
    demo = {
        "https://www.linkedin.com/company/spaak-fietsen": ("linkedin", "spaak-fietsen"),
        "https://x.com/i/flow/login?redirect_after_login=%2Fratelfietsen": ("x", "@ratelfietsen"),
        "https://www.instagram.com/velovlot": ("instagram", "@velovlot"),
    }
    for url, (platform, handle) in demo.items():
        adapter = adapter_for(url)
        assert adapter is not None and adapter.platform == platform
        profile = adapter.profile_url(canonicalise(url))
        assert profile not in recorded  # no responses: nothing is fetched by default
        run = run_chain(adapter, profile, replay_answer(WALLED))
        assert run.fetched == []
        assert (run.record.outcome, run.record.handle) == ("login_wall", handle)
        assert [f.code for f in judged(run.record).flags] == ["UNAUDITABLE"]


# -- fetch_walled on: wall detection and what is read --------------------------------------------

def fetched(adapter: WalledAdapter, url: str, options: CrawlOptions = FETCH) -> ProfileRecord:
    return run_chain(adapter, url, replay_answer(WALLED), options=options).record


def test_fetch_uses_the_endpoint_not_the_profile_host() -> None:
    options = CrawlOptions(as_of=AS_OF, fetch_walled=True,
                           endpoints={"x": "http://127.0.0.1:8765/"})
    step = XAdapter().start(Target(url="https://x.com/walldemo", platform="x"), options)
    assert isinstance(step, Next)
    assert step.fetch.url == "http://127.0.0.1:8765/walldemo"
    step = FacebookAdapter().start(
        Target(url="https://www.facebook.com/profile.php?id=42", platform="facebook"), FETCH)
    assert isinstance(step, Next)
    assert step.fetch.url == "https://www.facebook.com/profile.php?id=42"


def test_x_public_page_is_read_but_stays_login_wall() -> None:
    record = fetched(XAdapter(), "https://x.com/walldemo")
    assert record.outcome == "login_wall"
    assert record.outcome_detail is not None
    assert record.outcome_detail.startswith("read logged out: name, bio, avatar")
    assert record.profile is not None
    assert record.profile.display_name == "Wall Demo Fietsen"
    assert record.profile.username == "@walldemo"
    assert record.profile.bio == "Fietsen en onderdelen. Vragen? https://t.co/AbCdEf1234"
    assert record.profile.avatar_url == "https://pbs.twimg.com/profile_images/1/walldemo_200x200.jpg"
    assert record.items == () and record.sample is None
    assert [f.code for f in judged(record).flags] == ["UNAUDITABLE"]  # no activity flags


def test_x_script_shell_reads_nothing() -> None:
    record = fetched(XAdapter(), "https://x.com/walldemo_shell")
    assert (record.outcome, record.profile) == ("login_wall", None)
    assert "showed nothing about the profile" in (record.outcome_detail or "")


def test_linkedin_999_is_blocked() -> None:
    record = fetched(LinkedInAdapter(), "https://www.linkedin.com/company/walldemo-999")
    assert record.outcome == "blocked"
    assert (record.outcome_detail or "").startswith("HTTP 999")


def test_redirect_to_the_login_page_is_a_login_wall() -> None:
    for adapter, url in ((LinkedInAdapter(), "https://www.linkedin.com/company/walldemo"),
                         (InstagramAdapter(), "https://www.instagram.com/walldemo_login")):
        run = run_chain(adapter, url, replay_answer(WALLED), options=FETCH)
        assert len(run.fetched) == 2  # the profile, then the login page it redirected to
        assert run.record.outcome == "login_wall"
        assert run.record.profile is None  # the login page's own title is not the profile
        assert "redirected to its login page" in (run.record.outcome_detail or "")


def test_login_page_served_in_place_is_a_login_wall() -> None:
    body = (WALLED / "linkedin-authwall.html").read_bytes()
    adapter = LinkedInAdapter()
    step = adapter.start(Target(url="https://www.linkedin.com/company/x", platform="linkedin"),
                         FETCH)
    assert isinstance(step, Next)
    record = adapter.advance(step.state, Page(step.fetch.url, 200, {"content-type": "text/html"},
                                              body, AS_OF))
    assert isinstance(record, ProfileRecord)
    assert (record.outcome, record.profile) == ("login_wall", None)
    assert "login page" in (record.outcome_detail or "")


def test_instagram_counters_and_bio() -> None:
    record = fetched(InstagramAdapter(), "https://www.instagram.com/walldemo")
    assert record.outcome == "login_wall" and record.profile is not None
    facts = record.profile
    assert (facts.display_name, facts.followers, facts.posts_total) == ("Wall Demo", 1204, 317)
    assert facts.bio == "Fietsen, onderdelen en reparaties — bel 030 765 4321."


def test_facebook_page_behind_a_login_form_still_shows_its_card() -> None:
    record = fetched(FacebookAdapter(), "https://www.facebook.com/walldemo")
    assert record.outcome == "login_wall" and record.profile is not None
    assert record.profile.display_name == "Wall Demo"
    assert record.profile.avatar_url == "https://scontent.xx.fbcdn.net/v/t39.30808-1/walldemo.jpg"


def test_tiktok_json_ld() -> None:
    record = fetched(TikTokAdapter(), "https://www.tiktok.com/@walldemo")
    assert record.profile is not None
    assert (record.profile.display_name, record.profile.bio, record.profile.followers) == (
        "Wall Demo", "Fietsvideo's uit Utrecht", 431)


def test_block_and_captcha_pages_are_blocked() -> None:
    reddit = fetched(RedditAdapter(), "https://www.reddit.com/user/walldemo")
    assert reddit.outcome == "blocked" and reddit.profile is None
    assert "block page" in (reddit.outcome_detail or "")
    threads = fetched(next(a for a in WALLED_ADAPTERS if a.platform == "threads"),
                      "https://www.threads.net/@walldemo")
    assert threads.outcome == "blocked" and "captcha" in (threads.outcome_detail or "")


def test_a_url_that_is_no_profile_is_not_fetched() -> None:
    record = InstagramAdapter().start(
        Target(url="https://www.instagram.com/p/Cabc", platform="instagram"), FETCH)
    assert isinstance(record, ProfileRecord) and record.outcome == "login_wall"
    assert "not a profile address" in (record.outcome_detail or "")


def page(status: int, body: bytes = b"<html></html>", url: str = "https://x.com/walldemo",
         content_type: str = "text/html") -> Page:
    return Page(url, status, {"content-type": content_type}, body, AS_OF)


@pytest.mark.parametrize(("status", "body", "outcome"), [
    (404, b"<html><title>Page not found</title></html>", "not_found"),
    (410, b"", "gone"),
    (401, b"", "login_wall"),
    (403, b"<html>Forbidden</html>", "blocked"),
    (999, b"", "blocked"),
    (429, b"", "rate_limited"),
    (503, b"", "rate_limited"),
    (500, b"<html>oops</html>", "error"),
    (200, b"", "login_wall"),
    (200, b"\x00\xff garbage \xfe", "login_wall"),
    (200, b'{"truncated": "json', "login_wall"),
])
def test_fault_mapping(status: int, body: bytes, outcome: str) -> None:
    adapter = XAdapter()
    step = adapter.start(Target(url="https://x.com/walldemo", platform="x"), FETCH)
    assert isinstance(step, Next)
    record = adapter.advance(step.state, page(status, body))
    assert isinstance(record, ProfileRecord)
    assert record.outcome == outcome and record.outcome_detail
    assert record.profile is None


def test_unfollowed_redirects() -> None:
    adapter = XAdapter()
    step = adapter.start(Target(url="https://x.com/walldemo", platform="x"), FETCH)
    assert isinstance(step, Next)
    to_login = Page("https://x.com/walldemo", 302,
                    {"location": "/i/flow/login?redirect_after_login=%2Fwalldemo"}, b"", AS_OF)
    record = adapter.advance(step.state, to_login)
    assert isinstance(record, ProfileRecord) and record.outcome == "login_wall"
    elsewhere = Page("https://x.com/walldemo", 301, {"location": "https://t.co/abc"}, b"", AS_OF)
    record = adapter.advance(step.state, elsewhere)
    assert isinstance(record, ProfileRecord) and record.outcome == "error"
    assert record.outcome_detail == "HTTP 301: redirected to https://t.co/abc"


# -- real captures -------------------------------------------------------------------------------

def real(adapter: WalledAdapter, url: str, *path: str) -> ProfileRecord:
    step = adapter.start(Target(url=url, platform=adapter.platform), FETCH)
    assert isinstance(step, Next)
    record = adapter.advance(step.state, page(200, realcase(*path).read_bytes(), step.fetch.url))
    assert isinstance(record, ProfileRecord)
    return record


def test_real_x_profile_page() -> None:
    record = real(XAdapter(), "https://x.com/kikobeats", "x_twitter",
                  "metascraper_x_profile_kikobeats_og.html")
    assert record.outcome == "login_wall" and record.profile is not None
    assert record.profile.display_name == "#!/kiko/beats"  # "(@Kikobeats) on X" removed
    assert record.profile.bio is not None
    assert record.profile.bio.startswith("engineering ▲ @vercel; founder of https://t.co/")
    assert record.profile.avatar_url == ("https://pbs.twimg.com/profile_images/"
                                         "1846292082501054464/oKUC44PF_200x200.jpg")
    assert record.profile.posts_total is None and record.profile.followers is None  # not shown


def test_real_instagram_profile_page() -> None:
    record = real(InstagramAdapter(), "https://www.instagram.com/pluto__travel", "instagram",
                  "metascraper_instagram_profile_pluto__travel.html")
    assert record.outcome == "login_wall" and record.profile is not None
    facts = record.profile
    assert (facts.display_name, facts.username) == ("Pluto", "@pluto__travel")
    assert (facts.followers, facts.posts_total) == (2362, 224)
    assert facts.bio == ("Home of travel — Plan a trip and find the best things to do in one "
                         "simple, fun and beautiful app.")
    assert facts.avatar_url is not None and "cdninstagram.com" in facts.avatar_url


def test_real_tiktok_profile_page() -> None:
    record = real(TikTokAdapter(), "https://www.tiktok.com/@illojuan", "tiktok",
                  "metascraper_tiktok_profile_illojuan.html")
    assert record.outcome == "login_wall" and record.profile is not None
    assert (record.profile.display_name, record.profile.bio, record.profile.followers) == (
        "IlloJuan", "Timing, saludos desde Almería", 783427)
    assert record.profile.avatar_url == ("https://www.tiktok.com/api/img/"
                                         "?userId=6781206617314018309&location=2&aid=1988")


def test_real_reddit_post_page_is_no_profile() -> None:
    path = realcase("reddit", "metascraper_reddit_post_lotus.html")
    adapter = RedditAdapter()
    post = canonicalise("https://www.reddit.com/r/lotus/comments/1pzbv0z/"
                        "my_lotus_elise_72d_with_17_rays_volk_gtp/?seeker-session=true")
    assert adapter.claims(post) and not adapter.is_profile(post)
    # read as the community page it belongs to, the minimal page still gives its card
    record = real(adapter, "https://www.reddit.com/r/lotus", "reddit", path.name)
    assert record.profile is not None
    assert record.profile.bio == "Explore this post and more from the lotus community"


# -- never raises --------------------------------------------------------------------------------

@settings(max_examples=fuzz_examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WALLED_ADAPTERS), st.integers(100, 999),
       st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
       st.sampled_from(["https://x.com/a", "https://www.linkedin.com/authwall?x=1",
                        "https://www.instagram.com/accounts/login/", "http://127.0.0.1/x"]))
def test_advance_never_raises(adapter: WalledAdapter, status: int, body: bytes,
                              final_url: str) -> None:
    target = Target(url=f"https://{adapter.canonical_host}/someone", platform=adapter.platform)
    state = adapter.start(target, FETCH)
    if not isinstance(state, Next):
        return
    record = adapter.advance(state.state, Page(final_url, status, {}, body, AS_OF))
    assert isinstance(record, ProfileRecord) and record.outcome_detail


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(st.sampled_from(WALLED_ADAPTERS), st.text(max_size=80))
def test_url_functions_never_raise(adapter: WalledAdapter, tail: str) -> None:
    for url in (f"https://{adapter.canonical_host}/{tail}",
                f"https://{adapter.canonical_host}/login?next={tail}&redirect_after_login={tail}"):
        try:
            canonical = canonicalise(url)
        except ValueError:
            continue
        adapter.profile_url(canonical)
        adapter.handle(canonical)
        adapter.is_profile(canonical)
