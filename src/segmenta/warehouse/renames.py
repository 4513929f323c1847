"""Managers' names for segments: the dashboard's one write to the warehouse.

:func:`rename_segment` writes one ``segment_label`` row, keyed by the segment's signature
(:func:`segmenta.models.naming.segment_signature`), so the name stays in force for every later
run that finds the same segment. Rows are only ever added: they are the audit trail, with the
audit columns ``renamed_by`` (the signed-in user) and ``renamed_at`` (UTC), and the newest row
per signature is the name in force (view ``segment_named``). The write goes through
:func:`segmenta.warehouse.connection.write_transaction` like every other one: the rename lands
in a new version of the file, swapped in whole, and readers pick it up on their next query.

This is the only write the dashboard makes; everything else it does is read-only. The label is
checked here (:func:`validate_label`: 1 to :data:`MAX_LABEL_LENGTH` printable characters, not
the name of another segment of the run), and :class:`SegmentLabelError` says which part of a
rename is wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from segmenta.warehouse.connection import WarehouseMissingError, write_transaction
from segmenta.warehouse.schema import read_sql

MAX_LABEL_LENGTH = 40
MAX_USER_LENGTH = 100


class SegmentLabelError(ValueError):
    """A rename is not acceptable: the message says which part and why."""


def validate_label(label: object) -> str:
    """The label with surrounding spaces removed: 1-40 printable characters."""
    if not isinstance(label, str):
        raise SegmentLabelError(f"label: expected text, got {type(label).__name__}")
    clean = label.strip()
    if not 1 <= len(clean) <= MAX_LABEL_LENGTH:
        raise SegmentLabelError(
            f"label: expected 1 to {MAX_LABEL_LENGTH} characters, got {len(clean)}"
        )
    if not clean.isprintable():
        raise SegmentLabelError("label: expected printable characters only (no control characters)")
    return clean


def rename_segment(
    warehouse: Path, run_id: int, segment_id: int, label: str, renamed_by: str
) -> None:
    """Give segment ``segment_id`` of run ``run_id`` the name ``label`` (unique in the run)."""
    clean = validate_label(label)
    user = renamed_by.strip() if isinstance(renamed_by, str) else ""
    if not 1 <= len(user) <= MAX_USER_LENGTH or not user.isprintable():
        raise SegmentLabelError(f"renamed_by: expected 1 to {MAX_USER_LENGTH} printable characters")
    path = Path(warehouse)
    if not path.exists():
        raise WarehouseMissingError(f"{path}: no warehouse here yet")
    with write_transaction(path) as con:
        segments = con.sql(read_sql("models/run_segments.sql"), params={"run_id": run_id}).pl()
        if segments.is_empty():
            raise SegmentLabelError(f"run_id: model run {run_id} has no segments")
        target = segments.filter(pl.col("segment_id") == segment_id)
        if target.is_empty():
            raise SegmentLabelError(
                f"segment_id: run {run_id} has segments "
                f"{', '.join(str(i) for i in segments['segment_id'])}, not {segment_id}"
            )
        for other in segments.filter(pl.col("segment_id") != segment_id).iter_rows(named=True):
            if other["segment"].casefold() == clean.casefold():
                raise SegmentLabelError(
                    f"label: {clean!r} is already the name of segment {other['segment_id']} "
                    f"of run {run_id}"
                )
        con.execute(
            read_sql("models/insert_segment_label.sql"),
            {
                "signature": target["signature"][0],
                "label": clean,
                "renamed_by": user,
                "renamed_at": datetime.now(UTC).replace(tzinfo=None),
            },
        )
