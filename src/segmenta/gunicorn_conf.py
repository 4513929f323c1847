"""gunicorn settings for the dashboard: ``gunicorn -c python:segmenta.gunicorn_conf segmenta.wsgi:server``.

Values come from ``SEGMENTA_*`` variables. The server banner is replaced so that responses do
not advertise the server software and version.
"""

from __future__ import annotations

import os

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "segmenta"  # the "Server:" header gunicorn writes

bind = f"{os.environ.get('SEGMENTA_HOST', '127.0.0.1')}:{os.environ.get('SEGMENTA_PORT', '8050')}"
workers = int(os.environ.get("SEGMENTA_WORKERS", "4"))
threads = int(os.environ.get("SEGMENTA_THREADS", "4"))
timeout = 60
# keep idle connections longer than a person's pause between clicks, so that a browser does
# not reuse a connection the server is closing at that moment
keepalive = 15
graceful_timeout = 30
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("SEGMENTA_TRUSTED_PROXIES", "127.0.0.1")
accesslog = "-"
