"""What every sample-page builder shares: the audit date, the writer and expectations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
JSON = {"Content-Type": "application/json; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml; charset=utf-8"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}

#: The demo's organisations: (name, role, website).
ORGANISATIONS = [
    ("Spaak Fietsen", "client", "https://www.spaak.example"),
    ("Ratel Tweewielers", "competitor", "https://www.ratel.example"),
    ("Velo Vlot", "competitor", "https://www.velovlot.example"),
]


@dataclass
class Expect:
    """A profile added to the demo audit and what the audit is meant to say about it."""

    url: str
    organisation: str
    outcome: str
    flags: list[str]
    why: str
    platform: str = ""
    #: ``listed_as``: how the demo config spells the URL, when not as ``url`` (a pasted
    #: login-redirect URL the auditor decodes to ``url``).
    extra: dict[str, Any] = field(default_factory=dict)


class Writer:
    """Collects responses for manifest.json and writes their bodies under sample_pages/."""

    def __init__(self, root: Path):
        self.root = root
        self.responses: list[dict[str, Any]] = []

    def add(self, url: str, status: int, headers: dict[str, str], name: str,
            body: str | bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
        self.responses.append({"url": url, "status": status, "headers": headers, "body": name})

    def add_json(self, url: str, status: int, name: str, data: Any,
                 headers: dict[str, str] | None = None) -> None:
        self.add(url, status, {**JSON, **(headers or {})}, name,
                 json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def add_redirect(self, url: str, location: str, status: int = 302) -> None:
        """A redirect with no body (Scrapy follows it to ``location``)."""
        self.responses.append({"url": url, "status": status,
                               "headers": {"Location": location}, "body": None})
