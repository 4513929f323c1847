"""Read one input file (CSV in UTF-8 or cp1252/Latin-1, Excel .xlsx, Parquet) as a LazyFrame.

Nothing is parsed or dropped here: CSV and Excel cells come back as text, Parquet keeps its
types. Each row gets ``source_row``, its 1-based data-row number in the file (the header is
row 0), so that every row can be traced back. Reading streams the bytes once to hash them
(sha256, for idempotent loads) and to detect the text encoding with bounded memory.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from segmenta.etl.errors import InputError
from segmenta.warehouse.workdirs import work_folder
from segmenta.warehouse.write_errors import classify, is_ours, output_failures

CHUNK = 16 * 1024 * 1024
SOURCE_ROW = "source_row"
CSV_SEPARATORS = (",", ";", "\t", "|")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


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


def hash_and_detect_encoding(path: Path) -> tuple[str, str]:
    """(sha256, encoding) in one streaming pass; encoding is utf-8, utf-8-sig, cp1252 or latin-1."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = True
    is_cp1252 = True
    first = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
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
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return digest.hexdigest(), "utf-8-sig" if first == codecs.BOM_UTF8 else "utf-8"
    if is_cp1252:
        # cp1252 decodes only a whole file read from the start; re-check it from the start.
        return digest.hexdigest(), _confirm_cp1252(path)
    return digest.hexdigest(), "latin-1"


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


def transcode_to_utf8(path: Path, encoding: str, directory: Path) -> Path:
    """Copy a text file into ``directory`` as UTF-8, chunk by chunk."""
    out = directory / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return out


def sniff_separator(path: Path, encoding: str) -> str:
    """The separator that splits the header line into the most fields."""
    with path.open("r", encoding=encoding, newline="") as handle:
        header = handle.readline()
    counts = {sep: header.count(sep) for sep in CSV_SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def read_csv(path: Path, workdir: Path) -> RawTable:
    """A CSV file as a lazy all-text table (encoding and separator detected)."""
    sha, encoding = hash_and_detect_encoding(path)
    text_path = path
    if encoding not in ("utf-8", "utf-8-sig"):
        text_path = transcode_to_utf8(path, encoding, workdir)
    sep = sniff_separator(text_path, "utf-8-sig")
    with text_path.open("r", encoding="utf-8-sig", newline="") as handle:
        header_line = handle.readline()
        has_data = bool(handle.readline().strip())
    if not header_line.strip():
        raise InputError(path, "the file is empty: expected a header line and data rows")
    if not has_data:
        raise InputError(path, "the file has a header but no data rows", row=1)
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
    headers = [c for c in frame.collect_schema().names() if c != SOURCE_ROW]
    headers = [h.lstrip("\ufeff") for h in headers]
    frame = frame.rename({c: c.lstrip("\ufeff") for c in frame.collect_schema().names()})
    return RawTable(path, frame, headers, "csv", encoding, sha, decimal_comma=sep == ";")


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
    """Read the one sheet whose header ``looks_right``; several or none is an error."""
    sha = sha256_of(path)
    try:
        sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0, raise_if_empty=False)
    except Exception as exc:  # calamine raises its own error types
        raise InputError(path, f"not a readable Excel workbook ({exc})") from None
    candidates = {name: df for name, df in sheets.items() if df.width and looks_right(df.columns)}
    if not candidates:
        raise InputError(
            path,
            "no sheet has the expected header; sheets: "
            + ", ".join(
                f"{name!r} ({', '.join(df.columns) or 'empty'})" for name, df in sheets.items()
            ),
        )
    if len(candidates) > 1:
        raise InputError(
            path,
            f"several sheets look like data ({', '.join(map(repr, candidates))}); "
            "save each sheet as its own file and load them together",
        )
    ((name, df),) = candidates.items()
    if df.height == 0:
        raise InputError(path, f"sheet {name!r} has a header but no data rows", row=1)
    df = df.with_row_index(SOURCE_ROW, offset=1).with_columns(pl.col(SOURCE_ROW).cast(pl.Int64))
    return RawTable(path, df.lazy(), list(df.columns[1:]), "xlsx", None, sha)


def read_table(path: Path, workdir: Path, looks_right: Callable[[Sequence[str]], bool]) -> RawTable:
    """Read ``path`` by its format. ``workdir`` holds transcoded copies while a load runs."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a file")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty: expected a header line and data rows")
    kind = file_format(path)
    if kind == "parquet":
        return read_parquet(path)
    if kind == "xlsx":
        return read_excel(path, looks_right)
    return read_csv(path, workdir)


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
