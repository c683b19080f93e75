"""The Scrapyd side of ``auditor audit --scrapyd`` against a stand-in Scrapyd: what the
scheduler does when a job leaves a torn last line, when a server forgets a job, when every
job of a shard fails, and when a server stops answering for a while. (tests/test_scrapyd.py
runs the same against real Scrapyd servers.)"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from auditor.config import load_config
from auditor.crawl import CrawlPlan
from auditor.outdir import AuditProblem
from auditor.scrapyd import PROJECT, run_shards
from auditor.scrapyd_api import Scrapyd, ScrapydError, fetch_plan, plan_address
from bench.fakeplatforms import build_config

INFO = {"hosts": ["http://127.0.0.2:8001", "http://127.0.0.3:8001"],
        "endpoints": {"bluesky": "http://127.0.0.9:8001", "youtube": "http://127.0.0.10:8001",
                      "telegram": "http://127.0.0.11:8001"}}


class FakeScrapyd:
    """Jobs end as soon as they are listed; each writes the records ``behaviour`` says:
    ``behaviour(attempt, targets) -> (items bytes, listed?)``."""

    def __init__(self, behaviour: Callable[[int, list[str]], tuple[bytes, bool]]):
        self.behaviour = behaviour
        self.items: dict[str, bytes] = {}
        self.listed: dict[str, bool] = {}
        self.scheduled: list[list[str]] = []
        self.sent: list[str] = []  # every schedule request and plan, as sent
        self.down = 0  # answer the next N calls with 503
        self.down_after_items = False  # stop answering once a job's items were read
        self.refuse_schedule = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, data: dict[str, Any]) -> None:
                self._send(200, json.dumps(data).encode())

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if fake.down and path != "/":
                    fake.down -= 1
                    return self._send(503, b"down")
                if path == "/":
                    return self._send(200, b'<a href="/items/">Items</a>', "text/html")
                if path == "/daemonstatus.json":
                    return self._json({"status": "ok"})
                if path == "/listversions.json":
                    return self._json({"status": "ok", "versions": []})
                if path == "/listjobs.json":
                    finished = [{"id": job} for job, shown in fake.listed.items() if shown]
                    return self._json({"status": "ok", "pending": [], "running": [],
                                       "finished": finished})
                if path.startswith(f"/items/{PROJECT}/profiles/"):
                    job = path.rsplit("/", 1)[1].removesuffix(".jl")
                    data = fake.items.get(job)
                    if data is None:
                        return self._send(404, b"")
                    start = int(self.headers.get("Range", "bytes=0-")[6:].rstrip("-"))
                    if start >= len(data):
                        return self._send(416, b"")
                    if fake.down_after_items:
                        fake.down = 10**6
                    return self._send(206, data[start:], "text/plain")
                return self._send(404, b"")

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if path == "/addversion.json":
                    return self._json({"status": "ok", "spiders": 1})
                fields = dict(parse_qsl(body.decode()))
                if path == "/schedule.json":
                    if fake.refuse_schedule:
                        return self._json({"status": "error", "message": "spider not found"})
                    text = fetch_plan(fields["plan_url"])
                    fake.sent += [body.decode(), text]
                    plan = CrawlPlan.from_json(text)
                    targets = [t.url for t in plan.targets]
                    fake.scheduled.append(targets)
                    items, shown = fake.behaviour(len(fake.scheduled), targets)
                    fake.items[fields["jobid"]] = items
                    fake.listed[fields["jobid"]] = shown
                    return self._json({"status": "ok", "jobid": fields["jobid"]})
                return self._json({"status": "ok", "prevstate": None})

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scrapyd_with() -> Iterator[Callable[..., FakeScrapyd]]:
    made: list[FakeScrapyd] = []

    def make(behaviour: Callable[[int, list[str]], tuple[bytes, bool]]) -> FakeScrapyd:
        made.append(FakeScrapyd(behaviour))
        return made[-1]

    yield make
    for fake in made:
        fake.close()


def records(urls: list[str]) -> bytes:
    return b"".join(json.dumps({"url": url, "outcome": "ok"}).encode() + b"\n" for url in urls)


def audit(tmp_path: Path, fake: FakeScrapyd, *, profiles: int = 12, count: int = 1,
          extra: str = "", **kwargs: Any) -> tuple[Path, list[str]]:
    config_path = tmp_path / "audit.toml"
    build_config(profiles, INFO, config_path)
    with config_path.open("a", encoding="utf-8") as handle:
        handle.write(extra)
    config = load_config(config_path)
    said: list[str] = []
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    assert config.audit.as_of is not None
    union = run_shards(config, config.audit.as_of, out, [Scrapyd(fake.url)], count=count,
                       say=said.append, poll=0.01, **kwargs)
    return union, said


def urls_in(path: Path) -> list[str]:
    return [json.loads(line)["url"] for line in path.read_text().splitlines()]


def test_a_torn_last_line_is_read_again_by_the_next_job(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    def behaviour(attempt: int, targets: list[str]) -> tuple[bytes, bool]:
        if attempt == 1:  # killed while writing the fifth record
            return records(targets[:4]) + records(targets[4:5])[:25], True
        return records(targets), True

    fake = scrapyd_with(behaviour)
    union, said = audit(tmp_path, fake)
    assert len(fake.scheduled) == 2
    assert fake.scheduled[1] == fake.scheduled[0][4:]  # only what the first did not finish
    assert sorted(urls_in(union)) == sorted(fake.scheduled[0])
    assert any("ended with 8 of 12 target(s) not done" in line for line in said)


def test_a_job_the_server_forgot_counts_as_ended(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    def behaviour(attempt: int, targets: list[str]) -> tuple[bytes, bool]:
        # the first job is not listed at all (Scrapyd restarted and lost it)
        return (records(targets[:3]), False) if attempt == 1 else (records(targets), True)

    fake = scrapyd_with(behaviour)
    union, _ = audit(tmp_path, fake)
    assert [len(batch) for batch in fake.scheduled] == [12, 9]
    assert len(urls_in(union)) == 12


def test_a_shard_whose_jobs_keep_failing_is_given_up_after_three(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    fake = scrapyd_with(lambda attempt, targets: (records(targets[:1]), True))
    union, said = audit(tmp_path, fake)
    assert [len(batch) for batch in fake.scheduled] == [12, 11, 10]
    assert len(urls_in(union)) == 3  # judged with 9 profiles missing: the audit is cut short
    assert any("9 target(s) left after 3 job(s); given up" in line for line in said)


def test_a_short_outage_is_waited_out_and_a_long_one_stops_with_the_records_kept(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    fake = scrapyd_with(lambda attempt, targets: (records(targets), True))
    fake.down = 0
    original = fake.behaviour

    def then_down(attempt: int, targets: list[str]) -> tuple[bytes, bool]:
        fake.down = 5  # the next five calls: 503
        return original(attempt, targets)

    fake.behaviour = then_down
    union, _ = audit(tmp_path, fake)
    assert len(urls_in(union)) == 12

    fake.behaviour = lambda attempt, targets: (records(targets[:2]), True)
    fake.down, fake.down_after_items = 0, True
    again = tmp_path / "again"
    again.mkdir()
    with pytest.raises(AuditProblem, match=r"HTTP 503.*--resume"):
        audit(again, fake, outage=0.2)
    kept = urls_in(again / "out" / "shards" / "shard-1-of-1.jsonl")
    assert len(kept) == 2  # what came before the outage stays for --resume


def test_a_refusal_stops_at_once(tmp_path: Path,
                                 scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    fake = scrapyd_with(lambda attempt, targets: (records(targets), True))
    fake.refuse_schedule = True
    with pytest.raises(AuditProblem, match="spider not found"):
        audit(tmp_path, fake)


def test_resume_schedules_only_what_the_shards_lack(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    fake = scrapyd_with(lambda attempt, targets: (records(targets[:5]), True))
    audit(tmp_path, fake, attempts=1)
    fake.behaviour = lambda attempt, targets: (records(targets), True)
    union, _ = audit(tmp_path, fake, resume=True)
    assert [len(batch) for batch in fake.scheduled] == [12, 7]
    assert len(urls_in(union)) == 12


def test_resume_with_another_shard_count_keeps_every_record(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    fake = scrapyd_with(lambda attempt, targets: (records(targets[:5]), True))
    audit(tmp_path, fake, attempts=1)
    fake.behaviour = lambda attempt, targets: (records(targets), True)
    union, _ = audit(tmp_path, fake, resume=True, count=3)
    assert len(fake.scheduled[0]) == 12
    assert sum(len(batch) for batch in fake.scheduled[1:]) == 7
    assert sorted(urls_in(union)) == sorted(fake.scheduled[0])
    shards = sorted(path.name for path in (tmp_path / "out" / "shards").iterdir())
    assert shards == [f"shard-{k}-of-3.jsonl" for k in (1, 2, 3)]


def test_a_new_audit_starts_from_no_records(
        tmp_path: Path, scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    fake = scrapyd_with(lambda attempt, targets: (records(targets), True))
    audit(tmp_path, fake, count=2)
    union, _ = audit(tmp_path, fake)  # not --resume: everything is crawled again
    assert sum(len(batch) for batch in fake.scheduled[-1:]) == 12
    assert [p.name for p in (tmp_path / "out" / "shards").iterdir()] == ["shard-1-of-1.jsonl"]
    assert len(urls_in(union)) == 12


def test_no_token_goes_to_scrapyd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  scrapyd_with: Callable[..., FakeScrapyd]) -> None:
    """Tokens stay in the environment of the machines that crawl: never in a plan or an
    argument (the jobs read them from Scrapyd's environment)."""
    monkeypatch.setenv("AUDITOR_X_BEARER_TOKEN", "x-token-never-sent")
    monkeypatch.setenv("AUDITOR_META_TOKEN", "meta-token-never-sent")
    fake = scrapyd_with(lambda attempt, targets: (records(targets), True))
    audit(tmp_path, fake, extra='[[organisation]]\nname = "On X"\nrole = "competitor"\n'
                                'profiles = ["https://x.com/onx", '
                                '"https://www.facebook.com/onx"]\n')
    assert any("https://x.com/onx" in text for text in fake.sent)  # the X profile went
    assert fake.sent and all("never-sent" not in text for text in fake.sent)
    assert all("plan_url=" in text for text in fake.sent[::2])


def test_servers_and_plan_addresses() -> None:
    with pytest.raises(ScrapydError, match="no http"):
        Scrapyd("ftp://example.org")
    server = Scrapyd("http://user:secret@127.0.0.1:6800/")
    assert str(server) == "http://127.0.0.1:6800"  # the password is never shown
    assert plan_address([server], None) == ("127.0.0.1", 0)
    assert plan_address([server], "10.0.0.5:8765") == ("10.0.0.5", 8765)
    assert plan_address([server], "[::1]") == ("::1", 0)


def test_shard_and_scrapyd_do_not_go_together(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from auditor.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["audit", str(tmp_path / "audit.toml"), "--shard", "1/2",
              "--scrapyd", "http://127.0.0.1:6800"])
    assert stopped.value.code == 2
    assert "--scrapyd: not allowed with argument --shard" in capsys.readouterr().err


def test_a_scrapyd_password_is_never_shown() -> None:
    from auditor.scrapyd_api import without_password

    shown = without_password("http://ana:s3cr%40t@h1:6800,https://h2:6800,http://bob@h3")
    assert shown == "http://ana@h1:6800,https://h2:6800,http://bob@h3"
    with pytest.raises(ScrapydError) as caught:
        Scrapyd("ftp://ana:s3cr3t@h1:6800")
    assert "s3cr3t" not in str(caught.value) and "ana@h1" in str(caught.value)
