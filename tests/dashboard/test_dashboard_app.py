"""The Dash app over HTTP (Flask test client): shell, callbacks, assets, hostile input, serving.

Callbacks are called the way the browser calls them (POST /_dash-update-component), so what
is tested is the whole server path: request parsing, validation, SQL, JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dash
import pytest
from flask.testing import FlaskClient

from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard import filter_bar, ids
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.pages import customers
from segmenta.dashboard.pages import map as map_page
from segmenta.dashboard.queries import common
from segmenta.settings import Settings
from segmenta.warehouse.connection import WarehouseMissingError, WarehouseReader, current_file
from tests.helpers import demo_warehouse_at
from tests.helpers.dashboard import HOSTILE, call


@pytest.fixture(scope="session")
def invoices_only_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_warehouse_at(
        tmp_path_factory.getbasetemp() / "dashboard", with_customer_table=False
    )


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # first request: Dash sets up its routes
    return client


def fetch(client: FlaskClient, url: str) -> tuple[int, bytes]:
    """GET ``url``; (status, body), closing the response (file responses hold the file open)."""
    with client.get(url) as response:
        return response.status_code, response.get_data()


def _strings(node: object) -> list[str]:
    """Every string in a JSON tree."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


# -- the shell ---------------------------------------------------------------------------------
def test_index_and_assets_are_served_locally(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", html)
    for url in urls:
        assert fetch(client, url)[0] == 200, url
    assert any("bootstrap" in u for u in urls)
    css = fetch(client, next(u for u in urls if "bootstrap" in u))[1].decode()
    assert "Bootstrap" in css[:300]
    assert "fonts.googleapis" not in css


def test_offline_country_outlines_are_served_where_the_map_looks(
    app: dash.Dash, client: FlaskClient
) -> None:
    with app.server.test_request_context("/"):
        config = map_page.map_config()
    url = config["topojsonURL"]
    assert url.startswith("/")
    assert url.endswith("/")
    status, body = fetch(client, url + "world_110m.json")
    assert status == 200
    topology = json.loads(body)
    assert topology["type"] == "Topology"
    country_ids = {g.get("id") for g in topology["objects"]["countries"]["geometries"]}
    assert {"GBR", "FRA", "DEU", "AUS", "USA"} <= country_ids
    assert len(country_ids) > 150


def test_layout_has_the_slicers_and_the_navbar_from_the_page_registry(client: FlaskClient) -> None:
    layout = client.get("/_dash-layout").get_data(as_text=True)
    for component_id in (
        ids.FILTER_DATES,
        ids.FILTER_COUNTRY,
        ids.FILTER_SEGMENT,
        ids.FILTER_RISK,
        ids.FILTER_CLEAR,
    ):
        assert f'"{component_id}"' in layout
    paths = [p["path"] for p in sorted(dash.page_registry.values(), key=lambda p: p["order"])]
    assert paths == [
        "/",
        "/customers",
        "/map",
        "/demographics",
        "/products",
        "/churn",
        "/model",
        "/score",
        "/sql",
    ]
    texts = set(_strings(json.loads(layout)))
    assert {"Overview", "Customers", "Map", "Age / gender", "Clear filters"} <= texts


def test_sync_callback_round_trips_the_url(client: FlaskClient, reader: WarehouseReader) -> None:
    options = common.filter_options(reader)
    segment = next(iter(options.segments))
    search = f"?country=France&segment={quote(segment)}&risk=high"
    out = call(client, "url.search", {"url.search": search}, triggered="url.search")
    assert out[ids.FILTER_COUNTRY]["value"] == ["France"]
    assert out[ids.FILTER_SEGMENT]["value"] == [segment]
    assert out[ids.FILTER_RISK]["value"] == ["high"]
    assert out[ids.FILTER_DATES] == {
        "start_date": options.date_min.isoformat(),
        "end_date": options.date_max.isoformat(),
    }
    store = out[ids.FILTER_STORE]["data"]
    assert Filters.from_query(store, options) == Filters.from_query(search, options)
    # slicers -> URL
    out = call(
        client,
        "url.search",
        {"url.search": "", "filter-country.value": ["Germany"], "filter-risk.value": ["low"]},
        triggered="filter-country.value",
    )
    assert out[ids.URL]["search"] == "?country=Germany&risk=low"
    assert out[ids.FILTER_STORE]["data"] == "?country=Germany&risk=low"
    assert ids.FILTER_COUNTRY not in out  # the slicers keep what the user picked
    # clear filters
    out = call(
        client,
        "url.search",
        {
            "url.search": "?country=Germany",
            "filter-country.value": ["Germany"],
            "filter-clear.n_clicks": 1,
        },
        {"filter-store.data": "?country=Germany"},
        triggered="filter-clear.n_clicks",
    )
    assert out[ids.URL]["search"] == ""
    assert out[ids.FILTER_STORE]["data"] == ""
    assert out[ids.FILTER_COUNTRY]["value"] == []


def test_hostile_values_through_the_url_and_the_slicers(
    client: FlaskClient, reader: WarehouseReader, demo_warehouse: Path
) -> None:
    before = current_file(demo_warehouse)
    counts = reader.query(
        "SELECT (SELECT count(*) FROM dim_customer) AS c, (SELECT count(*) FROM fact_invoice_line) AS f"
    )
    bad = quote(HOSTILE)
    search = f"?from={bad}&to=2011-99-99&country={bad}&segment={bad}&risk={bad}&country=France"
    out = call(client, "url.search", {"url.search": search}, triggered="url.search")
    assert out[ids.URL]["search"] == "?country=France"  # the URL is rewritten to what applies
    assert out[ids.FILTER_STORE]["data"] == "?country=France"
    assert out[ids.FILTER_SEGMENT]["value"] == []
    out = call(
        client,
        "url.search",
        {
            "url.search": "",
            "filter-dates.start_date": HOSTILE,
            "filter-dates.end_date": {"$gt": 1},
            "filter-country.value": [HOSTILE, "France", 42, None],
            "filter-segment.value": HOSTILE,
            "filter-risk.value": [["high"]],
        },
        triggered="filter-country.value",
    )
    assert out[ids.FILTER_STORE]["data"] == "?country=France"
    # a tampered filter store reaches the page callbacks: it is validated again there
    tampered = call(
        client, "overview-kpis.children", {"filter-store.data": f"?segment={bad}&country=France"}
    )
    clean = call(client, "overview-kpis.children", {"filter-store.data": "?country=France"})
    assert tampered == clean
    coverage = call(client, "coverage.children", {"filter-store.data": search})
    france = common.coverage(reader, Filters(countries=("France",)))
    assert coverage[ids.COVERAGE]["children"] == f"{france[0]:,} customers · {france[1]:,} lines"
    assert current_file(demo_warehouse) == before
    assert reader.query(
        "SELECT (SELECT count(*) FROM dim_customer) AS c, (SELECT count(*) FROM fact_invoice_line) AS f"
    ).equals(counts)


def test_coverage_line_for_the_current_filter(client: FlaskClient, reader: WarehouseReader) -> None:
    out = call(client, "coverage.children", {"filter-store.data": ""})
    customers_n, lines_n = common.coverage(reader, Filters())
    assert out[ids.COVERAGE]["children"] == f"{customers_n:,} customers · {lines_n:,} lines"
    assert out[ids.FILTER_SUMMARY]["children"] == "(all data)"


# -- page callbacks ------------------------------------------------------------------------------
def test_overview_callback_and_drill_through(client: FlaskClient, reader: WarehouseReader) -> None:
    out = call(client, "overview-kpis.children", {"filter-store.data": ""})
    rows = out[ids.OVERVIEW_SEGMENT_TABLE]["rowData"]
    options = common.filter_options(reader)
    assert [r["segment"] for r in rows] == list(options.segments)
    colors = {r["segment"]: r["color"] for r in rows}
    bar = out[ids.OVERVIEW_CUSTOMERS_BAR]["figure"]["data"][0]
    assert bar["marker"]["color"] == [colors[s] for s in bar["y"]]
    assert len(set(colors.values())) == len(colors)  # one colour per segment
    segment = rows[-1]["segment"]
    click = {"points": [{"y": segment, "customdata": segment}]}
    nav = call(
        client,
        "nav.href",
        {"overview-customers-bar.clickData": click},
        {"filter-store.data": "?country=France"},
        triggered="overview-customers-bar.clickData",
    )
    assert (
        nav[ids.NAV]["href"]
        == "/customers" + Filters(countries=("France",), segments=(segment,)).to_query()
    )
    # a row of the segment table (its row id is the segment) drills through the same way
    nav = call(
        client,
        "nav.href",
        {"overview-segment-table.cellClicked": {"rowId": rows[0]["segment"], "colId": "customers"}},
        {"filter-store.data": ""},
        triggered="overview-segment-table.cellClicked",
    )
    assert nav[ids.NAV]["href"] == "/customers" + Filters(segments=(rows[0]["segment"],)).to_query()
    # a click on something that is not a segment of the run goes nowhere
    assert (
        call(
            client,
            "nav.href",
            {"overview-bubble.clickData": {"points": [{"customdata": [HOSTILE]}]}},
            {"filter-store.data": ""},
            triggered="overview-bubble.clickData",
        )
        == {}
    )


def test_customers_grid_and_export_over_http(client: FlaskClient, reader: WarehouseReader) -> None:
    request = {
        "startRow": 0,
        "endRow": 100,
        "sortModel": [{"colId": "churn_probability", "sort": "desc"}],
        "filterModel": {},
    }
    out = call(
        client,
        "customers-grid.getRowsResponse",
        {"customers-grid.getRowsRequest": request},
        {"filter-store.data": "?risk=high", "customers-search.value": None},
    )
    response = out[ids.CUSTOMERS_GRID]["getRowsResponse"]
    expected = reader.query(
        "SELECT count(*) AS n FROM customer_360 WHERE risk_band = 'high'"
    ).item()
    assert response["rowCount"] == expected
    assert len(response["rowData"]) == min(100, expected)
    assert {r["risk_band"] for r in response["rowData"]} == {"high"}
    assert out[ids.CUSTOMERS_MATCHES]["children"] == f"{expected:,} matching customers"
    hostile = {
        "startRow": "0; DROP TABLE x",
        "endRow": 1e308,
        "sortModel": [{"colId": HOSTILE, "sort": "desc"}],
        "filterModel": {
            "display_name": {"filterType": "text", "type": "contains", "filter": HOSTILE}
        },
    }
    out = call(
        client,
        "customers-grid.getRowsResponse",
        {"customers-grid.getRowsRequest": hostile},
        {"filter-store.data": "", "customers-search.value": HOSTILE},
    )
    assert out[ids.CUSTOMERS_GRID]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    export = call(
        client,
        "customers-download.data",
        {"customers-export.n_clicks": 1},
        {
            "filter-store.data": "?risk=high",
            "customers-grid.getRowsRequest": request,
            "customers-search.value": "",
        },
    )
    download = export[ids.CUSTOMERS_DOWNLOAD]["data"]
    lines = download["content"].strip().splitlines()
    assert download["filename"].endswith(".csv")
    assert lines[0].startswith("customer_id,display_name,country,segment,churn_probability")
    assert len(lines) == expected + 1


def test_customer_detail_view_over_http(client: FlaskClient, reader: WarehouseReader) -> None:
    key, name = reader.query(
        "SELECT customer_key, display_name FROM customer_360 ORDER BY monetary DESC LIMIT 1"
    ).row(0)
    out = call(
        client,
        "customers-detail.is_open",
        {"customers-grid.cellClicked": {"rowId": str(key), "colId": "display_name", "value": name}},
        {"filter-store.data": ""},
        triggered="customers-grid.cellClicked",
    )
    assert out[ids.CUSTOMERS_DETAIL] == {"is_open": True, "title": name}
    body = json.dumps(out[ids.CUSTOMERS_DETAIL_BODY]["children"])
    for text in (
        "Profile",
        "Churn risk",
        "Segment and why",
        "Invoice history",
        "Top products",
        "Returns",
    ):
        assert text in body
    assert customers.clicked_customer_key({"rowId": "12; DROP"}) is None
    assert customers.clicked_customer_key({"rowId": "17"}) == 17


def test_map_callback_and_country_click(client: FlaskClient, reader: WarehouseReader) -> None:
    out = call(
        client, "map-graph.figure", {"filter-store.data": "", "map-metric.value": "churn_rate"}
    )
    figure = out[ids.MAP_GRAPH]["figure"]
    trace = figure["data"][0]
    assert trace["type"] == "choropleth"
    assert trace["locationmode"] == "ISO-3"
    assert "GBR" in trace["locations"]
    rows = out[ids.MAP_TABLE]["rowData"]
    churn = [r["churn_rate"] for r in rows if r["churn_rate"] is not None]
    assert churn == sorted(churn, reverse=True)
    # an unknown metric falls back to revenue
    out = call(client, "map-graph.figure", {"filter-store.data": "", "map-metric.value": HOSTILE})
    assert out[ids.MAP_GRAPH]["figure"]["data"][0]["colorbar"]["title"]["text"] == "Revenue"
    click = {"points": [{"location": "FRA", "customdata": ["France", 1, 2.0, 0.5, 2.0]}]}
    out = call(
        client,
        "filter-country.value",
        {"map-graph.clickData": click},
        {"filter-country.value": ["Germany"]},
        triggered="map-graph.clickData",
    )
    assert out[ids.FILTER_COUNTRY]["value"] == ["France"]
    assert map_page.country_after_click("France", ["France"], ["France"]) == []
    assert map_page.country_after_click(HOSTILE, [], ["France"]) is None


def test_demographics_callback(client: FlaskClient) -> None:
    out = call(client, "demographics-notice.children", {"filter-store.data": ""})
    assert out[ids.DEMOGRAPHICS_NOTICE]["children"] is None
    assert out[ids.DEMOGRAPHICS_CHARTS]["style"] == {}
    age = out[ids.DEMOGRAPHICS_AGE]["figure"]
    assert [t["type"] for t in age["data"]] == ["bar"] * len(age["data"])
    assert age["data"][0]["x"][0] in ("<20", "20-30")


@pytest.mark.slow
def test_demographics_page_explains_how_to_load_a_customer_table(
    invoices_only_warehouse: Path,
) -> None:
    app = dashboard_app.create_app(Settings(warehouse=invoices_only_warehouse))
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    out = call(client, "demographics-notice.children", {"filter-store.data": ""})
    notice = json.dumps(out[ids.DEMOGRAPHICS_NOTICE]["children"])
    assert "No demographics" in notice
    assert "segmenta ingest --customers" in notice
    assert out[ids.DEMOGRAPHICS_CHARTS]["style"] == {"display": "none"}
    # the other pages still work on that warehouse
    overview_out = call(client, "overview-kpis.children", {"filter-store.data": ""})
    assert overview_out[ids.OVERVIEW_SEGMENT_TABLE]["rowData"]


@pytest.mark.slow
def test_two_apps_in_one_process_read_their_own_warehouse(
    app: dash.Dash, invoices_only_warehouse: Path, demo_warehouse: Path
) -> None:
    other = dashboard_app.create_app(Settings(warehouse=invoices_only_warehouse))
    first, second = app.server.test_client(), other.server.test_client()
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 200
    a = call(first, "coverage.children", {"filter-store.data": ""})[ids.COVERAGE]["children"]
    b = call(second, "coverage.children", {"filter-store.data": ""})[ids.COVERAGE]["children"]
    expected_a = common.coverage(WarehouseReader(demo_warehouse), Filters())
    expected_b = common.coverage(WarehouseReader(invoices_only_warehouse), Filters())
    assert a == f"{expected_a[0]:,} customers · {expected_a[1]:,} lines"
    assert b == f"{expected_b[0]:,} customers · {expected_b[1]:,} lines"


# -- serving -----------------------------------------------------------------------------------------
def test_serve_is_not_in_debug_mode_unless_asked(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kwargs: calls.append(kwargs))
    from segmenta.cli import main

    serve = ["serve", "--warehouse", str(demo_warehouse), "--host", "127.0.0.1", "--port", "8123"]
    assert main(serve) == 0  # the command line prints the banner, then serves
    dashboard_app.serve(Settings(warehouse=demo_warehouse, debug=True))
    assert calls[0] == {"host": "127.0.0.1", "port": 8123, "debug": False}
    assert calls[1]["debug"] is True
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissingError, match="no warehouse here yet"):
        dashboard_app.create_app(Settings(warehouse=tmp_path / "nothing.duckdb"))


def test_sync_filters_logic_without_a_server(reader: WarehouseReader) -> None:
    options = common.filter_options(reader)
    no_update = dash.no_update
    out = filter_bar.sync_filters(None, "?risk=low", filter_bar.Slicers(), None, options)
    assert out == (
        no_update,
        options.date_min.isoformat(),
        options.date_max.isoformat(),
        [],
        [],
        ["low"],
        "?risk=low",
    )
    slicers = filter_bar.Slicers(None, None, [], [], ["low"])
    out = filter_bar.sync_filters(ids.FILTER_RISK, "?risk=low", slicers, "?risk=low", options)
    assert out == (no_update,) * 7  # nothing changed: nothing to redraw


def test_the_start_up_banner_says_where_and_for_whom(tmp_path: Path) -> None:
    local = dashboard_app.startup_banner(Settings(warehouse=Path("w.duckdb")))
    assert local == [
        "Segmenta dashboard: http://127.0.0.1:8050/  (warehouse w.duckdb, read-only; "
        "Ctrl+C to stop)",
        "Listening on this machine only. To share it, set SEGMENTA_HOST=0.0.0.0 and sign-in "
        "(SEGMENTA_USERS_FILE, see `segmenta hash-password`) or SEGMENTA_AUTH=proxy.",
    ]
    shared = dashboard_app.startup_banner(Settings(host="0.0.0.0", port=9000))
    assert shared[1] == "WARNING: listening on the network with no sign-in configured."
    signed_in = Settings(host="0.0.0.0", users_file=tmp_path / "users.txt")
    assert len(dashboard_app.startup_banner(signed_in)) == 1
