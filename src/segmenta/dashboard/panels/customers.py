"""The customers page's detail view of one customer: profile, churn risk, segment and why,
invoice history, top products and returns."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from segmenta.dashboard.figures.customers import history_figure, segment_why_figure
from segmenta.dashboard.queries.customers import CustomerDetail
from segmenta.dashboard.theme import (
    RISK_BADGE,
    fmt_float,
    fmt_int,
    fmt_money,
    fmt_pct,
    graph_config,
)


def _dl(items: list[tuple[str, Any]]) -> html.Dl:
    children: list[Any] = []
    for label, value in items:
        children += [
            html.Dt(label, className="col-5 text-muted fw-normal"),
            html.Dd(value, className="col-7 mb-1"),
        ]
    return html.Dl(children, className="row small mb-0")


def _small_table(frame: pl.DataFrame, columns: dict[str, tuple[str, Any]]) -> dbc.Table | html.P:
    if frame.is_empty():
        return html.P("None in the selected period.", className="small text-muted")
    header = html.Thead(html.Tr([html.Th(label) for label, _ in columns.values()]))
    body = html.Tbody(
        [
            html.Tr([html.Td(fmt(row[c])) for c, (_, fmt) in columns.items()])
            for row in frame.iter_rows(named=True)
        ]
    )
    return dbc.Table([header, body], size="sm", striped=True, hover=True, className="small mb-0")


def detail_view(detail: CustomerDetail, color: str) -> tuple[str, Any]:
    """Title and body of the detail view of one customer (``color``: their segment's)."""
    p = detail.profile
    risk = p.get("risk_band") or "unknown"
    demographics = [
        ("Gender", p.get("gender") or "\u2013"),
        ("Age", fmt_int(p.get("age"))),
        (
            "Income",
            f"{fmt_money((p.get('annual_income_k') or 0) * 1000)} / yr"
            if p.get("annual_income_k")
            else "\u2013",
        ),
    ]
    profile_card = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Profile", className="text-muted text-uppercase small"),
                _dl(
                    [
                        ("Customer ID", p.get("customer_id") or "\u2013"),
                        ("Country", p.get("country") or "\u2013"),
                        *demographics,
                        ("First purchase", str(p.get("first_purchase_at") or "\u2013")[:10]),
                        ("Last purchase", str(p.get("last_purchase_at") or "\u2013")[:10]),
                        ("Recency", f"{fmt_int(p.get('recency_days'))} days"),
                        ("Frequency", f"{fmt_int(p.get('frequency'))} invoices"),
                        ("Revenue (all time)", fmt_money(p.get("monetary"))),
                        ("Return rate", fmt_pct(p.get("return_rate"))),
                    ]
                ),
            ]
        ),
        className="h-100",
    )
    churn_card = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Churn risk", className="text-muted text-uppercase small"),
                html.Div(fmt_pct(p.get("churn_probability")), className="display-6 fw-semibold"),
                dbc.Badge(
                    f"{risk} risk", color=RISK_BADGE.get(risk, "secondary"), className="mb-2"
                ),
                html.P(
                    "Probability of no purchase in the model's horizon, as of the run date.",
                    className="small text-muted mb-0",
                ),
            ]
        ),
        className="h-100",
    )
    segment_card = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Segment and why", className="text-muted text-uppercase small"),
                html.Div(
                    [
                        html.Span(className="segment-dot me-2", style={"backgroundColor": color}),
                        html.Strong(p.get("segment") or "\u2013"),
                        html.Span(
                            f" · {fmt_int(p.get('segment_customers'))} customers",
                            className="text-muted small",
                        ),
                    ],
                    className="mb-1",
                ),
                html.P(p.get("segment_description") or "", className="small mb-1"),
                html.P(
                    f"Distance to the segment centre: {fmt_float(p.get('segment_distance'), 2)} "
                    "(standardised units). What sets the segment apart:",
                    className="small text-muted mb-0",
                ),
                dcc.Graph(
                    figure=segment_why_figure(detail.segment_profile, color), config=graph_config()
                ),
            ]
        )
    )
    money = lambda v: fmt_money(v, 2)  # noqa: E731
    body = html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(profile_card, md=7, className="mb-3"),
                    dbc.Col(churn_card, md=5, className="mb-3"),
                ],
                className="g-3",
            ),
            html.Div(segment_card, className="mb-3"),
            html.H6(
                "Invoice history (selected period)", className="text-muted text-uppercase small"
            ),
            dcc.Graph(
                figure=history_figure(detail.history), config=graph_config(), className="mb-3"
            ),
            html.H6("Top products", className="text-muted text-uppercase small"),
            _small_table(
                detail.top_products,
                {
                    "stock_code": ("Code", str),
                    "description": ("Product", lambda v: v or "\u2013"),
                    "quantity": ("Units", fmt_int),
                    "revenue": ("Revenue", money),
                },
            ),
            html.H6("Returns", className="text-muted text-uppercase small mt-3"),
            _small_table(
                detail.returns,
                {
                    "date": ("Date", str),
                    "invoice_no": ("Invoice", str),
                    "description": ("Product", lambda v: v or "\u2013"),
                    "quantity": ("Units", fmt_int),
                    "value": ("Value", money),
                },
            ),
        ],
        className="customer-detail",
    )
    return str(p.get("display_name") or "Customer"), body
