"""Turn feature columns into the standardised space the clustering works in.

Skewed money and count columns are log-scaled (``log1p``) first, then missing values are
imputed with the column median, then every column is standardised (mean 0, variance 1). The
three steps are one scikit-learn pipeline, fitted once per run and stored with the model, so
a customer scored later goes through exactly the same transformation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

#: behaviour columns with a long right tail (money, counts, days): log-scaled
LOG_SCALED_BEHAVIOUR = frozenset(
    {
        "recency_days",
        "frequency",
        "monetary",
        "items",
        "unique_items",
        "avg_ticket",
        "avg_days_between",
        "returns",
        "basket_size",
        "unique_basket_size",
        "tenure_days",
        "purchase_days",
    }
)
#: a customer-table column is log-scaled when it is non-negative and this skewed
SKEW_THRESHOLD = 1.0


def feature_matrix(frame: pl.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """The columns as a float64 matrix (rows in frame order, nulls as NaN)."""
    return frame.select(pl.col(c).cast(pl.Float64).fill_null(np.nan) for c in columns).to_numpy()


def choose_log_scaled(frame: pl.DataFrame, columns: Sequence[str]) -> list[str]:
    """The columns to log-scale: known behaviour columns, or non-negative and skewed ones."""
    chosen = []
    for name in columns:
        if name in LOG_SCALED_BEHAVIOUR:
            chosen.append(name)
            continue
        values = frame[name].drop_nulls().cast(pl.Float64)
        if values.len() < 3 or values.min() < 0 or values.std() == 0:  # type: ignore[operator]
            continue
        if (values.skew() or 0.0) > SKEW_THRESHOLD:
            chosen.append(name)
    return chosen


def build_preprocessor(columns: Sequence[str], log_scaled: Sequence[str]) -> Pipeline:
    """log1p on ``log_scaled`` (column order kept) -> median imputation -> standardisation."""
    log = set(log_scaled)
    per_column = [
        (
            name,
            FunctionTransformer(np.log1p, feature_names_out="one-to-one")
            if name in log
            else "passthrough",
            [i],
        )
        for i, name in enumerate(columns)
    ]
    return Pipeline(
        [
            ("log", ColumnTransformer(per_column, verbose_feature_names_out=False)),
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
        ]
    )


def missing_counts(frame: pl.DataFrame, columns: Sequence[str]) -> dict[str, int]:
    """Number of missing values per column (only columns with any)."""
    counts = frame.select(pl.col(c).is_null().sum() for c in columns).row(0, named=True)
    return {name: int(n) for name, n in counts.items() if n}


def inverse_transform(
    preprocessor: Pipeline, z: np.ndarray, log_scaled: Sequence[str], columns: Sequence[str]
) -> np.ndarray:
    """Map points of the standardised space back to the input units (undo scale and log)."""
    scaler: StandardScaler = preprocessor.named_steps["scale"]
    x = np.asarray(z, dtype=float) * scaler.scale_ + scaler.mean_
    log = set(log_scaled)
    for i, name in enumerate(columns):
        if name in log:
            x[..., i] = np.expm1(x[..., i])
    return x
