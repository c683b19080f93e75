"""URL canonicalisation: one spelling per profile, so duplicates and replays match."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Query parameters that only track where a click came from; they never change the page.
_TRACKING_PARAM = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|igshid|si|ref_src)$", re.I)
_MAX_URL_CHARS = 2048
#: Bidirectional controls: invisible, and they reorder what a report shows around them.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")


class BadURL(ValueError):
    """The text is not an absolute http(s) URL we can audit."""


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+XXXX`` (C0, DEL, C1 or a bidirectional
    control), or None when there is none.

    No URL holds one as it is (they are written percent-encoded), and urlsplit drops a tab
    or a line break in silence, so a URL with one is refused rather than read as another.
    """
    for char in text:
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            return f"U+{ord(char):04X}"
    return None


def canonicalise(url: str) -> str:
    """Return the canonical spelling of an http(s) URL.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters and a
    trailing slash, and sorts the query. Raises BadURL with a short reason otherwise (a
    control character or white space inside it is one).
    """
    if not isinstance(url, str):
        raise BadURL("not a string")
    # ASCII white space around a pasted URL is dropped; other control characters are not
    # (str.strip() would drop NEL, U+0085, and the separators U+001C-U+001F too)
    text = url.strip(" \t\r\n\f\v")
    if len(text) > _MAX_URL_CHARS:
        raise BadURL(f"longer than {_MAX_URL_CHARS} characters")
    control = control_character(text)
    if control is not None:
        raise BadURL(f"contains a control character ({control})")
    text = text.strip()
    if not text:
        raise BadURL("empty URL")
    if any(ch.isspace() for ch in text):
        raise BadURL("contains white space")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadURL("not an http(s) URL")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadURL("has no host")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise BadURL("host name is not valid") from None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/@:~!$&'()*+,;=-._%") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = canonical_query(parts.query, drop_tracking=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def canonical_query(query: str, *, drop_tracking: bool = False) -> str:
    """Sort query parameters so that ``?b=1&a=2`` and ``?a=2&b=1`` compare equal."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if drop_tracking:
        pairs = [(k, v) for k, v in pairs if not _TRACKING_PARAM.match(k)]
    return urlencode(sorted(pairs))


def request_key(url: str) -> str:
    """Key under which a fetched URL is stored in a replay manifest.

    Unlike :func:`canonicalise` it keeps every parameter (an API cursor is not tracking),
    but it still ignores parameter order, the fragment and a default port.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, canonical_query(parts.query), ""))


def host_of(url: str) -> str:
    """The URL's host name, lower-cased ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_http_url(url: str | None) -> bool:
    """True for absolute http(s) URLs: the only ones a report may render as links."""
    if not url or not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def same_site(host: str, site: str) -> bool:
    """True when ``host`` is ``site`` or a subdomain of it, ignoring a leading ``www.``."""
    host, site = host.lower().removeprefix("www."), site.lower().removeprefix("www.")
    return bool(host and site) and (host == site or host.endswith("." + site))
