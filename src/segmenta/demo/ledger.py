"""What every generation step works with: the shop (:class:`World`) and the :class:`Ledger`.

Each step of :func:`segmenta.demo.generate.generate_invoices` draws from the world's random
stream and appends invoices and lines to the ledger as numpy arrays, one chunk per call; the
frames are built from the ledger at the end (:mod:`segmenta.demo.frames`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segmenta.demo.catalogue import Catalogue
from segmenta.demo.people import Customers
from segmenta.demo.trading_calendar import TradingCalendar


@dataclass(frozen=True)
class World:
    """The generator's parameters: the random stream, the calendar, products and customers.

    Every step draws from ``rng`` in a fixed order: the same seed gives the same data.
    """

    rng: np.random.Generator
    calendar: TradingCalendar
    catalogue: Catalogue
    customers: Customers


class Ledger:
    """Collects invoices and lines chunk by chunk as numpy arrays.

    An invoice has a day (index into the calendar), a minute after midnight, a cancellation
    flag, a customer (index into the customers, -1 for a guest) and a country (index into
    COUNTRIES). A line has an invoice (index into the invoices), a code (index into the
    catalogue), a quantity and a unit price.
    """

    def __init__(self) -> None:
        self.inv: dict[str, list[np.ndarray]] = {
            k: [] for k in ("day", "minute", "cancel", "cust", "country")
        }
        self.lines: dict[str, list[np.ndarray]] = {k: [] for k in ("inv", "code", "qty", "price")}
        self.n_inv = 0

    def add_invoices(
        self,
        day: np.ndarray,
        minute: np.ndarray,
        cancel: np.ndarray | bool,
        cust: np.ndarray | int,
        country: np.ndarray,
    ) -> int:
        """Append one invoice per ``day``; returns the index of the first one.

        ``cancel`` and ``cust`` may be one value for all of them.
        """
        n = int(np.asarray(day).size)
        offset = self.n_inv
        cols = {"day": day, "minute": minute, "cancel": cancel, "cust": cust, "country": country}
        for key, value in cols.items():
            self.inv[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())
        self.n_inv += n
        return offset

    def add_lines(
        self,
        inv: np.ndarray,
        code: np.ndarray | int,
        qty: np.ndarray | int,
        price: np.ndarray,
    ) -> None:
        """Append one line per element of ``inv``; ``code`` and ``qty`` may be one value."""
        n = int(np.asarray(inv).size)
        for key, value in {"inv": inv, "code": code, "qty": qty, "price": price}.items():
            self.lines[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())

    def invoices(self) -> dict[str, np.ndarray]:
        """Every invoice so far, one array per field."""
        return {k: np.concatenate(v) for k, v in self.inv.items()}

    def line_arrays(self) -> dict[str, np.ndarray]:
        """Every line so far, one array per field."""
        return {k: np.concatenate(v) for k, v in self.lines.items()}
