"""URL canonicalisation and replay keys."""

import re

import pytest

from auditor.urls import BadURL, canonicalise, is_http_url, request_key


@pytest.mark.parametrize(("given", "expected"), [
    ("HTTPS://Mastodon.Social/@Example/", "https://mastodon.social/@Example"),
    ("https://mastodon.social:443/@x#top", "https://mastodon.social/@x"),
    ("http://example.nl:8080/a?utm_source=x&b=2&a=1", "http://example.nl:8080/a?a=1&b=2"),
    ("  https://example.nl  ", "https://example.nl/"),
    ("https://bücher.example/@a", "https://xn--bcher-kva.example/@a"),
])
def test_canonicalise(given: str, expected: str) -> None:
    assert canonicalise(given) == expected


@pytest.mark.parametrize(("given", "reason"), [
    ("", "empty"),
    ("mastodon.social/@x", "not an http(s) URL"),
    ("javascript:alert(1)", "not an http(s) URL"),
    ("ftp://example.nl/x", "not an http(s) URL"),
    ("https:///nohost", "no host"),
    ("https://exa mple.nl", "white space"),
    ("https://example.nl:99999/", "not a valid URL"),
])
def test_canonicalise_rejects(given: str, reason: str) -> None:
    with pytest.raises(BadURL, match=re.escape(reason)):
        canonicalise(given)


def test_request_key_ignores_query_order_but_keeps_every_parameter() -> None:
    assert request_key("https://a.example/x?b=2&a=1") == request_key("https://a.example/x?a=1&b=2")
    assert request_key("https://a.example/x?utm_source=1") != request_key("https://a.example/x")


def test_is_http_url() -> None:
    assert is_http_url("https://a.example/")
    assert not is_http_url("javascript:alert(1)")
    assert not is_http_url("data:text/html,x")
    assert not is_http_url(None)
