"""``POST /api/score``: score one customer against the latest model run, JSON in and out.

Request: ``Content-Type: application/json`` and a JSON object of ``field: number`` pairs, the
fields of ``GET /api/score`` (the run's model inputs: required ones, optional ones that default
to the base median). At most :data:`MAX_BODY_BYTES` bytes.

Answers (always JSON):

* 200: the score (segment, distances to every segment centre, 2-D projection, churn
  probability and risk band for invoice runs, the defaults assumed), as
  :meth:`segmenta.models.scoring.ScoringModel.score` returns it (the CLI's answer too);
* 400: not JSON, or a field unknown, missing, not a number or out of range:
  ``{"error": "...", "field": "recency_days"}`` (``field`` when the error is about one);
* 413: a body larger than :data:`MAX_BODY_BYTES`; 415: another content type;
* 409: no model run in the warehouse yet (or one this installation cannot load).

Sign-in: the server's ``before_request`` (:mod:`segmenta.dashboard.security`) guards this path
like every other. Requiring ``application/json`` also means a page on another site cannot post
here from a browser without a CORS preflight, which this server never grants.

Speed: the fitted pipelines are loaded once per warehouse version (:func:`loaded_model`, a
:class:`~segmenta.models.scoring.ScoringModel` keyed on ``reader.version``, so a new model run
or a rename is picked up), so a request costs the validation and a few small matrix products.
This module only speaks HTTP (parsing, status codes, the cache); the scoring is the models'.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from typing import Any

import flask

from segmenta.dashboard import state
from segmenta.models.scoring import (
    ArtifactVersionError,
    ModelInputError,
    ScoringInputError,
    ScoringModel,
)
from segmenta.warehouse.connection import WarehouseReader

__all__ = ["MAX_BODY_BYTES", "field_of", "install", "loaded_model"]

SCORE_PATH = "/api/score"
#: Largest request body accepted (a payload has a dozen numbers).
MAX_BODY_BYTES = 16 * 1024
_FIELD = re.compile(r"field '([A-Za-z0-9_]+)'")

_models_lock = threading.Lock()
_models: OrderedDict[tuple[str, Any], ScoringModel] = OrderedDict()


def loaded_model(reader: WarehouseReader) -> ScoringModel:
    """The latest run's pipelines for the reader's current file version, loaded at most once.

    Raises :class:`~segmenta.models.scoring.ModelInputError` when there is no model run.
    """
    key = (str(reader.path), reader.version)
    with _models_lock:
        if key in _models:
            return _models[key]
        # under the lock: a new version is loaded once, not once per thread
        model = ScoringModel.load(reader)
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
        except ScoringInputError as exc:
            field = field_of(exc)
            return _error(400, str(exc), **({"field": field} if field else {}))
        response = flask.jsonify(result)
        response.headers["Cache-Control"] = "no-store"
        return response, 200
