"""The whole benchmark suite in one command; writes bench/results/report.{md,json}.

    python bench/run_all.py                      # scales 1, 10, 100 (about 15 minutes)
    python bench/run_all.py --scales 1 10        # quicker

For each scale N it makes the N-times copy of ../shared/data/online_retail.parquet with
../shared/bench/scale_up.py and, each in a fresh process (wall time, peak RSS):
  * `segmenta ingest` of that file, and of the same volume made by `segmenta generate`;
  * the pandas peer (../shared/bench/pandas_peer.py) on the same file at 1x and 10x; at 100x
    the peer's time and memory are projected linearly from 1x and 10x instead of running it
    out of memory;
  * `segmenta model` on the ingested warehouse;
  * every dashboard callback's p50/p95 (bench/bench_dashboard.py);
and, on the largest warehouse, an incremental load of one new month of invoices; then, at
10x, the physical floor of an ingest next to the peer (bench/floor.py).
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from measure import Measurement, measure

ROOT = Path(__file__).resolve().parents[1]
REAL_LINES = 541_909
LINES_PER_DEMO_CUSTOMER = 60  # what segmenta generate makes on average


def scaled(shared: Path, scale: int, work: Path) -> Path:
    src = shared / "data" / "online_retail.parquet"
    if scale == 1:
        return src
    dst = work / f"retail_x{scale}.parquet"
    if not dst.exists():
        subprocess.run(
            [sys.executable, str(shared / "bench" / "scale_up.py"), str(src), str(scale), str(dst)],
            check=True,
            capture_output=True,
        )
    return dst


def new_month(shared: Path, work: Path) -> Path:
    """November 2011 of the real file as new invoices (new numbers and ids): ~1 month of lines."""
    dst = work / "new_month.parquet"
    if not dst.exists():
        (
            pl.scan_parquet(shared / "data" / "online_retail.parquet")
            .filter(pl.col("InvoiceDate").dt.month() == 11)
            .with_columns(
                (
                    pl.col("InvoiceNo").str.extract(r"^([A-Za-z]*)", 1)
                    + (
                        pl.col("InvoiceNo").str.extract(r"(\d+)$", 1).cast(pl.Int64) + 900_000_000
                    ).cast(pl.String)
                ).alias("InvoiceNo"),
                pl.col("InvoiceDate").dt.offset_by("1mo"),
            )
            .sink_parquet(dst)
        )
    return dst


def fresh(path: Path) -> Path:
    for p in path.parent.glob(f"*{path.name}*"):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    return path


def _as_row(label: str, m: Measurement) -> dict:
    return {"step": label, "seconds": round(m.seconds, 2), "peak_rss_mb": round(m.peak_rss_mb)}


def segmenta(label: str, *args: str) -> dict:
    return _as_row(label, measure(label, ["segmenta", *args], module="segmenta"))


def best_of(
    runs: int, label: str, argv: list[str], *, target: Path, module: str | None = None
) -> dict:
    """The fastest of ``runs`` runs (each into a fresh ``target``), with the highest peak RSS
    seen in any of them."""
    results = []
    for _ in range(runs):
        fresh(target)
        results.append(_as_row(label, measure(label, argv, module=module)))
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "peak_rss_mb": max(r["peak_rss_mb"] for r in results)}


def against_peer(
    args: argparse.Namespace, kind: str, scale: int, src: Path, wh: Path, peer: dict[int, dict]
) -> list[dict]:
    """`segmenta ingest` of ``src`` and the pandas peer on the same file, with their ratio.

    At 1x and 10x both run ``--repeat`` times (best kept, so one noisy run decides nothing);
    above 10x the peer is projected linearly from its 1x and 10x runs instead of being run out
    of memory.
    """
    lines = pl.scan_parquet(src).select(pl.len()).collect().item()
    runs = args.repeat if scale <= 10 else 1
    ours = best_of(
        runs,
        f"ingest {scale}x {kind}",
        ["segmenta", "ingest", str(src), "--warehouse", str(wh)],
        module="segmenta",
        target=wh,
    )
    if scale <= 10:
        dst = args.work / f"peer_{kind}_x{scale}.duckdb"
        script = str(args.shared / "bench" / "pandas_peer.py")
        peer[scale] = best_of(
            runs, f"pandas peer {scale}x {kind}", [script, str(src), str(dst)], target=dst
        )
        peer[scale]["lines"] = lines
    elif 1 in peer and 10 in peer:
        # per line, so that generated files of slightly different sizes project correctly
        per_line = {
            k: (peer[10][k] - peer[1][k]) / (peer[10]["lines"] - peer[1]["lines"])
            for k in ("seconds", "peak_rss_mb")
        }
        peer[scale] = {
            "step": f"pandas peer {scale}x {kind} (projected)",
            **{
                k: round(peer[1][k] + per_line[k] * (lines - peer[1]["lines"]), 1)
                for k in ("seconds", "peak_rss_mb")
            },
            "lines": lines,
        }
    out = [{**ours, "scale": scale, "lines": lines}]
    if scale in peer:
        out[0]["note"] = (
            f"peer / segmenta: {peer[scale]['seconds'] / ours['seconds']:.1f}x the time, "
            f"{peer[scale]['peak_rss_mb'] / ours['peak_rss_mb']:.1f}x the memory"
            + (f" (best of {runs})" if runs > 1 else "")
        )
        out.append({**peer[scale], "scale": scale})
    for row in out:
        print(row, flush=True)
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--work", type=Path, default=Path("/tmp/segmenta-bench"))
    parser.add_argument("--callback-repeat", type=int, default=5)
    parser.add_argument(
        "--repeat", type=int, default=3, help="ingest and peer runs at 1x and 10x (best is kept)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "report")
    return parser.parse_args()


def ingest_steps(
    args: argparse.Namespace, scale: int, src: Path, wh: Path, peers: dict[str, dict[int, dict]]
) -> list[dict]:
    """Ingest of the scaled UCI file and of as many generated lines, each beside the peer."""
    rows = against_peer(args, "UCI", scale, src, wh, peers["UCI"])
    gen_dir = args.work / f"gen_x{scale}"
    customers = REAL_LINES * scale // LINES_PER_DEMO_CUSTOMER
    if not (gen_dir / "invoices.parquet").exists():
        segmenta(
            f"generate {scale}x",
            "generate",
            "--customers",
            str(customers),
            "--out",
            str(gen_dir),
            "--format",
            "parquet",
        )
    rows += against_peer(
        args,
        "generated",
        scale,
        gen_dir / "invoices.parquet",
        args.work / f"gen_x{scale}.duckdb",
        peers["generated"],
    )
    return rows


def model_step(scale: int, wh: Path) -> dict:
    """`segmenta model` on the ingested warehouse, with the number of customers modelled."""
    r = segmenta(f"model {scale}x", "model", "--warehouse", str(wh))
    customers_n = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmenta",
            "sql",
            "SELECT count(*) FROM customer_360",
            "--format",
            "csv",
            "--warehouse",
            str(wh),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    row = {**r, "scale": scale, "customers": int(customers_n)}
    print(row, flush=True)
    return row


def dashboard_step(
    args: argparse.Namespace, scale: int, wh: Path, customers: int
) -> tuple[dict, str]:
    """Every callback's p50/p95 (bench/bench_dashboard.py): the step's row and its table."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_dashboard.py"),
            "--warehouse",
            str(wh),
            "--repeat",
            str(args.callback_repeat),
            "--label",
            f"{scale}x",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    table = out.stdout.strip() or out.stderr.strip()[-2000:]
    rss = re.search(r"Peak RSS of the app process over these callbacks: ([\d,]+) MB", out.stdout)
    row = {
        "step": f"dashboard {scale}x: every callback, 5 filter states",
        "seconds": round(time.perf_counter() - t0, 1),
        "peak_rss_mb": int(rss.group(1).replace(",", "")) if rss else None,
        "scale": scale,
        "customers": customers,
        "note": "p50/p95 per callback below",
    }
    print(row, flush=True)
    return row, table


def incremental_steps(args: argparse.Namespace) -> list[dict]:
    """One new month into the largest warehouse, and the same month into an empty one."""
    largest = max(args.scales)
    wh = args.work / f"x{largest}.duckdb"
    month = new_month(args.shared, args.work)
    month_lines = pl.scan_parquet(month).select(pl.len()).collect().item()
    r = segmenta(
        f"incremental: one month ({month_lines:,} lines) into {largest}x",
        "ingest",
        str(month),
        "--warehouse",
        str(wh),
    )
    rows = [{**r, "scale": largest, "lines": month_lines}]
    print(rows[-1], flush=True)
    fresh_month = fresh(args.work / "month_only.duckdb")
    r = segmenta(
        "the same month into an empty warehouse",
        "ingest",
        str(month),
        "--warehouse",
        str(fresh_month),
    )
    rows.append({**r, "scale": 0, "lines": month_lines})
    return rows


def floor_report(args: argparse.Namespace) -> str:
    """At 10x, the physical floor of an ingest next to the peer (bench/floor.py), as Markdown."""
    if 10 not in args.scales:
        return ""
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "floor.py"),
            "--scale",
            "10",
            "--repeat",
            str(args.repeat),
            "--work",
            str(args.work),
            "--shared",
            str(args.shared),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode == 0:
        return (ROOT / "bench" / "results" / "floor.md").read_text()
    return out.stderr[-2000:]


def write_report(
    out: Path, started: float, rows: list[dict], dashboards: dict[str, str], floor_md: str
) -> None:
    """bench/results/report.{json,md} (``out`` without suffix), and the Markdown printed."""
    machine = f"{platform.machine()}, {subprocess.run(['nproc'], capture_output=True, text=True, check=False).stdout.strip()} cores, Python {platform.python_version()}"
    report = {
        "machine": machine,
        "minutes": round((time.time() - started) / 60, 1),
        "steps": rows,
        "dashboard": dashboards,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2))
    md = [
        f"# Segmenta benchmark ({machine}; {report['minutes']} min)",
        "",
        "| step | lines / customers | seconds | peak RSS (MB) | note |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        size = (
            f"{r['lines']:,}"
            if r.get("lines")
            else (f"{r['customers']:,} customers" if r.get("customers") else "")
        )
        md.append(
            f"| {r['step']} | {size} | {r.get('seconds')} | {r.get('peak_rss_mb')} | {r.get('note', '')} |"
        )
    for _label, text in dashboards.items():
        md += ["", text]
    if floor_md:
        md += ["", floor_md]
    out.with_suffix(".md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


def main() -> None:
    args = parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    dashboards: dict[str, str] = {}
    peers: dict[str, dict[int, dict]] = {"UCI": {}, "generated": {}}
    started = time.time()
    for scale in args.scales:
        src = scaled(args.shared, scale, args.work)
        wh = args.work / f"x{scale}.duckdb"
        rows += ingest_steps(args, scale, src, wh, peers)
        rows.append(model_step(scale, wh))
        row, dashboards[f"{scale}x"] = dashboard_step(args, scale, wh, rows[-1]["customers"])
        rows.append(row)
    rows += incremental_steps(args)
    write_report(args.out, started, rows, dashboards, floor_report(args))


if __name__ == "__main__":
    main()
