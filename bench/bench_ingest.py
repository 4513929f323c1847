"""Benchmark: `segmenta ingest` against the pandas peer on the same input, side by side.

    python bench/bench_ingest.py [--shared ../shared] [--scales 1 10] [--repeat 3]

For each scale it makes the N-times file with ../shared/bench/scale_up.py (cached in
--workdir), then runs, each in a fresh process, our ingest into a new warehouse and the
pandas peer (../shared/bench/pandas_peer.py) on the same file, and reports the best wall time
of --repeat runs, peak RSS, and the ratios. Reports: bench/results/ingest.{md,json}.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import measure, write_report
from run_all import scaled

ROOT = Path(__file__).resolve().parents[1]


def best(label: str, repeat: int, run) -> tuple[float, float]:
    results = [run() for _ in range(repeat)]
    return min(r.seconds for r in results), max(r.peak_rss_mb for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/segmenta-bench"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in args.scales:
        src = scaled(args.shared, scale, args.workdir)

        def ours(scale: int = scale, src: Path = src) -> object:
            wh = args.workdir / f"ours_x{scale}.duckdb"
            for p in args.workdir.glob(f"*ours_x{scale}.duckdb*"):
                p.unlink()
            return measure(
                "segmenta ingest",
                ["segmenta", "ingest", str(src), "--warehouse", str(wh)],
                module="segmenta",
            )

        def peer(scale: int = scale, src: Path = src) -> object:
            dst = args.workdir / f"peer_x{scale}.duckdb"
            dst.unlink(missing_ok=True)
            return measure(
                "pandas peer", [str(args.shared / "bench" / "pandas_peer.py"), str(src), str(dst)]
            )

        o_s, o_mb = best("ours", args.repeat, ours)
        p_s, p_mb = best("peer", args.repeat, peer)
        rows.append(
            {
                "scale": f"{scale}x",
                "lines": "541,909" if scale == 1 else f"{541_909 * scale:,}",
                "segmenta_s": o_s,
                "segmenta_peak_mb": o_mb,
                "peer_s": p_s,
                "peer_peak_mb": p_mb,
                "speedup": p_s / o_s,
                "memory_ratio": o_mb / p_mb,
            }
        )
        print(rows[-1], flush=True)
    print(
        write_report(
            rows,
            args.out,
            f"Ingest: segmenta vs the pandas peer (best of {args.repeat}, fresh process each)",
        )
    )
    shutil.rmtree(args.workdir / "tmp", ignore_errors=True)


if __name__ == "__main__":
    main()
