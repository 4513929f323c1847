"""Turn a raw invoice file into typed, cleaned lines plus rejected rows with reasons.

Pure LazyFrame-in, LazyFrame-out steps named for what they do; :func:`plan_invoices` wires
them in the order of :data:`segmenta.etl.rules.RULES`, after the file's values are typed
(:func:`segmenta.etl.parse.parse_values`, rule 1). Every row of the file ends up in
exactly one of the two outputs. Rules only name the rule that rejects a row (cheap over
millions of rows); the human-readable reason is written afterwards for the rejected rows
alone (:func:`explain_rejections`), from the values as they were in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

import polars as pl

from segmenta.etl import countries
from segmenta.etl.columns import INVOICE_ALIASES, INVOICE_REQUIRED, match_columns
from segmenta.etl.parse import (
    PARSE_PROBLEM,
    RAW_PREFIX,
    REJECT_RULE,
    ParseCheck,
    parse_values,
    valid_customer_id,
)
from segmenta.etl.read import SOURCE_ROW, RawTable
from segmenta.etl.rules import DEFAULT_RULES, MIN_INVOICE_DATE, RuleSet

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


@dataclass
class CleanResult:
    """One invoice file after the rules, collected in memory (:func:`clean_invoices`)."""

    accepted: pl.DataFrame  # SOURCE_ROW + LINE_COLUMNS + is_return, is_cancellation, date_key
    rejected: pl.DataFrame  # SOURCE_ROW, rule, reason
    rows_in: int
    date_format: str | None
    rejected_details: pl.DataFrame  # rejected + raw text columns + raw_values JSON


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


def reject_early_dates(lf: pl.LazyFrame, earliest: date) -> pl.LazyFrame:
    """Rule ``reject_early_dates``: dated before ``earliest`` (placeholders, format errors)."""
    start = datetime(earliest.year, earliest.month, earliest.day)
    return _reject(lf, "reject_early_dates", pl.col("invoice_ts") < start)


def reject_bad_customer_id(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Rule ``reject_bad_customer_id``: a customer id that is not a whole positive number."""
    return _reject(lf, "reject_bad_customer_id", ~valid_customer_id(pl.col("customer_id")))


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
    """The enabled row rules after parsing (rules 2-10 of :data:`~segmenta.etl.rules.RULES`), in order."""
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
        ("reject_early_dates", partial(reject_early_dates, earliest=rules.min_invoice_date)),
        ("reject_bad_customer_id", reject_bad_customer_id),
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
    lf, checks, date_format = parse_values(raw, mapping, raw.decimal_comma, rules.date_format)
    lf = apply_row_rules(lf, rules, now).with_columns(
        pl.col("country").fill_null(countries.UNKNOWN)
    )
    rejected = explain_rejections(
        lf.filter(pl.col(REJECT_RULE).is_not_null()),
        raw.headers,
        mapping,
        checks,
        rules.min_invoice_date,
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
    rejected: pl.LazyFrame,
    headers: list[str],
    mapping: dict[str, str],
    checks: list[ParseCheck],
    earliest: date = MIN_INVOICE_DATE,
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
        .when(rule == "reject_early_dates")
        .then(pl.format("invoice date {} is before {}", pl.col("invoice_ts"), pl.lit(earliest)))
        .when(rule == "reject_bad_customer_id")
        .then(
            pl.format(
                "column '{}': customer id '{}' is not a whole positive number",
                pl.lit(mapping.get("customer_id", "customer_id")),
                raw_by_canon.get("customer_id", pl.col("customer_id")).cast(pl.String),
            )
        )
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
