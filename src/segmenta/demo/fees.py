"""The non-product lines of the export: postage, fees, charges, charity and manual lines.

Postage (``POST``, mostly on orders from abroad), dotcom postage (``DOT``, on guest invoices)
and manual lines (``M``) go on existing invoices; bank charges, Amazon fees, the charity
commission (``CRUK``) and manual credits are invoices of one line of their own.
"""

from __future__ import annotations

import numpy as np

from segmenta.demo.countries import UK
from segmenta.demo.ledger import Ledger, World
from segmenta.demo.orders import CustomerOrders, GuestSales


def lines_on_invoices(
    world: World, ledger: Ledger, orders: CustomerOrders, guests: GuestSales
) -> None:
    """Postage and manual lines on customers' orders, dotcom postage on guest invoices."""
    rng, catalogue = world.rng, world.catalogue
    abroad = orders.country != UK
    n_orders = orders.n_orders
    post = np.flatnonzero(
        np.where(abroad, rng.random(n_orders) < 0.55, rng.random(n_orders) < 0.002)
    )
    ledger.add_lines(
        orders.first_invoice + post,
        catalogue.special("POST"),
        rng.choice([1, 1, 1, 2, 3], size=post.size),
        rng.choice([15.0, 18.0, 18.0, 28.0, 40.0], size=post.size),
    )
    dot = np.flatnonzero(rng.random(guests.n_invoices) < 0.25)
    dot_price = np.round(np.clip(np.exp(rng.normal(np.log(120), 0.8, dot.size)), 1, 2500), 2)
    ledger.add_lines(guests.first_invoice + dot, catalogue.special("DOT"), 1, dot_price)
    manual = np.flatnonzero(rng.random(n_orders) < 0.004)
    manual_price = np.round(np.clip(np.exp(rng.normal(np.log(4), 1.1, manual.size)), 0.1, 900), 2)
    ledger.add_lines(
        orders.first_invoice + manual,
        catalogue.special("M"),
        rng.integers(1, 13, manual.size),
        manual_price,
    )


def one_line_invoices(world: World, ledger: Ledger) -> None:
    """Bank charges, Amazon fees, charity commission and manual credits, one invoice each.

    They go to repeat customers (the charity commission to one UK customer) or to guests.
    """
    rng, catalogue, customers = world.rng, world.catalogue, world.customers
    n_customers = customers.count
    repeat = np.flatnonzero((customers.n_orders >= 2) & ~customers.serial_returner)
    if repeat.size == 0:  # pragma: no cover - only for a handful of customers
        repeat = np.arange(n_customers)
    uk_repeat = repeat[customers.country[repeat] == UK]

    n_bank = max(1, round(n_customers / 250))
    bank_cancel = rng.random(n_bank) < 0.25
    _one_line_each(
        world, ledger, rng.choice(repeat, n_bank),
        code=catalogue.special("BANK CHARGES"), qty=np.where(bank_cancel, -1, 1),
        price=np.full(n_bank, 15.0), cancel=bank_cancel,
    )  # fmt: skip
    n_amazon = max(2, round(n_customers / 250))
    _one_line_each(
        world, ledger, np.full(n_amazon, -1),
        code=catalogue.special("AMAZONFEE"), qty=-1, cancel=True,
        price=np.round(np.clip(np.exp(rng.normal(np.log(300), 1.0, n_amazon)), 10, 5000), 2),
    )  # fmt: skip
    n_cruk = max(3, round(n_customers / 500))
    cruk_customer = rng.choice(uk_repeat if uk_repeat.size else repeat)
    _one_line_each(
        world, ledger, np.full(n_cruk, cruk_customer),
        code=catalogue.special("CRUK"), qty=-1, cancel=True,
        price=np.round(np.exp(rng.normal(np.log(25), 0.7, n_cruk)), 2),
    )  # fmt: skip
    n_credit = max(1, round(n_customers / 400))
    _one_line_each(
        world, ledger, rng.choice(repeat, n_credit),
        code=catalogue.special("M"), qty=-1, cancel=True,
        price=np.round(np.clip(np.exp(rng.normal(np.log(5), 1.2, n_credit)), 0.1, 900), 2),
    )  # fmt: skip


def _one_line_each(
    world: World,
    ledger: Ledger,
    customer: np.ndarray,
    *,
    code: int,
    qty: np.ndarray | int,
    price: np.ndarray,
    cancel: np.ndarray | bool,
) -> None:
    """One invoice of one line per element of ``customer`` (-1 = guest), in their window."""
    rng, calendar, customers = world.rng, world.calendar, world.customers
    guest = customer < 0
    known = np.where(guest, 0, customer)
    lo = np.where(guest, 0, customers.start[known])
    hi = np.where(guest, calendar.n_days - 1, customers.end[known])
    day = calendar.sample_days(rng, lo, hi)
    country = np.where(guest, UK, customers.country[known])
    minute = calendar.sample_minutes(rng, day.size)
    first = ledger.add_invoices(day, minute, cancel, customer, country)
    ledger.add_lines(first + np.arange(day.size), code, qty, price)
