"""The age / gender page's queries: customers and revenue per group, income vs spending."""

from __future__ import annotations

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run
from segmenta.warehouse.connection import WarehouseReader

__all__ = ["SCATTER_POINTS", "demographic_groups", "explained", "income_spending"]

#: Points drawn in the income / spending scatter at most.
SCATTER_POINTS = 3_000


def demographic_groups(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """Customers and revenue per (age group, gender, segment)."""
    return run(reader, "demographic_groups", filters, filter_options(reader))


def income_spending(
    reader: WarehouseReader, filters: Filters, limit: int = SCATTER_POINTS
) -> pl.DataFrame:
    """A stable sample of customers with income: income, spending score, revenue, segment."""
    return run(reader, "income_spending", filters, filter_options(reader), {"limit": limit})


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the age / gender page runs for ``filters``."""
    return [
        explain("demographic_groups", filters, options, note="the age, gender and segment charts"),
        explain(
            "income_spending",
            filters,
            options,
            {"limit": SCATTER_POINTS},
            note="the income vs spending scatter",
        ),
    ]
