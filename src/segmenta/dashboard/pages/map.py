"""Map: a world choropleth by country (of the invoice line) with a metric selector and a table.

Clicking a country (on the map or in the table) sets the global country slicer to it; clicking
it again when it is the only country selected clears the slicer.

Offline: plotly.js fetches country outlines (``world_110m.json``) from ``topojsonURL``, by
default a CDN. The Graph's config points it at the copy served from the app's own assets
(``assets/topojson/world_110m.json``, taken from the npm package ``plotly.js`` of the version
that plotly.py bundles), so the map draws with no internet access.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import card_row, current_filters, page_header, section_card
from segmenta.dashboard.figures.map import METRICS, choropleth
from segmenta.dashboard.grid_columns import MAP_COUNTRY_COLUMNS
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import map as q
from segmenta.dashboard.theme import Figure, graph_config

PATH = "/map"
NAME = "Map"
TITLE = "Map · Segmenta"
ORDER = 2


#: Folder (under the app's assets) with plotly's topojson files.
TOPOJSON_ASSET_DIR = "topojson/"

DEFAULT_METRIC = "revenue"


def map_config() -> dcc.Graph.Config:
    """Graph config with topojsonURL pointing at the app's own copy of the outlines."""
    return graph_config(topojson_url=dash.get_asset_url(TOPOJSON_ASSET_DIR))


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
                        columnDefs=MAP_COUNTRY_COLUMNS,
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
