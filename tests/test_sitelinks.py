"""Website links against the audit list, on the sample websites' records."""

from __future__ import annotations

from auditor.i18n import translator
from auditor.models import ProfileFacts, ProfileRecord
from auditor.platforms.mastodon import MastodonAdapter
from auditor.platforms.walled import WALLED_ADAPTERS
from auditor.platforms.website import WebsiteAdapter
from auditor.sitelinks import FINDING_KINDS, SiteFinding, website_findings
from auditor.urls import BadURL, canonicalise
from tests.chain import replay_answer, run_chain
from tests.conftest import SAMPLE_PAGES

#: The registry as the lead will order it: walled hosts before Mastodon's /@user pattern.
ADAPTERS = (*WALLED_ADAPTERS, MastodonAdapter())


def canonical(url: str) -> str | None:
    try:
        url = canonicalise(url)
    except BadURL:
        return None
    adapter = next((a for a in ADAPTERS if a.claims(url)), None)
    return adapter.profile_url(url) if adapter else url


def site(url: str) -> ProfileRecord:
    return run_chain(WebsiteAdapter(), url, replay_answer(SAMPLE_PAGES / "website")).record


def profile(url: str, platform: str = "mastodon", outcome: str = "ok") -> ProfileRecord:
    return ProfileRecord(url=url, platform=platform, handle=None, outcome=outcome,
                         organisation="Org")


def kinds(findings: list[SiteFinding]) -> list[tuple[str, str]]:
    return [(f.kind, f.url) for f in findings]


def test_spaak_site() -> None:
    findings = website_findings(site("https://www.spaak.example/"), [
        profile("https://mastodon.example/@spaak"),
        profile("https://mastodon.example/@spaaknieuws"),
        profile("https://mastodon.example/@spaak_oud", outcome="not_found"),
        profile("https://www.linkedin.com/company/spaak-fietsen", "linkedin", "login_wall"),
        profile("https://bsky.app/profile/spaakfietsen.example", "bluesky"),
        profile("https://www.youtube.com/@spaakfietsen", "youtube"),
        profile("https://t.me/spaakfietsen", "telegram"),
    ], canonical=canonical)
    assert kinds(findings)[1:4] == [
        ("linked", "https://bsky.app/profile/spaakfietsen.example"),
        ("linked", "https://www.youtube.com/@spaakfietsen"),
        ("linked", "https://t.me/spaakfietsen"),
    ]
    findings = [f for f in findings if f.url.startswith(("https://mastodon", "https://www.lin",
                                                         "https://www.ins", "http://spaak"))]
    assert kinds(findings) == [
        ("linked", "https://mastodon.example/@spaak"),
        ("linked", "https://www.linkedin.com/company/spaak-fietsen"),  # trailing / ignored
        ("unlisted", "https://www.instagram.com/spaak_werkplaats"),
        ("dead_network", "http://spaakfietsen.hyves.nl/"),
        ("not_linked", "https://mastodon.example/@spaaknieuws"),
        # @spaak_oud is gone and not linked: nothing to say about it
    ]
    hyves = findings[3]
    assert str(hyves.message) == ("the website links to Hyves, a network that closed in 2013: "
                                  "http://spaakfietsen.hyves.nl/")
    assert hyves.evidence == {"website": "https://www.spaak.example/",
                              "link": "http://spaakfietsen.hyves.nl/", "network": "Hyves",
                              "closed": 2013}
    assert findings[2].evidence["platform"] == "instagram"
    assert str(findings[4].message) == ("the organisation's website https://www.spaak.example/ "
                                        "does not link to this profile")
    assert all(f.kind in FINDING_KINDS for f in findings)


def test_ratel_site_matches_twitter_link_to_x_profile() -> None:
    findings = website_findings(site("https://www.ratel.example/"), [
        profile("https://fedi.example/@ratel"),
        profile("https://x.com/ratelfietsen", "x", "login_wall"),
    ], canonical=canonical)
    assert kinds(findings)[:4] == [
        ("linked", "https://fedi.example/@ratel"),
        ("linked", "https://x.com/ratelfietsen"),
        ("unlisted", "https://fedi.example/@ratelwerkplaats"),
        ("dead_network", "https://plus.google.com/+RatelTweewielers"),
    ]
    # the site's other profiles (Bluesky, YouTube, Telegram) are not in this short list
    assert {kind for kind, _ in kinds(findings)[4:]} == {"unlisted"}
    assert findings[1].evidence["link"] == "https://twitter.com/RatelFietsen"


def test_velovlot_site_links_a_gone_profile() -> None:
    findings = website_findings(site("https://www.velovlot.example/"), [
        profile("https://mastodon.example/@velovlot"),
        profile("https://mastodon.example/@velovlot_promo", outcome="gone"),
        profile("https://www.instagram.com/velovlot", "instagram", "login_wall"),
        profile("https://mastodon.example/@velovlot_nl"),
    ], canonical=canonical)
    assert [k for k in kinds(findings) if k[0] != "unlisted"] == [
        ("linked", "https://mastodon.example/@velovlot"),
        ("gone_profile", "https://mastodon.example/@velovlot_promo"),
        ("linked", "https://www.instagram.com/velovlot"),
        ("not_linked", "https://mastodon.example/@velovlot_nl"),
    ]
    gone = findings[1]
    assert str(gone.message) == ("the website links to https://mastodon.example/@velovlot_promo,"
                                 " which no longer exists")
    assert gone.evidence["outcome"] == "gone"


def test_unreadable_website_makes_one_finding_and_no_guesses() -> None:
    website = ProfileRecord(url="https://www.spaak.example/", platform="website", handle=None,
                            outcome="not_found", outcome_detail="HTTP 404: no such account")
    findings = website_findings(website, [profile("https://mastodon.example/@spaak")])
    assert kinds(findings) == [("unreadable", "https://www.spaak.example/")]
    assert "HTTP 404" in str(findings[0].message)
    assert "dit account bestaat niet" in translator("nl").msg(findings[0].message)


def test_default_canonical_uses_the_registry() -> None:
    # Mastodon is registered: /users/x and /@x are one profile.
    website = ProfileRecord(url="https://www.x.example/", platform="website", handle=None,
                            outcome="ok", profile=ProfileFacts(
                                links=("https://mastodon.example/users/spaak/",)))
    findings = website_findings(website, [profile("https://mastodon.example/@spaak")])
    assert kinds(findings) == [("linked", "https://mastodon.example/@spaak")]


def test_the_canonical_function_decides_what_matches() -> None:
    website = ProfileRecord(url="https://www.x.example/", platform="website", handle=None,
                            outcome="ok", profile=ProfileFacts(
                                links=("https://t.me/s/spaakfietsen",
                                       "https://en.wikipedia.org/wiki/Spaak", "not a url")))

    def telegram(url: str) -> str | None:
        return url.replace("/s/", "/") if url.startswith("https://") else None

    findings = website_findings(website, [profile("https://t.me/spaakfietsen", "telegram")],
                                canonical=telegram)
    # an encyclopedia sameAs is not a social profile, so it is not "unlisted"
    assert kinds(findings) == [("linked", "https://t.me/spaakfietsen")]


def test_website_records_in_the_profile_list_are_ignored() -> None:
    website = site("https://www.velovlot.example/")
    findings = website_findings(website, [website], canonical=canonical)
    assert {f.kind for f in findings} <= {"unlisted"}


def test_commenters_accounts_are_not_unlisted_profiles_of_the_blog() -> None:
    # issue 17: a blog's comment section (commenters' own Facebook, X and Mastodon
    # accounts), an embedded tweet and a share bar were reported "not in the audit list"
    findings = website_findings(site("https://fietsblog.example/2026/10/bakfiets/"),
                                [profile("https://mastodon.example/@fietsblognoord")],
                                canonical=canonical)
    assert kinds(findings) == [
        ("linked", "https://mastodon.example/@fietsblognoord"),
        ("unlisted", "https://www.instagram.com/fietsblognoord"),
    ]
