"""AG Grid column definitions shared by the pages' customer lists (one look everywhere)."""

from __future__ import annotations

from typing import Any

from segmenta.dashboard.theme import CURRENCY

Column = dict[str, Any]


def customer_column(min_width: int = 160) -> Column:
    """The customer's display name, pinned left; the real id on hover."""
    return {
        "field": "display_name",
        "headerName": "Customer",
        "minWidth": min_width,
        "pinned": "left",
        "tooltipField": "customer_id",
        "headerTooltip": "Customer name (hover for the customer id)",
    }


def country_column(min_width: int = 120) -> Column:
    return {"field": "country", "headerName": "Country", "minWidth": min_width}


def segment_column(min_width: int = 140) -> Column:
    """The segment name with its colour as a left border (rows carry ``segment_color``)."""
    return {
        "field": "segment",
        "headerName": "Segment",
        "minWidth": min_width,
        "cellStyle": {"function": "({borderLeft: '6px solid ' + params.data.segment_color})"},
    }


def number_column(field: str, header: str, d3_format: str = ",", **extra: Any) -> Column:
    """A right-aligned number formatted with d3-format (``","``, ``".0%"``, ...)."""
    return {
        "field": field,
        "headerName": header,
        "type": "rightAligned",
        "valueFormatter": {"function": f"d3.format('{d3_format}')(params.value)"},
        **extra,
    }


def money_column(field: str, header: str, decimals: int = 0, **extra: Any) -> Column:
    return {
        **number_column(field, header, **extra),
        "valueFormatter": {"function": f"'{CURRENCY}' + d3.format(',.{decimals}f')(params.value)"},
    }
