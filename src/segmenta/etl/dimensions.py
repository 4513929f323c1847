"""The dimension rows a load adds: new countries (with the export's own spelling) and customers.

Products are staged in SQL (``sql/etl/stage_products.sql``); countries and customers need
Python for what SQL cannot do here: ISO codes and coordinates (pycountry, countryinfo) and
fictional display names. Both work on the distinct values only, never row by row.
"""

from __future__ import annotations

import polars as pl

from segmenta.engine import Engine
from segmenta.etl import countries
from segmenta.etl.columns import INVOICE_ALIASES, INVOICE_REQUIRED, match_columns
from segmenta.etl.display_names import display_names
from segmenta.etl.read import SOURCE_ROW, RawTable

#: stock codes that are not goods (postage, fees, discounts, charity): dim_product.is_product
NON_PRODUCT_STOCK_CODES = (
    "POST",
    "DOT",
    "C2",
    "D",
    "M",
    "S",
    "B",
    "BANK CHARGES",
    "AMAZONFEE",
    "CRUK",
    "PADS",
    "ADJUST",
    "ADJUST2",
    "TEST001",
    "TEST002",
)

_COUNTRY_SCHEMA = {
    "country_name": pl.String,
    "source_name": pl.String,
    "iso_alpha2": pl.String,
    "iso_alpha3": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
}


def first_spellings(spellings: pl.DataFrame) -> dict[str, str]:
    """Normalised country name -> the spelling of it seen first.

    ``spellings`` holds one row per distinct raw spelling: ``spelling`` and ``first_row`` (the
    first row it appears on). 'EIRE' on row 3 and 'Ireland' on row 9 give {'Ireland': 'EIRE'}.
    """
    best: dict[str, tuple[int, str]] = {}
    for spelling, first_row in spellings.sort("first_row").iter_rows():
        name = countries.normalise_country_name(spelling)
        best.setdefault(name, (first_row, spelling))
    return {name: spelling for name, (_, spelling) in best.items()}


def spellings_of(values: pl.LazyFrame) -> pl.DataFrame:
    """The distinct trimmed spellings of column ``country`` of ``values`` with their first
    ``SOURCE_ROW`` (columns ``spelling``, ``first_row``), in one streaming pass."""
    text = pl.col("country").cast(pl.String).str.strip_chars()
    return (
        values.select(pl.col(SOURCE_ROW), text.alias("spelling"))
        .filter(pl.col("spelling").is_not_null() & (pl.col("spelling") != ""))
        .group_by("spelling")
        .agg(pl.col(SOURCE_ROW).min().alias("first_row"))
        .collect(engine="streaming")
    )


def invoice_country_spellings(raw: RawTable) -> dict[str, str]:
    """Normalised country name -> its first spelling in the invoice file ``raw``."""
    mapping = match_columns(raw.path, raw.headers, INVOICE_ALIASES, INVOICE_REQUIRED)
    if "country" not in mapping:
        return {}
    return first_spellings(
        spellings_of(raw.frame.select(SOURCE_ROW, pl.col(mapping["country"]).alias("country")))
    )


def new_country_names(engine: Engine, names: list[str | None]) -> list[str]:
    """The names of ``names`` that dim_country does not hold yet, sorted."""
    known = {r[0] for r in engine.rows("etl/known_countries.sql")}
    return sorted({n for n in names if n and n not in known})


def stage_countries(engine: Engine, new: list[str], spellings: dict[str, str]) -> None:
    """Insert the countries ``new`` (see :func:`new_country_names`), each with its ISO facts
    and the export's first spelling of it (``spellings``; the name itself where unknown)."""
    rows = [
        {"country_name": n, "source_name": spellings.get(n, n), **countries.country_facts(n)}
        for n in new
    ]
    engine.register("staged_countries", pl.DataFrame(rows, schema=_COUNTRY_SCHEMA))
    engine.execute("etl/insert_countries.sql")
    engine.unregister("staged_countries")


def stage_new_customers(engine: Engine, customers: pl.DataFrame) -> None:
    """Insert customers (customer_id, country_name) not yet in dim_customer, with display names."""
    existing = engine.query("etl/known_customer_ids.sql")["customer_id"]
    new = customers.filter(~pl.col("customer_id").is_in(existing.implode())).unique("customer_id")
    if new.is_empty():
        return
    iso = engine.query("etl/country_iso_codes.sql")
    new = new.join(iso, on="country_name", how="left").sort("customer_id")
    taken = engine.query("etl/taken_display_names.sql")["display_name"].to_list()
    staged_customers = new.with_columns(display_names(new, taken=taken))
    engine.register("staged_customers", staged_customers)
    engine.execute("etl/insert_customers.sql")
    engine.unregister("staged_customers")
