"""The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way").

A churn baseline that needs no labels: each customer buys at a Poisson rate lambda ~
Gamma(r, alpha) while alive, and after each purchase drops out with probability p ~ Beta(a, b).
From a customer's repeat purchases ``x``, the time of the last one ``t_x`` and the age ``T``
(time since the first purchase) it gives the probability the customer is still alive and the
probability of no purchase in the next ``h`` time units. Written with numpy/scipy here because
the maintained library for it (``lifetimes``) is unmaintained since 2020 and needs pandas.

Time is in days; ``x`` counts repeat purchase days (distinct days with a purchase - 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln

#: the optimiser works on log-parameters within these bounds (parameters e^-12 .. e^12)
LOG_BOUND = 12.0


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD parameters: purchase rates ~ Gamma(r, alpha), drop-out ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict[str, float]:
        """The parameters by name (as stored in ``parameters -> churn -> bgnbd_params``)."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


def _validate(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
    if not (x.shape == t_x.shape == T.shape):
        raise ValueError("x, t_x and T must have the same shape")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T):
        raise ValueError("BG/NBD inputs need x >= 0 and 0 <= t_x <= T")


def log_likelihood(
    params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-customer log-likelihood (equation 6 of Fader, Hardie and Lee 2005)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x_pos = np.maximum(x, 1.0)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    a3 = np.where(
        x > 0,
        betaln(a + 1, b + x_pos - 1) - betaln(a, b) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return a1 + np.logaddexp(a2, a3)


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> BgNbdParams:
    """Maximum-likelihood parameters (L-BFGS-B on log-parameters, deterministic start)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    _validate(x, t_x, T)
    if x.size == 0:
        raise ValueError("BG/NBD needs at least one customer")

    def objective(log_params: np.ndarray) -> float:
        r, alpha, a, b = np.exp(log_params)
        return -float(np.mean(log_likelihood(BgNbdParams(r, alpha, a, b), x, t_x, T)))

    start = np.array([0.0, np.log(max(float(T.mean()), 1.0)), 0.0, 0.0])
    result = minimize(objective, start, method="L-BFGS-B", bounds=[(-LOG_BOUND, LOG_BOUND)] * 4)
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    return BgNbdParams(r, alpha, a, b)


def probability_alive(
    params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """P(alive at T | x, t_x, T); 1 for customers with no repeat purchase."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x_pos = np.maximum(x, 1.0)
    log_odds = (
        np.log(a) - np.log(b + x_pos - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    )
    return np.where(x > 0, expit(-log_odds), 1.0)


def probability_no_purchase(
    params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, horizon: float
) -> np.ndarray:
    """P(no purchase in (T, T + horizon] | x, t_x, T): dead, or alive and buying nothing.

    Alive customers keep their posterior rate Gamma(r + x, alpha + T), so
    P(no purchase | alive) = ((alpha + T) / (alpha + T + horizon)) ** (r + x).
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    alive = probability_alive(params, x, t_x, T)
    quiet = np.exp((params.r + x) * (np.log(params.alpha + T) - np.log(params.alpha + T + horizon)))
    return (1.0 - alive) + alive * quiet


def bgnbd_inputs(
    recency_days: np.ndarray, tenure_days: np.ndarray, purchase_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) from the customer features: repeat purchase days, last and age in days."""
    T = np.asarray(tenure_days, dtype=float)
    t_x = T - np.asarray(recency_days, dtype=float)
    x = np.asarray(purchase_days, dtype=float) - 1.0
    return x, t_x, T
