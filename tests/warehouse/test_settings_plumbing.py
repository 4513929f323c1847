"""Settings reach what they configure by being passed down, never by a module reading the
environment: the writer's memory limit and threads, the reader's slow-query threshold, the
log level, gunicorn's workers and threads."""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segmenta.cli import main
from segmenta.dashboard.state import open_state
from segmenta.etl import load
from segmenta.settings import Settings
from segmenta.warehouse.connection import write_transaction
from tests.helpers import csv_text, write_csv

LINE = "1,AA,x,2,2010-12-01 08:00:00,1.5,17850,United Kingdom"


def writer_settings(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    return con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')"
    ).fetchall()[0]


def test_the_writer_takes_its_memory_limit_and_threads_as_arguments(tmp_path: Path) -> None:
    with write_transaction(tmp_path / "a.duckdb", memory_limit="1GB", threads=1) as con:
        one_gb = writer_settings(con)
    with write_transaction(tmp_path / "b.duckdb", memory_limit="2GB", threads=2) as con:
        two_gb = writer_settings(con)
    assert one_gb[1] == 1
    assert two_gb[1] == 2
    assert one_gb[0] != two_gb[0]
    assert one_gb[0].startswith(("953", "1.0", "1 "))  # DuckDB shows 1GB as 953.6 MiB


def test_the_writer_does_not_read_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with write_transaction(tmp_path / "a.duckdb", memory_limit="4GB") as con:
        default = writer_settings(con)[0]
    monkeypatch.setenv("SEGMENTA_MEMORY_LIMIT", "1GB")
    with write_transaction(tmp_path / "b.duckdb") as con:
        assert writer_settings(con)[0] == default


def test_the_cli_passes_the_settings_memory_limit_to_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = load.write_transaction
    seen: list[tuple[str, int]] = []

    @contextlib.contextmanager
    def spy(*args: Any, **kwargs: Any) -> Iterator[duckdb.DuckDBPyConnection]:
        with real(*args, **kwargs) as con:
            seen.append(writer_settings(con))
            yield con

    monkeypatch.setattr(load, "write_transaction", spy)
    src = write_csv(tmp_path / "a.csv", csv_text([LINE]))
    wh = tmp_path / "wh.duckdb"
    monkeypatch.setenv("SEGMENTA_MEMORY_LIMIT", "1GB")
    assert main(["ingest", str(src), "--warehouse", str(wh)]) == 0
    monkeypatch.setenv("SEGMENTA_MEMORY_LIMIT", "2GB")
    src2 = write_csv(tmp_path / "b.csv", csv_text([LINE.replace("1,AA", "2,AA")]))
    assert main(["ingest", str(src2), "--warehouse", str(wh)]) == 0
    assert len(seen) == 2
    assert seen[0][0] != seen[1][0]
    with write_transaction(tmp_path / "c.duckdb", memory_limit="1GB") as con:
        assert seen[0][0] == writer_settings(con)[0]


def test_new_settings_come_from_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "SLOW_QUERY_MS": "25",
        "LOG_LEVEL": "warning",
        "WORKERS": "3",
        "THREADS": "2",
        "MEMORY_LIMIT": "1GB",
    }.items():
        monkeypatch.setenv(f"SEGMENTA_{name}", value)
    settings = Settings.from_env()
    assert settings.slow_query_ms == 25.0
    assert settings.log_level == "WARNING"
    assert (settings.workers, settings.threads) == (3, 2)
    assert settings.memory_limit == "1GB"


def test_defaults_without_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLOW_QUERY_MS", "LOG_LEVEL", "WORKERS", "THREADS", "MEMORY_LIMIT"):
        monkeypatch.delenv(f"SEGMENTA_{name}", raising=False)
    settings = Settings.from_env()
    assert (settings.slow_query_ms, settings.log_level) == (500.0, "INFO")
    assert (settings.workers, settings.threads, settings.memory_limit) == (4, 4, "4GB")


def test_the_dashboard_reader_takes_the_slow_query_threshold_from_settings(tmp_path: Path) -> None:
    state = open_state(Settings(warehouse=tmp_path / "wh.duckdb", slow_query_ms=12.5))
    assert state.reader.slow_query_ms == 12.5
    assert state.reader.path == tmp_path / "wh.duckdb"


def test_the_cli_configures_the_log_level_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger("segmenta")
    saved = (root.level, root.handlers[:], root.propagate)
    monkeypatch.setenv("SEGMENTA_LOG_LEVEL", "error")
    try:
        assert main(["ingest", "--warehouse", str(tmp_path / "wh.duckdb")]) == 2  # no files
        assert root.level == logging.ERROR
    finally:
        root.level, root.handlers[:], root.propagate = saved[0], saved[1], saved[2]


def test_gunicorn_takes_its_values_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEGMENTA_HOST", "0.0.0.0")
    monkeypatch.setenv("SEGMENTA_PORT", "9000")
    monkeypatch.setenv("SEGMENTA_WORKERS", "3")
    monkeypatch.setenv("SEGMENTA_THREADS", "5")
    monkeypatch.setenv("SEGMENTA_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")
    import segmenta.gunicorn_conf as conf

    conf = importlib.reload(conf)
    assert conf.bind == "0.0.0.0:9000"
    assert (conf.workers, conf.threads) == (3, 5)
    assert conf.forwarded_allow_ips == "10.0.0.1,10.0.0.2"
