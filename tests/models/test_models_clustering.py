"""Clustering: the k sweep, the elbow-and-silhouette choice, the merge rule, the projection."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from sklearn.cluster import KMeans, MiniBatchKMeans

from segmenta.models import clustering
from segmenta.models.clustering import (
    choose_k,
    find_elbow,
    fit_clusters,
    make_clusterer,
    merge_small_low_value,
    project_2d,
    silhouette,
    sweep_k,
    within_sse,
)


def blobs(k: int, per: int = 60, seed: int = 0, spread: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = (
        np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, k, endpoint=False)]) * 5
    )
    return np.vstack([c + rng.normal(0, spread, (per, 2)) for c in centres])


def test_find_elbow_of_a_bent_curve() -> None:
    assert find_elbow([2, 3, 4, 5, 6, 7], [100, 50, 12, 10, 9, 8]) == 4
    assert find_elbow([2, 3], [10, 5]) == 2  # too short to bend
    assert find_elbow([2, 3, 4], [5, 5, 5]) == 2  # flat


@pytest.mark.parametrize("algorithm", ["kmeans", "gmm"])
def test_sweep_finds_the_number_of_blobs(algorithm: str) -> None:
    z = blobs(5)
    sweep, fits = sweep_k(z, algorithm, seed=0, ks=range(2, 9))
    assert sweep["k"].to_list() == list(range(2, 9))
    assert set(fits) == set(range(2, 9))
    k, reason = choose_k(sweep)
    assert k == 5
    assert "elbow" in reason
    assert "silhouette" in reason


def test_choose_k_breaks_ties_to_the_smaller_k() -> None:
    sweep = pl.DataFrame(
        {"k": [2, 3, 4, 5], "sse": [100.0, 30.0, 25.0, 24.0], "silhouette": [0.5, 0.5, 0.5, 0.1]}
    )
    assert choose_k(sweep)[0] == 2


def test_sse_and_silhouette_of_a_perfect_split() -> None:
    z = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [10.0, 0.0]])
    labels = np.array([0, 0, 1, 1])
    assert within_sse(z, labels) == 0.0
    assert silhouette(z, labels, seed=0)[0] == pytest.approx(1.0)


def test_silhouette_is_sampled_on_large_bases() -> None:
    z = blobs(3, per=400)
    labels = fit_clusters(z, "kmeans", 3, seed=0)[1]
    exact, rows = silhouette(z, labels, seed=0)
    sampled, sample_rows = silhouette(z, labels, seed=0, sample=300)
    assert (rows, sample_rows) == (1200, 300)
    assert sampled == pytest.approx(exact, abs=0.05)
    assert silhouette(z, np.zeros(len(z), dtype=int), seed=0)[0] == -1.0  # one cluster


def test_large_bases_use_minibatch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(make_clusterer("kmeans", 3, 0, 100), KMeans)
    monkeypatch.setattr(clustering, "MINIBATCH_FROM", 50)
    assert isinstance(make_clusterer("kmeans", 3, 0, 100), MiniBatchKMeans)


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="expected one of kmeans, gmm"):
        make_clusterer("dbscan", 3, 0, 100)


def test_fits_are_deterministic_for_a_seed() -> None:
    z = blobs(4)
    assert np.array_equal(fit_clusters(z, "kmeans", 4, 7)[1], fit_clusters(z, "kmeans", 4, 7)[1])
    assert np.array_equal(fit_clusters(z, "gmm", 4, 7)[1], fit_clusters(z, "gmm", 4, 7)[1])


def test_merge_folds_small_low_value_clusters_only() -> None:
    rng = np.random.default_rng(0)
    z = np.vstack(
        [
            rng.normal(0, 0.1, (500, 2)),
            rng.normal(3, 0.1, (480, 2)),
            rng.normal([0, 1], 0.1, (10, 2)),
            rng.normal([3, 4], 0.1, (10, 2)),
        ]
    )
    labels = np.repeat([0, 1, 2, 3], [500, 480, 10, 10])
    value = np.concatenate(
        [np.full(500, 100.0), np.full(480, 100.0), np.full(10, 1.0), np.full(10, 10_000.0)]
    )
    merged, merges = merge_small_low_value(z, labels, value, max_share=0.02)
    assert merges == [(2, 0)]  # the small low-value cluster joins its nearest neighbour
    assert set(np.unique(merged)) == {0, 1, 3}  # the small high-value cluster stays
    assert (merged == 0).sum() == 510


def test_merge_keeps_at_least_two_clusters() -> None:
    z = np.array([[0.0], [0.1], [5.0]])
    merged, merges = merge_small_low_value(
        z, np.array([0, 0, 1]), np.array([1.0, 1.0, 0.0]), max_share=0.5
    )
    assert merges == []
    assert len(np.unique(merged)) == 2


def test_projection_has_two_axes_even_for_one_feature() -> None:
    pca, coords = project_2d(blobs(3))
    assert coords.shape == (180, 2)
    assert pca.explained_variance_ratio_.sum() == pytest.approx(1.0)
    _, one = project_2d(np.arange(10.0).reshape(-1, 1))
    assert one.shape == (10, 2)
    assert np.all(one[:, 1] == 0)
