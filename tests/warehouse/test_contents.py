"""``read_contents`` says what a warehouse holds: nothing, invoices, a customer table or both,
and whether the latest model run scored churn."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segmenta.engine import DuckDBEngine
from segmenta.etl.load import ingest
from segmenta.models.run import run_model
from segmenta.warehouse.connection import open_read_only, write_transaction
from segmenta.warehouse.contents import WarehouseContents, read_contents
from tests.helpers import csv_text, write_csv
from tests.helpers.models import (
    add_customer_table,
    create_warehouse,
    mall_like_rows,
    synthetic_warehouse,
)

LINES = [
    "1,AA,x,2,2010-12-01 08:00:00,1.5,17850,United Kingdom",
    "1,BB,y,1,2010-12-01 08:00:00,3.0,17850,United Kingdom",
    "2,AA,x,5,2010-12-02 09:00:00,1.5,13047,France",
]
CUSTOMERS = "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n2,Female,21,15,81\n"


def contents_of(path: Path) -> WarehouseContents:
    con = open_read_only(path)
    try:
        return read_contents(con)
    finally:
        con.close()


def test_an_empty_warehouse_holds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    with write_transaction(path):
        pass
    contents = contents_of(path)
    assert contents == WarehouseContents(0, 0, 0, 0, None, 0)
    assert contents.kind == "empty"
    assert not contents.has_invoices
    assert not contents.has_customer_table
    assert not contents.has_model_run
    assert not contents.has_churn_model


def test_invoices_only(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    ingest(path, [write_csv(tmp_path / "a.csv", csv_text(LINES))])
    contents = contents_of(path)
    assert (contents.invoice_lines, contents.customers) == (3, 2)
    assert contents.kind == "invoices"
    assert contents.has_invoices
    assert not contents.has_customer_table
    assert not contents.has_model_run


def test_a_customer_table_only(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    ingest(path, [], customer_file=write_csv(tmp_path / "c.csv", CUSTOMERS))
    contents = contents_of(path)
    assert (contents.invoice_lines, contents.customers, contents.customer_table_customers) == (
        0,
        2,
        2,
    )
    assert contents.kind == "customer_table"
    assert contents.has_customer_table
    assert not contents.has_invoices


def test_invoices_and_a_customer_table(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    customers = "CustomerID,Gender,Age\n17850,Male,40\n"
    ingest(
        path,
        [write_csv(tmp_path / "a.csv", csv_text(LINES))],
        customer_file=write_csv(tmp_path / "c.csv", customers),
    )
    contents = contents_of(path)
    assert (contents.customers, contents.customer_table_customers) == (2, 1)
    assert contents.kind == "both"


def test_customer_attributes_alone_count_as_a_customer_table(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "wh.duckdb")
    add_customer_table(path, [{"customer_key": 1, "extra": {"credit_limit": 1000.0}}])
    con = duckdb.connect(str(path), read_only=True)
    try:
        contents = read_contents(DuckDBEngine(con))  # an engine works as well as a connection
    finally:
        con.close()
    assert contents.kind == "customer_table"


@pytest.mark.slow
def test_model_runs_and_churn(tmp_path: Path) -> None:
    invoices = synthetic_warehouse(tmp_path / "inv.duckdb", n_customers=200)
    run_model(invoices, k=3)
    contents = contents_of(invoices)
    assert (contents.model_runs, contents.latest_run_kind) == (1, "invoices")
    assert contents.has_model_run
    assert contents.has_churn_model

    table = create_warehouse(tmp_path / "mall.duckdb")
    add_customer_table(table, mall_like_rows())
    run_model(table, k=5)
    contents = contents_of(table)
    assert contents.kind == "customer_table"
    assert (contents.model_runs, contents.latest_run_kind) == (1, "customer_table")
    assert contents.has_model_run
    assert not contents.has_churn_model
