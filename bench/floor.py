"""The physical floor of an ingest on this machine, next to the pandas peer on the same file.

    python bench/floor.py [--scale 10] [--repeat 3]

Each part that every design of the job must pay runs alone in a fresh process, best of
--repeat, timed inside the process after its imports (the imports are their own row):

* ``start``: starting Python and importing Polars and DuckDB;
* ``read``: reading the input file into memory once (Polars);
* ``rules``: the cleaning rules alone, accepted and rejected rows collected in memory;
* ``fact write``: DuckDB writing the accepted lines as the 15 columns of fact_invoice_line
  (constant keys, no lookups), from a staged Parquet file;
* ``bare DuckDB star``: the fastest design we could write for a lower bound: DuckDB alone reads
  the file, makes the three dimensions and the facts with their key lookups in SQL, with no
  rejected rows, no duplicate flags, no customer refresh and no pre-aggregates.

The report compares ``start + rules + fact write`` and the bare DuckDB star with one fifth of
the peer's best time (the issue's "5x the peer"), and the full ``segmenta ingest``.
Reports: bench/results/floor.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import measure

ROOT = Path(__file__).resolve().parents[1]

FACT_WRITE = """
CREATE TABLE fact AS
SELECT
    source_row + 1000 AS line_id, 1 AS load_id, source_row, invoice_no, invoice_ts, date_key,
    5 AS customer_key, 7 AS product_key, 3 AS country_key, quantity, unit_price,
    quantity * unit_price AS amount, is_return, is_cancellation, false AS is_duplicate
FROM read_parquet(?)
"""

BARE_STAR = """
CREATE TABLE dim_product AS
    SELECT row_number() OVER () AS product_key, stock_code
    FROM (SELECT DISTINCT upper(trim(StockCode)) AS stock_code FROM src);
CREATE TABLE dim_customer AS
    SELECT row_number() OVER () AS customer_key, customer_id
    FROM (SELECT DISTINCT CAST(CAST(CustomerID AS BIGINT) AS VARCHAR) AS customer_id FROM src);
CREATE TABLE dim_country AS
    SELECT row_number() OVER () AS country_key, country
    FROM (SELECT DISTINCT trim(Country) AS country FROM src);
CREATE TABLE fact AS
SELECT l.source_row + 1000 AS line_id, 1 AS load_id, l.source_row,
       upper(trim(l.InvoiceNo)) AS invoice_no, l.InvoiceDate AS invoice_ts,
       CAST(strftime(l.InvoiceDate, '%Y%m%d') AS INTEGER) AS date_key,
       coalesce(c.customer_key, 0) AS customer_key, p.product_key,
       coalesce(k.country_key, 0) AS country_key, l.Quantity AS quantity,
       l.UnitPrice AS unit_price, l.Quantity * l.UnitPrice AS amount,
       l.Quantity < 0 AS is_return, starts_with(upper(trim(l.InvoiceNo)), 'C') AS is_cancellation,
       false AS is_duplicate
FROM src l
JOIN dim_product p ON p.stock_code = upper(trim(l.StockCode))
LEFT JOIN dim_customer c ON c.customer_id = CAST(CAST(l.CustomerID AS BIGINT) AS VARCHAR)
LEFT JOIN dim_country k ON k.country = trim(l.Country)
WHERE l.UnitPrice > 0 AND trim(l.Country) <> 'Unspecified'
  AND upper(trim(l.StockCode)) NOT IN ('AMAZONFEE', 'B', 'BANK CHARGES', 'M', 'S');
"""


def run_step(step: str, src: Path, work: Path) -> float:
    """One part, in this process; returns its seconds after the imports."""
    import duckdb
    import polars as pl

    if step == "start":
        return 0.0
    if step == "read":
        t0 = time.perf_counter()
        pl.read_parquet(src)
        return time.perf_counter() - t0
    if step == "rules":
        from segmenta.etl.clean import plan_invoices
        from segmenta.etl.load import _looks_like_invoices
        from segmenta.etl.read import read_table

        t0 = time.perf_counter()
        plan = plan_invoices(read_table(src, work, _looks_like_invoices))
        pl.collect_all([plan.accepted, plan.rejected], engine="streaming")
        return time.perf_counter() - t0
    db = work / f"{step.replace(' ', '_')}.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db), config={"preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")
    t0 = time.perf_counter()
    if step == "fact write":
        staged = work / "staged.parquet"
        con.execute(FACT_WRITE, [str(staged)])
    elif step == "bare DuckDB star":
        con.read_parquet(str(src), file_row_number=True).select(
            "file_row_number AS source_row, *"
        ).create_view("src")
        con.execute(BARE_STAR)
    else:
        raise SystemExit(f"unknown step {step!r}")
    con.close()
    return time.perf_counter() - t0


def stage(src: Path, work: Path) -> None:
    """The accepted lines of ``src`` as our ingest stages them, for the fact write step."""
    from segmenta.etl.load import _looks_like_invoices, stage_invoices
    from segmenta.etl.read import read_table
    from segmenta.etl.rules import DEFAULT_RULES

    staged = stage_invoices(read_table(src, work, _looks_like_invoices), DEFAULT_RULES, work)
    staged.accepted.replace(work / "staged.parquet")


def timed_child(step: str, src: Path, work: Path) -> tuple[float, float]:
    """(wall seconds of the whole child, seconds of the step after its imports)."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--src", str(src), "--work", str(work)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return time.perf_counter() - t0, json.loads(out.splitlines()[-1])["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/segmenta-bench"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "floor")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps({"seconds": run_step(args.step, args.src, args.work)}))
        return

    from run_all import scaled

    args.work.mkdir(parents=True, exist_ok=True)
    src = scaled(args.shared, args.scale, args.work)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        stage(src, work)
        rows = []
        for step in ("start", "read", "rules", "fact write", "bare DuckDB star"):
            runs = [timed_child(step, src, work) for _ in range(args.repeat)]
            wall = min(r[0] for r in runs)
            inner = min(r[1] for r in runs)
            rows.append({"part": step, "seconds": round(wall if step == "start" else inner, 2)})
            print(rows[-1], flush=True)
        ours = min(
            measure(
                "ingest",
                ["segmenta", "ingest", str(src), "--warehouse", str(work / f"ours{i}.duckdb")],
                module="segmenta",
            ).seconds
            for i in range(args.repeat)
        )
        peer = min(
            measure(
                "peer",
                [
                    str(args.shared / "bench" / "pandas_peer.py"),
                    str(src),
                    str(work / f"peer{i}.duckdb"),
                ],
            ).seconds
            for i in range(args.repeat)
        )
    part = {r["part"]: r["seconds"] for r in rows}
    floor = part["start"] + part["rules"] + part["fact write"]
    bare = part["start"] + part["bare DuckDB star"]
    rows += [
        {"part": "floor: start + rules + fact write", "seconds": round(floor, 2)},
        {"part": "bare DuckDB star, with start", "seconds": round(bare, 2)},
        {"part": "segmenta ingest (whole command)", "seconds": round(ours, 2)},
        {"part": "pandas peer (whole script)", "seconds": round(peer, 2)},
        {"part": "5x the peer: one fifth of its time", "seconds": round(peer / 5, 2)},
    ]
    for r in rows[-5:]:
        print(r)
    report = {
        "scale": args.scale,
        "best_of": args.repeat,
        "parts": rows,
        "peer_over_floor": round(peer / floor, 2),
        "peer_over_bare_star": round(peer / bare, 2),
        "peer_over_ingest": round(peer / ours, 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2))
    md = [
        f"# Ingest floor at {args.scale}x (best of {args.repeat}, each part in a fresh process)",
        "",
        "| part | seconds |",
        "| --- | ---: |",
        *[f"| {r['part']} | {r['seconds']:.2f} |" for r in rows],
        "",
        f"The peer takes {report['peer_over_floor']}x the floor, "
        f"{report['peer_over_bare_star']}x the bare DuckDB star and "
        f"{report['peer_over_ingest']}x `segmenta ingest`.",
    ]
    args.out.with_suffix(".md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
