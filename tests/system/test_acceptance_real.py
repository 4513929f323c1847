"""Acceptance on the real UCI Online Retail file: the study's population, row accounting."""

from __future__ import annotations

from pathlib import Path

import pytest

from segmenta.etl.load import ingest
from tests.helpers import warehouse_rows as q

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def real_warehouse(online_retail: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    wh = tmp_path_factory.mktemp("real") / "real.duckdb"
    ingest(wh, [online_retail])
    return wh


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


def test_exact_duplicates_match_an_independent_count(
    real_warehouse: Path, online_retail: Path, tmp_path: Path
) -> None:
    """The warehouse's duplicate flags (a hash, sorted neighbours, then a column-by-column
    check) equal Polars' own first-occurrence test over the cleaned lines of the file."""
    import polars as pl

    from segmenta.etl.clean import LINE_COLUMNS, SOURCE_ROW, clean_invoices
    from segmenta.etl.load import _looks_like_invoices
    from segmenta.etl.read import read_table

    accepted = clean_invoices(read_table(online_retail, tmp_path, _looks_like_invoices)).accepted
    expected = (
        accepted.sort(SOURCE_ROW)
        .filter(~pl.struct(list(LINE_COLUMNS)).is_first_distinct())[SOURCE_ROW]
        .to_list()
    )
    flagged = [
        r
        for (r,) in q(
            real_warehouse,
            "SELECT source_row FROM fact_invoice_line WHERE is_duplicate ORDER BY source_row",
        )
    ]
    assert len(expected) > 5_000  # the UCI file has thousands of exact repeats
    assert flagged == expected


def test_customer_activity_matches_the_lines(real_warehouse: Path) -> None:
    """First and last purchase of every customer, as the load's refresh wrote them, equal the
    minimum and maximum invoice time of the customer's lines."""
    mismatches = q(
        real_warehouse,
        """SELECT count(*) FROM dim_customer d
        JOIN (SELECT customer_key, min(invoice_ts) AS lo, max(invoice_ts) AS hi
              FROM fact_invoice_line WHERE customer_key <> 0 GROUP BY customer_key) f
          USING (customer_key)
        WHERE d.first_purchase_at IS DISTINCT FROM f.lo OR d.last_purchase_at IS DISTINCT FROM f.hi""",
    )
    ((customers,),) = q(real_warehouse, "SELECT count(*) FROM dim_customer WHERE customer_key <> 0")
    assert customers > 4_000
    assert mismatches == [(0,)]
