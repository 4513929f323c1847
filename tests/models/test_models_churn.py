"""Churn: labels, the split by customer, no leakage of the future, the three-way evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from segmenta.models.churn import (
    CHURN_FEATURES,
    curve_points,
    evaluate_churn,
    fit_churn_model,
    label_churn,
    risk_bands,
    score_churn,
    split_customers,
)
from segmenta.models.churn_plan import churn_skip_reason
from segmenta.models.features import compute_customer_features, read_buyers_between, read_population
from tests.helpers.models import add_lines, create_warehouse, synthetic_lines

HORIZON = 90


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    return synthetic_lines(n_customers=300, seed=3)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, lines: pl.DataFrame) -> Path:
    path = create_warehouse(tmp_path_factory.mktemp("churn") / "w.duckdb")
    add_lines(path, lines)
    return path


@pytest.fixture(scope="module")
def labelled(warehouse: Path) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        last = read_population(con).last_date
        cutoff = last - timedelta(days=HORIZON)
        return label_churn(
            compute_customer_features(con, cutoff), read_buyers_between(con, cutoff, last)
        )


@pytest.mark.parametrize("days_before_end", [90, 150, 250])
def test_cutoff_features_equal_those_of_a_warehouse_without_the_future(
    tmp_path: Path, warehouse: Path, lines: pl.DataFrame, days_before_end: int
) -> None:
    """No leakage: the training features at a cutoff are exactly what a warehouse that had
    never seen the later lines would compute (same customers, same values)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cutoff = read_population(con).last_date - timedelta(days=days_before_end)
        full = compute_customer_features(con, cutoff)
    past = create_warehouse(tmp_path / "past.duckdb")
    end_of_cutoff = datetime.combine(cutoff + timedelta(days=1), datetime.min.time())
    add_lines(past, lines.filter(pl.col("ts") < end_of_cutoff))
    with duckdb.connect(str(past), read_only=True) as con:
        truncated = compute_customer_features(con, cutoff)
    assert full.height > 50
    assert_frame_equal(full, truncated)


def test_labels_come_only_from_after_the_cutoff(warehouse: Path, labelled: pl.DataFrame) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        last = read_population(con).last_date
        cutoff = last - timedelta(days=HORIZON)
        after = con.execute(
            "SELECT DISTINCT customer_key FROM fact_invoice_line WHERE quantity > 0 "
            "AND invoice_ts::DATE > $c AND invoice_ts::DATE <= $l",
            {"c": cutoff, "l": last},
        ).fetchall()
    stayed = {k for (k,) in after}
    assert set(labelled.filter(~pl.col("churned"))["customer_key"]) == stayed & set(
        labelled["customer_key"]
    )
    # every labelled customer had bought by the cutoff
    assert labelled["tenure_days"].min() >= 0


def test_label_churn_marks_non_buyers() -> None:
    at_cutoff = pl.DataFrame({"customer_key": [1, 2, 3]})
    labelled = label_churn(at_cutoff, pl.DataFrame({"customer_key": [2]}))
    assert labelled["churned"].to_list() == [True, False, True]


def test_split_is_by_customer_stratified_and_seeded(labelled: pl.DataFrame) -> None:
    split = split_customers(labelled, seed=42)
    train = set(split.filter(pl.col("eval_split") == "train")["customer_key"])
    test = set(split.filter(pl.col("eval_split") == "test")["customer_key"])
    assert not train & test
    assert train | test == set(labelled["customer_key"])
    assert len(test) == pytest.approx(0.3 * labelled.height, abs=1)
    rate = split.group_by("eval_split").agg(pl.col("churned").mean()).sort("eval_split")["churned"]
    assert rate[0] == pytest.approx(rate[1], abs=0.03)
    assert split.equals(split_customers(labelled, seed=42))
    assert not split.equals(split_customers(labelled, seed=7))


def test_held_out_labels_do_not_reach_held_out_predictions(labelled: pl.DataFrame) -> None:
    split = split_customers(labelled, seed=42)
    flipped = split.with_columns(
        churned=pl.when(pl.col("eval_split") == "test")
        .then(~pl.col("churned"))
        .otherwise(pl.col("churned"))
    )
    a, b = evaluate_churn(split, HORIZON), evaluate_churn(flipped, HORIZON)
    columns = ["customer_key", "eval_p_classifier", "eval_p_recency", "eval_p_bgnbd"]
    assert_frame_equal(a.predictions.select(columns), b.predictions.select(columns))
    assert a.bgnbd == b.bgnbd


def test_evaluation_compares_three_models_on_the_test_customers(labelled: pl.DataFrame) -> None:
    evaluation = evaluate_churn(split_customers(labelled, seed=42), HORIZON)
    m = evaluation.metrics
    for prefix in ("churn", "recency", "bgnbd"):
        assert 0.5 < m[f"{prefix}_auc"] <= 1
        assert 0 < m[f"{prefix}_ap"] <= 1
        assert 0 <= m[f"{prefix}_brier"] < 0.25
    assert m["churn_n_train"] + m["churn_n_test"] == labelled.height
    predictions = evaluation.predictions
    test = predictions.filter(pl.col("eval_split") == "test")
    assert test["eval_p_classifier"].null_count() == 0
    assert (
        predictions.filter(pl.col("eval_split") == "train")["eval_p_classifier"].null_count()
        == (m["churn_n_train"])
    )
    assert set(evaluation.curves["model"]) == {"classifier", "recency", "bgnbd"}


def test_final_model_scores_every_customer(labelled: pl.DataFrame) -> None:
    scores = score_churn(fit_churn_model(labelled), labelled)
    assert scores.height == labelled.height
    assert scores["churn_probability"].is_between(0, 1).all()
    assert set(scores["risk_band"]) <= {"low", "medium", "high"}


def test_curve_points() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    p = np.clip(y * 0.3 + rng.uniform(0, 0.7, 1000), 0, 1)
    points = curve_points("classifier", y, p)
    roc = points.filter(pl.col("curve") == "roc").sort("point")
    assert roc.height <= 101
    assert (roc["x"][0], roc["y"][0], roc["x"][-1], roc["y"][-1]) == (0.0, 0.0, 1.0, 1.0)
    assert points.filter(pl.col("curve") == "calibration").height <= 10


def test_risk_bands() -> None:
    assert risk_bands(np.array([0.0, 0.33, 0.34, 0.66, 0.67, 1.0])) == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_skip_reasons() -> None:
    small = pl.DataFrame({"customer_key": range(10), "churned": [True, False] * 5})
    assert "at least 50" in churn_skip_reason(small)
    one_sided = pl.DataFrame({"customer_key": range(100), "churned": [True] * 95 + [False] * 5})
    assert "5 who did not" not in churn_skip_reason(one_sided)
    assert "at least 10 customers who churned and 10 who did not" in churn_skip_reason(one_sided)
    fine = pl.DataFrame({"customer_key": range(100), "churned": [True, False] * 50})
    assert churn_skip_reason(fine) is None


def test_churn_features_are_behaviour_columns() -> None:
    assert "recency_days" in CHURN_FEATURES
    assert "revenue_share_dow" not in CHURN_FEATURES
