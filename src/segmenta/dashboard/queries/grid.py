"""The customers grid's AG Grid requests compiled to SQL: filter model, sort, block, row count.

:class:`GridRequest` validates one infinite-model request; :func:`grid_filter` turns the search
box and the column filters into a predicate on the grid query's columns, :func:`order_by` the
sort model into ORDER BY text, both through the allow-list :data:`GRID_COLUMNS` (nothing else
reaches SQL; every value is a bound ``$g_*`` parameter). :func:`grid_block_slots` and
:func:`grid_count_slots` fill ``customer_grid*.sql``'s slots for a block of rows or the row
count, and :func:`grid_count` counts (cached per warehouse version).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from segmenta.dashboard.filters import TRUE, FilterOptions, Filters, Fragment
from segmenta.dashboard.queries import cache
from segmenta.dashboard.queries.render import filter_slots, render
from segmenta.warehouse.connection import WarehouseReader

__all__ = [
    "DEFAULT_SORT",
    "GRID_COLUMNS",
    "GRID_QUERY",
    "MAX_PAGE_ROWS",
    "TOTAL_COLUMN",
    "GridColumn",
    "GridRequest",
    "grid_block_slots",
    "grid_count",
    "grid_count_slots",
    "grid_filter",
    "order_by",
]

#: Most rows one grid request may ask for.
MAX_PAGE_ROWS = 1_000

ColumnKind = Literal["text", "number", "date"]


@dataclass(frozen=True)
class GridColumn:
    """A column the grid may sort and filter on: the fixed SQL column and its filter kind."""

    sql: str
    kind: ColumnKind


#: The allow-list: AG Grid column id -> column of the grid query. Nothing else reaches SQL.
GRID_COLUMNS: dict[str, GridColumn] = {
    "display_name": GridColumn("display_name", "text"),
    "customer_id": GridColumn("customer_id", "text"),
    "country": GridColumn("country", "text"),
    "segment": GridColumn("segment", "text"),
    "risk_band": GridColumn("risk_band", "text"),
    "churn_probability": GridColumn("churn_probability", "number"),
    "revenue": GridColumn("revenue", "number"),
    "invoices": GridColumn("invoices", "number"),
    "recency_days": GridColumn("recency_days", "number"),
    "frequency": GridColumn("frequency", "number"),
    "return_rate": GridColumn("return_rate", "number"),
    "last_purchase_at": GridColumn("last_purchase_at", "date"),
}
DEFAULT_SORT = "revenue DESC NULLS LAST, customer_key"
#: The column of a block of rows that holds the row count for the same filters.
TOTAL_COLUMN = "grid_rows"
#: The grid's query, the same for every filter state (line figures from ``agg_invoice_day``).
GRID_QUERY = "customer_grid"

_TEXT_OPS: dict[str, str] = {
    "contains": "contains(lower({col}), {p})",
    "notContains": "NOT contains(lower(coalesce({col}, '')), {p})",
    "equals": "lower({col}) = {p}",
    "notEqual": "lower(coalesce({col}, '')) <> {p}",
    "startsWith": "starts_with(lower({col}), {p})",
    "endsWith": "ends_with(lower({col}), {p})",
}
_NUMBER_OPS: dict[str, str] = {
    "equals": "{col} = {p}",
    "notEqual": "{col} IS DISTINCT FROM {p}",
    "lessThan": "{col} < {p}",
    "lessThanOrEqual": "{col} <= {p}",
    "greaterThan": "{col} > {p}",
    "greaterThanOrEqual": "{col} >= {p}",
}
_DATE_OPS: dict[str, str] = {
    "equals": "CAST({col} AS DATE) = {p}",
    "notEqual": "CAST({col} AS DATE) IS DISTINCT FROM {p}",
    "lessThan": "CAST({col} AS DATE) < {p}",
    "greaterThan": "CAST({col} AS DATE) > {p}",
}
_BLANK = {"blank": "({col} IS NULL)", "notBlank": "({col} IS NOT NULL)"}
_MAX_CONDITIONS = 20


@dataclass(frozen=True)
class GridRequest:
    """One AG Grid infinite-model request, validated."""

    start_row: int = 0
    end_row: int = 100
    sort_model: tuple[tuple[str, str], ...] = ()
    filter_model: Mapping[str, Any] = field(default_factory=dict)
    search: str = ""

    @classmethod
    def from_ag_grid(cls, request: Mapping[str, Any] | None, search: object = "") -> GridRequest:
        request = request if isinstance(request, Mapping) else {}
        start = _as_int(request.get("startRow"), 0)
        end = _as_int(request.get("endRow"), start + 100)
        start = max(0, start)
        end = min(max(start + 1, end), start + MAX_PAGE_ROWS)
        sort: list[tuple[str, str]] = []
        for item in request.get("sortModel") or []:
            if not isinstance(item, Mapping):
                continue
            col, direction = item.get("colId"), item.get("sort")
            if col in GRID_COLUMNS and direction in ("asc", "desc"):
                sort.append((col, direction))
        filter_model = request.get("filterModel")
        return cls(
            start_row=start,
            end_row=end,
            sort_model=tuple(sort),
            filter_model=filter_model if isinstance(filter_model, Mapping) else {},
            search=search.strip()[:200] if isinstance(search, str) else "",
        )


def _as_int(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    if isinstance(value, float) and not math.isfinite(value):
        return default
    return int(value)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return None
        else:
            return None
    number = float(value)
    return number if math.isfinite(number) else None


def _as_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


class _Params:
    """Hands out fresh parameter names ($g_0, $g_1, ...) and remembers their values."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"{self.prefix}_{len(self.values)}"
        self.values[name] = value
        return "$" + name


def _text_condition(col: str, op: str, model: Mapping[str, Any], params: _Params) -> str | None:
    value = model.get("filter")
    if op not in _TEXT_OPS or not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    return _TEXT_OPS[op].format(col=col, p=params.add(str(value).lower()[:200]))


def _number_condition(col: str, op: str, model: Mapping[str, Any], params: _Params) -> str | None:
    value = _as_number(model.get("filter"))
    if op == "inRange":
        upper = _as_number(model.get("filterTo"))
        if value is None or upper is None:
            return None
        return f"{col} BETWEEN {params.add(value)} AND {params.add(upper)}"
    if op in _NUMBER_OPS and value is not None:
        return _NUMBER_OPS[op].format(col=col, p=params.add(value))
    return None


def _date_condition(col: str, op: str, model: Mapping[str, Any], params: _Params) -> str | None:
    day = _as_date(model.get("dateFrom"))
    if op == "inRange":
        upper = _as_date(model.get("dateTo"))
        if day is None or upper is None:
            return None
        return f"CAST({col} AS DATE) BETWEEN {params.add(day)} AND {params.add(upper)}"
    if op in _DATE_OPS and day is not None:
        return _DATE_OPS[op].format(col=col, p=params.add(day))
    return None


_KIND_CONDITIONS: dict[ColumnKind, Callable[[str, str, Mapping[str, Any], _Params], str | None]] = {
    "text": _text_condition,
    "number": _number_condition,
    "date": _date_condition,
}


def _condition(column: GridColumn, model: Mapping[str, Any], params: _Params) -> str | None:
    """One column condition of an AG Grid filter model, or None if it is not valid."""
    op = model.get("type")
    if not isinstance(op, str):
        return None
    if op in _BLANK:
        return _BLANK[op].format(col=column.sql)
    return _KIND_CONDITIONS[column.kind](column.sql, op, model, params)


def grid_filter(filter_model: Mapping[str, Any], search: str = "") -> Fragment:
    """The grid's search box and column filters as a predicate on the grid's columns."""
    params = _Params("g")
    parts: list[str] = []
    if search:
        p = params.add(search.lower())
        parts.append(f"(contains(lower(display_name), {p}) OR contains(lower(customer_id), {p}))")
    for col_id, model in list(filter_model.items())[: len(GRID_COLUMNS)]:
        column = GRID_COLUMNS.get(col_id) if isinstance(col_id, str) else None
        if column is None or not isinstance(model, Mapping):
            continue
        conditions = model.get("conditions")
        if isinstance(conditions, list) and conditions:
            joiner = " OR " if model.get("operator") == "OR" else " AND "
            built = [
                c
                for c in (
                    _condition(column, m, params)
                    for m in conditions[:_MAX_CONDITIONS]
                    if isinstance(m, Mapping)
                )
                if c
            ]
            if built:
                parts.append("(" + joiner.join(built) + ")")
        else:
            built_one = _condition(column, model, params)
            if built_one:
                parts.append(built_one)
    return Fragment(" AND ".join(parts), params.values) if parts else TRUE


def order_by(sort_model: Sequence[tuple[str, str]]) -> Fragment:
    """ORDER BY text from the allow-listed sort model (ties broken by customer_key)."""
    terms = [
        f"{GRID_COLUMNS[col].sql} {'ASC' if direction == 'asc' else 'DESC'} NULLS LAST"
        for col, direction in sort_model
        if col in GRID_COLUMNS and direction in ("asc", "desc")
    ]
    if not terms:
        return Fragment(DEFAULT_SORT)
    return Fragment(", ".join([*terms, "customer_key"]))


def grid_block_slots(request: GridRequest) -> dict[str, Fragment]:
    """Slots for a sorted block of grid rows ($limit and $offset bound by the caller), each
    row carrying the row count for the same filters (:data:`TOTAL_COLUMN`)."""
    order = order_by(request.sort_model)
    return {
        "grid_filter": grid_filter(request.filter_model, request.search),
        # the row count for the same filters, in the same pass (a window before the LIMIT)
        "grid_select": Fragment(f"*, count(*) OVER () AS {TOTAL_COLUMN}"),
        "grid_page": Fragment(f"ORDER BY {order.sql} LIMIT $limit OFFSET $offset", order.params),
    }


def grid_count_slots(where: Fragment) -> dict[str, Fragment]:
    """Slots for the grid's row count: count(customer_key), not count(*), so that DuckDB
    reads only the columns it uses."""
    return {
        "grid_filter": where,
        "grid_select": Fragment("count(customer_key) AS n"),
        "grid_page": Fragment(""),
    }


def grid_count(
    reader: WarehouseReader, name: str, filters: Filters, options: FilterOptions, where: Fragment
) -> int:
    """The grid's row count, cached per warehouse version and filter: the infinite model asks
    for many blocks of the same list, and the count is the same for all of them."""
    sql, params = render(name, {**filter_slots(filters, options), **grid_count_slots(where)})
    key = ("grid_count", sql, json.dumps(params, sort_keys=True, default=str))
    return cache.cached(reader, key, lambda: int(reader.query(sql, params or None)["n"][0]))
