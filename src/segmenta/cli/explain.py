"""``segmenta sql --explain-page PAGE``: the filter the flags give, and the page's SQL for it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from segmenta.cli.errors import CliError
from segmenta.settings import Settings

if TYPE_CHECKING:
    from segmenta.dashboard.filters import FilterOptions, Filters


def explain_page(args: argparse.Namespace, settings: Settings) -> str:
    """``segmenta sql --explain-page``: the page's queries for the filter the flags give."""
    from segmenta.dashboard.queries.common import filter_options
    from segmenta.dashboard.queries.explain_page import PAGES, explain_page, format_explained
    from segmenta.warehouse.connection import WarehouseReader

    if args.explain_page not in PAGES:
        raise CliError(
            f"--explain-page: unknown page {args.explain_page!r}; pages: {', '.join(PAGES)}"
        )
    reader = WarehouseReader(settings.warehouse)
    try:
        options = filter_options(reader)
        filters = explained_filters(args, options)
        queries = explain_page(args.explain_page, filters, options)
    finally:
        reader.close()
    header = f"-- dashboard page {args.explain_page!r}, filter: {filters.describe()}"
    return header + "\n\n" + format_explained(queries)


def explained_filters(args: argparse.Namespace, options: FilterOptions) -> Filters:
    """The filter of ``--filters`` plus the flags, validated like the dashboard's URL; a value
    the dashboard would drop (an unknown country, a bad date) is an error here instead, and a
    segment may be given by its number."""
    from urllib.parse import parse_qs

    from segmenta.dashboard.filters import Filters, parse_date

    try:
        asked = parse_qs(args.filters.removeprefix("?"), strict_parsing=bool(args.filters))
    except ValueError:
        raise CliError(f"--filters: not a URL query string: {args.filters!r}") from None
    for key, values in (("from", [args.date_from]), ("to", [args.date_to])):
        asked.setdefault(key, []).extend(v for v in values if v)
    for key in ("country", "segment", "risk"):
        asked.setdefault(key, []).extend(getattr(args, key))
    for key in ("from", "to"):
        if len(asked[key]) > 1 or any(parse_date(v) is None for v in asked[key]):
            raise CliError(f"--date-{key}: expected one YYYY-MM-DD date, got {asked[key]}")
    by_number = {str(number): name for name, number in options.segments.items()}
    asked["segment"] = [by_number.get(v, v) for v in asked["segment"]]
    known = {"country": options.countries, "segment": options.segments, "risk": options.risk_bands}
    for key, allowed in known.items():
        unknown = [v for v in asked[key] if v not in allowed]
        if unknown:
            raise CliError(
                f"--{key}: not in the warehouse: {', '.join(unknown)} (known: {', '.join(allowed)})"
            )
    return Filters.from_values(
        options,
        date_from=(asked["from"] or [None])[0],
        date_to=(asked["to"] or [None])[0],
        countries=asked["country"],
        segments=asked["segment"],
        risk_bands=asked["risk"],
    )
