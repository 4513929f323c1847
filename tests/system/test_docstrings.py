"""Every module of the warehouse, engine and models layers says what it is for, and every public
function, class and method in them has a docstring (parsed with ``ast``: what is written, not
what is inherited)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "segmenta"
LAYERS = ("warehouse", "engine", "models")


def undocumented(path: Path) -> list[str]:
    """Public definitions of ``path`` without a docstring, as ``file:line name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = []
    if path.name != "__init__.py" and ast.get_docstring(tree) is None:
        missing.append(f"{path.name}:1 (module)")

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_"):
                continue
            if ast.get_docstring(node) is None:
                missing.append(f"{path.name}:{node.lineno} {prefix}{node.name}")
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{node.name}.")

    visit(tree.body, "")
    return missing


@pytest.mark.parametrize("layer", LAYERS)
def test_every_public_function_and_class_has_a_docstring(layer: str) -> None:
    paths = sorted((SRC / layer).rglob("*.py"))
    assert len(paths) >= 3  # the layer is there
    missing = [f"{layer}/{m}" for path in paths for m in undocumented(path)]
    assert missing == []


def test_the_check_finds_what_is_missing(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A module."""\n'
        "def public(): pass\n"
        "def _private(): pass\n"
        "class Thing:\n"
        '    """A thing."""\n'
        "    def method(self): pass\n"
        "    def _hidden(self): pass\n"
    )
    assert undocumented(sample) == ["sample.py:2 public", "sample.py:6 Thing.method"]
