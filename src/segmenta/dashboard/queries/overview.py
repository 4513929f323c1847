"""The overview page's queries: the segment summary and the KPIs summed from it."""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run
from segmenta.warehouse.connection import WarehouseReader

__all__ = ["explained", "overview_kpis", "segment_summary"]


def _summary_query(filters: Filters) -> str:
    return "segment_summary" if filters.has_line_filter else "segment_summary_all_time"


def segment_summary(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per segment: the study's table (see ``segment_summary.sql``).

    Without a date or country filter the per-customer totals come from the model run's
    features (``segment_summary_all_time.sql``: same definitions, no invoice line read).
    """
    return run(reader, _summary_query(filters), filters, filter_options(reader))


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
    top = summary.sort(["revenue", "segment_id"], descending=[True, False]).row(0, named=True)
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
        explain(_summary_query(filters), filters, options, note="KPIs, charts and table"),
        explain("filter_segments", note="segment descriptions"),
    ]
