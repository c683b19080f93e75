"""``discover --guess``: which handles are tried, and what counts as linking back."""

from __future__ import annotations

from auditor.guess import MAX_CANDIDATES, candidates, handles, links_back
from auditor.models import ProfileFacts, ProfileField, ProfileRecord


def test_handles_from_the_name_and_the_websites_own_name() -> None:
    assert handles("Spaak Fietsen", "https://www.spaak.example/") == [
        "spaakfietsen", "spaak_fietsen", "spaak-fietsen", "spaak"]
    # accents folded, legal forms left out, the domain's name once
    assert handles("Café Élan B.V.", "https://elan.example/") == [
        "cafeelan", "cafe_elan", "cafe-elan", "elan"]
    assert handles("Ratel", "https://ratel.example/") == ["ratel"]
    assert handles("!!!", "https://") == []


def test_candidates_follow_each_platforms_handle_rules_and_skip_known_ones() -> None:
    urls = candidates("Spaak Fietsen", "https://www.spaak.example/",
                      known={"https://t.me/spaakfietsen", "https://www.youtube.com/@spaakfietsen"})
    # the domain as a Bluesky handle first
    assert urls[0] == "https://bsky.app/profile/spaak.example"
    assert "https://bsky.app/profile/spaakfietsen.bsky.social" in urls
    assert "https://mastodon.social/@spaak_fietsen" in urls
    assert "https://t.me/spaak_fietsen" in urls
    # known profiles are not tried again
    assert "https://t.me/spaakfietsen" not in urls
    assert "https://www.youtube.com/@spaakfietsen" not in urls
    # Telegram wants 5 characters at least, Bluesky no underscore, Mastodon no hyphen
    assert "https://t.me/velo" not in candidates("Velo", "https://velo.example/", ())
    assert "https://bsky.app/profile/spaak_fietsen.bsky.social" not in urls
    assert "https://mastodon.social/@spaak-fietsen" not in urls
    assert len(urls) == len(set(urls)) <= MAX_CANDIDATES
    # 14 candidates for this one: the first 12 are tried
    assert len(candidates("Bo Ka Fi", "https://bokafietsen.example/", ())) == MAX_CANDIDATES
    # a name too long for any handle leaves the website's own name
    assert candidates("Een Heel Erg Lange Naam Voor Een Fietsenwinkel In Utrecht",
                      "https://lang.example/", ()) == [
        "https://bsky.app/profile/lang.example", "https://bsky.app/profile/lang.bsky.social",
        "https://www.youtube.com/@lang", "https://mastodon.social/@lang"]


def _record(platform: str = "telegram", outcome: str = "ok", **facts: object) -> ProfileRecord:
    return ProfileRecord(url="https://t.me/x", platform=platform, handle="x", outcome=outcome,
                         profile=ProfileFacts(**facts))  # type: ignore[arg-type]


def test_what_counts_as_linking_back() -> None:
    site = "https://www.spaak.example/"
    assert links_back(_record(links=("https://spaak.example/over",)), site) == (
        "its profile links https://spaak.example/over")
    assert links_back(_record(links=("https://winkel.spaak.example/",)), site) is not None
    field = ProfileField("website", "spaak.example", ("https://www.spaak.example/",), True)
    assert links_back(_record(platform="mastodon", fields=(field,)), site) == (
        "a verified profile field links https://www.spaak.example/")
    assert links_back(_record(bio="Mail ons: info@spaak.example"), site) == (
        "its bio names spaak.example")
    assert links_back(_record(platform="bluesky", username="spaak.example"), site) == (
        "its handle is the website's domain spaak.example")
    # not linking back: another site, a look-alike domain, nothing, or not read at all
    assert links_back(_record(links=("https://notspaak.example/",)), site) is None
    assert links_back(_record(bio="Fietsen in Gent, spaak.example.org"), site) is None
    assert links_back(_record(bio="Spaak Fietsen"), site) is None
    assert links_back(ProfileRecord(url="https://t.me/x", platform="telegram", handle="x",
                                    outcome="not_found"), site) is None
    assert links_back(None, site) is None
