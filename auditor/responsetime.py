"""The median response time to visitors' comments (docs/metrics.md).

Measured where the crawl reads the comments under an account's own posts and knows which
of them the account wrote: Facebook pages read with their page token
(auditor.platforms.facebook_graph). Each of the account's answers in the span carries
``response_seconds``: the time from the earliest visitor comment it answers (one not yet
answered on that post) to the answer. The median of those, in hours, is the number;
``null`` with the reason where no answer was timed.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from auditor.messages import Msg, msg
from auditor.models import Item, ProfileRecord

#: Platforms whose adapters time the answers to visitors' comments (when read with a token).
TIMED_PLATFORMS = frozenset({"facebook"})


def response_time(in_span: Iterable[Item], record: ProfileRecord,
                  reasons: dict[str, Msg]) -> tuple[float | None, int]:
    """(median hours, answers timed) over the span's answers; a null's reason goes into
    ``reasons["median_response_hours"]``."""
    waits = [item.response_seconds for item in in_span
             if item.kind == "reply" and item.response_seconds is not None]
    if waits:
        return round(statistics.median(waits) / 3600, 2), len(waits)
    if record.platform not in TIMED_PLATFORMS or not record.replies_observable:
        reasons["median_response_hours"] = msg("null.response_time_not_shown",
                                               platform=record.platform)
    else:
        reasons["median_response_hours"] = msg("null.no_answer_timed")
    return None, 0
