"""docs/models.md promises that `segmenta sql` reproduces every stored number: run each of its
SQL blocks against a model run and check the metrics they return."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from segmenta.models.run import run_model
from segmenta.warehouse.analyst import run_read_only_query
from tests.helpers.models import synthetic_warehouse

DOC = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def metric(metrics: dict, name: str) -> float:
    value: object = metrics
    for part in name.split("."):
        value = value.get(part, 0) if isinstance(value, dict) else value  # an empty band is 0
    return float(value)  # type: ignore[arg-type]


def check_reproduced(warehouse: Path) -> int:
    """Run every block; return how many metric rows were checked."""
    metrics = json.loads(
        run_read_only_query(warehouse, "SELECT metrics FROM latest_run")["metrics"][0]
    )
    checked = 0
    for block in sql_blocks():
        result = run_read_only_query(warehouse, block)
        assert result.height > 0, block[:80]
        if not block.startswith("-- reproduces:"):
            continue
        for name, value in result.select("metric", "value").iter_rows():
            if name.startswith("mismatches_"):
                assert value == 0, name
            else:
                assert value == pytest.approx(metric(metrics, name), rel=1e-6, abs=1e-6), (
                    name
                )  # stored rounded to 6 places
            checked += 1
    return checked


def test_the_doc_has_reproducing_queries() -> None:
    blocks = sql_blocks()
    assert sum(b.startswith("-- reproduces:") for b in blocks) >= 4


def test_every_documented_query_reproduces_the_stored_metrics(tmp_path: Path) -> None:
    path = synthetic_warehouse(tmp_path / "w.duckdb", n_customers=250, seed=11)
    run_model(path)
    assert check_reproduced(path) >= 20
