"""Acceptance on the real files: the UCI Online Retail invoices and the mall customer table."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from segmenta.etl.load import ingest
from segmenta.models.report import RunSummary
from segmenta.models.run import run_model
from segmenta.models.scoring import score_customer
from tests.models.test_models_docs import check_reproduced

pytestmark = [pytest.mark.real_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def retail_run(
    online_retail: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, RunSummary]:
    warehouse = tmp_path_factory.mktemp("real_models") / "warehouse.duckdb"
    ingest(warehouse, [online_retail])
    return warehouse, run_model(warehouse)


def stored_metrics(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return json.loads(con.execute("SELECT metrics FROM latest_run").fetchall()[0][0])


def test_churn_classifier_beats_both_baselines(retail_run: tuple[Path, RunSummary]) -> None:
    warehouse, _ = retail_run
    m = stored_metrics(warehouse)
    assert m["churn_auc"] > m["recency_auc"]
    assert m["churn_auc"] > m["bgnbd_auc"]
    assert m["churn_brier"] < min(m["recency_brier"], m["bgnbd_brier"])
    assert m["churn_auc"] >= 0.70  # measured 0.726; the 0.80 aim is not reached (docs/models.md)
    assert m["churn_n_test"] + m["churn_n_train"] == 3354


def test_segments_on_the_real_base(retail_run: tuple[Path, RunSummary]) -> None:
    warehouse, summary = retail_run
    m = stored_metrics(warehouse)
    assert m["n_customers"] == 4312
    assert m["silhouette_rows"] == 4312  # exact, not sampled
    assert m["silhouette"] >= 0.30  # measured 0.338 in the standardised log-RFM space
    assert 3 <= m["n_segments"] <= 8
    names = [s["segment"] for s in summary.segments]
    assert len(set(names)) == len(names)
    assert names[0] == "Champions"


def test_every_stored_number_is_reproducible_with_sql(retail_run: tuple[Path, RunSummary]) -> None:
    warehouse, _ = retail_run
    assert check_reproduced(warehouse) >= 20


def test_scoring_against_the_real_run(retail_run: tuple[Path, RunSummary]) -> None:
    warehouse, _ = retail_run
    best = score_customer(warehouse, {"recency_days": 2, "frequency": 40, "monetary": 20000})
    lapsed = score_customer(warehouse, {"recency_days": 300, "frequency": 1, "monetary": 80})
    assert best["segment_id"] == 1
    assert best["churn_probability"] < lapsed["churn_probability"]


def test_mall_table_five_well_known_groups(mall_customers: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "mall.duckdb"
    ingest(warehouse, [], customer_file=mall_customers)
    summary = run_model(warehouse, k=5, features=["annual_income_k", "spending_score"])
    groups = {s["segment"]: s["n_customers"] for s in summary.segments}
    assert groups == {
        "High income, high spend": 39,
        "High income, low spend": 35,
        "Average income, average spend": 81,
        "Low income, low spend": 23,
        "Low income, high spend": 22,
    }
    assert "customer-table mode" in summary.parameters["churn"]["skipped"]
    assert summary.parameters["columns_left_out"]["gender"] == "categorical (text) column"
