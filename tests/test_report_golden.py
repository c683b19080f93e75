"""The bundled demo's report.md and report.csv, compared with golden files.

The demo (``auditor demo --out DIR --lang en|nl``) runs in a fresh folder per language, so no
earlier run's history shows up. Parts that change from run to run are scrubbed before the
comparison: the moment the report was generated (``2026-11-27 06:04 UTC``) and the tool
version. Everything else in the demo is fixed (its own as-of date, replayed sample pages).

When the demo changes on purpose (new sample pages, new platforms, reworded texts),
regenerate the golden files with ONE command and review the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_report_golden.py

A failing comparison prints a unified diff (golden -> now).
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
LANGS = ("en", "nl")
FORMATS = ("md", "csv")
DEMO_TIMEOUT = 180
GENERATED = "<GENERATED>"
VERSION = "<VERSION>"


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")


def golden_path(lang: str, fmt: str) -> Path:
    suffix = "" if lang == "en" else f".{lang}"
    return GOLDEN / f"demo{suffix}.report.{fmt}"


def scrub(text: str, *, generated_at: datetime, tool_version: str,
          timezone: str = "UTC") -> str:
    """Replace the run's own moment (shown in the audit's time zone) and the tool version
    by placeholders."""
    local = generated_at.astimezone(UTC if timezone == "UTC" else ZoneInfo(timezone))
    zone = "UTC" if timezone == "UTC" else local.tzname()
    moment = f"{local:%Y-%m-%d %H:%M} {zone}"
    text = text.replace(moment, GENERATED)
    return text.replace(f"social presence auditor {tool_version}",
                        f"social presence auditor {VERSION}")


@pytest.fixture(scope="module", params=LANGS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[str, dict[str, str]]:
    """(lang, {format: scrubbed text}) of one fresh demo run."""
    lang: str = request.param
    out = tmp_path_factory.mktemp(f"golden-{lang}")
    try:
        run = subprocess.run(
            [sys.executable, "-m", "auditor", "demo", "--out", str(out), "--lang", lang],
            cwd=REPO, capture_output=True, text=True, timeout=DEMO_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"auditor demo --lang {lang} did not finish within {DEMO_TIMEOUT} s")
    if run.returncode != 0:
        pytest.fail(f"auditor demo --lang {lang} exited {run.returncode}:\n"
                    f"{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    audit = json.loads((out / "report.json").read_text(encoding="utf-8"))["audit"]
    generated_at = datetime.fromisoformat(audit["generated_at"])
    # Bytes decoded as they are: the CSV's line endings are part of what is compared.
    texts = {fmt: scrub((out / f"report.{fmt}").read_bytes().decode("utf-8"),
                        generated_at=generated_at, tool_version=audit["tool_version"],
                        timezone=audit.get("timezone", "UTC"))
             for fmt in FORMATS}
    return lang, texts


def test_scrub_replaces_only_the_volatile_parts() -> None:
    text = ("Generated 2026-11-27 06:04 UTC by social presence auditor 0.1.0; window.\n"
            "last post 2026-10-31 12:00 UTC\n")
    scrubbed = scrub(text, generated_at=datetime(2026, 11, 27, 6, 4, 59, tzinfo=UTC),
                     tool_version="0.1.0")
    assert scrubbed == (f"Generated {GENERATED} by social presence auditor {VERSION}; window.\n"
                        "last post 2026-10-31 12:00 UTC\n")
    amsterdam = scrub("Generated 2026-11-27 07:04 CET by social presence auditor 0.1.0",
                      generated_at=datetime(2026, 11, 27, 6, 4, 59, tzinfo=UTC),
                      tool_version="0.1.0", timezone="Europe/Amsterdam")
    assert amsterdam == f"Generated {GENERATED} by social presence auditor {VERSION}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_demo_report_matches_golden(demo: tuple[str, dict[str, str]], fmt: str) -> None:
    lang, texts = demo
    actual = texts[fmt]
    path = golden_path(lang, fmt)
    if fmt == "md":
        assert GENERATED in actual and VERSION in actual, (
            "the generated moment or the tool version was not scrubbed; has the report's "
            "wording changed? Adjust scrub() in this file")
    if updating():
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    if not path.exists():
        pytest.fail(f"no golden file {path.relative_to(REPO)}; create it with "
                    "UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_report_golden.py")
    expected = path.read_bytes().decode("utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"golden/{path.name}", tofile=f"demo --lang {lang} report.{fmt}"))
        pytest.fail(f"report.{fmt} ({lang}) differs from {path.relative_to(REPO)}.\n"
                    "If the change is intended, regenerate with: UPDATE_GOLDEN=1 "
                    ".venv/bin/python -m pytest -q tests/test_report_golden.py\n\n" + diff,
                    pytrace=False)
