"""Audit configuration: TOML or CSV, validated in full before any request is made."""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, time, tzinfo
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from auditor.apicost import XSettings, read_x_settings
from auditor.branding import Branding, read_branding
from auditor.platforms import platform_of, profile_url
from auditor.platforms.base import DEFAULT_ENDPOINTS
from auditor.urls import BadURL, canonicalise

ROLES = ("client", "competitor", "person")


class ConfigError(Exception):
    """The config cannot be used; ``problems`` lists each one with its location."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a profile earns a flag. Every value can be set under ``[thresholds]``."""

    #: No item for this many days or more: DEAD.
    dead_after_days: int = 90
    #: No item for this many days (up to dead_after_days): STALE.
    stale_after_days: int = 30
    #: At most this many posts ever: NEVER_USED.
    never_used_max_posts: int = 2
    #: Reply share below this: BROADCAST_ONLY.
    broadcast_max_reply_share: float = 0.10
    #: Shares are only computed over at least this many own posts.
    min_posts_for_ratio: int = 20
    #: AUTOMATED when at least this share of own posts are only a link to the own website,
    automated_link_share: float = 0.8
    #: or at least this share of posts go out at the same minute past the hour,
    automated_same_minute_share: float = 0.6
    #: or at least this share of own posts repeat another of the organisation's profiles.
    automated_crosspost_share: float = 0.5


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """The ``[audit]`` table: what the audit is called, its date and how far back it reads."""

    name: str = "Social presence audit"
    #: The audit date; None means "now" (the CLI fills it in at start).
    as_of: datetime | None = None
    #: How many days before as_of the activity metrics look at.
    window_days: int = 90
    #: At most this many pages of posts per profile.
    max_pages: int = 3
    #: Posts per page asked for.
    page_size: int = 40
    #: Fetch the public HTML of walled networks (LinkedIn, X, ...) instead of only reporting
    #: them as login_wall. Off by default.
    fetch_walled_networks: bool = False
    #: Obey robots.txt. Switch off only for documented APIs and feeds you may read.
    obey_robots: bool = True
    #: Allow requests to private, loopback and link-local addresses (tests, intranets).
    allow_private_addresses: bool = False
    #: The observation sheet (auditor.sheet) of the profiles the crawl cannot read, relative
    #: to the config file; ``--observations`` overrides it.
    observations: Path | None = None
    #: Observations made more than this many days before the audit date are not used.
    observations_max_age_days: int = 30
    #: The IANA time zone (``Europe/Amsterdam``) the report shows post times, dates and the
    #: hour and weekday charts in; the judgement itself counts in UTC.
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    url: str
    platform: str
    organisation: str
    role: str
    source_url: str


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    role: str
    website: str | None = None
    profiles: tuple[ProfileEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditConfig:
    audit: AuditSettings = field(default_factory=AuditSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    organisations: tuple[Organisation, ...] = ()
    #: Thresholds for one role (``[thresholds.competitor]``), over the general ones.
    role_thresholds: Mapping[str, Thresholds] = field(default_factory=dict)
    #: Base URL per platform (``[endpoints]``), overriding the public defaults.
    endpoints: Mapping[str, str] = field(default_factory=dict)
    #: Where the config was read from (None for a config built from command-line URLs).
    path: Path | None = None
    #: Things worth telling the user that do not stop the audit (duplicates dropped).
    warnings: tuple[str, ...] = ()
    #: The agency's name and logo on the reports (``[branding]``).
    branding: Branding = field(default_factory=Branding)
    #: How deep X profiles are read through X's paid API and what a run may cost (``[x]``).
    x: XSettings = field(default_factory=XSettings)
    #: Earlier crawls' records to start an empty history with (``[[history.earlier]]``).
    earlier_runs: tuple[EarlierRun, ...] = ()

    def profiles(self) -> Iterator[ProfileEntry]:
        for organisation in self.organisations:
            yield from organisation.profiles

    def thresholds_for(self, role: str | None) -> Thresholds:
        """The thresholds a profile of ``role`` is judged by."""
        return self.role_thresholds.get(role or "", self.thresholds)

    def websites(self) -> Iterator[ProfileEntry]:
        """Each organisation's own website, read for its links to the profiles.

        A website that is also listed as a profile is read once, as that profile.
        """
        seen = {entry.url for entry in self.profiles()}
        for organisation in self.organisations:
            if organisation.website and organisation.website not in seen:
                seen.add(organisation.website)
                yield ProfileEntry(url=organisation.website, platform="website",
                                   organisation=organisation.name, role=organisation.role,
                                   source_url=organisation.website)


# -- [[history.earlier]]: earlier crawls that start an empty history (auditor.seed) --

#: At most this many earlier runs are read from a config.
MAX_EARLIER = 36


@dataclass(frozen=True, slots=True)
class EarlierRun:
    as_of: datetime
    records: Path


def read_earlier_runs(raw: Any, base: Path | None,
                      problem: Callable[[str, str], None]) -> tuple[EarlierRun, ...]:
    """The ``[history]`` table's ``earlier`` list; every bad entry is a problem line."""
    if not isinstance(raw, dict):
        problem("history", "must be a table ([history]) with an `earlier` list")
        return ()
    for key in raw:
        if key != "earlier":
            problem(f"history.{key}", "unknown key (only `earlier`)")
    entries = raw.get("earlier", [])
    if not isinstance(entries, list):
        problem("history.earlier", "must be a list of tables ([[history.earlier]])")
        return ()
    if len(entries) > MAX_EARLIER:
        problem("history.earlier", f"at most {MAX_EARLIER} earlier runs")
        return ()
    found: list[EarlierRun] = []
    for index, entry in enumerate(entries):
        where = f"history.earlier[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"as_of", "records"}:
            problem(where, "needs exactly `as_of` (a date) and `records` (a file)")
            continue
        try:
            as_of = parse_as_of(entry["as_of"])
        except ValueError as exc:
            problem(f"{where}.as_of", str(exc))
            continue
        records = entry["records"]
        if not isinstance(records, str) or not records.strip():
            problem(f"{where}.records", "must be the path of a records.jsonl file")
            continue
        path = Path(records)
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():
            problem(f"{where}.records", f"{path} is not a file")
            continue
        found.append(EarlierRun(as_of, path))
    dates = [run.as_of for run in found]
    if len(set(dates)) != len(dates):
        problem("history.earlier", "two earlier runs have the same as_of")
    return tuple(sorted(found, key=lambda run: run.as_of))


_AUDIT_KEYS = {f.name for f in fields(AuditSettings)}
_THRESHOLD_KEYS = {f.name for f in fields(Thresholds)}
_SHARE_KEYS = {name for name in _THRESHOLD_KEYS if name.startswith(("broadcast_", "automated_"))}
_ORGANISATION_KEYS = {"name", "role", "website", "profiles"}
_TOP_KEYS = {"audit", "thresholds", "organisation", "endpoints", "branding", "x", "history"}
_BOOL_AUDIT_KEYS = {"fetch_walled_networks", "obey_robots", "allow_private_addresses"}


def load_config(path: str | Path) -> AuditConfig:
    """Read and validate a TOML or CSV config; raise ConfigError listing every problem."""
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{where}: no such file"]) from None
    except IsADirectoryError:
        raise ConfigError([f"{where}: is a folder, not a config file"]) from None
    except OSError as exc:
        raise ConfigError([f"{where}: cannot be read ({exc.strerror})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{where}: not UTF-8 text (byte {exc.start})"]) from None
    if path.suffix.lower() == ".csv":
        data = _csv_to_data(text, where)
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{where}: not valid TOML: {exc}"]) from None
    return config_from_data(data, path=path)


def config_from_urls(urls: list[str], *, name: str = "Quick check",
                     as_of: datetime | None = None) -> AuditConfig:
    """A one-organisation config for ``auditor check URL...``."""
    data: dict[str, Any] = {
        "audit": {"name": name},
        "organisation": [{"name": name, "role": "person", "profiles": list(urls)}],
    }
    config = config_from_data(data, path=None, where="command line")
    if as_of is not None:
        config = AuditConfig(
            audit=_replace(config.audit, as_of=as_of), thresholds=config.thresholds,
            organisations=config.organisations, role_thresholds=config.role_thresholds,
            endpoints=config.endpoints, path=None,
            warnings=config.warnings,
        )
    return config


#: The audit dates accepted: far enough from datetime's limits (years 1 and 9999) that
#: every window and date sanity check counted from the audit date stays in range.
AS_OF_RANGE: Final = (datetime(1970, 1, 1, tzinfo=UTC),
                      datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC))


def parse_as_of(value: Any) -> datetime:
    """An audit date: a TOML date or datetime, or an ISO string; naive values are UTC.

    A bare date means the start of that day in UTC. Raises ValueError, also for a date
    outside :data:`AS_OF_RANGE`.
    """
    if isinstance(value, datetime):
        parsed = value
    elif hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)") from None
    else:
        raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        in_utc: datetime | None = parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        in_utc = None
    if in_utc is None or not AS_OF_RANGE[0] <= in_utc <= AS_OF_RANGE[1]:
        raise ValueError(f"{_shown(value)} is out of range: an audit date goes from "
                         f"{AS_OF_RANGE[0].date().isoformat()} to "
                         f"{AS_OF_RANGE[1].date().isoformat()}")
    return in_utc


def time_zone(name: Any) -> tzinfo | None:
    """The IANA time zone ``name`` (``Europe/Amsterdam``), or None when there is no such
    zone (or it is not a plain name: no paths, no empty text)."""
    if not isinstance(name, str) or not name.strip() or len(name) > 64:
        return None
    if name.strip() == "UTC":
        return UTC  # also where the system has no time zone database
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _shown(value: Any) -> str:
    return repr(value.isoformat() if hasattr(value, "isoformat") else value)


def config_from_data(data: Mapping[str, Any], *, path: Path | None,
                     where: str | None = None) -> AuditConfig:
    """Validate parsed config data; raise ConfigError listing every problem."""
    prefix = f"{where or path}: " if (where or path) else ""
    problems: list[str] = []
    warnings: list[str] = []

    def problem(location: str, message: str) -> None:
        problems.append(f"{prefix}{location}: {message}")

    for key in data:
        if key not in _TOP_KEYS:
            problem(key, f"unknown section{_did_you_mean(key, _TOP_KEYS)}")

    audit = _read_audit(data.get("audit", {}), problem)
    if audit.observations is not None and path is not None \
            and not audit.observations.is_absolute():
        audit = _replace(audit, observations=path.parent / audit.observations)
    raw_thresholds = data.get("thresholds", {})
    role_tables = ({role: raw_thresholds[role] for role in ROLES if role in raw_thresholds}
                   if isinstance(raw_thresholds, dict) else {})
    general = ({k: v for k, v in raw_thresholds.items() if k not in role_tables}
               if isinstance(raw_thresholds, dict) else raw_thresholds)
    thresholds = _read_thresholds(general, problem)
    role_thresholds = {
        role: _read_thresholds(table, problem, base=thresholds, where=f"thresholds.{role}")
        for role, table in role_tables.items()
    }
    endpoints = _read_endpoints(data.get("endpoints", {}), problem)
    branding = read_branding(data.get("branding", {}), path.parent if path else None, problem)
    x_settings = read_x_settings(data.get("x", {}), problem)
    earlier = read_earlier_runs(data.get("history", {}), path.parent if path else None,
                                problem)

    raw_orgs = data.get("organisation")
    organisations: list[Organisation] = []
    if raw_orgs is None:
        problem("organisation", "missing: list at least one [[organisation]] with profiles")
        raw_orgs = []
    elif not isinstance(raw_orgs, list):
        problem("organisation", "must be a list of tables ([[organisation]])")
        raw_orgs = []
    seen_urls: dict[str, str] = {}
    seen_names: set[str] = set()
    for index, raw in enumerate(raw_orgs):
        location = f"organisation[{index}]"
        if not isinstance(raw, dict):
            problem(location, "must be a table with name, role and profiles")
            continue
        for key in raw:
            if key not in _ORGANISATION_KEYS:
                problem(f"{location}.{key}",
                        f"unknown key{_did_you_mean(key, _ORGANISATION_KEYS)}")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            problem(f"{location}.name", "missing or empty")
            name = f"organisation {index + 1}"
        name = name.strip()
        if name in seen_names:
            problem(f"{location}.name", f"{name!r} is listed twice; merge the two entries")
        seen_names.add(name)
        role = raw.get("role", "client")
        if role not in ROLES:
            problem(f"{location}.role", f"{role!r} is not one of {', '.join(ROLES)}")
            role = "client"
        website = raw.get("website")
        if website is not None:
            try:
                website = canonicalise(website) if isinstance(website, str) else None
                if website is None:
                    problem(f"{location}.website", "must be a URL string")
            except BadURL as exc:
                problem(f"{location}.website", str(exc))
                website = None
        raw_profiles = raw.get("profiles")
        if not isinstance(raw_profiles, list) or not raw_profiles:
            problem(f"{location}.profiles", "missing or empty: list the profile URLs")
            raw_profiles = []
        profiles: list[ProfileEntry] = []
        for p_index, source in enumerate(raw_profiles):
            p_location = f"{location}.profiles[{p_index}]"
            if not isinstance(source, str):
                problem(p_location, "must be a URL string")
                continue
            try:
                url = profile_url(canonicalise(source))
            except BadURL as exc:
                problem(p_location, f"{exc}: {source[:100]!r}")
                continue
            if url in seen_urls:
                warnings.append(f"{prefix}{p_location}: {url} is already listed at "
                                f"{seen_urls[url]}; audited once")
                continue
            seen_urls[url] = p_location
            profiles.append(ProfileEntry(url=url, platform=platform_of(url), organisation=name,
                                         role=role, source_url=source))
        organisations.append(Organisation(name=name, role=role, website=website,
                                          profiles=tuple(profiles)))
    if isinstance(data.get("organisation"), list) and not raw_orgs:
        problem("organisation", "no profiles to audit: the list of organisations is empty")
    elif not problems and not any(organisation.profiles for organisation in organisations):
        problem("organisation", "no profiles to audit")
    if problems:
        raise ConfigError(problems)
    return AuditConfig(audit=audit, thresholds=thresholds, organisations=tuple(organisations),
                       role_thresholds=role_thresholds, endpoints=endpoints, path=path,
                       warnings=tuple(warnings), branding=branding, x=x_settings,
                       earlier_runs=earlier)


def _read_audit(raw: Any, problem: Any) -> AuditSettings:
    if not isinstance(raw, dict):
        problem("audit", "must be a table ([audit])")
        return AuditSettings()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        location = f"audit.{key}"
        if key not in _AUDIT_KEYS:
            problem(location, f"unknown key{_did_you_mean(key, _AUDIT_KEYS)}")
        elif key == "name":
            if not isinstance(value, str) or not value.strip():
                problem(location, "must be a non-empty string")
            else:
                values[key] = value.strip()
        elif key == "as_of":
            try:
                values[key] = parse_as_of(value)
            except ValueError as exc:
                problem(location, str(exc))
        elif key == "timezone":
            zone = time_zone(value)
            if zone is None:
                problem(location, f"{_shown(value)} is not a time zone: use an IANA name such "
                                  "as \"Europe/Amsterdam\" or \"UTC\"")
            else:
                values[key] = value.strip()
        elif key == "observations":
            if not isinstance(value, str) or not value.strip() or "\x00" in value:
                problem(location, "must be the path of the observation sheet (.xlsx or .csv)")
            else:
                values[key] = Path(value.strip())
        elif key in _BOOL_AUDIT_KEYS:
            if not isinstance(value, bool):
                problem(location, "must be true or false")
            else:
                values[key] = value
        else:
            limits = {"window_days": (1, 3650), "max_pages": (1, 100), "page_size": (1, 100),
                      "observations_max_age_days": (0, 3650)}
            low, high = limits[key]
            if not _is_int(value) or not low <= value <= high:
                problem(location, f"must be a whole number from {low} to {high}")
            else:
                values[key] = value
    return AuditSettings(**values)


def _read_endpoints(raw: Any, problem: Any) -> dict[str, str]:
    """``[endpoints]``: platform name = base URL, e.g. ``bluesky = "https://bsky.example"``."""
    if not isinstance(raw, dict):
        problem("endpoints", "must be a table ([endpoints])")
        return {}
    known = set(DEFAULT_ENDPOINTS)
    endpoints: dict[str, str] = {}
    for key, value in raw.items():
        location = f"endpoints.{key}"
        if key not in known:
            problem(location, f"unknown platform{_did_you_mean(key, known)}; "
                              f"endpoints can be set for {', '.join(sorted(known))}")
            continue
        if not isinstance(value, str):
            problem(location, "must be a URL string")
            continue
        try:
            url = canonicalise(value)
        except BadURL as exc:
            problem(location, str(exc))
            continue
        endpoints[key] = url.rstrip("/")
    return endpoints


def _read_thresholds(raw: Any, problem: Any, *, base: Thresholds | None = None,
                     where: str = "thresholds") -> Thresholds:
    """``[thresholds]`` (or ``[thresholds.ROLE]`` over ``base``), every value checked."""
    if not isinstance(raw, dict):
        problem(where, f"must be a table ([{where}])")
        return base or Thresholds()
    values: dict[str, Any] = {}
    bad = False
    for key, value in raw.items():
        location = f"{where}.{key}"
        if key not in _THRESHOLD_KEYS:
            hint = _did_you_mean(key, _THRESHOLD_KEYS | set(ROLES))
            problem(location, f"unknown key{hint}")
            bad = True
        elif key in _SHARE_KEYS:
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0 <= value <= 1:
                problem(location, "must be a number from 0 to 1")
                bad = True
            else:
                values[key] = float(value)
        elif not _is_int(value) or value < 0:
            problem(location, "must be a whole number, 0 or more")
            bad = True
        else:
            values[key] = value
    merged = dataclasses.replace(base or Thresholds(), **values)
    if not bad and merged.stale_after_days > merged.dead_after_days:
        problem(f"{where}.stale_after_days",
                f"{merged.stale_after_days} is more than dead_after_days "
                f"({merged.dead_after_days})")
    return merged


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _did_you_mean(word: str, choices: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _replace(settings: AuditSettings, **changes: Any) -> AuditSettings:
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    values.update(changes)
    return AuditSettings(**values)


def _csv_to_data(text: str, where: str) -> dict[str, Any]:
    """CSV rows ``organisation,role,url`` (header required) as the TOML shape."""
    if "\x00" in text:
        raise ConfigError([f"{where}: not a CSV text file (it contains a NUL byte)"])
    reader = csv.reader(io.StringIO(text), strict=True)
    numbered: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                numbered.append((reader.line_num, row))
    except csv.Error as exc:
        raise ConfigError([f"{where}: line {reader.line_num}: not valid CSV ({exc})"]) from None
    rows = [row for _, row in numbered]
    if not rows:
        raise ConfigError([f"{where}: empty CSV; expected a header organisation,role,url"])
    header = [cell.strip().lower() for cell in rows[0]]
    required = ["organisation", "role", "url"]
    missing = [name for name in required if name not in header]
    if missing:
        raise ConfigError([f"{where}: line 1: header must name the columns organisation,role,url "
                           f"(missing: {', '.join(missing)})"])
    optional = {"website"}
    known = {*required, *optional}
    problems = [f"{where}: line 1: unknown column {name!r}{_did_you_mean(name, known)}"
                for name in header if name not in known]
    column = {name: header.index(name) for name in header}
    organisations: dict[str, dict[str, Any]] = {}
    for line_no, row in numbered[1:]:
        if len(row) != len(header):
            problems.append(f"{where}: line {line_no}: {len(row)} columns, expected {len(header)}")
            continue
        cells = {name: row[i].strip() for name, i in column.items()}
        name = cells["organisation"]
        if not name:
            problems.append(f"{where}: line {line_no}: organisation is empty")
            continue
        org = organisations.setdefault(name, {"name": name, "role": cells["role"] or "client",
                                              "profiles": []})
        if cells["role"] and cells["role"] != org["role"]:
            problems.append(f"{where}: line {line_no}: role {cells['role']!r} differs from "
                            f"{org['role']!r} given earlier for {name!r}")
        if cells.get("website"):
            org["website"] = cells["website"]
        if cells["url"]:
            org["profiles"].append(cells["url"])
        else:
            problems.append(f"{where}: line {line_no}: url is empty")
    if problems:
        raise ConfigError(problems)
    return {"organisation": list(organisations.values())}
