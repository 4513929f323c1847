"""``GET /healthz``: 200 when the warehouse opens and answers a query, 503 otherwise.

Public (no sign-in) and cheap, for container health checks and load balancers; it says
which warehouse version is served and nothing else.
"""

from __future__ import annotations

import flask

from segmenta.dashboard import state
from segmenta.warehouse.schema import read_sql


def install(server: flask.Flask) -> None:
    @server.get("/healthz")
    def healthz() -> tuple[flask.Response, int]:
        try:
            reader = state.reader()
            loads = reader.scalar(read_sql("status/load_count.sql"))
            version = reader.version
        except Exception as exc:  # any failure to open or query the warehouse is unhealthy
            return flask.jsonify(status="unavailable", error=type(exc).__name__), 503
        return flask.jsonify(status="ok", loads=loads, version=version[0] if version else None), 200
