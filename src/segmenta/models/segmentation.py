"""Segment a customer base: transform, cluster (choosing k), merge, order, name, project.

:func:`segment_customers` takes one row per customer and the model columns and returns
everything a run stores about its segments; it reads and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline

from segmenta.models.clustering import (
    K_SWEEP,
    choose_k,
    cluster_means,
    fit_clusters,
    merge_small_low_value,
    project_2d,
    silhouette,
    sweep_k,
    within_sse,
)
from segmenta.models.errors import ModelInputError
from segmenta.models.naming import (
    describe_segment,
    name_attribute_segments,
    name_rfm_segments,
    rfm_scores,
    segment_signature,
)
from segmenta.models.transform import build_preprocessor, feature_matrix, inverse_transform


@dataclass
class Segmentation:
    """What a run stores about its segments (frames) and keeps for scoring (fitted objects)."""

    columns: tuple[str, ...]
    log_scaled: tuple[str, ...]
    preprocessor: Pipeline
    clusterer: Any
    label_map: np.ndarray  # raw cluster label -> segment_id
    centres: np.ndarray  # standardised centre of segment_id i + 1 in row i
    pca: PCA
    segments: pl.DataFrame  # segment_id, signature, name, description, n_customers, profile, centre
    assignments: pl.DataFrame  # customer_key, segment_id, distance, pc1, pc2
    sweep: pl.DataFrame  # k, sse, silhouette, chosen
    k_fitted: int
    k_reason: str
    merges: list[tuple[int, int]] = field(default_factory=list)
    silhouette: float = 0.0
    silhouette_rows: int = 0
    sse: float = 0.0
    explained_variance: list[float] = field(default_factory=list)


def _sweep_range(n_rows: int, n_distinct: int) -> list[int]:
    return [k for k in K_SWEEP if k <= min(n_rows // 2, n_distinct)]


def _fit(
    z: np.ndarray, k: int | None, algorithm: str, seed: int
) -> tuple[pl.DataFrame, int, str, Any, np.ndarray]:
    n_distinct = len(np.unique(z, axis=0))
    if k is None:
        ks = _sweep_range(len(z), n_distinct)
        if not ks:
            raise ModelInputError(
                f"too few customers to segment: {len(z)} customers with {n_distinct} distinct "
                "profiles; the k sweep needs at least 4 customers and 2 distinct profiles"
            )
        sweep, fits = sweep_k(z, algorithm, seed, ks)
        k_fit, reason = choose_k(sweep)
        model, labels = fits[k_fit]
        return sweep, k_fit, reason, model, labels
    if k > n_distinct or k >= len(z):
        raise ModelInputError(
            f"--k {k}: the base has only {len(z)} customers with {n_distinct} distinct profiles; "
            f"choose k below both"
        )
    model, labels = fit_clusters(z, algorithm, k, seed)
    sil, _ = silhouette(z, labels, seed)
    sweep = pl.DataFrame(
        {"k": [k], "sse": [within_sse(z, labels)], "silhouette": [sil]},
        schema={"k": pl.Int64, "sse": pl.Float64, "silhouette": pl.Float64},
    )
    return sweep, k, f"k = {k} as requested", model, labels


def _model_centres(model: Any) -> np.ndarray:
    return np.asarray(model.means_ if hasattr(model, "means_") else model.cluster_centers_)


def _label_map(
    model: Any, raw: np.ndarray, final: np.ndarray, seg_of: dict[int, int], centres: np.ndarray
) -> np.ndarray:
    """raw label -> segment id, for every label the fitted model can predict."""
    model_centres = _model_centres(model)
    mapping = np.zeros(len(model_centres), dtype=np.int64)
    for r in range(len(model_centres)):
        members = final[raw == r]
        if len(members):
            mapping[r] = seg_of[int(members[0])]
        else:  # an empty mixture component: the segment with the nearest centre
            mapping[r] = int(np.argmin(np.linalg.norm(centres - model_centres[r], axis=1))) + 1
    return mapping


def segment_customers(
    frame: pl.DataFrame,
    columns: Sequence[str],
    log_scaled: Sequence[str],
    *,
    kind: str,
    k: int | None,
    algorithm: str,
    seed: int,
) -> Segmentation:
    """Cluster the rows of ``frame`` (one per customer, with customer_key) on ``columns``.

    With ``k=None`` the number of clusters comes from the sweep, and (invoice bases only) the
    small low-value clusters are merged. ``kind`` is 'invoices' (RFM names; ``frame`` has
    recency_days, frequency and monetary) or 'customer_table' (names in the columns' terms).
    """
    columns = tuple(columns)
    preprocessor = build_preprocessor(columns, log_scaled)
    z = preprocessor.fit_transform(feature_matrix(frame, columns))
    sweep, k_fit, reason, model, raw = _fit(z, k, algorithm, seed)

    labels = raw
    merges: list[tuple[int, int]] = []
    if k is None and kind == "invoices":
        labels, merges = merge_small_low_value(z, raw, frame["monetary"].to_numpy())
        if merges:
            reason += f"; {len(merges)} small low-value cluster(s) merged into their nearest"

    ids, means = cluster_means(z, labels)
    sizes = {int(i): int((labels == i).sum()) for i in ids}
    if kind == "invoices":
        r, fm = rfm_scores(frame)
        points = {
            int(i): (float(r[labels == i].mean()), float(fm[labels == i].mean())) for i in ids
        }
        order = sorted(ids, key=lambda i: (-(points[int(i)][0] + points[int(i)][1]), int(i)))
    else:
        order = sorted(ids, key=lambda i: tuple(-np.round(means[int(np.searchsorted(ids, i))], 6)))
    seg_of = {int(label): n + 1 for n, label in enumerate(order)}
    segment_ids = np.array([seg_of[int(v)] for v in labels], dtype=np.int64)
    centres = np.vstack([means[int(np.searchsorted(ids, label))] for label in order])

    profiles = {
        seg_of[int(i)]: {c: round(float(v), 4) for c, v in zip(columns, means[j], strict=True)}
        for j, i in enumerate(ids)
    }
    if kind == "invoices":
        names = name_rfm_segments({seg_of[i]: p for i, p in points.items()})
    else:
        names = name_attribute_segments(profiles, columns)

    with_segment = frame.with_columns(pl.Series("segment_id", segment_ids))
    base = frame.select(
        *(pl.col(c).median().alias(f"{c}__median") for c in columns),
        *(pl.col(c).mean().alias(f"{c}__mean") for c in columns),
    ).row(0, named=True)
    base_typical = {c: (base[f"{c}__median"], base[f"{c}__mean"]) for c in columns}
    typical = {
        row["segment_id"]: {c: (row[f"{c}__median"], row[f"{c}__mean"]) for c in columns}
        for row in with_segment.group_by("segment_id")
        .agg(
            *(pl.col(c).median().alias(f"{c}__median") for c in columns),
            *(pl.col(c).mean().alias(f"{c}__mean") for c in columns),
        )
        .iter_rows(named=True)
    }
    centres_input = inverse_transform(preprocessor, centres, log_scaled, columns)
    segments = pl.DataFrame(
        [
            {
                "segment_id": s,
                "signature": segment_signature(kind, columns, names[s]),
                "name": names[s],
                "description": describe_segment(profiles[s], typical[s], base_typical, columns),
                "n_customers": sizes[label],
                "profile": json.dumps(profiles[s]),
                "centre": json.dumps(
                    {
                        c: round(float(v), 4)
                        for c, v in zip(columns, centres_input[s - 1], strict=True)
                    }
                ),
            }
            for label, s in sorted(seg_of.items(), key=lambda kv: kv[1])
        ],
        schema={
            "segment_id": pl.Int64,
            "signature": pl.String,
            "name": pl.String,
            "description": pl.String,
            "n_customers": pl.Int64,
            "profile": pl.String,
            "centre": pl.String,
        },
    )

    pca, coords = project_2d(z)
    distance = np.linalg.norm(z - centres[segment_ids - 1], axis=1)
    assignments = pl.DataFrame(
        {
            "customer_key": frame["customer_key"],
            "segment_id": segment_ids,
            "distance": distance,
            "pc1": coords[:, 0],
            "pc2": coords[:, 1],
        }
    )
    sil, sil_rows = silhouette(z, segment_ids, seed)
    return Segmentation(
        columns=columns,
        log_scaled=tuple(c for c in columns if c in set(log_scaled)),
        preprocessor=preprocessor,
        clusterer=model,
        label_map=_label_map(model, raw, labels, seg_of, centres),
        centres=centres,
        pca=pca,
        segments=segments,
        assignments=assignments,
        sweep=sweep.with_columns(chosen=pl.col("k") == k_fit),
        k_fitted=k_fit,
        k_reason=reason,
        merges=merges,
        silhouette=sil,
        silhouette_rows=sil_rows,
        sse=within_sse(z, segment_ids),
        explained_variance=[round(float(v), 4) for v in pca.explained_variance_ratio_],
    )
