"""Print the warehouse schema as Markdown, from the SQL files' own comments.

    python scripts/schema_doc.py > docs/schema.md

The README's schema section is this output; a test checks that the two agree.
"""

from __future__ import annotations

import re
import sys

from segmenta.warehouse.schema import VIEW_ORDER, read_sql, table_names

COLUMN = re.compile(
    r"^\s+([a-z_0-9]+)\s+([A-Z]+(?:\[\d+\])?(?:\(\d+(?:,\s*\d+)?\))?)[^-]*(?:--\s*(.*))?$"
)


def header(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


def table_markdown(name: str) -> str:
    sql = read_sql(f"tables/{name}.sql")
    out = [
        f"### `{name}`",
        "",
        header(sql),
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
    ]
    for line in sql.splitlines():
        m = COLUMN.match(line)
        if m and m.group(1) not in {"primary"}:
            meaning = (m.group(3) or "").strip().replace("|", "\\|")
            out.append(f"| `{m.group(1)}` | {m.group(2)} | {meaning} |")
    return "\n".join(out)


def main() -> None:
    parts = ["## Tables", ""]
    parts += [table_markdown(n) + "\n" for n in table_names()]
    parts += ["## Views", "", "| view | what it is |", "| --- | --- |"]
    for v in VIEW_ORDER:
        parts.append(f"| `{v}` | {header(read_sql(f'views/{v}.sql')).split(':', 1)[-1].strip()} |")
    sys.stdout.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
