"""One headless Chromium set-up for the browser tests, the page-load benchmark and screenshots.

Finds the system ``chromium`` and ``chromedriver`` (Debian's ``chromium`` and
``chromium-driver`` packages) and builds Selenium options with every host but localhost
unresolvable (``--host-resolver-rules``), so that nothing a page asks for can leave the
machine; a profile directory of its own, a window size and, if asked, the browser's console
and network logs. Selenium comes with the ``test`` extra (``dash[testing]``): it is imported
inside the functions, so ``import segmenta`` never needs it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver import Chrome
    from selenium.webdriver.chrome.options import Options

#: every host name resolves to nothing, except the app's own
OFFLINE_RULES = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
#: a quiet browser: no sandbox (containers), no GPU, no background traffic or updates
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: a laptop screen
WINDOW = (1366, 900)
#: the console and the network log (``driver.get_log("browser")``, ``"performance"``)
ALL_LOGS = ("browser", "performance")


def find_chromium() -> str | None:
    """The Chromium executable on PATH (``chromium`` or ``chromium-browser``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def find_chromedriver() -> str | None:
    """The ``chromedriver`` executable on PATH, or None."""
    return shutil.which("chromedriver")


def chromium_flags(
    profile: str | Path,
    *,
    window: tuple[int, int] = WINDOW,
    headless: str = "--headless",
    offline: bool = True,
    extra: Iterable[str] = (),
) -> list[str]:
    """The command-line flags: headless, quiet, ``window`` sized, offline but for localhost."""
    flags = [headless, *FLAGS, f"--window-size={window[0]},{window[1]}", *extra]
    if offline:
        flags.append(f"--host-resolver-rules={OFFLINE_RULES}")
    flags.append(f"--user-data-dir={profile}")
    return flags


def chromium_options(
    profile: str | Path,
    *,
    binary: str | None = None,
    window: tuple[int, int] = WINDOW,
    headless: str = "--headless",
    offline: bool = True,
    extra: Iterable[str] = (),
    logs: Iterable[str] = (),
) -> Options:
    """Selenium options for :func:`chromium_flags`, with the named logs (e.g. ``ALL_LOGS``) on.

    ``binary`` defaults to :func:`find_chromium`.
    """
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = binary or find_chromium() or "chromium"
    for flag in chromium_flags(
        profile, window=window, headless=headless, offline=offline, extra=extra
    ):
        options.add_argument(flag)
    if wanted := list(logs):
        options.set_capability("goog:loggingPrefs", dict.fromkeys(wanted, "ALL"))
    return options


def start_chromium(options: Options, chromedriver: str | None = None) -> Chrome:
    """A WebDriver session on ``options`` (``chromedriver`` defaults to the one on PATH)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    service = Service(chromedriver or find_chromedriver() or "chromedriver")
    return webdriver.Chrome(service=service, options=options)


@contextmanager
def offline_chromium(
    *,
    window: tuple[int, int] = WINDOW,
    headless: str = "--headless",
    extra: Iterable[str] = (),
    logs: Iterable[str] = (),
) -> Iterator[Chrome]:
    """A headless, offline Chromium with a fresh profile (a cold cache), quit on exit."""
    with tempfile.TemporaryDirectory(prefix="segmenta-chromium-") as profile:
        options = chromium_options(
            profile, window=window, headless=headless, extra=extra, logs=logs
        )
        driver = start_chromium(options)
        try:
            yield driver
        finally:
            driver.quit()
