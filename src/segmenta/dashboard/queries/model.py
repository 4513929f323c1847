"""The segmentation model page's queries: the k sweep, segment profiles, the segments covered
by the filter and a sample of the 2-D projection (also drawn by the score page)."""

from __future__ import annotations

import polars as pl

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries.common import filter_options
from segmenta.dashboard.queries.render import Explained, explain, run, template
from segmenta.warehouse.connection import WarehouseReader

__all__ = [
    "PROJECTION_POINTS",
    "SCORE_BACKGROUND_POINTS",
    "explained",
    "explained_score",
    "k_sweep",
    "projection_sample",
    "segment_coverage",
    "segment_profiles",
]

#: Points drawn in the 2-D projection at most.
PROJECTION_POINTS = 5_000
#: Points of the projection drawn behind a scored customer (score page).
SCORE_BACKGROUND_POINTS = 2_000


def k_sweep(reader: WarehouseReader) -> pl.DataFrame:
    """k, SSE, silhouette and chosen for every k the latest run tried."""
    return reader.query(template("k_sweep"))


def segment_profiles(reader: WarehouseReader) -> pl.DataFrame:
    """The latest run's segments: names, description, size, profile (JSON text), rename audit."""
    return reader.query(template("segment_profiles"))


def segment_coverage(reader: WarehouseReader, filters: Filters) -> pl.DataFrame:
    """segment_id, customers covered by the filter."""
    return run(reader, "segment_coverage", filters, filter_options(reader))


def projection_sample(
    reader: WarehouseReader, filters: Filters, limit: int = PROJECTION_POINTS
) -> pl.DataFrame:
    """A stable sample of at most ``limit`` covered customers with their 2-D projection."""
    return run(reader, "projection_sample", filters, filter_options(reader), {"limit": int(limit)})


def explained(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The queries the segmentation model page runs for ``filters``."""
    return [
        explain("model_run_info", note="the run's summary"),
        explain("k_sweep", note="elbow and silhouette charts"),
        explain("segment_profiles", note="heatmap and segments table"),
        explain("segment_coverage", filters, options, note="customers covered per segment"),
        explain(
            "projection_sample",
            filters,
            options,
            {"limit": PROJECTION_POINTS},
            note="the 2-D projection",
        ),
    ]


def explained_score(filters: Filters, options: FilterOptions) -> list[Explained]:
    """The query the score page runs (the scored customer is drawn on the projection)."""
    return [
        explain(
            "projection_sample",
            filters,
            options,
            {"limit": SCORE_BACKGROUND_POINTS},
            note="the 2-D projection behind the scored customer",
        )
    ]
