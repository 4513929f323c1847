"""Churn: how likely the covered customers are to stop buying, and how far to trust the model.

The upper part follows the global slicers: the distribution of churn probability, risk by
segment and by home country, and the high-value customers at high risk ranked by expected
revenue at risk (revenue over the filtered lines x churn probability), exportable as CSV.
The lower part is the latest run's held-out evaluation (ROC curves and AUC of the classifier
against the recency-only and BG/NBD baselines, calibration, the definition of churn): it is
a property of the model, measured once on the run's test customers, so the slicers do not
change it.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, dcc, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import (
    card_row,
    chart_card,
    current_filters,
    page_header,
    section_card,
)
from segmenta.dashboard.figures.churn import (
    by_country_figure,
    by_segment_figure,
    calibration_figure,
    histogram_figure,
    roc_figure,
)
from segmenta.dashboard.grid_columns import CHURN_AT_RISK_COLUMNS
from segmenta.dashboard.panels.churn import at_risk_note, definition, kpi_cards, metrics_table
from segmenta.dashboard.queries import churn as q
from segmenta.dashboard.queries import common
from segmenta.dashboard.theme import NEUTRAL, Figure, empty_figure, segment_colors
from segmenta.warehouse.analyst import to_csv

PATH = "/churn"
NAME = "Churn"
TITLE = "Churn · Segmenta"
ORDER = 5


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            page_header(
                "Churn",
                "Churn probability of the covered customers (no purchase in the model's "
                "horizon, as of the run date), where the risk is, who is worth keeping, and "
                "how well the model predicts churn on customers it never saw.",
            ),
            html.Div(id=ids.CHURN_KPIS, className="mb-3"),
            card_row(
                chart_card("Distribution of churn probability", ids.CHURN_HISTOGRAM, 330),
                chart_card("Churn risk by segment", ids.CHURN_BY_SEGMENT, 330),
                lg=6,
            ),
            card_row(
                chart_card("Churn risk by country", ids.CHURN_BY_COUNTRY, 420),
                section_card(
                    "High-value customers at high risk",
                    [
                        html.Div(id=ids.CHURN_AT_RISK_NOTE, className="small mb-1"),
                        dag.AgGrid(
                            id=ids.CHURN_AT_RISK,
                            columnDefs=CHURN_AT_RISK_COLUMNS,
                            rowData=[],
                            defaultColDef={
                                "sortable": True,
                                "resizable": True,
                                "filter": True,
                                "minWidth": 100,
                                "flex": 1,
                                "wrapHeaderText": True,
                                "autoHeaderHeight": True,
                            },
                            dashGridOptions={"animateRows": False, "tooltipShowDelay": 300},
                            getRowId="params.data.customer_key.toString()",
                            style={"height": "372px", "width": "100%"},
                        ),
                        dcc.Download(id=ids.CHURN_DOWNLOAD),
                    ],
                    header_extra=dbc.Button(
                        "Export CSV",
                        id=ids.CHURN_EXPORT,
                        size="sm",
                        color="primary",
                        outline=True,
                    ),
                ),
                lg=(
                    4,
                    8,
                ),
            ),
            html.H2("How good is the model?", className="h5 mt-2 mb-1"),
            html.P(
                "Measured once per model run on held-out customers; the slicers do not apply.",
                className="text-muted small mb-2",
            ),
            card_row(
                chart_card("ROC curve (held-out customers)", ids.CHURN_ROC, 380),
                chart_card("Calibration", ids.CHURN_CALIBRATION, 380),
                section_card(
                    "Scores and the definition of churn",
                    [
                        html.Div(id=ids.CHURN_EVAL_TABLE),
                        html.Div(id=ids.CHURN_DEFINITION, className="small"),
                    ],
                ),
                lg=4,
            ),
        ]
    )


# -- the filtered part ---------------------------------------------------------------------------
def at_risk_rows(at_risk: pl.DataFrame, colors: dict[str, str]) -> list[dict[str, Any]]:
    return at_risk.with_columns(
        pl.col("revenue").round(2),
        pl.col("value_at_risk").round(2),
        pl.col("churn_probability").round(4),
        pl.col("segment")
        .replace_strict(colors, default=NEUTRAL, return_dtype=pl.String)
        .alias("segment_color"),
    ).to_dicts()


def _horizon(run: dict[str, Any] | None) -> int | None:
    if not run:
        return None
    horizon = run["parameters"].get("horizon_days")
    return int(horizon) if isinstance(horizon, int | float) else None


def churn_outputs(store: object) -> tuple[Any, ...]:
    """KPIs, histogram, by segment, by country, the at-risk rows and their note."""
    filters, options = current_filters(store)
    reader = state.reader()
    colors = segment_colors(options.segments)
    customers = q.churn_customers(reader, filters)
    run = common.model_run_info(reader)
    if customers.is_empty():
        message = (
            "This model run has no churn model (a customer-table run has no purchase history)"
            if run and run["kind"] != "invoices"
            else "No scored customer under the current filter"
        )
        empty = empty_figure(message)
        note = html.Span(message + ".", className="text-muted")
        return (
            kpi_cards(customers, _horizon(run), filters.line_scope),
            empty,
            empty,
            empty,
            [],
            note,
        )
    hist = q.churn_histogram(customers)
    at_risk_all = q.churn_at_risk(customers, None)
    shown = at_risk_all.head(q.AT_RISK_SHOWN)
    total_at_risk = float(at_risk_all["value_at_risk"].sum()) if at_risk_all.height else 0.0
    note = at_risk_note(at_risk_all.height, shown.height, total_at_risk)
    return (
        kpi_cards(customers, _horizon(run), filters.line_scope),
        histogram_figure(hist, colors, dict(options.segments), q.CHURN_BINS),
        by_segment_figure(q.churn_by_segment(customers), colors),
        by_country_figure(q.churn_by_country(customers)),
        at_risk_rows(shown, colors),
        note,
    )


def export_csv(store: object) -> dict[str, Any]:
    """Every high-risk covered customer, most revenue at risk first, as a CSV download."""
    filters, _options = current_filters(store)
    frame = q.churn_at_risk(q.churn_customers(state.reader(), filters), None)
    frame = frame.with_columns(
        pl.col("churn_probability").round(4),
        pl.col("revenue").round(2),
        pl.col("value_at_risk").round(2),
    )
    return {
        "content": to_csv(frame),
        "filename": "segmenta-churn-at-risk.csv",
        "type": "text/csv",
        "base64": False,
    }


# -- the evaluation ---------------------------------------------------------------------------------
def evaluation_outputs() -> tuple[Figure, Figure, Any, Any]:
    """ROC, calibration, the metrics table and the definition of the latest run."""
    reader = state.reader()
    run = common.model_run_info(reader)
    if run is None or run["kind"] != "invoices" or "churn_auc" not in run["metrics"]:
        skipped = (run or {}).get("parameters", {}).get("churn", {}).get("skipped")
        message = (
            f"This model run has no churn model: {skipped}"
            if skipped
            else "No churn model yet: run `segmenta model` on an invoice warehouse."
        )
        empty = empty_figure("No churn evaluation in this run")
        return empty, empty, dbc.Alert(message, color="secondary", className="small"), []
    curves = q.churn_curves(reader)
    return (
        roc_figure(curves, run["metrics"]),
        calibration_figure(curves),
        metrics_table(run["metrics"]),
        definition(run),
    )


# -- callbacks -------------------------------------------------------------------------------------
def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.CHURN_KPIS, "children"),
        Output(ids.CHURN_HISTOGRAM, "figure"),
        Output(ids.CHURN_BY_SEGMENT, "figure"),
        Output(ids.CHURN_BY_COUNTRY, "figure"),
        Output(ids.CHURN_AT_RISK, "rowData"),
        Output(ids.CHURN_AT_RISK_NOTE, "children"),
        Input(ids.FILTER_STORE, "data"),
    )
    def update_churn(store: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return churn_outputs(store)

    @app.callback(
        Output(ids.CHURN_ROC, "figure"),
        Output(ids.CHURN_CALIBRATION, "figure"),
        Output(ids.CHURN_EVAL_TABLE, "children"),
        Output(ids.CHURN_DEFINITION, "children"),
        Input(ids.FILTER_STORE, "data"),
    )
    def update_evaluation(store: object) -> tuple[Any, ...]:
        # The store only triggers the first draw: the evaluation does not depend on the filter.
        if store is None:
            raise dash.exceptions.PreventUpdate
        return evaluation_outputs()

    @app.callback(
        Output(ids.CHURN_DOWNLOAD, "data"),
        Input(ids.CHURN_EXPORT, "n_clicks"),
        State(ids.FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def export(n_clicks: object, store: object) -> dict[str, Any]:
        if not n_clicks:
            raise dash.exceptions.PreventUpdate
        return export_csv(store)
