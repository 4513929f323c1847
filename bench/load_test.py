"""Load test: N simulated users browse every page against gunicorn on loopback.

    python bench/load_test.py --warehouse /tmp/real.duckdb --users 50 --seconds 300

Starts `gunicorn segmenta.wsgi:server` on 127.0.0.1 (a free port; --workers), then runs
--users threads for --seconds: each user loads a page, fires the callbacks the page fires on
load (those driven by the filter store, with a random filter from a fixed list), thinks for a
moment, and moves on. Only loopback addresses are contacted; every loop is bounded by the
deadline. Prints and writes (bench/results/load.{md,json}) the request count, errors and
p50/p95/max latency per page load and per callback.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

from segmenta.testing.callbacks import CallbackClient, HttpTransport

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "/",
    "/customers",
    "/map",
    "/demographics",
    "/products",
    "/churn",
    "/model",
    "/score",
    "/sql",
)
FILTERS = (
    "",
    "country=United+Kingdom",
    "risk=high",
    "start=2011-06-01&end=2011-12-09",
    "country=France&country=Germany",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_callbacks(base: str) -> list[dict]:
    """Every callback whose inputs are only the filter store (what a page fires on load)."""
    return [
        {"name": dep["output"].strip(".").split("...")[0], "dependency": dep}
        for dep in CallbackClient(base).dependencies
        if len(dep["inputs"]) == 1
        and dep["inputs"][0]["id"] == "filter-store"
        and not dep.get("state")
    ]


def user(
    base: str, callbacks: list[dict], deadline: float, seed: int, timings: dict, errors: list
) -> None:
    try:
        browse(base, callbacks, deadline, seed, timings, errors)
    except requests.RequestException as exc:  # counted; the user stops, as a person would
        errors.append(f"{type(exc).__name__}: {exc}"[:200])


def browse(
    base: str, callbacks: list[dict], deadline: float, seed: int, timings: dict, errors: list
) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    client = CallbackClient(HttpTransport(base, session, timeout=60), [])
    while time.monotonic() < deadline:
        page = rng.choice(PAGES)
        store = rng.choice(FILTERS)
        t0 = time.perf_counter()
        r = session.get(base + page + ("?" + store if store else ""), timeout=60)
        timings["page " + page].append(time.perf_counter() - t0)
        if r.status_code != 200:
            errors.append(f"GET {page} {r.status_code}")
        for cb in rng.sample(callbacks, k=min(3, len(callbacks))):
            t0 = time.perf_counter()
            reply = client.send(
                cb["dependency"], {"filter-store.data": store}, triggered="filter-store.data"
            )
            timings["callback " + cb["name"]].append(time.perf_counter() - t0)
            if reply.status not in (200, 204):
                errors.append(f"callback {cb['name']} {reply.status}")
        time.sleep(rng.uniform(0.5, 2.0))  # a person reads the page


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SEGMENTA_WAREHOUSE": str(args.warehouse), "SEGMENTA_LOG_LEVEL": "WARNING"}
    env |= {
        "SEGMENTA_HOST": "127.0.0.1",
        "SEGMENTA_PORT": str(port),
        "SEGMENTA_WORKERS": str(args.workers),
        "SEGMENTA_THREADS": "8",
    }
    log = args.out.with_suffix(".gunicorn.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:segmenta.gunicorn_conf",
            "--access-logfile",
            "/dev/null",
            "segmenta.wsgi:server",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        callbacks = store_callbacks(base)
        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=user, args=(base, callbacks, deadline, i, timings, errors))
            for i in range(args.users)
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
            time.sleep(0.05)  # ramp up
        for t in threads:
            t.join(args.seconds + 120)
        elapsed = time.monotonic() - t0
    finally:
        server.terminate()
        server.wait(30)
    rows = [
        {
            "what": k,
            "n": len(v),
            "p50_ms": pct(v, 0.5),
            "p95_ms": pct(v, 0.95),
            "max_ms": max(v) * 1000,
        }
        for k, v in sorted(timings.items())
    ]
    allv = [x for v in timings.values() for x in v]
    summary = {
        "users": args.users,
        "seconds": round(elapsed, 1),
        "workers": args.workers,
        "requests": len(allv),
        "errors": len(errors),
        "requests_per_s": round(len(allv) / elapsed, 1),
        "p50_ms": round(pct(allv, 0.5), 1),
        "p95_ms": round(pct(allv, 0.95), 1),
        "callback_p95_ms": round(
            pct([x for k, v in timings.items() if k.startswith("callback") for x in v], 0.95), 1
        ),
        "first_errors": errors[:10],
        "mean_ms": round(statistics.mean(allv) * 1000, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(
        json.dumps({"summary": summary, "rows": rows}, indent=2)
    )
    lines = [
        f"# Load test: {args.users} users, {elapsed:.0f} s, {args.workers} gunicorn workers",
        "",
        "```",
        json.dumps(summary, indent=2),
        "```",
        "",
        "| what | n | p50 ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r['what']} | {r['n']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['max_ms']:.0f} |"
        for r in rows
    ]
    text = "\n".join(lines) + "\n"
    args.out.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
