"""The walled networks: LinkedIn, X, Facebook, Instagram, Threads, TikTok and Reddit.

They show next to nothing to logged-out readers and forbid crawling, so by default a
listed profile is not fetched at all: the record says ``login_wall`` at once, with what
a person has to check by hand. With ``fetch_walled`` on (``[audit]
fetch_walled_networks = true``) the profile's public HTML is read once from
``options.endpoint(platform)``: what it shows (name, bio, avatar from OpenGraph or
JSON-LD) goes into the record, but the outcome stays ``login_wall``, since activity is
never visible logged out. A redirect to a login page, a login form or HTTP 401 is a
login wall; HTTP 999 (LinkedIn), 403 and captcha or "blocked" pages are ``blocked``.

URLs people paste are often the login page that wrapped the profile
(``x.com/i/flow/login?redirect_after_login=%2Fname``, LinkedIn's ``authwall?
sessionRedirect=``, Facebook's ``login.php?next=``, Instagram's ``accounts/login/?next=``):
``profile_url`` decodes them to the profile, staying on the platform's own hosts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from auditor.i18n import N_
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    ProfileFacts,
    ProfileRecord,
    cap_text,
)
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
    outcome_for_status,
)
from auditor.platforms.htmlmeta import HtmlMeta, read_html_meta
from auditor.urls import BadURL, canonicalise, host_of

#: Query parameters login pages use to say where to go after logging in.
REDIRECT_PARAMS = ("redirect_after_login", "sessionRedirect", "session_redirect", "next",
                   "redirect_url", "dest", "continue")
_HTML_ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                "Accept-Language": "en"}
_CAPTCHA = re.compile(
    r"captcha|are you a robot|unusual traffic|verify you are human|security check|"
    r"whoa there, pardner|your request has been blocked|access denied",
    re.I,
)
_LOGIN_TITLE = re.compile(r"^\s*(log ?in|sign ?in|sign up|login|log into)\b|"
                          r"\b(log ?in|sign ?in) (to|or sign up|on|•|\|)", re.I)
_UNOBSERVABLE = {
    "contact": "a logged-out reader sees no contact details",
    "website": "a logged-out reader sees no website link",
    "banner": "a logged-out reader sees no cover image",
}


class WalledAdapter(PlatformAdapter):
    """What the seven walled networks share; each subclass knows its hosts and paths."""

    replies_observable = False
    unobservable: Mapping[str, str] = _UNOBSERVABLE
    #: Public hosts (after stripping "www."), and the canonical host for profile URLs.
    hosts: tuple[str, ...] = ()
    canonical_host: str = ""
    #: Paths of login pages that carry the profile in a redirect parameter.
    login_paths: tuple[str, ...] = ()
    #: What a person has to check by hand, logged in.
    by_hand: str = ""
    #: Name in sentences ("LinkedIn").
    label: str = ""
    #: Tabs of a profile page (``/about``, ``/with_replies``): one of them after the
    #: profile's path is still a link to the profile; anything else there (a post, a
    #: photo, a video) is not.
    profile_tabs: frozenset[str] = frozenset()

    # -- URLs ----------------------------------------------------------------------------

    def claims(self, url: str) -> bool:
        return self._own_host(host_of(url))

    def owns_host(self, host: str) -> bool:
        """:meth:`claims` for a URL whose host is known already: every URL on its hosts."""
        return self._own_host(host)

    def _own_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def profile_url(self, url: str) -> str:
        url = self.unwrap_login(url)
        parts = urlsplit(url)
        path = self.profile_path(parts.path, parts.query)
        if path is None:
            return url
        return f"https://{self.canonical_host}{path}"

    def profile_path(self, path: str, query: str) -> str | None:
        """The canonical path (with query, if any) of a profile URL; None: not a profile."""
        raise NotImplementedError

    def is_profile(self, url: str) -> bool:
        """True when ``url`` (canonical) is a profile on this network, or one of its tabs
        (not a post, a share button or a login page without a profile in it)."""
        if not self.claims(url):
            return False
        parts = urlsplit(self.unwrap_login(url))
        own = self.profile_path(parts.path, parts.query)
        if own is None:
            return False
        given = _segments(parts.path)
        rest = given[self.path_length(given, own):]
        return not rest or (len(rest) == 1 and rest[0].lower() in self.profile_tabs)

    def path_length(self, segments: list[str], own: str) -> int:
        """How many of a profile URL's leading path ``segments`` name the profile whose
        canonical path is ``own`` (the rest is a tab, a post ...)."""
        return len(_segments(own.split("?", 1)[0]))

    def unwrap_login(self, url: str) -> str:
        """The profile a pasted login URL leads to; ``url`` itself when it is not one."""
        for _ in range(3):  # login pages wrapping login pages
            parts = urlsplit(url)
            path = parts.path.rstrip("/").lower() or "/"
            if not any(path == p or path.startswith(p + "/") for p in self.login_paths):
                return url
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            target = next((params[k] for k in REDIRECT_PARAMS if params.get(k)), None)
            if target is None:
                return url
            try:
                unwrapped = canonicalise(urljoin(f"https://{self.canonical_host}/", target))
            except (BadURL, ValueError):
                return url
            if not self._own_host(host_of(unwrapped)):
                return url  # never send anyone to another host
            url = unwrapped
        return url

    def handle(self, url: str) -> str | None:
        try:
            parts = urlsplit(self.profile_url(url))
        except ValueError:
            return None
        if self.profile_path(parts.path, parts.query) is None:
            return None
        segments = [s for s in parts.path.split("/") if s]
        return segments[-1] if segments else None

    # -- the chain -----------------------------------------------------------------------

    def start(self, target: Target, options: CrawlOptions) -> Step:
        if not options.fetch_walled:
            return self.record(target, "login_wall", self.wall_detail())
        parts = urlsplit(self.profile_url(target.url))
        if self.profile_path(parts.path, parts.query) is None:
            return self.record(target, "login_wall",
                               self.wall_detail(f"{target.url} is not a profile address"))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        fetch = Fetch(options.endpoint(self.platform) + path, "page", _HTML_ACCEPT)
        return Next(fetch, CrawlState(target=target, options=options, step="page"))

    def advance(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        outcome, detail, meta = self.read_page(page, state.options)
        if meta is None or meta.empty:
            return self.record(target, outcome, detail, fetched_at=page.fetched_at)
        facts = self.facts(meta, target.url)
        return self.record(target, outcome, detail, fetched_at=page.fetched_at, profile=facts)

    def wall_detail(self, why: str | None = None) -> str:
        lead = why or N_("not crawled logged out")
        return f"{lead}: {self.by_hand}"

    def checklist(self, url: str) -> str:
        """What a person has to look at on the profile at ``url``, logged in (a company
        page's checklist; a person's where the network tells them apart)."""
        return self.by_hand

    def record(self, target: Target, outcome: str, detail: str | None = None,
               **fields: Any) -> ProfileRecord:
        own = self.checklist(target.url)
        if detail and own != self.by_hand:
            detail = detail.replace(self.by_hand, own)
        return super().record(target, outcome, detail, **fields)

    def read_page(self, page: Page, options: CrawlOptions) -> tuple[str, str, HtmlMeta | None]:
        """Outcome, detail and the metadata read (None when the page is a wall, not a profile)."""
        status = page.status
        if status == 999:
            return "blocked", (f"HTTP 999: {self.label} refuses logged-out crawlers; "
                               f"{self.by_hand}"), None
        if status == 401:
            return "login_wall", self.wall_detail("HTTP 401: the page needs a login"), None
        if status in (404, 410):
            ended = outcome_for_status(status)
            assert ended is not None
            return ended[0], ended[1], None
        location = page.headers.get("location")
        if 300 <= status < 400 and location:
            # A redirect the crawler did not follow (another host, or too many hops).
            target = urlsplit(urljoin(page.url, location))
            if self.is_login_path(target.path):
                return "login_wall", self.wall_detail(
                    f"{self.label} redirected to its login page"), None
            return "error", f"HTTP {status}: redirected to {cap_text(location, 200)}", None
        final = urlsplit(page.url)
        endpoint_host = host_of(options.endpoint(self.platform))
        final_host = (final.hostname or "").lower()
        if ((self._own_host(final_host) or final_host == endpoint_host)
                and self.is_login_path(final.path)):
            return "login_wall", self.wall_detail(
                f"{self.label} redirected to its login page"), None
        meta = read_html_meta(page.body, page.url)
        text = _visible_text(meta)
        if _CAPTCHA.search(text):
            return "blocked", (f"HTTP {status}: {self.label} answered with a captcha or "
                               f"block page; {self.by_hand}"), None
        ended = outcome_for_status(status)
        if ended is not None:
            outcome, detail = ended
            return outcome, f"{detail}; {self.by_hand}", None
        login_title = any(_LOGIN_TITLE.search(t) for t in (meta.title or "", meta.name or ""))
        if login_title and not self._names_profile(meta):
            return "login_wall", self.wall_detail(f"{self.label} showed a login page"), None
        if meta.empty or self.is_generic(meta):
            why = (f"{self.label} showed a login form and nothing about the profile"
                   if meta.has_password_form else
                   f"{self.label}'s logged-out page showed nothing about the profile")
            return "login_wall", self.wall_detail(why), None
        read = [label for label, value in (("name", meta.name), ("bio", meta.description),
                                           ("avatar", meta.image)) if value]
        return "login_wall", (f"read logged out: {', '.join(read)}; activity is not visible "
                              f"without a login: {self.by_hand}"), meta

    def is_login_path(self, path: str) -> bool:
        lowered = path.rstrip("/").lower() or "/"
        return any(lowered == p or lowered.startswith(p + "/") for p in self.login_paths)

    def _names_profile(self, meta: HtmlMeta) -> bool:
        """The page's metadata describes a profile (not the login page's own title)."""
        return bool(meta.entity_type) or meta.og.get("og:type") == "profile"

    def is_generic(self, meta: HtmlMeta) -> bool:
        """Metadata about the network itself, not about the profile (a logged-out shell)."""
        name = (meta.name or "").strip().lower()
        return name in {self.label.lower(), self.platform, (meta.site_name or "").lower()} \
            and not meta.description

    def facts(self, meta: HtmlMeta, url: str) -> ProfileFacts:
        name = self.clean_name(meta.name) if meta.name else None
        return ProfileFacts(
            display_name=cap_text(name, MAX_NAME_CHARS) if name else None,
            username=self.handle(url),
            bio=cap_text(self.clean_bio(meta), MAX_BIO_CHARS),
            avatar_url=meta.image,
            followers=meta.followers,
        )

    def clean_name(self, name: str) -> str:
        """The name without the network's decoration ("Name (@handle) on X" -> "Name")."""
        cleaned = re.split(r"\s+\(@[^)]*\)", name, maxsplit=1)[0]
        cleaned = re.sub(rf"\s*[|•·\-–—]\s*{re.escape(self.label)}.*$", "", cleaned,
                         flags=re.I)
        return cleaned.strip() or name.strip()

    def clean_bio(self, meta: HtmlMeta) -> str | None:
        return meta.description


def _visible_text(meta: HtmlMeta) -> str:
    return " ".join(filter(None, (meta.title, meta.name, meta.text[:2000])))


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


_HANDLE = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


class LinkedInAdapter(WalledAdapter):
    platform = "linkedin"
    label = "LinkedIn"
    hosts = ("linkedin.com",)
    canonical_host = "www.linkedin.com"
    login_paths = ("/authwall", "/uas/login", "/login", "/checkpoint/lg/login")
    by_hand = ("LinkedIn shows company pages only to logged-in members: check by hand the "
               "last post date on the Posts tab, whether the About section has a website and "
               "phone, and the logo and cover image")
    by_hand_person = ("LinkedIn shows a person's profile only to logged-in members: check "
                      "by hand the photo, the headline, the About section and recent "
                      "activity (the date of the newest post or comment, and whether they "
                      "answer people)")
    _KINDS = ("company", "in", "school", "showcase")
    profile_tabs = frozenset({"about", "posts", "jobs", "people", "life", "videos", "events",
                              "products"})

    def checklist(self, url: str) -> str:
        parts = _segments(urlsplit(self.unwrap_login(url)).path)
        return self.by_hand_person if parts[:1] == ["in"] else self.by_hand

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if len(parts) >= 2 and parts[0].lower() in self._KINDS and _HANDLE.match(parts[1]):
            return f"/{parts[0].lower()}/{parts[1].lower()}"
        return None


class XAdapter(WalledAdapter):
    platform = "x"
    label = "X"
    hosts = ("x.com", "twitter.com")
    canonical_host = "x.com"
    login_paths = ("/i/flow/login", "/login", "/i/flow/signup")
    by_hand = ("X shows profiles and posts only to logged-in users: check by hand the date "
               "of the newest post (pinned posts aside), whether the account answers "
               "replies, and the bio, website link, avatar and header image")
    _RESERVED = frozenset({"i", "home", "search", "explore", "intent", "share", "hashtag",
                           "settings", "login", "signup", "messages", "notifications", "tos",
                           "privacy", "compose", "account"})
    profile_tabs = frozenset({"with_replies", "media", "highlights", "articles"})

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if parts and parts[0].lower() not in self._RESERVED and re.match(
                r"^[A-Za-z0-9_]{1,50}$", parts[0]):
            return f"/{parts[0].lower()}"
        return None

    def handle(self, url: str) -> str | None:
        name = super().handle(url)
        return f"@{name}" if name else None

    def clean_name(self, name: str) -> str:
        cleaned = re.sub(r"\s+(on|/)\s+(X|Twitter)$", "", name.strip())
        return super().clean_name(cleaned)


class FacebookAdapter(WalledAdapter):
    platform = "facebook"
    label = "Facebook"
    hosts = ("facebook.com", "fb.com", "fb.me")
    canonical_host = "www.facebook.com"
    login_paths = ("/login.php", "/login", "/checkpoint")
    by_hand = ("Facebook shows pages only to logged-in users: check by hand the date of the "
               "newest post, whether comments are answered, the About section (website, "
               "phone, e-mail, opening hours) and the profile and cover photo")
    _RESERVED = frozenset({"login.php", "login", "sharer.php", "sharer", "share.php", "share",
                           "dialog", "plugins", "tr", "help", "policies", "privacy", "watch",
                           "marketplace", "gaming", "home.php", "search", "hashtag", "events",
                           "story.php", "photo.php", "permalink.php", "l.php", "recover"})
    profile_tabs = frozenset({"about", "photos", "videos", "events", "reviews", "community",
                              "reels", "services", "shop", "mentions"})

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if not parts:
            return None
        first = parts[0].lower()
        if first == "profile.php":
            user_id = dict(parse_qsl(query)).get("id", "")
            return f"/profile.php?{urlencode({'id': user_id})}" if user_id.isdigit() else None
        if first in ("pages", "people") and len(parts) >= 3:
            return "/" + "/".join(quote(p, safe="-._~") for p in parts[:3])
        if first == "groups" and len(parts) >= 2:
            return f"/groups/{parts[1].lower()}"
        if first == "pg" and len(parts) >= 2:
            parts = parts[1:]
            first = parts[0].lower()
        if first in self._RESERVED or not _HANDLE.match(parts[0]):
            return None
        return f"/{first}"

    def path_length(self, segments: list[str], own: str) -> int:
        pg = 1 if segments[:1] and segments[0].lower() == "pg" and own.count("/") == 1 else 0
        return pg + super().path_length(segments, own)

    def handle(self, url: str) -> str | None:
        try:
            parts = urlsplit(self.profile_url(url))
        except ValueError:
            return None
        if parts.path == "/profile.php":
            user_id = dict(parse_qsl(parts.query)).get("id")
            return f"id {user_id}" if user_id else None
        return super().handle(url)


class InstagramAdapter(WalledAdapter):
    platform = "instagram"
    label = "Instagram"
    hosts = ("instagram.com", "instagr.am")
    canonical_host = "www.instagram.com"
    login_paths = ("/accounts/login", "/accounts/signup", "/challenge")
    by_hand = ("Instagram shows only a preview to logged-out readers: check by hand the date "
               "of the newest post (pinned posts aside), whether comments are answered, and "
               "the bio, link and profile photo")
    _RESERVED = frozenset({"p", "reel", "reels", "tv", "stories", "explore", "accounts",
                           "direct", "about", "legal", "developer", "challenge"})
    profile_tabs = frozenset({"reels", "tagged"})
    _COUNTS = re.compile(r"([\d.,]+[KkMm]?)\s+Followers,\s*([\d.,]+[KkMm]?)\s+Following,\s*"
                         r"([\d.,]+[KkMm]?)\s+Posts")
    _QUOTED_BIO = re.compile(r'on Instagram:\s*"(.*)"\s*$', re.S)

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if parts and parts[0].lower() not in self._RESERVED and _HANDLE.match(parts[0]):
            return f"/{parts[0].lower()}"
        return None

    def handle(self, url: str) -> str | None:
        name = super().handle(url)
        return f"@{name}" if name else None

    def facts(self, meta: HtmlMeta, url: str) -> ProfileFacts:
        base = super().facts(meta, url)
        counts = self._COUNTS.search(meta.description or "")
        if counts is None:
            return base
        followers, _following, posts = (_count(c) for c in counts.groups())
        return replace(base, followers=followers, posts_total=posts)

    def clean_bio(self, meta: HtmlMeta) -> str | None:
        # og:description is only counters; <meta name=description> adds the bio in quotes.
        for text in (meta.meta_description or "", meta.description or ""):
            quoted = self._QUOTED_BIO.search(text)
            if quoted:
                return quoted.group(1).strip()
        if meta.description and self._COUNTS.search(meta.description):
            return None  # counters only: the bio is not shown
        return meta.description


class ThreadsAdapter(WalledAdapter):
    platform = "threads"
    label = "Threads"
    hosts = ("threads.net", "threads.com")
    canonical_host = "www.threads.net"
    login_paths = ("/login",)
    by_hand = ("Threads shows little to logged-out readers: check by hand the date of the "
               "newest post, whether replies are answered, and the bio, link and photo")
    profile_tabs = frozenset({"replies", "reposts", "media"})

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if parts and parts[0].startswith("@") and _HANDLE.match(parts[0][1:]):
            return f"/{parts[0].lower()}"
        return None


class TikTokAdapter(WalledAdapter):
    platform = "tiktok"
    label = "TikTok"
    hosts = ("tiktok.com",)
    canonical_host = "www.tiktok.com"
    login_paths = ("/login", "/signup")
    by_hand = ("TikTok lists videos only through a signed, logged-in API: check by hand the "
               "date of the newest video (pinned videos aside), whether comments are "
               "answered, and the bio, link and photo")

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if parts and parts[0].startswith("@") and _HANDLE.match(parts[0][1:]):
            return f"/{parts[0].lower()}"
        return None


class RedditAdapter(WalledAdapter):
    platform = "reddit"
    label = "Reddit"
    hosts = ("reddit.com", "redd.it")
    canonical_host = "www.reddit.com"
    login_paths = ("/login", "/register", "/account/login")
    by_hand = ("Reddit blocks logged-out crawlers: check by hand the date of the newest post "
               "or comment, whether the account answers in its threads, and the profile's "
               "description and avatar")
    profile_tabs = frozenset({"about", "overview", "submitted", "comments", "new", "hot",
                              "top", "rising"})

    def profile_path(self, path: str, query: str) -> str | None:
        parts = _segments(path)
        if len(parts) >= 2 and parts[0].lower() in ("user", "u") and _HANDLE.match(parts[1]):
            return f"/user/{parts[1].lower()}"
        if len(parts) >= 2 and parts[0].lower() == "r" and _HANDLE.match(parts[1]):
            if len(parts) >= 3 and parts[2].lower() == "comments":
                return None  # a post, not the community
            return f"/r/{parts[1].lower()}"
        return None

    def handle(self, url: str) -> str | None:
        try:
            canonical = urlsplit(self.profile_url(url))
        except ValueError:
            return None
        if self.profile_path(canonical.path, canonical.query) is None:
            return None
        parts = _segments(canonical.path)
        if len(parts) >= 2 and parts[0] in ("user", "r"):
            return f"{'u' if parts[0] == 'user' else 'r'}/{parts[1]}"
        return None


#: One adapter per walled network, in the order the registry should try them.
WALLED_ADAPTERS: tuple[WalledAdapter, ...] = (
    LinkedInAdapter(), XAdapter(), FacebookAdapter(), InstagramAdapter(), ThreadsAdapter(),
    TikTokAdapter(), RedditAdapter(),
)


def _count(text: str) -> int | None:
    """ "2,362" -> 2362; "1.2K" -> 1200; None for anything else."""
    text = text.strip()
    factor = 1
    if text[-1:].lower() in ("k", "m"):
        factor = 1000 if text[-1].lower() == "k" else 1_000_000
        text = text[:-1]
        try:
            return int(float(text.replace(",", ".")) * factor)
        except ValueError:
            return None
    digits = text.replace(",", "").replace(".", "")
    return int(digits) if digits.isdigit() else None

