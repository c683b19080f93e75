"""The wheel: installed non-editable, it still finds its templates and sample pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build backend is already installed and tests stay offline.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(REPO)], check=True, capture_output=True)
    (path,) = out.glob("*.whl")
    return path


def test_wheel_carries_templates_and_sample_pages(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "auditor/_data/templates/report.html" in names
    assert "auditor/_data/sample_pages/demo.toml" in names
    assert "auditor/_data/sample_pages/manifest.json" in names
    assert "spiders/settings.py" in names and "spiders/profiles.py" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_installed_wheel_runs_the_demo(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    # Run away from the checkout, with the installed copy first on the path.
    env = dict(os.environ, PYTHONPATH=str(target))
    where = subprocess.run([sys.executable, "-c", "import auditor; print(auditor.__file__)"],
                           cwd=tmp_path, env=env, text=True, capture_output=True, check=True)
    assert where.stdout.startswith(str(target))
    run = subprocess.run([sys.executable, "-m", "auditor", "demo", "--out", "demo"],
                         cwd=tmp_path, env=env, text=True, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads((tmp_path / "demo" / "report.json").read_text(encoding="utf-8"))
    assert sum(len(org["profiles"]) for org in report["organisations"]) >= 8
    assert "<html" in (tmp_path / "demo" / "report.html").read_text(encoding="utf-8")
