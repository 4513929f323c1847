"""The :class:`Engine` protocol: run named SQL files with bound parameters, stage data as views."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import polars as pl

#: bound parameters of a SQL file: ``$name`` placeholder -> value
Params = Mapping[str, Any]
#: what can be registered as a view: a frame in memory, or a Parquet file on disk
Source = pl.DataFrame | Path


@runtime_checkable
class Engine(Protocol):
    """What the ETL and the feature step need from the engine that holds the warehouse.

    ``name`` is always a SQL file's path under ``segmenta/warehouse/sql/``, e.g.
    ``"etl/next_load_id.sql"``.
    """

    def execute(self, name: str, params: Params | None = None) -> None:
        """Run the statement of SQL file ``name`` with ``params`` bound; no result."""
        ...

    def query(self, name: str, params: Params | None = None) -> pl.DataFrame:
        """Run the query of SQL file ``name`` and return its rows as a Polars frame."""
        ...

    def rows(self, name: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Run the query of SQL file ``name`` and return its rows as Python tuples."""
        ...

    def register(self, view_name: str, source: Source) -> None:
        """Make ``source`` (a frame, or a Parquet file's path) readable as ``view_name``."""
        ...

    def unregister(self, view_name: str) -> None:
        """Forget the view ``view_name`` made by :meth:`register` (no error if unknown)."""
        ...
