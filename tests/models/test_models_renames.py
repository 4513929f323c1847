"""Managers' segment renames: validated, one audit row each, and kept across re-runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.models.run import run_model
from segmenta.warehouse.connection import WarehouseMissingError, current_file
from segmenta.warehouse.renames import SegmentLabelError, rename_segment, validate_label
from tests.helpers.models import synthetic_warehouse


@pytest.fixture(scope="module")
def modelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = synthetic_warehouse(
        tmp_path_factory.mktemp("labels") / "w.duckdb", n_customers=200, seed=9
    )
    run_model(path)
    return path


@pytest.fixture
def warehouse(modelled: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copyfile(current_file(modelled), path)
    return path


def named(path: Path, run_id: int = 1) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(
            "SELECT segment_id, name, display_label, is_renamed, signature FROM segment_named "
            "WHERE run_id = $r ORDER BY segment_id",
            params={"r": run_id},
        ).pl()


def test_rename_shows_everywhere_and_keeps_an_audit_row(warehouse: Path) -> None:
    rename_segment(warehouse, 1, 1, "  VIP wholesalers ", renamed_by="maria")
    segments = named(warehouse)
    assert segments["display_label"][0] == "VIP wholesalers"
    assert segments["is_renamed"][0]
    assert not segments["is_renamed"][1:].any()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        labels = con.execute("SELECT label, renamed_by, signature FROM segment_label").fetchall()
        in_360 = con.execute(
            "SELECT DISTINCT segment FROM customer_360 WHERE segment_id = 1"
        ).fetchall()
    assert labels == [("VIP wholesalers", "maria", segments["signature"][0])]
    assert in_360 == [("VIP wholesalers",)]
    rename_segment(warehouse, 1, 1, "Top accounts", renamed_by="li")
    assert named(warehouse)["display_label"][0] == "Top accounts"  # the newest rename is in force


@pytest.mark.slow
def test_rename_survives_a_rerun_of_the_same_segment(warehouse: Path) -> None:
    rename_segment(warehouse, 1, 2, "Steady buyers", renamed_by="maria")
    run_model(warehouse)
    second = named(warehouse, run_id=2)
    first = named(warehouse, run_id=1)
    assert second["signature"].to_list() == first["signature"].to_list()
    assert second["display_label"][1] == "Steady buyers"


def test_a_segment_may_keep_its_own_name(warehouse: Path) -> None:
    own = named(warehouse)["display_label"][0]
    rename_segment(warehouse, 1, 1, own.upper(), renamed_by="maria")
    assert named(warehouse)["display_label"][0] == own.upper()


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "expected 1 to 40 characters, got 0"),
        ("   ", "expected 1 to 40 characters, got 0"),
        ("x" * 41, "expected 1 to 40 characters, got 41"),
        ("bad\x07bell", "printable"),
        ("two\nlines", "printable"),
        (42, "expected text"),
    ],
)
def test_label_validation(label: object, message: str) -> None:
    with pytest.raises(SegmentLabelError, match=message):
        validate_label(label)


def test_labels_must_be_unique_in_the_run(warehouse: Path) -> None:
    other = named(warehouse)["display_label"][1]
    with pytest.raises(SegmentLabelError, match="already the name of segment 2 of run 1"):
        rename_segment(warehouse, 1, 1, other.lower(), renamed_by="maria")


@pytest.mark.parametrize(
    ("run_id", "segment_id", "renamed_by", "message"),
    [
        (99, 1, "maria", "model run 99 has no segments"),
        (1, 99, "maria", "not 99"),
        (1, 1, " ", "renamed_by: expected 1 to 100"),
    ],
)
def test_rename_errors_write_nothing(
    warehouse: Path, run_id: int, segment_id: int, renamed_by: str, message: str
) -> None:
    with pytest.raises(SegmentLabelError, match=message):
        rename_segment(warehouse, run_id, segment_id, "Fine name", renamed_by=renamed_by)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM segment_label").fetchall() == [(0,)]


def test_rename_needs_a_warehouse(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError):
        rename_segment(tmp_path / "none.duckdb", 1, 1, "Name", renamed_by="maria")
