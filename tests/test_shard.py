"""Sharding (issue 21): the split keeps every host in one shard, is balanced and the same on
every machine; ``auditor merge`` judges shards that make one audit and refuses any other."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.merge import SHARD_STATE, merge_records
from auditor.shard import (
    Shard,
    ShardError,
    assign,
    config_keys,
    parse_shard,
    shard_key,
    shard_urls,
    split,
    split_digest,
)
from tests.conftest import SAMPLE_PAGES, make_items, make_record

# -- the split -------------------------------------------------------------------------------


def _config(tmp_path: Path, organisations: dict[str, list[str]], *,
            websites: dict[str, str] | None = None, name: str = "audit.toml") -> Path:
    lines = ['[audit]', 'name = "Shards"', 'as_of = "2026-11-01"']
    for org, urls in organisations.items():
        lines += ["[[organisation]]", f'name = "{org}"']
        if websites and org in websites:
            lines.append(f'website = "{websites[org]}"')
        lines.append("profiles = [" + ", ".join(json.dumps(u) for u in urls) + "]")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _many_hosts(tmp_path: Path, seed: int = 7) -> Path:
    """Profiles over 40 Mastodon hosts of very different sizes, feeds, and the single-home
    platforms, spread over organisations at random (seeded)."""
    rng = random.Random(seed)
    urls = []
    for host in range(40):
        urls += [f"https://m{host}.example/@u{i}" for i in range(rng.randint(1, 30))]
    urls += [f"https://bsky.app/profile/u{i}.example" for i in range(25)]
    urls += [f"https://www.youtube.com/@u{i}" for i in range(12)]
    urls += [f"https://t.me/u{i}" for i in range(9)]
    urls += [f"https://www.facebook.com/p{i}" for i in range(4)]
    urls += [f"https://www.instagram.com/p{i}" for i in range(4)]
    rng.shuffle(urls)
    organisations = {f"Org {n}": urls[n::12] for n in range(12)}
    websites = {f"Org {n}": f"https://www.org{n}.example/" for n in range(12)}
    return _config(tmp_path, organisations, websites=websites)


def test_shard_keys_are_the_host_or_the_platforms_one_home() -> None:
    assert shard_key("mastodon", "https://Mastodon.Social/@a") == "mastodon.social"
    assert shard_key("feed", "https://blog.example:8443/feed") == "blog.example:8443"
    assert shard_key("bluesky", "https://bsky.app/profile/a") == shard_key(
        "bluesky", "https://other.example/b")
    assert shard_key("facebook", "https://www.facebook.com/a") == shard_key(
        "instagram", "https://www.instagram.com/b")
    assert shard_key("mastodon", "https://u:p@m.example/@a") == "m.example"


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_every_host_and_single_home_platform_lives_in_exactly_one_shard(
        tmp_path: Path, count: int) -> None:
    config = load_config(_many_hosts(tmp_path))
    keys = dict(config_keys(config))
    shards = [shard_urls(config, Shard(k, count)) for k in range(1, count + 1)]
    crawled = [url for url, _ in config_keys(config)]
    # every URL the audit crawls (websites too) is in one shard and only one
    assert sorted(url for shard in shards for url in shard) == sorted(set(crawled))
    owners: dict[str, set[int]] = {}
    for index, shard in enumerate(shards, 1):
        for url in shard:
            owners.setdefault(keys[url], set()).add(index)
    assert all(len(found) == 1 for found in owners.values()), owners
    assert len(owners["bluesky"]) == 1 and owners["meta-graph"]  # one home, one shard


@pytest.mark.parametrize("count", [2, 3, 4])
def test_the_split_is_balanced_within_the_largest_key(tmp_path: Path, count: int) -> None:
    config = load_config(_many_hosts(tmp_path))
    keys = [key for _, key in config_keys(config)]
    sizes = [sum(1 for shard in split(config, count).values() if shard == k)
             for k in range(1, count + 1)]
    largest = max(keys.count(key) for key in set(keys))
    assert sum(sizes) == len(keys)
    assert max(sizes) - min(sizes) <= largest, sizes


def test_the_split_is_the_same_whatever_the_order_of_the_config(tmp_path: Path) -> None:
    first = load_config(_many_hosts(tmp_path))
    urls = [entry.url for entry in first.profiles()]
    again = random.Random(3).sample(urls, len(urls))
    other = load_config(_config(tmp_path, {"All": again}, name="other.toml"))
    same = {url: shard for url, shard in split(first, 3).items() if url in set(urls)}
    assert split(other, 3) == same
    assert split_digest(first, 3) == split_digest(load_config(_many_hosts(tmp_path)), 3)
    assert assign(["a", "b", "b", "c", "c", "c"], 2) == {"c": 1, "b": 2, "a": 2}


def test_more_shards_than_hosts_leaves_some_empty(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, {"A": ["https://a.example/@x",
                                                  "https://a.example/@y"]}))
    assert [len(shard_urls(config, Shard(k, 3))) for k in (1, 2, 3)] == [2, 0, 0]


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "2", "a/b", "-1/2", "2/4/6", ""])
def test_bad_shards_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(ShardError, match="--shard"):
        parse_shard(text)


def test_a_shard_is_read_as_people_write_it() -> None:
    assert parse_shard(" 2 / 4 ") == Shard(2, 4)
    assert str(parse_shard("1/1")) == "1/1"


# -- the merge's checks ---------------------------------------------------------------------

HOSTS = ("https://a.example", "https://b.example", "https://c.example", "https://d.example")


@pytest.fixture()
def shards(tmp_path: Path) -> dict[str, object]:
    """A config over four hosts and its three shards' folders, filled as ``audit --shard``
    fills them (records of every profile of the shard, shard.json, run.json finished)."""
    urls = [f"{host}/@u{i}" for host in HOSTS for i in range(1 + HOSTS.index(host))]
    config_path = _config(tmp_path, {"Spaak": urls[:5], "Ratel": urls[5:]})
    config = load_config(config_path)
    digest = hashlib.sha256(config_path.read_bytes()).hexdigest()
    folders = []
    for index in (1, 2, 3):
        folder = tmp_path / f"shard{index}"
        folder.mkdir()
        mine = sorted(shard_urls(config, Shard(index, 3)))
        records = [make_record(url=url, items=make_items([(3, "original"), (10, "original")]))
                   for url in mine]
        (folder / "records.jsonl").write_text(
            "".join(json.dumps(r.to_dict()) + "\n" for r in records), encoding="utf-8")
        (folder / SHARD_STATE).write_text(json.dumps({
            "shard": f"{index}/3", "index": index, "count": 3, "config": str(config_path),
            "config_sha256": digest, "as_of": "2026-11-01T00:00:00+00:00",
            "split_sha256": split_digest(config, 3), "auditor": "test"}), encoding="utf-8")
        (folder / "run.json").write_text(json.dumps({
            "config": str(config_path), "config_sha256": digest,
            "as_of": "2026-11-01T00:00:00+00:00", "completed": True}), encoding="utf-8")
        folders.append(folder)
    return {"config": config_path, "folders": folders, "out": tmp_path / "merged",
            "urls": urls}


def _merge(shards: dict[str, object], *folders: Path, extra: tuple[str, ...] = ()) -> int:
    return main(["merge", *map(str, folders), "--config", str(shards["config"]), "--out",
                 str(shards["out"]), "--format", "json,csv", *extra])


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().err.split())


def test_merged_shards_are_judged_as_one_audit(shards: dict,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # the same generated_at
    folders = shards["folders"]
    assert _merge(shards, folders[2], folders[0], folders[1]) == 0
    report = json.loads((shards["out"] / "report.json").read_text(encoding="utf-8"))
    judged = [p["url"] for org in report["organisations"] for p in org["profiles"]]
    assert sorted(judged) == sorted(shards["urls"])
    # the same as judging every record in one file, the order of the shards aside
    whole = shards["out"].parent / "whole"
    joined = shards["out"].parent / "all.jsonl"
    joined.write_text("".join((f / "records.jsonl").read_text(encoding="utf-8")
                              for f in reversed(folders)), encoding="utf-8")
    assert main(["audit", str(shards["config"]), "--from-records", str(joined), "--out",
                 str(whole), "--format", "json,csv"]) == 0
    for name in ("report.json", "report.csv"):
        assert (whole / name).read_bytes() == (shards["out"] / name).read_bytes()


def test_a_missing_shard_is_named_with_how_to_crawl_it(
        shards: dict, capsys: pytest.CaptureFixture[str]) -> None:
    folders = shards["folders"]
    assert _merge(shards, folders[0], folders[2]) == 2
    error = _error(capsys)
    assert "shard 2/3 is missing" in error and "--shard 2/3" in error
    assert not (shards["out"] / "report.json").exists()
    assert _merge(shards, folders[1]) == 2
    assert "shards 1/3 and 3/3 are missing" in _error(capsys)


def test_a_shard_given_twice_is_refused(shards: dict, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    folders = shards["folders"]
    copy = folders[0].parent / "copy"
    copy.mkdir()
    for name in ("records.jsonl", SHARD_STATE, "run.json"):
        (copy / name).write_bytes((folders[0] / name).read_bytes())
    assert _merge(shards, *folders, copy) == 2
    assert f"shard 1/3 is given twice: {folders[0]} and {copy}" in _error(capsys)


def test_shards_of_another_config_or_date_are_refused(
        shards: dict, capsys: pytest.CaptureFixture[str]) -> None:
    folders = shards["folders"]
    other = shards["config"].with_name("other.toml")
    other.write_text(shards["config"].read_text(encoding="utf-8") + "# changed\n",
                     encoding="utf-8")
    assert main(["merge", *map(str, folders), "--config", str(other), "--out",
                 str(shards["out"])]) == 2
    assert "is not the config the shards were crawled with" in _error(capsys)
    state = json.loads((folders[1] / SHARD_STATE).read_text(encoding="utf-8"))
    state["as_of"] = "2026-12-01T00:00:00+00:00"
    (folders[1] / SHARD_STATE).write_text(json.dumps(state), encoding="utf-8")
    assert _merge(shards, *folders) == 2
    assert "are not shards of one audit: another audit date" in _error(capsys)
    state["as_of"], state["config_sha256"] = "2026-11-01T00:00:00+00:00", "0" * 64
    (folders[1] / SHARD_STATE).write_text(json.dumps(state), encoding="utf-8")
    assert _merge(shards, *folders) == 2
    assert "another config" in _error(capsys)


def test_an_unfinished_shard_or_a_folder_that_is_no_shard_is_refused(
        shards: dict, capsys: pytest.CaptureFixture[str]) -> None:
    folders = shards["folders"]
    run = json.loads((folders[2] / "run.json").read_text(encoding="utf-8"))
    (folders[2] / "run.json").write_text(json.dumps({**run, "completed": False}),
                                         encoding="utf-8")
    assert _merge(shards, *folders) == 2
    error = _error(capsys)
    assert f"shard 3/3 in {folders[2]} did not finish" in error
    assert f"--shard 3/3 --out {folders[2]} --resume" in error
    empty = folders[0].parent / "empty"
    empty.mkdir()
    assert _merge(shards, empty) == 2
    assert "is not a shard's folder" in _error(capsys)


def test_a_shard_split_by_another_version_is_refused(
        shards: dict, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in shards["folders"]:
        state = json.loads((folder / SHARD_STATE).read_text(encoding="utf-8"))
        (folder / SHARD_STATE).write_text(json.dumps({**state, "split_sha256": "x"}),
                                          encoding="utf-8")
    assert _merge(shards, *shards["folders"]) == 2
    assert "split otherwise" in _error(capsys)


def test_merged_records_never_join_two_lines(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_bytes(b'{"url": "a"}\n{"url": "torn')  # a killed shard's last line
    second.write_bytes(b'{"url": "b"}\n')
    merged = merge_records([first, second], tmp_path / "merged.jsonl")
    assert merged.read_bytes().splitlines() == [b'{"url": "a"}', b'{"url": "torn',
                                                b'{"url": "b"}']


def test_shard_refuses_what_only_the_merge_does(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for extra in (["--db", str(tmp_path / "h.sqlite")], ["--fail-on", "DEAD"],
                  ["--format", "json"]):
        assert main(["audit", str(SAMPLE_PAGES / "demo.toml"), "--shard", "1/2", "--out",
                     str(tmp_path / "s"), *extra]) == 2
        assert "give " + extra[0] + " to auditor merge" in _error(capsys)
    assert main(["audit", str(SAMPLE_PAGES / "demo.toml"), "--shard", "3/2", "--out",
                 str(tmp_path / "s")]) == 2
    assert "K must be 1 to N" in _error(capsys)


def test_the_merged_audit_is_stored_in_the_history_only_with_db(shards: dict) -> None:
    from auditor.history import HistoryStore

    db = shards["out"].parent / "history.sqlite"
    assert _merge(shards, *shards["folders"]) == 0
    assert not db.exists() and not list(shards["config"].parent.glob("*.sqlite"))
    assert _merge(shards, *shards["folders"], extra=("--db", str(db))) == 0
    with HistoryStore(db) as store:
        runs = store.runs(completed=True)
    assert len(runs) == 1 and runs[0].as_of is not None
    assert runs[0].as_of.date().isoformat() == "2026-11-01"


def test_the_merged_audit_goes_into_a_postgresql_history_without_its_password(
        shards: dict, request: pytest.FixtureRequest) -> None:
    from auditor.history import HistoryStore
    from tests.postgres import PgServer

    server: PgServer = request.getfixturevalue("postgres_server")
    target = server.new_database("merge")
    url_with_password = server.url(target.url.rsplit("/", 1)[1])
    assert server.password not in target.url
    assert _merge(shards, *shards["folders"], extra=("--db", url_with_password)) == 0
    with HistoryStore(target) as store:  # stored: the password reached the connection
        runs = store.runs(completed=True)
    assert len(runs) == 1
    for written in shards["out"].rglob("*"):
        if written.is_file():
            assert server.password.encode() not in written.read_bytes(), written
