"""Earlier runs for an empty history: ``[[history.earlier]]`` in the config.

A history starts empty, so trends and "since the last audit" appear only from the second
month on. A team that audited before (on another machine, with another history file, or
with the records of an older version of this tool) can hand the earlier crawls' records
to the config::

    [[history.earlier]]
    as_of = 2026-09-01
    records = "history/2026-09-01.records.jsonl"   # relative to the config file

Before the audit, when the history holds no run of this config yet, each earlier
records file is judged as of its date with the config's thresholds (as ``audit
--from-records`` would) and stored as a completed run, oldest first. Nothing is fetched,
and a history that has runs already is never touched: the earlier runs are a starting
point, not a rewrite. The bundled demo uses this for its two earlier months.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: At most this many earlier runs are read from a config.
MAX_EARLIER = 36


@dataclass(frozen=True, slots=True)
class EarlierRun:
    as_of: datetime
    records: Path


def read_earlier_runs(raw: Any, base: Path | None,
                      problem: Callable[[str, str], None]) -> tuple[EarlierRun, ...]:
    """The ``[history]`` table's ``earlier`` list; every bad entry is a problem line."""
    from auditor.config import parse_as_of

    if not isinstance(raw, dict):
        problem("history", "must be a table ([history]) with an `earlier` list")
        return ()
    for key in raw:
        if key != "earlier":
            problem(f"history.{key}", "unknown key (only `earlier`)")
    entries = raw.get("earlier", [])
    if not isinstance(entries, list):
        problem("history.earlier", "must be a list of tables ([[history.earlier]])")
        return ()
    if len(entries) > MAX_EARLIER:
        problem("history.earlier", f"at most {MAX_EARLIER} earlier runs")
        return ()
    found: list[EarlierRun] = []
    for index, entry in enumerate(entries):
        where = f"history.earlier[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"as_of", "records"}:
            problem(where, "needs exactly `as_of` (a date) and `records` (a file)")
            continue
        try:
            as_of = parse_as_of(entry["as_of"])
        except ValueError as exc:
            problem(f"{where}.as_of", str(exc))
            continue
        records = entry["records"]
        if not isinstance(records, str) or not records.strip():
            problem(f"{where}.records", "must be the path of a records.jsonl file")
            continue
        path = Path(records)
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():
            problem(f"{where}.records", f"{path} is not a file")
            continue
        found.append(EarlierRun(as_of, path))
    dates = [run.as_of for run in found]
    if len(set(dates)) != len(dates):
        problem("history.earlier", "two earlier runs have the same as_of")
    return tuple(sorted(found, key=lambda run: run.as_of))


def seed_history(db: Path, config: Any, runs: Sequence[EarlierRun], *,
                 before: datetime) -> int:
    """Store ``runs`` (those dated before ``before``) in ``db`` when it holds no run of
    ``config`` yet; return how many were stored."""
    from auditor.audit import judge_audit
    from auditor.crawl import read_records
    from auditor.history import HistoryStore, store_result
    from auditor.snapshots import config_path_key

    usable = [run for run in runs if run.as_of < before]
    if not usable:
        return 0
    with HistoryStore(db) as store:
        if store.runs(config_path=config_path_key(config.path), name=config.audit.name):
            return 0
        for run in usable:
            result = judge_audit(config, list(read_records(run.records)), as_of=run.as_of,
                                 generated_at=run.as_of)
            store_result(store, config, result, completed=True,
                         started_at=datetime.now(UTC))
    return len(usable)
