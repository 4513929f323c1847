"""Score one new customer against the latest model run.

The inputs a run accepts are stored with it (``model_run.parameters -> inputs``): the columns
the segmentation was fitted on are required; the churn model's other columns are optional and
default to the base median (reported back under ``assumed``).

:class:`ScoringModel` is the one scoring implementation: :meth:`ScoringModel.load` reads the
latest run and its stored pipelines (through :mod:`segmenta.models.artifacts`) once, and
:meth:`ScoringModel.score` answers a payload. The CLI (:func:`score_customer`) loads one per
command; the dashboard (``POST /api/score`` and the score page) keeps one per warehouse
version. The errors a caller handles are importable from here: :class:`ScoringInputError`
(a bad payload), :class:`ModelInputError` (no run to score against) and
:class:`ArtifactVersionError` / :class:`UnsafeArtifactError` (a stored model this installation
will not load).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from segmenta.models.artifacts import ArtifactVersionError, UnsafeArtifactError, load_artifact
from segmenta.models.errors import ModelInputError
from segmenta.warehouse.connection import WarehouseReader, open_read_only
from segmenta.warehouse.schema import read_sql
from segmenta.warehouse.vocabulary import feature_label, feature_unit, risk_band

__all__ = [
    "ArtifactVersionError",
    "ModelInputError",
    "ScoringInputError",
    "ScoringModel",
    "StoredRun",
    "UnsafeArtifactError",
    "build_input_spec",
    "model_inputs",
    "read_artifact",
    "read_latest_run",
    "score_customer",
    "validate_payload",
]

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
        values = pl.col(name).drop_nulls().cast(pl.Float64)
        stats = frame.select(
            values.len().alias("n"),
            values.median().alias("median"),
            values.min().alias("min"),
            values.max().alias("max"),
        ).row(0, named=True)
        integer = name in WHOLE_NUMBER_FIELDS
        median = float(stats["median"]) if stats["n"] else 0.0
        spec.append(
            {
                "name": name,
                "label": feature_label(name),
                "unit": feature_unit(name),
                "required": name in required,
                "default": float(round(median)) if integer else round(median, 4),
                "min": float(stats["min"]) if stats["n"] else 0.0,
                "max": float(stats["max"]) if stats["n"] else 0.0,
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


@dataclass(frozen=True)
class StoredRun:
    """A ``model_run`` row with its JSON parameters and metrics decoded."""

    run_id: int
    kind: str
    parameters: dict[str, Any]
    metrics: dict[str, Any]
    as_of_date: date | None


def read_latest_run(con: duckdb.DuckDBPyConnection) -> StoredRun:
    """The newest model run; raises :class:`ModelInputError` when there is none yet."""
    rows = con.execute(read_sql("models/latest_run.sql")).fetchall()
    if not rows:
        raise ModelInputError("no model run in this warehouse yet; run `segmenta model` first")
    run_id, kind, parameters, metrics, as_of, _ = rows[0]
    return StoredRun(int(run_id), kind, json.loads(parameters), json.loads(metrics), as_of)


def read_artifact(con: duckdb.DuckDBPyConnection, run_id: int, name: str) -> dict[str, Any] | None:
    """The stored pipeline ``name`` of run ``run_id``, loaded safely; None if it has none."""
    rows = con.execute(
        read_sql("models/model_artifact.sql"), {"run_id": run_id, "name": name}
    ).fetchall()
    if not rows:
        return None
    fmt, payload = rows[0]
    return load_artifact(bytes(payload), fmt)


@dataclass(frozen=True)
class ScoringModel:
    """A model run's scoring pipelines, loaded once (:meth:`load`), scoring many payloads."""

    run_id: int
    kind: str
    #: the input fields: name, label, unit, required, default, min, max, integer
    inputs: list[dict[str, Any]]
    segmentation: dict[str, Any]
    churn: dict[str, Any] | None
    #: segment_id -> {"segment": name in force, "description": ...}
    segments: dict[int, dict[str, Any]]
    #: why the run has no churn model (None when it has one)
    churn_note: str | None

    @classmethod
    def load(cls, source: duckdb.DuckDBPyConnection | WarehouseReader) -> ScoringModel:
        """Read the latest run, its pipelines and its segments' names in force.

        ``source`` is an open connection, or a :class:`WarehouseReader` (a cursor of its
        current version is used and closed). Raises :class:`ModelInputError` when there is no
        run (or it has no segmentation model), :class:`ArtifactVersionError` or
        :class:`UnsafeArtifactError` when a stored pipeline will not load.
        """
        if isinstance(source, WarehouseReader):
            cursor = source.cursor()
            try:
                return cls._read(cursor)
            finally:
                cursor.close()
        return cls._read(source)

    @classmethod
    def _read(cls, con: duckdb.DuckDBPyConnection) -> ScoringModel:
        run = read_latest_run(con)
        segmentation = read_artifact(con, run.run_id, "segmentation")
        churn = read_artifact(con, run.run_id, "churn")
        segments = con.sql(read_sql("models/run_segments.sql"), params={"run_id": run.run_id}).pl()
        if segmentation is None:
            raise ModelInputError(f"model run {run.run_id} has no stored segmentation model")
        return cls(
            run_id=run.run_id,
            kind=run.kind,
            inputs=list(run.parameters["inputs"]),
            segmentation=segmentation,
            churn=churn,
            segments={
                segment_id: {"segment": name, "description": description}
                for segment_id, name, description in segments.select(
                    "segment_id", "segment", "description"
                ).iter_rows()
            },
            churn_note=None
            if churn is not None
            else run.parameters.get("churn", {}).get("skipped", "no churn model in this run"),
        )

    def score(self, payload: Any) -> dict[str, Any]:
        """Segment (id, name in force, description), distance to every segment centre, the 2-D
        projection and, for invoice runs, the churn probability and risk band of one customer.

        Raises :class:`ScoringInputError` naming the bad field.
        """
        values, assumed = validate_payload(payload, self.inputs)
        seg = self.segmentation
        x = np.array([[values[c] for c in seg["columns"]]], dtype=float)
        z = seg["preprocessor"].transform(x)
        raw = int(seg["clusterer"].predict(z)[0])
        segment_id = int(seg["label_map"][raw])
        distances = np.linalg.norm(np.asarray(seg["centres"]) - z[0], axis=1)
        coords = np.ravel(seg["pca"].transform(z))
        result: dict[str, Any] = {
            "run_id": self.run_id,
            "kind": self.kind,
            "segment_id": segment_id,
            "segment": self.segments[segment_id]["segment"],
            "description": self.segments[segment_id]["description"],
            "distances": [
                {
                    "segment_id": i + 1,
                    "segment": self.segments[i + 1]["segment"],
                    "distance": round(float(d), 4),
                }
                for i, d in enumerate(distances)
            ],
            "pc1": round(float(coords[0]), 4),
            "pc2": round(float(coords[1]), 4) if len(coords) > 1 else 0.0,
            "assumed": assumed,
        }
        if self.churn is None:
            result.update(churn_probability=None, risk_band=None, churn_note=self.churn_note)
        else:
            xc = np.array([[values[c] for c in self.churn["columns"]]], dtype=float)
            p = float(self.churn["classifier"].predict_proba(xc)[0, 1])
            result.update(
                churn_probability=round(p, 4),
                risk_band=risk_band(p),
                horizon_days=int(self.churn["horizon_days"]),
            )
        return result


def model_inputs(warehouse: Path) -> list[dict[str, Any]]:
    """The input fields of the latest run: name, label, unit, required, default, min, max,
    integer. Raises :class:`ModelInputError` when there is no run yet (reads the run's row
    only, not its pipelines)."""
    con = open_read_only(warehouse)
    try:
        return list(read_latest_run(con).parameters["inputs"])
    finally:
        con.close()


def score_customer(warehouse: Path, payload: dict[str, Any]) -> dict[str, Any]:
    """:meth:`ScoringModel.score` of ``payload`` against the latest run of ``warehouse``."""
    con = open_read_only(warehouse)
    try:
        model = ScoringModel.load(con)
    finally:
        con.close()
    return model.score(payload)
