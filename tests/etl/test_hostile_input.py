"""Hostile and broken input: a clear error naming the file (row, column), or rejected rows
with their reason; never a half-loaded warehouse."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmenta.etl.clean import clean_invoices
from segmenta.etl.errors import InputError
from segmenta.etl.load import ingest
from segmenta.etl.read import read_table
from segmenta.warehouse.analyst import run_read_only_query, to_csv
from tests.helpers import HEADER, csv_text, write_csv
from tests.helpers import warehouse_rows as rows

GOOD = "536365,85123A,WHITE HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("header.csv", csv_text([]).encode(), "header but no data rows"),
        (
            "truncated.csv",
            (csv_text([GOOD]) + '536366,22633,"HAND WARM').encode(),
            "could not be read as a CSV",
        ),
        (
            "semicolon_wrong.csv",
            b"InvoiceNo StockCode Quantity\n1 2 3\n",
            "required column(s) missing",
        ),
        ("binary.parquet", b"PAR1 not really parquet", "not a readable Parquet file"),
        ("garbage.csv", bytes(range(256)) * 40, "is a NUL byte: this is not a text (CSV) file"),
        ("blank.csv", b"  \r\n\r\n \n", "the file is empty"),
        ("header_blank.csv", csv_text([]).encode() + b"\n\n   \n", "header but no data rows"),
        ("header_cr.csv", ",".join(HEADER).encode() + b"\r", "header but no data rows"),
        ("blank_lines.csv", csv_text([]).encode() + b" \n" * 3_000_000, "no data rows"),
        ("one_line.csv", b"x" * 2_000_000, "the first line is longer than 1,048,576"),
        ("ragged.csv", csv_text([GOOD, GOOD + ",extra", GOOD]).encode(), "row 2: could not"),
        ("dup.csv", csv_text([GOOD + ",7"], [*HEADER, "Quantity"]).encode(), "duplicate header"),
        ("notzip.xlsx", b"PK\x03\x04" + bytes(500), "not a readable Excel workbook"),
    ],
)
def test_broken_files_fail_clearly_and_change_nothing(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [write_csv(tmp_path / "ok.csv", csv_text([GOOD]))])
    before = wh.resolve().read_bytes()
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(InputError) as info:
        ingest(wh, [bad])
    assert name in str(info.value)
    assert message in str(info.value)
    assert wh.resolve().read_bytes() == before
    assert len(str(info.value).splitlines()) == 1


def test_truncated_parquet_and_zip_of_garbage_fail_in_one_line(tmp_path: Path) -> None:
    import zipfile

    full = tmp_path / "full.parquet"
    pl.DataFrame({h: ["1"] * 5000 for h in HEADER}).write_parquet(full)
    data = full.read_bytes()
    cases = {"trunc.parquet": data[: len(data) // 2], "mid.parquet": data[:100] + data[200:]}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
    with zipfile.ZipFile(tmp_path / "garbage.xlsx", "w") as book:
        book.writestr("xl/workbook.xml", "not xml <<<")
    for name in [*cases, "garbage.xlsx"]:
        with pytest.raises(InputError) as info:
            ingest(tmp_path / "wh.duckdb", [tmp_path / name])
        assert name in str(info.value)
        assert len(str(info.value).splitlines()) == 1
    assert not (tmp_path / "wh.duckdb").exists()


def test_a_huge_data_line_is_one_rejected_row(tmp_path: Path) -> None:
    huge = GOOD.replace("WHITE HEART", "Y" * 20_000_000)
    wh = tmp_path / "wh.duckdb"
    report = ingest(wh, [write_csv(tmp_path / "huge.csv", csv_text([huge, GOOD]))])
    assert (report.results[0].rows_in, report.results[0].rows_loaded) == (2, 2)


def test_control_characters_in_a_header_do_not_break_the_message_line(tmp_path: Path) -> None:
    path = tmp_path / "ctl.csv"
    path.write_bytes(b"a\x1b[31m,b\x0bc\n1,2\n")
    with pytest.raises(InputError) as info:
        ingest(tmp_path / "wh.duckdb", [path])
    message = str(info.value)
    assert "\x1b" not in message
    assert "\x0b" not in message
    assert "\\x1b[31m" in message


def test_extreme_numbers_and_long_strings(tmp_path: Path) -> None:
    long_text = "X" * 100_000
    lines = [
        f"1,A,{long_text},99999999999999999999999,2010-12-01 08:00:00,1,1,UK",  # quantity overflows int64
        "2,A,x,1,2010-12-01 08:00:00,1e400,1,UK",  # price overflows float64
        "3,A,x,1,2010-12-01 08:00:00,nan,1,UK",
        f"4,A,{long_text},1000000,2010-12-01 08:00:00,1e6,1,UK",  # big but valid
    ]
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [write_csv(tmp_path / "x.csv", csv_text(lines))])
    rejected = dict(rows(wh, "SELECT source_row, reason FROM rejected_row"))
    assert "expected a whole number" in rejected[1]
    assert "expected a number with at most 3 decimals" in rejected[2]
    assert "expected a number with at most 3 decimals" in rejected[3]
    assert rows(wh, "SELECT quantity, amount, length(description) FROM v_invoice_line") == [
        (1_000_000, Decimal(10**12), 100_000)
    ]


def test_non_utf8_bytes_are_decoded_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    # b"\xe9\x80" is not UTF-8; in cp1252 it is "é€"
    path.write_bytes(
        csv_text([GOOD.replace("WHITE HEART", "CAFX")]).encode().replace(b"X", b"\xe9\x80")
    )
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [path])
    assert rows(wh, "SELECT description, encoding FROM v_invoice_line, load_log") == [
        ("CAFé€", "cp1252")
    ]


def test_formula_cells_are_harmless_in_csv_exports(tmp_path: Path) -> None:
    evil = '"=HYPERLINK(""http://x"",""click"")"'
    wh = tmp_path / "wh.duckdb"
    ingest(
        wh,
        [
            write_csv(
                tmp_path / "f.csv",
                csv_text(
                    [
                        f"1,A,{evil},1,2010-12-01 08:00:00,1,1,UK",
                        "2,B2,+cmd,1,2010-12-01 08:00:00,1,@evil,UK",
                    ]
                ),
            )
        ],
    )
    # '@evil' is no customer id (reject_bad_customer_id): its raw values are kept as they were
    frame = run_read_only_query(
        wh,
        "SELECT description, customer_id FROM v_invoice_line "
        "UNION ALL SELECT description, customer_id FROM rejected_row",
    )
    assert frame.rows() == [('=HYPERLINK("http://x","click")', "1"), ("+cmd", "@evil")]
    exported = to_csv(frame)
    for line in exported.splitlines()[1:]:
        assert line[0] not in "=+-@", line
        assert line.split(",")[-1][:1] not in "=+-@"


@st.composite
def invoice_frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(min_value=1, max_value=40))
    text = st.one_of(
        st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
    )
    num = st.one_of(
        st.none(),
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        text,
    )
    date = st.one_of(
        st.none(), st.just("2010-12-01 08:26:00"), st.just("2011-06-30 23:59:59"), text
    )
    cols = {
        "InvoiceNo": st.one_of(st.from_regex(r"C?5[0-9]{5}", fullmatch=True), text),
        "StockCode": st.one_of(st.sampled_from(["85123A", "POST", "M", "CRUK", "22633"]), text),
        "Description": text,
        "Quantity": num,
        "InvoiceDate": date,
        "UnitPrice": num,
        "CustomerID": st.one_of(st.none(), st.sampled_from(["17850", "12346", "13047.0", ""])),
        "Country": st.one_of(
            st.sampled_from(["United Kingdom", "EIRE", "Unspecified", "France"]), text
        ),
    }
    data = {c: draw(st.lists(s, min_size=n, max_size=n)) for c, s in cols.items()}
    return pl.DataFrame(data, schema=dict.fromkeys(HEADER, pl.String))


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=invoice_frames())
def test_every_generated_row_is_accounted_for(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "gen.parquet"
    frame.write_parquet(path)
    result = clean_invoices(read_table(path, tmp_path, lambda h: True))
    assert result.rows_in == frame.height
    accepted = set(result.accepted["source_row"].to_list())
    rejected = set(result.rejected["source_row"].to_list())
    assert accepted.isdisjoint(rejected)
    assert accepted | rejected == set(range(1, frame.height + 1))
    assert result.rejected["reason"].null_count() == 0
    assert (result.accepted["unit_price"] > 0).all()
    assert result.accepted["unit_price"].dtype == pl.Decimal(12, 3)  # exact, so finite


def test_a_parquet_file_without_rows_is_refused_and_not_remembered(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pl.DataFrame(schema=dict.fromkeys(HEADER, pl.String)).write_parquet(path)
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [write_csv(tmp_path / "ok.csv", csv_text([GOOD]))])
    with pytest.raises(InputError, match=r"empty\.parquet, row 1: the file has a header but no"):
        ingest(wh, [path])
    assert rows(wh, "SELECT count(*) FROM load_log WHERE source_file LIKE '%empty%'") == [(0,)]


def test_an_unreadable_input_is_named_but_an_unwritable_work_folder_is_not_blamed_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import segmenta.etl.read as read_module

    latin = tmp_path / "latin.csv"
    latin.write_bytes(csv_text([GOOD.replace("WHITE", "CAF\xe9")]).encode("latin-1"))

    def denied(on: Path):
        def transcode(*args: object, **kwargs: object) -> Path:
            raise PermissionError(13, "Permission denied", str(on))

        return transcode

    monkeypatch.setattr(read_module, "transcode_to_utf8", denied(latin))
    with pytest.raises(InputError, match=r"latin\.csv: cannot be read: Permission denied"):
        read_table(latin, tmp_path, lambda h: True)
    monkeypatch.setattr(read_module, "transcode_to_utf8", denied(tmp_path / "latin.utf8.csv"))
    with pytest.raises(PermissionError):  # the output side: left to the writer's handling
        read_table(latin, tmp_path, lambda h: True)
