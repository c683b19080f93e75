"""One owner per platform fact: which links are profiles.

The adapters decide (``is_profile`` on top of their own ``claims``/``profile_url``);
:func:`auditor.platforms.is_profile_link` asks them, and the website reader and
:mod:`auditor.sitelinks` ask it. Every URL of the table goes through all of them and
they must agree; a copy of a platform's rules in the website reader or sitelinks would
sooner or later disagree with the adapter, and the last tests here look for one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from auditor.models import ProfileFacts, ProfileRecord
from auditor.platforms import ADAPTERS, adapter_for, adapter_named, is_profile_link
from auditor.platforms.base import PlatformAdapter
from auditor.platforms.htmlmeta import HtmlMeta
from auditor.platforms.telegram import TelegramAdapter
from auditor.platforms.walled import WALLED_ADAPTERS
from auditor.platforms.website import social_links, social_network
from auditor.sitelinks import website_findings
from auditor.urls import canonicalise, host_of
from tests.conftest import REPO

SITE = "https://www.org.example/"

#: (link as found on a website, the platform it is a profile on, or None).
LINKS: list[tuple[str, str | None]] = [
    # YouTube: a channel (or one of its tabs) is; a video, a short, an embed is not
    ("https://www.youtube.com/@spaak", "youtube"),
    ("https://youtube.com/channel/UCabcdefghijklmnopqrstuv", "youtube"),
    ("https://www.youtube.com/c/VeloVlot", "youtube"),
    ("https://www.youtube.com/user/BFIVideos", "youtube"),
    ("https://m.youtube.com/@spaak/videos", "youtube"),
    ("https://www.youtube.com/@spaak?sub_confirmation=1", "youtube"),
    ("https://www.youtube.com/watch?v=Us2Z-WC9rao", None),
    ("https://www.youtube.com/embed/Us2Z-WC9rao", None),
    ("https://www.youtube.com/shorts/Us2Z-WC9rao", None),
    ("https://www.youtube.com/@spaak/live", None),
    ("https://www.youtube.com/channel/UCshort", None),
    ("https://youtu.be/Us2Z-WC9rao", None),
    ("https://music.youtube.com/@spaak", None),  # YouTube's host: never Mastodon's /@user
    # Telegram: a channel (or its preview) is; a message, a share link, an invitation not
    ("https://t.me/spaakfietsen", "telegram"),
    ("https://t.me/s/spaakfietsen", "telegram"),
    ("https://telegram.me/spaakfietsen", "telegram"),
    ("https://telegram.dog/spaakfietsen", "telegram"),
    ("https://t.me/abc", "telegram"),
    ("https://t.me/spaakfietsen/123", None),
    ("https://t.me/s/spaakfietsen/123", None),
    ("https://t.me/share/url?url=https%3A%2F%2Fwww.org.example", None),
    ("https://t.me/+AbCdEf123456", None),
    ("https://t.me/joinchat/AbCdEf123456", None),
    ("https://t.me/a_name_longer_than_thirty_two_chars", None),
    # Mastodon (any host): an account or a tab of it; a post or the account's feed is not
    ("https://mastodon.example/@spaak", "mastodon"),
    ("https://fedi.example/@ratel@mastodon.social", "mastodon"),
    ("https://mastodon.example/users/spaak", "mastodon"),
    ("https://mastodon.example/@spaak/with_replies", "mastodon"),
    ("https://mastodon.example/@spaak/109876543210987654", None),
    ("https://mastodon.example/@spaak.rss", None),
    ("https://medium.com/@spaak/a-story-1a2b3c", None),
    # Bluesky
    ("https://bsky.app/profile/spaak.example", "bluesky"),
    ("https://bsky.app/profile/did:plc:ys5aypbbeqmwn42edy5t3sho", "bluesky"),
    ("https://bsky.app/profile/spaak.example/post/3lsy4fwoq6s23", None),
    ("https://bsky.app/profile/nodot", None),
    ("https://bsky.app/search?q=fiets", None),
    # the walled networks
    ("https://www.linkedin.com/company/spaak-fietsen/", "linkedin"),
    ("https://nl.linkedin.com/in/jan-jansen", "linkedin"),
    ("https://www.linkedin.com/company/spaak-fietsen/about/", "linkedin"),
    ("https://www.linkedin.com/shareArticle?mini=true&url=x", None),
    ("https://www.linkedin.com/posts/spaak_fietsen-activity-7123", None),
    ("https://x.com/spaak", "x"),
    ("https://twitter.com/Spaak", "x"),
    ("https://x.com/spaak/with_replies", "x"),
    ("https://x.com/intent/tweet?text=hoi", None),
    ("https://twitter.com/share?url=x", None),
    ("https://x.com/spaak/status/1", None),
    ("https://www.facebook.com/spaak", "facebook"),
    ("https://www.facebook.com/profile.php?id=100064", "facebook"),
    ("https://www.facebook.com/pg/spaak/about", "facebook"),
    ("https://www.facebook.com/sharer.php?u=x", None),
    ("https://www.facebook.com/sharer/sharer.php?u=x", None),
    ("https://www.facebook.com/spaak/posts/pfbid0abc", None),
    ("https://www.instagram.com/spaak_werkplaats/", "instagram"),
    ("https://www.instagram.com/p/Cabc123/", None),
    ("https://www.instagram.com/spaak/p/Cabc123/", None),
    ("https://www.threads.net/@spaak", "threads"),
    ("https://www.threads.net/@spaak/post/Cabc", None),
    ("https://www.tiktok.com/@spaak", "tiktok"),
    ("https://www.tiktok.com/@spaak/video/7312", None),
    ("https://www.reddit.com/r/fietsen", "reddit"),
    ("https://old.reddit.com/u/spaak/", "reddit"),
    ("https://www.reddit.com/r/fietsen/comments/abc/title/", None),
    # not social networks at all
    ("https://www.spaak.example/over-ons", None),
    ("https://en.wikipedia.org/wiki/Spaak", None),
    ("https://blog.spaak.example/feed", None),
]


@pytest.mark.parametrize(("url", "platform"), LINKS)
def test_is_profile_link(url: str, platform: str | None) -> None:
    assert is_profile_link(url) == platform


@pytest.mark.parametrize(("url", "platform"), LINKS)
def test_the_adapter_that_reads_it_agrees(url: str, platform: str | None) -> None:
    canonical = canonicalise(url)
    adapter = adapter_for(canonical)
    if platform is not None:
        # the crawler would audit the link on the same platform, as a profile
        assert adapter is not None and adapter.platform == platform
        assert adapter.is_profile(canonical)
        assert is_profile_link(adapter.profile_url(canonical)) == platform
    elif adapter is not None:
        # the platform whose host it is says no (adapter_for may still hand a pasted
        # music.youtube.com/@x to Mastodon's any-host pattern; a link is YouTube's to judge)
        host = host_of(canonical)
        owner = next((a for a in ADAPTERS if a.owns_host(host)), adapter)
        assert not owner.is_profile(canonical)


@pytest.mark.parametrize(("url", "platform"), LINKS)
def test_the_website_reader_agrees(url: str, platform: str | None) -> None:
    assert social_network(url) == platform
    kept = social_links(HtmlMeta(links=(url,)), SITE)
    assert kept == ((url,) if platform else ())


@pytest.mark.parametrize(("url", "platform"), LINKS)
def test_sitelinks_agrees(url: str, platform: str | None) -> None:
    website = ProfileRecord(url=SITE, platform="website", handle=None, outcome="ok",
                            profile=ProfileFacts(links=(url,)))
    findings = website_findings(website, [])
    if platform is None:
        assert findings == []
    else:
        assert [(f.kind, f.evidence["platform"]) for f in findings] == [("unlisted", platform)]


@pytest.mark.parametrize(("post", "profile"), [
    ("https://x.com/spaak/status/1", "https://x.com/spaak"),
    ("https://t.me/spaakfietsen/123", "https://t.me/spaakfietsen"),
    ("https://bsky.app/profile/spaak.example/post/3lsy4fwoq6s23",
     "https://bsky.app/profile/spaak.example"),
    ("https://mastodon.example/@spaak/109876543210987654", "https://mastodon.example/@spaak"),
    ("https://www.threads.net/@spaak/post/Cabc", "https://www.threads.net/@spaak"),
])
def test_a_post_is_claimed_and_leads_to_its_profile(post: str, profile: str) -> None:
    # pasted in the config, a post is audited as its author's profile; on a website it is
    # a link to a post, not to the profile
    canonical = canonicalise(post)
    adapter = adapter_for(canonical)
    assert adapter is not None and adapter.claims(canonical)
    assert adapter.profile_url(canonical) == profile
    assert is_profile_link(post) is None and is_profile_link(profile) == adapter.platform


def test_every_platform_with_profiles_is_in_the_table() -> None:
    named = {adapter.platform for adapter in ADAPTERS
             if any(adapter.is_profile(canonicalise(url)) for url, _ in LINKS)}
    assert named <= {platform for _, platform in LINKS}
    assert {a.platform for a in WALLED_ADAPTERS} | {"youtube", "telegram", "mastodon",
                                                     "bluesky"} == named


@pytest.mark.parametrize(("url", "platform"), LINKS)
def test_adapters_with_hosts_claim_on_their_own_hosts_only(url: str,
                                                          platform: str | None) -> None:
    canonical = canonicalise(url)
    host = host_of(canonical)
    owners = [a.platform for a in ADAPTERS if a.owns_host(host)]
    assert len(owners) <= 1
    for adapter in ADAPTERS:
        if adapter.claims(canonical) and type(adapter).owns_host is not PlatformAdapter.owns_host:
            assert adapter.owns_host(host), (adapter.platform, url)


def test_the_website_reader_and_sitelinks_ask_the_adapter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Were Telegram's rules copied into the website reader or sitelinks, this change to
    # the adapter would not reach them.
    url = "https://t.me/spaakfietsen"
    assert social_network(url) == "telegram"
    monkeypatch.setattr(TelegramAdapter, "is_profile", lambda self, url: False)
    assert is_profile_link(url) is None
    assert social_network(url) is None
    assert social_links(HtmlMeta(links=(url,)), SITE) == ()
    website = ProfileRecord(url=SITE, platform="website", handle=None, outcome="ok",
                            profile=ProfileFacts(links=(url,)))
    assert website_findings(website, []) == []


def _platform_hosts() -> set[str]:
    hosts = {h for adapter in WALLED_ADAPTERS for h in adapter.hosts}
    hosts |= {"youtube.com", "youtu.be", "t.me", "telegram.me", "telegram.dog", "bsky.app"}
    assert all(adapter_named(p) is not None for p in ("youtube", "telegram", "bluesky"))
    return hosts


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module that are code, not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


@pytest.mark.parametrize("module", ["auditor/platforms/website.py",
                                    "auditor/platforms/htmlmeta.py",
                                    "auditor/platforms/jsonld.py",
                                    "auditor/sitelinks.py"])
def test_no_copy_of_a_platforms_hosts_outside_its_adapter(module: str) -> None:
    path = REPO / module
    hosts = _platform_hosts()
    found = [(text, host) for text in _code_strings(path) for host in hosts
             if host in text.lower()]
    assert found == []
