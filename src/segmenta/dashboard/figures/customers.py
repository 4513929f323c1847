"""The customer detail view's charts: the invoice history by month and the segment's profile."""

from __future__ import annotations

import polars as pl

from segmenta.dashboard.theme import (
    ACCENT,
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    NEUTRAL,
    RISK_COLORS,
    Figure,
    empty_figure,
    figure,
)
from segmenta.warehouse.vocabulary import feature_label


def history_figure(history: pl.DataFrame) -> Figure:
    """Revenue and returns (negative) by month of one customer."""
    if history.is_empty():
        return empty_figure("No invoices in the selected period")
    months = history["month"].to_list()
    revenue = {
        "type": "bar",
        "x": months,
        "y": history["revenue"].to_list(),
        "name": "Revenue",
        "marker": {"color": ACCENT},
        "customdata": history["invoices"].to_list(),
        "hovertemplate": "%{x|%b %Y}<br>Revenue %{y:"
        + D3_MONEY
        + "}<br>%{customdata} invoices<extra></extra>",
    }
    returns = {
        "type": "bar",
        "x": months,
        "y": [-v for v in history["returned_value"].to_list()],
        "name": "Returns",
        "marker": {"color": RISK_COLORS["high"]},
        "hovertemplate": "%{x|%b %Y}<br>Returned %{y:" + D3_MONEY + "}<extra></extra>",
    }
    return figure(
        [revenue, returns],
        barmode="relative",
        height=240,
        margin={"l": 8, "r": 8, "t": 12, "b": 32},
        yaxis={"tickprefix": CURRENCY, "tickformat": D3_SHORT},
        xaxis={"tickformat": "%b %Y", "type": "date"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
    )


def segment_why_figure(profile: dict[str, float], color: str) -> Figure:
    """The segment's mean standardised features, largest differences first."""
    if not profile:
        return empty_figure("No segment profile for this run")
    items = sorted(profile.items(), key=lambda kv: abs(kv[1]), reverse=True)[:8][::-1]
    values = [v for _, v in items]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": [feature_label(k) for k, _ in items],
        "marker": {"color": [color if v >= 0 else NEUTRAL for v in values]},
        "hovertemplate": "%{y}: %{x:+.2f} sd from the average customer<extra></extra>",
    }
    return figure(
        [trace],
        height=60 + 34 * len(items),
        margin={"l": 8, "r": 8, "t": 8, "b": 40},
        xaxis={
            "title": {"text": "standard deviations from the average customer"},
            "zeroline": True,
        },
        showlegend=False,
    )
