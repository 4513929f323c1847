"""Errors the user can act on: each names the file, and where known the row and column."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """An input file cannot be read as asked. The message says where and what was expected."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.column = column
        where = str(self.path)
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
