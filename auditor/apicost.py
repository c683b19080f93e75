"""What reading X through its paid API may cost, and the ceiling a run may not pass.

X's API v2 is paid per use (in 2026 about $0.010 per user read and $0.005 per post read;
the prices are settings, since X changes them). Before the first request the run's maximum
cost is worked out from the plan: every X profile read once (``users/by/username``), and
at depth ``posts`` as many posts as the page cap allows (``max_pages`` pages of
``page_size`` posts, 5 to 100 a page as the API takes them). Over the ceiling
(``[x] max_cost_usd``) no X profile is read at all: the sum is shown with how to raise it.

The same sum is made twice: by the ``auditor`` process, which shows it before the crawl
starts, and by the crawl, which refuses to read when it is over the ceiling, from the same
plan, so the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

#: ``[x] depth`` values: one user read per profile, or the user and its recent posts.
X_DEPTHS: Final = ("profile", "posts")
#: The API's bounds on ``max_results`` for a user's posts.
X_PAGE_MIN: Final = 5
X_PAGE_MAX: Final = 100


@dataclass(frozen=True, slots=True)
class XSettings:
    """The ``[x]`` table of the config: how deep X profiles are read and what it may cost."""

    #: ``profile``: one user read (the last post's date from ``most_recent_tweet_id``, the
    #: counts, the bio); ``posts``: that and the posts in the window, within the page cap.
    depth: str = "profile"
    #: The most one run may spend on X's API, in US dollars.
    max_cost_usd: float = 0.50
    #: X's prices per resource read (dollars).
    user_read_usd: float = 0.010
    post_read_usd: float = 0.005

    def to_json(self) -> dict[str, Any]:
        return {"depth": self.depth, "max_cost_usd": self.max_cost_usd,
                "user_read_usd": self.user_read_usd, "post_read_usd": self.post_read_usd}

    @classmethod
    def from_json(cls, raw: Any) -> XSettings:
        if not isinstance(raw, dict):
            return cls()
        default = cls()
        depth = raw.get("depth")
        return cls(depth=depth if isinstance(depth, str) and depth in X_DEPTHS
                   else default.depth,
                   max_cost_usd=_money(raw.get("max_cost_usd"), default.max_cost_usd),
                   user_read_usd=_money(raw.get("user_read_usd"), default.user_read_usd),
                   post_read_usd=_money(raw.get("post_read_usd"), default.post_read_usd))


def _money(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return default
    return float(value)


def x_page_size(page_size: int) -> int:
    """Posts asked per page of ``users/:id/tweets``: the audit's page size, within 5-100."""
    return max(X_PAGE_MIN, min(page_size, X_PAGE_MAX))


@dataclass(frozen=True, slots=True)
class XEstimate:
    """The most a run's X reads can come to."""

    profiles: int
    user_reads: int
    post_reads: int
    cost_usd: float
    ceiling_usd: float

    @property
    def over(self) -> bool:
        return self.profiles > 0 and self.cost_usd > self.ceiling_usd + 1e-9


def estimate_x(profiles: int, settings: XSettings, *, max_pages: int,
               page_size: int) -> XEstimate:
    """The run's maximum X cost: every profile read, every allowed page full."""
    posts_each = max_pages * x_page_size(page_size) if settings.depth == "posts" else 0
    user_reads = profiles
    post_reads = profiles * posts_each
    cost = user_reads * settings.user_read_usd + post_reads * settings.post_read_usd
    return XEstimate(profiles=profiles, user_reads=user_reads, post_reads=post_reads,
                     cost_usd=round(cost, 4), ceiling_usd=settings.max_cost_usd)


def reads_cost(user_reads: int, post_reads: int, settings: XSettings) -> float:
    """What reads actually made cost (dollars, rounded to a tenth of a cent)."""
    return round(user_reads * settings.user_read_usd + post_reads * settings.post_read_usd, 4)


def dollars(amount: float) -> str:
    """$0.61, $0.005: cents, or more digits where a price has them."""
    text = f"{amount:.3f}".rstrip("0")
    if len(text.split(".")[1]) < 2:
        text = f"{amount:.2f}"
    return f"${text}"


def read_x_settings(raw: Any, problem: Any) -> XSettings:
    """The config's ``[x]`` table; each bad value reported through ``problem(where, what)``."""
    if not isinstance(raw, dict):
        problem("x", "must be a table ([x])")
        return XSettings()
    values: dict[str, Any] = {}
    known = ("depth", "max_cost_usd", "user_read_usd", "post_read_usd")
    for key, value in raw.items():
        where = f"x.{key}"
        if key not in known:
            problem(where, f"unknown key; [x] takes {', '.join(known)}")
        elif key == "depth":
            if value not in X_DEPTHS:
                problem(where, 'must be "profile" (one user read per profile) or "posts" '
                               "(the user and its recent posts)")
            else:
                values[key] = value
        elif isinstance(value, bool) or not isinstance(value, int | float) \
                or not 0 <= value <= 10_000:
            problem(where, "must be an amount in US dollars from 0 to 10000")
        else:
            values[key] = float(value)
    return XSettings(**values)


def x_notice(profiles: int, settings: XSettings, *, max_pages: int, page_size: int,
             token: bool, replay: bool) -> str | None:
    """The line shown before the crawl starts: what reading X may cost, and whether it will
    be read at all. None when the run has no X profile."""
    if profiles == 0:
        return None
    if not token and not replay:
        return (f"X: {profiles} profile(s) not read through the X API: no token "
                "(AUDITOR_X_BEARER_TOKEN or the credentials file; docs/platforms.md).")
    estimate = estimate_x(profiles, settings, max_pages=max_pages, page_size=page_size)
    reads = f"at most {estimate.user_reads} user read(s) and {estimate.post_reads} post read(s)"
    paid = " (replayed: nothing is paid)" if replay else ""
    if estimate.over:
        return (f"X: {profiles} profile(s) at depth {settings.depth}, {reads}, could cost up "
                f"to {dollars(estimate.cost_usd)}{paid}, over the ceiling of "
                f"{dollars(estimate.ceiling_usd)}: no X profile is read. Raise [x] "
                "max_cost_usd in the config (or read fewer posts: [x] depth = \"profile\", "
                "or a smaller [audit] max_pages) to read them.")
    return (f"X: {profiles} profile(s) at depth {settings.depth}, {reads}: at most "
            f"{dollars(estimate.cost_usd)}{paid} (ceiling {dollars(estimate.ceiling_usd)}, "
            "[x] max_cost_usd).")


#: The note the X adapter leaves on each record it read (auditor.platforms.xapi.READS).
_READS_NOTE = re.compile(r"^X API: (\d{1,9}) user read\(s\) and (\d{1,9}) post read\(s\), ")


def x_reads_line(notes: Iterable[Iterable[str]], settings: XSettings) -> str | None:
    """The line said after the crawl: the X reads this run made and what they cost, from
    each X record's notes; None when none was made."""
    users = posts = 0
    for record_notes in notes:
        for note in record_notes:
            found = _READS_NOTE.match(note)
            if found:
                users += int(found.group(1))
                posts += int(found.group(2))
    if not users and not posts:
        return None
    return (f"X: {users} user read(s) and {posts} post read(s) made, "
            f"{dollars(reads_cost(users, posts, settings))} at the configured prices.")
