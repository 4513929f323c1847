"""Data flows one way: ETL -> warehouse -> models -> dashboard.

Parsed with ``ast`` (nothing imported): the dashboard may import from ``segmenta.models``
only its scoring module (the scoring object and the errors a caller handles); the models and
the warehouse never import the dashboard; the warehouse imports neither the models nor the
ETL. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "segmenta"
#: what the dashboard may import from the models layer
DASHBOARD_MAY_USE = "segmenta.models.scoring"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, is_package: bool = False) -> set[str]:
    """What ``module``'s source imports, fully qualified: ``import a.b`` gives ``a.b``,
    ``from a import b`` gives ``a.b`` (a module or a name in ``a``), relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def layer_imports(layer: str, prefix: str) -> dict[str, list[str]]:
    """module of ``layer`` -> what it imports from under ``prefix``."""
    result = {}
    for path in sorted((SRC / layer).rglob("*.py")):
        names = imported_names(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        hits = sorted(n for n in names if n == prefix or n.startswith(f"{prefix}."))
        if hits:
            result[module_name(path)] = hits
    return result


def test_the_dashboard_uses_the_models_only_to_score() -> None:
    used = layer_imports("dashboard", "segmenta.models")
    assert used, "the dashboard scores through segmenta.models.scoring"
    outside = {
        module: [
            n for n in names if n != DASHBOARD_MAY_USE and not n.startswith(f"{DASHBOARD_MAY_USE}.")
        ]
        for module, names in used.items()
    }
    assert {m: n for m, n in outside.items() if n} == {}, (
        f"the dashboard may import from the models only {DASHBOARD_MAY_USE}"
    )


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("models", "segmenta.dashboard"),
        ("warehouse", "segmenta.dashboard"),
        ("warehouse", "segmenta.models"),
        ("warehouse", "segmenta.etl"),
    ],
)
def test_lower_layers_never_import_upper_ones(layer: str, forbidden: str) -> None:
    assert (SRC / layer).is_dir()
    assert layer_imports(layer, forbidden) == {}


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "import segmenta.models.features\n"
        "from segmenta.models import churn\n"
        "from ..models.naming import describe_segment\n"
        "from . import ids\n"
        "def f():\n"
        "    from segmenta.models.scoring import ScoringModel\n"
    )
    assert imported_names(source, "segmenta.dashboard.pages.score") == {
        "segmenta.models.features",
        "segmenta.models.churn",
        "segmenta.dashboard.models.naming.describe_segment",
        "segmenta.dashboard.pages.ids",
        "segmenta.models.scoring.ScoringModel",
    }
    assert imported_names("from .errors import X\n", "segmenta.models", is_package=True) == {
        "segmenta.models.errors.X"
    }
