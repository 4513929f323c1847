"""Read the model's inputs from the warehouse: behaviour features, customer-table attributes.

Every query lives in ``segmenta/warehouse/sql/models`` and runs with bound parameters through
the :class:`~segmenta.engine.Engine` boundary (the functions take an engine, or a DuckDB
connection they wrap in one); they only run the queries and shape the results (DataFrame in,
DataFrame out).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from segmenta.engine import Engine, as_engine

#: what the reading functions take: an engine, or a DuckDB connection (wrapped in one)
EngineOrConnection = Engine | duckdb.DuckDBPyConnection

#: per-customer behaviour columns of customer_features, in table order
BEHAVIOUR_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "items",
    "unique_items",
    "avg_ticket",
    "avg_days_between",
    "returns",
    "return_rate",
    "basket_size",
    "unique_basket_size",
    "tenure_days",
    "purchase_days",
)
SHARE_COLUMNS = ("revenue_share_dow", "revenue_share_dom")


@dataclass(frozen=True)
class Population:
    """The purchases of the customer-analytics population (v_customer_line)."""

    first_date: date | None
    last_date: date | None
    n_lines: int
    n_customers: int


def read_population(con: EngineOrConnection) -> Population:
    """First and last purchase dates, purchase lines and customers of the population."""
    first, last, n_lines, n_customers = as_engine(con).rows("models/population.sql")[0]
    return Population(first, last, int(n_lines), int(n_customers))


def compute_customer_features(con: EngineOrConnection, as_of: date) -> pl.DataFrame:
    """One row per customer who bought on or before ``as_of``, from lines up to ``as_of`` only."""
    return as_engine(con).query("models/customer_features.sql", {"as_of": as_of})


def read_buyers_between(con: EngineOrConnection, after: date, until: date) -> pl.DataFrame:
    """Customers (customer_key) with a purchase dated in ``(after, until]``."""
    return as_engine(con).query("models/buyers_between.sql", {"after": after, "until": until})


def read_customer_attributes(con: EngineOrConnection) -> pl.DataFrame:
    """Long frame (customer_key, attribute, value_num, value_text) of the customer table."""
    return as_engine(con).query("models/customer_attributes.sql")


@dataclass(frozen=True)
class Attributes:
    """The customer table pivoted: numeric columns, and the text columns left out."""

    numeric: pl.DataFrame  # customer_key + one Float64 column per numeric attribute (nulls kept)
    numeric_columns: tuple[str, ...]
    text_columns: tuple[str, ...]
    long_numeric: pl.DataFrame  # customer_key, attribute, value_num (non-null values only)


def pivot_attributes(long: pl.DataFrame) -> Attributes:
    """Split attributes into numeric (any numeric value) and text ones; pivot the numeric ones.

    Customers who have any attribute are rows of ``numeric`` (missing values as nulls).
    """
    kinds = (
        long.group_by("attribute")
        .agg(pl.col("value_num").is_not_null().any().alias("is_numeric"))
        .sort("attribute")
    )
    numeric_names = tuple(kinds.filter(pl.col("is_numeric"))["attribute"].to_list())
    text_names = tuple(kinds.filter(~pl.col("is_numeric"))["attribute"].to_list())
    customers = long.select("customer_key").unique().sort("customer_key")
    long_numeric = long.filter(
        pl.col("attribute").is_in(list(numeric_names)) & pl.col("value_num").is_not_null()
    ).select("customer_key", "attribute", "value_num")
    wide = customers
    for name in numeric_names:
        column = long_numeric.filter(pl.col("attribute") == name).select(
            "customer_key", pl.col("value_num").cast(pl.Float64).alias(name)
        )
        wide = wide.join(column, on="customer_key", how="left")
    return Attributes(wide.sort("customer_key"), numeric_names, text_names, long_numeric)


def read_data_fingerprint(con: EngineOrConnection) -> str:
    """A hash of the loads and table sizes a run reads (same data, same fingerprint)."""
    row = as_engine(con).rows("models/data_fingerprint.sql")[0]
    text = "|".join(str(value) for value in row)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
