"""Benchmark the dashboard's callbacks: p50 / p95 latency per callback, as a Markdown table.

Usage (from the repository root)::

    # a warehouse you already have
    python bench/bench_dashboard.py --warehouse /tmp/real.duckdb
    # or build one from an invoice file first (ingest + model, into --warehouse)
    python bench/bench_dashboard.py --input ../shared/data/online_retail.parquet --warehouse /tmp/real.duckdb
    # also time the first page load in headless Chromium
    python bench/bench_dashboard.py --warehouse /tmp/real.duckdb --page-load

Each callback is driven the way the browser drives it: a POST to ``/_dash-update-component``
through the Flask test client, so a sample includes validating the filter, the DuckDB
queries, building the figures and serialising the JSON answer (not the network or the
browser's drawing). Every callback runs ``--repeat`` times for each of a few representative
filters (none; the last quarter; one country; one segment; high churn risk in one segment).
The goals (issue 4): p95 under 150 ms on the real file, under 400 ms on the 10x file; first
page load under 2 s. The products, churn, segmentation model, score and SQL pages (issue 5) have
the same goals; their per-filter caches (``cache.clear``) are emptied before every
sample, so what is timed is a cold query. ``POST /api/score`` is timed on its own (``--score``
samples, a few payloads): goal p95 under 50 ms, with the model loaded once per warehouse
version (that first load is reported apart).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from segmenta.dashboard import ids
from segmenta.dashboard.app import create_app
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import cache, common
from segmenta.dashboard.queries import products as products_q
from segmenta.settings import Settings
from segmenta.testing.callbacks import CallbackClient
from segmenta.testing.score_form import post_score_form
from segmenta.warehouse.connection import WarehouseReader, current_file


def build(warehouse: Path, invoices: Path, customers: Path | None) -> None:
    from segmenta.etl.load import ingest
    from segmenta.models.run import run_model

    t0 = time.perf_counter()
    ingest(warehouse, [invoices], customer_file=customers)
    t1 = time.perf_counter()
    run_model(warehouse)
    print(
        f"built {warehouse}: ingest {t1 - t0:.1f} s, model {time.perf_counter() - t1:.1f} s",
        file=sys.stderr,
    )


class Caller:
    """Posts callbacks to the app like the Dash renderer does (the shared callback client)."""

    def __init__(self, client: FlaskClient) -> None:
        assert client.get("/").status_code == 200
        self.callbacks = CallbackClient(client)

    def __call__(
        self, first_output: str, inputs: dict[str, Any], state: dict[str, Any] | None = None
    ) -> bytes:
        triggered = next(iter(inputs)) if inputs else None
        reply = self.callbacks.send(first_output, inputs, state, triggered)
        if reply.status not in (200, 204):
            raise RuntimeError(
                f"{first_output}: HTTP {reply.status}: {reply.body.decode('utf-8', 'replace')[:500]}"
            )
        return reply.body


def representative_filters(reader: WarehouseReader) -> dict[str, str]:
    """A few filter states, as the URL query strings the browser would carry."""
    options = common.filter_options(reader)
    found = {"none": ""}
    if options.date_max is not None:
        found["last quarter"] = Filters(date_from=options.date_max - timedelta(days=91)).to_query()
    country = reader.query(
        "SELECT k.country_name FROM fact_invoice_line f JOIN dim_country k USING (country_key) "
        "WHERE k.country_name <> 'United Kingdom' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    if country.height:
        found["one country"] = Filters(countries=(country.item(),)).to_query()
    if options.segments:
        segments = list(options.segments)
        found["one segment"] = Filters(segments=(segments[0],)).to_query()
        found["high risk, one segment"] = Filters(
            segments=(segments[-1],), risk_bands=("high",)
        ).to_query()
    return found


def score_form(caller: Caller, store: str, values: dict[str, Any]) -> bytes:
    """Drive the score page's callback, whose form fields are pattern-matching ids."""
    reply = post_score_form(caller.callbacks, values, store)
    if reply.status != 200:
        raise RuntimeError(f"score form: HTTP {reply.status}")
    return reply.body


def score_payloads(reader: WarehouseReader) -> list[dict[str, Any]]:
    """A few customers to score: the base medians, and the required fields at a few quantiles."""
    from segmenta.dashboard.api import loaded_model

    inputs = loaded_model(reader).inputs
    required = [f for f in inputs if f["required"]]
    payloads = [{f["name"]: f["default"] for f in required}]
    for share in (0.1, 0.5, 0.9):
        payloads.append(
            {
                f["name"]: round(
                    f["min"] + share * (min(f["max"], 3 * f["default"] + 1) - f["min"])
                )
                if f.get("integer")
                else f["min"] + share * (min(f["max"], 3 * f["default"] + 1) - f["min"])
                for f in required
            }
        )
    return payloads


def callbacks(reader: WarehouseReader) -> dict[str, Callable[[Caller, str], Any]]:
    """Callback name -> a function that drives it once for a filter query string."""
    top_customer = reader.query(
        "SELECT customer_key FROM customer_360 ORDER BY monetary DESC NULLS LAST LIMIT 1"
    )
    key = str(top_customer.item()) if top_customer.height else "0"
    grid_first = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    grid_sorted = {
        "startRow": 200,
        "endRow": 300,
        "sortModel": [{"colId": "churn_probability", "sort": "desc"}],
        "filterModel": {"revenue": {"filterType": "number", "type": "greaterThan", "filter": 100}},
    }
    return {
        "shell: sync slicers <-> URL": lambda c, q: c("url.search", {"url.search": q}),
        "shell: coverage line": lambda c, q: c("coverage.children", {"filter-store.data": q}),
        "overview: KPIs, charts, table": lambda c, q: c(
            "overview-kpis.children", {"filter-store.data": q}
        ),
        "customers: grid first block": lambda c, q: c(
            "customers-grid.getRowsResponse",
            {"customers-grid.getRowsRequest": grid_first},
            {"filter-store.data": q, "customers-search.value": ""},
        ),
        "customers: grid sorted + filtered": lambda c, q: c(
            "customers-grid.getRowsResponse",
            {"customers-grid.getRowsRequest": grid_sorted},
            {"filter-store.data": q, "customers-search.value": ""},
        ),
        "customers: grid search": lambda c, q: c(
            "customers-grid.getRowsResponse",
            {"customers-grid.getRowsRequest": grid_first},
            {"filter-store.data": q, "customers-search.value": "an"},
        ),
        "customers: detail view": lambda c, q: c(
            "customers-detail.is_open",
            {"customers-grid.cellClicked": {"rowId": key}},
            {"filter-store.data": q},
        ),
        "customers: CSV export": lambda c, q: c(
            "customers-download.data",
            {"customers-export.n_clicks": 1},
            {
                "filter-store.data": q,
                "customers-grid.getRowsRequest": grid_first,
                "customers-search.value": "",
            },
        ),
        "map: choropleth + table": lambda c, q: c(
            "map-graph.figure", {"filter-store.data": q, "map-metric.value": "revenue"}
        ),
        "age / gender: all charts": lambda c, q: c(
            "demographics-notice.children", {"filter-store.data": q}
        ),
        **new_page_callbacks(reader),
    }


def new_page_callbacks(reader: WarehouseReader) -> dict[str, Callable[[Caller, str], Any]]:
    """The callbacks of the products, churn, model, score and SQL pages (issue 5)."""
    from segmenta.dashboard.pages import sql as sql_page

    best = reader.query(
        "SELECT p.stock_code FROM fact_invoice_line f JOIN dim_product p USING (product_key) "
        "WHERE p.is_product AND f.quantity > 0 GROUP BY 1 ORDER BY sum(f.amount) DESC LIMIT 1"
    )
    code = best.item() if best.height else ""
    try:
        form = {f["name"]: f["default"] if f["required"] else None for f in score_inputs(reader)}
    except Exception:  # no model run: the page shows a note
        form = {}
    example = sql_page.examples()[sql_page.DEFAULT_EXAMPLE][1]

    def cold(drive: Callable[[Caller, str], Any]) -> Callable[[Caller, str], Any]:
        def run(c: Caller, q: str) -> Any:
            cache.clear()
            return drive(c, q)

        return run

    return {
        "products: charts": cold(
            lambda c, q: c(
                f"{ids.PRODUCTS_TOP_REVENUE}.figure",
                {
                    "filter-store.data": q,
                    f"{ids.PRODUCTS_MIN_LINES}.value": products_q.DEFAULT_MIN_LINES,
                    f"{ids.PRODUCTS_SELECTED}.data": "",
                },
            )
        ),
        "products: who buys a product": cold(
            lambda c, q: c(
                f"{ids.PRODUCTS_DETAIL}.children",
                {f"{ids.PRODUCTS_SELECTED}.data": code, "filter-store.data": q},
            )
        ),
        "churn: charts + at-risk list": cold(
            lambda c, q: c(f"{ids.CHURN_KPIS}.children", {"filter-store.data": q})
        ),
        "churn: at-risk CSV export": cold(
            lambda c, q: c(
                f"{ids.CHURN_DOWNLOAD}.data",
                {f"{ids.CHURN_EXPORT}.n_clicks": 1},
                {"filter-store.data": q},
            )
        ),
        "churn: model evaluation": lambda c, q: c(
            f"{ids.CHURN_ROC}.figure", {"filter-store.data": q}
        ),
        "model: curves, map, profiles, names": lambda c, q: c(
            f"{ids.MODEL_SUMMARY}.children",
            {"filter-store.data": q, f"{ids.MODEL_RENAMED}.data": 0},
        ),
        "score: the form's answer": lambda c, q: score_form(c, q, form),
        "sql: segment KPIs example": lambda c, q: c(
            f"{ids.SQL_RESULT}.columnDefs",
            {f"{ids.SQL_RUN}.n_clicks": 1},
            {f"{ids.SQL_EDITOR}.value": example},
        ),
    }


def score_inputs(reader: WarehouseReader) -> list[dict[str, Any]]:
    from segmenta.dashboard.api import loaded_model

    return loaded_model(reader).inputs


def score_endpoint(warehouse: Path, samples: int) -> tuple[float, float, float, float]:
    """(first call incl. loading the model, p50, p95, max) of POST /api/score, in ms."""
    app = create_app(Settings(warehouse=warehouse))
    client = app.server.test_client()
    payloads = score_payloads(WarehouseReader(warehouse))
    t0 = time.perf_counter()
    first = client.post("/api/score", json=payloads[0])
    first_ms = (time.perf_counter() - t0) * 1000
    if first.status_code != 200:
        raise RuntimeError(f"/api/score: HTTP {first.status_code}: {first.get_data(as_text=True)}")
    timings = []
    for i in range(samples):
        t0 = time.perf_counter()
        response = client.post("/api/score", json=payloads[i % len(payloads)])
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"/api/score: HTTP {response.status_code}")
    return first_ms, percentile(timings, 50), percentile(timings, 95), max(timings)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(
    warehouse: Path, repeat: int, warmup: int, only: str | None = None
) -> list[tuple[str, float, float, float, int]]:
    app = create_app(Settings(warehouse=warehouse))
    caller = Caller(app.server.test_client())
    reader = WarehouseReader(warehouse)
    filters = representative_filters(reader)
    results = []
    for name, drive in callbacks(reader).items():
        if only and only not in name:
            continue
        samples: list[float] = []
        for query in filters.values():
            for i in range(warmup + repeat):
                t0 = time.perf_counter()
                drive(caller, query)
                elapsed = (time.perf_counter() - t0) * 1000
                if i >= warmup:
                    samples.append(elapsed)
        results.append(
            (name, percentile(samples, 50), percentile(samples, 95), max(samples), len(samples))
        )
        print(
            f"  {name}: p50 {results[-1][1]:.1f} ms, p95 {results[-1][2]:.1f} ms", file=sys.stderr
        )
    return results


def page_load(warehouse: Path, runs: int = 3) -> list[float]:
    """Seconds from navigation start to the overview drawn (table rows and bubbles), cold
    headless Chromium, measured on the page's own clock (``performance.now()``)."""
    import threading

    from selenium.webdriver.common.by import By
    from werkzeug.serving import make_server

    from segmenta.testing.chromium import offline_chromium

    app = create_app(Settings(warehouse=warehouse))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    timings: list[float] = []
    outside: list[float] = []
    try:
        for _ in range(runs):
            with offline_chromium() as driver:  # a fresh profile: a cold browser cache every time
                t0 = time.perf_counter()
                driver.get(url)
                while not driver.find_elements(By.CSS_SELECTOR, "#overview-segment-table .ag-row"):
                    time.sleep(0.02)
                while not driver.find_elements(
                    By.CSS_SELECTOR, "#overview-bubble .scatterlayer path"
                ):
                    time.sleep(0.02)
                # time since the browser started navigating (the page's own clock), and
                # the same seen from here (adds WebDriver's overhead and polling)
                in_page = driver.execute_script("return performance.now()") / 1000
                timings.append(in_page)
                outside.append(time.perf_counter() - t0)
    finally:
        server.shutdown()
    print(f"  page load seen from WebDriver: {[round(t, 2) for t in outside]} s", file=sys.stderr)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse", type=Path, required=True, help="warehouse to read (built if --input)"
    )
    parser.add_argument(
        "--input", type=Path, default=None, help="invoice file to ingest and model first"
    )
    parser.add_argument(
        "--customers", type=Path, default=None, help="customer table to ingest with --input"
    )
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per callback and filter")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--page-load", action="store_true", help="also time the first page load in Chromium"
    )
    parser.add_argument("--label", default=None, help="name of the data set in the table title")
    parser.add_argument("--score", type=int, default=200, help="POST /api/score samples (0: skip)")
    parser.add_argument(
        "--only", default=None, help="time only the callbacks whose name contains this text"
    )
    args = parser.parse_args(argv)

    if args.input is not None and current_file(args.warehouse) is None:
        build(args.warehouse, args.input, args.customers)
    reader = WarehouseReader(args.warehouse)
    lines, customers = reader.query(
        "SELECT (SELECT count(*) FROM fact_invoice_line) AS l, (SELECT count(*) FROM customer_360) AS c"
    ).row(0)
    results = run(args.warehouse, args.repeat, args.warmup, args.only)
    label = args.label or args.warehouse.name
    print(f"\n### Dashboard callbacks: {label} ({lines:,} lines, {customers:,} customers)\n")
    print("| callback | p50 (ms) | p95 (ms) | max (ms) | samples |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, p50, p95, worst, n in results:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} | {n} |")
    # the app runs in this process (Flask test client), so this is the app's peak memory
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS of the app process over these callbacks: {peak_mb:,.0f} MB")
    if args.score:
        first, p50, p95, worst = score_endpoint(args.warehouse, args.score)
        print(
            f"\nPOST /api/score ({args.score} samples, model loaded): p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, max {worst:.1f} ms; first call (loads the model) {first:.1f} ms"
        )
    if args.page_load:
        timings = page_load(args.warehouse)
        print(
            f"\nFirst page load (overview drawn, cold browser, {len(timings)} runs): "
            f"median {statistics.median(timings):.2f} s, worst {max(timings):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
