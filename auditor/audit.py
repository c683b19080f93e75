"""Judge a whole audit: match crawl records to the config, compute metrics and flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from auditor import __version__
from auditor.branding import Branding
from auditor.config import AuditConfig, Organisation, ProfileEntry, Thresholds, time_zone
from auditor.consistency import (
    Finding,
    consistency_findings,
    crossposts,
    findings_by_profile,
    related_groups,
)
from auditor.i18n import LANGUAGES
from auditor.messages import Msg
from auditor.metrics import Metrics, compute_metrics
from auditor.models import ProfileRecord, pickled_by_position
from auditor.observed import judge_observed
from auditor.platforms import adapter_named
from auditor.sitelinks import website_findings
from auditor.urls import host_of, same_site
from auditor.verdicts import Flag, inconsistent_flag, judge

CUT_SHORT_DETAIL = "not fetched: the crawl was cut short"


@pickled_by_position
@dataclass(frozen=True, slots=True)
class ProfileResult:
    record: ProfileRecord
    metrics: Metrics
    flags: tuple[Flag, ...]


@pickled_by_position
@dataclass(frozen=True, slots=True)
class OrganisationResult:
    name: str
    role: str
    website: str | None
    profiles: tuple[ProfileResult, ...]
    #: What the organisation's own website showed (platform ``website``), when it was read.
    website_record: ProfileRecord | None = None
    #: Where the organisation's profiles disagree (names, photos, website links).
    findings: tuple[Finding, ...] = ()
    #: What the organisation's website links to, compared with the audited profiles.
    website_lines: tuple[Msg, ...] = ()


@pickled_by_position
@dataclass(frozen=True, slots=True)
class AuditResult:
    name: str
    as_of: datetime
    generated_at: datetime
    tool_version: str
    window_days: int
    thresholds: Thresholds
    #: In config order: a tuple, or an :class:`auditor.spool.OrganisationSpool` that reads
    #: them back from disk one at a time (iterate it; do not hold them all).
    organisations: Sequence[OrganisationResult]
    #: Listed profiles the crawl never finished (the run was cut short).
    missing: int = 0
    #: Thresholds for one role where the config sets them (``[thresholds.competitor]``).
    role_thresholds: Mapping[str, Thresholds] = field(default_factory=dict)
    #: The language the writers use for every text (auditor.i18n.LANGUAGES); the
    #: judgement itself is language-free (messages, see auditor.messages).
    lang: str = "en"
    #: What changed since the last stored audit of the same config
    #: (auditor.changes.Changes), None without history.
    since: Any = None
    #: Month by month per organisation and network (auditor.trends.Trend), from the
    #: history's complete runs including this one; () without history.
    trends: Sequence[Any] = ()
    #: The IANA time zone the report shows times in (``[audit] timezone``).
    timezone: str = "UTC"
    #: The agency's name and logo on the reports (``[branding]``).
    branding: Branding = field(default_factory=Branding)

    def profiles(self) -> Iterable[ProfileResult]:
        for organisation in self.organisations:
            yield from organisation.profiles

    def profile_count(self) -> int:
        """How many profiles the audit judged (without reading a spool back)."""
        counted = getattr(self.organisations, "profile_count", None)
        if counted is not None:
            return int(counted)
        return sum(len(organisation.profiles) for organisation in self.organisations)


def placeholder_record(entry: ProfileEntry) -> ProfileRecord:
    """The record of a listed profile the crawl did not finish: an error, never a verdict."""
    adapter = adapter_named(entry.platform)
    return ProfileRecord(
        url=entry.url, platform=entry.platform,
        handle=adapter.handle(entry.url) if adapter else None,
        outcome="error", outcome_detail=CUT_SHORT_DETAIL, organisation=entry.organisation,
        role=entry.role, source_url=entry.source_url,
    )


class RecordSource(Protocol):
    """Where judging finds each profile's record by URL (a dict, or records on disk)."""

    def get(self, url: str) -> ProfileRecord | None: ...


class OrganisationSink(Protocol):
    """Where judged organisations go (a list, or :class:`auditor.spool.OrganisationSpool`)."""

    def append(self, organisation: OrganisationResult) -> None: ...


def judge_audit(config: AuditConfig, records: Iterable[ProfileRecord] | RecordSource, *,
                as_of: datetime, generated_at: datetime, lang: str = "en",
                into: OrganisationSink | None = None) -> AuditResult:
    """Metrics and flags for every listed profile, in config order.

    Each organisation is judged as a whole too: posts repeated across its profiles count
    as automation evidence, and profiles that disagree with the others are INCONSISTENT.

    ``records`` is either the records themselves or a :class:`RecordSource` read one
    organisation at a time. With ``into`` (a sequence with ``append``, such as an
    :class:`auditor.spool.OrganisationSpool`), each judged organisation goes there as soon
    as it is judged and the result's ``organisations`` is ``into`` itself, so an audit of
    any size never holds more than one organisation's posts.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if hasattr(records, "get"):
        source = cast(RecordSource, records)
    else:
        by_url: dict[str, ProfileRecord] = {}
        for record in records:  # not a RecordSource (no get), so the records themselves
            by_url[record.url] = record
        source = by_url
    sink: Any = [] if into is None else into
    missing = 0
    for organisation in config.organisations:
        judged, not_finished = judge_organisation(config, organisation, source, as_of=as_of)
        missing += not_finished
        sink.append(judged)
    return AuditResult(
        name=config.audit.name, as_of=as_of, generated_at=generated_at, tool_version=__version__,
        window_days=config.audit.window_days, thresholds=config.thresholds,
        organisations=tuple(sink) if into is None else sink, missing=missing,
        role_thresholds=dict(config.role_thresholds), lang=lang,
        timezone=config.audit.timezone, branding=config.branding,
    )


def judge_organisation(config: AuditConfig, organisation: Organisation, records: RecordSource,
                       *, as_of: datetime) -> tuple[OrganisationResult, int]:
    """One organisation judged as a whole; also how many of its profiles were not finished."""
    missing = 0
    org_records: list[ProfileRecord] = []
    for entry in organisation.profiles:
        record = records.get(entry.url)
        if record is None:
            missing += 1
            record = placeholder_record(entry)
        org_records.append(record)
    site = records.get(organisation.website) if organisation.website else None
    if site is not None and site.platform != "website":
        site = None  # the website is also listed as a profile and judged as one
    own_hosts = {host_of(organisation.website)} if organisation.website else set()
    zone = time_zone(config.audit.timezone) or UTC
    repeated = crossposts(org_records)
    if undeclared(config, organisation):
        # URLs given to `auditor check`: nobody said they are one person's, so only the
        # profiles that show they belong together are compared with each other.
        findings = [finding for group in related_groups(org_records)
                    for finding in consistency_findings(group, organisation.website)]
    else:
        findings = consistency_findings(org_records, organisation.website, organisation.name)
    site_findings = website_findings(site, org_records) if site is not None else []
    # A profile on the organisation's own site (its blog's feed) needs no link to it.
    findings += [Finding("not_linked", f.message, (f.url,), dict(f.evidence))
                 for f in site_findings if f.kind == "not_linked"
                 and not same_site(host_of(f.url), host_of(organisation.website or ""))]
    per_profile = findings_by_profile(findings)
    results: list[ProfileResult] = []
    for record in org_records:
        thresholds = config.thresholds_for(record.role or organisation.role)
        if record.outcome == "observed" and record.observation is not None:
            metrics, observed_flags = judge_observed(
                record, as_of, window_days=config.audit.window_days, thresholds=thresholds)
            flags = list(observed_flags)
        else:
            metrics = compute_metrics(record, as_of, window_days=config.audit.window_days,
                                      thresholds=thresholds, own_hosts=own_hosts,
                                      crossposted=repeated.get(record.url), tz=zone)
            flags = list(judge(record, metrics, thresholds))
        inconsistent = inconsistent_flag(per_profile.get(record.url, []))
        if inconsistent is not None and record.outcome == "ok":
            flags.append(inconsistent)
        results.append(ProfileResult(record, metrics, tuple(flags)))
    judged = OrganisationResult(
        organisation.name, organisation.role, organisation.website, tuple(results),
        website_record=site, findings=tuple(findings),
        website_lines=tuple(f.message for f in site_findings
                            if f.kind != "not_linked"))
    return judged, missing


def undeclared(config: AuditConfig, organisation: Organisation) -> bool:
    """Whether ``organisation`` is only a list of URLs, as ``auditor check URL...`` makes
    it (:func:`auditor.config.config_from_urls`: no config file, one organisation of role
    ``person`` named after the audit itself), not an organisation someone declared with
    its profiles. Its profiles may be several people's: they are compared only where they
    show that they belong together (:func:`auditor.consistency.related_groups`)."""
    return (config.path is None and len(config.organisations) == 1
            and organisation.role == "person" and organisation.name == config.audit.name)
