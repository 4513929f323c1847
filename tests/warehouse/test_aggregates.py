"""The pre-aggregates (agg_invoice_day, agg_product_day) against the facts they summarise.

They are recomputed here independently, with Polars from fact_invoice_line, after a first load,
after a second load (only the new load is added; old rows stay as they were) and after a model
run (agg_product_day is rebuilt with the run's segments). The dashboard's own figures are
checked against the facts in the dashboard tests; these tests pin the tables themselves.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.demo import generate_invoices
from segmenta.etl.load import ingest
from segmenta.models.run import run_model
from segmenta.warehouse.aggregates import refresh_aggregates
from segmenta.warehouse.connection import write_transaction
from segmenta.warehouse.doctor import warehouse_checks
from tests.helpers import csv_text, write_csv

SPLIT = datetime(2025, 9, 1)


def frame(path: Path, sql: str, params: dict | None = None) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql, params=params).pl()


def expected_invoice_day(path: Path) -> pl.DataFrame:
    facts = frame(path, "SELECT * FROM fact_invoice_line")
    purchase = (pl.col("quantity") > 0) & ~pl.col("is_cancellation")
    keys = ["load_id", "invoice_no", "customer_key", "country_key", "date_key"]
    return (
        facts.group_by(keys)
        .agg(
            pl.len().cast(pl.Int32).alias("lines"),
            purchase.sum().cast(pl.Int32).alias("purchase_lines"),
            pl.col("amount").filter(purchase).sum().alias("revenue"),
            pl.col("quantity").filter(purchase).sum().alias("items"),
            (-pl.col("quantity").filter(pl.col("is_return")).sum()).alias("returned_items"),
        )
        .sort(keys)
    )


def expected_product_day(path: Path, run_id: int | None) -> pl.DataFrame:
    facts = frame(path, "SELECT * FROM fact_invoice_line")
    segments = frame(
        path,
        "SELECT s.customer_key, s.segment_id, r.risk_band FROM customer_segment s "
        "LEFT JOIN churn_score r USING (run_id, customer_key) WHERE s.run_id = $run_id",
        {"run_id": run_id},
    )
    purchase = (pl.col("quantity") > 0) & ~pl.col("is_cancellation")
    keys = ["load_id", "product_key", "country_key", "date_key", "segment_id", "risk_band"]
    return (
        facts.join(segments, on="customer_key", how="left")
        .group_by(keys)
        .agg(
            pl.col("amount").filter(purchase).sum().alias("revenue"),
            pl.col("quantity").filter(purchase).sum().alias("quantity"),
            purchase.sum().cast(pl.Int32).alias("purchase_lines"),
            (-pl.col("quantity").filter(pl.col("quantity") < 0).sum()).alias("returned"),
            pl.col("is_cancellation").sum().cast(pl.Int32).alias("cancelled_lines"),
        )
        .sort(keys, nulls_last=True)
    )


INVOICE_KEYS = ["load_id", "invoice_no", "customer_key", "country_key", "date_key"]
PRODUCT_KEYS = ["load_id", "product_key", "country_key", "date_key", "segment_id", "risk_band"]


def assert_same(got: pl.DataFrame, expected: pl.DataFrame, keys: list[str]) -> None:
    """The same rows (keys unique in both), floats to 1e-6."""
    got = got.select(expected.columns).sort(keys, nulls_last=True)
    expected = expected.sort(keys, nulls_last=True)
    assert got.height == expected.height
    for column in expected.columns:
        if expected[column].dtype == pl.Float64:
            assert ((got[column] - expected[column]).abs().max() or 0) < 1e-6, column
        else:
            assert got[column].to_list() == expected[column].to_list(), column


def agg_invoice_day(path: Path) -> pl.DataFrame:
    return frame(path, "SELECT * FROM agg_invoice_day")


def agg_product_day(path: Path) -> pl.DataFrame:
    return frame(path, "SELECT * FROM agg_product_day")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Generated invoices of 300 customers, split into history and one later quarter."""
    invoices, _ = generate_invoices(300, seed=7)
    folder = tmp_path_factory.mktemp("agg")
    history = folder / "history.parquet"
    later = folder / "later.parquet"
    invoices.filter(pl.col("InvoiceDate") < SPLIT).write_parquet(history)
    invoices.filter(pl.col("InvoiceDate") >= SPLIT).write_parquet(later)
    return history, later


@pytest.fixture(scope="module")
def stages(files: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One warehouse, copied after each step: first load, second load, model run, third load."""
    history, later = files
    folder = tmp_path_factory.mktemp("stages")
    out: dict[str, Path] = {}

    def snapshot(name: str, wh: Path) -> None:
        out[name] = folder / f"{name}.duckdb"
        out[name].write_bytes(wh.resolve().read_bytes())

    wh = folder / "live" / "wh.duckdb"
    wh.parent.mkdir()
    ingest(wh, [history])
    snapshot("first", wh)
    ingest(wh, [later])
    snapshot("second", wh)
    run_model(wh, k=3)
    snapshot("modelled", wh)
    extra = write_csv(
        folder / "extra.csv",
        csv_text(
            [
                # a known customer (segmented) and a new one (outside the run)
                "900001,85123A,WHITE HEART,6,2026-01-05 08:26:00,2.55,"
                f"{frame(wh, 'SELECT customer_id FROM customer_360 LIMIT 1').item()},United Kingdom",
                "900002,85123A,WHITE HEART,2,2026-01-06 08:26:00,2.55,99999,France",
            ]
        ),
    )
    ingest(wh, [extra])
    snapshot("third", wh)
    return out


def test_first_load_is_aggregated_exactly(stages: dict[str, Path]) -> None:
    wh = stages["first"]
    assert_same(agg_invoice_day(wh), expected_invoice_day(wh), INVOICE_KEYS)
    products = agg_product_day(wh)
    assert products["run_id"].null_count() == products.height  # no model run yet
    assert products["segment_id"].null_count() == products.height
    assert_same(products, expected_product_day(wh, None), PRODUCT_KEYS)
    # 20x fewer rows than lines is the point of the table
    lines = frame(wh, "SELECT count(*) FROM fact_invoice_line").item()
    assert agg_invoice_day(wh).height * 5 < lines


def test_a_second_load_adds_its_rows_and_leaves_the_old_ones(stages: dict[str, Path]) -> None:
    first, second = stages["first"], stages["second"]
    assert_same(agg_invoice_day(second), expected_invoice_day(second), INVOICE_KEYS)
    assert_same(agg_product_day(second), expected_product_day(second, None), PRODUCT_KEYS)
    old = agg_invoice_day(first)
    kept = agg_invoice_day(second).filter(pl.col("load_id").is_in(old["load_id"].unique()))
    assert kept.sort(old.columns).equals(old.sort(old.columns))
    assert agg_invoice_day(second)["load_id"].n_unique() == 2


def test_a_model_run_rebuilds_the_product_aggregate_with_its_segments(
    stages: dict[str, Path],
) -> None:
    wh = stages["modelled"]
    run_id = frame(wh, "SELECT max(run_id) FROM model_run").item()
    products = agg_product_day(wh)
    assert set(products["run_id"].unique()) == {run_id}
    assert products["segment_id"].drop_nulls().n_unique() == 3
    assert_same(products, expected_product_day(wh, run_id), PRODUCT_KEYS)
    # the run does not touch the per-invoice aggregate
    assert (
        agg_invoice_day(wh)
        .sort("invoice_no", "load_id")
        .equals(agg_invoice_day(stages["second"]).sort("invoice_no", "load_id"))
    )


def test_a_load_after_a_run_uses_the_runs_segments(stages: dict[str, Path]) -> None:
    wh = stages["third"]
    run_id = frame(wh, "SELECT max(run_id) FROM model_run").item()
    assert_same(agg_product_day(wh), expected_product_day(wh, run_id), PRODUCT_KEYS)
    assert_same(agg_invoice_day(wh), expected_invoice_day(wh), INVOICE_KEYS)
    new_rows = agg_product_day(wh).filter(pl.col("load_id") == pl.col("load_id").max())
    # the known customer's line carries their segment; the new customer's has none
    assert sorted(new_rows["segment_id"].is_null().to_list()) == [False, True]
    assert {check.name: check.ok for check in warehouse_checks(wh)}["aggregates"]


def test_refresh_is_idempotent(stages: dict[str, Path], tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    wh.write_bytes(stages["modelled"].read_bytes())
    before = agg_product_day(wh)
    with write_transaction(wh) as con:
        done = refresh_aggregates(con)
    assert (done.invoice_day_loads, done.product_day_loads) == ((), ())
    assert (
        agg_product_day(wh)
        .sort(before.columns, nulls_last=True)
        .equals(before.sort(before.columns, nulls_last=True))
    )


def test_missing_aggregates_are_reported_then_rebuilt(
    stages: dict[str, Path], tmp_path: Path
) -> None:
    """A warehouse whose aggregates lost rows (or predate them) fails doctor until refreshed."""
    wh = tmp_path / "wh.duckdb"
    wh.write_bytes(stages["modelled"].read_bytes())
    with write_transaction(wh) as con:
        con.execute("DELETE FROM agg_invoice_day WHERE load_id = 1")
        con.execute("DELETE FROM agg_product_day")
    check = {c.name: c for c in warehouse_checks(wh)}["aggregates"]
    assert not check.ok
    assert "loads 1, 2" in check.detail
    assert "segmenta model" in check.detail
    with write_transaction(wh) as con:
        done = refresh_aggregates(con)
    assert done.invoice_day_loads == (1,)
    assert done.product_day_loads == (1, 2)
    assert {c.name: c.ok for c in warehouse_checks(wh)}["aggregates"]
    assert_same(agg_invoice_day(wh), expected_invoice_day(wh), INVOICE_KEYS)
