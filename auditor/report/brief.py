"""The brief an adviser would write: plain text for the terminal (``auditor check``) and report.md.

Written for someone checking a person's profiles minutes before a meeting, and for a
client reading the main findings: per organisation its verdict, the three most useful
fixes, then per profile one or two lines with the numbers that matter and its flags with
their reasons indented below, and a closing count. It reads the same cleaned view model as
report.html, so every scraped string has lost its control characters and terminal escapes
and is capped in length: a bio or handle cannot recolour or rewrite the reader's terminal.

In report.md (``markdown=True``, the default) every text that is not the brief's own
markup goes through :func:`markdown_text`, which escapes whatever a Markdown viewer
(CommonMark, GitHub's GFM) would turn into a link, an image, HTML, an autolink, emphasis,
code, a table or a heading or list: a scraped name ``![x](http://tracker/)`` stays those
characters and never becomes a tracking image or a link in a client's deliverable. On the
terminal (``markdown=False``) the same texts are shown as they are (no backslashes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from auditor.audit import AuditResult, OrganisationResult
from auditor.i18n import Translator, translator
from auditor.report import clean_text
from auditor.report.format import NA
from auditor.report.overview import platform_name, recognisable_name
from auditor.report.viewmodel import (
    NetworkTable,
    OrganisationView,
    ProfileView,
    RankedValue,
    ReportView,
)
from auditor.report.views import build_report_view
from auditor.verdicts import FLAG_CODES, SEVERITIES

#: The brief is one screen: shorter caps than the HTML report.
HANDLE_CHARS: Final = 80
URL_CHARS: Final = 120
DETAIL_CHARS: Final = 120
REASON_CHARS: Final = 320
#: Characters of each newest post the terminal check shows (one line each).
NEWEST_CHARS: Final = 80
#: Fixes listed per organisation.
TOP_FIXES: Final = 3


def render_brief(result: AuditResult, *, view: ReportView | None = None,
                 markdown: bool = True) -> str:
    """The brief as text (no trailing newline); valid, readable Markdown too. ``view`` is
    the report's view when the caller built it already (it is shared with report.html).
    ``markdown``: escape every text for a Markdown viewer (report.md); False for the
    terminal, where the same texts are shown without backslashes."""
    view = view if view is not None else build_report_view(result)
    t = translator(view.lang)
    _md: Callable[[str], str] = markdown_text if markdown else _plain
    lines = [f"# {_md(view.title)} — {t('as of')} {view.as_of}",
             t("Generated {moment} by social presence auditor {version}; activity window "
               "{window}.", moment=view.generated_at, version=view.tool_version,
               window=t.n(view.window_days, "{n} day", "{n} days"))]
    if view.missing_text:
        lines += ["", f"**{t('WARNING:')}** {_md(view.missing_text)}"]
    if view.since is not None:
        lines += ["", f"## {_md(view.since.heading)}", "", _md(view.since.summary)]
        for group in view.since.groups:
            lines += ["", f"**{_md(group.name)}** ({_md(group.role_text)})"]
            for changed in group.profiles:
                lines.append(f"- {_md(changed.label)}")
                lines += [f"  - {_md(line)}" for line in changed.lines]
    if view.comparison:
        lines += ["", f"## {t('Side by side')}", "", *_comparison_table(view, t, _md)]
        for table in view.networks:
            lines += ["", f"### {_md(table.network)}", "", *_network_table(table, t, _md)]
    if view.trends:
        lines += ["", f"## {t('Trends')}"]
        for trend in view.trends:
            lines += ["", f"**{_md(trend.name)}**"]
            lines += [f"- {_md(line)}" for line in trend.lines]
    if view.observations:
        lines += ["", f"## {t('The competitors: observations and openings')}", ""]
        lines += [f"- {_md(line)}" for line in view.observations]
    headed = len(view.organisations) > 1
    for organisation, judged in view.organisations.with_results():
        lines.append("")
        if headed or (organisation.name and organisation.name != view.title):
            lines += [_organisation_heading(organisation, _md), ""]
        if organisation.profiles:
            lines.append(_md(organisation.verdict))
            # a competitor's accounts are not the reader's to fix: no advice addressed to them
            fixes = top_fixes(judged, t) if organisation.role != "competitor" else []
            if fixes:
                lines += ["", t("Most useful fixes:")]
                lines += [f"{number}. {_md(fix)}" for number, fix in enumerate(fixes, start=1)]
            lines.append("")
        else:
            lines.append(f"- ({t('no profiles listed')})")
        for profile in organisation.profiles:
            # the terminal check shows something to talk about: the newest posts
            lines += _profile_lines(profile, t, _md, newest=not markdown)
    lines += ["", _closing_line(view, t),
              t("n/a = could not be measured (not zero); unreadable profiles are never judged "
                "dead.")]
    return "\n".join(lines)


def top_fixes(organisation: OrganisationResult, t: Translator) -> list[str]:
    """The most useful fixes: the most severe flags first, each fix once, with its profiles.
    (A flag's fix can differ from profile to profile, as AUTOMATED's follows its signs: each
    different fix is listed on its own.)"""
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    order = {code: index for index, code in enumerate(FLAG_CODES)}
    grouped: dict[tuple[str, str], tuple[tuple[int, int], str, list[str]]] = {}
    for profile in organisation.profiles:
        record = profile.record
        name = recognisable_name(record.handle or "",
                                 (record.profile.display_name or "") if record.profile else "",
                                 record.url)
        label = clean_text(f"{platform_name(record.platform, t)} {name}", HANDLE_CHARS)
        for flag in profile.flags:
            if not flag.fix:
                continue
            key = (rank.get(flag.severity, len(SEVERITIES)), order.get(flag.code, 99))
            fix = clean_text(t.msg(flag.fix), REASON_CHARS)
            best, _, labels = grouped.get((flag.code, fix), (key, fix, []))
            grouped[(flag.code, fix)] = (min(best, key), fix, [*labels, label])
    chosen = sorted(grouped.values(), key=lambda entry: (entry[0], -len(entry[2])))
    return [f"{fix} ({', '.join(dict.fromkeys(labels))})"
            for _, fix, labels in chosen[:TOP_FIXES]]


def _comparison_table(view: ReportView, t: Translator,
                      _md: Callable[[str], str]) -> list[str]:
    """The organisations side by side, as a Markdown table (the client's row in bold)."""
    head = ["#", t("Organisation"), t("Role"), t("Profiles"), t("Posts per week"),
            t("Reply share"), t("Completeness"), t("Last post"), t("Flags")]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if i in (0, 3, 4, 5, 6, 8) else "---"
                            for i in range(len(head))) + "|"]
    for row in view.comparison:
        def ranked(value: RankedValue) -> str:
            return f"{_md(value.text)} ({value.rank})" if value.rank else _md(value.text)
        name = _md(row.name)
        cells = [str(row.position), f"**{name}**" if row.is_client else name, _md(row.role),
                 str(row.profiles), ranked(row.posts_per_week), ranked(row.reply_share),
                 ranked(row.completeness), ranked(row.days_since), str(row.flags)]
        lines.append("| " + " | ".join(cells) + " |")  # every text escaped by _md
    return lines


def _network_table(table: NetworkTable, t: Translator,
                   _md: Callable[[str], str]) -> list[str]:
    def cell(value: RankedValue) -> str:
        return f"{_md(value.text)} {value.rank}".strip()

    head = (t("Organisation"), t("Followers"), t("Interactions per post"), t("Posts per week"),
            t("Reply share"), t("Completeness"))
    rows = [f"| {' | '.join(head)} |", "|---|" + "---:|" * (len(head) - 1)]
    for row in table.rows:
        name = f"**{_md(row.name)}**" if row.is_client else _md(row.name)
        rows.append(f"| {name} | " + " | ".join(cell(v) for v in (
            row.followers, row.interactions, row.posts_per_week, row.reply_share,
            row.completeness)) + " |")
    return rows


def _organisation_heading(organisation: OrganisationView, _md: Callable[[str], str]) -> str:
    return (f"## {_md(organisation.name)} ({_md(organisation.role_text)}): "
            f"{_md(organisation.summary)}")


#: What a Markdown viewer could read as markup inside a line: backslash escapes, code,
#: emphasis and strike-through, links and images (brackets), raw HTML and autolinks (<),
#: block quotes (>), table cells (|), GitHub's math ($), character references
#: (``&#x202e;`` would put a bidi override back), and GitHub's bare autolinks (a scheme's
#: ``://``, ``www.``).
_MD_SPECIAL: Final = re.compile(r"[\\`*_~\[\]<>|$]|&(?=#?[0-9A-Za-z]{1,32};)|://|www\.",
                                re.IGNORECASE)
#: What starts a heading, a list item, a thematic break or a setext underline at a line's
#: start ("# ", "- ", "---", "===", "1. ", "2) "; not "-5 °C" or "3.8%").
_MD_LINE_START: Final = re.compile(r"^(?:([#+=-])(?=[\s#+=-]|$)|(\d{1,9})([.)])(?=\s|$))")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters: nothing in it becomes a
    link, an image, HTML, an autolink, emphasis, code, a table cell, a heading or a list,
    in CommonMark or in GitHub's Markdown. One line: newlines become spaces, and leading
    blanks go (four would start a code block). E-mail addresses stay as they are: GitHub
    links them to themselves, which shows nothing that is not there."""
    line = " ".join(text.splitlines()).lstrip()
    escaped = _MD_SPECIAL.sub(lambda found: _escape(found, line), line)
    return _MD_LINE_START.sub(_escape_line_start, escaped, count=1)


def _escape(found: re.Match[str], line: str) -> str:
    token = found.group()
    if token == "_":
        # Between two letters or digits ("spaak_fietsen") "_" can never emphasise.
        at = found.start()
        before = line[at - 1] if at > 0 else " "
        after = line[at + 1] if at + 1 < len(line) else " "
        return token if before.isalnum() and after.isalnum() else "\\_"
    if token == "://":
        return "\\://"
    if len(token) == 4:  # www.
        return token[:3] + "\\."
    return "\\" + token


def _escape_line_start(found: re.Match[str]) -> str:
    mark, digits, delimiter = found.groups()
    if mark is not None:
        return f"\\{mark}"
    return f"{digits}\\{delimiter}"


def _plain(text: str) -> str:
    return text


def _profile_lines(profile: ProfileView, t: Translator,
                   _md: Callable[[str], str], *, newest: bool = False) -> list[str]:
    """The profile's lines; ``newest``: also its newest original posts (``check``)."""
    url = _md(clean_text(profile.url.text, URL_CHARS))
    href = profile.url.href
    if href and len(href) <= URL_CHARS and not any(ch in href for ch in "<> \\"):
        # only ever an http(s) URL: a Markdown autolink, shown as it is on a terminal
        url = f"<{href}>" if _md is markdown_text else href
    handle = _md(clean_text(profile.name or profile.handle, HANDLE_CHARS))
    who = f"{handle} {url}" if handle else url
    outcome = _md(profile.outcome_text)
    if profile.outcome_detail:
        outcome += f" ({_md(clean_text(profile.outcome_detail, DETAIL_CHARS))})"
    lines = [f"- {_md(profile.platform_name or profile.platform)} {who}: {outcome}"]
    if profile.outcome_class == "ok":
        na = t(NA)
        last = profile.last_post
        if profile.days_since != na and last != na:
            last += f" ({profile.days_since})"
        lines.append("  " + t("last post {last} · {per_week} posts/week · replies {replies} · "
                              "profile {score}", last=last, per_week=profile.posts_per_week,
                              replies=profile.reply_share, score=profile.score))
        if profile.audience is not None and profile.audience.keyline:
            lines.append(f"  {_md(profile.audience.keyline)}")
        if newest and profile.audience is not None and profile.audience.newest:
            lines.append("  " + t("Newest posts:"))
            for post in profile.audience.newest:
                text = f" {_md(clean_text(post.text, NEWEST_CHARS))}" if post.text else ""
                href = post.link.href or post.link.text
                lines.append(f"  - {_md(post.date)}{text} ({_md(href)})")
    for flag in profile.flags:
        reason = _md(clean_text(flag.reason, REASON_CHARS))
        lines.append(f"  - {_md(flag.code)} ({_md(flag.severity_text)}): {reason}")
    return lines


def _closing_line(view: ReportView, t: Translator) -> str:
    if not view.flag_count:
        return t.n(view.profile_count, "No flags on {n} profile.", "No flags on {n} profiles.")
    counts = ", ".join(f"{count.count} {_severity(count.severity, t)}"
                       for count in view.severity_counts if count.count)
    return t("{flags} ({counts}) on {flagged} of {profiles}.",
             flags=t.n(view.flag_count, "{n} flag", "{n} flags"), counts=counts,
             flagged=view.flagged_profiles,
             profiles=t.n(view.profile_count, "{n} profile", "{n} profiles"))


def _severity(severity: str, t: Translator) -> str:
    return {"high": t("high"), "medium": t("medium"), "low": t("low")}.get(severity, severity)
