"""Two rules of the source tree, checked on the parsed Python of ``src/segmenta``:

* every SQL statement lives in a ``.sql`` file under ``segmenta/warehouse/sql``: no string
  literal is passed to ``.execute(`` / ``.sql(`` / ``.query(`` ... but a SQL file's name (the
  :class:`~segmenta.engine.Engine` methods) or the connection settings listed in
  :data:`CONNECTION_SETTINGS`;
* ``SEGMENTA_*`` variables are read only in ``segmenta/settings.py``: no other module touches
  ``os.environ`` / ``os.getenv`` or uses a ``SEGMENTA_*`` name as a string (prose that mentions
  one, such as a help text or a docstring, is fine).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import segmenta

SRC = Path(segmenta.__file__).resolve().parent
#: methods that run SQL text on a DuckDB connection, a cursor, a reader or an engine
SQL_METHODS = frozenset({"execute", "executemany", "sql", "query", "scalar", "rows"})
#: the name of a SQL file under segmenta/warehouse/sql (what an Engine method takes)
SQL_FILE_NAME = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*\.sql")
#: statements that stay inline, with the reason: they configure or flush the connection they
#: run on and read no warehouse data, so they are part of the connection code, not queries
CONNECTION_SETTINGS = {
    # warehouse/connection.py: no progress bar on stderr while writing
    "SET enable_progress_bar = false": "writer connection setting",
    # warehouse/connection.py: write the WAL into the file before it is synced and swapped in
    "CHECKPOINT": "writer flush before the swap",
    # warehouse/analyst.py: freeze the sandbox connection's settings
    "SET lock_configuration = true": "analysts' sandbox connection setting",
    # warehouse/analyst.py: read back the sandbox's settings before running a query
    "SELECT current_setting('lock_configuration'), current_setting('enable_external_access')": (
        "reads the sandbox connection's own settings"
    ),
    # engine/duckdb_engine.py: drop the temporary view the engine made over a staged Parquet
    # file (a view name is an identifier, which cannot be a bound parameter; it is checked
    # against a strict pattern before)
    "DROP VIEW IF EXISTS {}": "the engine's own temporary view",
}
ENV_NAME = re.compile(r"SEGMENTA_[A-Z0-9_]+")


def python_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _literal_text(node: ast.expr) -> str | None:
    """The text of a string literal, f-string or concatenation of them; None for anything else."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        if left is not None or right is not None:
            return (left or "{}") + (right or "{}")
    return None


def inline_sql(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each string literal passed as SQL text to a SQL-running method."""
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SQL_METHODS:
            continue
        args = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in {"query", "sql"}]
        for arg in args:
            text = _literal_text(arg)
            if text is None or text in CONNECTION_SETTINGS:
                continue
            if SQL_FILE_NAME.fullmatch(text.replace("{}", "x")):
                continue
            yield node.lineno, text


def environment_reads(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) of each use of the process environment or of a SEGMENTA_* name."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "environb", "getenv"}:
            yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {a.name for a in node.names} & {"environ", "environb", "getenv"}
            if names:
                yield node.lineno, f"from os import {', '.join(sorted(names))}"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and ENV_NAME.fullmatch(node.value)
        ):
            yield node.lineno, repr(node.value)


def test_the_scanners_find_what_they_look_for() -> None:
    source = """
import os
from os import getenv
def f(con, engine, reader):
    con.execute("SELECT 1")
    con.sql(f"DROP VIEW {name}")
    reader.query("SELECT * FROM " + table)
    engine.query("etl/known_countries.sql")
    con.execute(read_sql("etl/next_load_id.sql"))
    con.execute("CHECKPOINT")
    level = os.environ.get("SEGMENTA_LOG_LEVEL")
    print("set SEGMENTA_HOST=0.0.0.0 to listen on the network")
"""
    assert sorted(line for line, _ in inline_sql(source)) == [5, 6, 7]
    found = {what for _, what in environment_reads(source)}
    assert found == {"from os import getenv", "os.environ", "'SEGMENTA_LOG_LEVEL'"}


def test_no_sql_statement_is_written_inside_python() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: {text.strip().splitlines()[0][:80]}"
        for path in python_files()
        for line, text in inline_sql(path.read_text(encoding="utf-8"))
    ]
    assert not found, "move these statements to SQL files under warehouse/sql/:\n" + "\n".join(
        found
    )


def test_segmenta_variables_are_read_only_in_settings() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: {what}"
        for path in python_files()
        if path != SRC / "settings.py"
        for line, what in environment_reads(path.read_text(encoding="utf-8"))
    ]
    assert not found, "read these through segmenta.settings.Settings:\n" + "\n".join(found)


def test_from_env_is_called_only_by_the_entry_points() -> None:
    entry_points = {
        SRC / "cli" / "__init__.py",
        SRC / "wsgi.py",
        SRC / "gunicorn_conf.py",
        SRC / "settings.py",
    }
    callers = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in python_files()
        if path not in entry_points
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "from_env"
    ]
    assert not callers, callers
