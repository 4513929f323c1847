"""`segmenta model`: one model run (features, segments, churn scores) as one transaction.

Everything is computed on the writer's private copy of the warehouse (so the data read and the
rows written belong together) and swapped in at the end; a failure leaves the warehouse as it
was. This module only wires the steps: check the options, plan the run
(:mod:`segmenta.models.plan`), store it (:mod:`segmenta.models.store`), refresh the
pre-aggregates, log it, and return its summary (:mod:`segmenta.models.report`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from segmenta.models import store
from segmenta.models.features import read_data_fingerprint
from segmenta.models.plan import RunOptions, RunPlan, plan_run
from segmenta.models.report import RunSummary
from segmenta.warehouse.aggregates import refresh_aggregates
from segmenta.warehouse.connection import WarehouseMissingError, write_transaction

__all__ = ["run_model"]

log = logging.getLogger(__name__)


def run_model(
    warehouse: Path,
    k: int | None = None,
    algorithm: str = "kmeans",
    horizon_days: int = 90,
    seed: int = 42,
    features: Sequence[str] | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> RunSummary:
    """Compute and store one model run; see the module docstring and docs/models.md.

    ``k=None`` sweeps k = 2..12. ``features`` overrides the segmentation columns (invoice
    bases: behaviour columns, default recency_days, frequency, monetary; customer tables:
    numeric columns, default all that vary). ``memory_limit`` and ``threads`` bound the
    writer's DuckDB connection (None: its defaults). Raises :class:`ModelInputError` when
    there is nothing to model or an argument is out of range.
    """
    started = time.perf_counter()
    options = RunOptions(k, algorithm, horizon_days, seed, features)
    options.check()
    path = _existing(Path(warehouse))
    with write_transaction(path, **_limits(memory_limit, threads)) as con:
        plan = plan_run(con, path, options)
        plan.metrics["seconds"] = round(time.perf_counter() - started, 3)
        run_id = store.next_run_id(con)
        store.store_run(con, run_id, plan, read_data_fingerprint(con))
        refresh_aggregates(con)  # agg_product_day carries the new run's segments
        segments = store.read_run_segments(con, run_id)
    _log_run(run_id, plan, int(segments["n_customers"].sum()), started)
    return RunSummary(
        run_id=run_id,
        kind=plan.kind,
        metrics=plan.metrics,
        parameters=plan.parameters,
        segments=segments.to_dicts(),
        seconds=time.perf_counter() - started,
    )


def _existing(path: Path) -> Path:
    if not path.exists():
        raise WarehouseMissingError(
            f"{path}: no warehouse here yet; run `segmenta ingest FILE` or `segmenta demo` first"
        )
    return path


def _limits(memory_limit: str | None, threads: int | None) -> dict[str, Any]:
    """The writer's resource keywords that were given (the others keep their defaults)."""
    limits: dict[str, Any] = {"memory_limit": memory_limit, "threads": threads}
    return {name: value for name, value in limits.items() if value is not None}


def _log_run(run_id: int, plan: RunPlan, customers: int, started: float) -> None:
    log.info(
        "model run",
        extra={
            "run_id": run_id,
            "kind": plan.kind,
            "customers": customers,
            "k": plan.metrics["n_segments"],
            "silhouette": plan.metrics.get("silhouette"),
            "churn_auc": plan.metrics.get("churn_auc"),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
