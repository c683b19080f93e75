"""``auditor discover --guess``: the organisation's name tried as a handle.

Profiles a website does not link are often still there, under the organisation's name.
``--guess`` tries that name (and the website's own name, ``spaak`` of ``www.spaak.example``)
as a handle on the public platforms that have one namespace each (Bluesky, YouTube,
Telegram, and mastodon.social, the largest Mastodon server), plus the website's domain as
a Bluesky handle. A candidate is read like any profile (the same crawl, the same manners)
and kept only when the profile links back to the website's domain: a link in its profile
or bio, a verified profile field, or a Bluesky handle that is the domain itself (which
Bluesky verifies through the domain's DNS or its ``/.well-known/atproto-did``). A name
alone proves nothing: a shop called "Spaak" in another country may hold ``@spaak``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from auditor.models import ProfileRecord
from auditor.urls import host_of

#: At most this many candidates per organisation (each is one or two requests).
MAX_CANDIDATES = 12
#: Handles each platform accepts: (minimum length, maximum length, allowed characters).
_RULES = {
    "bluesky": (3, 18, re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")),
    "youtube": (3, 30, re.compile(r"^[a-z0-9_.-]+$")),
    "telegram": (5, 32, re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$")),
    "mastodon": (1, 30, re.compile(r"^[a-z0-9_]+$")),
}
_URLS = {
    "bluesky": "https://bsky.app/profile/{h}.bsky.social",
    "youtube": "https://www.youtube.com/@{h}",
    "telegram": "https://t.me/{h}",
    "mastodon": "https://mastodon.social/@{h}",
}
#: Words a business name carries that its handle often leaves out.
_LEGAL_FORMS = frozenset({"bv", "b.v.", "nv", "n.v.", "vof", "v.o.f.", "gmbh", "ltd", "inc",
                          "llc", "sa", "sarl", "srl", "ab", "oy", "as", "aps"})
_URL_IN_TEXT = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})", re.I)


def handles(name: str, website: str) -> list[str]:
    """Handles to try, best first: the name's words joined ("spaakfietsen"), joined by
    an underscore and a hyphen, and the website's own name ("spaak")."""
    ascii_name = (unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
                  .decode("ascii").casefold())
    words = [w for w in re.split(r"[^a-z0-9.]+", ascii_name) if w and w not in _LEGAL_FORMS]
    words = [w.replace(".", "") for w in words if w.replace(".", "")]
    found: dict[str, None] = {}
    if words:
        found.setdefault("".join(words))
        if len(words) > 1:
            found.setdefault("_".join(words))
            found.setdefault("-".join(words))
    label = site_domain(website).split(".")[0]
    if label:
        found.setdefault(label)
    return [h for h in found if h]


def site_domain(website: str) -> str:
    """The website's host without ``www.``: what a profile must link back to."""
    return host_of(website).removeprefix("www.")


def candidates(name: str, website: str, known: Iterable[str]) -> list[str]:
    """Profile URLs to try for the organisation, without those already ``known``."""
    skip = set(known)
    out: dict[str, None] = {}
    domain = site_domain(website)
    if domain and "." in domain:
        out.setdefault(f"https://bsky.app/profile/{domain}")
    for handle in handles(name, website):
        for platform, template in _URLS.items():
            low, high, allowed = _RULES[platform]
            if low <= len(handle) <= high and allowed.match(handle):
                out.setdefault(template.format(h=handle))
    return [url for url in out if url not in skip][:MAX_CANDIDATES]


def links_back(record: ProfileRecord | None, website: str) -> str | None:
    """How the profile read for a candidate links back to the website, or None."""
    domain = site_domain(website)
    # the profile's own facts are evidence even when its posts could not be read
    if record is None or record.profile is None or not domain:
        return None
    profile = record.profile
    if record.platform == "bluesky" and (profile.username or "").casefold() == domain:
        return f"its handle is the website's domain {domain}"  # as the server says it
    for link in profile.links:
        if _on(host_of(link), domain):
            return f"its profile links {link}"
    for field in profile.fields:
        for link in field.links:
            if _on(host_of(link), domain):
                how = "a verified profile field" if field.verified else "a profile field"
                return f"{how} links {link}"
    for host in _hosts_in(profile.bio or ""):
        if _on(host, domain):
            return f"its bio names {host}"
    return None


def _on(host: str, domain: str) -> bool:
    host = host.casefold().removeprefix("www.")
    return bool(host) and (host == domain or host.endswith("." + domain))


def _hosts_in(text: str) -> Sequence[str]:
    return [match.group(1) for match in _URL_IN_TEXT.finditer(text[:5000])]
