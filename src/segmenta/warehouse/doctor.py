"""``segmenta doctor``: check the installation and the warehouse's integrity, say what is wrong."""

from __future__ import annotations

import importlib.metadata
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segmenta.warehouse.connection import WarehouseMissingError, current_file, open_read_only
from segmenta.warehouse.schema import VIEW_ORDER, read_sql, table_names
from segmenta.warehouse.workdirs import leftovers

PACKAGES = ("polars", "duckdb", "pyarrow", "scikit-learn", "skops", "dash", "plotly", "faker")
#: integrity checks, each a SQL file returning (ok, detail)
SQL_CHECKS = (
    "row_accounting",
    "invoice_loads",
    "fact_keys",
    "amounts",
    "aggregates",
    "display_names",
    "latest_run",
)


@dataclass
class Check:
    """One finding of ``segmenta doctor``: ok, a failure, or a warning that is not a failure."""

    name: str
    ok: bool
    detail: str
    warning: bool = False  # a finding that does not make the warehouse wrong

    def line(self) -> str:
        """The finding as one report line: ``[ok  ] name: detail``, ``[FAIL]`` or ``[warn]``."""
        mark = "ok  " if self.ok else ("warn" if self.warning else "FAIL")
        return f"[{mark}] {self.name}: {self.detail}"


def installation_checks() -> list[Check]:
    """Python's version, the versions of the packages segmenta needs, and Chromium (a warning)."""
    checks = [Check("python", sys.version_info >= (3, 11), sys.version.split()[0])]
    for name in PACKAGES:
        try:
            checks.append(Check(name, True, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(name, False, "not installed (pip install -e .)"))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    checks.append(
        Check(
            "chromium",
            chromium is not None,
            chromium or "not found: only the browser tests need it",
            warning=True,
        )
    )
    return checks


def warehouse_checks(path: Path) -> list[Check]:
    """The warehouse opens, every relation exists, and each SQL integrity check passes."""
    target = current_file(path)
    if target is None:
        return [
            Check("warehouse", False, f"{path}: not found (segmenta ingest FILE or segmenta demo)")
        ]
    try:
        con = open_read_only(path)
    except (duckdb.Error, WarehouseMissingError) as exc:
        return [Check("warehouse", False, f"{target} does not open: {exc}")]
    checks = [
        Check("warehouse", True, f"{path} -> {target.name} ({target.stat().st_size / 1e6:.1f} MB)")
    ]
    try:
        present = {r[0] for r in con.execute(read_sql("doctor/relations.sql")).fetchall()}
        missing = sorted((set(table_names()) | set(VIEW_ORDER)) - present)
        checks.append(
            Check(
                "schema",
                not missing,
                "all tables and views present" if not missing else f"missing: {', '.join(missing)}",
            )
        )
        if missing:
            return checks
        for name in SQL_CHECKS:
            ok, detail = con.execute(read_sql(f"doctor/{name}.sql")).fetchall()[0]
            checks.append(
                Check(name.replace("_", " "), bool(ok), detail, warning=name == "latest_run")
            )
    finally:
        con.close()
    return checks


def leftover_check(path: Path) -> Check:
    """Work folders, versions and spill files killed runs left beside the warehouse (a warning:
    they waste disk, they do not make the warehouse wrong; the next write removes them)."""
    found = leftovers(path, current_file(path))
    if not found:
        return Check("leftovers", True, "no files left by killed runs")
    total = sum(f.size for f in found) / 1e6
    return Check(
        "leftovers",
        False,
        f"{len(found)} left by killed runs ({total:,.1f} MB): "
        + "; ".join(f.describe() for f in found)
        + ". The next segmenta ingest or model removes them, or delete them by hand",
        warning=True,
    )


def run_doctor(path: Path) -> tuple[str, bool]:
    """The report, and whether everything that matters is fine."""
    checks = [*installation_checks(), *warehouse_checks(path), leftover_check(Path(path))]
    healthy = all(c.ok or c.warning for c in checks)
    lines = [c.line() for c in checks]
    lines.append("healthy" if healthy else "problems found: see FAIL lines above")
    return "\n".join(lines), healthy
