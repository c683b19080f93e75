"""Config validation: every problem reported with its location, before any request."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.audit import judge_audit
from auditor.cli import main
from auditor.config import ConfigError, Thresholds, load_config, parse_as_of
from auditor.report.brief import render_brief
from auditor.report.json_report import report_data
from tests.conftest import make_items, make_record

GOOD = """
[audit]
name = "Q4"
as_of = 2026-11-01
window_days = 60

[thresholds]
dead_after_days = 120

[[organisation]]
name = "Spaak"
role = "client"
website = "https://www.spaak.example/"
profiles = ["https://Mastodon.Example/@spaak/", "https://mastodon.example/users/spaaknieuws"]

[[organisation]]
name = "Ratel"
role = "competitor"
profiles = ["https://fedi.example/@ratel", "https://www.ratel.example/"]
"""


def write(tmp_path: Path, text: str, name: str = "audit.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def test_good_toml(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.audit.name == "Q4"
    assert config.audit.as_of == datetime(2026, 11, 1, tzinfo=UTC)
    assert config.audit.window_days == 60
    assert config.thresholds == Thresholds(dead_after_days=120)
    urls = [p.url for p in config.profiles()]
    # canonical spellings: lower-case host, /users/x becomes /@x, no trailing slash
    assert urls == ["https://mastodon.example/@spaak", "https://mastodon.example/@spaaknieuws",
                    "https://fedi.example/@ratel", "https://www.ratel.example/"]
    assert [p.platform for p in config.profiles()] == ["mastodon", "mastodon", "mastodon",
                                                       "unknown"]
    assert config.organisations[0].website == "https://www.spaak.example/"


def test_duplicates_are_audited_once_with_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace('"https://fedi.example/@ratel"', '"https://mastodon.example/@spaak#x"')
    config = load_config(write(tmp_path, text))
    assert [p.url for p in config.profiles()].count("https://mastodon.example/@spaak") == 1
    assert len(config.warnings) == 1
    assert "organisation[1].profiles[0]" in config.warnings[0]
    assert "organisation[0].profiles[0]" in config.warnings[0]


def test_every_problem_is_listed_with_its_location(tmp_path: Path) -> None:
    text = """
[audit]
nmae = "typo"
as_of = "yesterday"
window_days = 0

[thresholds]
dead_after_days = -1
broadcast_max_reply_share = 2

[[organisation]]
name = "A"
role = "boss"
profiles = ["mastodon.example/@a", "https://ok.example/@b", 5]

[[organisation]]
role = "client"
profiles = []
"""
    problems = problems_of(write(tmp_path, text))
    joined = "\n".join(problems)
    for expected in [
        "audit.nmae: unknown key (did you mean 'name'?)",
        "audit.as_of: 'yesterday' is not a date",
        "audit.window_days: must be a whole number from 1 to 3650",
        "thresholds.dead_after_days: must be a whole number, 0 or more",
        "thresholds.broadcast_max_reply_share: must be a number from 0 to 1",
        "organisation[0].role: 'boss' is not one of client, competitor, person",
        "organisation[0].profiles[0]: not an http(s) URL",
        "organisation[0].profiles[2]: must be a URL string",
        "organisation[1].name: missing or empty",
        "organisation[1].profiles: missing or empty",
    ]:
        assert expected in joined
    assert len(problems) == 10
    assert all(p.startswith(str(tmp_path / "audit.toml")) for p in problems)


def test_stale_after_dead_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("dead_after_days = 120", "dead_after_days = 20")
    assert any("stale_after_days: 30 is more than dead_after_days (20)" in p
               for p in problems_of(write(tmp_path, text)))


def test_malformed_toml(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "[[organisation]\nname = 'x'"))
    assert len(problems) == 1 and "not valid TOML" in problems[0]


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: no such file"]


def test_csv(tmp_path: Path) -> None:
    text = ("organisation,role,url\n"
            "Spaak,client,https://mastodon.example/@spaak\n"
            "Spaak,client,https://mastodon.example/@spaaknieuws\n"
            "Ratel,competitor,https://fedi.example/@ratel\n")
    config = load_config(write(tmp_path, text, "audit.csv"))
    assert [(o.name, o.role, len(o.profiles)) for o in config.organisations] == [
        ("Spaak", "client", 2), ("Ratel", "competitor", 1)]


def test_csv_problems_name_their_line(tmp_path: Path) -> None:
    text = ("organisation,role,url\n"
            "Spaak,client\n"
            ",client,https://mastodon.example/@x\n"
            "Ratel,competitor,not a url\n")
    problems = problems_of(write(tmp_path, text, "audit.csv"))
    assert any("line 2: 2 columns, expected 3" in p for p in problems)
    assert any("line 3: organisation is empty" in p for p in problems)


@pytest.mark.parametrize(("text", "message"), [
    # blank lines do not shift the line numbers
    ("organisation,role,url\n\nSpaak,client\n", "line 3: 2 columns, expected 3"),
    ('organisation,role,url\n"Spaak,client,https://m.example/@a\n', "not valid CSV"),
    ("organisation,role,url\nSpa\x00ak,client,https://m.example/@a\n", "NUL byte"),
])
def test_csv_syntax_problems(tmp_path: Path, text: str, message: str) -> None:
    problems = problems_of(write(tmp_path, text, "audit.csv"))
    assert any(message in p for p in problems), problems


def test_csv_without_header(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "Spaak,client,https://x.example/@a\n", "audit.csv"))
    assert "header must name the columns organisation,role,url" in problems[0]


def test_cli_exits_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, '[[organisation]]\nname = "A"\nprofiles = ["ftp://x"]\n')
    assert main(["audit", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "organisation[0].profiles[0]: not an http(s) URL" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before anything was done


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "--format: pdf is not one of"),
    (["--fail-on", "DEAD,SLEEPY"], "--fail-on: unknown flag code SLEEPY"),
    (["--as-of", "soon"], "--as-of: 'soon' is not a date"),
    (["--replay", "/nonexistent-replay"], "--replay: "),
    (["-s", "NOVALUE"], "-s: expected NAME=VALUE"),
])
def test_cli_usage_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            args: list[str], message: str) -> None:
    path = write(tmp_path, GOOD)
    assert main(["audit", str(path), "--out", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_unwritable_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["audit", str(write(tmp_path, GOOD)), "--out", str(blocker / "sub")]) == 2
    assert "--out: cannot write to" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0001-01-01", "1969-12-31", "9001-01-01", "9999-12-31",
                                   "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"])
def test_an_audit_date_near_the_calendar_ends_is_out_of_range(tmp_path: Path,
                                                              value: str) -> None:
    with pytest.raises(ValueError, match="out of range: an audit date goes from 1970-01-01 "
                                         "to 9000-12-31"):
        parse_as_of(value)
    toml = GOOD.replace("as_of = 2026-11-01", f"as_of = {value}")
    (problem,) = problems_of(write(tmp_path, toml))
    assert "audit.as_of: " in problem and "is out of range" in problem


def test_the_ends_of_the_range_judge_with_the_longest_window(tmp_path: Path) -> None:
    """Every window counted back from an audit date in range stays in range."""
    for value in ("1970-01-01", "9000-12-31"):
        as_of = parse_as_of(value)
        config = load_config(write(tmp_path, GOOD.replace(
            "as_of = 2026-11-01\nwindow_days = 60", f"as_of = {value}\nwindow_days = 3650")))
        record = make_record(url="https://mastodon.example/@spaak",
                             items=make_items([(1, "original"), (3000, "original")],
                                              as_of=as_of))
        result = judge_audit(config, [record], as_of=as_of, generated_at=as_of)
        assert render_brief(result)
        assert report_data(result)["audit"]["as_of"].startswith(value)
