"""The dashboard in a real headless Chromium (dash[testing]'s runner and browser, Selenium).

Chromium (the ``duo`` and ``page`` fixtures of ``tests/browser/conftest.py``) runs with every
host other than localhost unresolvable and with its network log on, so the map test can prove
that the country outlines come from the app itself and that no request leaves the machine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from dash.testing.composite import DashComposite
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from segmenta.dashboard import ids
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import common
from segmenta.warehouse.connection import WarehouseReader
from tests.helpers.browser import (
    coverage_text,
    expected_coverage,
    figure_data,
    grid_rows,
    open_page,
    pick_dropdown_option,
    query_of,
    requested_urls,
    settle,
    severe_errors,
    wait_until,
)

pytestmark = [
    # dash[testing] pins selenium <= 4.2, which calls urllib3 2's deprecated getheader()
    pytest.mark.filterwarnings("ignore:HTTPResponse.getheader:DeprecationWarning"),
]

LOCAL_SCHEMES = ("data:", "blob:", "about:")


# -- tests -----------------------------------------------------------------------------------------
PAGES = (
    ("/", f"#{ids.OVERVIEW_CUSTOMERS_BAR} .barlayer path"),
    ("/customers", f"#{ids.CUSTOMERS_GRID} .ag-row[row-id]"),
    ("/map", f"#{ids.MAP_GRAPH} .choroplethlayer path"),
    ("/demographics", "#demographics-age .barlayer path"),
)


@pytest.mark.parametrize(("path", "ready"), PAGES)
def test_each_page_loads_without_console_errors(
    page: DashComposite, reader: WarehouseReader, path: str, ready: str
) -> None:
    open_page(page, path, ready)
    assert coverage_text(page) == expected_coverage(reader, Filters())
    active = page.driver.find_elements(By.CSS_SELECTOR, ".app-navbar .nav-link.active")
    assert [a.get_attribute("pathname") for a in active] == [path]
    assert severe_errors(page) == []


def test_a_slicer_change_updates_the_figures_and_the_url(
    page: DashComposite, reader: WarehouseReader
) -> None:
    open_page(page, "/", f"#{ids.OVERVIEW_CUSTOMERS_BAR} .barlayer path")
    before = sum(figure_data(page, ids.OVERVIEW_CUSTOMERS_BAR)[0]["x"])
    assert before == common.coverage(reader, Filters())[0]
    pick_dropdown_option(page, ids.FILTER_RISK, "high")
    expected = expected_coverage(reader, Filters(risk_bands=("high",)))
    wait_until(lambda: coverage_text(page) == expected, what="the coverage line to update")
    settle(page)
    after = sum(figure_data(page, ids.OVERVIEW_CUSTOMERS_BAR)[0]["x"])
    assert after == common.coverage(reader, Filters(risk_bands=("high",)))[0] < before
    assert query_of(page.driver.current_url) == {"risk": ["high"]}
    assert severe_errors(page) == []


def test_clicking_a_segment_bar_drills_through_to_its_customers(
    page: DashComposite, reader: WarehouseReader
) -> None:
    open_page(page, "/?country=United+Kingdom", f"#{ids.OVERVIEW_CUSTOMERS_BAR} .barlayer path")
    segments = figure_data(page, ids.OVERVIEW_CUSTOMERS_BAR)[0]["y"]
    bars = page.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.OVERVIEW_CUSTOMERS_BAR} .barlayer .point path"
    )
    assert len(bars) == len(segments)
    ActionChains(page.driver).move_to_element(bars[1]).pause(0.3).click().perform()
    wait_until(
        lambda: urlsplit(page.driver.current_url).path == "/customers", what="the customers page"
    )
    assert query_of(page.driver.current_url) == {
        "country": ["United Kingdom"],
        "segment": [segments[1]],
    }
    wait_until(
        lambda: page.find_element(f"#{ids.FILTER_SEGMENT}").text == segments[1],
        what="the segment slicer",
    )
    filters = Filters(countries=("United Kingdom",), segments=(segments[1],))
    wait_until(lambda: coverage_text(page) == expected_coverage(reader, filters), what="coverage")
    settle(page)
    cells = wait_until(
        lambda: page.driver.find_elements(
            By.CSS_SELECTOR, f"#{ids.CUSTOMERS_GRID} .ag-row [col-id='segment']"
        ),
        what="grid rows",
    )
    shown = {c.text for c in cells if c.text}
    assert shown == {segments[1]}
    matches = page.find_element(f"#{ids.CUSTOMERS_MATCHES}").text
    assert matches.startswith(f"{common.coverage(reader, filters)[0]:,} matching")
    assert severe_errors(page) == []


def test_the_url_restores_a_view_and_survives_page_changes(
    page: DashComposite, reader: WarehouseReader
) -> None:
    open_page(page, "/map?country=France&risk=medium", f"#{ids.MAP_GRAPH} .choroplethlayer path")
    filters = Filters(countries=("France",), risk_bands=("medium",))
    assert coverage_text(page) == expected_coverage(reader, filters)
    assert page.find_element(f"#{ids.FILTER_COUNTRY}").text == "France"
    assert page.find_element(f"#{ids.FILTER_RISK}").text == "Medium"
    assert [row["country"] for row in map_rows(page)] == ["France"]
    page.driver.find_element(By.CSS_SELECTOR, ".app-navbar a.nav-link[href^='/?']").click()
    wait_until(lambda: urlsplit(page.driver.current_url).path == "/", what="the overview")
    assert query_of(page.driver.current_url) == {"country": ["France"], "risk": ["medium"]}
    wait_until(lambda: figure_data(page, ids.OVERVIEW_CUSTOMERS_BAR), what="the overview charts")
    settle(page)
    assert (
        sum(figure_data(page, ids.OVERVIEW_CUSTOMERS_BAR)[0]["x"])
        == common.coverage(reader, filters)[0]
    )
    page.find_element(f"#{ids.FILTER_CLEAR}").click()
    wait_until(
        lambda: coverage_text(page) == expected_coverage(reader, Filters()), what="cleared filters"
    )
    assert urlsplit(page.driver.current_url).query == ""
    assert severe_errors(page) == []


def map_rows(duo: DashComposite) -> list[dict[str, Any]]:
    return grid_rows(duo, ids.MAP_TABLE)


def test_the_map_draws_countries_with_the_network_blocked(page: DashComposite) -> None:
    open_page(page, "/map", f"#{ids.MAP_GRAPH} .choroplethlayer path")
    shapes = page.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.MAP_GRAPH} .choroplethlayer path.choroplethlocation"
    )
    outlines = page.driver.find_elements(
        By.CSS_SELECTOR,
        f"#{ids.MAP_GRAPH} .geo .layer.countries path, #{ids.MAP_GRAPH} .geo .layer.land path",
    )
    assert len(shapes) >= 5  # the countries with sales, coloured
    assert outlines  # the rest of the world, from the same topojson
    drawn = page.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".filter(p => (p.getAttribute('d') || '').length > 20)"
        ".map(p => p.__data__ && p.__data__.loc);",
        f"#{ids.MAP_GRAPH} .choroplethlayer path.choroplethlocation",
    )
    assert {"GBR", "FRA", "DEU"} <= set(drawn)  # real outlines, not empty paths
    urls = requested_urls(page)
    assert any(u.endswith("/assets/topojson/world_110m.json") for u in urls)
    outside = [
        u for u in urls if not u.startswith(page.server_url) and not u.startswith(LOCAL_SCHEMES)
    ]
    assert outside == []
    # and the network really is blocked: the CDN's copy cannot be fetched from this browser
    result = page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('https://cdn.plot.ly/un/world_110m.json').then(() => done('fetched'), () => done('blocked'));"
    )
    assert result == "blocked"
    severe = [m for m in severe_errors(page) if "cdn.plot.ly" not in m]  # our own probe above
    assert severe == []


def test_hostile_url_values_are_dropped_in_the_browser(
    page: DashComposite, reader: WarehouseReader
) -> None:
    hostile = "?segment=%27%3B%20DROP%20TABLE%20dim_customer%3B%20--&country=%3Cscript%3Ealert(1)%3C%2Fscript%3E&from=2011-99-99&risk=low"
    open_page(page, "/" + hostile, f"#{ids.OVERVIEW_CUSTOMERS_BAR} .barlayer path")
    wait_until(
        lambda: query_of(page.driver.current_url) == {"risk": ["low"]}, what="the canonical URL"
    )
    assert coverage_text(page) == expected_coverage(reader, Filters(risk_bands=("low",)))
    assert page.driver.execute_script("return window.__pwned === undefined")
    assert severe_errors(page) == []


def test_clicking_a_customer_opens_the_detail_view(page: DashComposite) -> None:
    open_page(page, "/customers", f"#{ids.CUSTOMERS_GRID} .ag-row[row-id]")
    first = page.driver.find_element(
        By.CSS_SELECTOR,
        f"#{ids.CUSTOMERS_GRID} .ag-row[row-index='0'] [col-id='display_name']",
    )
    name = first.text
    first.click()
    body = wait_until(
        lambda: page.driver.find_element(By.CSS_SELECTOR, ".customer-detail"),
        what="the detail view",
    )
    wait_until(
        lambda: body.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"), what="the detail charts"
    )
    title = page.driver.find_element(By.CSS_SELECTOR, ".offcanvas-title").text
    assert title == name
    for heading in ("PROFILE", "CHURN RISK", "SEGMENT AND WHY", "TOP PRODUCTS"):
        assert heading in body.text.upper()
    assert severe_errors(page) == []
