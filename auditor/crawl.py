"""Run the Scrapy crawl in a child process and read back the records it streamed to disk.

The core never imports Scrapy: the crawl runs as ``python -m scrapy crawl profiles`` with
the project's settings module, so a crash or Ctrl-C in the crawl cannot take the records
already written with it.

The child runs in its own process group: a Ctrl-C on the terminal reaches only the
``auditor`` process, which passes exactly one SIGINT on (Scrapy treats a second one as
"stop now, uncleanly"). On Linux the child also gets SIGTERM when its parent dies, so a
killed ``auditor`` leaves no crawl running behind it.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib.util
import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Final

from auditor.apicost import XSettings
from auditor.config import AuditConfig, config_from_urls
from auditor.models import ProfileRecord
from auditor.platforms.base import CrawlOptions, Target

SETTINGS_MODULE = "spiders.settings"
#: How often (seconds) the records file is looked at for progress.
_PROGRESS_EVERY = 0.5
#: How long a crawl asked to stop may take to close before it is killed.
_STOP_GRACE = 30.0


@dataclass(frozen=True, slots=True)
class CrawlRun:
    records_path: Path
    returncode: int
    interrupted: bool

    @property
    def completed(self) -> bool:
        return self.returncode == 0 and not self.interrupted


@dataclass(frozen=True, slots=True)
class Finished:
    """One line of the records file as progress sees it."""

    url: str
    outcome: str


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """What the crawl reads: every target, in order, and how far back. The parent process
    makes it from the config it already parsed and hands it to the child as JSON, so the
    config is parsed once and a resumed audit crawls exactly the targets still to do."""

    targets: tuple[Target, ...]
    options: CrawlOptions
    #: The audit's crawling manners (``[audit]`` obey_robots, allow_private_addresses).
    obey_robots: bool = True
    allow_private_addresses: bool = False
    #: The history file whose stored answers and posts let the crawl ask only for what is
    #: new (auditor.answercache); None: everything is read.
    history: str | None = None

    def to_json(self) -> str:
        options = self.options
        return json.dumps({
            "manners": {"obey_robots": self.obey_robots,
                        "allow_private_addresses": self.allow_private_addresses},
            "options": {"as_of": options.as_of.isoformat(), "window_days": options.window_days,
                        "max_pages": options.max_pages, "page_size": options.page_size,
                        "endpoints": dict(options.endpoints),
                        "fetch_walled": options.fetch_walled,
                        "lookup_enough_before": options.lookup_enough_before.isoformat()
                        if options.lookup_enough_before else None,
                        "never_used_max_posts": options.never_used_max_posts,
                        # [x] and the X profiles' count; never the credentials, which the
                        # crawl reads itself (auditor.credentials)
                        "x": options.x.to_json(), "x_profiles": options.x_profiles},
            "history": self.history,
            "targets": [{"url": t.url, "platform": t.platform, "organisation": t.organisation,
                         "role": t.role, "source_url": t.source_url,
                         "compare_photo": t.compare_photo} for t in self.targets],
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CrawlPlan:
        data = json.loads(text)
        raw = data["options"]
        options = CrawlOptions(
            as_of=datetime.fromisoformat(raw["as_of"]), window_days=int(raw["window_days"]),
            max_pages=int(raw["max_pages"]), page_size=int(raw["page_size"]),
            endpoints=dict(raw.get("endpoints") or {}),
            fetch_walled=bool(raw.get("fetch_walled")),
            lookup_enough_before=datetime.fromisoformat(raw["lookup_enough_before"])
            if raw.get("lookup_enough_before") else None,
            never_used_max_posts=int(raw.get("never_used_max_posts", 2)),
            x=XSettings.from_json(raw.get("x")), x_profiles=int(raw.get("x_profiles") or 0))
        targets = tuple(Target(url=t["url"], platform=t["platform"],
                               organisation=t.get("organisation"), role=t.get("role"),
                               source_url=t.get("source_url"),
                               compare_photo=t.get("compare_photo") is not False)
                        for t in data["targets"])
        manners = data.get("manners") or {}
        history = data.get("history")
        return cls(targets, options, obey_robots=manners.get("obey_robots") is not False,
                   allow_private_addresses=manners.get("allow_private_addresses") is True,
                   history=history if isinstance(history, str) and history else None)


def crawl_plan(config: AuditConfig, as_of: datetime,
               only: Callable[[str], bool] | None = None) -> CrawlPlan:
    """Every listed profile, then each organisation's own website (read for its links);
    with ``only``, just the targets whose URL it accepts (those a resumed audit still
    needs)."""
    photos = photo_organisations(config)
    # The website is read for its links; its image is compared with nothing.
    listed = [(entry, entry.organisation in photos) for entry in config.profiles()]
    listed += [(entry, False) for entry in config.websites()]
    targets = tuple(
        Target(url=entry.url, platform=entry.platform, organisation=entry.organisation,
               role=entry.role, source_url=entry.source_url, compare_photo=compare)
        for entry, compare in listed
        if only is None or only(entry.url))
    audit = config.audit
    every = (config.thresholds, *config.role_thresholds.values())
    # Before this, a last post is past the window and past DEAD by every role's threshold,
    # a day to spare (platforms date the last post by the day): reading posts changes nothing.
    quiet_days = max(audit.window_days, *(t.dead_after_days for t in every)) + 1
    options = CrawlOptions(as_of=as_of, window_days=audit.window_days,
                           max_pages=audit.max_pages, page_size=audit.page_size,
                           endpoints=dict(config.endpoints),
                           fetch_walled=audit.fetch_walled_networks,
                           lookup_enough_before=as_of - timedelta(days=quiet_days),
                           never_used_max_posts=max(t.never_used_max_posts for t in every),
                           x=config.x,
                           x_profiles=sum(1 for e in config.profiles() if e.platform == "x"))
    return CrawlPlan(targets, options, obey_robots=audit.obey_robots,
                     allow_private_addresses=audit.allow_private_addresses)


def api_notice(plan: CrawlPlan, *, replay: bool) -> str | None:
    """What reading X through its API may cost this run, shown before the first request
    (auditor.apicost); None without X profiles. Only whether a token exists is looked at."""
    from auditor.apicost import x_notice
    from auditor.credentials import load_credentials

    options = plan.options
    if options.x_profiles == 0:
        return None
    token = load_credentials(replay=replay).x_bearer is not None
    return x_notice(options.x_profiles, options.x, max_pages=options.max_pages,
                    page_size=options.page_size, token=token, replay=replay)


#: Photos are compared (auditor.consistency) when an organisation shows at least this many:
#: two that agree against one that differs. Profiles given to ``auditor check`` are also
#: grouped by a shared photo, so two are enough there.
PHOTOS_COMPARED = 3
PHOTOS_GROUPED = 2


def photo_organisations(config: AuditConfig) -> frozenset[str | None]:
    """The organisations whose profiles' photos a verdict compares, so whose avatars are
    worth fetching: those with enough listed profiles for the comparison to find anything."""
    from auditor.audit import undeclared

    chosen: set[str | None] = set()
    for organisation in config.organisations:
        needed = PHOTOS_GROUPED if undeclared(config, organisation) else PHOTOS_COMPARED
        if len(organisation.profiles) >= needed:
            chosen.add(organisation.name)
    return frozenset(chosen)


def write_plan(plan: CrawlPlan, path: Path) -> Path:
    """Write ``plan`` for the child process; return its path."""
    path.write_text(plan.to_json() + "\n", encoding="utf-8")
    return path


def crawl_command(*, plan: Path | None = None, config: Path | None = None,
                  urls: Sequence[str] = (), records: Path, as_of: datetime,
                  log_file: Path | None, replay: Path | None = None,
                  record: Path | None = None, settings: Sequence[str] = ()) -> list[str]:
    """The ``scrapy crawl profiles`` command line for one audit: from a plan the parent
    wrote (what the ``auditor`` command does), a config file, or a list of URLs.

    URLs never go on the command line (thousands of them overflow the child's argument
    list): they are written as a plan, ``plan.json`` beside ``records``, and the child
    reads that. Raises :class:`auditor.config.ConfigError` for a URL that is no profile."""
    if plan is None and config is None:
        plan = write_plan(crawl_plan(config_from_urls(list(urls)), as_of),
                          records.parent / "plan.json")
    command = [sys.executable, "-m", "scrapy", "crawl", "profiles"]
    if plan is not None:
        command += ["-a", f"plan={plan.resolve()}"]
    elif config is not None:
        command += ["-a", f"config={config.resolve()}"]
    command += ["-a", f"records={records.resolve()}"]
    if plan is None:  # a plan carries its own audit date
        command += ["-a", f"as_of={as_of.isoformat()}"]
    if replay is not None:
        command += ["-a", f"replay={replay.resolve()}"]
    if record is not None:
        command += ["-a", f"record={record.resolve()}"]
    if log_file is not None:
        command += ["-s", f"LOG_FILE={log_file.resolve()}"]
    for setting in settings:
        command += ["-s", setting]
    return command


# -- Scrapy settings given with -s, checked before anything is written -----------------------

#: Settings that add components (extensions, middlewares, pipelines): a component of the
#: user's own may read settings of its own, so with one of these given, a setting name
#: this module does not know is let through.
_COMPONENT_SETTINGS: Final = frozenset({
    "ADDONS", "DOWNLOADER_MIDDLEWARES", "DOWNLOAD_HANDLERS", "EXTENSIONS", "ITEM_PIPELINES",
    "SPIDER_MIDDLEWARES"})
#: Settings of whole numbers that Scrapy reads as seconds (getfloat): 2.5 is fine there.
_SECONDS: Final = re.compile(r"TIMEOUT|DELAY|INTERVAL|SECONDS")
#: ``crawler.settings.getint("NAME", ...)`` and the like in the spiders' code.
_SETTING_READ: Final = re.compile(
    r"""settings\.get(bool|int|float|list|dict)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
_READ_KINDS: Final = {"bool": "bool", "int": "int", "float": "float", "list": "list",
                      "dict": "dict", "": None}
_TRUE_FALSE: Final = frozenset({"True", "true", "False", "false"})


def setting_problems(values: Sequence[str]) -> list[str]:
    """What is wrong with these ``-s NAME=VALUE`` settings, one line each (empty: nothing).

    A name must be one the crawl knows: a setting of Scrapy's defaults
    (``scrapy.settings.default_settings``), of the project's settings module, or one the
    spiders read. A value must be what Scrapy will read it as: a number, true or false, a
    JSON object. The sources are read as text: the core never imports Scrapy.
    """
    known = known_settings()
    problems: list[str] = []
    pairs: list[tuple[str, str]] = []
    for value in values:
        name, sep, setting = value.partition("=")
        name = name.strip()
        if not sep or not name or not name.replace("_", "").isalnum():
            problems.append(f"-s: expected NAME=VALUE, got {value!r}")
        else:
            pairs.append((name, setting))
    own_components = any(name in _COMPONENT_SETTINGS for name, _ in pairs)
    for name, setting in pairs:
        if name not in known:
            if known and not own_components:
                close = difflib.get_close_matches(name.upper(), sorted(known), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(f"-s: {name} is not a Scrapy setting the crawl knows{hint}")
            continue
        why = _bad_value(name, known[name], setting)
        if why is not None:
            problems.append(f"-s: {name}={setting}: {why}")
    return problems


def _bad_value(name: str, kind: str | None, value: str) -> str | None:
    """Why ``value`` cannot be read as a setting of ``kind``; None when it can."""
    text = value.strip()
    if kind == "bool":
        if text in _TRUE_FALSE or _is_int(text):
            return None
        return "expected True or False (or 1 or 0)"
    if kind == "int" and not _SECONDS.search(name):
        return None if _is_int(text) else "expected a whole number"
    if kind in ("int", "float"):
        try:
            number = float(text)
        except ValueError:
            return "expected a number"
        return None if math.isfinite(number) else "expected a finite number"
    if kind == "dict":
        try:
            parsed = json.loads(value)
        except ValueError:
            return 'expected a JSON object, e.g. {"name": 100}'
        return None if isinstance(parsed, dict) else 'expected a JSON object, e.g. {"name": 100}'
    return None


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


@functools.cache
def known_settings() -> dict[str, str | None]:
    """Every setting name the crawl knows, with the kind of value it takes (None: any):
    Scrapy's defaults, overridden by the project's settings module and what its spiders
    read. Empty when Scrapy's sources cannot be found (then only the syntax is checked)."""
    kinds: dict[str, str | None] = {}
    scrapy = importlib.util.find_spec("scrapy")  # finds the package without importing it
    if scrapy is None or not scrapy.origin:
        return kinds
    kinds.update(_assigned(Path(scrapy.origin).parent / "settings" / "default_settings.py"))
    project = importlib.util.find_spec(SETTINGS_MODULE.split(".")[0])
    if project is not None and project.origin:
        folder = Path(project.origin).parent
        for name, kind in _assigned(folder / "settings.py").items():
            kinds[name] = kind if kind is not None else kinds.get(name)
        for path in sorted(folder.glob("*.py")):
            try:
                source = path.read_text(encoding="utf-8")
            except OSError:
                continue
            for getter, name in _SETTING_READ.findall(source):
                # How the code reads a setting decides what it takes (getfloat: 2.5 too).
                if getter or name not in kinds:
                    kinds[name] = _READ_KINDS[getter] if getter else kinds.get(name)
    return kinds


def _assigned(path: Path) -> dict[str, str | None]:
    """``NAME = value`` at the top of a settings module: each name and its value's kind."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, str | None] = {}
    statements = list(tree.body)
    while statements:
        node = statements.pop(0)
        if isinstance(node, ast.If):  # settings chosen by platform or version
            statements[:0] = [*node.body, *node.orelse]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    found[target.id] = _kind(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.target.id.isupper() and node.value is not None:
            found[node.target.id] = _kind(node.value)
    return found


def _kind(node: ast.expr) -> str | None:
    """The kind of value a settings expression gives, as far as its syntax says."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, float):
            return "float"
        return "str" if isinstance(value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.Dict):
        return "dict"
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return "list"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _kind(node.operand)
    if isinstance(node, ast.BinOp):
        left, right = _kind(node.left), _kind(node.right)
        if left in ("int", "float") and right in ("int", "float"):
            floats = "float" in (left, right) or isinstance(node.op, ast.Div)
            return "float" if floats else "int"
        if left == right == "str":
            return "str"
    return None


class RecordTail:
    """Reads the lines appended to a records file since the last look, never the whole file.

    A line still being written (no newline yet) waits for the next look.
    """

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self._partial = b""

    def read_new(self) -> list[Finished]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except OSError:
            return []
        self.offset += len(chunk)
        data = self._partial + chunk
        complete, _, self._partial = data.rpartition(b"\n")
        found: list[Finished] = []
        for line in complete.split(b"\n"):
            finished = _finished(line)
            if finished is not None:
                found.append(finished)
        return found


def _finished(line: bytes) -> Finished | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    url, outcome = data.get("url"), data.get("outcome")
    if not isinstance(url, str) or not isinstance(outcome, str):
        return None
    return Finished(url, outcome)


def run_crawl(command: list[str], records: Path,
              progress: Callable[[list[Finished]], None] | None = None, *,
              resume: bool = False, extra_env: Mapping[str, str] | None = None) -> CrawlRun:
    """Run the crawl; Ctrl-C or SIGTERM stops the child cleanly and marks the run interrupted.

    ``progress`` is called every half second with the records finished since its last call
    (on a resumed run the first call also holds the records already there). Without
    ``resume`` the records file starts empty; with it, new records are appended after the
    old ones.
    """
    # extra_env: what the child needs and must not find in plan.json (PGPASSWORD)
    env = dict(os.environ, **(extra_env or {}), SCRAPY_SETTINGS_MODULE=SETTINGS_MODULE)
    records.parent.mkdir(parents=True, exist_ok=True)
    if resume:
        trim_torn_tail(records)
    else:
        records.write_text("", encoding="utf-8")
    tail = RecordTail(records)
    interrupted = False
    posix = os.name == "posix"
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                               start_new_session=posix,
                               preexec_fn=_die_with_parent if posix else None)
    with _sigterm_as_interrupt():
        try:
            while True:
                _report(tail, progress)
                try:
                    returncode = process.wait(timeout=_PROGRESS_EVERY)
                    break
                except subprocess.TimeoutExpired:
                    pass
        except KeyboardInterrupt:
            interrupted = True
            returncode = _stop(process)
    _report(tail, progress)
    return CrawlRun(records_path=records, returncode=returncode, interrupted=interrupted)


def _report(tail: RecordTail, progress: Callable[[list[Finished]], None] | None) -> None:
    if progress is None:
        return
    progress(tail.read_new())  # with nothing new too: the line follows the crawl's status


def _stop(process: subprocess.Popen[Any]) -> int:
    """Ask the crawl to close (one SIGINT: Scrapy finishes cleanly); kill it if it hangs."""
    try:
        if os.name == "posix":
            process.send_signal(signal.SIGINT)
        else:  # no SIGINT to a child on Windows; it shares the console's Ctrl-C anyway
            process.terminate()
        return process.wait(timeout=_STOP_GRACE)
    except (KeyboardInterrupt, subprocess.TimeoutExpired):
        process.kill()
        return process.wait()


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when the auditor process dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before prctl: stop now
        os._exit(1)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While active, SIGTERM to the auditor stops the crawl as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def trim_torn_tail(path: Path) -> None:
    """Cut a torn last line (a killed run) so appended records start on a line of their own."""
    try:
        with path.open("rb+") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return
            keep = size
            step = 1 << 16
            while keep > 0:
                start = max(0, keep - step)
                handle.seek(start)
                block = handle.read(keep - start)
                newline = block.rfind(b"\n")
                if newline >= 0:
                    keep = start + newline + 1
                    break
                keep = start
            if keep != size:
                handle.truncate(keep)
    except FileNotFoundError:
        return


def read_records(path: Path) -> Iterator[ProfileRecord]:
    """Records from a JSON-lines file; a torn last line (a killed run) is skipped."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                yield ProfileRecord.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError):
                continue
