"""The fuzz depth setting (tests/fuzzdepth.py): AUDITOR_FUZZ picks a profile, CI picks ci."""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.fuzzdepth import FACTORS, MIN_EXAMPLES, active_factor, fuzz_examples, profile_name


@pytest.mark.parametrize(("environ", "name"), [
    ({}, "default"),
    ({"CI": "true"}, "ci"),
    ({"CI": "1"}, "ci"),
    ({"CI": "false"}, "default"),
    ({"CI": "true", "AUDITOR_FUZZ": "quick"}, "quick"),  # asked for beats detected
    ({"AUDITOR_FUZZ": " Deep "}, "deep"),
    ({"AUDITOR_FUZZ": ""}, "default"),
])
def test_the_environment_picks_the_profile(environ: dict[str, str], name: str) -> None:
    assert profile_name(environ) == name


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="AUDITOR_FUZZ='fast': expected one of quick"):
        profile_name({"AUDITOR_FUZZ": "fast"})


def test_ci_and_default_keep_todays_depth_and_quick_is_lighter() -> None:
    assert FACTORS["default"] == FACTORS["ci"] == 1
    assert settings.get_profile("default").max_examples == 100
    assert settings.get_profile("ci").max_examples == 100
    assert settings.get_profile("quick").max_examples == MIN_EXAMPLES
    assert settings.get_profile("deep").max_examples == 1000
    # ci stays Hypothesis' own ci profile in every other respect
    ci = settings.get_profile("ci")
    assert ci.derandomize is True and ci.database is None and ci.print_blob is True


def test_written_depth_scales_with_the_active_profile() -> None:
    # AUDITOR_FUZZ's profile, or the one --hypothesis-profile loaded after it
    factor = active_factor()
    assert factor in FACTORS.values()
    assert fuzz_examples(2000) == max(MIN_EXAMPLES, round(2000 * factor))
    assert fuzz_examples(1) == MIN_EXAMPLES  # never below the floor
    if factor == 1:
        assert fuzz_examples(300) == 300  # the depth the test was written for
