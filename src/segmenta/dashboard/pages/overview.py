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
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import overview as q
from segmenta.dashboard.theme import (
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    NEUTRAL,
    Figure,
    color_of,
    empty_figure,
    figure,
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

_NUM = {"type": "rightAligned", "filter": False}
SEGMENT_TABLE_COLUMNS: list[dict[str, Any]] = [
    {
        "field": "segment",
        "headerName": "Segment",
        "pinned": "left",
        "minWidth": 170,
        "cellStyle": {
            "function": "({borderLeft: '6px solid ' + params.data.color, fontWeight: 600})"
        },
        "tooltipField": "description",
    },
    {
        "field": "customers",
        "headerName": "Customers",
        **_NUM,
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {
        "field": "customer_share",
        "headerName": "% customers",
        **_NUM,
        "valueFormatter": {"function": "d3.format('.1%')(params.value)"},
    },
    {
        "field": "revenue_per_customer",
        "headerName": "Revenue / customer",
        **_NUM,
        "valueFormatter": {"function": f"'{CURRENCY}' + d3.format(',.0f')(params.value)"},
    },
    {
        "field": "recency_days",
        "headerName": "Recency (days)",
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format(',.0f')(params.value)"
        },
    },
    {
        "field": "frequency",
        "headerName": "Frequency",
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format(',.1f')(params.value)"
        },
    },
    {
        "field": "return_rate",
        "headerName": "Return rate",
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format('.1%')(params.value)"
        },
    },
    {
        "field": "invoices",
        "headerName": "Invoices",
        **_NUM,
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {
        "field": "items",
        "headerName": "Items",
        **_NUM,
        "valueFormatter": {"function": "d3.format(',.0f')(params.value)"},
    },
    {
        "field": "revenue",
        "headerName": "Revenue",
        **_NUM,
        "valueFormatter": {"function": f"'{CURRENCY}' + d3.format(',.0f')(params.value)"},
    },
    {
        "field": "revenue_share",
        "headerName": "% revenue",
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format('.1%')(params.value)"
        },
    },
]


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
                    columnDefs=SEGMENT_TABLE_COLUMNS,
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


# -- figures -----------------------------------------------------------------------------------------
def kpi_cards(kpis: dict[str, Any]) -> dbc.Row:
    top_note = kpis["top_segment"] or None
    cards = [
        kpi_card("Customers", fmt_int(kpis["customers"])),
        kpi_card("Revenue", fmt_money_short(kpis["revenue"]), fmt_money(kpis["revenue"])),
        kpi_card("Invoices", fmt_int(kpis["invoices"])),
        kpi_card("Average ticket", fmt_money(kpis["avg_ticket"], 2), "revenue per invoice"),
        kpi_card("Return rate", fmt_pct(kpis["return_rate"]), "units returned / bought"),
        kpi_card("Top segment share", fmt_pct(kpis["top_segment_share"]), top_note),
    ]
    return dbc.Row([dbc.Col(c, xs=6, md=4, xl=2, className="mb-2") for c in cards], className="g-2")


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
        return kpi_cards(kpis), empty, empty, empty, []
    descriptions = dict(
        common.segment_descriptions(reader).select("segment_id", "description").iter_rows()
    )
    return (
        kpi_cards(kpis),
        customers_bar(summary, colors),
        revenue_bar(summary, colors),
        bubble(summary, colors),
        table_rows(summary, descriptions, colors),
    )
