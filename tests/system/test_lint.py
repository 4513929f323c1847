"""The code stays ruff-clean (lint and format) and mypy-clean, as pyproject.toml configures
them; the pre-commit hooks run the same three tools."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import skip_or_fail, tool

ROOT = Path(__file__).resolve().parents[2]
PATHS = ["src", "tests", "bench", "scripts"]
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a tool of the test extra from the repository root (skips, or fails on CI, if absent)."""
    executable = tool(name)
    if executable is None:
        skip_or_fail(f"{name} is not installed (pip install -e '.[test]')")
    return subprocess.run(
        [executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command: list[str]) -> None:
    result = run_tool("ruff", *command, *PATHS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_mypy() -> None:
    """mypy over src/ (the ``files`` of ``[tool.mypy]``) finds no error."""
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert result.stdout.startswith("Success: no issues found"), result.stdout[-3000:]


def test_pre_commit_config_is_valid() -> None:
    result = run_tool("pre-commit", "validate-config", str(PRE_COMMIT_CONFIG))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]


def test_pre_commit_runs_ruff_and_mypy_locally() -> None:
    """Local hooks with the active venv's tools: nothing is fetched when hooks are installed."""
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert list(hooks) == ["ruff-check", "ruff-format", "mypy"]
    assert {hook["language"] for hook in hooks.values()} == {"system"}
    assert hooks["ruff-check"]["entry"].split()[:2] == ["ruff", "check"]
    assert hooks["ruff-format"]["entry"].split()[:2] == ["ruff", "format"]
    # mypy checks what pyproject.toml says (src/), not only the files of a commit
    assert hooks["mypy"]["entry"] == "mypy"
    assert hooks["mypy"]["pass_filenames"] is False
