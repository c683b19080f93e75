"""bench/fakeplatforms.py: the fake platforms serve what the real adapters read.

The server runs in a subprocess on loopback addresses; a 40-profile config built by
``build_config`` is audited for real (Scrapy, every adapter, the judge) and each profile must
get the outcome and flags its kind was made for.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.platforms import profile_url
from auditor.urls import canonicalise

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import fakeplatforms as fp  # noqa: E402  (bench/ is not a package on the import path)

SERVER = REPO / "bench" / "fakeplatforms.py"


class Running:
    def __init__(self, process: subprocess.Popen[bytes], info: dict, log: Path):
        self.process = process
        self.info = info
        self.log = log


def _start(tmp_path: Path, *extra: str) -> Running:
    ready = tmp_path / "ready.json"
    log = tmp_path / "requests.log"
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--hosts", "3", "--latency", "0", "--ready", str(ready),
         "--log", str(log), *extra],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, err = process.communicate()
            pytest.fail(f"the server did not start: {err.decode()[-2000:]}")
        time.sleep(0.05)
    return Running(process, json.loads(ready.read_text()), log)


def _stop(running: Running) -> tuple[int, str]:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
    try:
        _, err = running.process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()
        running.process.communicate()
        pytest.fail("the server did not stop on SIGTERM")
    return running.process.returncode, err.decode()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    running = _start(tmp_path)
    yield running
    _stop(running)


def _get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_ready_file_names_distinct_loopback_hosts_and_the_fixed_endpoints(server: Running):
    info = server.info
    assert info["pid"] == server.process.pid
    assert len(info["hosts"]) == 3
    assert set(info["endpoints"]) == {"bluesky", "youtube", "telegram"}
    bases = [*info["hosts"], *info["endpoints"].values()]
    addresses = [base.split("//")[1].split(":")[0] for base in bases]
    assert addresses == [f"127.0.0.{n}" for n in range(2, 8)]
    assert all(int(base.rsplit(":", 1)[1]) > 0 for base in bases)


def test_server_is_robust_and_logs_every_url(tmp_path: Path):
    running = _start(tmp_path)
    host = running.info["hosts"][0]
    other = running.info["hosts"][1]
    youtube = running.info["endpoints"]["youtube"]
    try:
        assert _get(f"{host}/no/such/path?x=1")[0] == 404
        assert _get(f"{host}/%ff%00/../../etc/passwd")[0] == 404
        assert _get(f"{youtube}/@u{'9' * 5000}")[0] == 404  # long, odd handles: still 404
        status, headers, body = _get(f"{host}/robots.txt")
        assert status == 200 and b"Disallow:\n" in body  # the one allow-all robots.txt
        assert _get(f"{other}/robots.txt")[0] == 404
        # HEAD: the headers of GET, no body.
        healthy = next(i for i in range(100) if fp.kind_of(i) == "healthy")
        get_status, get_headers, get_body = _get(f"{host}/blog{healthy}/feed")
        head_status, head_headers, head_body = _get(f"{host}/blog{healthy}/feed", "HEAD")
        assert get_status == head_status == 200 and head_body == b""
        assert head_headers["Content-Length"] == get_headers["Content-Length"] == \
            str(len(get_body))
        limited = next(i for i in range(100) if fp.kind_of(i) == "rate_limited")
        status, headers, _ = _get(f"{host}/api/v1/accounts/lookup?acct=u{limited}")
        assert status == 429 and headers["Retry-After"] == "1"
        # A request line that is not HTTP, and a client hanging up mid-request.
        address, port = host.split("//")[1].split(":")
        with socket.create_connection((address, int(port)), timeout=5) as raw:
            raw.sendall(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
            assert b"Error" in raw.recv(200)  # http.server's answer to HTTP/0.9-like lines
        with socket.create_connection((address, int(port)), timeout=5) as raw:
            raw.sendall(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
            assert raw.recv(100).startswith(b"HTTP/1.1 501")
        with socket.create_connection((address, int(port)), timeout=5) as raw:
            raw.sendall(b"GET /api/v1/accounts/lookup?acct=u1 HTTP/1.1\r\nHost: x\r\n")
        # The server still answers after all that.
        assert _get(f"{host}/api/v1/accounts/lookup?acct=u{healthy}")[0] == 200
    finally:
        code, err = _stop(running)
    assert code == 0, err
    assert "Traceback" not in err
    logged = running.log.read_text().splitlines()  # flushed on SIGTERM
    assert f"{host}/no/such/path?x=1" in logged
    assert f"{host}/api/v1/accounts/lookup?acct=u{healthy}" in logged
    # Every request that reached a page (the one cut off after its headers too), none else.
    assert len(logged) == 10


def test_kinds_and_platforms_are_deterministic_and_mixed():
    assert [fp.kind_of(i) for i in range(200)] == [fp.kind_of(i) for i in range(200)]
    kinds = [fp.kind_of(i) for i in range(1000)]
    platforms = [fp.platform_of_index(i) for i in range(1000)]
    assert set(kinds) == set(fp.KINDS)
    shares = {name: platforms.count(name) / 1000 for name in fp.PLATFORMS}
    assert shares["mastodon"] == pytest.approx(0.45, abs=0.02)
    assert shares["feed"] == pytest.approx(0.20, abs=0.02)
    for name in ("bluesky", "youtube", "telegram"):
        assert shares[name] == pytest.approx(0.115, abs=0.02)
    # Telegram names need three characters: u0 ... u9 are never Telegram channels.
    assert all(fp.platform_of_index(i) != "telegram" for i in range(10))


def test_build_config_spreads_profiles_over_hosts_and_organisations(tmp_path: Path):
    info = {"hosts": ["http://127.0.0.2:1001", "http://127.0.0.3:1002"],
            "endpoints": {"bluesky": "http://127.0.0.4:1", "youtube": "http://127.0.0.5:2",
                          "telegram": "http://127.0.0.6:3"}}
    path = tmp_path / "bench.toml"
    profiles = fp.build_config(25, info, path)
    from auditor.config import load_config

    config = load_config(path)
    assert [o.role for o in config.organisations] == ["client", "competitor", "competitor"]
    assert [len(o.profiles) for o in config.organisations] == [10, 10, 5]
    assert config.audit.allow_private_addresses is True
    assert config.audit.as_of is not None and config.audit.as_of.date().isoformat() == fp.AS_OF
    assert dict(config.endpoints) == info["endpoints"]
    listed = [entry for entry in config.profiles()]
    assert [entry.platform for entry in listed] == [p["platform"] for p in profiles]
    assert [p["kind"] for p in profiles] == [fp.kind_of(i) for i in range(25)]
    spread = {p["url"].split("/")[2] for p in profiles if p["platform"] in ("mastodon", "feed")}
    assert spread == {"127.0.0.2:1001", "127.0.0.3:1002"}


def test_audit_of_forty_profiles_gets_every_intended_outcome_and_flag(server: Running,
                                                                     tmp_path: Path):
    config = tmp_path / "bench.toml"
    profiles = fp.build_config(40, server.info, config)
    assert {p["kind"] for p in profiles} == set(fp.KINDS)
    assert {p["platform"] for p in profiles} == set(fp.PLATFORMS)
    out = tmp_path / "report"
    run = subprocess.run(
        [sys.executable, "-m", "auditor", "audit", str(config), "--out", str(out),
         "--no-history", "--format", "json", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=REPO, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    expected = {profile_url(canonicalise(p["url"])): p for p in profiles}
    seen = {}
    for organisation in report["organisations"]:
        # Same name, photo bytes and no website per organisation: nothing inconsistent.
        assert organisation["findings"] == [], organisation["name"]
        for result in organisation["profiles"]:
            seen[result["url"]] = (result["platform"], result["outcome"],
                                   {flag["code"] for flag in result["flags"]})
    wanted = {url: (p["platform"], fp.expected_outcome(p["kind"]),
                    set(fp.expected_flags(p["platform"], p["kind"])))
              for url, p in expected.items()}
    assert seen == wanted
    # The chains were walked as the real platforms page: Mastodon by Link max_id, Bluesky by
    # cursor, Telegram by ?before=; YouTube's uploads feed was read by channel id.
    parts = ("/statuses?limit=40&max_id=", "getAuthorFeed?actor=did:plc:bench",
             "&cursor=", "/s/u", "?before=", "/feeds/videos.xml?channel_id=UCBench")
    deadline = time.monotonic() + 10  # the request log is flushed every second
    logged = server.log.read_text()
    while not all(part in logged for part in parts) and time.monotonic() < deadline:
        time.sleep(0.1)
        logged = server.log.read_text()
    for part in parts:
        assert part in logged, part
