"""Instagram professional accounts read through Meta's Graph API (Business Discovery).

Business Discovery lets a user's own Instagram professional account look up another
professional (business or creator) account by its username: the user brings a Meta
access token with ``instagram_basic`` (and ``pages_read_engagement``) and the id of their
own professional account (:mod:`auditor.credentials`). One request per page of media::

    GET /{own-ig-user-id}?fields=business_discovery.username(NAME){id,username,name,
        biography,website,profile_picture_url,followers_count,media_count,
        media.limit(N){id,timestamp,caption,media_type,media_product_type,like_count,
        comments_count,permalink}}

and the next pages with ``media.after(CURSOR).limit(N)`` (the cursor from
``media.paging.cursors.after``), until a page reaches past the window, the media end or
the page cap is reached. Every media item is an ``original`` post (a reel's ``format`` is
``reel``) with its like and comment counts. Who answers comments is not shown, so the
reply share is not measurable. A personal, private or age-restricted account (or no
account at all: the API does not tell them apart) gives error 110 "Invalid user id":
``login_wall``, saying so and what to check by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, urlencode

from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileRecord,
    Sample,
    cap_text,
)
from auditor.platforms import metagraph
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    DateSieve,
    Failure,
    Next,
    Page,
    Step,
    Target,
    outcome_for_failure,
    parse_iso_time,
)
from auditor.platforms.counts import count
from auditor.platforms.walled import InstagramAdapter

PROFILE_FIELDS: Final = ("id,username,name,biography,website,profile_picture_url,"
                         "followers_count,media_count")
MEDIA_FIELDS: Final = ("id,timestamp,caption,media_type,media_product_type,like_count,"
                       "comments_count,permalink")
_MAX_PER_PAGE: Final = 100
PERMISSIONS: Final = "instagram_basic, instagram_manage_insights and pages_read_engagement"

NO_TOKEN: Final = ("not read, as there is no Meta token for Instagram (set AUDITOR_META_TOKEN "
                   "and AUDITOR_IG_USER_ID, your own professional account, or add them to the "
                   "credentials file, see docs/platforms.md)")
TOKEN_UNUSABLE: Final = "not read, as the Meta token cannot be used ({problem})"
NOT_PROFESSIONAL: Final = ("Business Discovery reads only professional (business or creator) "
                           "accounts, and this is a personal, private or age-restricted account, "
                           "or none")
NOT_VISIBLE_WHY: Final = ("check AUDITOR_IG_USER_ID, the id of your own Instagram professional "
                          "account")
UNEXPECTED: Final = "Business Discovery: unexpected answer"
NO_REPLIES: Final = ("the Graph API does not show who answers an Instagram account's "
                     "comments")


class InstagramGraphAdapter(InstagramAdapter):
    """Instagram through Business Discovery when the user has a token; walled otherwise."""

    replies_observable = False
    unobservable: Mapping[str, str] = {"banner": "Instagram profiles have no cover image"}
    #: Instagram began in October 2010.
    earliest_post = datetime(2010, 10, 1, tzinfo=UTC)

    def start(self, target: Target, options: CrawlOptions) -> Step:
        credentials = options.credentials
        token = credentials.meta_token if credentials else None
        own = credentials.ig_user_id if credentials else None
        name = (self.handle(target.url) or "").lstrip("@")
        if token is None or own is None or not name:
            if options.fetch_walled:
                return super().start(target, options)
            problem = credentials.problem_text() if credentials else None
            lead = TOKEN_UNUSABLE.format(problem=problem) if problem else NO_TOKEN
            return self.record(target, "login_wall", self.wall_detail(lead))
        state = CrawlState(target=target, options=options, step="ig_media",
                           data={"name": name, "items": (), "pages": 0, "notes": (),
                                 "facts": None, "fetched_at": None})
        return Next(self._fetch(state, None), state)

    def _fetch(self, state: CrawlState, after: str | None) -> Any:
        options = state.options
        credentials = options.credentials
        assert credentials is not None and credentials.meta_token and credentials.ig_user_id
        size = max(1, min(options.page_size, _MAX_PER_PAGE))
        media = f"media.after({after}).limit({size})" if after else f"media.limit({size})"
        fields = (f"business_discovery.username({state.data['name']})"
                  f"{{{PROFILE_FIELDS},{media}{{{MEDIA_FIELDS}}}}}")
        url = (f"{options.endpoint('meta_graph')}/{quote(credentials.ig_user_id, safe='')}"
               f"?{urlencode({'fields': fields})}")
        return metagraph.fetch(url, "ig_media", credentials.meta_token)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "page":  # the walled route
            return super().advance(state, page)
        return self._after_media(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step == "ig_media":
            if state.data.get("pages"):
                return self._finish(state, exhausted=False, note=f"media page "
                                    f"{state.data['pages'] + 1}: "
                                    f"{outcome_for_failure(failure)[1]}")
            outcome, detail = outcome_for_failure(failure)
            return self.record(state.target, outcome, detail)
        return super().fail(state, failure)

    def record(self, target: Target, outcome: str, detail: str | None = None,
               **fields: Any) -> ProfileRecord:
        made = super().record(target, outcome, detail, **fields)
        if outcome == "login_wall":
            return replace(made, unobservable=dict(InstagramAdapter.unobservable))
        return made

    def _after_media(self, state: CrawlState, page: Page) -> Step:
        data = state.data
        target = state.target
        ended = self._problem(page)
        body = metagraph.json_of(page)
        found = body.get("business_discovery") if isinstance(body, dict) else None
        if ended is None and not isinstance(found, dict):
            ended = ("error", UNEXPECTED)
        if ended is not None:
            if data["pages"] > 0:
                return self._finish(state, exhausted=False,
                                    note=f"media page {data['pages'] + 1}: {ended[1]}")
            return self.record(target, *ended, fetched_at=page.fetched_at)
        assert isinstance(found, dict)
        facts = data["facts"] or _facts(found)
        media = _dict(found.get("media"))
        raw = media.get("data")
        listed: list[Any] = raw if isinstance(raw, list) else []
        dates = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="post(s)")
        items, skipped = _items(listed[:_MAX_PER_PAGE], dates)
        notes = tuple(data["notes"])
        if skipped:
            notes = (*notes, f"{skipped} unreadable post(s) skipped")
        pages = data["pages"] + 1
        state = state.with_data("ig_media", facts=facts, items=(*data["items"], *items),
                                pages=pages, notes=(*notes, *dates.notes()),
                                fetched_at=data["fetched_at"] or page.fetched_at)
        paging = _dict(media.get("paging"))
        cursors = _dict(paging.get("cursors"))
        after = cursors.get("after")
        more = isinstance(paging.get("next"), str) and isinstance(after, str) and after
        if not listed or not more:
            return self._finish(state, exhausted=True)
        oldest = min((item.published_at for item in items), default=None)
        if oldest is not None and oldest < state.options.window_start:
            return self._finish(state, exhausted=False)
        if pages >= state.options.max_pages:
            return self._finish(state, exhausted=False, cap_reached=True)
        if not all(c.isalnum() or c in "-_=" for c in str(after)) or len(str(after)) > 400:
            return self._finish(state, exhausted=False, note="media: unreadable paging cursor")
        return Next(self._fetch(state, str(after)), state)

    def _problem(self, page: Page) -> tuple[str, str] | None:
        body = metagraph.json_of(page)
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and (error.get("code") in (110, 24)
                                        or error.get("error_subcode") == 2207013):
            return "login_wall", self.wall_detail(NOT_PROFESSIONAL)
        return metagraph.problem(page, permissions=PERMISSIONS, not_visible=NOT_VISIBLE_WHY)

    def _finish(self, state: CrawlState, *, exhausted: bool, cap_reached: bool = False,
                note: str | None = None) -> ProfileRecord:
        data = state.data
        notes = tuple(data["notes"]) + ((note,) if note else ())
        items = tuple(sorted(data["items"], key=lambda i: i.published_at, reverse=True))
        return self.record(state.target, "ok", None, fetched_at=data["fetched_at"],
                           profile=data["facts"], items=items,
                           sample=Sample(pages=data["pages"], page_cap_reached=cap_reached,
                                         exhausted=exhausted),
                           notes=notes)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None



def _facts(found: Mapping[str, Any]) -> ProfileFacts:
    name = _str(found.get("name"))
    website = _str(found.get("website"))
    biography = found.get("biography")
    avatar = _str(found.get("profile_picture_url"))
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name else None,
        username=_str(found.get("username")),
        bio=cap_text(biography if isinstance(biography, str) else "", MAX_BIO_CHARS),
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else False,
        links=(website,) if website and website.startswith(("http://", "https://")) else (),
        posts_total=count(found.get("media_count")),
        followers=count(found.get("followers_count")),
    )


def _items(media: list[Any], dates: DateSieve) -> tuple[list[Item], int]:
    items: list[Item] = []
    skipped = 0
    for entry in media:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str | int):
            skipped += 1
            continue
        published = parse_iso_time(_ig_time(entry.get("timestamp")))
        if published is None:
            skipped += 1
            continue
        if not dates.keep(published):
            continue
        kind = str(entry.get("media_type") or "").lower() or None
        if entry.get("media_product_type") == "REELS":
            kind = "reel"
        caption = entry.get("caption") if isinstance(entry.get("caption"), str) else ""
        permalink = _str(entry.get("permalink"))
        items.append(Item(
            id=str(entry["id"]), published_at=published, kind="original",
            url=permalink if permalink and permalink.startswith("https://") else None,
            text=cap_text(caption) or "", format=cap_text(kind, 40) if kind else None,
            comments=count(entry.get("comments_count")), likes=count(entry.get("like_count")),
        ))
    return items, skipped


def _ig_time(value: Any) -> Any:
    """Graph API times: ``2026-10-30T14:03:00+0000`` (no colon in the offset)."""
    if isinstance(value, str) and len(value) == 24 and value[-5] in "+-":
        return f"{value[:-2]}:{value[-2:]}"
    return value
