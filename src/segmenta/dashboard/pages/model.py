"""Segmentation model: how k was chosen, what the segments look like, and their names.

The elbow (SSE) and silhouette curves of the latest run's k sweep with the chosen k marked;
the customers on the first two principal components, coloured by segment (a stable sample of
at most :data:`segmenta.dashboard.queries.model.PROJECTION_POINTS` covered customers, so the global
slicers apply); a heatmap of each segment's standardised profile; and the segments' names and
descriptions in a table where an analyst renames a segment inline (double-click the name).

A rename is the dashboard's one narrow write path: :func:`segmenta.warehouse.renames.rename_segment`
validates the label, stores it in the warehouse as a new version (with who and when) and the
app's reader switches to that version (the renaming request re-pins itself to it), so every
page shows the new name at once. The role is
checked in the callback, not only in the layout.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, dcc, html, no_update
from dash.development.base_component import Component

from segmenta.dashboard import ids, security, state
from segmenta.dashboard.components import (
    card_row,
    chart_card,
    current_filters,
    page_header,
    section_card,
)
from segmenta.dashboard.figures.model import (
    elbow_figure,
    heatmap_figure,
    scatter_figure,
    silhouette_figure,
)
from segmenta.dashboard.filter_bar import segment_option
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.grid_columns import model_segment_columns
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import model as q
from segmenta.dashboard.theme import color_of, fmt_float, fmt_int, segment_colors
from segmenta.warehouse.connection import WarehouseBusyError
from segmenta.warehouse.renames import MAX_LABEL_LENGTH, SegmentLabelError, rename_segment
from segmenta.warehouse.vocabulary import feature_label

PATH = "/model"
NAME = "Segmentation model"
TITLE = "Segmentation model · Segmenta"
ORDER = 6


def layout(**_query: object) -> html.Div:
    analyst = security.is_analyst()
    rename_note = (
        f"Double-click a name to rename the segment (1-{MAX_LABEL_LENGTH} characters, unique "
        "in the run, Enter to save). The name is stored in the warehouse with who renamed it "
        "and when, and every page uses it."
        if analyst
        else "Segment names: renaming is for analysts only."
    )
    return html.Div(
        [
            page_header(
                "Segmentation model",
                "How the latest model run chose its number of segments, what each segment looks "
                "like, and what the segments are called.",
            ),
            html.Div(id=ids.MODEL_SUMMARY, className="mb-3 small"),
            card_row(
                chart_card("Elbow: within-cluster SSE by k", ids.MODEL_ELBOW, 300),
                chart_card("Silhouette by k", ids.MODEL_SILHOUETTE, 300),
            ),
            card_row(
                section_card(
                    "Customers on the first two principal components",
                    [
                        html.Div(id=ids.MODEL_SCATTER_NOTE, className="small text-muted"),
                        dcc.Graph(
                            id=ids.MODEL_SCATTER,
                            config={"displaylogo": False, "displayModeBar": "hover"},
                            style={"height": "420px"},
                            figure={"data": [], "layout": {"height": 420}},
                        ),
                    ],
                ),
                chart_card("Segment profiles (standardised means)", ids.MODEL_HEATMAP, 440),
                lg=(
                    7,
                    5,
                ),
            ),
            section_card(
                "Segments",
                [
                    html.P(
                        rename_note,
                        className="small mb-1" + ("" if analyst else " text-muted analysts-only"),
                    ),
                    html.Div(id=ids.MODEL_RENAME_STATUS),
                    dag.AgGrid(
                        id=ids.MODEL_SEGMENTS,
                        columnDefs=model_segment_columns(analyst),
                        rowData=[],
                        defaultColDef={
                            "resizable": True,
                            "minWidth": 90,
                            "flex": 1,
                            "wrapText": True,
                            "autoHeight": True,
                            "wrapHeaderText": True,
                            "autoHeaderHeight": True,
                        },
                        dashGridOptions={
                            "domLayout": "autoHeight",
                            "animateRows": False,
                            "singleClickEdit": False,
                            "stopEditingWhenCellsLoseFocus": True,
                            "tooltipShowDelay": 300,
                        },
                        getRowId="params.data.segment_id.toString()",
                        style={"height": None},
                    ),
                    dcc.Store(id=ids.MODEL_RENAMED, data=0),
                ],
            ),
        ]
    )


# -- the segments table and the run summary ---------------------------------------------------------
def segment_rows(
    profiles: pl.DataFrame, coverage: pl.DataFrame, colors: dict[str, str]
) -> list[dict[str, Any]]:
    covered = (
        dict(coverage.select("segment_id", "customers").iter_rows()) if coverage.height else {}
    )
    rows = []
    for row in profiles.iter_rows(named=True):
        when = row["renamed_at"]
        when_text = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else ""
        rows.append(
            {
                "run_id": row["run_id"],
                "segment_id": row["segment_id"],
                "segment": row["segment"],
                "generated_name": row["generated_name"],
                "description": row["description"],
                "n_customers": row["n_customers"],
                "covered": int(covered.get(row["segment_id"], 0)),
                "renamed": f"{row['renamed_by']}, {when_text}" if row["is_renamed"] else "",
                "color": color_of(colors, row["segment"]),
            }
        )
    return rows


def summary_text(run: dict[str, Any] | None) -> Any:
    if run is None:
        return dbc.Alert(
            "No model run yet: run `segmenta model` on this warehouse.", color="warning"
        )
    p, m = run["parameters"], run["metrics"]
    columns = ", ".join(feature_label(c) for c in p.get("features") or [])
    bits: list[str | Component] = [
        html.Strong(f"Run {run['run_id']}"),
        f" ({run['kind']}, as of {run['as_of_date']}): {p.get('algorithm', '?')}, "
        f"k = {p.get('k_fitted', m.get('n_segments', '?'))}",
    ]
    if p.get("k_reason"):
        bits.append(f" ({p['k_reason']})")
    bits.append(
        f"; silhouette {fmt_float(m.get('silhouette'), 3)} on "
        f"{fmt_int(m.get('silhouette_rows'))} customers"
    )
    if columns:
        bits.append(f"; model columns: {columns}")
    return html.P(bits, className="mb-0")


def model_outputs(store: object) -> tuple[Any, ...]:
    """Summary, elbow, silhouette, scatter (+ note), heatmap and the segment rows."""
    filters, options = current_filters(store)
    reader = state.reader()
    colors = segment_colors(options.segments)
    run = common.model_run_info(reader)
    sweep = q.k_sweep(reader)
    profiles = q.segment_profiles(reader)
    sample = q.projection_sample(reader, filters)
    coverage = q.segment_coverage(reader, filters)
    n_covered = int(sample["n_covered"][0]) if sample.height else 0
    note = (
        f"A fixed sample of {fmt_int(sample.height)} of the {fmt_int(n_covered)} covered customers."
        if n_covered > sample.height
        else f"All {fmt_int(n_covered)} covered customers."
    )
    shown = profiles
    if filters.segments:
        shown = profiles.filter(pl.col("segment").is_in(list(filters.segments)))
    return (
        summary_text(run),
        elbow_figure(sweep),
        silhouette_figure(sweep),
        scatter_figure(sample, colors, list(options.segments)),
        note,
        heatmap_figure(shown),
        segment_rows(profiles, coverage, colors),
    )


# -- renames -------------------------------------------------------------------------------------------
def rename_edit(event: object) -> tuple[int, int, str] | None:
    """(run_id, segment_id, new name) of a grid cellValueChanged event on the name, if valid."""
    if isinstance(event, list):
        event = event[-1] if event else None
    if not isinstance(event, dict) or event.get("colId") != "segment":
        return None
    row = event.get("data")
    # dash-ag-grid documents ``newValue``; the event the browser sends carries ``value``
    new = event.get("newValue", event.get("value"))
    if not isinstance(row, dict) or not isinstance(new, str):
        return None
    run_id, segment_id = row.get("run_id"), row.get("segment_id")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (run_id, segment_id)):
        return None
    return int(run_id), int(segment_id), new  # type: ignore[arg-type]


def _status(message: str, color: str) -> dbc.Alert:
    return dbc.Alert(
        message,
        color=color,
        dismissable=True,
        className="py-2 small mb-2",
        id=ids.MODEL_RENAME_ALERT,
    )


def rename_outputs(event: object, store: object, bump: object) -> tuple[Any, ...]:
    """Apply a rename from the grid: (status, redraw counter, slicer options, URL search)."""
    counter = (bump if isinstance(bump, int) else 0) + 1
    if event is None:
        raise dash.exceptions.PreventUpdate
    if not security.is_analyst():
        return (
            _status("Renaming segments is for analysts only; nothing was changed.", "warning"),
            counter,
            no_update,
            no_update,
        )
    edit = rename_edit(event)
    if edit is None:  # the grid's first render (no event), or nothing this page sends
        raise dash.exceptions.PreventUpdate
    run_id, segment_id, label = edit
    reader = state.reader()
    filters, options = current_filters(store)  # parsed with the names before the rename
    before = {sid: name for name, sid in options.segments.items()}
    old_name = before.get(segment_id)
    if old_name is not None and label.strip() == old_name:
        return no_update, counter, no_update, no_update
    user = security.current_user().name
    try:
        rename_segment(state.current().settings.warehouse, run_id, segment_id, label, user)
    except SegmentLabelError as exc:
        return _status(f"Not renamed: {exc}.", "danger"), counter, no_update, no_update
    except WarehouseBusyError:
        return (
            _status("Not renamed: the warehouse is being written; try again shortly.", "warning"),
            counter,
            no_update,
            no_update,
        )
    # This request is pinned to the version it started on (state.attach); it wrote the next
    # one, so it moves to it: the slicer options and the redraw must show the new name.
    reader.unpin()
    reader.pin()
    after = common.filter_options(reader)
    new_name = next((n for n, sid in after.segments.items() if sid == segment_id), label.strip())
    colors = segment_colors(after.segments)
    slicer = [segment_option(n, c) for n, c in colors.items()]
    url: object = no_update
    if old_name is not None and old_name in filters.segments:
        kept = tuple(new_name if s == old_name else s for s in filters.segments)
        url = Filters(
            date_from=filters.date_from,
            date_to=filters.date_to,
            countries=filters.countries,
            segments=kept,
            risk_bands=filters.risk_bands,
        ).to_query()
    message = (
        f"Segment {segment_id} is now called \u201c{new_name}\u201d"
        + (f" (was \u201c{old_name}\u201d)" if old_name else "")
        + f"; saved by {user}."
    )
    return _status(message, "success"), counter, slicer, url


# -- callbacks -------------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.MODEL_SUMMARY, "children"),
        Output(ids.MODEL_ELBOW, "figure"),
        Output(ids.MODEL_SILHOUETTE, "figure"),
        Output(ids.MODEL_SCATTER, "figure"),
        Output(ids.MODEL_SCATTER_NOTE, "children"),
        Output(ids.MODEL_HEATMAP, "figure"),
        Output(ids.MODEL_SEGMENTS, "rowData"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.MODEL_RENAMED, "data"),
    )
    def update_model(store: object, _renamed: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return model_outputs(store)

    @app.callback(
        Output(ids.MODEL_RENAME_STATUS, "children"),
        Output(ids.MODEL_RENAMED, "data"),
        Output(ids.FILTER_SEGMENT, "options"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MODEL_SEGMENTS, "cellValueChanged"),
        State(ids.FILTER_STORE, "data"),
        State(ids.MODEL_RENAMED, "data"),
        prevent_initial_call=True,
    )
    def rename(event: object, store: object, bump: object) -> tuple[Any, ...]:
        return rename_outputs(event, store, bump)
