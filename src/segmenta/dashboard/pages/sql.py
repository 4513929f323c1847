"""SQL: analysts' ad-hoc queries on the warehouse, in a sandbox.

A query editor with saved examples (``segmenta/warehouse/sql/examples/*.sql``), the schema
beside it (every table and view with its columns and types from ``information_schema``, and
the meaning of each from the SQL files' comments, :mod:`segmenta.warehouse.catalog`), results
in a grid and a CSV download.

Queries run through :func:`segmenta.warehouse.analyst.run_read_only_query`: a read-only
connection with file, network and extension access disabled and its configuration locked,
one SELECT statement only (anything else is refused with a message), at most
``settings.sql_row_limit`` rows and ``settings.sql_timeout_s`` seconds. So a query can neither
change the warehouse nor read or write files on the server. The page is for analysts: the
role is checked in every callback, not only in the layout. The global slicers do not apply
here: a query sees the whole warehouse.
"""

from __future__ import annotations

import json
import math
import time
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, dcc, html

from segmenta.dashboard import ids, security, state
from segmenta.dashboard.components import card_row, page_header, section_card
from segmenta.dashboard.queries import sql as q
from segmenta.warehouse.analyst import QueryRefusedError, run_read_only_query, to_csv
from segmenta.warehouse.catalog import catalog
from segmenta.warehouse.connection import WarehouseReader

PATH = "/sql"
NAME = "SQL"
TITLE = "SQL · Segmenta"
ORDER = 8

#: Longest query text accepted from the editor.
MAX_QUERY_CHARS = 20_000
#: Integers beyond this lose precision in the browser (JavaScript numbers): sent as text.
_JS_SAFE_INT = 2**53
ANALYSTS_ONLY = "The SQL page is for analysts only: ask an analyst for access."


# -- saved examples --------------------------------------------------------------------------
@cache
def examples() -> dict[str, tuple[str, str]]:
    """file stem -> (title, query text) of the saved example queries, in title order."""
    found = {}
    for entry in (files("segmenta.warehouse") / "sql" / "examples").iterdir():
        if not entry.name.endswith(".sql"):
            continue
        text = entry.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.removeprefix("--").strip().removeprefix("title:").strip()
        found[entry.name.removesuffix(".sql")] = (title or entry.name, text)
    return dict(sorted(found.items(), key=lambda item: item[1][0]))


DEFAULT_EXAMPLE = "segment_kpis"


# -- schema panel ----------------------------------------------------------------------------
def schema_panel(reader: WarehouseReader) -> dbc.Accordion:
    """Every table and view: its meaning, then its columns with type and meaning."""
    columns = q.schema_columns(reader)
    docs = catalog()
    items = []
    for (relation, kind), group in columns.group_by(["relation", "kind"], maintain_order=True):
        doc = docs.get(str(relation))
        rows = [
            html.Tr(
                [
                    html.Td(html.Code(name)),
                    html.Td(dtype, className="text-muted text-nowrap"),
                    html.Td(doc.meaning(name) if doc else ""),
                ]
            )
            for name, dtype in group.sort("position").select("column_name", "data_type").rows()
        ]
        items.append(
            dbc.AccordionItem(
                [
                    html.P(doc.summary if doc else "", className="small mb-1"),
                    dbc.Table(
                        [
                            html.Thead(html.Tr([html.Th("column"), html.Th("type"), html.Th("")])),
                            html.Tbody(rows),
                        ],
                        size="sm",
                        className="small mb-0 schema-table",
                    ),
                ],
                title=html.Span(
                    [html.Code(str(relation)), html.Span(f" {kind}", className="text-muted small")]
                ),
                item_id=str(relation),
            )
        )
    return dbc.Accordion(items, start_collapsed=True, always_open=True, flush=True)


def layout(**_query: object) -> html.Div:
    analyst = security.is_analyst()
    settings = state.current().settings
    header = page_header(
        "SQL",
        "Ad-hoc queries on the warehouse for analysts: one SELECT at a time, read-only, "
        f"at most {settings.sql_row_limit:,} rows and {settings.sql_timeout_s:g} s. "
        "The slicers above do not apply here.",
    )
    example_options = [{"label": title, "value": key} for key, (title, _t) in examples().items()]
    default_text = examples().get(DEFAULT_EXAMPLE, ("", ""))[1] if analyst else ""
    workspace = card_row(
        [
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=ids.SQL_EXAMPLES,
                            options=example_options,
                            placeholder="Saved example queries",
                            clearable=True,
                            searchable=False,
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Button("Run", id=ids.SQL_RUN, color="primary", size="sm"),
                            dbc.Button(
                                "Download CSV",
                                id=ids.SQL_CSV,
                                color="primary",
                                outline=True,
                                size="sm",
                                className="ms-2",
                            ),
                            dcc.Download(id=ids.SQL_DOWNLOAD),
                        ],
                        md=6,
                        className="text-md-end mt-2 mt-md-0",
                    ),
                ],
                className="mb-2 g-2",
            ),
            dbc.Textarea(
                id=ids.SQL_EDITOR,
                value=default_text,
                rows=12,
                spellcheck=False,
                maxLength=MAX_QUERY_CHARS,
                className="font-monospace small sql-editor mb-2",
                placeholder="SELECT ... FROM customer_360 ...",
            ),
            html.Div(id=ids.SQL_STATUS, className="small mb-2"),
            dag.AgGrid(
                id=ids.SQL_RESULT,
                columnDefs=[],
                rowData=[],
                defaultColDef={
                    "sortable": True,
                    "resizable": True,
                    "filter": True,
                    "minWidth": 120,
                    "flex": 1,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions={"animateRows": False, "enableCellTextSelection": True},
                style={"height": "440px", "width": "100%"},
            ),
            dcc.Store(id=ids.SQL_LAST_QUERY, data=""),
        ],
        section_card(
            "Schema",
            html.Div(
                schema_panel(state.reader()) if analyst else None,
                id=ids.SQL_SCHEMA,
                style={"maxHeight": "640px", "overflowY": "auto"},
            ),
        ),
        lg=(
            8,
            4,
        ),
    )
    notice = (
        [] if analyst else [dbc.Alert(ANALYSTS_ONLY, color="secondary", className="analysts-only")]
    )
    return html.Div(
        [
            header,
            *notice,
            html.Div(
                workspace, id=ids.SQL_WORKSPACE, style=None if analyst else {"display": "none"}
            ),
        ]
    )


# -- results ---------------------------------------------------------------------------------
def _number(value: int | float | Decimal) -> Any:
    """A number the browser holds exactly, or its text (too big for a double, or not finite)."""
    if isinstance(value, int):
        return value if abs(value) < _JS_SAFE_INT else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    number = float(value)
    return number if math.isfinite(number) and abs(number) < _JS_SAFE_INT else str(value)


def _cell(value: Any) -> Any:
    """A value the browser shows faithfully (JSON-safe, no silent precision loss)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, datetime | date | clock):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    return json.dumps(value, default=str, ensure_ascii=False)


_SIMPLE = (pl.String, pl.Boolean, pl.Int8, pl.Int16, pl.Int32, pl.UInt8, pl.UInt16, pl.UInt32)


def grid_of(frame: pl.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(columnDefs, rowData) for a query result. Fields are c0, c1, ... (a column may be named
    anything, "a.b" included); the header is the column's own name."""
    fields = [f"c{i}" for i in range(frame.width)]
    column_defs = []
    values = []
    for field, (name, dtype) in zip(fields, frame.schema.items(), strict=True):
        numeric = dtype.is_numeric()
        column_defs.append(
            {
                "field": field,
                "headerName": name,
                "headerTooltip": f"{name} ({dtype})",
                **({"type": "rightAligned", "filter": "agNumberColumnFilter"} if numeric else {}),
            }
        )
        series = frame[name]
        values.append(
            series.to_list() if dtype in _SIMPLE else [_cell(v) for v in series.to_list()]
        )
    rows = [dict(zip(fields, row, strict=True)) for row in zip(*values, strict=True)]
    return column_defs, rows


def flat_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The result with nested and binary columns as text (CSV has no lists or structs)."""
    replaced = []
    for name, dtype in frame.schema.items():
        if dtype.is_nested() or dtype in (pl.Binary, pl.Object, pl.Null):
            replaced.append(
                pl.Series(
                    name,
                    [None if v is None else str(_cell(v)) for v in frame[name].to_list()],
                    dtype=pl.String,
                )
            )
    return frame.with_columns(replaced) if replaced else frame


def _query_text(text: object) -> str | None:
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_QUERY_CHARS:
        return None
    return text


def _run(text: str) -> tuple[pl.DataFrame, bool]:
    """The result (at most the row limit) and whether the limit cut it short."""
    settings = state.current().settings
    limit = max(int(settings.sql_row_limit), 1)
    frame = run_read_only_query(
        settings.warehouse, text, limit=limit + 1, timeout_s=float(settings.sql_timeout_s)
    )
    return frame.head(limit), frame.height > limit


def _alert(message: str, color: str) -> dbc.Alert:
    return dbc.Alert(message, color=color, className="py-2 mb-0 sql-message")


def run_outputs(text: object) -> tuple[Any, ...]:
    """(columnDefs, rowData, status, last query) for the editor's text."""
    if not security.is_analyst():
        return [], [], _alert(ANALYSTS_ONLY, "warning"), ""
    query = _query_text(text)
    if query is None:
        return (
            [],
            [],
            _alert(f"Write one SELECT statement (at most {MAX_QUERY_CHARS:,} characters).", "info"),
            "",
        )
    started = time.perf_counter()
    try:
        frame, cut = _run(query)
    except QueryRefusedError as exc:
        return [], [], _alert(f"Refused: {exc}", "danger"), ""
    elapsed = (time.perf_counter() - started) * 1000
    column_defs, rows = grid_of(frame)
    limit = state.current().settings.sql_row_limit
    text_status = (
        f"{len(rows):,} rows shown: the row limit ({limit:,}) was reached, so the result is cut "
        "short; aggregate or add a WHERE clause."
        if cut
        else f"{len(rows):,} row{'s' if len(rows) != 1 else ''} in {elapsed:,.0f} ms."
    )
    return column_defs, rows, _alert(text_status, "warning" if cut else "success"), query


def csv_download(last_query: object) -> dict[str, Any] | None:
    """The last query's result as CSV (formulas defused), or None (not allowed / nothing ran)."""
    if not security.is_analyst():
        return None
    query = _query_text(last_query)
    if query is None:
        return None
    try:
        frame, _cut = _run(query)
    except (QueryRefusedError, pl.exceptions.PolarsError):
        return None
    return {
        "content": to_csv(flat_frame(frame)),
        "filename": "segmenta-query.csv",
        "type": "text/csv",
        "base64": False,
    }


# -- callbacks -------------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.SQL_EDITOR, "value"),
        Input(ids.SQL_EXAMPLES, "value"),
        prevent_initial_call=True,
    )
    def load_example(key: object) -> str:
        if not security.is_analyst() or not isinstance(key, str) or key not in examples():
            raise dash.exceptions.PreventUpdate
        return examples()[key][1]

    @app.callback(
        Output(ids.SQL_RESULT, "columnDefs"),
        Output(ids.SQL_RESULT, "rowData"),
        Output(ids.SQL_STATUS, "children"),
        Output(ids.SQL_LAST_QUERY, "data"),
        Input(ids.SQL_RUN, "n_clicks"),
        State(ids.SQL_EDITOR, "value"),
        prevent_initial_call=True,
    )
    def run_query(n_clicks: object, text: object) -> tuple[Any, ...]:
        if not n_clicks:
            raise dash.exceptions.PreventUpdate
        return run_outputs(text)

    @app.callback(
        Output(ids.SQL_DOWNLOAD, "data"),
        Output(ids.SQL_STATUS, "children", allow_duplicate=True),
        Input(ids.SQL_CSV, "n_clicks"),
        State(ids.SQL_LAST_QUERY, "data"),
        prevent_initial_call=True,
    )
    def download(n_clicks: object, last_query: object) -> tuple[Any, Any]:
        if not n_clicks:
            raise dash.exceptions.PreventUpdate
        if not security.is_analyst():
            return None, _alert(ANALYSTS_ONLY, "warning")
        result = csv_download(last_query)
        if result is None:
            return None, _alert("Run a query first: the download is its result.", "info")
        return result, dash.no_update
