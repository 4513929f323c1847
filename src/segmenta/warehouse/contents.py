"""What the warehouse holds: invoices, a customer table, both or nothing; model runs; churn.

:func:`read_contents` answers in one query (``sql/contents/summary.sql``) so that pages,
slicers and commands can adapt to the data that is there (a customer table without invoices
has no revenue; a customer-table run has no churn scores) instead of each asking on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb

from segmenta.engine import Engine, as_engine

__all__ = ["ContentsKind", "WarehouseContents", "read_contents"]

#: what kind of data the warehouse holds
ContentsKind = Literal["invoices", "customer_table", "both", "empty"]


@dataclass(frozen=True)
class WarehouseContents:
    """Counts of what the warehouse holds, and what follows from them."""

    #: rows of fact_invoice_line
    invoice_lines: int
    #: customers of dim_customer (from invoices or a customer table), not the unknown member
    customers: int
    #: customers with attributes from a customer table (demographics or customer_attribute)
    customer_table_customers: int
    #: rows of model_run
    model_runs: int
    #: ``model_run.kind`` of the latest run ('invoices' | 'customer_table'), None before any
    latest_run_kind: str | None
    #: churn scores of the latest run (0 for a customer-table run, or before any run)
    latest_run_churn_scores: int

    @property
    def has_invoices(self) -> bool:
        """Whether any invoice line is loaded."""
        return self.invoice_lines > 0

    @property
    def has_customer_table(self) -> bool:
        """Whether any customer has attributes from a customer table."""
        return self.customer_table_customers > 0

    @property
    def kind(self) -> ContentsKind:
        """'invoices', 'customer_table', 'both' or 'empty'."""
        if self.has_invoices:
            return "both" if self.has_customer_table else "invoices"
        return "customer_table" if self.has_customer_table else "empty"

    @property
    def has_model_run(self) -> bool:
        """Whether ``segmenta model`` has run at least once."""
        return self.model_runs > 0

    @property
    def has_churn_model(self) -> bool:
        """Whether the latest model run scored churn (only invoice runs do)."""
        return self.latest_run_churn_scores > 0


def read_contents(connection: Engine | duckdb.DuckDBPyConnection) -> WarehouseContents:
    """What the warehouse behind ``connection`` (any connection, or an engine) holds now.

    From a :class:`~segmenta.warehouse.connection.WarehouseReader`, pass ``reader.cursor()``.
    """
    row = as_engine(connection).rows("contents/summary.sql")[0]
    lines, customers, table_customers, runs, kind, churn = row
    return WarehouseContents(
        invoice_lines=int(lines),
        customers=int(customers),
        customer_table_customers=int(table_customers),
        model_runs=int(runs),
        latest_run_kind=kind,
        latest_run_churn_scores=int(churn),
    )
