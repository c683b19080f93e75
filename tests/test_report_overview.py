"""The report a client reads in five minutes (issue 18): the first screen (scoreboard,
headline numbers, the client's fixes, observations about competitors), cards coloured by
their worst flag, evidence in words, names people recognise, the time zone, branding,
report.xlsx and report.md's side-by-side table."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor.audit import AuditResult, OrganisationResult, judge_audit
from auditor.branding import LOGO_MAX_BYTES, Branding
from auditor.config import ConfigError, config_from_data
from auditor.i18n import translator
from auditor.metrics import compute_metrics
from auditor.models import ProfileRecord
from auditor.report.brief import render_brief
from auditor.report.html import render_html
from auditor.report.overview import profile_state, recognisable_name
from auditor.report.views import build_report_view
from auditor.report.xlsx_report import write_xlsx
from auditor.verdicts import judge
from tests.conftest import AS_OF, COMPLETE_PROFILE, judged, make_audit, make_items, make_record

EN = translator("en")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def record(url: str, *, platform: str = "mastodon", handle: str | None = None,
           days: int = 1, **fields: object) -> ProfileRecord:
    """A read profile whose newest post is ``days`` old, chatty enough for no flag."""
    items = make_items([(days + 3 * i, "reply" if i % 3 == 0 else "original")
                        for i in range(25)])
    made = make_record(url=url, items=items, **fields)
    return replace(made, platform=platform, handle=handle or made.handle)


def dead(url: str, **fields: object) -> ProfileRecord:
    return record(url, days=200, **fields)


def gone(url: str, **fields: object) -> ProfileRecord:
    return replace(make_record(url=url, outcome="not_found", profile=None), **fields)


def org(name: str, *records: ProfileRecord, role: str = "client") -> OrganisationResult:
    return OrganisationResult(name, role, None, tuple(judged(r) for r in records))


def three_organisations() -> AuditResult:
    """A client on Mastodon and Bluesky; two competitors, silent on Bluesky and Mastodon."""
    client = org("Spaak",
                 record("https://mastodon.example/@spaak", handle="@spaak@mastodon.example"),
                 dead("https://mastodon.example/@spaak_oud", handle="@spaak_oud@mastodon.example"),
                 record("https://bsky.app/profile/spaak.example", platform="bluesky",
                        handle="@spaak.example"))
    ratel = org("Ratel", dead("https://fedi.example/@ratel", handle="@ratel@fedi.example"),
                gone("https://bsky.app/profile/ratel.example", platform="bluesky",
                     handle="@ratel.example"), role="competitor")
    velo = org("Velo", record("https://mastodon.example/@velo", handle="@velo@mastodon.example"),
               role="competitor")
    return make_audit(client, ratel, velo)


# ------------------------------------------------------------------ a profile's state


def test_the_state_is_the_worst_flag_in_a_word_not_the_fetch_outcome() -> None:
    assert profile_state([("DEAD", "high")], "ok", EN).word == "dead"
    assert profile_state([("DEAD", "high")], "ok", EN).css == "high"
    state = profile_state([("BROADCAST_ONLY", "medium"), ("AUTOMATED", "low")], "ok", EN)
    assert (state.word, state.css, state.symbol) == ("broadcast-only", "medium", "!")
    unread = profile_state([("UNAUDITABLE", "low")], "unread", EN)
    assert (unread.word, unread.css, unread.symbol) == ("not read", "unread", "?")
    assert profile_state([], "ok", EN).word == "active"
    assert profile_state([], "unread", EN).word == "not read"  # unknown is never "active"


def test_a_dead_card_is_red_with_its_word_not_green_and_read_ok() -> None:
    page = render_html(make_audit(org("Spaak", dead("https://mastodon.example/@x"))))
    card = page[page.index('<section class="profile-card'):]
    card = card[:card.index("</section>")]
    assert card.startswith('<section class="profile-card state-high"')
    assert '<span class="state state-high">✗ dead</span>' in card
    assert "state-ok" not in card and "(ok)" not in card


def test_names_people_recognise_not_channel_ids() -> None:
    assert recognisable_name("UCRatelTweewielersKanaal", "Ratel Tweewielers", "x") == \
        "Ratel Tweewielers"
    assert recognisable_name("@ratelwerkplaats", "Ratel Werkplaats", "x") == "@ratelwerkplaats"
    assert recognisable_name("blog.ratel.example/feed", "", "https://x") == \
        "blog.ratel.example/feed"
    channel = replace(dead("https://www.youtube.com/channel/UCRatelTweewielersKanaal",
                           profile=replace(COMPLETE_PROFILE, display_name="Ratel Tweewielers")),
                      platform="youtube", handle="UCRatelTweewielersKanaal")
    view = build_report_view(make_audit(org("Spaak", channel)))
    profile = view.organisations[0].profiles[0]
    assert (profile.platform_name, profile.name) == ("YouTube", "Ratel Tweewielers")
    assert profile.label == "YouTube Ratel Tweewielers"
    fixes = [fix.profiles for fix in view.fixes]
    assert fixes == ["YouTube Ratel Tweewielers"]


# ------------------------------------------------------------------ the first screen


def test_scoreboard_is_networks_by_organisations_with_every_profile_in_words() -> None:
    view = build_report_view(three_organisations())
    board = view.scoreboard
    assert board is not None
    assert [c.name for c in board.columns] == ["Spaak", "Ratel", "Velo"]
    assert board.columns[0].is_client and board.columns[0].short_verdict == \
        "1 of 3 need attention"
    assert [row.network for row in board.rows] == ["Mastodon", "Bluesky"]
    mastodon, bluesky = board.rows
    assert [(c.state.word, c.name) for c in mastodon.cells[0].chips] == [
        ("active", "@spaak"), ("dead", "@spaak_oud")]
    assert [c.state.word for c in bluesky.cells[1].chips] == ["gone"]
    assert bluesky.cells[2].chips == ()  # Velo lists no Bluesky profile
    page = render_html(three_organisations())
    summary = page[page.index('id="summary"'):page.index('id="comparison"')]
    # readable without colour: a symbol and a word in every chip, not only a class
    for chip in re.findall(r'<a class="chip".*?</a>', summary, re.S):
        assert re.search(r'<span class="state state-\w+">[✗!·?✓] [a-z -]+</span>', chip), chip


def test_headline_counts_profiles_by_state_worst_first() -> None:
    view = build_report_view(three_organisations())
    assert [h.text for h in view.headline] == ["6 profiles", "1 gone", "2 dead", "3 active"]


def test_fixes_are_the_clients_only_with_the_platform_beside_the_handle() -> None:
    view = build_report_view(three_organisations())
    assert view.client == "Spaak"
    assert len(view.fixes) == 1
    fix = view.fixes[0]
    assert fix.text.startswith("Post again") and fix.severity == "high"
    assert fix.profiles == "Mastodon @spaak_oud@mastodon.example"  # not Ratel's dead profile
    page = render_html(three_organisations())
    assert "What Spaak should do first" in page
    # a competitor's card tells what is wrong, never what the reader should fix there
    ratel = page[page.index('id="org-2"'):page.index('id="org-3"')]
    assert "Fix:" not in ratel and "Post again" not in ratel
    assert "Fix:" in page[page.index('id="org-1"'):page.index('id="org-2"')]


def test_competitors_get_observations_and_openings() -> None:
    view = build_report_view(three_organisations())
    assert view.observations == (
        "Both competitors are silent on or absent from Bluesky. Spaak is active there: an "
        "open field.",
        "Ratel has no active profile: 2 of its 2 profiles are gone, dead, stale or never used.",
    )
    # a network where the client is absent and a competitor posts
    client = org("Spaak", record("https://mastodon.example/@spaak"))
    rival = org("Velo", record("https://mastodon.example/@velo"),
                record("https://t.me/velo", platform="telegram", handle="@velo"),
                role="competitor")
    lines = build_report_view(make_audit(client, rival)).observations
    assert lines == ("Velo is active on Telegram, where Spaak is not.",)
    # nobody to compare with: nothing is made up
    assert build_report_view(make_audit(client)).observations == ()


def test_the_report_md_has_the_side_by_side_table_and_no_fixes_for_competitors() -> None:
    text = render_brief(three_organisations())
    table = text[text.index("## Side by side"):text.index("## The competitors")]
    overall = table.split("### ")[0]
    rows = [line for line in overall.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| # | Organisation | Role |")
    assert len(rows) == 4 and "**Spaak**" in table
    # then one table per network the organisations share (issue 19), ranked
    mastodon = table[table.index("### Mastodon"):]
    assert "| Organisation | Followers | Interactions per post | Posts per week |" in mastodon
    ratel = text[text.index("## Ratel"):text.index("## Velo")]
    assert "Most useful fixes" not in ratel
    spaak = text[text.index("## Spaak"):text.index("## Ratel")]
    assert "1. Post again" in spaak and "(Mastodon @spaak_oud@mastodon.example)" in spaak


# ------------------------------------------------------------------ evidence in words


def _evidence(page: str) -> str:
    return " ".join(re.findall(r'<ul class="evidence">(.*?)</ul>', page, re.S))


def test_evidence_is_in_words_with_units_never_internal_keys() -> None:
    broadcast = make_record(url="https://mastodon.example/@news",
                            items=make_items([(1 + d, "original") for d in range(40)]))
    never = make_record(url="https://mastodon.example/@never",
                        items=make_items([(100, "original")]),
                        profile=replace(COMPLETE_PROFILE, posts_total=1, bio=""))
    stale = make_record(url="https://mastodon.example/@stale",
                        items=make_items([(40, "original")]))
    page = render_html(make_audit(org("Spaak", broadcast, never, stale,
                                      dead("https://mastodon.example/@dead"),
                                      gone("https://mastodon.example/@gone"))))
    evidence = _evidence(page)
    for key in ("basis_posts", "own_link_share", "not_linked", "threshold_days",
                "source:", "items", "threshold:", "0.1<", "covered_days", "_"):
        assert key not in evidence, key
    assert "Limit:</span> reply share under 10%" in evidence
    assert "Limit:</span> 90 days without a post" in evidence
    assert "Limit:</span> 30 days without a post" in evidence
    assert "Period read:</span> the last 40 days" in evidence  # the sample reaches 40 days
    assert "Posts ever:</span> 1 post" in evidence
    assert "Missing:</span> Bio" in evidence
    assert "What happened:</span> not found" in evidence


def test_evidence_is_folded_away_and_the_method_is_an_appendix() -> None:
    page = render_html(make_audit(org("Spaak", dead("https://mastodon.example/@x"))))
    assert '<details class="evidence-box"><summary>Evidence</summary>' in page
    assert '<details class="more"><summary>Numbers, charts, checklist and posts</summary>' in page
    assert page.index('<details class="appendix" id="method">') > page.index('id="org-1"')
    assert "@media print" in page and "@page" in page


# ------------------------------------------------------------------ time zone


def _config(**audit: object) -> dict[str, object]:
    return {"audit": audit, "organisation": [
        {"name": "Spaak", "profiles": ["https://mastodon.example/@spaak"]}]}


def test_timezone_is_an_iana_name_checked_with_a_clear_error() -> None:
    assert config_from_data(_config(), path=None).audit.timezone == "UTC"
    assert config_from_data(_config(timezone="Europe/Amsterdam"),
                            path=None).audit.timezone == "Europe/Amsterdam"
    for bad in ("Europe/Amsterdm", "CEST+2", "../../etc/passwd", "", 3):
        with pytest.raises(ConfigError) as error:
            config_from_data(_config(timezone=bad), path=None)
        assert error.value.problems[0].startswith("audit.timezone: ")
        assert "IANA name such as \"Europe/Amsterdam\"" in error.value.problems[0]


def test_hour_chart_and_post_times_are_in_the_audit_time_zone() -> None:
    nine_utc = datetime(2026, 10, 30, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam (CET)
    items = make_items([(1, "original")])
    items = tuple(replace(item, published_at=nine_utc) for item in items)
    spaak = make_record(items=items)
    config = config_from_data(_config(timezone="Europe/Amsterdam"), path=None)
    result = judge_audit(config, [spaak], as_of=AS_OF, generated_at=AS_OF)
    assert result.timezone == "Europe/Amsterdam"
    metrics = result.organisations[0].profiles[0].metrics
    assert metrics.local_hour_profile is not None
    assert metrics.local_hour_profile[10] == 1 and metrics.local_hour_profile[9] == 0
    assert metrics.hour_profile[9] == 1  # report.json's hour_profile_utc stays UTC
    page = render_html(result)
    assert "Own posts per hour of the day (Europe/Amsterdam)" in page
    assert "2026-10-30 10:00 CET" in page and "times in Europe/Amsterdam" in page
    # the default stays UTC
    utc = compute_metrics(spaak, AS_OF, window_days=90, thresholds=config.thresholds)
    assert utc.hour_profile[9] == 1 and utc.local_hour_profile is None
    assert judge(spaak, utc, config.thresholds) == judge(spaak, metrics, config.thresholds)


# ------------------------------------------------------------------ branding


def test_branding_embeds_a_small_checked_logo(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    data = {**_config(), "branding": {"name": "Bureau Fiets & Co", "logo": "logo.png"}}
    config = config_from_data(data, path=tmp_path / "audit.toml")
    assert config.branding.name == "Bureau Fiets & Co"
    assert config.branding.logo.startswith("data:image/png;base64,iVBORw0KGgo")
    result = judge_audit(config, [make_record()], as_of=AS_OF, generated_at=AS_OF)
    page = render_html(result)
    assert f'<img src="{config.branding.logo}" alt="Bureau Fiets &amp; Co">' in page
    assert "Prepared by Bureau Fiets &amp; Co." in page


@pytest.mark.parametrize(("content", "problem"), [
    (b"GIF89a" + b"\0" * (LOGO_MAX_BYTES + 1), "may be at most 256 KB"),
    (b"<html><script>alert(1)</script></html>", "is not a PNG, JPEG, GIF, WebP or SVG image"),
    (b"MZ\x90\x00 not an image", "is not a PNG, JPEG, GIF, WebP or SVG image"),
])
def test_a_logo_too_large_or_not_an_image_is_refused(tmp_path: Path, content: bytes,
                                                     problem: str) -> None:
    (tmp_path / "logo.png").write_bytes(content)
    data = {**_config(), "branding": {"logo": "logo.png"}}
    with pytest.raises(ConfigError) as error:
        config_from_data(data, path=tmp_path / "audit.toml")
    assert len(error.value.problems) == 1, error.value.problems
    assert "branding.logo: " in error.value.problems[0]
    assert problem in error.value.problems[0]
    with pytest.raises(ConfigError) as missing:
        config_from_data({**_config(), "branding": {"logo": "nope.png"}}, path=tmp_path / "a")
    assert "nope.png: no such file" in missing.value.problems[0]


def test_a_branding_without_a_logo_checks_nothing_else() -> None:
    result = replace(make_audit(org("Spaak", record("https://mastodon.example/@s"))),
                     branding=Branding(name="Bureau"))
    page = render_html(result)
    assert "<img" not in page and '<div class="brand"><span>Bureau</span></div>' in page


# ------------------------------------------------------------------ report.xlsx


def test_xlsx_has_typed_cells_a_sheet_per_view_and_no_formulas(tmp_path: Path) -> None:
    hostile = record("https://mastodon.example/@x", handle="x",
                     profile=replace(COMPLETE_PROFILE, display_name='=HYPERLINK("http://e/")'))
    client = org("=cmd|' /C calc'!A0", hostile,
                 replace(dead("https://mastodon.example/@ratel"), handle="@ratelwerkplaats"),
                 gone("https://mastodon.example/@old"))
    rival = org("Velo", record("https://mastodon.example/@velo", handle="@velo"),
                role="competitor")
    path = tmp_path / "report.xlsx"
    write_xlsx(make_audit(client, rival), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Profiles", "Organisations", "Flags"]
    profiles = book["Profiles"]
    header = [cell.value for cell in profiles[1]]
    assert header[:4] == ["Organisation", "Role", "Network", "Profile"]
    rows = {row[3].value: row for row in profiles.iter_rows(min_row=2)}
    formula = rows['=HYPERLINK("http://e/")']
    assert formula[0].value == "=cmd|' /C calc'!A0" and formula[0].data_type == "s"
    assert formula[3].data_type == "s"
    handle = rows["@ratelwerkplaats"]  # no apostrophe in front
    last_post = handle[header.index("Last post (UTC)")]
    assert isinstance(last_post.value, datetime) and last_post.number_format == "yyyy-mm-dd"
    assert handle[header.index("Days since last post")].value == 200
    share = formula[header.index("Reply share")]
    assert isinstance(share.value, float) and share.number_format == "0.0%"
    assert 0 < share.value < 1
    unread = rows["@spaak@mastodon.example"]  # the gone profile: unknown, not zero
    assert unread[header.index("Posts per week")].value is None
    organisations = [[c.value for c in row] for row in book["Organisations"].iter_rows()]
    assert organisations[0][:3] == ["Organisation", "Role", "Verdict"]
    assert [row[0] for row in organisations[1:]] == ["=cmd|' /C calc'!A0", "Velo"]
    flags = [[c.value for c in row] for row in book["Flags"].iter_rows()]
    assert flags[0] == ["Organisation", "Role", "Network", "Profile", "Flag", "Severity",
                        "Reason", "Fix"]
    assert {row[4] for row in flags[1:]} == {"DEAD", "GONE"}
    assert all(row[7] for row in flags[1:])  # the client's flags carry their fix
    # no formula anywhere in the file: every text is an inline string
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist()
                  if name.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet for sheet in sheets)
    assert not any("'@ratelwerkplaats" in sheet for sheet in sheets)


def test_xlsx_dates_follow_the_time_zone(tmp_path: Path) -> None:
    late = datetime(2026, 10, 30, 23, 30, tzinfo=UTC)  # already the 31st in Amsterdam
    items = tuple(replace(item, published_at=late) for item in make_items([(1, "original")]))
    config = config_from_data(_config(timezone="Europe/Amsterdam"), path=None)
    result = judge_audit(config, [make_record(items=items)], as_of=AS_OF, generated_at=AS_OF)
    path = tmp_path / "report.xlsx"
    write_xlsx(result, path)
    sheet = load_workbook(path)["Profiles"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet[2][header.index("Last post (Europe/Amsterdam)")]
    assert cell.value == datetime(2026, 10, 31, 0, 30)


def test_xlsx_is_in_the_reports_language(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(replace(three_organisations(), lang="nl"), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Profielen", "Organisaties", "Meldingen"]
    assert book["Profielen"]["A1"].value == "Organisatie"



def test_many_organisations_are_listed_with_verdicts_instead_of_a_scoreboard() -> None:
    many = [org(f"Org {n}", record(f"https://mastodon.example/@o{n}"),
                role="competitor" if n else "client") for n in range(13)]
    view = build_report_view(make_audit(*many))
    assert view.scoreboard is None and len(view.headline) == 2  # "13 profiles", "13 active"
    page = render_html(make_audit(*many))
    summary = page[page.index('id="summary"'):page.index('id="comparison"')]
    assert summary.count('<article class="org-summary') == 13
    assert '<table class="scoreboard">' not in summary
