"""Segmentation model page: the k sweep, projection, profiles, and renames (the one write path).

Renames run on a copy of the demo warehouse (the shared one stays as it was built).
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard import ids
from segmenta.dashboard.figures import model as model_figures
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import model as model_q
from segmenta.settings import Settings
from segmenta.warehouse.connection import WarehouseReader, current_file
from tests.helpers.dashboard import HOSTILE, busiest_country, call


@pytest.fixture(scope="module")
def client(demo_warehouse: Path) -> FlaskClient:
    client = dashboard_app.create_app(Settings(warehouse=demo_warehouse)).server.test_client()
    assert client.get("/model").status_code == 200
    return client


def model_call(client: FlaskClient, store: str = "") -> dict[str, Any]:
    return call(
        client,
        f"{ids.MODEL_SUMMARY}.children",
        {f"{ids.FILTER_STORE}.data": store, f"{ids.MODEL_RENAMED}.data": 0},
    )


# -- figures ---------------------------------------------------------------------------------------
def test_k_sweep_curves_mark_the_chosen_k(client: FlaskClient, reader: WarehouseReader) -> None:
    out = model_call(client)
    sweep = reader.query(
        "SELECT k, sse, silhouette, chosen FROM k_sweep "
        "WHERE run_id = (SELECT max(run_id) FROM model_run) ORDER BY k"
    )
    chosen = sweep.filter(pl.col("chosen")).row(0, named=True)
    for graph, column in ((ids.MODEL_ELBOW, "sse"), (ids.MODEL_SILHOUETTE, "silhouette")):
        figure = out[graph]["figure"]
        line, star = figure["data"]
        assert line["x"] == sweep["k"].to_list()
        assert line["y"] == sweep[column].to_list()
        assert star["x"] == [chosen["k"]]
        assert star["y"] == [chosen[column]]
        assert figure["layout"]["annotations"][0]["text"] == f"chosen k = {chosen['k']}"
    summary = json.dumps(out[ids.MODEL_SUMMARY]["children"])
    assert f"k = {chosen['k']}" in summary


def test_heatmap_shows_each_segments_stored_profile(
    client: FlaskClient, reader: WarehouseReader, options: FilterOptions
) -> None:
    heatmap = model_call(client)[ids.MODEL_HEATMAP]["figure"]["data"][0]
    profiles = reader.query(
        "SELECT display_label, profile::VARCHAR AS profile FROM segment_named "
        "WHERE run_id = (SELECT max(run_id) FROM model_run) ORDER BY segment_id"
    )
    assert heatmap["y"] == profiles["display_label"].to_list() == list(options.segments)
    for row, text in zip(heatmap["z"], profiles["profile"].to_list(), strict=True):
        assert row == list(json.loads(text).values())
    assert heatmap["zmid"] == 0
    assert heatmap["zmin"] == -heatmap["zmax"]
    # the segment slicer narrows it to the chosen segments
    segment = list(options.segments)[1]
    narrowed = model_call(client, Filters(segments=(segment,)).to_query())
    assert narrowed[ids.MODEL_HEATMAP]["figure"]["data"][0]["y"] == [segment]


def test_projection_is_a_stable_sample_of_the_covered_customers(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    country = busiest_country(reader)
    for filters in (Filters(), Filters(countries=(country,)), Filters(risk_bands=("high",))):
        sample = model_q.projection_sample(reader, filters, limit=300)
        covered = common.coverage(reader, filters)[0]
        assert sample.height == min(300, covered)
        assert sample["n_covered"][0] == covered
        again = model_q.projection_sample(reader, filters, limit=300)
        assert again["customer_key"].to_list() == sample["customer_key"].to_list()
        truth = reader.query(
            "SELECT customer_key, pc1, pc2 FROM customer_segment "
            "WHERE run_id = (SELECT max(run_id) FROM model_run)"
        )
        joined = sample.join(truth, on="customer_key", suffix="_stored")
        assert joined.height == sample.height
        assert (joined["pc1"] == joined["pc1_stored"]).all()
    coverage = model_q.segment_coverage(reader, Filters(countries=(country,)))
    assert coverage["customers"].sum() == common.coverage(reader, Filters(countries=(country,)))[0]


def test_scatter_follows_the_slicers(client: FlaskClient, reader: WarehouseReader) -> None:
    everyone = model_call(client)
    high = model_call(client, "?risk=high")
    count = lambda out: sum(len(t["x"]) for t in out[ids.MODEL_SCATTER]["figure"]["data"])  # noqa: E731
    n_all = common.coverage(reader, Filters())[0]
    n_high = common.coverage(reader, Filters(risk_bands=("high",)))[0]
    assert count(everyone) == min(n_all, model_q.PROJECTION_POINTS)
    assert count(high) == n_high < count(everyone)
    rows = {r["segment"]: r for r in high[ids.MODEL_SEGMENTS]["rowData"]}
    expected = model_q.segment_coverage(reader, Filters(risk_bands=("high",)))
    assert sum(r["covered"] for r in rows.values()) == expected["customers"].sum() == n_high
    assert all(r["covered"] <= r["n_customers"] for r in rows.values())


def test_wrap_label() -> None:
    assert (
        model_figures.wrap_label("Days since the last purchase")
        == "Days since the<br>last purchase"
    )
    assert model_figures.wrap_label("Revenue") == "Revenue"


# -- renames ------------------------------------------------------------------------------------------
def copy_of(warehouse: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "warehouse.duckdb"
    shutil.copyfile(current_file(warehouse), copy)  # type: ignore[arg-type]
    return copy


def edit(run_id: int, segment_id: int, old: str, new: object) -> list[dict[str, Any]]:
    """A grid cellValueChanged event for the name cell of a segment row."""
    return [
        {
            "rowIndex": segment_id - 1,
            "rowId": str(segment_id),
            "data": {"run_id": run_id, "segment_id": segment_id, "segment": new},
            "oldValue": old,
            "value": new,  # what dash-ag-grid 35 sends (its docs say newValue)
            "colId": "segment",
        }
    ]


def rename_call(
    client: FlaskClient, event: object, store: str = "", headers: dict[str, str] | None = None
) -> dict[str, Any]:
    if headers:
        client.environ_base.update({"HTTP_AUTHORIZATION": headers["Authorization"]})
    return call(
        client,
        f"{ids.MODEL_RENAME_STATUS}.children",
        {f"{ids.MODEL_SEGMENTS}.cellValueChanged": event},
        {f"{ids.FILTER_STORE}.data": store, f"{ids.MODEL_RENAMED}.data": 3},
        triggered=f"{ids.MODEL_SEGMENTS}.cellValueChanged",
    )


def labels(warehouse: Path) -> list[tuple[str, str]]:
    return (
        WarehouseReader(warehouse)
        .query("SELECT label, renamed_by FROM segment_label ORDER BY label_id")
        .rows()
    )


def status_of(out: dict[str, Any]) -> tuple[str, str]:
    props = out[ids.MODEL_RENAME_STATUS]["children"]["props"]
    return props["color"], props["children"]


def test_an_analyst_renames_a_segment_and_every_page_shows_it(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = copy_of(demo_warehouse, tmp_path)
    client = dashboard_app.create_app(Settings(warehouse=warehouse)).server.test_client()
    client.get("/")
    before = common.filter_options(WarehouseReader(warehouse))
    old = list(before.segments)[1]
    run_id = WarehouseReader(warehouse).scalar("SELECT max(run_id) FROM model_run")
    store = Filters(segments=(old,), risk_bands=("high",)).to_query()
    out = rename_call(client, edit(run_id, 2, old, "  Big Spenders  "), store)
    color, message = status_of(out)
    assert color == "success"
    assert "now called \u201cBig Spenders\u201d" in message
    assert f"was \u201c{old}\u201d" in message
    assert "saved by local" in message  # sign-in off: the local analyst
    assert out[ids.MODEL_RENAMED]["data"] == 4, "the page redraws"
    assert labels(warehouse) == [("Big Spenders", "local")]
    assert [o["value"] for o in out[ids.FILTER_SEGMENT]["options"]] == [
        "Big Spenders" if s == old else s for s in before.segments
    ]
    # the renamed segment was in the filter: the URL keeps it under its new name
    assert out[ids.URL]["search"] == "?segment=Big+Spenders&risk=high"
    # the other pages read the new name
    overview = call(client, "overview-kpis.children", {f"{ids.FILTER_STORE}.data": ""})
    assert "Big Spenders" in overview["overview-customers-bar"]["figure"]["data"][0]["y"]
    assert old not in overview["overview-customers-bar"]["figure"]["data"][0]["y"]
    rows = model_call(client)[ids.MODEL_SEGMENTS]["rowData"]
    renamed = next(r for r in rows if r["segment_id"] == 2)
    assert renamed["segment"] == "Big Spenders"
    assert renamed["generated_name"] == old
    assert renamed["renamed"].startswith("local, ")
    grid = call(
        client,
        "customers-grid.getRowsResponse",
        {"customers-grid.getRowsRequest": {"startRow": 0, "endRow": 50}},
        {f"{ids.FILTER_STORE}.data": "?segment=Big+Spenders"},
    )
    segments = {r["segment"] for r in grid["customers-grid"]["getRowsResponse"]["rowData"]}
    assert segments == {"Big Spenders"}
    shell = call(client, "url.search", {"url.search": "?segment=Big+Spenders"})
    assert shell[ids.FILTER_SEGMENT]["value"] == ["Big Spenders"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("", "expected 1 to 40 characters, got 0"),
        ("x" * 41, "expected 1 to 40 characters, got 41"),
        ("bad\nname", "printable characters only"),
        ("__OTHER__", "is already the name of segment"),
    ],
)
def test_invalid_names_are_refused_and_nothing_is_written(
    demo_warehouse: Path, tmp_path: Path, new: str, message: str
) -> None:
    warehouse = copy_of(demo_warehouse, tmp_path)
    client = dashboard_app.create_app(Settings(warehouse=warehouse)).server.test_client()
    client.get("/")
    names = list(common.filter_options(WarehouseReader(warehouse)).segments)
    version = WarehouseReader(warehouse).version
    label = names[2].upper() if new == "__OTHER__" else new
    out = rename_call(client, edit(1, 1, names[0], label))
    color, text = status_of(out)
    assert color == "danger"
    assert text.startswith("Not renamed: label: ")
    assert message in text
    assert out[ids.MODEL_RENAMED]["data"] == 4, "the grid is redrawn: the edit is reverted"
    assert ids.FILTER_SEGMENT not in out
    assert labels(warehouse) == []
    assert WarehouseReader(warehouse).version == version


@pytest.mark.slow
@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        "rename everything",
        [{"colId": "description", "value": "x", "data": {"run_id": 1, "segment_id": 1}}],
        [{"colId": "segment", "value": "x", "data": {"run_id": "1", "segment_id": 1}}],
        [{"colId": "segment", "value": 5, "data": {"run_id": 1, "segment_id": 1}}],
        [{"colId": "segment", "value": HOSTILE, "data": {"run_id": 1, "segment_id": True}}],
    ],
)
def test_malformed_edits_change_nothing(
    demo_warehouse: Path, tmp_path: Path, event: object
) -> None:
    warehouse = copy_of(demo_warehouse, tmp_path)
    client = dashboard_app.create_app(Settings(warehouse=warehouse)).server.test_client()
    client.get("/")
    out = rename_call(client, event)
    assert out == {}, "nothing to do: no update at all"
    assert labels(warehouse) == []


@pytest.mark.slow
def test_unknown_segment_or_run_is_refused(demo_warehouse: Path, tmp_path: Path) -> None:
    warehouse = copy_of(demo_warehouse, tmp_path)
    client = dashboard_app.create_app(Settings(warehouse=warehouse)).server.test_client()
    client.get("/")
    color, text = status_of(rename_call(client, edit(1, 99, "x", "Nobody")))
    assert color == "danger"
    assert "segment_id: run 1 has segments" in text
    color, text = status_of(rename_call(client, edit(42, 1, "x", "Nobody")))
    assert "run_id: model run 42 has no segments" in text
    assert labels(warehouse) == []


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def signed_in(demo_warehouse: Path, tmp_path: Path) -> tuple[FlaskClient, Path]:
    warehouse = copy_of(demo_warehouse, tmp_path / "w")
    users = tmp_path / "users.txt"
    users.write_text(
        f"ann:analyst:{generate_password_hash('ann-pw')}\n"
        f"vic:viewer:{generate_password_hash('vic-pw')}\n"
    )
    app = dashboard_app.create_app(Settings(warehouse=warehouse, users_file=users))
    return app.server.test_client(), warehouse


@pytest.mark.slow
def test_viewers_cannot_rename_even_by_calling_the_callback(
    signed_in: tuple[FlaskClient, Path],
) -> None:
    client, warehouse = signed_in
    viewer = basic("vic", "vic-pw")
    assert client.get("/", headers=viewer).status_code == 200
    out = rename_call(client, edit(1, 1, "x", "Viewer Was Here"), headers=viewer)
    color, text = status_of(out)
    assert color == "warning"
    assert "analysts only" in text
    assert labels(warehouse) == []
    layout = call(
        client,
        "_pages_content.children",
        {"_pages_location.pathname": "/model", "_pages_location.search": ""},
        triggered="_pages_location.pathname",
    )["_pages_content"]["children"]
    text = json.dumps(layout)
    assert "renaming is for analysts only" in text
    assert '"editable": true' not in text
    # an analyst can, and the audit names them
    analyst = basic("ann", "ann-pw")
    out = rename_call(client, edit(1, 1, "x", "Ann's Name"), headers=analyst)
    assert status_of(out)[0] == "success"
    assert labels(warehouse) == [("Ann's Name", "ann")]
    layout = call(
        client,
        "_pages_content.children",
        {"_pages_location.pathname": "/model", "_pages_location.search": ""},
        triggered="_pages_location.pathname",
    )["_pages_content"]["children"]
    assert '"editable": true' in json.dumps(layout)


@pytest.mark.slow
def test_renaming_to_the_same_name_writes_nothing(demo_warehouse: Path, tmp_path: Path) -> None:
    warehouse = copy_of(demo_warehouse, tmp_path)
    client = dashboard_app.create_app(Settings(warehouse=warehouse)).server.test_client()
    client.get("/")
    name = next(iter(common.filter_options(WarehouseReader(warehouse)).segments))
    out = rename_call(client, edit(1, 1, name, name))
    assert ids.MODEL_RENAME_STATUS not in out
    assert labels(warehouse) == []
