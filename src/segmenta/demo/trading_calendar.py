"""The shop's trading calendar: which days it is open, how busy each day is, business hours.

The demo period runs from 2024-12-01 to 2025-12-09. The shop is closed between Christmas and
New Year and on the 2025 bank holidays of England, does not trade on Saturdays, trades little on
Sundays, is quiet in the first half-year and peaks in November.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START_DAY = np.datetime64("2024-12-01", "D")
END_DAY = np.datetime64("2025-12-09", "D")

# Shop closed: Christmas to New Year, and the 2025 bank holidays of England.
CLOSED_DAYS = np.concatenate(
    [
        np.arange(np.datetime64("2024-12-23"), np.datetime64("2025-01-04")),
        np.array(
            ["2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25"],
            dtype="datetime64[D]",
        ),
    ]
)
# Relative daily trade by calendar month (January first): quiet spring, autumn peak.
MONTH_WEIGHT = np.array([0.62, 0.60, 0.78, 0.64, 0.80, 0.76, 0.74, 0.76, 1.05, 1.22, 1.60, 1.05])
# Monday first; no Saturday trade, a short Sunday.
WEEKDAY_WEIGHT = np.array([1.0, 1.05, 1.10, 1.20, 0.80, 0.0, 0.62])
# Hours 07:00 to 20:59.
HOUR_WEIGHT = np.array(
    [0.01, 0.04, 0.08, 0.12, 0.14, 0.15, 0.14, 0.12, 0.09, 0.05, 0.03, 0.015, 0.01, 0.005]
)
FIRST_HOUR = 7
#: The last minute of business hours (20:59), in minutes after midnight.
LAST_MINUTE = 20 * 60 + 59


@dataclass(frozen=True)
class TradingCalendar:
    """Every day of the demo period with its month, trade weight and next open day."""

    days: np.ndarray  # datetime64[D], every day of the period
    month: np.ndarray  # calendar month 0..11 of each day
    cdf: np.ndarray  # cumulative trade weight, with a leading 0 (len(days) + 1)
    next_open: np.ndarray  # first open day on or after each day

    @classmethod
    def build(cls) -> TradingCalendar:
        """The calendar of the demo period (no random draws)."""
        days = np.arange(START_DAY, END_DAY + 1)
        month = days.astype("datetime64[M]").astype(np.int64) % 12
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        weight = MONTH_WEIGHT[month] * WEEKDAY_WEIGHT[weekday]
        weight[np.isin(days, CLOSED_DAYS)] = 0.0
        cdf = np.concatenate([[0.0], np.cumsum(weight)])
        open_index = np.where(weight > 0, np.arange(days.size), days.size)
        next_open = np.minimum.accumulate(open_index[::-1])[::-1]
        return cls(days=days, month=month, cdf=cdf, next_open=next_open)

    @property
    def n_days(self) -> int:
        """The number of days in the period, open or not."""
        return int(self.days.size)

    def sample_days(self, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """One open day per element, between ``lo`` and ``hi`` inclusive, seasonally weighted."""
        lo = np.asarray(lo, dtype=np.int64)
        hi = np.asarray(hi, dtype=np.int64)
        below = self.cdf[lo]
        above = self.cdf[hi + 1]
        u = below + rng.random(lo.shape) * (above - below)
        day = np.searchsorted(self.cdf[1:], u, side="right")
        return np.clip(day, lo, hi)

    def sample_minutes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` times of day as minutes after midnight, within business hours."""
        hour = rng.choice(HOUR_WEIGHT.size, size=n, p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
        return (FIRST_HOUR + hour) * 60 + rng.integers(0, 60, size=n)
