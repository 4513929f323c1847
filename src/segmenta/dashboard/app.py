"""The dashboard shell: ``create_app(settings)`` and ``serve(settings)``.

The shell holds what every page shares: the navbar (built from ``dash.page_registry``), the
filter bar (:mod:`segmenta.dashboard.filter_bar`: the global slicers, the "N customers · M
lines" line and the callbacks that keep the slicers, the URL and the filter store in sync) and
``dash.page_container``. Each page lives in its own module under ``segmenta.dashboard.pages``
and owns its layout and callbacks. The navbar links carry the filter's query string, so a
filtered view survives page changes.

Nothing is created at import time: ``create_app`` opens the warehouse read-only, builds a new
``dash.Dash``, registers the pages and their callbacks on it and attaches the reader to the
app's Flask server (:mod:`segmenta.dashboard.state`). Debug mode is off unless asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from segmenta.dashboard import api, filter_bar, health, ids, security, state
from segmenta.dashboard.components import freshness_alert, no_model_alert
from segmenta.dashboard.filters import Filters
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
from segmenta.settings import Settings

__all__ = ["ASSETS_DIR", "PAGES", "create_app", "serve", "startup_banner"]

ASSETS_DIR = Path(str(files("segmenta.dashboard") / "assets"))
#: The page modules, in navbar order.
PAGES = (overview, customers, map_page, demographics, products, churn, model, score, sql)


# -- layout ------------------------------------------------------------------------------------------
def navbar() -> dbc.Navbar:
    """The navbar: the brand and one link per registered page, in page order."""
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


def shell_layout() -> html.Div:
    """The app's layout (a function: options are re-read when the warehouse file changes)."""
    options = common.filter_options(state.reader())
    note = common.freshness_note(common.model_freshness(state.reader()))
    if not options.has_model_run:
        banner = [no_model_alert()]
    else:
        banner = [freshness_alert(note)] if note else []
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Location(id=ids.NAV, refresh="callback-nav"),
            dcc.Store(id=ids.FILTER_STORE),
            navbar(),
            dbc.Container(
                [
                    html.Div(banner, id=ids.STATUS_BANNER),
                    filter_bar.layout(options),
                    dash.page_container,
                ],
                fluid=True,
                className="app-body pb-4",
            ),
        ]
    )


# -- shell callbacks ---------------------------------------------------------------------------------
def _register_shell_callbacks(app: dash.Dash) -> None:
    """The filter bar's callbacks, then the navbar's (links carry the filter; the toggler)."""
    filter_bar.register_callbacks(app)

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
