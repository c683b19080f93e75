"""Replay directories: lookup after canonicalisation, clear errors, no reads outside the folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.replay import ReplayError, ReplayRecorder, ReplayStore


def write_manifest(folder: Path, responses: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"responses": responses}), encoding="utf-8")


def test_lookup_ignores_query_order(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("{}")
    write_manifest(tmp_path, [{"url": "https://a.example/x?acct=a&limit=40", "status": 200,
                               "headers": {"Content-Type": "application/json"},
                               "body": "b.json"}])
    store = ReplayStore(tmp_path)
    entry = store.lookup("https://A.example/x?limit=40&acct=a")
    assert entry is not None and entry.body() == b"{}"
    assert store.lookup("https://a.example/x?acct=a") is None


def test_body_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    write_manifest(tmp_path / "replay", [{"url": "https://a.example/", "body": "../secret.txt"}])
    with pytest.raises(ReplayError, match="outside"):
        ReplayStore(tmp_path / "replay")


@pytest.mark.parametrize(("manifest", "message"), [
    (None, "no such file"),
    ("not json", "cannot be read"),
    ('{"responses": 3}', "expected"),
    ('{"responses": [{"status": 200}]}', "needs a url"),
    ('{"responses": [{"url": "https://a.example/", "body": "gone.json"}]}', "missing"),
])
def test_bad_manifests(tmp_path: Path, manifest: str | None, message: str) -> None:
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(ReplayError, match=message):
        ReplayStore(tmp_path)


def test_recorder_writes_what_the_store_reads(tmp_path: Path) -> None:
    recorder = ReplayRecorder(tmp_path / "rec")
    recorder.add("https://a.example/api?b=2&a=1", 200, {"Content-Type": "application/json"},
                 b'{"ok": true}')
    recorder.add("https://a.example/old", 301, {"Location": "https://a.example/new"}, b"")
    recorder.save()
    store = ReplayStore(tmp_path / "rec")
    assert store.lookup("https://a.example/api?a=1&b=2").body() == b'{"ok": true}'
    moved = store.lookup("https://a.example/old")
    assert moved.status == 301 and moved.headers["Location"] == "https://a.example/new"
