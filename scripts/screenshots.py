"""Take a screenshot of each dashboard page: ``docs/screenshots/<page>.png``.

Usage (from the repository root, with the test extras installed)::

    python scripts/screenshots.py                      # builds a 2,000-customer demo warehouse
    python scripts/screenshots.py --warehouse W.duckdb  # or uses an existing one

It serves the app on a free localhost port in a thread, drives headless Chromium (the system
``chromium`` and ``chromedriver``, through Selenium) with every network request outside
localhost refused, waits for each page's charts and saves a PNG per page. The customers page
is also shot with a customer's detail view open (``customers-detail.png``), the products
page with a product clicked (``products-detail.png``) and the SQL page after running its
example query. Exit status 1 if a page logged a browser error.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from segmenta.testing.chromium import offline_chromium

REPO = Path(__file__).resolve().parents[1]

#: (file name, path, CSS selector that must be present once the page has drawn)
PAGES = (
    ("overview", "/", "#overview-customers-bar .barlayer path"),
    ("customers", "/customers", "#customers-grid .ag-row[row-id]"),
    ("map", "/map", "#map-graph .choroplethlayer path"),
    ("demographics", "/demographics", "#demographics-age .barlayer path, .demographics-empty"),
    ("products", "/products", "#products-top-revenue .barlayer path"),
    ("churn", "/churn", "#churn-at-risk .ag-row"),
    ("model", "/model", "#model-segments .ag-row"),
    ("score", "/score", "#score-distances .barlayer path"),
    ("sql", "/sql", "#sql-editor"),
)

#: on top of segmenta.testing.chromium's offline set-up: pixels as CSS says, no scrollbars
SCREENSHOT_FLAGS = ("--hide-scrollbars", "--force-device-scale-factor=1")


def build_demo_warehouse(directory: Path, n_customers: int = 2000, seed: int = 42) -> Path:
    """generate -> ingest -> model into ``directory``; returns the warehouse path."""
    from segmenta.demo import write_demo_data
    from segmenta.etl.load import ingest
    from segmenta.models.run import run_model

    warehouse = directory / "demo.duckdb"
    files = write_demo_data(directory / "data", n_customers=n_customers, seed=seed)
    ingest(warehouse, [files.invoices], customer_file=files.customers)
    run_model(warehouse, seed=seed)
    return warehouse


@contextmanager
def serve_in_thread(warehouse: Path) -> Iterator[str]:
    """Serve the dashboard on a free localhost port; yields its base URL."""
    from werkzeug.serving import make_server

    from segmenta.dashboard.app import create_app
    from segmenta.settings import Settings

    app = create_app(Settings(warehouse=warehouse))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def wait_for(driver, selector: str, timeout: float = 30.0) -> None:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.find_elements(By.CSS_SELECTOR, selector):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{selector!r} did not appear within {timeout:.0f} s")


def settle(driver, quiet_s: float = 0.8, timeout: float = 20.0) -> None:
    """Wait until Dash has no callback in flight for ``quiet_s``."""
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        busy = driver.execute_script(
            "return document.querySelector('[data-dash-is-loading=\"true\"]') !== null"
        )
        if busy:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        time.sleep(0.1)


def save_full_page(driver, path: Path, max_height: int = 3000) -> None:
    """A PNG of the whole page (up to ``max_height`` px), not only the viewport."""
    settle(driver, quiet_s=0.5)
    # AG Grid paints a grid once it has been on screen: scroll down the page and back first
    driver.execute_script("window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
    time.sleep(0.4)
    driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
    time.sleep(0.4)
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {
        "x": 0,
        "y": 0,
        "width": size["width"],
        "height": min(size["height"], max_height),
        "scale": 1,
    }
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def take_screenshots(
    base_url: str, out_dir: Path, width: int = 1440, height: int = 1000
) -> list[str]:
    """Save one PNG per page; returns the browser's SEVERE log messages."""
    from selenium.webdriver.common.by import By

    out_dir.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with offline_chromium(
        window=(width, height), headless="--headless=new", extra=SCREENSHOT_FLAGS, logs=["browser"]
    ) as driver:
        for name, path, ready in PAGES:
            driver.get(base_url + path)
            wait_for(driver, ready)
            settle(driver)
            if name == "sql":  # run the example query the editor opens with
                driver.find_element(By.CSS_SELECTOR, "#sql-run").click()
                wait_for(driver, "#sql-result .ag-row")
                settle(driver)
            save_full_page(driver, out_dir / f"{name}.png")
            print(f"wrote {out_dir / f'{name}.png'}")
            if name == "customers":  # and the detail view of the first customer
                driver.find_element(
                    By.CSS_SELECTOR, "#customers-grid .ag-row[row-index='0'] .ag-cell"
                ).click()
                wait_for(driver, ".customer-detail .js-plotly-plot")
                settle(driver)
                time.sleep(0.6)  # the offcanvas slides in
                save_full_page(driver, out_dir / "customers-detail.png")
                print(f"wrote {out_dir / 'customers-detail.png'}")
            if name == "products":  # and who buys the best seller
                from selenium.webdriver.common.action_chains import ActionChains

                bar = driver.find_element(
                    By.CSS_SELECTOR, "#products-top-revenue .barlayer .point path"
                )
                ActionChains(driver).move_to_element(bar).pause(0.3).click().perform()
                wait_for(driver, "#products-buyers .ag-row")
                settle(driver)
                save_full_page(driver, out_dir / "products-detail.png")
                print(f"wrote {out_dir / 'products-detail.png'}")
            errors += [
                e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"
            ]
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse", type=Path, default=None, help="existing warehouse (default: build a demo)"
    )
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--customers", type=int, default=2000, help="demo size when building one")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="segmenta-shots-") as tmp:
        warehouse = args.warehouse or build_demo_warehouse(Path(tmp), args.customers)
        with serve_in_thread(warehouse) as url:
            errors = take_screenshots(url, args.out, args.width, args.height)
    for message in errors:
        print(f"browser error: {message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
