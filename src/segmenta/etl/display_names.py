"""Fictional display names (Faker's name lists), deterministic per customer id.

A customer's name depends only on its id and country: the id's BLAKE2 hash picks a first
and a last name from the person provider of a Faker locale of that country (en_GB where
Faker has none). Names are for display only; the real id stays alongside. Collisions with
names already used get a middle initial, then a number, so names are unique across the base.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from collections.abc import Iterable

import faker.config
import numpy as np
import polars as pl

DEFAULT_LOCALE = "en_GB"


@functools.lru_cache(maxsize=1)
def _locales_by_country() -> dict[str, str]:
    by_country: dict[str, str] = {}
    for locale in sorted(faker.config.AVAILABLE_LOCALES):
        if "_" in locale and _names(locale) is not None:
            by_country.setdefault(locale.split("_")[1].upper(), locale)
    by_country["GB"] = "en_GB"
    by_country["US"] = "en_US"
    by_country["IE"] = "en_IE"
    return by_country


@functools.lru_cache(maxsize=256)
def _names(locale: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    try:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ImportError:
        return None
    firsts = getattr(provider, "first_names", ())
    lasts = getattr(provider, "last_names", ())
    if not isinstance(firsts, dict | list | tuple) or not isinstance(lasts, dict | list | tuple):
        return None
    firsts = tuple(str(n) for n in firsts)
    lasts = tuple(str(n) for n in lasts)
    if not firsts or not lasts:
        return None
    return tuple(sorted(set(firsts))), tuple(sorted(set(lasts)))


def locale_for(iso_alpha2: str | None) -> str:
    """The Faker locale for a country's ISO alpha-2 code (the default locale if none)."""
    return _locales_by_country().get((iso_alpha2 or "").upper(), DEFAULT_LOCALE)


def _hashes(ids: Iterable[str]) -> np.ndarray:
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little")
            for i in ids
        ],
        dtype=np.uint64,
    )


def display_names(customers: pl.DataFrame, taken: Iterable[str] = ()) -> pl.Series:
    """Names for ``customers`` (columns customer_id, iso_alpha2), unique and not in ``taken``."""
    if customers.is_empty():
        return pl.Series("display_name", [], pl.String)
    ids = customers["customer_id"].cast(pl.String)
    hashes = _hashes(ids.to_list())
    locales = [locale_for(c) for c in customers["iso_alpha2"].to_list()]
    names = np.empty(len(ids), dtype=object)
    initials = np.array(list("ABCDEFGHJKLMNPRSTW"))
    locale_arr = np.array(locales)
    for locale in np.unique(locale_arr):
        idx = np.flatnonzero(locale_arr == locale)
        firsts, lasts = _names(locale) or _names(DEFAULT_LOCALE)  # type: ignore[misc]
        h = hashes[idx]
        f = np.array(firsts, dtype=object)[(h % len(firsts)).astype(np.int64)]
        last = np.array(lasts, dtype=object)[((h >> np.uint64(20)) % len(lasts)).astype(np.int64)]
        names[idx] = f + " " + last
    frame = pl.DataFrame({"customer_id": ids, "name": names.tolist(), "h": hashes})
    middle = pl.Series(initials[(hashes >> np.uint64(40)) % len(initials)])
    frame = frame.with_columns(middle.alias("mid"))
    used = set(taken)
    # first come by id order keeps the plain name; the rest get an initial, then a number
    frame = frame.with_row_index("pos").sort("customer_id")
    frame = frame.with_columns(
        (pl.col("name").is_first_distinct() & ~pl.col("name").is_in(list(used))).alias("plain")
    )
    with_initial = (
        pl.col("name").str.split(" ").list.first()
        + " "
        + pl.col("mid")
        + ". "
        + pl.col("name").str.split(" ").list.slice(1).list.join(" ")
    )
    frame = frame.with_columns(
        pl.when(pl.col("plain")).then(pl.col("name")).otherwise(with_initial).alias("name")
    )
    frame = frame.with_columns(
        pl.when(
            pl.col("plain")
            | (pl.col("name").is_first_distinct() & ~pl.col("name").is_in(list(used)))
        )
        .then(pl.col("name"))
        .otherwise(pl.col("name") + " (" + pl.col("customer_id") + ")")
        .alias("name")
    )
    return frame.sort("pos")["name"].alias("display_name")
