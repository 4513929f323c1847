"""Text dates read as their file means them: day-first or month-first decided by the whole file.

``05/06/2011`` is 5 June in a UK export and May 6 in a US one. The file settles it: a first
field above 12 (``25/06/2011``) can only be a day, and so can a second field above 12
(``06/25/2011``). :func:`detect_date_order` counts both over the whole column in one vectorised
pass; a file with evidence both ways, or with dates that read both ways and no evidence, is
refused naming an example, unless ``--date-format`` (``dmy``, ``mdy``, ``ymd`` or a strptime
format) says how to read it. ISO dates (``2011-06-05``) are unambiguous.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from segmenta.etl.errors import InputError

#: the names ``--date-format`` accepts for the field orders
DATE_ORDERS = ("dmy", "mdy", "ymd")
_TIMES = (" %H:%M:%S", " %H:%M", " %H:%M:%S%.f", "")
#: ISO 8601 text dates (year first): unambiguous
ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d",
)
YMD_FORMATS = (*ISO_FORMATS, *(f"%Y/%m/%d{t}" for t in _TIMES))
MDY_FORMATS = tuple(f"%m{s}%d{s}%Y{t}" for s in "/-." for t in _TIMES)
DMY_FORMATS = tuple(f"%d{s}%m{s}%Y{t}" for s in "/-." for t in _TIMES)
#: every format tried when the file's dates are not day/month ambiguous
DATE_FORMATS = (*YMD_FORMATS, *MDY_FORMATS, *DMY_FORMATS)
#: a date whose first two fields are a day and a month, in either order
_DAY_MONTH = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{4}"


def formats_for(spec: str | None) -> tuple[str, ...]:
    """The formats tried for ``--date-format`` ``spec`` (None: all of them).

    ``dmy`` and ``mdy`` also accept ISO dates; a strptime format (it has a ``%``) is used as
    it is. Anything else is a :class:`ValueError` naming what is accepted."""
    if spec is None:
        return DATE_FORMATS
    if spec == "dmy":
        return (*ISO_FORMATS, *DMY_FORMATS)
    if spec == "mdy":
        return (*ISO_FORMATS, *MDY_FORMATS)
    if spec == "ymd":
        return YMD_FORMATS
    if "%" in spec:
        return (spec,)
    raise ValueError(
        f"--date-format: expected dmy, mdy, ymd or a strptime format such as "
        f"'%d/%m/%Y %H:%M', got {spec!r}"
    )


def choose_date_format(sample: pl.Series, formats: tuple[str, ...] = DATE_FORMATS) -> str | None:
    """The format of ``formats`` that reads the most of ``sample`` (text dates)."""
    values = sample.drop_nulls().str.strip_chars()
    if values.is_empty():
        return None
    best, best_ok = None, 0
    for fmt in formats:
        ok = int(
            values.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
            .is_not_null()
            .sum()
        )
        if ok > best_ok:
            best, best_ok = fmt, ok
    return best


@dataclass(frozen=True)
class DateEvidence:
    """How many dates of a column can only be day-first, only month-first, or either."""

    day_first: int
    month_first: int
    ambiguous: int
    first_rows: dict[str, int]  # kind -> the first row of that kind (0: none)
    value_at: Callable[[int], str]  # the text of a row (read only to name an example)

    def example(self, kind: str) -> tuple[int, str]:
        """(row, value) of the first date of ``kind``."""
        at = self.first_rows[kind]
        return at, self.value_at(at)


def date_evidence(frame: pl.LazyFrame, text: pl.Expr, row: str) -> DateEvidence:
    """Count, over the whole column, the dates that settle the day/month order.

    One pass groups the rows by their first ten characters (the date part: a few hundred
    distinct values in a year of invoices) keeping each group's first row; the regular
    expression then runs over the distinct values only. Counts are of distinct dates."""
    days = (
        frame.group_by(text.str.slice(0, 10).alias("day"))
        .agg(pl.col(row).min().alias("row"))
        .collect(engine="streaming")
    )
    first = pl.col("day").str.extract(_DAY_MONTH, 1).cast(pl.Int32)
    second = pl.col("day").str.extract(_DAY_MONTH, 2).cast(pl.Int32)
    kinds = {
        "day_first": (first > 12) & (second <= 12),
        "month_first": (second > 12) & (first <= 12),
        "ambiguous": (first <= 12) & (second <= 12) & (first != second),
    }
    stats = days.select(
        *[cond.sum().alias(k) for k, cond in kinds.items()],
        *[pl.col("row").filter(cond).min().alias(f"{k}_row") for k, cond in kinds.items()],
    ).row(0, named=True)
    return DateEvidence(
        int(stats["day_first"] or 0),
        int(stats["month_first"] or 0),
        int(stats["ambiguous"] or 0),
        {k: int(stats[f"{k}_row"] or 0) for k in kinds},
        lambda at: str(frame.filter(pl.col(row) == at).select(text).collect().item()),
    )


def decide_date_order(path: Path, header: str, evidence: DateEvidence) -> str | None:
    """'dmy', 'mdy', or None (no day/month dates, or none whose reading matters); raise when
    the file says both, or cannot say."""
    hint = "say how to read them with --date-format dmy or --date-format mdy"
    if evidence.day_first and evidence.month_first:
        (r1, v1), (r2, v2) = evidence.example("day_first"), evidence.example("month_first")
        raise InputError(
            path,
            f"dates are written both ways: '{v1}' (row {r1}) can only be day-first and "
            f"'{v2}' (row {r2}) only month-first; {hint} (the others are then rejected)",
            column=header,
        )
    if evidence.day_first:
        return "dmy"
    if evidence.month_first:
        return "mdy"
    if evidence.ambiguous:
        row, value = evidence.example("ambiguous")
        raise InputError(
            path,
            f"no date settles whether '{value}' (row {row}) is day-first or month-first "
            f"(no day above 12 in the file); {hint}",
            column=header,
        )
    return None


def text_date_formats(
    path: Path, frame: pl.LazyFrame, text: pl.Expr, header: str, row: str, spec: str | None
) -> tuple[str, ...]:
    """The formats to try for a text date column: ``spec``'s, or the file's own order."""
    if spec is not None:
        return formats_for(spec)
    order = decide_date_order(path, header, date_evidence(frame, text, row))
    return formats_for(order)
