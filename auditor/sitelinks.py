"""What an organisation's website says about its social profiles, against the audit list.

Pure: it compares the website's record (from :class:`auditor.platforms.website.
WebsiteAdapter`, whose ``profile.links`` are the social links the home page shows) with
the records of the organisation's audited profiles. Links and profiles are compared after
canonicalisation (:func:`auditor.urls.canonicalise`, then the platform adapter's own
spelling from :func:`auditor.platforms.profile_url`), so ``twitter.com/Name`` matches
``x.com/name`` and ``t.me/s/name`` matches ``t.me/name`` once those adapters are
registered.

Finding kinds:

- ``linked``: an audited profile the website links to.
- ``not_linked``: an audited profile the website does not link to (profiles that turned
  out gone are left out: not linking those is right).
- ``unlisted``: a social profile the website links to that is not in the audit list.
  What is a social profile is the website reader's word (:func:`auditor.platforms.
  website.social_network`: the adapters' :func:`auditor.platforms.is_profile_link`, and
  the networks without an adapter), judged on the link as found, so a link to a post
  or a share button is never an unlisted profile.
- ``dead_network``: a link to a network that closed (see website.DEAD_NETWORKS).
- ``gone_profile``: a link to an audited profile whose record says not_found or gone.
- ``unreadable``: the website itself could not be read (its outcome is not ok); no
  other finding is made then, since its links are unknown (unknown is not "no links").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from auditor.messages import Msg, known_text, msg
from auditor.models import ProfileRecord, pickled_by_position
from auditor.platforms import profile_url
from auditor.platforms.website import dead_network, social_network
from auditor.urls import BadURL, canonicalise

FINDING_KINDS: Final = ("linked", "not_linked", "unlisted", "dead_network", "gone_profile",
                        "unreadable")
_MISSING: Final = frozenset({"not_found", "gone"})


@pickled_by_position
@dataclass(frozen=True, slots=True)
class SiteFinding:
    """One thing the website's links say about the organisation's profiles."""

    #: One of FINDING_KINDS.
    kind: str
    #: The profile or link concerned (the canonical profile URL where one is known).
    url: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> Msg:
        """What the finding says, as a message (the writers put it in words)."""
        evidence = self.evidence
        link = evidence.get("link") or self.url
        if self.kind == "not_linked":
            return msg("site.not_linked", website=evidence.get("website", ""))
        if self.kind == "unlisted":
            return msg("site.unlisted", link=link)
        if self.kind == "dead_network":
            return msg("site.dead_network", network=evidence.get("network", ""),
                       year=evidence.get("closed", ""), link=link)
        if self.kind == "gone_profile":
            return msg("site.gone_profile", profile=self.url)
        if self.kind == "unreadable":
            return msg("site.unreadable", outcome=known_text(evidence.get("detail"))
                       or evidence.get("outcome", ""))
        return msg("site.linked", profile=self.url)


def default_canonical(url: str) -> str | None:
    """The key a link or profile URL is compared by; None for a URL that is not http(s)."""
    try:
        return profile_url(canonicalise(url))
    except (BadURL, ValueError):
        return None


def website_findings(website_record: ProfileRecord, profile_records: Iterable[ProfileRecord],
                     canonical: Callable[[str], str | None] = default_canonical,
                     ) -> list[SiteFinding]:
    """Findings for one organisation: its website's record against its audited profiles."""
    website = website_record.url
    profiles = [r for r in profile_records if r.platform != "website" and r.url != website]
    if website_record.outcome != "ok" or website_record.profile is None:
        return [SiteFinding(
            "unreadable", website,
            {"website": website, "outcome": website_record.outcome,
             "detail": website_record.outcome_detail},
        )]

    by_key: dict[str, ProfileRecord] = {}
    for record in profiles:
        key = _key(record.url, canonical)
        if key is not None:
            by_key.setdefault(key, record)

    findings: list[SiteFinding] = []
    linked: dict[str, str] = {}  # profile key -> link as found
    seen_links: set[str] = set()
    for link in website_record.profile.links:
        key = _key(link, canonical)
        if key is None or key in seen_links:
            continue
        seen_links.add(key)
        target = by_key.get(key)
        if target is not None:
            if key in linked:
                continue
            linked[key] = link
            evidence = {"website": website, "link": link, "profile": target.url,
                        "platform": target.platform, "outcome": target.outcome}
            if target.outcome in _MISSING:
                findings.append(SiteFinding("gone_profile", target.url, evidence))
            else:
                findings.append(SiteFinding("linked", target.url, evidence))
            continue
        dead = dead_network(key)
        if dead is not None:
            name, year = dead
            findings.append(SiteFinding(
                "dead_network", link,
                {"website": website, "link": link, "network": name, "closed": year}))
            continue
        network = social_network(link)
        if network is None:
            continue  # a sameAs to an encyclopedia, a directory or a post: not a profile
        findings.append(SiteFinding(
            "unlisted", key,
            {"website": website, "link": link, "platform": network}))

    for key, record in by_key.items():
        if key in linked or record.outcome in _MISSING:
            continue
        findings.append(SiteFinding(
            "not_linked", record.url,
            {"website": website, "profile": record.url, "platform": record.platform}))
    return findings


def _key(url: str, canonical: Callable[[str], str | None]) -> str | None:
    try:
        return canonical(url)
    except (BadURL, ValueError):
        return None
