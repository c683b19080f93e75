"""Talking to Scrapyd (the Scrapy project's job server) over its JSON API, with the standard
library only: the project's egg, deploying it, scheduling, following and cancelling jobs,
reading a job's items, and serving the crawl plans the jobs read.

What this relies on in Scrapyd 1.6 (its ``webservice.py``, ``launcher.py``, ``environ.py``):

- ``addversion.json`` (POST project, version, egg) stores an egg: a zip with the packages and
  ``EGG-INFO/entry_points.txt`` naming the settings module (``[scrapy] settings = ...``).
  We build that zip ourselves (:func:`build_egg`): ``scrapyd-deploy`` would build it with
  ``setup.py bdist_egg``, and this project is packaged with hatchling and has no setup.py.
- ``schedule.json`` (POST project, spider, jobid, _version, setting=NAME=VALUE ...): every
  other field becomes a spider argument, which the launcher puts on the crawl's command line
  as ``-a name=value``. One argument may not exceed 128 KiB on Linux, so a plan of
  thousands of targets never goes there: the job gets ``plan_url`` and fetches the plan
  (:class:`PlanServer`, :func:`fetch_plan`). The crawl process inherits Scrapyd's
  environment, so API tokens (auditor.credentials) are set on the Scrapyd host and never
  pass through a plan or an argument.
- With ``items_dir`` set, the launcher gives the job a JSON-lines feed of its items, served
  at ``/items/PROJECT/SPIDER/JOB.jl``: the spider's items are the records lines, so that file
  is the shard's records. It is read while it grows, with HTTP Range requests.
- ``listjobs.json`` lists pending, running and finished jobs, without an exit status: a job
  is judged by its records (a finished job whose shard still lacks profiles failed or was
  killed, and those profiles are scheduled again).
- ``cancel.json`` sends SIGINT (Scrapy closes the crawl cleanly; the feed is closed whole).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import re
import secrets
import socket
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit, urlunsplit

from auditor import __version__

SPIDER: Final = "profiles"
SETTINGS_MODULE: Final = "spiders.settings"
#: The largest plan a job fetches (10,000 targets are ~3 MB).
PLAN_MAX_BYTES: Final = 64 * 1024 * 1024
_TIMEOUT: Final = 30.0
_PACKAGES: Final = ("auditor", "spiders")
#: What goes into the egg: the code and the message catalogues, not the bundled demo.
_EGG_FILES: Final = re.compile(r".*\.py$|locale/.*\.(po|pot)$")


class ScrapydError(Exception):
    """Scrapyd could not be reached, or refused a request: one line, with the server."""


class ScrapydUnreachable(ScrapydError):
    """No answer, or a server error (5xx): worth asking again a little later."""


# -- the egg ------------------------------------------------------------------------------

def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # finds the package without importing it
    if spec is None or not spec.origin:
        raise ScrapydError(f"the {name} package is not installed here: cannot build the egg")
    return Path(spec.origin).parent


def build_egg(project: str) -> tuple[str, bytes]:
    """The project's egg (the ``auditor`` and ``spiders`` packages) and its version:
    the tool's version and a digest of the egg, so the same code is the same version and
    any change is a new one. Deterministic: files sorted, fixed timestamps."""
    files: list[tuple[str, bytes]] = []
    for package in _PACKAGES:
        root = _package_dir(package)
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if (path.is_file() and "__pycache__" not in relative
                    and not relative.startswith("_data/") and _EGG_FILES.fullmatch(relative)):
                files.append((f"{package}/{relative}", path.read_bytes()))
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    version = f"{__version__.replace('.', '_')}-{digest.hexdigest()[:12]}"
    meta = [("EGG-INFO/PKG-INFO", f"Metadata-Version: 1.0\nName: {project}\n"
                                  f"Version: {__version__}\n".encode()),
            ("EGG-INFO/entry_points.txt", f"[scrapy]\nsettings = {SETTINGS_MODULE}\n".encode()),
            ("EGG-INFO/top_level.txt", "\n".join(_PACKAGES).encode() + b"\n"),
            ("EGG-INFO/zip-safe", b"\n")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for name, data in [*meta, *files]:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            egg.writestr(info, data)
    return version, buffer.getvalue()


# -- one Scrapyd server -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Job:
    """A job as ``listjobs.json`` shows it: pending, running or finished."""

    id: str
    state: str


def without_password(urls: str) -> str:
    """``urls`` (one or several, comma-separated) with any password taken out of them
    (``http://user:secret@host`` -> ``http://user@host``), to be shown or written."""
    return re.sub(r"(//[^/@:,\s]*):[^/@,\s]*@", r"\1@", urls)


class Scrapyd:
    """One Scrapyd server, ``http://host:6800`` (``http://user:password@host:6800`` for
    Scrapyd's basic auth; the password is sent only to that server)."""

    def __init__(self, url: str, *, timeout: float = _TIMEOUT):
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ScrapydError(f"--scrapyd: {without_password(url)!r} is no http(s) address "
                               "of a Scrapyd server")
        netloc = parts.netloc.rpartition("@")[2]
        self.url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.host = parts.hostname
        self.timeout = timeout
        self._auth: str | None = None
        if parts.username is not None:
            pair = f"{parts.username}:{parts.password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(pair).decode("ascii")

    def __str__(self) -> str:
        return self.url

    def _open(self, path: str, *, data: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, data=data, headers=headers or {})
        if self._auth:
            request.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise ScrapydUnreachable(f"Scrapyd at {self.url} answered HTTP {exc.code} "
                                         f"to {path.partition('?')[0]}") from None
            return exc.code, exc.read()
        except (OSError, ValueError) as exc:
            raise ScrapydUnreachable(f"Scrapyd at {self.url} cannot be reached ({exc})") \
                from None

    def call(self, endpoint: str, fields: Sequence[tuple[str, str]] = (), *,
             post: bool = False, body: bytes | None = None,
             content_type: str | None = None) -> dict[str, Any]:
        """One API call; ScrapydError unless Scrapyd answers ``"status": "ok"``."""
        query = urlencode(list(fields))
        if post and body is None:
            body, content_type = query.encode(), "application/x-www-form-urlencoded"
        path = f"/{endpoint}" if post else f"/{endpoint}?{query}"
        status, raw = self._open(path, data=body,
                                 headers={"Content-Type": content_type} if content_type else {})
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ScrapydError(f"Scrapyd at {self.url}: {endpoint} answered HTTP {status}, "
                               "not JSON (is this a Scrapyd server?)")
        if answer.get("status") != "ok":
            why = " ".join(str(answer.get("message") or answer).split())[:300]
            raise ScrapydError(f"Scrapyd at {self.url}: {endpoint}: {why}")
        return answer

    def check(self) -> None:
        """Scrapyd answers, and serves job items (``items_dir`` set to a folder)."""
        self.call("daemonstatus.json")
        # Its home page links the items only when they are kept in a local folder.
        status, page = self._open("/")
        if status != 200 or b"/items/" not in page:
            raise ScrapydError(f"Scrapyd at {self.url} keeps no items: set items_dir = items "
                               "(a local folder) in its scrapyd.conf, which the records of "
                               "each job come back through (docs/scale.md)")

    def versions(self, project: str) -> list[str]:
        try:
            return list(self.call("listversions.json", [("project", project)])["versions"])
        except (KeyError, TypeError):
            return []

    def add_version(self, project: str, version: str, egg: bytes) -> dict[str, Any]:
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in (("project", project.encode()), ("version", version.encode())):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n".encode() + value + b"\r\n")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; '
                     f'filename="{project}.egg"\r\nContent-Type: application/octet-stream'
                     f"\r\n\r\n".encode() + egg + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.call("addversion.json", post=True, body=body,
                         content_type=f"multipart/form-data; boundary={boundary}")

    def schedule(self, project: str, job: str, *, version: str, args: dict[str, str],
                 settings: Iterable[str] = ()) -> str:
        fields = [("project", project), ("spider", SPIDER), ("jobid", job),
                  ("_version", version), *(("setting", s) for s in settings),
                  *args.items()]
        return str(self.call("schedule.json", fields, post=True).get("jobid", job))

    def cancel(self, project: str, job: str) -> None:
        self.call("cancel.json", [("project", project), ("job", job)], post=True)

    def jobs(self, project: str) -> dict[str, Job]:
        answer = self.call("listjobs.json", [("project", project)])
        found: dict[str, Job] = {}
        for state in ("finished", "pending", "running"):  # a later state wins
            for entry in answer.get(state) or ():
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    found[entry["id"]] = Job(entry["id"], state)
        return found

    def items(self, project: str, job: str, offset: int) -> bytes | None:
        """The job's items feed from byte ``offset`` on (b"" when nothing is new); None
        while there is no feed file yet."""
        status, body = self._open(f"/items/{project}/{SPIDER}/{job}.jl",
                                  headers={"Range": f"bytes={offset}-"})
        if status == 206:
            return body
        if status == 200:  # a server that ignores Range sends it all
            return body[offset:]
        if status == 416:  # nothing past offset yet
            return b""
        if status == 404:
            return None
        raise ScrapydError(f"Scrapyd at {self.url}: the items of job {job} answered "
                           f"HTTP {status}")


def deploy(servers: Iterable[Scrapyd], project: str, *,
           only_missing: bool = False) -> str:
    """Put this code on every server as ``project``; return the version deployed."""
    version, egg = build_egg(project)
    for server in servers:
        if only_missing and version in server.versions(project):
            continue
        server.add_version(project, version, egg)
    return version


# -- the plans, served to the jobs --------------------------------------------------------

def fetch_plan(url: str) -> str:
    """The crawl plan at ``url`` (``-a plan_url=URL``, what a Scrapyd job is given)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("plan_url must be an http(s) address")
    with urllib.request.urlopen(url, timeout=_TIMEOUT) as answer:
        data = answer.read(PLAN_MAX_BYTES + 1)
    if len(data) > PLAN_MAX_BYTES:
        raise ValueError(f"the plan is larger than {PLAN_MAX_BYTES} bytes")
    return data.decode("utf-8")


class PlanServer:
    """Serves crawl plans over HTTP for the Scrapyd jobs to fetch, under a path with a
    random token: a plan names profiles and options, never credentials."""

    def __init__(self, address: str, port: int = 0):
        self.plans: dict[str, bytes] = {}
        self.token = secrets.token_urlsafe(16)
        plans = self.plans
        prefix = f"/{self.token}/"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                body = plans.get(self.path[len(prefix):]) \
                    if self.path.startswith(prefix) else None
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        host, bound = str(self.server.server_address[0]), int(self.server.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        self.base = f"http://{shown}:{bound}{prefix}"
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> PlanServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def publish(self, name: str, plan_json: str) -> str:
        self.plans[name] = plan_json.encode("utf-8")
        return self.base + name


def plan_address(servers: Sequence[Scrapyd], given: str | None) -> tuple[str, int]:
    """Where the plan server listens: ``--plan-address HOST[:PORT]``, else this machine's
    address on the way to the first Scrapyd server (loopback when they all are local)."""
    if given:
        host, sep, port = given.rpartition(":")
        if sep and port.isdigit() and host:
            return host.strip("[]"), int(port)
        return given.strip("[]"), 0
    if all(_loopback(server.host) for server in servers):
        return "127.0.0.1", 0
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect((servers[0].host, 9))  # UDP: picks the route, sends nothing
        return str(probe.getsockname()[0]), 0
    except OSError as exc:
        raise ScrapydError(f"cannot tell this machine's address towards {servers[0].host} "
                           f"({exc}): give --plan-address HOST[:PORT], an address of this "
                           "machine the Scrapyd servers reach") from None
    finally:
        probe.close()


def _loopback(host: str) -> bool:
    return host == "localhost" or host.startswith("127.") or host == "::1"
