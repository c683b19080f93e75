"""The quick loop's list of slow tests (tests/conftest.py) names files and tests that exist.

A renamed test or file would silently leave the list, and its test would slow the quick loop
down (``python -m pytest -m "not slow"``) without anyone noticing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import SLOW_TESTS

TESTS = Path(__file__).resolve().parent


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")}


@pytest.mark.parametrize("name", sorted(SLOW_TESTS))
def test_every_slow_test_listed_exists(name: str) -> None:
    path = TESTS / name
    assert path.is_file(), f"{name} is listed in SLOW_TESTS but is not in tests/"
    missing = sorted(set(SLOW_TESTS[name]) - _test_functions(path))
    assert missing == [], f"not in {name}: {missing}"


def test_slow_is_a_registered_marker(pytestconfig: pytest.Config) -> None:
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))

