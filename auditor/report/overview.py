"""The report's first screen: every profile's state in a word, the scoreboard (networks by
organisations), the headline numbers, the client's most useful fixes, and what the
competitors leave open (observations, never advice addressed to them).

The client is the organisation whose role is ``client`` (the config's default role); an
audit of people (``auditor check``) reads its own fixes too. A competitor's flags are never
turned into fixes: the reader cannot fix a competitor's account.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from auditor.i18n import Translator
from auditor.report import clean_text
from auditor.report.format import CODE_RANK, SEVERITY_RANK
from auditor.report.viewmodel import (
    FixView,
    HeadlineNumber,
    OrganisationView,
    ProfileView,
    ScoreboardView,
    ScoreCell,
    ScoreChip,
    ScoreColumn,
    ScoreRow,
    StateView,
)
from auditor.verdicts import FLAG_CODES, SEVERITIES

#: How networks are written; a platform not named here is shown as its key.
PLATFORM_NAMES: Final = {
    "mastodon": "Mastodon", "activitypub": "Fediverse", "bluesky": "Bluesky",
    "youtube": "YouTube", "telegram": "Telegram", "linkedin": "LinkedIn", "x": "X",
    "facebook": "Facebook", "instagram": "Instagram", "threads": "Threads",
    "tiktok": "TikTok", "reddit": "Reddit",
}
#: At most this many profiles are shown in one scoreboard cell (the rest are counted).
CHIPS_PER_CELL: Final = 6
#: Fixes on the first screen.
FIRST_SCREEN_FIXES: Final = 5
#: Observations about the competitors on the first screen.
OBSERVATIONS: Final = 6
SHORT_NAME_CHARS: Final = 24
#: Flags that say a profile is not in use (no post for weeks, or no account at all).
SILENT_CODES: Final = frozenset({"GONE", "NEVER_USED", "DEAD", "STALE"})
SYMBOLS: Final = {"high": "✗", "medium": "!", "low": "·", "unread": "?", "ok": "✓"}


def platform_name(platform: str, t: Translator) -> str:
    """The network as people write it: "YouTube", "Feed", "Website"."""
    if platform == "feed":
        return t("Feed")
    if platform == "website":
        return t("Website")
    if platform == "unknown":
        return t("Other")
    return PLATFORM_NAMES.get(platform, platform)


def state_words(t: Translator) -> dict[str, str]:
    """Each flag code as the one word the scoreboard shows."""
    return {"GONE": t("gone"), "NEVER_USED": t("never used"), "DEAD": t("dead"),
            "STALE": t("stale"), "BROADCAST_ONLY": t("broadcast-only"),
            "INCOMPLETE": t("incomplete"), "UNAUDITABLE": t("not read"),
            "AUTOMATED": t("automated"), "INCONSISTENT": t("inconsistent")}


def profile_state(flags: Sequence[tuple[str, str]], outcome_class: str,
                  t: Translator) -> StateView:
    """The state of a profile from its flags, ``(code, severity)`` worst first: the worst
    flag's word and severity; a profile that could not be read is "not read" (grey, never
    "dead"); one without flags is "active"."""
    if not flags:
        if outcome_class == "ok":
            return StateView(t("active"), "ok", SYMBOLS["ok"])
        return StateView(t("not read"), "unread", SYMBOLS["unread"])
    code, severity = flags[0]
    word = state_words(t).get(code) or clean_text(code, 40).lower()
    css = "unread" if code == "UNAUDITABLE" else (severity if severity in SEVERITIES else "low")
    return StateView(word, css, SYMBOLS[css], code)


def recognisable_name(handle: str, display_name: str, url_text: str) -> str:
    """The handle when it is one (``@name``), else the channel's or feed's title (a
    YouTube channel id or a feed address means nothing to a reader), else the handle or
    address."""
    if handle.startswith("@"):
        return handle
    return display_name or handle or url_text


def short_name(name: str) -> str:
    """``@ratel@fedi.example`` -> ``@ratel``; other names capped in length."""
    if name.startswith("@") and name.count("@") >= 2:
        name = "@" + name[1:].split("@", 1)[0]
    return clean_text(name, SHORT_NAME_CHARS)


# --------------------------------------------------------------------------- the scoreboard


@dataclass(slots=True)
class _Column:
    view: OrganisationView
    #: network -> chips, and how many profiles were left out of the chips.
    cells: dict[str, list[ScoreChip]] = field(default_factory=dict)
    hidden: dict[str, int] = field(default_factory=dict)
    #: network -> the states (css, code) of every profile listed there.
    states: dict[str, list[StateView]] = field(default_factory=dict)
    #: The fixes: (severity rank, code rank, code, fix) -> profiles.
    fixes: dict[tuple[int, int, str, str], list[tuple[str, str]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class Overview:
    """Collects what the first screen needs, one organisation at a time (with its full
    profile views), keeping only a few words per profile."""

    def __init__(self, t: Translator) -> None:
        self._t = t
        self._columns: list[_Column] = []
        self._networks: list[str] = []

    def add(self, organisation: OrganisationView) -> None:
        # the column keeps the heading only: its profile cards would keep every
        # organisation's charts and posts alive until the first screen is built
        column = _Column(replace(organisation, profiles=()))
        for profile in organisation.profiles:
            network = profile.platform_name or profile.platform
            if network not in self._networks:
                self._networks.append(network)
            chips = column.cells.setdefault(network, [])
            column.states.setdefault(network, []).append(profile.state)
            if len(chips) < CHIPS_PER_CELL:
                chips.append(ScoreChip(profile.anchor, profile.state, profile.short_name,
                                       f"{network} {profile.name}"))
            else:
                column.hidden[network] = column.hidden.get(network, 0) + 1
            column.counts[profile.state.word] = column.counts.get(profile.state.word, 0) + 1
            if organisation.role != "competitor":
                _collect_fixes(column.fixes, profile)
        self._columns.append(column)

    def scoreboard(self) -> ScoreboardView:
        t = self._t
        columns = tuple(ScoreColumn(c.view.anchor, c.view.name, c.view.role_text,
                                    c.view.is_client, c.view.verdict, c.view.short_verdict)
                        for c in self._columns)
        rows = []
        for network in self._networks:
            cells = []
            for column in self._columns:
                hidden = column.hidden.get(network, 0)
                more = t.n(hidden, "+{n} more", "+{n} more") if hidden else ""
                cells.append(ScoreCell(tuple(column.cells.get(network, ())), more))
            rows.append(ScoreRow(network, tuple(cells)))
        return ScoreboardView(columns, tuple(rows))

    def headline(self) -> tuple[HeadlineNumber, ...]:
        """The profile count, then how many profiles are in each state, worst first."""
        t = self._t
        totals: dict[str, int] = {}
        css: dict[str, str] = {}
        order: dict[str, tuple[int, int]] = {}
        for column in self._columns:
            for states in column.states.values():
                for state in states:
                    totals[state.word] = totals.get(state.word, 0) + 1
                    css[state.word] = state.css
                    order[state.word] = _state_rank(state)
        numbers = [HeadlineNumber(sum(totals.values()), t.n(sum(totals.values()),
                                                             "{n} profile", "{n} profiles"), "")]
        for word in sorted(totals, key=lambda word: order[word]):
            numbers.append(HeadlineNumber(totals[word], f"{totals[word]} {word}", css[word]))
        return tuple(numbers)

    def client(self) -> str:
        """The name of the organisation the report is written for ("" when none is)."""
        for column in self._columns:
            if column.view.is_client:
                return column.view.name
        return ""

    def fixes(self, limit: int = FIRST_SCREEN_FIXES) -> tuple[FixView, ...]:
        """The most useful fixes of the reader's own organisations (never a competitor's):
        the most severe first, each fix once with the profiles it applies to."""
        t = self._t
        merged: dict[tuple[int, int, str, str], list[tuple[str, str]]] = {}
        for column in self._columns:
            for key, profiles in column.fixes.items():
                merged.setdefault(key, []).extend(profiles)
        chosen = sorted(merged.items(), key=lambda item: (item[0][0], item[0][1],
                                                          -len(item[1])))
        views = []
        for (rank, _, _, fix), profiles in chosen[:limit]:
            severity = SEVERITIES[rank] if rank < len(SEVERITIES) else ""
            labels = ", ".join(dict.fromkeys(label for label, _ in profiles))
            views.append(FixView(fix, labels, severity,
                                 {"high": t("high"), "medium": t("medium"),
                                  "low": t("low")}.get(severity, ""), profiles[0][1]))
        return tuple(views)

    def observations(self, limit: int = OBSERVATIONS) -> tuple[str, ...]:
        """What the competitors leave open: networks where they are silent or absent, a
        competitor with no active profile, a network where a competitor is active and the
        client is not. Observations only: nothing is addressed to a competitor."""
        t = self._t
        competitors = [c for c in self._columns if c.view.role == "competitor"]
        if not competitors:
            return ()
        clients = [c for c in self._columns if c.view.is_client]
        client = clients[0] if clients else None
        lines: list[str] = []
        for network in self._networks:
            status = [_status(c.states.get(network, ())) for c in competitors]
            if any(s in ("active", "unknown") for s in status):
                continue
            mine = _status(client.states.get(network, ())) if client else "absent"
            absent = all(s == "absent" for s in status)
            if len(competitors) == 1:
                line = (t("The competitor has no profile on {network}.", network=network)
                        if absent else t("The competitor is silent on {network}.",
                                         network=network))
            elif len(competitors) == 2:
                line = (t("Neither competitor has a profile on {network}.", network=network)
                        if absent else t("Both competitors are silent on or absent from "
                                         "{network}.", network=network))
            else:
                line = (t("No competitor has a profile on {network}.", network=network)
                        if absent else t("All {n} competitors are silent on or absent from "
                                         "{network}.", n=len(competitors), network=network))
            if client is not None and mine == "active":
                line += " " + t("{client} is active there: an open field.",
                                client=client.view.name)
            lines.append(line)
        for competitor in competitors:
            flat = [s for states in competitor.states.values() for s in states]
            silent = sum(1 for s in flat if s.code in SILENT_CODES)
            if flat and silent and not any(_active(s) for s in flat):
                lines.append(t.n(len(flat), "{name} has no active profile: {silent} of its {n} "
                                 "profile is gone, dead, stale or never used.",
                                 "{name} has no active profile: {silent} of its {n} "
                                 "profiles are gone, dead, stale or never used.",
                                 name=competitor.view.name, silent=silent))
        if client is not None:
            for network in self._networks:
                if _status(client.states.get(network, ())) in ("active", "unknown"):
                    continue
                for competitor in competitors:
                    if _status(competitor.states.get(network, ())) == "active":
                        lines.append(t("{name} is active on {network}, where {client} is "
                                       "not.", name=competitor.view.name, network=network,
                                       client=client.view.name))
            for competitor in competitors:
                for network, states in competitor.states.items():
                    if any(s.code == "BROADCAST_ONLY" for s in states):
                        lines.append(t("{name} only broadcasts on {network}: it hardly "
                                       "answers anyone there.", name=competitor.view.name,
                                       network=network))
        return tuple(lines[:limit])


def _collect_fixes(fixes: dict[tuple[int, int, str, str], list[tuple[str, str]]],
                   profile: ProfileView) -> None:
    for flag in profile.flags:
        if not flag.fix:
            continue
        key = (SEVERITY_RANK.get(flag.severity, len(SEVERITIES)),
               CODE_RANK.get(flag.code, len(FLAG_CODES)), flag.code, flag.fix)
        label = f"{profile.platform_name or profile.platform} {profile.name}"
        fixes.setdefault(key, []).append((label, profile.anchor))


def _state_rank(state: StateView) -> tuple[int, int]:
    css = {"high": 0, "medium": 1, "low": 2, "unread": 3, "ok": 4}
    return css.get(state.css, 5), CODE_RANK.get(state.code, len(FLAG_CODES))


def _active(state: StateView) -> bool:
    """Read and posting: no flag that says it is silent, gone or unreadable."""
    return state.css != "unread" and state.code not in SILENT_CODES


def _status(states: Iterable[StateView]) -> str:
    """An organisation on one network: active (a profile in use), silent (only profiles
    not in use), unknown (only profiles that could not be read), or absent (none listed)."""
    states = list(states)
    if not states:
        return "absent"
    if any(_active(s) for s in states):
        return "active"
    if any(s.code in SILENT_CODES for s in states):
        return "silent"
    return "unknown"
