"""Invoices are identified by their number across files: a number already loaded counts once.

Before a file's lines become facts, :func:`stage_invoice_keys` semi-joins its distinct invoice
numbers against ``fact_invoice_line`` (``sql/etl/stage_loaded_invoices.sql``). By default the
file's lines of an invoice an earlier load holds go to ``rejected_row`` under the rule
``already_loaded_invoice``, naming that load; with ``replace`` (``--replace-invoices``: a
corrected re-export) the earlier lines leave the facts instead, kept in ``rejected_row`` under
``replaced_by_later_load`` under their own load, whose ``load_log`` row accounts for them, and
the pre-aggregates of the days they touched are rebuilt. The files of one command load in the
order given, so a later file's copy of an invoice is the one rejected (or the one kept).
"""

from __future__ import annotations

from dataclasses import dataclass

from segmenta.engine import Engine
from segmenta.warehouse.aggregates import forget_replaced_lines, redo_replaced_days


@dataclass(frozen=True)
class InvoiceKeys:
    """What the semi-join found for one staged file."""

    invoices: int  # invoice numbers of the file that an earlier load holds
    earlier_lines: int  # fact lines of those invoices before this load
    staged_lines: int  # the file's own lines of those invoices
    first_load: int | None  # the earliest and latest load holding one of them
    last_load: int | None
    replace: bool

    @property
    def rejected_lines(self) -> int:
        """The file's lines rejected as ``already_loaded_invoice``."""
        return 0 if self.replace else self.staged_lines

    @property
    def replaced_lines(self) -> int:
        """Fact lines of earlier loads replaced by this file."""
        return self.earlier_lines if self.replace else 0

    def describe(self) -> str:
        """The clause of the load's summary line ('' when no invoice was already there)."""
        if not self.invoices:
            return ""
        loads = (
            f"load {self.first_load}"
            if self.first_load == self.last_load
            else f"loads {self.first_load}-{self.last_load}"
        )
        if self.replace:
            return (
                f"; {self.invoices:,} invoices already loaded ({loads}): their "
                f"{self.earlier_lines:,} earlier lines replaced by this file's "
                f"{self.staged_lines:,} (replaced_by_later_load)"
            )
        return (
            f"; {self.invoices:,} invoices ({self.staged_lines:,} lines) already loaded "
            f"({loads}): rejected as already_loaded_invoice"
        )


def stage_invoice_keys(engine: Engine, *, replace: bool) -> InvoiceKeys:
    """Find the staged file's invoices an earlier load holds and make the ``staged_lines`` view.

    Reads the view ``staged_file_lines`` (the file's accepted lines); ``staged_lines`` is the
    part of it that becomes facts. Call :func:`settle_invoice_keys` next.
    """
    engine.execute("etl/stage_loaded_invoices.sql", {"replace": replace})
    engine.execute("etl/stage_lines.sql")
    invoices, earlier, staged, first, last = engine.rows("etl/loaded_invoice_counts.sql")[0]
    return InvoiceKeys(invoices, earlier, staged, first, last, replace)


def settle_invoice_keys(
    engine: Engine, keys: InvoiceKeys, load_id: int, source_file: str
) -> list[int]:
    """Reject the file's already-loaded lines, or replace the earlier ones; same transaction.

    Returns the customer keys of the replaced lines (their activity must be recomputed).
    """
    params = {"load_id": load_id, "source_file": source_file}
    if keys.rejected_lines:
        engine.execute("etl/insert_already_loaded.sql", params)
    if not keys.replaced_lines:
        return []
    engine.execute("etl/stage_replaced_lines.sql")
    engine.execute("etl/insert_replaced_rejected.sql", params)
    engine.execute("etl/supersede_load_log.sql")
    customers = [r[0] for r in engine.rows("etl/replaced_customer_keys.sql")]
    forget_replaced_lines(engine)
    engine.execute("etl/delete_replaced_facts.sql")
    redo_replaced_days(engine)
    engine.execute("etl/drop_staged_replaced_lines.sql")
    return customers


def drop_invoice_keys(engine: Engine) -> None:
    """Drop the temporary relations of :func:`stage_invoice_keys`."""
    engine.execute("etl/drop_staged_lines.sql")
    engine.execute("etl/drop_staged_loaded_invoices.sql")
