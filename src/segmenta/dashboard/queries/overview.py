"""The overview page's queries: the segment summary and the KPIs summed from it."""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run
from segmenta.warehouse.connection import WarehouseReader

__all__ = ["explained", "overview_kpis", "segment_summary"]


def segment_summary(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per segment, then a 'Not segmented' row (segment_id null) for covered customers
    the latest run has not segmented: the study's table (see ``segment_summary.sql``).

    The line figures come from ``agg_invoice_day`` for every filter state, so the figures
    include the lines loaded since the last model run.
    """
    return run(reader, "segment_summary", filters, filter_options(reader))


def overview_kpis(summary: pl.DataFrame) -> dict[str, Any]:
    """Headline figures, summed from :func:`segment_summary` (so they always agree with it)."""
    if summary.is_empty():
        return {
            "customers": 0,
            "revenue": 0.0,
            "invoices": 0,
            "avg_ticket": None,
            "return_rate": None,
            "top_segment": None,
            "top_segment_share": None,
        }
    customers = int(summary["customers"].sum())
    revenue = float(summary["revenue"].sum())
    invoices = int(summary["invoices"].sum())
    items = float(summary["items"].sum())
    returned = float(summary["returned_items"].sum())
    segmented = summary.filter(pl.col("segment_id").is_not_null())
    top: dict[str, Any] = {"segment": None, "revenue": 0.0}
    if segmented.height:
        top = segmented.sort(["revenue", "segment_id"], descending=[True, False]).row(0, named=True)
    return {
        "customers": customers,
        "revenue": revenue,
        "invoices": invoices,
        "avg_ticket": revenue / invoices if invoices else None,
        "return_rate": returned / items if items else None,
        "top_segment": top["segment"],
        "top_segment_share": top["revenue"] / revenue if revenue > 0 else None,
    }


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the overview page runs for ``filters``."""
    return [
        explain("segment_summary", filters, options, note="KPIs, charts and table"),
        explain("filter_segments", note="segment descriptions"),
    ]
