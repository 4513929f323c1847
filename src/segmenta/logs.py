"""Structured logging: one JSON object per line on stderr (a load, a model run, a slow query).

Call :func:`configure` once per process (the CLI does). The level comes from
``SEGMENTA_LOG_LEVEL`` (default INFO). Secrets never go into log records: log counts, paths
and timings, never settings objects.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload |= {k: v for k, v in vars(record).items() if k not in _RESERVED}
        if record.exc_info:
            payload["error"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure(level: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("segmenta")
    root.handlers[:] = [handler]
    root.setLevel((level or os.environ.get("SEGMENTA_LOG_LEVEL", "INFO")).upper())
    root.propagate = False
