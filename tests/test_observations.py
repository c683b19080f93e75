"""The observation sheet (issue 15): cells, rows, files, and observed profiles judged like
crawled ones. No crawl here: the sheet is read, merged and judged in process."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from auditor.audit import judge_audit
from auditor.config import Thresholds, config_from_data, load_config
from auditor.i18n import translator
from auditor.messages import known_text
from auditor.metrics import compute_metrics
from auditor.models import Observation, ProfileRecord
from auditor.observed import (
    Observations,
    ObservedSource,
    judge_observed,
    load_observations,
    observed_record,
    select,
)
from auditor.platforms import adapter_for
from auditor.report.json_report import report_data
from auditor.sheet import (
    SheetError,
    blank_rows,
    columns,
    csv_bytes,
    read_sheet,
    read_table,
    sheet_entries,
    write_sheet,
)
from auditor.sheetcells import column_letter, parse_count, parse_date, parse_yes_no
from auditor.snapshots import CHECKED_OUTCOMES
from auditor.verdicts import judge
from tests.conftest import make_items, make_record

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
COMPANY = "https://www.linkedin.com/company/fietsen-bv"
PERSON = "https://www.linkedin.com/in/jan-fiets"
TIKTOK = "https://www.tiktok.com/@fietsenbv"
MASTODON = "https://mastodon.example/@spaak"
HEADER = [c.header for c in columns()]


def config(tmp_path: Path | None = None, **audit: Any) -> Any:
    data = {"audit": {"name": "Sheet test", "as_of": "2026-11-01", **audit},
            "organisation": [{"name": "Fietsen BV", "role": "client",
                              "profiles": [COMPANY, PERSON, TIKTOK, MASTODON]}]}
    path = tmp_path / "audit.toml" if tmp_path else None
    return config_from_data(data, path=path)


def row(**cells: Any) -> list[Any]:
    """A sheet row: cells by column key, the rest empty."""
    keys = [c.key for c in columns()]
    return [cells.get(key) for key in keys]


def observation(**fields: Any) -> Observation:
    values: dict[str, Any] = {"observer": "Anna", "observed_on": date(2026, 10, 28)}
    values.update(fields)
    return Observation(**values)


def observed(obs: Observation, url: str = COMPANY) -> ProfileRecord:
    crawled = ProfileRecord(url=url, platform="linkedin", handle="fietsen-bv",
                            outcome="login_wall", outcome_detail="not crawled logged out")
    return observed_record(crawled, obs)


def judged(record: ProfileRecord) -> tuple[Any, dict[str, Any]]:
    """As auditor.audit judges a profile: an observed one through judge_observed."""
    if record.outcome == "observed":
        metrics, flags = judge_observed(record, AS_OF, window_days=90, thresholds=Thresholds())
        return metrics, {flag.code: flag for flag in flags}
    metrics = compute_metrics(record, AS_OF, window_days=90, thresholds=Thresholds())
    return metrics, {flag.code: flag for flag in judge(record, metrics, Thresholds())}


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    ("28-10-2026", date(2026, 10, 28)), ("3-1-2026", date(2026, 1, 3)),
    ("03/01/2026", date(2026, 1, 3)), ("3.1.2026", date(2026, 1, 3)),
    ("2026-01-03", date(2026, 1, 3)), ("28-10-2026 00:00", date(2026, 10, 28)),
    (datetime(2026, 10, 28, 0, 0), date(2026, 10, 28)), (46323, date(2026, 10, 28)),
])
def test_dates_as_excel_and_people_write_them_day_first(cell: Any, expected: date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31-02-2026", "10/28/2026", "gisteren", "2026", 12.5, "1-1-26"])
def test_not_a_date(cell: Any) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(cell)


@pytest.mark.parametrize(("cell", "expected"), [
    ("12", 12), (12, 12), (12.0, 12), ("1.234", 1234), ("1,234", 1234), ("1 234", 1234),
    ("1,2K", 1200), ("1.2k", 1200), ("3M", 3_000_000), ("0", 0),
])
def test_counts_with_dutch_and_english_separators(cell: Any, expected: int) -> None:
    assert parse_count(cell) == expected


@pytest.mark.parametrize("cell", ["12,5", "twelve", "-3", 2.5, True, "1.23"])
def test_not_a_count(cell: Any) -> None:
    with pytest.raises(ValueError):
        parse_count(cell)


@pytest.mark.parametrize(("cell", "expected"), [
    ("yes", True), ("Ja", True), ("WAAR", True), ("x", True), (True, True), (1, True),
    ("no", False), ("nee", False), ("ONWAAR", False), (False, False), ("0", False),
])
def test_yes_and_no_in_english_dutch_and_excel(cell: Any, expected: bool) -> None:
    assert parse_yes_no(cell) is expected


def test_column_letters_as_a_spreadsheet_names_them() -> None:
    assert [column_letter(i) for i in (0, 4, 25, 26, 27, 701, 702)] == \
        ["A", "E", "Z", "AA", "AB", "ZZ", "AAA"]


# --- rows -----------------------------------------------------------------------------------


def test_a_bad_cell_is_one_line_with_row_and_column_and_the_rest_is_used() -> None:
    table = [HEADER,
             row(url=COMPANY, last_post_on="20-10-2026", posts_in_window="8", photo="ja",
                 observed_on="28-10-2026", observer="Anna"),
             row(url=PERSON, last_post_on="31-02-2026", posts_in_window="lots", photo="ja",
                 observed_on="28-10-2026", observer="Anna"),
             row(url=TIKTOK, last_post_on="20-10-2026", observer="Anna")]
    reading = read_table(table, "observations.xlsx", config())
    assert reading.problems == [
        "observations.xlsx row 3, column E (last post date): 31-02-2026 is not a date "
        "(write dd-mm-yyyy)",
        "observations.xlsx row 3, column F (posts in the last 90 days): lots is not a number",
        "observations.xlsx row 4, column O (observed on): empty; write the date you looked "
        "(the report shows it with every number); the row is not used",
    ]
    by_url = {r.url: r.observation for r in reading.rows}
    assert set(by_url) == {COMPANY, PERSON}
    assert by_url[COMPANY].last_post_on == date(2026, 10, 28).replace(day=20)
    # the bad cells are unknown, the good ones on the same row are kept
    assert by_url[PERSON].last_post_on is None and by_url[PERSON].posts_in_window is None
    assert by_url[PERSON].photo is True
    assert by_url[PERSON].source == "observations.xlsx row 3"


def test_rows_not_filled_in_and_rows_for_other_profiles() -> None:
    table = [HEADER, row(organisation="Fietsen BV", url=COMPANY, look_at="..."),
             [], row(url="https://www.linkedin.com/company/someone-else", photo="yes",
                     observed_on="28-10-2026", observer="Anna"),
             row(url="not a url", photo="yes", observed_on="28-10-2026", observer="Anna")]
    reading = read_table(table, "s.csv", config())
    assert reading.rows == []
    assert reading.problems[0] == ("s.csv row 4: https://www.linkedin.com/company/someone-else "
                                   "is not a profile of the audit's config; the row is not used")
    assert reading.problems[1].startswith("s.csv row 5, column C (url): not a url")


def test_impossible_combinations_are_bad_cells() -> None:
    table = [HEADER,
             row(url=COMPANY, last_post_on="30-10-2026", posts_in_window=5, replies=7,
                 observed_on="28-10-2026", observer="Anna"),
             row(url=PERSON, posts_looked_at=2, post_dates="01-10-2026 02-09-2026 01-08-2026",
                 observed_on="28-10-2026", observer="Anna")]
    reading = read_table(table, "s.csv", config())
    assert reading.problems == [
        "s.csv row 2, column E (last post date): 30-10-2026 is after the observed-on date "
        "28-10-2026",
        "s.csv row 2, column I (how many of those answer someone else): 7 answers of 5 posts "
        "counted",
        "s.csv row 3, column H (dates of the posts looked at): 3 dates for 2 posts looked at",
    ]


def test_the_window_comes_from_the_header() -> None:
    header = [h.replace("90", "30") for h in HEADER]
    reading = read_table([header, row(url=COMPANY, posts_in_window=6, observed_on="28-10-2026",
                                      observer="Anna")], "s.csv", config())
    assert reading.rows[0].observation.window_days == 30


def test_unknown_headers_are_said_and_ignored() -> None:
    reading = read_table([[*HEADER, "mood"], row(url=COMPANY, photo="yes",
                                                 observed_on="28-10-2026", observer="A")],
                         "s.csv", config())
    assert reading.problems == ["s.csv row 1, column R: unknown column mood; it is ignored"]
    assert len(reading.rows) == 1


def test_no_sheet_at_all(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="no such file"):
        read_sheet(tmp_path / "missing.csv")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SheetError, match=r"not an \.xlsx workbook"):
        read_sheet(tmp_path / "fake.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(SheetError, match="no header row"):
        read_sheet(tmp_path / "empty.csv")


# --- files ----------------------------------------------------------------------------------


def test_the_written_csv_is_what_excel_with_dutch_settings_opens() -> None:
    data = csv_bytes(blank_rows(sheet_entries(config())))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and text.count("\r\n") == text.count("\n")
    assert text.splitlines()[0].split(";") == HEADER
    assert len(text.splitlines()) == 4  # the three walled profiles; Mastodon is crawled


def test_a_formula_in_a_cell_stays_text() -> None:
    data = csv_bytes([{"organisation": "=HYPERLINK(\"http://evil\")", "url": COMPANY}])
    assert "'=HYPERLINK" in data.decode("utf-8-sig")


def test_person_and_company_wording(tmp_path: Path) -> None:
    rows = {r["url"]: r["look_at"] for r in blank_rows(sheet_entries(config()))}
    assert "Posts tab" in rows[COMPANY] and "headline" not in rows[COMPANY]
    person = rows[PERSON]
    assert all(word in person for word in ("photo", "headline", "About", "recent activity"))
    assert "Posts tab" not in person and "logo" not in person
    # the crawl's login_wall detail for a person says the same
    adapter = adapter_for(PERSON)
    assert adapter is not None
    from auditor.platforms.base import CrawlOptions, Target
    step = adapter.start(Target(url=PERSON, platform="linkedin", organisation="o",
                                role="person", source_url=PERSON), CrawlOptions(as_of=AS_OF))
    assert isinstance(step, ProfileRecord)
    assert "headline" in (step.outcome_detail or "") and "Posts tab" not in (
        step.outcome_detail or "")
    assert known_text(step.outcome_detail).params["parts"][1].id == "wall.linkedin_person"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    """Write the sheet, fill it in as a person would, read back what was written."""
    cfg = config()
    path = tmp_path / f"observations{suffix}"
    rows = blank_rows(sheet_entries(cfg))
    assert read_sheet(path if path.exists() else _written(path, rows), cfg).rows == []
    filled = [{**rows[0], "last_post_on": date(2026, 10, 20), "posts_in_window": 14,
               "replies": 3, "photo": True, "bio": False, "followers": 1234,
               "observed_on": date(2026, 10, 28), "observer": "Zoë de Wit",
               "note": "About; no phone"},
              {**rows[1], "posts_looked_at": 3,
               "post_dates": (date(2026, 10, 1), date(2026, 9, 2), date(2026, 7, 1)),
               "website": True, "observed_on": date(2026, 10, 29), "observer": "Jan"},
              rows[2]]
    write_sheet(path, filled)
    reading = read_sheet(path, cfg)
    assert reading.problems == []
    first, second = (r.observation for r in reading.rows)
    assert (first.last_post_on, first.posts_in_window, first.replies, first.photo, first.bio,
            first.contact, first.followers, first.observer, first.note) == \
        (date(2026, 10, 20), 14, 3, True, False, None, 1234, "Zoë de Wit", "About; no phone")
    assert second.post_dates == (date(2026, 10, 1), date(2026, 9, 2), date(2026, 7, 1))
    assert second.posts_looked_at == 3 and second.website is True and second.photo is None


def _written(path: Path, rows: list[dict[str, Any]]) -> Path:
    write_sheet(path, rows)
    return path


def test_an_xlsx_written_has_date_cells_and_instructions(tmp_path: Path) -> None:
    path = tmp_path / "o.xlsx"
    write_sheet(path, [{"url": COMPANY, "observed_on": date(2026, 10, 28)}])
    book = load_workbook(path)
    sheet = book["observations"]
    cell = sheet.cell(row=2, column=15)
    assert isinstance(cell.value, datetime) and cell.number_format == "DD-MM-YYYY"
    assert "how to fill in" in book.sheetnames


def test_an_xlsx_as_excel_saves_it_dates_as_cells_text_and_numbers(tmp_path: Path) -> None:
    """Excel keeps a typed date as a date cell (a number with a date format), a date typed
    with a leading apostrophe as text, counts as numbers and yes/no as text or booleans."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "observations"
    sheet.append(HEADER)
    sheet.append(row(url=COMPANY, last_post_on=datetime(2026, 10, 20), posts_in_window=14.0,
                     replies=2.0, photo=True, bio="WAAR", contact="ONWAAR",
                     observed_on=datetime(2026, 10, 28), observer="Anna"))
    sheet.append(row(url=PERSON, last_post_on="31-02-2026", observed_on=46323,
                     observer="Anna", photo="ja"))
    sheet.cell(row=2, column=5).number_format = "DD-MM-YYYY"
    path = tmp_path / "excel.xlsx"
    book.save(path)
    reading = read_sheet(path, config())
    assert reading.problems == ["excel.xlsx row 3, column E (last post date): 31-02-2026 is "
                                "not a date (write dd-mm-yyyy)"]
    first, second = (r.observation for r in reading.rows)
    assert (first.last_post_on, first.posts_in_window, first.replies, first.photo, first.bio,
            first.contact) == (date(2026, 10, 20), 14, 2, True, True, False)
    assert second.observed_on == date(2026, 10, 28) and second.photo is True


def test_a_csv_saved_by_excel_with_dutch_settings_in_windows_1252(tmp_path: Path) -> None:
    """"CSV (gescheiden door lijstscheidingsteken)": no BOM, Windows-1252, ';', CRLF."""
    cells = row(organisation="Fietsen BV", url=COMPANY, last_post_on="3-10-2026",
                posts_in_window="21", replies="1", photo="WAAR", bio="ONWAAR", followers="1,2K",
                observed_on="28-10-2026", observer="José Müller", note="’t Is stil")
    lines = [";".join(HEADER), ";".join("" if c is None else str(c) for c in cells)]
    path = tmp_path / "observations.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    reading = read_sheet(path, config())
    assert reading.problems == []
    (only,) = reading.rows
    obs = only.observation
    assert (obs.observer, obs.note, obs.followers, obs.photo, obs.bio, obs.last_post_on) == \
        ("José Müller", "’t Is stil", 1200, True, False, date(2026, 10, 3))


# --- judged like the rest -------------------------------------------------------------------


def test_frequency_from_the_count_and_flags_by_the_same_thresholds() -> None:
    record = observed(observation(last_post_on=date(2026, 6, 15), posts_in_window=0,
                                  photo=True, bio=True, contact=False, website=True))
    metrics, flags = judged(record)
    assert metrics.days_since_last_post == 139 and metrics.posts_per_week == 0.0
    assert metrics.last_post_source == "observed"
    assert set(flags) == {"DEAD", "INCOMPLETE"}
    assert str(flags["DEAD"].reason) == ("last post 139 days ago, threshold 90; observed by "
                                         "hand by Anna on 2026-10-28")
    assert flags["DEAD"].evidence["observed_by"] == "Anna"
    assert flags["DEAD"].evidence["observed_on"] == "2026-10-28"
    assert metrics.completeness.checks == {"photo": True, "bio": True, "contact": False,
                                           "website": True, "display_name": None,
                                           "banner": None}


def test_reply_share_needs_the_same_minimum_of_posts() -> None:
    few = judged(observed(observation(last_post_on=date(2026, 10, 27), posts_in_window=12,
                                      replies=0)))
    assert few[0].reply_share is None and "BROADCAST_ONLY" not in few[1]
    assert str(few[0].null_reasons["reply_share"]) == ("only 12 own posts in the window; at "
                                                      "least 20 needed")
    many = judged(observed(observation(last_post_on=date(2026, 10, 27), posts_in_window=26,
                                       replies=1)))
    assert many[0].reply_share == round(1 / 26, 4) and "BROADCAST_ONLY" in many[1]
    assert many[0].posts_per_week == round(26 * 7 / 90, 2)


def test_frequency_from_the_dates_of_the_posts_looked_at() -> None:
    # all three dates in the window: the span is from the oldest (as a short crawled sample)
    recent = judged(observed(observation(
        posts_looked_at=3, post_dates=(date(2026, 10, 20), date(2026, 10, 10),
                                       date(2026, 9, 28)))))[0]
    assert recent.last_post_at == datetime(2026, 10, 20, tzinfo=UTC)
    assert recent.covered_days == 30 and recent.posts_per_week == round(3 * 7 / 30, 2)
    # a date before the window start: the window is covered, two posts in it
    reaching = judged(observed(observation(
        posts_looked_at=3, post_dates=(date(2026, 10, 20), date(2026, 9, 1),
                                       date(2026, 6, 1)))))[0]
    assert reaching.covered_days == 90 and reaching.posts_per_week == round(2 * 7 / 90, 2)


def test_unknown_is_not_zero() -> None:
    metrics, flags = judged(observed(observation(note="could not log in")))
    assert metrics.last_post_at is None and metrics.posts_per_week is None
    assert metrics.reply_share is None and metrics.completeness.score is None
    assert not flags  # nothing seen: no DEAD, no INCOMPLETE
    reason = str(metrics.null_reasons["last_post_at"])
    assert reason == ("left empty on the observation sheet: the last post date (observed by "
                      "hand by Anna on 2026-10-28)")


def test_crawled_answers_win_and_old_observations_are_not_used() -> None:
    cfg = config()
    rows = read_table([HEADER,
                       row(url=MASTODON, photo="yes", observed_on="28-10-2026", observer="A"),
                       row(url=COMPANY, photo="yes", observed_on="30-09-2026", observer="A"),
                       row(url=PERSON, photo="yes", observed_on="02-10-2026", observer="A"),
                       row(url=TIKTOK, photo="no", observed_on="02-11-2026", observer="A")],
                      "s.csv", cfg).rows
    found = select(Observations(), rows, as_of=AS_OF, max_age_days=30)
    assert set(found.by_url) == {MASTODON, PERSON}
    assert found.warnings == [
        "s.csv row 3: observed on 2026-09-30, more than 30 days before the audit date "
        "2026-11-01; not used (observe it again, or set observations_max_age_days)",
        "s.csv row 5: observed on 2026-11-02, after the audit date 2026-11-01; not used"]
    crawled = {MASTODON: make_record(items=make_items([(1, "original")])),
               PERSON: ProfileRecord(url=PERSON, platform="linkedin", handle="jan-fiets",
                                     outcome="login_wall")}
    source = ObservedSource(crawled, found, cfg.profiles())
    assert source.get(MASTODON) is crawled[MASTODON]
    assert source.get(PERSON).outcome == "observed"  # type: ignore[union-attr]
    assert source.get(COMPANY) is None
    assert found.warnings[-1] == ("s.csv row 2: the crawl read https://mastodon.example/@spaak "
                                  "itself (outcome ok); the crawl's answer is used, not the "
                                  "observation")


def test_the_newer_of_two_observations_of_one_profile_is_used() -> None:
    rows = read_table([HEADER, row(url=COMPANY, photo="no", observed_on="27-10-2026",
                                   observer="A"),
                       row(url=COMPANY, photo="yes", observed_on="29-10-2026", observer="B")],
                      "s.csv", config()).rows
    found = select(Observations(), rows, as_of=AS_OF, max_age_days=30)
    assert found.by_url[COMPANY].observation.observer == "B"
    assert found.warnings == [f"s.csv row 2: {COMPANY} is observed again in s.csv row 3; the "
                              "newer observation is used"]


def test_observed_is_a_reading_for_the_history() -> None:
    assert "observed" in CHECKED_OUTCOMES


def test_the_config_key_is_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "audit.toml").write_text(
        '[audit]\nobservations = "sheets/obs.xlsx"\nobservations_max_age_days = 14\n'
        '[[organisation]]\nname = "A"\nprofiles = ["https://www.tiktok.com/@a"]\n',
        encoding="utf-8")
    cfg = load_config(tmp_path / "audit.toml")
    assert cfg.audit.observations == tmp_path / "sheets" / "obs.xlsx"
    assert cfg.audit.observations_max_age_days == 14


def test_report_json_and_the_record_carry_the_observation(tmp_path: Path) -> None:
    cfg = config()
    path = tmp_path / "o.csv"
    write_sheet(path, [{"url": PERSON, "last_post_on": date(2026, 10, 1), "photo": True,
                        "observed_on": date(2026, 10, 28), "observer": "Anna"}])
    found = load_observations(path, cfg, as_of=AS_OF)
    records = {PERSON: ProfileRecord(url=PERSON, platform="linkedin", handle="jan-fiets",
                                     outcome="login_wall")}
    result = judge_audit(cfg, ObservedSource(records, found, cfg.profiles()), as_of=AS_OF,
                         generated_at=AS_OF)
    data = report_data(result)
    (profile,) = [p for o in data["organisations"] for p in o["profiles"] if p["url"] == PERSON]
    assert profile["outcome"] == "observed"
    assert profile["outcome_detail"] == "observed by hand by Anna on 2026-10-28"
    assert profile["outcome_detail_id"]["id"] == "detail.observed"
    assert profile["observation"]["observer"] == "Anna"
    assert profile["observation"]["source"] == "o.csv row 2"
    assert profile["metrics"]["days_since_last_post"] == 31
    # the record survives records.jsonl's round trip
    record = next(p.record for o in result.organisations for p in o.profiles
                  if p.record.url == PERSON)
    again = ProfileRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    assert again == record


def test_dutch_words_for_the_provenance() -> None:
    record = observed(observation(last_post_on=date(2026, 6, 15), posts_in_window=0))
    _, flags = judged(record)
    nl = translator("nl")
    assert nl.msg(flags["DEAD"].reason).endswith("; met de hand waargenomen door Anna op "
                                                 "2026-10-28")
    assert nl.msg(known_text(record.outcome_detail)) == ("met de hand waargenomen door Anna op "
                                                         "2026-10-28")
