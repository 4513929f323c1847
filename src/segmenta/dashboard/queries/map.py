"""The map page's query: customers, revenue and churn per country."""

from __future__ import annotations

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run
from segmenta.warehouse.connection import WarehouseReader

__all__ = ["country_metrics", "explained"]


def country_metrics(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per country: customers, revenue, invoices, revenue per customer, churn rate."""
    return run(reader, "country_metrics", filters, filter_options(reader))


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the map page runs for ``filters``."""
    return [explain("country_metrics", filters, options, note="the map and its table")]
