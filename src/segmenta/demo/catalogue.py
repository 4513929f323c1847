"""The product catalogue: stock codes, names, list prices, popularity, and how lines pick them.

A long tail of products: Zipf-Mandelbrot popularity, log-normal prices, colour variants such as
``85123A``/``85123B`` that share a design's price, and Christmas lines that sell mostly in the
autumn. After the products come the non-product codes of the real export (postage, fees,
manual lines, charity). Quantities snap to wholesale pack sizes; large quantities get a discount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faker import Faker

from segmenta.demo.product_names import COLOURS, product_pattern

# Non-product codes of the real export and their descriptions.
SPECIAL_CODES: tuple[tuple[str, str], ...] = (
    ("POST", "POSTAGE"),
    ("DOT", "DOTCOM POSTAGE"),
    ("M", "Manual"),
    ("BANK CHARGES", "Bank Charges"),
    ("AMAZONFEE", "AMAZON FEE"),
    ("CRUK", "CRUK Commission"),
)
# Colour variants of one design get these suffixes on the design's stock code.
VARIANT_LETTERS = "ABCDEFG"
# Share of product lines that are Christmas lines, by calendar month (January first).
XMAS_SHARE = np.array([0.004, 0.004, 0.006, 0.006, 0.008, 0.01, 0.02, 0.05, 0.12, 0.18, 0.2, 0.1])

# Order quantities snap to pack sizes, as wholesale customers order them.
PACK_SIZES = np.array(
    [
        1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 25, 32, 36, 48, 50, 60, 72, 96, 100, 120, 144,
        192, 200, 240, 288, 300, 400, 480, 500, 576, 600, 720, 800, 960, 1000, 1200, 1440,
    ]
)  # fmt: skip


@dataclass(frozen=True)
class Catalogue:
    """Every stock code with its description; prices and popularity of the products."""

    codes: list[str]  # products first, then the special codes
    descriptions: list[str]
    price: np.ndarray  # list price of each product
    regular: np.ndarray  # indices of regular products
    regular_p: np.ndarray  # their popularity (sums to 1)
    xmas: np.ndarray  # indices of Christmas products
    xmas_p: np.ndarray
    n_products: int

    def special(self, code: str) -> int:
        """The index of a non-product code such as ``"POST"`` in :attr:`codes`."""
        return self.n_products + [c for c, _ in SPECIAL_CODES].index(code)


def n_products_for(n_customers: int) -> int:
    """How many products a shop of ``n_customers`` sells (600 to 2,600)."""
    return int(np.clip(round(600 + 0.36 * n_customers), 600, 2600))


def build_catalogue(n_products: int, rng: np.random.Generator, fake: Faker) -> Catalogue:
    """``n_products`` products with unique names, prices and popularity, then the special codes.

    Draws the design codes from ``rng``, the names from ``fake``, then prices and popularity from
    ``rng``. A Python loop over designs: only names are made here, no data rows.
    """
    base_codes = rng.choice(np.arange(10002, 90215), size=n_products, replace=False)
    codes: list[str] = []
    descriptions: list[str] = []
    xmas_flags: list[bool] = []
    design_of: list[int] = []  # variants of one design share their list price
    seen: set[str] = set()

    for design, base_code in enumerate(base_codes.tolist()):
        if len(codes) >= n_products:
            break
        is_xmas_design = fake.random_int(0, 99) < 7
        n_variants = fake.random_element((2, 2, 2, 3, 3, 4)) if fake.random_int(0, 99) < 12 else 1
        n_variants = min(n_variants, n_products - len(codes))
        for _ in range(500):
            pattern = product_pattern(fake, is_xmas_design, with_colour=n_variants > 1)
            colours = fake.random_elements(COLOURS, length=n_variants, unique=True)
            names = [pattern.format(col=c) for c in colours]
            if seen.isdisjoint(names) and len(set(names)) == n_variants:
                break
        else:  # pragma: no cover - the word lists allow millions of names
            raise RuntimeError("product word lists are too small")
        seen.update(names)
        suffixes = list(VARIANT_LETTERS[:n_variants]) if n_variants > 1 else [""]
        for suffix, name in zip(suffixes, names, strict=True):
            codes.append(f"{base_code}{suffix}")
            descriptions.append(name)
            xmas_flags.append(is_xmas_design)
            design_of.append(design)

    is_xmas = np.array(xmas_flags)
    # Log-normal list prices; Christmas lines a little cheaper; shop-like rounding.
    design_price = np.exp(rng.normal(np.log(2.3), 0.8, size=base_codes.size))
    raw = design_price[np.array(design_of)] * np.where(is_xmas, 0.8, 1.0)
    raw = np.clip(raw, 0.29, 49.95)
    price = np.where(raw < 1.0, np.round(raw, 2), np.round(raw * 20) / 20)
    price = np.round(np.maximum(price, 0.29), 2)
    # Zipf-Mandelbrot popularity by a random rank (a flat head, no single product above about
    # 1 % of lines) with a tail of products that hardly sell.
    rank = rng.permutation(n_products) + 1.0
    noise = rng.normal(0, 0.3, n_products)
    weight = (rank + 30.0) ** -0.8 * np.exp(-3.5 * rank / n_products + noise)
    regular = np.flatnonzero(~is_xmas)
    xmas_products = np.flatnonzero(is_xmas)
    return Catalogue(
        codes=codes + [c for c, _ in SPECIAL_CODES],
        descriptions=descriptions + [d for _, d in SPECIAL_CODES],
        price=price,
        regular=regular,
        regular_p=weight[regular] / weight[regular].sum(),
        xmas=xmas_products,
        xmas_p=weight[xmas_products] / weight[xmas_products].sum(),
        n_products=n_products,
    )


def pick_products(rng: np.random.Generator, catalogue: Catalogue, month: np.ndarray) -> np.ndarray:
    """One product per line from the seasonal mix of regular and Christmas products."""
    is_xmas = (rng.random(month.size) < XMAS_SHARE[month]) & (catalogue.xmas.size > 0)
    products = np.empty(month.size, dtype=np.int64)
    if is_xmas.any():
        products[is_xmas] = rng.choice(catalogue.xmas, size=int(is_xmas.sum()), p=catalogue.xmas_p)
    products[~is_xmas] = rng.choice(
        catalogue.regular, size=int((~is_xmas).sum()), p=catalogue.regular_p
    )
    return products


def quantities(rng: np.random.Generator, price: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """Pack-size quantities around ``exp(log_scale)`` at a price of 2; cheap items by the dozen."""
    log_q = log_scale - 0.6 * np.log(np.maximum(price, 0.1) / 2.0) + rng.normal(0, 0.6, price.size)
    mids = np.sqrt(PACK_SIZES[:-1] * PACK_SIZES[1:])
    return PACK_SIZES[np.searchsorted(mids, np.exp(log_q))].astype(np.int64)


def line_prices(price: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Unit price of a line: list price with a discount for large quantities."""
    return np.where((qty >= 48) & (price >= 0.5), np.round(price * 0.85, 2), price)
