"""The SQL page for analysts: the sandbox, the schema panel and its catalog, the examples.

Callbacks are driven over HTTP as the browser drives them (``call`` from the app tests).
"""

from __future__ import annotations

import base64
import csv
import io
import re
from importlib.resources import files
from pathlib import Path

import dash
import duckdb
import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard import ids
from segmenta.dashboard.pages import sql as sql_page
from segmenta.settings import Settings
from segmenta.warehouse import analyst, catalog
from segmenta.warehouse.analyst import QueryRefusedError, run_read_only_query
from segmenta.warehouse.connection import WarehouseReader
from segmenta.warehouse.schema import VIEW_ORDER, table_names
from tests.helpers.dashboard import call

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app(demo_warehouse: Path) -> dash.Dash:
    return dashboard_app.create_app(
        Settings(warehouse=demo_warehouse, sql_row_limit=50, sql_timeout_s=2.0)
    )


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    client = app.server.test_client()
    assert client.get("/sql").status_code == 200
    return client


def run(client: FlaskClient, text: str) -> dict:
    return call(
        client,
        f"{ids.SQL_RESULT}.columnDefs",
        {f"{ids.SQL_RUN}.n_clicks": 1},
        {f"{ids.SQL_EDITOR}.value": text},
        triggered=f"{ids.SQL_RUN}.n_clicks",
    )


def status_text(out: dict) -> str:
    return out[ids.SQL_STATUS]["children"]["props"]["children"]


# -- the catalog ---------------------------------------------------------------------------------
def test_catalog_parses_what_the_schema_doc_shows() -> None:
    """Every column row of docs/schema.md (generated from the SQL files) is in the catalog."""
    doc = (ROOT / "docs" / "schema.md").read_text()
    docs = catalog.catalog()
    assert list(docs) == [*table_names(), *VIEW_ORDER]
    rows = 0
    for section in re.split(r"^### ", doc, flags=re.M)[1:]:
        name = section.split("`")[1]
        relation = docs[name]
        assert relation.kind == ("view" if name in VIEW_ORDER else "table")
        assert relation.description in section
        for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \| (.*) \|$", section, flags=re.M):
            column, dtype, meaning = m.group(1), m.group(2).strip(), m.group(3).strip()
            assert relation.meaning(column) == meaning.replace("\\|", "|"), (name, column)
            assert next(c.type for c in relation.columns if c.name == column) == dtype
            rows += 1
    assert rows > 100
    assert docs["customer_360"].kind == "view"
    assert docs["customer_360"].summary.startswith("one row per customer of the latest model run")
    assert docs["churn_score"].meaning("risk_band") == "'low' | 'medium' | 'high'"
    with pytest.raises(KeyError):
        catalog.relation_doc("no_such_table")


def test_header_stops_at_the_first_sql_line() -> None:
    sql = "-- a: first\n-- second\nCREATE TABLE a (\n    x INTEGER, -- not a header\n);\n"
    assert catalog.header(sql) == "a: first second"
    assert catalog.column_docs(sql) == [catalog.ColumnDoc("x", "INTEGER", "not a header")]


# -- examples -----------------------------------------------------------------------------------------
def test_every_saved_example_has_a_title_and_returns_rows(demo_warehouse: Path) -> None:
    folder = files("segmenta.warehouse") / "sql" / "examples"
    stems = sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql"))
    examples = sql_page.examples()
    assert sorted(examples) == stems
    titles = {title for title, _text in examples.values()}
    assert {"Segment KPIs", "RFM by country", "Churn by segment"} <= titles
    for key, (title, text) in examples.items():
        assert text.startswith(f"-- title: {title}\n"), key
        frame = run_read_only_query(demo_warehouse, text, limit=1000, timeout_s=10.0)
        if key != "segment_renames":  # no rename in the shared demo warehouse
            assert frame.height > 0, key
    kpis = run_read_only_query(
        demo_warehouse, examples["segment_kpis"][1], limit=1000, timeout_s=10.0
    )
    reader = WarehouseReader(demo_warehouse)
    assert kpis["customers"].sum() == reader.scalar("SELECT count(*) FROM customer_360")


def test_choosing_an_example_loads_it_into_the_editor(client: FlaskClient) -> None:
    out = call(
        client,
        f"{ids.SQL_EDITOR}.value",
        {f"{ids.SQL_EXAMPLES}.value": "rfm_by_country"},
        triggered=f"{ids.SQL_EXAMPLES}.value",
    )
    assert out[ids.SQL_EDITOR]["value"].startswith("-- title: RFM by country")
    bogus = call(
        client,
        f"{ids.SQL_EDITOR}.value",
        {f"{ids.SQL_EXAMPLES}.value": "../../etc/passwd"},
        triggered=f"{ids.SQL_EXAMPLES}.value",
    )
    assert bogus == {}, "only the saved examples can be loaded"


# -- running queries ----------------------------------------------------------------------------------
def test_a_query_returns_rows_in_the_grid(client: FlaskClient, demo_warehouse: Path) -> None:
    out = run(
        client, "SELECT country, count(*) AS n FROM customer_360 GROUP BY 1 ORDER BY 2 DESC, 1"
    )
    columns = out[ids.SQL_RESULT]["columnDefs"]
    assert [c["headerName"] for c in columns] == ["country", "n"]
    rows = out[ids.SQL_RESULT]["rowData"]
    expected = WarehouseReader(demo_warehouse).query(
        "SELECT country, count(*) AS n FROM customer_360 GROUP BY 1 ORDER BY 2 DESC, 1"
    )
    assert [(r["c0"], r["c1"]) for r in rows] == expected.rows()
    assert re.fullmatch(r"\d+ rows in [\d,]+ ms\.", status_text(out))
    assert out[ids.SQL_LAST_QUERY]["data"].startswith("SELECT country")


def test_many_queries_in_a_row_in_one_process(client: FlaskClient) -> None:
    """The sandbox locks the shared DuckDB instance's configuration once; later queries run."""
    for i in range(3):
        out = run(client, f"SELECT {i} AS i")
        assert out[ids.SQL_RESULT]["rowData"] == [{"c0": i}]
    refused = run(client, "SELECT * FROM read_csv('/etc/passwd')")
    assert "file system operations are disabled" in status_text(refused)
    assert run(client, "SELECT 7 AS i")[ids.SQL_RESULT]["rowData"] == [{"c0": 7}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DELETE FROM segment_label", "only queries"),
        ("UPDATE segment SET name = 'x'", "only queries"),
        ("DROP TABLE dim_customer", "only queries"),
        ("COPY dim_customer TO '/tmp/stolen.csv'", "only queries"),
        ("ATTACH '/tmp/other.duckdb' AS other", "only queries"),
        ("SET enable_external_access = true", "only queries"),
        ("INSTALL httpfs", "only queries"),
        ("SELECT 1; DELETE FROM segment_label", "2 statements"),
        ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
        ("SELECT * FROM '/etc/passwd'", "does not exist"),  # no replacement scans
        ("SELECT * FROM read_text('/etc/hostname')", "file system operations are disabled"),
        ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "disabled"),
        ("SELEC 1", "syntax error"),
    ],
)
def test_statements_other_than_queries_and_file_access_are_refused(
    client: FlaskClient, demo_warehouse: Path, text: str, message: str
) -> None:
    before = WarehouseReader(demo_warehouse).version
    out = run(client, text)
    assert status_text(out).startswith("Refused: ")
    assert message in status_text(out)
    assert out[ids.SQL_RESULT]["rowData"] == []
    assert out[ids.SQL_LAST_QUERY]["data"] == ""
    assert not Path("/tmp/stolen.csv").exists()
    assert WarehouseReader(demo_warehouse).version == before


def test_row_limit_cuts_the_result_and_says_so(client: FlaskClient) -> None:
    out = run(client, "SELECT * FROM range(500)")
    assert len(out[ids.SQL_RESULT]["rowData"]) == 50  # the app's sql_row_limit
    assert "row limit (50) was reached" in status_text(out)
    exact = run(client, "SELECT * FROM range(50)")
    assert len(exact[ids.SQL_RESULT]["rowData"]) == 50
    assert "was reached" not in status_text(exact)


@pytest.mark.slow
def test_time_limit_stops_a_slow_query(client: FlaskClient) -> None:
    slow = "SELECT count(*) FROM range(1000000000) a, range(1000) b WHERE a.range * b.range = 7"
    out = run(client, slow)
    assert "longer than 2 s and was stopped" in status_text(out)


def test_values_of_every_type_reach_the_grid_faithfully(client: FlaskClient) -> None:
    out = run(
        client,
        "SELECT [1, 2] AS l, {'a': 1} AS s, '\\x01'::BLOB AS b, 'nan'::DOUBLE AS n, "
        "9007199254740993::BIGINT AS big, DATE '2024-01-02' AS d, 1.5::DECIMAL(10, 2) AS dec, "
        '1 AS "a.b", 1 AS dup, 2 AS dup',
    )
    columns = out[ids.SQL_RESULT]["columnDefs"]
    assert [c["headerName"] for c in columns] == [
        "l",
        "s",
        "b",
        "n",
        "big",
        "d",
        "dec",
        "a.b",
        "dup",
        "dup_1",
    ]
    assert all(c["field"] == f"c{i}" for i, c in enumerate(columns)), "dots in names are safe"
    row = out[ids.SQL_RESULT]["rowData"][0]
    assert row == {
        "c0": "[1, 2]",
        "c1": '{"a": 1}',
        "c2": "\\x01",
        "c3": "nan",
        "c4": "9007199254740993",
        "c5": "2024-01-02",
        "c6": 1.5,
        "c7": 1,
        "c8": 1,
        "c9": 2,
    }


def test_an_unshowable_type_is_a_message_not_an_error(client: FlaskClient) -> None:
    out = run(client, "SELECT INTERVAL 3 DAY AS i")
    assert "cast that column to VARCHAR" in status_text(out)


def test_csv_download_runs_the_last_query_and_defuses_formulas(client: FlaskClient) -> None:
    query = "SELECT '=HYPERLINK(\"x\")' AS text, [1, 2] AS list, 3 AS n"
    ran = run(client, query)
    last = ran[ids.SQL_LAST_QUERY]["data"]
    out = call(
        client,
        f"{ids.SQL_DOWNLOAD}.data",
        {f"{ids.SQL_CSV}.n_clicks": 1},
        {f"{ids.SQL_LAST_QUERY}.data": last},
        triggered=f"{ids.SQL_CSV}.n_clicks",
    )
    download = out[ids.SQL_DOWNLOAD]["data"]
    assert download["filename"] == "segmenta-query.csv"
    rows = list(csv.reader(io.StringIO(download["content"])))
    assert rows == [["text", "list", "n"], ['\'=HYPERLINK("x")', "[1, 2]", "3"]]
    nothing = call(
        client,
        f"{ids.SQL_DOWNLOAD}.data",
        {f"{ids.SQL_CSV}.n_clicks": 1},
        {f"{ids.SQL_LAST_QUERY}.data": ""},
        triggered=f"{ids.SQL_CSV}.n_clicks",
    )
    assert nothing[ids.SQL_DOWNLOAD]["data"] is None
    assert "Run a query first" in status_text(nothing)


def test_sandbox_refuses_to_run_with_file_access_enabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the read-only configuration were ever lost, nothing runs (defence in depth)."""
    path = tmp_path / "plain.duckdb"
    duckdb.connect(str(path)).close()
    # a connection with DuckDB's defaults: file access on
    monkeypatch.setattr(analyst, "open_read_only", lambda p: duckdb.connect(str(p), read_only=True))
    with pytest.raises(QueryRefusedError, match="could not disable file access"):
        run_read_only_query(path, "SELECT 1", limit=10, timeout_s=5.0)


# -- analysts only --------------------------------------------------------------------------------
def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture(scope="module")
def signed_in_app(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    users = tmp_path_factory.mktemp("sql-users") / "users.txt"
    users.write_text(
        f"ann:analyst:{generate_password_hash('ann-pw')}\nvic:viewer:{generate_password_hash('vic-pw')}\n"
    )
    return dashboard_app.create_app(Settings(warehouse=demo_warehouse, users_file=users))


def test_viewers_get_a_note_and_every_callback_refuses_them(signed_in_app: dash.Dash) -> None:
    client = signed_in_app.server.test_client()
    viewer, analyst = basic("vic", "vic-pw"), basic("ann", "ann-pw")
    assert client.get("/sql").status_code == 401
    client.environ_base.update({"HTTP_AUTHORIZATION": viewer["Authorization"]})
    assert client.get("/sql").status_code == 200
    layout = call(
        client,
        "_pages_content.children",
        {"_pages_location.pathname": "/sql", "_pages_location.search": ""},
        triggered="_pages_location.pathname",
    )["_pages_content"]["children"]
    text = str(layout)
    assert sql_page.ANALYSTS_ONLY in text
    assert "customer_segment" not in text, "no schema for viewers"
    out = run(client, "SELECT 1 AS one")
    assert out[ids.SQL_RESULT]["rowData"] == []
    assert status_text(out) == sql_page.ANALYSTS_ONLY
    download = call(
        client,
        f"{ids.SQL_DOWNLOAD}.data",
        {f"{ids.SQL_CSV}.n_clicks": 1},
        {f"{ids.SQL_LAST_QUERY}.data": "SELECT 1"},
        triggered=f"{ids.SQL_CSV}.n_clicks",
    )
    assert download[ids.SQL_DOWNLOAD]["data"] is None
    example = call(
        client,
        f"{ids.SQL_EDITOR}.value",
        {f"{ids.SQL_EXAMPLES}.value": "segment_kpis"},
        triggered=f"{ids.SQL_EXAMPLES}.value",
    )
    assert example == {}
    client.environ_base.update({"HTTP_AUTHORIZATION": analyst["Authorization"]})
    assert run(client, "SELECT 1 AS one")[ids.SQL_RESULT]["rowData"] == [{"c0": 1}]


def test_schema_panel_lists_columns_types_and_meanings(app: dash.Dash) -> None:
    client = app.server.test_client()
    client.get("/")
    layout = call(
        client,
        "_pages_content.children",
        {"_pages_location.pathname": "/sql", "_pages_location.search": ""},
        triggered="_pages_location.pathname",
    )["_pages_content"]["children"]
    text = str(layout)
    for relation in [*table_names(), *VIEW_ORDER]:
        assert f"'{relation}'" in text, relation
    assert "within-cluster sum of squares (inertia)" in text  # k_sweep.sse's comment
    assert "'DOUBLE'" in text
    assert "'VARCHAR'" in text
    assert "FROM customer_360" in text, "the editor opens with an example"
