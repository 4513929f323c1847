"""One id convention: every component id the dashboard renders is a constant of ``ids.py``.

The layouts of the shell and of every page are walked for ids; the sources are scanned for an
id written as a string literal, and for id constants defined outside ``ids.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
from dash.development.base_component import Component

from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard import ids

DASHBOARD = Path(dashboard_app.__file__).parent
DECLARED = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}


def _ids(node: Any) -> Iterator[Any]:
    if isinstance(node, Component):
        if getattr(node, "id", None) is not None:
            yield node.id
        for prop in node._prop_names:
            yield from _ids(getattr(node, prop, None))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _ids(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _ids(item)


def test_every_layout_id_is_declared_in_ids(app: dash.Dash) -> None:
    with app.server.test_request_context("/"):
        layouts = [dashboard_app.shell_layout()] + [page.layout() for page in dashboard_app.PAGES]
    # dash.page_container's own ids (_pages_location, _pages_content, ...) are Dash's
    found = [i for i in _ids(layouts) if not (isinstance(i, str) and i.startswith("_pages_"))]
    assert len(found) > 60
    for component_id in found:
        if isinstance(component_id, dict):
            assert component_id["type"] in DECLARED, component_id
        else:
            assert component_id in DECLARED, component_id


def test_no_id_is_a_string_literal_and_page_ids_live_in_ids() -> None:
    for path in sorted(DASHBOARD.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""\bid=["']""", text), f"{path.name}: an inline string id"
        assert not re.search(r""""type": ["'][a-z]+-""", text), f"{path.name}: an inline pattern id"
        if path.name != "ids.py":
            constants = re.findall(r'^([A-Z_]+) = "([a-z]+(?:-[a-z]+)+)"$', text, re.M)
            in_ids = [name for name, value in constants if value in DECLARED]
            assert not in_ids, f"{path.name} defines ids outside ids.py: {in_ids}"
