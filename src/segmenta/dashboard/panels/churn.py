"""The churn page's KPI row, the at-risk list's note and the evaluation's table and text."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from segmenta.dashboard.components import kpi_card
from segmenta.dashboard.figures.churn import MODELS
from segmenta.dashboard.theme import fmt_int, fmt_money, fmt_money_short, fmt_pct
from segmenta.warehouse.vocabulary import RISK_THRESHOLDS


def kpi_cards(
    customers: pl.DataFrame, horizon: int | None, scope: str = "all loaded lines"
) -> dbc.Row:
    """Scored customers, mean churn probability, high risk (as of the run), revenue and revenue
    at risk (over the lines ``scope`` says: :attr:`Filters.line_scope`)."""
    n = customers.height
    high = int((customers["risk_band"] == "high").sum()) if n else 0
    revenue = float(customers["revenue"].sum()) if n else 0.0
    at_risk = float((customers["revenue"] * customers["churn_probability"]).sum()) if n else 0.0
    horizon_note = (
        f"as of the run: no purchase in the next {horizon} days" if horizon else "as of the run"
    )
    cards = [
        kpi_card("Scored customers", fmt_int(n), "scored by the latest model run"),
        kpi_card(
            "Mean churn probability",
            fmt_pct(customers["churn_probability"].mean() if n else None),
            horizon_note,
        ),
        kpi_card(
            "High risk",
            fmt_int(high),
            f"{fmt_pct(high / n if n else None)} of customers, as of the run",
        ),
        kpi_card("Revenue", fmt_money_short(revenue), f"of scored customers, {scope}"),
        kpi_card(
            "Revenue at risk",
            fmt_money_short(at_risk),
            f"{fmt_pct(at_risk / revenue if revenue else None)}: revenue x churn probability",
        ),
    ]
    return dbc.Row(
        [dbc.Col(c, xs=6, md=4, xl=True, className="mb-2") for c in cards], className="g-2"
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
    """What churn means in this run, how it was evaluated, and the verdict."""
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


def at_risk_note(n_at_risk: int, n_shown: int, total_at_risk: float) -> html.Span:
    """How many covered customers are at high risk, their revenue at risk, how many are listed."""
    return html.Span(
        [
            html.Strong(f"{fmt_int(n_at_risk)} customers at high risk"),
            f" (churn probability {fmt_pct(RISK_THRESHOLDS[1], 0)} or more), "
            f"{fmt_money(total_at_risk)} of revenue at risk; ",
            f"the {fmt_int(n_shown)} with most revenue at risk are listed"
            if n_at_risk > n_shown
            else "all listed",
            " (the export has them all).",
        ]
    )
