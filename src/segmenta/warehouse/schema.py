"""Create the star schema: one SQL file per relation under ``sql/tables`` and ``sql/views``."""

from __future__ import annotations

from importlib.resources import files

import duckdb

SQL_ROOT = files("segmenta.warehouse") / "sql"

#: Views in dependency order (a view may only read tables and the views before it).
VIEW_ORDER = (
    "v_invoice_line",
    "v_invoice",
    "v_customer_line",
    "latest_run",
    "segment_named",
    "customer_360",
)


def read_sql(relative: str) -> str:
    """Text of a SQL file under ``segmenta/warehouse/sql``."""
    return (SQL_ROOT / relative).read_text(encoding="utf-8")


def table_names() -> list[str]:
    """The names of the tables, one per file under ``sql/tables``, alphabetical."""
    return sorted(
        p.name.removesuffix(".sql")
        for p in (SQL_ROOT / "tables").iterdir()
        if p.name.endswith(".sql")
    )


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing, then (re)create every view. Idempotent."""
    for name in table_names():
        con.execute(read_sql(f"tables/{name}.sql"))
    for name in VIEW_ORDER:
        con.execute(read_sql(f"views/{name}.sql"))
