"""Write a model run's rows. Each function runs one SQL file of sql/models with bound parameters
on a connection from :func:`segmenta.warehouse.connection.write_transaction`;
:func:`store_run` writes a whole :class:`~segmenta.models.plan.RunPlan`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import polars as pl

from segmenta.models.artifacts import ARTIFACT_FORMAT, library_versions
from segmenta.models.plan import RunPlan
from segmenta.warehouse.schema import read_sql


def _insert_frame(
    con: duckdb.DuckDBPyConnection, sql_file: str, frames: dict[str, pl.DataFrame], run_id: int
) -> None:
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        con.execute(read_sql(f"models/{sql_file}"), {"run_id": run_id})
    finally:
        for name in frames:
            con.unregister(name)


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id the next model run gets (one more than the largest stored)."""
    return int(con.execute(read_sql("models/next_run_id.sql")).fetchall()[0][0])


@dataclass(frozen=True)
class ModelRunRow:
    """One ``model_run`` row; ``parameters``, ``metrics`` and ``library_versions`` are stored
    as JSON with sorted keys."""

    run_id: int
    kind: str
    parameters: dict[str, Any]
    metrics: dict[str, Any]
    data_fingerprint: str
    as_of_date: date | None
    library_versions: dict[str, str]
    created_at: datetime


def insert_model_run(con: duckdb.DuckDBPyConnection, row: ModelRunRow) -> None:
    """Insert the run's ``model_run`` row."""
    con.execute(
        read_sql("models/insert_model_run.sql"),
        {
            "run_id": row.run_id,
            "kind": row.kind,
            "parameters": json.dumps(row.parameters, sort_keys=True),
            "metrics": json.dumps(row.metrics, sort_keys=True),
            "data_fingerprint": row.data_fingerprint,
            "as_of_date": row.as_of_date,
            "library_versions": json.dumps(row.library_versions, sort_keys=True),
            "created_at": row.created_at,
        },
    )


def insert_customer_features(
    con: duckdb.DuckDBPyConnection, run_id: int, features: pl.DataFrame, attributes: pl.DataFrame
) -> None:
    """``features``: customer_features columns (behaviour ones may be null);
    ``attributes``: long (customer_key, attribute, value_num)."""
    _insert_frame(
        con,
        "insert_customer_features.sql",
        {"features_frame": features, "attributes_frame": attributes},
        run_id,
    )


def insert_segments(con: duckdb.DuckDBPyConnection, run_id: int, segments: pl.DataFrame) -> None:
    """One ``segment`` row per segment (id, generated name, description, signature, size...)."""
    _insert_frame(con, "insert_segment.sql", {"segments_frame": segments}, run_id)


def insert_assignments(
    con: duckdb.DuckDBPyConnection, run_id: int, assignments: pl.DataFrame
) -> None:
    """One ``customer_segment`` row per customer: segment, distance to its centre, 2-D position."""
    _insert_frame(con, "insert_customer_segment.sql", {"assignments_frame": assignments}, run_id)


def insert_k_sweep(con: duckdb.DuckDBPyConnection, run_id: int, sweep: pl.DataFrame) -> None:
    """One ``k_sweep`` row per k tried (SSE, silhouette, whether it was chosen)."""
    _insert_frame(con, "insert_k_sweep.sql", {"sweep_frame": sweep}, run_id)


def insert_churn_scores(con: duckdb.DuckDBPyConnection, run_id: int, scores: pl.DataFrame) -> None:
    """One ``churn_score`` row per customer: probability, risk band, held-out evaluation."""
    _insert_frame(con, "insert_churn_score.sql", {"scores_frame": scores}, run_id)


def insert_churn_curves(con: duckdb.DuckDBPyConnection, run_id: int, curves: pl.DataFrame) -> None:
    """The ROC and calibration points of the three churn models (``churn_eval``)."""
    _insert_frame(con, "insert_churn_eval.sql", {"curves_frame": curves}, run_id)


def insert_artifact(con: duckdb.DuckDBPyConnection, run_id: int, name: str, payload: bytes) -> None:
    """One serialised pipeline (:func:`segmenta.models.artifacts.dump_artifact`) of the run."""
    con.execute(
        read_sql("models/insert_model_artifact.sql"),
        {"run_id": run_id, "name": name, "format": ARTIFACT_FORMAT, "payload": payload},
    )


def store_run(
    con: duckdb.DuckDBPyConnection, run_id: int, plan: RunPlan, data_fingerprint: str
) -> None:
    """Write every row of ``plan`` as run ``run_id``."""
    insert_model_run(
        con,
        ModelRunRow(
            run_id=run_id,
            kind=plan.kind,
            parameters=plan.parameters,
            metrics=plan.metrics,
            data_fingerprint=data_fingerprint,
            as_of_date=plan.as_of_date,
            library_versions=library_versions(),
            created_at=datetime.now(UTC).replace(tzinfo=None),
        ),
    )
    insert_customer_features(con, run_id, plan.features, plan.attributes)
    insert_segments(con, run_id, plan.segmentation.segments)
    insert_assignments(con, run_id, plan.segmentation.assignments)
    insert_k_sweep(con, run_id, plan.segmentation.sweep)
    if plan.churn_scores is not None and plan.churn_curves is not None:
        insert_churn_scores(con, run_id, plan.churn_scores)
        insert_churn_curves(con, run_id, plan.churn_curves)
    for name, payload in plan.artifacts.items():
        insert_artifact(con, run_id, name, payload)


def read_run_segments(con: duckdb.DuckDBPyConnection, run_id: int) -> pl.DataFrame:
    """The run's segments with their names in force, in segment_id order."""
    return con.sql(read_sql("models/run_segments.sql"), params={"run_id": run_id}).pl()
