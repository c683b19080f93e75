"""What rate-limit headers say, and one budget learnt from them.

Mastodon answers a logged-out client 300 API calls per 5 minutes per address (and 300 per
15 minutes for paged calls with ``max_id``/``min_id``/``since_id``), in fixed windows, and
says how much is left on every answer: ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``
and ``X-RateLimit-Reset`` (an ISO 8601 time). Past the limit it answers 429 *without*
``Retry-After``. Bluesky sends the IETF draft's ``RateLimit-Limit/-Remaining/-Reset``
(Reset in epoch seconds; the draft says seconds from now) and ``RateLimit-Policy``; X sends
``x-rate-limit-*`` (Reset in epoch seconds). :func:`read_rate_limit` reads all of them, and
the newer draft's single ``RateLimit: "name";r=N;t=S`` field too.

:class:`Budget` is one host's (or API's) fixed window as its answers told it; the pacing
middleware (:mod:`spiders.pacing`) keeps one per host and decides from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from auditor.platforms.metagraph import rate_limit_of as meta_rate_limit

#: A reset value above this is a point in time (epoch seconds), below it seconds from now.
_EPOCH_FROM = 10 ** 9
#: Clocks further apart than this (the server's Date against ours) are corrected for;
#: closer, Date's one-second resolution would only add noise.
_SKEW_TOLERANCE = 2.0
_NUMBER = re.compile(r"^\s*(\d{1,15})(?:\.\d+)?\s*$")
_DRAFT_ITEM = re.compile(r"(?:^|;)\s*([a-z]+)\s*=\s*(\d{1,15})", re.I)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """What one answer said about its budget."""

    limit: int | None
    remaining: int | None
    #: Seconds from the answer until the window resets (None: not said).
    reset_in: float | None
    #: The window's length in seconds, when a policy names it.
    window: float | None = None


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None and value.strip():
            return value.split(",")[0].strip()
    return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    match = _NUMBER.match(value)
    return int(match.group(1)) if match else None


def reset_seconds(value: str | None, *, now: float) -> float | None:
    """Seconds until a reset given as ``value``: an ISO 8601 time (Mastodon), epoch seconds
    (X, Bluesky; milliseconds too) or seconds from now (the IETF draft). ``now`` is the
    server's time in epoch seconds. None when unreadable; never negative."""
    if value is None:
        return None
    text = value.strip()
    number = _NUMBER.match(text)
    if number:
        amount = float(text)
        if amount >= _EPOCH_FROM * 1000:  # epoch milliseconds
            amount /= 1000
        if amount >= _EPOCH_FROM:
            return max(0.0, amount - now)
        return amount
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def read_rate_limit(headers: Mapping[str, str], *, now: float) -> RateLimit | None:
    """The budget an answer's headers (names in lower case) describe, or None.

    ``now`` is the server's time (epoch seconds) the answer was made at."""
    for prefix in ("x-ratelimit-", "x-rate-limit-", "ratelimit-"):
        limit = _int(_header(headers, prefix + "limit"))
        remaining = _int(_header(headers, prefix + "remaining"))
        if limit is None and remaining is None:
            continue
        reset_in = reset_seconds(_header(headers, prefix + "reset"), now=now)
        window = None
        policy = headers.get("ratelimit-policy") if prefix == "ratelimit-" else None
        if policy:
            found = dict((k.lower(), int(v)) for k, v in _DRAFT_ITEM.findall(policy))
            window = float(found["w"]) if "w" in found else None
        return RateLimit(limit, remaining, reset_in, window)
    combined = headers.get("ratelimit")
    if combined:  # draft-ietf-httpapi-ratelimit-headers-08 and later: "name";r=50;t=30
        found = dict((k.lower(), int(v)) for k, v in _DRAFT_ITEM.findall(combined))
        if "r" in found:
            named = dict((k.lower(), int(v)) for k, v in
                         _DRAFT_ITEM.findall(headers.get("ratelimit-policy", "")))
            return RateLimit(named.get("q"), found["r"],
                             float(found["t"]) if "t" in found else None,
                             float(named["w"]) if "w" in named else None)
    # Meta's Graph API: X-App-Usage / X-Business-Use-Case-Usage in percent of the hour,
    # spent near 100 or when it names estimated_time_to_regain_access (issue 14)
    usage = meta_rate_limit(headers)
    if usage is not None:
        return RateLimit(*usage)
    return None


def server_time(headers: Mapping[str, str], *, local: float) -> float:
    """The server's time from its ``Date`` header when its clock is more than a couple of
    seconds off ours; else ours (finer than Date's whole seconds)."""
    value = headers.get("date")
    if not value:
        return local
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return local
    if when is None or when.tzinfo is None:
        return local
    server = when.timestamp()
    return server if abs(server - local) > _SKEW_TOLERANCE else local


#: Seconds a window must have beyond what its remaining units take to have time to spare
#: (:meth:`Budget.spare`): about one ``Retry-After`` wait.
SPARE_SECONDS = 1.0
#: Units taken in a window before its pace is judged.
_PACE_AFTER = 20


class Budget:
    """One host's (or API's) budget as far as its answers told: a fixed window of
    ``limit`` requests that resets at ``reset_at`` (monotonic)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.limit: int | None = None
        #: Requests the server will still take in this window, less those on their way.
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.window: float | None = None
        #: Requests that took a unit and have no answer yet.
        self.in_flight = 0
        #: Requests answered whose answer was not read here yet: Scrapy gives a request's
        #: unit back as it leaves the downloader, and other answers may be read before its
        #: own is (:meth:`learn`).
        self.unread = 0
        #: Units kept for the calls the profiles of those requests may still make (as many
        #: as :attr:`deepest` is below each): on a host with a second budget (Mastodon's
        #: paging one) a new profile does not take them.
        self.kept = 0
        #: The deepest request this host's profiles may make, from the audit's page cap
        #: (:func:`_deepest_of`; Mastodon: 3, a lookup, the first statuses page, two pages
        #: with max_id) or the deepest seen, whichever is deeper.
        self.deepest = 1
        #: Depth -> requests waiting for this budget alone (not for another one as well).
        self.ahead: dict[int, int] = {}
        #: Requests waiting here for the window to reset.
        self.waiting = 0
        #: When this window's first unit was taken (monotonic), and the units taken since.
        self.window_began: float | None = None
        self.taken = 0
        #: The least ``remaining`` an answer of this window said.
        self.least_said: int | None = None
        #: Whether an answer of this window told what is left (after a reset the estimate
        #: is the full limit, a guess until the first answer: one request at a time till then).
        self.confirmed = False

    def claimed(self, depth: int, *, begins: bool, shallower_first: bool = False) -> int:
        """The units a request at ``depth`` leaves to others: those the deeper requests
        waiting for this budget will take (a profile's next page before another profile's
        first statuses page, before a new profile's lookup), or with ``shallower_first``
        the shallower ones (:meth:`spare`); and for a request beginning a profile those kept
        for the profiles on their way (:attr:`kept`)."""
        first = sum(count for level, count in self.ahead.items()
                    if (level < depth if shallower_first else level > depth))
        return first + (self.kept if begins else 0)

    def spare(self, now: float) -> bool:
        """Whether this window has time to spare: more time left than its remaining units
        take at the pace of the window so far, by :data:`SPARE_SECONDS`.

        Then, on a host with one budget, the profiles not begun yet go first. Any order of
        the same calls spends one budget alike, but what a profile costs (how many pages, a
        429 with ``Retry-After`` that holds the host back a second or two) is learnt from
        its first answer: learnt early, it is paid in time the window has to spare, and the
        last window holds only the ends of profiles begun. Begun last, a profile answering
        ``Retry-After`` after the last reset held the host back then, and the run ended 3 s
        (20%) past the least its calls allow (Bluesky's headers, 150 profiles). With no
        time to spare the profiles begun go first, their costs known: beginning new ones
        regardless, a window 10 s long spent half of it held back by ``Retry-After`` and
        took 184 of its 300 calls, and 6 calls of 1,000 profiles needed a window more."""
        if self.remaining is None or self.reset_at is None or self.window_began is None \
                or self.taken < _PACE_AFTER:
            return True
        pace = (now - self.window_began) / self.taken
        return self.reset_at - now > self.remaining * pace + SPARE_SECONDS

    def learn(self, said: RateLimit, *, now: float) -> None:
        """Take what an answer said (the answer's own unit already given back).

        Within one window the server's count only goes down, so an answer that overtook
        a later one on the way (it says more is left) does not raise the estimate; except
        when nothing is on its way any more: then the least count said in the window is
        the server's own. (What is left less what is on its way undercounts, as the server
        may have counted some of those already: a paging window ended three calls short of
        its 300 that way, and a 1,000-profile run needed a whole window more.) Answers not
        read yet (:attr:`unread`) are on their way too: the server counted them, and what
        they say was not learnt (taken for nothing on its way, an earlier answer gave two
        calls too many at a window's end: two 429s in a window of 1,000 profiles)."""
        if said.window:
            self.window = said.window
        if said.limit is not None:
            self.limit = said.limit
        same_window = self.reset_at is not None
        if said.reset_in is not None:
            reset_at = now + said.reset_in
            if self.reset_at is not None and reset_at < self.reset_at - 1.0:
                return  # an answer of a window already over
            same_window = self.reset_at is not None and abs(reset_at - self.reset_at) < 1.0
            self.reset_at = reset_at
        if said.remaining is not None:
            self.confirmed = True
            least = said.remaining
            if same_window and self.least_said is not None:
                least = min(least, self.least_said)
            self.least_said = least
            on_their_way = self.in_flight + self.unread
            estimate = max(0, said.remaining - on_their_way)
            if same_window and self.remaining is not None:
                estimate = min(estimate, self.remaining)
            self.remaining = least if not on_their_way else estimate

    def roll_over(self, now: float) -> None:
        """The window has reset: the full limit again, less what is on its way."""
        if self.reset_at is None or now < self.reset_at:
            return
        self.remaining = (self.limit - self.in_flight) if self.limit is not None else None
        self.confirmed = False
        self.least_said = None
        self.window_began = None
        self.taken = 0
        # The next reset is not guessed (a window learnt from whole seconds may be a second
        # off): the next answer says it.
        self.reset_at = None
