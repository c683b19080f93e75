"""The brief an adviser would write: plain text for the terminal (``auditor check``) and report.md.

Written for someone checking a person's profiles minutes before a meeting, and for a
client reading the main findings: per organisation its verdict, the three most useful
fixes, then per profile one or two lines with the numbers that matter and its flags with
their reasons indented below, and a closing count. It reads the same cleaned view model as
report.html, so every scraped string has lost its control characters and terminal escapes
and is capped in length: a bio or handle cannot recolour or rewrite the reader's terminal.
"""

from __future__ import annotations

from typing import Final

from auditor.audit import AuditResult, OrganisationResult
from auditor.i18n import Translator, translator
from auditor.report import clean_text
from auditor.report.format import NA
from auditor.report.viewmodel import OrganisationView, ProfileView, ReportView
from auditor.report.views import build_report_view
from auditor.verdicts import FLAG_CODES, SEVERITIES

#: The brief is one screen: shorter caps than the HTML report.
HANDLE_CHARS: Final = 80
URL_CHARS: Final = 120
DETAIL_CHARS: Final = 120
REASON_CHARS: Final = 320
#: Fixes listed per organisation.
TOP_FIXES: Final = 3


def render_brief(result: AuditResult, *, view: ReportView | None = None) -> str:
    """The brief as text (no trailing newline); valid, readable Markdown too. ``view`` is
    the report's view when the caller built it already (it is shared with report.html)."""
    view = view if view is not None else build_report_view(result)
    t = translator(view.lang)
    lines = [f"# {_md(view.title)} — {t('as of')} {view.as_of}",
             t("Generated {moment} by social presence auditor {version}; activity window "
               "{window}.", moment=view.generated_at, version=view.tool_version,
               window=t.n(view.window_days, "{n} day", "{n} days"))]
    if view.missing_text:
        lines += ["", f"**{t('WARNING:')}** {view.missing_text}"]
    if view.since is not None:
        lines += ["", f"## {_md(view.since.heading)}", "", _md(view.since.summary)]
        for changed in view.since.profiles:
            lines.append(f"- {_md(changed.label)}")
            lines += [f"  - {_md(line)}" for line in changed.lines]
    headed = len(view.organisations) > 1
    for organisation, judged in view.organisations.with_results():
        lines.append("")
        if headed or (organisation.name and organisation.name != view.title):
            lines += [_organisation_heading(organisation), ""]
        if organisation.profiles:
            lines.append(_md(organisation.verdict))
            fixes = top_fixes(judged, t)
            if fixes:
                lines += ["", t("Most useful fixes:")]
                lines += [f"{number}. {_md(fix)}" for number, fix in enumerate(fixes, start=1)]
            lines.append("")
        else:
            lines.append(f"- ({t('no profiles listed')})")
        for profile in organisation.profiles:
            lines += _profile_lines(profile, t)
    lines += ["", _closing_line(view, t),
              t("n/a = could not be measured (not zero); unreadable profiles are never judged "
                "dead.")]
    return "\n".join(lines)


def top_fixes(organisation: OrganisationResult, t: Translator) -> list[str]:
    """The most useful fixes: the most severe flags first, each fix once, with its profiles."""
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    order = {code: index for index, code in enumerate(FLAG_CODES)}
    grouped: dict[str, tuple[tuple[int, int], str, list[str]]] = {}
    for profile in organisation.profiles:
        label = clean_text(profile.record.handle or profile.record.url, HANDLE_CHARS)
        for flag in profile.flags:
            if not flag.fix:
                continue
            key = (rank.get(flag.severity, len(SEVERITIES)), order.get(flag.code, 99))
            best, fix, labels = grouped.get(flag.code, (key, clean_text(t.msg(flag.fix),
                                                                        REASON_CHARS), []))
            grouped[flag.code] = (min(best, key), fix, [*labels, label])
    chosen = sorted(grouped.values(), key=lambda entry: (entry[0], -len(entry[2])))
    return [f"{fix} ({', '.join(dict.fromkeys(labels))})"
            for _, fix, labels in chosen[:TOP_FIXES]]


def _organisation_heading(organisation: OrganisationView) -> str:
    return (f"## {_md(organisation.name)} ({_md(organisation.role_text)}): "
            f"{organisation.summary}")


def _md(text: str) -> str:
    """Scraped text that a Markdown viewer of report.md cannot turn into HTML or a link."""
    return text.replace("<", "\\<")


def _profile_lines(profile: ProfileView, t: Translator) -> list[str]:
    url = _md(clean_text(profile.url.text, URL_CHARS))
    if profile.url.href and len(profile.url.href) <= URL_CHARS:
        url = f"<{profile.url.href}>"  # a Markdown autolink; only ever an http(s) URL
    handle = _md(clean_text(profile.handle, HANDLE_CHARS))
    who = f"{handle} {url}" if handle else url
    outcome = _md(profile.outcome_text)
    if profile.outcome_detail:
        outcome += f" ({_md(clean_text(profile.outcome_detail, DETAIL_CHARS))})"
    lines = [f"- {_md(profile.platform)} {who}: {outcome}"]
    if profile.outcome_class == "ok":
        na = t(NA)
        last = profile.last_post
        if profile.days_since != na and last != na:
            last += f" ({profile.days_since})"
        lines.append("  " + t("last post {last} · {per_week} posts/week · replies {replies} · "
                              "profile {score}", last=last, per_week=profile.posts_per_week,
                              replies=profile.reply_share, score=profile.score))
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
