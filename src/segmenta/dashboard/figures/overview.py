"""The overview page's charts: customers and revenue per segment (bars), revenue per customer
against recency (bubbles). Their customdata carries the segment name, for the drill-through.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.theme import (
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    Figure,
    color_of,
    figure,
    fmt_int,
    fmt_money_short,
    fmt_pct,
)


def _bar(
    summary: pl.DataFrame,
    value: str,
    text: list[str],
    hover: str,
    title_x: str,
    colors: dict[str, str],
    xaxis: dict[str, Any] | None = None,
) -> Figure:
    segments = summary["segment"].to_list()
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": segments,
        "x": summary[value].to_list(),
        "marker": {"color": [color_of(colors, s) for s in segments]},
        "text": text,
        "textposition": "auto",
        "customdata": segments,
        "hovertemplate": hover,
        "cliponaxis": False,
    }
    return figure(
        [trace],
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": title_x}, "rangemode": "tozero", **(xaxis or {})},
        showlegend=False,
        clickmode="event",
    )


def customers_bar(summary: pl.DataFrame, colors: dict[str, str]) -> Figure:
    """Customers per segment, with their share."""
    text = [
        f"{fmt_int(n)} ({fmt_pct(s, 0)})"
        for n, s in summary.select("customers", "customer_share").iter_rows()
    ]
    return _bar(
        summary,
        "customers",
        text,
        "<b>%{y}</b><br>%{x:,} customers<extra></extra>",
        "Customers",
        colors,
    )


def revenue_bar(summary: pl.DataFrame, colors: dict[str, str]) -> Figure:
    """Gross revenue per segment."""
    text = [fmt_money_short(v) for v in summary["revenue"].to_list()]
    return _bar(
        summary,
        "revenue",
        text,
        "<b>%{y}</b><br>Revenue %{x:" + D3_MONEY + "}<extra></extra>",
        "Gross revenue",
        colors,
        xaxis={"tickprefix": CURRENCY, "tickformat": D3_SHORT},
    )


def _column_max(frame: pl.DataFrame, column: str) -> float:
    """The largest value of a numeric column as a float (0.0 when empty or all null)."""
    value = frame.select(pl.col(column).cast(pl.Float64).max()).item()
    return float(value) if value is not None else 0.0


def bubble(summary: pl.DataFrame, colors: dict[str, str]) -> Figure:
    """One bubble per segment: mean recency against revenue per customer, sized by customers."""
    max_customers = max(_column_max(summary, "customers"), 1.0)
    max_x = max(_column_max(summary, "recency_days"), 1.0)
    max_y = max(_column_max(summary, "revenue_per_customer"), 1.0)
    traces = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [row["recency_days"]],
            "y": [row["revenue_per_customer"]],
            "name": row["segment"],
            "marker": {
                "size": [row["customers"]],
                "sizemode": "area",
                "sizeref": 2.0 * max_customers / (60.0**2),
                "sizemin": 6,
                "color": color_of(colors, row["segment"]),
                "line": {"width": 1, "color": "white"},
                "opacity": 0.85,
            },
            "customdata": [[row["segment"], row["customers"], row["revenue"]]],
            "hovertemplate": (
                "<b>%{customdata[0]}</b><br>Recency %{x:,.0f} days<br>"
                "Revenue / customer %{y:" + D3_MONEY + "}<br>%{customdata[1]:,} customers<br>"
                "Revenue %{customdata[2]:" + D3_MONEY + "}<extra></extra>"
            ),
        }
        for row in summary.iter_rows(named=True)
    ]
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        xaxis={
            "title": {"text": "Mean recency (days since last purchase)"},
            "range": [0, max_x * 1.15],
        },
        yaxis={
            "title": {"text": "Revenue per customer"},
            "range": [0, max_y * 1.2],
            "tickprefix": CURRENCY,
            "tickformat": D3_SHORT,
        },
        showlegend=False,
        clickmode="event",
    )
