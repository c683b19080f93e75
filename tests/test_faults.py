"""Fault injection: one real crawl through the CLI, one profile per fault, each mapped to the
right outcome with a detail naming the fault.

The server (tests/faultserver.py) is Mastodon-shaped and runs on 127.0.0.1; the crawl runs
with a 2 s download timeout and a 64 KiB size cap so that hangs and big bodies are quick.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from tests.faultserver import (
    FAST,
    closed_port,
    crawl_log,
    records_by_url,
    run_audit,
    serve_faults,
    write_config,
)

MAXSIZE = 64 * 1024


#: (handle, where the profile lives, outcome, text the detail must contain, lookups made)
CASES = [
    pytest.param("okay", "server", "ok", None, 1, id="healthy"),
    pytest.param("f404", "server", "not_found", "HTTP 404", 1, id="404"),
    pytest.param("f410", "server", "gone", "HTTP 410", 1, id="410"),
    pytest.param("f401", "server", "blocked", "HTTP 401", 1, id="401"),
    pytest.param("f403", "server", "blocked", "HTTP 403", 1, id="403"),
    pytest.param("f451", "server", "blocked", "HTTP 451", 1, id="451"),
    pytest.param("f999", "server", "blocked", "HTTP 999", 1, id="999"),
    # Retry-After: 1 honoured twice (AUDITOR_RETRY_AFTER_TIMES), then rate_limited
    pytest.param("f429", "server", "rate_limited", "HTTP 429", 3, id="429-retry-after"),
    pytest.param("f429bare", "server", "rate_limited", "HTTP 429", 1, id="429-bare"),
    # 500 and 502 are retried at once by RetryMiddleware (RETRY_TIMES = 2)
    pytest.param("f500", "server", "error", "HTTP 500", 3, id="500"),
    pytest.param("f502", "server", "error", "HTTP 502", 3, id="502"),
    pytest.param("f503", "server", "rate_limited", "HTTP 503", 3, id="503-retry-after"),
    pytest.param("fslow", "server", "error", "timeout: ", 3, id="timeout"),
    pytest.param("frefused", "closed", "error", "connection: ", 0, id="connection-refused"),
    pytest.param("fdns", "invalid", "error", "dns: ", 0, id="dns"),
    pytest.param("ftls", "https", "error", "tls: ", 0, id="tls"),
    pytest.param("fbig", "server", "error", "the answer was larger than 64 KiB and was not read",
                 1, id="oversized"),
    pytest.param("fcut", "server", "error", "DataLoss", 3, id="cut-short-body"),
    pytest.param("fpng", "server", "unsupported", "image/png", 1, id="png"),
    pytest.param("flogin", "server", "login_wall", "/auth/sign_in", 1, id="login-redirect"),
    pytest.param("fcaptcha", "server", "blocked", "captcha", 1, id="captcha"),
    pytest.param("fchallenge", "server", "blocked", "HTTP 403", 1, id="captcha-403"),
    pytest.param("fempty", "server", "error", "empty", 1, id="empty-body"),
    pytest.param("ftrunc", "server", "error", "JSON", 1, id="truncated-json"),
]


def _profile_url(server: Any, handle: str, where: str, refused_port: int) -> str:
    port = server.origin().rsplit(":", 1)[1]
    return {
        "server": server.profile(handle),
        "closed": f"http://127.0.0.1:{refused_port}/@{handle}",
        "invalid": f"http://nowhere.invalid/@{handle}",
        "https": f"https://127.0.0.1:{port}/@{handle}",  # TLS to a plain-HTTP port
    }[where]


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("faults")
    refused_port = closed_port()
    with serve_faults() as server:
        urls = {param.values[0]: _profile_url(server, param.values[0], param.values[1],
                                              refused_port)
                for param in CASES}
        config = write_config(tmp / "faults.toml", list(urls.values()))
        started = time.monotonic()
        run = run_audit(config, tmp / "out", *FAST, "-s", "DOWNLOAD_TIMEOUT=2",
                        "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}",
                        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16")
        elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr + crawl_log(tmp / "out")
    return SimpleNamespace(server=server, urls=urls, records=records_by_url(tmp / "out"),
                           elapsed=elapsed, lines=(tmp / "out" / "records.jsonl")
                           .read_text(encoding="utf-8").splitlines())


def test_one_record_per_profile_and_quick(fault_crawl: Any) -> None:
    assert sorted(fault_crawl.records) == sorted(fault_crawl.urls.values())
    assert len(fault_crawl.lines) == len(CASES)
    assert fault_crawl.elapsed < 45


@pytest.mark.parametrize("handle, where, outcome, detail, lookups", CASES)
def test_fault_maps_to_outcome(fault_crawl: Any, handle: str, where: str, outcome: str,
                               detail: str | None, lookups: int) -> None:
    record = fault_crawl.records[fault_crawl.urls[handle]]
    assert record["outcome"] == outcome, record["outcome_detail"]
    if detail is None:
        assert record["outcome_detail"] is None
    else:
        assert detail.lower() in (record["outcome_detail"] or "").lower()
    assert len(fault_crawl.server.lookups(handle)) == lookups


def test_redirect_to_login_is_followed_on_the_same_host_only(fault_crawl: Any) -> None:
    paths = [seen.path for seen in fault_crawl.server.seen]
    assert paths.count("/auth/sign_in") == 1
    assert paths.count("/robots.txt") == 1  # one host, asked once
