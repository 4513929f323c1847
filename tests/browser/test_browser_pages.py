"""The dashboard in a real headless Chromium (dash[testing]'s runner and browser, Selenium).

Chromium runs with every host other than 127.0.0.1 unresolvable (``--host-resolver-rules``)
and with its network log on, so the map test can prove that the country outlines come from
the app itself and that no request leaves the machine.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from segmenta.dashboard import ids
from segmenta.dashboard.app import create_app
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import common
from segmenta.settings import Settings
from segmenta.warehouse.connection import WarehouseReader

pytestmark = [
    pytest.mark.browser,
    # dash[testing] pins selenium <= 4.2, which calls urllib3 2's deprecated getheader()
    pytest.mark.filterwarnings("ignore:HTTPResponse.getheader:DeprecationWarning"),
]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1366,900",  # a laptop screen
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
)
LOCAL_SCHEMES = ("data:", "blob:", "about:")


class OfflineChromium(DashComposite):
    """dash[testing]'s browser, started with our own Chromium options unchanged.

    (DashComposite would overwrite the logging preferences; we need the network log.)
    """

    def _get_chrome(self) -> webdriver.Chrome:
        options, driver = self._options  # type: ignore[misc]
        return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture(scope="module")
def duo(chromium_paths: tuple[str, str], demo_warehouse: Path) -> Iterator[DashComposite]:
    """The app served on localhost and one headless Chromium for the whole module."""
    chromium, chromedriver = chromium_paths
    with (
        tempfile.TemporaryDirectory(prefix="segmenta-chromium-") as profile,
        ThreadedRunner() as runner,
    ):
        options = Options()
        options.binary_location = chromium
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        with OfflineChromium(
            server=runner,
            browser="Chrome",
            headless=True,
            options=[options, chromedriver],
            download_path=str(Path(profile) / "downloads"),
            percy_run=False,
            wait_timeout=20,
        ) as browser:
            browser.start_server(create_app(Settings(warehouse=demo_warehouse)))
            yield browser


@pytest.fixture
def page(duo: DashComposite) -> DashComposite:
    """The browser with its logs emptied, so each test sees only its own messages."""
    duo.driver.get_log("browser")
    duo.driver.get_log("performance")
    return duo


# -- helpers -------------------------------------------------------------------------------------
def wait_until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # the DOM is changing under us: try again
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def settle(duo: DashComposite, quiet_s: float = 0.5) -> None:
    """Wait until no Dash callback has been in flight for ``quiet_s``."""
    quiet_since = time.monotonic()
    deadline = quiet_since + 20
    while time.monotonic() < deadline:
        if duo.driver.execute_script(
            "return !!document.querySelector('[data-dash-is-loading=\"true\"]')"
        ):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        time.sleep(0.05)


def open_page(duo: DashComposite, path: str, ready: str) -> None:
    duo.driver.get(duo.server_url + path)
    wait_until(lambda: duo.driver.find_elements(By.CSS_SELECTOR, ready), what=ready)
    settle(duo)


def figure_data(duo: DashComposite, graph_id: str) -> list[dict[str, Any]]:
    """The traces plotly drew in the dcc.Graph ``graph_id``."""
    return duo.driver.execute_script(
        "const el = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return el && el.data ? JSON.parse(JSON.stringify(el.data)) : null;",
        f"#{graph_id}",
    )


def coverage_text(duo: DashComposite) -> str:
    return duo.find_element(f"#{ids.COVERAGE}").text


def expected_coverage(reader: WarehouseReader, filters: Filters) -> str:
    n_customers, n_lines = common.coverage(reader, filters)
    return f"{n_customers:,} customers · {n_lines:,} lines"


def severe_errors(duo: DashComposite) -> list[str]:
    return [e["message"] for e in duo.driver.get_log("browser") if e["level"] == "SEVERE"]


def requested_urls(duo: DashComposite) -> list[str]:
    urls = []
    for entry in duo.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def pick_dropdown_option(duo: DashComposite, dropdown_id: str, value: str) -> None:
    duo.find_element(f"#{dropdown_id}").click()
    option = wait_until(
        lambda: duo.driver.find_element(By.CSS_SELECTOR, f"[role=option] input[value='{value}']"),
        what=f"option {value}",
    )
    option.find_element(By.XPATH, "./ancestor::*[@role='option']").click()
    ActionChains(duo.driver).send_keys("\ue00c").perform()  # Escape closes the list


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
    return duo.driver.execute_script(
        "const api = dash_ag_grid.getApi(arguments[0]); const rows = [];"
        "api.forEachNode(n => rows.push(n.data)); return rows;",
        ids.MAP_TABLE,
    )


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
