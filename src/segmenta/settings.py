"""The one settings object: read from CLI flags first, then ``SEGMENTA_*`` variables.

Every path the program touches comes from here; no module keeps a global path. This is the
only module that reads ``SEGMENTA_*`` environment variables, and :meth:`Settings.from_env` is
called only by the entry points (the CLI's settings builder, ``segmenta.wsgi`` and
``segmenta.gunicorn_conf``); everything below them gets its values passed down as arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

ENV_PREFIX = "SEGMENTA_"
#: memory DuckDB may use while writing, unless told otherwise (it spills to disk beyond that)
DEFAULT_MEMORY_LIMIT = "4GB"
#: queries of the dashboard's reader slower than this many milliseconds are logged
DEFAULT_SLOW_QUERY_MS = 500.0
#: invoice lines dated before this are rejected (rule reject_early_dates)
DEFAULT_MIN_INVOICE_DATE = date(1990, 1, 1)


class SettingsError(ValueError):
    """A ``SEGMENTA_*`` variable whose value is not of its kind (the CLI: one line, exit 2)."""


def _date(name: str, default: date) -> date:
    value = _env(name)
    if not value:
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise SettingsError(
            f"{ENV_PREFIX}{name}: expected a date like 1990-01-01, got {value!r}"
        ) from None


def _number(name: str, default: float, kind: type[int] | type[float]) -> Any:
    """``SEGMENTA_<name>`` as an int or a float, ``default`` when unset or empty."""
    value = _env(name)
    if not value:
        return kind(default)
    try:
        return kind(value.strip())
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{ENV_PREFIX}{name}: expected {what}, got {value!r}") from None


#: the values SEGMENTA_LOG_LEVEL may take
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level() -> str:
    value = (_env("LOG_LEVEL") or "INFO").strip().upper()
    if value not in LOG_LEVELS:
        raise SettingsError(
            f"{ENV_PREFIX}LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}, got {value!r}"
        )
    return value


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name, default)


def _secret() -> str | None:
    """SEGMENTA_SECRET_KEY, or the contents of the file SEGMENTA_SECRET_KEY_FILE names."""
    if (value := _env("SECRET_KEY")) is not None:
        return value
    if path := _env("SECRET_KEY_FILE"):
        return Path(path).read_text(encoding="utf-8").strip()
    return None


@dataclass(frozen=True)
class Settings:
    """Paths, serving options and secrets for one run of segmenta."""

    warehouse: Path = Path("warehouse.duckdb")
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    seed: int = 42
    #: file with ``user:role:scrypt-hash`` lines (``segmenta hash-password``); None means no
    #: sign-in required
    users_file: Path | None = None
    #: 'basic' (users file) or 'proxy' (trust X-Forwarded-User from trusted_proxies)
    auth_mode: str = "basic"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    #: secret for signing cookies; never sent to the browser or the logs
    secret_key: str | None = field(default=None, repr=False)
    #: memory DuckDB may use while writing (it spills to disk beyond that)
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    #: rows returned by the analysts' SQL page at most
    sql_row_limit: int = 10_000
    #: seconds a SQL page query may run
    sql_timeout_s: float = 10.0
    #: the dashboard's reader logs queries slower than this (milliseconds)
    slow_query_ms: float = DEFAULT_SLOW_QUERY_MS
    #: level of the JSON log lines on stderr (DEBUG, INFO, WARNING, ...)
    log_level: str = "INFO"
    #: gunicorn worker processes, and threads per worker
    workers: int = 4
    threads: int = 4
    #: invoice lines dated before this are rejected (``reject_early_dates``)
    min_invoice_date: date = DEFAULT_MIN_INVOICE_DATE
    #: how ``ingest`` reads text dates: None detects day- or month-first from each file;
    #: 'dmy', 'mdy', 'ymd' or a strptime format (``--date-format``)
    date_format: str | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from ``SEGMENTA_*`` variables, then non-None ``overrides`` (CLI flags)."""
        base = cls(
            warehouse=Path(_env("WAREHOUSE", "warehouse.duckdb") or "warehouse.duckdb"),
            host=_env("HOST", "127.0.0.1") or "127.0.0.1",
            port=_number("PORT", 8050, int),
            debug=(_env("DEBUG", "0") or "0").lower() in {"1", "true", "yes"},
            seed=_number("SEED", 42, int),
            users_file=Path(p) if (p := _env("USERS_FILE")) else None,
            auth_mode=(_env("AUTH", "basic") or "basic").lower(),
            trusted_proxies=tuple(
                p.strip()
                for p in (_env("TRUSTED_PROXIES", "127.0.0.1") or "").split(",")
                if p.strip()
            ),
            secret_key=_secret(),
            memory_limit=_env("MEMORY_LIMIT", "4GB") or "4GB",
            sql_row_limit=_number("SQL_ROW_LIMIT", 10_000, int),
            sql_timeout_s=_number("SQL_TIMEOUT_S", 10.0, float),
            slow_query_ms=_number("SLOW_QUERY_MS", DEFAULT_SLOW_QUERY_MS, float),
            log_level=_log_level(),
            workers=_number("WORKERS", 4, int),
            threads=_number("THREADS", 4, int),
            min_invoice_date=_date("MIN_INVOICE_DATE", DEFAULT_MIN_INVOICE_DATE),
            date_format=_env("DATE_FORMAT") or None,
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        if "warehouse" in clean:
            clean["warehouse"] = Path(clean["warehouse"])
        return replace(base, **clean)
