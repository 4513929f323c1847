"""Shared helpers of the dashboard tests: the callback client, check queries, warehouses."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import polars as pl
from flask import Flask
from flask.testing import FlaskClient

from segmenta.testing.callbacks import CallbackClient, Dependency
from segmenta.warehouse.connection import WarehouseReader
from tests.helpers import demo_warehouse_at

#: a string that would break SQL built by formatting (every value must be a bound parameter)
HOSTILE = "x' OR '1'='1'); DROP TABLE dim_customer; --"
#: the fact-line predicate of a purchase (test-only SQL)
PURCHASE = "f.quantity > 0 AND NOT f.is_cancellation"


def sql(reader: WarehouseReader, query: str, params: dict | None = None) -> pl.DataFrame:
    """An independent check query (test-only SQL)."""
    return reader.query(query, params)


def busiest_country(reader: WarehouseReader, not_: str = "United Kingdom") -> str:
    return sql(
        reader,
        "SELECT k.country_name FROM fact_invoice_line f JOIN dim_country k USING (country_key) "
        "WHERE k.country_name <> $c AND f.customer_key IN (SELECT customer_key FROM customer_360) "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        {"c": not_},
    ).item()


#: each app's callbacks, read once per app (keyed weakly: the lists hold no reference to it)
_DEPENDENCIES: weakref.WeakKeyDictionary[Flask, list[Dependency]] = weakref.WeakKeyDictionary()


def call(
    client: FlaskClient,
    first_output: str,
    inputs: dict[str, Any],
    state: dict[str, Any] | None = None,
    triggered: str | None = None,
) -> dict[str, dict[str, Any]]:
    """POST one callback as the renderer does; returns {component id: {property: value}}.

    ``first_output`` is "id.prop" of the callback's first output; ``inputs`` and ``state`` map
    "id.prop" to values (missing ones are sent as None). A thin name over
    :class:`segmenta.testing.callbacks.CallbackClient`.
    """
    callbacks = CallbackClient(client, dependencies=_DEPENDENCIES.get(client.application))
    _DEPENDENCIES[client.application] = callbacks.dependencies
    return callbacks.call(first_output, inputs, state, triggered)


def customer_table_warehouse_at(base: Path) -> Path:
    """A warehouse with the demo's customer table and no invoices, modelled: a customer-table
    run (built once under ``base``, like :func:`demo_warehouse_at`)."""
    import fcntl

    from segmenta.etl.load import ingest
    from segmenta.models.run import run_model

    demo_warehouse_at(base)  # writes the demo data
    folder = base / "customer-table"
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").exists():
            ingest(warehouse, [], customer_file=base / "demo-data" / "customers.csv")
            run_model(warehouse, seed=42)
            (folder / "built").touch()
    return warehouse


#: customer ids the later load adds (the demo's are 12000-18999): never segmented by the run
NEW_CUSTOMER_OFFSET = 100_000


def later_invoices(
    first: Path, out: Path, *, window: int = 180, days: int = 190, share_new: int = 4
) -> Path:
    """A second invoice export made from ``first``: its last ``window`` days of invoices again,
    moved ``days`` later (after the model run's as-of date, before today) with new invoice
    numbers ('9' before the number, after the 'C' of a cancellation), and one customer in
    ``share_new`` given a new id (a customer first seen after the run). About half of the
    demo's revenue again: enough for a figure read from the run's features to fall below the
    same figure for a narrower filter read from the lines."""
    frame = pl.read_csv(first, infer_schema_length=0)
    ts = pl.col("InvoiceDate").str.to_datetime("%Y-%m-%d %H:%M:%S")
    last = frame.select(ts.max()).item()
    customer = pl.col("CustomerID").cast(pl.Float64)
    later = frame.filter(ts > last - pl.duration(days=window)).with_columns(
        (ts + pl.duration(days=days)).dt.strftime("%Y-%m-%d %H:%M:%S").alias("InvoiceDate"),
        pl.when(pl.col("InvoiceNo").str.starts_with("C"))
        .then("C9" + pl.col("InvoiceNo").str.slice(1))
        .otherwise("9" + pl.col("InvoiceNo"))
        .alias("InvoiceNo"),
        pl.when(customer.cast(pl.Int64) % share_new == 0)
        .then(customer + NEW_CUSTOMER_OFFSET)
        .otherwise(customer)
        .cast(pl.String)
        .alias("CustomerID"),
    )
    later.write_csv(out)
    return out


def later_load_warehouse_at(base: Path) -> Path:
    """The demo warehouse, modelled, then one more invoice load (:func:`later_invoices`) and no
    model run since: lines newer than the run and customers it has not segmented (built once
    under ``base``, like :func:`demo_warehouse_at`)."""
    import fcntl
    import shutil

    from segmenta.etl.load import ingest

    demo = demo_warehouse_at(base)
    folder = base / "later-load"
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").exists():
            shutil.copyfile(demo, warehouse)
            later = later_invoices(base / "demo-data" / "invoices.csv", folder / "later.csv")
            ingest(warehouse, [later])
            (folder / "built").touch()
    return warehouse
