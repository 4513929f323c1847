"""Small builders for hand-made invoice files used across the tests."""

from __future__ import annotations

from pathlib import Path

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
