"""Dashboard SQL templates: loading them, filling their ``{{slot}}``s, explaining a query.

A template is ``segmenta/warehouse/sql/dashboard/<name>.sql``. :func:`render` replaces each
``{{slot}}`` with its :class:`~segmenta.dashboard.filters.Fragment`'s text, preceded by a
comment naming the slot (``/* customer_filter */ (...)``) so that rendered SQL says where each
piece comes from, and collects the fragments' bound parameters. :func:`explain` is what
:func:`run` executes, returned instead: the rendered SQL of a query and its parameters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters, Fragment
from segmenta.warehouse.connection import WarehouseReader
from segmenta.warehouse.schema import read_sql

__all__ = ["RAW_SLOTS", "Explained", "explain", "filter_slots", "render", "run", "template"]

_SLOT = re.compile(r"\{\{(\w+)\}\}")

#: slots that are clauses, not conditions: filled as they are, without parentheses
RAW_SLOTS = frozenset({"grid_select", "grid_page"})


@functools.cache
def template(name: str) -> str:
    """The text of ``dashboard/<name>.sql`` (read once per process)."""
    if not re.fullmatch(r"[a-z0-9_]+", name):  # file names are constants, but be strict
        raise ValueError(f"bad query name {name!r}")
    return read_sql(f"dashboard/{name}.sql")


def render(name: str, slots: Mapping[str, Fragment]) -> tuple[str, dict[str, Any]]:
    """The SQL of query ``name`` with its slots filled, and the parameters the slots use."""
    sql = template(name)
    params: dict[str, Any] = {}
    for slot in sorted(set(_SLOT.findall(sql))):
        if slot not in slots:
            raise KeyError(f"{name}.sql: no value for slot {{{{{slot}}}}}")
        fragment = slots[slot]
        text = fragment.sql if slot in RAW_SLOTS else f"({fragment.sql})"
        sql = sql.replace("{{" + slot + "}}", f"/* {slot} */ {text}")
        params.update(fragment.params)
    return sql, params


def filter_slots(filters: Filters, options: FilterOptions) -> dict[str, Fragment]:
    """The global filter's three slots (customer, line and coverage filters)."""
    return {
        "customer_filter": filters.customer_filter(options),
        "line_filter": filters.line_filter(options),
        "coverage_filter": filters.coverage_filter(),
    }


@dataclass(frozen=True)
class Explained:
    """A query as it runs: its name, rendered SQL and bound parameters (and a note on when)."""

    name: str
    sql: str
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def explain(
    name: str,
    filters: Filters | None = None,
    options: FilterOptions | None = None,
    params: Mapping[str, Any] | None = None,
    slots: Mapping[str, Fragment] | None = None,
    note: str = "",
) -> Explained:
    """Query ``name`` rendered for ``filters`` (validated against ``options``) and ``slots``,
    with every parameter it binds: the fragments' and ``params``."""
    all_slots: dict[str, Fragment] = {}
    if filters is not None:
        all_slots.update(filter_slots(filters, options or FilterOptions()))
    all_slots.update(slots or {})
    sql, bound = render(name, all_slots)
    bound.update(params or {})
    return Explained(name, sql, bound, note)


def run(
    reader: WarehouseReader,
    name: str,
    filters: Filters | None = None,
    options: FilterOptions | None = None,
    params: Mapping[str, Any] | None = None,
    slots: Mapping[str, Fragment] | None = None,
) -> pl.DataFrame:
    """Run :func:`explain`'s SQL with its parameters (``options`` is required with ``filters``)."""
    if filters is not None and options is None:
        raise ValueError(f"{name}: filters need the warehouse's filter options")
    query = explain(name, filters, options, params, slots)
    return reader.query(query.sql, query.params or None)
