"""The UCI Online Retail file re-exported the ways retailers export it (US and UK dates,
old-Mac CR line endings) loads exactly the same lines as the original."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from segmenta.etl.clean import clean_invoices
from segmenta.etl.read import read_table

pytestmark = [pytest.mark.slow, pytest.mark.real_data]

#: the fate of the UCI file's 541,909 lines (measured on main before issue 13's rules)
UCI_REJECTED = {
    "reject_non_positive_price": 2_517,
    "reject_non_product_codes": 701,
    "reject_unspecified_country": 446,
}


def _fate(path: Path, workdir: Path) -> tuple[int, dict[str, int], pl.DataFrame]:
    result = clean_invoices(read_table(path, workdir, lambda h: True))
    by_rule = dict(result.rejected.group_by("rule").len().iter_rows())
    lines = result.accepted.select("source_row", "invoice_ts", "customer_id", "quantity")
    return result.rows_in, by_rule, lines.sort("source_row")


@pytest.fixture(scope="module")
def original(online_retail: Path, tmp_path_factory: pytest.TempPathFactory):
    return _fate(online_retail, tmp_path_factory.mktemp("orig"))


def test_no_uci_line_changes_fate_under_the_new_rules(original) -> None:
    rows_in, by_rule, lines = original
    assert rows_in == 541_909
    assert by_rule == UCI_REJECTED, "reject_bad_customer_id and reject_early_dates fire on none"
    assert lines.height == 538_245
    # as on main: 4,358 customers (4,372 in the file, 14 have only rejected lines), plus null
    assert lines["customer_id"].n_unique() == 4_358 + 1
    assert lines["customer_id"].null_count() == 132_171


@pytest.mark.parametrize(
    ("name", "date_format", "newline"),
    [
        ("uci_us.csv", "%m/%d/%Y %H:%M", b"\n"),  # the UCI CSV export: month-first
        ("uci_uk.csv", "%d/%m/%Y %H:%M", b"\r\n"),  # a UK export: day-first
        ("uci_mac.csv", "%m/%d/%Y %H:%M", b"\r"),  # old-Mac line endings
    ],
)
def test_re_exports_load_the_same_lines(
    online_retail: Path,
    tmp_path: Path,
    original,
    name: str,
    date_format: str,
    newline: bytes,
) -> None:
    frame = pl.read_parquet(online_retail).with_columns(
        pl.col("InvoiceDate").dt.strftime(date_format)
    )
    path = tmp_path / name
    frame.write_csv(path)
    if newline != b"\n":
        path.write_bytes(path.read_bytes().replace(b"\n", newline))
    rows_in, by_rule, lines = _fate(path, tmp_path)
    assert (rows_in, by_rule) == original[:2]
    assert lines.equals(original[2]), "same lines, same timestamps, same customers"
