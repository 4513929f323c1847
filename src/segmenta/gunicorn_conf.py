"""gunicorn settings for the dashboard: ``gunicorn -c python:segmenta.gunicorn_conf segmenta.wsgi:server``.

Values come from ``SEGMENTA_*`` variables, through :meth:`segmenta.settings.Settings.from_env`
(host, port, workers, threads, trusted proxies). The server banner is replaced so that responses do
not advertise the server software and version.
"""

from __future__ import annotations

import gunicorn.http.wsgi

from segmenta.settings import Settings

gunicorn.http.wsgi.SERVER = "segmenta"  # the "Server:" header gunicorn writes

_settings = Settings.from_env()
bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
threads = _settings.threads
timeout = 60
# keep idle connections longer than a person's pause between clicks, so that a browser does
# not reuse a connection the server is closing at that moment
keepalive = 15
graceful_timeout = 30
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = ",".join(_settings.trusted_proxies)
accesslog = "-"
