"""Analysts' ad-hoc queries: one read-only SELECT, a row limit, a time limit, no file access.

Used by ``segmenta sql`` and the dashboard's SQL page. The connection is opened read-only
with external access (files, network, extensions) disabled and its configuration locked, and
only a single query statement is accepted, so a query can neither change the warehouse nor
read or write files on the server.
"""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import duckdb
import polars as pl

from segmenta.warehouse.connection import open_read_only

#: statement types a query may have
QUERY_TYPES = {duckdb.StatementType.SELECT}
#: leading characters that spreadsheet programs run as formulas
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class QueryRefusedError(ValueError):
    """The text is not a single read-only query, or it failed; the message says why."""


def open_sandboxed(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection without file, network or extension access, configuration locked."""
    con = open_read_only(path)
    # DuckDB keeps one database instance per file and process, and lock_configuration belongs
    # to the instance: in a long-running process (the dashboard) it is locked already
    locked, external = con.execute(
        "SELECT current_setting('lock_configuration'), current_setting('enable_external_access')"
    ).fetchall()[0]
    if external:
        con.close()
        raise QueryRefusedError("the sandbox could not disable file access; query not run")
    if not locked:
        con.execute("SET lock_configuration = true")
    return con


def check_query(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The one SELECT statement in ``text``, without its trailing semicolon."""
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryRefusedError(f"syntax error: {exc}") from None
    if not statements:
        raise QueryRefusedError("empty query: write one SELECT statement")
    if len(statements) > 1:
        raise QueryRefusedError(f"{len(statements)} statements: write exactly one SELECT statement")
    stmt = statements[0]
    if stmt.type not in QUERY_TYPES:
        kind = stmt.type.name if hasattr(stmt.type, "name") else str(stmt.type)
        raise QueryRefusedError(
            f"only queries (SELECT, WITH ... SELECT) are allowed; this is a {kind} statement"
        )
    return text.strip().rstrip(";").strip()


def run_read_only_query(
    path: Path, text: str, limit: int | None = None, timeout_s: float | None = 30.0
) -> pl.DataFrame:
    """Run one query; at most ``limit`` rows, interrupted after ``timeout_s`` seconds."""
    con = open_sandboxed(path)
    timer: threading.Timer | None = None
    try:
        query = check_query(con, text)
        if timeout_s:
            timer = threading.Timer(timeout_s, con.interrupt)
            timer.start()
        try:
            rel = con.sql(query)
            if limit is not None:
                rel = rel.limit(limit)
            return rel.pl()
        except duckdb.InterruptException:
            raise QueryRefusedError(
                f"the query ran longer than {timeout_s:g} s and was stopped"
            ) from None
        except duckdb.Error as exc:
            raise QueryRefusedError(str(exc).split("\n")[0]) from None
        except (pl.exceptions.PolarsError, ValueError, TypeError) as exc:
            # a result type Polars cannot hold (e.g. INTERVAL)
            raise QueryRefusedError(
                f"the result cannot be shown ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); "
                "cast that column to VARCHAR"
            ) from None
    finally:
        if timer is not None:
            timer.cancel()
        con.close()


def defuse_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula with an apostrophe.

    The one guard against CSV (formula) injection: every CSV the project writes for people to
    open (``segmenta sql --format csv``, the dashboard's exports) goes through :func:`to_csv`.
    """
    pattern = "^[" + "".join("\\" + c if c in "+-" else c for c in FORMULA_PREFIXES) + "]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in frame.columns
        if frame.schema[c] == pl.String
    )


def to_csv(frame: pl.DataFrame) -> str:
    """``frame`` as CSV text, with spreadsheet formulas defused (:func:`defuse_formulas`)."""
    return defuse_formulas(frame).write_csv()


def format_result(frame: pl.DataFrame, fmt: str = "table") -> str:
    """A query result as ``segmenta sql`` prints it: a table, CSV (formulas defused) or JSON."""
    if fmt == "csv":
        return to_csv(frame).rstrip("\n")
    if fmt == "json":
        buffer = io.StringIO()
        json.dump(frame.to_dicts(), buffer, default=str, indent=2)
        return buffer.getvalue()
    with pl.Config(
        tbl_rows=max(frame.height, 1),
        tbl_cols=-1,
        fmt_str_lengths=60,
        tbl_hide_dataframe_shape=True,
        tbl_width_chars=200,
    ):
        return f"{frame}\n({frame.height:,} rows)"
