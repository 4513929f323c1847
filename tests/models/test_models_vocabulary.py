"""The shared vocabulary (segmenta.warehouse.vocabulary): feature labels, and churn risk bands
that the model stores and the dashboard draws by one rule."""

from __future__ import annotations

import numpy as np

from segmenta.models.churn import risk_bands
from segmenta.warehouse.vocabulary import (
    RISK_BANDS,
    RISK_THRESHOLDS,
    feature_label,
    feature_unit,
    risk_band,
)


def test_feature_labels() -> None:
    assert feature_label("recency_days") == "Days since the last purchase"
    assert feature_label("credit_limit") == "Credit limit"
    assert feature_unit("monetary") == "money"
    assert feature_unit("credit_limit") == ""


def test_risk_band_of_one_probability() -> None:
    low, high = RISK_THRESHOLDS
    assert RISK_BANDS == ("low", "medium", "high")
    assert [risk_band(p) for p in (0.0, low - 1e-9, low, high - 1e-9, high, 1.0)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_the_models_vectorised_bands_follow_the_same_rule() -> None:
    p = np.concatenate([np.linspace(0, 1, 301), np.array(RISK_THRESHOLDS), np.array([np.nan])])
    assert risk_bands(p) == [risk_band(float(v)) for v in p]
