"""Connection rules, the schema contract and the analysts' sandbox."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from segmenta.etl.load import ingest
from segmenta.warehouse.analyst import QueryRefusedError, format_result, run_read_only_query, to_csv
from segmenta.warehouse.connection import (
    WarehouseBusyError,
    WarehouseReader,
    write_transaction,
    writer_lock,
)
from segmenta.warehouse.schema import VIEW_ORDER, table_names
from tests.helpers import csv_text, write_csv


@pytest.fixture
def small(tmp_path: Path) -> Path:
    src = write_csv(
        tmp_path / "a.csv", csv_text(['1,A,=HYPERLINK("x"),1,2010-12-01 08:00:00,1.5,7,UK'])
    )
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [src])
    return wh


def test_schema_has_every_public_relation(small: Path) -> None:
    con = duckdb.connect(str(small), read_only=True)
    names = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert set(table_names()) | set(VIEW_ORDER) <= names
    assert {
        "fact_invoice_line",
        "dim_country",
        "dim_customer",
        "dim_product",
        "dim_date",
        "rejected_row",
        "load_log",
        "v_invoice",
        "customer_360",
    } <= names


def test_reader_sees_old_data_until_swap_then_new(small: Path, tmp_path: Path) -> None:
    reader = WarehouseReader(small)
    assert reader.scalar("SELECT count(*) FROM fact_invoice_line") == 1
    held = reader.cursor()  # a query in flight keeps the old file
    ingest(
        small, [write_csv(tmp_path / "b.csv", csv_text(["2,BB,y,1,2010-12-02 08:00:00,1.5,8,UK"]))]
    )
    assert held.execute("SELECT count(*) FROM fact_invoice_line").fetchone() == (1,)
    assert reader.scalar("SELECT count(*) FROM fact_invoice_line") == 2
    reader.close()


def test_writer_while_reader_holds_file_open(small: Path) -> None:
    reader = duckdb.connect(str(small), read_only=True)
    with write_transaction(small) as con:  # would fail if it opened the live file
        con.execute("INSERT INTO segment_label VALUES (1, 'sig', 'VIP', 'test', now()::TIMESTAMP)")
    assert reader.execute("SELECT count(*) FROM segment_label").fetchone() == (0,)
    reader.close()
    assert WarehouseReader(small).scalar("SELECT count(*) FROM segment_label") == 1


def test_versions_are_swapped_and_pruned(small: Path, tmp_path: Path) -> None:
    assert small.is_symlink()
    for i in range(3):
        ingest(
            small,
            [
                write_csv(
                    tmp_path / f"n{i}.csv",
                    csv_text([f"{i + 10},AA,y,1,2010-12-02 08:00:00,1.5,8,UK"]),
                )
            ],
        )
    versions = sorted(p.name for p in tmp_path.glob(".wh.duckdb.v*"))
    assert versions == [".wh.duckdb.v000003", ".wh.duckdb.v000004"], "current and previous only"
    assert small.resolve().name == ".wh.duckdb.v000004"


def test_killed_writer_leftovers_are_removed(small: Path) -> None:
    leftover = small.with_name(".wh.duckdb.v000099")
    leftover.write_bytes(b"half-built")
    with write_transaction(small):
        pass
    assert not leftover.exists()
    assert WarehouseReader(small).scalar("SELECT count(*) FROM fact_invoice_line") == 1


def test_failed_write_keeps_file(small: Path) -> None:
    before = small.read_bytes()

    def delete_then_fail() -> None:
        with write_transaction(small) as con:
            con.execute("DELETE FROM fact_invoice_line")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        delete_then_fail()
    assert small.read_bytes() == before


def test_second_writer_waits_then_gives_up(small: Path) -> None:
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writer_lock(small):
            entered.set()
            release.wait(5)

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    try:
        with (
            pytest.raises(WarehouseBusyError, match="another segmenta process"),
            writer_lock(small, timeout_s=0.3),
        ):
            pass
    finally:
        release.set()
        t.join()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM load_log", "only queries"),
        ("CREATE TABLE x AS SELECT 1", "only queries"),
        ("SELECT 1; SELECT 2", "2 statements"),
        ("SELECT * FROM read_csv('/etc/passwd')", "disabled by configuration"),
        ("COPY (SELECT 1) TO '/tmp/out.csv'", "only queries"),
        ("ATTACH '/tmp/x.duckdb'", "only queries"),
        ("SELECT * FROM nope", "nope"),
    ],
)
def test_analyst_queries_are_sandboxed(small: Path, sql: str, message: str) -> None:
    with pytest.raises(QueryRefusedError, match=message):
        run_read_only_query(small, sql)


def test_analyst_query_limit_and_formats(small: Path) -> None:
    frame = run_read_only_query(small, "SELECT * FROM v_invoice_line;", limit=1)
    assert frame.height == 1
    assert frame["description"].item() == '=HYPERLINK("x")'
    assert "'=HYPERLINK" in to_csv(frame.select("description")), "formulas are defused in CSV"
    assert '"quantity": 1' in format_result(frame, "json")


@pytest.mark.slow
def test_analyst_query_time_limit(small: Path) -> None:
    slow = "SELECT count(*) FROM range(1000000000) a, range(1000) b WHERE a.range * b.range = 7"
    with pytest.raises(QueryRefusedError, match=r"longer than 0\.5 s"):
        run_read_only_query(small, slow, timeout_s=0.5)


def test_pinned_thread_reads_one_version_across_a_swap(small: Path, tmp_path: Path) -> None:
    reader = WarehouseReader(small)
    reader.pin()
    try:
        assert reader.scalar("SELECT count(*) FROM fact_invoice_line") == 1
        pinned_version = reader.version
        ingest(
            small,
            [write_csv(tmp_path / "c.csv", csv_text(["3,CC,y,1,2010-12-02 08:00:00,1.5,8,UK"]))],
        )
        assert reader.scalar("SELECT count(*) FROM fact_invoice_line") == 1, (
            "still the version it started on"
        )
        assert reader.version == pinned_version
    finally:
        reader.unpin()
    assert reader.scalar("SELECT count(*) FROM fact_invoice_line") == 2
    assert reader.version != pinned_version


def test_disk_full_while_copying_is_a_clear_error_and_changes_nothing(
    small: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    from segmenta.cli import main
    from segmenta.warehouse import connection

    before = small.resolve().read_bytes()
    versions = sorted(p.name for p in small.parent.glob(".wh.duckdb.v*"))

    def full_disk(src: object, dst: Path) -> str:
        Path(dst).write_bytes(b"partial")  # a half-written copy, as a full disk leaves it
        raise OSError(errno.ENOSPC, "No space left on device")

    # the new version is cloned or copied (clone_or_copy): either can meet a full disk
    monkeypatch.setattr(connection, "clone_or_copy", full_disk)
    src = write_csv(small.parent / "d.csv", csv_text(["4,DD,y,1,2010-12-02 08:00:00,1.5,8,UK"]))
    assert main(["ingest", str(src), "--warehouse", str(small)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err
    assert "the warehouse is unchanged" in err
    assert small.resolve().read_bytes() == before
    assert sorted(p.name for p in small.parent.glob(".wh.duckdb.v*")) == versions


def test_new_version_is_a_clone_or_a_byte_copy(small: Path, tmp_path: Path) -> None:
    """Whatever the file system, the writer starts from an exact copy of the current version."""
    from segmenta.warehouse.connection import clone_or_copy

    source = small.resolve()
    how = clone_or_copy(source, tmp_path / "copy.duckdb")
    assert how in {"clone", "copy"}
    assert (tmp_path / "copy.duckdb").read_bytes() == source.read_bytes()


def test_without_reflinks_the_version_is_copied(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ext4, tmpfs and the like refuse FICLONE: the fallback copies the bytes and the load works."""
    import errno

    from segmenta.warehouse import connection

    def no_reflinks(*_args: object) -> None:
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(connection.fcntl, "ioctl", no_reflinks)
    source = small.resolve()
    assert connection.clone_or_copy(source, tmp_path / "copy.duckdb") == "copy"
    assert (tmp_path / "copy.duckdb").read_bytes() == source.read_bytes()
    src = write_csv(tmp_path / "e.csv", csv_text(["5,EE,z,2,2010-12-03 08:00:00,2.5,9,UK"]))
    ingest(small, [src])
    con = duckdb.connect(str(small), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM load_log").fetchall() == [(2,)]
    finally:
        con.close()
