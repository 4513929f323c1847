"""Builders of small warehouses for the model tests (this module holds no tests).

Warehouses are made with the real schema and hand-made rows inserted with SQL, so each test
knows its answers without going through the ETL's cleaning rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from segmenta.warehouse.schema import apply_schema

LINE_SCHEMA = {
    "invoice_no": pl.String,
    "ts": pl.Datetime("us"),
    "customer_key": pl.Int64,
    "stock_code": pl.String,
    "quantity": pl.Int64,
    "unit_price": pl.Float64,
}


def create_warehouse(path: Path) -> Path:
    """An empty warehouse: the schema, the unknown customer and two countries."""
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        con.execute(
            "INSERT INTO dim_country (country_key, country_name) "
            "VALUES (0, 'Unknown'), (1, 'United Kingdom')"
        )
        con.execute(
            "INSERT INTO dim_customer (customer_key, customer_id, display_name, country_key) "
            "VALUES (0, NULL, 'Unknown customer', 0)"
        )
    finally:
        con.close()
    return path


def lines_frame(rows: list[tuple]) -> pl.DataFrame:
    """(invoice_no, 'YYYY-MM-DD HH:MM', customer_key, stock_code, quantity, unit_price) rows."""
    return pl.DataFrame(
        [
            (inv, datetime.fromisoformat(ts), cust, code, qty, price)
            for inv, ts, cust, code, qty, price in rows
        ],
        schema=LINE_SCHEMA,
        orient="row",
    )


def add_lines(
    path: Path, lines: pl.DataFrame, excluded: set[int] | frozenset[int] = frozenset()
) -> None:
    """Insert invoice lines, creating their customers (key <> 0) and products as needed."""
    con = duckdb.connect(str(path))
    con.register("new_lines", lines)
    try:
        con.execute(
            """
            INSERT INTO dim_customer (customer_key, customer_id, display_name, country_key,
                                      is_excluded, exclusion_reason)
            SELECT DISTINCT customer_key, customer_key::VARCHAR, 'Customer ' || customer_key, 1,
                   list_contains($excluded, customer_key),
                   CASE WHEN list_contains($excluded, customer_key) THEN 'test' END
            FROM new_lines
            WHERE customer_key <> 0
              AND customer_key NOT IN (SELECT customer_key FROM dim_customer)
            """,
            {"excluded": sorted(excluded)},
        )
        con.execute(
            """
            INSERT INTO dim_product (product_key, stock_code, description, is_product)
            SELECT (SELECT coalesce(max(product_key), 0) FROM dim_product)
                       + row_number() OVER (ORDER BY stock_code),
                   stock_code, 'ITEM ' || stock_code, TRUE
            FROM (SELECT DISTINCT stock_code FROM new_lines)
            WHERE stock_code NOT IN (SELECT stock_code FROM dim_product)
            """
        )
        con.execute(
            """
            INSERT INTO fact_invoice_line
            SELECT (SELECT coalesce(max(line_id), 0) FROM fact_invoice_line) + n, 1, n,
                   invoice_no, ts, CAST(strftime(ts, '%Y%m%d') AS INTEGER), customer_key,
                   p.product_key, 1, quantity, unit_price, quantity * unit_price,
                   quantity < 0, invoice_no LIKE 'C%', FALSE
            FROM (SELECT *, row_number() OVER () AS n FROM new_lines) l
            JOIN dim_product p USING (stock_code)
            """
        )
    finally:
        con.unregister("new_lines")
        con.close()


def add_customer_table(path: Path, rows: list[dict]) -> None:
    """Customers from a customer table: dicts with customer_key and any of gender, age,
    annual_income_k, spending_score, and 'extra': {attribute: number or text}."""
    con = duckdb.connect(str(path))
    try:
        for row in rows:
            con.execute(
                """
                INSERT INTO dim_customer (customer_key, customer_id, display_name, country_key,
                                          gender, age, annual_income_k, spending_score)
                VALUES ($key, $key::VARCHAR, 'Customer ' || $key, 0, $gender, $age, $income, $score)
                """,
                {
                    "key": row["customer_key"],
                    "gender": row.get("gender"),
                    "age": row.get("age"),
                    "income": row.get("annual_income_k"),
                    "score": row.get("spending_score"),
                },
            )
            for attribute, value in row.get("extra", {}).items():
                numeric = isinstance(value, int | float)
                con.execute(
                    "INSERT INTO customer_attribute VALUES ($key, $attribute, $num, $text)",
                    {
                        "key": row["customer_key"],
                        "attribute": attribute,
                        "num": float(value) if numeric else None,
                        "text": None if numeric else value,
                    },
                )
    finally:
        con.close()


def synthetic_lines(n_customers: int = 300, seed: int = 0, days: int = 400) -> pl.DataFrame:
    """Invoices of customers who buy at their own rate and stop at their own time: frequent
    big spenders, occasional buyers, one-off buyers and lapsed customers, over ``days``."""
    rng = np.random.default_rng(seed)
    start = datetime(2021, 1, 1, 9, 0)
    rows = []
    invoice = 100_000
    for customer in range(1, n_customers + 1):
        kind = rng.choice(4, p=[0.2, 0.35, 0.25, 0.2])
        rate = [1 / 10, 1 / 40, 1 / 400, 1 / 25][kind]  # purchases per day
        price = [8.0, 3.0, 2.0, 3.0][kind]
        first = rng.uniform(0, days * 0.7)
        stop = days if kind in (0, 1) else first + rng.uniform(30, days * 0.5)
        t = first
        while t < min(stop, days):
            invoice += 1
            when = start + timedelta(days=float(t))
            for item in range(int(rng.integers(1, 5))):
                qty = int(rng.integers(1, 12))
                rows.append(
                    (
                        str(invoice),
                        when,
                        customer,
                        f"P{item + int(rng.integers(0, 20))}",
                        qty,
                        price,
                    )
                )
            t += rng.exponential(1 / rate)
            if kind == 2:  # one-off buyers
                break
    return pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row")


def synthetic_warehouse(path: Path, n_customers: int = 300, seed: int = 0) -> Path:
    create_warehouse(path)
    add_lines(path, synthetic_lines(n_customers, seed))
    return path


def mall_like_rows(seed: int = 0) -> list[dict]:
    """Five groups on (income, spending score) like the mall table, with ages and genders."""
    rng = np.random.default_rng(seed)
    centres = [(25, 20), (25, 80), (55, 50), (90, 15), (90, 85)]
    rows = []
    key = 1
    for income, score in centres:
        for _ in range(24):
            rows.append(
                {
                    "customer_key": key,
                    "gender": ["Male", "Female"][key % 2],
                    "age": int(rng.integers(18, 70)),
                    "annual_income_k": float(round(income + rng.normal(0, 5))),
                    "spending_score": float(round(np.clip(score + rng.normal(0, 6), 1, 99))),
                }
            )
            key += 1
    return rows
