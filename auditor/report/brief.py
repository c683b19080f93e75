"""The one-screen brief: plain text for the terminal (``auditor check``) and report.md.

Written for someone checking a person's profiles minutes before a meeting: per profile one
or two lines with the numbers that matter, its flags with their reasons indented below, and
a closing count. It reads the same cleaned view model as report.html, so every scraped
string has lost its control characters and terminal escapes and is capped in length: a bio
or handle cannot recolour or rewrite the reader's terminal.
"""

from __future__ import annotations

from typing import Final

from auditor.audit import AuditResult
from auditor.report.html import (
    NA,
    OrganisationView,
    ProfileView,
    ReportView,
    build_report_view,
    clean_text,
    plural,
)

#: The brief is one screen: shorter caps than the HTML report.
HANDLE_CHARS: Final = 80
URL_CHARS: Final = 120
DETAIL_CHARS: Final = 120
REASON_CHARS: Final = 320


def render_brief(result: AuditResult) -> str:
    """The brief as text (no trailing newline); valid, readable Markdown too."""
    view = build_report_view(result)
    lines = [f"# {_md(view.title)} — as of {view.as_of}",
             f"Generated {view.generated_at} by social presence auditor {view.tool_version}; "
             f"activity window {plural(view.window_days, 'day')}."]
    if view.missing_text:
        lines += ["", f"**WARNING:** {view.missing_text}"]
    if view.since is not None:
        lines += ["", f"## {_md(view.since.heading)}", "", _md(view.since.summary)]
        for profile in view.since.profiles:
            lines.append(f"- {_md(profile.label)}")
            lines += [f"  - {_md(line)}" for line in profile.lines]
    headed = len(view.organisations) > 1
    for organisation in view.organisations:
        lines.append("")
        if headed or (organisation.name and organisation.name != view.title):
            lines += [_organisation_heading(organisation), ""]
        if not organisation.profiles:
            lines.append("- (no profiles listed)")
        for profile in organisation.profiles:
            lines += _profile_lines(profile)
    lines += ["", _closing_line(view),
              "n/a = could not be measured (not zero); unreadable profiles are never judged dead."]
    return "\n".join(lines)


def _organisation_heading(organisation: OrganisationView) -> str:
    return f"## {_md(organisation.name)} ({_md(organisation.role)}): {organisation.summary}"


def _md(text: str) -> str:
    """Scraped text that a Markdown viewer of report.md cannot turn into HTML or a link."""
    return text.replace("<", "\\<")


def _profile_lines(profile: ProfileView) -> list[str]:
    url = _md(clean_text(profile.url.text, URL_CHARS))
    if profile.url.href and len(profile.url.href) <= URL_CHARS:
        url = f"<{profile.url.href}>"  # a Markdown autolink; only ever an http(s) URL
    handle = _md(clean_text(profile.handle, HANDLE_CHARS))
    who = f"{handle} {url}" if handle else url
    outcome = _md(profile.outcome)
    if profile.outcome_detail:
        outcome += f" ({_md(clean_text(profile.outcome_detail, DETAIL_CHARS))})"
    lines = [f"- {_md(profile.platform)} {who}: {outcome}"]
    if profile.outcome_class == "ok":
        last = profile.last_post
        if profile.days_since != NA and last != NA:
            last += f" ({profile.days_since})"
        lines.append(f"  last post {last} · {profile.posts_per_week} posts/week · "
                     f"replies {profile.reply_share} · profile {profile.score}")
    for flag in profile.flags:
        reason = _md(clean_text(flag.reason, REASON_CHARS))
        lines.append(f"  - {_md(flag.code)} ({_md(flag.severity)}): {reason}")
    return lines


def _closing_line(view: ReportView) -> str:
    if not view.flag_count:
        return f"No flags on {plural(view.profile_count, 'profile')}."
    counts = ", ".join(f"{count.count} {count.severity}" for count in view.severity_counts
                       if count.count)
    return (f"{plural(view.flag_count, 'flag')} ({counts}) on "
            f"{view.flagged_profiles} of {plural(view.profile_count, 'profile')}.")
