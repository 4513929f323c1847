"""The browser tests' fixtures: the app served on localhost and one offline headless Chromium.

Chromium comes from :mod:`segmenta.testing.chromium`: every host other than localhost is
unresolvable (``--host-resolver-rules``) and its console and network logs are on, so a test
can prove that no request leaves the machine. A module may override ``demo_warehouse`` to
serve a warehouse of its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from selenium import webdriver

from segmenta.dashboard.app import create_app
from segmenta.settings import Settings
from segmenta.testing.chromium import ALL_LOGS, chromium_options, start_chromium


class OfflineChromium(DashComposite):
    """dash[testing]'s browser, started with our own Chromium options unchanged.

    (DashComposite would overwrite the logging preferences; we need the network log.)
    """

    def _get_chrome(self) -> webdriver.Chrome:
        options, driver = self._options  # type: ignore[misc]  # we pass [options, driver]
        return start_chromium(options, driver)


@pytest.fixture(scope="module")
def duo(chromium_paths: tuple[str, str], demo_warehouse: Path) -> Iterator[DashComposite]:
    """The app served on localhost and one headless Chromium for the whole module."""
    chromium, chromedriver = chromium_paths
    with (
        tempfile.TemporaryDirectory(prefix="segmenta-chromium-") as profile,
        ThreadedRunner() as runner,
    ):
        options = chromium_options(profile, binary=chromium, logs=ALL_LOGS)
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
