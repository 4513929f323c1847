"""Acceptance on the real UCI Online Retail file: the study's population, row accounting."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from segmenta.etl.load import ingest

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def real_warehouse(online_retail: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    wh = tmp_path_factory.mktemp("real") / "real.duckdb"
    ingest(wh, [online_retail])
    return wh


def q(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_customer_population_matches_the_study(real_warehouse: Path) -> None:
    assert q(
        real_warehouse, "SELECT count(*), count(DISTINCT customer_key) FROM v_customer_line"
    ) == [(405_522, 4_312)]


def test_rows_in_equal_loaded_plus_rejected(real_warehouse: Path) -> None:
    ((rows_in, loaded, rejected),) = q(
        real_warehouse, "SELECT rows_in, rows_loaded, rows_rejected FROM load_log"
    )
    assert rows_in == 541_909
    assert rows_in == loaded + rejected
    assert q(real_warehouse, "SELECT count(*) FROM fact_invoice_line") == [(loaded,)]
    assert q(real_warehouse, "SELECT count(*) FROM rejected_row") == [(rejected,)]
    rows = q(
        real_warehouse,
        """SELECT count(*), count(DISTINCT source_row), min(source_row), max(source_row) FROM (
        SELECT source_row FROM fact_invoice_line UNION ALL SELECT source_row FROM rejected_row)""",
    )
    assert rows == [(541_909, 541_909, 1, 541_909)], "each file row is in exactly one place"


def test_lines_without_customer_keep_country_revenue(real_warehouse: Path) -> None:
    ((n,),) = q(real_warehouse, "SELECT count(*) FROM fact_invoice_line WHERE customer_key = 0")
    assert n > 130_000
    ((countries,),) = q(
        real_warehouse, "SELECT count(*) FROM dim_country WHERE iso_alpha3 IS NOT NULL"
    )
    assert countries >= 34


def test_reload_is_idempotent(real_warehouse: Path, online_retail: Path) -> None:
    report = ingest(real_warehouse, [online_retail])
    assert report.results[0].skipped_reason
    assert q(real_warehouse, "SELECT count(*) FROM load_log") == [(1,)]
    assert q(real_warehouse, "SELECT count(*) FROM v_customer_line") == [(405_522,)]
