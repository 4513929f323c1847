"""Keep the pre-aggregated tables (``agg_invoice_day``, ``agg_product_day``) in step with the facts.

The dashboard reads these tables instead of ``fact_invoice_line`` wherever a figure is a sum
over lines: 20x fewer rows for the per-customer figures, about 100x fewer for the products
page. They are derived data, refreshed inside the writer's transaction by each load (only the
new loads' lines are aggregated, so a refresh costs time proportional to the load) and by each
model run (``agg_product_day`` carries the run's segments and churn risk bands, so it is rebuilt
for a new run). Rows are additive partial sums per load, so adding a load never rewrites old rows;
a load that replaces earlier invoices (``--replace-invoices``) removes their rows and rebuilds
the (load, day) rows they touched (:func:`forget_replaced_lines`, :func:`redo_replaced_days`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import duckdb

from segmenta.engine import Engine, as_engine

__all__ = ["AggregateRefresh", "forget_replaced_lines", "redo_replaced_days", "refresh_aggregates"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AggregateRefresh:
    """What a refresh did: the loads aggregated into each table, and how long it took."""

    run_id: int | None
    invoice_day_loads: tuple[int, ...]
    product_day_loads: tuple[int, ...]
    seconds: float


def _latest_run_id(engine: Engine) -> int | None:
    rows = engine.rows("aggregates/latest_run_id.sql")
    return rows[0][0] if rows else None


def refresh_aggregates(con: Engine | duckdb.DuckDBPyConnection) -> AggregateRefresh:
    """Aggregate every load not yet in the pre-aggregates; rebuild ``agg_product_day`` for a new run.

    Call inside :func:`~segmenta.warehouse.connection.write_transaction`, after the facts or the
    model run are written. Idempotent: a second call finds nothing to do. ``con`` is the
    writer's connection or an :class:`~segmenta.engine.Engine` over it.
    """
    engine = as_engine(con)
    start = time.perf_counter()
    run_id = _latest_run_id(engine)
    engine.execute("aggregates/drop_stale_product_day.sql", {"run_id": run_id})
    pending = engine.rows("aggregates/pending_loads.sql", {"run_id": run_id})
    invoice_day = tuple(load_id for load_id, needed, _ in pending if needed)
    product_day = tuple(load_id for load_id, _, needed in pending if needed)
    if invoice_day:
        engine.execute("aggregates/insert_invoice_day.sql", {"load_ids": list(invoice_day)})
    if product_day:
        engine.execute(
            "aggregates/insert_product_day.sql",
            {"load_ids": list(product_day), "run_id": run_id},
        )
    result = AggregateRefresh(run_id, invoice_day, product_day, time.perf_counter() - start)
    log.info(
        "aggregates refreshed",
        extra={
            "run_id": run_id,
            "invoice_day_loads": len(invoice_day),
            "product_day_loads": len(product_day),
            "seconds": round(result.seconds, 3),
        },
    )
    return result


def forget_replaced_lines(engine: Engine) -> None:
    """Remove the pre-aggregated rows of the lines in ``staged_replaced_lines`` (before they
    leave the facts): their invoices' ``agg_invoice_day`` rows, and the ``agg_product_day``
    rows of every (load, day) they touched."""
    engine.execute("aggregates/forget_replaced_invoice_day.sql")
    engine.execute("aggregates/forget_replaced_product_day.sql")


def redo_replaced_days(engine: Engine) -> None:
    """Rebuild the ``agg_product_day`` rows of the (load, day)s in ``staged_replaced_lines``
    from the facts left (after the replaced lines left them), for the latest model run."""
    engine.execute("aggregates/redo_replaced_product_day.sql", {"run_id": _latest_run_id(engine)})
