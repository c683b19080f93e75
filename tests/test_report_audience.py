"""Audience, engagement and trends in the reports (issue 19): report/audience.py,
report/trendview.py, the HTML, report.md and the terminal check."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from auditor.audit import OrganisationResult
from auditor.i18n import translator
from auditor.models import Item
from auditor.report.audience import audience_view, network_tables, organisation_audience
from auditor.report.brief import render_brief
from auditor.report.html import render_html
from auditor.report.trendview import trend_views
from auditor.report.views import build_report_view
from auditor.trends import Trend, TrendPoint
from tests.conftest import AS_OF, COMPLETE_PROFILE, judged, make_audit, make_record

EN, NL = translator("en"), translator("nl")


def counted(days: int, likes: int, *, kind: str = "original", text: str = "") -> Item:
    return Item(id=f"{days}{kind}", published_at=AS_OF - timedelta(days=days, minutes=days),
                kind=kind, url=f"https://mastodon.example/@spaak/{days}", text=text,
                likes=likes, shares=1, comments=0, media=0)


def spaak(followers: int | None = 1200, **fields: object) -> OrganisationResult:
    items = tuple([counted(d, 10 * d, text=f"Post {d} #fiets") for d in range(1, 31)]
                  + [counted(d, 99, kind="reply") for d in range(31, 40)])
    record = make_record(url="https://mastodon.example/@spaak", items=items,
                         profile=replace(COMPLETE_PROFILE, followers=followers),
                         fetched_at=AS_OF, **fields)
    return OrganisationResult("Spaak <Fietsen>", "client", None, (judged(record),))


def rival(name: str, followers: int | None) -> OrganisationResult:
    record = make_record(url=f"https://mastodon.example/@{name.lower()}",
                         items=tuple(counted(d, 2) for d in range(1, 25)),
                         profile=replace(COMPLETE_PROFILE, followers=followers))
    return OrganisationResult(name, "competitor", None, (judged(record),))


def test_a_profiles_audience_view_says_what_is_known_and_why_not() -> None:
    profile = spaak().profiles[0]
    view = audience_view(profile, EN)
    assert view is not None
    assert view.keyline.startswith("1,200 followers · ")
    assert "interactions per post" in view.keyline
    rows = {row.label: row for row in view.rows}
    assert rows["Followers"].value == "1,200"
    assert rows["Followers"].basis == "as the platform showed them on 2026-11-01"
    assert rows["Hashtags used most"].value == "#fiets (30)"
    assert not rows["Views per post"].known  # Mastodon counts no views: n/a with the reason
    assert "does not count views" in rows["Views per post"].value
    # the top posts are the originals with most interactions, not the well-liked replies
    assert [p.link.href for p in view.top_posts] == [
        "https://mastodon.example/@spaak/30", "https://mastodon.example/@spaak/29",
        "https://mastodon.example/@spaak/28"]
    assert view.top_posts[0].numbers == "301 interactions"
    # the newest originals, for the terminal check
    assert [p.link.href for p in view.newest] == [
        "https://mastodon.example/@spaak/1", "https://mastodon.example/@spaak/2",
        "https://mastodon.example/@spaak/3"]
    dutch = audience_view(profile, NL)
    assert dutch is not None and dutch.keyline.startswith("1.200 volgers · ")
    unread = judged(make_record(outcome="blocked", profile=None))
    assert audience_view(unread, EN) is None


def test_an_organisations_audience_counts_only_what_is_shown() -> None:
    assert organisation_audience(spaak(), EN) == "1,200 followers on 1 network"
    assert organisation_audience(spaak(followers=None), EN) == ""


def test_side_by_side_per_network_ranks_each_number_and_unknown_has_no_rank() -> None:
    organisations = [spaak(), rival("Ratel", 3000), rival("Velo", None)]
    from auditor.report.audience import network_numbers
    numbers = [network_numbers(o) for o in organisations]
    [table] = network_tables([("a", "Spaak", True), ("b", "Ratel", False),
                              ("c", "Velo", False)], numbers, EN)
    assert table.network == "Mastodon"
    by_name = {row.name: row for row in table.rows}
    assert (by_name["Ratel"].followers.text, by_name["Ratel"].followers.rank) == ("3,000", "#1")
    assert (by_name["Spaak"].followers.rank, by_name["Velo"].followers.rank) == ("#2", "")
    assert by_name["Velo"].followers.text == "n/a"
    assert by_name["Spaak"].interactions.rank == "#1"
    # one organisation alone on a network: no table for it
    assert network_tables([("a", "Spaak", True)], numbers[:1], EN) == ()


def point(month: str, followers: int | None, posts: float | None = 2.0) -> TrendPoint:
    return TrendPoint(month=month, run_id=None, profiles=1, read=1, posts_per_week=posts,
                      followers=followers, interactions=None, reply_share=None, flags=1)


def test_trend_charts_need_two_months_and_break_where_a_month_is_unknown() -> None:
    one = [Trend("Spaak", "client", "mastodon", (point("2026-10", 100),))]
    assert trend_views(one, {}, set(), EN) == ()
    trends = [Trend("Spaak", "client", "mastodon",
                    (point("2026-08", 100), point("2026-09", None), point("2026-10", 130),
                     point("2026-11", 140))),
              Trend("Spaak", "client", "bluesky", (point("2026-10", 50), point("2026-11", 60)))]
    [view] = trend_views(trends, {"Spaak": "org-1"}, {"Spaak"}, EN)
    assert view.anchor == "org-1" and view.is_client
    followers = next(chart for chart in view.charts if chart.caption == "Followers")
    mastodon = next(line for line in followers.lines if line.name == "Mastodon")
    # September has no reading: two segments, never a drop to zero
    assert len(mastodon.segments) == 2 and len(mastodon.dots) == 3
    assert mastodon.dots[-1][2] == "Mastodon 2026-11: 140"
    assert [label for _, label in followers.labels] == ["08/26", "09/26", "10/26", "11/26"]
    assert followers.top_label == "140"
    assert view.lines[0] == ("Mastodon (since 2026-08): followers 100 → 140")


def test_the_reports_show_audience_networks_and_trends() -> None:
    result = make_audit(spaak(), rival("Ratel", 3000))
    trends = [Trend("Spaak <Fietsen>", "client", "mastodon",
                    (point("2026-10", 1000), point("2026-11", 1200)))]
    result = replace(result, trends=trends)
    page = render_html(result)
    assert "1,200 followers · " in page and "Audience and engagement" in page
    assert '<section class="trends" id="trends">' in page and "<polyline" in page
    assert "Spaak &lt;Fietsen&gt;" in page and "Spaak <Fietsen>" not in page
    assert "<h3>Mastodon</h3>" in page  # the network table
    md = render_brief(result)
    assert "## Trends" in md and "followers 1000 → 1200" in md.replace(",", "")
    assert "Newest posts:" not in md  # report.md stays a summary
    terminal = render_brief(result, markdown=False)
    assert "Newest posts:" in terminal and "Post 1 #fiets" in terminal
    assert build_report_view(make_audit(spaak())).trends == ()


def test_since_the_last_audit_is_grouped_per_organisation() -> None:
    from auditor.changes import changes_between
    from auditor.snapshots import snapshot_of

    before = make_audit(spaak(followers=1000), rival("Ratel", 3000))
    after = make_audit(spaak(followers=1200), rival("Ratel", 3100))
    changes = changes_between(snapshot_of(before, run_id=1), snapshot_of(after, run_id=2))
    view = build_report_view(replace(after, since=changes))
    assert view.since is not None
    assert [g.name for g in view.since.groups] == ["Spaak <Fietsen>", "Ratel"]
    assert view.since.groups[0].profiles[0].lines == ("1000 → 1200 followers (+200)",)
