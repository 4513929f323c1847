"""The global filter: parsed from and written to the URL query string, turned into SQL safely.

Query string (every key optional, repeated keys for several values)::

    ?from=2011-01-01&to=2011-06-30&country=France&country=Germany&segment=Champions&risk=high

Semantics (the same on every page, every figure and table):

* ``from`` / ``to`` (invoice date, inclusive) and ``country`` filter **invoice lines**: revenue,
  invoices, items and returns are counted over the lines in that period and those countries
  (the country of the line, i.e. of the invoice).
* ``segment`` and ``risk`` (churn risk band) filter **customers**, through ``customer_360`` (the
  latest model run).
* A customer is *covered* by the filter when they pass the customer filters and, if a date or
  country filter is set, have at least one line passing the line filters. The counts on every
  page ("N customers · M lines") are the covered customers and their lines.
* Customer attributes that come from the model run (recency, frequency, churn probability,
  segment) are those of the run, as of its ``as_of_date``; they are not recomputed per period.

Safety: :meth:`Filters.from_query` validates everything against :class:`FilterOptions` read from
the warehouse (unknown countries, segments and bands are dropped; dates must be ``YYYY-MM-DD``).
The SQL fragments are built from fixed column names only; every value is a bound ``$f_*``
parameter. SQL templates use fixed aliases: ``c`` for a ``customer_360`` row, ``f`` for a
``fact_invoice_line`` row or a row of one of its pre-aggregates (``agg_invoice_day``,
``agg_product_day``: same ``date_key``, ``country_key`` columns), and a CTE named ``lines`` for
the filtered lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from segmenta.warehouse.vocabulary import RISK_BANDS

__all__ = [
    "FilterOptions",
    "Filters",
    "Fragment",
]

#: URL keys.
KEY_FROM, KEY_TO, KEY_COUNTRY, KEY_SEGMENT, KEY_RISK = "from", "to", "country", "segment", "risk"

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Limits on what a query string may carry (longer values cannot be valid options anyway).
MAX_QUERY_LENGTH = 20_000
MAX_VALUE_LENGTH = 200
MAX_FIELDS = 500


def parse_date(text: object) -> date | None:
    """A ``YYYY-MM-DD`` date, or None for anything else (no other format is accepted)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not _DATE_RE.fullmatch(text):
        # Dash's date pickers may send 'YYYY-MM-DDT00:00:00'; accept that exact shape only.
        if len(text) == 19 and text.endswith("T00:00:00") and _DATE_RE.fullmatch(text[:10]):
            text = text[:10]
        else:
            return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_key(day: date) -> int:
    """The warehouse's ``date_key`` (yyyymmdd) of a day."""
    return day.year * 10_000 + day.month * 100 + day.day


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL built from fixed text and the named parameters it uses."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


TRUE = Fragment("TRUE")


@dataclass(frozen=True)
class FilterOptions:
    """What the filters may contain, read from the warehouse (see ``queries.common.filter_options``)."""

    date_min: date | None = None
    date_max: date | None = None
    #: country name -> country_key, in display order
    countries: Mapping[str, int] = field(default_factory=dict)
    #: segment name -> segment_id, in segment_id order
    segments: Mapping[str, int] = field(default_factory=dict)
    risk_bands: tuple[str, ...] = RISK_BANDS
    #: whether any customer has age or gender (the demographics page needs it)
    has_demographics: bool = False
    #: whether a model run exists
    has_model_run: bool = False


def _clean_values(values: Iterable[object], allowed: Iterable[str]) -> tuple[str, ...]:
    """Keep the values that are allowed, once each, in the allowed order."""
    wanted = {v for v in values if isinstance(v, str) and len(v) <= MAX_VALUE_LENGTH}
    return tuple(v for v in allowed if v in wanted)


@dataclass(frozen=True)
class Filters:
    """The global slicers' state. Immutable and hashable (a cache key)."""

    date_from: date | None = None
    date_to: date | None = None
    countries: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    risk_bands: tuple[str, ...] = ()

    # -- parsing and writing -------------------------------------------------------------
    @classmethod
    def from_values(
        cls,
        options: FilterOptions,
        *,
        date_from: object = None,
        date_to: object = None,
        countries: Iterable[object] | None = (),
        segments: Iterable[object] | None = (),
        risk_bands: Iterable[object] | None = (),
    ) -> Filters:
        """Validated filters from untrusted values (slicer values or URL values)."""
        start, end = parse_date(date_from), parse_date(date_to)
        if start and end and start > end:
            start, end = end, start
        # A bound equal to the data's own bound filters nothing: drop it so URLs stay short.
        if start is not None and options.date_min is not None and start <= options.date_min:
            start = None
        if end is not None and options.date_max is not None and end >= options.date_max:
            end = None
        return cls(
            date_from=start,
            date_to=end,
            countries=_clean_values(countries or (), options.countries),
            segments=_clean_values(segments or (), options.segments),
            risk_bands=_clean_values(risk_bands or (), options.risk_bands),
        )

    @classmethod
    def from_query(cls, search: str | None, options: FilterOptions) -> Filters:
        """Filters from a URL query string (``?a=b&...`` or ``a=b&...``); never raises."""
        if not isinstance(search, str) or not search or len(search) > MAX_QUERY_LENGTH:
            return cls()
        try:
            parsed = parse_qs(
                search.removeprefix("?"), max_num_fields=MAX_FIELDS, strict_parsing=False
            )
        except ValueError:
            return cls()

        def first(key: str) -> str | None:
            values = parsed.get(key)
            return values[0] if values else None

        return cls.from_values(
            options,
            date_from=first(KEY_FROM),
            date_to=first(KEY_TO),
            countries=parsed.get(KEY_COUNTRY, ()),
            segments=parsed.get(KEY_SEGMENT, ()),
            risk_bands=parsed.get(KEY_RISK, ()),
        )

    def to_query(self) -> str:
        """The canonical query string, with its ``?`` (empty when nothing is filtered)."""
        pairs: list[tuple[str, str]] = []
        if self.date_from:
            pairs.append((KEY_FROM, self.date_from.isoformat()))
        if self.date_to:
            pairs.append((KEY_TO, self.date_to.isoformat()))
        pairs += [(KEY_COUNTRY, v) for v in self.countries]
        pairs += [(KEY_SEGMENT, v) for v in self.segments]
        pairs += [(KEY_RISK, v) for v in self.risk_bands]
        return "?" + urlencode(pairs) if pairs else ""

    def with_segment(self, segment: str) -> Filters:
        """The same filters narrowed to one segment (drill-through)."""
        return replace(self, segments=(segment,))

    def with_country(self, country: str) -> Filters:
        return replace(self, countries=(country,))

    # -- properties ----------------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return self == Filters()

    @property
    def has_line_filter(self) -> bool:
        """Whether the date or country slicer narrows the lines."""
        return bool(self.date_from or self.date_to or self.countries)

    @property
    def line_scope(self) -> str:
        """What the line measures (revenue, invoices, items, returns) are counted over, for
        labels: "in the selected period", "in the selected countries", both, or "all loaded
        lines" when neither slicer is set."""
        dated = bool(self.date_from or self.date_to)
        if dated and self.countries:
            return "in the selected period and countries"
        if dated:
            return "in the selected period"
        if self.countries:
            return "in the selected countries"
        return "all loaded lines"

    @property
    def has_customer_filter(self) -> bool:
        return bool(self.segments or self.risk_bands)

    # -- SQL -------------------------------------------------------------------------------
    def line_filter(self, options: FilterOptions) -> Fragment:
        """Predicate on ``f`` (facts or a pre-aggregate): the date range and the countries."""
        parts: list[str] = []
        params: dict[str, Any] = {}
        if self.date_from:
            parts.append("f.date_key >= $f_date_from")
            params["f_date_from"] = date_key(self.date_from)
        if self.date_to:
            parts.append("f.date_key <= $f_date_to")
            params["f_date_to"] = date_key(self.date_to)
        if self.countries:
            parts.append("list_contains($f_country_keys, f.country_key)")
            params["f_country_keys"] = [
                options.countries[c] for c in self.countries if c in options.countries
            ]
        return Fragment(" AND ".join(parts), params) if parts else TRUE

    def customer_filter(self, options: FilterOptions) -> Fragment:
        """Predicate on ``customer_360 c``: the segments and the risk bands."""
        parts: list[str] = []
        params: dict[str, Any] = {}
        if self.segments:
            parts.append("list_contains($f_segment_ids, c.segment_id)")
            params["f_segment_ids"] = [
                options.segments[s] for s in self.segments if s in options.segments
            ]
        if self.risk_bands:
            parts.append("list_contains($f_risk_bands, c.risk_band)")
            params["f_risk_bands"] = list(self.risk_bands)
        return Fragment(" AND ".join(parts), params) if parts else TRUE

    def coverage_filter(self) -> Fragment:
        """Predicate on ``customer_360 c``: has a line in the CTE ``lines`` when lines are filtered."""
        if self.has_line_filter:
            return Fragment("c.customer_key IN (SELECT customer_key FROM lines)")
        return TRUE

    def describe(self) -> str:
        """A short human description ("all data" when empty)."""
        bits: list[str] = []
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "start"
            end = self.date_to.isoformat() if self.date_to else "end"
            bits.append(f"{start} to {end}")
        for label, values in (
            ("country", self.countries),
            ("segment", self.segments),
            ("risk", self.risk_bands),
        ):
            if values:
                bits.append(f"{label}: {', '.join(values)}")
        return "; ".join(bits) or "all data"
