"""``--fail-on CODE@WHERE``: a scheduled audit fails on the client's flags, not a rival's."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import main
from auditor.failon import FailOnProblem, FailRule, parse_fail_on, triggered
from tests.conftest import SAMPLE_PAGES

ORGS = ("Spaak Fietsen", "Ratel Tweewielers")


def test_rules_are_read_with_their_scope() -> None:
    assert parse_fail_on("dead@client, GONE ,DEAD@\"Ratel Tweewielers\"",
                         organisations=ORGS) == (
        FailRule("DEAD", "client"), FailRule("GONE"), FailRule("DEAD", "ratel tweewielers"))
    assert parse_fail_on("", organisations=ORGS) == ()


@pytest.mark.parametrize(("value", "message"), [
    ("SLEEPY", "unknown flag code SLEEPY"),
    ("DEAD@clients", "DEAD@clients: after @ comes client, competitor or an organisation's name"),
    ("DEAD@Nobody", "DEAD@Nobody: after @"),
])
def test_bad_rules_are_named(value: str, message: str) -> None:
    with pytest.raises(FailOnProblem, match="--fail-on: .*" + message.split(":")[0]):
        parse_fail_on(value, organisations=ORGS)
    with pytest.raises(FailOnProblem) as caught:
        parse_fail_on(value, organisations=ORGS)
    assert message in str(caught.value)


def test_which_rules_a_raised_flag_meets() -> None:
    raised = [("DEAD", "competitor", "Ratel Tweewielers"), ("GONE", "client", "Spaak Fietsen")]
    rules = parse_fail_on("DEAD@client,GONE@client,DEAD@ratel tweewielers",
                          organisations=ORGS)
    assert triggered(rules, raised) == ["DEAD@ratel tweewielers", "GONE@client"]
    assert triggered(parse_fail_on("DEAD@client", organisations=ORGS), raised) == []
    assert triggered(parse_fail_on("DEAD", organisations=ORGS), raised) == ["DEAD"]


def test_the_demo_fails_on_a_rivals_dead_account_only_when_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In the demo only the competitors have DEAD profiles; the client has a GONE one."""
    demo = str(SAMPLE_PAGES / "demo.toml")
    first = tmp_path / "first"
    assert main(["audit", demo, "--replay", str(SAMPLE_PAGES), "--no-history", "--out",
                 str(first), "--format", "json"]) == 0
    records = str(first / "records.jsonl")

    def code(fail_on: str) -> int:
        capsys.readouterr()
        return main(["audit", demo, "--from-records", records, "--out", str(tmp_path / "o"),
                     "--format", "json", "--fail-on", fail_on])

    assert code("DEAD@client") == 0
    assert code("DEAD@competitor") == 1
    assert "flags raised that --fail-on names: DEAD@competitor" in capsys.readouterr().err
    assert code("DEAD@Velo Vlot,DEAD@Ratel Tweewielers,GONE@client") == 1
    # Velo Vlot has no DEAD profile: only the rules met are named
    assert "names: DEAD@ratel tweewielers, GONE@client\n" in capsys.readouterr().err
    assert code("DEAD@Nobody") == 2
