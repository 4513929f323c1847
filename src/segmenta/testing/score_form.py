"""The score page's callback payload: its form fields are pattern-matching ids, which the
generic :class:`~segmenta.testing.callbacks.CallbackClient` payload does not build.

Shared by the dashboard tests and ``bench/bench_dashboard.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from segmenta.dashboard import ids
from segmenta.testing.callbacks import CallbackClient, Reply

#: the score callback's first output
SCORE_OUTPUT = f"{ids.SCORE_RESULT}.children"


def _field(kind: str, name: str) -> dict[str, str]:
    return {"index": name, "type": kind}


def score_form_payload(
    output: str, values: Mapping[str, Any], store: str = "", n_clicks: int = 1
) -> dict[str, Any]:
    """The renderer's payload for a click on the score button with the form's ``values``
    (field name -> value) under the filter ``store``; ``output`` is the dependency's output."""
    names = list(values)
    return {
        "output": output,
        "outputs": [
            {"id": ids.SCORE_RESULT, "property": "children"},
            {"id": ids.SCORE_DISTANCES, "property": "figure"},
            {"id": ids.SCORE_PROJECTION, "property": "figure"},
            [{"id": _field(ids.SCORE_FIELD, n), "property": "invalid"} for n in names],
            [{"id": _field(ids.SCORE_FEEDBACK, n), "property": "children"} for n in names],
            {"id": ids.SCORE_ERROR, "property": "children"},
        ],
        "inputs": [
            {"id": ids.SCORE_SUBMIT, "property": "n_clicks", "value": n_clicks},
            {"id": ids.FILTER_STORE, "property": "data", "value": store},
        ],
        "state": [
            [
                {"id": _field(ids.SCORE_FIELD, n), "property": "value", "value": values[n]}
                for n in names
            ],
            [
                {
                    "id": _field(ids.SCORE_FIELD, n),
                    "property": "id",
                    "value": _field(ids.SCORE_FIELD, n),
                }
                for n in names
            ],
        ],
        "changedPropIds": [f"{ids.SCORE_SUBMIT}.n_clicks"],
    }


def post_score_form(
    client: CallbackClient, values: Mapping[str, Any], store: str = "", n_clicks: int = 1
) -> Reply:
    """Post a score-button click through ``client``; the raw reply."""
    dep = client.dependency(SCORE_OUTPUT)
    return client.post(score_form_payload(dep["output"], values, store, n_clicks))
