"""Shared fixtures: paths to ../shared data and a rule for skipping honestly.

A test that needs ../shared or Chromium skips with a clear reason on a user's machine that
lacks them; under CI (CI=true) the same absence fails the test, because CI has both.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    import dash

    from segmenta.dashboard.filters import FilterOptions
    from segmenta.warehouse.connection import WarehouseReader

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SEGMENTA_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
ON_CI = os.environ.get("CI", "").lower() == "true"


#: test folders whose every test carries a marker, so that ``-m`` can leave the folder out
FOLDER_MARKERS = {"browser": "browser", "system": "slow"}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave a marked folder out of collection (not even imported) when ``-m`` deselects it.

    ``-m "not slow and not browser"`` then saves importing Selenium and the system tests. Only
    when the expression is false for every combination of the other markers it names; any
    doubt (a marker with arguments, an expression pytest cannot compile) collects as usual.
    """
    marker = FOLDER_MARKERS.get(collection_path.name)
    expression = config.option.markexpr
    if marker is None or collection_path.parent != REPO_ROOT / "tests" or not expression:
        return None
    try:
        from _pytest.mark.expression import Expression

        compiled = Expression.compile(expression)
        others = sorted(compiled.idents() - {marker})
        if len(others) > 8:
            return None
        for values in itertools.product((False, True), repeat=len(others)):
            present = {marker, *(name for name, on in zip(others, values, strict=True) if on)}
            if compiled.evaluate(_marked_with(present)):
                return None
    except Exception:  # a private API of pytest: if it changes, collect as usual
        return None
    return True


def _marked_with(present: set[str]) -> Callable[..., bool]:
    """A ``-m`` matcher for a test carrying exactly the markers ``present``."""

    def matches(name: str, /, **kwargs: object) -> bool:
        if kwargs:
            raise ValueError("a marker with arguments: not decided here")
        return name in present

    return matches


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under ``tests/browser`` as ``browser`` and under ``tests/system`` as ``slow``.

    The fast lane (``pytest -m "not slow and not browser"``) then needs no marker in those files.
    """
    for item in items:
        folder = item.path.relative_to(REPO_ROOT / "tests").parts[0]
        if marker := FOLDER_MARKERS.get(folder):
            item.add_marker(marker)


def tool(name: str) -> str | None:
    """An executable installed beside this Python (the venv's bin/) or on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)


def skip_or_fail(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail under CI where the resource must be present."""
    if ON_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """``../shared/data`` with the real Online Retail file; skips (fails on CI) if absent."""
    if not (SHARED_DATA / "online_retail.parquet").is_file():
        skip_or_fail(f"real data not found at {SHARED_DATA} (set SEGMENTA_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def online_retail(shared_data_dir: Path) -> Path:
    return shared_data_dir / "online_retail.parquet"


@pytest.fixture(scope="session")
def mall_customers(shared_data_dir: Path) -> Path:
    path = shared_data_dir / "mall_customers.csv"
    if not path.is_file():
        skip_or_fail(f"{path} not found")
    return path


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver) executables; skips (fails on CI) if absent."""
    from segmenta.testing.chromium import find_chromedriver, find_chromium

    chromium, driver = find_chromium(), find_chromedriver()
    if not chromium or not driver:
        skip_or_fail(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    return chromium, driver


# -- the dashboard tests' demo warehouse (built once per session, shared by every file) --------
def run_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's temporary root: shared by pytest-xdist's workers, each has its own below it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse, built once per run (under xdist: by one worker, the others wait)."""
    from tests.helpers import demo_warehouse_at

    return demo_warehouse_at(run_tmp(tmp_path_factory) / "dashboard")


@pytest.fixture(scope="module")
def reader(demo_warehouse: Path) -> WarehouseReader:
    from segmenta.warehouse.connection import WarehouseReader

    return WarehouseReader(demo_warehouse)


@pytest.fixture(scope="module")
def options(reader: WarehouseReader) -> FilterOptions:
    from segmenta.dashboard.queries import common

    return common.filter_options(reader)


@pytest.fixture(scope="module")
def app(demo_warehouse: Path) -> dash.Dash:
    """The dashboard with default settings over the demo warehouse (a file may override it)."""
    from segmenta.dashboard.app import create_app
    from segmenta.settings import Settings

    return create_app(Settings(warehouse=demo_warehouse))
