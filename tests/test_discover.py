"""``auditor discover``: websites to a config, offline from replay directories."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.discover import (
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

#: Profiles demo.toml lists that the sample websites' home pages do not link (feeds and
#: blogs on the site's own host or with no profile adapter's claim, second accounts).
NOT_LINKED = {
    "Spaak Fietsen": {"https://mastodon.example/@spaaknieuws",
                      "https://mastodon.example/@spaak_oud",
                      "https://blog.spaak.example/feed", "https://nieuws.spaak.example"},
    "Ratel Tweewielers": {"https://closed.example/@ratel",
                          "https://bsky.app/profile/ratelverhuur.example",
                          "https://www.youtube.com/@ratelwerkplaats", "https://t.me/ratelverhuur",
                          "https://www.ratel.example/blog/atom.xml"},
    "Velo Vlot": {"https://mastodon.example/@velovlot_nl",
                  "https://fedi.example/@velovlot_oud",
                  "https://bsky.app/profile/velovlotdeals.example", "https://t.me/velovlotnl",
                  "https://www.velovlot.example/feed.json", "https://www.velovlot.example/rss"},
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
    found = read_site(url, "client", _sample_record(url, body), (url, body))
    how = {p.url: p.how for p in found.profiles}
    assert found.name == "Spaak Fietsen"
    assert how["https://mastodon.example/@spaak"] == (SAME_AS, HEADER_FOOTER)
    assert how["https://t.me/spaakfietsen"] == (SAME_AS,)
    assert how["https://www.linkedin.com/company/spaak-fietsen"] == (HEADER_FOOTER,)
    # the share button is left out; the dead network is a problem, not a profile
    assert not any("facebook" in p for p in how)
    assert any("Hyves" in problem for problem in found.problems)

    url = "https://www.ratel.example/"
    body = (SAMPLE_PAGES / "website" / "ratel.html").read_bytes()
    how = {p.url: p.how for p in read_site(url, "competitor", _sample_record(url, body),
                                           (url, body)).profiles}
    assert how["https://fedi.example/@ratel"] == (REL_ME,)
    assert how["https://t.me/rateltweewielers"] == (PAGE_LINK,)


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
    assert "Spaak Fietsen: https://t.me/spaakfietsen (schema.org sameAs)" in err

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
