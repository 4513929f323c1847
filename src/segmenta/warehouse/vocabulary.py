"""The meaning of values the warehouse stores, for every layer that reads or writes them.

The models write feature columns (``customer_features``, the run's ``inputs``) and churn risk
bands (``churn_score.risk_band``); the dashboard shows them. Both sides take their names,
labels, units, band names and band thresholds from here, so a band drawn on the churn page is
the band the model stored. Pure Python: nothing here reads the warehouse.

A churn probability's risk band is ``RISK_BANDS[n]`` where ``n`` is the number of
:data:`RISK_THRESHOLDS` it reaches: below the first 'low', from the second on 'high'.
"""

from __future__ import annotations

__all__ = [
    "FEATURE_LABELS",
    "RISK_BANDS",
    "RISK_THRESHOLDS",
    "feature_label",
    "feature_unit",
    "risk_band",
]

#: human labels and units of the features a form or a description shows
FEATURE_LABELS: dict[str, tuple[str, str]] = {
    "recency_days": ("Days since the last purchase", "days"),
    "frequency": ("Purchase invoices", "invoices"),
    "monetary": ("Revenue", "money"),
    "items": ("Units bought", "units"),
    "unique_items": ("Distinct products bought", "products"),
    "avg_ticket": ("Average line amount", "money"),
    "avg_days_between": ("Average days between purchases", "days"),
    "returns": ("Units returned", "units"),
    "return_rate": ("Units returned per unit bought", "ratio"),
    "basket_size": ("Average units per invoice", "units"),
    "unique_basket_size": ("Average distinct products per invoice", "products"),
    "tenure_days": ("Days since the first purchase", "days"),
    "purchase_days": ("Days with a purchase", "days"),
    "age": ("Age", "years"),
    "annual_income_k": ("Annual income (thousands)", "thousands"),
    "spending_score": ("Spending score (1-100)", "score"),
}

#: churn risk bands, lowest risk first (also their display order)
RISK_BANDS: tuple[str, ...] = ("low", "medium", "high")
#: churn probability below the first is 'low', from the second on 'high'
RISK_THRESHOLDS: tuple[float, float] = (1 / 3, 2 / 3)


def feature_label(name: str) -> str:
    """A readable label for a feature or customer-table attribute."""
    if name in FEATURE_LABELS:
        return FEATURE_LABELS[name][0]
    return name.replace("_", " ").strip().capitalize()


def feature_unit(name: str) -> str:
    """The unit of a feature ('days', 'money', ...), '' for one without a known unit."""
    return FEATURE_LABELS.get(name, ("", ""))[1]


def risk_band(probability: float) -> str:
    """'low' | 'medium' | 'high': the band of one churn probability (see the module docstring)."""
    return RISK_BANDS[sum(probability >= t for t in RISK_THRESHOLDS)]
