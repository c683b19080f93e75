"""The one-screen brief: every profile and flag reason, no terminal escapes from scraped text."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

from auditor.audit import AuditResult, OrganisationResult
from auditor.config import Thresholds
from auditor.i18n import EN
from auditor.models import ProfileRecord
from auditor.report.brief import REASON_CHARS, render_brief, top_fixes
from tests.conftest import (
    COMPLETE_PROFILE,
    REPO,
    judged,
    make_audit,
    make_items,
    make_record,
)

T = Thresholds()
ESCAPES = "\x1b[31m\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\"
ACTIVE = [(d, "reply" if d % 3 == 0 else "original") for d in range(4, 60)]


def check(*records: ProfileRecord, missing: int = 0, name: str = "Quick check",
          organisations: tuple[OrganisationResult, ...] | None = None) -> AuditResult:
    if organisations is None:
        organisations = (OrganisationResult(name, "person", None,
                                             tuple(judged(r) for r in records)),)
    return make_audit(*organisations, name=name, missing=missing,
                      generated_after=timedelta(minutes=1))


def person() -> AuditResult:
    active = make_record(url="https://mastodon.example/@jan", items=make_items(ACTIVE))
    dead = make_record(url="https://mastodon.example/@jan_old",
                       items=make_items([(212, "original")]),
                       profile=replace(COMPLETE_PROFILE, avatar_is_default=True))
    walled = make_record(url="https://mastodon.example/@jan_walled", outcome="login_wall",
                         outcome_detail="sign-in page", profile=None)
    return check(active, dead, walled)


def test_brief_lists_every_profile_with_its_numbers_and_flags() -> None:
    text = render_brief(person())
    lines = text.splitlines()
    assert lines[0] == "# Quick check — as of 2026-11-01"
    profile_lines = [line for line in lines if line.startswith("- ")]
    assert len(profile_lines) == 3
    assert "https://mastodon.example/@jan>" in profile_lines[0]
    assert profile_lines[0].startswith("- Mastodon @spaak@mastodon.example")
    assert lines[lines.index(profile_lines[0]) + 1] == (
        "  last post 2026-10-28 (4 days ago) · 6.64 posts/week · replies 32.1% · "
        "profile 100/100")
    assert "last post 2026-04-03 (212 days ago)" in text
    assert "profile 70/100" in text
    # flags indented under their profile, with the reason
    assert "  - DEAD (high): last post 212 days ago, threshold 90" in lines
    incomplete = next(line for line in lines if line.startswith("  - INCOMPLETE (high): "))
    assert "photo (the platform's default avatar)" in incomplete
    assert lines.index(incomplete) > lines.index(profile_lines[1])
    # the unreadable profile: its outcome and UNAUDITABLE, never a guess at activity
    walled = lines.index(profile_lines[2])
    assert profile_lines[2].endswith(": login wall (sign-in page)")
    assert lines[walled + 1] == ("  - UNAUDITABLE (low): could not be audited: login wall "
                                 "(sign-in page)")
    assert "3 flags (2 high, 1 low) on 2 of 3 profiles." in lines


def test_brief_fits_one_screen() -> None:
    lines = render_brief(person()).splitlines()
    assert len(lines) <= 24
    assert max(len(line) for line in lines) <= 200


def test_unknown_values_are_na_not_zero() -> None:
    few = make_record(items=make_items([(2, "original"), (5, "original")]))
    text = render_brief(check(few))
    assert "replies n/a" in text
    assert "replies 0%" not in text
    assert "n/a = could not be measured (not zero)" in text


def test_no_flags() -> None:
    text = render_brief(check(make_record(items=make_items(ACTIVE))))
    assert text.splitlines()[-2] == "No flags on 1 profile."


def test_scraped_strings_cannot_inject_terminal_escapes() -> None:
    hostile = ProfileRecord(
        url="https://mastodon.example/@evil", platform="mastodon",
        handle=f"@evil{ESCAPES}\x00\x08\r\x7f\x9b2J\u202e",
        outcome="error", outcome_detail=f"boom{ESCAPES}\nsecond line\rthird",
    )
    moved = make_record(url="https://mastodon.example/@moved", outcome="gone",
                        profile=replace(COMPLETE_PROFILE, moved_to=f"@new{ESCAPES}@x.example"))
    text = render_brief(check(hostile, moved, name=f"Check {ESCAPES}"))
    for bad in ("\x1b", "\x07", "\x00", "\x08", "\r", "\x7f", "\x9b", "\u202e"):
        assert bad not in text, repr(bad)
    assert "[31m" not in text and "[2J" not in text and "pwned" not in text
    assert all(ch == "\n" or ch.isprintable() for ch in text)
    assert "- Mastodon @evil " in text
    assert "boom second line third" in text          # a detail cannot start a line of its own
    assert "the account moved to @new@x.example" in text


def test_long_scraped_strings_are_capped() -> None:
    long = make_record(url="https://mastodon.example/@long", outcome="error",
                       outcome_detail="x" * 5000, profile=None)
    record = replace(long, handle="@" + "h" * 5000)
    text = render_brief(check(record))
    assert max(len(line) for line in text.splitlines()) < 500
    profile_line = next(line for line in text.splitlines() if line.startswith("- "))
    assert "h" * 81 not in text and "x" * 121 not in profile_line
    assert "x" * (REASON_CHARS + 1) not in text  # the flag's reason quotes the detail, capped


def test_only_http_urls_become_markdown_links() -> None:
    hostile = ProfileRecord(url="javascript:alert(1)", platform="unknown",
                            handle="<script>alert(1)</script>", outcome="unsupported")
    text = render_brief(check(hostile))
    assert "<javascript:" not in text
    assert "javascript:alert(1)" in text
    # a Markdown viewer of report.md must not see raw HTML: "<" is escaped
    assert re.search(r"(?<!\\)<script>", text) is None and "\\<script\\>" in text


def test_markdown_shape_with_several_organisations() -> None:
    client = OrganisationResult("Spaak", "client", None,
                                (judged(make_record(items=make_items(ACTIVE))),))
    rival = OrganisationResult("Rival", "competitor", None, (judged(make_record(
        url="https://mastodon.example/@rival", items=make_items([(212, "original")]))),))
    text = render_brief(check(organisations=(client, rival)))
    lines = text.splitlines()
    assert lines[0].startswith("# ")
    assert "## Spaak (client): 1 profile, 0 flags" in lines
    assert "## Rival (competitor): 1 profile, 1 flag" in lines
    assert all(not line.startswith("\t") for line in lines)


def test_cut_short_crawl_is_said_first() -> None:
    text = render_brief(check(make_record(items=make_items(ACTIVE)), missing=1))
    assert text.splitlines()[3].startswith("**WARNING:** The crawl was cut short: 1 listed "
                                           "profile could not be fetched")


def test_the_brief_needs_no_jinja2() -> None:
    code = ("import sys, auditor.report.brief\n"
            "print('jinja2' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert run.stdout.strip() == "False"


def test_three_most_useful_fixes_most_severe_first_each_once() -> None:
    dead_a = make_record(url="https://mastodon.example/@a",
                         items=make_items([(200, "original")]))
    dead_b = make_record(url="https://mastodon.example/@b",
                         items=make_items([(300, "original")]))
    stale = make_record(url="https://mastodon.example/@c",
                        items=make_items([(40, "original")]),
                        profile=replace(COMPLETE_PROFILE, bio=""))
    gone = make_record(url="https://mastodon.example/@d", outcome="not_found",
                       profile=None)
    records = [replace(r, handle=f"@{name}")
               for r, name in zip((dead_a, dead_b, stale, gone), "abcd", strict=True)]
    organisation = OrganisationResult("Spaak", "client", None,
                                      tuple(judged(r) for r in records))
    fixes = top_fixes(organisation, EN)
    assert len(fixes) == 3
    # GONE and DEAD are high; GONE comes first in the flag order, DEAD names both profiles
    # the platform beside every handle: @ratelwerkplaats can be a Mastodon and a YouTube name
    assert fixes[0].startswith("Remove the link") and fixes[0].endswith("(Mastodon @d)")
    assert fixes[1].startswith("Post again") and fixes[1].endswith("(Mastodon @a, Mastodon @b)")
    assert fixes[2].startswith("Plan regular posts")  # STALE: medium, before INCOMPLETE
    text = render_brief(check(organisations=(organisation,)))
    assert "Most useful fixes:\n1. Remove the link" in text


#: Scraped text that a Markdown viewer would make into a tracking image, a disguised link,
#: HTML, an autolink, emphasis, code, a table or a heading (issue 17).
MARKDOWN_ATTACKS = ("![x](http://tracker.example/p.gif)", "[Verify](https://evil.example/)",
                    "<img src=x onerror=alert(1)>", "<https://evil.example/>",
                    "**loud** _em_ ~~gone~~ `code`", "a | b", "www.evil.example",
                    "&#x202e;gnp.exe", "[ref]: https://evil.example/")


def _unescaped(text: str, chars: str) -> list[str]:
    """Each of ``chars`` in ``text`` that no backslash escapes."""
    found = []
    for match in re.finditer(f"[{re.escape(chars)}]", text):
        backslashes = len(text[:match.start()]) - len(text[:match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            found.append(match.group())
    return found


def hostile_markdown() -> AuditResult:
    attack = " ".join(MARKDOWN_ATTACKS)
    record = ProfileRecord(url="https://mastodon.example/@evil", platform="mastodon",
                           handle=f"@evil {attack}", outcome="error",
                           outcome_detail=f"server said: {attack}")
    moved = make_record(url="https://mastodon.example/@moved", outcome="gone",
                        profile=replace(COMPLETE_PROFILE, moved_to=attack))
    organisation = OrganisationResult(f"# Org {attack}", "client", None,
                                      (judged(record), judged(moved)))
    other = OrganisationResult("1. Other", "competitor", None, ())
    return check(organisations=(organisation, other), name=f"Audit {attack}")


def test_scraped_text_cannot_become_markdown_links_images_or_html() -> None:
    text = render_brief(hostile_markdown())
    # no link, image, HTML, emphasis, code, table cell or strike-through can form ...
    assert "\n## Side by side\n" in text
    for line in text.splitlines():
        if line.startswith("- Mastodon "):  # the brief's own autolink: <https://…>
            line = re.sub(r" <https://mastodon\.example/@\w+>:", " :", line)
        if re.fullmatch(r"\|[-:|]+\|", line):  # the side-by-side table's own rule
            continue
        if line.startswith("| ") and line.endswith(" |"):  # its own cell borders
            line = re.sub(r"(?<!\\) \| ", " ", line[2:-2])
            line = line.replace(" **", " ").replace("** ", " ")  # the client's row in bold
        assert not _unescaped(line, "[]<>`*|~$&"), line
        assert not re.search(r"(?<!\\)_(?![A-Za-z0-9])|(?<![A-Za-z0-9\\])_", line), line
        # ... and no bare URL that GitHub would make a link of
        assert "://" not in line.replace("\\://", "").replace(" <https://", ""), line
        assert "www." not in line, line
    # every attack is still there to read, character for character, once unescaped
    shown = re.sub(r"\\(.)", r"\1", text)
    for attack in MARKDOWN_ATTACKS:
        assert attack in shown, attack
    # headings and lists are the brief's own only
    assert "\n## \\# Org " in text and "\n## 1\\. Other (competitor)" in text
    assert "- GONE (high): the account moved to !\\[x\\](http\\://tracker.example" in text


def test_the_terminal_brief_shows_scraped_text_without_backslashes() -> None:
    text = render_brief(hostile_markdown(), markdown=False)
    assert "@evil ![x](http://tracker.example/p.gif) [Verify](https://evil.example/)" in text
    assert "https://mastodon.example/@evil:" in text  # the URL as it is, no <autolink>
    assert "\\" not in text
