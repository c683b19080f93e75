"""The organisation's own website: who it says it is, and which social profiles it links.

Never picked from a URL (``claims`` is always False): the spider hands it each
organisation's ``website`` from the config. The home page, then its contact page when the
home page links one on the same site (``/contact``, ``/kontakt``, ``/nl/contact-us``: see
:func:`contact_page`), two requests at most; the record has outcome ``ok`` and no items,
and its ProfileFacts carry what the pages say: the name, description and logo (from the
home page), e-mail addresses and phone numbers (as ProfileFields ``email`` and
``telephone``) and, in ``links``, every social-profile link found on either page:
schema.org ``sameAs``, ``rel=me`` links, and ``<a href>`` links to social profiles. A
contact page that cannot be read costs only a note: the home page's facts stand.
:mod:`auditor.sitelinks` compares those links with the organisation's audited profiles.

Which links are social profiles is not decided here: the platform adapters own that
(:func:`auditor.platforms.is_profile_link`, each adapter's ``is_profile``). This module
only knows the networks that have no adapter: the dead ones below, and MySpace.

Dead networks. A link to a network that closed is a finding of its own; the table below
names them with the year they closed: Hyves (2013), Posterous (2013), My Opera (2014),
Orkut (2014), FriendFeed (2015), Vine (2017: only an archive was left, now gone too), Path
(2018), Google+ (2019), Ello (2023) and Cohost (2024). MySpace is *not* on the list: it
still runs and serves profiles (it lost the uploads of its first years in 2019), so a
link to it is an ordinary social link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from auditor import platforms as registry  # the package: read at call time (it imports us)
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    ProfileFacts,
    ProfileField,
    ProfileRecord,
    cap_text,
)
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    Failure,
    Fetch,
    Next,
    Page,
    PlatformAdapter,
    Step,
    Target,
    outcome_for_failure,
    outcome_for_status,
)
from auditor.platforms.htmlmeta import HtmlMeta, read_html_meta
from auditor.urls import BadURL, canonicalise, host_of

#: Networks that closed: host -> (name, year it closed).
DEAD_NETWORKS: Mapping[str, tuple[str, int]] = {
    "hyves.nl": ("Hyves", 2013),
    "posterous.com": ("Posterous", 2013),
    "my.opera.com": ("My Opera", 2014),
    "orkut.com": ("Orkut", 2014),
    "friendfeed.com": ("FriendFeed", 2015),
    "vine.co": ("Vine", 2017),
    "path.com": ("Path", 2018),
    "plus.google.com": ("Google+", 2019),
    "ello.co": ("Ello", 2023),
    "cohost.org": ("Cohost", 2024),
}
_DEAD_DOMAINS = tuple(DEAD_NETWORKS)
#: The record's note when the page was larger than the reader parses.
CUT_NOTE = ("the page is too large to read whole: only its first part was read, so links "
            "further down are not known")
#: At most this many social links are kept from one page.
MAX_SOCIAL_LINKS = 200
#: The last path segment of a contact page, without an extension such as ``.html``:
#: "contact", "contact-us", "contactgegevens", "kontakt", "contacto", "contatti", the
#: Dutch "neem-contact-op" and "contacteer-ons"; not "contact-lenses-review".
_CONTACT_SEGMENT = re.compile(
    r"^(?:contact(?:[-_]?(?:us|ons|opnemen|formulier|form|page|pagina|info|gegevens))?"
    r"|kontakt(?:[-_]?(?:formular|aufnehmen|uns|os))?|contacto|contato|contatti|contattaci"
    r"|contactez-nous|neem-contact-op|contacteer-ons)$")
_EXTENSION = re.compile(r"\.(?:html?|php|aspx?|jsp)$")
#: The record's note when the contact page was read too, and when it could not be.
CONTACT_NOTE = "links and contact details also read from the contact page {url}"
CONTACT_FAILED_NOTE = "the contact page {url} could not be read ({reason})"
#: MySpace still runs but has no adapter: a profile is ``myspace.com/<name>``.
_MYSPACE = re.compile(r"^/[A-Za-z0-9_.\-]{1,100}/?$")


def _host_in(host: str, domains: tuple[str, ...] | frozenset[str]) -> str | None:
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def dead_network(url: str) -> tuple[str, int] | None:
    """(name, year closed) when ``url`` is on a network that no longer exists."""
    domain = _host_in(host_of(url), _DEAD_DOMAINS)
    return DEAD_NETWORKS[domain] if domain else None


def social_network(url: str) -> str | None:
    """The network ``url`` is a profile on ("mastodon", "x", "hyves", ...), or None.

    Only profile addresses count: share buttons, single videos and the networks' own
    help pages are not links to the organisation's profile. For every platform with an
    adapter this is :func:`auditor.platforms.is_profile_link`; on top of it come the
    networks without one (the dead ones, MySpace).
    """
    try:
        canonical = canonicalise(url)
    except BadURL:
        return None
    return _network_of(canonical)


def _network_of(canonical: str) -> str | None:
    """:func:`social_network` of a URL that is canonical already."""
    parts = urlsplit(canonical)
    host = parts.hostname or ""
    domain = _host_in(host, _DEAD_DOMAINS)
    if domain is not None:
        return DEAD_NETWORKS[domain][0].lower()
    if _host_in(host, ("myspace.com",)):
        return "myspace" if _MYSPACE.match(parts.path) else None
    return registry.is_profile_link(canonical, canonical=True)


#: Descriptions that content management systems and site builders fill in by default
#: (WordPress's tagline in English, Dutch and German, "Welcome to our website", ...),
#: compared after :func:`_words`.
_GENERIC_DESCRIPTIONS = re.compile(
    r"^(?:(?:just )?another wordpress(?: ?com)? (?:site|blog|website|weblog)"
    r"|(?:zomaar )?(?:een|nog een) (?:andere )?wordpress ?(?:site|blog|website)"
    r"|eine weitere wordpress ?(?:seite|website|site)"
    r"|(?:my|our|a) (?:new )?wordpress (?:site|blog|website)"
    r"|(?:welcome|welkom|willkommen)(?: (?:to|on|at|op|bij|auf))?"
    r"(?: (?:our|my|the|onze|mijn|de|het|unserer|meiner))?"
    r"(?: (?:new|nieuwe|neuen))? (?:website|site|web site|blog|homepage|home page|webshop|"
    r"webseite|internetseite)"
    r"|(?:this is )?(?:my|our) (?:new )?(?:website|site|blog)"
    r"|(?:(?:your|my|our|a|the|default|site) )*(?:site |website )?(?:description|tagline)"
    r"|just another (?:\w+ ){0,5}(?:site|blog)"
    r"|powered by (?:wordpress|joomla|drupal|wix|squarespace|shopify|ghost|jimdo|weebly)"
    r"|home|homepage|home page|welcome|welkom|index)$")
_HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
_NOT_WORDS = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    return " ".join(_NOT_WORDS.sub(" ", text.casefold()).split())


def generic_description(description: str, meta: HtmlMeta) -> bool:
    """The page's description is a default text or its own title again, not a summary of
    the organisation: WordPress's "Just another WordPress site", a builder's "Welcome to
    our website", "Welcome to <the site's name>", or the same words as the page's title
    or name (a theme that copies the title into the description)."""
    words = _words(description)
    if not words or _GENERIC_DESCRIPTIONS.match(words):
        return True
    names = {_words(value) for value in (meta.title, meta.name, meta.site_name) if value}
    names.discard("")
    if words in names:
        return True
    greeting = re.match(r"^(?:welcome|welkom|willkommen)(?: (?:to|at|on|op|bij|in|auf|im))? ",
                        words)
    return bool(greeting and words[greeting.end():] in names)


def social_links(meta: HtmlMeta, page_url: str) -> tuple[str, ...]:
    """sameAs and rel=me links (any host but the site's own) and links to social profiles."""
    own = host_of(page_url).removeprefix("www.")
    found: dict[str, str] = {}

    def add(url: str, *, declared: bool) -> None:
        try:
            key = canonicalise(url)
        except BadURL:
            return
        host = host_of(key).removeprefix("www.")
        if own and host == own:
            return  # the site linking to itself
        if not declared and _network_of(key) is None:
            return
        if key not in found and len(found) < MAX_SOCIAL_LINKS:
            found[key] = url

    for url in meta.same_as:
        add(url, declared=True)
    for url in meta.rel_me:
        add(url, declared=True)
    for url in meta.links:
        add(url, declared=False)
    return tuple(found.values())


def contact_page(meta: HtmlMeta, page_url: str) -> str | None:
    """The first link on the home page to a contact page on the same site, or None.

    Same site: the page's own host, or one under the same name with or without ``www.``.
    Only the link's address is read (its last path segment), never its text, so a
    "Contact" button to a form on another host is not followed.
    """
    own = host_of(page_url).removeprefix("www.")
    if not own:
        return None
    for link in meta.links:
        try:
            url = canonicalise(link)
        except BadURL:
            continue
        parts = urlsplit(url)
        if (parts.hostname or "").removeprefix("www.") != own or url == page_url:
            continue
        segments = [s for s in parts.path.casefold().split("/") if s]
        if segments and _CONTACT_SEGMENT.match(_EXTENSION.sub("", segments[-1])):
            return link.split("#", 1)[0]  # as the page spells it: "/contact/" keeps its slash
    return None


class WebsiteAdapter(PlatformAdapter):
    platform = "website"
    replies_observable = False
    unobservable: Mapping[str, str] = {"banner": "a website has no banner image"}

    def claims(self, url: str) -> bool:
        return False  # websites come from the config's ``website``, never from a profile URL

    def handle(self, url: str) -> str | None:
        return host_of(url) or None

    def start(self, target: Target, options: CrawlOptions) -> Step:
        state = CrawlState(target=target, options=options, step="page")
        return Next(Fetch(target.url, "page", {"Accept": _HTML_ACCEPT}), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "contact":
            return self._contact(state, page)
        target = state.target
        ended = outcome_for_status(page.status)
        if ended is not None:
            return self.record(target, ended[0], ended[1], fetched_at=page.fetched_at)
        content_type = page.headers.get("content-type", "").lower()
        if content_type and not any(k in content_type for k in ("html", "xml", "text/plain")):
            return self.record(target, "error",
                               f"not an HTML page ({cap_text(content_type, 100)})",
                               fetched_at=page.fetched_at)
        if not page.body.strip():
            return self.record(target, "error", "the page is empty",
                               fetched_at=page.fetched_at)
        meta = read_html_meta(page.body, page.url)
        notes = self._home_notes(target, page, meta)
        contact = contact_page(meta, page.url)
        if contact is not None:
            return Next(Fetch(contact, "contact", {"Accept": _HTML_ACCEPT}),
                        state.with_data("contact", home=meta, home_url=page.url,
                                        contact_url=contact, notes=tuple(notes),
                                        fetched_at=page.fetched_at))
        return self.record(target, "ok", None, fetched_at=page.fetched_at,
                           profile=website_facts(meta, page.url), notes=tuple(notes))

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step != "contact":
            return super().fail(state, failure)
        return self._contact(state, None, outcome_for_failure(failure)[1])

    def _contact(self, state: CrawlState, page: Page | None,
                 failed: str | None = None) -> ProfileRecord:
        """The home page's record with the contact page's links, e-mails and phones;
        ``failed``: why the contact page could not be fetched (the home page stands)."""
        data = state.data
        home: HtmlMeta = data["home"]
        notes = list(data["notes"])
        reason: str | None = failed
        if page is None:
            reason = reason or "no answer"
        elif page.status != 200:
            reason = f"HTTP {page.status}"
        elif not any(k in page.headers.get("content-type", "html").lower()
                     for k in ("html", "xml")):
            reason = "not an HTML page"
        facts = website_facts(home, data["home_url"])
        url = data["contact_url"]
        if reason is None and page is not None:
            contact = read_html_meta(page.body, page.url)
            facts = merge_contact(facts, contact, page.url)
            notes.append(CONTACT_NOTE.format(url=cap_text(url, 300)))
        else:
            notes.append(CONTACT_FAILED_NOTE.format(url=cap_text(url, 300),
                                                    reason=cap_text(reason or "", 200)))
        return self.record(state.target, "ok", None, fetched_at=data["fetched_at"],
                           profile=facts, notes=tuple(notes))

    def _home_notes(self, target: Target, page: Page, meta: HtmlMeta) -> list[str]:
        notes: list[str] = []
        if host_of(page.url) and host_of(page.url) != host_of(target.url):
            notes.append(f"the website redirected to {cap_text(page.url, 300)}")
        if not meta.sources:
            notes.append("no JSON-LD, OpenGraph, h-card or rel=me on the page")
        if meta.description and generic_description(meta.description, meta):
            notes.append(f"the page's description is a generic text, not a summary of the "
                          f"organisation: {cap_text(meta.description, 200)}")
        if meta.cut:
            notes.append(CUT_NOTE)
        return notes


def website_facts(meta: HtmlMeta, page_url: str) -> ProfileFacts:
    """ProfileFacts for a website from its metadata."""
    name = meta.name or meta.site_name
    fields = (*(ProfileField("email", e) for e in meta.emails[:20]),
              *(ProfileField("telephone", p) for p in meta.phones[:20]))
    description = meta.description
    if description and generic_description(description, meta):
        description = None  # as if the page had none: it says nothing about the organisation
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name else None,
        bio=cap_text(description, MAX_BIO_CHARS) if description else None,
        avatar_url=meta.image,
        avatar_is_default=False if meta.image else None,
        links=social_links(meta, page_url),
        fields=fields,
    )


def merge_contact(facts: ProfileFacts, contact: HtmlMeta, contact_url: str) -> ProfileFacts:
    """The home page's facts with the contact page's social links, e-mail addresses and
    phone numbers added (each once, within the same caps)."""
    links = dict.fromkeys(facts.links)
    for link in social_links(contact, contact_url):
        if len(links) >= MAX_SOCIAL_LINKS:
            break
        links.setdefault(link)
    fields = list(facts.fields)
    for name, values in (("email", contact.emails), ("telephone", contact.phones)):
        have = {_same_contact(name, f.value) for f in fields if f.name == name}
        for value in values:
            key = _same_contact(name, value)
            if key not in have and sum(f.name == name for f in fields) < 20:
                fields.append(ProfileField(name, value))
                have.add(key)
    return replace(facts, links=tuple(links), fields=tuple(fields))


def _same_contact(kind: str, value: str) -> str:
    """What makes two e-mail addresses or phone numbers the same: "+31 30 123 4567" is
    "+31301234567"."""
    return re.sub(r"[^0-9+]", "", value) if kind == "telephone" else value.casefold()
