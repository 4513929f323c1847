"""Print the warehouse schema as Markdown, from the SQL files' own comments.

    python scripts/schema_doc.py > docs/schema.md

The parsing is :mod:`segmenta.warehouse.catalog` (the dashboard's SQL page shows the same
descriptions); ``tests/system/test_docs.py`` checks that docs/schema.md is this output.
"""

from __future__ import annotations

import sys

from segmenta.warehouse.catalog import catalog


def table_markdown(relation) -> str:  # type: ignore[no-untyped-def]
    out = [
        f"### `{relation.name}`",
        "",
        relation.description,
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
    ]
    for column in relation.columns:
        meaning = column.meaning.replace("|", "\\|")
        out.append(f"| `{column.name}` | {column.type} | {meaning} |")
    return "\n".join(out)


def main() -> None:
    relations = list(catalog().values())
    parts = ["## Tables", ""]
    parts += [table_markdown(r) + "\n" for r in relations if r.kind == "table"]
    parts += ["## Views", "", "| view | what it is |", "| --- | --- |"]
    parts += [f"| `{r.name}` | {r.summary} |" for r in relations if r.kind == "view"]
    sys.stdout.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
