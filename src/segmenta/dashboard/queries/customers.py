"""The customers page's queries: blocks of the grid, the CSV export, one customer's detail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.grid import (
    GRID_QUERY,
    TOTAL_COLUMN,
    GridRequest,
    grid_block_slots,
    grid_count,
    grid_count_slots,
)
from segmenta.dashboard.queries.render import Explained, explain, run, template
from segmenta.warehouse.connection import WarehouseReader

__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_ROW_LIMIT",
    "CustomerDetail",
    "customer_detail",
    "customer_export",
    "customer_page",
    "explained",
]

#: Most rows a CSV export writes.
EXPORT_ROW_LIMIT = 1_000_000
#: Rows of the grid's first block (AG Grid's cacheBlockSize).
FIRST_BLOCK_ROWS = 100
#: Products and returns listed in a customer's detail at most.
TOP_PRODUCTS, MAX_RETURNS = 10, 20

#: Columns of the CSV export, in order, with their headers: revenue, invoices, return_rate and
#: last_purchase_date follow the date and country slicers; segment, churn, recency and frequency
#: are the latest model run's, as of its as-of date (their headers say so where it is not plain).
EXPORT_COLUMNS: dict[str, str] = {
    "customer_id": "customer_id",
    "display_name": "display_name",
    "country": "country",
    "segment": "segment",
    "churn_probability": "churn_probability",
    "risk_band": "risk_band",
    "revenue": "revenue",
    "invoices": "invoices",
    "recency_days": "recency_days_as_of_run",
    "frequency": "frequency_as_of_run",
    "return_rate": "return_rate",
    "last_purchase_at": "last_purchase_date",
}


def _grid_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop(TOTAL_COLUMN, strict=False).with_columns(
        pl.col("last_purchase_at").dt.strftime("%Y-%m-%d"),
        pl.col("revenue").round(2),
        pl.col("churn_probability").round(4),
        pl.col("return_rate").round(4),
    )


def customer_page(
    reader: WarehouseReader, filters: Filters, request: GridRequest
) -> tuple[pl.DataFrame, int]:
    """One block of the customers grid and the total row count for the same filters."""
    options = filter_options(reader)
    name = GRID_QUERY
    slots = grid_block_slots(request)
    limit = request.end_row - request.start_row
    rows = run(reader, name, filters, options, {"limit": limit, "offset": request.start_row}, slots)
    if rows.height:
        total = int(rows[TOTAL_COLUMN][0])
    elif request.start_row == 0:
        total = 0
    else:  # a block past the end of the list: count it alone
        total = grid_count(reader, name, filters, options, slots["grid_filter"])
    return _grid_rows(rows), total


def customer_export(
    reader: WarehouseReader, filters: Filters, request: GridRequest, limit: int = EXPORT_ROW_LIMIT
) -> pl.DataFrame:
    """Every row of the grid for the current filters, search, column filters and sort."""
    options = filter_options(reader)
    slots = grid_block_slots(request)
    frame = run(reader, GRID_QUERY, filters, options, {"limit": limit, "offset": 0}, slots)
    return _grid_rows(frame).select([pl.col(c).alias(h) for c, h in EXPORT_COLUMNS.items()])


@dataclass(frozen=True)
class CustomerDetail:
    """What the detail view of one customer shows."""

    profile: dict[str, Any]
    segment_profile: dict[str, float]
    history: pl.DataFrame
    top_products: pl.DataFrame
    returns: pl.DataFrame


def customer_detail(
    reader: WarehouseReader,
    filters: Filters,
    customer_key: int,
    top_n: int = TOP_PRODUCTS,
    max_returns: int = MAX_RETURNS,
) -> CustomerDetail | None:
    """Everything the detail view of one customer shows, or None if they are not in the run."""
    if isinstance(customer_key, bool) or not isinstance(customer_key, int):
        return None
    options = filter_options(reader)
    profile = reader.query(template("customer_profile"), {"customer_key": customer_key})
    if profile.is_empty():
        return None
    row = profile.row(0, named=True)
    try:
        segment_profile = {
            k: float(v) for k, v in json.loads(row.pop("segment_profile") or "{}").items()
        }
    except (TypeError, ValueError, AttributeError):
        segment_profile = {}
    params = {"customer_key": customer_key}
    history = run(reader, "customer_history", filters, options, params)
    products = run(reader, "customer_top_products", filters, options, {**params, "limit": top_n})
    returns = run(reader, "customer_returns", filters, options, {**params, "limit": max_returns})
    return CustomerDetail(row, segment_profile, history, products, returns)


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the customers page runs for ``filters`` (the grid unsorted, no search)."""
    name = GRID_QUERY
    slots = grid_block_slots(GridRequest())
    clicked = {"customer_key": None}
    on_click = "when a customer is clicked ($customer_key: theirs)"
    return [
        explain(
            name,
            filters,
            options,
            {"limit": FIRST_BLOCK_ROWS, "offset": 0},
            slots,
            note="a block of the grid (sorted by revenue, no search)",
        ),
        explain(
            name,
            filters,
            options,
            slots=grid_count_slots(slots["grid_filter"]),
            note="the grid's row count (only for a block past the end of the list)",
        ),
        explain(
            name,
            filters,
            options,
            {"limit": EXPORT_ROW_LIMIT, "offset": 0},
            slots,
            note="the CSV export",
        ),
        explain("customer_profile", params=clicked, note=on_click),
        explain("customer_history", filters, options, clicked, note=on_click),
        explain(
            "customer_top_products",
            filters,
            options,
            {**clicked, "limit": TOP_PRODUCTS},
            note=on_click,
        ),
        explain(
            "customer_returns", filters, options, {**clicked, "limit": MAX_RETURNS}, note=on_click
        ),
    ]
