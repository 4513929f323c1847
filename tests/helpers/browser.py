"""Shared helpers of the browser tests: waiting for the page, reading what it drew and logged."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from dash.testing.composite import DashComposite
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from segmenta.dashboard import ids
from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import common
from segmenta.warehouse.connection import WarehouseReader


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll ``condition`` until it returns something truthy (returned); fail after ``timeout``."""
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
    """Navigate to ``path``, wait for the CSS selector ``ready``, then for the callbacks."""
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


def grid_rows(duo: DashComposite, grid_id: str) -> list[dict[str, Any]]:
    """The row data of every node of the AG Grid ``grid_id``."""
    return duo.driver.execute_script(
        "const api = dash_ag_grid.getApi(arguments[0]); const rows = [];"
        "api.forEachNode(n => rows.push(n.data)); return rows;",
        grid_id,
    )


def coverage_text(duo: DashComposite) -> str:
    """The header's coverage line as shown."""
    return duo.find_element(f"#{ids.COVERAGE}").text


def expected_coverage(reader: WarehouseReader, filters: Filters) -> str:
    """The coverage line the header should show for ``filters``."""
    n_customers, n_lines = common.coverage(reader, filters)
    return f"{n_customers:,} customers · {n_lines:,} lines"


def severe_errors(duo: DashComposite) -> list[str]:
    """The browser console's SEVERE messages since the log was last read."""
    return [e["message"] for e in duo.driver.get_log("browser") if e["level"] == "SEVERE"]


def requested_urls(duo: DashComposite) -> list[str]:
    """Every URL the page requested since the network log was last read."""
    urls = []
    for entry in duo.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def query_of(url: str) -> dict[str, list[str]]:
    """The parsed query string of ``url``."""
    return parse_qs(urlsplit(url).query)


def pick_dropdown_option(duo: DashComposite, dropdown_id: str, value: str) -> None:
    """Open the dropdown ``dropdown_id``, click the option ``value`` and close the list."""
    duo.find_element(f"#{dropdown_id}").click()
    option = wait_until(
        lambda: duo.driver.find_element(By.CSS_SELECTOR, f"[role=option] input[value='{value}']"),
        what=f"option {value}",
    )
    option.find_element(By.XPATH, "./ancestor::*[@role='option']").click()
    ActionChains(duo.driver).send_keys("\ue00c").perform()  # Escape closes the list


def type_into(browser: DashComposite, element: Any, text: str) -> None:
    """Replace an input's text the way a user does (select all, type), so React sees it."""
    element.click()
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)
