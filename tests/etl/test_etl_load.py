"""Loading into a real DuckDB file: accounting, idempotency, all-or-nothing, customer tables."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from segmenta.etl.errors import InputError
from segmenta.etl.load import ingest
from tests.helpers import csv_text, write_csv
from tests.helpers import warehouse_rows as query

LINES = [
    "536365,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom",
    "536365,71053,WHITE LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom",
    "536366,22633,HAND WARMER,6,2010-12-02 08:28:00,1.85,,United Kingdom",
    "C536379,22633,HAND WARMER,-6,2010-12-03 09:41:00,1.85,17850,United Kingdom",
    "536380,22633,HAND WARMER,10,2010-12-05 09:41:00,1.85,12583,France",
    "536381,22633,HAND WARMER,-10,2010-12-05 10:41:00,1.85,12583,France",
    "536382,M,Manual,1,2010-12-05 10:41:00,5,12583,France",
    "536383,85123A,WHITE HEART,1,2010-12-05 10:41:00,0,12583,France",
    "536384,85123A,WHITE HEART,2,2010-12-06 10:41:00,2.55,12346,EIRE",
]


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    src = write_csv(tmp_path / "jan.csv", csv_text(LINES))
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [src])
    return wh


def test_every_row_is_a_fact_or_a_rejection(loaded: Path) -> None:
    ((rows_in, loaded_n, rejected),) = query(
        loaded, "SELECT rows_in, rows_loaded, rows_rejected FROM load_log"
    )
    assert (rows_in, loaded_n, rejected) == (9, 7, 2)
    assert query(loaded, "SELECT count(*) FROM fact_invoice_line") == [(7,)]
    assert query(
        loaded, "SELECT source_row, rule, source_file LIKE '%jan.csv' FROM rejected_row ORDER BY 1"
    ) == [
        (7, "reject_non_product_codes", True),
        (8, "reject_non_positive_price", True),
    ]


def test_unknown_customer_lines_stay_in_facts(loaded: Path) -> None:
    rows = query(
        loaded, "SELECT customer_key, display_name FROM v_invoice_line WHERE customer_id IS NULL"
    )
    assert rows == [(0, "Unknown customer")]


def test_customer_rules_exclude_heavy_returners_and_named_ids(loaded: Path) -> None:
    rows = dict(
        query(
            loaded, "SELECT customer_id, exclusion_reason FROM dim_customer WHERE customer_key <> 0"
        )
    )
    assert rows == {
        "17850": None,
        "12583": "exclude_heavy_returners",
        "12346": "exclude_named_customers",
    }
    assert query(loaded, "SELECT count(*), count(DISTINCT customer_key) FROM v_customer_line") == [
        (3, 1)
    ]


def test_dimensions(loaded: Path) -> None:
    assert query(
        loaded, "SELECT country_name, iso_alpha3 FROM dim_country WHERE country_key <> 0 ORDER BY 1"
    ) == [
        ("France", "FRA"),
        ("Ireland", "IRL"),
        ("United Kingdom", "GBR"),
    ]
    assert query(loaded, "SELECT count(*), min(date), max(date) FROM dim_date")[0][0] == 6
    assert query(loaded, "SELECT description FROM dim_product WHERE stock_code = '22633'") == [
        ("HAND WARMER",)
    ]
    names = query(loaded, "SELECT display_name FROM dim_customer WHERE customer_key <> 0")
    assert len({n for (n,) in names}) == 3
    assert all(n and n != "Unknown customer" for (n,) in names)
    ((first, last),) = query(
        loaded,
        "SELECT first_purchase_at::VARCHAR, last_purchase_at::VARCHAR FROM dim_customer WHERE customer_id = '17850'",
    )
    assert (first, last) == ("2010-12-01 08:26:00", "2010-12-03 09:41:00")


def test_amount_invariant_and_keys(loaded: Path) -> None:
    assert query(
        loaded, "SELECT count(*) FROM fact_invoice_line WHERE amount <> quantity * unit_price"
    ) == [(0,)]
    assert query(loaded, "SELECT count(*) - count(DISTINCT line_id) FROM fact_invoice_line") == [
        (0,)
    ]
    orphans = """SELECT count(*) FROM fact_invoice_line f
                 LEFT JOIN dim_customer c USING (customer_key) LEFT JOIN dim_product p USING (product_key)
                 LEFT JOIN dim_date d USING (date_key)
                 WHERE c.customer_key IS NULL OR p.product_key IS NULL OR d.date_key IS NULL"""
    assert query(loaded, orphans) == [(0,)]


def test_loading_the_same_file_twice_doubles_nothing(tmp_path: Path, loaded: Path) -> None:
    report = ingest(loaded, [tmp_path / "jan.csv"])
    assert report.results[0].skipped_reason is not None
    assert query(loaded, "SELECT count(*) FROM fact_invoice_line") == [(7,)]
    assert query(loaded, "SELECT count(*) FROM load_log") == [(1,)]


def test_second_file_appends_and_reuses_dimensions(tmp_path: Path, loaded: Path) -> None:
    feb = write_csv(
        tmp_path / "feb.csv",
        csv_text(["536400,85123A,WHITE HEART,3,2011-02-01 08:00:00,2.55,17850,United Kingdom"]),
    )
    ingest(loaded, [feb])
    assert query(loaded, "SELECT count(*), count(DISTINCT line_id) FROM fact_invoice_line") == [
        (8, 8)
    ]
    assert query(loaded, "SELECT count(*) FROM dim_customer WHERE customer_id = '17850'") == [(1,)]
    assert query(
        loaded, "SELECT last_purchase_at::VARCHAR FROM dim_customer WHERE customer_id = '17850'"
    ) == [("2011-02-01 08:00:00",)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failing_load_leaves_warehouse_untouched(tmp_path: Path, loaded: Path) -> None:
    before = _digest(loaded)
    good = write_csv(
        tmp_path / "good.csv",
        csv_text(["536500,85123A,WHITE HEART,3,2011-02-01 08:00:00,2.55,17850,United Kingdom"]),
    )
    broken = write_csv(
        tmp_path / "broken.csv",
        csv_text(
            [
                '1,A,"unterminated,1,2011-02-01 08:00:00,1,1,UK',
                "2,A,x,1,2011-02-01 08:00:00,1,1,UK,extra",
            ]
        ),
    )
    with pytest.raises(InputError, match=r"broken\.csv"):
        ingest(loaded, [good, broken])
    assert _digest(loaded) == before
    assert len(list(tmp_path.glob(".wh.duckdb.v*"))) == 1, "no half-built version is left behind"


def test_missing_column_fails_before_anything_is_written(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", "InvoiceNo,StockCode,Quantity\n1,A,1\n")
    wh = tmp_path / "new.duckdb"
    with pytest.raises(InputError, match=r"bad.csv: required column\(s\) missing: invoice_date"):
        ingest(wh, [path])
    assert not wh.exists()


def test_customer_table_adds_demographics_and_attributes(tmp_path: Path, loaded: Path) -> None:
    table = write_csv(
        tmp_path / "customers.csv",
        "CustomerID,Genre,Age,Annual Income (k$),Spending Score (1-100),Segment Hint\n"
        "17850,Male,19,15,39,a\n99999,Female,21,15,81,b\n,Female,30,20,50,c\n12583,F,old,20,50,d\n",
    )
    report = ingest(loaded, [], customer_file=table)
    result = report.results[0]
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert query(
        loaded,
        "SELECT gender, age, annual_income_k, spending_score FROM dim_customer WHERE customer_id = '17850'",
    ) == [("Male", 19, 15.0, 39.0)]
    assert query(loaded, "SELECT count(*) FROM dim_customer WHERE customer_id = '99999'") == [(1,)]
    assert query(
        loaded,
        "SELECT value_text FROM customer_attribute a JOIN dim_customer c USING (customer_key) WHERE c.customer_id = '99999'",
    ) == [("b",)]
    reasons = [
        r
        for (r,) in query(
            loaded,
            "SELECT reason FROM rejected_row WHERE raw_values IS NOT NULL AND source_file LIKE '%customers.csv' ORDER BY source_row",
        )
    ]
    assert reasons == [
        "column 'CustomerID': value missing",
        "column 'Age': expected a number, got 'old'",
    ]


def test_customer_table_alone(tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "mall.csv",
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n1,Male,19,15,39\n2,Female,21,16,81\n",
    )
    wh = tmp_path / "mall.duckdb"
    ingest(wh, [], customer_file=table)
    assert query(wh, "SELECT count(*), count(age) FROM dim_customer WHERE customer_key <> 0") == [
        (2, 2)
    ]
    assert query(wh, "SELECT count(*) FROM fact_invoice_line") == [(0,)]


def test_main_country_follows_most_lines_and_breaks_ties_alphabetically(tmp_path: Path) -> None:
    """dim_customer.country_key: the country of most of the customer's lines over every load;
    a tie goes to the alphabetically first country, the same way on every load."""
    wh = tmp_path / "wh.duckdb"

    def load(name: str, lines: list[str]) -> str:
        ingest(wh, [write_csv(tmp_path / name, csv_text(lines))])
        return query(
            wh,
            "SELECT k.country_name FROM dim_customer c JOIN dim_country k USING (country_key) "
            "WHERE c.customer_id = '777'",
        )[0][0]

    assert (
        load(
            "a.csv",
            [
                "600001,85123A,WHITE HEART,1,2011-01-03 08:00:00,2.55,777,Germany",
                "600002,85123A,WHITE HEART,1,2011-01-04 08:00:00,2.55,777,France",
            ],
        )
        == "France"
    )
    assert (
        load("b.csv", ["600003,85123A,WHITE HEART,1,2011-02-03 08:00:00,2.55,777,Germany"])
        == "Germany"
    )
    assert (
        load("c.csv", ["600004,85123A,WHITE HEART,1,2011-03-03 08:00:00,2.55,777,France"])
        == "France"
    )
    first, last = query(
        wh,
        "SELECT first_purchase_at::VARCHAR, last_purchase_at::VARCHAR FROM dim_customer "
        "WHERE customer_id = '777'",
    )[0]
    assert (first, last) == ("2011-01-03 08:00:00", "2011-03-03 08:00:00")
