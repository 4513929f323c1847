"""One source per figure, following every slicer: properties over generated filter states.

On the demo warehouse and on one with a load after the model run (lines the run has not seen,
customers it has not segmented), for filter states drawn by Hypothesis:

* narrowing any slicer (a shorter date range, fewer countries, segments or risk bands) never
  increases a sum or a count on the overview, the coverage line, the customers grid, the map,
  the products page or the churn page;
* each page's headline figures equal an independent query over ``fact_invoice_line`` (not the
  pre-aggregates the pages read) for the same filter.

The two Hypothesis properties take about 25 s together (12 states each per warehouse): slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import churn as churn_q
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import customers as customers_q
from segmenta.dashboard.queries import map as map_q
from segmenta.dashboard.queries import overview as overview_q
from segmenta.dashboard.queries import products as products_q
from segmenta.dashboard.queries.grid import GridRequest
from segmenta.warehouse.connection import WarehouseReader
from tests.conftest import run_tmp
from tests.helpers.dashboard import PURCHASE, later_load_warehouse_at, sql

#: money agrees to the penny (a float sum's last bits depend on the order it adds up)
PENNY = 0.005
PROPERTY_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@pytest.fixture(scope="module")
def later_reader(tmp_path_factory: pytest.TempPathFactory) -> WarehouseReader:
    """The demo warehouse with one more invoice load after its model run."""
    return WarehouseReader(later_load_warehouse_at(run_tmp(tmp_path_factory) / "dashboard"))


@pytest.fixture(scope="module", params=["demo", "later-load"])
def any_reader(
    request: pytest.FixtureRequest, reader: WarehouseReader, later_reader: WarehouseReader
) -> WarehouseReader:
    return reader if request.param == "demo" else later_reader


# -- filter states --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Space:
    """What a filter may hold on one warehouse (countries: the busiest few, so that most
    drawn states cover something)."""

    date_min: date
    date_max: date
    countries: tuple[str, ...]
    segments: tuple[str, ...]
    risk_bands: tuple[str, ...]


def space_of(reader: WarehouseReader) -> tuple[Space, FilterOptions]:
    options = common.filter_options(reader)
    assert options.date_min is not None
    assert options.date_max is not None
    busiest = sql(
        reader,
        "SELECT k.country_name FROM fact_invoice_line f JOIN dim_country k USING (country_key) "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 6",
    )["country_name"].to_list()
    return (
        Space(
            options.date_min,
            options.date_max,
            tuple(c for c in options.countries if c in busiest),
            tuple(options.segments),
            tuple(options.risk_bands),
        ),
        options,
    )


def _subset(draw: st.DrawFn, values: tuple[str, ...], of: tuple[str, ...]) -> tuple[str, ...]:
    """A non-empty subset of ``of`` (all of ``values`` when ``of`` is empty), in option order."""
    pool = of or values
    chosen = set(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool))))
    return tuple(v for v in values if v in chosen)


@st.composite
def narrowing(draw: st.DrawFn, space: Space) -> tuple[Filters, Filters]:
    """(wide, narrow): ``narrow`` narrows one or more of ``wide``'s slicers."""
    days = (space.date_max - space.date_min).days
    start, end = sorted(draw(st.lists(st.integers(0, days), min_size=2, max_size=2)))
    wide = Filters(
        date_from=draw(st.sampled_from([None, space.date_min + timedelta(start)])),
        date_to=draw(st.sampled_from([None, space.date_min + timedelta(end)])),
        countries=draw(st.sampled_from([(), _subset(draw, space.countries, ())])),
        segments=draw(st.sampled_from([(), _subset(draw, space.segments, ())])),
        risk_bands=draw(st.sampled_from([(), _subset(draw, space.risk_bands, ())])),
    )
    if draw(st.integers(0, 2)) == 0:  # from no filter at all, a third of the time
        wide = Filters()
    # usually one slicer narrowed (the case where a figure read from two sources grows), a
    # date range cut at one end or both, a subset of the values (or of all values, if none)
    slicers = ["dates", "countries", "segments", "risk"]
    which = draw(
        st.one_of(
            st.sampled_from(slicers).map(lambda s: {s}),
            st.sets(st.sampled_from(slicers), min_size=2),
        )
    )
    lo = ((wide.date_from or space.date_min) - space.date_min).days
    hi = ((wide.date_to or space.date_max) - space.date_min).days
    cut = draw(st.integers(lo, hi))
    ends = draw(st.sampled_from(["start", "end", "both"]))
    n_start = cut if ends == "start" else lo
    n_end = cut if ends == "end" else hi
    if ends == "both":
        n_start, n_end = sorted((cut, draw(st.integers(lo, hi))))
    dates = "dates" in which
    narrow = Filters(
        date_from=space.date_min + timedelta(n_start) if dates else wide.date_from,
        date_to=space.date_min + timedelta(n_end) if dates else wide.date_to,
        countries=_subset(draw, space.countries, wide.countries)
        if "countries" in which
        else wide.countries,
        segments=_subset(draw, space.segments, wide.segments)
        if "segments" in which
        else wide.segments,
        risk_bands=_subset(draw, space.risk_bands, wide.risk_bands)
        if "risk" in which
        else wide.risk_bands,
    )
    return wide, narrow


# -- what the pages show ----------------------------------------------------------------------------
def page_figures(reader: WarehouseReader, filters: Filters) -> dict[str, float]:
    """Every sum and count the pages show for ``filters``, read through the pages' queries."""
    summary = overview_q.segment_summary(reader, filters)
    kpis = overview_q.overview_kpis(summary)
    covered_customers, covered_lines = common.coverage(reader, filters)
    _rows, grid_total = customers_q.customer_page(reader, filters, GridRequest())
    export = customers_q.customer_export(reader, filters, GridRequest())
    countries = map_q.country_metrics(reader, filters)
    products = products_q.product_metrics(reader, filters)
    scored = churn_q.churn_customers(reader, filters)
    return {
        "overview customers": kpis["customers"],
        "overview revenue": kpis["revenue"],
        "overview invoices": kpis["invoices"],
        "overview items": float(summary["items"].sum()),
        "overview returned": float(summary["returned_items"].sum()),
        "coverage customers": covered_customers,
        "coverage lines": covered_lines,
        "grid rows": grid_total,
        "export rows": export.height,
        "export revenue": float(export["revenue"].sum()),
        "export invoices": float(export["invoices"].sum()),
        "map customer-countries": float(countries["customers"].sum()),
        "map revenue": float(countries["revenue"].sum()),
        "map invoices": float(countries["invoices"].sum()),
        "products revenue": float(products["revenue"].sum()),
        "products units": float(products["quantity"].sum()),
        "products returned": float(products["returned"].sum()),
        "churn customers": scored.height,
        "churn revenue": float(scored["revenue"].sum()),
    }


# -- the independent queries over fact_invoice_line (test-only SQL) ---------------------------------
def _fact_predicates(filters: Filters, options: FilterOptions) -> tuple[list[str], dict[str, Any]]:
    where = ["f.customer_key <> 0"]
    params: dict[str, Any] = {}
    if filters.date_from:
        where.append("CAST(f.invoice_ts AS DATE) >= $d0")
        params["d0"] = filters.date_from
    if filters.date_to:
        where.append("CAST(f.invoice_ts AS DATE) <= $d1")
        params["d1"] = filters.date_to
    if filters.countries:
        where.append("k.country_name IN (SELECT unnest($countries))")
        params["countries"] = list(filters.countries)
    if filters.segments:
        where.append("c.segment_id IN (SELECT unnest($segments))")
        params["segments"] = [options.segments[s] for s in filters.segments]
    if filters.risk_bands:
        where.append("c.risk_band IN (SELECT unnest($bands))")
        params["bands"] = list(filters.risk_bands)
    return where, params


def fact_figures(
    reader: WarehouseReader, filters: Filters, options: FilterOptions
) -> dict[str, float]:
    """The headline figures straight from the invoice lines: the lines of the run's customers
    and of every other known, not excluded customer (the 'Not segmented' ones)."""
    where, params = _fact_predicates(filters, options)
    base = (
        "FROM fact_invoice_line f JOIN dim_country k ON k.country_key = f.country_key "
        "JOIN dim_customer d ON d.customer_key = f.customer_key "
        "LEFT JOIN customer_360 c ON c.customer_key = f.customer_key "
        "WHERE (c.customer_key IS NOT NULL OR NOT d.is_excluded) AND " + " AND ".join(where)
    )
    row = sql(
        reader,
        f"""SELECT count(DISTINCT f.customer_key) AS customers, count(*) AS lines,
                   coalesce(sum(f.amount) FILTER (WHERE {PURCHASE}), 0) AS revenue,
                   count(DISTINCT f.invoice_no) FILTER (WHERE {PURCHASE}) AS invoices,
                   coalesce(sum(f.quantity) FILTER (WHERE {PURCHASE}), 0) AS items,
                   coalesce(-sum(f.quantity) FILTER (WHERE f.quantity < 0), 0) AS returned,
                   count(DISTINCT f.customer_key) FILTER (WHERE c.churn_probability IS NOT NULL)
                       AS scored,
                   coalesce(sum(f.amount) FILTER (WHERE {PURCHASE}
                                                  AND c.churn_probability IS NOT NULL), 0)
                       AS scored_revenue,
                   coalesce(sum(f.amount) FILTER (WHERE {PURCHASE} AND c.customer_key IS NOT NULL
                       AND f.product_key IN (SELECT product_key FROM dim_product
                                             WHERE is_product)), 0) AS product_revenue
            {base}""",
        params,
    ).row(0, named=True)
    figures = {key: float(value) for key, value in row.items()}
    if not filters.has_line_filter:
        # without a date or country filter, the run's customers count even without a line
        cust_where = [w for w in where if w.startswith("c.")] or ["TRUE"]
        extra = sql(
            reader,
            "SELECT count(*) AS n, count(churn_probability) AS scored FROM customer_360 c "
            "WHERE c.customer_key NOT IN (SELECT customer_key FROM fact_invoice_line) AND "
            + " AND ".join(cust_where),
            {k: v for k, v in params.items() if k in ("segments", "bands")},
        ).row(0, named=True)
        figures["customers"] += extra["n"]
        figures["scored"] += extra["scored"]
    return figures


def assert_headlines_equal_the_facts(
    reader: WarehouseReader, filters: Filters, options: FilterOptions
) -> None:
    shown = page_figures(reader, filters)
    facts = fact_figures(reader, filters, options)
    described = filters.describe()
    for page_key, fact_key in [
        ("overview customers", "customers"),
        ("coverage customers", "customers"),
        ("grid rows", "customers"),
        ("export rows", "customers"),
        ("coverage lines", "lines"),
        ("overview invoices", "invoices"),
        ("export invoices", "invoices"),
        ("map invoices", "invoices"),
        ("overview items", "items"),
        ("overview returned", "returned"),
        ("churn customers", "scored"),
    ]:
        assert shown[page_key] == facts[fact_key], (described, page_key)
    for page_key, fact_key in [
        ("overview revenue", "revenue"),
        ("map revenue", "revenue"),
        ("churn revenue", "scored_revenue"),
        ("products revenue", "product_revenue"),
    ]:
        assert shown[page_key] == pytest.approx(facts[fact_key], abs=PENNY), (described, page_key)
    # the grid rounds each customer's revenue to the penny: the sum within a penny per row
    assert shown["export revenue"] == pytest.approx(
        facts["revenue"], abs=PENNY * max(shown["export rows"], 1)
    ), described


# -- the properties ---------------------------------------------------------------------------------
@pytest.mark.slow
@given(data=st.data())
@PROPERTY_SETTINGS
def test_narrowing_a_slicer_never_increases_a_sum_or_count(
    any_reader: WarehouseReader, data: st.DataObject
) -> None:
    space, _options = space_of(any_reader)
    wide, narrow = data.draw(narrowing(space))
    before, after = page_figures(any_reader, wide), page_figures(any_reader, narrow)
    grown = {
        key: (before[key], after[key])
        for key in before
        if after[key] > before[key] + (PENNY if "revenue" in key else 0)
    }
    assert not grown, f"{wide.describe()} -> {narrow.describe()}: {grown}"


@pytest.mark.slow
@given(data=st.data())
@PROPERTY_SETTINGS
def test_every_headline_equals_an_independent_query_over_the_lines(
    any_reader: WarehouseReader, data: st.DataObject
) -> None:
    space, options = space_of(any_reader)
    _wide, narrow = data.draw(narrowing(space))
    assert_headlines_equal_the_facts(any_reader, narrow, options)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=date(2025, 12, 10)),
        Filters(countries=("United Kingdom",), risk_bands=("high",)),
    ],
    ids=["no filter", "after the run", "country and risk"],
)
def test_the_headlines_of_fixed_states_equal_the_facts(
    later_reader: WarehouseReader, filters: Filters
) -> None:
    """The unfiltered state (once served from the run's features) and a period after the run
    (lines the run has never seen) are among the states checked, whatever Hypothesis draws."""
    assert_headlines_equal_the_facts(later_reader, filters, common.filter_options(later_reader))


# -- after a load without a model run ----------------------------------------------------------------
def test_after_a_load_the_figures_count_the_new_lines_and_say_segments_are_older(
    reader: WarehouseReader, later_reader: WarehouseReader
) -> None:
    before = page_figures(reader, Filters())
    after = page_figures(later_reader, Filters())
    loaded = sql(
        later_reader,
        f"SELECT coalesce(sum(amount) FILTER (WHERE {PURCHASE}), 0) AS revenue, count(*) AS n "
        "FROM fact_invoice_line f JOIN dim_customer d USING (customer_key) "
        "WHERE f.load_id = (SELECT max(load_id) FROM load_log WHERE file_kind = 'invoices') "
        "AND f.customer_key <> 0 AND NOT d.is_excluded",
    ).row(0, named=True)
    assert loaded["n"] > 1000
    assert after["overview revenue"] == pytest.approx(
        before["overview revenue"] + float(loaded["revenue"]), abs=PENNY
    )
    summary = overview_q.segment_summary(later_reader, Filters())
    unsegmented = summary.filter(summary["segment_id"].is_null())
    assert unsegmented["segment"].to_list() == ["Not segmented"]
    assert unsegmented["customers"].item() > 0
    assert unsegmented["revenue"].item() > 0
    assert overview_q.overview_kpis(summary)["top_segment"] != "Not segmented"

    freshness = common.model_freshness(later_reader)
    note = common.freshness_note(freshness)
    assert freshness is not None
    assert note is not None
    assert (
        int(freshness["lines_loaded_since"])
        == loaded["n"]
        + sql(
            later_reader,
            "SELECT count(*) FROM fact_invoice_line f WHERE f.customer_key = 0 "
            "AND f.load_id = (SELECT max(load_id) FROM load_log WHERE file_kind = 'invoices')",
        ).item()
        + sql(
            later_reader,
            "SELECT count(*) FROM fact_invoice_line f JOIN dim_customer d USING (customer_key) "
            "WHERE d.is_excluded AND f.customer_key <> 0 "
            "AND f.load_id = (SELECT max(load_id) FROM load_log WHERE file_kind = 'invoices')",
        ).item()
    )
    as_of = freshness["as_of_date"].isoformat()
    assert f"as of {as_of} (model run 1)" in note
    assert f"{int(freshness['lines_loaded_since']):,} lines loaded since" in note
    assert f"{unsegmented['customers'].item():,} customers show as 'Not segmented'" in note
    assert "run `segmenta model`" in note
    assert common.freshness_note(common.model_freshness(reader)) is None


def test_the_shell_shows_the_note_only_when_the_run_is_behind(
    reader: WarehouseReader, later_reader: WarehouseReader
) -> None:
    from segmenta.dashboard import ids
    from segmenta.dashboard.app import create_app
    from segmenta.settings import Settings

    for warehouse, behind in ((reader.path, False), (later_reader.path, True)):
        client = create_app(Settings(warehouse=Path(warehouse))).server.test_client()
        assert client.get("/").status_code == 200
        layout = client.get("/_dash-layout").get_data(as_text=True)
        assert (f'"{ids.MODEL_FRESHNESS}"' in layout) is behind, warehouse
        assert ("segmenta model" in layout) is behind, warehouse


# -- labels: what follows the slicers, what is as of the run -----------------------------------------
def test_line_measures_say_what_they_are_counted_over_and_run_measures_say_as_of_the_run(
    reader: WarehouseReader,
) -> None:
    from segmenta.dashboard import ids
    from segmenta.dashboard.app import create_app
    from segmenta.settings import Settings
    from tests.helpers.dashboard import call

    assert Filters().line_scope == "all loaded lines"
    assert Filters(date_to=date(2025, 6, 1)).line_scope == "in the selected period"
    assert Filters(countries=("France",)).line_scope == "in the selected countries"
    assert Filters(date_from=date(2025, 1, 1), countries=("France",)).line_scope == (
        "in the selected period and countries"
    )
    client = create_app(Settings(warehouse=Path(reader.path))).server.test_client()
    assert client.get("/").status_code == 200
    for first_output, grid in (
        ("overview-segment-table.columnDefs", ids.OVERVIEW_SEGMENT_TABLE),
        ("customers-grid.columnDefs", ids.CUSTOMERS_GRID),
    ):
        for store, suffix in (("", ""), ("?from=2025-03-01", " in the selected period")):
            out = call(client, first_output, {"filter-store.data": store})
            headers = {c["field"]: c["headerName"] for c in out[grid]["columnDefs"]}
            assert headers["revenue"] == "Revenue" + suffix, (grid, store)
            assert headers["invoices"] == "Invoices" + suffix, (grid, store)
            assert headers["recency_days"] == "Recency (days, as of the run)", (grid, store)
    kpis = call(client, "overview-kpis.children", {"filter-store.data": "?from=2025-03-01"})
    assert "in the selected period" in str(kpis[ids.OVERVIEW_KPIS]["children"])
    churn = call(client, "churn-kpis.children", {"filter-store.data": ""})
    text = str(churn)
    assert "as of the run" in text
    assert "of scored customers, all loaded lines" in text
