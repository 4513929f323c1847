"""Small builders for hand-made invoice files, and the dashboard tests' demo warehouse."""

from __future__ import annotations

import fcntl
from pathlib import Path

import duckdb
import polars as pl

HEADER = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]


def invoice_rows(*rows: tuple) -> pl.DataFrame:
    """A frame in the UCI layout from (InvoiceNo, StockCode, Qty, Date, Price, CustomerID, Country) tuples."""
    return pl.DataFrame(
        [
            {
                "InvoiceNo": r[0],
                "StockCode": r[1],
                "Description": f"ITEM {r[1]}",
                "Quantity": r[2],
                "InvoiceDate": r[3],
                "UnitPrice": r[4],
                "CustomerID": r[5],
                "Country": r[6],
            }
            for r in rows
        ],
        schema={
            "InvoiceNo": pl.String,
            "StockCode": pl.String,
            "Description": pl.String,
            "Quantity": pl.Int64,
            "InvoiceDate": pl.String,
            "UnitPrice": pl.Float64,
            "CustomerID": pl.Float64,
            "Country": pl.String,
        },
    )


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(lines: list[str], header: list[str] | None = None, sep: str = ",") -> str:
    return sep.join(header or HEADER) + "\n" + "\n".join(lines) + "\n"


#: the shared demo warehouse of the dashboard tests (generate -> ingest -> model)
DEMO_CUSTOMERS = 2000
DEMO_SEED = 42


def demo_warehouse_at(base: Path, *, with_customer_table: bool = True) -> Path:
    """Build (once: later calls reuse it) a demo warehouse under ``base``; return its path."""
    from segmenta.demo import write_demo_data
    from segmenta.etl.load import ingest
    from segmenta.models.run import run_model

    name = "demo" if with_customer_table else "demo-invoices-only"
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    done = folder / "built"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            data_dir = base / "demo-data"
            if not (data_dir / "invoices.csv").exists():
                write_demo_data(data_dir, n_customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
            customers = data_dir / "customers.csv" if with_customer_table else None
            ingest(warehouse, [data_dir / "invoices.csv"], customer_file=customers)
            run_model(warehouse, seed=DEMO_SEED)
            done.touch()
    return warehouse


def warehouse_rows(path: Path, sql: str) -> list[tuple]:
    """The rows of a test-only check query over the warehouse file ``path``, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
