"""Everything one model run stores, computed before any write: the run's plan.

:func:`plan_run` picks the population (invoice customers, or the customer table when the
warehouse has no invoices), segments it (:mod:`segmenta.models.segmentation`), plans churn for
invoice bases (:mod:`segmenta.models.churn_plan`) and assembles the stored parameters, metrics
and artifacts. :class:`RunOptions` holds what the user chose (and checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from segmenta.models.artifacts import dump_artifact
from segmenta.models.churn import CHURN_FEATURES
from segmenta.models.churn_plan import plan_churn
from segmenta.models.clustering import ALGORITHMS, MERGE_MAX_SHARE
from segmenta.models.errors import ModelInputError
from segmenta.models.features import (
    BEHAVIOUR_COLUMNS,
    SHARE_COLUMNS,
    Attributes,
    Population,
    compute_customer_features,
    pivot_attributes,
    read_customer_attributes,
    read_population,
)
from segmenta.models.scoring import build_input_spec
from segmenta.models.segmentation import Segmentation, segment_customers
from segmenta.models.transform import LOG_SCALED_BEHAVIOUR, choose_log_scaled, missing_counts

#: the behaviour columns invoice bases are segmented on by default (log-scaled RFM)
SEGMENT_FEATURES = ("recency_days", "frequency", "monetary")
#: customer-table columns missing for more than this share of customers are left out
MAX_MISSING_SHARE = 0.5
MERGE_RULE = (
    f"with --k auto on invoice bases, a cluster holding less than {MERGE_MAX_SHARE:.0%} of "
    "customers whose median revenue is below the base median is merged into the cluster with "
    "the nearest centre (smallest first)"
)


@dataclass(frozen=True)
class RunOptions:
    """What the user chose for a run: ``k`` (None: sweep 2..12), algorithm, churn horizon,
    seed and the segmentation columns (None: the default ones)."""

    k: int | None = None
    algorithm: str = "kmeans"
    horizon_days: int = 90
    seed: int = 42
    features: Sequence[str] | None = None

    def check(self) -> None:
        """Raise :class:`ModelInputError` naming the first argument out of range."""
        k, horizon_days = self.k, self.horizon_days
        if self.algorithm not in ALGORITHMS:
            raise ModelInputError(
                f"algorithm: expected one of {', '.join(ALGORITHMS)}, got {self.algorithm!r}"
            )
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 50):
            raise ModelInputError(f"k: expected None (auto) or a whole number 2..50, got {k!r}")
        if (
            isinstance(horizon_days, bool)
            or not isinstance(horizon_days, int)
            or not 1 <= horizon_days <= 3650
        ):
            raise ModelInputError(
                f"horizon_days: expected a whole number 1..3650, got {horizon_days!r}"
            )


@dataclass
class RunPlan:
    """Everything one run stores, computed before any write."""

    kind: str
    parameters: dict[str, Any]
    metrics: dict[str, Any]
    as_of_date: date | None
    features: pl.DataFrame
    attributes: pl.DataFrame
    segmentation: Segmentation
    churn_scores: pl.DataFrame | None = None
    churn_curves: pl.DataFrame | None = None
    artifacts: dict[str, bytes] = field(default_factory=dict)


def plan_run(con: duckdb.DuckDBPyConnection, path: Path, options: RunOptions) -> RunPlan:
    """The plan for the warehouse open on ``con`` (``path`` names it in errors): invoice
    customers if there are any, else the customer table; :class:`ModelInputError` if neither."""
    population = read_population(con)
    attributes = pivot_attributes(read_customer_attributes(con))
    if population.n_customers > 0:
        return plan_invoices(con, population, attributes, options)
    if attributes.numeric_columns:
        return plan_customer_table(attributes, options)
    raise ModelInputError(
        f"{path}: nothing to model: no purchases of known, not-excluded customers and no "
        "customer table with numeric columns; load invoices (`segmenta ingest FILE`) or "
        "a customer table (`segmenta ingest --customers FILE`) first"
    )


def _pick_columns(
    requested: Sequence[str] | None, available: Sequence[str], default: Sequence[str]
) -> tuple[str, ...]:
    if requested is None:
        return tuple(default)
    chosen = tuple(dict.fromkeys(requested))
    unknown = [c for c in chosen if c not in available]
    if unknown or not chosen:
        raise ModelInputError(
            f"features: {', '.join(unknown) or '(none)'} not available; choose from "
            f"{', '.join(available)}"
        )
    return chosen


def _common_parameters(seg: Segmentation, options: RunOptions) -> dict[str, Any]:
    return {
        "k_requested": "auto" if options.k is None else options.k,
        "k_fitted": seg.k_fitted,
        "k_reason": seg.k_reason,
        "algorithm": options.algorithm,
        "seed": options.seed,
        "horizon_days": options.horizon_days,
        "features": list(seg.columns),
        "log_scaled": list(seg.log_scaled),
        "scaling": "log1p on log_scaled columns, median imputation, standardisation",
        "merge_rule": MERGE_RULE,
        "merged": [list(pair) for pair in seg.merges],
    }


def _segment_metrics(seg: Segmentation) -> dict[str, Any]:
    return {
        "n_customers": seg.assignments.height,
        "n_segments": seg.segments.height,
        "silhouette": round(seg.silhouette, 6),
        "silhouette_rows": seg.silhouette_rows,
        "sse": round(seg.sse, 6),
        "pca_explained_variance": seg.explained_variance,
    }


def _segmentation_artifact(seg: Segmentation, kind: str) -> bytes:
    return dump_artifact(
        {
            "kind": kind,
            "columns": list(seg.columns),
            "log_scaled": list(seg.log_scaled),
            "preprocessor": seg.preprocessor,
            "clusterer": seg.clusterer,
            "label_map": seg.label_map,
            "centres": seg.centres,
            "pca": seg.pca,
        }
    )


def plan_invoices(
    con: duckdb.DuckDBPyConnection,
    population: Population,
    attributes: Attributes,
    options: RunOptions,
) -> RunPlan:
    """An invoice base: behaviour features as of the last date, segments, churn."""
    assert population.last_date is not None
    frame = compute_customer_features(con, population.last_date)
    columns = _pick_columns(options.features, BEHAVIOUR_COLUMNS, SEGMENT_FEATURES)
    seg = segment_customers(
        frame,
        columns,
        [c for c in columns if c in LOG_SCALED_BEHAVIOUR],
        kind="invoices",
        k=options.k,
        algorithm=options.algorithm,
        seed=options.seed,
    )
    churn = plan_churn(con, population, frame, options.horizon_days, options.seed)
    optional = [c for c in CHURN_FEATURES if c not in columns] if churn.artifact else []
    parameters = {
        **_common_parameters(seg, options),
        "as_of_date": population.last_date.isoformat(),
        "imputed": missing_counts(frame, columns),
        "churn": churn.parameters,
        "inputs": build_input_spec(frame, columns, optional),
    }
    artifacts = {"segmentation": _segmentation_artifact(seg, "invoices")}
    if churn.artifact:
        artifacts["churn"] = churn.artifact
    return RunPlan(
        kind="invoices",
        parameters=parameters,
        metrics={**_segment_metrics(seg), **churn.metrics},
        as_of_date=population.last_date,
        features=frame,
        attributes=attributes.long_numeric,
        segmentation=seg,
        churn_scores=churn.scores,
        churn_curves=churn.curves,
        artifacts=artifacts,
    )


def _usable_columns(attributes: Attributes) -> tuple[list[str], dict[str, str]]:
    """The customer table's numeric columns that vary and are mostly present, and why the
    others are left out."""
    frame = attributes.numeric
    left_out: dict[str, str] = dict.fromkeys(attributes.text_columns, "categorical (text) column")
    usable = []
    for column in attributes.numeric_columns:
        values = frame[column].drop_nulls()
        if values.n_unique() < 2:
            left_out[column] = "the same value for every customer"
        elif 1 - values.len() / frame.height > MAX_MISSING_SHARE:
            left_out[column] = f"missing for more than {MAX_MISSING_SHARE:.0%} of customers"
        else:
            usable.append(column)
    return usable, left_out


def plan_customer_table(attributes: Attributes, options: RunOptions) -> RunPlan:
    """A customer table without invoices: segments on its numeric columns, no churn."""
    frame = attributes.numeric
    features = options.features
    usable, left_out = _usable_columns(attributes)
    if not usable and features is None:
        raise ModelInputError(
            "nothing to segment: the customer table has no numeric column that varies "
            f"({'; '.join(f'{c}: {r}' for c, r in left_out.items()) or 'no columns'})"
        )
    columns = _pick_columns(features, usable, usable)
    if features is not None:
        left_out = {c: r for c, r in left_out.items() if c not in columns}
        for column in usable:
            if column not in columns:
                left_out[column] = "not among the requested features"
    seg = segment_customers(
        frame,
        columns,
        choose_log_scaled(frame, columns),
        kind="customer_table",
        k=options.k,
        algorithm=options.algorithm,
        seed=options.seed,
    )
    parameters = {
        **_common_parameters(seg, options),
        "as_of_date": None,
        "imputed": missing_counts(frame, columns),
        "imputation": "median of the column",
        "columns_left_out": left_out,
        "categorical_columns": "left out (not one-hot encoded)",
        "churn": {
            "skipped": "the warehouse has no invoices (customer-table mode); churn needs "
            "purchase history"
        },
        "inputs": build_input_spec(frame, columns),
    }
    behaviour = frame.select(
        "customer_key",
        *(pl.lit(None, dtype=pl.Float64).alias(c) for c in BEHAVIOUR_COLUMNS),
        pl.lit(None, dtype=pl.Array(pl.Float64, 7)).alias(SHARE_COLUMNS[0]),
        pl.lit(None, dtype=pl.Array(pl.Float64, 31)).alias(SHARE_COLUMNS[1]),
    )
    return RunPlan(
        kind="customer_table",
        parameters=parameters,
        metrics=_segment_metrics(seg),
        as_of_date=None,
        features=behaviour,
        attributes=attributes.long_numeric,
        segmentation=seg,
        artifacts={"segmentation": _segmentation_artifact(seg, "customer_table")},
    )
