"""URL canonicalisation and replay keys."""

import re

import pytest

from auditor.config import ConfigError, config_from_data
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
    # control characters, anywhere (urlsplit would drop a tab or a newline in silence)
    ("https://example.nl/a\x01b", "contains a control character (U+0001)"),
    ("https://exa\x00mple.nl/", "contains a control character (U+0000)"),
    ("https://example.nl/?q=\x7f", "contains a control character (U+007F)"),
    ("https://example.nl/a\x85", "contains a control character (U+0085)"),
    ("https://example.nl/a\tb", "contains a control character (U+0009)"),
    ("https://example.nl/a\nb", "contains a control character (U+000A)"),
    ("https://example.nl/\u202egnp.exe", "contains a control character (U+202E)"),
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


def test_the_config_check_refuses_control_characters_in_urls() -> None:
    data = {"organisation": [{"name": "Spaak", "website": "https://spaak.example/\x1b[2J",
                              "profiles": ["https://mastodon.example/@spaak\x07"]}],
            "endpoints": {"bluesky": "https://bsky.example\x00"}}
    with pytest.raises(ConfigError) as refused:
        config_from_data(data, path=None)
    problems = "\n".join(refused.value.problems)
    assert "organisation[0].website: contains a control character (U+001B)" in problems
    assert "organisation[0].profiles[0]: contains a control character (U+0007)" in problems
    assert "endpoints.bluesky: contains a control character (U+0000)" in problems
