"""BG/NBD: parameter recovery and the closed forms, against customers simulated from the model."""

from __future__ import annotations

import numpy as np
import pytest

from segmenta.models.bgnbd import (
    BgNbdParams,
    bgnbd_inputs,
    fit_bgnbd,
    log_likelihood,
    probability_alive,
    probability_no_purchase,
)

TRUE = BgNbdParams(r=0.6, alpha=12.0, a=0.8, b=2.5)


def simulate(params: BgNbdParams, n: int, seed: int, horizon: float = 60.0):
    """(x, t_x, T, bought_in_horizon) for ``n`` customers drawn from the BG/NBD story."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(params.r, 1.0 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    T = rng.uniform(100.0, 365.0, n)
    x, t_x, t = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    waiting = np.ones(n, dtype=bool)  # still inside (0, T]
    while waiting.any():
        t_next = t + rng.exponential(1.0 / lam)
        buy = waiting & (t_next <= T)
        x[buy] += 1
        t_x[buy] = t[buy] = t_next[buy]
        died = buy & (rng.random(n) < p)
        alive &= ~died
        waiting = buy & ~died
    # the future window (T, T + horizon]: only the living buy, at their rate (memoryless)
    bought = alive & (rng.exponential(1.0 / lam) <= horizon)
    return x, t_x, T, bought


def test_fit_recovers_simulated_parameters() -> None:
    x, t_x, T, _ = simulate(TRUE, 6000, seed=1)
    fitted = fit_bgnbd(x, t_x, T)
    assert fitted.r == pytest.approx(TRUE.r, rel=0.2)
    assert fitted.alpha == pytest.approx(TRUE.alpha, rel=0.25)
    assert fitted.a / (fitted.a + fitted.b) == pytest.approx(TRUE.a / (TRUE.a + TRUE.b), abs=0.06)
    # a maximum-likelihood fit is at least as likely as the truth
    assert log_likelihood(fitted, x, t_x, T).sum() >= log_likelihood(TRUE, x, t_x, T).sum()


def test_probability_of_no_purchase_matches_simulated_future() -> None:
    x, t_x, T, bought = simulate(TRUE, 8000, seed=2, horizon=60.0)
    p_none = probability_no_purchase(TRUE, x, t_x, T, horizon=60.0)
    assert p_none.mean() == pytest.approx(1 - bought.mean(), abs=0.02)
    # and it ranks: the customers it calls likely to buy do buy more often
    likely = p_none < np.median(p_none)
    assert bought[likely].mean() > bought[~likely].mean() + 0.1


def test_alive_is_certain_without_repeat_purchases() -> None:
    alive = probability_alive(
        TRUE, np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.array([10.0, 300.0])
    )
    assert alive.tolist() == [1.0, 1.0]


def test_alive_falls_as_the_last_purchase_gets_older() -> None:
    t_x = np.array([300.0, 200.0, 100.0, 10.0])
    alive = probability_alive(TRUE, np.full(4, 5.0), t_x, np.full(4, 300.0))
    assert np.all(np.diff(alive) < 0)
    assert alive.min() > 0
    assert alive.max() <= 1


def test_no_purchase_grows_with_recency_and_is_a_probability() -> None:
    p = probability_no_purchase(
        TRUE, np.full(3, 4.0), np.array([290.0, 150.0, 20.0]), np.full(3, 300.0), 90
    )
    assert np.all(np.diff(p) > 0)
    assert np.all((p > 0) & (p < 1))


def test_extreme_inputs_raise_no_warning() -> None:  # warnings are errors in this suite
    p = probability_no_purchase(TRUE, np.array([500.0]), np.array([0.0]), np.array([3000.0]), 90)
    assert 0.99 < p[0] <= 1.0


def test_inputs_from_features() -> None:
    x, t_x, T = bgnbd_inputs(np.array([10.0]), np.array([40.0]), np.array([3.0]))
    assert (x[0], t_x[0], T[0]) == (2.0, 30.0, 40.0)


def test_fit_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError, match="t_x <= T"):
        fit_bgnbd(np.array([1.0]), np.array([50.0]), np.array([10.0]))
    with pytest.raises(ValueError, match="at least one customer"):
        fit_bgnbd(np.array([]), np.array([]), np.array([]))
