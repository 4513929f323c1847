"""From the ledger to the two Polars frames: invoice numbers, duplicate lines, export columns.

Invoice numbers follow time (credit notes get a ``C`` in front), about 0.5 % of the lines are
exact duplicates next to their original, and the columns are those of the UCI *Online Retail*
export (:data:`INVOICE_SCHEMA`) and of the customer table (:data:`CUSTOMER_SCHEMA`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from segmenta.demo.countries import COUNTRIES
from segmenta.demo.ledger import Ledger, World
from segmenta.demo.trading_calendar import START_DAY

#: Columns of the invoice export, in order, with their dtypes.
INVOICE_SCHEMA: dict[str, pl.DataType] = {
    "InvoiceNo": pl.String(),
    "StockCode": pl.String(),
    "Description": pl.String(),
    "Quantity": pl.Int64(),
    "InvoiceDate": pl.Datetime("us"),
    "UnitPrice": pl.Float64(),
    "CustomerID": pl.Float64(),
    "Country": pl.String(),
}

#: Columns of the customer table, in order, with their dtypes.
CUSTOMER_SCHEMA: dict[str, pl.DataType] = {
    "CustomerID": pl.Int64(),
    "Gender": pl.String(),
    "Age": pl.Int64(),
    "Annual Income (k$)": pl.Int64(),
}

FIRST_INVOICE_NO = 536365
# Share of lines that get an exact duplicate (never on credit notes).
DUPLICATE_SHARE = 0.005


def to_frames(world: World, ledger: Ledger) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Number the invoices, add the duplicate lines and build the two frames."""
    invoices = ledger.invoices()
    lines = ledger.line_arrays()
    invoice_no = _invoice_numbers(world.rng, invoices)
    take = _lines_with_duplicates(world.rng, invoices, lines, invoice_no)
    return _invoice_frame(world, invoices, lines, invoice_no, take), _customer_frame(world)


def _invoice_numbers(rng: np.random.Generator, invoices: dict[str, np.ndarray]) -> np.ndarray:
    """The number of each invoice: they follow time, ties broken at random."""
    n_invoices = invoices["day"].size
    order = np.lexsort((rng.random(n_invoices), invoices["minute"], invoices["day"]))
    invoice_no = np.empty(n_invoices, dtype=np.int64)
    invoice_no[order] = FIRST_INVOICE_NO + np.arange(n_invoices)
    return invoice_no


def _lines_with_duplicates(
    rng: np.random.Generator,
    invoices: dict[str, np.ndarray],
    lines: dict[str, np.ndarray],
    invoice_no: np.ndarray,
) -> np.ndarray:
    """Indices of the lines in file order, with about 0.5 % duplicated next to their original."""
    n_lines = lines["inv"].size
    sale = np.flatnonzero(~invoices["cancel"][lines["inv"]])
    duplicated = rng.choice(sale, size=round(DUPLICATE_SHARE * n_lines), replace=False)
    take = np.concatenate([np.arange(n_lines), duplicated])
    return take[np.lexsort((take, invoice_no[lines["inv"][take]]))]


def _invoice_frame(
    world: World,
    invoices: dict[str, np.ndarray],
    lines: dict[str, np.ndarray],
    invoice_no: np.ndarray,
    take: np.ndarray,
) -> pl.DataFrame:
    """The lines ``take`` in the columns of :data:`INVOICE_SCHEMA`."""
    line_invoice = lines["inv"][take]
    line_code = lines["code"][take]
    invoice_no_text = (
        pl.DataFrame({"no": invoice_no, "cancel": invoices["cancel"]})
        .select(
            pl.when(pl.col("cancel"))
            .then(pl.lit("C") + pl.col("no").cast(pl.String))
            .otherwise(pl.col("no").cast(pl.String))
        )
        .to_series()
    )
    minutes = invoices["day"] * 1440 + invoices["minute"]
    when = START_DAY.astype("datetime64[us]") + (minutes * 60_000_000).astype("timedelta64[us]")
    customer = invoices["cust"]
    customer_id = np.where(customer >= 0, world.customers.ids[np.maximum(customer, 0)], np.nan)
    countries = pl.Series([c[0] for c in COUNTRIES], dtype=pl.String)
    codes = pl.Series(world.catalogue.codes, dtype=pl.String)
    descriptions = pl.Series(world.catalogue.descriptions, dtype=pl.String)
    return pl.DataFrame(
        {
            "InvoiceNo": invoice_no_text.gather(line_invoice),
            "StockCode": codes.gather(line_code),
            "Description": descriptions.gather(line_code),
            "Quantity": pl.Series(lines["qty"][take], dtype=pl.Int64),
            "InvoiceDate": pl.Series(when[line_invoice], dtype=pl.Datetime("us")),
            "UnitPrice": pl.Series(np.round(lines["price"][take].astype(np.float64), 2)),
            "CustomerID": pl.Series(customer_id[line_invoice], dtype=pl.Float64, nan_to_null=True),
            "Country": countries.gather(invoices["country"][line_invoice]),
        },
        schema=INVOICE_SCHEMA,
    )


def _customer_frame(world: World) -> pl.DataFrame:
    """The customer table in the columns of :data:`CUSTOMER_SCHEMA`."""
    customers = world.customers
    return pl.DataFrame(
        {
            "CustomerID": customers.ids,
            "Gender": np.where(customers.female, "Female", "Male").tolist(),
            "Age": customers.age,
            "Annual Income (k$)": customers.income,
        },
        schema=CUSTOMER_SCHEMA,
    )
