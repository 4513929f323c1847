"""Business-readable segment names and one-line descriptions, from each segment's profile.

Invoice bases get the recency-frequency-monetary vocabulary marketers use. Every customer gets
an R score (1-5, 5 = bought most recently) and an FM score (mean of the F and M scores), as
percentile ranks within the base; each segment's mean (R, FM) is matched to the prototype
points below by a one-to-one assignment that minimises the total squared distance, so names
are unique within a run and the same profiles always get the same names.

Customer tables get names in their own terms: each column's segment mean is "high" (>= 0.5
standard deviations above the base), "low" (<= -0.5) or "average", e.g. "High income, high
spend". Bases with more than three columns name the three that stand out most.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

from segmenta.warehouse.vocabulary import feature_label, feature_unit

#: (R score, FM score) prototype of each RFM segment name, on the 1-5 scales
RFM_PROTOTYPES: dict[str, tuple[float, float]] = {
    "Champions": (4.4, 4.4),
    "Loyal": (3.2, 4.2),
    "Potential Loyalists": (4.3, 3.0),
    "New Customers": (4.6, 1.6),
    "Promising": (3.9, 2.0),
    "Need Attention": (3.0, 3.0),
    "About to Sleep": (2.7, 1.9),
    "At Risk": (1.9, 3.4),
    "Can't Lose Them": (1.6, 4.4),
    "Hibernating": (2.0, 2.2),
    "Lost": (1.4, 1.4),
}
#: a column's segment mean beyond this many standard deviations is "high" / "low"
LEVEL_THRESHOLD = 0.5
#: a feature whose segment mean is beyond this is worth a mention in the description
NOTABLE = 0.3

#: (low, average, high) words for customer-table columns
ATTRIBUTE_WORDS: dict[str, tuple[str, str, str]] = {
    "age": ("younger", "middle-aged", "older"),
    "annual_income_k": ("low income", "average income", "high income"),
    "spending_score": ("low spend", "average spend", "high spend"),
}
#: (lower, higher) phrases for descriptions; "{m}" becomes "much " for large differences
DIRECTION_PHRASES: dict[str, tuple[str, str]] = {
    "recency_days": ("bought {m}more recently", "last bought {m}longer ago"),
    "frequency": ("{m}fewer invoices", "{m}more invoices"),
    "monetary": ("{m}lower revenue", "{m}higher revenue"),
    "tenure_days": ("{m}newer customers", "customers for {m}longer"),
    "age": ("{m}younger", "{m}older"),
    "annual_income_k": ("{m}lower income", "{m}higher income"),
    "spending_score": ("{m}lower spending score", "{m}higher spending score"),
}


def percentile_scores(values: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1..5 by average-rank percentile within the base (ties share a score)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return np.full(len(values), 3.0)
    pct = (rankdata(values, method="average") - 1.0) / (len(values) - 1.0)
    return 1.0 + 4.0 * (pct if higher_is_better else 1.0 - pct)


def rfm_scores(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per customer: (R score, FM score) from recency_days, frequency and monetary."""
    r = percentile_scores(frame["recency_days"].to_numpy(), higher_is_better=False)
    f = percentile_scores(frame["frequency"].to_numpy())
    m = percentile_scores(frame["monetary"].to_numpy())
    return r, (f + m) / 2.0


def make_unique(names: Sequence[str]) -> list[str]:
    """Append " 2", " 3", ... to repeated names, in order."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return out


def name_rfm_segments(points: Mapping[int, tuple[float, float]]) -> dict[int, str]:
    """Segment id -> RFM name, from each segment's mean (R, FM) scores; unique.

    Segments beyond the number of names take their nearest name with a number ("Loyal 2").
    """
    ids = sorted(points)
    names = list(RFM_PROTOTYPES)
    protos = np.array([RFM_PROTOTYPES[n] for n in names])
    pts = np.array([points[i] for i in ids], dtype=float)
    cost = ((pts[:, None, :] - protos[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    chosen = {ids[r]: names[c] for r, c in zip(rows, cols, strict=True)}
    for j, seg in enumerate(ids):
        if seg not in chosen:
            chosen[seg] = names[int(np.argmin(cost[j]))]
    unique = make_unique([chosen[i] for i in ids])
    return dict(zip(ids, unique, strict=True))


def _level_word(column: str, z: float) -> str:
    low, mid, high = ATTRIBUTE_WORDS.get(
        column, tuple(f"{w} {feature_label(column).lower()}" for w in ("low", "average", "high"))
    )
    if z >= LEVEL_THRESHOLD:
        return high
    if z <= -LEVEL_THRESHOLD:
        return low
    return mid


def _attribute_name(profile: Mapping[str, float], columns: Sequence[str], top: int) -> str:
    chosen = sorted(columns, key=lambda c: (-abs(profile[c]), columns.index(c)))[:top]
    parts = [_level_word(c, profile[c]) for c in columns if c in chosen]
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def name_attribute_segments(
    profiles: Mapping[int, Mapping[str, float]], columns: Sequence[str], top: int = 3
) -> dict[int, str]:
    """Segment id -> name in the customer table's terms, from mean standardised values; unique.

    Names use the ``top`` columns that stand out most; segments whose names collide are named
    on every column, and numbered if they still collide.
    """
    columns = list(columns)
    ids = sorted(profiles)
    names = {i: _attribute_name(profiles[i], columns, top) for i in ids}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    for i in ids:
        if counts[names[i]] > 1:
            names[i] = _attribute_name(profiles[i], columns, len(columns))
    unique = make_unique([names[i] for i in ids])
    return dict(zip(ids, unique, strict=True))


def format_number(value: float) -> str:
    """Compact human number: 3,240 / 52 / 2.5 / 0.04."""
    if value is None or not np.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.0f}"
    if size >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}"


def _phrase(column: str, z: float) -> str:
    much = "much " if abs(z) >= 1.0 else ""
    lower, higher = DIRECTION_PHRASES.get(
        column,
        ("{m}lower " + feature_label(column).lower(), "{m}higher " + feature_label(column).lower()),
    )
    return (higher if z > 0 else lower).format(m=much)


def describe_segment(
    profile: Mapping[str, float],
    typical: Mapping[str, tuple[float, float]],
    base_typical: Mapping[str, tuple[float, float]],
    columns: Sequence[str],
) -> str:
    """One line: the (up to three) features that set the segment apart, with figures.

    ``typical`` and ``base_typical`` give (median, mean) of each column for the segment and the
    whole base; the medians are quoted, or the means where the medians read the same.
    """
    columns = list(columns)
    ranked = sorted(columns, key=lambda c: (-abs(profile[c]), columns.index(c)))
    notable = [c for c in ranked if abs(profile[c]) >= NOTABLE][:3]

    def unit(column: str) -> str:
        return " days" if feature_unit(column) == "days" else ""

    def figures(column: str) -> str:
        (seg_median, seg_mean), (base_median, base_mean) = typical[column], base_typical[column]
        if format_number(seg_median) != format_number(base_median):
            stat, seg, base = "median", seg_median, base_median
        else:
            stat, seg, base = "mean", seg_mean, base_mean
        return f"{stat} {format_number(seg)} vs {format_number(base)}{unit(column)}"

    if not notable:
        median = ", ".join(
            f"{feature_label(c).lower()} {format_number(typical[c][0])}{unit(c)}"
            for c in columns[:3]
        )
        return f"Close to the typical customer on every model feature (median {median})"
    text = "; ".join(f"{_phrase(c, profile[c])} ({figures(c)})" for c in notable)
    return text[:1].upper() + text[1:]


def segment_signature(kind: str, columns: Sequence[str], name: str) -> str:
    """Stable key a manager's rename follows across runs: the same kind of run, model columns
    and generated name mean the same segment."""
    columns_hash = hashlib.sha256(",".join(columns).encode("utf-8")).hexdigest()[:8]
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"{kind}:{columns_hash}:{slug}"
