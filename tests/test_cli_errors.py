"""Bad input to the CLI: exit code 2, one line per problem naming it and where, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.cli import main
from tests.conftest import REPO, SAMPLE_PAGES

GOOD = ('[audit]\nas_of = "2026-11-01"\n[[organisation]]\nname = "Spaak"\n'
        'profiles = ["https://mastodon.example/@spaak"]\n')


def text_file(name: str, text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path
    return make


def byte_file(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return make


def good(folder: Path) -> Path:
    return text_file("audit.toml", GOOD)(folder)


def a_file(folder: Path) -> Path:
    path = folder / "a-file"
    path.write_text("x", encoding="utf-8")
    return path


# (id, make the config, extra arguments ({tmp} is the test's folder), expected line parts)
CASES: list[tuple[str, Callable[[Path], Path], list[str], list[list[str]]]] = [
    ("malformed toml", text_file("audit.toml", '[[organisation]\nname = "x"\n'), [],
     [["audit.toml: not valid TOML", "(at line 1, column 15)"]]),
    ("toml value without quotes", text_file("audit.toml", "[audit]\nname = Q4\n"), [],
     [["audit.toml: not valid TOML", "line 2"]]),
    ("not utf-8", byte_file("audit.toml", b"\xff\xfe[audit]"), [],
     [["audit.toml: not UTF-8 text (byte 0)"]]),
    ("csv row too short",
     text_file("audit.csv", "organisation,role,url\nSpaak,client\n"), [],
     [["audit.csv: line 2: 2 columns, expected 3"]]),
    ("csv without header",
     text_file("audit.csv", "Spaak,client,https://mastodon.example/@spaak\n"), [],
     [["audit.csv: line 1: header must name the columns organisation,role,url"]]),
    ("csv unclosed quote",
     text_file("audit.csv", 'organisation,role,url\n"Spaak,client,https://m.example/@a\n'), [],
     [["audit.csv: line 2:"]]),
    ("csv empty", text_file("audit.csv", ""), [],
     [["audit.csv: empty CSV; expected a header organisation,role,url"]]),
    ("unknown keys with did-you-mean",
     text_file("audit.toml", GOOD.replace("[audit]\n", "[audit]\nwindow_day = 30\n")
               + "[tresholds]\n"), [],
     [["audit.toml: tresholds: unknown section (did you mean 'thresholds'?)"],
      ["audit.toml: audit.window_day: unknown key (did you mean 'window_days'?)"]]),
    ("organisation without profiles",
     text_file("audit.toml", GOOD + '[[organisation]]\nname = "Ratel"\nprofiles = []\n'), [],
     [["audit.toml: organisation[1].profiles: missing or empty"]]),
    ("no organisations", text_file("audit.toml", '[audit]\nname = "Q4"\n'), [],
     [["audit.toml: organisation: missing: list at least one [[organisation]]"]]),
    ("missing config", lambda folder: folder / "nope.toml", [],
     [["nope.toml: no such file"]]),
    ("config is a folder", lambda folder: folder, [],
     [[": is a folder, not a config file"]]),
    ("out under a file", good, ["--out", "{tmp}/a-file/report"],
     [["--out: cannot write to", "a-file/report: ", "a-file is a file"]]),
    ("out is a file", good, ["--out", "{tmp}/a-file"],
     [["--out: cannot write to", "a-file: it is a file, not a folder"]]),
    ("record under a file", good, ["--record", "{tmp}/a-file/rec"],
     [["--record: cannot write to", "a-file is a file"]]),
    ("replay without manifest", good, ["--replay", "{tmp}"],
     [["--replay: ", "manifest.json: no such file (is ", "a replay directory?)"]]),
    ("as-of not a date", good, ["--as-of", "soon"],
     [["--as-of: 'soon' is not a date (use YYYY-MM-DD)"]]),
    ("as-of impossible date", good, ["--as-of", "2026-13-01"],
     [["--as-of: '2026-13-01' is not a date"]]),
    ("resume with nothing to resume", good, ["--resume"],
     [["--resume: nothing to resume in", "run without --resume"]]),
    ("unknown format", good, ["--format", "pdf"], [["--format: pdf is not one of"]]),
    # dates near year 1 (or 9999) overflow every window counted from them
    ("as-of in year 1", good, ["--as-of", "0001-01-01", "--replay", str(SAMPLE_PAGES)],
     [["--as-of: '0001-01-01' is out of range: an audit date goes from 1970-01-01 to "
       "9000-12-31"]]),
    ("as-of before year 1 in UTC", good,
     ["--as-of", "0001-01-01T00:00+01:00", "--replay", str(SAMPLE_PAGES)],
     [["--as-of: '0001-01-01T00:00+01:00' is out of range"]]),
    ("as-of in year 9999", good, ["--as-of", "9999-12-31", "--replay", str(SAMPLE_PAGES)],
     [["--as-of: '9999-12-31' is out of range"]]),
    ("config as_of in year 1",
     text_file("audit.toml", GOOD.replace('"2026-11-01"', "0001-01-01")),
     ["--replay", str(SAMPLE_PAGES)],
     [["audit.toml: audit.as_of: '0001-01-01' is out of range"]]),
    # an empty list audits nothing: a config error, not a run that exits 0
    ("empty organisation list",
     text_file("audit.toml", 'organisation = []\n[audit]\nname = "Q4"\n'), [],
     [["audit.toml: organisation: no profiles to audit"]]),
    ("csv with a header only", text_file("audit.csv", "organisation,role,url\n"), [],
     [["audit.csv: organisation: no profiles to audit"]]),
    # -s: checked before anything is written
    ("-s without a value", good, ["-s", "DOWNLOAD_DELAY", "--replay", str(SAMPLE_PAGES)],
     [["-s: expected NAME=VALUE, got 'DOWNLOAD_DELAY'"]]),
    ("-s unknown setting", good, ["-s", "DOWNLAD_DELAY=1", "--replay", str(SAMPLE_PAGES)],
     [["-s: DOWNLAD_DELAY is not a Scrapy setting the crawl knows (did you mean "
       "DOWNLOAD_DELAY?)"]]),
    ("-s a word for a number", good,
     ["-s", "DOWNLOAD_DELAY=fast", "-s", "CONCURRENT_REQUESTS=1.5",
      "--replay", str(SAMPLE_PAGES)],
     [["-s: DOWNLOAD_DELAY=fast: expected a number"],
      ["-s: CONCURRENT_REQUESTS=1.5: expected a whole number"]]),
    ("-s not true or false", good, ["-s", "ROBOTSTXT_OBEY=maybe", "--replay", str(SAMPLE_PAGES)],
     [["-s: ROBOTSTXT_OBEY=maybe: expected True or False"]]),
    ("-s not a JSON object", good,
     ["-s", "DOWNLOADER_MIDDLEWARES=[1]", "--replay", str(SAMPLE_PAGES)],
     [["-s: DOWNLOADER_MIDDLEWARES=[1]: expected a JSON object"]]),
]


@pytest.mark.parametrize(("make", "extra", "lines"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_is_one_line_per_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], Path],
        extra: list[str], lines: list[list[str]]) -> None:
    a_file(tmp_path)
    config = make(tmp_path)
    out = tmp_path / "out"
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in extra]
    if "--out" not in args:
        args += ["--out", str(out)]
    assert main(["audit", str(config), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.splitlines()
    assert len(err) == len(lines), captured.err
    for line, parts in zip(err, lines, strict=True):
        assert line.startswith("auditor: ")
        for part in parts:
            assert part in line, line
    assert "Traceback" not in captured.err
    assert not out.exists()  # refused before anything was written


def test_duplicates_warn_once_and_the_audit_goes_on(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = text_file("audit.toml", GOOD.replace(
        '"https://mastodon.example/@spaak"]',
        '"https://mastodon.example/@spaak", "https://Mastodon.example/@spaak/"]'))(tmp_path)
    out = tmp_path / "out"
    assert main(["audit", str(config), "--out", str(out), "--replay", str(SAMPLE_PAGES),
                 "--format", "json"]) == 0
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if line.startswith("auditor: warning:")]
    assert len(warnings) == 1
    assert ("organisation[0].profiles[1]: https://mastodon.example/@spaak is already listed "
            "at organisation[0].profiles[0]; audited once") in warnings[0]
    assert (out / "records.jsonl").read_text(encoding="utf-8").count("\n") == 1


@pytest.mark.parametrize("args", [
    ["audit", "missing.toml"],
    ["audit", "sample_pages/demo.toml", "--as-of", "someday"],
    ["audit", "sample_pages/demo.toml", "--replay", "auditor"],
])
def test_the_real_command_prints_no_traceback(tmp_path: Path, args: list[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "auditor", *args, "--out", str(tmp_path / "o")],
                         cwd=REPO, text=True, capture_output=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("auditor: ")
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "o").exists()


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``auditor history ... | head``: the reader goes away; no BrokenPipeError traceback,
    and the shell's exit code for SIGPIPE."""
    config = good(tmp_path)
    reader, writer = os.pipe()
    os.close(reader)  # head has read its lines and gone
    try:
        run = subprocess.run([sys.executable, "-m", "auditor", "history", str(config), "--json"],
                             cwd=REPO, stdout=writer, stderr=subprocess.PIPE, text=True,
                             timeout=60, stdin=subprocess.DEVNULL)
    finally:
        os.close(writer)
    assert run.stderr == ""
    assert run.returncode == 141
