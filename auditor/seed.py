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

from collections.abc import Sequence
from datetime import UTC, datetime

from auditor.audit import judge_audit
from auditor.config import AuditConfig, EarlierRun
from auditor.crawl import read_records
from auditor.history import HistoryStore, store_result
from auditor.historydb import DbTarget
from auditor.snapshots import config_path_key


def seed_history(db: DbTarget, config: AuditConfig, runs: Sequence[EarlierRun], *,
                 before: datetime) -> int:
    """Store ``runs`` (those dated before ``before``) in ``db`` when it holds no run of
    ``config`` yet; return how many were stored."""
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
