"""The age / gender page's charts: customers by age group and gender (stacked by segment),
revenue by group, the segment donut and income against spending score.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.theme import (
    ACCENT,
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    Figure,
    color_of,
    empty_figure,
    figure,
)


def customers_by_figure(
    groups: pl.DataFrame, by: str, order: list[str], title_y: str, colors: dict[str, str]
) -> Figure:
    """Customers per group of ``by`` (age group or gender), stacked by segment."""
    traces = []
    segments = groups.select("segment_id", "segment").unique().sort("segment_id")
    for segment_id, segment in segments.iter_rows():
        part = groups.filter(pl.col("segment_id") == segment_id)
        counts = dict(part.group_by(by).agg(pl.col("customers").sum()).iter_rows())
        traces.append(
            {
                "type": "bar",
                "x": order,
                "y": [counts.get(g, 0) for g in order],
                "name": segment,
                "marker": {"color": color_of(colors, segment)},
                "hovertemplate": "<b>%{x}</b><br>%{fullData.name}: %{y:,} customers<extra></extra>",
            }
        )
    return figure(
        traces,
        barmode="stack",
        margin={"l": 8, "r": 8, "t": 12, "b": 40},
        yaxis={"title": {"text": title_y}},
        xaxis={"type": "category"},
    )


def revenue_by_figure(groups: pl.DataFrame, by: str, order: list[str]) -> Figure:
    """Revenue per group of ``by`` (bars) and spend per customer (line, right axis)."""
    totals = groups.group_by(by).agg(pl.col("revenue").sum(), pl.col("customers").sum())
    lookup = {row[by]: row for row in totals.iter_rows(named=True)}
    revenue = [lookup.get(g, {}).get("revenue", 0) or 0 for g in order]
    customers = [lookup.get(g, {}).get("customers", 0) or 0 for g in order]
    per_customer = [r / c if c else None for r, c in zip(revenue, customers, strict=True)]
    top = max([v for v in per_customer if v is not None] or [1.0])
    bars = {
        "type": "bar",
        "x": order,
        "y": revenue,
        "name": "Revenue",
        "marker": {"color": ACCENT},
        "customdata": [list(pair) for pair in zip(customers, per_customer, strict=True)],
        "hovertemplate": (
            "<b>%{x}</b><br>Revenue %{y:" + D3_MONEY + "}<br>%{customdata[0]:,} customers<br>"
            "Spend per customer %{customdata[1]:" + D3_MONEY + "}<extra></extra>"
        ),
    }
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": order,
        "y": per_customer,
        "name": "Spend per customer",
        "yaxis": "y2",
        "line": {"color": "#E69F00", "width": 2},
        "hovertemplate": "<b>%{x}</b><br>Spend per customer %{y:" + D3_MONEY + "}<extra></extra>",
    }
    return figure(
        [bars, line],
        margin={"l": 8, "r": 8, "t": 12, "b": 40},
        xaxis={"type": "category"},
        yaxis={"title": {"text": "Revenue"}, "tickprefix": CURRENCY, "tickformat": D3_SHORT},
        yaxis2={
            "title": {"text": "Per customer"},
            "overlaying": "y",
            "side": "right",
            "tickprefix": CURRENCY,
            "tickformat": ",.0f",
            "showgrid": False,
            "range": [0, top * 1.15],
            "automargin": True,
        },
    )


def segment_donut(groups: pl.DataFrame, colors: dict[str, str]) -> Figure:
    """Covered customers per segment as a donut."""
    totals = (
        groups.group_by("segment_id", "segment").agg(pl.col("customers").sum()).sort("segment_id")
    )
    segments = totals["segment"].to_list()
    trace = {
        "type": "pie",
        "labels": segments,
        "values": totals["customers"].to_list(),
        "hole": 0.55,
        "sort": False,
        "direction": "clockwise",
        "marker": {"colors": [color_of(colors, s) for s in segments]},
        "textinfo": "percent",
        "hovertemplate": "<b>%{label}</b><br>%{value:,} customers (%{percent})<extra></extra>",
    }
    return figure(
        [trace], margin={"l": 8, "r": 8, "t": 8, "b": 8}, legend={"orientation": "v", "x": 1.02}
    )


def income_scatter(points: pl.DataFrame, colors: dict[str, str]) -> Figure:
    """Annual income against spending score (revenue when no score), one trace per segment."""
    if points.is_empty():
        return empty_figure("No customer with an income in the current filter")
    has_score = points["spending_score"].is_not_null().any()
    y_col, y_title = (
        ("spending_score", "Spending score (1-100)")
        if has_score
        else ("revenue", "Spending (revenue in the period)")
    )
    traces = []
    for (_segment_id, segment), part in points.sort("segment_id").group_by(
        ["segment_id", "segment"], maintain_order=True
    ):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": part["annual_income_k"].to_list(),
                "y": part[y_col].to_list(),
                "name": str(segment),
                "marker": {"color": color_of(colors, segment), "size": 7, "opacity": 0.7},
                "customdata": [list(r) for r in part.select("display_name", "revenue").rows()],
                "hovertemplate": (
                    "<b>%{customdata[0]}</b><br>Income %{x:,.0f}k / year<br>"
                    + (f"{y_title} %{{y:,.0f}}<br>" if has_score else "")
                    + "Revenue %{customdata[1]:"
                    + D3_MONEY
                    + "}<extra>%{fullData.name}</extra>"
                ),
            }
        )
    yaxis: dict[str, Any] = {"title": {"text": y_title}}
    if not has_score:
        positive = bool((points["revenue"] > 0).all())
        yaxis.update(tickprefix=CURRENCY, tickformat=D3_SHORT)
        if positive:
            yaxis.update(type="log", dtick=1)  # one tick per power of ten
    return figure(
        traces,
        margin={"l": 8, "r": 8, "t": 12, "b": 40},
        xaxis={"title": {"text": "Annual income (k per year)"}, "ticksuffix": "k"},
        yaxis=yaxis,
    )
