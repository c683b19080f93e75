"""What Meta's Graph API answers share (Facebook pages, Instagram Business Discovery).

Errors come as ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``
(usually with HTTP 400 or 403); the codes that matter here:

- 190 (``OAuthException``): the token expired, was revoked or the user changed their
  password (subcodes 463, 460, 458, 467);
- 10 and 200-299: the token lacks a permission;
- 100 with subcode 33: the object does not exist or this token may not see it;
- 4 (the app), 17 (the user), 32 (a page), 613 (a call) and 80001-80014 (business use
  case): rate limits; ``X-App-Usage`` / ``X-Business-Use-Case-Usage`` say how much of the
  hour's budget is used (``call_count``, ``total_time``, ``total_cputime`` in percent) and
  ``estimated_time_to_regain_access`` (minutes).

The token travels in the ``Authorization`` header only; the ``next`` links of Graph API
paging carry it as ``access_token=``, so :func:`without_token` takes it out before such a
link is followed (and recordings redact it: spiders/middlewares.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from auditor.models import cap_text
from auditor.platforms.base import Fetch, Page

RATE_LIMIT_CODES: Final = frozenset({4, 17, 32, 613}) | frozenset(range(80001, 80015))
#: Usage (percent of the hour's budget) from which a host is paced as spent.
USAGE_NEAR_FULL: Final = 95

TOKEN_EXPIRED: Final = ("the Meta access token has expired or was revoked (code 190); make a "
                        "new one and set it as docs/platforms.md says")
MISSING_PERMISSION: Final = ("the Meta access token lacks a permission (code {code}); give the "
                             "app {permissions} and make the token again")
RATE_LIMITED: Final = "Meta's rate limit is reached (code {code}); try again in {minutes} minutes"
BLOCKED: Final = "Meta blocked the request for now (code 368)"
GRAPH_ERROR: Final = "Graph API error {code}"
NOT_VISIBLE: Final = ("the Graph API does not show this account with this token (code 100); "
                      "{why}")


def fetch(url: str, step: str, token: str) -> Fetch:
    """A Graph API request: the token in the Authorization header, never in the URL."""
    return Fetch(url, step, {"Authorization": f"Bearer {token}",
                             "Accept": "application/json"}, api=True)


def without_token(url: str) -> str:
    """``url`` without its ``access_token`` parameter (Graph API paging links carry it)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in ("access_token", "appsecret_proof")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def json_of(page: Page) -> Any:
    try:
        return page.json()
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def usage(headers: Mapping[str, str]) -> tuple[int, int]:
    """The highest usage percentage the answer's usage headers name, and the minutes
    until access is regained (0 when not said)."""
    highest = 0
    regain = 0
    for name in ("x-app-usage", "x-business-use-case-usage", "x-ad-account-usage"):
        raw = headers.get(name)
        if not raw or len(raw) > 8192:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        # X-Business-Use-Case-Usage: {"<business id>": [{"type", "call_count", ...}]}
        blocks: list[Any] = [data]
        if isinstance(data, dict) and name == "x-business-use-case-usage":
            blocks = [b for value in data.values() if isinstance(value, list) for b in value]
        for block in blocks:
            if not isinstance(block, dict):
                continue
            for key in ("call_count", "total_time", "total_cputime", "acc_id_util_pct"):
                value = block.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    highest = max(highest, int(value))
            minutes = _int(block.get("estimated_time_to_regain_access"))
            if minutes:
                regain = max(regain, minutes)
    return highest, regain


def rate_limit_of(headers: Mapping[str, str]) -> tuple[int, int, float] | None:
    """(limit, remaining, seconds to reset) as a budget the crawl's pacing keeps to, from
    Meta's usage headers; None when the answer has none. The budget is counted in percent
    of the hour: near 100 nothing is left until access is regained (or the hour passes)."""
    if not any(name in headers for name in ("x-app-usage", "x-business-use-case-usage")):
        return None
    highest, regain = usage(headers)
    remaining = 0 if highest >= USAGE_NEAR_FULL or regain else max(0, 100 - highest)
    return 100, remaining, float(regain * 60 if regain else 3600)


def problem(page: Page, *, permissions: str, not_visible: str) -> tuple[str, str] | None:
    """Outcome and one-line detail for a Graph API error answer; None for a readable one."""
    body = json_of(page)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        if page.status >= 400:
            return ("rate_limited" if page.status in (429, 503) else "error",
                    f"HTTP {page.status}")
        if body is None:
            return "error", f"Graph API: not JSON (HTTP {page.status})"
        return None
    code = _int(error.get("code")) or 0
    subcode = _int(error.get("error_subcode")) or 0
    if code == 190 or (code == 102):
        return "error", TOKEN_EXPIRED
    if code == 10 or 200 <= code <= 299:
        return "error", MISSING_PERMISSION.format(code=code, permissions=permissions)
    if code in RATE_LIMIT_CODES:
        _, regain = usage(page.headers)
        return "rate_limited", RATE_LIMITED.format(code=code, minutes=regain or 60)
    if code == 100 and subcode == 33:
        return "error", NOT_VISIBLE.format(why=not_visible)
    if code == 368:
        return "blocked", BLOCKED
    message = cap_text(str(error.get("message") or ""), 200)
    return "error", GRAPH_ERROR.format(code=code) + (f" ({message})" if message else "")
