"""Work folders beside the warehouse, and what killed runs leave behind.

An ingest stages its files (Parquet, transcoded CSV) in a work folder beside the warehouse (the
same disk), named ``.<warehouse>.load-<pid>-<random>``. The run holds an exclusive ``flock`` on
the folder for as long as it lives, and removes it at the end. A run killed with SIGKILL cannot
remove it, but the kernel drops its lock, so the next run (an ingest or a model run) removes
every work folder whose lock it can take: never one of a live run, whatever its process id
means on this host or in another container. :func:`leftovers` lists, for ``segmenta doctor``,
the work folders of killed runs and, when no writer holds the warehouse lock, the versions,
spill folder and links a killed writer left.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: seconds after which a folder still being created (``.new-``) counts as a killed run's
CREATING_GRACE_S = 60.0


def _prefixes(warehouse: Path) -> tuple[str, str]:
    return f".{warehouse.name}.load-", f".{warehouse.name}.new-"


@contextlib.contextmanager
def work_folder(warehouse: Path) -> Iterator[Path]:
    """A new work folder beside ``warehouse``, held by this process, removed when done.

    Work folders of killed runs are removed first. The folder is made under a ``.new-`` name,
    locked, then renamed, so a cleaner never sees an unlocked ``.load-`` folder of a live run.
    """
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_work_folders(warehouse)
    final_prefix, new_prefix = _prefixes(warehouse)
    pid = os.getpid()
    made = Path(tempfile.mkdtemp(prefix=f"{new_prefix}{pid}-", dir=warehouse.parent))
    fd = os.open(made, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        folder = made.with_name(final_prefix + made.name.removeprefix(new_prefix))
        made.rename(folder)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        os.close(fd)


def _is_held(folder: Path) -> bool | None:
    """Whether a live process holds ``folder``'s lock (None: it is gone already)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the lock we may have taken
    return False


def stale_work_folders(warehouse: Path) -> list[Path]:
    """Work folders beside ``warehouse`` that no live process holds (left by killed runs)."""
    warehouse = Path(warehouse)
    final_prefix, new_prefix = _prefixes(warehouse)
    if not warehouse.parent.is_dir():
        return []
    found = []
    for candidate in sorted(warehouse.parent.iterdir()):
        name = candidate.name
        if not candidate.is_dir() or not name.startswith((final_prefix, new_prefix)):
            continue
        if name.startswith(new_prefix) and _age_s(candidate) < CREATING_GRACE_S:
            continue  # being made by a live run right now (it locks it before renaming it)
        if _is_held(candidate) is False:
            found.append(candidate)
    return found


def remove_stale_work_folders(warehouse: Path) -> list[Path]:
    """Remove the work folders of killed runs beside ``warehouse``; returns those removed."""
    removed = []
    for folder in stale_work_folders(warehouse):
        size = _size(folder)
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
            log.info(
                "removed a killed run's work folder",
                extra={"folder": str(folder), "mb": round(size / 1e6, 1)},
            )
    return removed


def _age_s(path: Path) -> float:
    try:
        return max(0.0, time.time() - path.stat().st_mtime)
    except OSError:
        return 0.0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


@dataclass(frozen=True)
class Leftover:
    """A file or folder a killed run left beside the warehouse."""

    path: Path
    what: str
    size: int
    age_s: float

    def describe(self) -> str:
        """``path (what, N MB, age)``."""
        hours = self.age_s / 3600
        age = f"{hours:.1f} h" if hours >= 1 else f"{self.age_s / 60:.0f} min"
        return f"{self.path} ({self.what}, {self.size / 1e6:.1f} MB, {age} old)"


def _writer_is_running(warehouse: Path) -> bool:
    """Whether a writer holds the warehouse's lock now (read only: never creates the file)."""
    try:
        fd = os.open(warehouse.with_name(warehouse.name + ".lock"), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def leftovers(warehouse: Path, current: Path | None) -> list[Leftover]:
    """What killed runs left beside ``warehouse`` (``current``: the version it points to).

    Work folders no live run holds, always. Versions other than the current one and the one
    before it (kept for readers), the spill folder and temporary links, unless a writer is
    running now (then they are its own).
    """
    warehouse = Path(warehouse)
    found = [
        Leftover(f, "work folder of a killed run", _size(f), _age_s(f))
        for f in stale_work_folders(warehouse)
    ]
    if _writer_is_running(warehouse):
        return found
    versions = sorted(warehouse.parent.glob(f".{warehouse.name}.v*"))
    numbered = [v for v in versions if v.name.rsplit(".v", 1)[-1].isdigit()]
    keep = set()
    if current is not None:
        keep.add(current.name)
        older = [v.name for v in numbered if v.name < current.name]
        keep.update(older[-1:])
    for version in versions:
        base = version.name.removesuffix(".wal")
        if base not in keep:
            found.append(Leftover(version, "unused warehouse version", _size(version), 0.0))
    extras = [warehouse.with_name(f".{warehouse.name}.spill")]
    extras += sorted(warehouse.parent.glob(f".{warehouse.name}.link-*"))
    for extra in extras:
        if extra.exists() or extra.is_symlink():
            size = 0 if extra.is_symlink() else _size(extra)
            found.append(Leftover(extra, "a killed writer's temporary file", size, _age_s(extra)))
    return [Leftover(f.path, f.what, f.size, f.age_s or _age_s(f.path)) for f in found]
