"""Scoring: ``POST /api/score`` (validation, status codes, sign-in, the cached model) and the
"Score a customer" page's form and answer, over HTTP."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from segmenta.dashboard import api, ids, state
from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard.queries import model as model_q
from segmenta.models import scoring
from segmenta.settings import Settings
from segmenta.testing.callbacks import CallbackClient
from segmenta.testing.score_form import post_score_form
from segmenta.warehouse.connection import WarehouseReader, current_file
from segmenta.warehouse.renames import rename_segment
from tests.helpers import csv_text, write_csv
from tests.helpers.dashboard import call, customer_table_warehouse_at

REQUIRED = {"recency_days": 12, "frequency": 5, "monetary": 1400.0}


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    return client


def post(client: FlaskClient, body: Any, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    if isinstance(body, str | bytes):
        response = client.post(
            "/api/score", data=body, content_type=kwargs.pop("content_type", "application/json")
        )
    else:
        response = client.post("/api/score", json=body, **kwargs)
    assert response.mimetype == "application/json"
    return response.status_code, response.get_json()


# -- the endpoint -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "payload",
    [
        REQUIRED,
        {"recency_days": 0, "frequency": 1, "monetary": 3.5},
        {"recency_days": 300, "frequency": 40, "monetary": 25_000, "return_rate": 0.2},
        {**REQUIRED, "items": 800, "tenure_days": 365, "purchase_days": 5, "avg_ticket": 20},
        {"recency_days": "12", "frequency": "5", "monetary": " 1400 "},
    ],
)
def test_endpoint_answers_what_score_customer_answers(
    client: FlaskClient, demo_warehouse: Path, payload: dict[str, Any]
) -> None:
    status, body = post(client, payload)
    assert status == 200
    expected = json.loads(json.dumps(scoring.score_customer(demo_warehouse, dict(payload))))
    assert body == expected
    assert body["segment"] in {d["segment"] for d in body["distances"]}
    nearest = min(body["distances"], key=lambda d: d["distance"])
    assert body["segment_id"] == nearest["segment_id"]
    assert 0.0 <= body["churn_probability"] <= 1.0
    assert body["risk_band"] in ("low", "medium", "high")


def test_get_describes_the_inputs(client: FlaskClient, demo_warehouse: Path) -> None:
    response = client.get("/api/score")
    assert response.status_code == 200
    body = response.get_json()
    assert body["method"] == "POST"
    assert body["inputs"] == scoring.model_inputs(demo_warehouse)
    assert [f["name"] for f in body["inputs"] if f["required"]] == list(REQUIRED)


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        ("{bad", "invalid JSON: Expecting property name", None),
        ("", "invalid JSON", None),
        ('{"recency_days": NaN, "frequency": 5, "monetary": 1}', "NaN is not a valid", None),
        ('{"recency_days": 1e999, "frequency": 5, "monetary": 1}', "finite number", "recency_days"),
        ("[12, 5, 1400]", "expected a JSON object", None),
        ('"text"', "expected a JSON object", None),
        ({"recency_days": 12, "frequency": 5}, "missing required field 'monetary'", "monetary"),
        ({**REQUIRED, "shoe_size": 44}, "unknown field 'shoe_size'", "shoe_size"),
        ({**REQUIRED, "recency_days": -1}, "expected a number >= 0", "recency_days"),
        ({**REQUIRED, "frequency": 2.5}, "expected a whole number", "frequency"),
        ({**REQUIRED, "frequency": 0}, "expected 1 to", "frequency"),
        ({**REQUIRED, "monetary": "lots"}, "expected a number, got 'lots'", "monetary"),
        ({**REQUIRED, "monetary": True}, "expected a number, got true", "monetary"),
        ({**REQUIRED, "monetary": None}, "expected a number, got null", "monetary"),
        ({**REQUIRED, "monetary": [1400]}, "expected a number, got list", "monetary"),
        ({**REQUIRED, "monetary": 1e12}, "expected", "monetary"),
        ({**REQUIRED, "return_rate": 1.5}, "expected 0 to 1", "return_rate"),
        ({**REQUIRED, "tenure_days": 5}, "expected at most tenure_days", "recency_days"),
    ],
)
def test_invalid_input_is_a_400_naming_the_field(
    client: FlaskClient, body: Any, message: str, field: str | None
) -> None:
    status, answer = post(client, body)
    assert status == 400
    assert message in answer["error"]
    assert answer.get("field") == field


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_other_content_types_are_a_415(client: FlaskClient, content_type: str) -> None:
    response = client.post("/api/score", data=json.dumps(REQUIRED), content_type=content_type)
    assert response.status_code == 415
    assert "expected Content-Type: application/json" in response.get_json()["error"]


def test_json_with_a_charset_is_accepted(client: FlaskClient) -> None:
    status, body = post(
        client, json.dumps(REQUIRED).encode(), content_type="application/json; charset=utf-8"
    )
    assert status == 200
    assert body["segment"]
    status, body = post(client, b'{"recency_days": "\xff"}', content_type="application/json")
    assert status == 400
    assert "not UTF-8" in body["error"]


def test_a_large_body_is_a_413(client: FlaskClient) -> None:
    padded = json.dumps(REQUIRED)[:-1] + "," + " " * api.MAX_BODY_BYTES + '"items": 5}'
    status, body = post(client, padded)
    assert status == 413
    assert "larger than 16,384 bytes" in body["error"]
    exactly = json.dumps(REQUIRED)
    exactly = exactly[:-1] + " " * (api.MAX_BODY_BYTES - len(exactly)) + "}"
    assert len(exactly) == api.MAX_BODY_BYTES
    assert post(client, exactly)[0] == 200
    huge = b"{" + b" " * (3 * 1024 * 1024) + b"}"  # beyond the server's own 2 MB limit too
    response = client.post("/api/score", data=huge, content_type="application/json")
    assert response.status_code == 413


def test_other_methods_are_refused(client: FlaskClient) -> None:
    assert client.put("/api/score", json=REQUIRED).status_code == 405
    assert client.delete("/api/score").status_code == 405


@pytest.fixture(scope="module")
def unmodelled_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from segmenta.etl.load import ingest

    folder = tmp_path_factory.mktemp("unmodelled")
    rows = ["1,A,2,2011-01-01 10:00:00,1.5,17850,United Kingdom"]
    ingest(folder / "w.duckdb", [write_csv(folder / "i.csv", csv_text(rows))])
    return folder / "w.duckdb"


def test_no_model_run_is_a_409_with_a_clear_message(unmodelled_warehouse: Path) -> None:
    client = dashboard_app.create_app(Settings(warehouse=unmodelled_warehouse)).server.test_client()
    status, body = post(client, REQUIRED)
    assert status == 409
    assert "no model run in this warehouse yet; run `segmenta model` first" in body["error"]
    assert client.get("/api/score").status_code == 409
    # the page says so too, instead of a form
    assert client.get("/score").status_code == 200
    layout = call(
        client,
        "_pages_content.children",
        {"_pages_location.pathname": "/score", "_pages_location.search": ""},
        triggered="_pages_location.pathname",
    )["_pages_content"]["children"]
    assert "No model run yet" in str(layout)


def test_invalid_json_is_refused_before_the_model_is_needed(unmodelled_warehouse: Path) -> None:
    client = dashboard_app.create_app(Settings(warehouse=unmodelled_warehouse)).server.test_client()
    assert post(client, "{bad")[0] == 400
    assert client.post("/api/score", data="x", content_type="text/plain").status_code == 415


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_the_endpoint_needs_sign_in_when_sign_in_is_on(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    users.write_text(f"vic:viewer:{generate_password_hash('vic-pw')}\n")
    client = dashboard_app.create_app(
        Settings(warehouse=demo_warehouse, users_file=users)
    ).server.test_client()
    assert client.post("/api/score", json=REQUIRED).status_code == 401
    assert client.post("/api/score", json=REQUIRED, headers=basic("vic", "nope")).status_code == 401
    response = client.post("/api/score", json=REQUIRED, headers=basic("vic", "vic-pw"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/score").status_code == 401


def test_the_model_is_loaded_once_per_warehouse_version(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    """Cached per version: a rename (a new version) is seen at once by the next request."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(current_file(demo_warehouse), copy)  # type: ignore[arg-type]
    app = dashboard_app.create_app(Settings(warehouse=copy))
    client = app.server.test_client()
    status, before = post(client, REQUIRED)
    assert status == 200
    with app.server.app_context():
        first = api.loaded_model(state.reader())
        assert api.loaded_model(state.reader()) is first
    rename_segment(copy, before["run_id"], before["segment_id"], "Renamed For Test", "tester")
    status, after = post(client, REQUIRED)
    assert status == 200
    assert after["segment"] == "Renamed For Test"
    assert after["segment_id"] == before["segment_id"]
    assert {d["segment"] for d in after["distances"]} >= {"Renamed For Test"}
    with app.server.app_context():
        assert api.loaded_model(state.reader()) is not first
        assert api.loaded_model(state.reader()).run_id == first.run_id


def test_field_of_reads_the_field_from_the_message() -> None:
    assert api.field_of(ValueError("field 'age': expected a number")) == "age"
    assert api.field_of(ValueError("unknown field 'x_1'; expected fields: a")) == "x_1"
    assert api.field_of(ValueError("missing required field 'monetary' (Revenue)")) == "monetary"
    assert api.field_of(ValueError("expected a JSON object")) is None


# -- the page ----------------------------------------------------------------------------------------
def call_score(
    client: FlaskClient, values: dict[str, Any], store: str = "", n_clicks: int = 1
) -> dict[str, Any]:
    """Post the score callback with the form's fields (pattern-matching ids) as the browser does."""
    reply = post_score_form(CallbackClient(client), values, store, n_clicks)
    assert reply.status == 200, reply.body[:2000]
    return json.loads(reply.body)["response"]


def _outputs_by_key(out: dict[str, Any]) -> dict[str, Any]:
    """{'score-field:recency_days': {...}, ...} for pattern-matching outputs too."""
    flat = {}
    for key, props in out.items():
        if key.startswith("{"):
            parsed = json.loads(key)
            flat[f"{parsed['type']}:{parsed['index']}"] = props
        else:
            flat[key] = props
    return flat


def test_the_form_returns_a_segment_and_a_churn_probability(
    client: FlaskClient, demo_warehouse: Path
) -> None:
    inputs = scoring.model_inputs(demo_warehouse)
    values = {f["name"]: (REQUIRED.get(f["name"]) if f["required"] else None) for f in inputs}
    out = _outputs_by_key(call_score(client, values))
    expected = scoring.score_customer(demo_warehouse, dict(REQUIRED))
    card = json.dumps(out[ids.SCORE_RESULT]["children"])
    assert expected["segment"] in card
    assert f"{expected['churn_probability'] * 100:.1f} %" in card
    assert "Assumed (base median, not given)" in card
    distances = out[ids.SCORE_DISTANCES]["figure"]["data"][0]
    assert distances["y"][0] == expected["segment"], "nearest segment first"
    assert sorted(distances["x"]) == distances["x"]
    star = out[ids.SCORE_PROJECTION]["figure"]["data"][-1]
    assert star["name"] == "This customer"
    assert (star["x"], star["y"]) == ([expected["pc1"]], [expected["pc2"]])
    assert all(out[f"{ids.SCORE_FIELD}:{n}"]["invalid"] is False for n in values)
    assert out[ids.SCORE_ERROR]["children"] is None


def test_the_form_flags_the_invalid_field(client: FlaskClient, demo_warehouse: Path) -> None:
    inputs = scoring.model_inputs(demo_warehouse)
    values = {f["name"]: (REQUIRED.get(f["name"]) if f["required"] else None) for f in inputs}
    values["return_rate"] = 3
    out = _outputs_by_key(call_score(client, values))
    assert out[f"{ids.SCORE_FIELD}:return_rate"]["invalid"] is True
    assert out[f"{ids.SCORE_FEEDBACK}:return_rate"]["children"].startswith("expected 0 to 1")
    assert sum(out[f"{ids.SCORE_FIELD}:{n}"]["invalid"] for n in values) == 1
    assert "Not scored: field 'return_rate'" in json.dumps(out[ids.SCORE_ERROR]["children"])
    assert out[ids.SCORE_RESULT]["children"] is None
    values["return_rate"] = None
    values["monetary"] = None  # a required field left blank
    out = _outputs_by_key(call_score(client, values))
    assert out[f"{ids.SCORE_FIELD}:monetary"]["invalid"] is True
    assert "missing required field 'monetary'" in json.dumps(out[ids.SCORE_ERROR]["children"])


def test_the_background_map_follows_the_slicers(client: FlaskClient) -> None:
    values = dict(REQUIRED)
    everyone = _outputs_by_key(call_score(client, values))
    high = _outputs_by_key(call_score(client, values, store="?risk=high"))
    count = lambda out: sum(len(t["x"]) for t in out[ids.SCORE_PROJECTION]["figure"]["data"][:-1])  # noqa: E731
    assert 0 < count(high) < count(everyone) <= model_q.SCORE_BACKGROUND_POINTS


@pytest.fixture(scope="module")
def customer_table_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return customer_table_warehouse_at(tmp_path_factory.getbasetemp() / "dashboard")


@pytest.mark.slow
def test_a_customer_table_run_asks_for_the_table_columns(customer_table_warehouse: Path) -> None:
    client = dashboard_app.create_app(
        Settings(warehouse=customer_table_warehouse)
    ).server.test_client()
    assert client.get("/score").status_code == 200
    inputs = scoring.model_inputs(customer_table_warehouse)
    names = [f["name"] for f in inputs]
    assert "annual_income_k" in names
    assert "recency_days" not in names
    layout = json.dumps(
        call(
            client,
            "_pages_content.children",
            {"_pages_location.pathname": "/score", "_pages_location.search": ""},
            triggered="_pages_location.pathname",
        )["_pages_content"]["children"]
    )
    assert "the customer table's columns" in layout
    for name in names:
        assert f'"index": "{name}"' in layout
    values = {f["name"]: f["default"] if f["required"] else None for f in inputs}
    out = _outputs_by_key(call_score(client, values))
    card = json.dumps(out[ids.SCORE_RESULT]["children"])
    expected = scoring.score_customer(
        customer_table_warehouse, {k: v for k, v in values.items() if v is not None}
    )
    assert expected["churn_probability"] is None
    assert expected["segment"] in card
    status, body = post(client, {k: v for k, v in values.items() if v is not None})
    assert status == 200
    assert body["churn_probability"] is None
    assert body["churn_note"]


def test_score_endpoint_reads_through_the_apps_reader(demo_warehouse: Path) -> None:
    """The endpoint uses the app's read-only reader, so it follows swaps like every page."""
    reader = WarehouseReader(demo_warehouse)
    model = api.loaded_model(reader)
    assert model is api.loaded_model(reader)
    assert model.inputs == scoring.model_inputs(demo_warehouse)
    assert model.score(dict(REQUIRED)) == scoring.score_customer(demo_warehouse, dict(REQUIRED))
