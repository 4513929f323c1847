"""Refresh while serving: ingest and model runs swap in new warehouse versions while several
gunicorn workers serve clients; no request fails and none sees a mixed or half-built state."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries import common
from segmenta.demo import write_demo_data
from segmenta.etl.load import ingest
from segmenta.models.run import run_model
from segmenta.testing.callbacks import CallbackClient, HttpTransport
from segmenta.warehouse.connection import WarehouseReader, current_file

pytestmark = pytest.mark.slow

PAGES = ("/", "/customers", "/map", "/demographics", "/healthz")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_coverage(path: Path) -> tuple[str, str]:
    """(version file name, the coverage text for no filter) of the current version."""
    reader = WarehouseReader(path)
    try:
        customers, lines = common.coverage(reader, Filters())
        return current_file(path).name, f"{customers:,} customers · {lines:,} lines"  # type: ignore[union-attr]
    finally:
        reader.close()


def test_refresh_while_clients_browse(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    first = write_demo_data(tmp_path / "d0", n_customers=300, seed=10)
    ingest(wh, [first.invoices], customer_file=first.customers)
    run_model(wh, seed=1)
    expected = dict([expected_coverage(wh)])
    port = free_port()
    env = {**os.environ, "SEGMENTA_WAREHOUSE": str(wh), "SEGMENTA_LOG_LEVEL": "WARNING"}
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "segmenta.wsgi:server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "2",
            "--timeout",
            "60",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        else:
            pytest.fail(
                "gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()[-2000:]
            )
        dependency = CallbackClient(base).dependency("coverage.children")
        stop = threading.Event()
        failures: list[str] = []
        seen: list[tuple[str, str]] = []

        def client() -> None:
            session = requests.Session()
            callbacks = CallbackClient(HttpTransport(base, session), [dependency])
            while not stop.is_set():
                for page in PAGES:
                    r = session.get(base + page, timeout=30)
                    if r.status_code != 200:
                        failures.append(f"GET {page}: {r.status_code}")
                reply = callbacks.send(dependency, {"filter-store.data": ""})
                if reply.status != 200:
                    failures.append(f"coverage: {reply.status} {reply.body[:200]!r}")
                    continue
                text = reply.outputs()["coverage"]["children"]
                seen.append((reply.headers["X-Segmenta-Version"], text))

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        for i in range(1, 4):  # three refreshes: a new month of invoices, then a model run
            # from this process, which is not any of gunicorn's: a writer beside the readers
            more = write_demo_data(tmp_path / f"d{i}", n_customers=150, seed=10 + i)
            ingest(wh, [more.invoices])
            expected.update([expected_coverage(wh)])
            run_model(wh)
            expected.update([expected_coverage(wh)])
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(60)
    finally:
        server.terminate()
        server.wait(10)
        log.close()
    assert failures == []
    assert len(seen) > 20
    versions = {v for v, _ in seen}
    assert len(versions) >= 3, f"clients saw several versions: {sorted(versions)}"
    mixed = [(v, text) for v, text in seen if expected.get(v) != text]
    assert mixed == [], "every answer matches the complete version that served it"
