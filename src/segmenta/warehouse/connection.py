"""Connection rules for the warehouse file.

DuckDB allows one read-write process or many read-only processes on a file, never both.
So writers never touch the live file: :func:`write_transaction` copies it to a temporary
file next to it, lets the caller change the copy, checkpoints it and swaps it into place
with an atomic ``os.replace``. Readers (the dashboard's workers, analysts' tools) keep the
old file open until they notice the swap (:class:`WarehouseReader` compares the inode) and
reopen. A writer that fails or is killed leaves the live file exactly as it was.
Writers serialise on an advisory lock file ``<warehouse>.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from segmenta.warehouse.schema import apply_schema


class WarehouseMissingError(FileNotFoundError):
    """The warehouse file does not exist yet."""


class WarehouseBusyError(RuntimeError):
    """Another process holds the writer lock."""


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _tmp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp-{os.getpid()}")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writer_lock(path: Path, timeout_s: float = 600.0) -> Iterator[None]:
    """Hold the exclusive writer lock of ``path`` (waiting up to ``timeout_s``)."""
    lock = _lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"{path}: another segmenta process is writing it "
                        f"(lock {lock} held for more than {timeout_s:.0f} s)"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_temps(path: Path) -> None:
    """Remove temporary copies left by writers that were killed (we hold the lock)."""
    for stale in path.parent.glob(f"{path.name}.tmp-*"):
        stale.unlink(missing_ok=True)


@contextlib.contextmanager
def write_transaction(
    path: Path, lock_timeout_s: float = 600.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a private copy of the warehouse; swap it in on success.

    The schema is applied to the copy first, so callers always see every table.
    """
    path = Path(path)
    with writer_lock(path, lock_timeout_s):
        _remove_stale_temps(path)
        tmp = _tmp_path(path)
        if path.exists():
            shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp))
        try:
            apply_schema(con)
            yield con
            con.execute("CHECKPOINT")
            con.close()
            with tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
            tmp.replace(path)
            _fsync_dir(path.parent)
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
            raise


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; raises :class:`WarehouseMissingError` if there is no file."""
    path = Path(path)
    if not path.exists():
        raise WarehouseMissingError(
            f"{path}: no warehouse here yet; run `segmenta ingest FILE` or `segmenta demo` first"
        )
    return duckdb.connect(str(path), read_only=True)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class WarehouseReader:
    """A process's read-only view of the warehouse that follows atomic swaps.

    Thread-safe: each query runs on its own cursor of the current connection. When the file
    on disk is replaced by a writer, the next query opens the new file; queries already
    running finish on the old one.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int] | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        current = _identity(self.path)
        with self._lock:
            if self._con is None or current != self._identity:
                self._con = open_read_only(self.path)
                self._identity = current
            return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.connection().cursor()

    @property
    def version(self) -> tuple[int, int] | None:
        """Changes whenever a writer swaps in a new file (for cache keys)."""
        self.connection()
        return self._identity

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        """Run one query with bound parameters and return a Polars frame."""
        cur = self.cursor()
        try:
            return cur.sql(sql, params=params).pl()
        finally:
            cur.close()

    def scalar(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        cur = self.cursor()
        try:
            row = cur.execute(sql, params or []).fetchone()
            return None if row is None else row[0]
        finally:
            cur.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
