"""Judge a whole audit: match crawl records to the config, compute metrics and flags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from auditor import __version__
from auditor.config import AuditConfig, ProfileEntry, Thresholds
from auditor.metrics import Metrics, compute_metrics
from auditor.models import ProfileRecord
from auditor.platforms import adapter_named
from auditor.verdicts import Flag, judge

CUT_SHORT_DETAIL = "not fetched: the crawl was cut short"


@dataclass(frozen=True, slots=True)
class ProfileResult:
    record: ProfileRecord
    metrics: Metrics
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class OrganisationResult:
    name: str
    role: str
    website: str | None
    profiles: tuple[ProfileResult, ...]
    #: What the organisation's own website showed (platform ``website``), when it was read.
    website_record: ProfileRecord | None = None


@dataclass(frozen=True, slots=True)
class AuditResult:
    name: str
    as_of: datetime
    generated_at: datetime
    tool_version: str
    window_days: int
    thresholds: Thresholds
    organisations: tuple[OrganisationResult, ...]
    #: Listed profiles the crawl never finished (the run was cut short).
    missing: int = 0

    def profiles(self) -> Iterable[ProfileResult]:
        for organisation in self.organisations:
            yield from organisation.profiles


def placeholder_record(entry: ProfileEntry) -> ProfileRecord:
    """The record of a listed profile the crawl did not finish: an error, never a verdict."""
    adapter = adapter_named(entry.platform)
    return ProfileRecord(
        url=entry.url, platform=entry.platform,
        handle=adapter.handle(entry.url) if adapter else None,
        outcome="error", outcome_detail=CUT_SHORT_DETAIL, organisation=entry.organisation,
        role=entry.role, source_url=entry.source_url,
    )


def judge_audit(config: AuditConfig, records: Iterable[ProfileRecord], *, as_of: datetime,
                generated_at: datetime) -> AuditResult:
    """Metrics and flags for every listed profile, in config order."""
    by_url: dict[str, ProfileRecord] = {}
    for record in records:
        by_url[record.url] = record
    missing = 0
    organisations: list[OrganisationResult] = []
    for organisation in config.organisations:
        results: list[ProfileResult] = []
        for entry in organisation.profiles:
            record = by_url.get(entry.url)
            if record is None:
                missing += 1
                record = placeholder_record(entry)
            metrics = compute_metrics(record, as_of, window_days=config.audit.window_days,
                                      thresholds=config.thresholds)
            results.append(ProfileResult(record, metrics,
                                         judge(record, metrics, config.thresholds)))
        site = by_url.get(organisation.website) if organisation.website else None
        if site is not None and site.platform != "website":
            site = None  # the website is also listed as a profile and judged as one
        organisations.append(OrganisationResult(organisation.name, organisation.role,
                                                organisation.website, tuple(results),
                                                website_record=site))
    return AuditResult(
        name=config.audit.name, as_of=as_of, generated_at=generated_at, tool_version=__version__,
        window_days=config.audit.window_days, thresholds=config.thresholds,
        organisations=tuple(organisations), missing=missing,
    )
