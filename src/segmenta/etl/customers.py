"""Read a customer table (the mall table, a CRM export): ids, demographics, other attributes."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from segmenta.etl.columns import CUSTOMER_ALIASES, CUSTOMER_REQUIRED, match_columns
from segmenta.etl.errors import InputError
from segmenta.etl.parse import customer_id_text, valid_customer_id
from segmenta.etl.read import SOURCE_ROW, RawTable, read_error

GENDERS = {
    "f": "Female",
    "female": "Female",
    "woman": "Female",
    "w": "Female",
    "m": "Male",
    "male": "Male",
    "man": "Male",
}


@dataclass
class CustomerTable:
    """A customer table after cleaning: customers, their extra attributes, rejected rows."""

    customers: pl.DataFrame  # customer_id, gender, age, annual_income_k, spending_score, country
    attributes: pl.DataFrame  # customer_id, attribute, value_num, value_text
    rejected: pl.DataFrame  # SOURCE_ROW, rule, reason, raw_values
    rows_in: int


#: a customer table of which fewer than this share has invoices is called out in the summary
FEW_MATCHED = 0.5


def match_note(customers: int, matched: int, invoiced: int) -> str | None:
    """The summary's warning when none or few of a customer table's ``customers`` are among
    the ``invoiced`` customers of the warehouse (``matched`` are); None when most are, or
    when no invoices are loaded to match."""
    if invoiced == 0 or customers == 0 or matched >= FEW_MATCHED * customers:
        return None
    share = "none of them" if matched == 0 else f"only {matched:,} of them"
    return (
        f"{customers:,} customers, {share} in the invoices loaded "
        f"({matched:,} of {invoiced:,} invoiced customers): do the customer ids match?"
    )


def _number(col: str) -> pl.Expr:
    return (
        pl.col(col)
        .cast(pl.String)
        .str.strip_chars()
        .str.replace_all(r"[£$€,\s]", "")
        .cast(pl.Float64, strict=False)
    )


def clean_customer_table(raw: RawTable) -> CustomerTable:
    """Typed customers; rows without an id, with an id that is no whole positive number
    (``reject_bad_customer_id``), a duplicate id, or unreadable numbers are rejected."""
    mapping = match_columns(raw.path, raw.headers, CUSTOMER_ALIASES, CUSTOMER_REQUIRED)
    try:
        df = raw.frame.collect()
    except pl.exceptions.PolarsError as exc:
        raise read_error(raw, exc) from None
    if df.height == 0:
        raise InputError(raw.path, "the file has a header but no data rows", row=1)
    h_id = mapping["customer_id"]
    cid = customer_id_text(h_id, df.schema[h_id])
    out = df.select(
        pl.col(SOURCE_ROW).cast(pl.Int64),
        pl.when(cid.str.len_chars() > 0).then(cid).alias("customer_id"),
        (
            pl.col(mapping["gender"])
            .cast(pl.String)
            .str.strip_chars()
            .str.to_lowercase()
            .replace_strict(GENDERS, default=None)
            if "gender" in mapping
            else pl.lit(None, pl.String)
        ).alias("gender"),
        *[
            (_number(mapping[c]) if c in mapping else pl.lit(None, pl.Float64)).alias(c)
            for c in ("age", "annual_income_k", "spending_score")
        ],
        (
            pl.col(mapping["country"]).cast(pl.String)
            if "country" in mapping
            else pl.lit(None, pl.String)
        ).alias("country"),
    )
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("customer_id").is_null(), pl.lit(f"column '{h_id}': value missing")),
        (
            ~valid_customer_id(pl.col("customer_id")),
            pl.format(
                "column '{}': customer id '{}' is not a whole positive number",
                pl.lit(h_id),
                pl.col("customer_id"),
            ),
        ),
        (
            pl.col("customer_id").is_first_distinct().not_(),
            pl.format(
                "column '{}': customer id '{}' appears more than once",
                pl.lit(h_id),
                pl.col("customer_id"),
            ),
        ),
    ]
    for canon in ("age", "annual_income_k", "spending_score"):
        if canon in mapping:
            h = mapping[canon]
            bad = df[h].is_not_null() & out[canon].is_null()
            checks.append(
                (
                    pl.lit(bad),
                    pl.format(
                        "column '{}': expected a number, got '{}'",
                        pl.lit(h),
                        pl.lit(df[h].cast(pl.String)),
                    ),
                )
            )
    if "age" in mapping:
        checks.append(
            (
                (pl.col("age") < 0) | (pl.col("age") > 130),
                pl.format(
                    "column '{}': age {} is outside 0..130", pl.lit(mapping["age"]), pl.col("age")
                ),
            )
        )
    reason: Then | ChainedThen = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        reason = reason.when(cond).then(text)
    rule = (
        pl.when(checks[0][0])
        .then(pl.lit("parse_values"))
        .when(checks[1][0])
        .then(pl.lit("reject_bad_customer_id"))
        .otherwise(pl.lit("parse_values"))
    )
    out = out.with_columns(
        reason.otherwise(pl.lit(None, pl.String)).alias("reason"), rule.alias("rule")
    )
    raw_json = df.select(
        pl.struct([pl.col(h).cast(pl.String) for h in raw.headers]).struct.json_encode()
    )
    out = out.with_columns(raw_json.to_series().alias("raw_values"))
    good = out.filter(pl.col("reason").is_null())
    rejected = out.filter(pl.col("reason").is_not_null()).select(
        SOURCE_ROW, "rule", "reason", "customer_id", "raw_values"
    )
    known = set(mapping.values())
    extra = [h for h in raw.headers if h not in known]
    attributes = pl.DataFrame(
        schema={
            "customer_id": pl.String,
            "attribute": pl.String,
            "value_num": pl.Float64,
            "value_text": pl.String,
        }
    )
    if extra:
        ok_rows = df.join(good.select(SOURCE_ROW), on=SOURCE_ROW, how="semi")
        long = ok_rows.select(
            cid.alias("customer_id"), *[pl.col(h).cast(pl.String).alias(h) for h in extra]
        ).unpivot(index="customer_id", variable_name="attribute", value_name="value_text")
        attributes = long.with_columns(
            pl.col("value_text").str.strip_chars().cast(pl.Float64, strict=False).alias("value_num")
        ).select("customer_id", "attribute", "value_num", "value_text")
    customers = good.select(
        "customer_id",
        "gender",
        pl.col("age").round(0).cast(pl.Int32),
        "annual_income_k",
        "spending_score",
        "country",
    )
    return CustomerTable(customers, attributes, rejected, df.height)
