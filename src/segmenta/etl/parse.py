"""Rule 1, ``parse_values``: type an invoice file's columns and find each row's first problem.

One step per column kind (text, quantity, price, timestamp, customer id), then
:func:`parse_values` wires them and marks the rows that do not parse with the index of their
first failing :class:`ParseCheck`; :func:`segmenta.etl.clean.explain_rejections` turns that index
into the reason, for the rejected rows only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from segmenta.etl.columns import INVOICE_REQUIRED
from segmenta.etl.dates import DATE_FORMATS, choose_date_format, text_date_formats
from segmenta.etl.read import SOURCE_ROW, RawTable

#: the column naming the rule that rejected a row (null while no rule has)
REJECT_RULE = "reject_rule"
#: prefix of the columns that keep the file's raw values (for rejected_row.raw_values)
RAW_PREFIX = "__raw_"
#: the column holding the index of a row's first failing ParseCheck (null: it parses)
PARSE_PROBLEM = "parse_problem"
#: a value that starts like a day and a month (``05/06/2011``)
_DAY_MONTH_HINT = r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}"


@dataclass(frozen=True)
class ParseCheck:
    """One way a row can fail to parse: the canonical column and the expectation."""

    column: str
    expected: str  # '' for "value missing"


def _as_text(header: str) -> pl.Expr:
    return pl.col(header).cast(pl.String).str.strip_chars()


def _date_example(date_format: str | None) -> str:
    if date_format is None:
        return "2010-12-01 08:26:00"
    return datetime(2010, 12, 1, 8, 26).strftime(date_format.replace("%.f", ""))


def _text_columns(mapping: dict[str, str]) -> list[pl.Expr]:
    """The text columns as trimmed strings (null columns where the file has none)."""
    return [
        _as_text(mapping[canon]).alias(canon)
        if canon in mapping
        else pl.lit(None, pl.String).alias(canon)
        for canon in ("invoice_no", "stock_code", "description", "country")
    ]


def _parse_quantity(header: str, dtype: pl.DataType) -> pl.Expr:
    """Whole numbers as Int64; a fraction or text that is no number becomes null."""
    if dtype.is_integer():
        return pl.col(header).cast(pl.Int64)
    as_float = (
        pl.col(header).cast(pl.Float64, strict=False)
        if dtype.is_numeric()
        else _as_text(header).cast(pl.Float64, strict=False)
    )
    return pl.when(as_float == as_float.round(0)).then(as_float).cast(pl.Int64, strict=False)


#: the exact type of a unit price in the warehouse (fact_invoice_line.unit_price)
PRICE_TYPE = pl.Decimal(12, 3)
#: what a unit price must be (the parse check's expectation)
PRICE_EXPECTED = "a number with at most 3 decimals, below 1,000,000,000"


def _parse_price(header: str, dtype: pl.DataType, decimal_comma: bool) -> pl.Expr:
    """Exact Decimal(12, 3) prices; currency signs and spaces dropped, decimal commas read.

    Text is read as the decimal it spells ("2.55" is exactly 2.550); a float as the decimal
    of its shortest spelling. A price with more than 3 decimals ("1.2345", not "2.5500") or
    out of range is null, so ``parse_values`` rejects the row: money is never rounded."""
    if dtype.is_numeric():
        number = pl.col(header).cast(pl.Float64)
        exact = number.cast(PRICE_TYPE, strict=False)
        fits = exact.cast(pl.Float64) == number
    else:
        text = _as_text(header).str.replace_all(r"[£$€\s]", "")
        if decimal_comma:
            text = text.str.replace(r"^(-?\d+),(\d+)$", "$1.$2")
        number = text.cast(pl.Float64, strict=False)
        exact = text.cast(PRICE_TYPE, strict=False)
        fits = ~text.str.contains(r"\.\d{3}0*[1-9]") & (exact.cast(pl.Float64) == number)
    return pl.when(number.is_finite() & fits).then(exact)


def _parse_timestamp(
    raw: RawTable, header: str, dtype: pl.DataType, spec: str | None = None
) -> tuple[pl.Expr, str | None]:
    """Naive UTC-free Datetime("us") timestamps, and the text format chosen (None if typed).

    Text dates: the formats of ``spec`` (``--date-format``), else of the day/month order the
    whole file settles (:func:`~segmenta.etl.dates.text_date_formats`); of those, the one
    that reads most of the first rows."""
    if isinstance(dtype, pl.Datetime):
        ts = pl.col(header)
        if dtype.time_zone is not None:
            ts = ts.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return ts.cast(pl.Datetime("us")), None
    if dtype == pl.Date:
        return pl.col(header).cast(pl.Datetime("us")), None
    sample = raw.frame.select(_as_text(header)).head(20_000).collect().to_series()
    if spec is None and not sample.str.contains(_DAY_MONTH_HINT).any():
        formats = DATE_FORMATS  # no day/month date in the first rows: no order to settle
    else:
        formats = text_date_formats(raw.path, raw.frame, _as_text(header), header, SOURCE_ROW, spec)
    date_format = choose_date_format(sample, formats)
    ts = (
        _as_text(header).str.strptime(pl.Datetime("us"), date_format, strict=False, exact=True)
        if date_format
        else pl.lit(None, pl.Datetime("us"))
    )
    return ts, date_format


def customer_id_text(header: str, dtype: pl.DataType) -> pl.Expr:
    """Customer ids as text: a float's '.0' and leading zeros dropped ('017850.0' -> '17850');
    empty ids become null. Other values stay as written, for ``reject_bad_customer_id``."""
    col = pl.col(header)
    if dtype.is_float():
        whole = pl.when(col == col.round(0)).then(col.cast(pl.Int64, strict=False).cast(pl.String))
        cid = pl.coalesce(whole, col.cast(pl.String))
    elif dtype.is_integer():
        cid = col.cast(pl.String)
    else:
        cid = col.cast(pl.String).str.strip_chars().str.replace(r"^0*(\d+?)(?:\.0+)?$", "$1")
    return pl.when(cid.str.len_chars() > 0).then(cid)


def valid_customer_id(cid: pl.Expr) -> pl.Expr:
    """Whether a :func:`customer_id_text` id is absent or a whole positive number."""
    return cid.is_null() | cid.str.contains(r"^[1-9][0-9]*$")


def _parse_customer_id(mapping: dict[str, str], schema: pl.Schema) -> pl.Expr:
    """The customer id column as :func:`customer_id_text` (null where the file has none)."""
    if "customer_id" not in mapping:
        return pl.lit(None, pl.String)
    header = mapping["customer_id"]
    return customer_id_text(header, schema[header])


def _first_problem(
    mapping: dict[str, str], schema: pl.Schema, typed: list[tuple[str, pl.Expr, str]]
) -> tuple[list[ParseCheck], pl.Expr]:
    """The parse checks in order, and the index of each row's first failing one (null: none).

    First a missing value in each required column, then each ``(column, typed value,
    expectation)`` of ``typed`` whose value did not parse.
    """
    checks: list[ParseCheck] = []
    conditions: list[pl.Expr] = []
    for canon in INVOICE_REQUIRED:
        header = mapping[canon]
        missing = pl.col(header).is_null()
        if schema[header] == pl.String:
            missing = missing | (pl.col(header).str.strip_chars() == "")
        checks.append(ParseCheck(canon, ""))
        conditions.append(missing)
    for canon, value, expected in typed:
        checks.append(ParseCheck(canon, expected))
        conditions.append(value.is_null())  # missing values were caught by the checks above
    problem: Then | ChainedThen = pl.when(conditions[0]).then(pl.lit(0, pl.Int8))
    for i, cond in enumerate(conditions[1:], start=1):
        problem = problem.when(cond).then(pl.lit(i, pl.Int8))
    return checks, problem.otherwise(pl.lit(None, pl.Int8))


def parse_values(
    raw: RawTable, mapping: dict[str, str], decimal_comma: bool, date_format: str | None = None
) -> tuple[pl.LazyFrame, list[ParseCheck], str | None]:
    """Typed canonical columns, plus the index (into the checks) of each row's first failure.

    ``date_format`` is ``--date-format`` (``dmy``, ``mdy``, ``ymd`` or a strptime format)."""
    schema = raw.frame.collect_schema()
    qty = _parse_quantity(mapping["quantity"], schema[mapping["quantity"]])
    price = _parse_price(mapping["unit_price"], schema[mapping["unit_price"]], decimal_comma)
    ts, chosen_format = _parse_timestamp(
        raw, mapping["invoice_date"], schema[mapping["invoice_date"]], date_format
    )
    checks, problem = _first_problem(
        mapping,
        schema,
        [
            ("quantity", qty, "a whole number"),
            ("unit_price", price, PRICE_EXPECTED),
            ("invoice_date", ts, f"a date like '{_date_example(chosen_format)}'"),
        ],
    )
    exprs = [
        pl.col(SOURCE_ROW).cast(pl.Int64),
        *_text_columns(mapping),
        qty.alias("quantity"),
        price.alias("unit_price"),
        ts.alias("invoice_ts"),
        _parse_customer_id(mapping, schema).alias("customer_id"),
        problem.alias(PARSE_PROBLEM),
        *[pl.col(h).alias(f"{RAW_PREFIX}{i}") for i, h in enumerate(raw.headers)],
    ]
    lf = raw.frame.select(exprs).with_columns(
        pl.when(pl.col(PARSE_PROBLEM).is_not_null())
        .then(pl.lit("parse_values"))
        .otherwise(pl.lit(None, pl.String))
        .alias(REJECT_RULE)
    )
    return lf, checks, chosen_format
