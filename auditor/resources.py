"""Where the templates and sample pages are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel carries the folder inside the package (auditor/_data/NAME); a checkout or an
    # editable install has it at the top of the repo, beside auditor/.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} not found beside the auditor package ({_PACKAGE})")


def templates_dir() -> Path:
    return _find("templates")


def sample_pages_dir() -> Path:
    return _find("sample_pages")
