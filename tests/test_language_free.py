"""The judgement is the same in every language; only the writers speak, and the Dutch
reports speak only Dutch: the demo audited and re-judged through the real command."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.messages import ENGLISH, Msg
from tests.conftest import SAMPLE_PAGES
from tests.test_i18n import english_sentences

DEMO = SAMPLE_PAGES / "demo.toml"


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo crawled once (English), re-judged from its records in Dutch, and then audited
    a second time six weeks later in Dutch with the first run in its history."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.history.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1790000000")
        assert main(["audit", str(DEMO), "--replay", str(SAMPLE_PAGES), "--out",
                     str(folder / "en"), "--db", str(db)]) == 0
        assert main(["audit", str(DEMO), "--from-records", str(folder / "en" / "records.jsonl"),
                     "--out", str(folder / "nl"), "--lang", "nl"]) == 0
        patch.setenv("SOURCE_DATE_EPOCH", "1793000000")
        assert main(["audit", str(DEMO), "--replay", str(SAMPLE_PAGES), "--out",
                     str(folder / "later"), "--as-of", "2026-12-15", "--db", str(db),
                     "--lang", "nl"]) == 0
    return {"en": folder / "en", "nl": folder / "nl", "later": folder / "later", "db": db}


def test_report_json_is_byte_identical_in_english_and_dutch(demo_runs: dict[str, Path]) -> None:
    english = (demo_runs["en"] / "report.json").read_text(encoding="utf-8")
    dutch = (demo_runs["nl"] / "report.json").read_text(encoding="utf-8")
    assert '"lang": "en"' in english and '"lang": "nl"' in dutch
    assert dutch.replace('"lang": "nl"', '"lang": "en"', 1) == english


@pytest.mark.parametrize("run", ["nl", "later"])
@pytest.mark.parametrize("report", ["report.html", "report.md"])
def test_every_text_of_the_dutch_demo_is_dutch(demo_runs: dict[str, Path], run: str,
                                               report: str) -> None:
    text = (demo_runs[run] / report).read_text(encoding="utf-8")
    text = html.unescape(text) if report.endswith(".html") else text
    leaked = [sentence for sentence in english_sentences() if sentence in text]
    assert not leaked
    # English words that give a text away, whole words only (codes and handles aside).
    for word in ("ago", "threshold", "missing", "posts", "since", "profile", "flags"):
        assert not re.search(rf"(?<![@/\w-]){word}(?![\w-])", _prose(text)), word


def _prose(text: str) -> str:
    """The words a person reads: no URLs, no HTML tags, no file names."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+|\S+\.(?:jsonl?|html|md|csv|xml)\b", " ", text)
    return text


def test_the_dutch_report_says_what_changed_in_dutch(demo_runs: dict[str, Path]) -> None:
    brief = (demo_runs["later"] / "report.md").read_text(encoding="utf-8")
    # runs 1 and 2 are the demo's earlier months ([[history.earlier]])
    assert "## Sinds de vorige audit (run 3, peildatum 2026-11-01)" in brief
    assert "laatste bericht" in brief.split("## Sinds de vorige audit", 1)[1]


def test_history_rows_hold_message_ids_never_sentences(demo_runs: dict[str, Path]) -> None:
    with sqlite3.connect(demo_runs["db"]) as conn:
        reasons = [row[0] for row in conn.execute("SELECT reason FROM flags")]
        details = [row[0] for row in conn.execute(
            "SELECT outcome_detail FROM profiles WHERE outcome_detail IS NOT NULL")]
        metrics = [row[0] for row in conn.execute("SELECT metrics_json FROM profiles")]
        runs = [row[0] for row in conn.execute("SELECT id FROM runs")]
    assert len(runs) == 4 and reasons and details  # the demo's two earlier months, and two
    for stored in reasons + details:
        message = Msg.from_dict(json.loads(stored))
        assert message.id in ENGLISH, stored
    sentences = [text for text in (t if isinstance(t, str) else t[0] for t in ENGLISH.values())
                 if "{" not in text and len(text.split()) >= 3]
    for stored in reasons + details + metrics:
        for sentence in sentences:
            assert sentence not in stored, (sentence, stored[:200])
