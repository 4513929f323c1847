"""Age / gender: customers and revenue by age group, gender and segment; income vs spending.

Demographics come from a customer table (``segmenta ingest --customers FILE``). A warehouse
built from an invoice export alone has none: the page then says so and how to load one,
instead of drawing empty charts.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import card_row, chart_card, current_filters, page_header
from segmenta.dashboard.figures.demographics import (
    customers_by_figure,
    income_scatter,
    revenue_by_figure,
    segment_donut,
)
from segmenta.dashboard.queries import demographics as q
from segmenta.dashboard.theme import empty_figure, segment_colors

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
        customers_by_figure(groups, "age_group", ages, "Customers", colors),
        customers_by_figure(groups, "gender", genders, "Customers", colors),
        revenue_by_figure(groups, "age_group", ages),
        revenue_by_figure(groups, "gender", genders),
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
