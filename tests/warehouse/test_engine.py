"""The DuckDB engine: SQL files by name, bound parameters, views over frames and Parquet files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.engine import DuckDBEngine


@pytest.fixture
def engine() -> DuckDBEngine:
    return DuckDBEngine(duckdb.connect(":memory:"))


def _views(engine: DuckDBEngine) -> set[str]:
    return {
        r[0] for r in engine.connection.execute("SELECT view_name FROM duckdb_views()").fetchall()
    }


def test_a_parquet_file_is_a_view_over_duckdbs_own_scan_until_unregistered(
    engine: DuckDBEngine, tmp_path: Path
) -> None:
    path = tmp_path / "staged.parquet"
    pl.DataFrame({"a": [1, 2, 3]}).write_parquet(path)
    engine.register("staged_lines", path)
    assert "staged_lines" in _views(engine)  # a view, not a Python object handed to DuckDB
    assert engine.connection.execute("SELECT sum(a) FROM staged_lines").fetchall() == [(6,)]
    engine.unregister("staged_lines")
    assert "staged_lines" not in _views(engine)
    with pytest.raises(duckdb.CatalogException):
        engine.connection.execute("SELECT * FROM staged_lines")


def test_a_frame_is_registered_and_forgotten(engine: DuckDBEngine) -> None:
    engine.register("staged_customers", pl.DataFrame({"customer_id": ["1", "2"]}))
    assert engine.connection.execute("SELECT count(*) FROM staged_customers").fetchall() == [(2,)]
    engine.unregister("staged_customers")
    with pytest.raises(duckdb.CatalogException):
        engine.connection.execute("SELECT * FROM staged_customers")


@pytest.mark.parametrize("name", ["x; DROP TABLE dim_customer", "Staged", "a b", ""])
def test_a_view_name_must_be_an_identifier(engine: DuckDBEngine, name: str) -> None:
    with pytest.raises(ValueError, match="not a view name"):
        engine.register(name, pl.DataFrame({"a": [1]}))
