"""The products page's queries: per-product metrics and their rankings, a product's months,
buyers and segments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import cache
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run, template
from segmenta.warehouse.connection import WarehouseReader

__all__ = [
    "DEFAULT_MIN_LINES",
    "PRODUCT_BUYERS_LIMIT",
    "PRODUCT_TOP_N",
    "PRODUCT_TREND_N",
    "best_sellers",
    "explained",
    "highest_rates",
    "product_buyers",
    "product_lookup",
    "product_metrics",
    "product_monthly",
    "product_segments",
]

#: Products in each ranking at most.
PRODUCT_TOP_N = 10
#: Products drawn in the revenue-over-time chart (the best sellers by revenue).
PRODUCT_TREND_N = 5
#: Customers listed for a clicked product at most.
PRODUCT_BUYERS_LIMIT = 200
#: Default minimum volume (purchase lines) for the return and cancellation rankings.
DEFAULT_MIN_LINES = 30
_STOCK_CODE = re.compile(r"[\w .\-/]{1,40}")


def product_metrics(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per product sold to covered customers in the filtered lines (``product_metrics.sql``):
    revenue, units, purchase lines, units returned and return rate, cancellation lines and rate.
    Cached per warehouse version and filter."""
    options = filter_options(reader)
    return cache.cached(
        reader,
        ("product_metrics", filters),
        lambda: run(reader, "product_metrics", filters, options),
    )


def best_sellers(
    metrics: pl.DataFrame, by: Literal["revenue", "quantity"], n: int = PRODUCT_TOP_N
) -> pl.DataFrame:
    """The ``n`` products with the most revenue or units (ties by stock code)."""
    if by not in ("revenue", "quantity"):
        raise ValueError(f"rank by revenue or quantity, not {by!r}")
    return metrics.filter(pl.col(by) > 0).sort([by, "stock_code"], descending=[True, False]).head(n)


def highest_rates(
    metrics: pl.DataFrame,
    rate: Literal["return_rate", "cancellation_rate"],
    min_lines: int = DEFAULT_MIN_LINES,
    n: int = PRODUCT_TOP_N,
) -> pl.DataFrame:
    """The ``n`` products with the highest return or cancellation rate among those with at least
    ``min_lines`` purchase lines (the minimum-volume threshold), ties by volume."""
    if rate not in ("return_rate", "cancellation_rate"):
        raise ValueError(f"rank by return_rate or cancellation_rate, not {rate!r}")
    return (
        metrics.filter((pl.col("purchase_lines") >= max(int(min_lines), 1)) & (pl.col(rate) > 0))
        .sort([rate, "purchase_lines", "stock_code"], descending=[True, True, False])
        .head(n)
    )


def product_monthly(
    reader: WarehouseReader, filters: Filters, product_keys: Sequence[int]
) -> pl.DataFrame:
    """Revenue and units per (product, month) for ``product_keys`` over the filtered lines."""
    keys = [int(k) for k in product_keys if isinstance(k, int) and not isinstance(k, bool)]
    if not keys:
        return pl.DataFrame(
            schema={
                "product_key": pl.Int32,
                "month": pl.Date,
                "revenue": pl.Float64,
                "quantity": pl.Int64,
            }
        )
    return run(reader, "product_monthly", filters, filter_options(reader), {"product_keys": keys})


def product_lookup(reader: WarehouseReader, stock_code: object) -> dict[str, Any] | None:
    """product_key, stock_code and description of a stock code, or None if there is none."""
    if not isinstance(stock_code, str) or not _STOCK_CODE.fullmatch(stock_code):
        return None
    frame = reader.query(template("product_lookup"), {"stock_code": stock_code})
    return frame.row(0, named=True) if frame.height else None


def product_buyers(
    reader: WarehouseReader, filters: Filters, product_key: int, limit: int = PRODUCT_BUYERS_LIMIT
) -> pl.DataFrame:
    """The covered customers who bought the product in the filtered lines, biggest spend first."""
    params = {"product_key": int(product_key), "limit": limit}
    return run(reader, "product_buyers", filters, filter_options(reader), params)


def product_segments(reader: WarehouseReader, filters: Filters, product_key: int) -> pl.DataFrame:
    """Buying customers, units and revenue of the product per segment."""
    params = {"product_key": int(product_key)}
    return run(reader, "product_segments", filters, filter_options(reader), params)


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the products page runs for ``filters``."""
    on_click = "when a product is clicked ($product_key, $stock_code: its)"
    return [
        explain("product_metrics", filters, options, note="the four rankings"),
        explain(
            "product_monthly",
            filters,
            options,
            {"product_keys": [None] * PRODUCT_TREND_N},
            note=f"when the rankings are drawn ($product_keys: the {PRODUCT_TREND_N} best sellers "
            "by revenue): revenue over time",
        ),
        explain("product_lookup", params={"stock_code": None}, note=on_click),
        explain("product_segments", filters, options, {"product_key": None}, note=on_click),
        explain(
            "product_buyers",
            filters,
            options,
            {"product_key": None, "limit": PRODUCT_BUYERS_LIMIT},
            note=on_click,
        ),
    ]
