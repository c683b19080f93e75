"""Replay directories: recorded responses (manifest.json plus body files) for offline audits."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.urls import host_of, request_key

MANIFEST = "manifest.json"
_EXTENSIONS = {"json": "json", "html": "html", "xml": "xml", "javascript": "js", "text": "txt"}


class ReplayError(Exception):
    """The replay directory or its manifest cannot be used."""


@dataclass(frozen=True, slots=True)
class ReplayEntry:
    url: str
    status: int
    headers: Mapping[str, str | list[str]]
    body_path: Path | None

    def body(self) -> bytes:
        return self.body_path.read_bytes() if self.body_path is not None else b""


class ReplayStore:
    """Answers requests from a replay directory, matching URLs after canonicalisation."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.entries: dict[str, ReplayEntry] = {}
        manifest = self.directory / MANIFEST
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReplayError(f"{manifest}: no such file (is {directory} a replay "
                              "directory?)") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ReplayError(f"{manifest}: cannot be read ({exc})") from None
        responses = data.get("responses") if isinstance(data, dict) else None
        if not isinstance(responses, list):
            raise ReplayError(f"{manifest}: expected {{\"responses\": [...]}}")
        root = self.directory.resolve()
        problems: list[str] = []
        for index, raw in enumerate(responses):
            where = f"{manifest}: responses[{index}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
                problems.append(f"{where}: needs a url")
                continue
            status = raw.get("status", 200)
            if not isinstance(status, int) or not 100 <= status <= 999:
                problems.append(f"{where}: status must be an HTTP status code")
                continue
            headers = raw.get("headers") or {}
            if not isinstance(headers, dict):
                problems.append(f"{where}: headers must be an object")
                continue
            body_path = None
            if raw.get("body"):
                body_path = (self.directory / str(raw["body"])).resolve()
                # A manifest never reads files outside its own directory.
                if root not in body_path.parents:
                    problems.append(f"{where}: body {raw['body']!r} is outside {directory}")
                    continue
                if not body_path.is_file():
                    problems.append(f"{where}: body file {raw['body']!r} is missing")
                    continue
            self.entries[request_key(raw["url"])] = ReplayEntry(raw["url"], status, headers,
                                                                body_path)
        if problems:
            raise ReplayError("\n".join(problems))

    def lookup(self, url: str) -> ReplayEntry | None:
        return self.entries.get(request_key(url))


class ReplayRecorder:
    """Writes responses into a directory that ReplayStore reads back."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._entries: dict[str, dict[str, Any]] = {}

    def add(self, url: str, status: int, headers: Mapping[str, str], body: bytes) -> None:
        key = request_key(url)
        entry: dict[str, Any] = {"url": url, "status": status, "headers": dict(headers)}
        if body:
            name = _body_name(url, key, headers.get("Content-Type", ""))
            path = self.directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            entry["body"] = name
        self._entries[key] = entry

    def save(self) -> None:
        """Write manifest.json atomically, so an interrupted run leaves a readable one."""
        manifest = self.directory / MANIFEST
        tmp = manifest.with_suffix(".json.tmp")
        entries = [self._entries[key] for key in sorted(self._entries)]
        tmp.write_text(json.dumps({"responses": entries}, indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        os.replace(tmp, manifest)


def _body_name(url: str, key: str, content_type: str) -> str:
    host = re.sub(r"[^a-z0-9.\-]", "_", host_of(url)) or "unknown-host"
    extension = next((ext for marker, ext in _EXTENSIONS.items() if marker in content_type),
                     "bin")
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return f"{host}/{digest}.{extension}"
