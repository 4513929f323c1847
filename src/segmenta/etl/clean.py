"""Turn a raw invoice file into typed, cleaned lines plus rejected rows with reasons.

Pure LazyFrame-in, LazyFrame-out steps named for what they do; :func:`clean_invoices` wires
them in the order of :data:`segmenta.etl.rules.RULES`. Every row of the file ends up in
exactly one of the two outputs. Rules only name the rule that rejects a row (cheap over
millions of rows); the human-readable reason is written afterwards for the rejected rows
alone (:func:`explain_rejections`), from the values as they were in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from segmenta.etl import countries
from segmenta.etl.columns import INVOICE_ALIASES, INVOICE_REQUIRED, match_columns
from segmenta.etl.read import SOURCE_ROW, RawTable
from segmenta.etl.rules import DEFAULT_RULES, RuleSet

#: the typed columns of a cleaned invoice line, in order
LINE_COLUMNS = (
    "invoice_no",
    "stock_code",
    "description",
    "quantity",
    "invoice_ts",
    "unit_price",
    "customer_id",
    "country",
)
#: raw (text) columns of rejected_row, in order
RAW_COLUMNS = (
    "invoice_no",
    "stock_code",
    "description",
    "quantity",
    "invoice_date",
    "unit_price",
    "customer_id",
    "country",
)
REJECT_RULE = "reject_rule"
RAW_PREFIX = "__raw_"
PARSE_PROBLEM = "parse_problem"
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
)


@dataclass
class CleanResult:
    """One invoice file after the rules, collected in memory (:func:`clean_invoices`)."""

    accepted: pl.DataFrame  # SOURCE_ROW + LINE_COLUMNS + is_return, is_cancellation, date_key
    rejected: pl.DataFrame  # SOURCE_ROW, rule, reason
    rows_in: int
    date_format: str | None
    rejected_details: pl.DataFrame  # rejected + raw text columns + raw_values JSON


@dataclass(frozen=True)
class ParseCheck:
    """One way a row can fail to parse: the canonical column and the expectation."""

    column: str
    expected: str  # '' for "value missing"


def _as_text(header: str) -> pl.Expr:
    return pl.col(header).cast(pl.String).str.strip_chars()


def choose_date_format(sample: pl.Series) -> str | None:
    """The format in :data:`DATE_FORMATS` that reads the most of ``sample`` (text dates)."""
    values = sample.drop_nulls().str.strip_chars()
    if values.is_empty():
        return None
    best, best_ok = None, 0
    for fmt in DATE_FORMATS:
        ok = int(
            values.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
            .is_not_null()
            .sum()
        )
        if ok > best_ok:
            best, best_ok = fmt, ok
    return best


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


def _parse_price(header: str, dtype: pl.DataType, decimal_comma: bool) -> pl.Expr:
    """Finite Float64 prices; currency signs and spaces dropped, decimal commas read."""
    if dtype.is_numeric():
        price = pl.col(header).cast(pl.Float64)
    else:
        text = _as_text(header).str.replace_all(r"[£$€\s]", "")
        if decimal_comma:
            text = text.str.replace(r"^(-?\d+),(\d+)$", "$1.$2")
        price = text.cast(pl.Float64, strict=False)
    return pl.when(price.is_finite()).then(price)


def _parse_timestamp(raw: RawTable, header: str, dtype: pl.DataType) -> tuple[pl.Expr, str | None]:
    """Naive UTC-free Datetime("us") timestamps, and the text format chosen (None if typed)."""
    if isinstance(dtype, pl.Datetime):
        ts = pl.col(header)
        if dtype.time_zone is not None:
            ts = ts.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return ts.cast(pl.Datetime("us")), None
    if dtype == pl.Date:
        return pl.col(header).cast(pl.Datetime("us")), None
    sample = raw.frame.select(_as_text(header)).head(20_000).collect().to_series()
    date_format = choose_date_format(sample)
    ts = (
        _as_text(header).str.strptime(pl.Datetime("us"), date_format, strict=False, exact=True)
        if date_format
        else pl.lit(None, pl.Datetime("us"))
    )
    return ts, date_format


def _parse_customer_id(mapping: dict[str, str], schema: pl.Schema) -> pl.Expr:
    """Customer ids as text without a float's '.0'; empty or absent ids become null."""
    if "customer_id" not in mapping:
        return pl.lit(None, pl.String)
    header = mapping["customer_id"]
    dtype = schema[header]
    if dtype.is_float():
        cid = (
            pl.when(pl.col(header) == pl.col(header).round(0))
            .then(pl.col(header).cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(pl.col(header).cast(pl.String))
        )
    elif dtype.is_integer():
        cid = pl.col(header).cast(pl.String)
    else:
        cid = _as_text(header).str.replace(r"^(\d+)\.0+$", "$1")
    return pl.when(cid.str.len_chars() > 0).then(cid)


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
    raw: RawTable, mapping: dict[str, str], decimal_comma: bool
) -> tuple[pl.LazyFrame, list[ParseCheck], str | None]:
    """Typed canonical columns, plus the index (into the checks) of each row's first failure."""
    schema = raw.frame.collect_schema()
    qty = _parse_quantity(mapping["quantity"], schema[mapping["quantity"]])
    price = _parse_price(mapping["unit_price"], schema[mapping["unit_price"]], decimal_comma)
    ts, date_format = _parse_timestamp(
        raw, mapping["invoice_date"], schema[mapping["invoice_date"]]
    )
    checks, problem = _first_problem(
        mapping,
        schema,
        [
            ("quantity", qty, "a whole number"),
            ("unit_price", price, "a finite number"),
            ("invoice_date", ts, f"a date like '{_date_example(date_format)}'"),
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
    return lf, checks, date_format


def uppercase_codes(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rule ``uppercase_codes``: invoice numbers and stock codes upper-cased."""
    return lf.with_columns(
        pl.col("invoice_no").str.to_uppercase(), pl.col("stock_code").str.to_uppercase()
    )


def normalise_country(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rule ``normalise_country``: country names mapped to ISO common names."""
    # a join with the (small) mapping of the distinct names keeps the plan streamable,
    # where Expr.replace would make Polars hold the whole column in memory
    distinct = lf.select(pl.col("country").unique()).collect(engine="streaming").to_series()
    mapping = countries.country_mapping(distinct)
    return (
        lf.join(mapping.lazy(), on="country", how="left", maintain_order="left")
        .with_columns(pl.coalesce("country_normalised", "country").alias("country"))
        .drop("country_normalised")
    )


def _reject(lf: pl.LazyFrame, rule: str, condition: pl.Expr) -> pl.LazyFrame:
    """Name ``rule`` on rows that ``condition`` rejects, unless an earlier rule already did."""
    fires = pl.col(REJECT_RULE).is_null() & condition.fill_null(False)
    return lf.with_columns(
        pl.when(fires).then(pl.lit(rule)).otherwise(pl.col(REJECT_RULE)).alias(REJECT_RULE)
    )


def reject_non_positive_price(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rule ``reject_non_positive_price``: unit price <= 0."""
    return _reject(lf, "reject_non_positive_price", pl.col("unit_price") <= 0)


def reject_unspecified_country(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rule ``reject_unspecified_country``: country 'Unspecified' or empty."""
    cond = pl.col("country").is_null() | (pl.col("country") == countries.UNSPECIFIED)
    return _reject(lf, "reject_unspecified_country", cond)


def reject_non_product_codes(lf: pl.LazyFrame, codes: tuple[str, ...]) -> pl.LazyFrame:
    """Rule ``reject_non_product_codes``: fee and adjustment stock ``codes``."""
    return _reject(lf, "reject_non_product_codes", pl.col("stock_code").is_in(list(codes)))


def reject_future_dates(lf: pl.LazyFrame, now: datetime) -> pl.LazyFrame:
    """Rule ``reject_future_dates``: dated more than a day after ``now``."""
    return _reject(lf, "reject_future_dates", pl.col("invoice_ts") > now + timedelta(days=1))


def cruk_as_purchase(lf: pl.LazyFrame, codes: tuple[str, ...]) -> pl.LazyFrame:
    """Rule ``cruk_as_purchase``: charity lines (stock ``codes``) count as purchases."""
    return lf.with_columns(
        pl.when(pl.col("stock_code").is_in(list(codes)))
        .then(pl.col("quantity").abs())
        .otherwise(pl.col("quantity"))
        .alias("quantity")
    )


def flag_lines(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rules ``flag_returns`` and ``flag_cancellations``: is_return, is_cancellation."""
    return lf.with_columns(
        (pl.col("quantity") < 0).alias("is_return"),
        pl.col("invoice_no").str.starts_with("C").alias("is_cancellation"),
    )


def date_key(ts: pl.Expr) -> pl.Expr:
    """yyyymmdd as an integer: the key of dim_date."""
    return (
        ts.dt.year() * 10_000 + ts.dt.month().cast(pl.Int32) * 100 + ts.dt.day().cast(pl.Int32)
    ).cast(pl.Int32)


@dataclass
class InvoicePlan:
    """The lazy outputs of the rules for one file: nothing has been computed yet."""

    accepted: pl.LazyFrame  # SOURCE_ROW, LINE_COLUMNS, is_return, is_cancellation, date_key
    rejected: pl.LazyFrame  # SOURCE_ROW, rule, reason, RAW_COLUMNS (text), raw_values (JSON)
    date_format: str | None
    flag_duplicates: bool


def apply_row_rules(lf: pl.LazyFrame, rules: RuleSet, now: datetime) -> pl.LazyFrame:
    """The enabled row rules after parsing (rules 2-8 of :data:`~segmenta.etl.rules.RULES`), in order."""
    steps: tuple[tuple[str, Callable[[pl.LazyFrame], pl.LazyFrame]], ...] = (
        ("uppercase_codes", uppercase_codes),
        ("normalise_country", normalise_country),
        ("reject_non_positive_price", reject_non_positive_price),
        ("reject_unspecified_country", reject_unspecified_country),
        (
            "reject_non_product_codes",
            partial(reject_non_product_codes, codes=rules.non_product_codes),
        ),
        ("reject_future_dates", partial(reject_future_dates, now=now)),
        ("cruk_as_purchase", partial(cruk_as_purchase, codes=rules.charity_codes)),
    )
    for name, step in steps:
        if rules.enabled(name):
            lf = step(lf)
    return lf


def accepted_lines(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The lines no rule rejected, flagged, in the columns of :class:`InvoicePlan`'s ``accepted``."""
    return flag_lines(lf.filter(pl.col(REJECT_RULE).is_null())).select(
        SOURCE_ROW,
        *LINE_COLUMNS,
        "is_return",
        "is_cancellation",
        date_key(pl.col("invoice_ts")).alias("date_key"),
    )


def plan_invoices(
    raw: RawTable, rules: RuleSet = DEFAULT_RULES, now: datetime | None = None
) -> InvoicePlan:
    """Apply the rule set to one raw invoice file, lazily (streamable: bounded memory).

    Steps: match the header (:func:`match_columns`), :func:`parse_values`,
    :func:`apply_row_rules`, then split into :func:`accepted_lines` and the rejected rows with
    their reasons (:func:`explain_rejections`).
    """
    now = now or datetime.now().replace(microsecond=0)  # noqa: DTZ005 - exports use local time
    mapping = match_columns(raw.path, raw.headers, INVOICE_ALIASES, INVOICE_REQUIRED)
    lf, checks, date_format = parse_values(raw, mapping, raw.decimal_comma)
    lf = apply_row_rules(lf, rules, now).with_columns(
        pl.col("country").fill_null(countries.UNKNOWN)
    )
    rejected = explain_rejections(
        lf.filter(pl.col(REJECT_RULE).is_not_null()), raw.headers, mapping, checks
    )
    return InvoicePlan(
        accepted_lines(lf), rejected, date_format, rules.enabled("flag_exact_duplicates")
    )


def clean_invoices(
    raw: RawTable, rules: RuleSet = DEFAULT_RULES, now: datetime | None = None
) -> CleanResult:
    """Apply the row rules to one raw invoice file and collect the result in memory.

    The file-wide rule flag_exact_duplicates runs in the warehouse when the lines are loaded
    (``sql/etl/stage_duplicates.sql``), where it can spill to disk on large files."""
    plan = plan_invoices(raw, rules, now)
    acc, rej = pl.collect_all([plan.accepted, plan.rejected], engine="streaming")
    return CleanResult(
        acc,
        rej.select(SOURCE_ROW, "rule", "reason"),
        acc.height + rej.height,
        plan.date_format,
        rej,
    )


def explain_rejections(
    rejected: pl.LazyFrame, headers: list[str], mapping: dict[str, str], checks: list[ParseCheck]
) -> pl.LazyFrame:
    """Reasons and raw text for the rejected rows (computed after the filter: only for them)."""
    canon = {v: k for k, v in mapping.items()}
    raw_text = {h: pl.col(f"{RAW_PREFIX}{i}").cast(pl.String) for i, h in enumerate(headers)}
    raw_by_canon = {canon[h]: expr for h, expr in raw_text.items() if h in canon}
    parse_reason = pl.lit(None, pl.String)
    for i, check in enumerate(checks):
        header = mapping[check.column]
        msg = (
            pl.lit(f"column '{header}': value missing")
            if not check.expected
            else pl.format(
                "column '{}': expected {}, got '{}'",
                pl.lit(header),
                pl.lit(check.expected),
                raw_by_canon[check.column].str.strip_chars(),
            )
        )
        parse_reason = pl.when(pl.col(PARSE_PROBLEM) == i).then(msg).otherwise(parse_reason)
    rule = pl.col(REJECT_RULE)
    reason = (
        pl.when(rule == "parse_values")
        .then(parse_reason)
        .when(rule == "reject_non_positive_price")
        .then(pl.format("unit price {} is not positive", pl.col("unit_price")))
        .when(rule == "reject_unspecified_country")
        .then(pl.lit("country is 'Unspecified' or empty"))
        .when(rule == "reject_non_product_codes")
        .then(
            pl.format("stock code '{}' is a fee or adjustment, not a product", pl.col("stock_code"))
        )
        .when(rule == "reject_future_dates")
        .then(pl.format("invoice date {} is in the future", pl.col("invoice_ts")))
        .otherwise(pl.format("rejected by {}", rule))
    )
    raw_json = pl.struct([expr.alias(h) for h, expr in raw_text.items()]).struct.json_encode()
    return rejected.select(
        SOURCE_ROW,
        rule.alias("rule"),
        reason.alias("reason"),
        *[raw_by_canon.get(c, pl.lit(None, pl.String)).alias(c) for c in RAW_COLUMNS],
        raw_json.alias("raw_values"),
    )
