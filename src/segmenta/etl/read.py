"""Read one input file (CSV in UTF-8 or cp1252/Latin-1, Excel .xlsx, Parquet) as a LazyFrame.

Nothing is parsed or dropped here: CSV and Excel cells come back as text, Parquet keeps its
types. Each row gets ``source_row``, its 1-based data-row number in the file (the header is
row 0), so that every row can be traced back. Reading streams the bytes once to hash them
(sha256, for idempotent loads) and to detect the text encoding with bounded memory.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from segmenta.etl.columns import refuse_duplicate_headers
from segmenta.etl.errors import InputError
from segmenta.warehouse.workdirs import work_folder
from segmenta.warehouse.write_errors import classify, is_ours, output_failures

CHUNK = 16 * 1024 * 1024
SOURCE_ROW = "source_row"
CSV_SEPARATORS = (",", ";", "\t", "|")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
#: a header line longer than this is no header (a binary file, or one line without breaks)
MAX_HEADER_CHARS = 1024 * 1024


@dataclass
class RawTable:
    """One file, read but not yet interpreted."""

    path: Path
    frame: pl.LazyFrame  # the file's own headers, plus SOURCE_ROW
    headers: list[str]
    file_format: str  # 'csv' | 'xlsx' | 'parquet'
    encoding: str | None
    sha256: str
    decimal_comma: bool = False
    #: finds the first data row with more fields than the header (CSV only; for the error)
    ragged_row: Callable[[], int | None] | None = None


def file_format(path: Path) -> str:
    """'csv', 'xlsx' or 'parquet', from the suffix or else the file's first bytes."""
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PAR1":
        return "parquet"
    if magic[:2] == b"PK":
        return "xlsx"
    return "csv"


@dataclass(frozen=True)
class ByteScan:
    """What one streaming pass over a file's bytes found."""

    sha256: str
    encoding: str  # utf-8, utf-8-sig, utf-16, cp1252 or latin-1
    cr_only: bool  # line breaks are old-Mac CRs: no LF anywhere, at least one CR
    nul_offset: int | None  # byte offset of the first NUL byte (not text), if any


def scan_bytes(path: Path) -> ByteScan:
    """Hash, encoding, line endings and NUL bytes in one streaming pass (bounded memory)."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = True
    is_cp1252 = True
    first = b""
    has_cr = has_lf = False
    nul_offset: int | None = None
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
            has_cr = has_cr or b"\r" in chunk
            has_lf = has_lf or b"\n" in chunk
            if nul_offset is None and (at := chunk.find(b"\x00")) >= 0:
                nul_offset = offset + at
            offset += len(chunk)
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if not is_utf8 and is_cp1252:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError:
                    is_cp1252 = False
    cr_only = has_cr and not has_lf
    sha = digest.hexdigest()
    if first[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        # UTF-16 text is full of NUL bytes; its line breaks are two bytes each
        return ByteScan(sha, "utf-16", cr_only, None)
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return ByteScan(
            sha, "utf-8-sig" if first == codecs.BOM_UTF8 else "utf-8", cr_only, nul_offset
        )
    if is_cp1252:
        # cp1252 decodes only a whole file read from the start; re-check it from the start.
        return ByteScan(sha, _confirm_cp1252(path), cr_only, nul_offset)
    return ByteScan(sha, "latin-1", cr_only, nul_offset)


def hash_and_detect_encoding(path: Path) -> tuple[str, str]:
    """(sha256, encoding) in one streaming pass (see :func:`scan_bytes`)."""
    scan = scan_bytes(path)
    return scan.sha256, scan.encoding


def _confirm_cp1252(path: Path) -> str:
    decoder = codecs.getincrementaldecoder("cp1252")()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return "latin-1"
    return "cp1252"


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of the file's bytes (read in chunks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def transcode_to_utf8(
    path: Path, encoding: str, directory: Path, *, cr_to_lf: bool = False
) -> Path:
    """Copy a text file into ``directory`` as UTF-8, chunk by chunk; with ``cr_to_lf``, old-Mac
    CR line breaks become LF (a CR never spans two chunks: it is one character)."""
    out = directory / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            text = decoder.decode(chunk)
            dst.write(text.replace("\r", "\n") if cr_to_lf else text)
        tail = decoder.decode(b"", final=True)
        dst.write(tail.replace("\r", "\n") if cr_to_lf else tail)
    return out


def sniff_separator(path: Path, encoding: str) -> str:
    """The separator that splits the header line into the most fields."""
    with path.open("r", encoding=encoding, newline="") as handle:
        header = handle.readline(MAX_HEADER_CHARS)
    counts = {sep: header.count(sep) for sep in CSV_SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _header_and_data(path: Path, text_path: Path) -> str:
    """The header line; raise when there is none, or no data row after it."""
    with text_path.open("r", encoding="utf-8-sig", newline="") as handle:
        header_line = handle.readline(MAX_HEADER_CHARS)
        if len(header_line) >= MAX_HEADER_CHARS and not header_line.endswith(("\n", "\r")):
            raise InputError(
                path,
                f"the first line is longer than {MAX_HEADER_CHARS:,} characters: expected a "
                "header line of column names (is this a CSV export?)",
                row=0,
            )
        if not header_line.strip():
            raise InputError(path, "the file is empty: expected a header line and data rows")
        # a data row: anything but blank space after the header (read in chunks until found)
        while not (chunk := handle.read(CHUNK // 16)).strip():
            if not chunk:
                raise InputError(path, "the file has a header but no data rows", row=1)
    return header_line


def _first_ragged_row(text_path: Path, sep: str, n_columns: int) -> int | None:
    """The data-row number of the first row with more fields than the header (vectorised)."""
    extra = f"__extra_{n_columns}"
    wide = pl.scan_csv(
        text_path,
        separator=sep,
        has_header=False,
        skip_rows=1,
        schema={**{f"c{i}": pl.String for i in range(n_columns)}, extra: pl.String},
        truncate_ragged_lines=True,
        missing_columns="insert",
        encoding="utf8",
    )
    try:
        found = (
            wide.with_row_index(SOURCE_ROW, offset=1)
            .filter(pl.col(extra).is_not_null())
            .select(pl.col(SOURCE_ROW).first())
            .collect(engine="streaming")
        )
    except pl.exceptions.PolarsError:
        return None
    return int(found.item()) if found.height and found.item() is not None else None


def read_csv(path: Path, workdir: Path) -> RawTable:
    """A CSV file as a lazy all-text table (encoding, separator and line endings detected)."""
    scan = scan_bytes(path)
    if scan.nul_offset is not None:
        raise InputError(
            path,
            f"byte {scan.nul_offset:,} is a NUL byte: this is not a text (CSV) file; expected "
            "a CSV export in UTF-8, UTF-16, cp1252 or Latin-1",
        )
    text_path = path
    if scan.encoding not in ("utf-8", "utf-8-sig") or scan.cr_only:
        text_path = transcode_to_utf8(path, scan.encoding, workdir, cr_to_lf=scan.cr_only)
    sep = sniff_separator(text_path, "utf-8-sig")
    header_line = _header_and_data(path, text_path)
    file_headers = next(csv.reader([header_line.rstrip("\r\n")], delimiter=sep), [])
    refuse_duplicate_headers(path, [h.strip() for h in file_headers])
    frame = pl.scan_csv(
        text_path,
        separator=sep,
        infer_schema=False,
        has_header=True,
        row_index_name=SOURCE_ROW,
        row_index_offset=1,
        encoding="utf8",
        truncate_ragged_lines=False,
        raise_if_empty=True,
    )
    try:
        names = frame.collect_schema().names()
    except pl.exceptions.PolarsError as exc:
        raise InputError(path, f"could not be read as a CSV table: {_first_line(exc)}") from None
    headers = [c.lstrip("\ufeff") for c in names if c != SOURCE_ROW]
    frame = frame.rename({c: c.lstrip("\ufeff") for c in names})
    return RawTable(
        path,
        frame,
        headers,
        "csv",
        scan.encoding,
        scan.sha256,
        decimal_comma=sep == ";",
        ragged_row=partial(_first_ragged_row, text_path, sep, len(headers)),
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_error(raw: RawTable, exc: BaseException) -> InputError:
    """The one-line :class:`InputError` for a failure while the rows of ``raw`` were read
    (a ragged CSV row is found and named by its row number)."""
    first = _first_line(exc)
    row = None
    if raw.ragged_row is not None and "more fields" in first:
        row = raw.ragged_row()
        first = "a row has more fields than the header"
    return InputError(
        raw.path, f"could not be read as a {raw.file_format.upper()} table: {first}", row=row
    )


def read_parquet(path: Path) -> RawTable:
    """A Parquet file as a lazy table with its own column types."""
    sha = sha256_of(path)
    try:
        frame = pl.scan_parquet(path, row_index_name=SOURCE_ROW, row_index_offset=1)
        headers = [c for c in frame.collect_schema().names() if c != SOURCE_ROW]
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file ({exc})") from None
    return RawTable(path, frame, headers, "parquet", None, sha)


def read_excel(path: Path, looks_right: Callable[[Sequence[str]], bool]) -> RawTable:
    """Read the one sheet whose header ``looks_right`` (see :mod:`segmenta.etl.excel`)."""
    from segmenta.etl.excel import read_workbook

    sheet = read_workbook(path, looks_right)
    return RawTable(path, sheet.frame.lazy(), sheet.headers, "xlsx", None, sha256_of(path))


def read_table(path: Path, workdir: Path, looks_right: Callable[[Sequence[str]], bool]) -> RawTable:
    """Read ``path`` by its format. ``workdir`` holds transcoded copies while a load runs."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a file")
    if not os.access(path, os.R_OK):
        raise InputError(path, "cannot be read: permission denied")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty: expected a header line and data rows")
    kind = file_format(path)
    if kind == "parquet":
        return read_parquet(path)
    try:
        if kind == "xlsx":
            return read_excel(path, looks_right)
        return read_csv(path, workdir)
    except PermissionError as exc:
        if exc.filename is None or Path(exc.filename) != path:
            raise  # the work folder's side (a transcoded copy), not the input
        raise InputError(path, f"cannot be read: {exc.strerror or exc}") from None


@contextlib.contextmanager
def new_workdir(near: Path) -> Iterator[Path]:
    """A work folder beside the warehouse ``near`` (same disk) for staged and transcoded copies.

    Held by this run and removed at its end; those of killed runs are removed first (see
    :mod:`segmenta.warehouse.workdirs`). A full disk, a missing permission or too little
    memory raised inside becomes one :class:`~segmenta.warehouse.write_errors.WarehouseWriteError`
    (the output side: never blamed on the input); an input file this process may not read
    becomes an :class:`InputError` naming it.
    """
    try:
        with output_failures(near), work_folder(near) as folder:
            yield folder
    except OSError as exc:
        failure = classify(exc)
        if failure is None or failure.file is None or is_ours(failure.file, near):
            raise
        raise InputError(failure.file, f"cannot be read: {failure.reason}") from None
