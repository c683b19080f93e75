"""The agency's branding on the reports (``[branding]`` in the config): its name and logo.

The logo is read once, when the config is loaded, and carried as a ``data:`` URI so that
report.html stays one self-contained file (its Content-Security-Policy loads nothing from
elsewhere). It is refused unless it is small (:data:`LOGO_MAX_BYTES`) and its bytes are
one of the image types every browser shows (:data:`LOGO_TYPES`); the file name's
extension is not trusted.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

#: A logo larger than this is refused: it is embedded in every report.html.
LOGO_MAX_BYTES: Final = 256 * 1024
#: The agency's name is shown in the report's header and footer.
NAME_MAX_CHARS: Final = 120
LOGO_TYPES: Final = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
BRANDING_KEYS: Final = frozenset({"name", "logo"})

_SVG_START: Final = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]",
    re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Branding:
    """Who hands the report over. Both parts are optional."""

    name: str = ""
    #: The logo as a data: URI (base64), "" without a logo.
    logo: str = ""


def image_type(data: bytes) -> str | None:
    """The logo's media type from its first bytes, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    if _SVG_START.match(head):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "image/svg+xml"
    return None


def read_branding(raw: Any, base: Path | None,
                  problem: Callable[[str, str], None]) -> Branding:
    """``[branding]``: ``name`` and ``logo`` (a file path, relative to the config's folder).
    Every problem is reported through ``problem(location, message)``."""
    if not isinstance(raw, dict):
        problem("branding", "must be a table ([branding]) with name and logo")
        return Branding()
    for key in raw:
        if key not in BRANDING_KEYS:
            problem(f"branding.{key}", "unknown key; use name or logo")
    name = raw.get("name", "")
    if not isinstance(name, str) or len(name.strip()) > NAME_MAX_CHARS:
        problem("branding.name", f"must be text of at most {NAME_MAX_CHARS} characters")
        name = ""
    logo = ""
    if "logo" in raw:
        logo = _read_logo(raw["logo"], base, problem)
    return Branding(name=name.strip(), logo=logo)


def _read_logo(value: Any, base: Path | None, problem: Callable[[str, str], None]) -> str:
    if not isinstance(value, str) or not value.strip():
        problem("branding.logo", "must be the path of an image file")
        return ""
    path = Path(value.strip()).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        size = path.stat().st_size
        if size > LOGO_MAX_BYTES:
            problem("branding.logo", f"{path} is {size:,} bytes; a logo may be at most "
                                     f"{LOGO_MAX_BYTES // 1024} KB (it is embedded in "
                                     "every report)")
            return ""
        with path.open("rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except FileNotFoundError:
        problem("branding.logo", f"{path}: no such file")
        return ""
    except OSError as exc:
        problem("branding.logo", f"{path}: cannot be read ({exc.strerror or exc})")
        return ""
    if len(data) > LOGO_MAX_BYTES:
        problem("branding.logo", f"{path}: a logo may be at most {LOGO_MAX_BYTES // 1024} KB")
        return ""
    kind = image_type(data)
    if kind is None:
        problem("branding.logo", f"{path} is not a PNG, JPEG, GIF, WebP or SVG image")
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
