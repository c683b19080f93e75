"""Facebook pages read through Meta's Graph API, with the page access token the user brings.

Meta lets an app read a page's posts and comments only with a token of that page: one the
user manages, or one whose admin granted the app access (other pages need Meta's App
Review, so they stay ``login_wall``, saying so). With a token for the page
(:mod:`auditor.credentials`):

1. ``GET /{page}?fields=id,name,username,about,description,emails,phone,website,link,
   picture{url,is_silhouette},cover{source},followers_count,fan_count``: the page's
   photo, cover, about text, contact details, website and followers;
2. ``GET /{page-id}/published_posts?fields=id,created_time,message,permalink_url,
   comments.filter(stream).order(chronological).summary(true).limit(100){id,from,
   created_time,message}&limit=N``: the posts, each with its comments, paged by
   ``paging.next`` (its ``access_token`` taken out: the token goes in the header) until a
   page reaches past the window, the posts end or the page cap is reached.

Each post is an ``original``; each comment the page itself wrote under a post is a
``reply``, dated when it was written, so the reply share is the share of the page's
activity that answers people. A page comment answers every visitor comment on that post
not answered before it; the wait of the earliest of them is the answer's
``response_seconds``, from which the **median response time to visitors' comments** is
measured (docs/metrics.md). Visitor comments left unanswered are counted in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, urlencode, urlsplit

from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileField,
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
from auditor.platforms.walled import FacebookAdapter

PAGE_FIELDS: Final = ("id,name,username,about,description,emails,phone,website,link,"
                      "picture{url,is_silhouette},cover{source},followers_count,fan_count")
POST_FIELDS: Final = ("id,created_time,message,permalink_url,comments.filter(stream)"
                      ".order(chronological).summary(true).limit(100)"
                      "{id,from,created_time,message}")
#: Posts asked per page (the Graph API gives up to 100).
_MAX_PER_PAGE: Final = 100
PERMISSIONS: Final = "pages_read_engagement and pages_read_user_content"

NO_TOKEN: Final = ("not read, as there is no page access token for this page (Meta lets an "
                   "app read only pages its user manages or whose admin granted it access; "
                   "set AUDITOR_FB_PAGE_TOKEN or add the page under [facebook.pages] in the "
                   "credentials file, see docs/platforms.md)")
NOT_VISIBLE_WHY: Final = ("a page access token reads only its own page; other pages need "
                          "Meta's App Review")
UNEXPECTED_PAGE: Final = "Graph API page: unexpected answer"
UNANSWERED: Final = "{unanswered} of {comments} visitor comment(s) in the window not answered"
MORE_COMMENTS: Final = "{posts} post(s) have more comments than the first 100 read"


class FacebookGraphAdapter(FacebookAdapter):
    """A Facebook page through the Graph API when the user has its token; walled otherwise."""

    replies_observable = True
    unobservable: Mapping[str, str] = {}
    #: Facebook pages date from 2007.
    earliest_post = datetime(2007, 11, 1, tzinfo=UTC)

    def start(self, target: Target, options: CrawlOptions) -> Step:
        credentials = options.credentials
        name = self._node(target.url)
        token = credentials.page_token(name) if credentials and name else None
        if token is None or name is None:
            if options.fetch_walled:
                return super().start(target, options)
            return self.record(target, "login_wall", self.wall_detail(NO_TOKEN))
        query = urlencode({"fields": PAGE_FIELDS})
        url = f"{options.endpoint('meta_graph')}/{quote(name, safe='')}?{query}"
        state = CrawlState(target=target, options=options, step="fb_page",
                           data={"token": None})
        return Next(metagraph.fetch(url, "fb_page", token), state)

    def _node(self, url: str) -> str | None:
        """The page's name or id as the Graph API takes it (handle, ``profile.php?id=``,
        ``pages/name/id``); None for a group or a person."""
        parts = urlsplit(self.profile_url(url))
        path = self.profile_path(parts.path, parts.query)
        if path is None or path.startswith(("/groups/", "/people/")):
            return None
        if path.startswith("/profile.php"):
            return path.split("id=", 1)[1]
        segments = [s for s in path.split("/") if s]
        return segments[-1] if segments else None

    def _token(self, state: CrawlState) -> str:
        credentials = state.options.credentials
        token = credentials.page_token(self._node(state.target.url)) if credentials else None
        assert token is not None
        return token

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "page":  # the walled route
            return super().advance(state, page)
        if state.step == "fb_page":
            return self._after_page(state, page)
        return self._after_posts(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step == "fb_posts" and state.data.get("pages"):
            return self._finish(state, exhausted=False, note=f"posts page "
                                f"{state.data['pages'] + 1}: {outcome_for_failure(failure)[1]}")
        if state.step == "fb_posts":
            outcome, detail = outcome_for_failure(failure)
            return self.record(state.target, outcome, detail, profile=state.data["facts"],
                               fetched_at=state.data["fetched_at"])
        return super().fail(state, failure)

    def record(self, target: Target, outcome: str, detail: str | None = None,
               **fields: Any) -> ProfileRecord:
        made = super().record(target, outcome, detail, **fields)
        if outcome == "login_wall":
            return replace(made, replies_observable=False,
                           unobservable=dict(FacebookAdapter.unobservable))
        return made

    # -- steps -------------------------------------------------------------------------

    def _after_page(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        ended = metagraph.problem(page, permissions=PERMISSIONS, not_visible=NOT_VISIBLE_WHY)
        if ended is not None:
            return self.record(target, *ended, fetched_at=page.fetched_at)
        body = metagraph.json_of(page)
        if not isinstance(body, dict) or not isinstance(body.get("id"), str | int):
            return self.record(target, "error", UNEXPECTED_PAGE, fetched_at=page.fetched_at)
        facts = _facts(body)
        options = state.options
        size = max(1, min(options.page_size, _MAX_PER_PAGE))
        query = urlencode({"fields": POST_FIELDS, "limit": str(size)})
        page_id = str(body["id"])
        url = (f"{options.endpoint('meta_graph')}/{quote(page_id, safe='')}/published_posts"
               f"?{query}")
        state = state.with_data("fb_posts", page_id=page_id, facts=facts, items=(), pages=0,
                                notes=(), fetched_at=page.fetched_at, visitor_comments=0,
                                unanswered=0, more_comments=0)
        return Next(metagraph.fetch(url, "fb_posts", self._token(state)), state)

    def _after_posts(self, state: CrawlState, page: Page) -> Step:
        data = state.data
        ended = metagraph.problem(page, permissions=PERMISSIONS, not_visible=NOT_VISIBLE_WHY)
        body = metagraph.json_of(page)
        posts = body.get("data") if isinstance(body, dict) else None
        if ended is not None or not isinstance(posts, list):
            detail = ended[1] if ended else "unexpected answer"
            if data["pages"] > 0:
                return self._finish(state, exhausted=False,
                                    note=f"posts page {data['pages'] + 1}: {detail}")
            return self.record(state.target, ended[0] if ended else "error", f"posts: {detail}",
                               fetched_at=data["fetched_at"], profile=data["facts"])
        dates = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="post(s)")
        window_start = state.options.window_start
        items: list[Item] = []
        visitor = unanswered = more = 0
        for post in posts[:_MAX_PER_PAGE]:
            read = _post_items(post, data["page_id"], dates, window_start)
            if read is None:
                continue
            found, counts = read
            items.extend(found)
            visitor += counts[0]
            unanswered += counts[1]
            more += counts[2]
        pages = data["pages"] + 1
        state = state.with_data(
            "fb_posts", items=(*data["items"], *items), pages=pages,
            notes=(*data["notes"], *dates.notes()),
            visitor_comments=data["visitor_comments"] + visitor,
            unanswered=data["unanswered"] + unanswered, more_comments=data["more_comments"] + more)
        paging = body.get("paging") if isinstance(body, dict) else None
        next_url = paging.get("next") if isinstance(paging, dict) else None
        if not posts or not isinstance(next_url, str) or not next_url:
            return self._finish(state, exhausted=True)
        oldest = min((i.published_at for i in items if i.kind == "original"), default=None)
        if oldest is not None and oldest < window_start:
            return self._finish(state, exhausted=False)
        if pages >= state.options.max_pages:
            return self._finish(state, exhausted=False, cap_reached=True)
        if urlsplit(next_url).netloc != urlsplit(page.url).netloc:
            return self._finish(state, exhausted=False,
                                note=f"next page on another host ignored: "
                                     f"{cap_text(urlsplit(next_url).netloc, 100)}")
        return Next(metagraph.fetch(metagraph.without_token(next_url), "fb_posts",
                                    self._token(state)), state)

    def _finish(self, state: CrawlState, *, exhausted: bool, cap_reached: bool = False,
                note: str | None = None) -> ProfileRecord:
        data = state.data
        notes = [*data["notes"]]
        if note:
            notes.append(note)
        if data["visitor_comments"]:
            notes.append(UNANSWERED.format(unanswered=data["unanswered"],
                                           comments=data["visitor_comments"]))
        if data["more_comments"]:
            notes.append(MORE_COMMENTS.format(posts=data["more_comments"]))
        items = tuple(sorted(data["items"], key=lambda i: i.published_at, reverse=True))
        return self.record(state.target, "ok", None, fetched_at=data["fetched_at"],
                           profile=data["facts"], items=items,
                           sample=Sample(pages=data["pages"], page_cap_reached=cap_reached,
                                         exhausted=exhausted),
                           notes=tuple(notes))


# -- answers ------------------------------------------------------------------------------

def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None



def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _facts(body: Mapping[str, Any]) -> ProfileFacts:
    picture = _dict(_dict(body.get("picture")).get("data"))
    avatar = _str(picture.get("url"))
    cover = _str(_dict(body.get("cover")).get("source"))
    fields: list[ProfileField] = []
    emails = [e for e in body.get("emails") or () if isinstance(e, str)][:5]
    if emails:
        fields.append(ProfileField(name="e-mail", value=cap_text(", ".join(emails), 400) or ""))
    phone = _str(body.get("phone"))
    if phone:
        fields.append(ProfileField(name="phone", value=cap_text(phone, 100) or ""))
    website = _str(body.get("website"))
    links = tuple(link for link in (website or "").split()
                  if link.startswith(("http://", "https://")))[:5]
    about = body.get("about") if isinstance(body.get("about"), str) else None
    description = body.get("description") if isinstance(body.get("description"), str) else None
    bio = about if about and about.strip() else description
    name = _str(body.get("name"))
    followers = count(body.get("followers_count"))
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name else None,
        username=_str(body.get("username")),
        bio=cap_text(bio if bio is not None else "", MAX_BIO_CHARS),
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else picture.get("is_silhouette") is True,
        banner_url=cover,
        banner_is_default=None if cover is None else False,
        links=links,
        fields=tuple(fields),
        followers=followers if followers is not None else count(body.get("fan_count")),
    )


def _post_items(post: Any, page_id: str, dates: DateSieve,
                window_start: datetime) -> tuple[list[Item], tuple[int, int, int]] | None:
    """The post and the page's own comments under it, with (visitor comments in the
    window, of those unanswered, 1 when the post has more comments than were read)."""
    if not isinstance(post, dict) or not isinstance(post.get("id"), str | int):
        return None
    published = parse_iso_time(_fb_time(post.get("created_time")))
    if published is None or not dates.keep(published):
        return None
    url = _str(post.get("permalink_url"))
    message = post.get("message") if isinstance(post.get("message"), str) else ""
    comments = _dict(post.get("comments"))
    read = [c for c in comments.get("data") or () if isinstance(c, dict)][:100]
    total = count(_dict(comments.get("summary")).get("total_count"))
    items = [Item(id=str(post["id"]), published_at=published, kind="original", url=url,
                  text=cap_text(message) or "", comments=total)]
    more = 1 if total is not None and total > len(read) else 0
    waiting: list[datetime] = []
    visitor = 0
    for comment in sorted(read, key=lambda c: str(c.get("created_time") or "")):
        when = parse_iso_time(_fb_time(comment.get("created_time")))
        if when is None or not dates.keep(when):
            continue
        author = str(_dict(comment.get("from")).get("id") or "")
        if author == page_id:
            # it answers every visitor comment before it not yet answered; its response
            # time is the longest of those waits (the earliest comment's)
            answered = waiting[0] if waiting else None
            waiting.clear()
            text = comment.get("message") if isinstance(comment.get("message"), str) else ""
            items.append(Item(
                id=str(comment.get("id") or f"{post['id']}-{len(items)}"), published_at=when,
                kind="reply", url=url, text=cap_text(text) or "",
                response_seconds=max(0, int((when - answered).total_seconds()))
                if answered is not None else None))
        else:
            waiting.append(when)
            if when >= window_start:
                visitor += 1
    unanswered = sum(1 for when in waiting if when >= window_start)
    return items, (visitor, unanswered, more)


def _fb_time(value: Any) -> Any:
    """Graph API times: ``2026-10-30T14:03:00+0000`` (no colon in the offset)."""
    if isinstance(value, str) and len(value) == 24 and value[-5] in "+-":
        return f"{value[:-2]}:{value[-2:]}"
    return value
