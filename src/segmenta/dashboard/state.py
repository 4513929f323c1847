"""Where callbacks find the warehouse reader.

:func:`segmenta.dashboard.app.create_app` opens one read-only
:class:`~segmenta.warehouse.connection.WarehouseReader` for the app and :func:`attach` stores it
on the app's Flask server (``server.extensions["segmenta"]``), not in a module global, so one
process (a test run) can hold several apps over different warehouses. Callbacks and layout
functions run inside a Flask request of their app and call :func:`reader`. :func:`open_state`
builds the state from the settings (the reader's slow-query threshold is
:attr:`~segmenta.settings.Settings.slow_query_ms`).
"""

from __future__ import annotations

from dataclasses import dataclass

import flask

from segmenta.settings import Settings
from segmenta.warehouse.connection import WarehouseReader

EXTENSION = "segmenta"


@dataclass(frozen=True)
class DashboardState:
    """What the app's callbacks share: the settings and the warehouse reader."""

    settings: Settings
    reader: WarehouseReader


def open_state(settings: Settings) -> DashboardState:
    """The settings and a read-only reader of ``settings.warehouse`` configured from them."""
    reader = WarehouseReader(settings.warehouse, slow_query_ms=settings.slow_query_ms)
    return DashboardState(settings=settings, reader=reader)


def attach(server: flask.Flask, state: DashboardState) -> None:
    """Store ``state`` on ``server``; each request reads one warehouse version from start to end."""
    server.extensions[EXTENSION] = state

    @server.before_request
    def _pin_version() -> None:
        state.reader.pin()

    @server.after_request
    def _say_version(response: flask.Response) -> flask.Response:
        # which warehouse version answered (for operators, and the refresh-while-serving test)
        version = state.reader.pinned_version
        if version is not None:
            response.headers["X-Segmenta-Version"] = version[0]
        return response

    @server.teardown_request
    def _unpin_version(_exc: BaseException | None) -> None:
        state.reader.unpin()


def current() -> DashboardState:
    """The state of the app handling the current request."""
    try:
        return flask.current_app.extensions[EXTENSION]
    except (RuntimeError, KeyError) as exc:  # outside a request, or not a segmenta app
        raise RuntimeError("no segmenta dashboard app is handling this request") from exc


def reader() -> WarehouseReader:
    """The current app's read-only warehouse reader."""
    return current().reader
