"""Invoices are identified by their number across files: never counted twice, or replaced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from segmenta.cli import main
from segmenta.etl.load import ingest
from segmenta.warehouse.doctor import warehouse_checks
from tests.helpers import csv_text, write_csv
from tests.helpers import warehouse_rows as query

JAN = [
    "536365,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom",
    "536365,71053,WHITE LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom",
    "536366,22633,HAND WARMER,6,2010-12-02 08:28:00,1.85,13047,United Kingdom",
    "536367,22633,HAND WARMER,10,2010-12-05 09:41:00,1.85,12583,EIRE",
]
#: a second export overlapping JAN: 536366 again (other bytes: a changed description), 536368 new
FEB = [
    "536366,22633,HAND WARMER RED,6,2010-12-02 08:28:00,1.85,13047,United Kingdom",
    "536366,22632,HAND WARMER BLUE,0,2010-12-02 08:28:00,0,13047,United Kingdom",
    "536368,22960,JAM MAKING SET,3,2010-12-06 10:00:00,4.25,13047,United Kingdom",
]
#: a corrected re-export of 536365: other quantities, one more line, another customer
JAN_FIXED = [
    "536365,85123A,WHITE HEART,8,2010-12-01 08:26:00,2.55,17851,United Kingdom",
    "536365,71053,WHITE LANTERN,6,2010-12-01 08:26:00,3.39,17851,United Kingdom",
    "536365,22960,JAM MAKING SET,1,2010-12-01 08:26:00,4.25,17851,United Kingdom",
]


def accounting(path: Path) -> list[tuple]:
    """Per load: rows in, loaded, rejected, and the rows of it in the facts and rejected_row."""
    return query(
        path,
        """SELECT g.load_id, g.rows_in, g.rows_loaded, g.rows_rejected,
                  (SELECT count(*) FROM fact_invoice_line f WHERE f.load_id = g.load_id),
                  (SELECT count(*) FROM rejected_row r WHERE r.load_id = g.load_id)
           FROM load_log g ORDER BY 1""",
    )


def assert_accounted(path: Path) -> None:
    for _load, rows_in, loaded, rejected, facts, rejects in accounting(path):
        assert rows_in == loaded + rejected
        assert (loaded, rejected) == (facts, rejects)


def assert_healthy(path: Path) -> None:
    failed = [c.line() for c in warehouse_checks(path) if not (c.ok or c.warning)]
    assert failed == []


def aggregates_match_facts(path: Path) -> None:
    """Per invoice, agg_invoice_day equals the facts; per (product, day), agg_product_day does."""
    assert query(
        path,
        """WITH f AS (SELECT invoice_no, count(*) AS n,
                      sum(amount) FILTER (WHERE quantity > 0 AND NOT is_cancellation) AS r
                      FROM fact_invoice_line GROUP BY 1),
                a AS (SELECT invoice_no, sum(lines) AS n, sum(revenue) AS r
                      FROM agg_invoice_day GROUP BY 1)
           SELECT count(*) FROM f FULL JOIN a USING (invoice_no)
           WHERE f.n IS DISTINCT FROM a.n OR abs(coalesce(f.r, 0) - coalesce(a.r, 0)) > 1e-9""",
    ) == [(0,)]
    assert query(
        path,
        """WITH f AS (SELECT product_key, date_key, count(*) FILTER (WHERE quantity > 0
                      AND NOT is_cancellation) AS n FROM fact_invoice_line GROUP BY ALL),
                a AS (SELECT product_key, date_key, sum(purchase_lines) AS n
                      FROM agg_product_day GROUP BY ALL)
           SELECT count(*) FROM f FULL JOIN a USING (product_key, date_key)
           WHERE coalesce(f.n, 0) <> coalesce(a.n, 0)""",
    ) == [(0,)]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        name: write_csv(tmp_path / f"{name}.csv", csv_text(lines))
        for name, lines in (("jan", JAN), ("feb", FEB), ("jan_fixed", JAN_FIXED))
    }


def test_an_invoice_of_another_file_is_rejected_naming_its_load(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [files["jan"]])
    before = query(wh, "SELECT count(*), sum(amount) FROM fact_invoice_line")
    report = ingest(wh, [files["feb"]])
    (result,) = report.results
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    assert result.rejected_by_rule == {"already_loaded_invoice": 1, "reject_non_positive_price": 1}
    assert "1 invoices (1 lines) already loaded (load 1)" in report.summary()
    assert query(wh, "SELECT count(*), sum(amount) FROM fact_invoice_line") == [
        (before[0][0] + 1, before[0][1] + 3 * Decimal("4.25"))
    ]
    assert query(
        wh,
        "SELECT invoice_no, count(DISTINCT load_id) FROM fact_invoice_line "
        "WHERE invoice_no = '536366' GROUP BY 1",
    ) == [("536366", 1)]
    ((rule, reason, description, raw),) = query(
        wh,
        "SELECT rule, reason, description, raw_values->>'quantity' FROM rejected_row "
        "WHERE load_id = 2 AND rule = 'already_loaded_invoice'",
    )
    assert reason == f"invoice 536366 is already loaded: load 1 ({files['jan']}) holds it"
    assert (rule, description, raw) == ("already_loaded_invoice", "HAND WARMER RED", "6")
    assert query(
        wh, "SELECT invoices_already_loaded, lines_replaced FROM load_log ORDER BY load_id"
    ) == [(0, 0), (1, 0)]
    assert_accounted(wh)
    assert_healthy(wh)


def test_files_of_one_command_load_in_the_order_given(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    forward, backward = tmp_path / "f.duckdb", tmp_path / "b.duckdb"
    ingest(forward, [files["jan"], files["feb"]])
    ingest(backward, [files["feb"], files["jan"]])
    held = (
        "SELECT g.source_file FROM fact_invoice_line f JOIN load_log g USING (load_id) "
        "WHERE f.invoice_no = '536366'"
    )
    assert query(forward, held) == [(str(files["jan"]),)]
    assert query(backward, held) == [(str(files["feb"]),)]
    rejected = "SELECT source_file FROM rejected_row WHERE rule = 'already_loaded_invoice'"
    assert query(forward, rejected) == [(str(files["feb"]),)]
    assert query(backward, rejected) == [(str(files["jan"]),)]
    for wh in (forward, backward):
        assert query(wh, "SELECT count(*) FROM fact_invoice_line") == [(5,)]
        assert_accounted(wh)
        assert_healthy(wh)


def test_identical_bytes_are_still_skipped(tmp_path: Path, files: dict[str, Path]) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [files["jan"]])
    (result,) = ingest(wh, [files["jan"]]).results
    assert result.skipped_reason is not None
    assert "same bytes" in result.skipped_reason
    assert query(wh, "SELECT count(*) FROM load_log") == [(1,)]
    assert query(wh, "SELECT count(*) FROM rejected_row") == [(0,)]


def test_a_warehouse_from_before_business_keys_is_upgraded(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    from segmenta.warehouse.connection import write_transaction

    wh = tmp_path / "wh.duckdb"
    ingest(wh, [files["jan"]])
    with write_transaction(wh) as con:  # load_log as it was made before
        for column in ("invoices_already_loaded", "lines_replaced", "rows_superseded"):
            con.execute(f"ALTER TABLE load_log DROP COLUMN {column}")
    ingest(wh, [files["feb"]])
    assert query(wh, "SELECT load_id, invoices_already_loaded, rows_superseded FROM load_log") == [
        (1, 0, 0),
        (2, 1, 0),
    ]
    assert_accounted(wh)
    assert_healthy(wh)


def test_an_invoice_whose_every_line_was_rejected_loads_from_a_later_file(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    free = ["536370,22633,HAND WARMER,6,2010-12-02 08:28:00,0,13047,United Kingdom"]
    priced = ["536370,22633,HAND WARMER,6,2010-12-02 08:28:00,1.85,13047,United Kingdom"]
    ingest(wh, [write_csv(tmp_path / "a.csv", csv_text(free))])
    ingest(wh, [write_csv(tmp_path / "b.csv", csv_text(priced))])
    assert query(wh, "SELECT load_id, invoice_no FROM fact_invoice_line") == [(2, "536370")]
    assert_accounted(wh)


def test_replace_invoices_swaps_in_the_corrected_export(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [files["jan"]])
    report = ingest(wh, [files["jan_fixed"]], replace_invoices=True)
    assert "1 invoices already loaded (load 1): their 2 earlier lines replaced" in report.summary()
    assert query(
        wh,
        "SELECT load_id, stock_code, quantity, amount, customer_id FROM v_invoice_line "
        "WHERE invoice_no = '536365' ORDER BY stock_code",
    ) == [
        (2, "22960", 1, Decimal("4.25"), "17851"),
        (2, "71053", 6, Decimal("20.34"), "17851"),
        (2, "85123A", 8, Decimal("20.4"), "17851"),
    ]
    # the old lines are kept, under the load that brought them, naming the one that replaced them
    assert query(
        wh,
        "SELECT load_id, source_row, rule, reason, quantity, customer_id, "
        "raw_values->>'line_id' IS NOT NULL FROM rejected_row ORDER BY source_row",
    ) == [
        (
            1,
            i,
            "replaced_by_later_load",
            f"invoice 536365 replaced by load 2 ({files['jan_fixed']})",
            q,
            "17850",
            True,
        )
        for i, q in ((1, "6"), (2, "6"))
    ]
    assert query(
        wh,
        "SELECT load_id, rows_in, rows_loaded, rows_rejected, invoices_already_loaded, "
        "lines_replaced, rows_superseded FROM load_log ORDER BY 1",
    ) == [(1, 4, 2, 2, 0, 0, 2), (2, 3, 3, 0, 1, 2, 0)]
    # the customer refresh follows: the old customer has no purchase left, the new one has
    assert query(
        wh,
        "SELECT customer_id, first_purchase_at IS NOT NULL FROM dim_customer "
        "WHERE customer_id IN ('17850', '17851') ORDER BY 1",
    ) == [("17850", False), ("17851", True)]
    assert_accounted(wh)
    aggregates_match_facts(wh)
    assert_healthy(wh)


def test_replace_invoices_within_one_command_keeps_the_later_file(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [files["jan"], files["feb"], files["jan_fixed"]], replace_invoices=True)
    assert query(
        wh,
        "SELECT invoice_no, min(load_id), count(*) FROM fact_invoice_line GROUP BY 1 ORDER BY 1",
    ) == [("536365", 3, 3), ("536366", 2, 1), ("536367", 1, 1), ("536368", 2, 1)]
    assert query(wh, "SELECT rule, count(*) FROM rejected_row GROUP BY 1 ORDER BY 1") == [
        ("reject_non_positive_price", 1),
        ("replaced_by_later_load", 3),
    ]
    assert_accounted(wh)
    aggregates_match_facts(wh)
    assert_healthy(wh)


def test_replacing_after_a_model_run_keeps_the_run_s_segments(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """agg_product_day carries the latest run's segments: the rebuilt days carry them too."""
    from segmenta.warehouse.aggregates import refresh_aggregates
    from segmenta.warehouse.connection import write_transaction

    wh = tmp_path / "wh.duckdb"
    ingest(wh, [files["jan"], files["feb"]])
    with write_transaction(wh) as con:  # a stand-in model run: every customer in segment 7
        con.execute(
            "INSERT INTO model_run VALUES (1, 'invoices', '{}', '{}', 'x', DATE '2010-12-06', "
            "'{}', now())"
        )
        con.execute(
            "INSERT INTO customer_segment SELECT 1, customer_key, 7, 0, 0, 0 FROM dim_customer "
            "WHERE customer_key <> 0"
        )
        refresh_aggregates(con)
    ingest(wh, [files["jan_fixed"]], replace_invoices=True)
    aggregates_match_facts(wh)
    assert (
        query(
            wh,
            "SELECT DISTINCT run_id, segment_id FROM agg_product_day WHERE load_id = 1 "
            "AND date_key = 20101201",
        )
        == []
    )  # every line of load 1 on that day was replaced
    assert query(
        wh, "SELECT DISTINCT run_id, segment_id FROM agg_product_day ORDER BY 2 NULLS LAST"
    ) == [(1, 7), (1, None)]  # customer 17851 is new: outside the run
    assert_healthy(wh)


def test_cli_flag_and_summary(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    wh = str(tmp_path / "wh.duckdb")
    assert main(["ingest", str(files["jan"]), "--warehouse", wh]) == 0
    assert main(["ingest", str(files["jan_fixed"]), "--warehouse", wh]) == 0
    assert "rejected as already_loaded_invoice" in capsys.readouterr().out
    jan_fixed_again = write_csv(tmp_path / "jan_fixed2.csv", csv_text(JAN_FIXED[::-1]))
    assert main(["ingest", str(jan_fixed_again), "--replace-invoices", "--warehouse", wh]) == 0
    assert "replaced by this file's 3 (replaced_by_later_load)" in capsys.readouterr().out
    assert query(
        Path(wh), "SELECT count(*) FROM fact_invoice_line WHERE invoice_no = '536365'"
    ) == [(3,)]


def test_country_keeps_the_exports_first_spelling(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    lines = [
        "1,AA,x,1,2010-12-01 08:00:00,1.5,7,EIRE",
        "2,AA,x,1,2010-12-01 08:00:00,1.5,8,Ireland",
        "3,AA,x,1,2010-12-01 08:00:00,1.5,9,  RSA ",
        "4,AA,x,1,2010-12-01 08:00:00,1.5,9,South Africa",
    ]
    ingest(wh, [write_csv(tmp_path / "a.csv", csv_text(lines))])
    customers = write_csv(
        tmp_path / "c.csv", "CustomerID,Country,Age\n7,Ireland,30\n10,USA,40\n11,United States,41\n"
    )
    ingest(wh, [], customer_file=customers)
    assert query(
        wh, "SELECT country_name, source_name, iso_alpha3 FROM dim_country ORDER BY 1"
    ) == [
        ("Ireland", "EIRE", "IRL"),
        ("South Africa", "RSA", "ZAF"),
        ("United States", "USA", "USA"),
        ("Unknown", None, None),
    ]


def test_staged_lines_are_read_through_the_key_filter_only() -> None:
    """Every load step reads the filtered view, never the staged file itself."""
    from segmenta.warehouse.schema import SQL_ROOT

    readers = sorted(
        p.name
        for p in (SQL_ROOT / "etl").iterdir()
        if p.name.endswith(".sql") and "staged_file_lines" in p.read_text()
    )
    assert readers == [
        "insert_already_loaded.sql",
        "loaded_invoice_counts.sql",
        "stage_lines.sql",
        "stage_loaded_invoices.sql",
    ]


# -- the real UCI export (../shared/data) ---------------------------------------------------
def month_slice(frame: pl.DataFrame, first: int, last: int) -> pl.DataFrame:
    """The lines of 2011's months ``first``..``last`` (no UCI invoice spans two months)."""
    ts = pl.col("InvoiceDate")
    return frame.filter((ts.dt.year() == 2011) & ts.dt.month().is_between(first, last))


def totals(path: Path) -> tuple[int, int, float]:
    """Fact lines, invoices and revenue (rounded to the penny)."""
    ((lines, invoices, revenue),) = query(
        path, "SELECT count(*), count(DISTINCT invoice_no), sum(amount) FROM fact_invoice_line"
    )
    return lines, invoices, round(revenue, 2)


@pytest.fixture(scope="module")
def retail(online_retail: Path) -> pl.DataFrame:
    return pl.read_parquet(online_retail)


@pytest.mark.slow
@pytest.mark.real_data
def test_the_uci_export_again_as_csv_doubles_nothing(
    online_retail: Path, retail: pl.DataFrame, tmp_path: Path
) -> None:
    as_csv = tmp_path / "online_retail.csv"
    retail.write_csv(as_csv, datetime_format="%Y-%m-%d %H:%M:%S")  # other bytes, same invoices
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [online_retail])
    first = totals(wh)
    assert first[0] == 538_245
    report = ingest(wh, [as_csv])
    assert totals(wh) == first
    (result,) = report.results
    assert (result.rows_in, result.rows_loaded) == (541_909, 0)
    assert result.rejected_by_rule["already_loaded_invoice"] == 538_245  # every loadable row
    assert result.keys is not None
    assert result.keys.invoices == first[1]
    assert query(wh, "SELECT count(*) FROM rejected_row WHERE rule = 'already_loaded_invoice'") == [
        (538_245,)
    ]
    assert_accounted(wh)
    assert_healthy(wh)
    assert query(wh, "SELECT source_name FROM dim_country WHERE country_name = 'Ireland'") == [
        ("EIRE",)
    ]


@pytest.mark.slow
@pytest.mark.real_data
def test_overlapping_slices_load_each_invoice_once(retail: pl.DataFrame, tmp_path: Path) -> None:
    files = {}
    for name, (first, last) in {"jan_jun": (1, 6), "apr_sep": (4, 9), "jan_sep": (1, 9)}.items():
        files[name] = tmp_path / f"{name}.parquet"
        month_slice(retail, first, last).write_parquet(files[name])
    slices, whole = tmp_path / "slices.duckdb", tmp_path / "whole.duckdb"
    ingest(slices, [files["jan_jun"]])
    ingest(slices, [files["apr_sep"]])
    ingest(whole, [files["jan_sep"]])
    assert totals(slices) == totals(whole)
    per_invoice = (
        "SELECT invoice_no, count(*), sum(quantity) FROM fact_invoice_line GROUP BY 1 ORDER BY 1"
    )
    assert query(slices, per_invoice) == query(whole, per_invoice)
    apr_jun = month_slice(retail, 4, 6)
    ((rejected,),) = query(
        slices, "SELECT count(*) FROM rejected_row WHERE rule = 'already_loaded_invoice'"
    )
    ((apr_jun_facts,),) = query(
        slices, "SELECT count(*) FROM fact_invoice_line WHERE load_id = 1 AND date_key >= 20110401"
    )
    assert rejected == apr_jun_facts > 0.9 * apr_jun.height  # the overlap, rejected once
    assert_accounted(slices)
    assert_healthy(slices)


@pytest.mark.slow
@pytest.mark.real_data
def test_a_corrected_re_export_replaces_the_earlier_lines(
    retail: pl.DataFrame, tmp_path: Path
) -> None:
    jan_jun, fixed = tmp_path / "jan_jun.parquet", tmp_path / "apr_sep_fixed.parquet"
    month_slice(retail, 1, 6).write_parquet(jan_jun)
    corrected = month_slice(retail, 4, 9).with_columns(  # every April quantity one more
        pl.when(pl.col("InvoiceDate").dt.month() == 4)
        .then(pl.col("Quantity") + 1)
        .otherwise(pl.col("Quantity"))
        .alias("Quantity")
    )
    corrected.write_parquet(fixed)
    expected = tmp_path / "expected.parquet"
    pl.concat([month_slice(retail, 1, 3), corrected]).write_parquet(expected)
    wh, reference = tmp_path / "wh.duckdb", tmp_path / "reference.duckdb"
    ingest(wh, [jan_jun])
    ((apr_jun_facts,),) = query(
        wh, "SELECT count(*) FROM fact_invoice_line WHERE date_key >= 20110401"
    )
    ingest(wh, [fixed], replace_invoices=True)
    ingest(reference, [expected])
    assert totals(wh) == totals(reference)
    per_invoice = (
        "SELECT invoice_no, count(*), sum(quantity) FROM fact_invoice_line GROUP BY 1 ORDER BY 1"
    )
    assert query(wh, per_invoice) == query(reference, per_invoice)
    assert query(
        wh, "SELECT load_id, lines_replaced, rows_superseded FROM load_log ORDER BY 1"
    ) == [(1, 0, apr_jun_facts), (2, apr_jun_facts, 0)]
    assert query(
        wh,
        "SELECT count(*) FROM rejected_row WHERE rule = 'replaced_by_later_load' AND load_id = 1",
    ) == [(apr_jun_facts,)]
    assert_accounted(wh)
    aggregates_match_facts(wh)
    assert_healthy(wh)
