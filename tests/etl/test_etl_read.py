"""File formats, encodings, separators and header spellings."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from segmenta.etl.clean import clean_invoices
from segmenta.etl.errors import InputError
from segmenta.etl.read import hash_and_detect_encoding, read_table
from tests.helpers import csv_text, invoice_rows, write_csv

LINE = "536365,85123A,CAFÉ CRÈME MUG £,6,2010-12-01 08:26:00,2.55,17850,United Kingdom"


def read_clean(path: Path, tmp_path: Path):
    raw = read_table(path, tmp_path, lambda h: True)
    return raw, clean_invoices(raw)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("latin-1", "cp1252")],
)
def test_csv_encodings_are_detected_and_decoded(
    tmp_path: Path, encoding: str, expected: str
) -> None:
    path = write_csv(tmp_path / "in.csv", csv_text([LINE]), encoding=encoding)
    raw, result = read_clean(path, tmp_path)
    assert raw.encoding == expected
    assert result.accepted["description"].item() == "CAFÉ CRÈME MUG £"
    assert result.accepted["invoice_no"].item() == "536365"


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(csv_text([LINE.replace("£", "X")]).encode("latin-1").replace(b"X", b"\x81"))
    _, encoding = hash_and_detect_encoding(path)
    assert encoding == "latin-1"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_other_separators_are_sniffed(tmp_path: Path, sep: str) -> None:
    line = LINE.replace(",", sep).replace("2.55", "2,55" if sep == ";" else "2.55")
    path = write_csv(tmp_path / "in.csv", csv_text([line], sep=sep))
    _, result = read_clean(path, tmp_path)
    assert result.accepted["unit_price"].item() == Decimal("2.55")


def test_us_dates_of_the_uci_csv_export(tmp_path: Path) -> None:
    # '12/1/2010' reads both ways; '12/13/2010' (a second field above 12) settles month-first
    lines = [LINE.replace("2010-12-01 08:26:00", d) for d in ("12/1/2010 8:26", "12/13/2010 9:01")]
    path = write_csv(tmp_path / "in.csv", csv_text(lines))
    _, result = read_clean(path, tmp_path)
    assert result.date_format == "%m/%d/%Y %H:%M"
    assert [str(t) for t in result.accepted["invoice_ts"]] == [
        "2010-12-01 08:26:00",
        "2010-12-13 09:01:00",
    ]


def test_parquet_keeps_types(tmp_path: Path) -> None:
    frame = invoice_rows(
        ("536365", "85123A", 6, "2010-12-01 08:26:00", 2.55, 17850.0, "United Kingdom")
    )
    frame = frame.with_columns(pl.col("InvoiceDate").str.to_datetime())
    path = tmp_path / "in.parquet"
    frame.write_parquet(path)
    raw, result = read_clean(path, tmp_path)
    assert raw.file_format == "parquet"
    assert result.accepted.select("quantity", "customer_id").row(0) == (6, "17850")


def test_excel_workbook(tmp_path: Path) -> None:
    frame = invoice_rows(
        ("536365", "85123A", 6, "2010-12-01 08:26:00", 2.55, 17850.0, "United Kingdom"),
        ("536366", "22633", 6, "2010-12-01 08:28:00", 1.85, None, "France"),
    )
    path = tmp_path / "in.xlsx"
    frame.write_excel(path, worksheet="Year 2010-2011")
    raw, result = read_clean(path, tmp_path)
    assert raw.file_format == "xlsx"
    assert result.accepted.height == 2
    assert result.accepted["customer_id"].to_list() == ["17850", None]


def test_excel_with_several_data_sheets_is_refused(tmp_path: Path) -> None:
    import xlsxwriter

    frame = invoice_rows(("1", "A", 1, "2010-12-01 08:26:00", 1.0, 1.0, "UK"))
    path = tmp_path / "two.xlsx"
    with xlsxwriter.Workbook(path) as book:
        frame.write_excel(book, worksheet="2009-2010")
        frame.write_excel(book, worksheet="2010-2011")
    with pytest.raises(
        InputError, match=r"two.xlsx: several sheets look like data \('2009-2010', '2010-2011'\)"
    ):
        read_table(path, tmp_path, lambda h: "InvoiceNo" in h)


def test_online_retail_ii_layout_aliases(tmp_path: Path) -> None:
    header = [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    path = write_csv(tmp_path / "ii.csv", csv_text([LINE], header=header))
    _, result = read_clean(path, tmp_path)
    assert result.accepted.select("invoice_no", "unit_price", "customer_id").row(0) == (
        "536365",
        Decimal("2.55"),
        "17850",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (csv_text([]).encode(), "has a header but no data rows"),
    ],
)
def test_empty_and_header_only_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(path, tmp_path, lambda h: True)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope.csv: no such file"):
        read_table(tmp_path / "nope.csv", tmp_path, lambda h: True)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lf_crlf_and_cr_line_endings_all_load_the_same_rows(tmp_path: Path, newline: str) -> None:
    lines = [LINE, LINE.replace("536365", "536366"), LINE.replace("536365", "536367")]
    path = tmp_path / "in.csv"
    path.write_bytes(csv_text(lines).replace("\n", newline).encode("utf-8"))
    raw, result = read_clean(path, tmp_path)
    assert result.rows_in == 3
    assert result.accepted["invoice_no"].to_list() == ["536365", "536366", "536367"]
    assert result.accepted["country"].to_list() == ["United Kingdom"] * 3, "no CR left over"
    assert raw.sha256 == hashlib.sha256(path.read_bytes()).hexdigest(), "the file's own bytes"


def test_cr_only_cp1252_file_is_transcoded_once(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(csv_text([LINE]).replace("\n", "\r").encode("cp1252"))
    raw, result = read_clean(path, tmp_path)
    assert raw.encoding == "cp1252"
    assert result.accepted["description"].item() == "CAFÉ CRÈME MUG £"


def test_utf16_export_with_bom_is_decoded(tmp_path: Path) -> None:
    # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated, CRLF
    path = tmp_path / "unicode.txt"
    text = csv_text([LINE.replace(",", "\t")], sep="\t").replace("\n", "\r\n")
    path.write_bytes(text.encode("utf-16"))
    raw, result = read_clean(path, tmp_path)
    assert raw.encoding == "utf-16"
    assert result.accepted["description"].item() == "CAFÉ CRÈME MUG £"
