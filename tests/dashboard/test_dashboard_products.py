"""Products page: its data functions against independent queries, and its callbacks over HTTP."""

from __future__ import annotations

from datetime import timedelta

import dash
import polars as pl
import pytest
from flask.testing import FlaskClient

from segmenta.dashboard import ids
from segmenta.dashboard.figures import products as products_figures
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import cache
from segmenta.dashboard.queries import products as products_q
from segmenta.warehouse.connection import WarehouseReader
from tests.helpers.dashboard import HOSTILE, PURCHASE, busiest_country, call


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    client = app.server.test_client()
    assert client.get("/products").status_code == 200
    return client


def independent_metrics(reader: WarehouseReader, where: str, params: dict) -> pl.DataFrame:
    """Per product, straight from the star schema (test-only SQL)."""
    return reader.query(
        f"""
        SELECT p.stock_code,
               coalesce(sum(f.amount) FILTER (WHERE {PURCHASE}), 0) AS revenue,
               coalesce(sum(f.quantity) FILTER (WHERE {PURCHASE}), 0) AS quantity,
               count(*) FILTER (WHERE {PURCHASE}) AS purchase_lines,
               coalesce(-sum(f.quantity) FILTER (WHERE f.quantity < 0), 0) AS returned,
               count(*) FILTER (WHERE f.is_cancellation) AS cancelled_lines
        FROM fact_invoice_line f
        JOIN dim_product p USING (product_key)
        JOIN customer_360 c USING (customer_key)
        WHERE p.is_product AND {where}
        GROUP BY p.stock_code
        """,
        params,
    )


def filter_cases(
    reader: WarehouseReader, options: FilterOptions
) -> list[tuple[Filters, str, dict]]:
    country = busiest_country(reader)
    segment = list(options.segments)[1]
    assert options.date_max is not None
    start = options.date_max - timedelta(days=200)
    return [
        (Filters(), "TRUE", {}),
        (
            Filters(countries=(country,)),
            "f.country_key = (SELECT country_key FROM dim_country WHERE country_name = $c)",
            {"c": country},
        ),
        (Filters(segments=(segment,)), "c.segment = $s", {"s": segment}),
        (
            Filters(date_from=start, risk_bands=("medium",)),
            "f.invoice_ts >= $d AND c.risk_band = 'medium'",
            {"d": start},
        ),
    ]


# -- data -----------------------------------------------------------------------------------------
def test_product_metrics_match_the_star_schema(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    for filters, where, params in filter_cases(reader, options):
        got = products_q.product_metrics(reader, filters).sort("stock_code")
        expected = independent_metrics(reader, where, params).sort("stock_code")
        assert got["stock_code"].to_list() == expected["stock_code"].to_list(), filters
        for column in ("quantity", "purchase_lines", "returned", "cancelled_lines"):
            assert got[column].to_list() == expected[column].to_list(), (filters, column)
        # revenue is rounded to the penny (stable rankings)
        assert ((got["revenue"] - expected["revenue"]).abs().max() or 0) <= 0.005 + 1e-9
        with_rate = got.filter(pl.col("quantity") > 0)
        assert (
            (with_rate["return_rate"] - with_rate["returned"] / with_rate["quantity"]).abs().max()
            or 0
        ) < 1e-12
    postage = reader.query("SELECT stock_code FROM dim_product WHERE NOT is_product")["stock_code"]
    assert not set(postage) & set(products_q.product_metrics(reader, Filters())["stock_code"])


def test_metrics_cache_keys_on_the_filter(reader: WarehouseReader, options: FilterOptions) -> None:
    everything = products_q.product_metrics(reader, Filters())
    assert products_q.product_metrics(reader, Filters()) is everything
    segment = next(iter(options.segments))
    narrowed = products_q.product_metrics(reader, Filters(segments=(segment,)))
    assert narrowed is not everything
    assert narrowed["revenue"].sum() < everything["revenue"].sum()
    cache.clear()
    assert products_q.product_metrics(reader, Filters()) is not everything


def test_best_sellers_and_highest_rates(reader: WarehouseReader) -> None:
    metrics = products_q.product_metrics(reader, Filters())
    by_revenue = products_q.best_sellers(metrics, "revenue")
    assert by_revenue.height == products_q.PRODUCT_TOP_N
    assert (
        by_revenue["revenue"].to_list() == sorted(metrics["revenue"].to_list(), reverse=True)[:10]
    )
    by_quantity = products_q.best_sellers(metrics, "quantity", 5)
    assert (
        by_quantity["quantity"].to_list() == sorted(metrics["quantity"].to_list(), reverse=True)[:5]
    )
    for rate in ("return_rate", "cancellation_rate"):
        for threshold in (1, 30, 100):
            ranked = products_q.highest_rates(metrics, rate, threshold)
            assert ranked.height > 0
            assert ranked["purchase_lines"].min() >= threshold
            assert ranked[rate].to_list() == sorted(ranked[rate].to_list(), reverse=True)
            eligible = metrics.filter(pl.col("purchase_lines") >= threshold)
            assert ranked[rate][0] == eligible[rate].max()
    with pytest.raises(ValueError, match="rank by"):
        products_q.best_sellers(metrics, "price")  # type: ignore[arg-type]


def test_monthly_revenue_adds_up_to_the_products_revenue(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    for filters, _where, _params in filter_cases(reader, options):
        metrics = products_q.product_metrics(reader, filters)
        top = products_q.best_sellers(metrics, "revenue", 3)
        assert top.height == 3, filters
        monthly = products_q.product_monthly(reader, filters, top["product_key"].to_list())
        totals = monthly.group_by("product_key").agg(pl.col("revenue").sum())
        for key, revenue in top.select("product_key", "revenue").rows():
            got = totals.filter(pl.col("product_key") == key)["revenue"].item()
            assert got == pytest.approx(revenue, abs=0.01), filters
        if filters.date_from:
            assert monthly["month"].min() == filters.date_from.replace(day=1)
    assert products_q.product_monthly(reader, Filters(), []).is_empty()
    assert products_q.product_monthly(reader, Filters(), [True, "1"]).is_empty()  # type: ignore[list-item]


def test_buyers_and_segments_of_a_product(reader: WarehouseReader, options: FilterOptions) -> None:
    top = products_q.best_sellers(products_q.product_metrics(reader, Filters()), "revenue", 1).row(
        0, named=True
    )
    for filters, where, params in filter_cases(reader, options):
        by_segment = products_q.product_segments(reader, filters, top["product_key"])
        buyers = products_q.product_buyers(reader, filters, top["product_key"], limit=10_000)
        expected = reader.query(
            f"""
            SELECT f.customer_key, sum(f.amount) AS revenue
            FROM fact_invoice_line f JOIN customer_360 c USING (customer_key)
            WHERE f.product_key = $p AND {PURCHASE} AND {where}
            GROUP BY 1
            """,
            {**params, "p": top["product_key"]},
        )
        assert set(buyers["customer_key"]) == set(expected["customer_key"]), filters
        assert int(by_segment["customers"].sum() or 0) == expected.height
        assert (by_segment["revenue"].sum() or 0) == pytest.approx(expected["revenue"].sum() or 0)
        assert buyers["revenue"].to_list() == sorted(buyers["revenue"].to_list(), reverse=True)
        if filters.segments:
            assert set(buyers["segment"]) <= set(filters.segments)
    few = products_q.product_buyers(reader, Filters(), top["product_key"], limit=3)
    assert few.height == 3


def test_product_lookup_takes_only_plain_stock_codes(reader: WarehouseReader) -> None:
    code = reader.query("SELECT stock_code FROM dim_product WHERE is_product LIMIT 1").item()
    assert products_q.product_lookup(reader, code)["stock_code"] == code
    for bad in (HOSTILE, "", None, 42, "x" * 41, "NO-SUCH-CODE"):
        assert products_q.product_lookup(reader, bad) is None


# -- callbacks ------------------------------------------------------------------------------------
def products_call(client: FlaskClient, store: str, min_lines: object = 30, selected: str = ""):
    return call(
        client,
        f"{ids.PRODUCTS_TOP_REVENUE}.figure",
        {
            f"{ids.FILTER_STORE}.data": store,
            f"{ids.PRODUCTS_MIN_LINES}.value": min_lines,
            f"{ids.PRODUCTS_SELECTED}.data": selected,
        },
    )


def test_products_callback_follows_the_slicers(
    client: FlaskClient, reader: WarehouseReader
) -> None:
    everyone = products_call(client, "")
    country = busiest_country(reader)
    local = products_call(client, Filters(countries=(country,)).to_query())
    for out, filters in ((everyone, Filters()), (local, Filters(countries=(country,)))):
        top = products_q.best_sellers(products_q.product_metrics(reader, filters), "revenue")
        bars = out[ids.PRODUCTS_TOP_REVENUE]["figure"]["data"][0]
        assert bars["x"] == top["revenue"].to_list()
        assert [c[0] for c in bars["customdata"]] == top["stock_code"].to_list()
        trend = out[ids.PRODUCTS_TREND]["figure"]["data"]
        assert 1 <= len(trend) <= products_q.PRODUCT_TREND_N
    assert everyone[ids.PRODUCTS_TOP_REVENUE] != local[ids.PRODUCTS_TOP_REVENUE]


def test_minimum_volume_threshold_applies(client: FlaskClient, reader: WarehouseReader) -> None:
    metrics = products_q.product_metrics(reader, Filters())
    lines = dict(metrics.select("stock_code", "purchase_lines").rows())
    for threshold in (1, 100):
        out = products_call(client, "", threshold)
        for chart in (ids.PRODUCTS_RETURN_RATE, ids.PRODUCTS_CANCEL_RATE):
            codes = [c[0] for c in out[chart]["figure"]["data"][0]["customdata"]]
            assert codes
            assert min(lines[c] for c in codes) >= threshold
    tampered = products_call(client, "", "1; DROP TABLE dim_product")  # not a choice: default
    assert tampered == products_call(client, "", products_q.DEFAULT_MIN_LINES)


def test_clicking_a_product_lists_its_buyers(client: FlaskClient, reader: WarehouseReader) -> None:
    everyone = products_call(client, "")
    point = everyone[ids.PRODUCTS_TOP_QUANTITY]["figure"]["data"][0]["customdata"][0]
    code = point[0]
    selected = call(
        client,
        f"{ids.PRODUCTS_SELECTED}.data",
        {f"{ids.PRODUCTS_TOP_QUANTITY}.clickData": {"points": [{"customdata": point}]}},
        {f"{ids.PRODUCTS_SELECTED}.data": ""},
        triggered=f"{ids.PRODUCTS_TOP_QUANTITY}.clickData",
    )
    assert selected[ids.PRODUCTS_SELECTED]["data"] == code
    high = Filters(risk_bands=("high",)).to_query()
    out = call(
        client,
        f"{ids.PRODUCTS_DETAIL}.children",
        {f"{ids.PRODUCTS_SELECTED}.data": code, f"{ids.FILTER_STORE}.data": high},
    )
    product = products_q.product_lookup(reader, code)
    buyers = products_q.product_buyers(
        reader, Filters(risk_bands=("high",)), product["product_key"]
    )
    rows = out[ids.PRODUCTS_BUYERS]["rowData"]
    assert [r["customer_key"] for r in rows] == buyers["customer_key"].to_list()
    assert rows
    assert all(r["segment_color"].startswith("#") for r in rows)
    assert product["description"] in str(out[ids.PRODUCTS_DETAIL]["children"])
    segments_figure = out[ids.PRODUCTS_SEGMENTS]["figure"]["data"][0]
    assert set(segments_figure["y"]) == {r["segment"] for r in rows}
    # the selection is highlighted and added to the trend chart
    trend = products_call(client, "", 30, code)[ids.PRODUCTS_TREND]["figure"]["data"]
    assert any(t["line"]["width"] == 4 and t["customdata"][0][0] == code for t in trend)


def test_hostile_or_unknown_selection_shows_the_prompt(client: FlaskClient) -> None:
    for bad in (HOSTILE, "NO-SUCH-CODE", "", None):
        out = call(
            client,
            f"{ids.PRODUCTS_DETAIL}.children",
            {f"{ids.PRODUCTS_SELECTED}.data": bad, f"{ids.FILTER_STORE}.data": ""},
        )
        assert out[ids.PRODUCTS_BUYERS]["rowData"] == []
        assert "Click a product" in str(out[ids.PRODUCTS_DETAIL]["children"])
    nothing = call(
        client,
        f"{ids.PRODUCTS_SELECTED}.data",
        {f"{ids.PRODUCTS_TOP_REVENUE}.clickData": {"points": [{"customdata": 5}]}},
        triggered=f"{ids.PRODUCTS_TOP_REVENUE}.clickData",
    )
    assert nothing == {}


def test_no_sales_under_a_filter_draws_explanations(client: FlaskClient) -> None:
    # an invoice date range before the first line: every chart says why it is empty
    out = products_call(client, "?to=1990-01-02")
    for chart in (ids.PRODUCTS_TOP_REVENUE, ids.PRODUCTS_TOP_QUANTITY, ids.PRODUCTS_TREND):
        figure = out[chart]["figure"]
        assert figure["data"] == []
        assert figure["layout"]["annotations"][0]["text"] == (
            "No product sales under the current filter"
        )
    assert out[ids.PRODUCTS_RETURN_RATE]["figure"]["data"] == []


def test_short_labels_are_unique_and_bounded() -> None:
    frame = pl.DataFrame(
        {"stock_code": ["A", "B", "C"], "description": ["SAME NAME", "SAME NAME", "X" * 80]}
    )
    labels = products_figures._axis_labels(frame)
    assert len(set(labels)) == 3
    assert labels[1] == "SAME NAME (B)"
    assert len(labels[2]) == products_figures.LABEL_CHARS
