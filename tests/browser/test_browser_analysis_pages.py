"""The products, churn, segmentation model, score and SQL pages in a real headless Chromium.

Uses the browser set-up of ``tests/browser/conftest.py`` (the ``duo`` and ``page`` fixtures,
the offline Chromium) and the helpers of ``tests/helpers/browser.py``; this module's ``demo_warehouse`` is a private copy of the demo
warehouse, because one test renames a segment through the page (the one write path) and the
other modules expect the generated names.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from dash.testing.composite import DashComposite
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from segmenta.dashboard import ids
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import common
from segmenta.dashboard.queries import model as model_q
from segmenta.dashboard.queries import products as products_q
from segmenta.models import scoring
from segmenta.warehouse.connection import WarehouseReader, current_file
from tests.helpers import demo_warehouse_at
from tests.helpers.browser import (
    coverage_text,
    expected_coverage,
    figure_data,
    grid_rows,
    open_page,
    pick_dropdown_option,
    query_of,
    settle,
    severe_errors,
    type_into,
    wait_until,
)

pytestmark = [
    # dash[testing] pins selenium <= 4.2, which calls urllib3 2's deprecated getheader()
    pytest.mark.filterwarnings("ignore:HTTPResponse.getheader:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo warehouse (the ``duo`` fixture serves this one)."""
    shared = demo_warehouse_at(tmp_path_factory.getbasetemp() / "dashboard")
    copy = tmp_path_factory.mktemp("browser2") / "warehouse.duckdb"
    shutil.copyfile(current_file(shared), copy)  # type: ignore[arg-type]
    return copy


PAGES = (
    ("/products", f"#{ids.PRODUCTS_TOP_REVENUE} .barlayer path"),
    ("/churn", f"#{ids.CHURN_HISTOGRAM} .barlayer path"),
    ("/model", f"#{ids.MODEL_SCATTER} .scatterlayer .point"),
    ("/score", f"#{ids.SCORE_DISTANCES} .barlayer path"),
    ("/sql", f"#{ids.SQL_EDITOR}"),
)


# -- every page -------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "ready"), PAGES)
def test_each_new_page_loads_without_console_errors(
    page: DashComposite,
    reader: WarehouseReader,
    path: str,
    ready: str,
) -> None:
    open_page(page, path, ready)
    assert coverage_text(page) == expected_coverage(reader, Filters())
    active = page.driver.find_elements(By.CSS_SELECTOR, ".app-navbar .nav-link.active")
    assert [a.get_attribute("pathname") for a in active] == [path]
    assert severe_errors(page) == []


def _products_total(browser: DashComposite) -> float:
    return sum(figure_data(browser, ids.PRODUCTS_TOP_REVENUE)[0]["x"])


def _churn_customers(browser: DashComposite) -> int:
    return sum(sum(trace["y"]) for trace in figure_data(browser, ids.CHURN_HISTOGRAM))


def _model_points(browser: DashComposite) -> int:
    return sum(len(trace["x"]) for trace in figure_data(browser, ids.MODEL_SCATTER))


def _score_points(browser: DashComposite) -> int:
    return sum(len(trace["x"]) for trace in figure_data(browser, ids.SCORE_PROJECTION)[:-1])


def _expected(reader: WarehouseReader, path: str, filters: Filters) -> float:
    covered = common.coverage(reader, filters)[0]
    if path == "/products":
        top = products_q.best_sellers(products_q.product_metrics(reader, filters), "revenue")
        return sum(top["revenue"].to_list())
    if path == "/churn":
        return covered
    if path == "/model":
        return min(covered, model_q.PROJECTION_POINTS)
    return min(covered, model_q.SCORE_BACKGROUND_POINTS)


MEASURES = {
    "/products": _products_total,
    "/churn": _churn_customers,
    "/model": _model_points,
    "/score": _score_points,
}


@pytest.mark.parametrize("path", list(MEASURES))
def test_a_slicer_changes_the_page(
    page: DashComposite,
    reader: WarehouseReader,
    path: str,
) -> None:
    ready = dict(PAGES)[path]
    open_page(page, path, ready)
    measure = MEASURES[path]
    before = measure(page)
    assert before == pytest.approx(_expected(reader, path, Filters()))
    pick_dropdown_option(page, ids.FILTER_RISK, "high")
    filters = Filters(risk_bands=("high",))
    wait_until(
        lambda: coverage_text(page) == expected_coverage(reader, filters), what="the coverage"
    )
    expected = _expected(reader, path, filters)
    wait_until(lambda: measure(page) == pytest.approx(expected), what=f"{path} to redraw")
    assert measure(page) < before
    assert query_of(page.driver.current_url) == {"risk": ["high"]}
    assert severe_errors(page) == []


# -- products ---------------------------------------------------------------------------------------
def test_clicking_a_product_lists_who_buys_it(
    page: DashComposite,
    reader: WarehouseReader,
) -> None:
    open_page(page, "/products?country=United+Kingdom", dict(PAGES)["/products"])
    codes = [c[0] for c in figure_data(page, ids.PRODUCTS_TOP_REVENUE)[0]["customdata"]]
    bars = page.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.PRODUCTS_TOP_REVENUE} .barlayer .point path"
    )
    ActionChains(page.driver).move_to_element(bars[0]).pause(0.3).click().perform()
    rows = wait_until(lambda: grid_rows(page, ids.PRODUCTS_BUYERS), what="the buyers")
    settle(page)
    rows = grid_rows(page, ids.PRODUCTS_BUYERS)
    product = products_q.product_lookup(reader, codes[0])
    filters = Filters(countries=("United Kingdom",))
    expected = products_q.product_buyers(reader, filters, product["product_key"])
    assert [r["customer_key"] for r in rows] == expected["customer_key"].to_list()
    detail = page.find_element(f"#{ids.PRODUCTS_DETAIL}").text
    assert product["description"] in detail
    assert figure_data(page, ids.PRODUCTS_SEGMENTS)[0]["type"] == "bar"
    assert severe_errors(page) == []


# -- score ------------------------------------------------------------------------------------------------
def _field(browser: DashComposite, name: str) -> Any:
    return browser.driver.find_element(By.CSS_SELECTOR, f"input[name='{name}']")


def test_the_score_form_returns_a_segment(
    page: DashComposite,
    demo_warehouse: Path,
) -> None:
    open_page(page, "/score", dict(PAGES)["/score"])
    payload = {"recency_days": 300, "frequency": 1, "monetary": 40}
    for name, value in payload.items():
        type_into(page, _field(page, name), str(value))
    page.find_element(f"#{ids.SCORE_SUBMIT}").click()
    expected = scoring.score_customer(demo_warehouse, dict(payload))
    wait_until(
        lambda: page.find_element(f"#{ids.SCORE_SEGMENT}").text == expected["segment"],
        what="the predicted segment",
    )
    churn_text = page.find_element(f"#{ids.SCORE_CHURN}").text
    assert churn_text == f"{expected['churn_probability'] * 100:.1f} %"
    distances = figure_data(page, ids.SCORE_DISTANCES)[0]
    assert distances["y"][0] == expected["segment"]
    star = figure_data(page, ids.SCORE_PROJECTION)[-1]
    assert star["x"] == [expected["pc1"]]
    # a value out of range: the field is flagged and nothing is scored
    type_into(page, _field(page, "frequency"), "0")
    page.find_element(f"#{ids.SCORE_SUBMIT}").click()
    wait_until(
        lambda: "is-invalid" in _field(page, "frequency").get_attribute("class"),
        what="the invalid field",
    )
    assert "Not scored: field 'frequency'" in page.find_element(f"#{ids.SCORE_ERROR}").text
    assert not page.driver.find_elements(By.CSS_SELECTOR, f"#{ids.SCORE_SEGMENT}")
    assert severe_errors(page) == []


# -- SQL ---------------------------------------------------------------------------------------------------
def _run_sql(browser: DashComposite, text: str | None) -> str:
    """Run ``text`` (or what the editor holds); the status message once it changes."""
    if text is not None:
        type_into(browser, browser.find_element(f"#{ids.SQL_EDITOR}"), text)
    previous = browser.find_element(f"#{ids.SQL_STATUS}").get_attribute("innerHTML")
    browser.find_element(f"#{ids.SQL_RUN}").click()
    wait_until(
        lambda: (
            browser.find_element(f"#{ids.SQL_STATUS}").text
            and browser.find_element(f"#{ids.SQL_STATUS}").get_attribute("innerHTML") != previous
        ),
        what="the query's answer",
    )
    settle(browser)
    return browser.find_element(f"#{ids.SQL_STATUS}").text


def test_sql_page_runs_queries_and_refuses_writes_and_files(
    page: DashComposite,
    reader: WarehouseReader,
) -> None:
    open_page(page, "/sql", dict(PAGES)["/sql"])
    schema = page.find_element(f"#{ids.SQL_SCHEMA}").text
    assert "customer_360" in schema
    assert "fact_invoice_line" in schema
    status = _run_sql(page, None)  # the example the editor opens with: segment KPIs
    segments = reader.scalar("SELECT count(DISTINCT segment_id) FROM customer_360")
    assert status.startswith(f"{segments} rows in ")
    rows = grid_rows(page, ids.SQL_RESULT)
    assert len(rows) == segments
    status = _run_sql(page, "DELETE FROM segment_label")
    assert status.startswith("Refused: only queries")
    assert grid_rows(page, ids.SQL_RESULT) == []
    status = _run_sql(page, "SELECT * FROM read_csv('/etc/passwd')")
    assert status.startswith("Refused: ")
    assert "file system operations are disabled" in status
    assert "root:x:0:0" not in page.driver.page_source
    status = _run_sql(page, "SELECT count(*) AS n FROM customer_360")
    assert status.startswith("1 row in ")
    assert grid_rows(page, ids.SQL_RESULT) == [
        {"c0": reader.scalar("SELECT count(*) FROM customer_360")}
    ]
    assert reader.scalar("SELECT count(*) FROM segment_label") == 0
    assert severe_errors(page) == []


# -- the rename (last: it changes this module's warehouse) ------------------------------------------
def test_a_rename_persists_and_shows_on_the_other_pages(
    page: DashComposite,
    reader: WarehouseReader,
    demo_warehouse: Path,
) -> None:
    open_page(page, "/model", f"#{ids.MODEL_SEGMENTS} .ag-row")
    names = list(common.filter_options(reader).segments)
    old = names[0]
    selector = f"#{ids.MODEL_SEGMENTS} .ag-row[row-id='1'] [col-id='segment']"

    def rename_in_grid(text: str) -> None:
        cell = page.driver.find_element(By.CSS_SELECTOR, selector)
        ActionChains(page.driver).double_click(cell).perform()
        editor = wait_until(
            lambda: page.driver.find_element(
                By.CSS_SELECTOR, f"#{ids.MODEL_SEGMENTS} .ag-cell-inline-editing input"
            ),
            what="the cell editor",
        )
        editor.send_keys(Keys.CONTROL, "a")
        editor.send_keys(text)
        editor.send_keys(Keys.ENTER)

    assert page.driver.find_element(By.CSS_SELECTOR, selector).text == old
    # a refused name (another segment's, in other case): explained, and the cell reverts
    rename_in_grid(names[-1].lower())
    wait_until(
        lambda: "Not renamed: label:" in page.find_element(f"#{ids.MODEL_RENAME_STATUS}").text,
        what="the refusal",
    )
    wait_until(
        lambda: page.driver.find_element(By.CSS_SELECTOR, selector).text == old,
        what="the cell to revert",
    )
    rename_in_grid("VIP Customers")
    wait_until(
        lambda: (
            "now called \u201cVIP Customers\u201d"
            in page.find_element(f"#{ids.MODEL_RENAME_STATUS}").text
        ),
        what="the rename's confirmation",
    )
    settle(page)
    # stored, with who and when
    fresh = WarehouseReader(demo_warehouse)
    assert fresh.query("SELECT label, renamed_by FROM segment_label").rows() == [
        ("VIP Customers", "local")
    ]
    wait_until(
        lambda: "VIP Customers" in figure_data(page, ids.MODEL_HEATMAP)[0]["y"], what="heatmap"
    )
    # the other pages: the overview's charts, the segment slicer, the churn page
    # back to the top (instantly: Bootstrap scrolls smoothly) and through the navbar
    page.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    page.driver.find_element(By.CSS_SELECTOR, ".app-navbar a.nav-link[href^='/']").click()
    wait_until(lambda: urlsplit(page.driver.current_url).path == "/", what="the overview")
    wait_until(
        lambda: "VIP Customers" in figure_data(page, "overview-customers-bar")[0]["y"],
        what="the overview's bars",
    )
    assert old not in figure_data(page, "overview-customers-bar")[0]["y"]
    pick_dropdown_option(page, ids.FILTER_SEGMENT, "VIP Customers")
    wait_until(
        lambda: query_of(page.driver.current_url) == {"segment": ["VIP Customers"]},
        what="the URL",
    )
    open_page(page, "/churn?segment=VIP+Customers", dict(PAGES)["/churn"])
    assert [t["name"] for t in figure_data(page, ids.CHURN_HISTOGRAM)] == ["VIP Customers"]
    assert page.find_element(f"#{ids.FILTER_SEGMENT}").text == "VIP Customers"
    # and after a full reload (a new page load reads the warehouse again)
    page.driver.refresh()
    wait_until(
        lambda: (
            figure_data(page, ids.CHURN_HISTOGRAM)
            and [t["name"] for t in figure_data(page, ids.CHURN_HISTOGRAM)] == ["VIP Customers"]
        ),
        what="the reloaded page",
    )
    assert severe_errors(page) == []
