"""Reading ActivityPub documents: WebFinger answers, actors, collections and outbox entries.

Pure functions over parsed JSON, shared by the request chain in
:mod:`auditor.platforms.activitypub`. Servers spell the same thing in several shapes, and
each reader takes them all (see sample_pages/activitypub/SOURCES.md for where each shape
comes from):

- a reference is a URL string or an object with an ``id`` (a Link: an ``href``);
- ``type``, ``to``, ``tag``, ``attributedTo`` and ``icon`` are a value or a list
  (GoToSocial's ``to`` is a string and its ``tag`` an object; PeerTube's ``icon`` is a
  list of images and its ``attributedTo`` a list of the account and the channel);
- ``url`` is a string, a Link, or a list of Links (PeerTube: the ``text/html`` one is the
  page);
- a post's text is ``content`` (HTML; PeerTube's is Markdown), or only Misskey's
  ``_misskey_content`` (its own markup), with a ``name`` as title on articles, videos and
  events;
- an outbox entry is a ``Create`` with the post embedded (Mastodon, Misskey, Pixelfed,
  Friendica, PeerTube accounts, Mobilizon, WordPress) or only linked (GoToSocial), an
  ``Announce`` (a boost; PeerTube's carry no date), or something that is no post
  (``Update``, ``Like``, ``Delete``...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import urlsplit

from auditor.htmltext import read_fragment
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileField,
    cap_text,
)
from auditor.platforms.base import DateSieve, parse_iso_time
from auditor.platforms.counts import count
from auditor.urls import is_http_url

#: Actor types: who can have a profile.
ACTOR_TYPES: Final = frozenset({"Person", "Group", "Organization", "Service", "Application"})
#: Actor types that say the account is automated.
BOT_TYPES: Final = frozenset({"Service", "Application"})
#: Objects that are posts, with the ``Item.format`` each is marked with (None: a note).
POST_TYPES: Final[Mapping[str, str | None]] = {
    "Note": None, "Article": "article", "Page": "page", "Video": "video", "Event": "event",
    "Question": "poll", "Image": "image", "Audio": "audio",
}
#: Media types of an actor document in a WebFinger link.
_AP_MEDIA = ("application/activity+json", "application/ld+json")
#: At most this many entries of one page are read.
MAX_ENTRIES_PER_PAGE: Final = 200
#: Fields of an actor that only a full actor has: a bare key document has none of them.
_PROFILE_KEYS: Final = ("outbox", "name", "summary", "icon", "image", "attachment")


def as_list(value: Any) -> list[Any]:
    """A value that may be one thing or a list, as a list (None: empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def types_of(value: Any) -> frozenset[str]:
    """The ``type`` of a document (a string or a list of strings)."""
    if not isinstance(value, Mapping):
        return frozenset()
    return frozenset(t for t in as_list(value.get("type")) if isinstance(t, str))


def ref(value: Any) -> str | None:
    """The URL a reference points at: the string itself, an object's ``id``, a Link's
    ``href``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        for key in ("id", "href"):
            found = value.get(key)
            if isinstance(found, str) and found.strip():
                return found.strip()
    return None


def refs(value: Any) -> list[str]:
    """Every URL of a reference or a list of references."""
    return [found for entry in as_list(value) if (found := ref(entry)) is not None]


def page_url(value: Any) -> str | None:
    """The web page of a ``url`` value: a string, a Link, or a list of Links (the
    ``text/html`` one first)."""
    entries = as_list(value)
    for entry in entries:
        if isinstance(entry, Mapping) and "html" in str(entry.get("mediaType") or ""):
            found = entry.get("href")
            if is_http_url(found):
                return str(found)
    for entry in entries:
        found = entry if isinstance(entry, str) else (
            entry.get("href") if isinstance(entry, Mapping) else None)
        if is_http_url(found):
            return str(found)
    return None


def image_url(value: Any) -> str | None:
    """The URL of an ``icon`` or ``image``: an Image (its ``url`` a string, a Link or a
    list), a list of Images (PeerTube: the first is the size meant to be shown), or a URL."""
    for entry in as_list(value):
        if isinstance(entry, str):
            if is_http_url(entry):
                return entry
            continue
        if isinstance(entry, Mapping):
            found = page_url(entry.get("url")) or page_url(entry.get("href"))
            if found:
                return found
    return None


def webfinger_actor(data: Any) -> str | None:
    """The actor a WebFinger answer (JRD) names: its ``self`` link of an ActivityPub type."""
    if not isinstance(data, Mapping):
        return None
    for link in as_list(data.get("links")):
        if not isinstance(link, Mapping) or link.get("rel") != "self":
            continue
        kind = str(link.get("type") or "")
        href = link.get("href")
        if any(media in kind for media in _AP_MEDIA) and is_http_url(href):
            return str(href).strip()
    return None


def is_actor(doc: Any) -> bool:
    """True for an actor document: an ``id``, and an actor type or an inbox."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("id"), str):
        return False
    return bool(types_of(doc) & ACTOR_TYPES) or isinstance(doc.get("inbox"), str)


def is_key_stub(doc: Mapping[str, Any]) -> bool:
    """True for the actor a server shows unsigned readers when it only answers signed
    requests: the key and little else (Mastodon's authorized fetch keeps id, type,
    preferredUsername, inbox, publicKey and endpoints; GoToSocial's key document id,
    type, preferredUsername and publicKey)."""
    return not any(doc.get(key) for key in _PROFILE_KEYS)


def is_tombstone(doc: Any) -> bool:
    """True for a deleted object or actor (``Tombstone``)."""
    return "Tombstone" in types_of(doc)


def moved_to(doc: Mapping[str, Any]) -> str | None:
    """Where the account moved (``movedTo``), when it did."""
    target = ref(doc.get("movedTo"))
    return target if is_http_url(target) else None


def owner_of(doc: Mapping[str, Any]) -> str | None:
    """The actor a group belongs to (``attributedTo``: a PeerTube channel's account)."""
    for owner in refs(doc.get("attributedTo")):
        if is_http_url(owner):
            return owner
    return None


def self_ids(doc: Mapping[str, Any], *also: str | None) -> frozenset[str]:
    """The URLs that name this actor: its id, its profile pages, and ``also``."""
    found = {ref(doc.get("id"))}
    found.update(value.get("href") if isinstance(value, Mapping) else value
                 for value in as_list(doc.get("url")))
    found.update(also)
    return frozenset(url.rstrip("/") for url in found if isinstance(url, str) and url)


def collection_total(doc: Any) -> int | None:
    """A collection's ``totalItems``, when it gives one."""
    if not isinstance(doc, Mapping):
        return None
    total = doc.get("totalItems")
    if isinstance(total, int) and not isinstance(total, bool) and total >= 0:
        return total
    return None


def collection_entries(doc: Mapping[str, Any]) -> list[Any] | None:
    """The entries a collection or page holds itself (``orderedItems`` or ``items``)."""
    for key in ("orderedItems", "items"):
        entries = doc.get(key)
        if isinstance(entries, list):
            return entries[:MAX_ENTRIES_PER_PAGE]
    return None


def _text(value: Any, limit: int) -> str | None:
    return cap_text(value, limit) if isinstance(value, str) else None


def actor_facts(doc: Mapping[str, Any]) -> ProfileFacts:
    """What an actor document shows about the account (counts come from its collections)."""
    summary = doc.get("summary")
    bio = read_fragment(summary if isinstance(summary, str) else "")
    fields: list[ProfileField] = []
    links: list[str] = list(bio.links)
    for raw in as_list(doc.get("attachment")):
        field = _profile_field(raw)
        if field is None:
            continue
        fields.append(field)
        links.extend(link for link in field.links if link not in links)
    kinds = types_of(doc)
    return ProfileFacts(
        display_name=_text(doc.get("name"), MAX_NAME_CHARS) or "",
        username=_text(doc.get("preferredUsername"), MAX_NAME_CHARS),
        bio=cap_text(bio.text, MAX_BIO_CHARS),
        avatar_url=image_url(doc.get("icon")),
        banner_url=image_url(doc.get("image")),
        links=tuple(links),
        fields=tuple(fields),
        created_at=parse_iso_time(doc.get("published")),
        moved_to=moved_to(doc),
        bot=bool(kinds & BOT_TYPES) if kinds & ACTOR_TYPES else None,
    )


def _profile_field(raw: Any) -> ProfileField | None:
    """A profile field: a ``PropertyValue`` (name and HTML value), or a ``Link``."""
    if not isinstance(raw, Mapping):
        return None
    kinds = types_of(raw)
    name = cap_text(str(raw.get("name") or ""), MAX_NAME_CHARS) or ""
    if "Link" in kinds and is_http_url(raw.get("href")):
        href = str(raw["href"])
        return ProfileField(name=name, value=cap_text(href, MAX_NAME_CHARS * 2) or "",
                            links=(href,))
    value = raw.get("value")
    if not isinstance(value, str) or not ("PropertyValue" in kinds or "value" in raw):
        return None
    read = read_fragment(value)
    return ProfileField(name=name, value=cap_text(read.text, MAX_NAME_CHARS * 2) or "",
                        links=read.links)


@dataclass(frozen=True, slots=True)
class Post:
    """One outbox entry read as a post; whether a reply answers the account itself is
    only known once the whole sample is read (:func:`classify`)."""

    #: The item, its kind ``original`` or ``repost`` (a reply is made one by classify).
    item: Item
    #: The object this post answers (``inReplyTo``), when it answers one.
    reply_to: str | None = None
    #: The author of that object, when the document says (an embedded ``inReplyTo``).
    reply_author: str | None = None
    #: False when the outbox only linked the post (GoToSocial): replies cannot be seen.
    content_shown: bool = True
    #: The accounts and groups the post is attributed to (PeerTube: account and channel).
    attributed_to: tuple[str, ...] = ()


#: Why an outbox entry was not read as a post.
UNDATED: Final = "undated"
UNREADABLE: Final = "unreadable"
NOT_A_POST: Final = "not_a_post"
DATE_REFUSED: Final = "date_refused"


def read_entry(entry: Any, dates: DateSieve) -> Post | str:
    """An outbox entry as a :class:`Post`, or why it is none (:data:`UNDATED`,
    :data:`UNREADABLE`, :data:`NOT_A_POST`, :data:`DATE_REFUSED`)."""
    if not isinstance(entry, Mapping):
        return UNREADABLE
    kinds = types_of(entry)
    if "Announce" in kinds:
        return _boost(entry, dates)
    if "Create" in kinds:
        return _created(entry, dates)
    if kinds & POST_TYPES.keys():
        return _post(entry, entry, dates)  # a post listed by itself, not wrapped in Create
    return NOT_A_POST if kinds else UNREADABLE


def _boost(entry: Mapping[str, Any], dates: DateSieve) -> Post | str:
    published = parse_iso_time(entry.get("published"))
    if published is None:
        return UNDATED  # PeerTube's Announce of a video carries no date
    if not dates.keep(published):
        return DATE_REFUSED
    boosted = entry.get("object")
    target = ref(boosted)
    url = page_url(boosted.get("url")) if isinstance(boosted, Mapping) else None
    identifier = ref(entry) or target
    if identifier is None:
        return UNREADABLE
    return Post(Item(id=identifier, published_at=published, kind="repost",
                     url=url or (target if is_http_url(target) else None)))


def _created(entry: Mapping[str, Any], dates: DateSieve) -> Post | str:
    obj = entry.get("object")
    if isinstance(obj, Mapping):
        if not types_of(obj) & POST_TYPES.keys():
            return NOT_A_POST
        return _post(obj, entry, dates)
    target = ref(obj)
    if target is None:
        return UNREADABLE
    # Only a link to the post (GoToSocial): dated by the activity, its content unknown.
    published = parse_iso_time(entry.get("published"))
    if published is None:
        return UNDATED
    if not dates.keep(published):
        return DATE_REFUSED
    return Post(Item(id=target, published_at=published, kind="original",
                     url=target if is_http_url(target) else None), content_shown=False)


def _post(obj: Mapping[str, Any], entry: Mapping[str, Any], dates: DateSieve) -> Post | str:
    published = parse_iso_time(obj.get("published")) or parse_iso_time(entry.get("published"))
    if published is None:
        return UNDATED
    if not dates.keep(published):
        return DATE_REFUSED
    identifier = ref(obj) or ref(entry)
    if identifier is None:
        return UNREADABLE
    kind = next((POST_TYPES[t] for t in sorted(types_of(obj)) if t in POST_TYPES), None)
    reply = obj.get("inReplyTo")
    reply_to = next(iter(refs(reply)), None)
    reply_author = None
    if isinstance(reply, Mapping):
        reply_author = next(iter(refs(reply.get("attributedTo"))), None)
    text, links = _post_text(obj)
    return Post(
        Item(id=identifier, published_at=published, kind="original",
             url=page_url(obj.get("url")) or (identifier if is_http_url(identifier) else None),
             text=text, links=links, format=kind,
             likes=_total(obj.get("likes")), shares=_total(obj.get("shares")),
             comments=_total(obj.get("replies")), views=count(obj.get("views")),
             media=_media(obj.get("attachment"))),
        reply_to=reply_to, reply_author=reply_author,
        attributed_to=tuple(refs(obj.get("attributedTo"))),
    )


def _total(collection: Any) -> int | None:
    """A collection's ``totalItems`` where the object embeds it (Mastodon's likes and
    shares); a bare link to the collection says nothing (None), and PeerTube's numbers
    are counts already."""
    if isinstance(collection, Mapping):
        return collection_total(collection)
    return count(collection)


def _media(attachment: Any) -> int | None:
    """The attachments that are media (images, video, audio), not links or property
    values; 0 when the object has no attachment at all (it shows none)."""
    if attachment is None:
        return 0
    items = attachment if isinstance(attachment, list) else [attachment]
    return min(sum(1 for a in items if isinstance(a, Mapping)
                   and types_of(a) & _MEDIA_TYPES), 1000)


_MEDIA_TYPES = frozenset({"Document", "Image", "Video", "Audio"})


def _post_text(obj: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    content = obj.get("content")
    if not isinstance(content, str) or not content.strip():
        content_map = obj.get("contentMap")
        if isinstance(content_map, Mapping):
            content = next((v for v in content_map.values() if isinstance(v, str)), None)
    if isinstance(content, str) and content.strip():
        read = read_fragment(content)
        text, links = read.text, read.links
    else:
        source = obj.get("_misskey_content")  # Misskey's own markup, when no HTML is sent
        text, links = (source if isinstance(source, str) else ""), ()
    title = obj.get("name")
    if isinstance(title, str) and title.strip() and not text.startswith(title.strip()):
        text = f"{title.strip()}\n{text}" if text else title.strip()
    return cap_text(text) or "", tuple(links[:20])


def classify(posts: Iterable[Post], own: frozenset[str]) -> list[Item]:
    """The items of ``posts``, replies marked ``self_reply`` when they answer the account
    itself and ``reply`` otherwise.

    ``own`` holds the URLs that name the account. A reply answers the account itself when
    the answered object is attributed to it, is one of its posts in the sample, or lies
    under its actor URL (Mastodon's ``/users/x/statuses/1``); otherwise it answers
    someone else (a thread continued from a post older than the sample counts as a reply).
    """
    posts = list(posts)
    # A site's own address (a blog actor's url) is no prefix of its posts' authorship.
    prefixes = tuple(f"{url}/" for url in own if _has_path(url))
    own_posts = {p.item.id.rstrip("/") for p in posts} | {
        p.item.url.rstrip("/") for p in posts if p.item.url}
    items: list[Item] = []
    for post in posts:
        item = post.item
        if item.kind == "original" and post.reply_to:
            target = post.reply_to.rstrip("/")
            if post.reply_author is not None:
                mine = post.reply_author.rstrip("/") in own
            else:
                mine = target in own_posts or target.startswith(prefixes)
            item = replace(item, kind="self_reply" if mine else "reply")
        items.append(item)
    return items


def _has_path(url: str) -> bool:
    try:
        return bool(urlsplit(url).path.strip("/"))
    except ValueError:
        return False
