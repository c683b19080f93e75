"""A sharded audit equals the single one (issue 21): the demo audited whole, and as three
shards crawled apart (``audit --shard K/3``) and judged together (``auditor merge``), from
the same recorded answers. Each crawl is a real one through the CLI (slow)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.merge import SHARD_STATE
from auditor.shard import Shard, shard_urls
from tests.conftest import SAMPLE_PAGES

DEMO = SAMPLE_PAGES / "demo.toml"
AS_OF = "2026-11-01"
#: What legitimately differs between two crawls of the same answers: when each profile was
#: read (the crawl's clock). Nothing else may.
READ_TIMES = frozenset({"fetched_at", "followers_read_at"})


def _without_read_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_read_times(item) for key, item in value.items()
                if key not in READ_TIMES}
    if isinstance(value, list):
        return [_without_read_times(item) for item in value]
    return value


def _audit(*args: str) -> int:
    return main(["audit", str(DEMO), "--replay", str(SAMPLE_PAGES), "--as-of", AS_OF, *args])


def test_three_shards_merged_make_the_report_of_the_whole_audit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # the same generated_at
    whole = tmp_path / "whole"
    assert _audit("--out", str(whole), "--no-history") == 0
    capsys.readouterr()
    folders = [tmp_path / f"shard{k}" for k in (1, 2, 3)]
    config = load_config(DEMO)
    for k, folder in enumerate(folders, 1):
        assert _audit("--shard", f"{k}/3", "--out", str(folder)) == 0
        err = capsys.readouterr().err
        mine = shard_urls(config, Shard(k, 3))
        crawled = [json.loads(line)["url"]
                   for line in (folder / "records.jsonl").read_text("utf-8").splitlines()]
        assert sorted(crawled) == sorted(mine)  # its profiles and websites, nothing else
        assert f"shard {k}/3: " in err and "auditor merge" in err
        assert not list(folder.glob("report.*"))  # a shard judges nothing
        state = json.loads((folder / SHARD_STATE).read_text("utf-8"))
        assert (state["index"], state["count"], state["as_of"]) == (k, 3,
                                                                    "2026-11-01T00:00:00+00:00")
    merged = tmp_path / "merged"
    assert main(["merge", *map(str, reversed(folders)), "--config", str(DEMO), "--out",
                 str(merged)]) == 0
    # the pages and the spreadsheet rows: byte for byte
    for name in ("report.csv", "report.md", "report.html"):
        assert (merged / name).read_bytes() == (whole / name).read_bytes(), name
    # report.json: the same but for when each profile was read
    ours = json.loads((merged / "report.json").read_text("utf-8"))
    theirs = json.loads((whole / "report.json").read_text("utf-8"))
    assert _without_read_times(ours) == _without_read_times(theirs)


def test_a_shard_resumes_only_in_its_own_folder(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "shard1"
    assert _audit("--shard", "1/2", "--out", str(folder)) == 0
    run = json.loads((folder / "run.json").read_text("utf-8"))
    (folder / "run.json").write_text(json.dumps({**run, "completed": False}), "utf-8")
    capsys.readouterr()
    assert _audit("--shard", "2/2", "--out", str(folder), "--resume") == 2
    assert "holds shard 1/2, not shard 2/2" in capsys.readouterr().err
    before = (folder / "records.jsonl").read_bytes()
    assert _audit("--shard", "1/2", "--out", str(folder), "--resume") == 0
    assert "0 to crawl" in capsys.readouterr().err
    assert (folder / "records.jsonl").read_bytes() == before
