"""A sharded audit on two real Scrapyd servers (``auditor audit --scrapyd``), for real.

Two Scrapyd 1.6 instances run as subprocesses on free loopback ports, each with its own
folder and scrapyd.conf; the project is deployed to both as an egg; the benchmark's fake
platforms (bench/fakeplatforms.py) serve the profiles. One shard's job is cancelled half-way
(cancel.json); the auditor resumes that shard alone, and the merged report.json equals a
single-process audit of the same platforms.

Scrapyd comes from the ``test`` extra: these tests fail, never skip, without it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from auditor.config import load_config
from auditor.crawl import CrawlPlan, crawl_plan
from auditor.scrapyd import PROJECT, split_plan
from auditor.scrapyd_api import Scrapyd, ScrapydError, build_egg, deploy, fetch_plan
from auditor.shard import shard_key, split
from bench.fakeplatforms import Platforms, build_config
from tests.conftest import REPO

#: Loopback servers need no politeness; one request at a time per host (and fake answers
#: 0.1 s late) keeps a shard's job running long enough to be cancelled in the middle.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
PROFILES = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ScrapydProcess:
    """One Scrapyd server in a folder of its own."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True)
        self.folder = folder
        self.port = free_port()
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\n"
            "eggs_dir = eggs\nlogs_dir = logs\nitems_dir = items\ndbs_dir = dbs\n"
            "jobs_to_keep = 100\nmax_proc = 2\npoll_interval = 0.2\n", encoding="utf-8")
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (folder / "scrapyd.log").open("wb")
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("SCRAPY")}
        self.process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            with suppress(OSError), urllib.request.urlopen(f"{self.url}/daemonstatus.json",
                                                           timeout=2):
                return
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"Scrapyd never answered:\n{self.output()}"
            time.sleep(0.1)

    def output(self) -> str:
        self.log.flush()
        return (self.folder / "scrapyd.log").read_text(encoding="utf-8", errors="replace")

    def api(self) -> Scrapyd:
        return Scrapyd(self.url)

    def stop(self) -> None:
        # The crawls Scrapyd started first (by their pids), then Scrapyd and its group.
        with suppress(ScrapydError):
            for entry in self.api().call("listjobs.json").get("running", []):
                with suppress(OSError, TypeError):
                    os.kill(int(entry["pid"]), signal.SIGKILL)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def scrapyds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ScrapydProcess]]:
    import scrapyd  # noqa: F401  (from the test extra; a missing one fails here, loudly)

    folder = tmp_path_factory.mktemp("scrapyd")
    servers: list[ScrapydProcess] = []
    try:
        for name in ("one", "two"):
            servers.append(ScrapydProcess(folder / name))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def platforms() -> Iterator[dict[str, Any]]:
    fake = Platforms(hosts=4, latency=0.1)
    fake.start()
    try:
        yield fake.info()
    finally:
        fake.stop()


def auditor(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1793491200"}
    return subprocess.Popen([sys.executable, "-m", "auditor", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, **kwargs)


def report_of(out: Path) -> dict[str, Any]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for organisation in report["organisations"]:
        for profile in organisation["profiles"]:
            profile.pop("fetched_at")  # when each answer came: the two runs differ there
    return dict(report)


def test_the_egg_holds_the_code_and_names_the_settings_module() -> None:
    import io
    import zipfile

    version, egg = build_egg(PROJECT)
    assert (version, egg) == build_egg(PROJECT)  # the same code is the same version
    with zipfile.ZipFile(io.BytesIO(egg)) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert {"spiders/profiles.py", "spiders/settings.py", "auditor/crawl.py",
            "auditor/scrapyd_api.py"} <= names
    assert "[scrapy]\nsettings = spiders.settings" in entry_points
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_shards_split_by_host_and_keep_the_plan(tmp_path: Path,
                                                platforms: dict[str, Any]) -> None:
    config = load_config(_config(tmp_path, platforms))
    plan = crawl_plan(config, config.audit.as_of)  # type: ignore[arg-type]
    shards = split_plan(plan, config, 3)
    # the split of audit --shard K/N, so a shard holds the same hosts either way
    assert {t.url: index for index, s in enumerate(shards, start=1)
            for t in s.targets} == split(config, 3)
    assert sorted(t.url for s in shards for t in s.targets) == sorted(t.url for t in
                                                                       plan.targets)
    owners: dict[str, set[int]] = {}
    for index, shard in enumerate(shards):
        assert shard.options == plan.options
        for target in shard.targets:
            owners.setdefault(shard_key(target.platform, target.url), set()).add(index)
    assert all(len(found) == 1 for found in owners.values())  # a host in one shard only
    assert all(shard.targets for shard in shards)


def test_a_plan_too_large_for_an_argument_is_served(platforms: dict[str, Any],
                                                    tmp_path: Path) -> None:
    """2,500 profiles: far past the 128 KiB one command-line argument may hold on Linux;
    the job gets the plan's address and reads the plan whole."""
    from auditor.scrapyd_api import PlanServer

    config = load_config(_config(tmp_path, platforms, profiles=2500))
    plan = crawl_plan(config, config.audit.as_of)  # type: ignore[arg-type]
    text = plan.to_json()
    assert len(text.encode()) > 128 * 1024
    with PlanServer("127.0.0.1") as server:
        url = server.publish("big.json", text)
        assert len(url) < 200
        assert CrawlPlan.from_json(fetch_plan(url)) == plan
        with pytest.raises(OSError):
            fetch_plan(url.replace("big.json", "other.json"))  # 404: no such plan


def _config(folder: Path, platforms: dict[str, Any], profiles: int = PROFILES) -> Path:
    path = folder / "audit.toml"
    build_config(profiles, platforms, path)
    return path


def _running_job(server: Scrapyd, deadline: float) -> str:
    while time.monotonic() < deadline:
        running = server.call("listjobs.json", [("project", PROJECT)]).get("running", [])
        if running:
            return str(running[0]["id"])
        time.sleep(0.05)
    raise AssertionError("no job ran on the first Scrapyd server")


def _lines(server: Scrapyd, job: str) -> int:
    items = server.items(PROJECT, job, 0)
    return (items or b"").count(b"\n")


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory,
           platforms: dict[str, Any]) -> dict[str, Any]:
    """The same audit by one process, as every sharded one must come out."""
    folder = tmp_path_factory.mktemp("single")
    config = _config(folder, platforms)
    run = auditor("audit", str(config), "--out", str(folder / "out"), "--format", "json",
                  "--no-history", *FAST)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    return report_of(folder / "out")


def test_sharded_audit_on_two_scrapyds_with_a_job_killed_and_resumed(
        tmp_path: Path, scrapyds: list[ScrapydProcess], platforms: dict[str, Any],
        single: dict[str, Any]) -> None:
    config = _config(tmp_path, platforms)
    urls = [server.url for server in scrapyds]
    version = deploy([s.api() for s in scrapyds], PROJECT)
    for server in scrapyds:
        assert version in server.api().versions(PROJECT)
        spiders = server.api().call("listspiders.json", [("project", PROJECT),
                                                         ("_version", version)])
        assert spiders["spiders"] == ["profiles"]

    sharded = auditor("audit", str(config), "--out", str(tmp_path / "sharded"), "--format",
                      "json", "--no-history", "--scrapyd", ",".join(urls), *FAST)
    first = scrapyds[0].api()
    try:
        deadline = time.monotonic() + 120
        job = _running_job(first, deadline)
        while _lines(first, job) < 2:  # a few of its profiles are done
            assert time.monotonic() < deadline, "the job wrote no records"
            time.sleep(0.05)
        first.cancel(PROJECT, job)  # SIGINT: the job stops half-way
        _, err = sharded.communicate(timeout=300)
    finally:
        if sharded.poll() is None:
            sharded.kill()
            sharded.wait()
    assert sharded.returncode == 0, err

    shard_one = CrawlPlan.from_json(fetch_plan_file(tmp_path / "sharded", 1))
    killed = [line for line in err.splitlines() if f"job {job} on {urls[0]} ended" in line]
    assert killed, err
    resumed = [line for line in err.splitlines() if "shard 1/2: resumed: job" in line]
    assert len(resumed) == 1, err
    left = int(resumed[0].rsplit(" for ", 1)[1].split()[0])
    assert 0 < left < len(shard_one.targets)  # only what the killed job had not done
    assert "shard 2/2: resumed" not in err  # the other shard is left alone

    records = (tmp_path / "sharded" / "records.jsonl").read_text(encoding="utf-8")
    urls_read = [json.loads(line)["url"] for line in records.splitlines()]
    assert len(urls_read) == len(set(urls_read))  # each profile once
    assert report_of(tmp_path / "sharded") == single


def test_an_interrupted_sharded_audit_cancels_its_jobs_and_resumes(
        tmp_path: Path, scrapyds: list[ScrapydProcess], platforms: dict[str, Any],
        single: dict[str, Any]) -> None:
    """Ctrl-C on the auditor cancels the running jobs; --resume schedules only what the
    shards' records lack, and the report is the single process's."""
    config = _config(tmp_path, platforms)
    urls = ",".join(server.url for server in scrapyds)
    out = tmp_path / "sharded"
    args = ("audit", str(config), "--out", str(out), "--format", "json", "--no-history",
            "--scrapyd", urls, *FAST)
    first = auditor(*args)
    try:
        deadline = time.monotonic() + 120
        while sum(len(_read(path)) for path in (out / "shards").glob("*.jsonl")) < 4:
            assert first.poll() is None and time.monotonic() < deadline, \
                first.communicate()[1]
            time.sleep(0.05)
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 130, err
    assert not (out / "report.json").exists()
    for server in scrapyds:  # nothing left running: the jobs were cancelled
        deadline = time.monotonic() + 60
        while server.api().call("listjobs.json", [("project", PROJECT)])["running"]:
            assert time.monotonic() < deadline, "a job went on after the interrupt"
            time.sleep(0.1)
    kept = {path.name: _read(path) for path in (out / "shards").glob("*.jsonl")}
    assert 4 <= sum(len(urls) for urls in kept.values()) < PROFILES

    again = auditor(*args, "--resume")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    scheduled = [int(line.rsplit(" for ", 1)[1].split()[0]) for line in err.splitlines()
                 if ": job shard-" in line and " for " in line]
    assert sum(scheduled) == PROFILES - sum(len(urls) for urls in kept.values()), err
    for name, urls in kept.items():  # what the first run had stays, first
        assert _read(out / "shards" / name)[:len(urls)] == urls
    assert report_of(out) == single


def _read(path: Path) -> list[str]:
    raw = path.read_bytes()
    return [json.loads(line)["url"] for line in raw[:raw.rfind(b"\n") + 1].splitlines()]


def fetch_plan_file(out: Path, index: int) -> str:
    """Shard ``index``'s whole plan, as the first job of that shard was given it."""
    config = load_config(out.parent / "audit.toml")
    plan = crawl_plan(config, config.audit.as_of)  # type: ignore[arg-type]
    return split_plan(plan, config, 2)[index - 1].to_json()


def test_a_scrapyd_without_items_is_refused_with_what_to_set(tmp_path: Path) -> None:
    folder = tmp_path / "noitems"
    folder.mkdir()
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\nitems_dir =\n",
        encoding="utf-8")
    log = (folder / "log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        server = Scrapyd(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                server.call("daemonstatus.json")
                break
            except ScrapydError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with pytest.raises(ScrapydError, match="items_dir"):
            server.check()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
        log.close()
