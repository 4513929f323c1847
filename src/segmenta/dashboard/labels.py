"""Column labels that say what a measure follows: the model run (as of its as-of date, not
the slicers) or the invoice lines the date and country slicers select."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AS_OF_RUN_TIP",
    "FREQUENCY_HEADER",
    "LINE_FIELDS",
    "RECENCY_HEADER",
    "SEGMENT_TIP",
    "scoped_columns",
]

Column = dict[str, Any]

#: Measures of the model run: they do not follow the date slicer.
RECENCY_HEADER = "Recency (days, as of the run)"
FREQUENCY_HEADER = "Frequency (as of the run)"
AS_OF_RUN_TIP = (
    "A property of the latest model run, as of its as-of date: not recomputed for the slicers"
)
SEGMENT_TIP = (
    "Segment of the latest model run; 'Not segmented': a customer the run has not segmented"
    " (first seen after it, or no purchase up to its as-of date)"
)
#: Measures over the filtered lines: their header says so when a date or country filter is set.
LINE_FIELDS = frozenset(
    {
        "revenue",
        "revenue_share",
        "revenue_per_customer",
        "invoices",
        "items",
        "return_rate",
        "last_purchase_at",
    }
)


def scoped_columns(columns: list[Column], scope: str) -> list[Column]:
    """``columns`` with each line measure's header followed by ``scope`` (a
    :attr:`~segmenta.dashboard.filters.Filters.line_scope`) unless it is "all loaded lines", and
    a tooltip saying what it is counted over in any case."""
    out = []
    for column in columns:
        if column.get("field") not in LINE_FIELDS:
            out.append(column)
            continue
        name = column["headerName"]
        out.append(
            {
                **column,
                "headerName": name if scope == "all loaded lines" else f"{name} {scope}",
                "headerTooltip": f"{name}, over the invoice lines: {scope}",
            }
        )
    return out
