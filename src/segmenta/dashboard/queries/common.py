"""Queries every page shares: the slicers' options, what the warehouse holds, coverage, the
latest model run and its segments."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import cache
from segmenta.dashboard.queries.render import Explained, explain, run, template
from segmenta.warehouse.connection import WarehouseReader
from segmenta.warehouse.vocabulary import RISK_BANDS

__all__ = [
    "coverage",
    "data_status",
    "explained",
    "filter_options",
    "model_freshness",
    "model_run_info",
    "segment_descriptions",
]


def filter_options(reader: WarehouseReader) -> FilterOptions:
    """Dates, countries, segments and risk bands the slicers may hold (cached per file version)."""
    return cache.cached(reader, ("filter_options",), lambda: _read_filter_options(reader))


def _read_filter_options(reader: WarehouseReader) -> FilterOptions:
    dates = reader.query(template("filter_dates"))
    countries = reader.query(template("filter_countries"))
    segments = reader.query(template("filter_segments"))
    status = data_status(reader)
    return FilterOptions(
        date_min=dates["date_min"][0] if dates.height else None,
        date_max=dates["date_max"][0] if dates.height else None,
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


def segment_descriptions(reader: WarehouseReader) -> pl.DataFrame:
    """segment_id, segment, description, n_customers of the latest run."""
    return reader.query(template("filter_segments"))


def data_status(reader: WarehouseReader) -> dict[str, Any]:
    """What the warehouse holds: model_runs, run_kind, as_of_date, customers, ..., lines."""
    frame = reader.query(template("data_status"))
    return frame.to_dicts()[0]


def coverage(reader: WarehouseReader, filters: Filters) -> tuple[int, int]:
    """(customers, lines) covered by the filter."""
    row = run(reader, "coverage", filters, filter_options(reader)).row(0)
    return int(row[0] or 0), int(row[1] or 0)


def model_freshness(reader: WarehouseReader) -> dict[str, Any] | None:
    """How far the latest run is behind the facts (``model_freshness.sql``): run_id, kind,
    as_of_date, lines_loaded_since, lines_after and unsegmented; None before the first run.
    Cached per warehouse version."""

    def read() -> dict[str, Any] | None:
        frame = reader.query(template("model_freshness"))
        return frame.row(0, named=True) if frame.height else None

    return cache.cached(reader, ("model_freshness",), read)


def freshness_note(freshness: dict[str, Any] | None) -> str | None:
    """The note every page shows when the facts hold lines the latest run has not seen
    (loaded after it, or dated after its as-of date), or customers it has not segmented;
    None when the run is up to date (or there is no run)."""
    if not freshness:
        return None
    since = max(int(freshness["lines_loaded_since"]), int(freshness["lines_after"]))
    unsegmented = int(freshness["unsegmented"])
    if since == 0 and unsegmented == 0:
        return None
    as_of = freshness["as_of_date"]
    when = f"as of {as_of.isoformat()} " if as_of is not None else ""
    head = f"Segments and churn scores are {when}(model run {freshness['run_id']})"
    if since:
        lines = "1 line" if since == 1 else f"{since:,} lines"
        verb = "is" if since == 1 else "are"
        tail = (
            f"; {lines} loaded since {verb} counted in the figures but not yet segmented"
            f" ({unsegmented:,} customers show as 'Not segmented'): run `segmenta model`."
        )
    else:
        tail = (
            f"; {unsegmented:,} customers with lines but no purchase up to that date show as"
            " 'Not segmented'."
        )
    return head + tail


def model_run_info(reader: WarehouseReader) -> dict[str, Any] | None:
    """The latest run: run_id, kind, as_of_date, created_at, parameters and metrics (parsed)."""
    frame = reader.query(template("model_run_info"))
    if frame.is_empty():
        return None
    row = frame.row(0, named=True)
    for key in ("parameters", "metrics"):
        try:
            row[key] = json.loads(row[key] or "{}")
        except ValueError:
            row[key] = {}
    return row


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the shell runs for every page: the slicers' options and the coverage line."""
    return [
        explain("filter_dates", note="slicer options, once per warehouse version"),
        explain("filter_countries", note="slicer options, once per warehouse version"),
        explain("filter_segments", note="slicer options, once per warehouse version"),
        explain("data_status", note="slicer options, once per warehouse version"),
        explain("coverage", filters, options, note='the "N customers · M lines" line'),
        explain("model_freshness", note="the note when the facts are newer than the model run"),
    ]
