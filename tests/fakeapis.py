"""Fake owners' APIs on 127.0.0.1, answering as their documentation says they answer.

:class:`FakeGraphApi`: Meta's Graph API for Facebook pages, ``GET /v23.0/{page}`` and
``GET /v23.0/{page-id}/published_posts`` with comments (``filter(stream)``, chronological,
``summary.total_count``), paged by ``paging.next`` links that carry ``access_token=`` as
Meta's do; its errors ``{"error": {"code", "error_subcode", "type", "message"}}`` (190 for
a bad token, 100/33 for a page the token does not belong to, 4 for the app's rate limit)
and ``X-App-Usage`` on every answer.

:class:`FakeXApi`: X API v2, ``GET /2/users/by/username/:username`` and
``GET /2/users/:id/tweets`` (``max_results``, ``pagination_token``, ``meta.next_token``),
with a bearer token it checks, and its documented errors: 401 for a wrong token, 403
``client-not-enrolled``, 200 with ``errors`` for a missing or suspended user, 429 with
``x-rate-limit-limit/-remaining/-reset`` (epoch seconds), and ``x-rate-limit-*`` on every
answer. Each request is kept (path and Authorization header) for the tests to look at.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from auditor.platforms.xapi import TWEPOCH_MS
from tests.servers import serve_in_background, shut_down


def snowflake(moment: datetime, sequence: int = 0) -> str:
    """An X id made at ``moment`` (the inverse of auditor.platforms.xapi.snowflake_time)."""
    millis = int(moment.timestamp() * 1000) - TWEPOCH_MS
    return str((millis << 22) | sequence)


@dataclass
class XAccount:
    username: str
    user_id: str
    name: str = "Ratel Tweewielers"
    description: str = "Fietsenwinkel en werkplaats in Utrecht. Bel 030 123 4567."
    url: str = "https://www.ratel.example/"
    followers: int = 1234
    #: (created_at, kind, in reply to user id) newest first; kind: post, reply, self, retweet,
    #: quote.
    tweets: list[tuple[datetime, str]] = field(default_factory=list)
    protected: bool = False
    suspended: bool = False


@dataclass
class Request:
    path: str
    authorization: str | None


class FakeXApi:
    def __init__(self, token: str, accounts: list[XAccount], *, enrolled: bool = True,
                 limited: bool = False) -> None:
        self.token = token
        self.accounts = {a.username.lower(): a for a in accounts}
        self.by_id = {a.user_id: a for a in accounts}
        self.enrolled = enrolled
        self.limited = limited
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.origin = ""

    # -- answers ----------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, list[str]],
               authorization: str | None) -> tuple[int, dict[str, str], Any]:
        reset = str(int(time.time()) + 900)
        limits = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "899",
                  "x-rate-limit-reset": reset}
        if authorization != f"Bearer {self.token}":
            return 401, {}, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                             "detail": "Unauthorized"}
        if not self.enrolled:
            return 403, {}, {
                "client_id": "12345", "title": "Client Forbidden",
                "detail": "When authenticating requests to the Twitter API v2 endpoints, you "
                          "must use keys and tokens from a Twitter developer App that is "
                          "attached to a Project.",
                "registration_url": "https://developer.x.com/en/docs/projects/overview",
                "required_enrollment": "Appropriate Level of API Access",
                "reason": "client-not-enrolled",
                "type": "https://api.twitter.com/2/problems/client-forbidden"}
        if self.limited:
            return 429, {**limits, "x-rate-limit-remaining": "0",
                         "x-rate-limit-reset": str(int(time.time()) + 3600)}, {
                "title": "Too Many Requests", "detail": "Too Many Requests",
                "type": "about:blank", "status": 429}
        parts = [p for p in path.split("/") if p]
        if parts[:4] == ["2", "users", "by", "username"] and len(parts) == 5:
            return 200, limits, self.user(parts[4], query)
        if parts[:2] == ["2", "users"] and len(parts) == 4 and parts[3] == "tweets":
            return 200, limits, self.timeline(parts[2], query)
        return 404, {}, {"title": "Not Found Error", "type": "about:blank", "status": 404}

    def user(self, name: str, query: dict[str, list[str]]) -> Any:
        account = self.accounts.get(name.lower())
        if account is None:
            return {"errors": [{
                "value": name, "detail": f"Could not find user with username: [{name}].",
                "title": "Not Found Error", "resource_type": "user", "parameter": "username",
                "resource_id": name,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
        if account.suspended:
            return {"errors": [{
                "value": name, "detail": f"User has been suspended: [{name}].",
                "title": "Forbidden", "resource_type": "user", "parameter": "username",
                "resource_id": name,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
        data: dict[str, Any] = {
            "id": account.user_id, "name": account.name, "username": account.username,
            "created_at": "2012-03-14T09:00:00.000Z", "protected": account.protected,
            "description": account.description,
            "url": "https://t.co/abc123",
            "entities": {"url": {"urls": [{"start": 0, "end": 23, "url": "https://t.co/abc123",
                                           "expanded_url": account.url,
                                           "display_url": account.url}]}},
            "profile_image_url": "https://pbs.twimg.example/profile_images/1/ratel_normal.jpg",
            "profile_banner_url": "https://pbs.twimg.example/profile_banners/1/1600000000",
            "public_metrics": {"followers_count": account.followers, "following_count": 80,
                               "tweet_count": len(account.tweets) + 500, "listed_count": 3,
                               "like_count": 40}}
        if account.tweets:
            data["most_recent_tweet_id"] = self.tweet_id(account, 0)
        fields = query.get("user.fields", [""])[0].split(",")
        return {"data": {k: v for k, v in data.items()
                         if k in ("id", "name", "username") or k in fields}}

    def tweet_id(self, account: XAccount, index: int) -> str:
        return snowflake(account.tweets[index][0], index % 4096)

    def timeline(self, user_id: str, query: dict[str, list[str]]) -> Any:
        account = self.by_id.get(user_id)
        if account is None:
            return {"errors": [{"title": "Not Found Error",
                                "type": "https://api.twitter.com/2/problems/resource-not-found",
                                "detail": f"Could not find user with id: [{user_id}]."}]}
        size = int(query.get("max_results", ["10"])[0])
        if not 5 <= size <= 100:
            return {"errors": [{"parameters": {"max_results": [str(size)]},
                                "message": "The `max_results` query parameter value is not "
                                           "between 5 and 100"}],
                    "title": "Invalid Request", "detail": "One or more parameters to your "
                    "request was invalid.", "type": "https://api.twitter.com/2/problems/"
                    "invalid-request"}
        start = int(query.get("pagination_token", ["0"])[0] or 0)
        chunk = account.tweets[start:start + size]
        data = []
        for offset, (moment, kind) in enumerate(chunk):
            index = start + offset
            tweet: dict[str, Any] = {
                "id": self.tweet_id(account, index), "text": f"Bericht {index} van Ratel",
                "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "edit_history_tweet_ids": [self.tweet_id(account, index)],
                "conversation_id": self.tweet_id(account, index),
                "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 3,
                                   "quote_count": 0}}
            if kind == "reply":
                tweet["in_reply_to_user_id"] = "999"
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": "1"}]
            elif kind == "self":
                tweet["in_reply_to_user_id"] = account.user_id
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": "2"}]
            elif kind == "retweet":
                tweet["referenced_tweets"] = [{"type": "retweeted", "id": "3"}]
                tweet["text"] = f"RT @iemand: bericht {index}"
            elif kind == "quote":
                tweet["referenced_tweets"] = [{"type": "quoted", "id": "4"}]
            data.append(tweet)
        meta: dict[str, Any] = {"result_count": len(data)}
        if data:
            meta["newest_id"], meta["oldest_id"] = data[0]["id"], data[-1]["id"]
        if start + size < len(account.tweets):
            meta["next_token"] = str(start + size)
        return {"data": data, "meta": meta} if data else {"meta": meta}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # the name http.server calls
        api = self.server.api
        parts = urlsplit(self.path)
        authorization = self.headers.get("Authorization")
        with api.lock:
            api.requests.append(Request(self.path, authorization))
        status, headers, body = api.answer(parts.path, parse_qs(parts.query), authorization)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    api: Any


@contextmanager
def serve_x(api: Any) -> Iterator[Any]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.api = api
    api.origin = f"http://127.0.0.1:{server.server_address[1]}"
    serve_in_background(server)
    try:
        yield api
    finally:
        shut_down([server])


@dataclass
class FbPage:
    page_id: str
    username: str
    token: str
    #: (created_at, [(comment time, by the page?)]) newest first
    posts: list[tuple[datetime, list[tuple[datetime, bool]]]] = field(default_factory=list)


class FakeGraphApi:
    VERSION = "v23.0"

    def __init__(self, pages: list[FbPage], *, usage: int = 12) -> None:
        self.pages = {p.username: p for p in pages} | {p.page_id: p for p in pages}
        self.usage = usage
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.origin = ""

    @staticmethod
    def error(code: int, message: str, subcode: int | None = None,
              kind: str = "OAuthException") -> tuple[int, dict[str, str], Any]:
        error: dict[str, Any] = {"message": message, "type": kind, "code": code,
                                 "fbtrace_id": "AbCdEfGh123"}
        if subcode is not None:
            error["error_subcode"] = subcode
        return 400 if code != 4 else 403, {}, {"error": error}

    def answer(self, path: str, query: dict[str, list[str]],
               authorization: str | None) -> tuple[int, dict[str, str], Any]:
        usage = {"x-app-usage": json.dumps({"call_count": self.usage, "total_cputime": 3,
                                            "total_time": 4})}
        parts = [p for p in path.split("/") if p]
        token = (authorization or "").removeprefix("Bearer ")
        if "access_token" in query:
            return 400, {}, {"error": {"message": "test: the token must not be in the URL",
                                       "type": "OAuthException", "code": 1}}
        if not parts or parts[0] != self.VERSION or len(parts) < 2:
            return self.error(2500, "Unknown path components")
        page = self.pages.get(parts[1])
        if token not in {p.token for p in self.pages.values()}:
            return self.error(190, "Error validating access token: Session has expired on "
                                   "Sunday, 01-Nov-26 01:00:00 PDT.", 463)
        if page is None or page.token != token:
            return self.error(100, f"Unsupported get request. Object with ID '{parts[1]}' "
                                   "does not exist, cannot be loaded due to missing "
                                   "permissions, or does not support this operation.", 33,
                              "GraphMethodException")
        if len(parts) == 2:
            return 200, usage, {
                "id": page.page_id, "name": "Spaak Fietsen", "username": page.username,
                "about": "Fietsenwinkel en werkplaats in Amsterdam sinds 1987.",
                "emails": ["info@spaak.example"], "phone": "+31 20 123 4567",
                "website": "https://www.spaak.example", "link": f"https://www.facebook.com/"
                f"{page.username}", "followers_count": 2310, "fan_count": 2190,
                "picture": {"data": {"url": "https://scontent.example/spaak.jpg",
                                     "is_silhouette": False, "height": 50, "width": 50}},
                "cover": {"source": "https://scontent.example/spaak-cover.jpg",
                          "id": "777"}}
        if len(parts) == 3 and parts[2] == "published_posts":
            size = int(query.get("limit", ["25"])[0])
            start = int(query.get("after", ["0"])[0] or 0)
            chunk = page.posts[start:start + size]
            data = []
            for offset, (moment, comments) in enumerate(chunk):
                post_id = f"{page.page_id}_{start + offset}"
                data.append({
                    "id": post_id, "created_time": moment.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                    "message": f"Bericht {start + offset} van de winkel",
                    "permalink_url": f"https://www.facebook.com/{page.username}/posts/{post_id}",
                    "comments": {"data": [{
                        "id": f"{post_id}_{n}",
                        "created_time": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                        "message": "Bedankt!" if own else "Zijn jullie zaterdag open?",
                        "from": {"id": page.page_id, "name": "Spaak Fietsen"} if own else
                        {"id": str(5000 + n), "name": f"Bezoeker {n}"}}
                        for n, (when, own) in enumerate(comments)],
                        "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}},
                        "summary": {"order": "chronological", "total_count": len(comments),
                                    "can_comment": True}}})
            body: dict[str, Any] = {"data": data, "paging": {"cursors": {
                "before": str(start), "after": str(start + len(chunk))}}}
            if start + size < len(page.posts):
                again = {k: v[0] for k, v in query.items()} | {"after": str(start + size)}
                # as Meta writes them: the token in the link
                body["paging"]["next"] = (
                    f"{self.origin}/{self.VERSION}/{page.page_id}/published_posts?"
                    f"access_token={token}&{urlencode(again)}")
            return 200, usage, body
        return self.error(2500, "Unknown path components")


@dataclass
class IgAccount:
    username: str
    business: bool = True
    #: media dates, newest first
    media: list[datetime] = field(default_factory=list)


class FakeDiscoveryApi:
    """Instagram Business Discovery: ``GET /v23.0/{own-ig-user-id}?fields=business_discovery
    .username(NAME){...,media.limit(N){...}}`` and ``media.after(CURSOR).limit(N)``; error
    110/2207013 ("Invalid user id") for a personal account, 190 for a bad token."""

    VERSION = "v23.0"

    def __init__(self, token: str, own_id: str, accounts: list[IgAccount]) -> None:
        self.token = token
        self.own_id = own_id
        self.accounts = {a.username: a for a in accounts}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.origin = ""

    def answer(self, path: str, query: dict[str, list[str]],
               authorization: str | None) -> tuple[int, dict[str, str], Any]:
        import re

        usage = {"x-business-use-case-usage": json.dumps({"17841400000000009": [{
            "type": "instagram", "call_count": 3, "total_cputime": 1, "total_time": 2,
            "estimated_time_to_regain_access": 0}]})}
        if authorization != f"Bearer {self.token}" or "access_token" in query:
            return FakeGraphApi.error(190, "Invalid OAuth access token - Cannot parse access "
                                           "token")
        if path != f"/{self.VERSION}/{self.own_id}":
            return FakeGraphApi.error(100, "Unsupported get request.", 33,
                                      "GraphMethodException")
        fields = query.get("fields", [""])[0]
        name = re.search(r"business_discovery\.username\(([^)]*)\)", fields)
        limit = re.search(r"media(?:\.after\(([^)]*)\))?\.limit\((\d+)\)", fields)
        account = self.accounts.get(name.group(1)) if name else None
        if account is None or not account.business:
            return FakeGraphApi.error(110, "Invalid user id", 2207013)
        assert limit is not None
        start, size = int(limit.group(1) or 0), int(limit.group(2))
        chunk = account.media[start:start + size]
        media: dict[str, Any] = {"data": [{
            "id": f"1790{start + n:011d}", "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "caption": f"Nieuwe fietsen {start + n}", "media_type": "IMAGE",
            "media_product_type": "FEED", "like_count": 20 + n, "comments_count": n % 4,
            "permalink": f"https://www.instagram.com/p/Abc{start + n}/"}
            for n, when in enumerate(chunk)]}
        if start + size < len(account.media):
            media["paging"] = {"cursors": {"before": str(start), "after": str(start + size)},
                               "next": "https://graph.facebook.com/v23.0/..."}
        return 200, usage, {"business_discovery": {
            "id": "17841400000000777", "username": account.username, "name": "Velo Vlot",
            "biography": "Fietsen voor de hele familie. Bel 010 222 3344.",
            "website": "https://www.velovlot.example", "followers_count": 3410,
            "media_count": 412,
            "profile_picture_url": "https://scontent.cdninstagram.example/velovlot.jpg",
            "media": media}, "id": self.own_id}


def ratel_timeline(as_of: datetime, count: int = 60) -> list[tuple[datetime, str]]:
    """``count`` posts a day and a half apart, newest first: mostly posts, every fifth a
    reply, every seventh a retweet, every ninth its own thread, one quote."""
    kinds = []
    for index in range(count):
        kind = "post"
        if index % 5 == 1:
            kind = "reply"
        elif index % 7 == 3:
            kind = "retweet"
        elif index % 9 == 4:
            kind = "self"
        elif index == 2:
            kind = "quote"
        kinds.append((as_of - timedelta(hours=6 + 36 * index), kind))
    return kinds


AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
