"""Errors the user can act on: each names the file, and where known the row and column."""

from __future__ import annotations

import re
from pathlib import Path

#: control characters (line breaks, escapes) a message must not print as they are
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: a message longer than this is cut (a header line of a binary file, a huge value)
MAX_MESSAGE = 1000


def printable(text: str) -> str:
    """``text`` on one line: control characters escaped, cut to :data:`MAX_MESSAGE` chars."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


class InputError(ValueError):
    """An input file cannot be read as asked. The message says where and what was expected."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.column = column
        where = str(self.path)
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{printable(where)}: {printable(message)}")
