"""The layering rule: the pure core never imports Scrapy (or the Scrapy side of the project)."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import REPO

FORBIDDEN = ("scrapy", "twisted", "spiders")


def test_core_modules_never_import_scrapy() -> None:
    offenders = []
    for path in sorted((REPO / "auditor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(REPO)}: {name}" for name in names
                          if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_the_whole_core_loads_no_scrapy() -> None:
    code = ("import sys, pkgutil, importlib, auditor\n"
            "for m in pkgutil.walk_packages(auditor.__path__, 'auditor.'):\n"
            "    if m.name != 'auditor.__main__': importlib.import_module(m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted')))")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"
