"""Score one new customer against the latest model run.

The inputs a run accepts are stored with it (``model_run.parameters -> inputs``): the columns
the segmentation was fitted on are required; the churn model's other columns are optional and
default to the base median (reported back under ``assumed``). :func:`score_customer` opens the
warehouse read-only and loads the stored pipelines through :mod:`segmenta.models.artifacts`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from segmenta.models.artifacts import load_artifact
from segmenta.models.churn import risk_bands
from segmenta.models.errors import ModelInputError
from segmenta.models.features import FEATURE_LABELS, feature_label
from segmenta.warehouse.connection import open_read_only
from segmenta.warehouse.schema import read_sql

#: hard limits on top of "not negative" (a customer has bought at least once, ...)
LOWER_LIMITS = {"frequency": 1.0, "purchase_days": 1.0, "unique_items": 1.0}
UPPER_LIMITS = {"return_rate": 1.0, "spending_score": 100.0, "age": 120.0}
#: a value above this many times the base maximum is taken for a typo
PLAUSIBLE_FACTOR = 10.0
#: fields that only take whole numbers (counts of days, invoices, units; years)
WHOLE_NUMBER_FIELDS = frozenset(
    {
        "recency_days",
        "frequency",
        "items",
        "unique_items",
        "returns",
        "tenure_days",
        "purchase_days",
        "age",
    }
)


class ScoringInputError(ValueError):
    """A payload field is unknown, missing, not a number or out of range; the message names it."""


def build_input_spec(
    frame: pl.DataFrame, required: Sequence[str], optional: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One entry per input field: name, label, unit, required, default (the base median),
    min, max (the base's range) and integer (whether it takes whole numbers only)."""
    spec = []
    for name in [*required, *[c for c in optional if c not in required]]:
        values = frame[name].drop_nulls().cast(pl.Float64)
        integer = name in WHOLE_NUMBER_FIELDS
        median = float(values.median()) if values.len() else 0.0
        spec.append(
            {
                "name": name,
                "label": feature_label(name),
                "unit": FEATURE_LABELS.get(name, ("", ""))[1],
                "required": name in required,
                "default": float(round(median)) if integer else round(median, 4),
                "min": float(values.min()) if values.len() else 0.0,  # type: ignore[arg-type]
                "max": float(values.max()) if values.len() else 0.0,  # type: ignore[arg-type]
                "integer": integer,
            }
        )
    return spec


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise ScoringInputError(f"field {name!r}: expected a number, got {json.dumps(value)}")
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ScoringInputError(f"field {name!r}: expected a number, got {value!r}") from None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise ScoringInputError(
            f"field {name!r}: expected a number, got {type(value).__name__} {value!r}"
        )
    if not math.isfinite(number):
        raise ScoringInputError(f"field {name!r}: expected a finite number, got {value!r}")
    return number


def _check_range(field: Mapping[str, Any], number: float) -> None:
    """Not negative (unless the base has negative values), whole where it must be, within the
    hard limits, and not beyond :data:`PLAUSIBLE_FACTOR` x the base maximum (a typo)."""
    name = field["name"]
    if number < 0 and float(field["min"]) >= 0:
        raise ScoringInputError(f"field {name!r}: expected a number >= 0, got {number:g}")
    if field.get("integer") and number != round(number):
        raise ScoringInputError(f"field {name!r}: expected a whole number, got {number:g}")
    low = LOWER_LIMITS.get(name, min(0.0, float(field["min"]) * PLAUSIBLE_FACTOR))
    base_max = float(field["max"])
    high = UPPER_LIMITS.get(name, PLAUSIBLE_FACTOR * base_max if base_max > 0 else math.inf)
    if not low <= number <= high:
        raise ScoringInputError(
            f"field {name!r}: expected {low:g} to {high:g} ({field['label']}), got {number:g}"
        )


def validate_payload(
    payload: Any, spec: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Checked values of every input field, and the defaults assumed for omitted optional ones."""
    if not isinstance(payload, Mapping):
        raise ScoringInputError(
            f"expected a JSON object of field: number pairs, got {type(payload).__name__}"
        )
    fields = {f["name"]: f for f in spec}
    for name in payload:
        if name not in fields:
            raise ScoringInputError(f"unknown field {name!r}; expected fields: {', '.join(fields)}")
    values: dict[str, float] = {}
    for name, field in fields.items():
        if name in payload:
            values[name] = _number(name, payload[name])
            _check_range(field, values[name])
        elif field["required"]:
            raise ScoringInputError(
                f"missing required field {name!r} ({field['label']}): expected a number"
            )
    assumed = {n: float(f["default"]) for n, f in fields.items() if n not in values}
    # defaults that must agree with the figures given
    if "tenure_days" in assumed and "recency_days" in values:
        assumed["tenure_days"] = max(assumed["tenure_days"], values["recency_days"])
    if "purchase_days" in assumed and "frequency" in values:
        assumed["purchase_days"] = min(assumed["purchase_days"], values["frequency"])
    merged = {**values, **assumed}
    if "recency_days" in values and merged.get("tenure_days", math.inf) < values["recency_days"]:
        raise ScoringInputError(
            f"field 'recency_days': expected at most tenure_days ({merged['tenure_days']:g}), "
            f"got {values['recency_days']:g}"
        )
    if "purchase_days" in values and values["purchase_days"] > merged.get("frequency", math.inf):
        raise ScoringInputError(
            f"field 'purchase_days': expected at most frequency ({merged['frequency']:g}), "
            f"got {values['purchase_days']:g}"
        )
    return merged, assumed


def _latest_run(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = con.execute(read_sql("models/latest_run.sql")).fetchall()
    if not rows:
        raise ModelInputError("no model run in this warehouse yet; run `segmenta model` first")
    run_id, kind, parameters, metrics, as_of, _ = rows[0]
    return {
        "run_id": int(run_id),
        "kind": kind,
        "parameters": json.loads(parameters),
        "metrics": json.loads(metrics),
        "as_of_date": as_of,
    }


def _artifact(con: duckdb.DuckDBPyConnection, run_id: int, name: str) -> dict[str, Any] | None:
    rows = con.execute(
        read_sql("models/model_artifact.sql"), {"run_id": run_id, "name": name}
    ).fetchall()
    if not rows:
        return None
    fmt, payload = rows[0]
    return load_artifact(bytes(payload), fmt)


def model_inputs(warehouse: Path) -> list[dict[str, Any]]:
    """The input fields of the latest run: name, label, unit, required, default, min, max,
    integer. Raises :class:`ModelInputError` when there is no run yet."""
    con = open_read_only(warehouse)
    try:
        return list(_latest_run(con)["parameters"]["inputs"])
    finally:
        con.close()


def score_customer(warehouse: Path, payload: dict[str, Any]) -> dict[str, Any]:
    """Segment (id, name in force, description), distance to every segment centre, the 2-D
    projection and, for invoice runs, the churn probability and risk band of one customer."""
    con = open_read_only(warehouse)
    try:
        run = _latest_run(con)
        values, assumed = validate_payload(payload, run["parameters"]["inputs"])
        segmentation = _artifact(con, run["run_id"], "segmentation")
        churn = _artifact(con, run["run_id"], "churn")
        segments = con.sql(
            read_sql("models/run_segments.sql"), params={"run_id": run["run_id"]}
        ).pl()
    finally:
        con.close()
    if segmentation is None:
        raise ModelInputError(f"model run {run['run_id']} has no stored segmentation model")

    x = np.array([[values[c] for c in segmentation["columns"]]], dtype=float)
    z = segmentation["preprocessor"].transform(x)
    raw = int(segmentation["clusterer"].predict(z)[0])
    segment_id = int(segmentation["label_map"][raw])
    distances = np.linalg.norm(np.asarray(segmentation["centres"]) - z[0], axis=1)
    coords = np.ravel(segmentation["pca"].transform(z))
    names = {row["segment_id"]: row for row in segments.iter_rows(named=True)}
    result: dict[str, Any] = {
        "run_id": run["run_id"],
        "kind": run["kind"],
        "segment_id": segment_id,
        "segment": names[segment_id]["segment"],
        "description": names[segment_id]["description"],
        "distances": [
            {
                "segment_id": i + 1,
                "segment": names[i + 1]["segment"],
                "distance": round(float(d), 4),
            }
            for i, d in enumerate(distances)
        ],
        "pc1": round(float(coords[0]), 4),
        "pc2": round(float(coords[1]), 4) if len(coords) > 1 else 0.0,
        "assumed": assumed,
    }
    if churn is None:
        result.update(
            churn_probability=None,
            risk_band=None,
            churn_note=run["parameters"]
            .get("churn", {})
            .get("skipped", "no churn model in this run"),
        )
    else:
        xc = np.array([[values[c] for c in churn["columns"]]], dtype=float)
        p = float(churn["classifier"].predict_proba(xc)[0, 1])
        result.update(
            churn_probability=round(p, 4),
            risk_band=risk_bands(np.array([p]))[0],
            horizon_days=int(churn["horizon_days"]),
        )
    return result
