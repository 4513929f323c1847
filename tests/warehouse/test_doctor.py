"""segmenta doctor: healthy on a good warehouse, names what is wrong on a damaged one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segmenta.cli import main
from segmenta.etl.load import ingest
from segmenta.warehouse.connection import write_transaction
from tests.helpers import csv_text, write_csv


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    path = tmp_path / "wh.duckdb"
    ingest(
        path,
        [
            write_csv(
                tmp_path / "a.csv",
                csv_text(
                    ["1,AA,x,1,2010-12-01 08:00:00,1.5,7,UK", "2,AA,x,1,2010-12-01 08:00:00,0,7,UK"]
                ),
            )
        ],
    )
    return path


def test_healthy_warehouse(wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--warehouse", str(wh)]) == 0
    out = capsys.readouterr().out
    assert (
        "[ok  ] row accounting: load_log: 2 in, 1 loaded, 1 rejected; facts 1, rejected_row 1"
        in out
    )
    assert out.rstrip().endswith("healthy")


def test_damaged_warehouse_is_reported(wh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with write_transaction(wh) as con:
        con.execute("DELETE FROM rejected_row")
        con.execute("UPDATE fact_invoice_line SET amount = amount + 1")
    assert main(["doctor", "--warehouse", str(wh)]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] row accounting" in out
    assert "[FAIL] amounts: 1 facts break" in out


def test_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "[FAIL] warehouse" in capsys.readouterr().out


def test_each_load_logs_one_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_csv(tmp_path / "b.csv", csv_text(["1,AA,x,1,2010-12-01 08:00:00,1.5,7,UK"]))
    assert main(["ingest", str(src), "--warehouse", str(tmp_path / "w.duckdb")]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    loads = [x for x in lines if x["event"] == "load"]
    assert len(loads) == 1
    assert loads[0]["rows_in"] == 1
    assert loads[0]["file"].endswith("b.csv")
    assert loads[0]["seconds"] >= 0


def test_slow_queries_are_logged_without_parameters(
    wh: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from segmenta.warehouse import connection

    reader = connection.WarehouseReader(wh, slow_query_ms=0.0)
    try:
        with caplog.at_level("WARNING", logger="segmenta.warehouse.connection"):
            reader.query(
                "SELECT count(*) AS n FROM fact_invoice_line WHERE quantity > ?", [123456789]
            )
    finally:
        reader.close()
    slow = [r for r in caplog.records if r.getMessage() == "slow query"]
    assert len(slow) == 1
    assert slow[0].query.startswith("SELECT count(*)")
    assert "123456789" not in str(vars(slow[0]))


def test_an_invoice_spanning_two_loads_fails(
    wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second load holding lines of an invoice of the first (as before business keys)."""
    with write_transaction(wh) as con:
        con.execute(
            "INSERT INTO load_log SELECT 2, 'b.csv', file_kind, file_format, encoding, 'other', "
            "1, 1, 0, rules, started_at, finished_at, 0, 0, 0 FROM load_log WHERE load_id = 1"
        )
        con.execute(
            "INSERT INTO fact_invoice_line SELECT line_id + 10, 2, source_row, invoice_no, "
            "invoice_ts, date_key, customer_key, product_key, country_key, quantity, unit_price, "
            "amount, is_return, is_cancellation, is_duplicate FROM fact_invoice_line"
        )
    assert main(["doctor", "--warehouse", str(wh)]) == 1
    out = capsys.readouterr().out
    assert (
        f"[FAIL] invoice loads: 1 invoices have lines in several loads (counted twice), "
        f"e.g. invoice 1 in loads 1 ({tmp_path / 'a.csv'}), 2 (b.csv)"
    ) in out


def test_invoice_loads_stay_healthy_after_a_replacement(
    wh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = write_csv(tmp_path / "a2.csv", csv_text(["1,AA,x,3,2010-12-01 08:00:00,1.5,7,UK"]))
    ingest(wh, [fixed], replace_invoices=True)
    assert main(["doctor", "--warehouse", str(wh)]) == 0
    assert "[ok  ] invoice loads: 1 invoices, each in one load" in capsys.readouterr().out
