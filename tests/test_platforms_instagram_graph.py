"""Instagram professional accounts read through Business Discovery
(auditor.platforms.instagram_graph)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from auditor.credentials import ApiCredentials
from auditor.platforms import adapter_for
from auditor.platforms.base import CrawlOptions, Next, Target
from auditor.platforms.instagram_graph import NO_TOKEN, NOT_PROFESSIONAL, InstagramGraphAdapter
from tests.conftest import REPO
from tests.fakeapis import AS_OF, FakeDiscoveryApi, IgAccount, serve_x
from tests.test_platforms_xapi import every_byte_written, records_of

TOKEN = "EAAGPlantedMetaUserTokenForTests0123456789abcdefQQ"
OWN = "17841400000000009"
ADAPTER = InstagramGraphAdapter()


def options(**changes: Any) -> CrawlOptions:
    base = CrawlOptions(as_of=AS_OF, credentials=ApiCredentials(meta_token=TOKEN,
                                                                ig_user_id=OWN))
    return replace(base, **changes)


def test_the_registry_reads_instagram_through_business_discovery() -> None:
    assert isinstance(adapter_for("https://www.instagram.com/velovlot"), InstagramGraphAdapter)


def test_without_a_token_the_account_is_an_honest_login_wall() -> None:
    record = ADAPTER.start(Target("https://www.instagram.com/velovlot", "instagram"),
                           options(credentials=None))
    assert not isinstance(record, Next)
    assert record.outcome == "login_wall"
    assert (record.outcome_detail or "").startswith(NO_TOKEN)


def test_the_request_asks_business_discovery_through_the_users_own_account() -> None:
    step = ADAPTER.start(Target("https://www.instagram.com/velovlot", "instagram"), options())
    assert isinstance(step, Next)
    assert f"/{OWN}?fields=business_discovery.username%28velovlot%29" in step.fetch.url
    assert TOKEN not in step.fetch.url
    assert step.fetch.headers["Authorization"] == f"Bearer {TOKEN}"


def test_business_accounts_are_measured_and_personal_ones_say_why(tmp_path: Path) -> None:
    media = [AS_OF - timedelta(days=3 * n + 1, hours=n % 7) for n in range(50)]
    api = FakeDiscoveryApi(TOKEN, OWN, [IgAccount("velovlot", media=media),
                                        IgAccount("velo_prive", business=False)])
    with serve_x(api):
        config = tmp_path / "audit.toml"
        config.write_text(
            '[audit]\nname = "IG"\nas_of = "2026-11-01"\nallow_private_addresses = true\n'
            f'\n[endpoints]\nmeta_graph = "{api.origin}/v23.0"\n\n'
            '[[organisation]]\nname = "Velo"\nrole = "competitor"\nprofiles = ['
            '"https://www.instagram.com/velovlot", "https://www.instagram.com/velo_prive"]\n',
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")}
        env |= {"AUDITOR_META_TOKEN": TOKEN, "AUDITOR_IG_USER_ID": OWN,
                "HOME": str(tmp_path / "home"),
                "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config")}
        run = subprocess.run(
            [sys.executable, "-m", "auditor", "audit", str(config), "--out",
             str(tmp_path / "out"), "-s", "DOWNLOAD_DELAY=0", "-s",
             "AUTOTHROTTLE_ENABLED=False"],
            cwd=REPO, env=env, text=True, capture_output=True, timeout=180,
            stdin=subprocess.DEVNULL)
        requests = list(api.requests)
    assert run.returncode == 0, run.stderr
    assert all(TOKEN not in r.path for r in requests)
    found = records_of(tmp_path / "out")
    account = found["https://www.instagram.com/velovlot"]
    assert account["outcome"] == "ok", account
    assert account["profile"]["followers"] == 3410
    assert account["profile"]["posts_total"] == 412
    # 40 a page, 3 days apart: the first page reaches 118 days back, past the window
    assert account["sample"]["pages"] == 1 and len(account["items"]) == 40
    assert {i["kind"] for i in account["items"]} == {"original"}
    assert account["items"][0]["likes"] == 20
    personal = found["https://www.instagram.com/velo_prive"]
    assert personal["outcome"] == "login_wall"
    assert personal["outcome_detail"].startswith(NOT_PROFESSIONAL)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    metrics = next(p for o in report["organisations"] for p in o["profiles"]
                   if p["url"] == "https://www.instagram.com/velovlot")["metrics"]
    assert metrics["posts_per_week"] is not None and metrics["reply_share"] is None
    assert "reply_share" in metrics["null_reasons"]
    written = every_byte_written(tmp_path / "out", *tmp_path.glob("*.sqlite"))
    assert [path for path, data in written if TOKEN.encode() in data] == []
