"""No field of a feed makes a parser super-linear (auditor.platforms.feedcap, issue 17).

feedparser searches the text of every author-like element for an e-mail address with a
pattern that is quadratic on a long run of letters without "@" (80,000 characters: 18 s
here, 92 s where the issue was found, on the crawl's thread), reads the encoding from the
first line with a pattern that is cubic in its length, and the prolog's declarations with
patterns tried at every line start. Each hostile shape below is read within PAGE_BUDGET
seconds of CPU; the property test checks the bound itself on documents of every shape
(malformed ones too, read by feedparser's SGML fallback): every text feedparser searches
for an address holds no run longer than MAX_RUN, or is as short as an element of
MAX_PERSON_BYTES can give.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.platforms.feed import FeedAdapter, FeedRead, NotFeed, read_feed
from auditor.platforms.feedcap import (
    MAX_PERSON_BYTES,
    MAX_RUN,
    as_ascii_compatible,
    cap_person_fields,
    drop_prolog_entities,
    tidy_prolog,
)
from tests.chain import run_chain
from tests.conftest import AS_OF, SAMPLE_PAGES
from tests.fuzzdepth import fuzz_examples

#: Seconds of CPU one feed may take to read, however long its fields (generous: the
#: hostile feeds below take tens of milliseconds now, tens of seconds to hours before).
PAGE_BUDGET = 2.0
LONG = "a" * 100_000
URL = "https://blog.example/feed"
RSS_TYPE = "application/rss+xml; charset=utf-8"
DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'


def rss(channel: str = "", item: str = "", *, declaration: str = '<?xml version="1.0"?>',
        namespaces: str = "") -> str:
    return (f'{declaration}<rss version="2.0" {namespaces}><channel><title>Blog</title>'
            f"<link>https://blog.example/</link><description>The blog</description>{channel}"
            "<item><title>Post</title><link>https://blog.example/1</link>"
            f"<pubDate>Mon, 12 Oct 2026 09:00:00 GMT</pubDate>{item}</item></channel></rss>")


def timed_read(body: bytes, content_type: str = RSS_TYPE) -> FeedRead | NotFeed:
    started = time.thread_time()
    result = read_feed(body, url=URL, content_type=content_type, fetched_at=AS_OF)
    spent = time.thread_time() - started
    assert spent < PAGE_BUDGET, f"{spent:.2f} s to read {len(body)} bytes"
    return result


# -- the feed of issue 17 -------------------------------------------------------------------


def test_the_issues_hostile_feed_is_read_within_the_budget() -> None:
    # 80,000 characters without "@" in <managingEditor> and an item's <author>: 36 s here
    # before the cap (feedparser's address pattern, once per element), read as a feed now
    hostile = "a" * 80_000
    body = rss(f"<managingEditor>{hostile}</managingEditor>",
               f"<author>{hostile}</author>").encode()
    started = time.thread_time()
    record = run_chain(FeedAdapter(), URL, lambda fetch: _page(body)).record
    assert time.thread_time() - started < PAGE_BUDGET
    assert record.outcome == "ok"
    assert record.profile is not None and record.profile.display_name == "Blog"
    assert len(record.items) == 1
    assert ("an author or e-mail field of the feed held a word of over 128 characters; it "
            "was broken up before reading") in record.notes


def _page(body: bytes) -> Any:
    from auditor.platforms.base import Page
    return Page(url=URL, status=200, headers={"content-type": RSS_TYPE}, body=body,
                fetched_at=AS_OF)


#: Where an author-like text can hide, each 100,000 characters long.
HOSTILE_FIELDS = {
    "managingEditor": rss(f"<managingEditor>{LONG}</managingEditor>"),
    "webMaster": rss(f"<webMaster>{LONG}</webMaster>"),
    "item author": rss(item=f"<author>{LONG}</author>"),
    "dc:creator": rss(item=f"<dc:creator>{LONG}</dc:creator>", namespaces=DC),
    "dc:publisher": rss(f"<dc:publisher>{LONG}</dc:publisher>", namespaces=DC),
    "itunes:author": rss(f"<itunes:author>{LONG}</itunes:author>", namespaces=ITUNES),
    "default namespace": rss(f'<creator xmlns="http://purl.org/dc/elements/1.1/">{LONG}'
                             "</creator>"),
    "unknown prefix": rss(f'<x:author xmlns:x="http://www.w3.org/2005/Atom">{LONG}'
                          "</x:author>"),
    "an attribute with >": rss(f"<managingEditor title='a>b'>{LONG}</managingEditor>"),
    "CDATA pieces": rss("<managingEditor>" + "<![CDATA[aaaa]]>" * 25_000
                        + "</managingEditor>"),
    "character references": rss("<managingEditor>" + "&#97;" * 100_000
                                + "</managingEditor>"),
    "hex references": rss("<managingEditor>" + "&#x61;" * 100_000 + "</managingEditor>"),
    "between empty elements": rss("<managingEditor>" + "aaaa<x/>" * 25_000
                                  + "</managingEditor>"),
    "a dot per letter": rss("<managingEditor>" + "a." * 50_000 + "</managingEditor>"),
    "an @ in the middle": rss(f"<managingEditor>{LONG[:50_000]}@{LONG[:50_000]}"
                              "</managingEditor>"),
    "atom author": ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>Blog</title><author>{LONG}</author><entry><title>Post</title>"
                    "<id>urn:1</id><updated>2026-10-12T09:00:00Z</updated></entry></feed>"),
    # malformed: feedparser's SGML fallback reads these end tags too
    "upper-case end tag": rss(f"<managingEditor>{LONG}</MANAGINGEDITOR><bad"),
    "spaced end tag": rss(f"<managingEditor>{LONG}</ managingEditor ><bad"),
    "end tag without >": rss(f"<managingEditor>{LONG}</managingEditor<bad>"),
    "short tag": rss(f"<author/{LONG}/<bad"),
    "end tag blocked by an open element": rss(
        f"<author>{LONG[:50_000]}<x>b</author>c</x>{LONG[:50_000]}</author>"),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_FIELDS))
def test_hostile_author_fields_are_read_within_the_budget(shape: str) -> None:
    result = timed_read(HOSTILE_FIELDS[shape].encode())
    assert isinstance(result, FeedRead | NotFeed)


#: Bodies whose bytes spell letters otherwise than as ASCII, with the hostile editor.
def _encoded() -> dict[str, tuple[bytes, str]]:
    plain = rss(f"<managingEditor>{LONG}</managingEditor>")
    utf16 = plain.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    escaped = plain.replace(LONG, "\\x61" * 100_000)
    return {
        "UTF-16": (utf16.encode("utf-16"), "application/rss+xml"),
        "UTF-16 without a mark": (utf16.encode("utf-16-le"), "application/rss+xml"),
        "UTF-32": (utf16.replace("utf-16", "utf-32").encode("utf-32"), "application/rss+xml"),
        "EBCDIC": (plain.encode("cp037"), "application/rss+xml; charset=cp037"),
        "unicode_escape charset": (escaped.encode(),
                                   "application/rss+xml; charset=unicode_escape"),
        "unicode_escape declared": (escaped.replace(
            '<?xml version="1.0"?>', '<?xml version="1.0" encoding="unicode_escape"?>')
            .encode(), "application/octet-stream"),
        "UTF-7": (plain.replace(LONG, "+AGE-" * 20_000).encode(),
                  "application/rss+xml; charset=utf-7"),
    }


ENCODED = _encoded()


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_other_encodings_do_not_slip_past_the_cap(encoding: str) -> None:
    body, content_type = ENCODED[encoding]
    timed_read(body, content_type)


def test_a_utf16_feed_is_still_read() -> None:
    body = rss("<managingEditor>blog@spaak.example (Redactie)</managingEditor>").replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16")
    result = timed_read(body, "application/rss+xml")
    assert isinstance(result, FeedRead)
    assert result.facts.display_name == "Blog"
    assert [field.value for field in result.facts.fields] == ["blog@spaak.example"]
    assert len(result.items) == 1


def test_the_prolog_and_the_first_line_are_bounded() -> None:
    # one line holding encoding="a" 8,000 times: cubic in feedparser's declaration pattern
    # (4,000 times: three minutes)
    one_line = rss(f"<managingEditor>{'encoding=&quot;a&quot; ' * 8_000}</managingEditor>")
    timed_read(one_line.replace("&quot;", '"').encode())
    # 100,000 blank lines before the root element: quadratic in its entity pattern
    timed_read(rss(declaration='<?xml version="1.0"?>' + "\n" * 100_000).encode())
    # entities declared past the first 64 KB still expand inside an element
    late = rss("<managingEditor>" + "&e;" * 20 + "</managingEditor>", declaration=(
        '<?xml version="1.0"?><!--' + "x" * 70_000 + '--><!DOCTYPE rss [<!ENTITY e "'
        + "a" * 5_000 + '">]>'))
    result = timed_read(late.encode())
    assert isinstance(result, FeedRead)
    assert "the feed declares its own XML entities; they were ignored" in result.notes


# -- what the caps change -------------------------------------------------------------------


def _sample_feeds() -> list[str]:
    return sorted(p.name for p in (SAMPLE_PAGES / "feed").iterdir()
                  if p.suffix in (".rss", ".atom"))


@pytest.mark.parametrize("name", _sample_feeds())
def test_a_usual_feed_is_left_as_it_is(name: str) -> None:
    body = (SAMPLE_PAGES / "feed" / name).read_bytes()
    assert cap_person_fields(body) == (body, 0)
    assert as_ascii_compatible(body, RSS_TYPE) == (body, RSS_TYPE)
    assert drop_prolog_entities(body) == (body, False)
    assert tidy_prolog(body) == body


def test_an_overlong_person_element_keeps_its_address() -> None:
    # a real Atom author over the limit (a long link): only spaces at the ends of its texts
    uri = "https://blog.example/" + "/".join(["authors", "jane-doe"] * 20)
    body = ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog'
            f"</title><author><name>Jane Doe</name><email>jane@blog.example</email><uri>{uri}"
            "</uri></author><entry><title>Post</title><id>urn:1</id>"
            "<updated>2026-10-12T09:00:00Z</updated></entry></feed>").encode()
    capped, broken = cap_person_fields(body)
    assert capped != body and broken == 0
    result = timed_read(capped, "application/atom+xml")
    assert isinstance(result, FeedRead)
    assert [field.value for field in result.facts.fields] == ["jane@blog.example"]
    assert not any("broken up" in note for note in result.notes)


def test_runs_are_broken_and_markup_is_kept() -> None:
    body = (f"<rss><channel><managingEditor>{'b' * 300}<![CDATA[{'c' * 200}]]><!-- x -->"
            f"&#97;{'d' * 10}</managingEditor><title>{'e' * 300}</title></channel></rss>"
            ).encode()
    capped, broken = cap_person_fields(body)
    assert broken == 2
    editor = capped[capped.index(b"<managingEditor>"):capped.index(b"</managingEditor>")]
    assert b"<![CDATA[" in editor and b"]]>" in editor and b"<!-- x -->" in editor
    assert max(len(run) for run in re.findall(rb"[a-z]+", editor)) <= MAX_RUN
    assert b"e" * 300 in capped  # outside author-like elements nothing changes


# -- the bound, on documents of every shape -------------------------------------------------

_NAMES = ["author", "managingEditor", "webMaster", "dc:creator", "itunes:author",
          "dc:publisher", "AUTHOR"]
_token = st.one_of(
    st.sampled_from(_NAMES).map(lambda name: f"<{name}>"),
    st.sampled_from(_NAMES).map(lambda name: f"<{name} a='1'>"),
    st.sampled_from(_NAMES).map(lambda name: f"</{name}>"),
    st.sampled_from(_NAMES).map(lambda name: f"</ {name} >"),
    st.sampled_from(["author", "webmaster"]).map(lambda name: f"<{name}/"),
    st.sampled_from(["<x>", "</x>", "<x/>", "<item>", "</item>", "/", "<!-- c -->", "<!--",
                     "<![CDATA[", "]]>", "@", " ", ".", "&amp;", "<"]),
    st.integers(1, 400).map(lambda n: "a" * n),
    st.integers(1, 100).map(lambda n: "&#97;" * n),
    st.integers(1, 100).map(lambda n: f"<![CDATA[{'a' * n}]]>"),
)


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts searched with an e-mail pattern (feedparser's ``re.search`` calls)."""
    texts: list[str] = []
    search: Callable[..., Any] = re.search

    def spy(pattern: Any, string: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and ")@(" in pattern and isinstance(string, str):
            texts.append(string)
        return search(pattern, string, flags)

    monkeypatch.setattr(re, "search", spy)
    yield texts


def _parse(body: bytes) -> Any:
    return feedparser.parse(io.BytesIO(body), response_headers={"content-type": RSS_TYPE})


def _longest_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"[A-Za-z0-9_.+\-]+", text)), default=0)


def test_the_spy_sees_feedparsers_address_search(searched: list[str]) -> None:
    _parse(rss("<managingEditor>editor at the blog</managingEditor>").encode())
    assert "editor at the blog" in searched


@settings(max_examples=fuzz_examples(300), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(channel=st.lists(_token, max_size=40), item=st.lists(_token, max_size=40))
def test_no_searched_text_is_both_long_and_unbroken(searched: list[str], channel: list[str],
                                                    item: list[str]) -> None:
    searched.clear()
    body, _ = cap_person_fields(rss("".join(channel), "".join(item)).encode())
    _parse(body)
    for text in searched:
        assert bounded(text), (len(text), _longest_run(text))


def bounded(text: str) -> bool:
    """The search costs at most (length) x (longest run): a text with no run longer than
    MAX_RUN, or one from an element of at most MAX_PERSON_BYTES (its markup may come back
    escaped: "<" as "&lt;", so up to five times as long, with no longer run)."""
    run = _longest_run(text)
    return run <= MAX_RUN or (len(text) <= 5 * MAX_PERSON_BYTES and run <= MAX_PERSON_BYTES)


def test_a_prolog_without_a_first_element_is_kept() -> None:
    assert drop_prolog_entities(b"<!ENTITY e 'x'>") == (b"", True)
    assert tidy_prolog(b"") == b""
    assert as_ascii_compatible(b"", "") == (b"", "")


def test_the_hostile_feed_is_read_as_the_fast_path_and_feedparser_agree() -> None:
    # the caps run before both readers: the same capped body, the same values
    body = rss(f"<managingEditor>{LONG}</managingEditor>",
               "<author>editor@blog.example</author>").encode()
    fast = read_feed(body, url=URL, content_type=RSS_TYPE, fetched_at=AS_OF)
    slow = read_feed(body, url=URL, content_type=RSS_TYPE, fetched_at=AS_OF, reference=True)
    assert isinstance(fast, FeedRead) and isinstance(slow, FeedRead)
    assert fast.facts == slow.facts and fast.items == slow.items
    assert datetime(2026, 10, 12, 9, tzinfo=UTC) == fast.items[0].published_at
