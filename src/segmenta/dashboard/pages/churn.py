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
    kpi_card,
    page_header,
    section_card,
)
from segmenta.dashboard.grid_columns import (
    country_column,
    customer_column,
    money_column,
    number_column,
    segment_column,
)
from segmenta.dashboard.queries import churn as q
from segmenta.dashboard.queries import common
from segmenta.dashboard.theme import (
    ACCENT,
    D3_MONEY,
    NEUTRAL,
    PRIMARY,
    RISK_COLORS,
    Figure,
    color_of,
    empty_figure,
    figure,
    fmt_int,
    fmt_money,
    fmt_money_short,
    fmt_pct,
    ordered_segments,
    segment_colors,
)
from segmenta.warehouse.analyst import to_csv
from segmenta.warehouse.vocabulary import RISK_THRESHOLDS

PATH = "/churn"
NAME = "Churn"
TITLE = "Churn · Segmenta"
ORDER = 5

#: The three models of the evaluation: churn_eval.model -> (label, metrics key prefix, colour).
MODELS: dict[str, tuple[str, str, str]] = {
    "classifier": ("Classifier (logistic regression)", "churn", ACCENT),
    "recency": ("Baseline: recency alone", "recency", "#E69F00"),
    "bgnbd": ("Baseline: BG/NBD", "bgnbd", "#009E73"),
}
AT_RISK_COLUMNS: list[dict[str, Any]] = [
    customer_column(150),
    country_column(130),
    segment_column(130),
    number_column("churn_probability", "Churn", ".0%"),
    money_column("revenue", "Revenue"),
    money_column(
        "value_at_risk",
        "Revenue at risk",
        headerTooltip="Expected revenue at risk: revenue x churn probability",
        sort="desc",
    ),
]


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
                            columnDefs=AT_RISK_COLUMNS,
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


# -- figures (filtered part) ----------------------------------------------------------------
def kpi_cards(customers: pl.DataFrame, horizon: int | None) -> dbc.Row:
    n = customers.height
    high = int((customers["risk_band"] == "high").sum()) if n else 0
    revenue = float(customers["revenue"].sum()) if n else 0.0
    at_risk = float((customers["revenue"] * customers["churn_probability"]).sum()) if n else 0.0
    horizon_note = f"no purchase in the next {horizon} days" if horizon else None
    cards = [
        kpi_card("Scored customers", fmt_int(n)),
        kpi_card(
            "Mean churn probability",
            fmt_pct(customers["churn_probability"].mean() if n else None),
            horizon_note,
        ),
        kpi_card("High risk", fmt_int(high), f"{fmt_pct(high / n if n else None)} of customers"),
        kpi_card("Revenue", fmt_money_short(revenue), "over the filtered lines"),
        kpi_card(
            "Revenue at risk",
            fmt_money_short(at_risk),
            f"{fmt_pct(at_risk / revenue if revenue else None)}: revenue x churn probability",
        ),
    ]
    return dbc.Row(
        [dbc.Col(c, xs=6, md=4, xl=True, className="mb-2") for c in cards], className="g-2"
    )


def histogram_figure(
    hist: pl.DataFrame, colors: dict[str, str], segments: dict[str, int], bins: int
) -> Figure:
    if hist.is_empty():
        return empty_figure("No scored customer under the current filter")
    width = 1 / bins
    traces = []
    for segment in ordered_segments(hist["segment"].to_list(), segments):
        rows = hist.filter(pl.col("segment") == segment)
        traces.append(
            {
                "type": "bar",
                "name": segment,
                "x": [b + width / 2 for b in rows["bin_start"].to_list()],
                "y": rows["customers"].to_list(),
                "width": width * 0.95,
                "marker": {"color": color_of(colors, segment)},
                "customdata": [[b, b + width] for b in rows["bin_start"].to_list()],
                "hovertemplate": f"<b>{segment}</b><br>"
                "churn %{customdata[0]:.0%}\u2013%{customdata[1]:.0%}: %{y:,} customers"
                "<extra></extra>",
            }
        )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": t,
            "x1": t,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#6c757d", "dash": "dot", "width": 1},
        }
        for t in RISK_THRESHOLDS
    ]
    annotations = [
        {
            "x": x,
            "y": 1.0,
            "xref": "x",
            "yref": "paper",
            "text": f"{band} risk",
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 11, "color": RISK_COLORS[band]},
        }
        for x, band in ((1 / 6, "low"), (0.5, "medium"), (5 / 6, "high"))
    ]
    return figure(
        traces,
        barmode="stack",
        bargap=0,
        margin={"l": 8, "r": 16, "t": 24, "b": 8},
        xaxis={"title": {"text": "Churn probability"}, "tickformat": ".0%", "range": [0, 1]},
        yaxis={"title": {"text": "Customers"}},
        shapes=shapes,
        annotations=annotations,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "traceorder": "normal"},
    )


def _risk_bars(
    summary: pl.DataFrame, label: str, colors: list[str], hover_name: str
) -> dict[str, Any]:
    return {
        "type": "bar",
        "orientation": "h",
        "y": summary[label].to_list(),
        "x": summary["mean_probability"].to_list(),
        "marker": {"color": colors},
        "text": [
            f"{fmt_pct(p, 0)} · {fmt_int(h)} high"
            for p, h in summary.select("mean_probability", "high_risk").rows()
        ],
        "textposition": "auto",
        "cliponaxis": False,
        "customdata": summary.select(
            "customers", "high_risk", "high_risk_share", "revenue", "revenue_at_risk"
        ).rows(),
        "hovertemplate": f"<b>%{{y}}</b> ({hover_name})<br>Mean churn probability %{{x:.1%}}"
        "<br>%{customdata[0]:,} customers, %{customdata[1]:,} at high risk "
        "(%{customdata[2]:.0%})<br>Revenue %{customdata[3]:" + D3_MONEY + "}, at risk "
        "%{customdata[4]:" + D3_MONEY + "}<extra></extra>",
    }


def _risk_layout(**extra: Any) -> dict[str, Any]:
    return {
        "margin": {"l": 8, "r": 16, "t": 8, "b": 40},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": {
            "title": {"text": "Mean churn probability"},
            "tickformat": ".0%",
            "rangemode": "tozero",
        },
        "showlegend": False,
        **extra,
    }


def by_segment_figure(summary: pl.DataFrame, colors: dict[str, str]) -> Figure:
    if summary.is_empty():
        return empty_figure("No scored customer under the current filter")
    bar_colors = [color_of(colors, s) for s in summary["segment"].to_list()]
    return figure([_risk_bars(summary, "segment", bar_colors, "segment")], **_risk_layout())


def by_country_figure(summary: pl.DataFrame) -> Figure:
    if summary.is_empty():
        return empty_figure("No scored customer under the current filter")
    bar_colors = [PRIMARY] * summary.height
    return figure(
        [_risk_bars(summary, "country", bar_colors, "home country")],
        **_risk_layout(),
    )


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
        return kpi_cards(customers, _horizon(run)), empty, empty, empty, [], note
    hist = q.churn_histogram(customers)
    at_risk_all = q.churn_at_risk(customers, None)
    shown = at_risk_all.head(q.AT_RISK_SHOWN)
    total_at_risk = float(at_risk_all["value_at_risk"].sum()) if at_risk_all.height else 0.0
    note = html.Span(
        [
            html.Strong(f"{fmt_int(at_risk_all.height)} customers at high risk"),
            f" (churn probability {fmt_pct(RISK_THRESHOLDS[1], 0)} or more), "
            f"{fmt_money(total_at_risk)} of revenue at risk; ",
            f"the {fmt_int(shown.height)} with most revenue at risk are listed"
            if at_risk_all.height > shown.height
            else "all listed",
            " (the export has them all).",
        ]
    )
    return (
        kpi_cards(customers, _horizon(run)),
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
def _diagonal(name: str) -> dict[str, Any]:
    """The dotted y = x reference line of the ROC and calibration charts."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": [0, 1],
        "y": [0, 1],
        "name": name,
        "line": {"color": "#adb5bd", "dash": "dot", "width": 1},
        "hoverinfo": "skip",
    }


def roc_figure(curves: pl.DataFrame, metrics: dict[str, Any]) -> Figure:
    roc = curves.filter(pl.col("curve") == "roc")
    if roc.is_empty():
        return empty_figure("No churn evaluation in this run")
    traces: list[dict[str, Any]] = [_diagonal("Chance (AUC 0.5)")]
    for model, (label, prefix, color) in MODELS.items():
        rows = roc.filter(pl.col("model") == model).sort("point")
        if rows.is_empty():
            continue
        auc = metrics.get(f"{prefix}_auc")
        name = f"{label} (AUC {auc:.3f})" if isinstance(auc, int | float) else label
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": rows["x"].to_list(),
                "y": rows["y"].to_list(),
                "name": name,
                "line": {"color": color, "width": 3 if model == "classifier" else 2},
                "hovertemplate": f"<b>{label}</b><br>false positive rate %{{x:.0%}}"
                "<br>true positive rate %{y:.0%}<extra></extra>",
            }
        )
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        xaxis={"title": {"text": "False positive rate"}, "tickformat": ".0%", "range": [0, 1]},
        yaxis={"title": {"text": "True positive rate"}, "tickformat": ".0%", "range": [0, 1]},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
    )


def calibration_figure(curves: pl.DataFrame) -> Figure:
    calibration = curves.filter(pl.col("curve") == "calibration")
    if calibration.is_empty():
        return empty_figure("No churn evaluation in this run")
    traces: list[dict[str, Any]] = [_diagonal("Perfectly calibrated")]
    for model, (label, _prefix, color) in MODELS.items():
        rows = calibration.filter(pl.col("model") == model).sort("point")
        if rows.is_empty():
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": rows["x"].to_list(),
                "y": rows["y"].to_list(),
                "name": label,
                "line": {"color": color, "width": 3 if model == "classifier" else 2},
                "hovertemplate": f"<b>{label}</b><br>predicted %{{x:.0%}}, "
                "observed %{y:.0%}<extra></extra>",
            }
        )
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        xaxis={"title": {"text": "Predicted churn probability"}, "tickformat": ".0%"},
        yaxis={"title": {"text": "Observed churn rate"}, "tickformat": ".0%"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
    )


def metrics_table(metrics: dict[str, Any]) -> dbc.Table:
    """ROC AUC, average precision and Brier score of the three models; best of each in bold."""
    columns = (("auc", "ROC AUC", max), ("ap", "Avg precision", max), ("brier", "Brier", min))
    best = {}
    for key, _title, pick in columns:
        found = [metrics.get(f"{prefix}_{key}") for _label, prefix, _color in MODELS.values()]
        values = [v for v in found if isinstance(v, int | float)]
        best[key] = pick(values) if values else None
    header = html.Thead(html.Tr([html.Th("Model"), *[html.Th(t) for _k, t, _p in columns]]))
    rows = []
    for label, prefix, color in MODELS.values():
        cells = [
            html.Td(
                [html.Span(className="segment-dot me-2", style={"backgroundColor": color}), label]
            )
        ]
        for key, _title, _pick in columns:
            value = metrics.get(f"{prefix}_{key}")
            text = f"{value:.3f}" if isinstance(value, int | float) else "\u2013"
            cells.append(html.Td(html.Strong(text) if value == best[key] else text))
        rows.append(html.Tr(cells))
    return dbc.Table(
        [header, html.Tbody(rows)], size="sm", bordered=False, hover=True, className="small mb-2"
    )


def verdict(metrics: dict[str, Any]) -> str:
    """One honest sentence: does the classifier beat the baselines on ROC AUC?"""
    ours, recency, bgnbd = (metrics.get(k) for k in ("churn_auc", "recency_auc", "bgnbd_auc"))
    if not (
        isinstance(ours, int | float)
        and isinstance(recency, int | float)
        and isinstance(bgnbd, int | float)
    ):
        return ""
    beaten = [name for name, v in (("recency alone", recency), ("BG/NBD", bgnbd)) if ours > v]
    if len(beaten) == 2:
        return (
            f"The classifier ranks churners better than both baselines "
            f"(AUC {ours:.3f} vs {recency:.3f} and {bgnbd:.3f})."
        )
    if beaten:
        other = "BG/NBD" if beaten == ["recency alone"] else "recency alone"
        return f"The classifier beats {beaten[0]} but not {other} on ROC AUC."
    return "The classifier does not beat either baseline on ROC AUC on this run."


def definition(run: dict[str, Any]) -> list[Any]:
    parameters, metrics = run["parameters"], run["metrics"]
    churn = parameters.get("churn") or {}
    horizon = parameters.get("horizon_days")
    n_train, n_test = metrics.get("churn_n_train"), metrics.get("churn_n_test")
    share = churn.get("test_share")
    return [
        html.P(
            [
                html.Strong("Churn: "),
                f"no purchase in the {horizon} days after a date. A customer's churn "
                f"probability is that of no purchase in the {horizon} days after the run's "
                f"as-of date ({run['as_of_date']}).",
            ],
            className="mb-1",
        ),
        html.P(
            [
                html.Strong("Evaluation: "),
                f"features as of the cutoff {churn.get('cutoff_date', '?')} (as-of date minus "
                f"{horizon} days), label {churn.get('label', '')}. Customers split once "
                f"{churn.get('split', 'by customer')}: {fmt_int(n_train)} to train, "
                f"{fmt_int(n_test)} held out"
                + (f" ({fmt_pct(share, 0)})" if isinstance(share, int | float) else "")
                + f"; {fmt_pct(metrics.get('churn_base_rate'), 0)} of them churned. "
                "All three models are fitted on the train customers and scored on the "
                "held-out ones.",
            ],
            className="mb-1",
        ),
        html.P(verdict(metrics), className="mb-1 fw-semibold"),
        html.P(
            f"Model run {run['run_id']} · {churn.get('classifier', '')} · risk bands: low "
            f"below {fmt_pct(RISK_THRESHOLDS[0], 0)}, high from {fmt_pct(RISK_THRESHOLDS[1], 0)}.",
            className="text-muted mb-0",
        ),
    ]


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
