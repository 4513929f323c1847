"""Structured logging: one JSON object per line on stderr (a load, a model run, a slow query).

Call :func:`configure` once per process (the entry points do, with
:attr:`~segmenta.settings.Settings.log_level`, i.e. ``SEGMENTA_LOG_LEVEL``, default INFO). Secrets never go into log records: log counts, paths
and timings, never settings objects.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, event and the ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
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


def configure(level: str = "INFO") -> None:
    """Send the ``segmenta`` loggers' records to stderr as JSON lines, from ``level`` up."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("segmenta")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
