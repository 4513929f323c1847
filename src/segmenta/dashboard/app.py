"""The dashboard shell: ``create_app(settings)`` and ``serve(settings)``.

The shell holds what every page shares: the navbar (built from ``dash.page_registry``), the
global slicers (invoice date range, country, segment, churn risk band) with a "clear filters"
button and the "N customers · M lines" line, and ``dash.page_container``. Each page lives in
its own module under ``segmenta.dashboard.pages`` and owns its layout and callbacks.

Filter state lives in the URL query string (see :mod:`segmenta.dashboard.filters`): one
callback keeps the slicers, the URL (``ids.URL``) and the filter store (``ids.FILTER_STORE``,
the canonical query string every page callback takes as input) in sync, so a filtered view can
be bookmarked and shared and survives page changes (the navbar links carry the query string).

Nothing is created at import time: ``create_app`` opens the warehouse read-only, builds a new
``dash.Dash``, registers the pages and their callbacks on it and attaches the reader to the
app's Flask server (:mod:`segmenta.dashboard.state`). Debug mode is off unless asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update

from segmenta.dashboard import api, health, ids, security, state
from segmenta.dashboard.components import no_model_alert
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.pages import (
    churn,
    customers,
    demographics,
    model,
    overview,
    products,
    score,
    sql,
)
from segmenta.dashboard.pages import map as map_page
from segmenta.dashboard.queries import common
from segmenta.dashboard.theme import fmt_int, segment_colors
from segmenta.settings import Settings
from segmenta.warehouse.vocabulary import RISK_BANDS

__all__ = ["ASSETS_DIR", "PAGES", "Slicers", "create_app", "serve", "startup_banner"]

ASSETS_DIR = Path(str(files("segmenta.dashboard") / "assets"))
#: The page modules, in navbar order.
PAGES = (overview, customers, map_page, demographics, products, churn, model, score, sql)


# -- layout ------------------------------------------------------------------------------------------
def navbar() -> dbc.Navbar:
    pages = sorted(dash.page_registry.values(), key=lambda p: (p.get("order") or 0, p["path"]))
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"], href=page["path"], id={"type": ids.NAV_LINK, "index": page["path"]}
            )
        )
        for page in pages
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.Span("◆", className="brand-mark me-2"), "Segmenta"],
                    href="/",
                    className="fw-semibold",
                ),
                dbc.NavbarToggler(id=ids.NAVBAR_TOGGLER, n_clicks=0),
                dbc.Collapse(
                    dbc.Nav(links, navbar=True, className="me-auto"),
                    id=ids.NAVBAR_COLLAPSE,
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid=True,
        ),
        id=ids.NAVBAR,
        color="dark",
        dark=True,
        expand="lg",
        className="app-navbar mb-3",
    )


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


def _segment_option(name: str, color: str) -> dict[str, Any]:
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


def filter_bar(options: FilterOptions) -> dbc.Card:
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
                                _segment_option(n, c)
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


def shell_layout() -> html.Div:
    """The app's layout (a function: options are re-read when the warehouse file changes)."""
    options = common.filter_options(state.reader())
    banner = [] if options.has_model_run else [no_model_alert()]
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Location(id=ids.NAV, refresh="callback-nav"),
            dcc.Store(id=ids.FILTER_STORE),
            navbar(),
            dbc.Container(
                [html.Div(banner, id=ids.STATUS_BANNER), filter_bar(options), dash.page_container],
                fluid=True,
                className="app-body pb-4",
            ),
        ]
    )


# -- shell callbacks ---------------------------------------------------------------------------------
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


def _register_shell_callbacks(app: dash.Dash) -> None:
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

    @app.callback(
        Output(ids.NAV_LINKS, "href"),
        Output(ids.NAV_LINKS, "active"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.URL, "pathname"),
        State(ids.NAV_LINKS, "id"),
    )
    def nav_links(
        store: object, pathname: object, link_ids: list[dict[str, str]]
    ) -> tuple[list[str], list[bool]]:
        options = common.filter_options(state.reader())
        query = Filters.from_query(store if isinstance(store, str) else "", options).to_query()
        paths = [link["index"] for link in link_ids]
        return [p + query for p in paths], [p == pathname for p in paths]

    @app.callback(
        Output(ids.NAVBAR_COLLAPSE, "is_open"),
        Input(ids.NAVBAR_TOGGLER, "n_clicks"),
        State(ids.NAVBAR_COLLAPSE, "is_open"),
        prevent_initial_call=True,
    )
    def toggle_navbar(n_clicks: object, is_open: object) -> bool:
        return not is_open if n_clicks else bool(is_open)


# -- app -------------------------------------------------------------------------------------------------
def create_app(settings: Settings) -> dash.Dash:
    """A new Dash app over ``settings.warehouse``, opened read-only.

    Raises :class:`~segmenta.warehouse.connection.WarehouseMissingError` if there is no file.
    """
    opened = state.open_state(settings)
    reader = opened.reader
    reader.connection()  # fail now, with a clear message, if the file is missing
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        title="Segmenta",
        # Dash documents None as "keep the title while updating"; its annotation says str only
        update_title=None,  # type: ignore[arg-type]
        serve_locally=True,
        suppress_callback_exceptions=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    state.attach(app.server, opened)
    security.install(app.server, settings.users_file, settings.auth_mode, settings.trusted_proxies)
    health.install(app.server)
    api.install(app.server)
    for page in PAGES:
        dash.register_page(
            page.__name__,
            path=page.PATH,
            name=page.NAME,
            title=page.TITLE,
            order=page.ORDER,
            layout=page.layout,
        )
        page.register_callbacks(app)
    _register_shell_callbacks(app)
    with app.server.app_context():  # Dash calls the layout function once to validate it
        app.layout = shell_layout
    return app


def startup_banner(settings: Settings) -> list[str]:
    """The lines ``segmenta serve`` prints before serving: the address, and who can reach it."""
    url = f"http://{settings.host}:{settings.port}/"
    lines = [
        f"Segmenta dashboard: {url}  (warehouse {settings.warehouse}, read-only; Ctrl+C to stop)"
    ]
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        lines.append(
            "Listening on this machine only. To share it, set SEGMENTA_HOST=0.0.0.0 and sign-in "
            "(SEGMENTA_USERS_FILE, see `segmenta hash-password`) or SEGMENTA_AUTH=proxy."
        )
    elif settings.users_file is None and settings.auth_mode != "proxy":
        lines.append("WARNING: listening on the network with no sign-in configured.")
    return lines


def serve(settings: Settings, announce: Callable[[str], object] | None = None) -> None:
    """Run the dashboard on settings.host:settings.port (debug only if settings.debug).

    Once the app is built, each line of :func:`startup_banner` goes to ``announce`` (the
    command line prints them).
    """
    app = create_app(settings)
    if announce is not None:
        for line in startup_banner(settings):
            announce(line)
    app.run(host=settings.host, port=settings.port, debug=bool(settings.debug))
