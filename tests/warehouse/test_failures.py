"""Disk full, permission and memory failures of a write: one line, exit status 2, the warehouse
untouched, at every failure point; and the work folders killed runs leave behind.

Each failure point of ``segmenta ingest`` and ``segmenta model`` is provoked in one of three
ways: for real where the sandbox allows it without root tricks (DuckDB's own ``memory_limit``,
``RLIMIT_FSIZE`` in a child process, a small tmpfs when ``mount`` is permitted), otherwise by
raising, at exactly that point, the error the real failure raises there (its type and its words
as measured on a full tmpfs: see each case).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.cli import main
from segmenta.demo import write_demo_data
from segmenta.engine.duckdb_engine import DuckDBEngine
from segmenta.etl import load, read
from segmenta.etl.load import ingest
from segmenta.warehouse import connection, workdirs
from segmenta.warehouse.doctor import leftover_check
from segmenta.warehouse.write_errors import classify
from tests.conftest import skip_or_fail
from tests.helpers import csv_text, write_csv

ROWS = ["1,AA,x,1,2010-12-01 08:00:00,1.5,7,UK", "2,BB,y,2,2010-12-02 09:00:00,2.5,8,France"]
NEW_ROWS = ["3,CC,z,3,2010-12-03 10:00:00,3.5,9,UK"]


def snapshot(wh: Path) -> tuple[str | None, str | None, list[str]]:
    """(current version, sha256 of its bytes, every entry of the folder): equal means untouched."""
    target = connection.current_file(wh)
    digest = hashlib.sha256(target.read_bytes()).hexdigest() if target else None
    names = sorted(p.name for p in wh.parent.iterdir()) if wh.parent.exists() else []
    return (target.name if target else None, digest, names)


def one_error_line(err: str) -> str:
    """The one line a failed command printed to stderr (JSON log lines aside); no traceback."""
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("{")]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture(autouse=True)
def no_stale_log_handler() -> Iterator[None]:
    """An in-process ``main`` points the JSON log handler at that test's stderr, which pytest
    closes afterwards; each test starts without it (``main`` sets up its own)."""
    logger = logging.getLogger("segmenta")
    saved = logger.handlers[:]
    logger.handlers[:] = []
    yield
    logger.handlers[:] = saved


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    """A warehouse with one load, in a folder of its own."""
    path = tmp_path / "wh" / "wh.duckdb"
    ingest(path, [write_csv(tmp_path / "a.csv", csv_text(ROWS))])
    return path


@pytest.fixture
def new_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "b.csv", csv_text(NEW_ROWS))


def ingest_fails(wh: Path, src: Path, capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """Run ``segmenta ingest SRC``: exit 2, one line naming the failure, the warehouse untouched."""
    before = snapshot(wh)
    assert main(["ingest", str(src), "--warehouse", str(wh)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("segmenta ingest: error: ")
    for words in expected:
        assert words in line
    assert snapshot(wh) == before  # same version, same bytes, no leftover file or folder
    return line


# --- the failure points of an ingest, each raising what the real failure raises there ----------


def test_lock_file_not_writable(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @contextlib.contextmanager
    def read_only_lock(path: Path, timeout_s: float = 0) -> Iterator[None]:
        raise OSError(errno.EROFS, "Read-only file system", str(path) + ".lock")
        yield

    monkeypatch.setattr(connection, "writer_lock", read_only_lock)
    line = ingest_fails(wh, new_file, capsys, "Read-only file system while writing", ".lock")
    assert str(new_file) not in line


def test_work_folder_cannot_be_made(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_permission(prefix: str, dir: Path) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(Path(dir) / prefix))

    monkeypatch.setattr(workdirs.tempfile, "mkdtemp", no_permission)
    line = ingest_fails(wh, new_file, capsys, "Permission denied while writing", ".wh.duckdb.new-")
    assert "Let this user create and write files in" in line


def test_transcoded_copy_meets_a_full_disk(
    wh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cp1252 export is copied as UTF-8 into the work folder: a full disk there is the output's."""
    src = write_csv(
        tmp_path / "c.csv", csv_text(["4,DD,caf\xe9,1,2010-12-01 08:00:00,1,7,UK"]), "cp1252"
    )
    real = read.transcode_to_utf8

    def full(path: Path, encoding: str, directory: Path, *, cr_to_lf: bool = False) -> Path:
        out = real(path, encoding, directory, cr_to_lf=cr_to_lf)
        raise OSError(errno.ENOSPC, "No space left on device", str(out))

    monkeypatch.setattr(read, "transcode_to_utf8", full)
    line = ingest_fails(wh, src, capsys, "No space left on device while writing", ".utf8.csv")
    assert f"{src}:" not in line  # never blamed on the input


def test_staged_parquet_meets_a_full_disk(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Polars' streaming sink words it so (measured on a full tmpfs); it used to blame the input."""

    def full(*_args: object, **_kwargs: object) -> None:
        raise pl.exceptions.ComputeError(
            "parquet: File out of specification: underlying IO error: "
            "No space left on device (os error 28)"
        )

    monkeypatch.setattr(load.pl, "collect_all", full)
    line = ingest_fails(wh, new_file, capsys, "No space left on device while writing", "accepted-")
    assert "could not be read" not in line
    assert f"{new_file}:" not in line
    assert "this write had" in line
    assert "MB there and needed more" in line


@pytest.mark.parametrize(
    ("sql_file", "error"),
    [
        # the words DuckDB 2.0 uses on a full tmpfs, at each of these moments
        ("etl/insert_facts.sql", duckdb.IOException),
        ("etl/insert_rejected.sql", duckdb.TransactionException),
        ("etl/refresh_customers.sql", duckdb.PermissionException),
    ],
)
def test_duckdb_write_fails(
    sql_file: str,
    error: type[Exception],
    wh: Path,
    new_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = DuckDBEngine.execute
    version = wh.with_name(f".wh.duckdb.v{2:06d}")

    def failing(self: DuckDBEngine, name: str, params: dict[str, object] | None = None) -> None:
        if name == sql_file:
            words = (
                "Permission denied"
                if error is duckdb.PermissionException
                else "No space left on device"
            )
            raise error(f'IO Error: Could not write file "{version}.wal": {words}')
        real(self, name, params)

    monkeypatch.setattr(DuckDBEngine, "execute", failing)
    expected = "Permission denied" if error is duckdb.PermissionException else "No space left"
    ingest_fails(wh, new_file, capsys, f"{expected}", f"{version}.wal")


class CheckpointFails:
    """A DuckDB connection whose CHECKPOINT fails as it does on a full disk (FatalException)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, database: str) -> None:
        self._con, self._database = con, database

    def execute(self, sql: str, *args: object) -> object:
        if sql.strip().upper() == "CHECKPOINT":
            raise duckdb.FatalException(
                "FATAL Error: Failed to create checkpoint because of error: Could not write "
                f'file "{self._database}": No space left on device'
            )
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def test_checkpoint_meets_a_full_disk(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = duckdb.connect

    def connect(database: str, *args: object, **kwargs: object) -> object:
        return CheckpointFails(real(database, *args, **kwargs), database)

    monkeypatch.setattr(connection.duckdb, "connect", connect)
    ingest_fails(wh, new_file, capsys, "No space left on device while writing", ".wh.duckdb.v")


def test_the_swap_meets_a_full_disk(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new link is a file too: on a full disk it cannot be made."""

    def full(self: Path, target: str | Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "symlink_to", full)
    ingest_fails(wh, new_file, capsys, "No space left on device while writing", ".link-")


def test_python_runs_out_of_memory(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(load, "refresh_customers", no_memory)
    ingest_fails(wh, new_file, capsys, "Out of memory", "SEGMENTA_MEMORY_LIMIT")


def test_an_unreadable_input_is_the_input_s_error(
    wh: Path, new_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading the input is the other side: the message names the input, not the warehouse."""

    def denied(path: Path) -> read.ByteScan:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(read, "scan_bytes", denied)
    line = ingest_fails(wh, new_file, capsys, f"{new_file}: cannot be read: Permission denied")
    assert "while writing" not in line


# --- real failures: DuckDB's memory limit, a file-size limit, a small disk -------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_data(tmp_path_factory.mktemp("demo"), n_customers=200, seed=3).invoices


def test_duckdb_out_of_memory_in_an_ingest_and_a_model_run(
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real OutOfMemoryException (SEGMENTA_MEMORY_LIMIT far too small for the work)."""
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [demo])
    before = snapshot(wh)
    monkeypatch.setenv("SEGMENTA_MEMORY_LIMIT", "4MB")
    for command in (["ingest", str(demo)], ["model", "--k", "3"]):
        assert main([*command, "--warehouse", str(wh)]) == 2
        line = one_error_line(capsys.readouterr().err)
        assert line.startswith(f"segmenta {command[0]}: error: Out of memory (DuckDB used ")
        assert "SEGMENTA_MEMORY_LIMIT, now 4MB" in line
        assert snapshot(wh) == before


#: the child: no SIGXFSZ (so writes past the limit fail with EFBIG), then the command line
FSIZE_CHILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from segmenta.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_limited(limit: int, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-c", FSIZE_CHILD, str(limit), *command],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("limit", "where"),
    [
        (1_000, ".wh.duckdb.v000001"),  # the new version's first page
        (60_000, "accepted-"),  # the staged Parquet in the work folder
        (600_000, ".wh.duckdb.v000001"),  # DuckDB's WAL or its pages
    ],
)
def test_a_file_size_limit_at_each_write(
    limit: int, where: str, demo: Path, tmp_path: Path
) -> None:
    """RLIMIT_FSIZE (EFBIG, for real): the first load stops at the size given, every time cleanly."""
    wh = tmp_path / "wh.duckdb"
    done = run_limited(limit, "ingest", str(demo), "--warehouse", str(wh))
    assert done.returncode == 2, done.stderr[-2000:]
    line = one_error_line(done.stderr)
    assert "File too large (a file-size limit was reached) while writing" in line
    assert where in line
    assert f"{demo}:" not in line
    assert "ulimit -f" in line
    assert connection.current_file(wh) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb.lock"]


@pytest.mark.slow
def test_a_file_size_limit_while_copying_the_warehouse(demo: Path, wh: Path) -> None:
    before = snapshot(wh)
    done = run_limited(1_000, "ingest", str(demo), "--warehouse", str(wh))
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert "File too large" in line
    assert "while writing" in line
    assert ".wh.duckdb.v000002 (" in line  # the copy, not its source (shutil names both)
    assert snapshot(wh) == before


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``folder`` (skips where mount is not permitted; fails under CI,
    which runs as root on a machine that permits it)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        check=False,
        capture_output=True,
    )
    if mounted.returncode != 0:
        skip_or_fail(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.slow
def test_a_full_disk_at_every_size(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real full disk: a second load into a disk with 0.1 .. 64 MB left fails cleanly or loads.

    Before, the same sweep ended in a DuckDB traceback with exit 1 for some sizes and in an
    error blaming the input file for others.
    """
    with small_disk(tmp_path / "disk", "128m") as disk:
        wh = disk / "wh.duckdb"
        second = write_demo_data(tmp_path / "second", n_customers=1500, seed=4).invoices
        ingest(wh, [demo])
        ballast = disk / "ballast"
        outcomes = []
        for free_mb in (0.1, 0.5, 2, 5, 10, 16, 24, 40, 64):
            ballast.unlink(missing_ok=True)
            fill = int(os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - free_mb * 1e6)
            with ballast.open("wb") as handle:
                handle.truncate(0)
                handle.write(b"\0" * max(fill, 0))
            before = snapshot(wh)
            code = main(["ingest", str(second), "--warehouse", str(wh)])
            err = capsys.readouterr().err
            outcomes.append(code)
            if code == 2:
                line = one_error_line(err)
                assert "No space left on device while writing" in line, line
                assert f"{second}:" not in line
                assert snapshot(wh) == before
                assert not workdirs.stale_work_folders(wh)
            else:
                assert code == 0
                break
    assert outcomes[0] == 2, outcomes
    assert outcomes[-1] == 0, outcomes


# --- work folders left by killed runs ---------------------------------------------------------


def killed_run_folder(wh: Path, megabytes: float = 1.0) -> Path:
    """The work folder of a run killed with SIGKILL: its owner is gone, so no lock on it."""
    folder = wh.with_name(f".{wh.name}.load-999999-abcdefgh")
    folder.mkdir()
    (folder / "accepted-0123456789ab.parquet").write_bytes(b"\0" * int(megabytes * 1e6))
    return folder


def test_the_next_ingest_removes_a_killed_run_s_work_folder_and_doctor_reported_it(
    wh: Path, new_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = killed_run_folder(wh, 2.5)
    check = leftover_check(wh)
    assert check.warning
    assert not check.ok
    assert str(stale) in check.detail
    assert "2.5 MB" in check.detail
    assert "work folder of a killed run" in check.detail
    assert main(["doctor", "--warehouse", str(wh)]) == 0  # a leftover wastes disk, no more
    assert "[warn] leftovers: 1 left by killed runs" in capsys.readouterr().out
    ingest(wh, [new_file])
    assert not stale.exists()
    assert leftover_check(wh).ok


def test_a_live_run_s_work_folder_is_never_removed_nor_reported(wh: Path, new_file: Path) -> None:
    with read.new_workdir(wh) as live:
        assert live.name.startswith(f".wh.duckdb.load-{os.getpid()}-")
        (live / "staged.parquet").write_bytes(b"x")
        assert workdirs.remove_stale_work_folders(wh) == []
        assert leftover_check(wh).ok
        ingest(wh, [new_file])  # another run in the meantime
        assert (live / "staged.parquet").exists()
    assert not live.exists()  # removed by its own run at the end


def test_a_folder_being_made_is_left_alone(wh: Path) -> None:
    """Between mkdtemp and flock a folder is unlocked: it carries a ``.new-`` name until locked."""
    making = wh.with_name(f".{wh.name}.new-{os.getpid()}-xyz")
    making.mkdir()
    assert workdirs.stale_work_folders(wh) == []
    os.utime(making, (0, 0))  # a minute later its maker is surely gone
    assert workdirs.stale_work_folders(wh) == [making]


def test_leftover_versions_spill_and_links_of_a_killed_writer(wh: Path) -> None:
    current = connection.current_file(wh)
    assert current is not None
    unused = wh.with_name(".wh.duckdb.v000007")
    unused.write_bytes(current.read_bytes())
    spill = wh.with_name(".wh.duckdb.spill")
    spill.mkdir()
    (spill / "block").write_bytes(b"\0" * 1000)
    check = leftover_check(wh)
    assert "unused warehouse version" in check.detail
    assert str(unused) in check.detail
    assert str(spill) in check.detail
    with connection.write_transaction(wh):  # the next writer removes them
        pass
    assert not unused.exists()
    assert not spill.exists()
    assert leftover_check(wh).ok


def test_every_classified_failure_names_its_kind() -> None:
    """The words DuckDB and Polars use map to the errno they stand for; other errors do not."""
    cases: list[tuple[BaseException, str | None]] = [
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "space"),
        (duckdb.IOException('Could not write file "/x": Read-only file system'), "permission"),
        (pl.exceptions.ComputeError("underlying IO error (os error 13)"), "permission"),
        (duckdb.OutOfMemoryException("could not allocate (3.7 MiB/3.8 MiB used)"), "memory"),
        (duckdb.ConversionException("Could not convert string 'x' to INT32"), None),
        (ValueError("No space left on device"), None),  # not an I/O error type: not ours
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), None),
    ]
    for exc, kind in cases:
        assert getattr(classify(exc), "kind", None) == kind, exc
