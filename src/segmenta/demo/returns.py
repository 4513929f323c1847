"""Credit notes: cancellations (a whole order, the same day) and returns (some lines, later).

Both are ``C`` invoices with negative quantities that reference lines the customer bought.
Each customer has a probability that an order is cancelled or partly returned; the serial
returners send back every line of every order.
"""

from __future__ import annotations

import numpy as np

from segmenta.demo.ledger import Ledger, World
from segmenta.demo.orders import CustomerOrders
from segmenta.demo.trading_calendar import LAST_MINUTE

# Of the orders that get a credit note, this share (times the customer's probability) is
# cancelled whole; the others are returns.
CANCELLED_SHARE = 0.35


def cancellations_and_returns(world: World, ledger: Ledger, orders: CustomerOrders) -> None:
    """Add the credit notes and their lines to ``ledger``."""
    customers = world.customers
    return_prop = customers.return_prop[orders.customer]
    serial = customers.serial_returner[orders.customer]
    u = world.rng.random(orders.n_orders)
    cancelled = (u < CANCELLED_SHARE * return_prop) & ~serial
    returned = ((u >= CANCELLED_SHARE * return_prop) & (u < return_prop)) | serial
    credit_note_of_order = _credit_notes(world, ledger, orders, cancelled, returned)
    _credited_lines(world, ledger, orders, credit_note_of_order, whole_order=cancelled | serial)


def _credit_notes(
    world: World,
    ledger: Ledger,
    orders: CustomerOrders,
    cancelled: np.ndarray,
    returned: np.ndarray,
) -> np.ndarray:
    """Add one credit note per cancelled or returned order; its ledger index per order (or -1).

    A cancellation is dated the day of the order, minutes to hours later; a return 1 to 44
    days later, on the next open day (the same day if that would be after the period).
    """
    rng, calendar = world.rng, world.calendar
    last_day = calendar.n_days - 1
    credited = np.flatnonzero(cancelled | returned)
    delay = rng.integers(1, 45, credited.size)
    return_day = orders.day[credited] + delay
    same_day = cancelled[credited] | (return_day > last_day)
    day = np.where(
        same_day, orders.day[credited], calendar.next_open[np.minimum(return_day, last_day)]
    )
    later = np.minimum(orders.minute[credited] + rng.integers(2, 180, credited.size), LAST_MINUTE)
    minute = np.where(same_day, later, calendar.sample_minutes(rng, credited.size))
    first = ledger.add_invoices(
        day, minute, True, orders.customer[credited], orders.country[credited]
    )
    credit_note_of_order = np.full(orders.n_orders, -1, dtype=np.int64)
    credit_note_of_order[credited] = first + np.arange(credited.size)
    return credit_note_of_order


def _credited_lines(
    world: World,
    ledger: Ledger,
    orders: CustomerOrders,
    credit_note_of_order: np.ndarray,
    *,
    whole_order: np.ndarray,
) -> None:
    """The lines of the credit notes: every line of a whole order, else some lines, some partly.

    Of a returned order, one line at random and about 30 % of the others go back; 40 % of
    those lines return only part of the quantity.
    """
    rng = world.rng
    line_order = orders.line_order
    lines_per_order = np.bincount(line_order, minlength=orders.n_orders)
    order_start = np.concatenate([[0], np.cumsum(lines_per_order)[:-1]])
    position = np.arange(line_order.size) - order_start[line_order]
    picked = np.floor(rng.random(orders.n_orders) * np.maximum(lines_per_order, 1))
    picked = picked.astype(np.int64)
    credited = (credit_note_of_order >= 0)[line_order] & (
        whole_order[line_order]
        | (position == picked[line_order])
        | (rng.random(line_order.size) < 0.3)
    )
    qty = orders.line_qty[credited]
    partial = ~whole_order[line_order[credited]] & (rng.random(qty.size) < 0.4)
    qty = np.where(partial, 1 + np.floor(rng.random(qty.size) * qty), qty)
    ledger.add_lines(
        credit_note_of_order[line_order[credited]],
        orders.line_product[credited],
        -qty.astype(np.int64),
        orders.line_price[credited],
    )
