"""The dashboard's data-access functions against a real warehouse built from generated data.

The warehouse is built once per test session (generate -> ingest -> model) and shared with the
other dashboard test files through :func:`tests.helpers.demo_warehouse_at` (fixtures in
conftest.py); every figure is checked against
an independent query on the star schema.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dash
import duckdb
import polars as pl
import pytest

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.pages import customers as customers_page
from segmenta.dashboard.queries import common, grid, render
from segmenta.dashboard.queries import customers as customers_q
from segmenta.dashboard.queries import demographics as demographics_q
from segmenta.dashboard.queries import map as map_q
from segmenta.dashboard.queries import overview as overview_q
from segmenta.warehouse.analyst import defuse_formulas, to_csv
from segmenta.warehouse.connection import WarehouseReader, current_file
from tests.helpers import DEMO_CUSTOMERS
from tests.helpers.dashboard import PURCHASE, busiest_country, sql

#: a purchase line, as the models define it (quantity > 0 on a non-cancellation invoice)


# -- options and the SQL files ---------------------------------------------------------------
def test_filter_options_come_from_the_warehouse(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    bounds = sql(
        reader, "SELECT min(invoice_ts)::DATE, max(invoice_ts)::DATE FROM fact_invoice_line"
    )
    assert (options.date_min, options.date_max) == bounds.row(0)
    segments = sql(
        reader,
        "SELECT segment_id, display_label FROM segment_named "
        "WHERE run_id = (SELECT max(run_id) FROM model_run) ORDER BY segment_id",
    )
    assert list(options.segments.items()) == [(n, i) for i, n in segments.rows()]
    assert "United Kingdom" in options.countries
    assert options.has_model_run
    assert options.has_demographics
    assert common.filter_options(reader) is options  # cached for the same file version


def test_every_dashboard_query_renders_with_its_slots_filled() -> None:
    from importlib.resources import files

    names = sorted(
        p.name[:-4]
        for p in (files("segmenta.warehouse") / "sql" / "dashboard").iterdir()
        if p.name.endswith(".sql")
    )
    assert len(names) >= 15
    slots = {
        "customer_filter": Filters().customer_filter(FilterOptions()),
        "line_filter": Filters().line_filter(FilterOptions()),
        "coverage_filter": Filters().coverage_filter(),
        **grid.grid_block_slots(grid.GridRequest()),
    }
    for name in names:
        text = render.render(name, slots)[0]
        assert "{{" not in text, name
        assert "}}" not in text, name
        assert render.template(name).startswith(f"-- {name}:"), f"{name}.sql needs a header comment"


def test_the_dashboard_reader_cannot_write(reader: WarehouseReader, demo_warehouse: Path) -> None:
    with pytest.raises(duckdb.Error):
        reader.query("CREATE TABLE dashboard_was_here AS SELECT 1 AS x")
    with pytest.raises(duckdb.Error):
        reader.query("DELETE FROM dim_customer")
    assert current_file(demo_warehouse) is not None


# -- coverage and the overview -------------------------------------------------------------------
def test_coverage_without_filter_is_the_model_population(reader: WarehouseReader) -> None:
    customers, lines = common.coverage(reader, Filters())
    assert customers == sql(reader, "SELECT count(*) FROM customer_360").item()
    assert (
        lines
        == sql(
            reader,
            "SELECT count(*) FROM fact_invoice_line WHERE customer_key IN (SELECT customer_key FROM customer_360)",
        ).item()
    )
    assert 1000 < customers <= DEMO_CUSTOMERS
    assert lines > customers


def test_coverage_with_a_date_range_counts_buyers_in_the_period(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    filters = Filters.from_query("?from=2025-03-01&to=2025-05-31", options)
    assert filters.has_line_filter
    customers, lines = common.coverage(reader, filters)
    expected = sql(
        reader,
        "SELECT count(DISTINCT customer_key), count(*) FROM fact_invoice_line "
        "WHERE invoice_ts >= DATE '2025-03-01' AND invoice_ts < DATE '2025-06-01' "
        "AND customer_key IN (SELECT customer_key FROM customer_360)",
    ).row(0)
    assert (customers, lines) == expected
    assert 0 < customers < common.coverage(reader, Filters())[0]


def test_segment_summary_matches_the_lines_and_the_model_features(reader: WarehouseReader) -> None:
    summary = overview_q.segment_summary(reader, Filters())
    run_segments = sql(
        reader, "SELECT count(*) FROM segment WHERE run_id = (SELECT max(run_id) FROM model_run)"
    ).item()
    assert summary.height == run_segments
    assert summary["customers"].sum() == common.coverage(reader, Filters())[0]
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    expected = sql(
        reader,
        f"SELECT c.segment_id, sum(f.amount) FILTER (WHERE {PURCHASE}) AS revenue, "
        f"count(DISTINCT f.invoice_no) FILTER (WHERE {PURCHASE}) AS invoices, "
        "sum(-f.quantity) FILTER (WHERE f.quantity < 0) AS returned, "
        "FROM fact_invoice_line f JOIN customer_360 c USING (customer_key) GROUP BY 1 ORDER BY 1",
    )
    assert summary["segment_id"].to_list() == expected["segment_id"].to_list()
    assert summary["revenue"].to_list() == pytest.approx(expected["revenue"].to_list())
    assert summary["invoices"].to_list() == expected["invoices"].to_list()
    assert summary["returned_items"].to_list() == pytest.approx(
        expected["returned"].fill_null(0).to_list()
    )
    # without a line filter the summary is read from the run's features; with one, from the
    # lines: both give the same table over the whole period
    from_lines = render.run(reader, "segment_summary", Filters(), common.filter_options(reader))
    assert from_lines.columns == summary.columns
    for column in summary.columns:
        assert from_lines[column].to_list() == pytest.approx(summary[column].to_list()), column


def test_segment_and_risk_filters_narrow_the_customers(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    first, band = sql(
        reader,
        "SELECT segment, risk_band FROM customer_360 GROUP BY ALL ORDER BY count(*) DESC LIMIT 1",
    ).row(0)
    filters = Filters.from_query(f"?segment={first}&risk={band}", options)
    summary = overview_q.segment_summary(reader, filters)
    assert summary["segment"].to_list() == [first]
    expected = sql(
        reader,
        "SELECT count(*) FROM customer_360 WHERE segment = $s AND risk_band = $b",
        {"s": first, "b": band},
    ).item()
    assert summary["customers"].item() == expected == common.coverage(reader, filters)[0]


def test_country_filter_keeps_only_that_countrys_lines(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    country = busiest_country(reader)
    filters = Filters.from_query(f"?country={country}", options)
    by_country = map_q.country_metrics(reader, filters)
    assert by_country["country"].to_list() == [country]
    summary = overview_q.segment_summary(reader, filters)
    assert summary["revenue"].sum() == pytest.approx(by_country["revenue"].item())
    assert summary["customers"].sum() == by_country["customers"].item()


def test_overview_kpis_add_up(reader: WarehouseReader) -> None:
    summary = overview_q.segment_summary(reader, Filters())
    kpis = overview_q.overview_kpis(summary)
    assert kpis["customers"] == summary["customers"].sum()
    assert kpis["avg_ticket"] == pytest.approx(kpis["revenue"] / kpis["invoices"])
    top = summary.sort("revenue", descending=True).row(0, named=True)
    assert kpis["top_segment"] == top["segment"]
    assert kpis["top_segment_share"] == pytest.approx(top["revenue"] / kpis["revenue"])
    assert 0 < kpis["return_rate"] < 0.5
    empty = overview_q.overview_kpis(summary.clear())
    assert empty["customers"] == 0
    assert empty["top_segment"] is None


# -- customers grid ----------------------------------------------------------------------------------
def page(reader: WarehouseReader, filters: Filters, **request: object) -> tuple[pl.DataFrame, int]:
    search = request.pop("search", "")
    return customers_q.customer_page(
        reader, filters, grid.GridRequest.from_ag_grid(request, search)
    )


def test_grid_pages_sort_and_count_in_the_warehouse(reader: WarehouseReader) -> None:
    first, total = page(
        reader, Filters(), startRow=0, endRow=50, sortModel=[{"colId": "revenue", "sort": "desc"}]
    )
    second, total2 = page(
        reader, Filters(), startRow=50, endRow=100, sortModel=[{"colId": "revenue", "sort": "desc"}]
    )
    assert total == total2 == common.coverage(reader, Filters())[0]
    assert first.height == second.height == 50
    assert not set(first["customer_key"]) & set(second["customer_key"])
    revenue = first["revenue"].to_list() + second["revenue"].to_list()
    assert revenue == sorted(revenue, reverse=True)
    top = sql(reader, "SELECT max(monetary) FROM customer_360").item()
    assert revenue[0] == pytest.approx(top, abs=0.01)
    ascending, _ = page(
        reader,
        Filters(),
        startRow=0,
        endRow=20,
        sortModel=[{"colId": "display_name", "sort": "asc"}],
    )
    assert ascending["display_name"].to_list() == sorted(ascending["display_name"].to_list())


def test_grid_search_and_column_filters(reader: WarehouseReader) -> None:
    target = sql(
        reader, "SELECT customer_id, display_name FROM customer_360 ORDER BY customer_key LIMIT 1"
    ).row(0)
    rows, total = page(reader, Filters(), search=target[0])
    assert target[0] in rows["customer_id"].to_list()
    assert total >= 1
    rows, _ = page(reader, Filters(), search=target[1].split()[0].upper())
    assert target[1] in rows["display_name"].to_list()
    rows, total = page(
        reader,
        Filters(),
        filterModel={
            "churn_probability": {"filterType": "number", "type": "greaterThan", "filter": 0.5},
            "revenue": {"filterType": "number", "type": "inRange", "filter": 100, "filterTo": 5000},
        },
        endRow=1000,
    )
    expected = sql(
        reader,
        "SELECT count(*) FROM customer_360 WHERE churn_probability > 0.5 AND monetary BETWEEN 100 AND 5000",
    ).item()
    assert total == expected > 0
    assert rows["churn_probability"].min() >= 0.5  # rounded to 4 decimals for display
    rows, total = page(
        reader,
        Filters(),
        filterModel={
            "risk_band": {
                "filterType": "text",
                "operator": "OR",
                "conditions": [
                    {"type": "equals", "filter": "HIGH"},
                    {"type": "equals", "filter": "low"},
                ],
            }
        },
        endRow=1000,
    )
    assert set(rows["risk_band"]) == {"high", "low"}
    assert (
        total
        == sql(
            reader, "SELECT count(*) FROM customer_360 WHERE risk_band IN ('high', 'low')"
        ).item()
    )


def test_grid_treats_hostile_input_as_data(reader: WarehouseReader) -> None:
    before = sql(reader, "SELECT count(*) FROM customer_360").item()
    hostile = "x'); DROP TABLE dim_customer; --"
    rows, total = page(
        reader,
        Filters(),
        search=hostile,
        sortModel=[
            {"colId": "revenue; DROP TABLE dim_customer", "sort": "desc"},
            {"colId": "revenue", "sort": "up"},
        ],
        filterModel={
            "display_name": {"filterType": "text", "type": "contains", "filter": hostile},
            "1=1 OR customer_key": {"filterType": "number", "type": "greaterThan", "filter": 0},
            "revenue": {"filterType": "number", "type": "greaterThan", "filter": "1; DROP TABLE x"},
        },
        startRow=-5,
        endRow=10**9,
    )
    assert (rows.height, total) == (0, 0)
    # an unknown column or a bad value is ignored, not turned into SQL
    _, all_rows = page(
        reader,
        Filters(),
        filterModel={"no_such_column": {"filterType": "text", "type": "contains", "filter": "a"}},
    )
    assert all_rows == before
    assert sql(reader, "SELECT count(*) FROM customer_360").item() == before


def test_grid_with_a_period_counts_revenue_in_the_period(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    filters = Filters.from_query("?from=2025-06-01&to=2025-08-31", options)
    rows, total = page(
        reader, filters, endRow=1000, sortModel=[{"colId": "revenue", "sort": "desc"}]
    )
    expected = sql(
        reader,
        f"SELECT f.customer_key, sum(f.amount) FILTER (WHERE {PURCHASE}) AS revenue FROM fact_invoice_line f "
        "WHERE f.date_key BETWEEN 20250601 AND 20250831 AND f.customer_key IN (SELECT customer_key FROM customer_360) "
        "GROUP BY 1",
    )
    assert total == expected.height == common.coverage(reader, filters)[0]
    joined = rows.join(expected, on="customer_key", suffix="_expected")
    assert joined.height == rows.height
    assert joined["revenue"].to_list() == pytest.approx(
        joined["revenue_expected"].fill_null(0).round(2).to_list()
    )


def test_export_is_the_whole_filtered_list_and_csv_safe(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    first = next(iter(options.segments))
    filters = Filters.from_query(f"?segment={first}", options)
    request = grid.GridRequest.from_ag_grid(
        {"sortModel": [{"colId": "customer_id", "sort": "asc"}]}
    )
    frame = customers_q.customer_export(reader, filters, request)
    assert frame.height == common.coverage(reader, filters)[0] > 100
    assert set(frame["segment"]) == {first}
    assert frame["customer_id"].to_list() == sorted(frame["customer_id"].to_list())
    assert list(frame.columns) == list(customers_q.EXPORT_COLUMNS.values())
    risky = pl.DataFrame({"name": ['=HYPERLINK("http://x")', "+1", "Ann", None], "n": [1, 2, 3, 4]})
    safe = defuse_formulas(risky)
    assert safe["name"].to_list() == ['\'=HYPERLINK("http://x")', "'+1", "Ann", None]


def test_the_customers_export_and_segmenta_sql_share_one_formula_guard(
    app: dash.Dash, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = pl.DataFrame(
        {"customer_id": ["1", "2"], "display_name": ["=cmd|' /C calc'!A0", "-2+3"], "n": [1, 2]}
    )
    monkeypatch.setattr(customers_q, "customer_export", lambda reader, filters, request: hostile)
    with app.server.test_request_context("/"):
        content = customers_page.export_csv("", None, "")["content"]
    assert content == to_csv(hostile) == defuse_formulas(hostile).write_csv()
    assert "'=cmd" in content
    assert "'-2+3" in content


# -- customer detail ---------------------------------------------------------------------------------
def test_customer_detail(reader: WarehouseReader, options: FilterOptions) -> None:
    key = sql(
        reader,
        "SELECT customer_key FROM customer_360 WHERE returns > 0 ORDER BY monetary DESC LIMIT 1",
    ).item()
    detail = customers_q.customer_detail(reader, Filters(), key)
    assert detail is not None
    assert detail.profile["customer_key"] == key
    assert detail.profile["segment"] in options.segments
    assert detail.history["revenue"].sum() == pytest.approx(detail.profile["monetary"])
    assert detail.history["month"].is_sorted()
    assert 0 < detail.top_products.height <= 10
    assert detail.top_products["revenue"].is_sorted(descending=True)
    assert detail.returns.height > 0
    assert detail.returns["quantity"].min() > 0
    assert detail.segment_profile
    assert all(isinstance(v, float) for v in detail.segment_profile.values())
    in_period = customers_q.customer_detail(reader, Filters(date_from=date(2025, 11, 1)), key)
    assert in_period is not None
    assert in_period.history["month"].min() >= date(2025, 11, 1)
    assert customers_q.customer_detail(reader, Filters(), -1) is None


# -- map and demographics ----------------------------------------------------------------------------
def test_country_metrics(reader: WarehouseReader) -> None:
    frame = map_q.country_metrics(reader, Filters())
    total = overview_q.segment_summary(reader, Filters())["revenue"].sum()
    assert frame["revenue"].sum() == pytest.approx(total)
    assert frame["revenue"].is_sorted(descending=True)
    uk = frame.filter(pl.col("country") == "United Kingdom").row(0, named=True)
    assert uk["iso_alpha3"] == "GBR"
    assert uk["revenue_per_customer"] == pytest.approx(uk["revenue"] / uk["customers"])
    assert frame["churn_rate"].drop_nulls().is_between(0, 1).all()


def test_demographic_groups_cover_every_customer(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    groups = demographics_q.demographic_groups(reader, Filters())
    assert groups["customers"].sum() == common.coverage(reader, Filters())[0]
    assert set(groups["age_group"]) <= {"<20", "20-30", "30-40", "40-50", "50-70", "70+", "unknown"}
    by_age = sql(reader, "SELECT count(*) FROM customer_360 WHERE age >= 30 AND age < 40").item()
    assert groups.filter(pl.col("age_group") == "30-40")["customers"].sum() == by_age
    points = demographics_q.income_spending(reader, Filters(), limit=150)
    assert points.height == 150
    assert points["annual_income_k"].null_count() == 0
    again = demographics_q.income_spending(reader, Filters(), limit=150)  # a stable sample
    assert again["display_name"].to_list() == points["display_name"].to_list()
    assert again["revenue"].to_list() == pytest.approx(points["revenue"].to_list())
