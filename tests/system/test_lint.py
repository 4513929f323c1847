"""The code stays ruff-clean (lint and format), as pyproject.toml configures it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail, tool

ROOT = Path(__file__).resolve().parents[2]
PATHS = ["src", "tests", "bench", "scripts"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command: list[str]) -> None:
    ruff = tool("ruff")
    if ruff is None:
        skip_or_fail("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [ruff, *command, *PATHS], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
