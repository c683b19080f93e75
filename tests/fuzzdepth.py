"""How hard the property tests fuzz: one setting, ``AUDITOR_FUZZ``, for every Hypothesis test.

=========  ======  ===========================================================================
profile    factor  when
=========  ======  ===========================================================================
quick        0.1   the edit-test loop: ``AUDITOR_FUZZ=quick python -m pytest -m "not slow"``
default      1     ``python -m pytest`` on a workstation: the depth each test was written for
ci           1     chosen by itself when ``CI`` is set (CI=true; "", 0, false, no do not count,
                   as in test_report_browser.py): the same depth, Hypothesis' ci profile
                   (derandomized, no example database, a failure prints its blob)
deep        10     an occasional long hunt: ``AUDITOR_FUZZ=deep python -m pytest tests/...``
=========  ======  ===========================================================================

A profile sets Hypothesis' ``max_examples`` for tests that do not name one (100 x factor).
Tests that were written for a set depth say so through :func:`fuzz_examples`, which scales
that number by the active profile, so ``@settings(max_examples=fuzz_examples(300))`` runs
300 cases by default and in CI, 30 in the quick loop and 3,000 in a deep run.

``pytest --hypothesis-profile=NAME`` picks the same profiles; :func:`fuzz_examples` follows
whichever profile is active when a test module is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hypothesis import settings

#: Examples per test, relative to the depth each test was written for.
FACTORS: dict[str, float] = {"quick": 0.1, "default": 1.0, "ci": 1.0, "deep": 10.0}
#: No profile runs a property test on fewer cases than this.
MIN_EXAMPLES = 10
#: Hypothesis' own max_examples, the depth of a test that does not name one.
BASE_EXAMPLES = 100
ENV = "AUDITOR_FUZZ"


def _scaled(examples: int, factor: float) -> int:
    return max(MIN_EXAMPLES, round(examples * factor))


def profile_name(environ: Mapping[str, str] = os.environ) -> str:
    """The profile ``AUDITOR_FUZZ`` names; unset or empty: ``ci`` when ``CI`` is set (as
    .ci/run does, CI=true) to anything but "", 0, false or no, else ``default``."""
    name = environ.get(ENV, "").strip().lower()
    if not name:
        in_ci = environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        return "ci" if in_ci else "default"
    if name not in FACTORS:
        raise ValueError(f"{ENV}={name!r}: expected one of {', '.join(FACTORS)}")
    return name


def register_profiles() -> None:
    # quick and deep take Hypothesis' defaults, ci its ci profile; all only change the depth.
    for name, factor in FACTORS.items():
        parent = settings.get_profile("ci" if name == "ci" else "default")
        settings.register_profile(name, parent, max_examples=_scaled(BASE_EXAMPLES, factor))


def load_profile(environ: Mapping[str, str] = os.environ) -> str:
    """Register the profiles and load the one the environment asks for; its name."""
    register_profiles()
    name = profile_name(environ)
    settings.load_profile(name)
    return name


def active_factor() -> float:
    """The active profile's factor, read from its max_examples (so that a profile loaded
    with ``--hypothesis-profile`` counts too)."""
    return settings().max_examples / BASE_EXAMPLES


def fuzz_examples(examples: int) -> int:
    """``examples`` (the depth the test was written for) scaled by the active profile."""
    return _scaled(examples, active_factor())
