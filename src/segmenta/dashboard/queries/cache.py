"""The dashboard's one cache: values remembered per warehouse file and version.

Every key holds ``str(reader.path)`` and ``reader.version``, so a new warehouse version (an
ingest, a model run, a rename) is never served from an older one. The cache is a thread-safe
LRU bounded twice: by entries and by the rows of the frames it holds (a frame of more than
:data:`MAX_FRAME_ROWS` rows is not kept). It holds the filter options, the grid's row counts
and the per-filter frames a page asks for several times (a threshold moved, an export after
the view). :func:`clear` empties it (the benchmark times cold queries).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import polars as pl

from segmenta.warehouse.connection import WarehouseReader

__all__ = ["MAX_ENTRIES", "MAX_FRAME_ROWS", "MAX_ROWS", "VersionCache", "cached", "clear"]

T = TypeVar("T")

#: Entries kept at most.
MAX_ENTRIES = 512
#: Frames larger than this (rows) are computed every time, not kept.
MAX_FRAME_ROWS = 250_000
#: Rows of all kept frames together at most (any other value weighs one row).
MAX_ROWS = 8 * MAX_FRAME_ROWS


def _weight_of(value: object) -> int:
    return max(value.height, 1) if isinstance(value, pl.DataFrame) else 1


class VersionCache:
    """A thread-safe LRU of values keyed by (warehouse path, version, key...)."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_rows: int = MAX_ROWS,
        max_frame_rows: int = MAX_FRAME_ROWS,
    ) -> None:
        self.max_entries = max_entries
        self.max_rows = max_rows
        self.max_frame_rows = max_frame_rows
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Hashable, ...], tuple[Any, int]] = OrderedDict()
        self._weight = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(
        self, reader: WarehouseReader, key: tuple[Hashable, ...], compute: Callable[[], T]
    ) -> T:
        """``compute()``, remembered under ``key`` for the reader's file and current version.

        ``compute`` runs outside the lock: two threads asking at once may both compute.
        """
        full_key = (str(reader.path), reader.version, *key)
        with self._lock:
            if full_key in self._entries:
                self._entries.move_to_end(full_key)
                hit: T = self._entries[full_key][0]
                return hit
        value = compute()
        weight = _weight_of(value)
        if weight > self.max_frame_rows:
            return value
        with self._lock:
            if full_key not in self._entries:
                self._entries[full_key] = (value, weight)
                self._weight += weight
            while self._entries and (
                len(self._entries) > self.max_entries or self._weight > self.max_rows
            ):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._weight -= dropped
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._weight = 0


#: The process's cache (one per process, shared by every app and reader: keys hold the path).
CACHE = VersionCache()


def cached(reader: WarehouseReader, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """:meth:`VersionCache.get` on the process's cache."""
    return CACHE.get(reader, key, compute)


def clear() -> None:
    """Forget everything the process's cache holds (the benchmark times cold queries)."""
    CACHE.clear()
