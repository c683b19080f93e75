"""A bound on what one HTML page may cost: its markup is cut after so many tags.

A parsed tree costs memory per node, not per byte: a 4 MB page of a million ``<b>`` took
a beautifulsoup4 tree (and the audit) past 1 GB, and lxml's own tree of the same page
costs hundreds of MB. The page readers (:mod:`auditor.platforms.htmlmeta`,
:mod:`auditor.platforms.telegrampage`) therefore parse at most :data:`MAX_MARKUP_TOKENS`
pieces of markup: the text is cut just before the first ``<`` that opens a tag, an end
tag, a comment or a declaration beyond that count. Every node of the tree starts at
such a ``<`` or right after one, so the tree holds at most about twice that many nodes,
whatever the page.

Real pages stay far below the cap: the largest real profile pages the tests read (a
Bluesky profile, a TikTok profile, 0.5 MB each) have 2,700 to 5,500 such tags; a Telegram
preview about 1,000. A page cut by the cap is read over its first part (where the
``<head>`` with its JSON-LD and meta tags is), and the readers say it was cut.
"""

from __future__ import annotations

import re
from typing import Final, overload

#: Pieces of markup (start tags, end tags, comments, declarations) parsed at most.
MAX_MARKUP_TOKENS: Final = 100_000
_TOKEN_STR: Final = re.compile(r"<[A-Za-z!?/]")
_TOKEN_BYTES: Final = re.compile(rb"<[A-Za-z!?/]")


@overload
def cap_markup(body: str, max_tokens: int = ...) -> tuple[str, bool]: ...
@overload
def cap_markup(body: bytes, max_tokens: int = ...) -> tuple[bytes, bool]: ...
def cap_markup(body: str | bytes, max_tokens: int = MAX_MARKUP_TOKENS) -> tuple[str | bytes, bool]:
    """``body`` cut before its markup token number ``max_tokens + 1``; and whether it was cut.

    Cheap on ordinary pages: when the page holds no more ``<`` than the cap, it is
    returned as it is after one count; only a page with more is scanned token by token,
    and only up to the cut.
    """
    if isinstance(body, bytes):
        if body.count(b"<") <= max_tokens:
            return body, False
        starts = (match.start() for match in _TOKEN_BYTES.finditer(body))
    else:
        if body.count("<") <= max_tokens:
            return body, False
        starts = (match.start() for match in _TOKEN_STR.finditer(body))
    for seen, start in enumerate(starts, start=1):
        if seen > max_tokens:
            return body[:start], True
    return body, False
