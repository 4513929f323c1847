"""Scoring one customer: the answers match the stored run, bad payloads name the field,
and the stored pipelines load only through the trusted-types list."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
import skops.io as sio

from segmenta.cli import main
from segmenta.models.artifacts import (
    TRUSTED_TYPES,
    ArtifactVersionError,
    UnsafeArtifactError,
    dump_artifact,
    load_artifact,
)
from segmenta.models.errors import ModelInputError
from segmenta.models.run import run_model
from segmenta.models.scoring import ScoringInputError, model_inputs, score_customer
from segmenta.warehouse.connection import current_file
from tests.helpers.models import (
    add_customer_table,
    create_warehouse,
    mall_like_rows,
    synthetic_warehouse,
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = synthetic_warehouse(
        tmp_path_factory.mktemp("score") / "w.duckdb", n_customers=250, seed=5
    )
    run_model(path)
    return path


def stored(path: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).pl()


def payload_of(path: Path, customer_key: int) -> dict[str, float]:
    names = [f["name"] for f in model_inputs(path)]
    row = stored(
        path, f"SELECT * FROM customer_features WHERE run_id = 1 AND customer_key = {customer_key}"
    )
    return {n: row[n][0] for n in names}


def test_model_inputs_describe_the_form(warehouse: Path) -> None:
    inputs = model_inputs(warehouse)
    assert [f["name"] for f in inputs if f["required"]] == ["recency_days", "frequency", "monetary"]
    assert {"tenure_days", "purchase_days", "return_rate"} <= {f["name"] for f in inputs}
    medians = stored(
        warehouse, "SELECT median(monetary) AS m, median(frequency) AS f FROM customer_features"
    )
    by_name = {f["name"]: f for f in inputs}
    assert by_name["monetary"]["default"] == pytest.approx(medians["m"][0], rel=1e-4)
    assert by_name["frequency"]["default"] == round(medians["f"][0])
    assert by_name["frequency"]["integer"]
    for field in inputs:
        assert {"name", "label", "default", "min", "max"} <= set(field)
        assert field["min"] <= field["default"] <= field["max"]


@pytest.mark.parametrize("customer_key", [1, 17, 120, 249])
def test_scoring_a_known_customer_reproduces_the_stored_run(
    warehouse: Path, customer_key: int
) -> None:
    result = score_customer(warehouse, payload_of(warehouse, customer_key))
    row = stored(
        warehouse,
        "SELECT cs.*, ch.churn_probability, ch.risk_band, s.display_label FROM customer_segment cs "
        "JOIN churn_score ch USING (run_id, customer_key) "
        "JOIN segment_named s USING (run_id, segment_id) "
        f"WHERE cs.run_id = 1 AND cs.customer_key = {customer_key}",
    ).row(0, named=True)
    assert result["segment_id"] == row["segment_id"]
    assert result["segment"] == row["display_label"]
    own = result["distances"][row["segment_id"] - 1]
    assert own["distance"] == pytest.approx(row["distance"], abs=1e-3)
    assert (result["pc1"], result["pc2"]) == pytest.approx((row["pc1"], row["pc2"]), abs=1e-3)
    assert result["churn_probability"] == pytest.approx(row["churn_probability"], abs=1e-4)
    assert result["risk_band"] == row["risk_band"]
    assert result["assumed"] == {}


def test_optional_fields_default_to_the_median(warehouse: Path) -> None:
    result = score_customer(warehouse, {"recency_days": 3, "frequency": 30, "monetary": 5000})
    assert (
        result["segment"]
        == stored(warehouse, "SELECT name FROM segment WHERE segment_id = 1")["name"][0]
    )
    assert set(result["assumed"]) >= {"tenure_days", "items"}
    assert result["assumed"]["tenure_days"] >= 3  # never shorter than the recency given
    assert (
        len(result["distances"]) == stored(warehouse, "SELECT count(*) AS n FROM segment")["n"][0]
    )
    json.dumps(result)  # plain JSON types only


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"recency_days": 3, "frequency": 2, "monetary": 10, "shoe_size": 9},
            "unknown field 'shoe_size'",
        ),
        ({"recency_days": 3, "frequency": 2}, "missing required field 'monetary'"),
        (
            {"recency_days": "soon", "frequency": 2, "monetary": 10},
            "field 'recency_days': expected a number, got 'soon'",
        ),
        (
            {"recency_days": True, "frequency": 2, "monetary": 10},
            "field 'recency_days': expected a number",
        ),
        (
            {"recency_days": [1], "frequency": 2, "monetary": 10},
            "field 'recency_days': expected a number",
        ),
        (
            {"recency_days": 3, "frequency": 2, "monetary": -5},
            "field 'monetary': expected a number >= 0",
        ),
        (
            {"recency_days": 3, "frequency": 2.5, "monetary": 10},
            "field 'frequency': expected a whole number",
        ),
        ({"recency_days": 3, "frequency": 0, "monetary": 10}, "field 'frequency': expected 1 to"),
        ({"recency_days": 3, "frequency": 2, "monetary": 1e12}, "field 'monetary': expected 0 to"),
        (
            {"recency_days": 3, "frequency": 2, "monetary": 10, "return_rate": 1.5},
            "field 'return_rate': expected 0 to 1",
        ),
        (
            {"recency_days": 50, "frequency": 2, "monetary": 10, "tenure_days": 10},
            "expected at most tenure_days",
        ),
        (
            {"recency_days": 5, "frequency": 2, "monetary": 10, "purchase_days": 3},
            "expected at most frequency",
        ),
        (
            {"recency_days": float("nan"), "frequency": 2, "monetary": 10},
            "expected a finite number",
        ),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_payloads_name_the_field(warehouse: Path, payload: object, message: str) -> None:
    with pytest.raises(ScoringInputError, match=message.replace("(", r"\(").replace("[", r"\[")):
        score_customer(warehouse, payload)  # type: ignore[arg-type]


def test_numbers_as_text_are_accepted(warehouse: Path) -> None:
    assert score_customer(warehouse, {"recency_days": "3", "frequency": "2", "monetary": "10.5"})[
        "segment"
    ]


def test_cli_score_prints_json_or_names_the_field(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = json.dumps({"recency_days": 10, "frequency": 4, "monetary": 900})
    assert main(["score", "--json", payload, "--warehouse", str(warehouse)]) == 0
    assert json.loads(capsys.readouterr().out)["segment_id"] >= 1
    assert main(["score", "--json", '{"recency_days": 1}', "--warehouse", str(warehouse)]) == 2
    assert "missing required field 'frequency'" in capsys.readouterr().err


def test_customer_table_scoring(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "mall.duckdb")
    add_customer_table(path, mall_like_rows())
    run_model(path, k=5, features=["annual_income_k", "spending_score"])
    result = score_customer(path, {"annual_income_k": 95, "spending_score": 90})
    assert result["segment"] == "High income, high spend"
    assert result["churn_probability"] is None
    assert "customer-table" in result["churn_note"]
    with pytest.raises(ScoringInputError, match="field 'spending_score': expected 0 to 100"):
        score_customer(path, {"annual_income_k": 95, "spending_score": 150})


def test_negative_values_are_fine_where_the_base_has_them(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "balances.duckdb")
    rows = mall_like_rows()
    for i, row in enumerate(rows):
        row["extra"] = {"balance": float((i % 40) * 10 - 200)}  # -200 .. 190
    add_customer_table(path, rows)
    run_model(path, k=3, features=["spending_score", "balance"])
    assert score_customer(path, {"spending_score": 50, "balance": -120})["segment"]
    with pytest.raises(ScoringInputError, match="field 'spending_score': expected a number >= 0"):
        score_customer(path, {"spending_score": -1, "balance": -120})


def test_no_model_run_yet(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "w.duckdb")
    with pytest.raises(ModelInputError, match="no model run"):
        model_inputs(path)


# --- safe loading -------------------------------------------------------------------------


def test_stored_artifacts_need_only_the_trusted_types(warehouse: Path) -> None:
    for payload in stored(warehouse, "SELECT payload FROM model_artifact")["payload"]:
        assert payload[:2] == b"PK"  # a skops zip, not a pickle
        assert set(sio.get_untrusted_types(data=payload)) <= set(TRUSTED_TYPES)
        assert load_artifact(payload)["library_versions"]["scikit-learn"]


def test_a_tampered_artifact_is_refused(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "tampered.duckdb"
    shutil.copyfile(current_file(warehouse), path)
    evil = sio.dumps({"clusterer": os.system, "columns": ["recency_days"]})
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE model_artifact SET payload = $p WHERE name = 'segmentation'", {"p": evil}
        )
    with pytest.raises(UnsafeArtifactError, match=r"outside the trusted list: posix.system"):
        score_customer(path, {"recency_days": 3, "frequency": 2, "monetary": 10})


def test_only_skops_is_loaded() -> None:
    with pytest.raises(UnsafeArtifactError, match="format 'pickle'"):
        load_artifact(b"\x80\x04K\x01.", "pickle")
    with pytest.raises(UnsafeArtifactError, match="not a readable skops file"):
        load_artifact(b"not a zip at all")


def test_other_scikit_learn_versions_are_refused() -> None:
    payload = sio.dumps(
        {"library_versions": {"scikit-learn": "0.24.2"}}, compression=zipfile.ZIP_DEFLATED
    )
    with pytest.raises(ArtifactVersionError, match=r"trained with scikit-learn 0\.24\.2"):
        load_artifact(payload)


def test_dump_refuses_what_load_would_refuse() -> None:
    with pytest.raises(UnsafeArtifactError, match=r"builtins\.print"):
        dump_artifact({"hook": print})
