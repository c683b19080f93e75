"""X profiles read through X's own API v2, with the app bearer token the user brings.

Without a token (:mod:`auditor.credentials`) an X profile stays what
:class:`~auditor.platforms.walled.XAdapter` makes of it: ``login_wall``, with what to check
by hand and how to add a token. With one:

1. ``GET /2/users/by/username/:username`` with the profile's fields (one user read): the
   bio, website, avatar and header image, the counts (``public_metrics``), the creation
   date and ``most_recent_tweet_id``, a snowflake whose top bits are its date
   (``(id >> 22) + 1288834974657`` ms since the epoch), so the last post is dated without
   reading any post;
2. at ``[x] depth = "posts"``, ``GET /2/users/:id/tweets`` (post reads), ``max_results``
   = the audit's page size within 5-100, paged by ``meta.next_token`` until a page reaches
   past the window, the timeline ends or the page cap is reached. A retweet is a repost, a
   reply to another account a reply, a reply to the account itself its own thread, a quote
   an original post.

Before the first request the run's maximum cost is known (:mod:`auditor.apicost`): over
``[x] max_cost_usd`` no X profile is read, and each says so. The record's notes say how
many reads were made and what they cost. The token travels only in the ``Authorization``
header; ``x-rate-limit-*`` headers are obeyed by :mod:`spiders.pacing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, urlencode

from auditor.apicost import dollars, estimate_x, reads_cost, x_page_size
from auditor.models import (
    MAX_BIO_CHARS,
    MAX_NAME_CHARS,
    Item,
    ProfileFacts,
    ProfileRecord,
    Sample,
    cap_text,
)
from auditor.platforms.base import (
    CrawlOptions,
    CrawlState,
    DateSieve,
    Failure,
    Fetch,
    Next,
    Page,
    Step,
    Target,
    outcome_for_failure,
    parse_iso_time,
    plausible_time,
)
from auditor.platforms.counts import count
from auditor.platforms.walled import XAdapter

USER_FIELDS: Final = ("created_at,description,entities,most_recent_tweet_id,pinned_tweet_id,"
                      "profile_banner_url,profile_image_url,protected,public_metrics,url")
TWEET_FIELDS: Final = ("conversation_id,created_at,entities,in_reply_to_user_id,"
                       "public_metrics,referenced_tweets")
#: X's epoch for snowflake ids (2010-11-04T01:42:54.657Z), in milliseconds.
TWEPOCH_MS: Final = 1288834974657
#: Posts read from one page at most (the API gives 100).
_MAX_PER_PAGE: Final = 100
#: X's placeholder avatar.
_DEFAULT_AVATAR: Final = "default_profile_images"

# The details and notes (english.py has each as a ``detail.*`` text, so reports translate).
NO_TOKEN: Final = ("not read, as there is no X API token (set AUDITOR_X_BEARER_TOKEN or add "
                   "it to the credentials file, see docs/platforms.md)")
TOKEN_UNUSABLE: Final = "not read, as the X API token cannot be used ({problem})"
OVER_CEILING: Final = ("not read through the X API, as this run could cost up to {cost}, over "
                       "the ceiling of {ceiling} (raise [x] max_cost_usd in the config to "
                       "read X profiles)")
BAD_TOKEN: Final = ("the X API refused the token (HTTP 401) as mistyped, revoked or "
                    "regenerated; set AUDITOR_X_BEARER_TOKEN to the app's current bearer token")
NOT_ENROLLED: Final = ("the X API refused the app (HTTP 403, {reason}); attach the app to a "
                       "project in the X developer console and give it API access")
NO_CREDITS: Final = ("the X API refused the request (HTTP 402) as the developer account has "
                     "no credits left; add credits in the X developer console")
X_RATE_LIMITED: Final = "HTTP 429: X's rate limit is reached; it allows more requests at {time}"
PROTECTED: Final = "the account protects its posts: only followers it approved can read them"
SUSPENDED: Final = "the account is suspended"
NO_SUCH_USER: Final = "no such account"
UNEXPECTED_USER: Final = "X API user lookup: unexpected answer"
UNEXPECTED_POSTS: Final = "X API posts: unexpected answer"
READS: Final = "X API: {users} user read(s) and {posts} post read(s), {cost}"
DEPTH_PROFILE: Final = ("X API depth profile: posts not read (the last post is dated from the "
                        "account's most_recent_tweet_id; [x] depth = \"posts\" reads them)")
POSTS_NOT_NEEDED: Final = ("X API: posts not read: the account's newest post is dated "
                           "{date}, before the audit window, so the verdict needs no more")


def snowflake_time(value: Any) -> datetime | None:
    """The moment an X id (a snowflake) was made, or None for anything that is not one."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not text.isdigit() or len(text) > 20:
        return None
    millis = (int(text) >> 22) + TWEPOCH_MS
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


class XApiAdapter(XAdapter):
    """X through its API when the user has a token; the walled route otherwise."""

    replies_observable = True
    unobservable: Mapping[str, str] = {}
    #: X (Twitter) began in 2006.
    earliest_post = datetime(2006, 3, 1, tzinfo=UTC)

    # -- the chain -----------------------------------------------------------------------

    def start(self, target: Target, options: CrawlOptions) -> Step:
        credentials = options.credentials
        token = credentials.x_bearer if credentials else None
        if token is None:
            if options.fetch_walled:
                return super().start(target, options)
            problem = credentials.problem_text() if credentials else None
            lead = TOKEN_UNUSABLE.format(problem=problem) if problem else NO_TOKEN
            return self.walled(target, lead)
        estimate = estimate_x(max(options.x_profiles, 1), options.x,
                              max_pages=options.max_pages, page_size=options.page_size)
        if estimate.over:
            return self.walled(target, OVER_CEILING.format(
                cost=dollars(estimate.cost_usd), ceiling=dollars(estimate.ceiling_usd)))
        name = (self.handle(target.url) or "").lstrip("@")
        if not name:
            return self.walled(target, f"{target.url} is not a profile address")
        query = urlencode({"user.fields": USER_FIELDS})
        url = f"{options.endpoint('x_api')}/2/users/by/username/{quote(name, safe='')}?{query}"
        state = CrawlState(target=target, options=options, step="user",
                           data={"users": 1, "posts": 0})
        return Next(self._fetch(url, "user", token), state)

    def advance(self, state: CrawlState, page: Page) -> Step:
        if state.step == "page":  # the walled route (no token, fetch_walled on)
            return super().advance(state, page)
        if state.step == "user":
            return self._after_user(state, page)
        return self._after_tweets(state, page)

    def fail(self, state: CrawlState, failure: Failure) -> ProfileRecord:
        if state.step in ("user", "tweets") and state.data.get("pages"):
            return self._finish(state, exhausted=False,
                                note=f"posts page {state.data['pages'] + 1}: "
                                     f"{outcome_for_failure(failure)[1]}")
        outcome, detail = outcome_for_failure(failure)
        return self.record(state.target, outcome, detail,
                           notes=self._reads(state) if state.step != "page" else ())

    def walled(self, target: Target, lead: str) -> ProfileRecord:
        """``login_wall``: why the API was not used, and what to check by hand."""
        return self.record(target, "login_wall", self.wall_detail(lead))

    def record(self, target: Target, outcome: str, detail: str | None = None,
               **fields: Any) -> ProfileRecord:
        made = super().record(target, outcome, detail, **fields)
        if outcome == "login_wall":  # not read through the API: what a logged-out reader sees
            return replace(made, replies_observable=False,
                           unobservable=dict(XAdapter.unobservable))
        return made

    @staticmethod
    def _fetch(url: str, step: str, token: str) -> Fetch:
        return Fetch(url, step, {"Authorization": f"Bearer {token}",
                                 "Accept": "application/json"}, api=True)

    # -- steps -------------------------------------------------------------------------

    def _after_user(self, state: CrawlState, page: Page) -> Step:
        target = state.target
        ended = _api_problem(page)
        if ended is not None:
            return self.record(target, *ended, fetched_at=page.fetched_at,
                               notes=self._reads(state))
        body = _json(page)
        user = body.get("data") if isinstance(body, dict) else None
        if not isinstance(user, dict) or not isinstance(user.get("id"), str | int):
            return self.record(target, "error", UNEXPECTED_USER,
                               fetched_at=page.fetched_at, notes=self._reads(state))
        facts = _facts(user, page.fetched_at, self.earliest_post)
        if user.get("protected") is True:
            return self.record(target, "blocked", PROTECTED, fetched_at=page.fetched_at,
                               profile=facts, notes=self._reads(state))
        options = state.options
        data = {"user_id": str(user["id"]), "username": facts.username, "facts": facts,
                "fetched_at": page.fetched_at, "pinned": str(user.get("pinned_tweet_id") or ""),
                "items": (), "pages": 0, "notes": ()}
        state = state.with_data("user", **data)
        if options.x.depth != "posts":
            return self._profile_only(state, DEPTH_PROFILE)
        last = facts.last_post_reported_at
        if facts.posts_total == 0 and user.get("most_recent_tweet_id") is None:
            return self._profile_only(state, None, exhausted=True)
        # (read with getattr: the two options are newer than this adapter in some trees)
        before = getattr(options, "lookup_enough_before", None)
        if before is not None and last is not None and last < before \
                and (facts.posts_total or 0) > getattr(options, "never_used_max_posts", 2):
            return self._profile_only(state, POSTS_NOT_NEEDED.format(date=f"{last:%Y-%m-%d}"))
        return Next(self._tweets_fetch(state, None), state.with_data("tweets"))

    def _tweets_fetch(self, state: CrawlState, next_token: str | None) -> Fetch:
        options = state.options
        params = {"max_results": str(x_page_size(options.page_size)),
                  "tweet.fields": TWEET_FIELDS}
        if next_token:
            params["pagination_token"] = next_token
        user_id = quote(state.data["user_id"], safe="")
        url = f"{options.endpoint('x_api')}/2/users/{user_id}/tweets?{urlencode(params)}"
        credentials = options.credentials
        assert credentials is not None and credentials.x_bearer is not None
        return self._fetch(url, "tweets", credentials.x_bearer)

    def _after_tweets(self, state: CrawlState, page: Page) -> Step:
        data = state.data
        ended = _api_problem(page)
        if ended is not None:
            if data["pages"] > 0:
                return self._finish(state, exhausted=False,
                                    note=f"posts page {data['pages'] + 1}: {ended[1]}")
            return self.record(state.target, ended[0], f"posts: {ended[1]}",
                               fetched_at=data["fetched_at"], profile=data["facts"],
                               notes=self._reads(state))
        body = _json(page)
        tweets = body.get("data", []) if isinstance(body, dict) else None
        meta = body.get("meta") if isinstance(body, dict) else None
        if not isinstance(tweets, list) or not isinstance(meta or {}, dict):
            note = f"posts page {data['pages'] + 1}: unexpected answer"
            if data["pages"] > 0:
                return self._finish(state, exhausted=False, note=note)
            return self.record(state.target, "error", UNEXPECTED_POSTS,
                               fetched_at=data["fetched_at"], profile=data["facts"],
                               notes=self._reads(state))
        tweets = tweets[:_MAX_PER_PAGE]
        dates = DateSieve(fetched_at=page.fetched_at, earliest=self.earliest_post,
                          noun="post(s)")
        items, skipped = _items(tweets, data["user_id"], data["username"], data["pinned"],
                                dates)
        notes = tuple(data["notes"])
        if skipped:
            notes = (*notes, f"{skipped} unreadable post(s) skipped")
        notes = (*notes, *dates.notes())
        pages = data["pages"] + 1
        state = state.with_data("tweets", items=(*data["items"], *items), pages=pages,
                                notes=notes, posts=data["posts"] + len(tweets))
        next_token = (meta or {}).get("next_token")
        if not tweets or not isinstance(next_token, str) or not next_token:
            return self._finish(state, exhausted=True)
        oldest = min((item.published_at for item in items), default=None)
        if oldest is not None and oldest < state.options.window_start:
            return self._finish(state, exhausted=False)
        if pages >= state.options.max_pages:
            return self._finish(state, exhausted=False, cap_reached=True)
        return Next(self._tweets_fetch(state, next_token[:200]), state)

    # -- records -----------------------------------------------------------------------

    def _reads(self, state: CrawlState) -> tuple[str, ...]:
        """The note saying what the run paid for this profile."""
        users, posts = int(state.data.get("users", 0)), int(state.data.get("posts", 0))
        if not users:
            return ()
        cost = reads_cost(users, posts, state.options.x)
        return (READS.format(users=users, posts=posts, cost=dollars(cost)),)

    def _profile_only(self, state: CrawlState, note: str | None, *,
                      exhausted: bool = False) -> ProfileRecord:
        data = state.data
        notes = ((note,) if note else ()) + self._reads(state)
        sample = Sample(pages=0, exhausted=True) if exhausted else None
        return self.record(state.target, "ok", None, fetched_at=data["fetched_at"],
                           profile=data["facts"], items=(), sample=sample, notes=notes)

    def _finish(self, state: CrawlState, *, exhausted: bool, cap_reached: bool = False,
                note: str | None = None) -> ProfileRecord:
        data = state.data
        notes = tuple(data["notes"]) + ((note,) if note else ()) + self._reads(state)
        items = tuple(sorted(data["items"], key=lambda i: i.published_at, reverse=True))
        return self.record(state.target, "ok", None, fetched_at=data["fetched_at"],
                           profile=data["facts"], items=items,
                           sample=Sample(pages=data["pages"], page_cap_reached=cap_reached,
                                         exhausted=exhausted),
                           notes=notes)


# -- answers ------------------------------------------------------------------------------

def _json(page: Page) -> Any:
    try:
        return page.json()
    except ValueError:
        return None


def _errors(body: Any) -> list[Mapping[str, Any]]:
    """The ``errors`` of an answer, and the problem object itself for a bare one."""
    if not isinstance(body, dict):
        return []
    found: list[Mapping[str, Any]] = [e for e in body.get("errors") or ()
                                      if isinstance(e, dict)]
    if not found and ("title" in body or "reason" in body) and "data" not in body:
        found = [body]
    return found


def _api_problem(page: Page) -> tuple[str, str] | None:
    """Outcome and detail when the answer is an error, or None for a readable answer."""
    body = _json(page)
    status = page.status
    errors = _errors(body)
    if status == 401:
        return "error", BAD_TOKEN
    if status == 402:
        return "error", NO_CREDITS
    if status == 403:
        reason = str(errors[0].get("reason") or errors[0].get("title") or "") if errors else ""
        if reason == "client-not-enrolled" or "client" in reason.lower():
            return "error", NOT_ENROLLED.format(reason=cap_text(reason, 60))
        return "blocked", f"HTTP 403: {cap_text(reason, 120) or 'forbidden'}"
    if status == 429:
        reset = page.headers.get("x-rate-limit-reset", "")
        when = "a later time"
        if reset.isdigit() and len(reset) <= 12:
            when = f"{datetime.fromtimestamp(int(reset), tz=UTC):%Y-%m-%d %H:%M} UTC"
        return "rate_limited", X_RATE_LIMITED.format(time=when)
    if status == 404:
        return "not_found", NO_SUCH_USER
    if status >= 400:
        title = str(errors[0].get("title") or "") if errors else ""
        return ("rate_limited" if status == 503 else "error",
                f"HTTP {status}" + (f" ({cap_text(title, 120)})" if title else ""))
    if body is None:
        return "error", f"X API: not JSON (HTTP {status})"
    if isinstance(body, dict) and "data" not in body and errors:
        first = errors[0]
        detail = str(first.get("detail") or "")
        kind = str(first.get("type") or "")
        if "suspended" in detail.lower():
            return "gone", SUSPENDED
        if kind.endswith("resource-not-found") or "could not find" in detail.lower():
            return "not_found", NO_SUCH_USER
        if kind.endswith("not-authorized-for-resource"):
            return "blocked", PROTECTED
        return "error", f"X API: {cap_text(detail or str(first.get('title') or ''), 200)}"
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None



def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _facts(user: Mapping[str, Any], fetched_at: datetime, earliest: datetime) -> ProfileFacts:
    metrics = _dict(user.get("public_metrics"))
    links: list[str] = []
    entities = _dict(user.get("entities"))
    for part in ("url", "description"):
        section = _dict(entities.get(part))
        for link in section.get("urls") or ():
            expanded = _str(link.get("expanded_url")) if isinstance(link, dict) else None
            if expanded and expanded.startswith(("http://", "https://")) \
                    and expanded not in links:
                links.append(cap_text(expanded, 500) or expanded)
    if not links and _str(user.get("url")):
        links.append(str(user["url"]))
    avatar = _str(user.get("profile_image_url"))
    banner = _str(user.get("profile_banner_url"))
    name = _str(user.get("name"))
    description = user.get("description")
    last = plausible_time(snowflake_time(user.get("most_recent_tweet_id")),
                          fetched_at=fetched_at, earliest=earliest)
    return ProfileFacts(
        display_name=cap_text(name, MAX_NAME_CHARS) if name else None,
        username=_str(user.get("username")),
        bio=cap_text(description, MAX_BIO_CHARS) if isinstance(description, str) else None,
        avatar_url=avatar,
        avatar_is_default=None if avatar is None else _DEFAULT_AVATAR in avatar,
        banner_url=banner,
        banner_is_default=None if banner is None else False,
        links=tuple(links[:20]),
        created_at=parse_iso_time(user.get("created_at")),
        posts_total=count(metrics.get("tweet_count")),
        last_post_reported_at=last,
        followers=count(metrics.get("followers_count")),
    )


def _items(tweets: list[Any], user_id: str, username: str | None, pinned: str,
           dates: DateSieve) -> tuple[list[Item], int]:
    items: list[Item] = []
    skipped = 0
    for tweet in tweets:
        if not isinstance(tweet, dict) or not isinstance(tweet.get("id"), str | int):
            skipped += 1
            continue
        published = parse_iso_time(tweet.get("created_at")) \
            or snowflake_time(tweet.get("id"))
        if published is None:
            skipped += 1
            continue
        if not dates.keep(published):
            continue
        kinds = {str(ref.get("type")) for ref in tweet.get("referenced_tweets") or ()
                 if isinstance(ref, dict)}
        reply_to = tweet.get("in_reply_to_user_id")
        if "retweeted" in kinds:
            kind = "repost"
        elif reply_to is not None and str(reply_to) == user_id:
            kind = "self_reply"
        elif reply_to is not None or "replied_to" in kinds:
            kind = "reply"
        else:
            kind = "original"  # a quote is the account's own post
        links: list[str] = []
        for link in _dict(tweet.get("entities")).get("urls") or ():
            expanded = _str(link.get("expanded_url")) if isinstance(link, dict) else None
            if expanded and expanded.startswith(("http://", "https://")):
                links.append(expanded)
        tweet_id = str(tweet["id"])
        text = tweet.get("text")
        url = (f"https://x.com/{quote(username, safe='')}/status/{quote(tweet_id, safe='')}"
               if username else None)
        counts = _dict(tweet.get("public_metrics"))
        items.append(Item(
            id=tweet_id, published_at=published, kind=kind, url=url,
            pinned=bool(pinned) and tweet_id == pinned,
            text=cap_text(text if isinstance(text, str) else "") or "",
            links=tuple(links[:20]),
            comments=count(counts.get("reply_count")), likes=count(counts.get("like_count")),
            shares=count(counts.get("retweet_count")),
            quotes=count(counts.get("quote_count")),
            views=count(counts.get("impression_count")),
        ))
    return items, skipped
