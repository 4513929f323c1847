"""Killing a writer (SIGKILL) leaves a warehouse that opens and holds either the previous
complete state or the new complete state, and the next writer proceeds.

Deterministic: the writer runs in a child process that sets a swap hook
(:func:`segmenta.warehouse.connection.set_swap_hook`) which writes a ready file and then waits;
the parent kills it when the file appears, so the kill lands exactly before the link moves
(the previous state must remain) or exactly after (the new state must be there).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from segmenta.demo import write_demo_data
from segmenta.etl.load import ingest
from segmenta.models.run import run_model
from segmenta.warehouse.doctor import leftover_check

pytestmark = pytest.mark.slow

#: the child: stop the writer at the swap moment argv[1], say so in the file argv[2], and wait
#: to be killed; argv[3:] is the segmenta command line
CHILD = """
import sys, time
from pathlib import Path
from segmenta.cli import main
from segmenta.warehouse import connection

moment, ready = sys.argv[1], Path(sys.argv[2])

def wait_to_be_killed(path):
    ready.write_text(str(path))
    while True:
        time.sleep(60)

connection.set_swap_hook(moment, wait_to_be_killed)
sys.exit(main(sys.argv[3:]))
"""
#: how long the child may take to reach the swap at most (a hang guard, not a timing bet)
REACH_SWAP_S = 300


def kill_at_swap(moment: str, ready: Path, command: list[str]) -> None:
    """Run ``segmenta COMMAND`` until it reaches ``moment`` of the swap, then SIGKILL it."""
    log = ready.with_suffix(".stderr")
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, moment, str(ready), *command],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + REACH_SWAP_S
            while not ready.exists():
                if proc.poll() is not None:
                    pytest.fail(f"the writer ended before the swap: {log.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(f"the writer did not reach the swap in {REACH_SWAP_S} s")
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL


def state(path: Path) -> tuple[int, int, int]:
    """(invoice lines, loads, model runs); opening it proves the file is not broken."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM fact_invoice_line), (SELECT count(*) FROM load_log),"
            " (SELECT count(*) FROM model_run)"
        ).fetchall()[0]
    finally:
        con.close()


def versions(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.glob(f".{path.name}.v*"))


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Two invoice files (different customers) and the first one's customer table."""
    base = tmp_path_factory.mktemp("crash-data")
    first = write_demo_data(base / "a", n_customers=300, seed=1)
    second = write_demo_data(base / "b", n_customers=400, seed=2)
    return first.invoices, first.customers, second.invoices


@pytest.mark.parametrize("moment", ["before_swap", "after_swap"])
def test_sigkill_at_the_swap_of_an_ingest(
    moment: str, demo_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    first, _customers, second = demo_files
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [first])
    before = state(wh)
    kill_at_swap(moment, tmp_path / "ready", ["ingest", str(second), "--warehouse", str(wh)])
    now = state(wh)
    if moment == "before_swap":
        assert now == before
        assert len(versions(wh)) == 2  # the killed writer's complete, unused version
    else:
        assert now[1] == before[1] + 1
        assert now[0] > before[0]
    # the killed run's work folder (its staged copy of the input) is left, and doctor says so
    (left,) = wh.parent.glob(f".{wh.name}.load-*")
    assert any(left.iterdir())
    check = leftover_check(wh)
    assert check.warning
    assert f"{left} (work folder of a killed run" in check.detail
    if moment == "before_swap":
        assert "unused warehouse version" in check.detail
    # the next writer is not blocked by what the killed one left behind, and cleans it up
    report = ingest(wh, [second])
    after = state(wh)
    assert after[1] == before[1] + 1
    assert (report.results[0].skipped_reason is None) == (moment == "before_swap")
    assert len(versions(wh)) <= 2
    assert not left.exists()
    assert leftover_check(wh).ok


@pytest.mark.parametrize("moment", ["before_swap", "after_swap"])
def test_sigkill_at_the_swap_of_a_model_run(
    moment: str, demo_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    first, customers, _second = demo_files
    wh = tmp_path / "wh.duckdb"
    ingest(wh, [first], customer_file=customers)
    before = state(wh)
    kill_at_swap(moment, tmp_path / "ready", ["model", "--k", "3", "--warehouse", str(wh)])
    now = state(wh)
    expected_runs = before[2] + (moment == "after_swap")
    assert now == (before[0], before[1], expected_runs)
    if moment == "before_swap":  # the killed run's complete, unused version
        assert "unused warehouse version" in leftover_check(wh).detail
    run_model(wh, k=3)  # the next run is not blocked by what the killed one left
    assert state(wh)[2] == expected_runs + 1
    assert len(versions(wh)) <= 2
    assert leftover_check(wh).ok
