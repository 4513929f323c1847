"""What every table and view means, read from the SQL files' own comments.

Each file under ``sql/tables`` and ``sql/views`` starts with a header comment (``-- name: what
one row is ... key: ...``). This module parses the comments (for ``scripts/schema_doc.py``,
which writes ``docs/schema.md``, and for the dashboard's SQL page, which shows the same
descriptions beside the live column list from ``information_schema``).

Tables: each column line of the ``CREATE TABLE`` ends with a ``-- meaning`` comment; comment-only
lines right after it continue that meaning.

Views: the header ends with a ``-- columns:`` block that lists what the view returns, in order,
one entry per line (indented by one to three spaces after ``--``; deeper-indented lines continue
the entry above)::

    -- columns:
    --   n_lines: lines of the invoice
    --   customer_id = dim_customer.customer_id
    --   fact_invoice_line.*
    --   customer_features.* EXCLUDE (run_id, customer_key): what they are

``name: meaning`` gives a meaning; ``name = relation.column`` takes that column's meaning;
``relation.*`` (optionally with ``EXCLUDE (...)``, as in the SQL, and a comment after a ``:``)
stands for the relation's columns with their meanings. The types of a view's columns are
DuckDB's, from ``DESCRIBE`` on an empty schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import duckdb

from segmenta.warehouse.schema import VIEW_ORDER, apply_schema, read_sql, table_names

__all__ = [
    "COLUMN",
    "ColumnDoc",
    "RelationDoc",
    "catalog",
    "column_docs",
    "header",
    "relation_doc",
    "view_column_docs",
]

#: A column line of a CREATE TABLE: name, type, and an optional ``-- meaning`` comment.
COLUMN = re.compile(
    r"^\s+([a-z_0-9]+)\s+([A-Z]+(?:\[\d+\])?(?:\(\d+(?:,\s*\d+)?\))?)[^-]*(?:--\s*(.*))?$"
)
#: Lines that match :data:`COLUMN` but are constraints, not columns.
_NOT_COLUMNS = frozenset({"primary"})
#: A comment-only line inside a CREATE TABLE: it continues the meaning of the column above.
_CONTINUATION = re.compile(r"^\s+--\s*(.*)$")
#: The line of a view's header that starts its list of columns.
COLUMNS_MARKER = "columns:"
#: Entries of a view's ``-- columns:`` block.
_OWN = re.compile(r"^([a-z_0-9]+):\s*(.*)$")
_SAME_AS = re.compile(r"^([a-z_0-9]+)\s*=\s*([a-z_0-9]+)\.([a-z_0-9]+)$")
_STAR = re.compile(r"^([a-z_0-9]+)\.\*(?:\s+EXCLUDE\s*\(([a-z_0-9,\s]+)\))?(?:\s*:.*)?$")
#: Deeper indentation than this (after the ``--``) continues the entry above.
_ENTRY_INDENT = 3


@dataclass(frozen=True)
class ColumnDoc:
    """One column of a table or view: its name, type and meaning."""

    name: str
    #: a table's type as written in the SQL file (``INTEGER``, ``DOUBLE[7]``, ``DECIMAL(10, 2)``);
    #: a view's as DuckDB describes it ("" for a listed column the view does not return)
    type: str
    #: the column's comment, "" when it has none
    meaning: str


@dataclass(frozen=True)
class RelationDoc:
    """One table or view: what one row is, and its columns."""

    name: str
    kind: str  # 'table' | 'view'
    #: the header comment (without a view's ``columns:`` block), joined into one line
    description: str
    columns: tuple[ColumnDoc, ...] = ()

    @property
    def summary(self) -> str:
        """The description without its leading ``name:`` (what one row is)."""
        head, sep, rest = self.description.partition(":")
        return rest.strip() if sep and head.strip() == self.name else self.description

    def meaning(self, column: str) -> str:
        """The meaning of ``column``, "" if it has none or is not listed."""
        return next((c.meaning for c in self.columns if c.name == column), "")


def _header_lines(sql: str) -> list[str]:
    """The leading ``--`` comment lines of a SQL file, without the ``--``."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:])
    return lines


def _split_header(sql: str) -> tuple[list[str], list[str]]:
    """(description lines, lines of the ``columns:`` block) of a SQL file's header."""
    lines = _header_lines(sql)
    for i, line in enumerate(lines):
        if line.strip() == COLUMNS_MARKER:
            return lines[:i], lines[i + 1 :]
    return lines, []


def header(sql: str) -> str:
    """The leading ``--`` comment lines of a SQL file up to a ``columns:`` line, joined."""
    return " ".join(line.strip() for line in _split_header(sql)[0])


def column_docs(sql: str) -> list[ColumnDoc]:
    """The columns of a CREATE TABLE file, in order, with their comments."""
    found: list[ColumnDoc] = []
    for line in sql.splitlines():
        m = COLUMN.match(line)
        if m and m.group(1) not in _NOT_COLUMNS:
            found.append(ColumnDoc(m.group(1), m.group(2), (m.group(3) or "").strip()))
        elif found and not m and (more := _CONTINUATION.match(line)):
            last = found[-1]
            meaning = f"{last.meaning} {more.group(1).strip()}".strip()
            found[-1] = ColumnDoc(last.name, last.type, meaning)
    return found


def _entries(block: list[str]) -> list[str]:
    """The entries of a ``columns:`` block, continuation lines joined onto their entry."""
    entries: list[str] = []
    for line in block:
        text = line.strip()
        if not text:
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent > _ENTRY_INDENT and entries:
            entries[-1] = f"{entries[-1]} {text}"
        else:
            entries.append(text)
    return entries


def view_column_docs(name: str, sql: str, known: dict[str, RelationDoc]) -> list[ColumnDoc]:
    """The columns a view's ``columns:`` block lists, with meanings and DuckDB's types.

    ``known`` holds the relations a ``= relation.column`` or ``relation.*`` entry may refer to.
    Raises ValueError on an entry that is none of the three forms or refers to nothing known.
    """
    types = _view_types().get(name, {})
    found: list[ColumnDoc] = []
    for entry in _entries(_split_header(sql)[1]):
        if m := _SAME_AS.match(entry):
            column, source, source_column = m.groups()
            if source not in known or source_column not in {c.name for c in known[source].columns}:
                raise ValueError(f"{name}: {entry!r} refers to no known column")
            found.append(ColumnDoc(column, "", known[source].meaning(source_column)))
        elif m := _STAR.match(entry):
            source, excluded = m.group(1), m.group(2) or ""
            if source not in known:
                raise ValueError(f"{name}: {entry!r} refers to no known relation")
            skip = {c.strip() for c in excluded.split(",") if c.strip()}
            found += [c for c in known[source].columns if c.name not in skip]
        elif m := _OWN.match(entry):
            found.append(ColumnDoc(m.group(1), "", m.group(2).strip()))
        else:
            raise ValueError(f"{name}: cannot read the column entry {entry!r}")
    return [ColumnDoc(c.name, types.get(c.name, ""), c.meaning) for c in found]


@cache
def _view_types() -> dict[str, dict[str, str]]:
    """view -> column -> DuckDB type, from the views of an empty in-memory schema."""
    con = duckdb.connect(":memory:")
    try:
        apply_schema(con)
        types: dict[str, dict[str, str]] = {view: {} for view in VIEW_ORDER}
        for view, column, data_type in con.execute(read_sql("catalog/view_columns.sql")).fetchall():
            types.setdefault(str(view), {})[str(column)] = str(data_type)
        return types
    finally:
        con.close()


def relation_doc(name: str, known: dict[str, RelationDoc] | None = None) -> RelationDoc:
    """The documentation of table or view ``name`` (KeyError if there is no such file).

    A view's ``relation.*`` and ``= relation.column`` entries are resolved against ``known``
    (default: every table and the views before it in :data:`VIEW_ORDER`).
    """
    if name in table_names():
        sql = read_sql(f"tables/{name}.sql")
        return RelationDoc(name, "table", header(sql), tuple(column_docs(sql)))
    if name in VIEW_ORDER:
        sql = read_sql(f"views/{name}.sql")
        if known is None:
            known = {k: v for k, v in catalog().items() if k != name}
        return RelationDoc(name, "view", header(sql), tuple(view_column_docs(name, sql, known)))
    raise KeyError(name)


@cache
def catalog() -> dict[str, RelationDoc]:
    """Every table (alphabetical) then every view (dependency order), by name."""
    docs: dict[str, RelationDoc] = {}
    for name in [*table_names(), *VIEW_ORDER]:
        docs[name] = relation_doc(name, dict(docs))
    return docs
