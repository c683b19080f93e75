"""Nothing lost: a crawl killed half-way keeps its finished profiles, --resume crawls the rest.

The sample pages are served over loopback HTTP, slowly, so the crawl can be stopped in the
middle; the servers count every request, so a resumed run is seen to fetch only the
profiles the interrupted one did not finish.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from auditor.cli import main
from auditor.config import load_config
from auditor.crawl import CrawlPlan, Finished, RecordTail, crawl_plan, trim_torn_tail
from auditor.outdir import RUN_STATE
from auditor.progress import progress_printer
from tests.conftest import REPO, SAMPLE_PAGES
from tests.servers import ReplayServers, _Handler

#: Mastodon profiles of the demo (organisation, role, profiles), served by sample_pages.
ORGANISATIONS = [
    ("Spaak Fietsen", "client", ["https://mastodon.example/@spaak",
                                 "https://mastodon.example/@spaaknieuws",
                                 "https://mastodon.example/@spaak_oud"]),
    ("Ratel Tweewielers", "competitor", ["https://fedi.example/@ratel",
                                         "https://fedi.example/@ratelwerkplaats"]),
    ("Velo Vlot", "competitor", ["https://mastodon.example/@velovlot",
                                 "https://mastodon.example/@velovlot_nl",
                                 "https://mastodon.example/@velovlot_promo",
                                 "https://fedi.example/@velovlot_oud"]),
]
LISTED = [url for _, _, urls in ORGANISATIONS for url in urls]
#: Loopback servers need no politeness; one request at a time per host keeps the crawl slow
#: enough to stop in the middle.
FAST = ["--format", "json", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
ONE_AT_A_TIME = [*FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
DELAY = 0.3


def config_text(*, private: bool = True) -> str:
    lines = ['[audit]', 'name = "Resume test"', 'as_of = "2026-11-01"']
    for name, role, urls in ORGANISATIONS:
        lines += ["", "[[organisation]]", f'name = "{name}"', f'role = "{role}"',
                  "profiles = [" + ", ".join(f'"{url}"' for url in urls) + "]"]
    text = "\n".join(lines) + "\n"
    if private:
        text = text.replace("[audit]\n", "[audit]\nallow_private_addresses = true\n", 1)
    return text


@contextmanager
def serve(delay: float = 0.0) -> Iterator[ReplayServers]:
    """The sample pages on loopback, each answer ``delay`` seconds late."""

    class Slow(_Handler):
        def do_GET(self) -> None:
            time.sleep(delay)
            super().do_GET()

    servers = ReplayServers(SAMPLE_PAGES)
    servers.start()
    for server in servers._servers:
        server.RequestHandlerClass = Slow
    try:
        yield servers
    finally:
        servers.stop()


def local_config(servers: ReplayServers, folder: Path) -> Path:
    path = folder / "audit.toml"
    path.write_text(servers.local(config_text()), encoding="utf-8")
    return path


def auditor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def start_auditor(*args: str) -> subprocess.Popen[str]:
    """The auditor in a process group of its own, as a shell would start it."""
    return subprocess.Popen([sys.executable, "-m", "auditor", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def wait_for_lines(path: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert process.poll() is None, "the crawl ended before it could be interrupted"
        time.sleep(0.02)
    raise AssertionError(f"{path} never reached {count} lines")


def lines_of(path: Path) -> list[dict[str, Any]]:
    """Every complete line must be a whole record; a torn last line is allowed."""
    raw = path.read_bytes()
    complete = raw[:raw.rfind(b"\n") + 1].decode("utf-8").splitlines()
    return [json.loads(line) for line in complete if line.strip()]


def lookups(servers: ReplayServers) -> list[str]:
    """The profiles whose account lookup reached the servers, as fictional profile URLs."""
    found = []
    for url in servers.requests:
        parts = urlsplit(servers.fictional(url))
        if parts.path == "/api/v1/accounts/lookup":
            acct = parse_qs(parts.query)["acct"][0]
            found.append(f"{parts.scheme}://{parts.netloc}/@{acct}")
    return found


def verdicts(out: Path, servers: ReplayServers) -> dict[str, tuple[str, list[str]]]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {servers.fictional(p["url"]): (p["outcome"], sorted(f["code"] for f in p["flags"]))
            for org in report["organisations"] for p in org["profiles"]}


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str]]]:
    folder = tmp_path_factory.mktemp("whole")
    with serve() as servers:
        run = auditor("audit", str(local_config(servers, folder)), "--out",
                      str(folder / "out"), *FAST)
        assert run.returncode == 0, run.stderr
        found = verdicts(folder / "out", servers)
    assert set(found) == set(LISTED)
    assert len({tuple(flags) for _, flags in found.values()}) > 2  # a mix of verdicts to compare
    return found


@pytest.mark.parametrize("how", ["sigint", "sigkill"])
def test_a_stopped_crawl_resumes_with_only_the_missing_profiles(
        tmp_path: Path, uninterrupted: dict[str, tuple[str, list[str]]], how: str) -> None:
    out = tmp_path / "out"
    records = out / "records.jsonl"
    with serve(DELAY) as servers:
        config = local_config(servers, tmp_path)
        process = start_auditor("audit", str(config), "--out", str(out), *ONE_AT_A_TIME)
        wait_for_lines(records, 2, process)
        crawlers = children_of(process.pid)
        assert len(crawlers) == 1
        if how == "sigint":  # Ctrl-C on a terminal: the whole foreground group
            os.killpg(process.pid, signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            assert process.returncode == 3, stderr
            assert "cut short" in stderr and "--resume" in stderr
            assert "Traceback" not in stderr
        else:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=60)
            assert process.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 30
        while alive(crawlers[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(crawlers[0]), "the crawl outlived the auditor"

        kept = lines_of(records)
        assert 2 <= len(kept) < len(LISTED)
        for record in kept:
            assert record["outcome"] in {"ok", "not_found", "gone", "blocked"}
        by_url = {servers.fictional(r["url"]): r for r in kept}
        organisation_of = {url: (name, role) for name, role, urls in ORGANISATIONS
                           for url in urls}
        for url, record in by_url.items():
            assert (record["organisation"], record["role"]) == organisation_of[url]
        state = json.loads((out / RUN_STATE).read_text(encoding="utf-8"))
        assert state["completed"] is False
        before = records.read_bytes()

        servers.requests.clear()
        resumed = auditor("audit", str(config), "--out", str(out), "--resume", *FAST)
        assert resumed.returncode == 0, resumed.stderr
        missing = [url for url in LISTED if url not in by_url]
        assert f"{len(kept)} of {len(LISTED)} profile(s) already done" in resumed.stderr
        assert sorted(lookups(servers)) == sorted(missing)
        final = verdicts(out, servers)
    assert final == uninterrupted
    # The old records stay as they were; the new ones come after them.
    after = records.read_bytes()
    assert after.startswith(before[:before.rfind(b"\n") + 1])
    every = lines_of(records)
    assert len(every) == len(LISTED)
    assert after.endswith(b"\n")
    assert json.loads((out / RUN_STATE).read_text(encoding="utf-8"))["completed"] is True
    # The crawl plan of the resumed run held exactly the missing profiles.
    remaining = CrawlPlan.from_json((out / "plan.json").read_text(encoding="utf-8"))
    assert sorted(servers.fictional(t.url) for t in remaining.targets) == sorted(missing)


def replay_config(tmp_path: Path) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(config_text(private=False), encoding="utf-8")
    return path


def replay_audit(config: Path, out: Path, *args: str) -> int:
    return main(["audit", str(config), "--out", str(out), "--replay", str(SAMPLE_PAGES),
                 "--format", "json", *args])


def test_resume_after_a_torn_last_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, out = replay_config(tmp_path), tmp_path / "out"
    assert replay_audit(config, out) == 0
    whole = json.loads((out / "report.json").read_text(encoding="utf-8"))
    records = out / "records.jsonl"
    lines = records.read_bytes().splitlines(keepends=True)
    records.write_bytes(b"".join(lines[:3]) + lines[3][:40])  # killed while writing line 4
    state = json.loads((out / RUN_STATE).read_text(encoding="utf-8"))
    (out / RUN_STATE).write_text(json.dumps({**state, "completed": False}), encoding="utf-8")
    capsys.readouterr()

    assert replay_audit(config, out, "--resume") == 0
    err = capsys.readouterr().err
    assert "3 of 9 profile(s) already done, 6 to crawl" in err
    # progress counts the records already there as well as the new ones
    assert "  9/9 profiles done, 3 not ok (2 gone, 1 not_found)\n" in err
    kept = records.read_bytes()
    assert kept.startswith(b"".join(lines[:3]))
    assert len(lines_of(records)) == len(LISTED) == kept.count(b"\n")
    again = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for report in (whole, again):
        report["audit"].pop("generated_at")
        for org in report["organisations"]:
            for profile in org["profiles"]:
                profile.pop("fetched_at")
    assert again == whole


def test_resume_with_everything_done_only_judges(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Killed after the crawl, before the reports: --resume crawls nothing."""
    config, out = replay_config(tmp_path), tmp_path / "out"
    assert replay_audit(config, out) == 0
    state = json.loads((out / RUN_STATE).read_text(encoding="utf-8"))
    (out / RUN_STATE).write_text(json.dumps({**state, "completed": False}), encoding="utf-8")
    (out / "report.json").unlink()
    (out / "crawl.log").unlink()
    assert replay_audit(config, out, "--resume") == 0
    assert "9 of 9 profile(s) already done, 0 to crawl" in capsys.readouterr().err
    assert (out / "report.json").exists()
    assert not (out / "crawl.log").exists()  # no crawl was started


@pytest.mark.parametrize(("change", "message"), [
    ("nothing", "--resume: nothing to resume in"),
    ("finished", "--resume: nothing to resume: the audit in"),
    ("config", "was made with another config"),
    ("as_of", "--resume: --as-of 2026-12-01 differs from the interrupted audit's 2026-11-01"),
])
def test_resume_refuses_another_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    change: str, message: str) -> None:
    config, out = replay_config(tmp_path), tmp_path / "out"
    args: list[str] = []
    if change != "nothing":
        assert replay_audit(config, out) == 0
        if change != "finished":
            state = json.loads((out / RUN_STATE).read_text(encoding="utf-8"))
            (out / RUN_STATE).write_text(json.dumps({**state, "completed": False}),
                                         encoding="utf-8")
        if change == "config":
            config.write_text(config.read_text(encoding="utf-8").replace(
                'name = "Resume test"', 'name = "Another"'), encoding="utf-8")
        if change == "as_of":
            args = ["--as-of", "2026-12-01"]
    capsys.readouterr()
    assert replay_audit(config, out, "--resume", *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "run without --resume" in err
    assert "Traceback" not in err


def test_resume_keeps_the_interrupted_runs_date(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A config without as_of: the resumed run judges on the first run's date, not today."""
    config = tmp_path / "audit.toml"
    config.write_text(config_text(private=False).replace('as_of = "2026-11-01"\n', ""),
                      encoding="utf-8")
    out = tmp_path / "out"
    assert replay_audit(config, out, "--as-of", "2026-11-01") == 0
    state = json.loads((out / RUN_STATE).read_text(encoding="utf-8"))
    assert state["as_of"] == "2026-11-01T00:00:00+00:00"
    (out / RUN_STATE).write_text(json.dumps({**state, "completed": False}), encoding="utf-8")
    assert replay_audit(config, out, "--resume") == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["audit"]["as_of"].startswith("2026-11-01")


def test_the_resume_plan_keeps_organisations_websites_and_options(tmp_path: Path) -> None:
    """A resumed audit hands the crawl exactly the targets still to do, each with its
    organisation, role and URL as first written, and the audit's options; the config is
    not parsed again in the crawl process."""
    source = tmp_path / "audit.toml"
    source.write_text(
        '[audit]\nname = "Q"\nwindow_days = 30\nmax_pages = 2\nallow_private_addresses = true\n'
        '[thresholds]\ndead_after_days = 60\n[endpoints]\nbluesky = "http://127.0.0.1:9"\n'
        '[[organisation]]\nname = "A \\"quoted\\""\nrole = "competitor"\n'
        'website = "https://a.example"\n'
        'profiles = ["https://Mastodon.Example/@a/", "https://mastodon.example/@b"]\n'
        '[[organisation]]\nname = "B"\nrole = "person"\nwebsite = "https://b.example"\n'
        'profiles = ["https://mastodon.example/@c"]\n'
        '[[organisation]]\nname = "C"\nprofiles = ["https://mastodon.example/@d"]\n',
        encoding="utf-8")
    config = load_config(source)
    done = {"https://mastodon.example/@a", "https://a.example/", "https://mastodon.example/@c",
            "https://mastodon.example/@d"}
    as_of = datetime(2026, 11, 1, tzinfo=UTC)
    plan = CrawlPlan.from_json(crawl_plan(config, as_of, only=lambda url: url not in done)
                               .to_json())
    assert [(t.url, t.platform, t.organisation, t.role, t.source_url) for t in plan.targets] == [
        ("https://mastodon.example/@b", "mastodon", 'A "quoted"', "competitor",
         "https://mastodon.example/@b"),
        ("https://b.example/", "website", "B", "person", "https://b.example/")]
    options = plan.options
    assert options.as_of == as_of and options.window_days == 30 and options.max_pages == 2
    assert dict(options.endpoints) == {"bluesky": "http://127.0.0.1:9"}
    assert len(crawl_plan(config, as_of).targets) == 6  # 4 profiles and 2 websites


def test_torn_tail_is_trimmed(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c"')
    trim_torn_tail(path)
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    path.write_bytes(b'{"c"')
    trim_torn_tail(path)
    assert path.read_bytes() == b""
    trim_torn_tail(tmp_path / "absent.jsonl")  # nothing to do, no error


def test_record_tail_reads_only_new_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    tail = RecordTail(path)
    assert tail.read_new() == []  # no file yet
    path.write_bytes(b'{"url": "u1", "outcome": "ok"}\n{"url": "u2", "out')
    assert tail.read_new() == [Finished("u1", "ok")]
    with path.open("ab") as handle:
        handle.write(b'come": "blocked"}\nnot json\n[1]\n{"url": "u3", "outcome": "error"}\n')
    assert tail.read_new() == [Finished("u2", "blocked"), Finished("u3", "error")]
    assert tail.read_new() == []
    assert tail.offset == path.stat().st_size


def test_progress_counts_profiles_and_what_did_not_read(
        capsys: pytest.CaptureFixture[str]) -> None:
    show = progress_printer(["u1", "u2", "u3", "u4"])
    show([Finished("u1", "ok")])
    show([Finished("https://site.example/", "unsupported"), Finished("u2", "blocked")])
    show([Finished("u3", "error"), Finished("u4", "ok")])
    assert capsys.readouterr().err.splitlines() == [
        "  1/4 profiles done",
        "  2/4 profiles done, 1 not ok (1 blocked)",  # the website is not a listed profile
        "  4/4 profiles done, 2 not ok (1 blocked, 1 error)",
    ]


def test_progress_prints_a_line_per_tenth_when_not_a_terminal(
        capsys: pytest.CaptureFixture[str]) -> None:
    listed = [f"u{n}" for n in range(100)]
    show = progress_printer(listed)
    for url in listed:
        show([Finished(url, "ok" if url != "u5" else "rate_limited")])
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11
    assert lines[1] == "  10/100 profiles done, 1 not ok (1 rate_limited)"
    assert lines[-1] == "  100/100 profiles done, 1 not ok (1 rate_limited)"


def test_progress_updates_one_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    show = progress_printer(["u1", "u2"])
    show([Finished("u1", "gone")])
    show([Finished("u2", "ok")])
    assert screen.getvalue() == ("\r\033[K  1/2 profiles done, 1 not ok (1 gone)"
                                 "\r\033[K  2/2 profiles done, 1 not ok (1 gone)\n")
