"""The README and docs say what the code does: generated sections are up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from segmenta.etl.rules import describe_rules

ROOT = Path(__file__).resolve().parents[2]


def test_schema_doc_matches_the_sql_files() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "schema_doc.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == (ROOT / "docs" / "schema.md").read_text(), (
        "run: python scripts/schema_doc.py > docs/schema.md"
    )


def test_readme_lists_the_cleaning_rules() -> None:
    assert describe_rules() in (ROOT / "README.md").read_text()


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = (
        'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'
    )
    assert command in readme
    assert command in ci
