"""What every table and view means, read from the SQL files' own comments.

Each file under ``sql/tables`` and ``sql/views`` starts with a header comment (``-- name: what
one row is ... key: ...``) and each column line of a table may end with a ``-- meaning``
comment. This module parses them (the parsing ``scripts/schema_doc.py`` does for
``docs/schema.md``) so that the dashboard's SQL page can show the same descriptions beside
the live column list from ``information_schema``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from segmenta.warehouse.schema import VIEW_ORDER, read_sql, table_names

__all__ = [
    "COLUMN",
    "ColumnDoc",
    "RelationDoc",
    "catalog",
    "column_docs",
    "header",
    "relation_doc",
]

#: A column line of a CREATE TABLE: name, type, and an optional ``-- meaning`` comment.
COLUMN = re.compile(
    r"^\s+([a-z_0-9]+)\s+([A-Z]+(?:\[\d+\])?(?:\(\d+(?:,\s*\d+)?\))?)[^-]*(?:--\s*(.*))?$"
)
#: Lines that match :data:`COLUMN` but are constraints, not columns.
_NOT_COLUMNS = frozenset({"primary"})


@dataclass(frozen=True)
class ColumnDoc:
    """One column of a table: its name, its type as written, its comment."""

    name: str
    #: the type as written in the SQL file (``INTEGER``, ``DOUBLE[7]``, ``DECIMAL(10, 2)``, ...)
    type: str
    #: the column's comment, "" when it has none
    meaning: str


@dataclass(frozen=True)
class RelationDoc:
    """One table or view: its kind, header comment and (tables) its columns."""

    name: str
    kind: str  # 'table' | 'view'
    #: the header comment, joined into one line
    description: str
    columns: tuple[ColumnDoc, ...] = ()

    @property
    def summary(self) -> str:
        """The description without its leading ``name:`` (what one row is)."""
        head, sep, rest = self.description.partition(":")
        return rest.strip() if sep and head.strip() == self.name else self.description

    def meaning(self, column: str) -> str:
        """The comment of ``column`` ("" if it has none or is not a column here)."""
        return next((c.meaning for c in self.columns if c.name == column), "")


def header(sql: str) -> str:
    """The leading ``--`` comment lines of a SQL file, joined with spaces."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


def column_docs(sql: str) -> list[ColumnDoc]:
    """The columns of a CREATE TABLE file, in order, with their comments."""
    found = []
    for line in sql.splitlines():
        m = COLUMN.match(line)
        if m and m.group(1) not in _NOT_COLUMNS:
            found.append(ColumnDoc(m.group(1), m.group(2), (m.group(3) or "").strip()))
    return found


def relation_doc(name: str) -> RelationDoc:
    """The documentation of table or view ``name`` (KeyError if there is no such file)."""
    if name in table_names():
        sql = read_sql(f"tables/{name}.sql")
        return RelationDoc(name, "table", header(sql), tuple(column_docs(sql)))
    if name in VIEW_ORDER:
        return RelationDoc(name, "view", header(read_sql(f"views/{name}.sql")))
    raise KeyError(name)


@cache
def catalog() -> dict[str, RelationDoc]:
    """Every table (alphabetical) then every view (dependency order), by name."""
    return {name: relation_doc(name) for name in [*table_names(), *VIEW_ORDER]}
