"""Customers: a server-side grid of the covered customers, CSV export and a detail view.

The grid uses AG Grid's infinite row model: the browser asks for blocks of rows and this
module answers each request with one query (paging, sorting and column filters run in DuckDB,
through the allow-list in :mod:`segmenta.dashboard.queries.grid`), so it stays fast whatever
the number of customers. A change of the global filter or of the search box purges the grid's cache from
a clientside callback, which makes the grid ask again. Clicking a row opens the customer's
detail view (profile, segment and why, churn probability, history, top products, returns).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, dcc, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import current_filters, page_header
from segmenta.dashboard.grid_columns import CUSTOMERS_GRID_COLUMNS
from segmenta.dashboard.labels import scoped_columns
from segmenta.dashboard.panels import customers as panels
from segmenta.dashboard.queries import customers as q
from segmenta.dashboard.queries.grid import GridRequest
from segmenta.dashboard.theme import NEUTRAL, color_of, segment_colors
from segmenta.warehouse.analyst import to_csv

PATH = "/customers"
NAME = "Customers"
TITLE = "Customers · Segmenta"
ORDER = 1


#: Clientside callback: make the infinite grid drop its cached blocks and ask again.
_PURGE_JS = """
function(store, search, gridId) {
    if (window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
        window.dash_ag_grid.getApiAsync(gridId).then(function(api) {
            if (api && !api.isDestroyed()) { api.purgeInfiniteCache(); }
        });
    }
    return Date.now();
}
"""


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            page_header(
                "Customers",
                "Every covered customer; sort, filter and search run in the warehouse. "
                "Click a row for the customer's detail.",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.InputGroup(
                            [
                                dbc.InputGroupText("Search"),
                                dbc.Input(
                                    id=ids.CUSTOMERS_SEARCH,
                                    type="search",
                                    placeholder="name or customer id",
                                    debounce=400,
                                    maxLength=200,
                                    autoComplete="off",
                                ),
                            ],
                            size="sm",
                        ),
                        md=5,
                        lg=4,
                    ),
                    dbc.Col(
                        html.Div(id=ids.CUSTOMERS_MATCHES, className="small text-muted"),
                        className="align-self-center",
                    ),
                    dbc.Col(
                        [
                            dbc.Button(
                                "Export CSV",
                                id=ids.CUSTOMERS_EXPORT,
                                size="sm",
                                color="primary",
                                outline=True,
                            ),
                            dcc.Download(id=ids.CUSTOMERS_DOWNLOAD),
                        ],
                        width="auto",
                    ),
                ],
                className="mb-2 g-2",
            ),
            dag.AgGrid(
                id=ids.CUSTOMERS_GRID,
                rowModelType="infinite",
                columnDefs=CUSTOMERS_GRID_COLUMNS,
                defaultColDef={
                    "sortable": True,
                    "resizable": True,
                    "minWidth": 110,
                    "flex": 1,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={
                    "cacheBlockSize": 100,
                    "maxBlocksInCache": 50,
                    "infiniteInitialRowCount": 100,
                    "maxConcurrentDatasourceRequests": 2,
                    "blockLoadDebounceMillis": 50,
                    "rowBuffer": 10,
                    "tooltipShowDelay": 300,
                },
                getRowId="params.data.customer_key.toString()",
                style={"height": "calc(100vh - 340px)", "minHeight": "420px", "width": "100%"},
            ),
            dcc.Store(id=ids.CUSTOMERS_PURGE),
            dbc.Offcanvas(
                html.Div(id=ids.CUSTOMERS_DETAIL_BODY),
                id=ids.CUSTOMERS_DETAIL,
                title="Customer",
                placement="end",
                is_open=False,
                scrollable=True,
                style={"width": "min(820px, 96vw)"},
            ),
        ]
    )


# -- grid ------------------------------------------------------------------------------------------
def grid_response(store: object, request: object, search: object) -> tuple[dict[str, Any], str]:
    """The infinite grid's answer to one getRowsRequest, and the "N matching" text."""
    filters, options = current_filters(store)
    grid_request = GridRequest.from_ag_grid(request if isinstance(request, dict) else None, search)
    rows, total = q.customer_page(state.reader(), filters, grid_request)
    colors = segment_colors(options.segments)
    rows = rows.with_columns(
        pl.col("segment")
        .replace_strict(colors, default=NEUTRAL, return_dtype=pl.String)
        .alias("segment_color")
    )
    matches = f"{total:,} matching customer{'s' if total != 1 else ''}"
    return {"rowData": rows.to_dicts(), "rowCount": total}, matches


def export_csv(store: object, request: object, search: object) -> dict[str, Any]:
    """The current list (global filter, search, grid filters and sort) as a CSV download."""
    filters, _options = current_filters(store)
    grid_request = GridRequest.from_ag_grid(request if isinstance(request, dict) else None, search)
    frame = q.customer_export(state.reader(), filters, grid_request)
    return {
        "content": to_csv(frame),
        "filename": "segmenta-customers.csv",
        "type": "text/csv",
        "base64": False,
    }


# -- detail view -----------------------------------------------------------------------------------
def detail_view(store: object, customer_key: int) -> tuple[str, Any]:
    """Title and body of the detail view of one customer."""
    filters, options = current_filters(store)
    detail = q.customer_detail(state.reader(), filters, customer_key)
    if detail is None:
        return "Customer", dbc.Alert(
            "This customer is not in the latest model run.", color="secondary"
        )
    color = color_of(segment_colors(options.segments), detail.profile.get("segment"))
    return panels.detail_view(detail, color)


def clicked_customer_key(cell: object) -> int | None:
    """The customer_key of a grid cellClicked event (the row id), if valid."""
    if not isinstance(cell, dict):
        return None
    row_id = cell.get("rowId")
    if isinstance(row_id, str) and row_id.isdigit() and len(row_id) < 12:
        return int(row_id)
    return None


# -- callbacks ---------------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.CUSTOMERS_GRID, "getRowsResponse"),
        Output(ids.CUSTOMERS_MATCHES, "children"),
        Input(ids.CUSTOMERS_GRID, "getRowsRequest"),
        State(ids.FILTER_STORE, "data"),
        State(ids.CUSTOMERS_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def serve_rows(request: object, store: object, search: object) -> tuple[dict[str, Any], str]:
        if request is None:
            raise dash.exceptions.PreventUpdate
        return grid_response(store, request, search)

    app.clientside_callback(
        _PURGE_JS,
        Output(ids.CUSTOMERS_PURGE, "data"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.CUSTOMERS_SEARCH, "value"),
        State(ids.CUSTOMERS_GRID, "id"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.CUSTOMERS_GRID, "columnDefs"),
        Input(ids.FILTER_STORE, "data"),
    )
    def label_columns(store: object) -> list[dict[str, Any]]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        filters, _options = current_filters(store)
        return scoped_columns(CUSTOMERS_GRID_COLUMNS, filters.line_scope)

    @app.callback(
        Output(ids.CUSTOMERS_DOWNLOAD, "data"),
        Input(ids.CUSTOMERS_EXPORT, "n_clicks"),
        State(ids.FILTER_STORE, "data"),
        State(ids.CUSTOMERS_GRID, "getRowsRequest"),
        State(ids.CUSTOMERS_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def export(n_clicks: object, store: object, request: object, search: object) -> dict[str, Any]:
        if not n_clicks:
            raise dash.exceptions.PreventUpdate
        return export_csv(store, request, search)

    @app.callback(
        Output(ids.CUSTOMERS_DETAIL, "is_open"),
        Output(ids.CUSTOMERS_DETAIL, "title"),
        Output(ids.CUSTOMERS_DETAIL_BODY, "children"),
        Input(ids.CUSTOMERS_GRID, "cellClicked"),
        State(ids.FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def open_detail(cell: object, store: object) -> tuple[bool, str, Any]:
        key = clicked_customer_key(cell)
        if key is None:
            raise dash.exceptions.PreventUpdate
        title, body = detail_view(store, key)
        return True, title, body
