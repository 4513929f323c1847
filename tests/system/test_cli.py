"""The segmenta command line, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segmenta.cli import main
from tests.helpers import csv_text, write_csv


def test_generate_ingest_status_sql(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    wh = tmp_path / "wh.duckdb"
    assert main(["generate", "--customers", "200", "--seed", "7", "--out", str(out)]) == 0
    assert (
        main(
            [
                "ingest",
                str(out / "invoices.csv"),
                "--customers",
                str(out / "customers.csv"),
                "--warehouse",
                str(wh),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "rows in" in text
    assert "loaded" in text
    assert main(["status", "--warehouse", str(wh)]) == 0
    status = capsys.readouterr().out
    assert "customers: 200 known" in status
    assert (
        main(
            [
                "sql",
                "SELECT count(*) AS n FROM dim_customer WHERE customer_key <> 0",
                "--format",
                "csv",
                "--warehouse",
                str(wh),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "n\n200"


def test_environment_variable_names_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = tmp_path / "env.duckdb"
    monkeypatch.setenv("SEGMENTA_WAREHOUSE", str(wh))
    src = write_csv(tmp_path / "a.csv", csv_text(["1,A,x,1,2010-12-01 08:00:00,1.5,7,UK"]))
    assert main(["ingest", str(src)]) == 0
    assert wh.exists()


def test_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["ingest", str(tmp_path / "missing.csv"), "--warehouse", str(tmp_path / "w.duckdb")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("segmenta ingest: error:")
    assert "missing.csv: no such file" in err
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse here yet" in capsys.readouterr().err
    assert main(["model", "--k", "many", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "expected 'auto' or a whole number" in capsys.readouterr().err


def test_model_and_score_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = tmp_path / "empty.duckdb"
    src = write_csv(
        tmp_path / "a.csv", csv_text(["1,A,x,1,2010-12-01 08:00:00,0,7,UK"])
    )  # all rejected
    assert main(["ingest", str(src), "--warehouse", str(wh)]) == 0
    capsys.readouterr()
    assert main(["model", "--warehouse", str(wh)]) == 2
    assert capsys.readouterr().err.startswith("segmenta model: error:")
    assert main(["score", "--json", "{}", "--warehouse", str(wh)]) == 2
    assert capsys.readouterr().err.startswith("segmenta score: error:")


def test_hash_password_makes_a_users_file_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from werkzeug.security import check_password_hash

    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert main(["hash-password", "ann", "--role", "analyst"]) == 0
    user, role, digest = capsys.readouterr().out.strip().split(":", 2)
    assert (user, role) == ("ann", "analyst")
    assert check_password_hash(digest, "long-enough-pw")


def test_every_user_error_name_points_at_a_real_exception() -> None:
    import importlib

    from segmenta.cli import USER_ERRORS

    for name in USER_ERRORS:
        module, _, cls = name.rpartition(".")
        assert issubclass(getattr(importlib.import_module(module), cls), Exception), name


def test_model_features_flag_reaches_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    table = tmp_path / "mall.csv"
    rows = [
        f"{i},{'Male' if i % 2 else 'Female'},{20 + i % 40},{15 + (i * 7) % 120},{(i * 13) % 99 + 1}"
        for i in range(1, 61)
    ]
    table.write_text(
        "CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n" + "\n".join(rows) + "\n"
    )
    wh = tmp_path / "mall.duckdb"
    assert main(["ingest", "--customers", str(table), "--warehouse", str(wh)]) == 0
    assert (
        main(
            [
                "model",
                "--k",
                "3",
                "--features",
                "annual_income_k, spending_score",
                "--warehouse",
                str(wh),
            ]
        )
        == 0
    )
    con = duckdb.connect(str(wh), read_only=True)
    features = con.execute("SELECT parameters->'features' FROM latest_run").fetchall()[0][0]
    con.close()
    assert json.loads(features) == ["annual_income_k", "spending_score"]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SEGMENTA_PORT", "eighty", "SEGMENTA_PORT: expected a whole number, got 'eighty'"),
        ("SEGMENTA_SQL_TIMEOUT_S", "10s", "SEGMENTA_SQL_TIMEOUT_S: expected a number"),
        ("SEGMENTA_MIN_INVOICE_DATE", "1990", "SEGMENTA_MIN_INVOICE_DATE: expected a date"),
        ("SEGMENTA_LOG_LEVEL", "loud", "SEGMENTA_LOG_LEVEL: expected one of DEBUG, INFO"),
    ],
)
def test_a_malformed_setting_is_one_line_and_exit_2(
    variable: str,
    value: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("segmenta status: error: ")
    assert expected in err[0]
