"""``segmenta status``: what is loaded and modelled, in a few lines."""

from __future__ import annotations

from pathlib import Path

from segmenta.warehouse.connection import open_read_only
from segmenta.warehouse.schema import read_sql


def describe_status(path: Path) -> str:
    """The lines of ``segmenta status``: loads, facts, customers, the latest run, recent loads."""
    con = open_read_only(path)
    try:
        s = con.execute(read_sql("status/summary.sql")).fetchall()[0]
        lines = [
            f"warehouse: {Path(path).resolve()} ({Path(path).stat().st_size / 1e6:.1f} MB)",
            f"loads: {s[0]:,} files; rows in {s[1]:,} = loaded {s[2]:,} + rejected {s[3]:,}",
            f"facts: {s[4]:,} invoice lines, {s[5]:,} invoices, {s[6]} to {s[7]}",
            f"customers: {s[8]:,} known ({s[9]:,} excluded from analytics), "
            f"{s[10]:,} products, {s[11]:,} countries",
            f"customer analytics: {s[12]:,} lines of {s[13]:,} customers",
        ]
        runs = con.execute(read_sql("status/latest_run.sql")).fetchall()
        run = runs[0] if runs else None
        if run is None:
            lines.append("models: none yet (run `segmenta model`)")
        else:
            lines.append(
                f"latest model run: {run[0]} ({run[1]}) at {run[2]:%Y-%m-%d %H:%M} UTC, "
                f"{run[3]:,} customers in {run[4]} segments"
            )
        recent = con.execute(read_sql("status/recent_loads.sql")).fetchall()
        if recent:
            lines.append("recent loads:")
            lines += [
                f"  #{r[0]} {r[1]} ({r[2]}, {r[3]}): {r[4]:,} in, {r[5]:,} loaded, {r[6]:,} rejected"
                for r in recent
            ]
        return "\n".join(lines)
    finally:
        con.close()
