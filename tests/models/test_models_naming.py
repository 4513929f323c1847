"""Segment names and descriptions: the RFM vocabulary, customer-table terms, uniqueness."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from segmenta.models.naming import (
    RFM_PROTOTYPES,
    describe_segment,
    format_number,
    make_unique,
    name_attribute_segments,
    name_rfm_segments,
    percentile_scores,
    rfm_scores,
    segment_signature,
)


def test_percentile_scores_span_one_to_five_with_shared_ties() -> None:
    assert percentile_scores(np.array([1.0, 2.0, 3.0])).tolist() == [1.0, 3.0, 5.0]
    assert percentile_scores(np.array([1.0, 2.0, 3.0]), higher_is_better=False).tolist() == [
        5.0,
        3.0,
        1.0,
    ]
    tied = percentile_scores(np.array([1.0, 1.0, 9.0]))
    assert tied[0] == tied[1] < tied[2]
    assert percentile_scores(np.array([4.0])).tolist() == [3.0]


def test_rfm_scores_reward_recent_frequent_big_spenders() -> None:
    frame = pl.DataFrame(
        {"recency_days": [1.0, 300.0], "frequency": [20.0, 1.0], "monetary": [5000.0, 10.0]}
    )
    r, fm = rfm_scores(frame)
    assert r.tolist() == [5.0, 1.0]
    assert fm.tolist() == [5.0, 1.0]


def test_rfm_names_follow_the_grid() -> None:
    names = name_rfm_segments({1: (4.6, 4.7), 2: (4.5, 1.3), 3: (1.8, 3.5), 4: (1.2, 1.2)})
    assert names == {1: "Champions", 2: "New Customers", 3: "At Risk", 4: "Lost"}


def test_rfm_names_are_unique_even_for_many_segments() -> None:
    rng = np.random.default_rng(0)
    points = {i: (float(rng.uniform(1, 5)), float(rng.uniform(1, 5))) for i in range(1, 15)}
    names = name_rfm_segments(points)
    assert len(set(names.values())) == 14
    assert set(RFM_PROTOTYPES) <= set(names.values())  # every name used before any repeat


def test_rfm_names_are_deterministic() -> None:
    points = {1: (3.0, 3.0), 2: (3.1, 2.9), 3: (2.9, 3.1)}
    assert name_rfm_segments(points) == name_rfm_segments(dict(reversed(list(points.items()))))


def test_attribute_names_in_the_tables_terms() -> None:
    profiles = {
        1: {"annual_income_k": 1.1, "spending_score": 1.2},
        2: {"annual_income_k": -1.3, "spending_score": 1.1},
        3: {"annual_income_k": 0.1, "spending_score": -0.2},
        4: {"annual_income_k": 0.9, "spending_score": -1.3},
    }
    names = name_attribute_segments(profiles, ["annual_income_k", "spending_score"])
    assert names == {
        1: "High income, high spend",
        2: "Low income, high spend",
        3: "Average income, average spend",
        4: "High income, low spend",
    }


def test_attribute_names_use_the_standout_columns_and_stay_unique() -> None:
    columns = ["age", "annual_income_k", "spending_score", "credit_limit"]
    profiles = {
        1: {"age": -1.0, "annual_income_k": 0.0, "spending_score": 1.5, "credit_limit": 2.0},
        2: {"age": -1.0, "annual_income_k": 0.9, "spending_score": 1.5, "credit_limit": 2.0},
        3: {"age": 1.2, "annual_income_k": 0.0, "spending_score": -0.1, "credit_limit": -0.9},
        4: {"age": 1.2, "annual_income_k": 0.0, "spending_score": -0.1, "credit_limit": -0.9},
    }
    names = name_attribute_segments(profiles, columns, top=3)
    # 1 and 2 share their three standout columns, so both are named on every column
    assert names[1] == "Younger, average income, high spend, high credit limit"
    assert names[2] == "Younger, high income, high spend, high credit limit"
    # identical profiles can only be numbered
    assert names[3] == "Older, average income, average spend, low credit limit"
    assert names[4] == "Older, average income, average spend, low credit limit 2"


def test_make_unique_numbers_repeats() -> None:
    assert make_unique(["A", "B", "A", "A"]) == ["A", "B", "A 2", "A 3"]


def test_description_names_what_stands_out_with_figures() -> None:
    text = describe_segment(
        {"recency_days": -1.4, "frequency": 1.2, "monetary": 0.1},
        {"recency_days": (8.0, 10.0), "frequency": (10.0, 12.0), "monetary": (700.0, 900.0)},
        {"recency_days": (50.0, 90.0), "frequency": (2.0, 4.0), "monetary": (675.0, 2000.0)},
        ["recency_days", "frequency", "monetary"],
    )
    assert (
        text
        == "Bought much more recently (median 8 vs 50 days); much more invoices (median 10 vs 2)"
    )


def test_description_falls_back_to_means_when_medians_read_the_same() -> None:
    text = describe_segment(
        {"frequency": -0.4}, {"frequency": (2.0, 2.2)}, {"frequency": (2.0, 4.3)}, ["frequency"]
    )
    assert text == "Fewer invoices (mean 2.2 vs 4.3)"


def test_description_of_a_typical_segment() -> None:
    text = describe_segment({"age": 0.1}, {"age": (36.0, 37.0)}, {"age": (35.0, 36.0)}, ["age"])
    assert text.startswith("Close to the typical customer")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3240.4, "3,240"),
        (52.2, "52"),
        (2.5, "2.5"),
        (2.0, "2"),
        (0.04, "0.04"),
        (float("nan"), "n/a"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_signature_depends_on_kind_columns_and_name_only() -> None:
    a = segment_signature("invoices", ["recency_days", "frequency"], "Can't Lose Them")
    assert a == segment_signature("invoices", ["recency_days", "frequency"], "Can't Lose Them")
    assert a.startswith("invoices:")
    assert a.endswith(":can-t-lose-them")
    assert a != segment_signature("invoices", ["recency_days"], "Can't Lose Them")
    assert a != segment_signature(
        "customer_table", ["recency_days", "frequency"], "Can't Lose Them"
    )
