"""Dates read as their file means them: day/month order from the whole file, --date-format,
and the plausible range (reject_early_dates, reject_future_dates)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from segmenta.cli import main
from segmenta.etl.clean import clean_invoices
from segmenta.etl.dates import formats_for
from segmenta.etl.errors import InputError
from segmenta.etl.load import ingest
from segmenta.etl.read import read_table
from segmenta.etl.rules import DEFAULT_RULES
from tests.helpers import csv_text, write_csv

LINE = "536365,85123A,MUG,6,{date},2.55,17850,United Kingdom"


def dated_file(tmp_path: Path, *dates: str, name: str = "in.csv") -> Path:
    return write_csv(tmp_path / name, csv_text([LINE.format(date=d) for d in dates]))


def timestamps(path: Path, tmp_path: Path, date_format: str | None = None) -> list[str]:
    raw = read_table(path, tmp_path, lambda h: True)
    result = clean_invoices(raw, replace(DEFAULT_RULES, date_format=date_format))
    return [str(t) for t in result.accepted.sort("source_row")["invoice_ts"]]


def test_a_day_above_12_anywhere_settles_day_first(tmp_path: Path) -> None:
    # the first 20,000 rows are all ambiguous: the deciding date is beyond any sample
    path = dated_file(tmp_path, *["05/06/2011 10:00"] * 20_001, "25/06/2011 10:00")
    ts = timestamps(path, tmp_path)
    assert ts[0] == "2011-06-05 10:00:00", "5 June, not 6 May"
    assert ts[-1] == "2011-06-25 10:00:00"


def test_a_second_field_above_12_settles_month_first(tmp_path: Path) -> None:
    path = dated_file(tmp_path, "05/06/2011 10:00", "06/25/2011 10:00")
    assert timestamps(path, tmp_path) == ["2011-05-06 10:00:00", "2011-06-25 10:00:00"]


def test_dates_that_read_both_ways_are_refused_naming_an_example(tmp_path: Path) -> None:
    path = dated_file(tmp_path, "05/05/2011 10:00", "05/06/2011 10:00", "01/02/2011 09:00")
    with pytest.raises(InputError) as info:
        timestamps(path, tmp_path)
    message = str(info.value)
    assert "in.csv" in message
    assert "column 'InvoiceDate'" in message
    assert "'05/06/2011 10:00' (row 2)" in message
    assert "--date-format dmy" in message


def test_conflicting_evidence_is_refused_naming_both_rows(tmp_path: Path) -> None:
    path = dated_file(tmp_path, "25/06/2011 10:00", "01/02/2011 09:00", "06/25/2011 10:00")
    with pytest.raises(InputError) as info:
        timestamps(path, tmp_path)
    assert "'25/06/2011 10:00' (row 1) can only be day-first" in str(info.value)
    assert "'06/25/2011 10:00' (row 3) only month-first" in str(info.value)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("dmy", ["2011-06-05 10:00:00", "2011-02-01 09:00:00"]),
        ("mdy", ["2011-05-06 10:00:00", "2011-01-02 09:00:00"]),
        ("%d/%m/%Y %H:%M", ["2011-06-05 10:00:00", "2011-02-01 09:00:00"]),
    ],
)
def test_date_format_says_how_to_read_an_ambiguous_file(
    tmp_path: Path, spec: str, expected: list[str]
) -> None:
    path = dated_file(tmp_path, "05/06/2011 10:00", "01/02/2011 09:00")
    assert timestamps(path, tmp_path, spec) == expected


def test_with_a_date_format_dates_in_the_other_order_are_rejected_not_misread(
    tmp_path: Path,
) -> None:
    path = dated_file(tmp_path, "25/06/2011 10:00", "06/25/2011 10:00")
    raw = read_table(path, tmp_path, lambda h: True)
    result = clean_invoices(raw, replace(DEFAULT_RULES, date_format="dmy"))
    assert [str(t) for t in result.accepted["invoice_ts"]] == ["2011-06-25 10:00:00"]
    assert result.rejected["source_row"].to_list() == [2]
    assert "'06/25/2011 10:00'" in result.rejected["reason"].item()


def test_iso_dates_need_no_order(tmp_path: Path) -> None:
    path = dated_file(tmp_path, "2011-05-06 10:00:00", "2011-06-05 10:00:00")
    assert timestamps(path, tmp_path) == ["2011-05-06 10:00:00", "2011-06-05 10:00:00"]


def test_same_day_and_month_is_not_ambiguous(tmp_path: Path) -> None:
    path = dated_file(tmp_path, "05/05/2011 10:00", "12/12/2011 10:00")
    assert timestamps(path, tmp_path) == ["2011-05-05 10:00:00", "2011-12-12 10:00:00"]


def test_unknown_date_format_names_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="expected dmy, mdy, ymd or a strptime format"):
        formats_for("day-first")
    assert formats_for("%d.%m.%Y") == ("%d.%m.%Y",)


def test_cli_refuses_an_ambiguous_file_with_exit_2_and_loads_it_with_date_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dated_file(tmp_path, "05/06/2011 10:00")
    wh = tmp_path / "wh.duckdb"
    assert main(["ingest", str(path), "--warehouse", str(wh)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "day-first or month-first" in err[0]
    assert not wh.exists(), "nothing written"
    assert main(["ingest", str(path), "--date-format", "dmy", "--warehouse", str(wh)]) == 0
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT invoice_ts FROM fact_invoice_line").fetchall() == [
        (datetime(2011, 6, 5, 10, 0),)
    ]
    con.close()
    assert main(["ingest", str(path), "--date-format", "sideways", "--warehouse", str(wh)]) == 2
    assert "--date-format" in capsys.readouterr().err


def test_date_format_comes_from_the_environment_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEGMENTA_DATE_FORMAT", "mdy")
    path = dated_file(tmp_path, "05/06/2011 10:00")
    wh = tmp_path / "wh.duckdb"
    assert main(["ingest", str(path), "--warehouse", str(wh)]) == 0
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT invoice_ts FROM fact_invoice_line").fetchall() == [
        (datetime(2011, 5, 6, 10, 0),)
    ]
    con.close()


@pytest.mark.parametrize("placeholder", ["0001-01-01 00:00:00", "1899-12-30 00:00:00"])
def test_placeholder_dates_are_rejected_and_do_not_grow_dim_date(
    tmp_path: Path, placeholder: str
) -> None:
    path = dated_file(tmp_path, "2011-06-05 10:00:00", placeholder, "2011-06-07 10:00:00")
    wh = tmp_path / "wh.duckdb"
    report = ingest(wh, [path])
    assert report.results[0].rejected_by_rule == {"reject_early_dates": 1}
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT count(*) FROM dim_date").fetchone() == (3,)
    ((rule, reason),) = con.execute("SELECT rule, reason FROM rejected_row").fetchall()
    con.close()
    assert rule == "reject_early_dates"
    assert "before 1990-01-01" in reason


def test_the_earliest_date_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = dated_file(tmp_path, "2009-06-05 10:00:00", "2011-06-05 10:00:00")
    raw = read_table(path, tmp_path, lambda h: True)
    result = clean_invoices(raw, replace(DEFAULT_RULES, min_invoice_date=date(2010, 1, 1)))
    assert result.rejected["rule"].to_list() == ["reject_early_dates"]
    assert "before 2010-01-01" in result.rejected["reason"].item()
    monkeypatch.setenv("SEGMENTA_MIN_INVOICE_DATE", "2010-01-01")
    wh = tmp_path / "wh.duckdb"
    assert main(["ingest", str(path), "--warehouse", str(wh)]) == 0
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT count(*) FROM rejected_row").fetchone() == (1,)
    con.close()


def test_the_rule_can_be_disabled(tmp_path: Path) -> None:
    path = dated_file(tmp_path, "1980-06-05 10:00:00")
    raw = read_table(path, tmp_path, lambda h: True)
    rules = replace(DEFAULT_RULES, disabled=frozenset({"reject_early_dates"}))
    assert clean_invoices(raw, rules).accepted.height == 1
