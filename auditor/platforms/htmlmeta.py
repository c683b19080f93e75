"""What an HTML page says about whom it belongs to: JSON-LD, OpenGraph, h-card and rel=me.

Used by the website reader (an organisation's own home page) and by the walled networks
(the little a logged-out reader sees of a LinkedIn or Instagram page). Everything here
reads untrusted markup: the input is capped (at :data:`MAX_HTML_BYTES`, and at
:data:`auditor.platforms.markupcap.MAX_MARKUP_TOKENS` tags, so that no page builds a tree
of a million nodes), JSON-LD is parsed leniently (trailing commas, comments, raw control
characters in strings, HTML entities, CDATA wrappers) and nothing raises; a page with
nothing readable gives an empty :class:`HtmlMeta`.

Which source wins, per value:

- **name**: the JSON-LD entity, then a top-level h-card, then ``og:title``, then
  ``twitter:title``.
- **description**: JSON-LD, h-card ``p-note``, ``og:description``, ``twitter:description``,
  ``<meta name=description>``.
- **image**: JSON-LD ``logo`` then ``image``, h-card ``u-logo``/``u-photo``, ``og:image``,
  ``twitter:image``.

The JSON-LD entity is the ``mainEntity`` of a ``ProfilePage`` when there is one, else the
first Organization (or a subtype: LocalBusiness, Corporation, NGO, a store ...), else the
first Person; JSON-LD is read by :mod:`auditor.platforms.jsonld`.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from auditor.models import MAX_BIO_CHARS, MAX_NAME_CHARS, cap_text
from auditor.platforms.jsonld import (
    MAX_JSONLD_CHARS,
    MAX_LIST,
    MAX_URL_CHARS,
    EntityFacts,
    absolute_url,
    clean_email,
    clean_phone,
    entity_facts,
    jsonld_nodes,
    loads_lenient,
    pick_entity,
)
from auditor.platforms.markupcap import cap_markup

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

#: Pages are cut to this many bytes before parsing (an Instagram profile is 1.2 MB).
MAX_HTML_BYTES = 4 * 1024 * 1024
MAX_JSONLD_SCRIPTS = 50
#: Cap on the links kept from one page.
MAX_LINKS = 2000
_HCARD_ROOT = re.compile(r"^(h-[a-z0-9\-]+|vcard|hentry|hfeed|vevent)$")


@dataclass(frozen=True, slots=True)
class HCard:
    """One h-card (or old-style vcard) as read from the page."""

    name: str | None = None
    photo: str | None = None
    logo: str | None = None
    url: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    note: str | None = None
    #: Not inside another microformat (an h-entry's author card is nested).
    top_level: bool = True


@dataclass(frozen=True, slots=True)
class HtmlMeta:
    """Who the page says it belongs to, merged from every syntax found."""

    name: str | None = None
    description: str | None = None
    #: Logo or image of the entity (an avatar on a profile page).
    image: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    #: schema.org ``sameAs`` of the entity: its other profiles.
    same_as: tuple[str, ...] = ()
    #: ``<a rel=me>`` and ``<link rel=me>``: the page's own "this is also me" links.
    rel_me: tuple[str, ...] = ()
    #: The entity's own URLs (JSON-LD ``url``, ``og:url``, h-card ``u-url``).
    urls: tuple[str, ...] = ()
    #: Every http(s) ``<a href>`` on the page, absolute, in page order.
    links: tuple[str, ...] = ()
    title: str | None = None
    #: ``<meta name=description>`` (kept apart: some networks put the bio only there).
    meta_description: str | None = None
    site_name: str | None = None
    #: schema.org type of the entity picked from JSON-LD ("Organization", "Person", ...).
    entity_type: str | None = None
    #: The entity's ``alternateName`` / ``identifier`` (a handle on profile pages).
    alternate_name: str | None = None
    #: Followers from JSON-LD ``interactionStatistic`` (FollowAction), when given.
    followers: int | None = None
    #: OpenGraph and Twitter-card properties (first value of each, lower-case keys).
    og: Mapping[str, str] = field(default_factory=dict)
    hcards: tuple[HCard, ...] = ()
    #: The page's visible text (no scripts or styles), collapsed and capped.
    text: str = ""
    #: The page has a form with a password field (a login form).
    has_password_form: bool = False
    #: Which syntaxes gave something: "json-ld", "opengraph", "h-card", "rel-me".
    sources: tuple[str, ...] = ()
    #: The page was cut before parsing (over MAX_HTML_BYTES, or over MAX_MARKUP_TOKENS
    #: tags): what comes after the cut (a footer's links) was not read.
    cut: bool = False

    @property
    def empty(self) -> bool:
        return not (self.name or self.description or self.image)


# -- small helpers -----------------------------------------------------------------------


def _unique(values: Iterable[str], limit: int = MAX_LIST) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for value in values:
        if value and value not in out:
            out[value] = None
            if len(out) >= limit:
                break
    return tuple(out)


def _unique_phones(values: Iterable[str]) -> tuple[str, ...]:
    """Phone numbers, once each: "+31 30 123 4567" and "+31301234567" are one number."""
    out: dict[str, str] = {}
    for value in values:
        key = re.sub(r"[^0-9+]", "", value)
        if key and key not in out:
            out[key] = value
            if len(out) >= MAX_LIST:
                break
    return tuple(out.values())


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if isinstance(value, str):
        return value.split()
    return list(value or [])


def _rels(tag: Tag) -> list[str]:
    value = tag.get("rel")
    if isinstance(value, str):
        return value.lower().split()
    return [v.lower() for v in (value or [])]


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value if isinstance(value, str) else None


# -- the page ----------------------------------------------------------------------------


def parse_html(body: str | bytes) -> BeautifulSoup | None:
    """The page as a soup (capped); None when it cannot be parsed at all."""
    return _soup(_capped(body)[0])


def _capped(body: str | bytes) -> tuple[str | bytes, bool]:
    """The part of the page that is parsed (bounded in bytes and in tags), and whether
    that is not the whole page."""
    head = body[:MAX_HTML_BYTES]
    head, cut = cap_markup(head)
    return head, cut or len(head) < len(body)


def _soup(body: str | bytes) -> BeautifulSoup | None:
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        for parser in ("lxml", "html.parser"):
            try:
                return BeautifulSoup(body, parser)
            except Exception:
                continue
    return None


def _jsonld_scripts(soup: BeautifulSoup, scripts: list[Tag] | None = None) -> list[Any]:
    parsed: list[Any] = []
    for script in (soup.find_all("script") if scripts is None else scripts)[:2000]:
        kind = (_attr(script, "type") or "").lower().split(";")[0].strip()
        if kind != "application/ld+json":
            continue
        value = loads_lenient(script.get_text() or "")
        if value is not None:
            parsed.append(value)
        if len(parsed) >= MAX_JSONLD_SCRIPTS:
            break
    return parsed


def read_jsonld(body: str | bytes) -> list[Any]:
    """The parsed value of every readable JSON-LD script on the page, in page order."""
    soup = parse_html(body)
    if soup is None:
        return []
    try:
        return _jsonld_scripts(soup)
    except RecursionError:
        return []


def read_html_meta(body: str | bytes, base_url: str | None = None) -> HtmlMeta:
    """Everything the page says about its owner; an empty HtmlMeta when nothing is readable."""
    head, cut = _capped(body)
    soup = _soup(head)
    if soup is None:
        return HtmlMeta(cut=cut)
    try:
        meta = _read(soup, base_url)
    except RecursionError:
        return HtmlMeta(cut=cut)
    return replace(meta, cut=True) if cut else meta


@dataclass
class _Parts:
    """What :func:`_read` needs of the page, gathered in one walk over the tree (a
    ``find_all`` per kind of tag walked it eight times)."""

    base: Tag | None = None
    title: Tag | None = None
    scripts: list[Tag] = field(default_factory=list)
    metas: list[Tag] = field(default_factory=list)
    links: list[Tag] = field(default_factory=list)
    hcard_roots: list[Tag] = field(default_factory=list)
    password: bool = False
    text: str = ""


_LINK_TAGS = frozenset({"a", "link", "area"})
#: Sections of a page whose links and cards belong to someone else, not to the page's
#: owner: comment sections (WordPress ``#comments``/``ol.commentlist``/``.comment-author``,
#: Disqus, Facebook comments), embedded posts (``blockquote.twitter-tweet``,
#: ``.instagram-media``, ``.tiktok-embed``, Bluesky, Mastodon, Threads, Reddit; iframes)
#: and share buttons (Jetpack, AddToAny, AddThis, ShareThis, Shariff, ``.social-share``).
#: A commenter's own Facebook or X account is not the organisation's profile.
_FOREIGN_TAGS = frozenset({"iframe", "object", "embed"})
_FOREIGN_CLASSES = frozenset({
    "commentlist", "twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed",
    "bluesky-embed", "mastodon-embed", "reddit-embed-bq", "reddit-card", "text-post-media",
    "fb-post", "fb-video", "fb-comments", "fb-comment-embed", "imgur-embed-pub",
    "wp-embedded-content", "wp-block-embed", "p-comment", "u-comment", "h-cite",
    "sharedaddy", "addtoany_share_save_container", "a2a_kit", "addthis_toolbox",
    "sharethis-inline-share-buttons", "shariff", "ssba", "novashare-buttons",
    "swp_social_panel", "mashsb-container", "essb_links", "heateor_sss_sharing_container",
})
#: A comment section by its class: "comment", "comments", "comment-list", "comments-area",
#: "comment-author", "comment-respond", "wp-block-comments", "post-comments" ...
_COMMENT_CLASS = re.compile(
    r"^(?:(?:wp-block|post|entry|article|blog|fb|site)[-_])?comments?"
    r"(?:[-_](?:list|area|section|body|content|author|meta|respond|wrapper|container|thread"
    r"|template|reply|text|item))?$|^disqus|^dsq-")
#: Share buttons by their class: "share", "sharing", "social-share", "sd-sharing",
#: "share-buttons", "social-share__item--twitter" (a whole word between - and _).
_SHARE_CLASS = re.compile(r"(?:^|[-_])(?:share|sharing|sharer|shares)(?:$|[-_])")
_FOREIGN_IDS = re.compile(r"^(?:comments|respond|disqus_thread|(?:div-)?comment-\d+"
                          r"|comments?-section|social-share|share-buttons)$")
#: Never a foreign section, whatever their class says (a theme's body class
#: "has-comments" says nothing about the links of the whole page).
_NEVER_FOREIGN = frozenset({"html", "body", "main", "head"})
#: Stands for "the end of the page" where a foreign section has no node after it.
_END = object()


def _is_foreign(tag: Tag) -> bool:
    """Whether ``tag`` opens a section whose links are not the page owner's."""
    name = tag.name
    if name in _FOREIGN_TAGS:
        return True
    if name in _NEVER_FOREIGN:
        return False
    for value in _classes(tag):
        lowered = value.lower()
        if lowered in _FOREIGN_CLASSES or _COMMENT_CLASS.match(lowered) \
                or _SHARE_CLASS.search(lowered):
            return True
    ident = _attr(tag, "id")
    return bool(ident and _FOREIGN_IDS.match(ident.strip().lower()))


def _next_outside(tag: Tag) -> Any:
    """The first node after everything inside ``tag``, in document order (None at the end)."""
    node: Any = tag
    while node is not None:
        if node.next_sibling is not None:
            return node.next_sibling
        node = node.parent
    return None
#: Text inside these is not what a reader sees.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})
MAX_PAGE_TEXT = 5000


def _walk(soup: BeautifulSoup) -> _Parts:
    from bs4 import NavigableString, Tag

    parts = _Parts()
    words: list[str] = []
    size = 0
    # In a foreign section (comments, an embedded post, share buttons) until foreign_end,
    # the first node after it: its links and cards are someone else's.
    foreign_end: Any = None
    foreign = False
    for node in soup.descendants:
        if foreign and node is foreign_end:
            foreign = False
        if isinstance(node, Tag):
            name = node.name
            if not foreign and (node.attrs or name in _FOREIGN_TAGS) and _is_foreign(node):
                foreign, foreign_end = True, _next_outside(node)
                if foreign_end is None:  # the section runs to the end of the page
                    foreign_end = _END
            if name in _LINK_TAGS:
                if not foreign:  # a foreign section's links are not the page owner's
                    parts.links.append(node)
            elif name == "meta":
                parts.metas.append(node)
            elif name == "script":
                parts.scripts.append(node)
            elif name == "base":
                if parts.base is None and node.get("href") is not None:
                    parts.base = node
            elif name == "title":
                if parts.title is None:
                    parts.title = node
            elif name == "input":
                kind = node.get("type")
                if isinstance(kind, str) and kind.lower() == "password":
                    parts.password = True
            if "class" in node.attrs and not foreign \
                    and any(c in ("h-card", "vcard") for c in _classes(node)):
                parts.hcard_roots.append(node)  # a commenter's card is not the owner's
        elif type(node) is NavigableString and size < MAX_PAGE_TEXT:
            parent = node.parent
            if parent is None or parent.name in _INVISIBLE:
                continue
            text = " ".join(node.split())
            if text:
                words.append(text)
                size += len(text) + 1
    parts.text = " ".join(words)[:MAX_PAGE_TEXT]
    return parts


def _read(soup: BeautifulSoup, base_url: str | None) -> HtmlMeta:
    page = _walk(soup)
    base = base_url
    if page.base is not None:
        base = absolute_url(_attr(page.base, "href"), base_url) or base_url
    sources: list[str] = []

    # JSON-LD
    nodes = jsonld_nodes(_jsonld_scripts(soup, page.scripts))
    entity = pick_entity(nodes)
    ld = entity_facts(entity, nodes, base) if entity is not None else EntityFacts()
    if entity is not None:
        sources.append("json-ld")

    # OpenGraph and Twitter cards
    og: dict[str, str] = {}
    description_meta: str | None = None
    for meta in page.metas[:2000]:
        key = (_attr(meta, "property") or _attr(meta, "name") or "").strip().lower()
        content = _attr(meta, "content")
        if content is None:
            continue
        if key.startswith(("og:", "twitter:")) and key not in og:
            og[key] = content.strip()[:MAX_BIO_CHARS * 2]
        elif key == "description" and description_meta is None:
            description_meta = content
    if any(k.startswith("og:") for k in og) or any(k.startswith("twitter:") for k in og):
        sources.append("opengraph")

    # h-card
    hcards = [_hcard(root, base) for root in page.hcard_roots[:MAX_LIST]]
    card = next((c for c in hcards if c.top_level), None)
    if hcards:
        sources.append("h-card")

    # rel=me, links, contact links
    rel_me: list[str] = []
    links: list[str] = []
    mail_links: list[str] = []
    tel_links: list[str] = []
    for tag in page.links[:20000]:
        href = _attr(tag, "href")
        if not href:
            continue
        href = href.strip()
        lowered = href.lower()
        if lowered.startswith("mailto:"):
            email = clean_email(href)
            if email:
                mail_links.append(email)
            continue
        if lowered.startswith("tel:"):
            phone = clean_phone(href)
            if phone:
                tel_links.append(phone)
            continue
        url = absolute_url(href, base)
        if url is None:
            continue
        if "me" in _rels(tag):
            rel_me.append(url)
        if tag.name == "a" and len(links) < MAX_LINKS:
            links.append(url)
    if rel_me:
        sources.append("rel-me")

    title = " ".join(page.title.get_text().split()) if page.title is not None else ""

    def og_text(*keys: str) -> str | None:
        for key in keys:
            value = og.get(key)
            if value and value.strip():
                return " ".join(html.unescape(value).split())
        return None

    name = ld.name or (card.name if card else None) or og_text("og:title", "twitter:title")
    description = (ld.description or (card.note if card else None)
                   or og_text("og:description", "twitter:description"))
    if description is None and description_meta and description_meta.strip():
        description = " ".join(description_meta.split())
    image = ld.image
    if image is None and card is not None:
        image = card.logo or card.photo
    if image is None:
        for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                    "twitter:image:src"):
            image = absolute_url(og.get(key), base)
            if image:
                break
    urls = [*ld.urls]
    if card and card.url:
        urls.append(card.url)
    og_url = absolute_url(og.get("og:url"), base)
    if og_url:
        urls.append(og_url)
    emails = [*ld.emails, *(e for c in hcards if c.top_level for e in c.emails), *mail_links]
    phones = [*ld.phones, *(p for c in hcards if c.top_level for p in c.phones), *tel_links]
    return HtmlMeta(
        name=cap_text(name, MAX_NAME_CHARS) if name else None,
        description=cap_text(description, MAX_BIO_CHARS) if description else None,
        image=image,
        emails=_unique(e.lower() for e in emails),
        phones=_unique_phones(phones),
        same_as=_unique(ld.same_as),
        rel_me=_unique(rel_me),
        urls=_unique(urls),
        links=_unique(links, MAX_LINKS),
        title=cap_text(title, MAX_NAME_CHARS) if title else None,
        meta_description=(cap_text(" ".join(description_meta.split()), MAX_BIO_CHARS)
                          if description_meta and description_meta.strip() else None),
        site_name=cap_text(og_text("og:site_name"), MAX_NAME_CHARS),
        entity_type=ld.type,
        alternate_name=ld.alternate_name,
        followers=ld.followers,
        og=og,
        hcards=tuple(hcards),
        text=page.text,
        has_password_form=page.password,
        sources=tuple(sources),
    )


def _own_properties(root: Tag) -> Iterator[Tag]:
    """Descendants of ``root`` that are not inside a nested microformat."""
    from bs4 import Tag

    stack = list(reversed([c for c in root.children if isinstance(c, Tag)]))
    seen = 0
    while stack and seen < 5000:
        tag = stack.pop()
        seen += 1
        yield tag
        if any(_HCARD_ROOT.match(c) for c in _classes(tag)):
            continue  # its own properties belong to it, not to ``root``
        stack.extend(reversed([c for c in tag.children if isinstance(c, Tag)]))


def _hcard(root: Tag, base: str | None) -> HCard:
    from bs4 import Tag

    name = photo = logo = url = note = None
    emails: list[str] = []
    phones: list[str] = []
    for tag in _own_properties(root):
        classes = set(_classes(tag))
        nested = any(_HCARD_ROOT.match(c) for c in classes)
        if name is None and classes & {"p-name", "fn"}:
            name = _prop_text(tag)
        if photo is None and classes & {"u-photo", "photo"}:
            photo = absolute_url(_attr(tag, "src") or _attr(tag, "href"), base)
        if logo is None and classes & {"u-logo", "logo"}:
            logo = absolute_url(_attr(tag, "src") or _attr(tag, "href"), base)
        if url is None and classes & {"u-url", "url"} and not nested:
            url = absolute_url(_attr(tag, "href") or _prop_text(tag), base)
        if classes & {"u-email", "email"}:
            email = clean_email(_attr(tag, "href") or _prop_text(tag))
            if email:
                emails.append(email)
        if classes & {"p-tel", "tel", "u-tel"}:
            phone = clean_phone(_attr(tag, "href") or _prop_text(tag))
            if phone:
                phones.append(phone)
        if note is None and classes & {"p-note", "note", "p-summary"}:
            note = _prop_text(tag)
    # Implied properties (microformats2): a bare <a class="h-card" href>Name</a>.
    if name is None:
        if root.name == "img":
            name = _attr(root, "alt")
        else:
            name = " ".join(root.get_text(" ").split())[:MAX_NAME_CHARS * 2] or None
    if url is None and root.name in ("a", "area"):
        url = absolute_url(_attr(root, "href"), base)
    if photo is None:
        image = root if root.name == "img" else root.find("img")
        if isinstance(image, Tag):
            photo = absolute_url(_attr(image, "src"), base)
    top_level = not any(
        isinstance(parent, Tag) and any(_HCARD_ROOT.match(c) for c in _classes(parent))
        for parent in root.parents
    ) and not any(c.startswith("p-") for c in _classes(root))
    return HCard(
        name=cap_text(name, MAX_NAME_CHARS) if name else None,
        photo=photo, logo=logo, url=url,
        emails=_unique(emails), phones=_unique(phones),
        note=cap_text(note, MAX_BIO_CHARS) if note else None,
        top_level=top_level,
    )


def _prop_text(tag: Tag) -> str | None:
    if tag.name == "img":
        value = _attr(tag, "alt")
    elif tag.name in ("abbr", "data") and (_attr(tag, "title") or _attr(tag, "value")):
        value = _attr(tag, "title") or _attr(tag, "value")
    else:
        value = tag.get_text(" ")
    text = " ".join((value or "").split())
    return text or None


__all__ = [
    "MAX_HTML_BYTES",
    "MAX_JSONLD_CHARS",
    "MAX_URL_CHARS",
    "HCard",
    "HtmlMeta",
    "absolute_url",
    "clean_email",
    "clean_phone",
    "jsonld_nodes",
    "loads_lenient",
    "parse_html",
    "pick_entity",
    "read_html_meta",
    "read_jsonld",
]
