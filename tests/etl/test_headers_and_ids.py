"""Duplicate and conflicting headers, Excel formulas without a cached value, and customer ids
that are not whole positive numbers (reject_bad_customer_id)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
import xlsxwriter

from segmenta.etl.clean import clean_invoices
from segmenta.etl.customers import clean_customer_table
from segmenta.etl.errors import InputError
from segmenta.etl.load import ingest
from segmenta.etl.read import read_table
from tests.helpers import HEADER, csv_text, write_csv

GOOD = "536365,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,{cid},United Kingdom"


def read_any(path: Path, tmp_path: Path):
    return read_table(path, tmp_path, lambda h: True)


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ([*HEADER, "Quantity"], "column 4 'Quantity' and column 9 'Quantity'"),
        ([*HEADER, "Customer ID"], "column 7 'CustomerID' and column 9 'Customer ID'"),
        ([*HEADER, "customer_id"], "'CustomerID' and column 9 'customer_id'"),
    ],
)
def test_duplicate_headers_are_refused_naming_both(
    tmp_path: Path, header: list[str], named: str
) -> None:
    path = write_csv(tmp_path / "dup.csv", csv_text([GOOD.format(cid="17850") + ",7"], header))
    with pytest.raises(InputError, match="duplicate header") as info:
        read_any(path, tmp_path)
    assert named in str(info.value)


def test_two_spellings_of_one_column_are_refused(tmp_path: Path) -> None:
    header = [*HEADER, "Invoice"]
    path = write_csv(tmp_path / "two.csv", csv_text([GOOD.format(cid="17850") + ",536999"], header))
    with pytest.raises(InputError) as info:
        clean_invoices(read_any(path, tmp_path))
    assert "conflicting headers: 'InvoiceNo' and 'Invoice' all name invoice_no" in str(info.value)


def test_empty_header_cells_are_not_duplicates(tmp_path: Path) -> None:
    header = [*HEADER, "", ""]
    path = write_csv(tmp_path / "e.csv", csv_text([GOOD.format(cid="17850") + ",,"], header))
    assert clean_invoices(read_any(path, tmp_path)).accepted.height == 1


def _workbook(path: Path, header: list[str], rows: list[list[object]], formula: bool) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sales")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    if formula:
        sheet.write_formula(len(rows), 3, "=2*3")  # Quantity of the last row, no cached value
    book.close()
    return path


ROW: list[object] = [
    "536365",
    "85123A",
    "MUG",
    6,
    "2010-12-01 08:26:00",
    2.55,
    17850,
    "United Kingdom",
]


def test_excel_formula_without_cached_value_is_refused_naming_the_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", HEADER, [ROW, ROW, ROW], formula=True)
    with pytest.raises(InputError) as info:
        read_any(path, tmp_path)
    assert "cell Sales!D4 is a formula without a calculated value" in str(info.value)


def test_excel_without_formulas_still_loads(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ok.xlsx", HEADER, [ROW, ROW], formula=False)
    result = clean_invoices(read_any(path, tmp_path))
    assert result.accepted["quantity"].to_list() == [6, 6]
    assert result.accepted["source_row"].to_list() == [1, 2]


def test_excel_duplicate_headers_are_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "dup.xlsx", [*HEADER, "Quantity"], [[*ROW, 7]], formula=False)
    with pytest.raises(InputError, match="column 4 'Quantity' and column 9 'Quantity'"):
        read_any(path, tmp_path)


IDS = {
    "17850": "17850",
    "17850.0": "17850",
    "017850": "17850",
    " 17850 ": "17850",
    "1.785e4": None,
    "17850.5": None,
    "-17850": None,
    "0": None,
    "ABC12": None,
}


def test_customer_ids_must_be_whole_positive_numbers(tmp_path: Path) -> None:
    lines = [GOOD.format(cid=f'"{cid}"') for cid in IDS] + [GOOD.format(cid="")]
    wh = tmp_path / "wh.duckdb"
    report = ingest(wh, [write_csv(tmp_path / "ids.csv", csv_text(lines))])
    bad = [cid for cid, ok in IDS.items() if ok is None]
    assert report.results[0].rejected_by_rule == {"reject_bad_customer_id": len(bad)}
    con = duckdb.connect(str(wh), read_only=True)
    kept = con.execute(
        "SELECT customer_key = 0, customer_id, count(*) FROM v_invoice_line GROUP BY ALL ORDER BY 1"
    ).fetchall()
    reasons = con.execute("SELECT reason FROM rejected_row ORDER BY source_row").fetchall()
    con.close()
    good = [cid for cid, ok in IDS.items() if ok is not None]
    assert kept[0] == (False, "17850", len(good)), "one customer, whatever the spelling"
    assert kept[1] == (True, None, 1), "the line without an id stays, as Unknown customer"
    assert [r[0] for r in reasons] == [
        f"column 'CustomerID': customer id '{cid.strip()}' is not a whole positive number"
        for cid in bad
    ]


def test_typed_customer_ids_follow_the_same_rule(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            **{h: ["536365"] * 5 for h in HEADER},
            "Quantity": [1] * 5,
            "InvoiceDate": ["2010-12-01 08:26:00"] * 5,
            "UnitPrice": [1.0] * 5,
            "Country": ["France"] * 5,
            "CustomerID": [17850.0, 17850.5, -17850.0, 1e25, None],
        }
    )
    path = tmp_path / "ids.parquet"
    frame.write_parquet(path)
    result = clean_invoices(read_any(path, tmp_path))
    assert result.accepted["customer_id"].to_list() == ["17850", None]
    assert result.rejected["rule"].to_list() == ["reject_bad_customer_id"] * 3


def test_customer_table_ids_follow_the_same_rule(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "customers.csv",
        "CustomerID,Gender,Age\n1,Male,19\n2.0,Female,20\n-3,Male,21\n4.5,Male,22\n05,Male,23\n",
    )
    table = clean_customer_table(read_any(path, tmp_path))
    assert table.customers["customer_id"].to_list() == ["1", "2", "5"]
    assert table.rejected.select("source_row", "rule").rows() == [
        (3, "reject_bad_customer_id"),
        (4, "reject_bad_customer_id"),
    ]
    assert "customer id '-3' is not a whole positive number" in table.rejected["reason"][0]


def test_header_only_customer_table_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.parquet.csv", "CustomerID,Gender\n")
    with pytest.raises(InputError, match="no data rows"):
        ingest(tmp_path / "wh.duckdb", [], customer_file=path)


def _customers(tmp_path: Path, ids: list[str]) -> Path:
    return write_csv(
        tmp_path / "customers.csv", "CustomerID,Age\n" + "".join(f"{i},30\n" for i in ids)
    )


def test_a_customer_table_matching_no_invoice_says_so(tmp_path: Path) -> None:
    invoices = write_csv(
        tmp_path / "inv.csv", csv_text([GOOD.format(cid=c) for c in ("17850", "13047")])
    )
    report = ingest(
        tmp_path / "wh.duckdb", [invoices], customer_file=_customers(tmp_path, ["1", "2", "3"])
    )
    line = report.results[1].describe()
    assert "3 customers, none of them in the invoices loaded (0 of 2 invoiced customers)" in line


def test_a_customer_table_matching_few_invoices_says_so_and_most_says_nothing(
    tmp_path: Path,
) -> None:
    invoices = write_csv(
        tmp_path / "inv.csv", csv_text([GOOD.format(cid=c) for c in ("17850", "13047")])
    )
    wh = tmp_path / "wh.duckdb"
    few = ingest(wh, [invoices], customer_file=_customers(tmp_path, ["17850", "1", "2"]))
    assert "only 1 of them in the invoices loaded (1 of 2 invoiced customers)" in (
        few.results[1].note or ""
    )
    most = ingest(wh, [], customer_file=_customers(tmp_path, ["17850", "13047", "9"]))
    assert most.results[0].note is None


def test_a_customer_table_alone_has_nothing_to_match(tmp_path: Path) -> None:
    report = ingest(tmp_path / "wh.duckdb", [], customer_file=_customers(tmp_path, ["1", "2"]))
    assert report.results[0].note is None


@pytest.mark.slow
@pytest.mark.real_data
def test_the_mall_table_matches_none_of_the_uci_customers(
    tmp_path: Path, online_retail: Path, mall_customers: Path
) -> None:
    report = ingest(tmp_path / "wh.duckdb", [online_retail], customer_file=mall_customers)
    assert report.results[1].note == (
        "200 customers, none of them in the invoices loaded (0 of 4,358 invoiced customers): "
        "do the customer ids match?"
    )
