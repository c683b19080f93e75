"""Monitoring through the CLI: replayed audits stored in a history file, listed and compared."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_PAGES
from tests.test_e2e import auditor

SPAAK = "https://mastodon.example/@spaak"


def _mastodon_config(tmp_path: Path) -> Path:
    """The demo's Spaak Fietsen organisation, Mastodon profiles only."""
    config = tmp_path / "spaak.toml"
    config.write_text(
        '[audit]\nname = "Spaak monitoring"\n\n'
        '[[organisation]]\nname = "Spaak Fietsen"\nrole = "client"\n'
        'profiles = ["https://mastodon.example/@spaak", "https://mastodon.example/@spaaknieuws",'
        ' "https://mastodon.example/@spaak_oud"]\n', encoding="utf-8")
    return config


def _audit(config: Path, replay: Path, out: Path, as_of: str, *extra: str):
    return auditor("audit", str(config), "--replay", str(replay), "--out", str(out),
                   "--as-of", as_of, "--format", "json,md,html", *extra)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_demo_audits_a_month_apart(tmp_path: Path, backend: str,
                                       request: pytest.FixtureRequest) -> None:
    db: Path | str = tmp_path / "demo.sqlite"
    if backend == "postgres":  # the same, with the history in PostgreSQL
        server = request.getfixturevalue("postgres_server")
        db = server.url(server.new_database().url.rsplit("/", 1)[1])
    demo = SAMPLE_PAGES / "demo.toml"
    first = _audit(demo, SAMPLE_PAGES, tmp_path / "oct", "2026-11-01", "--db", str(db))
    second = _audit(demo, SAMPLE_PAGES, tmp_path / "nov", "2026-12-01", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr

    listed = auditor("history", str(demo), "--db", str(db), "--json")
    runs = json.loads(listed.stdout)["runs"]
    # the demo's history starts with its two earlier months ([[history.earlier]])
    assert sorted((run["as_of"][:10], run["completed"]) for run in runs) == [
        ("2026-09-01", True), ("2026-10-01", True), ("2026-11-01", True), ("2026-12-01", True)]

    diff = auditor("diff", str(demo), "--db", str(db))
    assert diff.returncode == 0, diff.stderr
    assert "went quiet (STALE): last post 30 days ago" in diff.stdout
    assert "@spaak@mastodon.example" in diff.stdout

    brief = (tmp_path / "nov" / "report.md").read_text(encoding="utf-8")
    assert "## Since the last audit (run 3, as of 2026-11-01)" in brief
    assert "went quiet (STALE)" in brief
    page = (tmp_path / "nov" / "report.html").read_text(encoding="utf-8")
    assert 'id="since"' in page and "went quiet (STALE)" in page
    # the first audit compared with the demo's earlier October run
    assert "## Since the last audit (run 2, as of 2026-10-01)" in (
        tmp_path / "oct" / "report.md").read_text(encoding="utf-8")


def test_three_replayed_runs_with_pages_changed_in_between(tmp_path: Path) -> None:
    """Run 1 as recorded; run 2 with a new bio and a default avatar; run 3 with a 502."""
    pages = tmp_path / "pages"
    shutil.copytree(SAMPLE_PAGES, pages)
    config = _mastodon_config(tmp_path)
    db = tmp_path / "spaak.sqlite"
    lookup = pages / "mastodon" / "mastodon-spaak-lookup.json"
    manifest_path = pages / "manifest.json"

    assert _audit(config, pages, tmp_path / "r1", "2026-11-01", "--db", str(db)).returncode == 0

    account = json.loads(lookup.read_text(encoding="utf-8"))
    account["note"] = "<p>Nieuwe eigenaar sinds november; bel ons op 030-7654321.</p>"
    default_avatar = "https://mastodon.example/avatars/original/missing.png"
    account["avatar"] = account["avatar_static"] = default_avatar
    lookup.write_text(json.dumps(account), encoding="utf-8")
    assert _audit(config, pages, tmp_path / "r2", "2026-11-01", "--db", str(db)).returncode == 0

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["responses"]:
        if entry["url"].endswith("lookup?acct=spaak"):
            entry["status"] = 502
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert _audit(config, pages, tmp_path / "r3", "2026-11-01", "--db", str(db)).returncode == 0

    one_two = json.loads(auditor("diff", str(config), "--db", str(db), "--from", "1", "--to",
                                 "2", "--json").stdout)
    spaak = next(p for o in one_two["organisations"] for p in o["profiles"] if p["url"] == SPAAK)
    kinds = {change["kind"] for change in spaak["changes"]}
    assert {"new_bio", "new_photo"} <= kinds
    assert "INCOMPLETE" in spaak["flags_after"] and "INCOMPLETE" not in spaak["flags_before"]

    two_three = json.loads(auditor("diff", str(config), "--db", str(db), "--json").stdout)
    spaak = next(p for o in two_three["organisations"] for p in o["profiles"] if p["url"] == SPAAK)
    assert spaak["status"] == "not_rechecked"
    assert spaak["verdict_run"] == 2  # the error keeps the verdict of run 2
    assert "INCOMPLETE" in spaak["flags_after"]  # not "cleared" by a transient error
    brief = (tmp_path / "r3" / "report.md").read_text(encoding="utf-8")
    assert "not re-checked" in brief

    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        complete = connection.execute("SELECT COUNT(*) FROM runs WHERE completed = 1")
        assert complete.fetchone() == (3,)


def test_no_history_stores_nothing(tmp_path: Path) -> None:
    config = _mastodon_config(tmp_path)
    run = _audit(config, SAMPLE_PAGES, tmp_path / "out", "2026-11-01", "--no-history")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "spaak.history.sqlite").exists()
    default = _audit(config, SAMPLE_PAGES, tmp_path / "out2", "2026-11-01")
    assert default.returncode == 0
    assert (tmp_path / "spaak.history.sqlite").exists()  # beside the config by default
