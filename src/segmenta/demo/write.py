"""Writing the demo data to disk: the invoice export (CSV or Parquet) and the customer table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from segmenta.demo.generate import generate_invoices

#: How the invoice CSV spells InvoiceDate, as the UCI export does (to the minute, ``:00``).
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: The invoice file formats :func:`write_demo_data` writes.
FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class GeneratedFiles:
    """Files written by :func:`write_demo_data` and their sizes."""

    invoices: Path  # the invoice export
    customers: Path  # the customer table
    n_lines: int
    n_customers: int


def write_demo_data(
    out_dir: Path, n_customers: int = 5000, seed: int = 42, fmt: str = "csv"
) -> GeneratedFiles:
    """Writes out_dir/invoices.csv (or invoices.parquet when fmt == 'parquet') and
    out_dir/customers.csv.

    Returns the paths and the number of invoice lines and customers. Same seed, same bytes.
    Raises ValueError for another format or fewer than 10 customers.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    invoices, customers = generate_invoices(n_customers=n_customers, seed=seed)
    invoices_path = out_dir / f"invoices.{fmt}"
    if fmt == "csv":
        invoices.write_csv(invoices_path, datetime_format=DATETIME_FORMAT)
    else:
        invoices.write_parquet(invoices_path, statistics=True)
    customers_path = out_dir / "customers.csv"
    customers.write_csv(customers_path)
    return GeneratedFiles(
        invoices=invoices_path,
        customers=customers_path,
        n_lines=invoices.height,
        n_customers=customers.height,
    )
