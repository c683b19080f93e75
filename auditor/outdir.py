"""The --out folder an audit writes to: its lock, the run state ``--resume`` relies on, the
reports an earlier audit left there, and a throwaway folder for ``auditor check``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from auditor.config import parse_as_of

#: In --out: the lock an audit holds while it writes there (see :func:`out_lock`).
LOCK: Final = ".auditor.lock"
#: In --out: what run the records belong to, so --resume can continue only the same one.
RUN_STATE: Final = "run.json"


class AuditProblem(Exception):
    """The audit cannot go on (bad input, an unusable --out or history file): one line."""


# -- the lock on --out, and reports an earlier audit left there ----------------------------


@contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` (the file :data:`LOCK` in it) while an audit
    writes there; another audit into the same ``out`` is refused with the holder's pid.

    The lock is the kernel's (``flock``): it goes with the process, so a killed audit
    leaves no stale lock. Where there is no ``flock`` (Windows) nothing is locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = out / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise AuditProblem(f"--out: cannot write {path} ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            raise AuditProblem(f"another audit is writing to {out} (pid {holder}); wait for "
                               "it to finish, or give another --out") from None
        with suppress(OSError):  # the pid is only for the message above
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_reports(out: Path, written: Sequence[Path],
                         formats: Sequence[str]) -> tuple[Path, ...]:
    """Remove the ``report.*`` an earlier audit left in ``out`` in formats this run did not
    write (another --format, or a report that could not be written): a folder never holds
    reports of two audits side by side. Returns what was removed."""
    removed: list[Path] = []
    for name in formats:
        path = out / f"report.{name}"
        if path in written or not path.is_file():
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return tuple(removed)


# -- the run state that --resume relies on --------------------------------------------------


def write_run_state(out: Path, *, config_path: Path | None, config_digest: str | None,
                    as_of: datetime, completed: bool) -> None:
    """``run.json``: which config and audit date the records in ``out`` belong to."""
    path = out / RUN_STATE
    state = {"config": str(Path(config_path).resolve()) if config_path else None,
             "config_sha256": config_digest, "as_of": as_of.isoformat(),
             "completed": completed}
    write_json_file(path, state)


def write_json_file(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed over it);
    AuditProblem when it cannot be written."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise AuditProblem(f"--out: cannot write {path} ({exc.strerror or exc})") from None


def read_run_state(out: Path) -> dict[str, Any] | None:
    """The ``run.json`` an earlier audit left in ``out``; None when there is none."""
    return read_json_file(out / RUN_STATE, "--resume: ")


def read_json_file(path: Path, context: str = "") -> dict[str, Any] | None:
    """The JSON object in ``path``; None when there is no such file; AuditProblem (its
    line begun with ``context``) when it cannot be read or holds no object."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AuditProblem(f"{context}{path} cannot be read ({exc})") from None
    if not isinstance(state, dict):
        raise AuditProblem(f"{context}{path} cannot be read (not a JSON object)")
    return state


@contextmanager
def temporary_out(prefix: str = "auditor-check-") -> Iterator[Path]:
    """A folder for an audit whose files nobody keeps (``auditor check``)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


def resumable_as_of(out: Path, digest: str, wanted: datetime | None) -> datetime:
    """The audit date of the interrupted run in ``out`` (``wanted``: the --as-of given, which
    must be the same); AuditProblem when it cannot go on."""
    again = "run without --resume to start a new audit"
    state = read_run_state(out)
    if state is None:
        raise AuditProblem(f"--resume: nothing to resume in {out} (no {RUN_STATE} from an "
                           f"earlier audit); {again}")
    try:
        stored_digest, stored_as_of = state["config_sha256"], parse_as_of(state["as_of"])
        finished = bool(state.get("completed"))
    except (ValueError, KeyError, TypeError):
        raise AuditProblem(f"--resume: {out / RUN_STATE} cannot be read; {again}") from None
    if stored_digest != digest:
        raise AuditProblem(f"--resume: the audit in {out} was made with another config "
                           f"({state.get('config')}), or the config changed since; {again}")
    if wanted is not None and wanted != stored_as_of:
        raise AuditProblem(f"--resume: --as-of {wanted.date().isoformat()} differs from "
                           f"the interrupted audit's {stored_as_of.isoformat()}; {again}")
    if finished and not _rate_limited_left(out):
        raise AuditProblem(f"--resume: nothing to resume: the audit in {out} finished; {again}")
    return stored_as_of


def _rate_limited_left(out: Path) -> bool:
    """Whether a finished audit left profiles ``rate_limited``: --resume reads them again."""
    from auditor.crawl import read_records
    from auditor.crawlstatus import still_to_read

    return bool(still_to_read((record.url, record.outcome)
                              for record in read_records(out / "records.jsonl")))
