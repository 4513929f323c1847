"""Each cleaning rule on a small hand-made file: what it keeps, rejects or flags."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.etl.clean import clean_invoices
from segmenta.etl.errors import InputError
from segmenta.etl.read import read_table
from segmenta.etl.rules import RULES, RuleSet, describe_rules
from tests.helpers import csv_text, write_csv

NOW = datetime(2012, 1, 1)


def clean(
    tmp_path: Path, lines: list[str], rules: RuleSet | None = None, header: list[str] | None = None
):
    path = write_csv(tmp_path / "in.csv", csv_text(lines, header))
    raw = read_table(path, tmp_path, lambda h: True)
    return raw, clean_invoices(raw, rules or RuleSet(), now=NOW)


def rule_of(result, source_row: int) -> str | None:
    hit = result.rejected.filter(pl.col("source_row") == source_row)
    return hit["rule"].item() if hit.height else None


def test_uppercase_codes(tmp_path: Path) -> None:
    _, r = clean(tmp_path, ["c536379,85123a,x,-1,2010-12-01 09:41:00,2.5,14527,United Kingdom"])
    row = r.accepted.row(0, named=True)
    assert (row["invoice_no"], row["stock_code"]) == ("C536379", "85123A")
    assert row["is_cancellation"] is True


def test_normalise_country_maps_export_spellings(tmp_path: Path) -> None:
    lines = [
        "1,A,x,1,2010-12-01 09:00:00,1,1,EIRE",
        "2,A,x,1,2010-12-01 09:00:00,1,2,RSA",
        "3,A,x,1,2010-12-01 09:00:00,1,3, USA ",
        "4,A,x,1,2010-12-01 09:00:00,1,4,Channel Islands",
    ]
    _, r = clean(tmp_path, lines)
    assert r.accepted["country"].to_list() == [
        "Ireland",
        "South Africa",
        "United States",
        "Channel Islands",
    ]


def test_reject_non_positive_price(tmp_path: Path) -> None:
    lines = [
        "1,A,x,1,2010-12-01 09:00:00,0,1,UK",
        "2,A,x,1,2010-12-01 09:00:00,-11062.06,,UK",
        "3,A,x,1,2010-12-01 09:00:00,0.01,1,UK",
    ]
    _, r = clean(tmp_path, lines)
    assert rule_of(r, 1) == rule_of(r, 2) == "reject_non_positive_price"
    assert r.accepted["source_row"].to_list() == [3]
    assert "not positive" in r.rejected["reason"][0]


def test_reject_unspecified_country(tmp_path: Path) -> None:
    lines = [
        "1,A,x,1,2010-12-01 09:00:00,1,1,Unspecified",
        "2,A,x,1,2010-12-01 09:00:00,1,1,",
        "3,A,x,1,2010-12-01 09:00:00,1,1,France",
    ]
    _, r = clean(tmp_path, lines)
    assert rule_of(r, 1) == rule_of(r, 2) == "reject_unspecified_country"
    assert r.accepted["country"].to_list() == ["France"]


@pytest.mark.parametrize("code", ["AMAZONFEE", "B", "BANK CHARGES", "M", "S", "m"])
def test_reject_non_product_codes(tmp_path: Path, code: str) -> None:
    _, r = clean(
        tmp_path,
        [f"1,{code},x,1,2010-12-01 09:00:00,5,1,UK", "2,POST,x,1,2010-12-01 09:00:00,18,1,UK"],
    )
    assert rule_of(r, 1) == "reject_non_product_codes"
    assert r.accepted["stock_code"].to_list() == ["POST"], "postage is kept, as the study kept it"


def test_cruk_counted_as_purchase(tmp_path: Path) -> None:
    _, r = clean(tmp_path, ["C1,CRUK,CRUK Commission,-1,2010-12-01 09:00:00,1.6,1,UK"])
    row = r.accepted.row(0, named=True)
    assert row["quantity"] == 1
    assert row["is_return"] is False


def test_returns_and_cancellations_are_flagged(tmp_path: Path) -> None:
    lines = ["C9,A,x,-2,2010-12-01 09:00:00,1,1,UK", "9,A,x,2,2010-12-01 09:00:00,1,1,UK"]
    _, r = clean(tmp_path, lines)
    assert r.accepted.select("is_return", "is_cancellation").rows() == [
        (True, True),
        (False, False),
    ]


def test_exact_duplicates_are_flagged_and_kept(tmp_path: Path) -> None:
    # a file-wide rule: it runs in the warehouse as the lines load
    from segmenta.etl.load import ingest

    line = "1,A,x,1,2010-12-01 09:00:00,1,,UK"
    path = write_csv(
        tmp_path / "dups.csv", csv_text([line, line, "1,A,x,2,2010-12-01 09:00:00,1,,UK", line])
    )
    ingest(tmp_path / "w.duckdb", [path])
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    flags = con.execute("SELECT is_duplicate FROM fact_invoice_line ORDER BY source_row").fetchall()
    con.close()
    assert [f for (f,) in flags] == [False, True, False, True]


def test_duplicate_rule_can_be_disabled(tmp_path: Path) -> None:
    from segmenta.etl.load import ingest

    line = "1,A,x,1,2010-12-01 09:00:00,1,7,UK"
    path = write_csv(tmp_path / "dups.csv", csv_text([line, line]))
    ingest(
        tmp_path / "w.duckdb", [path], rules=RuleSet(disabled=frozenset({"flag_exact_duplicates"}))
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM fact_invoice_line WHERE is_duplicate").fetchall() == [
        (0,)
    ]
    con.close()


def test_future_dates_are_rejected(tmp_path: Path) -> None:
    _, r = clean(
        tmp_path, ["1,A,x,1,2030-01-01 09:00:00,1,1,UK", "2,A,x,1,2011-01-01 09:00:00,1,1,UK"]
    )
    assert rule_of(r, 1) == "reject_future_dates"


def test_unparseable_values_name_the_column_and_value(tmp_path: Path) -> None:
    lines = [
        "1,A,x,two,2010-12-01 09:00:00,1,1,UK",
        "2,A,x,1.5,2010-12-01 09:00:00,1,1,UK",
        "3,A,x,1,yesterday,1,1,UK",
        "4,A,x,1,2010-12-01 09:00:00,cheap,1,UK",
        ",A,x,1,2010-12-01 09:00:00,1,1,UK",
        "6,A,x,1,2010-12-01 09:00:00,1,1,UK",
    ]
    _raw, r = clean(tmp_path, lines)
    reasons = dict(zip(r.rejected["source_row"], r.rejected["reason"], strict=True))
    assert reasons[1] == "column 'Quantity': expected a whole number, got 'two'"
    assert "whole number" in reasons[2]
    assert reasons[3].startswith("column 'InvoiceDate': expected a date like")
    assert "'yesterday'" in reasons[3]
    assert reasons[4] == (
        "column 'UnitPrice': expected a number with at most 3 decimals, below 1,000,000,000, "
        "got 'cheap'"
    )
    assert reasons[5] == "column 'InvoiceNo': value missing"
    assert r.accepted["source_row"].to_list() == [6]
    kept = r.rejected_details
    assert kept.filter(pl.col("source_row") == 1)["quantity"].item() == "two", "raw text is kept"


def test_lines_without_customer_stay(tmp_path: Path) -> None:
    _, r = clean(
        tmp_path, ["1,A,x,1,2010-12-01 09:00:00,1,,UK", "2,A,x,1,2010-12-01 09:00:00,1,17850.0,UK"]
    )
    assert r.accepted["customer_id"].to_list() == [None, "17850"]


def test_disabled_rule_does_not_run(tmp_path: Path) -> None:
    _, r = clean(
        tmp_path,
        ["1,A,x,1,2010-12-01 09:00:00,0,1,UK"],
        rules=RuleSet(disabled=frozenset({"reject_non_positive_price"})),
    )
    assert r.rejected.is_empty()
    assert r.accepted.height == 1


def test_every_row_lands_once(tmp_path: Path) -> None:
    lines = [f"{i},A,x,{(i % 3) - 1},2010-12-01 09:00:00,{i % 4},{i},UK" for i in range(1, 40)]
    _, r = clean(tmp_path, lines)
    rows = sorted(r.accepted["source_row"].to_list() + r.rejected["source_row"].to_list())
    assert rows == list(range(1, 40))


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    header = [
        "InvoiceNo",
        "StockCode",
        "Description",
        "Qty",
        "InvoiceDate",
        "CustomerID",
        "Country",
    ]
    with pytest.raises(InputError, match=r"in.csv: required column\(s\) missing: unit_price"):
        clean(tmp_path, ["1,A,x,1,2010-12-01 09:00:00,1,UK"], header=header)


def test_rules_table_lists_every_rule() -> None:
    table = describe_rules()
    assert all(f"`{rule.name}`" in table for rule in RULES)
    assert len({r.name for r in RULES}) == len(RULES)
