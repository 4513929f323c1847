"""Which queries each dashboard page runs, rendered for a filter (``segmenta sql --explain-page``).

Like ``dbt compile``: nothing but the slicers' options is read from the warehouse. Each page's
query module lists its own queries (``explained(filters, options)``), next to the functions
that run them; :func:`explain_page` adds the shell's queries (slicer options, coverage line)
and :func:`format_explained` writes them out for a terminal. Parameters a click sets (the
clicked customer or product) are shown as ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import (
    churn,
    common,
    customers,
    demographics,
    model,
    overview,
    products,
    sql,
)
from segmenta.dashboard.queries import map as map_queries
from segmenta.dashboard.queries.render import Explained

__all__ = ["PAGES", "explain_page", "format_explained"]

Lister = Callable[[Filters, FilterOptions], list[Explained]]

#: Page name (as ``--explain-page`` takes it) -> the queries it runs, in navbar order.
PAGES: Mapping[str, Lister] = {
    "overview": overview.explained,
    "customers": customers.explained,
    "map": map_queries.explained,
    "demographics": demographics.explained,
    "products": products.explained,
    "churn": churn.explained,
    "model": model.explained,
    "score": model.explained_score,
    "sql": sql.explained,
}


def explain_page(page: str, filters: Filters, options: FilterOptions) -> list[Explained]:
    """The shell's queries and page ``page``'s, rendered for ``filters``.

    Raises KeyError (naming the pages) for an unknown page.
    """
    if page not in PAGES:
        raise KeyError(f"unknown page {page!r}: choose one of {', '.join(PAGES)}")
    return common.explained(filters, options) + PAGES[page](filters, options)


def _param(value: Any) -> str:
    return json.dumps(value, default=str)


def format_explained(queries: list[Explained]) -> str:
    """The queries as text: a header per query, its SQL, then its parameters."""
    blocks: list[str] = []
    for query in queries:
        header = f"-- == {query.name}" + (f": {query.note}" if query.note else "")
        params = [f"--   ${k} = {_param(v)}" for k, v in sorted(query.params.items())]
        bound = ["-- parameters:", *params] if params else ["-- parameters: none"]
        blocks.append("\n".join([header, query.sql.rstrip(), *bound]))
    return "\n\n".join(blocks)
