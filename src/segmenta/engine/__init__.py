"""The engine boundary: what runs the warehouse's SQL files.

The ETL load steps (:mod:`segmenta.etl.load`) and the feature step
(:mod:`segmenta.models.features`) do not call a DuckDB connection directly: they name a SQL
file under ``segmenta/warehouse/sql/`` (``"etl/insert_facts.sql"``), pass bound ``$name``
parameters, and hand over staged data by a view name. :class:`Engine` is that contract;
:class:`DuckDBEngine` is the one implementation today, over the writer's or a reader's DuckDB
connection.

A second engine (Spark, a later issue) must implement the five methods of :class:`Engine`:

* ``execute(name, params)``: run the one statement of SQL file ``name``, with ``params`` bound
  to its ``$name`` placeholders; no result.
* ``query(name, params) -> polars.DataFrame``: run a ``SELECT`` file and return every row, the
  columns named and ordered as the file's select list.
* ``rows(name, params) -> list[tuple]``: the same rows as Python tuples (small results: ids,
  counts, one summary row), values as Python ``int``/``float``/``str``/``date``/``datetime``.
* ``register(view_name, source)``: make a Polars frame, or a Parquet file given by its path,
  readable as ``view_name`` by the following statements, until ``unregister(view_name)``.
* ``unregister(view_name)``: forget it (no error if it is not registered).

Each SQL file holds one statement. The files are written in DuckDB's dialect; where another
engine's dialect differs it may keep its own copy of a file under the same name.
"""

from segmenta.engine.duckdb_engine import DuckDBEngine, as_engine
from segmenta.engine.protocol import Engine, Params, Source

__all__ = ["DuckDBEngine", "Engine", "Params", "Source", "as_engine"]
