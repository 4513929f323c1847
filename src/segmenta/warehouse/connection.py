"""Connection rules for the warehouse file.

DuckDB allows one read-write process or many read-only processes on a file, never both, and
a process keeps one database instance per file path. So writers never touch a file that
readers may hold: the warehouse path (``warehouse.duckdb``) is a symbolic link to a
versioned file beside it (``.warehouse.duckdb.v000042``). :func:`write_transaction` copies
the current version to the next one, lets the caller change it, checkpoints it and swaps the
link to it with an atomic rename. Readers (the dashboard's workers, analysts' tools) keep the
version they opened until they notice the link moved (:class:`WarehouseReader`) and open the
new one. A writer that fails or is killed leaves the link, and so the warehouse, as it was.
Writers serialise on an advisory lock file ``<warehouse>.lock``. The version before the
current one is kept for readers still on it; older ones are removed.

Nothing here reads the environment: the writer's memory limit and threads, and the reader's
slow-query threshold, are arguments (the entry points pass the values of
:class:`~segmenta.settings.Settings`). :func:`set_swap_hook` lets a test stop a writer exactly
before or after the swap; production never sets it.
"""

from __future__ import annotations

import contextlib
import decimal
import fcntl
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import duckdb
import polars as pl

from segmenta.settings import DEFAULT_MEMORY_LIMIT, DEFAULT_SLOW_QUERY_MS
from segmenta.warehouse.schema import apply_schema
from segmenta.warehouse.write_errors import WarehouseWriteError, output_failures

__all__ = [
    "WarehouseBusyError",
    "WarehouseMissingError",
    "WarehouseReader",
    "WarehouseWriteError",
    "clone_or_copy",
    "current_file",
    "open_read_only",
    "set_swap_hook",
    "write_transaction",
    "writer_lock",
]

log = logging.getLogger(__name__)


class WarehouseMissingError(FileNotFoundError):
    """The warehouse file does not exist yet."""


class WarehouseBusyError(RuntimeError):
    """Another process holds the writer lock."""


#: a function called with the warehouse path at a moment of the swap (tests only)
SwapHook = Callable[[Path], None]
SwapMoment = Literal["before_swap", "after_swap"]
#: test hooks of :func:`write_transaction`; empty in production (see :func:`set_swap_hook`)
_SWAP_HOOKS: dict[SwapMoment, SwapHook | None] = {"before_swap": None, "after_swap": None}


def set_swap_hook(moment: SwapMoment, hook: SwapHook | None) -> None:
    """Call ``hook(path)`` in every :func:`write_transaction` at ``moment``; None removes it.

    For crash-safety tests only (production never sets one): ``"before_swap"`` runs when the
    new version is complete and synced but the link still points to the old one,
    ``"after_swap"`` right after the link moved, before old versions are removed. A test's
    child process sets a hook that signals the parent and waits to be killed.
    """
    _SWAP_HOOKS[moment] = hook


def _run_swap_hook(moment: SwapMoment, path: Path) -> None:
    if (hook := _SWAP_HOOKS[moment]) is not None:
        hook(path)


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _version_path(path: Path, number: int) -> Path:
    return path.with_name(f".{path.name}.v{number:06d}")


def _versions(path: Path) -> list[tuple[int, Path]]:
    found = []
    for candidate in path.parent.glob(f".{path.name}.v*"):
        suffix = candidate.name.rsplit(".v", 1)[-1]
        if suffix.isdigit():
            found.append((int(suffix), candidate))
    return sorted(found)


def current_file(path: Path) -> Path | None:
    """The file the warehouse path stands for now: the link's target, or the plain file."""
    path = Path(path)
    if path.is_symlink():
        target = path.parent / path.readlink()
        return target if target.exists() else None
    return path if path.exists() else None


#: Linux's FICLONE ioctl: a copy-on-write clone of a whole file (XFS, btrfs, bcachefs)
_FICLONE = 0x40049409


def clone_or_copy(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target``; returns ``"clone"`` or ``"copy"``.

    On file systems with reflinks (XFS, btrfs) the new version is a copy-on-write clone that
    takes constant time whatever the warehouse's size, so a small load into a large warehouse
    costs the load, not the history. Elsewhere (ext4, tmpfs, other systems) it is a plain copy.
    """
    if sys.platform == "linux":
        try:
            with source.open("rb") as src, target.open("wb") as dst:
                fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        except OSError:
            target.unlink(missing_ok=True)  # no reflinks here: fall back to copying the bytes
        else:
            return "clone"
    shutil.copyfile(source, target)
    return "copy"


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


def _remove_old_versions(path: Path, keep: set[Path]) -> None:
    """Remove versions that are neither kept nor in use (we hold the writer lock)."""
    for _, version in _versions(path):
        if version not in keep:
            version.unlink(missing_ok=True)
            version.with_name(version.name + ".wal").unlink(missing_ok=True)


@contextlib.contextmanager
def write_transaction(
    path: Path,
    lock_timeout_s: float = 600.0,
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to the next version of the warehouse; swap it in on success.

    The schema is applied to the new version first, so callers always see every table.
    ``memory_limit`` bounds DuckDB's memory (it spills to a folder beside the warehouse
    beyond it); ``threads`` is DuckDB's worker threads (None: DuckDB's default, every core).
    A full disk, a missing permission or too little memory, anywhere from the lock file to the
    swap (the caller's work included), raises one :class:`WarehouseWriteError` and leaves the
    warehouse as it was.
    """
    path = Path(path)
    with output_failures(path, memory_limit=memory_limit), writer_lock(path, lock_timeout_s):
        current = current_file(path)
        new = _start_version(path, current)
        spill = path.with_name(f".{path.name}.spill")
        config: dict[str, str | bool | int | float | list[str]] = {
            # row order inside a table carries no meaning (line_id does): parallel inserts
            "preserve_insertion_order": False,
            "memory_limit": memory_limit,
            "temp_directory": str(spill),
        }
        if threads is not None:
            config["threads"] = threads
        con: duckdb.DuckDBPyConnection | None = None
        try:
            if current is not None:
                clone_or_copy(current, new)
            con = duckdb.connect(str(new), config=config)
            # no progress bar on stderr: the CLI prints its own summary, logs are JSON lines
            con.execute("SET enable_progress_bar = false")
            apply_schema(con)
            yield con
            con.execute("CHECKPOINT")
            con.close()
            with new.open("rb+") as handle:
                os.fsync(handle.fileno())
            _run_swap_hook("before_swap", path)
            link = path.with_name(f".{path.name}.link-{os.getpid()}")
            link.unlink(missing_ok=True)
            link.symlink_to(new.name)
            link.replace(path)
        except BaseException:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            new.unlink(missing_ok=True)
            new.with_name(new.name + ".wal").unlink(missing_ok=True)
            shutil.rmtree(spill, ignore_errors=True)
            raise
        # swapped: the new version is the warehouse now; what follows only tidies up and
        # never raises (the next writer removes whatever is left)
        _run_swap_hook("after_swap", path)
        keep = {new}
        if current is not None and current != path:
            keep.add(current)
        try:
            _fsync_dir(path.parent)
            _remove_old_versions(path, keep)
        except OSError as exc:
            log.warning("could not remove old warehouse versions", extra={"error": str(exc)})
        shutil.rmtree(spill, ignore_errors=True)


def _start_version(path: Path, current: Path | None) -> Path:
    """The next version's path, after removing what killed writers left (we hold the lock):
    versions newer than the current one, their WAL files, the spill folder, stray links."""
    versions = _versions(path)
    _remove_old_versions(path, keep={v for _, v in versions if current and v.name <= current.name})
    shutil.rmtree(path.with_name(f".{path.name}.spill"), ignore_errors=True)
    for link in path.parent.glob(f".{path.name}.link-*"):
        link.unlink(missing_ok=True)
    number = (versions[-1][0] + 1) if versions else 1
    return _version_path(path, number)


#: every read-only connection in a process shares one database instance per file, so they
#: must all have the same configuration: no file, network or extension access for anyone.
READ_ONLY_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; raises :class:`WarehouseMissingError` if there is no file."""
    for attempt in range(3):
        target = current_file(Path(path))
        if target is None:
            raise WarehouseMissingError(
                f"{path}: no warehouse here yet; run `segmenta ingest FILE` or `segmenta demo` first"
            )
        try:
            return duckdb.connect(str(target), read_only=True, config=dict(READ_ONLY_CONFIG))
        except duckdb.IOException:
            if attempt == 2 or target.exists():
                raise
            # a writer swapped twice and removed the version between resolve and open: retry
    raise AssertionError("unreachable")  # pragma: no cover


def _identity(path: Path) -> tuple[str, int] | None:
    target = current_file(path)
    if target is None:
        return None
    try:
        return (target.name, target.stat().st_ino)
    except FileNotFoundError:
        return None


def _log_if_slow(sql: str, started: float, threshold_ms: float) -> None:
    """Log ``sql``'s first line (never its parameters) if it ran ``threshold_ms`` or longer."""
    ms = (time.perf_counter() - started) * 1000
    if ms >= threshold_ms:
        first = next((ln.strip() for ln in sql.splitlines() if ln.strip()), "")
        log.warning("slow query", extra={"ms": round(ms, 1), "query": first[:200]})


class WarehouseReader:
    """A process's read-only view of the warehouse that follows atomic swaps.

    Thread-safe: each query runs on its own cursor of the current connection. When the file
    on disk is replaced by a writer, the next query opens the new file; queries already
    running finish on the old one. A thread can :meth:`pin` the version it sees (a web
    request does, from its first query to its end) so that all its queries read one version
    and never a mix of the old and the new data. Queries that take ``slow_query_ms`` or longer
    are logged (one JSON line each, without their parameters).
    """

    def __init__(self, path: Path, slow_query_ms: float = DEFAULT_SLOW_QUERY_MS) -> None:
        self.path = Path(path)
        self.slow_query_ms = slow_query_ms
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[str, int] | None = None
        self._pinned = threading.local()

    def pin(self) -> None:
        """Make this thread's next queries, until :meth:`unpin`, read the version they first see."""
        self._pinned.active = True
        self._pinned.con = None

    def unpin(self) -> None:
        """End :meth:`pin`: the thread's next query reads the current version again."""
        self._pinned.active = False
        self._pinned.con = None
        self._pinned.identity = None

    @property
    def pinned_version(self) -> tuple[str, int] | None:
        """The version this thread is pinned to, if it has queried since :meth:`pin`."""
        return (
            getattr(self._pinned, "identity", None) if getattr(self._pinned, "con", None) else None
        )

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The connection to the current version (the pinned one while this thread is pinned)."""
        if getattr(self._pinned, "active", False):
            if self._pinned.con is None:
                self._pinned.con, self._pinned.identity = self._current()
            return self._pinned.con
        return self._current()[0]

    def _current(self) -> tuple[duckdb.DuckDBPyConnection, tuple[str, int] | None]:
        current = _identity(self.path)
        with self._lock:
            if self._con is None or current != self._identity:
                self._con = open_read_only(self.path)
                self._identity = current
            return self._con, self._identity

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor of :meth:`connection` (close it when done)."""
        return self.connection().cursor()

    @property
    def version(self) -> tuple[str, int] | None:
        """Changes whenever a writer swaps in a new file (for cache keys); pinned if pinned."""
        self.connection()
        if getattr(self._pinned, "active", False):
            return self._pinned.identity
        return self._identity

    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pl.DataFrame:
        """Run one query with bound parameters and return a Polars frame.

        Money is summed exactly in SQL (DECIMAL); its columns arrive here as Float64, for the
        charts and the arithmetic of the pages (round to pennies to compare)."""
        cur = self.cursor()
        started = time.perf_counter()
        try:
            frame = cur.sql(sql, params=params).pl()
            return frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
        finally:
            cur.close()
            _log_if_slow(sql, started, self.slow_query_ms)

    def scalar(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        """The first column of the first row of one query (None if it returns no row; a DECIMAL
        as a float, as in :meth:`query`)."""
        cur = self.cursor()
        started = time.perf_counter()
        try:
            rows = cur.execute(sql, params or []).fetchall()
            value = rows[0][0] if rows else None
            return float(value) if isinstance(value, decimal.Decimal) else value
        finally:
            cur.close()
            _log_if_slow(sql, started, self.slow_query_ms)

    def close(self) -> None:
        """Close the shared connection (the next query opens the current version again)."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
