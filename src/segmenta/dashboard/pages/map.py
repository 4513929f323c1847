"""Map: a world choropleth by country (of the invoice line) with a metric selector and a table.

Clicking a country (on the map or in the table) sets the global country slicer to it; clicking
it again when it is the only country selected clears the slicer.

Offline: plotly.js fetches country outlines (``world_110m.json``) from ``topojsonURL``, by
default a CDN. The Graph's config points it at the copy served from the app's own assets
(``assets/topojson/world_110m.json``, taken from the npm package ``plotly.js`` of the version
that plotly.py bundles), so the map draws with no internet access.
"""

from __future__ import annotations

import math
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, ctx, dcc, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import card_row, current_filters, page_header, section_card
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import map as q
from segmenta.dashboard.theme import (
    CURRENCY,
    D3_SHORT,
    MAP_SCALE,
    Figure,
    empty_figure,
    figure,
    graph_config,
)

PATH = "/map"
NAME = "Map"
TITLE = "Map · Segmenta"
ORDER = 2


#: Folder (under the app's assets) with plotly's topojson files.
TOPOJSON_ASSET_DIR = "topojson/"

#: metric id -> (label, d3 format for hover, tick prefix)
METRICS: dict[str, tuple[str, str, str]] = {
    "customers": ("Customers", ",.0f", ""),
    "revenue": ("Revenue", ",.0f", CURRENCY),
    "invoices": ("Invoices", ",.0f", ""),
    "revenue_per_customer": ("Revenue per customer", ",.0f", CURRENCY),
    "churn_rate": ("Churn rate", ".1%", ""),
}
DEFAULT_METRIC = "revenue"


def map_config() -> dcc.Graph.Config:
    """Graph config with topojsonURL pointing at the app's own copy of the outlines."""
    return graph_config(topojson_url=dash.get_asset_url(TOPOJSON_ASSET_DIR))


def _money(field: str, d3_format: str = ",.0f") -> dict[str, Any]:
    return {
        "field": field,
        "type": "rightAligned",
        "valueFormatter": {
            "function": f"params.value == null ? '\u2013' : '{CURRENCY}' + d3.format('{d3_format}')(params.value)"
        },
    }


TABLE_COLUMNS: list[dict[str, Any]] = [
    {"field": "country", "headerName": "Country", "minWidth": 150, "pinned": "left"},
    {
        "field": "customers",
        "headerName": "Customers",
        "type": "rightAligned",
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {**_money("revenue", ".3~s"), "headerName": "Revenue"},
    {
        "field": "invoices",
        "headerName": "Invoices",
        "type": "rightAligned",
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {**_money("revenue_per_customer"), "headerName": "Revenue / customer"},
    {
        "field": "churn_rate",
        "headerName": "Churn rate",
        "type": "rightAligned",
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format('.1%')(params.value)"
        },
    },
]


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            page_header(
                "Map",
                "Where the covered lines were sold (the country of the invoice line). Click a country "
                "on the map or in the table to filter to it. Regions that are not countries "
                "(European Community, Unspecified) are in the table only.",
            ),
            dbc.RadioItems(
                id=ids.MAP_METRIC,
                options=[{"label": label, "value": key} for key, (label, _, _) in METRICS.items()],
                value=DEFAULT_METRIC,
                inline=True,
                className="btn-group-sm mb-2 metric-selector",
                inputClassName="btn-check",
                labelClassName="btn btn-outline-primary btn-sm",
                labelCheckedClassName="active",
            ),
            card_row(
                dbc.Card(
                    dbc.CardBody(
                        dcc.Loading(
                            dcc.Graph(
                                id=ids.MAP_GRAPH,
                                config=map_config(),
                                style={"height": "520px"},
                                figure={"data": [], "layout": {"height": 520}},
                            ),
                            type="dot",
                            delay_show=300,
                        ),
                        className="p-1",
                    ),
                    className="shadow-sm h-100",
                ),
                section_card(
                    "Countries",
                    dag.AgGrid(
                        id=ids.MAP_TABLE,
                        columnDefs=TABLE_COLUMNS,
                        rowData=[],
                        defaultColDef={
                            "sortable": True,
                            "resizable": True,
                            "minWidth": 100,
                            "flex": 1,
                        },
                        getRowId="params.data.country",
                        columnSize="responsiveSizeToFit",
                        style={"height": "520px"},
                    ),
                ),
                lg=(
                    7,
                    5,
                ),
            ),
        ]
    )


#: Metrics whose values span orders of magnitude (one country has most of the sales): their
#: colour follows log10 of the value so that the other countries do not all look alike.
LOG_METRICS = frozenset({"customers", "revenue", "invoices"})


def _short(value: float, prefix: str) -> str:
    for threshold, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if value >= threshold:
            return f"{prefix}{value / threshold:,.0f}{suffix}"
    return f"{prefix}{value:,.0f}"


def choropleth(frame: pl.DataFrame, metric: str) -> Figure:
    label, d3_format, prefix = METRICS[metric]
    mapped = frame.filter(pl.col("iso_alpha3").is_not_null() & pl.col(metric).is_not_null())
    if metric in LOG_METRICS:
        mapped = mapped.filter(pl.col(metric) > 0)
    if mapped.is_empty():
        return empty_figure("No countries to draw for the current filter")
    values = [float(v) for v in mapped[metric].to_list()]
    colorbar: dict[str, Any] = {"title": {"text": label}, "thickness": 12, "len": 0.75}
    if metric in LOG_METRICS:
        z = [math.log10(v) for v in values]
        low, high = math.floor(min(z)), math.ceil(max(z))
        ticks = list(range(low, max(high, low + 1) + 1))
        colorbar.update(tickvals=ticks, ticktext=[_short(10.0**t, prefix) for t in ticks])
        zmin, zmax = float(low), float(max(high, low + 1))
    else:
        z = values
        colorbar.update(tickprefix=prefix, tickformat=".0%" if metric == "churn_rate" else D3_SHORT)
        zmin, zmax = min(values), max(values)
        if zmin == zmax:
            zmin, zmax = zmin * 0.9, zmax * 1.1 + 1e-9
    customdata = [
        [country, customers, revenue, churn, value]
        for (country, customers, revenue, churn), value in zip(
            mapped.select("country", "customers", "revenue", "churn_rate").rows(),
            values,
            strict=True,
        )
    ]
    trace = {
        "type": "choropleth",
        "locations": mapped["iso_alpha3"].to_list(),
        "z": z,
        "zmin": zmin,
        "zmax": zmax,
        "locationmode": "ISO-3",
        "colorscale": MAP_SCALE,
        "marker": {"line": {"color": "white", "width": 0.5}},
        "colorbar": colorbar,
        "customdata": customdata,
        "hovertemplate": (
            "<b>%{customdata[0]}</b><br>"
            + f"{label}: {prefix}%{{customdata[4]:{d3_format}}}<br>"
            + "Customers: %{customdata[1]:,}<br>"
            + f"Revenue: {CURRENCY}%{{customdata[2]:,.0f}}<br>"
            + "Churn rate: %{customdata[3]:.1%}<extra></extra>"
        ),
    }
    return figure(
        [trace],
        margin={"l": 0, "r": 0, "t": 8, "b": 0},
        geo={
            "projection": {"type": "natural earth"},
            "showframe": False,
            "showcoastlines": True,
            "coastlinecolor": "#ADB5BD",
            "showcountries": True,
            "countrycolor": "#DEE2E6",
            "showland": True,
            "landcolor": "#F1F3F5",
            "showocean": True,
            "oceancolor": "#FFFFFF",
            "lataxis": {"range": [-58, 85]},
        },
        clickmode="event",
    )


def map_outputs(store: object, metric: object) -> tuple[Figure, list[dict[str, Any]]]:
    """The choropleth and the table rows for a filter and a metric (the callback's body)."""
    metric = metric if isinstance(metric, str) and metric in METRICS else DEFAULT_METRIC
    filters, _options = current_filters(store)
    frame = q.country_metrics(state.reader(), filters)
    rows = frame.sort(metric, descending=True, nulls_last=True).to_dicts()
    return choropleth(frame, metric), rows


def country_after_click(click_country: object, current: object, known: object) -> list[str] | None:
    """New country slicer value after a click on ``click_country`` (None: leave it alone)."""
    if (
        not isinstance(click_country, str)
        or not isinstance(known, dict | list | tuple)
        or click_country not in known
    ):
        return None
    if isinstance(current, list) and current == [click_country]:
        return []
    return [click_country]


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.MAP_GRAPH, "figure"),
        Output(ids.MAP_TABLE, "rowData"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.MAP_METRIC, "value"),
    )
    def update_map(store: object, metric: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return map_outputs(store, metric)

    @app.callback(
        Output(ids.FILTER_COUNTRY, "value", allow_duplicate=True),
        Input(ids.MAP_GRAPH, "clickData"),
        Input(ids.MAP_TABLE, "cellClicked"),
        State(ids.FILTER_COUNTRY, "value"),
        prevent_initial_call=True,
    )
    def click_country(map_click: object, cell: object, current: object) -> list[str]:
        country: object = None
        if ctx.triggered_id == ids.MAP_GRAPH and isinstance(map_click, dict):
            points = map_click.get("points") or [{}]
            custom = points[0].get("customdata") if isinstance(points[0], dict) else None
            country = custom[0] if isinstance(custom, list) and custom else None
        elif ctx.triggered_id == ids.MAP_TABLE and isinstance(cell, dict):
            country = cell.get("rowId")
        options = common.filter_options(state.reader())
        value = country_after_click(country, current, list(options.countries))
        if value is None:
            raise dash.exceptions.PreventUpdate
        return value
