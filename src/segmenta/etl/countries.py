"""Country names: normalise export spellings and look up ISO codes and coordinates.

ISO 3166 codes come from pycountry and coordinates from countryinfo (both maintained
packages); only the export-specific aliases below are written by hand.
"""

from __future__ import annotations

import contextlib
import functools

import polars as pl
import pycountry
from countryinfo import CountryInfo

#: spellings seen in retail exports that pycountry does not resolve by itself
ALIASES = {
    "eire": "Ireland",
    "rsa": "South Africa",
    "usa": "United States",
    "us": "United States",
    "uk": "United Kingdom",
    "great britain": "United Kingdom",
    "england": "United Kingdom",
    "czech republic": "Czechia",
}
#: names that are kept as they are although they are not ISO countries
NOT_COUNTRIES = {"unspecified", "european community", "channel islands"}
UNSPECIFIED = "Unspecified"
UNKNOWN = "Unknown"


@functools.lru_cache(maxsize=4096)
def _lookup(name: str) -> pycountry.db.Country | None:
    try:
        return pycountry.countries.lookup(name)
    except LookupError:
        return None


@functools.lru_cache(maxsize=4096)
def normalise_country_name(raw: str) -> str:
    """The canonical name of a country as spelt in an export ('EIRE' -> 'Ireland')."""
    name = " ".join(raw.split())
    key = name.lower()
    if key in ALIASES:
        return ALIASES[key]
    if key in NOT_COUNTRIES or not name:
        return name.title() if name else UNSPECIFIED
    record = _lookup(name)
    if record is None:
        return name if not name.isupper() else name.title()
    return getattr(record, "common_name", None) or record.name


def country_mapping(values: pl.Series) -> pl.DataFrame:
    """(country, country_normalised) for the distinct non-null ``values``."""
    distinct = sorted({v for v in values.to_list() if v is not None})
    return pl.DataFrame(
        {"country": distinct, "country_normalised": [normalise_country_name(v) for v in distinct]},
        schema={"country": pl.String, "country_normalised": pl.String},
    )


def country_facts(name: str) -> dict[str, object]:
    """ISO codes and centre coordinates of a normalised country name (None where unknown)."""
    record = None if name.lower() in NOT_COUNTRIES or name == UNKNOWN else _lookup(name)
    if record is None:
        return {"iso_alpha2": None, "iso_alpha3": None, "latitude": None, "longitude": None}
    lat = lon = None
    with contextlib.suppress(KeyError, ValueError, TypeError, IndexError):
        lat, lon = CountryInfo(record.alpha_3).latlng()[:2]
    return {
        "iso_alpha2": record.alpha_2,
        "iso_alpha3": record.alpha_3,
        "latitude": float(lat) if lat is not None else None,
        "longitude": float(lon) if lon is not None else None,
    }
