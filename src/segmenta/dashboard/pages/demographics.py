"""Age / gender: customers and revenue by age group, gender and segment; income vs spending.

Demographics come from a customer table (``segmenta ingest --customers FILE``). A warehouse
built from an invoice export alone has none: the page then says so and how to load one,
instead of drawing empty charts.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import card_row, chart_card, current_filters, page_header
from segmenta.dashboard.queries import demographics as q
from segmenta.dashboard.theme import (
    ACCENT,
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    Figure,
    color_of,
    empty_figure,
    figure,
    segment_colors,
)

PATH = "/demographics"
NAME = "Age / gender"
TITLE = "Age / gender · Segmenta"
ORDER = 3


AGE_GROUPS = ("<20", "20-30", "30-40", "40-50", "50-70", "70+", "unknown")


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            page_header(
                "Age / gender",
                "Who the covered customers are: age group, gender and segment, what they spend, "
                "and income against spending.",
            ),
            html.Div(id=ids.DEMOGRAPHICS_NOTICE),
            html.Div(
                [
                    card_row(
                        chart_card("Customers by age group", ids.DEMOGRAPHICS_AGE, 320),
                        chart_card("Customers by gender", ids.DEMOGRAPHICS_GENDER, 320),
                    ),
                    card_row(
                        chart_card(
                            "Revenue and spend per customer by age group",
                            ids.DEMOGRAPHICS_AGE_REVENUE,
                            320,
                        ),
                        chart_card(
                            "Revenue and spend per customer by gender",
                            ids.DEMOGRAPHICS_GENDER_REVENUE,
                            320,
                        ),
                    ),
                    card_row(
                        chart_card("Customers by segment", ids.DEMOGRAPHICS_SEGMENT, 360),
                        chart_card("Income vs spending", ids.DEMOGRAPHICS_SCATTER, 360),
                        lg=(
                            5,
                            7,
                        ),
                    ),
                ],
                id=ids.DEMOGRAPHICS_CHARTS,
            ),
        ]
    )


def no_demographics_notice() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2("No demographics in this warehouse", className="h5"),
            html.P(
                "The customers here come from invoice exports only, which carry no age, gender or "
                "income. Load a customer table to fill this page:",
                className="mb-2",
            ),
            html.Pre(
                "segmenta ingest --customers customers.csv --warehouse WAREHOUSE\nsegmenta model --warehouse WAREHOUSE",
                className="mb-2",
            ),
            html.P(
                [
                    "The table needs a ",
                    html.Code("CustomerID"),
                    " column matching the invoices, and any of ",
                    html.Code("Gender"),
                    ", ",
                    html.Code("Age"),
                    ", ",
                    html.Code("Annual Income (k$)"),
                    ", ",
                    html.Code("Spending Score (1-100)"),
                    " (CSV, XLSX or Parquet).",
                ],
                className="mb-0",
            ),
        ],
        color="info",
        className="demographics-empty",
    )


def _stacked(
    groups: pl.DataFrame, by: str, order: list[str], title_y: str, colors: dict[str, str]
) -> Figure:
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


def _revenue(groups: pl.DataFrame, by: str, order: list[str]) -> Figure:
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


def demographics_outputs(store: object) -> tuple[Any, ...]:
    """Notice, charts' visibility and the six figures (the callback's body)."""
    filters, options = current_filters(store)
    hidden = {"display": "none"}
    nothing = empty_figure("")
    if not options.has_demographics:
        return (no_demographics_notice(), hidden, *([nothing] * 6))
    reader = state.reader()
    groups = q.demographic_groups(reader, filters)
    if groups.is_empty():
        empty = empty_figure("No customers match the current filter")
        return (None, {}, *([empty] * 6))
    ages = [g for g in AGE_GROUPS if g in set(groups["age_group"].to_list())]
    genders = sorted(set(groups["gender"].to_list()), key=lambda g: (g == "unknown", g))
    points = q.income_spending(reader, filters)
    colors = segment_colors(options.segments)
    return (
        None,
        {},
        _stacked(groups, "age_group", ages, "Customers", colors),
        _stacked(groups, "gender", genders, "Customers", colors),
        _revenue(groups, "age_group", ages),
        _revenue(groups, "gender", genders),
        segment_donut(groups, colors),
        income_scatter(points, colors),
    )


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.DEMOGRAPHICS_NOTICE, "children"),
        Output(ids.DEMOGRAPHICS_CHARTS, "style"),
        Output(ids.DEMOGRAPHICS_AGE, "figure"),
        Output(ids.DEMOGRAPHICS_GENDER, "figure"),
        Output(ids.DEMOGRAPHICS_AGE_REVENUE, "figure"),
        Output(ids.DEMOGRAPHICS_GENDER_REVENUE, "figure"),
        Output(ids.DEMOGRAPHICS_SEGMENT, "figure"),
        Output(ids.DEMOGRAPHICS_SCATTER, "figure"),
        Input(ids.FILTER_STORE, "data"),
    )
    def update_demographics(store: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return demographics_outputs(store)
