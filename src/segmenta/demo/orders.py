"""Sales: the customers' orders and the guest sales without a CustomerID, with their lines.

Customers order in their active window, on open days and in business hours; an order's lines
mix the seasonal catalogue with the customer's favourite products, one line per product.
Guest sales (about 22 % of all lines in the end) are larger invoices, mostly from the UK.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segmenta.demo.catalogue import line_prices, pick_products, quantities
from segmenta.demo.countries import COUNTRIES, UNSPECIFIED
from segmenta.demo.ledger import Ledger, World

# Each customer's favourite products: this many, picked for 40 % of their lines.
FAVOURITES = 12
# Share of all lines that are guest sales without a CustomerID.
GUEST_SHARE = 0.22
# Share of product lines priced 0 (free samples, write-offs).
FREE_LINE_SHARE = 0.0012


@dataclass(frozen=True)
class CustomerOrders:
    """The customers' orders (invoices) and their product lines, as added to the ledger."""

    first_invoice: int  # ledger index of the first order; the orders follow in order
    customer: np.ndarray  # per order: index into the customers
    day: np.ndarray  # per order: index into the calendar
    minute: np.ndarray  # per order: minutes after midnight
    country: np.ndarray  # per order: index into COUNTRIES
    line_order: np.ndarray  # per line: index into the orders, ascending
    line_product: np.ndarray  # per line: index into the catalogue
    line_qty: np.ndarray
    line_price: np.ndarray

    @property
    def n_orders(self) -> int:
        """The number of orders."""
        return int(self.customer.size)


@dataclass(frozen=True)
class GuestSales:
    """Where the guest invoices are in the ledger."""

    first_invoice: int  # ledger index of the first guest invoice
    n_invoices: int


def customer_orders(world: World, ledger: Ledger) -> CustomerOrders:
    """Every customer's orders and their product lines, added to ``ledger``."""
    rng, calendar, customers = world.rng, world.calendar, world.customers
    order_customer = np.repeat(np.arange(customers.count), customers.n_orders)
    n_orders = order_customer.size
    order_day = calendar.sample_days(
        rng, customers.start[order_customer], customers.end[order_customer]
    )
    order_minute = calendar.sample_minutes(rng, n_orders)
    order_country = customers.country[order_customer]
    first_invoice = ledger.add_invoices(
        order_day, order_minute, False, order_customer, order_country
    )
    line_order, line_product = _order_lines(world, order_customer, order_day)
    qty, price = _quantities_and_prices(
        world, line_product, customers.log_qty[order_customer[line_order]]
    )
    ledger.add_lines(first_invoice + line_order, line_product, qty, price)
    return CustomerOrders(
        first_invoice=first_invoice,
        customer=order_customer,
        day=order_day,
        minute=order_minute,
        country=order_country,
        line_order=line_order,
        line_product=line_product,
        line_qty=qty,
        line_price=price,
    )


def _order_lines(
    world: World, order_customer: np.ndarray, order_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(order, product) of every line of the customers' orders, ordered by order."""
    rng, catalogue, customers = world.rng, world.catalogue, world.customers
    n_orders = order_customer.size
    n_lines = np.maximum(
        1, rng.poisson(customers.basket[order_customer] * np.exp(rng.normal(0, 0.35, n_orders)))
    )
    line_order = np.repeat(np.arange(n_orders), np.minimum(n_lines, 150))
    line_customer = order_customer[line_order]
    product = pick_products(rng, catalogue, world.calendar.month[order_day[line_order]])
    favourites = rng.choice(
        catalogue.regular, size=(customers.count, FAVOURITES), p=catalogue.regular_p
    )
    favourite = favourites[line_customer, rng.integers(0, FAVOURITES, line_order.size)]
    use_favourite = (rng.random(line_order.size) < 0.4) & ~np.isin(product, catalogue.xmas)
    product = np.where(use_favourite, favourite, product)
    keep = _once_per_invoice(line_order, product, catalogue.n_products)
    return line_order[keep], product[keep]


def guest_sales(world: World, ledger: Ledger, n_customer_lines: int) -> GuestSales:
    """Invoices without a customer, about 22 % of all lines in the end, added to ``ledger``."""
    rng, calendar, catalogue = world.rng, world.calendar, world.catalogue
    target = round(n_customer_lines * 1.035 * GUEST_SHARE / (1 - GUEST_SHARE))
    drafted_sizes = np.clip(
        np.round(np.exp(rng.normal(np.log(17), 0.9, int(target / 14) + 20))), 1, 250
    ).astype(np.int64)
    n_drafted = drafted_sizes.size
    line_invoice = np.repeat(np.arange(n_drafted), drafted_sizes)
    day = calendar.sample_days(
        rng, np.zeros(n_drafted, np.int64), np.full(n_drafted, calendar.n_days - 1)
    )
    product = pick_products(rng, catalogue, calendar.month[day[line_invoice]])
    keep = _once_per_invoice(line_invoice, product, catalogue.n_products)
    line_invoice, product = line_invoice[keep], product[keep]
    # Keep whole invoices until the target number of distinct lines is reached.
    lines_so_far = np.cumsum(np.bincount(line_invoice, minlength=n_drafted))
    n_invoices = min(int(np.searchsorted(lines_so_far, target)) + 1, n_drafted)
    kept = line_invoice < n_invoices
    line_invoice, product, day = line_invoice[kept], product[kept], day[:n_invoices]
    country = _guest_countries(rng, n_invoices)
    minute = calendar.sample_minutes(rng, n_invoices)
    first_invoice = ledger.add_invoices(day, minute, False, -1, country)
    qty, price = _quantities_and_prices(world, product, np.full(product.size, np.log(1.6)))
    ledger.add_lines(first_invoice + line_invoice, product, qty, price)
    return GuestSales(first_invoice=first_invoice, n_invoices=n_invoices)


def _guest_countries(rng: np.random.Generator, n_invoices: int) -> np.ndarray:
    """The country of each guest invoice, always a few of them "Unspecified"."""
    weights = np.array([c[2] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=n_invoices, p=weights / weights.sum())
    if not (country == UNSPECIFIED).any():
        country[rng.integers(n_invoices)] = UNSPECIFIED
    return country


def _once_per_invoice(invoice: np.ndarray, product: np.ndarray, n_products: int) -> np.ndarray:
    """Indices of the first line of each product on each invoice, in their order.

    A product appears once per invoice (duplicates are added on purpose at the end).
    """
    _, first = np.unique(invoice * n_products + product, return_index=True)
    return np.sort(first)


def _quantities_and_prices(
    world: World, product: np.ndarray, log_scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Quantity and unit price of each line of ``product``; a few lines are free."""
    list_price = world.catalogue.price[product]
    qty = quantities(world.rng, list_price, log_scale)
    price = line_prices(list_price, qty)
    price[world.rng.random(price.size) < FREE_LINE_SHARE] = 0.0
    return qty, price
