"""Time `run_model` on a warehouse: wall time per run and the process's peak RSS.

    python bench/bench_model.py /tmp/models_real.duckdb [--repeat 3] [--k auto] [--algorithm kmeans]

Runs on a copy of the warehouse (the original is left as it was), so it can be repeated.
Peak RSS is the whole process's high-water mark (ru_maxrss), imports included.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from segmenta.models.run import run_model
from segmenta.warehouse.connection import current_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--k", default="auto")
    parser.add_argument("--algorithm", default="kmeans", choices=["kmeans", "gmm"])
    parser.add_argument("--horizon", type=int, default=90)
    args = parser.parse_args(argv)
    source = current_file(args.warehouse)
    if source is None:
        print(f"{args.warehouse}: no warehouse", file=sys.stderr)
        return 2
    k = None if args.k == "auto" else int(args.k)
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-model-") as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(source, copy)
        for i in range(args.repeat):
            started = time.perf_counter()
            summary = run_model(copy, k=k, algorithm=args.algorithm, horizon_days=args.horizon)
            times.append(time.perf_counter() - started)
            print(
                f"run {i + 1}: {times[-1]:.2f} s  ({summary.metrics['n_customers']:,} customers, "
                f"k = {summary.metrics['n_segments']}, silhouette {summary.metrics['silhouette']:.3f}, "
                f"churn AUC {summary.metrics.get('churn_auc', float('nan')):.3f})"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"run_model on {args.warehouse}: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s over {len(times)} runs; peak RSS {peak_mb:,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
