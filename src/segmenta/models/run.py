"""`segmenta model`: one model run (features, segments, churn scores) as one transaction.

Everything is computed on the writer's private copy of the warehouse (so the data read and the
rows written belong together) and swapped in at the end; a failure leaves the warehouse as it
was. The steps are the pure functions of the other modules; this module only wires them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from segmenta.models import store
from segmenta.models.artifacts import dump_artifact, library_versions
from segmenta.models.churn import (
    CHURN_FEATURES,
    CLASSIFIER_C,
    RISK_THRESHOLDS,
    TEST_SHARE,
    churn_skip_reason,
    evaluate_churn,
    fit_churn_model,
    label_churn,
    score_churn,
    split_customers,
)
from segmenta.models.clustering import ALGORITHMS, MERGE_MAX_SHARE
from segmenta.models.errors import ModelInputError
from segmenta.models.features import (
    BEHAVIOUR_COLUMNS,
    SHARE_COLUMNS,
    Attributes,
    Population,
    compute_customer_features,
    pivot_attributes,
    read_buyers_between,
    read_customer_attributes,
    read_data_fingerprint,
    read_population,
)
from segmenta.models.scoring import build_input_spec
from segmenta.models.segmentation import Segmentation, segment_customers
from segmenta.models.transform import LOG_SCALED_BEHAVIOUR, choose_log_scaled, missing_counts
from segmenta.warehouse.aggregates import refresh_aggregates
from segmenta.warehouse.connection import WarehouseMissingError, write_transaction
from segmenta.warehouse.schema import read_sql

log = logging.getLogger(__name__)

#: the behaviour columns invoice bases are segmented on by default (log-scaled RFM)
SEGMENT_FEATURES = ("recency_days", "frequency", "monetary")
#: customer-table columns missing for more than this share of customers are left out
MAX_MISSING_SHARE = 0.5
#: churn needs at least this much history before the cutoff
MIN_HISTORY_DAYS = 30
MERGE_RULE = (
    f"with --k auto on invoice bases, a cluster holding less than {MERGE_MAX_SHARE:.0%} of "
    "customers whose median revenue is below the base median is merged into the cluster with "
    "the nearest centre (smallest first)"
)


@dataclass
class RunSummary:
    """What one `segmenta model` run did; :meth:`describe` is what the CLI prints."""

    run_id: int
    kind: str
    metrics: dict[str, Any]
    parameters: dict[str, Any]
    segments: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def describe(self) -> str:
        p, m = self.parameters, self.metrics
        population = "customers" if self.kind == "invoices" else "customers of the customer table"
        as_of = f" as of {p['as_of_date']}" if p.get("as_of_date") else ""
        lines = [
            f"model run {self.run_id} ({self.kind}): {m['n_customers']:,} {population}{as_of}, "
            f"seed {p['seed']}",
            f"segments: {p['algorithm']} on {', '.join(p['features'])} "
            f"(log-scaled: {', '.join(p['log_scaled']) or 'none'}; standardised)",
            f"k = {m['n_segments']}: {p['k_reason']}",
            f"silhouette {m['silhouette']:.3f} in the standardised feature space "
            f"({m['silhouette_rows']:,} customers); within-segment SSE {m['sse']:,.1f}",
        ]
        if p.get("imputed"):
            imputed = ", ".join(f"{c} {n:,}" for c, n in p["imputed"].items())
            lines.append(f"missing values imputed with the median: {imputed}")
        for column, reason in p.get("columns_left_out", {}).items():
            lines.append(f"left out: {column} ({reason})")
        width = max(len(s["segment"]) for s in self.segments)
        for s in self.segments:
            renamed = f" (generated name: {s['name']})" if s["segment"] != s["name"] else ""
            lines.append(
                f"  {s['segment_id']:>2} {s['segment']:<{width}} {s['n_customers']:>7,}  "
                f"{s['description']}{renamed}"
            )
        churn = p.get("churn", {})
        if "skipped" in churn:
            lines.append(f"churn skipped: {churn['skipped']}")
        else:
            lines.append(
                f"churn (no purchase in the next {p['horizon_days']} days), held-out test of "
                f"{m['churn_n_test']:,} customers (cutoff {churn['cutoff_date']}, "
                f"{m['churn_base_rate']:.0%} churned):"
            )
            for label, prefix in (
                ("classifier", "churn"),
                ("recency", "recency"),
                ("BG/NBD", "bgnbd"),
            ):
                lines.append(
                    f"  {label:<10} ROC AUC {m[f'{prefix}_auc']:.3f}  AP {m[f'{prefix}_ap']:.3f}  "
                    f"Brier {m[f'{prefix}_brier']:.3f}"
                )
            verdict = (
                "beats both baselines"
                if m["churn_auc"] > max(m["recency_auc"], m["bgnbd_auc"])
                else "does NOT beat both baselines"
            )
            bands = ", ".join(
                f"{b} {m['risk_bands'].get(b, 0):,}" for b in ("high", "medium", "low")
            )
            lines.append(f"  the classifier {verdict} on ROC AUC; risk bands: {bands}")
        lines.append(f"done in {self.seconds:.1f} s")
        return "\n".join(lines)


@dataclass
class _Plan:
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


def _check_arguments(k: int | None, algorithm: str, horizon_days: int) -> None:
    if algorithm not in ALGORITHMS:
        raise ModelInputError(
            f"algorithm: expected one of {', '.join(ALGORITHMS)}, got {algorithm!r}"
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


def _common_parameters(
    seg: Segmentation, k: int | None, algorithm: str, horizon_days: int, seed: int
) -> dict[str, Any]:
    return {
        "k_requested": "auto" if k is None else k,
        "k_fitted": seg.k_fitted,
        "k_reason": seg.k_reason,
        "algorithm": algorithm,
        "seed": seed,
        "horizon_days": horizon_days,
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


def _plan_churn(
    con: duckdb.DuckDBPyConnection,
    population: Population,
    features_now: pl.DataFrame,
    horizon_days: int,
    seed: int,
) -> tuple[dict[str, Any], dict[str, Any], pl.DataFrame | None, pl.DataFrame | None, bytes | None]:
    """(parameters, metrics, scores, curves, artifact); the last three None when skipped."""
    assert population.first_date is not None
    assert population.last_date is not None
    cutoff = population.last_date - timedelta(days=horizon_days)
    history = (cutoff - population.first_date).days
    if history < MIN_HISTORY_DAYS:
        reason = (
            f"the invoices span {(population.last_date - population.first_date).days} days; "
            f"a {horizon_days}-day horizon needs at least {horizon_days + MIN_HISTORY_DAYS}"
        )
        return {"skipped": reason}, {}, None, None, None
    labelled = label_churn(
        compute_customer_features(con, cutoff),
        read_buyers_between(con, cutoff, population.last_date),
    )
    reason = churn_skip_reason(labelled)
    if reason:
        return {"skipped": reason, "cutoff_date": cutoff.isoformat()}, {}, None, None, None
    evaluation = evaluate_churn(split_customers(labelled, seed), horizon_days)
    model = fit_churn_model(labelled)
    scores = score_churn(model, features_now).join(
        evaluation.predictions, on="customer_key", how="left"
    )
    metrics = dict(evaluation.metrics)
    counts = scores["risk_band"].value_counts()
    metrics["risk_bands"] = {b: int(n) for b, n in counts.iter_rows()}
    parameters = {
        "cutoff_date": cutoff.isoformat(),
        "label": f"no purchase dated in (cutoff, cutoff + {horizon_days} days]",
        "test_share": TEST_SHARE,
        "split": "by customer, stratified by the label, seeded",
        "features": list(CHURN_FEATURES),
        "classifier": f"logistic regression (C={CLASSIFIER_C}) on log1p-scaled, standardised features",
        "baselines": {
            "recency": "logistic regression on log1p(recency_days)",
            "bgnbd": "BG/NBD P(no purchase in the horizon), fitted on the train customers",
        },
        "bgnbd_params": {k: round(v, 8) for k, v in evaluation.bgnbd.as_dict().items()},
        "risk_thresholds": [round(t, 6) for t in RISK_THRESHOLDS],
        "final_model": "the classifier refitted on all labelled customers",
    }
    artifact = dump_artifact(
        {
            "columns": list(CHURN_FEATURES),
            "classifier": model,
            "horizon_days": horizon_days,
            "risk_thresholds": list(RISK_THRESHOLDS),
        }
    )
    return parameters, metrics, scores, evaluation.curves, artifact


def _plan_invoices(
    con: duckdb.DuckDBPyConnection,
    population: Population,
    attributes: Attributes,
    k: int | None,
    algorithm: str,
    horizon_days: int,
    seed: int,
    features: Sequence[str] | None,
) -> _Plan:
    assert population.last_date is not None
    frame = compute_customer_features(con, population.last_date)
    columns = _pick_columns(features, BEHAVIOUR_COLUMNS, SEGMENT_FEATURES)
    seg = segment_customers(
        frame,
        columns,
        [c for c in columns if c in LOG_SCALED_BEHAVIOUR],
        kind="invoices",
        k=k,
        algorithm=algorithm,
        seed=seed,
    )
    churn_parameters, churn_metrics, scores, curves, churn_artifact = _plan_churn(
        con, population, frame, horizon_days, seed
    )
    optional = [c for c in CHURN_FEATURES if c not in columns] if churn_artifact else []
    parameters = {
        **_common_parameters(seg, k, algorithm, horizon_days, seed),
        "as_of_date": population.last_date.isoformat(),
        "imputed": missing_counts(frame, columns),
        "churn": churn_parameters,
        "inputs": build_input_spec(frame, columns, optional),
    }
    artifacts = {"segmentation": _segmentation_artifact(seg, "invoices")}
    if churn_artifact:
        artifacts["churn"] = churn_artifact
    return _Plan(
        kind="invoices",
        parameters=parameters,
        metrics={**_segment_metrics(seg), **churn_metrics},
        as_of_date=population.last_date,
        features=frame,
        attributes=attributes.long_numeric,
        segmentation=seg,
        churn_scores=scores,
        churn_curves=curves,
        artifacts=artifacts,
    )


def _plan_customer_table(
    attributes: Attributes,
    k: int | None,
    algorithm: str,
    horizon_days: int,
    seed: int,
    features: Sequence[str] | None,
) -> _Plan:
    frame = attributes.numeric
    left_out: dict[str, str] = {c: "categorical (text) column" for c in attributes.text_columns}
    usable = []
    for column in attributes.numeric_columns:
        values = frame[column].drop_nulls()
        if values.n_unique() < 2:
            left_out[column] = "the same value for every customer"
        elif 1 - values.len() / frame.height > MAX_MISSING_SHARE:
            left_out[column] = f"missing for more than {MAX_MISSING_SHARE:.0%} of customers"
        else:
            usable.append(column)
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
        k=k,
        algorithm=algorithm,
        seed=seed,
    )
    parameters = {
        **_common_parameters(seg, k, algorithm, horizon_days, seed),
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
    return _Plan(
        kind="customer_table",
        parameters=parameters,
        metrics=_segment_metrics(seg),
        as_of_date=None,
        features=behaviour,
        attributes=attributes.long_numeric,
        segmentation=seg,
        artifacts={"segmentation": _segmentation_artifact(seg, "customer_table")},
    )


def _store(con: duckdb.DuckDBPyConnection, run_id: int, plan: _Plan, fingerprint: str) -> None:
    store.insert_model_run(
        con,
        run_id=run_id,
        kind=plan.kind,
        parameters=plan.parameters,
        metrics=plan.metrics,
        data_fingerprint=fingerprint,
        as_of_date=plan.as_of_date,
        library_versions=library_versions(),
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    store.insert_customer_features(con, run_id, plan.features, plan.attributes)
    store.insert_segments(con, run_id, plan.segmentation.segments)
    store.insert_assignments(con, run_id, plan.segmentation.assignments)
    store.insert_k_sweep(con, run_id, plan.segmentation.sweep)
    if plan.churn_scores is not None and plan.churn_curves is not None:
        store.insert_churn_scores(con, run_id, plan.churn_scores)
        store.insert_churn_curves(con, run_id, plan.churn_curves)
    for name, payload in plan.artifacts.items():
        store.insert_artifact(con, run_id, name, payload)


def run_model(
    warehouse: Path,
    k: int | None = None,
    algorithm: str = "kmeans",
    horizon_days: int = 90,
    seed: int = 42,
    features: Sequence[str] | None = None,
) -> RunSummary:
    """Compute and store one model run; see the module docstring and docs/models.md.

    ``k=None`` sweeps k = 2..12. ``features`` overrides the segmentation columns (invoice
    bases: behaviour columns, default recency_days, frequency, monetary; customer tables:
    numeric columns, default all that vary). Raises :class:`ModelInputError` when there is
    nothing to model or an argument is out of range.
    """
    started = time.perf_counter()
    _check_arguments(k, algorithm, horizon_days)
    path = Path(warehouse)
    if not path.exists():
        raise WarehouseMissingError(
            f"{path}: no warehouse here yet; run `segmenta ingest FILE` or `segmenta demo` first"
        )
    with write_transaction(path) as con:
        population = read_population(con)
        attributes = pivot_attributes(read_customer_attributes(con))
        if population.n_customers > 0:
            plan = _plan_invoices(
                con, population, attributes, k, algorithm, horizon_days, seed, features
            )
        elif attributes.numeric_columns:
            plan = _plan_customer_table(attributes, k, algorithm, horizon_days, seed, features)
        else:
            raise ModelInputError(
                f"{path}: nothing to model: no purchases of known, not-excluded customers and no "
                "customer table with numeric columns; load invoices (`segmenta ingest FILE`) or "
                "a customer table (`segmenta ingest --customers FILE`) first"
            )
        plan.metrics["seconds"] = round(time.perf_counter() - started, 3)
        run_id = store.next_run_id(con)
        _store(con, run_id, plan, read_data_fingerprint(con))
        refresh_aggregates(con)  # agg_product_day carries the new run's segments
        segments = con.sql(read_sql("models/run_segments.sql"), params={"run_id": run_id}).pl()
    log.info(
        "model run",
        extra={
            "run_id": run_id,
            "kind": plan.kind,
            "customers": int(segments["n_customers"].sum())
            if "n_customers" in segments.columns
            else None,
            "k": plan.parameters.get("k"),
            "silhouette": plan.metrics.get("silhouette"),
            "churn_auc": plan.metrics.get("churn_auc"),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return RunSummary(
        run_id=run_id,
        kind=plan.kind,
        metrics=plan.metrics,
        parameters=plan.parameters,
        segments=segments.to_dicts(),
        seconds=time.perf_counter() - started,
    )
