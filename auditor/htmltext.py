"""Turn the small HTML fragments platforms send (bios, posts, fields) into plain text and links."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

from auditor.urls import is_http_url

_BLOCK_TAGS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6")
#: Bodies over this size are cut before parsing: a bio or post is never this long.
MAX_FRAGMENT_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Fragment:
    text: str
    #: http(s) links that point outside the platform's own mentions and hashtags.
    links: tuple[str, ...]
    #: Links that are @-mentions of other accounts.
    mentions: tuple[str, ...]


def read_fragment(html: str | None) -> Fragment:
    """Plain text (paragraphs on their own lines) and the links of an HTML fragment."""
    if not html:
        return Fragment("", (), ())
    html = html[:MAX_FRAGMENT_CHARS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    links: list[str] = []
    mentions: list[str] = []
    for anchor in soup.find_all("a"):
        href = anchor.get("href")
        if not isinstance(href, str) or not is_http_url(href):
            continue
        classes = anchor.get("class") or []
        rel = anchor.get("rel") or []
        if "mention" in classes or "u-url" in classes:
            if "hashtag" not in classes and "tag" not in rel:
                mentions.append(href)
            continue
        if "hashtag" in classes or "tag" in rel:
            continue
        if href not in links:
            links.append(href)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_after("\n")
    # Mastodon hides the scheme of long links in "invisible" spans; the text keeps them,
    # which is what a reader copying the link would get.
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return Fragment("\n".join(line for line in lines if line), tuple(links), tuple(mentions))
