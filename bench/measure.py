"""Run one command in a child process and report its wall time and peak memory (RSS).

Used by the benchmark scripts so that every step, ours and the pandas peer's, is measured
the same way: a fresh interpreter, wall clock around it, ``ru_maxrss`` of the child.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_CHILD = """
import resource, runpy, sys, time
t0 = time.perf_counter()
sys.argv = {argv!r}
try:
    runpy.run_module({module!r}, run_name="__main__") if {is_module!r} else runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
print("@@MEASURE@@", time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


@dataclass
class Measurement:
    label: str
    seconds: float
    peak_rss_mb: float
    inner_seconds: float


def measure(
    label: str, argv: list[str], module: str | None = None, env: dict[str, str] | None = None
) -> Measurement:
    """Run ``module`` (as ``python -m``) or the script ``argv[0]`` with ``argv`` in a child."""
    code = _CHILD.format(argv=argv, module=module, is_module=module is not None)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{proc.stdout}\n{proc.stderr}")
    line = [x for x in proc.stderr.splitlines() if x.startswith("@@MEASURE@@")][-1].split()
    return Measurement(label, wall, int(line[2]) / 1024, float(line[1]))


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def write_report(rows: list[dict], out: Path, title: str) -> str:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(rows, indent=2))
    keys = list(rows[0]) if rows else []
    md = [f"# {title}", "", "| " + " | ".join(keys) + " |", "|" + " --- |" * len(keys)]
    for r in rows:
        md.append(
            "| "
            + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in r.values())
            + " |"
        )
    text = "\n".join(md) + "\n"
    out.with_suffix(".md").write_text(text)
    return text


__all__ = ["Measurement", "asdict", "measure", "write_report"]
