"""The WSGI entry point for gunicorn: ``gunicorn segmenta.wsgi:server``.

Settings come from ``SEGMENTA_*`` environment variables (there are no CLI flags here).
Each gunicorn worker imports this module and opens the warehouse read-only on its own.
"""

from __future__ import annotations

from segmenta.dashboard.app import create_app
from segmenta.logs import configure
from segmenta.settings import Settings

settings = Settings.from_env()
configure(settings.log_level)
app = create_app(settings)
server = app.server
