"""Cluster customers in the standardised feature space.

* :func:`sweep_k` fits k = 2..12 and records the within-cluster sum of squares (SSE) and the
  silhouette of each; :func:`choose_k` takes the elbow of the SSE curve (the point farthest
  below the chord from the first to the last k, "kneedle") and then, within one k of it, the k
  with the best silhouette.
* Silhouettes are computed on a seeded sample of customers when the base is large (the same
  sample for every k); the final clustering's silhouette is exact up to 10,000 customers.
* MiniBatchKMeans replaces KMeans from 20,000 customers on.
* :func:`merge_small_low_value` is the business rule that folds small low-value clusters into
  their nearest neighbour.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from sklearn import config_context
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.mixture import GaussianMixture

ALGORITHMS = ("kmeans", "gmm")
#: MB of pairwise distances scikit-learn may hold at once when computing silhouettes
SILHOUETTE_WORKING_MEMORY_MB = 128
K_SWEEP = tuple(range(2, 13))
MINIBATCH_FROM = 20_000
SWEEP_SILHOUETTE_SAMPLE = 3_000
SILHOUETTE_SAMPLE = 10_000
#: a cluster below this share of customers, with a below-median revenue, is merged
MERGE_MAX_SHARE = 0.02


def make_clusterer(algorithm: str, k: int, seed: int, n_rows: int) -> Any:
    """An unfitted clusterer: KMeans (MiniBatchKMeans on large bases) or a Gaussian mixture."""
    if algorithm == "kmeans":
        if n_rows >= MINIBATCH_FROM:
            return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096)
        return KMeans(n_clusters=k, random_state=seed, n_init=4)
    if algorithm == "gmm":
        return GaussianMixture(
            n_components=k, covariance_type="full", random_state=seed, n_init=1, max_iter=200
        )
    raise ValueError(f"algorithm: expected one of {', '.join(ALGORITHMS)}, got {algorithm!r}")


def fit_clusters(z: np.ndarray, algorithm: str, k: int, seed: int) -> tuple[Any, np.ndarray]:
    """Fit one clustering; returns the model and each row's cluster label.

    A mixture or mini-batch fit that stops at its iteration cap is still a usable clustering
    (judged by its silhouette like any other), so its ConvergenceWarning is not raised.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make_clusterer(algorithm, k, seed, len(z)).fit(z)
    labels = model.labels_ if hasattr(model, "labels_") else model.predict(z)
    return model, np.asarray(labels, dtype=np.int64)


def cluster_means(z: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct labels, mean of each cluster's rows)."""
    ids = np.unique(labels)
    return ids, np.vstack([z[labels == i].mean(axis=0) for i in ids])


def within_sse(z: np.ndarray, labels: np.ndarray) -> float:
    """Within-cluster sum of squared distances to the cluster means."""
    ids, means = cluster_means(z, labels)
    lookup = np.searchsorted(ids, labels)
    return float(((z - means[lookup]) ** 2).sum())


def sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """A sorted seeded sample of row indices (all rows when n <= size)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def silhouette(
    z: np.ndarray, labels: np.ndarray, seed: int, sample: int = SILHOUETTE_SAMPLE
) -> tuple[float, int]:
    """(silhouette, rows used): exact up to ``sample`` rows, on a seeded sample beyond."""
    rows = sample_rows(len(z), sample, seed)
    n_labels = len(np.unique(labels[rows]))
    if not 2 <= n_labels <= len(rows) - 1:
        return -1.0, len(rows)
    with config_context(working_memory=SILHOUETTE_WORKING_MEMORY_MB):
        return float(silhouette_score(z[rows], labels[rows])), len(rows)


def sweep_k(
    z: np.ndarray, algorithm: str, seed: int, ks: Sequence[int] = K_SWEEP
) -> tuple[pl.DataFrame, dict[int, tuple[Any, np.ndarray]]]:
    """Fit every k; return (k, sse, silhouette) and the fitted (model, labels) by k."""
    rows = sample_rows(len(z), SWEEP_SILHOUETTE_SAMPLE, seed)
    distances = pairwise_distances(z[rows])
    records, fits = [], {}
    for k in ks:
        model, labels = fit_clusters(z, algorithm, k, seed)
        sampled = labels[rows]
        n_labels = len(np.unique(sampled))
        sil = (
            float(silhouette_score(distances, sampled, metric="precomputed"))
            if 2 <= n_labels <= len(rows) - 1
            else -1.0
        )
        records.append({"k": k, "sse": within_sse(z, labels), "silhouette": sil})
        fits[k] = (model, labels)
    return pl.DataFrame(
        records, schema={"k": pl.Int64, "sse": pl.Float64, "silhouette": pl.Float64}
    ), fits


def find_elbow(ks: Sequence[int], sse: Sequence[float]) -> int:
    """The k farthest below the straight line from the first to the last point of the curve."""
    ks_a, sse_a = np.asarray(ks, dtype=float), np.asarray(sse, dtype=float)
    if len(ks_a) < 3 or sse_a.max() == sse_a.min():
        return int(ks_a[0])
    x = (ks_a - ks_a[0]) / (ks_a[-1] - ks_a[0])
    y = (sse_a - sse_a.min()) / (sse_a.max() - sse_a.min())
    gap = (1.0 - x) - y
    return int(ks_a[int(np.argmax(gap))])


def choose_k(sweep: pl.DataFrame) -> tuple[int, str]:
    """The best-silhouette k within one of the SSE elbow; ties go to the smaller k."""
    ks = sweep["k"].to_list()
    elbow = find_elbow(ks, sweep["sse"].to_list())
    window = sweep.filter((pl.col("k") - elbow).abs() <= 1).sort(
        ["silhouette", "k"], descending=[True, False]
    )
    best = window.row(0, named=True)
    window_ks = window["k"].to_numpy()
    lo, hi = int(window_ks.min()), int(window_ks.max())
    reason = (
        f"elbow of the SSE curve at k = {elbow}; best silhouette ({best['silhouette']:.3f}) "
        f"among k = {lo}..{hi}"
    )
    return int(best["k"]), reason


def merge_small_low_value(
    z: np.ndarray, labels: np.ndarray, value: np.ndarray, max_share: float = MERGE_MAX_SHARE
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Fold each cluster holding < ``max_share`` of customers whose median ``value`` is below the
    base median into the cluster with the nearest mean, smallest first, while > 2 clusters remain.

    Returns the new labels and the (merged, into) label pairs in order.
    """
    labels = labels.copy()
    base_median = float(np.median(value))
    merges: list[tuple[int, int]] = []
    while True:
        ids, means = cluster_means(z, labels)
        if len(ids) <= 2:
            break
        sizes = np.array([(labels == i).sum() for i in ids])
        small_low = [
            (int(sizes[j]), int(i))
            for j, i in enumerate(ids)
            if sizes[j] < max_share * len(labels) and np.median(value[labels == i]) < base_median
        ]
        if not small_low:
            break
        _, victim = min(small_low)
        j = int(np.searchsorted(ids, victim))
        gaps = np.linalg.norm(means - means[j], axis=1)
        gaps[j] = np.inf
        target = int(ids[int(np.argmin(gaps))])
        labels[labels == victim] = target
        merges.append((victim, target))
    return labels, merges


def project_2d(z: np.ndarray) -> tuple[PCA, np.ndarray]:
    """PCA of the standardised space to two axes (the second is zero with one feature)."""
    n_components = min(2, z.shape[1])
    pca = PCA(n_components=n_components, svd_solver="full").fit(z)
    coords = pca.transform(z)
    if n_components == 1:
        coords = np.column_stack([coords, np.zeros(len(z))])
    return pca, coords
