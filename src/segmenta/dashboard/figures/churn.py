"""The churn page's charts: churn probability histogram, risk by segment and by country, ROC and
calibration curves of the held-out evaluation."""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.theme import (
    ACCENT,
    D3_MONEY,
    PRIMARY,
    RISK_COLORS,
    Figure,
    color_of,
    empty_figure,
    figure,
    fmt_int,
    fmt_pct,
    ordered_segments,
)
from segmenta.warehouse.vocabulary import RISK_THRESHOLDS

#: The three models of the evaluation: churn_eval.model -> (label, metrics key prefix, colour).
MODELS: dict[str, tuple[str, str, str]] = {
    "classifier": ("Classifier (logistic regression)", "churn", ACCENT),
    "recency": ("Baseline: recency alone", "recency", "#E69F00"),
    "bgnbd": ("Baseline: BG/NBD", "bgnbd", "#009E73"),
}


def histogram_figure(
    hist: pl.DataFrame, colors: dict[str, str], segments: dict[str, int], bins: int
) -> Figure:
    """Covered customers by churn probability bin, stacked by segment, with the risk bands marked."""
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
    """Mean churn probability per segment (bars in the segment colours)."""
    if summary.is_empty():
        return empty_figure("No scored customer under the current filter")
    bar_colors = [color_of(colors, s) for s in summary["segment"].to_list()]
    return figure([_risk_bars(summary, "segment", bar_colors, "segment")], **_risk_layout())


def by_country_figure(summary: pl.DataFrame) -> Figure:
    """Mean churn probability per home country."""
    if summary.is_empty():
        return empty_figure("No scored customer under the current filter")
    bar_colors = [PRIMARY] * summary.height
    return figure(
        [_risk_bars(summary, "country", bar_colors, "home country")],
        **_risk_layout(),
    )


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
    """ROC curves of the classifier and the two baselines, with their AUC in the legend."""
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
    """Predicted churn probability against the observed churn rate, per model."""
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
