"""Issue 15 end to end through the command line: ``auditor sheet`` writes the observation
sheet, a person fills it in (as Excel with Dutch settings saves it, with a bad row), and
``auditor audit --observations`` judges the walled profiles with provenance; the history
keeps them; ``auditor check`` on a walled profile offers the one-row sheet. Offline: the
walled profiles are never fetched and the one crawled profile is replayed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from auditor.cli import main
from auditor.sheet import columns
from tests.conftest import SAMPLE_PAGES

COMPANY = "https://www.linkedin.com/company/fietsen-bv"
PERSON = "https://www.linkedin.com/in/jan-fiets"
TIKTOK = "https://www.tiktok.com/@fietsenbv"
THREADS = "https://www.threads.net/@fietsenbv"
MASTODON = "https://mastodon.example/@spaak"
HEADER = [c.header for c in columns()]


def write_config(folder: Path, as_of: str = "2026-11-01", sheet: str | None = None) -> Path:
    config = folder / "audit.toml"
    observations = f'observations = "{sheet}"\n' if sheet else ""
    config.write_text(
        f'[audit]\nname = "Fietsen BV"\nas_of = "{as_of}"\n{observations}\n'
        '[[organisation]]\nname = "Fietsen BV"\nrole = "client"\nprofiles = [\n'
        f'  "{COMPANY}", "{PERSON}", "{TIKTOK}", "{THREADS}", "{MASTODON}",\n]\n',
        encoding="utf-8")
    return config


def audit(config: Path, out: Path, *extra: str) -> int:
    return main(["audit", str(config), "--replay", str(SAMPLE_PAGES), "--out", str(out),
                 "--format", "json,md", *extra])


def profiles(out: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {p["url"]: p for org in data["organisations"] for p in org["profiles"]}


def codes(profile: dict[str, Any]) -> list[str]:
    return sorted(flag["code"] for flag in profile["flags"])


def lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("auditor: ")]


def test_sheet_filled_in_then_audited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    sheet = tmp_path / "observations.xlsx"
    assert main(["sheet", str(config)]) == 0  # default: observations.xlsx beside the config
    assert "4 profile(s) to look at by hand" in capsys.readouterr().err
    # never over a sheet that may be filled in already
    assert main(["sheet", str(config), "--out", str(sheet)]) == 2
    assert "exists" in capsys.readouterr().err

    book = load_workbook(sheet)
    rows = book["observations"]
    assert [c.value for c in rows[1]] == HEADER
    by_url = {r[2].value: r for r in rows.iter_rows(min_row=2)}
    assert set(by_url) == {COMPANY, PERSON, TIKTOK, THREADS}  # Mastodon is crawled
    assert "headline" in by_url[PERSON][3].value and "Posts tab" in by_url[COMPANY][3].value
    # a person fills it in: date cells for dates, numbers, yes/no
    fill = {
        COMPANY: {4: datetime(2026, 10, 25), 5: 14, 8: 1, 9: "yes", 10: "yes", 11: "no",
                  12: "yes", 13: 1284},
        PERSON: {4: datetime(2026, 8, 1), 6: 2, 7: "01-08-2026 15-06-2026", 9: "yes",
                 10: "yes"},
        TIKTOK: {4: datetime(2026, 10, 30), 5: 30, 8: 1, 9: "yes", 10: "yes", 11: "yes",
                 12: "yes"},
    }
    for url, cells in fill.items():
        for index, value in cells.items():
            by_url[url][index].value = value
        by_url[url][14].value = datetime(2026, 10, 28)
        by_url[url][15].value = "Anna de Vries"
    book.save(sheet)

    out = tmp_path / "report"
    assert audit(config, out, "--observations", str(sheet), "--no-history") == 0
    capsys.readouterr()
    found = profiles(out)
    assert {url: found[url]["outcome"] for url in found} == {
        COMPANY: "observed", PERSON: "observed", TIKTOK: "observed", THREADS: "login_wall",
        MASTODON: "ok"}
    assert codes(found[COMPANY]) == ["INCOMPLETE"]
    assert codes(found[PERSON]) == ["DEAD"]  # 92 days: dead by the same threshold
    assert codes(found[TIKTOK]) == ["BROADCAST_ONLY"]
    assert codes(found[THREADS]) == ["UNAUDITABLE"]  # not filled in: still a wall
    for url in (COMPANY, PERSON, TIKTOK):
        assert found[url]["outcome_detail"] == "observed by hand by Anna de Vries on 2026-10-28"
        assert all(flag["reason"].endswith("observed by hand by Anna de Vries on 2026-10-28")
                   for flag in found[url]["flags"])
    assert found[PERSON]["metrics"]["days_since_last_post"] == 92
    assert found[PERSON]["metrics"]["posts_per_week"] == round(1 * 7 / 90, 2)
    assert found[TIKTOK]["metrics"]["reply_share"] == round(1 / 30, 4)
    assert found[COMPANY]["metrics"]["reply_share"] is None  # 14 posts: under the minimum
    brief = (out / "report.md").read_text(encoding="utf-8")
    assert "observed by hand by Anna de Vries on 2026-10-28" in brief


def _dutch_excel_csv(path: Path, rows: list[list[str]]) -> None:
    """As Excel with Dutch settings saves "CSV UTF-8": BOM, ';', CRLF, dd-mm-yyyy,
    WAAR/ONWAAR for booleans, a decimal comma."""
    text = "\r\n".join(";".join(cells) for cells in [HEADER, *rows]) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def _cells(**values: str) -> list[str]:
    return [values.get(c.key, "") for c in columns()]


def test_a_dutch_excel_sheet_with_bad_rows(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "waarnemingen.csv"
    _dutch_excel_csv(sheet, [
        _cells(organisation="Fietsen BV", url=COMPANY, last_post_on="3-10-2026",
               posts_in_window="21", replies="0", photo="WAAR", bio="WAAR", contact="ONWAAR",
               website="WAAR", followers="1,2K", observed_on="28-10-2026",
               observer="José Müller", note="About: geen telefoon; wel een adres"),
        _cells(url=PERSON, last_post_on="31-02-2026", photo="ja", observed_on="28-10-2026",
               observer="José Müller"),
        _cells(url=TIKTOK, last_post_on="20-10-2026", photo="ja", observer="José Müller"),
        _cells(url=THREADS, last_post_on="20-08-2026", photo="ja", observed_on="20-08-2026",
               observer="José Müller"),
        _cells(url=MASTODON, last_post_on="1-1-2026", observed_on="28-10-2026",
               observer="José Müller"),
    ])
    config = write_config(tmp_path, sheet="waarnemingen.csv")  # the config key this time
    out = tmp_path / "report"
    assert audit(config, out, "--no-history") == 0
    said = lines(capsys.readouterr().err)
    assert said[:2] == [
        "auditor: waarnemingen.csv row 3, column E (last post date): 31-02-2026 is not a date "
        "(write dd-mm-yyyy)",
        "auditor: waarnemingen.csv row 4, column O (observed on): empty; write the date you "
        "looked (the report shows it with every number); the row is not used",
    ]
    assert ("auditor: warning: waarnemingen.csv row 5: observed on 2026-08-20, more than 30 "
            "days before the audit date 2026-11-01; not used (observe it again, or set "
            "observations_max_age_days)") in said
    assert (f"auditor: warning: waarnemingen.csv row 6: the crawl read {MASTODON} itself "
            "(outcome ok); the crawl's answer is used, not the observation") in said
    found = profiles(out)
    assert found[COMPANY]["outcome"] == "observed"
    assert codes(found[COMPANY]) == ["BROADCAST_ONLY", "INCOMPLETE"]
    assert found[COMPANY]["observation"]["followers"] == 1200
    assert found[COMPANY]["outcome_detail"] == ("observed by hand by José Müller on "
                                                "2026-10-28")
    # the bad date is unknown, the rest of its row is used: no activity flag, photo known
    assert found[PERSON]["outcome"] == "observed" and codes(found[PERSON]) == []
    assert found[PERSON]["metrics"]["last_post_at"] is None
    assert found[PERSON]["metrics"]["completeness"]["checks"]["photo"] is True
    assert found[TIKTOK]["outcome"] == "login_wall"
    assert found[THREADS]["outcome"] == "login_wall"
    assert found[MASTODON]["outcome"] == "ok"


def test_the_history_keeps_observations(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "history.sqlite"
    first = tmp_path / "first.csv"
    _dutch_excel_csv(first, [_cells(url=COMPANY, last_post_on="20-10-2026",
                                    posts_in_window="10", photo="ja",
                                    observed_on="28-10-2026", observer="Anna")])
    config = write_config(tmp_path)
    assert audit(config, tmp_path / "r1", "--observations", str(first), "--db", str(db)) == 0
    second = tmp_path / "second.csv"
    _dutch_excel_csv(second, [_cells(url=COMPANY, last_post_on="20-10-2026",
                                     posts_in_window="0", photo="nee",
                                     observed_on="25-01-2027", observer="Bram")])
    config = write_config(tmp_path, as_of="2027-02-01")
    assert audit(config, tmp_path / "r2", "--observations", str(second), "--db", str(db)) == 0
    capsys.readouterr()
    assert main(["diff", str(config), "--db", str(db), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    (entry,) = [p for org in diff["organisations"] for p in org["profiles"]
                if p["url"] == COMPANY]
    kinds = [change["kind"] for change in entry["changes"]]
    assert "went_quiet" in kinds and "completeness" in kinds
    # the since-the-last-audit part of the new report says so too
    brief = (tmp_path / "r2" / "report.md").read_text(encoding="utf-8")
    assert "went quiet (DEAD)" in brief and "observed by hand by Bram on 2027-01-25" in brief


def test_check_on_a_walled_profile_offers_the_one_row_sheet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", PERSON, "--as-of", "2026-11-01"]) == 0
    err = capsys.readouterr().err
    assert f"By hand: {PERSON}: LinkedIn shows a person's profile" in err
    assert "headline" in err and "Posts tab" not in err
    assert f"auditor check {PERSON} --sheet observations.xlsx" in err
    sheet = tmp_path / "one.csv"
    assert main(["check", PERSON, "--as-of", "2026-11-01", "--sheet", str(sheet)]) == 0
    capsys.readouterr()
    text = sheet.read_bytes().decode("utf-8-sig").splitlines()
    assert len(text) == 2 and PERSON in text[1]
    cells = text[1].split(";")
    cells[4], cells[9], cells[14], cells[15] = "10-10-2026", "yes", "30-10-2026", "Anna"
    sheet.write_text("\r\n".join([text[0], ";".join(cells)]) + "\r\n", encoding="utf-8-sig")
    assert main(["check", PERSON, "--as-of", "2026-11-01", "--observations", str(sheet),
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (profile,) = data["organisations"][0]["profiles"]
    assert profile["outcome"] == "observed"
    assert profile["metrics"]["days_since_last_post"] == 22
    assert [f["code"] for f in profile["flags"]] == []
