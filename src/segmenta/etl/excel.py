"""Read an Excel workbook (.xlsx, .xlsm, .xls): the one sheet that holds the data, as text.

The header row is read as it is in the sheet, so two columns with one name are refused
(calamine would rename the second one and its values would be lost). A formula cell without a
cached value (a workbook written by a program that did not calculate it, such as xlsxwriter or
openpyxl) would read as 0 or empty: it is refused, naming the cell, e.g. ``Sheet1!D7``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import polars as pl

from segmenta.etl.columns import refuse_duplicate_headers
from segmenta.etl.errors import InputError
from segmenta.etl.read import SOURCE_ROW

_CHUNK = 4 * 1024 * 1024
_OVERLAP = 64 * 1024
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_P = rb"(?:\w+:)?"  # an optional namespace prefix
#: a formula cell: its attributes, and whether a (non-empty) cached value follows
_FORMULA = re.compile(
    rb"<" + _P + rb"c\b([^>]*)>\s*<" + _P + rb"f\b[^>]*?(?:/>|>[^<]*</" + _P + rb"f>)"
)
#: a formula cell with no cached value: the cell ends, or its <v> is empty
_UNCACHED = re.compile(
    _FORMULA.pattern
    + rb"\s*(?:</"
    + _P
    + rb"c>|<"
    + _P
    + rb"v\s*/>|<"
    + _P
    + rb"v>\s*</"
    + _P
    + rb"v>)"
)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


@dataclass
class Sheet:
    """The data sheet: its rows as text (plus SOURCE_ROW) and its header as written."""

    name: str
    frame: pl.DataFrame
    headers: list[str]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _header_and_rows(df: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
    """A header-less sheet read split into its first row (the header) and the data rows."""
    if df.height == 0:
        return [], df
    headers = [
        str(v).strip() if v is not None else f"__UNNAMED__{i}" for i, v in enumerate(df.row(0))
    ]
    return headers, df.slice(1)


def read_workbook(path: Path, looks_right: Callable[[Sequence[str]], bool]) -> Sheet:
    """The one sheet whose header ``looks_right``; several, none, duplicate headers or a
    formula without a cached value is an :class:`InputError`."""
    try:
        sheets = pl.read_excel(
            path, sheet_id=0, has_header=False, infer_schema_length=0, raise_if_empty=False
        )
    except Exception as exc:  # calamine raises its own error types
        raise InputError(path, f"not a readable Excel workbook ({_first_line(exc)})") from None
    split = {name: _header_and_rows(df) for name, df in sheets.items()}
    candidates = {name: hr for name, hr in split.items() if hr[0] and looks_right(hr[0])}
    if not candidates:
        raise InputError(
            path,
            "no sheet has the expected header; sheets: "
            + ", ".join(f"{name!r} ({', '.join(h) or 'empty'})" for name, (h, _) in split.items()),
        )
    if len(candidates) > 1:
        raise InputError(
            path,
            f"several sheets look like data ({', '.join(map(repr, candidates))}); "
            "save each sheet as its own file and load them together",
        )
    ((name, (headers, rows)),) = candidates.items()
    refuse_duplicate_headers(path, headers)
    if rows.height == 0:
        raise InputError(path, f"sheet {name!r} has a header but no data rows", row=1)
    if path.suffix.lower() != ".xls" and (cell := uncached_formula(path, name)) is not None:
        raise InputError(
            path,
            f"cell {cell} is a formula without a calculated value (the program that wrote the "
            "workbook did not calculate it, so it would read as 0): open and save it in Excel "
            "or LibreOffice, or export the sheet as CSV",
        )
    frame = (
        rows.rename(dict(zip(rows.columns, headers, strict=True)))
        .with_row_index(SOURCE_ROW, offset=1)
        .with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
    )
    return Sheet(name, frame, headers)


def _sheet_member(book: zipfile.ZipFile, sheet: str) -> tuple[str | None, bool]:
    """The zip member of worksheet ``sheet``, and whether the workbook asks Excel to
    recalculate every formula on opening (its cached values are placeholders)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    calc = workbook.find("m:calcPr", _NS)
    full_calc = calc is not None and calc.get("fullCalcOnLoad") in {"1", "true"}
    rel_id = None
    for node in workbook.iterfind("m:sheets/m:sheet", _NS):
        if node.get("name") == sheet:
            rel_id = node.get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iterfind("rel:Relationship", _NS):
        if rel.get("Id") == rel_id and (target := rel.get("Target")):
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return str(PurePosixPath(member)), full_calc
    return None, full_calc


def uncached_formula(path: Path, sheet: str) -> str | None:
    """The first formula cell of ``sheet`` without a cached value (``'Sheet1!D7'``), or None.

    Streams the sheet's XML in chunks and searches it with one regular expression per chunk
    (no per-cell Python loop). When the workbook is marked for a full recalculation on load,
    any formula counts: its cached value is a placeholder.
    """
    try:
        with zipfile.ZipFile(path) as book:
            member, full_calc = _sheet_member(book, sheet)
            if member is None:
                return None
            pattern = _FORMULA if full_calc else _UNCACHED
            with book.open(member) as stream:
                tail = b""
                while chunk := stream.read(_CHUNK):
                    text = tail + chunk
                    if (hit := pattern.search(text)) is not None:
                        ref = _REF.search(hit.group(1))
                        cell = ref.group(1).decode() if ref else "(a formula cell)"
                        return f"{sheet}!{cell}"
                    tail = text[-_OVERLAP:]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise InputError(path, f"not a readable Excel workbook ({_first_line(exc)})") from None
    return None
