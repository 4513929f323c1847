"""Overview: headline KPIs, the per-segment table of the study, and segment charts.

Clicking a segment (a bar, a bubble or a table row) drills through to the customers page
filtered to that segment (the other filters are kept).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, ctx, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import (
    card_row,
    chart_card,
    current_filters,
    kpi_card,
    page_header,
    section_card,
)
from segmenta.dashboard.figures.overview import bubble, customers_bar, revenue_bar
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.grid_columns import OVERVIEW_SEGMENT_COLUMNS
from segmenta.dashboard.labels import scoped_columns
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import overview as q
from segmenta.dashboard.theme import (
    NEUTRAL,
    empty_figure,
    fmt_int,
    fmt_money,
    fmt_money_short,
    fmt_pct,
    segment_colors,
)

PATH = "/"
NAME = "Overview"
TITLE = "Overview · Segmenta"
ORDER = 0


CUSTOMERS_PATH = "/customers"


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            page_header(
                "Overview",
                "Headline figures and the segments of the latest model run for the current filter. "
                "Click a segment (bar, bubble or table row) to list its customers.",
            ),
            html.Div(id=ids.OVERVIEW_KPIS, className="mb-3"),
            card_row(
                chart_card("Customers per segment", ids.OVERVIEW_CUSTOMERS_BAR, 330),
                chart_card("Revenue per segment", ids.OVERVIEW_REVENUE_BAR, 330),
                chart_card("Revenue per customer vs recency", ids.OVERVIEW_BUBBLE, 330),
                lg=4,
            ),
            section_card(
                "Segments",
                dag.AgGrid(
                    id=ids.OVERVIEW_SEGMENT_TABLE,
                    columnDefs=OVERVIEW_SEGMENT_COLUMNS,
                    rowData=[],
                    defaultColDef={
                        "sortable": True,
                        "resizable": True,
                        "minWidth": 100,
                        "flex": 1,
                        "wrapHeaderText": True,
                        "autoHeaderHeight": True,
                    },
                    dashGridOptions={
                        "domLayout": "autoHeight",
                        "tooltipShowDelay": 300,
                        "animateRows": False,
                    },
                    columnSize="responsiveSizeToFit",
                    getRowId="params.data.segment",
                    className="segment-table",
                    style={"height": None},
                ),
            ),
        ]
    )


# -- the KPI row, the table rows and the drill-through ----------------------------------------------
def kpi_cards(kpis: dict[str, Any], scope: str = "all loaded lines") -> dbc.Row:
    """The headline cards; ``scope`` (:attr:`Filters.line_scope`) says what the line measures
    are counted over."""
    top_note = kpis["top_segment"] or None
    cards = [
        kpi_card(
            "Customers",
            fmt_int(kpis["customers"]),
            "of the run, or with lines" if scope == "all loaded lines" else f"with lines {scope}",
        ),
        kpi_card(
            "Revenue", fmt_money_short(kpis["revenue"]), f"{fmt_money(kpis['revenue'])} {scope}"
        ),
        kpi_card("Invoices", fmt_int(kpis["invoices"]), scope),
        kpi_card(
            "Average ticket", fmt_money(kpis["avg_ticket"], 2), f"revenue per invoice, {scope}"
        ),
        kpi_card("Return rate", fmt_pct(kpis["return_rate"]), f"units returned / bought, {scope}"),
        kpi_card("Top segment share", fmt_pct(kpis["top_segment_share"]), top_note),
    ]
    return dbc.Row([dbc.Col(c, xs=6, md=4, xl=2, className="mb-2") for c in cards], className="g-2")


def table_rows(
    summary: pl.DataFrame, descriptions: dict[int, str], colors: dict[str, str]
) -> list[dict[str, Any]]:
    frame = summary.with_columns(
        pl.col("segment")
        .replace_strict(colors, default=NEUTRAL, return_dtype=pl.String)
        .alias("color"),
        pl.col("segment_id")
        .replace_strict(descriptions, default="", return_dtype=pl.String)
        .alias("description"),
    )
    return frame.to_dicts()


def segment_from_click(click: object) -> str | None:
    """The segment name in a bar/bubble clickData or a grid cellClicked/row, if any."""
    if not isinstance(click, dict):
        return None
    points = click.get("points")
    if isinstance(points, list) and points and isinstance(points[0], dict):
        custom = points[0].get("customdata")
        if isinstance(custom, list) and custom:
            custom = custom[0]
        return custom if isinstance(custom, str) else None
    row_id = click.get("rowId")
    return row_id if isinstance(row_id, str) else None


def drill_through_href(filters: Filters, segment: str, known_segments: object) -> str | None:
    """The customers page URL for ``segment`` (a known one), keeping the other filters."""
    if not isinstance(known_segments, dict | list | tuple) or segment not in known_segments:
        return None
    return CUSTOMERS_PATH + filters.with_segment(segment).to_query()


# -- callbacks -------------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.OVERVIEW_KPIS, "children"),
        Output(ids.OVERVIEW_CUSTOMERS_BAR, "figure"),
        Output(ids.OVERVIEW_REVENUE_BAR, "figure"),
        Output(ids.OVERVIEW_BUBBLE, "figure"),
        Output(ids.OVERVIEW_SEGMENT_TABLE, "rowData"),
        Input(ids.FILTER_STORE, "data"),
    )
    def update_overview(store: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return overview_outputs(store)

    @app.callback(
        Output(ids.OVERVIEW_SEGMENT_TABLE, "columnDefs"),
        Input(ids.FILTER_STORE, "data"),
    )
    def label_columns(store: object) -> list[dict[str, Any]]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        filters, _options = current_filters(store)
        return scoped_columns(OVERVIEW_SEGMENT_COLUMNS, filters.line_scope)

    @app.callback(
        Output(ids.NAV, "href"),
        Input(ids.OVERVIEW_CUSTOMERS_BAR, "clickData"),
        Input(ids.OVERVIEW_REVENUE_BAR, "clickData"),
        Input(ids.OVERVIEW_BUBBLE, "clickData"),
        Input(ids.OVERVIEW_SEGMENT_TABLE, "cellClicked"),
        State(ids.FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def drill_through(
        bar1: object, bar2: object, bubble_click: object, cell: object, store: object
    ) -> str:
        click = {
            ids.OVERVIEW_CUSTOMERS_BAR: bar1,
            ids.OVERVIEW_REVENUE_BAR: bar2,
            ids.OVERVIEW_BUBBLE: bubble_click,
            ids.OVERVIEW_SEGMENT_TABLE: cell,
        }.get(ctx.triggered_id)
        segment = segment_from_click(click)
        if segment is None:
            raise dash.exceptions.PreventUpdate
        filters, options = current_filters(store)
        href = drill_through_href(filters, segment, dict(options.segments))
        if href is None:
            raise dash.exceptions.PreventUpdate
        return href


def overview_outputs(store: object) -> tuple[Any, ...]:
    """Everything the overview draws for a filter store value (the callback's body)."""
    filters, options = current_filters(store)
    colors = segment_colors(options.segments)
    reader = state.reader()
    summary = q.segment_summary(reader, filters)
    kpis = q.overview_kpis(summary)
    if summary.is_empty():
        empty = empty_figure("No customers match the current filter")
        return kpi_cards(kpis, filters.line_scope), empty, empty, empty, []
    descriptions = dict(
        common.segment_descriptions(reader).select("segment_id", "description").iter_rows()
    )
    return (
        kpi_cards(kpis, filters.line_scope),
        customers_bar(summary, colors),
        revenue_bar(summary, colors),
        bubble(summary, colors),
        table_rows(summary, descriptions, colors),
    )
