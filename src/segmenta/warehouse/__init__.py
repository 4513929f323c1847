"""The warehouse layer: schema, SQL and the connection rules of the DuckDB file."""

from segmenta.warehouse.connection import (
    WarehouseBusyError,
    WarehouseMissingError,
    WarehouseReader,
    open_read_only,
    write_transaction,
)
from segmenta.warehouse.schema import apply_schema

__all__ = [
    "WarehouseBusyError",
    "WarehouseMissingError",
    "WarehouseReader",
    "apply_schema",
    "open_read_only",
    "write_transaction",
]
