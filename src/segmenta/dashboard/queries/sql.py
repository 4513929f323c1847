"""The SQL page's query: the warehouse's relations and columns (the schema panel)."""

from __future__ import annotations

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.render import Explained, explain, template
from segmenta.warehouse.connection import WarehouseReader

__all__ = ["explained", "schema_columns"]


def schema_columns(reader: WarehouseReader) -> pl.DataFrame:
    """relation, kind, column_name, data_type, position of every column of the warehouse."""
    return reader.query(template("schema_columns"))


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The query the SQL page runs (the analyst's own query runs in the sandbox, unfiltered)."""
    return [explain("schema_columns", note="the schema panel")]
