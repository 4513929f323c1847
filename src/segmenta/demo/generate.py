"""Deterministic synthetic retail data shaped like the UCI *Online Retail* export.

:func:`generate_invoices` returns two Polars frames, the invoice lines (the eight columns of
the real export, same names, order and dtypes) and a small customer table with demographics;
:func:`write_demo_data` writes them to disk. The same seed gives byte-identical files.

What the data contains, so that the dashboard and the models have something to show:

* 2024-12-01 to 2025-12-09, closed between Christmas and New Year and on UK bank holidays,
  no Saturday trade, business hours only, a November peak and a quiet first half-year;
* a long tail of products (Zipf-Mandelbrot popularity, log-normal prices, colour variants such as
  ``85123A``/``85123B``, Christmas lines that only sell in the autumn) and the non-product
  codes of the real file: ``POST``, ``DOT``, ``M``, ``BANK CHARGES``, ``AMAZONFEE``, ``CRUK``;
* customers of different kinds (champions, loyal regulars, occasional buyers, one-off buyers,
  customers who churned months ago, new customers), each with one country (about 87 % in the
  United Kingdom) and demographics mildly tied to behaviour (income -> frequency and basket);
* guest sales without CustomerID (about 22 % of lines), cancellations and returns on ``C``
  invoices (about 2 % of lines, a few customers return everything), lines priced 0 and about
  0.5 % exact duplicate lines.

Everything is vectorised with numpy; only the product catalogue is built in a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from faker import Faker

__all__ = [
    "CUSTOMER_SCHEMA",
    "INVOICE_SCHEMA",
    "GeneratedFiles",
    "generate_invoices",
    "write_demo_data",
]

#: Columns of the invoice export, in order, with their dtypes.
INVOICE_SCHEMA: dict[str, pl.DataType] = {
    "InvoiceNo": pl.String(),
    "StockCode": pl.String(),
    "Description": pl.String(),
    "Quantity": pl.Int64(),
    "InvoiceDate": pl.Datetime("us"),
    "UnitPrice": pl.Float64(),
    "CustomerID": pl.Float64(),
    "Country": pl.String(),
}

#: Columns of the customer table, in order, with their dtypes.
CUSTOMER_SCHEMA: dict[str, pl.DataType] = {
    "CustomerID": pl.Int64(),
    "Gender": pl.String(),
    "Age": pl.Int64(),
    "Annual Income (k$)": pl.Int64(),
}

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

START_DAY = np.datetime64("2024-12-01", "D")
END_DAY = np.datetime64("2025-12-09", "D")
FIRST_INVOICE_NO = 536365
FIRST_CUSTOMER_ID = 12346

# Shop closed: Christmas to New Year, and the 2025 bank holidays of England.
_CLOSED_DAYS = np.concatenate(
    [
        np.arange(np.datetime64("2024-12-23"), np.datetime64("2025-01-04")),
        np.array(
            ["2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25"],
            dtype="datetime64[D]",
        ),
    ]
)
# Relative daily trade by calendar month (January first): quiet spring, autumn peak.
_MONTH_WEIGHT = np.array([0.62, 0.60, 0.78, 0.64, 0.80, 0.76, 0.74, 0.76, 1.05, 1.22, 1.60, 1.05])
# Monday first; no Saturday trade, a short Sunday.
_WEEKDAY_WEIGHT = np.array([1.0, 1.05, 1.10, 1.20, 0.80, 0.0, 0.62])
# Hours 07:00 to 20:59.
_HOUR_WEIGHT = np.array(
    [0.01, 0.04, 0.08, 0.12, 0.14, 0.15, 0.14, 0.12, 0.09, 0.05, 0.03, 0.015, 0.01, 0.005]
)
_FIRST_HOUR = 7
_LAST_MINUTE = 20 * 60 + 59
# Share of product lines that are Christmas lines, by calendar month (January first).
_XMAS_SHARE = np.array([0.004, 0.004, 0.006, 0.006, 0.008, 0.01, 0.02, 0.05, 0.12, 0.18, 0.2, 0.1])

# (country as the export spells it, customers in the real file, share of guest invoices)
_COUNTRIES: tuple[tuple[str, float, float], ...] = (
    ("United Kingdom", 0.0, 0.955),
    ("Germany", 95, 0.003),
    ("France", 87, 0.006),
    ("Spain", 31, 0.0),
    ("Belgium", 25, 0.0),
    ("Switzerland", 21, 0.004),
    ("Portugal", 19, 0.002),
    ("Italy", 15, 0.0),
    ("Finland", 12, 0.0),
    ("Austria", 11, 0.0),
    ("Norway", 10, 0.0),
    ("Netherlands", 9, 0.0),
    ("Australia", 9, 0.0),
    ("Channel Islands", 9, 0.0),
    ("Denmark", 9, 0.0),
    ("Cyprus", 8, 0.0),
    ("Sweden", 8, 0.0),
    ("Japan", 8, 0.0),
    ("Poland", 6, 0.0),
    ("EIRE", 6, 0.012),
    ("USA", 4, 0.0),
    ("Canada", 4, 0.0),
    ("Israel", 4, 0.002),
    ("Greece", 4, 0.0),
    ("Unspecified", 3, 0.006),
    ("Malta", 2, 0.0),
    ("United Arab Emirates", 2, 0.0),
    ("Bahrain", 2, 0.001),
    ("Iceland", 1, 0.0),
    ("Lithuania", 1, 0.0),
    ("Czech Republic", 1, 0.0),
    ("Lebanon", 1, 0.0),
    ("RSA", 1, 0.0),
    ("Saudi Arabia", 1, 0.0),
    ("Singapore", 1, 0.0),
    ("Brazil", 1, 0.0),
    ("European Community", 1, 0.0),
    ("Hong Kong", 0, 0.009),
)
_UK_CUSTOMER_SHARE = 0.87
_UK = 0
_UNSPECIFIED = [c[0] for c in _COUNTRIES].index("Unspecified")
# Countries whose few customers are large wholesalers in the real file.
_BIG_BUYER_COUNTRIES = ("EIRE", "Netherlands", "Australia")

# Non-product codes of the real export and their descriptions.
_SPECIAL_CODES: tuple[tuple[str, str], ...] = (
    ("POST", "POSTAGE"),
    ("DOT", "DOTCOM POSTAGE"),
    ("M", "Manual"),
    ("BANK CHARGES", "Bank Charges"),
    ("AMAZONFEE", "AMAZON FEE"),
    ("CRUK", "CRUK Commission"),
)

# Order quantities snap to pack sizes, as wholesale customers order them.
_PACK_SIZES = np.array(
    [
        1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 25, 32, 36, 48, 50, 60, 72, 96, 100, 120, 144,
        192, 200, 240, 288, 300, 400, 480, 500, 576, 600, 720, 800, 960, 1000, 1200, 1440,
    ]
)  # fmt: skip

# Customer kinds: probability (before the income tilt), orders per year as gamma(shape,
# scale), mean lines per order. One-off buyers always have one order.
_CHAMPION, _LOYAL, _OCCASIONAL, _ONE_OFF, _CHURNED, _NEW = range(6)
_KIND_PROB = np.array([0.03, 0.23, 0.23, 0.16, 0.19, 0.16])
_KIND_INCOME_TILT = np.array([0.45, 0.25, 0.05, -0.15, -0.05, 0.0])
_KIND_RATE = np.array([[3.0, 14.0], [3.0, 3.6], [2.5, 1.7], [1.0, 1.0], [2.0, 4.5], [2.0, 7.0]])
_KIND_BASKET = np.array([12.0, 7.4, 6.0, 5.0, 5.5, 5.5])
_FAVOURITES = 12
# Share of all lines that are guest sales without a CustomerID.
_GUEST_SHARE = 0.22

# Word lists for product names.
_COLOURS = (
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "BLACK", "SILVER", "GOLD",
    "PURPLE", "ORANGE", "YELLOW", "LIGHT PINK", "BABY BLUE", "PASTEL", "ASSORTED COLOUR",
    "NATURAL", "BROWN", "TURQUOISE", "LILAC", "MINT GREEN", "RED/WHITE", "BLUE/WHITE",
)  # fmt: skip
_MOTIFS = (
    "RETROSPOT", "POLKADOT", "VINTAGE", "REGENCY", "PAISLEY", "SPACEBOY", "DOLLY GIRL",
    "WOODLAND", "SKULL", "HEART", "ROSE", "STRAWBERRY", "FLORAL", "BIRD", "BUTTERFLY", "OWL",
    "PANTRY", "VICTORIAN", "BAROQUE", "FAIRY", "JUNGLE", "CIRCUS PARADE", "ENGLISH ROSE",
    "UNION JACK", "LOVE", "PARIS", "APPLE", "RABBIT", "DINOSAUR", "ANTIQUE", "FRENCH",
    "SCANDINAVIAN", "GINGHAM", "ALPHABET", "DOILY", "LEAF", "CHERRY", "ORIENTAL", "MOROCCAN",
    "HEN HOUSE", "SEASIDE", "BICYCLE", "TEA PARTY", "KITCHEN", "GARDEN", "SWALLOW", "CAT",
    "DOG", "STAR", "SPOTTY", "STRIPY", "CHECK", "LACE", "SWEETHEART", "RAINBOW", "COTTAGE",
    "EDWARDIAN", "ART DECO", "RETRO", "ROBOT", "PIRATE", "PRINCESS", "TOADSTOOL", "MOUSE",
    "ELEPHANT",
)  # fmt: skip
_MATERIALS = (
    "WOODEN", "CERAMIC", "GLASS", "ENAMEL", "METAL", "ZINC", "TIN", "PAPER", "FELT", "WICKER",
    "FABRIC", "LEATHER", "PORCELAIN", "CRYSTAL", "WIRE", "BAMBOO", "CANVAS", "RUSTIC",
)  # fmt: skip
_NOUNS = (
    "T-LIGHT HOLDER", "LANTERN", "CAKESTAND 3 TIER", "LUNCH BAG", "JUMBO BAG", "SHOPPER", "MUG",
    "TEACUP AND SAUCER", "CAKE CASES", "NAPKINS", "BUNTING", "CUSHION COVER", "DOORMAT",
    "PHOTO FRAME", "ALARM CLOCK", "WALL CLOCK", "HOT WATER BOTTLE", "NIGHT LIGHT",
    "WATER BOTTLE", "STORAGE JAR", "TRINKET BOX", "JEWELLERY BOX", "NOTEBOOK", "GIFT WRAP",
    "GIFT TAGS", "WRAPPING PAPER", "PLATE", "BOWL", "BEAKER", "TISSUES", "PURSE", "COAT HANGER",
    "HOOK", "SIGN", "BIRDHOUSE", "PLANTER", "CANDLE", "VOTIVE HOLDER", "MIRROR", "SPOON",
    "TEA TOWEL", "APRON", "OVEN GLOVE", "STICKERS", "RIBBON", "BAG CHARM", "KEY RING", "PEG BAG",
    "LAUNDRY BAG", "WASHBAG", "DRAWER KNOB", "BUTTON BOX", "SEWING KIT", "PARASOL", "UMBRELLA",
    "HAND WARMER", "PICNIC BASKET", "TRAY", "CARD HOLDER", "PENCILS", "CHALKBOARD",
    "MEMO BOARD", "RECIPE BOX", "LUNCH BOX", "SNACK BOX", "PLAYING CARDS", "JIGSAW",
    "BOTTLE OPENER", "MILK JUG", "TEAPOT", "EGG CUP", "DOOR STOP", "STRING OF LIGHTS",
    "WALL ART", "FRIDGE MAGNET", "COASTER", "PLACEMAT", "TABLE RUNNER", "PARTY CUPS",
    "PARTY BAGS", "PAPER PLATES", "STRAWS", "BALLOONS", "CANDLE HOLDER", "FLOWER POT",
    "WATERING CAN", "THERMOMETER", "KITCHEN SCALES", "COOKIE CUTTER", "BAKING SET", "TEA TIN",
    "BISCUIT TIN", "CHOPPING BOARD", "WALL TIDY", "HANGING HEART", "GARLAND", "WREATH", "BELL",
    "DRAWER LINER", "GLASS JAR", "TOTE BAG", "BACKPACK", "POUFFE", "BLANKET", "QUILT",
    "NAPKIN RING", "SALT AND PEPPER POTS", "WINE GLASS", "TUMBLER", "TEA LIGHTS",
)  # fmt: skip
_XMAS_WORDS = ("CHRISTMAS", "XMAS", "FESTIVE", "NOEL", "WINTER", "SNOWY")
_XMAS_NOUNS = (
    "TREE DECORATION", "BAUBLE", "HANGING STAR", "STOCKING", "ADVENT CALENDAR",
    "PAPER CHAIN KIT", "CRACKERS", "TREE TOPPER", "SNOWFLAKE", "ANGEL", "REINDEER", "SANTA",
    "SLEIGH", "GINGERBREAD MAN", "NATIVITY SET", "FELT TREE", "CANDLE RING", "GIFT BAG",
    "TEA LIGHT GARLAND", "SNOW GLOBE",
)  # fmt: skip
_VARIANT_LETTERS = "ABCDEFG"


@dataclass(frozen=True)
class GeneratedFiles:
    """Files written by :func:`write_demo_data` and their sizes."""

    invoices: Path  # the invoice export
    customers: Path  # the customer table
    n_lines: int
    n_customers: int


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class _Calendar:
    days: np.ndarray  # datetime64[D], every day of the period
    month: np.ndarray  # calendar month 0..11 of each day
    cdf: np.ndarray  # cumulative trade weight, with a leading 0 (len(days) + 1)
    next_open: np.ndarray  # first open day on or after each day

    @classmethod
    def build(cls) -> _Calendar:
        days = np.arange(START_DAY, END_DAY + 1)
        month = days.astype("datetime64[M]").astype(np.int64) % 12
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        weight = _MONTH_WEIGHT[month] * _WEEKDAY_WEIGHT[weekday]
        weight[np.isin(days, _CLOSED_DAYS)] = 0.0
        cdf = np.concatenate([[0.0], np.cumsum(weight)])
        open_idx = np.where(weight > 0, np.arange(days.size), days.size)
        next_open = np.minimum.accumulate(open_idx[::-1])[::-1]
        return cls(days=days, month=month, cdf=cdf, next_open=next_open)

    @property
    def n_days(self) -> int:
        return int(self.days.size)

    def sample_days(self, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """One open day per element, between ``lo`` and ``hi`` inclusive, seasonally weighted."""
        lo = np.asarray(lo, dtype=np.int64)
        hi = np.asarray(hi, dtype=np.int64)
        a = self.cdf[lo]
        b = self.cdf[hi + 1]
        u = a + rng.random(lo.shape) * (b - a)
        day = np.searchsorted(self.cdf[1:], u, side="right")
        return np.clip(day, lo, hi)

    def sample_minutes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Minutes after midnight within business hours."""
        hour = rng.choice(_HOUR_WEIGHT.size, size=n, p=_HOUR_WEIGHT / _HOUR_WEIGHT.sum())
        return (_FIRST_HOUR + hour) * 60 + rng.integers(0, 60, size=n)


# --------------------------------------------------------------------------- products


@dataclass(frozen=True)
class _Catalogue:
    codes: list[str]  # products first, then the special codes
    descriptions: list[str]
    price: np.ndarray  # list price of each product
    regular: np.ndarray  # indices of regular products
    regular_p: np.ndarray  # their popularity (sums to 1)
    xmas: np.ndarray  # indices of Christmas products
    xmas_p: np.ndarray
    n_products: int

    def special(self, code: str) -> int:
        return self.n_products + [c for c, _ in _SPECIAL_CODES].index(code)


def _plural(noun: str) -> str:
    if noun.endswith("S"):
        return noun
    if noun.endswith(("X", "CH", "SH")):
        return noun + "ES"
    if noun.endswith("Y") and noun[-2:-1] not in "AEIOU":
        return noun[:-1] + "IES"
    return noun + "S"


def _product_pattern(fake: Faker, xmas: bool, with_colour: bool) -> str:
    """An uppercase product name in the style of the export, ``{col}`` left for the colour.

    ``with_colour`` forces a pattern that names the colour (for colour variants).
    """
    pick = fake.random_element
    motif, material, noun = pick(_MOTIFS), pick(_MATERIALS), pick(_NOUNS)
    n = pick((2, 3, 4, 6, 12))
    if xmas:
        word, xnoun = pick(_XMAS_WORDS), pick(_XMAS_NOUNS)
        coloured = (
            f"{{col}} {word} {xnoun}",
            f"{word} {xnoun} {{col}}",
            f"SET OF {n} {{col}} {word} {_plural(xnoun)}",
            f"{{col}} {word} {noun}",
        )
        plain = (f"{material} {word} {xnoun}", f"{word} {motif} {xnoun}")
    else:
        pack = pick((6, 10, 12, 20, 24, 36, 60, 72, 100))
        name = fake.first_name_female().upper()
        coloured = (
            f"{{col}} {motif} {noun}",
            f"{noun} {{col}} {motif}",
            f"{{col}} {material} {noun}",
            f"{name} {noun} {{col}}",
            f"SET OF {n} {{col}} {motif} {_plural(noun)}",
            f"PACK OF {pack} {motif} {_plural(noun)} {{col}}",
        )
        plain = (
            f"{material} {motif} {noun}",
            f"{motif} DESIGN {noun}",
            f"{noun} {motif}",
            f"{name} {noun}",
        )
    return pick(coloured if with_colour else coloured + plain)


def _n_products(n_customers: int) -> int:
    return int(np.clip(round(600 + 0.36 * n_customers), 600, 2600))


def _build_catalogue(n_products: int, rng: np.random.Generator, fake: Faker) -> _Catalogue:
    base_codes = rng.choice(np.arange(10002, 90215), size=n_products, replace=False)
    codes: list[str] = []
    descriptions: list[str] = []
    xmas_flags: list[bool] = []
    base_of: list[int] = []  # variants of one design share their list price
    seen: set[str] = set()

    for i, base in enumerate(base_codes.tolist()):
        if len(codes) >= n_products:
            break
        xmas = fake.random_int(0, 99) < 7
        n_variants = fake.random_element((2, 2, 2, 3, 3, 4)) if fake.random_int(0, 99) < 12 else 1
        n_variants = min(n_variants, n_products - len(codes))
        for _ in range(500):
            pattern = _product_pattern(fake, xmas, with_colour=n_variants > 1)
            colours = fake.random_elements(_COLOURS, length=n_variants, unique=True)
            names = [pattern.format(col=c) for c in colours]
            if seen.isdisjoint(names) and len(set(names)) == n_variants:
                break
        else:  # pragma: no cover - the word lists allow millions of names
            raise RuntimeError("product word lists are too small")
        seen.update(names)
        suffixes = list(_VARIANT_LETTERS[:n_variants]) if n_variants > 1 else [""]
        for suffix, name in zip(suffixes, names, strict=True):
            codes.append(f"{base}{suffix}")
            descriptions.append(name)
            xmas_flags.append(xmas)
            base_of.append(i)

    is_xmas = np.array(xmas_flags)
    # Log-normal list prices; Christmas lines a little cheaper; shop-like rounding.
    design_price = np.exp(rng.normal(np.log(2.3), 0.8, size=base_codes.size))
    raw = design_price[np.array(base_of)] * np.where(is_xmas, 0.8, 1.0)
    raw = np.clip(raw, 0.29, 49.95)
    price = np.where(raw < 1.0, np.round(raw, 2), np.round(raw * 20) / 20)
    price = np.round(np.maximum(price, 0.29), 2)
    # Zipf-Mandelbrot popularity by a random rank (a flat head, no single product above about
    # 1 % of lines) with a tail of products that hardly sell.
    rank = rng.permutation(n_products) + 1.0
    noise = rng.normal(0, 0.3, n_products)
    weight = (rank + 30.0) ** -0.8 * np.exp(-3.5 * rank / n_products + noise)
    regular = np.flatnonzero(~is_xmas)
    xmas = np.flatnonzero(is_xmas)
    return _Catalogue(
        codes=codes + [c for c, _ in _SPECIAL_CODES],
        descriptions=descriptions + [d for _, d in _SPECIAL_CODES],
        price=price,
        regular=regular,
        regular_p=weight[regular] / weight[regular].sum(),
        xmas=xmas,
        xmas_p=weight[xmas] / weight[xmas].sum(),
        n_products=n_products,
    )


def _pick_products(rng: np.random.Generator, cat: _Catalogue, month: np.ndarray) -> np.ndarray:
    """One product per line from the seasonal mix of regular and Christmas products."""
    is_xmas = (rng.random(month.size) < _XMAS_SHARE[month]) & (cat.xmas.size > 0)
    out = np.empty(month.size, dtype=np.int64)
    if is_xmas.any():
        out[is_xmas] = rng.choice(cat.xmas, size=int(is_xmas.sum()), p=cat.xmas_p)
    out[~is_xmas] = rng.choice(cat.regular, size=int((~is_xmas).sum()), p=cat.regular_p)
    return out


def _quantities(rng: np.random.Generator, price: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """Pack-size quantities; cheap items are bought by the dozen."""
    log_q = log_scale - 0.6 * np.log(np.maximum(price, 0.1) / 2.0) + rng.normal(0, 0.6, price.size)
    mids = np.sqrt(_PACK_SIZES[:-1] * _PACK_SIZES[1:])
    return _PACK_SIZES[np.searchsorted(mids, np.exp(log_q))].astype(np.int64)


def _line_prices(price: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """Unit price of a line: list price with a discount for large quantities."""
    return np.where((qty >= 48) & (price >= 0.5), np.round(price * 0.85, 2), price)


# --------------------------------------------------------------------------- customers


@dataclass(frozen=True)
class _Customers:
    ids: np.ndarray
    female: np.ndarray
    age: np.ndarray
    income: np.ndarray
    country: np.ndarray  # index into _COUNTRIES
    kind: np.ndarray
    start: np.ndarray  # first and last day they may buy
    end: np.ndarray
    n_orders: np.ndarray
    basket: np.ndarray  # mean lines per order
    log_qty: np.ndarray  # log of their typical quantity at a price of 2
    return_prop: np.ndarray  # probability an order is cancelled or partly returned
    serial_returner: np.ndarray


def _build_customers(n: int, rng: np.random.Generator, cal: _Calendar) -> _Customers:
    d = cal.n_days
    ids = FIRST_CUSTOMER_ID + np.sort(rng.choice(int(n * 1.35) + 20, size=n, replace=False))
    female = rng.random(n) < 0.56
    age = np.clip(np.round(17.5 + rng.gamma(3.0, 8.0, n)), 18, 80).astype(np.int64)
    log_inc = np.log(58) - 0.3 * ((age - 47) / 25.0) ** 2 + rng.normal(0, 0.45, n)
    income = np.clip(np.round(np.exp(log_inc)), 15, 150).astype(np.int64)
    z_inc = (np.log(income) - np.log(55)) / 0.45  # standardised income

    cust_w = np.array([c[1] for c in _COUNTRIES], dtype=float)
    cust_w = cust_w / cust_w.sum() * (1 - _UK_CUSTOMER_SHARE)
    cust_w[_UK] = _UK_CUSTOMER_SHARE
    country = rng.choice(len(_COUNTRIES), size=n, p=cust_w)

    # Kind of customer, tilted by income: richer customers are more often champions.
    prob = _KIND_PROB[None, :] * np.exp(_KIND_INCOME_TILT[None, :] * z_inc[:, None])
    cum = np.cumsum(prob / prob.sum(axis=1, keepdims=True), axis=1)
    kind = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), _NEW)

    # Active window.
    established = np.isin(kind, (_CHAMPION, _LOYAL, _OCCASIONAL))
    start = np.zeros(n, dtype=np.int64)
    late = established & (rng.random(n) < 0.45)
    start[late] = rng.integers(0, int(0.7 * d), size=int(late.sum()))
    churned = kind == _CHURNED
    late_churn = churned & (rng.random(n) < 0.4)
    start[late_churn] = rng.integers(0, 90, size=int(late_churn.sum()))
    new = kind == _NEW
    start[new] = rng.integers(d - 110, d - 15, size=int(new.sum()))
    end = np.full(n, d - 1, dtype=np.int64)
    end[churned] = np.minimum(start[churned] + rng.integers(40, 220, int(churned.sum())), d - 120)

    # Orders: Poisson around a gamma-distributed rate over the active window.
    shape, scale = _KIND_RATE[kind, 0], _KIND_RATE[kind, 1]
    rate = rng.gamma(shape, scale)
    rate *= np.exp(0.1 * z_inc + 0.004 * (age - 42)) * np.where(female, 1.05, 1.0)
    years = (end - start + 1) / 365.0
    n_orders = rng.poisson(rate * years)
    n_orders = np.maximum(n_orders, np.where(established, 2, 1))
    n_orders[kind == _ONE_OFF] = 1
    n_orders = np.minimum(n_orders, 220)

    basket = _KIND_BASKET[kind] * np.exp(rng.normal(0, 0.45, n) + 0.06 * z_inc)
    big = np.isin(country, [i for i, c in enumerate(_COUNTRIES) if c[0] in _BIG_BUYER_COUNTRIES])
    log_qty = (
        np.log(5.0)
        + rng.normal(0, 0.55, n)
        + 0.15 * z_inc
        + np.where(kind == _CHAMPION, np.log(1.6), 0.0)
        + np.where(country != _UK, np.log(1.3), 0.0)
        + np.where(big, np.log(2.0), 0.0)
    )
    return_prop = rng.beta(0.7, 16.0, n)

    # A handful of customers with few orders who send (almost) everything back.
    candidates = np.flatnonzero(~established & (kind != _CHAMPION) & (n_orders <= 4))
    n_serial = min(max(2, round(0.002 * n)), candidates.size)
    serial_returner = np.zeros(n, dtype=bool)
    serial_returner[rng.choice(candidates, size=n_serial, replace=False)] = True
    return _Customers(
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
        serial_returner=serial_returner,
    )


# --------------------------------------------------------------------------- assembly


class _Builder:
    """Collects invoices and lines chunk by chunk as numpy arrays."""

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
        cust: np.ndarray,
        country: np.ndarray,
    ) -> int:
        """Append invoices; returns the index of the first one."""
        n = int(np.asarray(day).size)
        offset = self.n_inv
        cols = {"day": day, "minute": minute, "cancel": cancel, "cust": cust, "country": country}
        for key, value in cols.items():
            self.inv[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())
        self.n_inv += n
        return offset

    def add_lines(
        self, inv: np.ndarray, code: np.ndarray | int, qty: np.ndarray, price: np.ndarray
    ) -> None:
        n = int(np.asarray(inv).size)
        for key, value in {"inv": inv, "code": code, "qty": qty, "price": price}.items():
            self.lines[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())

    def invoices(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.inv.items()}

    def line_arrays(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.lines.items()}


def _standalone(
    b: _Builder,
    rng: np.random.Generator,
    cal: _Calendar,
    cust_idx: np.ndarray,
    cus: _Customers,
    *,
    code: int,
    qty: np.ndarray | int,
    price: np.ndarray,
    cancel: np.ndarray | bool,
) -> None:
    """One-line invoices (fees, charges, manual adjustments) for customers (-1 = guest)."""
    guest = cust_idx < 0
    safe = np.where(guest, 0, cust_idx)
    lo = np.where(guest, 0, cus.start[safe])
    hi = np.where(guest, cal.n_days - 1, cus.end[safe])
    day = cal.sample_days(rng, lo, hi)
    country = np.where(guest, _UK, cus.country[safe])
    first = b.add_invoices(day, cal.sample_minutes(rng, day.size), cancel, cust_idx, country)
    b.add_lines(first + np.arange(day.size), code, qty, price)


def generate_invoices(n_customers: int = 5000, seed: int = 42) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(invoice_lines, customers) frames, deterministic for a seed.

    ``invoice_lines`` has the columns of :data:`INVOICE_SCHEMA` (the UCI Online Retail export),
    about 60 lines per customer, ordered by invoice; ``customers`` has the columns of
    :data:`CUSTOMER_SCHEMA`, one row per customer id that occurs in the invoices.
    """
    if n_customers < 10:
        raise ValueError(f"n_customers must be at least 10, got {n_customers}")
    rng = np.random.default_rng(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)

    cal = _Calendar.build()
    cat = _build_catalogue(_n_products(n_customers), rng, fake)
    cus = _build_customers(n_customers, rng, cal)
    b = _Builder()

    # ---- customer orders
    o_cust = np.repeat(np.arange(n_customers), cus.n_orders)
    n_o = o_cust.size
    o_day = cal.sample_days(rng, cus.start[o_cust], cus.end[o_cust])
    o_min = cal.sample_minutes(rng, n_o)
    o_country = cus.country[o_cust]
    b.add_invoices(o_day, o_min, False, o_cust, o_country)

    n_lines = np.maximum(1, rng.poisson(cus.basket[o_cust] * np.exp(rng.normal(0, 0.35, n_o))))
    l_order = np.repeat(np.arange(n_o), np.minimum(n_lines, 150))
    l_cust = o_cust[l_order]
    prod = _pick_products(rng, cat, cal.month[o_day[l_order]])
    favourites = rng.choice(cat.regular, size=(n_customers, _FAVOURITES), p=cat.regular_p)
    fav_pick = favourites[l_cust, rng.integers(0, _FAVOURITES, l_order.size)]
    use_fav = (rng.random(l_order.size) < 0.4) & ~np.isin(prod, cat.xmas)
    prod = np.where(use_fav, fav_pick, prod)
    # A product appears once per invoice (duplicates are added on purpose at the end).
    _, first = np.unique(l_order * cat.n_products + prod, return_index=True)
    keep = np.sort(first)
    l_order, l_cust, prod = l_order[keep], l_cust[keep], prod[keep]
    qty = _quantities(rng, cat.price[prod], cus.log_qty[l_cust])
    price = _line_prices(cat.price[prod], qty)
    price[rng.random(price.size) < 0.0012] = 0.0
    b.add_lines(l_order, prod, qty, price)
    n_customer_lines = int(l_order.size)

    # ---- guest sales without a customer (about 22 % of all lines in the end)
    target = round(n_customer_lines * 1.035 * _GUEST_SHARE / (1 - _GUEST_SHARE))
    g_lines = np.round(np.exp(rng.normal(np.log(17), 0.9, int(target / 14) + 20)))
    g_lines = np.clip(g_lines, 1, 250).astype(np.int64)
    n_g = g_lines.size
    gl_inv = np.repeat(np.arange(n_g), g_lines)
    g_day = cal.sample_days(rng, np.zeros(n_g, np.int64), np.full(n_g, cal.n_days - 1))
    g_prod = _pick_products(rng, cat, cal.month[g_day[gl_inv]])
    _, first = np.unique(gl_inv * cat.n_products + g_prod, return_index=True)
    keep = np.sort(first)
    gl_inv, g_prod = gl_inv[keep], g_prod[keep]
    # Keep whole invoices until the target number of distinct lines is reached.
    n_g = int(np.searchsorted(np.cumsum(np.bincount(gl_inv, minlength=n_g)), target)) + 1
    n_g = min(n_g, g_lines.size)
    kept = gl_inv < n_g
    gl_inv, g_prod, g_day = gl_inv[kept], g_prod[kept], g_day[:n_g]
    g_w = np.array([c[2] for c in _COUNTRIES])
    g_country = rng.choice(len(_COUNTRIES), size=n_g, p=g_w / g_w.sum())
    if not (g_country == _UNSPECIFIED).any():  # always a few "Unspecified" lines
        g_country[rng.integers(n_g)] = _UNSPECIFIED
    g_first = b.add_invoices(g_day, cal.sample_minutes(rng, n_g), False, -1, g_country)
    g_qty = _quantities(rng, cat.price[g_prod], np.full(g_prod.size, np.log(1.6)))
    g_price = _line_prices(cat.price[g_prod], g_qty)
    g_price[rng.random(g_price.size) < 0.0012] = 0.0
    b.add_lines(g_first + gl_inv, g_prod, g_qty, g_price)

    # ---- postage, dotcom postage and manual lines on existing invoices
    abroad = o_country != _UK
    post = np.flatnonzero(np.where(abroad, rng.random(n_o) < 0.55, rng.random(n_o) < 0.002))
    b.add_lines(
        post,
        cat.special("POST"),
        rng.choice([1, 1, 1, 2, 3], size=post.size),
        rng.choice([15.0, 18.0, 18.0, 28.0, 40.0], size=post.size),
    )
    dot = np.flatnonzero(rng.random(n_g) < 0.25)
    dot_price = np.round(np.clip(np.exp(rng.normal(np.log(120), 0.8, dot.size)), 1, 2500), 2)
    b.add_lines(g_first + dot, cat.special("DOT"), 1, dot_price)
    manual = np.flatnonzero(rng.random(n_o) < 0.004)
    m_price = np.round(np.clip(np.exp(rng.normal(np.log(4), 1.1, manual.size)), 0.1, 900), 2)
    b.add_lines(manual, cat.special("M"), rng.integers(1, 13, manual.size), m_price)

    # ---- cancellations (whole order, same day) and returns (some lines, days later)
    p = cus.return_prop[o_cust]
    serial = cus.serial_returner[o_cust]
    u = rng.random(n_o)
    cancel_ev = (u < 0.35 * p) & ~serial
    return_ev = ((u >= 0.35 * p) & (u < p)) | serial
    event = cancel_ev | return_ev
    ev_orders = np.flatnonzero(event)
    delay = rng.integers(1, 45, ev_orders.size)
    ret_day = o_day[ev_orders] + delay
    same_day = cancel_ev[ev_orders] | (ret_day > cal.n_days - 1)
    ret_day = np.where(
        same_day, o_day[ev_orders], cal.next_open[np.minimum(ret_day, cal.n_days - 1)]
    )
    later = np.minimum(o_min[ev_orders] + rng.integers(2, 180, ev_orders.size), _LAST_MINUTE)
    ret_min = np.where(same_day, later, cal.sample_minutes(rng, ev_orders.size))
    ret_first = b.add_invoices(ret_day, ret_min, True, o_cust[ev_orders], o_country[ev_orders])
    ret_inv = np.full(n_o, -1, dtype=np.int64)
    ret_inv[ev_orders] = ret_first + np.arange(ev_orders.size)

    lines_per_order = np.bincount(l_order, minlength=n_o)
    order_start = np.concatenate([[0], np.cumsum(lines_per_order)[:-1]])
    pos = np.arange(l_order.size) - order_start[l_order]
    pick = np.floor(rng.random(n_o) * np.maximum(lines_per_order, 1)).astype(np.int64)
    whole = cancel_ev | serial
    chosen = event[l_order] & (
        whole[l_order] | (pos == pick[l_order]) | (rng.random(l_order.size) < 0.3)
    )
    r_qty = qty[chosen]
    partial = ~whole[l_order[chosen]] & (rng.random(r_qty.size) < 0.4)
    r_qty = np.where(partial, 1 + np.floor(rng.random(r_qty.size) * r_qty), r_qty)
    b.add_lines(ret_inv[l_order[chosen]], prod[chosen], -r_qty.astype(np.int64), price[chosen])

    # ---- one-line invoices: bank charges, Amazon fees, charity commission, manual credits
    repeat = np.flatnonzero((cus.n_orders >= 2) & ~cus.serial_returner)
    if repeat.size == 0:  # pragma: no cover - only for a handful of customers
        repeat = np.arange(n_customers)
    uk_repeat = repeat[cus.country[repeat] == _UK]
    n_bank = max(1, round(n_customers / 250))
    bank_cancel = rng.random(n_bank) < 0.25
    _standalone(
        b, rng, cal, rng.choice(repeat, n_bank), cus,
        code=cat.special("BANK CHARGES"), qty=np.where(bank_cancel, -1, 1),
        price=np.full(n_bank, 15.0), cancel=bank_cancel,
    )  # fmt: skip
    n_amazon = max(2, round(n_customers / 250))
    _standalone(
        b, rng, cal, np.full(n_amazon, -1), cus,
        code=cat.special("AMAZONFEE"), qty=-1, cancel=True,
        price=np.round(np.clip(np.exp(rng.normal(np.log(300), 1.0, n_amazon)), 10, 5000), 2),
    )  # fmt: skip
    n_cruk = max(3, round(n_customers / 500))
    cruk_customer = rng.choice(uk_repeat if uk_repeat.size else repeat)
    _standalone(
        b, rng, cal, np.full(n_cruk, cruk_customer), cus,
        code=cat.special("CRUK"), qty=-1, cancel=True,
        price=np.round(np.exp(rng.normal(np.log(25), 0.7, n_cruk)), 2),
    )  # fmt: skip
    n_credit = max(1, round(n_customers / 400))
    _standalone(
        b, rng, cal, rng.choice(repeat, n_credit), cus,
        code=cat.special("M"), qty=-1, cancel=True,
        price=np.round(np.clip(np.exp(rng.normal(np.log(5), 1.2, n_credit)), 0.1, 900), 2),
    )  # fmt: skip

    return _frames(b, rng, cat, cus)


def _frames(
    b: _Builder, rng: np.random.Generator, cat: _Catalogue, cus: _Customers
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Number the invoices, add the duplicate lines and build the two frames."""
    inv = b.invoices()
    lines = b.line_arrays()

    # Invoice numbers follow time; ties broken at random.
    order = np.lexsort((rng.random(b.n_inv), inv["minute"], inv["day"]))
    inv_no = np.empty(b.n_inv, dtype=np.int64)
    inv_no[order] = FIRST_INVOICE_NO + np.arange(b.n_inv)

    # About 0.5 % exact duplicate lines (never on credit notes), next to their original.
    n_lines = lines["inv"].size
    sale = np.flatnonzero(~inv["cancel"][lines["inv"]])
    dup = rng.choice(sale, size=round(0.005 * n_lines), replace=False)
    take = np.concatenate([np.arange(n_lines), dup])
    take = take[np.lexsort((take, inv_no[lines["inv"][take]]))]

    l_inv = lines["inv"][take]
    no_str = (
        pl.DataFrame({"no": inv_no, "cancel": inv["cancel"]})
        .select(
            pl.when(pl.col("cancel"))
            .then(pl.lit("C") + pl.col("no").cast(pl.String))
            .otherwise(pl.col("no").cast(pl.String))
        )
        .to_series()
    )
    minutes = inv["day"] * 1440 + inv["minute"]
    when = START_DAY.astype("datetime64[us]") + (minutes * 60_000_000).astype("timedelta64[us]")
    cust_float = np.where(inv["cust"] >= 0, cus.ids[np.maximum(inv["cust"], 0)], np.nan)
    countries = pl.Series([c[0] for c in _COUNTRIES], dtype=pl.String)
    codes = pl.Series(cat.codes, dtype=pl.String)
    descriptions = pl.Series(cat.descriptions, dtype=pl.String)
    l_code = lines["code"][take]

    invoices = pl.DataFrame(
        {
            "InvoiceNo": no_str.gather(l_inv),
            "StockCode": codes.gather(l_code),
            "Description": descriptions.gather(l_code),
            "Quantity": pl.Series(lines["qty"][take], dtype=pl.Int64),
            "InvoiceDate": pl.Series(when[l_inv], dtype=pl.Datetime("us")),
            "UnitPrice": pl.Series(np.round(lines["price"][take].astype(np.float64), 2)),
            "CustomerID": pl.Series(cust_float[l_inv], dtype=pl.Float64, nan_to_null=True),
            "Country": countries.gather(inv["country"][l_inv]),
        },
        schema=INVOICE_SCHEMA,
    )
    customers = pl.DataFrame(
        {
            "CustomerID": cus.ids,
            "Gender": np.where(cus.female, "Female", "Male").tolist(),
            "Age": cus.age,
            "Annual Income (k$)": cus.income,
        },
        schema=CUSTOMER_SCHEMA,
    )
    return invoices, customers


def write_demo_data(
    out_dir: Path, n_customers: int = 5000, seed: int = 42, fmt: str = "csv"
) -> GeneratedFiles:
    """Writes out_dir/invoices.csv (or invoices.parquet when fmt == 'parquet') and
    out_dir/customers.csv.

    Returns the paths and the number of invoice lines and customers. Same seed, same bytes.
    """
    if fmt not in {"csv", "parquet"}:
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    invoices, customers = generate_invoices(n_customers=n_customers, seed=seed)
    invoices_path = out_dir / f"invoices.{fmt}"
    if fmt == "csv":
        invoices.write_csv(invoices_path, datetime_format=DATETIME_FORMAT)
    else:
        invoices.write_parquet(invoices_path, statistics=True)
    customers_path = out_dir / "customers.csv"
    customers.write_csv(customers_path)
    return GeneratedFiles(
        invoices=invoices_path,
        customers=customers_path,
        n_lines=invoices.height,
        n_customers=customers.height,
    )
