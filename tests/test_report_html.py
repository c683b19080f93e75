"""report.html: escaped untrusted text, safe links only, the comparison table, every flag shown."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor.audit import AuditResult, OrganisationResult, ProfileResult
from auditor.config import Thresholds
from auditor.messages import text
from auditor.metrics import compute_metrics
from auditor.models import Item, ProfileRecord
from auditor.report import clean_text
from auditor.report import html as html_report
from auditor.report.format import (
    COMPACT_FROM,
    EVIDENCE_CHARS,
    EVIDENCE_ITEMS,
    days_ago,
    percent,
    web_url,
)
from auditor.report.html import render_html, write_html
from auditor.report.viewmodel import RankedValue
from auditor.report.views import build_report_view
from auditor.verdicts import Flag, outcome_message
from tests.conftest import AS_OF, COMPLETE_PROFILE, judged, make_audit, make_items, make_record

T = Thresholds()
CSP = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
       'style-src \'unsafe-inline\'; img-src https: data:">')
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
#: Tags the template itself uses; anything else in the output was injected.
TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "article", "div", "p", "span", "strong", "h1", "h2", "h3", "h4", "dl", "dt", "dd", "ul",
    "li", "a", "table", "thead", "tbody", "tr", "th", "td", "br", "ol",
    # detail folded away (evidence, the numbers behind a card, the method)
    "details", "summary",
    # the inline SVG charts
    "figure", "figcaption", "svg", "defs", "pattern", "rect", "line", "text",
}


def profile_result(record: ProfileRecord, thresholds: Thresholds = T) -> ProfileResult:
    return judged(record, thresholds)


def organisation(name: str, *records: ProfileRecord, role: str = "client",
                 website: str | None = None) -> OrganisationResult:
    return OrganisationResult(name, role, website, tuple(profile_result(r) for r in records))


def audit(*organisations: OrganisationResult, missing: int = 0,
          thresholds: Thresholds = T) -> AuditResult:
    return make_audit(*organisations, missing=missing, thresholds=thresholds)


def dead_record(**fields: object) -> ProfileRecord:
    return make_record(items=make_items([(212, "original")]), **fields)


def card(page: str, anchor: str) -> str:
    """The HTML of one profile card (cards hold no nested sections)."""
    start = page.index(f'id="{anchor}"')
    start = page.rindex("<section", 0, start)
    return page[start:page.index("</section>", start)]


class Tags(HTMLParser):
    """Every start tag, attribute and link target in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href":
                self.hrefs.append(value or "")


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


# ---------------------------------------------------------------- the page itself


def test_page_is_self_contained_with_csp_and_viewport() -> None:
    page = render_html(audit(organisation("Spaak", dead_record())))
    assert page.startswith("<!DOCTYPE html>")
    assert CSP in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    tags = parse(page)
    # no script, no stylesheet or image from elsewhere, nothing that loads anything
    assert tags.tags <= TEMPLATE_TAGS
    assert "src" not in tags.attributes and "<link" not in page
    assert "@media print" in page


def test_environment_autoescapes_every_template() -> None:
    from jinja2 import StrictUndefined

    environment = html_report._environment()
    assert environment.autoescape is True
    assert environment.undefined is StrictUndefined


def test_header_shows_dates_version_window_and_thresholds() -> None:
    thresholds = Thresholds(dead_after_days=120, stale_after_days=45,
                            broadcast_max_reply_share=0.15)
    page = render_html(audit(organisation("Spaak", dead_record()), thresholds=thresholds))
    header = page[page.index("<header>"):page.index("</header>")]
    assert "Presence audit, Q4" in header
    assert "2026-11-01" in header                # as of
    assert "90 days" in header                   # the window
    assert "times in UTC" in header
    # the rest is the method, folded away at the end (it used to open the report)
    assert "120 days without a post" not in header
    method = page[page.index('<details class="appendix" id="method">'):]
    method = method[:method.index("</details>")]
    assert "2026-11-01 02:05 UTC" in method      # generated at
    assert "9.8.7" in method
    assert "120 days without a post" in method and "45 days without a post" in method
    assert "reply share below 15%" in method


# ---------------------------------------------------------------- untrusted input


def test_hostile_strings_are_escaped_and_never_become_markup_or_links() -> None:
    hostile_profile = replace(COMPLETE_PROFILE, display_name=SCRIPT,
                              bio=f"Hello {BREAKOUT} {SCRIPT}", links=(JS_URL,))
    items = (Item(id="1", published_at=AS_OF - timedelta(days=200), kind="original",
                  url=JS_URL),)
    hostile = ProfileRecord(url=JS_URL, platform="mastodon", handle=f"@x{BREAKOUT}",
                            outcome="ok", profile=hostile_profile, items=items)
    unread = make_record(url="https://mastodon.example/@blocked", outcome="blocked",
                         outcome_detail=f"{SCRIPT} {BREAKOUT}", profile=None)
    result = audit(organisation(f"Evil {SCRIPT}", hostile, unread, website=JS_URL),
                   organisation("Rival", dead_record(), role="competitor"))
    page = render_html(result)

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    tags = parse(page)
    assert tags.tags <= TEMPLATE_TAGS
    assert not any(name.startswith("on") for name in tags.attributes)
    # the javascript: URL is shown as text (profile URL, website, evidence), never as a link
    assert 'href="javascript:' not in page.lower()
    assert all(href.startswith(("https://", "http://", "#")) for href in tags.hrefs), tags.hrefs
    assert JS_URL in page
    dead = card(page, "org-1-p1")
    assert "DEAD" in dead and JS_URL in dead


@pytest.mark.parametrize(("url", "expected"), [
    ("https://mastodon.example/@spaak", "https://mastodon.example/@spaak"),
    ("http://example.nl/a?b=c", "http://example.nl/a?b=c"),
    (" https://example.nl/ ", "https://example.nl/"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("vbscript:msgbox", None),
    ("//evil.example/x", None),
    ("/relative/path", None),
    ("https://", None),
    ("https://exa mple.nl/", None),
    ("https://example.nl/\x00", None),
    ("https://example.nl/\x1b[31m", None),
    ("ftp://example.nl/file", None),
    (None, None),
    (42, None),
])
def test_only_http_urls_become_links(url: object, expected: str | None) -> None:
    assert web_url(url) == expected


def test_control_characters_and_terminal_escapes_are_stripped() -> None:
    bio = "Bel ons\x1b[31m nu\x1b[0m\x00 of\x07 mail \u202einfo@x.example\x7f\x9b2J hier"
    record = make_record(items=make_items([(1, "original")]),
                         profile=replace(COMPLETE_PROFILE, bio=bio))
    page = render_html(audit(organisation("Spaak", record)))
    for bad in ("\x1b", "\x00", "\x07", "\u202e", "\x7f", "\x9b", "[31m", "[0m"):
        assert bad not in page
    assert "Bel ons nu of mail info@x.example hier" in page


def test_clean_text_keeps_lines_only_when_asked_and_caps() -> None:
    assert clean_text("a\tb\n\n\n\nc  d") == "a b c d"
    assert clean_text("a\tb\n\n\n\nc  d", multiline=True) == "a b\n\nc d"
    assert clean_text(None) == ""
    capped = clean_text("x" * 1000, 300)
    assert len(capped) == 300 and capped.endswith("…")


def test_oversized_bio_is_capped() -> None:
    bio = "Fietsenmaker " + "A" * 5000
    record = make_record(items=make_items([(1, "original")]),
                         profile=replace(COMPLETE_PROFILE, bio=bio))
    result = audit(organisation("Spaak", record))
    view = build_report_view(result).organisations[0].profiles[0]
    assert len(view.bio) <= 500 and view.bio.endswith("…")
    page = render_html(result)
    assert "A" * 480 in page
    assert "A" * 501 not in page


def test_evidence_is_capped_in_count_and_length() -> None:
    record = make_record(items=make_items([(1, "original")]))
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=T)
    flag = Flag(code="AUTOMATED", severity="low", reason=text("posts at a fixed minute"),
                evidence={"posts": [{"date": "2026-10-01T09:00:00+00:00",
                                     "url": f"https://mastodon.example/@t/{n}",
                                     "kind": "original", "text": "z" * 1000}
                                    for n in range(50)]})
    result = audit(OrganisationResult("Spaak", "client", None,
                                      (ProfileResult(record, metrics, (flag,)),)))
    flag_view = build_report_view(result).organisations[0].profiles[0].flags[0]
    assert len(flag_view.evidence) == EVIDENCE_ITEMS
    assert flag_view.evidence_hidden == 50 - EVIDENCE_ITEMS
    assert all(len(item.text) <= EVIDENCE_CHARS for item in flag_view.evidence)
    page = render_html(result)
    assert "30 more evidence items not shown" in page
    assert "z" * (EVIDENCE_CHARS + 1) not in page
    assert "https://mastodon.example/@t/19" in page and "https://mastodon.example/@t/20" not in page
    assert "AUTOMATED" in card(page, "org-1-p1")


# ---------------------------------------------------------------- summary and comparison


def test_no_comparison_table_for_a_single_organisation() -> None:
    result = audit(organisation("Spaak", dead_record()))
    assert build_report_view(result).comparison == ()
    page = render_html(result)
    assert '<table class="comparison">' not in page
    assert '<tr class="client">' not in page


def test_comparison_table_with_several_organisations_marks_the_client() -> None:
    healthy = make_record(url="https://mastodon.example/@rival",
                          items=make_items([(d, "reply" if d % 3 == 0 else "original")
                                            for d in range(1, 60)]))
    result = audit(organisation("Rival BV", healthy, role="competitor"),
                   organisation("Spaak", dead_record()))
    rows = build_report_view(result).comparison
    # ranked: the active rival before the dead client, whatever the config order
    assert [row.name for row in rows] == ["Rival BV", "Spaak"]
    assert [row.position for row in rows] == [1, 2]
    assert rows[1].is_client and not rows[0].is_client
    assert rows[0].posts_per_week.rank == "#1" and rows[1].posts_per_week.rank == "#2"
    assert rows[0].days_since == RankedValue("1 day ago", "#1")
    assert rows[1].days_since.text == "212 days ago" and rows[1].days_since.rank == "#2"
    assert rows[1].completeness == RankedValue("100/100", "#1")  # a tie shares the rank
    assert rows[0].reply_share.text == "32.2%" and rows[1].reply_share == RankedValue("n/a", "")
    assert (rows[1].flags, rows[1].ok_profiles) == (1, 0)
    page = render_html(result)
    table = page[page.index('<table class="comparison">'):]
    table = table[:table.index("</table>")]
    client_rows = re.findall(r'<tr class="client">.*?</tr>', table, re.S)
    assert len(client_rows) == 1 and "Spaak" in client_rows[0]
    assert "Rival BV" in table and "Rival BV" not in client_rows[0]


def test_summary_counts_flags_by_severity_and_lists_profiles_needing_attention() -> None:
    healthy = make_record(url="https://mastodon.example/@ok",
                          items=make_items([(d, "reply" if d % 3 == 0 else "original")
                                            for d in range(1, 60)]))
    gone = make_record(url="https://mastodon.example/@gone", outcome="not_found", profile=None)
    result = audit(organisation("Spaak", healthy, dead_record(), gone))
    org = build_report_view(result).organisations[0]
    assert org.summary == "3 profiles, 2 flags"
    assert {c.severity: c.count for c in org.severity_counts} == {"high": 2, "medium": 0,
                                                                   "low": 0}
    assert [a.anchor for a in org.attention] == ["org-1-p2", "org-1-p3"]
    page = render_html(result)
    summary = page[page.index('id="summary"'):page.index('id="org-1"')]
    # the scoreboard links every profile, each with its state in a word
    assert 'href="#org-1-p1"' in summary and "✓ active" in summary
    assert 'href="#org-1-p2"' in summary and "✗ dead" in summary
    assert 'href="#org-1-p3"' in summary and "✗ gone" in summary
    # the client's fixes link the profiles that need them
    fixes = summary[summary.index('<ol class="fixes">'):summary.index("</ol>")]
    assert 'href="#org-1-p3"' in fixes and 'href="#org-1-p1"' not in fixes


# ---------------------------------------------------------------- profile cards


def test_each_flag_shows_code_severity_reason_fix_and_evidence() -> None:
    page = render_html(audit(organisation("Spaak", dead_record())))
    dead = card(page, "org-1-p1")
    # coloured by its worst flag, not by the fetch outcome (it was read fine)
    assert 'class="profile-card state-high"' in dead
    assert '<span class="state state-high">✗ dead</span>' in dead
    assert '<span class="code">DEAD</span>' in dead
    assert '<span class="sev sev-high">high</span>' in dead
    assert "last post 212 days ago, threshold 90" in dead
    assert "Post again and answer questions" in dead  # the fix
    assert "Last post:</span> 2026-04-03" in dead      # evidence: the date of the last post
    assert "Limit:</span> 90 days without a post" in dead
    assert "Date from:</span> the newest post read" in dead
    assert "threshold_days" not in dead and "source:" not in dead
    assert ('<a href="https://mastodon.example/@t/0" rel="noopener noreferrer nofollow">'
            "https://mastodon.example/@t/0</a>") in dead


def test_every_flag_of_a_profile_is_in_its_card() -> None:
    profile = replace(COMPLETE_PROFILE, avatar_is_default=True)
    record = make_record(items=make_items([(1 + d, "original") for d in range(30)]),
                         profile=profile)
    result = audit(organisation("Spaak", record))
    page = render_html(result)
    this = card(page, "org-1-p1")
    flags = result.organisations[0].profiles[0].flags
    assert {flag.code for flag in flags} == {"INCOMPLETE", "BROADCAST_ONLY"}
    for flag in flags:
        assert f'<span class="code">{flag.code}</span>' in this
        assert f"sev-{flag.severity}" in this
        assert clean_text(flag.reason, 500).replace("'", "&#39;") in this
    assert this.index("INCOMPLETE") < this.index("BROADCAST_ONLY")  # high before medium
    assert "Own posts read:</span> 30 posts" in this
    assert "Limit:</span> reply share under 10%" in this
    evidence = " ".join(re.findall(r'<ul class="evidence">.*?</ul>', this, re.S))
    assert "threshold" not in evidence and "0.1" not in evidence and "_" not in evidence


def test_card_shows_profile_facts_metrics_and_checklist() -> None:
    record = make_record(items=make_items([(1 + d, "original") for d in range(39)]),
                         profile=replace(COMPLETE_PROFILE, banner_is_default=True))
    page = render_html(audit(organisation("Spaak", record)))
    this = card(page, "org-1-p1")
    assert ('<a href="https://mastodon.example/@spaak" rel="noopener noreferrer nofollow">'
            in this)
    assert "Mastodon @spaak@mastodon.example" in this
    assert "(ok)" not in this and '<span class="outcome">' not in this
    assert "2026-10-31" in this and "1 day ago" in this
    # posts per week with its basis: window, covered days, sampled items
    assert "over 39 of the 90 window days" in this and "39 items sampled" in this
    assert "0%" in this                                     # reply share, measured
    assert "✓" in this and "✗" in this
    assert "completeness 95/100" in this


def test_null_reply_share_shows_na_with_its_reason() -> None:
    few = make_record(items=make_items([(1 + d, "original") for d in range(5)]))
    page = render_html(audit(organisation("Spaak", few)))
    assert ("n/a — only 5 own posts in the window; at least 20 needed"
            in card(page, "org-1-p1"))

    hidden = make_record(items=make_items([(1 + d, "original") for d in range(30)]),
                         replies_observable=False)
    page = render_html(audit(organisation("Spaak", hidden)))
    this = card(page, "org-1-p1")
    assert "n/a — not measurable: mastodon does not show replies" in this
    assert "BROADCAST_ONLY" not in this  # unknown is not zero


def test_unknown_checklist_item_shows_a_dash() -> None:
    record = make_record(items=make_items([(1, "original")]),
                         unobservable={"banner": "the platform has no banner"})
    this = card(render_html(audit(organisation("Spaak", record))), "org-1-p1")
    assert 'class="check unknown"' in this and "—" in this
    assert "the platform has no banner" in this


@pytest.mark.parametrize("outcome", ["login_wall", "blocked", "rate_limited", "error"])
def test_unreadable_profiles_are_shown_with_their_unauditable_flag(outcome: str) -> None:
    record = make_record(url="https://mastodon.example/@walled", outcome=outcome,
                         outcome_detail="HTTP 999", profile=None)
    this = card(render_html(audit(organisation("Spaak", record))), "org-1-p1")
    assert 'class="profile-card state-unread"' in this
    assert '<span class="state state-unread">? not read</span>' in this
    words = str(outcome_message(outcome))
    assert f"<strong>{words}</strong> — HTTP 999" in this
    assert "HTTP 999" in this
    assert '<span class="code">UNAUDITABLE</span>' in this
    assert f"could not be audited: {words} (HTTP 999)" in this
    assert f"n/a — profile not read (outcome {outcome})" in this
    assert "DEAD" not in this


def test_gone_profile_card() -> None:
    record = make_record(url="https://mastodon.example/@old", outcome="gone", profile=None)
    this = card(render_html(audit(organisation("Spaak", record))), "org-1-p1")
    assert 'class="profile-card state-high"' in this and "✗ gone" in this
    assert '<span class="code">GONE</span>' in this


# ---------------------------------------------------------------- legend, footer, warning


def test_legend_explains_every_flag_and_footer_says_unknown_is_not_zero() -> None:
    page = render_html(audit(organisation("Spaak", dead_record())))
    legend = page[page.index('id="legend"'):page.index("</section>", page.index('id="legend"'))]
    for code in ("GONE", "NEVER_USED", "DEAD", "STALE", "BROADCAST_ONLY", "INCOMPLETE",
                 "UNAUDITABLE"):
        assert f"<dt>{code}</dt>" in legend
    footer = page[page.index("<footer>"):]
    assert "Unknown is not zero" in footer


def test_cut_short_crawl_shows_a_warning() -> None:
    assert 'role="alert"' not in render_html(audit(organisation("Spaak", dead_record())))
    page = render_html(audit(organisation("Spaak", dead_record()), missing=2))
    assert 'role="alert"' in page
    assert "The crawl was cut short: 2 listed profiles could not be fetched" in page


# ---------------------------------------------------------------- formatting and writing


def test_formatting_helpers() -> None:
    assert [days_ago(n) for n in (None, 0, 1, 12)] == ["n/a", "under a day ago", "1 day ago",
                                                       "12 days ago"]
    assert [percent(v) for v in (None, 0.0, 0.1, 0.125, 1.0)] == ["n/a", "0%", "10%", "12.5%",
                                                                  "100%"]


def test_write_html_writes_the_rendered_page(tmp_path: Path) -> None:
    result = audit(organisation("Spaak", dead_record()))
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write_html(result, target)
    assert target.read_text(encoding="utf-8") == render_html(result)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_write_html_leaves_the_old_file_and_no_temp_file_on_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_html(audit(organisation("Spaak", dead_record())), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_large_audits_list_profiles_as_rows_without_charts() -> None:
    records = [make_record(url=f"https://mastodon.example/@p{i}",
                           items=make_items([(1 + i % 200, "original")]))
               for i in range(COMPACT_FROM)]
    result = audit(organisation("Spaak", *records))
    view = build_report_view(result)
    assert view.compact
    assert all(p.timeline is None and p.posts == () for p in view.organisations[0].profiles)
    page = render_html(result)
    assert '<table class="profiles">' in page and 'class="profile-card' not in page
    assert page.count('<tr id="org-1-p') == COMPACT_FROM  # every profile, one row each
    assert "<svg viewBox" not in page
    assert f"This audit has {COMPACT_FROM} profiles" in page
    # the browser lays out only the organisations near the screen
    assert "content-visibility: auto" in page
    small_result = audit(organisation("Spaak", *records[:3]))
    small = build_report_view(small_result)
    assert not small.compact and small.organisations[0].profiles[0].timeline is not None
    assert "content-visibility" not in render_html(small_result)
