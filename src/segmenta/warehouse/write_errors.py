"""Failures of the output side (disk full, no permission, out of memory) as one user error.

A write (``segmenta ingest``, ``segmenta model``, a rename) can fail for reasons that have
nothing to do with its input: the disk or the quota is full, a file-size limit is reached, the
folder is read-only or not ours, memory runs out. Python, DuckDB and Polars report these in
different ways (``OSError`` with an errno; DuckDB's ``IOException``, ``TransactionException``,
``FatalException`` and ``OutOfMemoryException`` with the system's words in the message;
Polars' errors ending in ``(os error 28)``). :func:`classify` recognises all of them and
:func:`output_failures` turns one raised inside it into a :class:`WarehouseWriteError`: one
line naming what failed, where, and what to do; the caller's transaction has not swapped, so
the message says the warehouse is unchanged. A failure on a file the write does not own (an input) is left alone: nothing here ever
blames the output side's failure on the input, nor the other way round.
"""

from __future__ import annotations

import contextlib
import errno
import re
import resource
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl


class WarehouseWriteError(OSError):
    """The new version could not be written (disk full, no permission, no memory); nothing changed."""


FailureKind = Literal["space", "permission", "memory"]

#: errno values that mean the output side failed, with the words used in the message
ERRNO_FAILURES: dict[int, tuple[FailureKind, str]] = {
    errno.ENOSPC: ("space", "No space left on device"),
    errno.EDQUOT: ("space", "Disk quota exceeded"),
    errno.EFBIG: ("space", "File too large (a file-size limit was reached)"),
    errno.EROFS: ("permission", "Read-only file system"),
    errno.EACCES: ("permission", "Permission denied"),
    errno.EPERM: ("permission", "Operation not permitted"),
    errno.ENOMEM: ("memory", "Out of memory"),
}
#: the same failures in the words of DuckDB's and Polars' messages (they carry no errno)
_TEXTS = (
    ("no space left on device", errno.ENOSPC),
    ("disk quota exceeded", errno.EDQUOT),
    ("file too large", errno.EFBIG),
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("operation not permitted", errno.EPERM),
    ("cannot allocate memory", errno.ENOMEM),
)
_OS_ERROR = re.compile(r"\(os error (\d+)\)")
_DUCKDB_FILE = re.compile(r'file "([^"]+)"')
_DUCKDB_USED = re.compile(r"\(([\d.]+ \w+/[\d.]+ \w+) used\)")


@dataclass(frozen=True)
class Failure:
    """What failed: its kind, the system's words for it, its errno, and the file if known."""

    kind: FailureKind
    reason: str
    code: int = errno.ENOMEM
    file: Path | None = None


def classify(exc: BaseException) -> Failure | None:
    """The output-side failure ``exc`` is (or was caused by), or None if it is something else."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (found := _classify_one(current)) is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _classify_one(exc: BaseException) -> Failure | None:
    if isinstance(exc, MemoryError):
        return Failure("memory", "Out of memory (Python could not allocate)")
    if isinstance(exc, duckdb.OutOfMemoryException):
        used = _DUCKDB_USED.search(str(exc))
        detail = f"DuckDB used {used.group(1)}" if used else "DuckDB could not allocate"
        return Failure("memory", f"Out of memory ({detail})")
    if isinstance(exc, OSError) and exc.errno in ERRNO_FAILURES:
        kind, reason = ERRNO_FAILURES[exc.errno]
        # a copy or a rename names its source first and the file it was writing second
        written = exc.filename2 or exc.filename
        return Failure(kind, reason, exc.errno, Path(written) if written else None)
    if not isinstance(exc, duckdb.Error | pl.exceptions.PolarsError | OSError):
        return None
    text = str(exc)
    code = next((int(m.group(1)) for m in _OS_ERROR.finditer(text)), None)
    if code is None:
        lowered = text.lower()
        code = next((number for words, number in _TEXTS if words in lowered), None)
    if code is None or code not in ERRNO_FAILURES:
        return None
    kind, reason = ERRNO_FAILURES[code]
    file = _DUCKDB_FILE.search(text)
    return Failure(kind, reason, code, Path(file.group(1)) if file else None)


def write_error(
    failure: Failure, warehouse: Path, *, memory_limit: str | None = None
) -> WarehouseWriteError:
    """The one-line error for ``failure`` while writing ``warehouse``."""
    folder = Path(warehouse).parent.resolve()
    where = failure.file or folder
    unchanged = "the warehouse is unchanged"
    if failure.kind == "memory":
        limit = f", now {memory_limit}" if memory_limit else ""
        return WarehouseWriteError(
            f"{failure.reason} while writing {warehouse}; {unchanged}. Free memory on this "
            f"machine or give DuckDB more (SEGMENTA_MEMORY_LIMIT{limit}; beyond it DuckDB "
            f"spills to {folder}), then run the command again"
        )
    if failure.kind == "permission":
        return WarehouseWriteError(
            f"{failure.reason} while writing {where}; {unchanged}. Let this user create and "
            f"write files in {folder}, or use another --warehouse, then run the command again"
        )
    fix = (
        "Raise the file-size limit (ulimit -f)"
        if failure.code == errno.EFBIG
        else f"Free space in {folder}"
    )
    return WarehouseWriteError(
        f"{failure.reason} while writing {where} ({_room(failure, warehouse)}); {unchanged}. "
        f"{fix} or use another --warehouse, then run the command again"
    )


def _room(failure: Failure, warehouse: Path) -> str:
    """What this write had and what it needs: a copy of the current version, plus the new data."""
    current = Path(warehouse).resolve()
    size = current.stat().st_size / 1e6 if current.is_file() else 0.0
    needs = (
        f"a copy of the current {size:,.1f} MB warehouse plus what the write adds"
        if size
        else "what the write adds"
    ) + " (an ingest also stages a copy of its input)"
    if failure.code == errno.EFBIG:
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft != resource.RLIM_INFINITY:
            return (
                f"files may not grow beyond {soft / 1e6:,.1f} MB here (ulimit -f); it needs {needs}"
            )
        return f"it needs {needs}"
    try:
        had = (shutil.disk_usage(current.parent).free + _in_progress(warehouse)) / 1e6
    except OSError:
        return f"it needs {needs}"
    return f"this write had {had:,.1f} MB there and needed more: {needs}"


def _in_progress(warehouse: Path) -> int:
    """Bytes this write holds beside ``warehouse`` so far (they are freed when it fails)."""
    warehouse = Path(warehouse)
    current = warehouse.resolve().name if warehouse.is_symlink() else ""
    version = re.compile(rf"\.{re.escape(warehouse.name)}\.v\d+")
    total = 0
    for entry in warehouse.parent.glob(f".{warehouse.name}.*"):
        base = entry.name.removesuffix(".wal")
        if version.fullmatch(base) and base <= current:
            continue  # the current version and older ones stay
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        for file in files:
            with contextlib.suppress(OSError):
                total += file.lstat().st_size
    return total


@contextlib.contextmanager
def output_failures(warehouse: Path, *, memory_limit: str | None = None) -> Iterator[None]:
    """Turn an output-side failure raised inside into a :class:`WarehouseWriteError`.

    Anything else (a bad input, a bug) passes through unchanged. Use it only around work that
    has not yet swapped the new version in, since the message says the warehouse is unchanged.
    """
    try:
        yield
    except WarehouseWriteError:
        raise
    except Exception as exc:
        failure = classify(exc)
        if failure is None or (failure.file is not None and not is_ours(failure.file, warehouse)):
            raise  # not the output side (a file the write does not own: an input, say)
        raise write_error(failure, warehouse, memory_limit=memory_limit) from exc


def is_ours(file: Path, warehouse: Path) -> bool:
    """Whether ``file`` is one a write of ``warehouse`` makes: the link, a version, its WAL,
    the lock, the spill folder or a work folder (all beside it, named after it)."""
    warehouse = Path(warehouse)
    try:
        relative = Path(file).absolute().relative_to(warehouse.absolute().parent)
    except ValueError:
        return False
    if not relative.parts:
        return True  # the warehouse's folder itself
    first, name = relative.parts[0], warehouse.name
    return first in {name, f"{name}.lock"} or first.startswith(f".{name}.")
