"""The shop's customers: ids, demographics, country, kind of customer and buying habits.

Customers are of six kinds (champions, loyal regulars, occasional buyers, one-off buyers,
customers who churned months ago, new customers). Demographics are mildly tied to behaviour:
richer customers are more often champions and buy a little more often and more per order.
A handful of customers with few orders send (almost) everything back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segmenta.demo.countries import BIG_BUYER_COUNTRIES, COUNTRIES, UK, UK_CUSTOMER_SHARE
from segmenta.demo.trading_calendar import TradingCalendar

FIRST_CUSTOMER_ID = 12346

# Customer kinds: probability (before the income tilt), orders per year as gamma(shape,
# scale), mean lines per order. One-off buyers always have one order.
CHAMPION, LOYAL, OCCASIONAL, ONE_OFF, CHURNED, NEW = range(6)
KIND_PROB = np.array([0.03, 0.23, 0.23, 0.16, 0.19, 0.16])
KIND_INCOME_TILT = np.array([0.45, 0.25, 0.05, -0.15, -0.05, 0.0])
KIND_RATE = np.array([[3.0, 14.0], [3.0, 3.6], [2.5, 1.7], [1.0, 1.0], [2.0, 4.5], [2.0, 7.0]])
KIND_BASKET = np.array([12.0, 7.4, 6.0, 5.0, 5.5, 5.5])
# Kinds that have bought for a while and keep buying.
ESTABLISHED = (CHAMPION, LOYAL, OCCASIONAL)


@dataclass(frozen=True)
class Customers:
    """One element per customer in every array, in customer-id order."""

    ids: np.ndarray
    female: np.ndarray
    age: np.ndarray
    income: np.ndarray
    country: np.ndarray  # index into COUNTRIES
    kind: np.ndarray
    start: np.ndarray  # first and last day they may buy
    end: np.ndarray
    n_orders: np.ndarray
    basket: np.ndarray  # mean lines per order
    log_qty: np.ndarray  # log of their typical quantity at a price of 2
    return_prop: np.ndarray  # probability an order is cancelled or partly returned
    serial_returner: np.ndarray

    @property
    def count(self) -> int:
        """The number of customers."""
        return int(self.ids.size)


def build_customers(n: int, rng: np.random.Generator, calendar: TradingCalendar) -> Customers:
    """``n`` customers with everything the orders are drawn from (draws in a fixed order)."""
    ids = FIRST_CUSTOMER_ID + np.sort(rng.choice(int(n * 1.35) + 20, size=n, replace=False))
    female, age, income = _demographics(rng, n)
    income_z = (np.log(income) - np.log(55)) / 0.45  # standardised income
    country = _countries(rng, n)
    kind = _kinds(rng, income_z)
    start, end = _active_windows(rng, kind, calendar.n_days)
    rate = rng.gamma(KIND_RATE[kind, 0], KIND_RATE[kind, 1])
    rate *= np.exp(0.1 * income_z + 0.004 * (age - 42)) * np.where(female, 1.05, 1.0)
    n_orders = _order_counts(rng, kind, rate, start, end)
    basket = KIND_BASKET[kind] * np.exp(rng.normal(0, 0.45, n) + 0.06 * income_z)
    big_buyer = np.isin(
        country, [i for i, c in enumerate(COUNTRIES) if c[0] in BIG_BUYER_COUNTRIES]
    )
    log_qty = (
        np.log(5.0)
        + rng.normal(0, 0.55, n)
        + 0.15 * income_z
        + np.where(kind == CHAMPION, np.log(1.6), 0.0)
        + np.where(country != UK, np.log(1.3), 0.0)
        + np.where(big_buyer, np.log(2.0), 0.0)
    )
    return_prop = rng.beta(0.7, 16.0, n)
    return Customers(
        ids=ids,
        female=female,
        age=age,
        income=income,
        country=country,
        kind=kind,
        start=start,
        end=end,
        n_orders=n_orders,
        basket=basket,
        log_qty=log_qty,
        return_prop=return_prop,
        serial_returner=_serial_returners(rng, kind, n_orders),
    )


def _demographics(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Female flag, age (18 to 80) and annual income in k$ (15 to 150, highest in mid-life)."""
    female = rng.random(n) < 0.56
    age = np.clip(np.round(17.5 + rng.gamma(3.0, 8.0, n)), 18, 80).astype(np.int64)
    log_income = np.log(58) - 0.3 * ((age - 47) / 25.0) ** 2 + rng.normal(0, 0.45, n)
    income = np.clip(np.round(np.exp(log_income)), 15, 150).astype(np.int64)
    return female, age, income


def _countries(rng: np.random.Generator, n: int) -> np.ndarray:
    """One country per customer (an index into COUNTRIES), the UK for about 87 %."""
    weights = np.array([c[1] for c in COUNTRIES], dtype=float)
    weights = weights / weights.sum() * (1 - UK_CUSTOMER_SHARE)
    weights[UK] = UK_CUSTOMER_SHARE
    return rng.choice(len(COUNTRIES), size=n, p=weights)


def _kinds(rng: np.random.Generator, income_z: np.ndarray) -> np.ndarray:
    """The kind of each customer, tilted by income: richer customers are more often champions."""
    prob = KIND_PROB[None, :] * np.exp(KIND_INCOME_TILT[None, :] * income_z[:, None])
    cumulative = np.cumsum(prob / prob.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(income_z.size)[:, None] > cumulative).sum(axis=1), NEW)


def _active_windows(
    rng: np.random.Generator, kind: np.ndarray, n_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """First and last day each customer may buy: late starters, churners, new customers."""
    n = kind.size
    established = np.isin(kind, ESTABLISHED)
    start = np.zeros(n, dtype=np.int64)
    late = established & (rng.random(n) < 0.45)
    start[late] = rng.integers(0, int(0.7 * n_days), size=int(late.sum()))
    churned = kind == CHURNED
    late_churn = churned & (rng.random(n) < 0.4)
    start[late_churn] = rng.integers(0, 90, size=int(late_churn.sum()))
    new = kind == NEW
    start[new] = rng.integers(n_days - 110, n_days - 15, size=int(new.sum()))
    end = np.full(n, n_days - 1, dtype=np.int64)
    end[churned] = np.minimum(
        start[churned] + rng.integers(40, 220, int(churned.sum())), n_days - 120
    )
    return start, end


def _order_counts(
    rng: np.random.Generator, kind: np.ndarray, rate: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Orders per customer: Poisson at a yearly ``rate`` over the active window (1 to 220)."""
    years = (end - start + 1) / 365.0
    n_orders = rng.poisson(rate * years)
    n_orders = np.maximum(n_orders, np.where(np.isin(kind, ESTABLISHED), 2, 1))
    n_orders[kind == ONE_OFF] = 1
    return np.minimum(n_orders, 220)


def _serial_returners(
    rng: np.random.Generator, kind: np.ndarray, n_orders: np.ndarray
) -> np.ndarray:
    """A handful of customers with few orders who send (almost) everything back."""
    candidates = np.flatnonzero(~np.isin(kind, ESTABLISHED) & (kind != CHAMPION) & (n_orders <= 4))
    n_serial = min(max(2, round(0.002 * kind.size)), candidates.size)
    serial_returner = np.zeros(kind.size, dtype=bool)
    serial_returner[rng.choice(candidates, size=n_serial, replace=False)] = True
    return serial_returner
