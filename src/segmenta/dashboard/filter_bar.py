"""The shell's filter bar: the global slicers, their layout and the callbacks that sync them.

The bar holds the invoice date range, country, segment and churn risk band slicers, a "clear
filters" button and the "N customers · M lines" line. Filter state lives in the URL query
string (see :mod:`segmenta.dashboard.filters`): :func:`sync_filters` keeps the slicers, the URL
(``ids.URL``) and the filter store (``ids.FILTER_STORE``, the canonical query string every page
callback takes as input) in sync, so a filtered view can be bookmarked and shared and survives
page changes. :func:`register_callbacks` wires both callbacks on the app.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update

from segmenta.dashboard import ids, state
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import common
from segmenta.dashboard.theme import fmt_int, segment_colors
from segmenta.warehouse.vocabulary import RISK_BANDS

__all__ = [
    "Slicers",
    "coverage_text",
    "layout",
    "register_callbacks",
    "segment_option",
    "sync_filters",
]

# -- layout ------------------------------------------------------------------------------------------
SLICER_LABEL = "form-label small text-muted mb-1"


def _slicer(
    label: str,
    slicer_id: str,
    choices: list[Any],
    placeholder: str,
    *,
    widths: dict[str, int],
    searchable: bool = True,
) -> dbc.Col:
    """One multi-select slicer of the filter bar, with its label (starts empty: no filter)."""
    return dbc.Col(
        [
            html.Label(label, htmlFor=slicer_id, className=SLICER_LABEL),
            dcc.Dropdown(
                id=slicer_id,
                options=choices,
                value=[],
                multi=True,
                placeholder=placeholder,
                searchable=searchable,
            ),
        ],
        **widths,
    )


def segment_option(name: str, color: str) -> dict[str, Any]:
    """An option of the segment slicer: the segment's colour dot and its name."""
    return {
        "label": html.Span(
            [
                html.Span(
                    className="segment-dot me-2",
                    style={"backgroundColor": color},
                ),
                name,
            ]
        ),
        "value": name,
        "search": name,
    }


def layout(options: FilterOptions) -> dbc.Card:
    """The filter bar for the warehouse's filter options (slicers start empty: no filter)."""
    date_min = options.date_min.isoformat() if options.date_min else None
    date_max = options.date_max.isoformat() if options.date_max else None
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                html.Label(
                                    "Invoice date", htmlFor=ids.FILTER_DATES, className=SLICER_LABEL
                                ),
                                dcc.DatePickerRange(
                                    id=ids.FILTER_DATES,
                                    min_date_allowed=date_min,
                                    max_date_allowed=date_max,
                                    start_date=date_min,
                                    end_date=date_max,
                                    initial_visible_month=date_max,
                                    display_format="YYYY-MM-DD",
                                    updatemode="bothdates",
                                    disabled=date_min is None,
                                    className="w-100",
                                ),
                            ],
                            xs=12,
                            md=6,
                            xl=3,
                        ),
                        _slicer(
                            "Country",
                            ids.FILTER_COUNTRY,
                            [{"label": c, "value": c} for c in options.countries],
                            "All countries",
                            widths={"xs": 12, "md": 6, "xl": 3},
                        ),
                        _slicer(
                            "Segment",
                            ids.FILTER_SEGMENT,
                            [
                                segment_option(n, c)
                                for n, c in segment_colors(options.segments).items()
                            ],
                            "All segments",
                            widths={"xs": 12, "md": 5, "xl": 3},
                        ),
                        _slicer(
                            "Churn risk",
                            ids.FILTER_RISK,
                            [{"label": b.capitalize(), "value": b} for b in RISK_BANDS],
                            "All risk bands",
                            widths={"xs": 8, "md": 4, "xl": 2},
                            searchable=False,
                        ),
                        dbc.Col(
                            dbc.Button(
                                "Clear filters",
                                id=ids.FILTER_CLEAR,
                                color="secondary",
                                outline=True,
                                size="sm",
                                className="w-100",
                            ),
                            xs=4,
                            md=3,
                            xl=1,
                            className="d-flex align-items-end",
                        ),
                    ],
                    className="g-2",
                ),
                html.Div(
                    [
                        html.Span(id=ids.COVERAGE, className="fw-semibold"),
                        html.Span(id=ids.FILTER_SUMMARY, className="text-muted ms-2"),
                    ],
                    className="small mt-2 coverage-line",
                ),
            ],
            className="py-2",
        ),
        className="filter-bar shadow-sm mb-3",
    )


# -- callbacks ---------------------------------------------------------------------------------------
class Slicers(NamedTuple):
    """The slicers' values as the browser sends them (untrusted)."""

    start: object = None
    end: object = None
    countries: object = None
    segments: object = None
    risks: object = None


def _listed(value: object) -> list[Any] | tuple[()]:
    return value if isinstance(value, list) else ()


def sync_filters(
    trigger: object,
    search: object,
    slicers: Slicers,
    current_store: object,
    options: FilterOptions,
) -> tuple[Any, ...]:
    """The sync callback's logic: URL <-> slicers <-> filter store (pure, for tests).

    Returns (url search, start date, end date, countries, segments, risk bands, store).
    """
    from_url = trigger in (None, ids.URL)
    if trigger == ids.FILTER_CLEAR:
        filters = Filters()
    elif from_url:
        filters = Filters.from_query(search if isinstance(search, str) else "", options)
    else:
        filters = Filters.from_values(
            options,
            date_from=slicers.start,
            date_to=slicers.end,
            countries=_listed(slicers.countries),
            segments=_listed(slicers.segments),
            risk_bands=_listed(slicers.risks),
        )
    query = filters.to_query()
    url_out = query if (search or "") != query else no_update
    store_out = query if current_store != query else no_update
    if from_url or trigger == ids.FILTER_CLEAR:
        min_date = options.date_min.isoformat() if options.date_min else None
        max_date = options.date_max.isoformat() if options.date_max else None
        values: tuple[Any, ...] = (
            filters.date_from.isoformat() if filters.date_from else min_date,
            filters.date_to.isoformat() if filters.date_to else max_date,
            list(filters.countries),
            list(filters.segments),
            list(filters.risk_bands),
        )
    else:
        values = (no_update,) * 5
    return (url_out, *values, store_out)


def coverage_text(store: object) -> tuple[str, str]:
    """("N customers · M lines", "filter description") for the filter store value."""
    options = common.filter_options(state.reader())
    filters = Filters.from_query(store if isinstance(store, str) else "", options)
    n_customers, n_lines = common.coverage(state.reader(), filters)
    customers_word = "customer" if n_customers == 1 else "customers"
    lines_word = "line" if n_lines == 1 else "lines"
    return (
        f"{fmt_int(n_customers)} {customers_word} · {fmt_int(n_lines)} {lines_word}",
        f"({filters.describe()})",
    )


def register_callbacks(app: dash.Dash) -> None:
    """The slicer sync callback and the coverage line's callback."""

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.FILTER_DATES, "start_date"),
        Output(ids.FILTER_DATES, "end_date"),
        Output(ids.FILTER_COUNTRY, "value"),
        Output(ids.FILTER_SEGMENT, "value"),
        Output(ids.FILTER_RISK, "value"),
        Output(ids.FILTER_STORE, "data"),
        Input(ids.URL, "search"),
        Input(ids.FILTER_DATES, "start_date"),
        Input(ids.FILTER_DATES, "end_date"),
        Input(ids.FILTER_COUNTRY, "value"),
        Input(ids.FILTER_SEGMENT, "value"),
        Input(ids.FILTER_RISK, "value"),
        Input(ids.FILTER_CLEAR, "n_clicks"),
        State(ids.FILTER_STORE, "data"),
    )
    def sync(
        search: object,
        start: object,
        end: object,
        countries: object,
        segments: object,
        risks: object,
        _clear: object,
        current_store: object,
    ) -> tuple[Any, ...]:
        options = common.filter_options(state.reader())
        slicers = Slicers(start, end, countries, segments, risks)
        return sync_filters(ctx.triggered_id, search, slicers, current_store, options)

    @app.callback(
        Output(ids.COVERAGE, "children"),
        Output(ids.FILTER_SUMMARY, "children"),
        Input(ids.FILTER_STORE, "data"),
    )
    def coverage(store: object) -> tuple[str, str]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return coverage_text(store)
