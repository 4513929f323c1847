"""Write a model run's rows. Each function runs one SQL file of sql/models with bound parameters
on a connection from :func:`segmenta.warehouse.connection.write_transaction`."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import duckdb
import polars as pl

from segmenta.models.artifacts import ARTIFACT_FORMAT
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
    return int(con.execute(read_sql("models/next_run_id.sql")).fetchall()[0][0])


def insert_model_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: int,
    kind: str,
    parameters: dict[str, Any],
    metrics: dict[str, Any],
    data_fingerprint: str,
    as_of_date: date | None,
    library_versions: dict[str, str],
    created_at: datetime,
) -> None:
    con.execute(
        read_sql("models/insert_model_run.sql"),
        {
            "run_id": run_id,
            "kind": kind,
            "parameters": json.dumps(parameters, sort_keys=True),
            "metrics": json.dumps(metrics, sort_keys=True),
            "data_fingerprint": data_fingerprint,
            "as_of_date": as_of_date,
            "library_versions": json.dumps(library_versions, sort_keys=True),
            "created_at": created_at,
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
    _insert_frame(con, "insert_segment.sql", {"segments_frame": segments}, run_id)


def insert_assignments(
    con: duckdb.DuckDBPyConnection, run_id: int, assignments: pl.DataFrame
) -> None:
    _insert_frame(con, "insert_customer_segment.sql", {"assignments_frame": assignments}, run_id)


def insert_k_sweep(con: duckdb.DuckDBPyConnection, run_id: int, sweep: pl.DataFrame) -> None:
    _insert_frame(con, "insert_k_sweep.sql", {"sweep_frame": sweep}, run_id)


def insert_churn_scores(con: duckdb.DuckDBPyConnection, run_id: int, scores: pl.DataFrame) -> None:
    _insert_frame(con, "insert_churn_score.sql", {"scores_frame": scores}, run_id)


def insert_churn_curves(con: duckdb.DuckDBPyConnection, run_id: int, curves: pl.DataFrame) -> None:
    _insert_frame(con, "insert_churn_eval.sql", {"curves_frame": curves}, run_id)


def insert_artifact(con: duckdb.DuckDBPyConnection, run_id: int, name: str, payload: bytes) -> None:
    con.execute(
        read_sql("models/insert_model_artifact.sql"),
        {"run_id": run_id, "name": name, "format": ARTIFACT_FORMAT, "payload": payload},
    )
