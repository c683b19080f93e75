"""Typed records that flow from the platform parsers to metrics, verdicts and reports.

Every field that a platform may not show is optional: ``None`` means "not observed",
which is never the same as 0, False or an empty string.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Final, TypeVar

#: Platform names used in every output (contract).
PLATFORMS: Final = (
    "mastodon",
    "bluesky",
    "youtube",
    "telegram",
    "feed",
    "website",
    "linkedin",
    "x",
    "facebook",
    "instagram",
    "threads",
    "tiktok",
    "reddit",
    "unknown",
)

#: Every profile ends with exactly one of these outcomes (contract).
OUTCOMES: Final = (
    "ok",
    "not_found",
    "gone",
    "login_wall",
    "robots_disallowed",
    "blocked",
    "rate_limited",
    "preview_disabled",
    "unsupported",
    "error",
    #: Read by a person through the observation sheet (auditor.observed), not by the crawl.
    "observed",
)

#: How an item relates to the account that published it.
ITEM_KINDS: Final = ("original", "reply", "self_reply", "repost")
OWN_POST_KINDS: Final = frozenset({"original", "reply", "self_reply"})

#: Scraped text is untrusted and unbounded: keep excerpts short.
MAX_TEXT_CHARS: Final = 500
MAX_BIO_CHARS: Final = 2000
MAX_NAME_CHARS: Final = 200


def cap_text(text: str | None, limit: int = MAX_TEXT_CHARS) -> str | None:
    """Trim scraped text to ``limit`` characters, marking the cut with an ellipsis."""
    if text is None:
        return None
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


_C = TypeVar("_C", bound=type)


def pickled_by_position(cls: _C) -> _C:
    """Pickle a frozen, slotted dataclass as its constructor and its field values.

    The dataclass default (``__getstate__``/``__setstate__``) looks the fields up again for
    every object; a judged audit of 10,000 profiles pickles about a million posts and
    weekly buckets through auditor.spool, several times, so this halves that time. Every
    field goes through ``__init__`` (checked here), so a field added later is kept too.
    """
    names = tuple(f.name for f in fields(cls))
    if not all(f.init for f in fields(cls)):
        raise TypeError(f"{cls.__name__}: every field must be an __init__ argument")

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return (type(self), tuple(getattr(self, name) for name in names))

    cls.__reduce__ = __reduce__  # type: ignore[assignment, method-assign]
    return cls


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Item:
    """One thing the account published (a post, a reply, a boost)."""

    id: str
    #: When it was first published (aware UTC); edits do not move it.
    published_at: datetime
    #: One of ITEM_KINDS.
    kind: str
    #: Public link to the item, when the platform gives one.
    url: str | None = None
    #: Pinned to the top of the profile; still counted by its own date.
    pinned: bool = False
    #: Plain-text excerpt, capped at MAX_TEXT_CHARS.
    text: str = ""
    #: Links found in the item's text (for "only a link to our own site" evidence).
    links: tuple[str, ...] = ()
    #: What kind of upload it is where the platform distinguishes ("video", "short").
    format: str | None = None
    #: Comments (replies) the platform counts for the item (Mastodon's replies_count,
    #: Bluesky's replyCount, feeds' slash:comments and thr:total).
    comments: int | None = None
    #: The public interaction counts the platform shows for the item; None where it shows
    #: none (never 0 for unknown): likes (favourites), shares (boosts, reposts), quotes.
    likes: int | None = None
    shares: int | None = None
    quotes: int | None = None
    #: Views (YouTube, Telegram), where the platform counts them.
    views: int | None = None
    #: Media attached (images, video, audio): how many; None where not known.
    media: int | None = None
    #: For a reply answering visitors (a Facebook page's comment under its own post): the
    #: seconds from the earliest visitor comment it answers to this answer.
    response_seconds: int | None = None


@pickled_by_position
@dataclass(frozen=True, slots=True)
class ProfileField:
    """A name/value pair shown on the profile (Mastodon's profile metadata)."""

    name: str
    #: The value as plain text.
    value: str
    #: http(s) links found in the value.
    links: tuple[str, ...] = ()
    #: The server verified that the linked page links back (rel=me).
    verified: bool = False


@pickled_by_position
@dataclass(frozen=True, slots=True)
class ProfileFacts:
    """What the profile page shows about the account itself."""

    #: The account's own name for itself in its own words; None if the platform has none.
    display_name: str | None = None
    username: str | None = None
    #: Summary or bio as plain text; None when not observable, "" when observably empty.
    bio: str | None = None
    avatar_url: str | None = None
    #: True when the avatar is the platform's placeholder image.
    avatar_is_default: bool | None = None
    #: SHA-256 of the avatar image's bytes (fetched once per URL), to compare profiles.
    avatar_sha256: str | None = None
    banner_url: str | None = None
    banner_is_default: bool | None = None
    #: Website links in the profile (fields, bio or a dedicated website slot).
    links: tuple[str, ...] = ()
    fields: tuple[ProfileField, ...] = ()
    created_at: datetime | None = None
    #: Total number of posts the platform says the account ever made.
    posts_total: int | None = None
    #: Last activity as the platform reports it (Mastodon: a date only).
    last_post_reported_at: datetime | None = None
    followers: int | None = None
    #: The account moved to another one (Mastodon's ``moved``).
    moved_to: str | None = None
    bot: bool | None = None


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Sample:
    """How much of the account's history the crawl saw."""

    #: Pages of items fetched.
    pages: int = 0
    #: More items existed but the page cap stopped the crawl.
    page_cap_reached: bool = False
    #: The platform had no more items: the sample is the whole history.
    exhausted: bool = False


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Observation:
    """What a person saw on a profile the crawl cannot read (one row of the observation
    sheet, auditor.sheet). Every cell left empty is None: unknown, never 0 or "no"."""

    observer: str
    observed_on: date
    last_post_on: date | None = None
    #: Own posts in the ``window_days`` days before ``observed_on`` (the sheet's column).
    posts_in_window: int | None = None
    window_days: int = 90
    #: Posts the person looked at, and the dates they wrote down (newest first).
    posts_looked_at: int | None = None
    post_dates: tuple[date, ...] = ()
    #: Of the posts counted (in the window, else looked at): answers to someone else.
    replies: int | None = None
    photo: bool | None = None
    #: Bio, or a person's headline and About section.
    bio: bool | None = None
    contact: bool | None = None
    website: bool | None = None
    followers: int | None = None
    note: str | None = None
    #: Where it was read from: "observations.csv row 4".
    source: str | None = None


@pickled_by_position
@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """Everything the crawl learnt about one listed profile: the unit the pipeline streams."""

    #: Canonical profile URL (the key everywhere).
    url: str
    platform: str
    #: The account's handle, as the platform spells it (e.g. ``@name@host``).
    handle: str | None
    #: One of OUTCOMES.
    outcome: str
    outcome_detail: str | None = None
    fetched_at: datetime | None = None
    organisation: str | None = None
    role: str | None = None
    #: The URL as the config listed it, before canonicalisation.
    source_url: str | None = None
    profile: ProfileFacts | None = None
    items: tuple[Item, ...] = ()
    sample: Sample | None = None
    #: Whether the platform can show replies at all (False: reply share is not measurable).
    replies_observable: bool = True
    #: Checklist items this platform cannot show, with the reason.
    unobservable: Mapping[str, str] = field(default_factory=dict)
    #: Things worth knowing about how the data was read (skipped items, partial pages).
    notes: tuple[str, ...] = ()
    #: What a person saw, for outcome ``observed`` (None for everything the crawl read).
    observation: Observation | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProfileRecord:
        profile = data.get("profile")
        sample = data.get("sample")
        return cls(
            url=data["url"],
            platform=data["platform"],
            handle=data.get("handle"),
            outcome=data["outcome"],
            outcome_detail=data.get("outcome_detail"),
            fetched_at=_parse_dt(data.get("fetched_at")),
            organisation=data.get("organisation"),
            role=data.get("role"),
            source_url=data.get("source_url"),
            profile=_profile_from_dict(profile) if profile is not None else None,
            items=tuple(_item_from_dict(i) for i in data.get("items") or ()),
            sample=Sample(**sample) if sample is not None else None,
            replies_observable=bool(data.get("replies_observable", True)),
            unobservable=dict(data.get("unobservable") or {}),
            notes=tuple(data.get("notes") or ()),
            observation=(_observation_from_dict(data["observation"])
                         if data.get("observation") else None),
        )


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, datetimes, tuples and mappings into JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item_from_dict(data: Mapping[str, Any]) -> Item:
    return Item(
        id=str(data["id"]),
        published_at=datetime.fromisoformat(data["published_at"]),
        kind=data["kind"],
        url=data.get("url"),
        pinned=bool(data.get("pinned", False)),
        text=data.get("text") or "",
        links=tuple(data.get("links") or ()),
        format=data.get("format"),
        comments=data.get("comments"),
        likes=data.get("likes"),
        shares=data.get("shares"),
        quotes=data.get("quotes"),
        views=data.get("views"),
        response_seconds=data.get("response_seconds"),
        media=data.get("media"),
    )


def _observation_from_dict(data: Mapping[str, Any]) -> Observation:
    values = dict(data)
    for name in ("observed_on", "last_post_on"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    values["post_dates"] = tuple(date.fromisoformat(d) for d in data.get("post_dates") or ())
    known = {f.name for f in dataclasses.fields(Observation)}
    return Observation(**{k: v for k, v in values.items() if k in known})


def _profile_from_dict(data: Mapping[str, Any]) -> ProfileFacts:
    values = dict(data)
    values["fields"] = tuple(ProfileField(**{**f, "links": tuple(f.get("links") or ())})
                             for f in data.get("fields") or ())
    values["links"] = tuple(data.get("links") or ())
    values["created_at"] = _parse_dt(data.get("created_at"))
    values["last_post_reported_at"] = _parse_dt(data.get("last_post_reported_at"))
    known = {f.name for f in dataclasses.fields(ProfileFacts)}
    return ProfileFacts(**{k: v for k, v in values.items() if k in known})
