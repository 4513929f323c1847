"""The churn page's queries: scored customers and what is drawn from them (histogram, risk by
segment and country, the at-risk list), and the held-out evaluation curves."""

from __future__ import annotations

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import cache
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run, template
from segmenta.warehouse.connection import WarehouseReader

__all__ = [
    "AT_RISK_SHOWN",
    "CHURN_BINS",
    "churn_at_risk",
    "churn_by_country",
    "churn_by_segment",
    "churn_curves",
    "churn_customers",
    "churn_histogram",
    "explained",
]

#: Bins of the churn probability histogram (of width 1 / CHURN_BINS).
CHURN_BINS = 20
#: Rows of the at-risk list shown on the page (the export has them all).
AT_RISK_SHOWN = 100


def churn_customers(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """One row per covered customer with a churn score: who, home country, segment, probability,
    band (as of the run) and revenue over the filtered lines (every line without a date or
    country filter), from ``agg_invoice_day`` in every filter state. Cached per warehouse
    version and filter."""
    name = "churn_customers"
    options = filter_options(reader)
    return cache.cached(reader, (name, filters), lambda: run(reader, name, filters, options))


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


def churn_curves(reader: WarehouseReader) -> pl.DataFrame:
    """The latest run's held-out ROC and calibration curves (model, curve, point, x, y)."""
    return reader.query(template("churn_curves"))


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the churn page runs for ``filters``."""
    return [
        explain(
            "churn_customers",
            filters,
            options,
            note="KPIs, histogram, risk by segment and country, at-risk list and export",
        ),
        explain("model_run_info", note="the churn definition and evaluation table"),
        explain("churn_curves", note="ROC and calibration curves"),
    ]
