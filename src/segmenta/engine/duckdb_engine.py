""":class:`DuckDBEngine`: the :class:`~segmenta.engine.protocol.Engine` over a DuckDB connection."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from segmenta.engine.protocol import Engine, Params, Source
from segmenta.warehouse.schema import read_sql


class DuckDBEngine:
    """Runs the warehouse's SQL files on one DuckDB connection (the writer's, or a reader's).

    Registered views live on that connection only (DuckDB's replacement scans): a Parquet file
    is scanned by DuckDB itself, a Polars frame through Arrow, without copying either.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        #: views made over Parquet files (temporary views, dropped by :meth:`unregister`)
        self._parquet_views: set[str] = set()

    def execute(self, name: str, params: Params | None = None) -> None:
        """Run the statement of SQL file ``name`` with ``params`` bound; no result."""
        self.connection.execute(read_sql(name), _bound(params))

    def query(self, name: str, params: Params | None = None) -> pl.DataFrame:
        """Run the query of SQL file ``name`` and return its rows as a Polars frame."""
        return self.connection.sql(read_sql(name), params=_bound(params)).pl()

    def rows(self, name: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Run the query of SQL file ``name`` and return its rows as Python tuples."""
        return self.connection.execute(read_sql(name), _bound(params)).fetchall()

    def register(self, view_name: str, source: Source) -> None:
        """Make ``source`` (a frame, or a Parquet file's path) readable as ``view_name``."""
        if not _VIEW_NAME.fullmatch(view_name):
            raise ValueError(f"not a view name: {view_name!r}")
        if isinstance(source, Path):
            # a temporary view over DuckDB's own Parquet scan: registering the relation instead
            # would hand DuckDB a Python object and double the ingest's peak memory (measured)
            self.connection.read_parquet(str(source)).create_view(view_name, replace=True)
            self._parquet_views.add(view_name)
        else:
            self.connection.register(view_name, source)

    def unregister(self, view_name: str) -> None:
        """Forget the view ``view_name`` made by :meth:`register` (no error if unknown)."""
        if view_name in self._parquet_views:
            self._parquet_views.discard(view_name)
            if _VIEW_NAME.fullmatch(view_name):  # an identifier cannot be a bound parameter
                self.connection.execute(f"DROP VIEW IF EXISTS {view_name}")
        else:
            self.connection.unregister(view_name)


#: names :meth:`DuckDBEngine.register` accepts (they are identifiers in the SQL files)
_VIEW_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _bound(params: Params | None) -> dict[str, Any] | None:
    return dict(params) if params is not None else None


def as_engine(source: Engine | duckdb.DuckDBPyConnection) -> Engine:
    """``source`` itself if it is an engine, else a :class:`DuckDBEngine` over the connection."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        return DuckDBEngine(source)
    return source
