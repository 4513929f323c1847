"""Churn: "no purchase in the next H days", trained and evaluated without looking ahead.

Protocol (docs/models.md): the cutoff is H days before the last invoice date. Features are
computed from lines dated on or before the cutoff only; the label is whether the customer
bought in (cutoff, cutoff + H]. Customers are split once, stratified by the label and seeded,
into train (70 %) and test (30 %). On the same split three models are compared on the test
customers: the classifier, recency alone, and BG/NBD. The classifier is then refitted on all
labelled customers and scores every customer from features as of the last date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.calibration import calibration_curve
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score, roc_curve
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from segmenta.models.bgnbd import (
    BgNbdParams,
    bgnbd_inputs,
    fit_bgnbd,
    probability_no_purchase,
)
from segmenta.models.transform import LOG_SCALED_BEHAVIOUR, feature_matrix
from segmenta.warehouse.vocabulary import RISK_BANDS, RISK_THRESHOLDS

CHURN_FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "items",
    "unique_items",
    "avg_ticket",
    "returns",
    "return_rate",
    "basket_size",
    "unique_basket_size",
    "tenure_days",
    "purchase_days",
)
TEST_SHARE = 0.3
#: regularisation of the logistic regression (chosen by 5-fold CV on the real data)
CLASSIFIER_C = 0.1
MODELS = ("classifier", "recency", "bgnbd")


def label_churn(at_cutoff: pl.DataFrame, buyers: pl.DataFrame) -> pl.DataFrame:
    """Add ``churned``: the customer is not among ``buyers`` (who bought after the cutoff)."""
    return at_cutoff.with_columns(
        churned=~pl.col("customer_key").is_in(buyers["customer_key"].implode())
    )


def split_customers(
    labelled: pl.DataFrame, seed: int, test_share: float = TEST_SHARE
) -> pl.DataFrame:
    """Add ``eval_split`` ('train' | 'test'): one seeded split by customer, stratified."""
    keys = labelled["customer_key"].to_numpy()
    _, test_keys = train_test_split(
        keys, test_size=test_share, stratify=labelled["churned"].to_numpy(), random_state=seed
    )
    return labelled.with_columns(
        eval_split=pl.when(pl.col("customer_key").is_in(pl.Series(test_keys).implode()))
        .then(pl.lit("test"))
        .otherwise(pl.lit("train"))
    )


def build_classifier(columns: Sequence[str] = CHURN_FEATURES) -> Pipeline:
    """log1p on the skewed columns, standardise, L2 logistic regression."""
    per_column = [
        (
            name,
            FunctionTransformer(np.log1p, feature_names_out="one-to-one")
            if name in LOG_SCALED_BEHAVIOUR
            else "passthrough",
            [i],
        )
        for i, name in enumerate(columns)
    ]
    return Pipeline(
        [
            ("log", ColumnTransformer(per_column, verbose_feature_names_out=False)),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=CLASSIFIER_C, max_iter=2000)),
        ]
    )


def build_recency_baseline() -> Pipeline:
    """Recency alone: a logistic regression on log1p(recency_days) (monotone, so its AUC is
    recency's own ranking; the fit only turns days into probabilities)."""
    return Pipeline(
        [
            ("log", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
            ("model", LogisticRegression(max_iter=1000)),
        ]
    )


def _target(frame: pl.DataFrame) -> np.ndarray:
    return frame["churned"].cast(pl.Int64).to_numpy()


def classification_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """ROC AUC, average precision and Brier score (churned = positive class)."""
    return {
        "auc": float(roc_auc_score(y, p)),
        "ap": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
    }


def curve_points(model: str, y: np.ndarray, p: np.ndarray, max_points: int = 101) -> pl.DataFrame:
    """ROC (x = FPR, y = TPR; at most ``max_points``) and calibration (10 quantile bins) points."""
    fpr, tpr, _ = roc_curve(y, p)
    if len(fpr) > max_points:
        keep = np.unique(np.linspace(0, len(fpr) - 1, max_points).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    observed, predicted = calibration_curve(y, p, n_bins=10, strategy="quantile")
    return pl.concat(
        [
            pl.DataFrame({"curve": "roc", "x": fpr, "y": tpr}).with_row_index("point"),
            pl.DataFrame({"curve": "calibration", "x": predicted, "y": observed}).with_row_index(
                "point"
            ),
        ]
    ).select(
        pl.lit(model).alias("model"),
        "curve",
        pl.col("point").cast(pl.Int64),
        pl.col("x").cast(pl.Float64),
        pl.col("y").cast(pl.Float64),
    )


def risk_bands(p: np.ndarray) -> list[str]:
    """'low' | 'medium' | 'high' of every probability: the rule of
    :func:`segmenta.warehouse.vocabulary.risk_band`, vectorised (the number of
    :data:`~segmenta.warehouse.vocabulary.RISK_THRESHOLDS` reached picks the band)."""
    reached = (np.asarray(p, dtype=float)[:, None] >= np.asarray(RISK_THRESHOLDS)).sum(axis=1)
    return np.asarray(RISK_BANDS)[reached].tolist()


@dataclass
class ChurnEvaluation:
    """The held-out comparison of the three churn models on one split."""

    predictions: pl.DataFrame  # customer_key, eval_split, eval_churned, eval_p_* (test only)
    metrics: dict[str, float]
    curves: pl.DataFrame  # model, curve, point, x, y
    bgnbd: BgNbdParams


def evaluate_churn(split: pl.DataFrame, horizon_days: int) -> ChurnEvaluation:
    """Fit the three models on the train customers, compare them on the test customers."""
    train = split.filter(pl.col("eval_split") == "train")
    test = split.filter(pl.col("eval_split") == "test")
    y_train, y_test = _target(train), _target(test)

    classifier = build_classifier().fit(feature_matrix(train, CHURN_FEATURES), y_train)
    recency = build_recency_baseline().fit(feature_matrix(train, ["recency_days"]), y_train)
    params = fit_bgnbd(*_bgnbd_inputs(train))
    p = {
        "classifier": classifier.predict_proba(feature_matrix(test, CHURN_FEATURES))[:, 1],
        "recency": recency.predict_proba(feature_matrix(test, ["recency_days"]))[:, 1],
        "bgnbd": probability_no_purchase(params, *_bgnbd_inputs(test), horizon=horizon_days),
    }
    metrics: dict[str, float] = {}
    for model in MODELS:
        prefix = "churn" if model == "classifier" else model
        for name, value in classification_metrics(y_test, p[model]).items():
            metrics[f"{prefix}_{name}"] = round(value, 6)
    metrics["churn_base_rate"] = round(float(y_test.mean()), 6)
    metrics["churn_n_train"] = train.height
    metrics["churn_n_test"] = test.height

    test_predictions = test.select("customer_key").with_columns(
        pl.Series(f"eval_p_{model}", p[model]) for model in MODELS
    )
    predictions = (
        split.select("customer_key", "eval_split", pl.col("churned").alias("eval_churned"))
        .join(test_predictions, on="customer_key", how="left")
        .sort("customer_key")
    )
    curves = pl.concat([curve_points(model, y_test, p[model]) for model in MODELS])
    return ChurnEvaluation(predictions, metrics, curves, params)


def _bgnbd_inputs(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return bgnbd_inputs(
        frame["recency_days"].to_numpy(),
        frame["tenure_days"].to_numpy(),
        frame["purchase_days"].to_numpy(),
    )


def fit_churn_model(labelled: pl.DataFrame) -> Pipeline:
    """The production classifier: same model, refitted on every labelled customer."""
    return build_classifier().fit(feature_matrix(labelled, CHURN_FEATURES), _target(labelled))


def score_churn(model: Pipeline, features: pl.DataFrame) -> pl.DataFrame:
    """customer_key, churn_probability, risk_band for every row of ``features``."""
    p = model.predict_proba(feature_matrix(features, CHURN_FEATURES))[:, 1]
    return pl.DataFrame(
        {
            "customer_key": features["customer_key"],
            "churn_probability": p,
            "risk_band": risk_bands(p),
        }
    )
