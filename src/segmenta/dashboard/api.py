"""``POST /api/score``: score one customer against the latest model run, JSON in and out.

Request: ``Content-Type: application/json`` and a JSON object of ``field: number`` pairs, the
fields of ``GET /api/score`` (the run's model inputs: required ones, optional ones that default
to the base median). At most :data:`MAX_BODY_BYTES` bytes.

Answers (always JSON):

* 200: the score (segment, distances to every segment centre, 2-D projection, churn
  probability and risk band for invoice runs, the defaults assumed), as
  :func:`segmenta.models.scoring.score_customer` returns it;
* 400: not JSON, or a field unknown, missing, not a number or out of range:
  ``{"error": "...", "field": "recency_days"}`` (``field`` when the error is about one);
* 413: a body larger than :data:`MAX_BODY_BYTES`; 415: another content type;
* 409: no model run in the warehouse yet (or one this installation cannot load).

Sign-in: the server's ``before_request`` (:mod:`segmenta.dashboard.security`) guards this path
like every other. Requiring ``application/json`` also means a page on another site cannot post
here from a browser without a CORS preflight, which this server never grants.

Speed: the fitted pipelines are loaded once per warehouse version (:func:`loaded_model`, keyed
on ``reader.version``, so a new model run or a rename is picked up), so a request costs the
validation and a few small matrix products.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import flask
import numpy as np

from segmenta.dashboard import state
from segmenta.models import scoring
from segmenta.models.artifacts import ArtifactVersionError
from segmenta.models.churn import risk_bands
from segmenta.models.errors import ModelInputError
from segmenta.warehouse.connection import WarehouseReader
from segmenta.warehouse.schema import read_sql

__all__ = ["MAX_BODY_BYTES", "LoadedModel", "field_of", "install", "loaded_model"]

SCORE_PATH = "/api/score"
#: Largest request body accepted (a payload has a dozen numbers).
MAX_BODY_BYTES = 16 * 1024
_FIELD = re.compile(r"field '([A-Za-z0-9_]+)'")


@dataclass(frozen=True)
class LoadedModel:
    """A model run's scoring pipelines, loaded once (see :func:`loaded_model`)."""

    run_id: int
    kind: str
    inputs: list[dict[str, Any]]
    segmentation: dict[str, Any]
    churn: dict[str, Any] | None
    #: segment_id -> {"segment": name in force, "description": ...}
    segments: dict[int, dict[str, Any]]
    churn_note: str | None

    def score(self, payload: Any) -> dict[str, Any]:
        """The same answer as :func:`segmenta.models.scoring.score_customer` for ``payload``.

        Raises :class:`~segmenta.models.scoring.ScoringInputError` naming the bad field.
        """
        values, assumed = scoring.validate_payload(payload, self.inputs)
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
                risk_band=risk_bands(np.array([p]))[0],
                horizon_days=int(self.churn["horizon_days"]),
            )
        return result


def _load(reader: WarehouseReader) -> LoadedModel:
    cur = reader.cursor()
    try:
        run = scoring._latest_run(cur)
        segmentation = scoring._artifact(cur, run["run_id"], "segmentation")
        churn = scoring._artifact(cur, run["run_id"], "churn")
        segments = cur.sql(
            read_sql("models/run_segments.sql"), params={"run_id": run["run_id"]}
        ).pl()
    finally:
        cur.close()
    if segmentation is None:
        raise ModelInputError(f"model run {run['run_id']} has no stored segmentation model")
    return LoadedModel(
        run_id=run["run_id"],
        kind=run["kind"],
        inputs=list(run["parameters"]["inputs"]),
        segmentation=segmentation,
        churn=churn,
        segments={
            row["segment_id"]: {"segment": row["segment"], "description": row["description"]}
            for row in segments.iter_rows(named=True)
        },
        churn_note=None
        if churn is not None
        else run["parameters"].get("churn", {}).get("skipped", "no churn model in this run"),
    )


_models_lock = threading.Lock()
_models: OrderedDict[tuple[str, Any], LoadedModel] = OrderedDict()


def loaded_model(reader: WarehouseReader) -> LoadedModel:
    """The latest run's pipelines for the reader's current file version, loaded at most once.

    Raises :class:`~segmenta.models.errors.ModelInputError` when there is no model run.
    """
    key = (str(reader.path), reader.version)
    with _models_lock:
        if key in _models:
            return _models[key]
        model = _load(reader)  # under the lock: a new version is loaded once, not per thread
        _models[key] = model
        while len(_models) > 2:
            _models.popitem(last=False)
        return model


def field_of(error: Exception) -> str | None:
    """The field a scoring error message names (``field 'x'``, ``unknown field 'x'``), if any."""
    m = _FIELD.search(str(error))
    return m.group(1) if m else None


def _error(status: int, message: str, **extra: Any) -> tuple[flask.Response, int]:
    response = flask.jsonify({"error": message, **extra})
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


class _Refused(Exception):
    """A request refused before scoring: the HTTP status and the message to send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_body(request: flask.Request) -> Any:
    """The request's JSON document; raises :class:`_Refused` (415, 413 or 400) otherwise."""
    if request.mimetype != "application/json":
        raise _Refused(415, f"expected Content-Type: application/json, got {request.mimetype!r}")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise _Refused(413, f"request body larger than {MAX_BODY_BYTES:,} bytes")
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise _Refused(413, f"request body larger than {MAX_BODY_BYTES:,} bytes")
    try:
        text = body.decode(request.mimetype_params.get("charset", "utf-8"))
    except (UnicodeDecodeError, LookupError):
        raise _Refused(400, "invalid JSON: the body is not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise _Refused(400, f"invalid JSON: {exc}") from None


def install(server: flask.Flask) -> None:
    """Register ``GET`` and ``POST /api/score`` on the dashboard's Flask server."""

    @server.get(SCORE_PATH)
    def score_inputs() -> tuple[flask.Response, int]:
        try:
            model = loaded_model(state.reader())
        except (ModelInputError, ArtifactVersionError) as exc:
            return _error(409, str(exc))
        response = flask.jsonify(
            run_id=model.run_id, kind=model.kind, method="POST", inputs=model.inputs
        )
        return response, 200

    @server.post(SCORE_PATH)
    def score() -> tuple[flask.Response, int]:
        try:
            payload = parse_body(flask.request)
        except _Refused as refused:
            return _error(refused.status, refused.message)
        try:
            model = loaded_model(state.reader())
        except (ModelInputError, ArtifactVersionError) as exc:
            return _error(409, str(exc))
        try:
            result = model.score(payload)
        except scoring.ScoringInputError as exc:
            field = field_of(exc)
            return _error(400, str(exc), **({"field": field} if field else {}))
        response = flask.jsonify(result)
        response.headers["Cache-Control"] = "no-store"
        return response, 200
