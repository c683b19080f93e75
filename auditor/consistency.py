"""What an organisation's profiles say together: cross-posting and consistency.

Pure functions over the records of one organisation (and its website's record). They
find the same text posted on several profiles (a sign of automatic cross-posting) and
profiles that disagree with the others on display name, avatar or website.
docs/metrics.md defines each finding.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Final

from auditor.messages import Msg, msg
from auditor.metrics import Crosspost, aware, normalised_text
from auditor.models import ProfileRecord, pickled_by_position
from auditor.urls import host_of

#: Texts shorter than this (in words) are too common to count as cross-posted.
MIN_CROSSPOST_WORDS: Final = 5
#: Two texts are near-identical at this similarity (difflib ratio) or more.
NEAR_IDENTICAL: Final = 0.9
#: Near-identical candidates share their first or their last this many words.
KEY_WORDS: Final = 3
#: At most this many posts per profile are compared, newest first.
MAX_COMPARED_POSTS: Final = 200
_BROADCAST_KINDS: Final = frozenset({"original", "self_reply"})
_NAME_CHARS = re.compile(r"[^\w]+", re.UNICODE)


@pickled_by_position
@dataclass(frozen=True, slots=True)
class Finding:
    """One inconsistency within an organisation, naming the profiles it concerns."""

    kind: str  # display_name | avatar | website | not_linked
    message: Msg
    profiles: tuple[str, ...]
    evidence: Mapping[str, Any] = field(default_factory=dict)


def crossposts(records: Iterable[ProfileRecord]) -> dict[str, Crosspost]:
    """For each profile, the own posts whose text repeats on another of the given profiles."""
    texts: dict[str, list[tuple[str, str]]] = {}
    for record in records:
        if record.outcome != "ok":
            continue
        # Replies answer someone: a canned answer is not cross-posting. Compare the rest.
        own = [item for item in record.items if item.kind in _BROADCAST_KINDS]
        own.sort(key=lambda item: aware(item.published_at), reverse=True)
        own = own[:MAX_COMPARED_POSTS]
        texts[record.url] = [(normalised_text(item.text), item.url or item.id) for item in own]
    # Index every comparable text by its first and by its last words: two near-identical
    # texts (a difflib ratio of 0.9 or more) almost always share one or the other, so each
    # text is compared with a handful of candidates instead of every post of the organisation.
    exact: dict[str, set[str]] = {}
    by_key: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for url, posts in texts.items():
        for text, _ in posts:
            if len(text.split()) < MIN_CROSSPOST_WORDS:
                continue
            exact.setdefault(text, set()).add(url)
            for key in _keys(text):
                by_key.setdefault(key, []).append((url, text))
    result: dict[str, Crosspost] = {}
    for url, mine in texts.items():
        matched = 0
        partners: list[str] = []
        examples: list[str] = []
        for text, link in mine:
            if len(text.split()) < MIN_CROSSPOST_WORDS:
                continue
            hit = next((other for other in sorted(exact.get(text, ())) if other != url), None)
            if hit is None:
                candidates = {pair for key in _keys(text) for pair in by_key.get(key, ())
                              if pair[0] != url}
                hit = next((other for other, candidate in sorted(candidates)
                            if _near(text, candidate)), None)
            if hit is not None:
                matched += 1
                if hit not in partners:
                    partners.append(hit)
                if len(examples) < 3:
                    examples.append(link)
        result[url] = Crosspost(posts=matched, basis=len(mine), with_profiles=tuple(partners),
                                examples=tuple(examples))
    return result


def _keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = text.split()
    return ("<", *words[:KEY_WORDS]), (">", *words[-KEY_WORDS:])


def _near(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 0.2 * max(len(a), len(b)):
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= NEAR_IDENTICAL and \
        matcher.quick_ratio() >= NEAR_IDENTICAL and matcher.ratio() >= NEAR_IDENTICAL


def _name_key(name: str) -> str:
    return _NAME_CHARS.sub("", name.casefold())


def _name_words(name: str) -> set[str]:
    """The words of a name that identify it (four letters or more)."""
    return {word for word in _NAME_CHARS.split(name.casefold()) if len(word) >= 4}


def consistency_findings(records: Collection[ProfileRecord], website: str | None,
                         organisation: str | None = None) -> list[Finding]:
    """Profiles that disagree with the rest of their organisation.

    Only profiles that were read (outcome ok) are compared, and a finding needs at least
    two profiles that show the thing compared.
    """
    read = [r for r in records if r.outcome == "ok" and r.profile is not None]
    findings: list[Finding] = []

    names = {r.url: r.profile.display_name.strip() for r in read
             if r.profile and r.profile.display_name and r.profile.display_name.strip()}
    if len(names) >= 2:
        common, _ = Counter(_name_key(n) for n in names.values()).most_common(1)[0]
        shown = next(n for n in names.values() if _name_key(n) == common)
        # A sub-account ("Spaak Nieuws" beside "Spaak Fietsen") shares a word with the
        # organisation's name or the usual display name; a name sharing none is odd.
        known_words = _name_words(shown) | _name_words(organisation or "")
        for url, name in names.items():
            if _name_key(name) != common and not (_name_words(name) & known_words):
                findings.append(Finding(
                    "display_name",
                    msg("finding.display_name", name=name, usual=shown),
                    (url,), {"display_name": name, "usual_name": shown}))

    hashes = {r.url: r.profile.avatar_sha256 for r in read
              if r.profile and r.profile.avatar_sha256}
    if len(hashes) >= 2:
        counts = Counter(hashes.values())
        common_hash, common_count = counts.most_common(1)[0]
        if common_count >= 2:
            for url, digest in hashes.items():
                if digest != common_hash:
                    findings.append(Finding(
                        "avatar",
                        msg("finding.avatar", count=common_count),
                        (url,), {"avatar_sha256": digest, "usual_avatar_sha256": common_hash}))

    site_host = host_of(website).removeprefix("www.") if website else ""
    if site_host:
        for record in read:
            assert record.profile is not None
            hosts = {host_of(link).removeprefix("www.") for link in record.profile.links}
            hosts.discard("")
            if hosts and not any(h == site_host or h.endswith("." + site_host) for h in hosts):
                findings.append(Finding(
                    "website",
                    msg("finding.website", hosts=sorted(hosts), website=site_host),
                    (record.url,), {"links": list(record.profile.links), "website": website}))
    return findings


def related_groups(records: Collection[ProfileRecord]) -> list[list[ProfileRecord]]:
    """The records split into groups of profiles that show they belong together: two read
    profiles are related when their display names share a word (or are the same once
    spaces and punctuation go), their usernames are the same, or their photos are; and
    so are the profiles related to either (in config order). A profile that was not read
    shows nothing and stands alone.

    For profiles nobody said belong to one organisation (``auditor check`` with a few
    URLs): only profiles within a group are compared, so the accounts of two different
    people are never "inconsistent" with each other."""
    listed = list(records)
    parent = list(range(len(listed)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    seen: dict[tuple[str, str], int] = {}
    for index, record in enumerate(listed):
        profile = record.profile
        if record.outcome != "ok" or profile is None:
            continue
        keys: set[tuple[str, str]] = set()
        if profile.display_name and profile.display_name.strip():
            name = profile.display_name.strip()
            keys |= {("word", word) for word in _name_words(name)}
            if _name_key(name):
                keys.add(("name", _name_key(name)))
        if profile.username and _name_key(profile.username):
            keys.add(("user", _name_key(profile.username)))
        if profile.avatar_sha256:
            keys.add(("photo", profile.avatar_sha256))
        for key in keys:
            if key in seen:
                parent[root(index)] = root(seen[key])
            else:
                seen[key] = index
    groups: dict[int, list[ProfileRecord]] = {}
    for index, record in enumerate(listed):
        groups.setdefault(root(index), []).append(record)
    return list(groups.values())


def findings_by_profile(findings: Iterable[Finding]) -> dict[str, list[tuple[Msg, dict]]]:
    """Each profile's findings as (message, evidence) pairs, for its INCONSISTENT flag."""
    by_url: dict[str, list[tuple[Msg, dict]]] = {}
    for finding in findings:
        for url in finding.profiles:
            by_url.setdefault(url, []).append(
                (finding.message, {"kind": finding.kind, **finding.evidence}))
    return by_url
