"""Money is exact: prices, amounts and revenue are DECIMAL, parsed from the decimal they spell,
summed to the penny; a price with more decimals is rejected, never rounded; a warehouse made
when money was DOUBLE is converted on the next ingest."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.dashboard.filters import Filters
from segmenta.dashboard.queries.overview import overview_kpis, segment_summary
from segmenta.etl.load import ingest
from segmenta.warehouse.connection import WarehouseReader
from segmenta.warehouse.doctor import warehouse_checks
from tests.helpers import csv_text, write_csv
from tests.helpers import warehouse_rows as rows

PENNY = Decimal("0.01")


LINES = [
    "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom",
    "536365,71053,LANTERN,3,2010-12-01 08:26:00,0.1,17850,United Kingdom",
    "536365,84406B,CUPID,7,2010-12-01 08:26:00,0.2,17850,United Kingdom",
    "536366,22633,HAND WARMER,80995,2010-12-01 08:28:00,0.001,17850,United Kingdom",
    "536366,22632,HAND WARMER RED,1,2010-12-01 08:28:00,38970,17850,United Kingdom",
    "536367,22745,POPPY,2,2010-12-01 08:34:00,2.5500,13047,United Kingdom",
    "536367,22748,POPPY'S,1,2010-12-01 08:34:00,1.2345,13047,United Kingdom",
    "536367,22749,FELT,1,2010-12-01 08:34:00,4.00010,13047,United Kingdom",
]


def test_prices_are_the_decimals_they_spell_and_sums_are_exact(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    report = ingest(wh, [write_csv(tmp_path / "m.csv", csv_text(LINES))])
    (result,) = report.results
    assert (result.rows_in, result.rows_loaded, result.rows_rejected) == (8, 6, 2)
    assert rows(wh, "SELECT typeof(unit_price), typeof(amount) FROM fact_invoice_line LIMIT 1") == [
        ("DECIMAL(12,3)", "DECIMAL(38,3)")
    ]
    assert rows(wh, "SELECT unit_price, amount FROM fact_invoice_line ORDER BY source_row") == [
        (Decimal("2.550"), Decimal("15.300")),
        (Decimal("0.100"), Decimal("0.300")),
        (Decimal("0.200"), Decimal("1.400")),
        (Decimal("0.001"), Decimal("80.995")),
        (Decimal("38970.000"), Decimal("38970.000")),
        (Decimal("2.550"), Decimal("5.100")),
    ]
    # 0.1 * 3 + 0.2 * 7 is 1.7 exactly, not 1.7000000000000002; the whole file to the tenth
    expected = Decimal("15.3") + Decimal("1.7") + Decimal("80.995") + 38970 + Decimal("5.1")
    assert rows(wh, "SELECT sum(amount) FROM fact_invoice_line") == [(expected,)]
    assert rows(wh, "SELECT sum(revenue) FROM agg_invoice_day") == [(expected,)]
    assert rows(wh, "SELECT typeof(sum(revenue)) FROM agg_product_day") == [("DECIMAL(38,3)",)]
    reasons = dict(
        rows(wh, "SELECT source_row, reason FROM rejected_row WHERE rule = 'parse_values'")
    )
    assert reasons == {
        7: "column 'UnitPrice': expected a number with at most 3 decimals, below 1,000,000,000, "
        "got '1.2345'",
        8: "column 'UnitPrice': expected a number with at most 3 decimals, below 1,000,000,000, "
        "got '4.00010'",
    }
    checks = {c.name: c for c in warehouse_checks(wh)}
    assert checks["aggregates"].ok, checks["aggregates"].detail


def test_float_prices_of_a_parquet_become_their_shortest_decimal(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "InvoiceNo": ["1", "1", "2"],
            "StockCode": ["85123A", "71053", "22633"],
            "Description": ["a", "b", "c"],
            "Quantity": [3, 10, 1],
            "InvoiceDate": ["2010-12-01 08:00:00"] * 3,
            "UnitPrice": [0.1, 2.55, 0.0005],
            "CustomerID": [17850.0, 17850.0, 17850.0],
            "Country": ["United Kingdom"] * 3,
        }
    ).with_columns(pl.col("InvoiceDate").str.to_datetime())
    path = tmp_path / "f.parquet"
    frame.write_parquet(path)
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [path])
    assert rows(wh, "SELECT unit_price, amount FROM fact_invoice_line ORDER BY source_row") == [
        (Decimal("0.1"), Decimal("0.3")),
        (Decimal("2.55"), Decimal("25.5")),
    ]
    assert rows(wh, "SELECT source_row, rule FROM rejected_row") == [(3, "parse_values")]


def _make_money_double(wh: Path) -> None:
    """Turn a current warehouse's money columns back to DOUBLE, as made before this change."""
    con = duckdb.connect(str(wh))
    try:
        for table, column in (
            ("fact_invoice_line", "unit_price"),
            ("fact_invoice_line", "amount"),
            ("agg_invoice_day", "revenue"),
            ("agg_product_day", "revenue"),
        ):
            con.execute(f"ALTER TABLE {table} ALTER {column} TYPE DOUBLE")
        # a float sum's noise, as the DOUBLE warehouse had it
        con.execute("UPDATE agg_invoice_day SET revenue = revenue + 1e-9")
    finally:
        con.close()


def test_a_warehouse_with_double_money_is_converted_on_the_next_ingest(tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [write_csv(tmp_path / "m.csv", csv_text(LINES[:6]))])
    exact = rows(wh, "SELECT line_id, unit_price, amount FROM fact_invoice_line ORDER BY line_id")
    _make_money_double(wh)
    assert rows(wh, "SELECT typeof(amount) FROM fact_invoice_line LIMIT 1") == [("DOUBLE",)]
    more = "536370,22728,ALARM CLOCK,24,2010-12-01 08:45:00,3.75,12583,France"
    ingest(wh, [write_csv(tmp_path / "n.csv", csv_text([more]))])
    assert rows(
        wh,
        "SELECT typeof(f.unit_price), typeof(f.amount), typeof(i.revenue), typeof(p.revenue) "
        "FROM fact_invoice_line f, agg_invoice_day i, agg_product_day p LIMIT 1",
    ) == [("DECIMAL(12,3)", "DECIMAL(38,3)", "DECIMAL(38,3)", "DECIMAL(38,3)")]
    after = rows(wh, "SELECT line_id, unit_price, amount FROM fact_invoice_line ORDER BY line_id")
    assert after[:-1] == exact
    assert after[-1][1:] == (Decimal("3.75"), Decimal("90"))
    assert rows(wh, "SELECT sum(revenue) FROM agg_invoice_day") == [(sum(a for _, _, a in after),)]
    checks = {c.name: c for c in warehouse_checks(wh)}
    assert checks["aggregates"].ok, checks["aggregates"].detail
    assert checks["amounts"].ok, checks["amounts"].detail


@pytest.mark.slow
@pytest.mark.real_data
def test_real_revenue_is_exact_to_the_penny(online_retail: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [online_retail])
    assert rows(wh, "SELECT DISTINCT typeof(amount) FROM fact_invoice_line") == [("DECIMAL(38,3)",)]
    accepted = pl.DataFrame(
        rows(wh, "SELECT source_row FROM fact_invoice_line"), schema=["source_row"], orient="row"
    )
    raw = (
        pl.read_parquet(online_retail)
        .with_row_index("source_row", offset=1)
        .with_columns(pl.col("source_row").cast(pl.Int64))
        .join(accepted, on="source_row")
    )
    assert raw.height == accepted.height
    # independently of the ETL: Python's decimal of each float's shortest spelling, and the
    # documented quantity rule (charity lines, stock code CRUK, count as purchases)
    charity = [str(code).strip().upper() == "CRUK" for code in raw["StockCode"].to_list()]
    quantity = [
        abs(q) if is_charity else q
        for q, is_charity in zip(raw["Quantity"].to_list(), charity, strict=True)
    ]
    price = [Decimal(repr(p)) for p in raw["UnitPrice"].to_list()]
    amounts = [q * p for q, p in zip(quantity, price, strict=True)]
    total = sum(amounts, Decimal(0))
    (facts_total,) = rows(wh, "SELECT sum(amount) FROM fact_invoice_line")[0]
    assert facts_total == total
    # the overview covers the customers the exclusion rules keep (their decision, not its sums)
    excluded = {
        float(cid) for (cid,) in rows(wh, "SELECT customer_id FROM dim_customer WHERE is_excluded")
    }
    purchase = [
        a
        for a, q, inv, cid in zip(
            amounts,
            quantity,
            raw["InvoiceNo"].cast(pl.String).to_list(),
            raw["CustomerID"].to_list(),
            strict=True,
        )
        if q > 0
        and not str(inv).upper().startswith("C")
        and cid is not None
        and cid not in excluded
    ]
    expected = sum(purchase, Decimal(0))
    kpis = overview_kpis(segment_summary(WarehouseReader(wh), Filters()))
    assert Decimal(repr(kpis["revenue"])).quantize(PENNY) == expected.quantize(PENNY)
