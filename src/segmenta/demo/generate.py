"""The steps that make the demo data, in the order they draw from the random stream.

:func:`generate_invoices` builds the calendar, the catalogue and the customers, then adds to a
:class:`~segmenta.demo.ledger.Ledger`: the customers' orders, the guest sales, postage and
manual lines, cancellations and returns, one-line invoices (fees, charges, credits); the frames
are built from the ledger. Each step draws from one numpy generator in a fixed order, so the
same seed gives the same data: a new step goes at the end, or the data of every seed changes.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from faker import Faker

from segmenta.demo.catalogue import build_catalogue, n_products_for
from segmenta.demo.fees import lines_on_invoices, one_line_invoices
from segmenta.demo.frames import to_frames
from segmenta.demo.ledger import Ledger, World
from segmenta.demo.orders import customer_orders, guest_sales
from segmenta.demo.people import build_customers
from segmenta.demo.returns import cancellations_and_returns
from segmenta.demo.trading_calendar import TradingCalendar

#: The smallest number of customers that makes every kind of line.
MIN_CUSTOMERS = 10


def generate_invoices(n_customers: int = 5000, seed: int = 42) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(invoice_lines, customers) frames, deterministic for a seed.

    ``invoice_lines`` has the columns of :data:`~segmenta.demo.frames.INVOICE_SCHEMA` (the UCI
    Online Retail export), about 60 lines per customer, ordered by invoice; ``customers`` has
    the columns of :data:`~segmenta.demo.frames.CUSTOMER_SCHEMA`, one row per customer id that
    occurs in the invoices. Raises ValueError for fewer than 10 customers.
    """
    if n_customers < MIN_CUSTOMERS:
        raise ValueError(f"n_customers must be at least 10, got {n_customers}")
    rng = np.random.default_rng(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    calendar = TradingCalendar.build()
    catalogue = build_catalogue(n_products_for(n_customers), rng, fake)
    world = World(
        rng=rng,
        calendar=calendar,
        catalogue=catalogue,
        customers=build_customers(n_customers, rng, calendar),
    )
    ledger = Ledger()
    orders = customer_orders(world, ledger)
    guests = guest_sales(world, ledger, n_customer_lines=int(orders.line_order.size))
    lines_on_invoices(world, ledger, orders, guests)
    cancellations_and_returns(world, ledger, orders)
    one_line_invoices(world, ledger)
    return to_frames(world, ledger)
