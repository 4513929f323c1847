"""`run_model` end to end on small hand-made warehouses: what a run stores, determinism,
customer-table mode, and the error paths."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from segmenta.models import run as run_module
from segmenta.models.errors import ModelInputError
from segmenta.models.report import RunSummary
from segmenta.models.run import run_model
from segmenta.warehouse.connection import WarehouseMissingError, current_file
from tests.helpers.models import (
    add_customer_table,
    add_lines,
    create_warehouse,
    lines_frame,
    mall_like_rows,
    synthetic_warehouse,
)

DASHBOARD_COLUMNS = [
    "customer_key", "customer_id", "display_name", "country", "segment_id", "segment",
    "recency_days", "frequency", "monetary", "return_rate", "churn_probability", "risk_band",
    "pc1", "pc2",
]  # fmt: skip


def copy_warehouse(source: Path, target: Path) -> Path:
    shutil.copyfile(current_file(source), target)
    return target


def query(path: Path, sql: str, params: dict | None = None) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql, params=params).pl()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_warehouse(tmp_path_factory.mktemp("run") / "base.duckdb", n_customers=300)


@pytest.fixture(scope="module")
def modelled(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    path = copy_warehouse(base, tmp_path_factory.mktemp("run") / "modelled.duckdb")
    return path, run_model(path)


def test_run_stores_one_row_per_customer(modelled: tuple[Path, RunSummary]) -> None:
    path, summary = modelled
    n = summary.metrics["n_customers"]
    assert n == 300
    for table in ("customer_features", "customer_segment", "churn_score"):
        assert query(path, f"SELECT count(*) AS n FROM {table} WHERE run_id = 1")["n"][0] == n
    segments = query(path, "SELECT * FROM segment WHERE run_id = 1 ORDER BY segment_id")
    assert segments["n_customers"].sum() == n
    assert segments["name"].n_unique() == segments.height == summary.metrics["n_segments"]
    assert segments["segment_id"].to_list() == list(range(1, segments.height + 1))
    assert all(d for d in segments["description"])


def test_k_sweep_is_stored_with_one_chosen_k(modelled: tuple[Path, RunSummary]) -> None:
    path, summary = modelled
    sweep = query(path, "SELECT * FROM k_sweep WHERE run_id = 1 ORDER BY k")
    assert sweep["k"].to_list() == list(range(2, 13))
    assert sweep["chosen"].sum() == 1
    assert sweep.filter("chosen")["k"][0] == summary.parameters["k_fitted"]
    assert (sweep["sse"].diff().drop_nulls() < 0).all()  # more clusters, less SSE (KMeans)


def test_model_run_row(modelled: tuple[Path, RunSummary]) -> None:
    path, _summary = modelled
    row = query(path, "SELECT * FROM model_run WHERE run_id = 1").row(0, named=True)
    parameters, metrics = json.loads(row["parameters"]), json.loads(row["metrics"])
    assert row["kind"] == "invoices"
    assert parameters["features"] == ["recency_days", "frequency", "monetary"]
    assert parameters["k_requested"] == "auto"
    assert parameters["seed"] == 42
    for key in ("silhouette", "sse", "churn_auc", "recency_auc", "bgnbd_auc", "seconds"):
        assert key in metrics
    assert len(row["data_fingerprint"]) == 32
    assert json.loads(row["library_versions"])["scikit-learn"]
    assert str(row["as_of_date"]) == parameters["as_of_date"]
    artifacts = query(
        path, "SELECT name, format FROM model_artifact WHERE run_id = 1 ORDER BY name"
    )
    assert artifacts.rows() == [("churn", "skops"), ("segmentation", "skops")]


def test_customer_360_serves_the_dashboard(modelled: tuple[Path, RunSummary]) -> None:
    path, _ = modelled
    view = query(path, "SELECT * FROM customer_360")
    assert set(DASHBOARD_COLUMNS) <= set(view.columns)
    assert view.height == 300
    assert view["customer_key"].n_unique() == 300
    assert view["churn_probability"].is_between(0, 1).all()
    assert view["segment"].null_count() == 0


def test_stored_churn_metrics_are_reproducible_from_rows(modelled: tuple[Path, RunSummary]) -> None:
    path, summary = modelled
    test = query(path, "SELECT * FROM churn_score WHERE run_id = 1 AND eval_split = 'test'")
    y = test["eval_churned"].cast(pl.Int64).to_numpy()
    for column, key in (
        ("eval_p_classifier", "churn_auc"),
        ("eval_p_recency", "recency_auc"),
        ("eval_p_bgnbd", "bgnbd_auc"),
    ):
        assert roc_auc_score(y, test[column].to_numpy()) == pytest.approx(
            summary.metrics[key], abs=1e-6
        )
    curves = query(
        path, "SELECT model, curve, count(*) AS n FROM churn_eval WHERE run_id = 1 GROUP BY ALL"
    )
    assert curves.height == 6


def test_describe_tells_the_whole_story(modelled: tuple[Path, RunSummary]) -> None:
    _, summary = modelled
    text = summary.describe()
    assert "300 customers" in text
    assert f"k = {summary.metrics['n_segments']}: elbow of the SSE curve" in text
    assert "silhouette" in text
    assert "ROC AUC" in text
    assert "BG/NBD" in text
    assert all(s["segment"] in text for s in summary.segments)
    assert text.rstrip().endswith(" s")


@pytest.mark.slow
def test_same_data_and_seed_give_same_segments_and_names(base: Path, tmp_path: Path) -> None:
    path = copy_warehouse(base, tmp_path / "twice.duckdb")
    first, second = run_model(path, seed=7), run_model(path, seed=7)
    assert (first.run_id, second.run_id) == (1, 2)
    columns = "segment_id, signature, name, description, n_customers, profile, centre"
    a = query(path, f"SELECT {columns} FROM segment WHERE run_id = 1 ORDER BY segment_id")
    b = query(path, f"SELECT {columns} FROM segment WHERE run_id = 2 ORDER BY segment_id")
    assert a.equals(b)
    assign = "SELECT customer_key, segment_id, distance, pc1, pc2 FROM customer_segment WHERE run_id = $r ORDER BY 1"
    assert query(path, assign, {"r": 1}).equals(query(path, assign, {"r": 2}))
    scores = "SELECT customer_key, churn_probability FROM churn_score WHERE run_id = $r ORDER BY 1"
    assert query(path, scores, {"r": 1}).equals(query(path, scores, {"r": 2}))
    fingerprints = query(path, "SELECT DISTINCT data_fingerprint FROM model_run")
    assert fingerprints.height == 1


def test_fixed_k_with_gaussian_mixture(base: Path, tmp_path: Path) -> None:
    path = copy_warehouse(base, tmp_path / "gmm.duckdb")
    summary = run_model(path, k=3, algorithm="gmm", horizon_days=60)
    assert summary.parameters["k_reason"] == "k = 3 as requested"
    assert summary.metrics["n_segments"] <= 3
    sweep = query(path, "SELECT k, chosen FROM k_sweep")
    assert sweep.rows() == [(3, True)]
    assert summary.parameters["churn"]["label"].endswith("+ 60 days]")


def test_chosen_segmentation_features(base: Path, tmp_path: Path) -> None:
    path = copy_warehouse(base, tmp_path / "features.duckdb")
    summary = run_model(path, k=3, features=["recency_days", "frequency", "monetary", "avg_ticket"])
    assert summary.parameters["features"][-1] == "avg_ticket"
    inputs = [f["name"] for f in summary.parameters["inputs"] if f["required"]]
    assert inputs == ["recency_days", "frequency", "monetary", "avg_ticket"]


def test_short_history_skips_churn_with_a_reason(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "short.duckdb")
    rows = [
        (f"{c}{d}", f"2021-03-{d:02d} 10:00", c, "A", c, 2.0)
        for c in range(1, 9)
        for d in range(1, 29, c)
    ]
    add_lines(path, lines_frame(rows))
    summary = run_model(path, k=2)
    assert "needs at least 120" in summary.parameters["churn"]["skipped"]
    assert "churn skipped" in summary.describe()
    assert query(path, "SELECT count(*) AS n FROM churn_score")["n"][0] == 0
    assert query(path, "SELECT count(*) AS n FROM customer_360")["n"][0] == 8


@pytest.fixture(scope="module")
def mall_like(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = create_warehouse(tmp_path_factory.mktemp("mall") / "mall.duckdb")
    rows = mall_like_rows()
    rows[0]["annual_income_k"] = None  # a missing value to impute
    rows[1]["extra"] = {"loyalty_card": "gold"}
    add_customer_table(path, rows)
    return path


def test_customer_table_mode_finds_the_five_groups(mall_like: Path, tmp_path: Path) -> None:
    path = copy_warehouse(mall_like, tmp_path / "mall.duckdb")
    summary = run_model(path, k=5, features=["annual_income_k", "spending_score"])
    assert summary.kind == "customer_table"
    names = {s["segment"]: s["n_customers"] for s in summary.segments}
    assert set(names) == {
        "Low income, low spend", "Low income, high spend", "Average income, average spend",
        "High income, low spend", "High income, high spend",
    }  # fmt: skip
    # 24 customers each, except the one whose income was imputed (to the median)
    assert sum(names.values()) == 120
    assert all(23 <= n <= 25 for n in names.values())
    assert summary.parameters["imputed"] == {"annual_income_k": 1}
    left_out = summary.parameters["columns_left_out"]
    assert left_out["gender"] == "categorical (text) column"
    assert left_out["loyalty_card"] == "categorical (text) column"
    assert left_out["age"] == "not among the requested features"
    assert "customer-table mode" in summary.parameters["churn"]["skipped"]
    assert "imputed with the median: annual_income_k 1" in summary.describe()
    features = query(
        path, "SELECT attributes, recency_days FROM customer_features WHERE customer_key = 2"
    )
    assert features["recency_days"][0] is None
    assert query(path, "SELECT count(*) AS n FROM churn_score")["n"][0] == 0


def test_customer_table_mode_uses_every_varying_numeric_column(
    mall_like: Path, tmp_path: Path
) -> None:
    path = copy_warehouse(mall_like, tmp_path / "mall_all.duckdb")
    summary = run_model(path)
    assert summary.parameters["features"] == ["age", "annual_income_k", "spending_score"]
    assert 2 <= summary.metrics["n_segments"] <= 12
    view = query(path, "SELECT * FROM customer_360")
    assert view.height == 120
    assert view["churn_probability"].null_count() == 120


def test_missing_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError, match="no warehouse here yet"):
        run_model(tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()


def test_nothing_to_model(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "empty.duckdb")
    with pytest.raises(ModelInputError, match="nothing to model"):
        run_model(path)


def test_too_few_customers_leaves_the_warehouse_unchanged(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "tiny.duckdb")
    add_lines(
        path,
        lines_frame(
            [("1", "2021-01-01 10:00", 1, "A", 1, 1.0), ("2", "2021-01-02 10:00", 2, "A", 1, 1.0)]
        ),
    )
    with pytest.raises(ModelInputError, match="too few customers"):
        run_model(path)
    with pytest.raises(ModelInputError, match="--k 3"):
        run_model(path, k=3)
    assert query(path, "SELECT count(*) AS n FROM model_run")["n"][0] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"algorithm": "dbscan"}, "algorithm: expected one of kmeans, gmm"),
        ({"k": 1}, "k: expected None"),
        ({"k": 2.5}, "k: expected None"),
        ({"horizon_days": 0}, "horizon_days: expected"),
        ({"features": ["shoe_size"]}, "shoe_size not available"),
    ],
)
def test_bad_arguments(base: Path, tmp_path: Path, kwargs: dict, message: str) -> None:
    path = copy_warehouse(base, tmp_path / "bad.duckdb")
    with pytest.raises(ModelInputError, match=message):
        run_model(path, **kwargs)


def test_projection_is_centred(modelled: tuple[Path, RunSummary]) -> None:
    path, _ = modelled
    coords = query(path, "SELECT pc1, pc2 FROM customer_segment WHERE run_id = 1")
    assert np.allclose(coords.mean().row(0), 0, atol=1e-9)


def test_the_run_log_line_names_the_number_of_segments(mall_like: Path, tmp_path: Path) -> None:
    path = copy_warehouse(mall_like, tmp_path / "logged.duckdb")
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    # a handler on the run's own logger: independent of propagation and of other tests' set-up
    logger = logging.getLogger("segmenta.models.run")
    handler, level = Collect(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        summary = run_model(path, k=4, features=["annual_income_k", "spending_score"])
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    runs = [r for r in records if r.getMessage() == "model run"]
    assert len(runs) == 1
    extra = vars(runs[0])  # the record's `extra` fields are its attributes
    assert extra["k"] == summary.metrics["n_segments"] == len(summary.segments) == 4
    assert extra["run_id"] == summary.run_id
    assert extra["customers"] == sum(s["n_customers"] for s in summary.segments)


def test_resource_limits_reach_the_writer(
    mall_like: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict] = []
    real = run_module.write_transaction

    def spy(path: Path, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real(path, **kwargs)

    monkeypatch.setattr(run_module, "write_transaction", spy)
    path = copy_warehouse(mall_like, tmp_path / "limits.duckdb")
    run_model(path, k=3, memory_limit="1GB")
    run_model(path, k=3)
    assert seen == [{"memory_limit": "1GB"}, {}]
