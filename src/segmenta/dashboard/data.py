"""The dashboard's data access: typed functions over the warehouse, one SQL file per query.

Every function takes the process's :class:`~segmenta.warehouse.connection.WarehouseReader`
(read-only) and the validated :class:`~segmenta.dashboard.filters.Filters`, loads its query from
``segmenta/warehouse/sql/dashboard/<name>.sql`` and fills the template's slots:

* ``{{customer_filter}}``, ``{{line_filter}}``, ``{{coverage_filter}}``: the global filter
  (see :mod:`segmenta.dashboard.filters` for the semantics);
* ``{{grid_filter}}``, ``{{grid_select}}`` and ``{{grid_page}}``: the customers grid's search
  box and column filters, and either a sorted block of rows or the row count (one SQL file
  serves both), sort columns mapped through the allow-list :data:`GRID_COLUMNS`.

Slots are filled with text built from fixed column names and operators only; every value a
user can influence is a bound ``$name`` parameter. Queries aggregate in DuckDB and return only
what is drawn. Pages never contain SQL; they call these functions.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import polars as pl

from segmenta.dashboard.filters import RISK_BANDS, TRUE, FilterOptions, Filters, Fragment
from segmenta.warehouse.connection import WarehouseReader
from segmenta.warehouse.schema import read_sql

__all__ = [
    "EXPORT_ROW_LIMIT",
    "GRID_COLUMNS",
    "CustomerDetail",
    "GridRequest",
    "country_metrics",
    "coverage",
    "customer_detail",
    "customer_export",
    "customer_page",
    "data_status",
    "demographic_groups",
    "filter_options",
    "income_spending",
    "overview_kpis",
    "segment_summary",
]

_SLOT = re.compile(r"\{\{(\w+)\}\}")

#: Most rows a CSV export writes.
EXPORT_ROW_LIMIT = 1_000_000
#: Most rows one grid request may ask for.
MAX_PAGE_ROWS = 1_000
#: Points drawn in the income / spending scatter at most.
SCATTER_POINTS = 3_000


@functools.cache
def _template(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name):  # file names are constants, but be strict
        raise ValueError(f"bad query name {name!r}")
    return read_sql(f"dashboard/{name}.sql")


#: slots that are clauses, not conditions: filled as they are, without parentheses
RAW_SLOTS = frozenset({"grid_select", "grid_page"})


def render(name: str, slots: Mapping[str, Fragment]) -> tuple[str, dict[str, Any]]:
    """The SQL of query ``name`` with its slots filled, and the parameters the slots use."""
    sql = _template(name)
    params: dict[str, Any] = {}
    for slot in sorted(set(_SLOT.findall(sql))):
        if slot not in slots:
            raise KeyError(f"{name}.sql: no value for slot {{{{{slot}}}}}")
        fragment = slots[slot]
        sql = sql.replace(
            "{{" + slot + "}}", fragment.sql if slot in RAW_SLOTS else f"({fragment.sql})"
        )
        params.update(fragment.params)
    return sql, params


def _filter_slots(filters: Filters, options: FilterOptions) -> dict[str, Fragment]:
    return {
        "customer_filter": filters.customer_filter(options),
        "line_filter": filters.line_filter(options),
        "coverage_filter": filters.coverage_filter(),
    }


def _run(
    reader: WarehouseReader,
    name: str,
    filters: Filters | None = None,
    options: FilterOptions | None = None,
    params: Mapping[str, Any] | None = None,
    slots: Mapping[str, Fragment] | None = None,
) -> pl.DataFrame:
    all_slots: dict[str, Fragment] = {}
    if filters is not None:
        all_slots.update(_filter_slots(filters, options or filter_options(reader)))
    all_slots.update(slots or {})
    sql, bound = render(name, all_slots)
    bound.update(params or {})
    return reader.query(sql, bound or None)


# -- filter options (cached per warehouse version) ---------------------------------------------
_options_lock = threading.Lock()
_options_cache: dict[tuple[str, Any], FilterOptions] = {}


def filter_options(reader: WarehouseReader) -> FilterOptions:
    """Dates, countries, segments and risk bands the slicers may hold (cached per file version)."""
    key = (str(reader.path), reader.version)
    with _options_lock:
        cached = _options_cache.get(key)
    if cached is not None:
        return cached
    dates = reader.query(_template("filter_dates"))
    countries = reader.query(_template("filter_countries"))
    segments = reader.query(_template("filter_segments"))
    status = data_status(reader)
    date_min = dates["date_min"][0] if dates.height else None
    date_max = dates["date_max"][0] if dates.height else None
    options = FilterOptions(
        date_min=date_min,
        date_max=date_max,
        countries=dict(
            zip(countries["country"].to_list(), countries["country_key"].to_list(), strict=True)
        ),
        segments=dict(
            zip(segments["segment"].to_list(), segments["segment_id"].to_list(), strict=True)
        ),
        risk_bands=RISK_BANDS,
        has_demographics=status["customers_with_demographics"] > 0,
        has_model_run=status["model_runs"] > 0,
    )
    with _options_lock:
        if len(_options_cache) > 16:
            _options_cache.clear()
        _options_cache[key] = options
    return options


def segment_descriptions(reader: WarehouseReader) -> pl.DataFrame:
    """segment_id, segment, description, n_customers of the latest run."""
    return reader.query(_template("filter_segments"))


def data_status(reader: WarehouseReader) -> dict[str, Any]:
    """What the warehouse holds: model_runs, run_kind, as_of_date, customers, ..., lines."""
    frame = reader.query(_template("data_status"))
    return frame.to_dicts()[0]


# -- every page ----------------------------------------------------------------------------------
def coverage(reader: WarehouseReader, filters: Filters) -> tuple[int, int]:
    """(customers, lines) covered by the filter."""
    row = _run(reader, "coverage", filters).row(0)
    return int(row[0] or 0), int(row[1] or 0)


# -- overview --------------------------------------------------------------------------------
def segment_summary(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per segment: the study's table (see ``segment_summary.sql``).

    Without a date or country filter the per-customer totals come from the model run's
    features (``segment_summary_all_time.sql``: same definitions, no invoice line read).
    """
    name = "segment_summary" if filters.has_line_filter else "segment_summary_all_time"
    return _run(reader, name, filters)


def overview_kpis(summary: pl.DataFrame) -> dict[str, Any]:
    """Headline figures, summed from :func:`segment_summary` (so they always agree with it)."""
    if summary.is_empty():
        return {
            "customers": 0,
            "revenue": 0.0,
            "invoices": 0,
            "avg_ticket": None,
            "return_rate": None,
            "top_segment": None,
            "top_segment_share": None,
        }
    customers = int(summary["customers"].sum())
    revenue = float(summary["revenue"].sum())
    invoices = int(summary["invoices"].sum())
    items = float(summary["items"].sum())
    returned = float(summary["returned_items"].sum())
    top = summary.sort(["revenue", "segment_id"], descending=[True, False]).row(0, named=True)
    return {
        "customers": customers,
        "revenue": revenue,
        "invoices": invoices,
        "avg_ticket": revenue / invoices if invoices else None,
        "return_rate": returned / items if items else None,
        "top_segment": top["segment"],
        "top_segment_share": top["revenue"] / revenue if revenue > 0 else None,
    }


# -- customers grid --------------------------------------------------------------------------
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


def _condition(column: GridColumn, model: Mapping[str, Any], params: _Params) -> str | None:
    """One column condition of an AG Grid filter model, or None if it is not valid."""
    op = model.get("type")
    if not isinstance(op, str):
        return None
    col = column.sql
    if op in _BLANK:
        return _BLANK[op].format(col=col)
    if column.kind == "text" and op in _TEXT_OPS:
        value = model.get("filter")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return None
        return _TEXT_OPS[op].format(col=col, p=params.add(str(value).lower()[:200]))
    if column.kind == "number":
        value = _as_number(model.get("filter"))
        if op == "inRange":
            upper = _as_number(model.get("filterTo"))
            if value is None or upper is None:
                return None
            return f"{col} BETWEEN {params.add(value)} AND {params.add(upper)}"
        if op in _NUMBER_OPS and value is not None:
            return _NUMBER_OPS[op].format(col=col, p=params.add(value))
        return None
    if column.kind == "date":
        day = _as_date(model.get("dateFrom"))
        if op == "inRange":
            upper = _as_date(model.get("dateTo"))
            if day is None or upper is None:
                return None
            return f"CAST({col} AS DATE) BETWEEN {params.add(day)} AND {params.add(upper)}"
        if op in _DATE_OPS and day is not None:
            return _DATE_OPS[op].format(col=col, p=params.add(day))
    return None


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


def _grid_query_name(filters: Filters) -> str:
    return "customer_grid_period" if filters.has_line_filter else "customer_grid"


def grid_block_slots(request: GridRequest) -> dict[str, Fragment]:
    """Slots for a sorted block of grid rows ($limit and $offset bound by the caller)."""
    order = order_by(request.sort_model)
    return {
        "grid_filter": grid_filter(request.filter_model, request.search),
        "grid_select": Fragment("*"),
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


def _grid_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("last_purchase_at").dt.strftime("%Y-%m-%d"),
        pl.col("revenue").round(2),
        pl.col("churn_probability").round(4),
        pl.col("return_rate").round(4),
    )


def customer_page(
    reader: WarehouseReader, filters: Filters, request: GridRequest
) -> tuple[pl.DataFrame, int]:
    """One block of the customers grid and the total row count for the same filters."""
    options = filter_options(reader)
    name = _grid_query_name(filters)
    slots = grid_block_slots(request)
    limit = request.end_row - request.start_row
    rows = _run(
        reader, name, filters, options, {"limit": limit, "offset": request.start_row}, slots
    )
    if request.start_row == 0 and rows.height < limit:
        total = rows.height
    else:
        total = _grid_count(reader, name, filters, options, slots["grid_filter"])
    return _grid_rows(rows), total


_count_lock = threading.Lock()
_count_cache: OrderedDict[tuple[Any, ...], int] = OrderedDict()
_COUNT_CACHE_SIZE = 256


def _grid_count(
    reader: WarehouseReader, name: str, filters: Filters, options: FilterOptions, where: Fragment
) -> int:
    """The grid's row count, cached per warehouse version and filter: the infinite model asks
    for many blocks of the same list, and the count is the same for all of them."""
    sql, params = render(name, {**_filter_slots(filters, options), **grid_count_slots(where)})
    key = (str(reader.path), reader.version, sql, json.dumps(params, sort_keys=True, default=str))
    with _count_lock:
        if key in _count_cache:
            _count_cache.move_to_end(key)
            return _count_cache[key]
    total = int(reader.query(sql, params or None)["n"][0])
    with _count_lock:
        _count_cache[key] = total
        while len(_count_cache) > _COUNT_CACHE_SIZE:
            _count_cache.popitem(last=False)
    return total


#: Columns of the CSV export, in order, with their headers.
EXPORT_COLUMNS: dict[str, str] = {
    "customer_id": "customer_id",
    "display_name": "display_name",
    "country": "country",
    "segment": "segment",
    "churn_probability": "churn_probability",
    "risk_band": "risk_band",
    "revenue": "revenue",
    "invoices": "invoices",
    "recency_days": "recency_days",
    "frequency": "frequency",
    "return_rate": "return_rate",
    "last_purchase_at": "last_purchase_date",
}


def customer_export(
    reader: WarehouseReader, filters: Filters, request: GridRequest, limit: int = EXPORT_ROW_LIMIT
) -> pl.DataFrame:
    """Every row of the grid for the current filters, search, column filters and sort."""
    options = filter_options(reader)
    slots = grid_block_slots(request)
    frame = _run(
        reader, _grid_query_name(filters), filters, options, {"limit": limit, "offset": 0}, slots
    )
    frame = _grid_rows(frame).select([pl.col(c).alias(h) for c, h in EXPORT_COLUMNS.items()])
    return frame


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Neutralise spreadsheet formulas in text cells (CSV injection): prefix them with '."""
    risky = r"^[=+\-@\t\r]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(risky))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


# -- customer detail -------------------------------------------------------------------------
@dataclass(frozen=True)
class CustomerDetail:
    profile: dict[str, Any]
    segment_profile: dict[str, float]
    history: pl.DataFrame
    top_products: pl.DataFrame
    returns: pl.DataFrame


def customer_detail(
    reader: WarehouseReader,
    filters: Filters,
    customer_key: int,
    top_n: int = 10,
    max_returns: int = 20,
) -> CustomerDetail | None:
    """Everything the detail view of one customer shows, or None if they are not in the run."""
    if isinstance(customer_key, bool) or not isinstance(customer_key, int):
        return None
    options = filter_options(reader)
    profile = reader.query(_template("customer_profile"), {"customer_key": customer_key})
    if profile.is_empty():
        return None
    row = profile.row(0, named=True)
    try:
        segment_profile = {
            k: float(v) for k, v in json.loads(row.pop("segment_profile") or "{}").items()
        }
    except (TypeError, ValueError, AttributeError):
        segment_profile = {}
    params = {"customer_key": customer_key}
    history = _run(reader, "customer_history", filters, options, params)
    products = _run(reader, "customer_top_products", filters, options, {**params, "limit": top_n})
    returns = _run(reader, "customer_returns", filters, options, {**params, "limit": max_returns})
    return CustomerDetail(row, segment_profile, history, products, returns)


# -- map -------------------------------------------------------------------------------------------
def country_metrics(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per country: customers, revenue, invoices, revenue per customer, churn rate."""
    return _run(reader, "country_metrics", filters)


# -- demographics ------------------------------------------------------------------------------
def demographic_groups(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """Customers and revenue per (age group, gender, segment)."""
    return _run(reader, "demographic_groups", filters)


def income_spending(
    reader: WarehouseReader, filters: Filters, limit: int = SCATTER_POINTS
) -> pl.DataFrame:
    """A stable sample of customers with income: income, spending score, revenue, segment."""
    return _run(reader, "income_spending", filters, None, {"limit": limit})


# == issue 5: products, churn, segmentation model, scoring, SQL pages ==========================
# (functions below are appended; the pages above do not use them)

#: Frames small enough to keep (rows) in the per-filter cache below.
_FRAME_CACHE_MAX_ROWS = 250_000
_FRAME_CACHE_SIZE = 8
_frame_lock = threading.Lock()
_frame_cache: OrderedDict[tuple[Any, ...], pl.DataFrame] = OrderedDict()


def _cached_frame(
    reader: WarehouseReader, name: str, filters: Filters, options: FilterOptions
) -> pl.DataFrame:
    """``_run(reader, name, filters)``, remembered per file version and filter.

    A page asks several times for the same per-filter frame (a threshold moved, an export
    after the view); the key holds ``reader.version``, so a new warehouse version (an ingest, a
    model run, a rename) is never served from an older one.
    """
    key = (name, str(reader.path), reader.version, filters)
    with _frame_lock:
        if key in _frame_cache:
            _frame_cache.move_to_end(key)
            return _frame_cache[key]
    frame = _run(reader, name, filters, options)
    if frame.height <= _FRAME_CACHE_MAX_ROWS:
        with _frame_lock:
            _frame_cache[key] = frame
            while len(_frame_cache) > _FRAME_CACHE_SIZE:
                _frame_cache.popitem(last=False)
    return frame


def clear_frame_cache() -> None:
    """Forget the cached per-filter frames (the benchmark times cold queries)."""
    with _frame_lock:
        _frame_cache.clear()


# -- products --------------------------------------------------------------------------------
#: Products in each ranking at most.
PRODUCT_TOP_N = 10
#: Products drawn in the revenue-over-time chart (the best sellers by revenue).
PRODUCT_TREND_N = 5
#: Customers listed for a clicked product at most.
PRODUCT_BUYERS_LIMIT = 200
#: Default minimum volume (purchase lines) for the return and cancellation rankings.
DEFAULT_MIN_LINES = 30
_STOCK_CODE = re.compile(r"[\w .\-/]{1,40}")


def product_metrics(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per product sold to covered customers in the filtered lines (``product_metrics.sql``):
    revenue, units, purchase lines, units returned and return rate, cancellation lines and rate."""
    return _cached_frame(reader, "product_metrics", filters, filter_options(reader))


def best_sellers(
    metrics: pl.DataFrame, by: Literal["revenue", "quantity"], n: int = PRODUCT_TOP_N
) -> pl.DataFrame:
    """The ``n`` products with the most revenue or units (ties by stock code)."""
    if by not in ("revenue", "quantity"):
        raise ValueError(f"rank by revenue or quantity, not {by!r}")
    return metrics.filter(pl.col(by) > 0).sort([by, "stock_code"], descending=[True, False]).head(n)


def highest_rates(
    metrics: pl.DataFrame,
    rate: Literal["return_rate", "cancellation_rate"],
    min_lines: int = DEFAULT_MIN_LINES,
    n: int = PRODUCT_TOP_N,
) -> pl.DataFrame:
    """The ``n`` products with the highest return or cancellation rate among those with at least
    ``min_lines`` purchase lines (the minimum-volume threshold), ties by volume."""
    if rate not in ("return_rate", "cancellation_rate"):
        raise ValueError(f"rank by return_rate or cancellation_rate, not {rate!r}")
    return (
        metrics.filter((pl.col("purchase_lines") >= max(int(min_lines), 1)) & (pl.col(rate) > 0))
        .sort([rate, "purchase_lines", "stock_code"], descending=[True, True, False])
        .head(n)
    )


def product_monthly(
    reader: WarehouseReader, filters: Filters, product_keys: Sequence[int]
) -> pl.DataFrame:
    """Revenue and units per (product, month) for ``product_keys`` over the filtered lines."""
    keys = [int(k) for k in product_keys if isinstance(k, int) and not isinstance(k, bool)]
    if not keys:
        return pl.DataFrame(
            schema={
                "product_key": pl.Int32,
                "month": pl.Date,
                "revenue": pl.Float64,
                "quantity": pl.Int64,
            }
        )
    return _run(reader, "product_monthly", filters, None, {"product_keys": keys})


def product_lookup(reader: WarehouseReader, stock_code: object) -> dict[str, Any] | None:
    """product_key, stock_code and description of a stock code, or None if there is none."""
    if not isinstance(stock_code, str) or not _STOCK_CODE.fullmatch(stock_code):
        return None
    frame = reader.query(_template("product_lookup"), {"stock_code": stock_code})
    return frame.row(0, named=True) if frame.height else None


def product_buyers(
    reader: WarehouseReader, filters: Filters, product_key: int, limit: int = PRODUCT_BUYERS_LIMIT
) -> pl.DataFrame:
    """The covered customers who bought the product in the filtered lines, biggest spend first."""
    return _run(
        reader, "product_buyers", filters, None, {"product_key": int(product_key), "limit": limit}
    )


def product_segments(reader: WarehouseReader, filters: Filters, product_key: int) -> pl.DataFrame:
    """Buying customers, units and revenue of the product per segment."""
    return _run(reader, "product_segments", filters, None, {"product_key": int(product_key)})


# -- churn ---------------------------------------------------------------------------------------
#: Bins of the churn probability histogram (of width 1 / CHURN_BINS).
CHURN_BINS = 20
#: Rows of the at-risk list shown on the page (the export has them all).
AT_RISK_SHOWN = 100


def churn_customers(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per covered customer with a churn score: who, home country, segment, probability,
    band and revenue over the filtered lines (all-time revenue feature without a line filter)."""
    name = "churn_customers" if filters.has_line_filter else "churn_customers_all_time"
    return _cached_frame(reader, name, filters, filter_options(reader))


def churn_histogram(customers: pl.DataFrame, bins: int = CHURN_BINS) -> pl.DataFrame:
    """Customers per (probability bin, segment): bin is 0..bins-1, bin_start its lower edge."""
    return (
        customers.with_columns(
            pl.min_horizontal(
                (pl.col("churn_probability") * bins).floor().cast(pl.Int32), pl.lit(bins - 1)
            ).alias("bin")
        )
        .group_by("bin", "segment_id", "segment")
        .agg(pl.len().alias("customers"))
        .with_columns((pl.col("bin") / bins).alias("bin_start"))
        .sort("segment_id", "bin")
    )


def _risk_summary(customers: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return (
        customers.group_by(by)
        .agg(
            pl.len().alias("customers"),
            pl.col("churn_probability").mean().alias("mean_probability"),
            (pl.col("risk_band") == "high").sum().alias("high_risk"),
            pl.col("revenue").sum().alias("revenue"),
            (pl.col("revenue") * pl.col("churn_probability")).sum().alias("revenue_at_risk"),
        )
        .with_columns((pl.col("high_risk") / pl.col("customers")).alias("high_risk_share"))
    )


def churn_by_segment(customers: pl.DataFrame) -> pl.DataFrame:
    """Per segment: customers, mean churn probability, high-risk customers and share, revenue and
    expected revenue at risk (sum of revenue x probability). segment_id order."""
    return _risk_summary(customers, ["segment_id", "segment"]).sort("segment_id")


def churn_by_country(customers: pl.DataFrame, top: int = 15) -> pl.DataFrame:
    """The same per home country, the ``top`` countries with most customers."""
    return (
        _risk_summary(customers, ["country"])
        .sort(["customers", "country"], descending=[True, False])
        .head(top)
    )


def churn_at_risk(customers: pl.DataFrame, limit: int | None = AT_RISK_SHOWN) -> pl.DataFrame:
    """High-risk customers (band 'high') by expected revenue at risk (revenue x probability)."""
    frame = (
        customers.filter(pl.col("risk_band") == "high")
        .with_columns((pl.col("revenue") * pl.col("churn_probability")).alias("value_at_risk"))
        .sort(["value_at_risk", "customer_key"], descending=[True, False])
        .select(
            "customer_key",
            "customer_id",
            "display_name",
            "country",
            "segment",
            "churn_probability",
            "revenue",
            "value_at_risk",
        )
    )
    return frame.head(limit) if limit is not None else frame


def model_run_info(reader: WarehouseReader) -> dict[str, Any] | None:
    """The latest run: run_id, kind, as_of_date, created_at, parameters and metrics (parsed)."""
    frame = reader.query(_template("model_run_info"))
    if frame.is_empty():
        return None
    row = frame.row(0, named=True)
    for key in ("parameters", "metrics"):
        try:
            row[key] = json.loads(row[key] or "{}")
        except ValueError:
            row[key] = {}
    return row


def churn_curves(reader: WarehouseReader) -> pl.DataFrame:
    """The latest run's held-out ROC and calibration curves (model, curve, point, x, y)."""
    return reader.query(_template("churn_curves"))


# -- segmentation model -------------------------------------------------------------------------
#: Points drawn in the 2-D projection at most.
PROJECTION_POINTS = 5_000


def k_sweep(reader: WarehouseReader) -> pl.DataFrame:
    """k, SSE, silhouette and chosen for every k the latest run tried."""
    return reader.query(_template("k_sweep"))


def segment_profiles(reader: WarehouseReader) -> pl.DataFrame:
    """The latest run's segments: names, description, size, profile (JSON text), rename audit."""
    return reader.query(_template("segment_profiles"))


def segment_coverage(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """segment_id, customers covered by the filter."""
    return _run(reader, "segment_coverage", filters)


def projection_sample(
    reader: WarehouseReader, filters: Filters, limit: int = PROJECTION_POINTS
) -> pl.DataFrame:
    """A stable sample of at most ``limit`` covered customers with their 2-D projection."""
    return _run(reader, "projection_sample", filters, None, {"limit": int(limit)})


# -- SQL page --------------------------------------------------------------------------------
def schema_columns(reader: WarehouseReader) -> pl.DataFrame:
    """relation, kind, column_name, data_type, position of every column of the warehouse."""
    return reader.query(_template("schema_columns"))


__all__ += [
    "best_sellers",
    "churn_at_risk",
    "churn_by_country",
    "churn_by_segment",
    "churn_curves",
    "churn_customers",
    "churn_histogram",
    "clear_frame_cache",
    "highest_rates",
    "k_sweep",
    "model_run_info",
    "product_buyers",
    "product_lookup",
    "product_metrics",
    "product_monthly",
    "product_segments",
    "projection_sample",
    "schema_columns",
    "segment_coverage",
    "segment_profiles",
]
