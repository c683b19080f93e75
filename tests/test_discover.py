"""``auditor discover``: websites to a config, offline from replay directories."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.discover import (
    CONTACT_PAGE,
    FEED_LINK,
    HEADER_FOOTER,
    PAGE_LINK,
    REL_ME,
    SAME_AS,
    Discovered,
    FoundProfile,
    loadable,
    read_site,
    render_csv,
    render_toml,
)
from auditor.models import ProfileRecord
from auditor.platforms import profile_url
from auditor.platforms.htmlmeta import read_html_meta
from auditor.platforms.website import website_facts
from auditor.urls import canonicalise
from tests.conftest import SAMPLE_PAGES

DEMO_SITES = ("https://www.spaak.example", "https://www.ratel.example",
              "https://www.velovlot.example")

#: Profiles demo.toml lists that the sample websites do not link (second accounts, old
#: handles, a newsletter page).
NOT_LINKED = {
    "Spaak Fietsen": {"https://mastodon.example/@spaaknieuws",
                      "https://www.linkedin.com/in/joost-spaak",  # the owner, a person
                      # the client's Facebook page, which the website does not link
                      "https://www.facebook.com/spaakfietsen",
                      "https://mastodon.example/@spaak_oud",
                      # a newsletter page, not a feed address: the audit looks for its feed
                      "https://nieuws.spaak.example"},
    "Ratel Tweewielers": {"https://closed.example/@ratel",
                          "https://bsky.app/profile/ratelverhuur.example",
                          "https://www.youtube.com/@ratelwerkplaats", "https://t.me/ratelverhuur"},
    "Velo Vlot": {"https://mastodon.example/@velovlot_nl",
                  "https://fedi.example/@velovlot_oud",
                  "https://bsky.app/profile/velovlotdeals.example", "https://t.me/velovlotnl"},
}
#: Profiles the sample websites link that demo.toml does not list (there to show the
#: audit's "unlisted" finding). Ratel's twitter.com link is demo.toml's x.com login-wall
#: URL once both are in canonical spelling.
NOT_IN_DEMO = {
    "Spaak Fietsen": {"https://www.instagram.com/spaak_werkplaats"},
    "Ratel Tweewielers": set(),
    "Velo Vlot": set(),
}


def _canonical(urls: set[str]) -> set[str]:
    return {profile_url(canonicalise(url)) for url in urls}


def _sample_record(url: str, body: bytes) -> ProfileRecord:
    return ProfileRecord(url=url, platform="website", handle=None, outcome="ok",
                         profile=website_facts(read_html_meta(body, url), url))


# -- fast: one page read, the config written --------------------------------------------------

def test_read_site_says_how_each_link_was_found() -> None:
    url = "https://www.spaak.example/"
    body = (SAMPLE_PAGES / "website" / "spaak.html").read_bytes()
    contact_url = "https://www.spaak.example/contact/"
    contact = (SAMPLE_PAGES / "website" / "spaak-contact.html").read_bytes()
    found = read_site(url, "client", _sample_record(url, body), (url, body),
                      (contact_url, contact))
    how = {p.url: p.how for p in found.profiles}
    assert found.name == "Spaak Fietsen"
    assert how["https://mastodon.example/@spaak"] == (SAME_AS, HEADER_FOOTER, CONTACT_PAGE)
    assert how["https://t.me/spaakfietsen"] == (SAME_AS, CONTACT_PAGE)
    assert how["https://www.youtube.com/@spaakfietsen"] == (SAME_AS,)
    assert how["https://www.linkedin.com/company/spaak-fietsen"] == (HEADER_FOOTER,)
    # the blog's feed in the footer is the shop's own; the newsletter page is no feed address
    assert [(p.url, p.platform, p.how) for p in found.profiles if p.platform == "feed"] == [
        ("https://blog.spaak.example/feed", "feed", (HEADER_FOOTER,))]
    # the share button is left out; the dead network is a problem, not a profile
    assert not any("facebook" in p for p in how)
    assert any("Hyves" in problem for problem in found.problems)

    url = "https://www.ratel.example/"
    body = (SAMPLE_PAGES / "website" / "ratel.html").read_bytes()
    how = {p.url: p.how for p in read_site(url, "competitor", _sample_record(url, body),
                                           (url, body)).profiles}
    assert how["https://fedi.example/@ratel"] == (REL_ME,)
    assert how["https://t.me/rateltweewielers"] == (PAGE_LINK,)
    assert how["https://www.ratel.example/blog/atom.xml"] == (PAGE_LINK,)


def test_the_sites_own_feeds_are_found_but_not_its_comments_feed() -> None:
    url = "https://www.velovlot.example/"
    body = (SAMPLE_PAGES / "website" / "velovlot.html").read_bytes()
    found = read_site(url, "competitor", _sample_record(url, body), (url, body))
    feeds = {p.url: p.how for p in found.profiles if p.platform == "feed"}
    assert feeds == {"https://www.velovlot.example/rss": (FEED_LINK,),
                     "https://www.velovlot.example/feed.json": (PAGE_LINK,)}


def test_a_feed_on_another_site_is_not_the_organisations() -> None:
    url = "https://shop.example/"
    body = (b'<html><head><link rel="alternate" type="application/atom+xml" '
            b'href="https://news.other.example/atom.xml"></head><body>'
            b'<a href="https://blog.shop.example/rss.xml">blog</a>'
            b'<a href="https://partner.example/feed">partner</a></body></html>')
    found = read_site(url, "client", _sample_record(url, body), (url, body))
    assert [p.url for p in found.profiles] == ["https://blog.shop.example/rss.xml"]


def test_read_site_of_a_site_that_did_not_answer() -> None:
    record = ProfileRecord(url="https://gone.example/", platform="website", handle=None,
                           outcome="error", outcome_detail="not in replay: https://gone.example/")
    found = read_site("https://gone.example/", "competitor", record, None)
    assert found.name == "gone.example" and not found.profiles
    assert found.problems == ["https://gone.example/: could not be read (error: not in "
                              "replay: https://gone.example/)"]


def test_written_configs_load(tmp_path: Path) -> None:
    found = [
        Discovered("https://a.example/", "client", 'A "quoted" # name',
                   [FoundProfile("https://t.me/aaa", "telegram", (SAME_AS, REL_ME))],
                   ["https://a.example/: a problem\nover two lines"]),
        Discovered("https://b.example/", "competitor", "B", [], ["https://b.example/: none"]),
    ]
    toml = tmp_path / "c.toml"
    toml.write_text(render_toml(found, sources=["a.example", "b.example"]), encoding="utf-8")
    config = load_config(toml)
    assert [o.name for o in config.organisations] == ['A "quoted" # name']
    assert "# problem: https://b.example/: none" in toml.read_text(encoding="utf-8")
    csv = tmp_path / "c.csv"
    csv.write_text(render_csv(found), encoding="utf-8")
    organisation = load_config(csv).organisations[0]
    assert organisation.website == "https://a.example/"
    assert [p.url for p in organisation.profiles] == ["https://t.me/aaa"]


def test_nothing_found_is_still_valid_toml_but_not_loadable() -> None:
    found = [Discovered("https://b.example/", "client", "B", [], ["https://b.example/: x"])]
    assert not loadable(found)
    assert tomllib.loads(render_toml(found, sources=["b.example"]))["audit"]["name"] == "B"


@pytest.mark.parametrize("argv", [
    ["discover", "ftp://example.org/"],
    ["discover", "https://www.spaak.example", "--format", "yaml"],
    ["discover", "https://www.spaak.example", "--replay", "no-such-folder"],
])
def test_bad_usage_exits_2_before_any_crawl(argv: list[str], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a if a != "no-such-folder" else str(tmp_path / a) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusal
        code = int(exc.code or 0)
    assert code == 2
    assert capsys.readouterr().out == ""


# -- slow: the crawl through the command ------------------------------------------------------

def test_discover_on_the_demo_websites_finds_demo_toml(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    out = tmp_path / "found.toml"
    assert main(["discover", *DEMO_SITES, "--replay", str(SAMPLE_PAGES), "--out", str(out)]) == 0
    print(out.read_text(encoding="utf-8"))  # what was found, for whoever reads the log
    written = load_config(out)
    demo = load_config(SAMPLE_PAGES / "demo.toml")
    assert ([(o.name, o.role, o.website) for o in written.organisations]
            == [(o.name, o.role, o.website) for o in demo.organisations])
    for mine, theirs in zip(written.organisations, demo.organisations, strict=True):
        found = {p.url for p in mine.profiles}
        listed = {p.url for p in theirs.profiles}
        assert found - listed == _canonical(NOT_IN_DEMO[mine.name]), mine.name
        assert listed - found == _canonical(NOT_LINKED[mine.name]), mine.name
    err = capsys.readouterr().err
    assert "Hyves, a network that closed in 2013" in err
    assert ("Spaak Fietsen: https://t.me/spaakfietsen (schema.org sameAs, link on the "
            "contact page)") in err

    csv_out = tmp_path / "found.csv"
    assert main(["discover", *DEMO_SITES, "--replay", str(SAMPLE_PAGES), "--format", "csv",
                 "--out", str(csv_out)]) == 0
    assert ({o.name: {p.url for p in o.profiles} for o in load_config(csv_out).organisations}
            == {o.name: {p.url for p in o.profiles} for o in written.organisations})


def test_discover_with_sites_that_fail(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "spaak.html").write_bytes((SAMPLE_PAGES / "website" / "spaak.html").read_bytes())
    (replay / "empty.html").write_text(
        "<html><head><title>Kale Bakker</title></head><body><p>Welkom.</p>"
        '<a href="/contact">Contact</a></body></html>', encoding="utf-8")
    (replay / "login.html").write_text(
        '<html><head><title>Sign in</title></head><body><form><input type="password" '
        'name="pw"></form></body></html>', encoding="utf-8")
    html = {"Content-Type": "text/html; charset=utf-8"}
    (replay / "manifest.json").write_text(json.dumps({"responses": [
        {"url": "https://www.spaak.example/", "status": 200, "headers": html,
         "body": "spaak.html"},
        {"url": "https://kaal.example/", "status": 200, "headers": html, "body": "empty.html"},
        {"url": "https://intranet.example/", "status": 302,
         "headers": {"Location": "https://sso.example/login"}},
        {"url": "https://sso.example/login", "status": 200, "headers": html,
         "body": "login.html"},
    ]}), encoding="utf-8")
    out = tmp_path / "found.toml"
    code = main(["discover", "https://www.spaak.example", "https://kaal.example",
                 "https://stil.example", "https://intranet.example", "--replay", str(replay),
                 "--out", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    print(text)
    err = capsys.readouterr().err
    problems = {
        "https://kaal.example/: the home page links to no social profile",
        "https://stil.example/: could not be read (error: not in replay: "
        "https://stil.example/)",
        "https://intranet.example/: the website redirected to https://sso.example/login",
        "https://intranet.example/: the page shows a login form",
    }
    for problem in problems:
        assert problem in err
        assert f"# problem: {problem}" in text
    config = load_config(out)  # only the client has profiles; the others are commented out
    assert [o.name for o in config.organisations] == ["Spaak Fietsen"]
    assert tomllib.loads(text)["audit"]["name"] == "Spaak Fietsen and competitors"
    assert '# name = "Kale Bakker"' in text


def test_guess_keeps_only_profiles_that_link_back(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The shop's name as a handle: its Telegram channel under another spelling links the
    shop's website and is kept; a Telegram channel under the website's own name that links
    nowhere is named, not kept; the rest do not exist (not in the replay)."""
    replay = tmp_path / "replay"
    for rel in ("website/spaak.html", "website/spaak-contact.html",
                "telegram/spaakfietsen.html", "telegram/velovlot.html"):
        (replay / rel).parent.mkdir(parents=True, exist_ok=True)
        (replay / rel).write_bytes((SAMPLE_PAGES / rel).read_bytes())
    html = {"Content-Type": "text/html; charset=utf-8"}
    (replay / "manifest.json").write_text(json.dumps({"responses": [
        {"url": "https://www.spaak.example/", "status": 200, "headers": html,
         "body": "website/spaak.html"},
        {"url": "https://www.spaak.example/contact/", "status": 200, "headers": html,
         "body": "website/spaak-contact.html"},
        {"url": "https://t.me/s/spaak_fietsen", "status": 200, "headers": html,
         "body": "telegram/spaakfietsen.html"},
        {"url": "https://t.me/s/spaak", "status": 200, "headers": html,
         "body": "telegram/velovlot.html"},
    ]}), encoding="utf-8")
    out = tmp_path / "found.toml"
    assert main(["discover", "https://www.spaak.example", "--replay", str(replay), "--guess",
                 "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    print(text)
    err = capsys.readouterr().err
    config = load_config(out)
    urls = [p.url for p in config.organisations[0].profiles]
    assert urls[-1] == "https://t.me/spaak_fietsen"  # after what the website links
    assert "https://t.me/spaak" not in urls
    assert ('  "https://t.me/spaak_fietsen",  # its profile links https://www.spaak.example/'
            in text)
    assert "#   https://t.me/spaak\n" in text  # named, not kept
    assert ("Spaak Fietsen: https://t.me/spaak_fietsen (found by name: its profile links "
            "https://www.spaak.example/)") in err
    assert ("auditor: Spaak Fietsen: https://t.me/spaak exists but does not link back"
            ) in err
    # without --guess nothing is tried
    assert main(["discover", "https://www.spaak.example", "--replay", str(replay),
                 "--out", str(out)]) == 0
    assert "spaak_fietsen" not in out.read_text(encoding="utf-8")
