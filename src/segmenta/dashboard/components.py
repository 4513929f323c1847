"""Small building blocks shared by the pages: cards, headers, alerts, the current filter."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import common
from segmenta.dashboard.theme import graph_config


def current_filters(store_data: object) -> tuple[Filters, FilterOptions]:
    """The validated filter of a callback (from the filter store's query string) and options.

    The store is client-side state, so it is parsed and validated again on every call.
    """
    options = common.filter_options(state.reader())
    search = store_data if isinstance(store_data, str) else ""
    return Filters.from_query(search, options), options


def page_header(title: str, description: str) -> html.Div:
    return html.Div(
        [html.H1(title, className="h3 mb-1"), html.P(description, className="text-muted mb-3")],
        className="page-header",
    )


def kpi_card(
    title: str, value: str, note: str | None = None, card_id: str | None = None
) -> dbc.Card:
    body = [
        html.Div(title, className="kpi-title text-muted text-uppercase small"),
        html.Div(value, className="kpi-value fw-semibold"),
    ]
    if note:
        body.append(html.Div(note, className="kpi-note text-muted small text-truncate", title=note))
    kwargs: dict[str, Any] = {"id": card_id} if card_id else {}
    return dbc.Card(
        dbc.CardBody(body, className="py-2 px-3"), className="kpi-card h-100 shadow-sm", **kwargs
    )


def chart_card(
    title: str, graph_id: str, height: int = 360, config: dcc.Graph.Config | None = None
) -> dbc.Card:
    """A card holding one dcc.Graph (filled by a callback), with a loading spinner."""
    graph = dcc.Graph(
        id=graph_id,
        config=config or graph_config(),
        style={"height": f"{height}px"},
        figure={"data": [], "layout": {"height": height}},
    )
    return dbc.Card(
        [
            dbc.CardHeader(title, className="fw-semibold small text-uppercase text-muted"),
            dbc.CardBody(dcc.Loading(graph, type="dot", delay_show=300), className="p-2"),
        ],
        className="h-100 shadow-sm",
    )


def card_row(*cards: Any, lg: int | tuple[int, ...] = 6) -> dbc.Row:
    """Cards side by side on a large screen (``lg`` columns each, or one width per card),
    stacked on a small one."""
    widths = lg if isinstance(lg, tuple) else (lg,) * len(cards)
    return dbc.Row(
        [dbc.Col(card, lg=w, className="mb-3") for card, w in zip(cards, widths, strict=True)],
        className="g-3",
    )


def section_card(title: str, body: Any, header_extra: Any = None) -> dbc.Card:
    header: list[Any] = [html.Span(title, className="fw-semibold small text-uppercase text-muted")]
    if header_extra is not None:
        header.append(html.Div(header_extra, className="ms-auto"))
    return dbc.Card(
        [
            dbc.CardHeader(html.Div(header, className="d-flex align-items-center")),
            dbc.CardBody(body, className="p-2"),
        ],
        className="h-100 shadow-sm",
    )


def no_model_alert() -> dbc.Alert:
    return dbc.Alert(
        [
            html.Strong("No model run yet. "),
            "Segments and churn scores come from a model run: run ",
            html.Code("segmenta model"),
            " on this warehouse, then reload.",
        ],
        color="warning",
        className="mb-3",
    )


def freshness_alert(note: str) -> dbc.Alert:
    """The note that segments and churn scores are older than the figures (see
    :func:`segmenta.dashboard.queries.common.freshness_note`)."""
    return dbc.Alert(
        [html.Strong("Model run behind the data. "), note],
        id=ids.MODEL_FRESHNESS,
        color="info",
        className="mb-3",
    )
