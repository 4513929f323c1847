"""When and how a model run fits churn: the cutoff, the labelled base, the stored results.

Churn needs history: the cutoff is ``horizon_days`` before the last purchase date and at least
:data:`MIN_HISTORY_DAYS` must lie before it; the labelled base needs :data:`MIN_LABELLED`
customers with :data:`MIN_PER_CLASS` of each outcome. When a condition fails the run stores
why (``parameters -> churn -> skipped``) instead of scores. The fitting itself is
:mod:`segmenta.models.churn`'s; this module reads the two feature snapshots it needs and
assembles what the run stores (parameters, metrics, scores, curves, the artifact).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import duckdb
import polars as pl

from segmenta.models.artifacts import dump_artifact
from segmenta.models.churn import (
    CHURN_FEATURES,
    CLASSIFIER_C,
    TEST_SHARE,
    evaluate_churn,
    fit_churn_model,
    label_churn,
    score_churn,
    split_customers,
)
from segmenta.models.features import Population, compute_customer_features, read_buyers_between
from segmenta.warehouse.vocabulary import RISK_THRESHOLDS

#: churn needs at least this much history before the cutoff
MIN_HISTORY_DAYS = 30
#: churn needs at least this many customers who had bought by the cutoff
MIN_LABELLED = 50
#: ... and at least this many who churned and this many who did not
MIN_PER_CLASS = 10


@dataclass
class ChurnPlan:
    """What a run stores about churn; ``scores``, ``curves`` and ``artifact`` are None when
    churn was skipped (``parameters["skipped"]`` says why)."""

    parameters: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)
    scores: pl.DataFrame | None = None
    curves: pl.DataFrame | None = None
    artifact: bytes | None = None


def churn_skip_reason(labelled: pl.DataFrame) -> str | None:
    """Why the labelled base is too small to train and evaluate on, or None."""
    n = labelled.height
    churned = int(labelled["churned"].sum()) if n else 0
    if n < MIN_LABELLED:
        return f"only {n} customers had bought by the cutoff; churn needs at least {MIN_LABELLED}"
    if min(churned, n - churned) < MIN_PER_CLASS:
        return (
            f"{churned} of {n} customers churned after the cutoff; churn needs at least "
            f"{MIN_PER_CLASS} customers who churned and {MIN_PER_CLASS} who did not"
        )
    return None


def churn_parameters(
    cutoff_date: str, horizon_days: int, bgnbd: dict[str, float]
) -> dict[str, Any]:
    """The protocol a fitted churn model is stored with (``parameters -> churn``)."""
    return {
        "cutoff_date": cutoff_date,
        "label": f"no purchase dated in (cutoff, cutoff + {horizon_days} days]",
        "test_share": TEST_SHARE,
        "split": "by customer, stratified by the label, seeded",
        "features": list(CHURN_FEATURES),
        "classifier": f"logistic regression (C={CLASSIFIER_C}) on log1p-scaled, standardised features",
        "baselines": {
            "recency": "logistic regression on log1p(recency_days)",
            "bgnbd": "BG/NBD P(no purchase in the horizon), fitted on the train customers",
        },
        "bgnbd_params": {k: round(v, 8) for k, v in bgnbd.items()},
        "risk_thresholds": [round(t, 6) for t in RISK_THRESHOLDS],
        "final_model": "the classifier refitted on all labelled customers",
    }


def plan_churn(
    con: duckdb.DuckDBPyConnection,
    population: Population,
    features_now: pl.DataFrame,
    horizon_days: int,
    seed: int,
) -> ChurnPlan:
    """Label, evaluate and fit churn as of the cutoff; score ``features_now`` (as of the last
    date). Skipped, with the reason, when the history or the labelled base is too small."""
    assert population.first_date is not None
    assert population.last_date is not None
    cutoff = population.last_date - timedelta(days=horizon_days)
    history = (cutoff - population.first_date).days
    if history < MIN_HISTORY_DAYS:
        reason = (
            f"the invoices span {(population.last_date - population.first_date).days} days; "
            f"a {horizon_days}-day horizon needs at least {horizon_days + MIN_HISTORY_DAYS}"
        )
        return ChurnPlan({"skipped": reason})
    labelled = label_churn(
        compute_customer_features(con, cutoff),
        read_buyers_between(con, cutoff, population.last_date),
    )
    too_small = churn_skip_reason(labelled)
    if too_small:
        return ChurnPlan({"skipped": too_small, "cutoff_date": cutoff.isoformat()})
    evaluation = evaluate_churn(split_customers(labelled, seed), horizon_days)
    model = fit_churn_model(labelled)
    scores = score_churn(model, features_now).join(
        evaluation.predictions, on="customer_key", how="left"
    )
    metrics: dict[str, Any] = dict(evaluation.metrics)
    counts = scores["risk_band"].value_counts()
    metrics["risk_bands"] = {b: int(n) for b, n in counts.iter_rows()}
    artifact = dump_artifact(
        {
            "columns": list(CHURN_FEATURES),
            "classifier": model,
            "horizon_days": horizon_days,
            "risk_thresholds": list(RISK_THRESHOLDS),
        }
    )
    return ChurnPlan(
        parameters=churn_parameters(cutoff.isoformat(), horizon_days, evaluation.bgnbd.as_dict()),
        metrics=metrics,
        scores=scores,
        curves=evaluation.curves,
        artifact=artifact,
    )
