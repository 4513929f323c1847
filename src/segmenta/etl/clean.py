"""Turn a raw invoice file into typed, cleaned lines plus rejected rows with reasons.

Pure LazyFrame-in, LazyFrame-out steps named for what they do; :func:`clean_invoices` wires
them in the order of :data:`segmenta.etl.rules.RULES`. Every row of the file ends up in
exactly one of the two outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

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
REJECT_RULE = "reject_rule"
REJECT_REASON = "reject_reason"
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
TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


@dataclass
class CleanResult:
    accepted: pl.DataFrame  # SOURCE_ROW + LINE_COLUMNS + is_return, is_cancellation, is_duplicate
    rejected: pl.DataFrame  # SOURCE_ROW, rule, reason
    rows_in: int
    date_format: str | None


def _failed(parsed: pl.Expr, raw: pl.Expr) -> pl.Expr:
    return raw.is_not_null() & parsed.is_null()


def _as_text(header: str) -> pl.Expr:
    return pl.col(header).cast(pl.String).str.strip_chars()


def choose_date_format(sample: pl.Series) -> str | None:
    """The format in :data:`DATE_FORMATS` that reads the most of ``sample`` (text dates)."""
    values = sample.drop_nulls().str.strip_chars()
    if values.is_empty():
        return None
    best, best_ok = None, 0
    for fmt in DATE_FORMATS:
        ok = (
            values.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
            .is_not_null()
            .sum()
        )
        if ok > best_ok:
            best, best_ok = fmt, ok
    return best


def parse_values(
    raw: RawTable, mapping: dict[str, str], decimal_comma: bool
) -> tuple[pl.LazyFrame, str | None]:
    """Typed canonical columns, plus the first parse failure of each row (rule parse_values)."""
    schema = raw.frame.collect_schema()
    exprs: list[pl.Expr] = [pl.col(SOURCE_ROW).cast(pl.Int64)]
    problems: list[tuple[pl.Expr, pl.Expr]] = []
    date_format: str | None = None

    def header(canon: str) -> str:
        return mapping[canon]

    for canon in ("invoice_no", "stock_code", "description", "country"):
        if canon in mapping:
            exprs.append(_as_text(header(canon)).alias(canon))
        else:
            exprs.append(pl.lit(None, pl.String).alias(canon))

    # quantity: a whole number
    h = header("quantity")
    dtype = schema[h]
    if dtype.is_integer():
        qty = pl.col(h).cast(pl.Int64)
    else:
        as_float = (
            pl.col(h).cast(pl.Float64, strict=False)
            if dtype.is_numeric()
            else _as_text(h).cast(pl.Float64, strict=False)
        )
        qty = pl.when(as_float == as_float.round(0)).then(as_float).cast(pl.Int64, strict=False)
    exprs.append(qty.alias("quantity"))
    problems.append(
        (
            _failed(qty, pl.col(h)),
            pl.format("column '{}': expected a whole number, got '{}'", pl.lit(h), _as_text(h)),
        )
    )

    # unit price: a number (decimal comma accepted in ';'-separated files, currency signs dropped)
    h = header("unit_price")
    dtype = schema[h]
    if dtype.is_numeric():
        price = pl.col(h).cast(pl.Float64)
    else:
        text = _as_text(h).str.replace_all(r"[£$€\s]", "")
        if decimal_comma:
            text = text.str.replace(r"^(-?\d+),(\d+)$", "$1.$2")
        price = text.cast(pl.Float64, strict=False)
    price = pl.when(price.is_finite()).then(price)
    exprs.append(price.alias("unit_price"))
    problems.append(
        (
            _failed(price, pl.col(h)),
            pl.format("column '{}': expected a finite number, got '{}'", pl.lit(h), _as_text(h)),
        )
    )

    # invoice date: a timestamp
    h = header("invoice_date")
    dtype = schema[h]
    if isinstance(dtype, pl.Datetime):
        ts = pl.col(h)
        if dtype.time_zone is not None:
            ts = ts.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        ts = ts.cast(pl.Datetime("us"))
    elif dtype == pl.Date:
        ts = pl.col(h).cast(pl.Datetime("us"))
    else:
        sample = raw.frame.select(_as_text(h)).head(20_000).collect().to_series()
        date_format = choose_date_format(sample)
        ts = (
            _as_text(h).str.strptime(pl.Datetime("us"), date_format, strict=False, exact=True)
            if date_format
            else pl.lit(None, pl.Datetime("us"))
        )
    exprs.append(ts.alias("invoice_ts"))
    example = (
        "2010-12-01 08:26:00"
        if date_format is None
        else datetime(2010, 12, 1, 8, 26).strftime(date_format.replace("%.f", ""))
    )
    problems.append(
        (
            _failed(ts, pl.col(h)),
            pl.format(
                "column '{}': expected a date like '{}', got '{}'",
                pl.lit(h),
                pl.lit(example),
                _as_text(h),
            ),
        )
    )

    # customer id: text; '17850.0' and 17850.0 both mean '17850'
    if "customer_id" in mapping:
        h = header("customer_id")
        dtype = schema[h]
        if dtype.is_float():
            cid = (
                pl.when(pl.col(h) == pl.col(h).round(0))
                .then(pl.col(h).cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(pl.col(h).cast(pl.String))
            )
        else:
            cid = _as_text(h).str.replace(r"^(\d+)\.0+$", "$1")
        cid = pl.when(cid.str.len_chars() > 0).then(cid)
    else:
        cid = pl.lit(None, pl.String)
    exprs.append(cid.alias("customer_id"))

    missing = [
        (
            pl.col(header(c)).is_null() | (_as_text(header(c)) == ""),
            pl.lit(f"column '{header(c)}': value missing"),
        )
        for c in INVOICE_REQUIRED
    ]
    checks = missing + problems
    reason = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        reason = reason.when(cond).then(text)
    reason = reason.otherwise(pl.lit(None, pl.String))
    exprs.append(reason.alias(REJECT_REASON))
    lf = raw.frame.select(exprs).with_columns(
        pl.when(pl.col(REJECT_REASON).is_not_null())
        .then(pl.lit("parse_values"))
        .otherwise(pl.lit(None, pl.String))
        .alias(REJECT_RULE)
    )
    return lf, date_format


def uppercase_codes(lf: pl.LazyFrame) -> pl.LazyFrame:
    return lf.with_columns(
        pl.col("invoice_no").str.to_uppercase(), pl.col("stock_code").str.to_uppercase()
    )


def normalise_country(lf: pl.LazyFrame) -> pl.LazyFrame:
    distinct = lf.select(pl.col("country").unique()).collect().to_series()
    return lf.with_columns(countries.normalise_country_column(pl.col("country"), distinct))


def _reject(lf: pl.LazyFrame, rule: str, condition: pl.Expr, reason: pl.Expr) -> pl.LazyFrame:
    """Mark rows that ``condition`` rejects, unless an earlier rule already did."""
    fires = pl.col(REJECT_RULE).is_null() & condition.fill_null(False)
    return lf.with_columns(
        pl.when(fires).then(pl.lit(rule)).otherwise(pl.col(REJECT_RULE)).alias(REJECT_RULE),
        pl.when(fires).then(reason).otherwise(pl.col(REJECT_REASON)).alias(REJECT_REASON),
    )


def reject_non_positive_price(lf: pl.LazyFrame) -> pl.LazyFrame:
    return _reject(
        lf,
        "reject_non_positive_price",
        pl.col("unit_price") <= 0,
        pl.format("unit price {} is not positive", pl.col("unit_price")),
    )


def reject_unspecified_country(lf: pl.LazyFrame) -> pl.LazyFrame:
    cond = pl.col("country").is_null() | (pl.col("country") == countries.UNSPECIFIED)
    return _reject(
        lf, "reject_unspecified_country", cond, pl.lit("country is 'Unspecified' or empty")
    )


def reject_non_product_codes(lf: pl.LazyFrame, codes: tuple[str, ...]) -> pl.LazyFrame:
    return _reject(
        lf,
        "reject_non_product_codes",
        pl.col("stock_code").is_in(list(codes)),
        pl.format("stock code '{}' is a fee or adjustment, not a product", pl.col("stock_code")),
    )


def reject_future_dates(lf: pl.LazyFrame, now: datetime) -> pl.LazyFrame:
    limit = now + timedelta(days=1)
    return _reject(
        lf,
        "reject_future_dates",
        pl.col("invoice_ts") > limit,
        pl.format("invoice date {} is in the future", pl.col("invoice_ts")),
    )


def cruk_as_purchase(lf: pl.LazyFrame, codes: tuple[str, ...]) -> pl.LazyFrame:
    return lf.with_columns(
        pl.when(pl.col("stock_code").is_in(list(codes)))
        .then(pl.col("quantity").abs())
        .otherwise(pl.col("quantity"))
        .alias("quantity")
    )


def flag_lines(lf: pl.LazyFrame) -> pl.LazyFrame:
    return lf.with_columns(
        (pl.col("quantity") < 0).alias("is_return"),
        pl.col("invoice_no").str.starts_with("C").alias("is_cancellation"),
    )


def flag_exact_duplicates(lf: pl.LazyFrame) -> pl.LazyFrame:
    return lf.with_columns(
        pl.struct(list(LINE_COLUMNS)).is_first_distinct().not_().alias("is_duplicate")
    )


def clean_invoices(
    raw: RawTable, rules: RuleSet = DEFAULT_RULES, now: datetime | None = None
) -> CleanResult:
    """Apply the rule set to one raw invoice file."""
    now = now or datetime.now().replace(microsecond=0)  # noqa: DTZ005 - local wall clock, as exports are
    mapping = match_columns(raw.path, raw.headers, INVOICE_ALIASES, INVOICE_REQUIRED)
    lf, date_format = parse_values(raw, mapping, raw.decimal_comma)
    if rules.enabled("uppercase_codes"):
        lf = uppercase_codes(lf)
    if rules.enabled("normalise_country"):
        lf = normalise_country(lf)
    if rules.enabled("reject_non_positive_price"):
        lf = reject_non_positive_price(lf)
    if rules.enabled("reject_unspecified_country"):
        lf = reject_unspecified_country(lf)
    if rules.enabled("reject_non_product_codes"):
        lf = reject_non_product_codes(lf, rules.non_product_codes)
    if rules.enabled("reject_future_dates"):
        lf = reject_future_dates(lf, now)
    if rules.enabled("cruk_as_purchase"):
        lf = cruk_as_purchase(lf, rules.charity_codes)
    lf = lf.with_columns(pl.col("country").fill_null(countries.UNKNOWN))
    accepted = flag_lines(lf.filter(pl.col(REJECT_RULE).is_null()))
    if rules.enabled("flag_exact_duplicates"):
        accepted = flag_exact_duplicates(accepted)
    else:
        accepted = accepted.with_columns(pl.lit(False).alias("is_duplicate"))
    accepted = accepted.select(
        SOURCE_ROW, *LINE_COLUMNS, "is_return", "is_cancellation", "is_duplicate"
    )
    rejected = lf.filter(pl.col(REJECT_RULE).is_not_null()).select(
        SOURCE_ROW, pl.col(REJECT_RULE).alias("rule"), pl.col(REJECT_REASON).alias("reason")
    )
    acc, rej = pl.collect_all([accepted, rejected])
    return CleanResult(acc, rej, acc.height + rej.height, date_format)


def raw_rejected_values(raw: RawTable, rejected: pl.DataFrame) -> pl.DataFrame:
    """The rejected rows as read (all text), with rule and reason: nothing is lost."""
    if rejected.is_empty():
        return pl.DataFrame()
    mapping = match_columns(raw.path, raw.headers, INVOICE_ALIASES, INVOICE_REQUIRED)
    canon = {v: k for k, v in mapping.items()}
    text = (
        raw.frame.join(rejected.lazy(), on=SOURCE_ROW, how="semi")
        .select(
            pl.col(SOURCE_ROW).cast(pl.Int64),
            *[pl.col(h).cast(pl.String).alias(canon.get(h, h)) for h in raw.headers],
        )
        .collect()
    )
    for c in (
        "invoice_no",
        "stock_code",
        "description",
        "quantity",
        "invoice_date",
        "unit_price",
        "customer_id",
        "country",
    ):
        if c not in text.columns:
            text = text.with_columns(pl.lit(None, pl.String).alias(c))
    raw_json = pl.struct(
        [pl.col(canon.get(h, h)).alias(h) for h in raw.headers]
    ).struct.json_encode()
    return rejected.join(text.with_columns(raw_json.alias("raw_values")), on=SOURCE_ROW, how="left")
