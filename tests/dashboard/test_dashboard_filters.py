"""The global filter (URL query string <-> Filters <-> SQL) and the grid's allow-list: pure tests."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenta.dashboard.filters import FilterOptions, Filters, parse_date
from segmenta.dashboard.queries import grid

OPTIONS = FilterOptions(
    date_min=date(2010, 12, 1),
    date_max=date(2011, 12, 9),
    countries={"France": 3, "Germany": 4, "United Kingdom": 1, "Côte d'Ivoire": 9},
    segments={"Champions": 1, "At Risk": 2, "Big & Loyal, really": 3},
)
HOSTILE = [
    "x' OR '1'='1",
    "'); DROP TABLE dim_customer; --",
    "Champions' --",
    "$f_segment_ids",
    "{{customer_filter}}",
    "<script>alert(1)</script>",
    "a" * 5000,
]
#: what a SQL fragment may contain: fixed identifiers, operators and $f_* placeholders
FRAGMENT_TOKENS = re.compile(r"(\$f_[a-z_]+|[a-z_]+\.[a-z_]+|list_contains|AND|TRUE|[(),<>=]|\s)+")


def test_query_string_round_trip() -> None:
    query = (
        "?from=2011-01-01&to=2011-06-30&country=France&country=Germany&segment=At+Risk&risk=high"
    )
    filters = Filters.from_query(query, OPTIONS)
    assert filters == Filters(
        date_from=date(2011, 1, 1),
        date_to=date(2011, 6, 30),
        countries=("France", "Germany"),
        segments=("At Risk",),
        risk_bands=("high",),
    )
    assert Filters.from_query(filters.to_query(), OPTIONS) == filters
    assert Filters().to_query() == ""
    assert Filters.from_query("", OPTIONS).is_empty


def test_values_are_validated_against_the_warehouse() -> None:
    filters = Filters.from_query(
        "?country=Atlantis&country=France&segment=Nobody&risk=extreme&risk=low&risk=low", OPTIONS
    )
    assert filters.countries == ("France",)
    assert filters.segments == ()
    assert filters.risk_bands == ("low",)
    # values come out in the options' order, once each
    assert Filters.from_query(
        "?country=Germany&country=France&country=Germany", OPTIONS
    ).countries == (
        "France",
        "Germany",
    )


def test_special_characters_survive_the_url() -> None:
    filters = Filters(countries=("Côte d'Ivoire",), segments=("Big & Loyal, really",))
    query = filters.to_query()
    assert "&segment=Big+%26+Loyal%2C+really" in query
    assert Filters.from_query(query, OPTIONS) == filters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2011-02-03", date(2011, 2, 3)),
        (" 2011-02-03 ", date(2011, 2, 3)),
        ("2011-02-03T00:00:00", date(2011, 2, 3)),
        ("2011-2-3", None),
        ("03/02/2011", None),
        ("2011-02-30", None),
        ("2011-02-03T10:00:00", None),
        ("20110203", None),
        ("2011-02-03'; DROP TABLE x; --", None),
        (None, None),
        (20110203, None),
    ],
)
def test_dates_are_parsed_strictly(text: object, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_date_range_is_normalised() -> None:
    swapped = Filters.from_query("?from=2011-06-30&to=2011-01-01", OPTIONS)
    assert (swapped.date_from, swapped.date_to) == (date(2011, 1, 1), date(2011, 6, 30))
    # bounds at or beyond the data's own are no filter at all (short URLs, no line filter)
    whole = Filters.from_query("?from=2010-12-01&to=2012-01-01", OPTIONS)
    assert whole.is_empty
    assert not whole.has_line_filter


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_reach_the_filter(value: str) -> None:
    query = "?" + "&".join(
        f"{key}={quote(value)}" for key in ("from", "to", "country", "segment", "risk")
    )
    filters = Filters.from_query(query, OPTIONS)
    assert filters.is_empty
    assert Filters.from_values(
        OPTIONS, countries=[value, 3, None], segments=value, risk_bands=[value]
    ).is_empty


def test_oversized_or_malformed_query_strings_are_ignored() -> None:
    assert Filters.from_query("?" + "&".join(["country=France"] * 2000), OPTIONS).is_empty
    assert Filters.from_query("?country=France&" + "x" * 30_000, OPTIONS).is_empty
    assert Filters.from_query("?%%%&&==&country", OPTIONS).is_empty
    assert Filters.from_query(None, OPTIONS).is_empty


def test_sql_fragments_are_fixed_text_with_bound_values() -> None:
    filters = Filters.from_query(
        "?from=2011-01-01&to=2011-02-01&country=France&country=United+Kingdom&segment=At+Risk&risk=high",
        OPTIONS,
    )
    line = filters.line_filter(OPTIONS)
    assert line.sql == (
        "f.date_key >= $f_date_from AND f.date_key <= $f_date_to AND list_contains($f_country_keys, f.country_key)"
    )
    assert line.params == {"f_date_from": 20110101, "f_date_to": 20110201, "f_country_keys": [3, 1]}
    customer = filters.customer_filter(OPTIONS)
    assert customer.params == {"f_segment_ids": [2], "f_risk_bands": ["high"]}
    for fragment in (line, customer, filters.coverage_filter()):
        assert (
            FRAGMENT_TOKENS.fullmatch(fragment.sql)
            or "SELECT customer_key FROM lines" in fragment.sql
        )
    assert Filters().line_filter(OPTIONS).sql == "TRUE"
    assert Filters().customer_filter(OPTIONS).params == {}
    assert Filters().coverage_filter().sql == "TRUE"


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    countries=st.lists(st.sampled_from([*OPTIONS.countries, *HOSTILE]), max_size=6),
    segments=st.lists(st.sampled_from([*OPTIONS.segments, *HOSTILE]), max_size=4),
    risks=st.lists(st.sampled_from(["low", "medium", "high", *HOSTILE]), max_size=4),
    start=st.one_of(
        st.none(),
        st.dates(date(2009, 1, 1), date(2013, 1, 1)).map(date.isoformat),
        st.text(max_size=12),
    ),
    end=st.one_of(
        st.none(),
        st.dates(date(2009, 1, 1), date(2013, 1, 1)).map(date.isoformat),
        st.text(max_size=12),
    ),
)
def test_any_slicer_values_give_a_canonical_url(
    countries: list[str], segments: list[str], risks: list[str], start: str | None, end: str | None
) -> None:
    filters = Filters.from_values(
        OPTIONS,
        date_from=start,
        date_to=end,
        countries=countries,
        segments=segments,
        risk_bands=risks,
    )
    assert set(filters.countries) <= set(OPTIONS.countries)
    assert set(filters.segments) <= set(OPTIONS.segments)
    assert set(filters.risk_bands) <= {"low", "medium", "high"}
    if filters.date_from and filters.date_to:
        assert filters.date_from <= filters.date_to
    # the URL is canonical: parsing it gives the same filter, and writing that the same URL
    again = Filters.from_query(filters.to_query(), OPTIONS)
    assert again == filters
    assert again.to_query() == filters.to_query()
    for fragment in (filters.line_filter(OPTIONS), filters.customer_filter(OPTIONS)):
        assert FRAGMENT_TOKENS.fullmatch(fragment.sql)
        for value in fragment.params.values():
            assert not isinstance(value, str) or value in ("low", "medium", "high")


def test_drill_through_keeps_the_other_filters() -> None:
    filters = Filters.from_query("?from=2011-01-01&country=France&segment=Champions", OPTIONS)
    narrowed = filters.with_segment("At Risk")
    assert narrowed.segments == ("At Risk",)
    assert narrowed.countries == ("France",)
    assert narrowed.date_from == date(2011, 1, 1)
    assert Filters().describe() == "all data"
    assert "country: France" in filters.describe()


# -- the grid's allow-list ------------------------------------------------------------------------
def test_grid_request_is_clamped_and_allow_listed() -> None:
    request = grid.GridRequest.from_ag_grid(
        {
            "startRow": -10,
            "endRow": 10**12,
            "sortModel": [
                {"colId": "revenue", "sort": "desc"},
                {"colId": "revenue DESC; DROP TABLE x", "sort": "asc"},
                {"colId": "country", "sort": "sideways"},
                "nonsense",
            ],
            "filterModel": ["not", "a", "dict"],
        },
        search=123,
    )
    assert request.start_row == 0
    assert request.end_row == grid.MAX_PAGE_ROWS
    assert request.sort_model == (("revenue", "desc"),)
    assert request.filter_model == {}
    assert request.search == ""
    assert grid.order_by(request.sort_model).sql == "revenue DESC NULLS LAST, customer_key"
    assert grid.order_by(()).sql == grid.DEFAULT_SORT


def test_grid_filter_binds_every_value() -> None:
    fragment = grid.grid_filter(
        {
            "display_name": {"filterType": "text", "type": "contains", "filter": "O'Brien"},
            "revenue": {"filterType": "number", "type": "inRange", "filter": 10, "filterTo": "20"},
            "country": {
                "filterType": "text",
                "operator": "OR",
                "conditions": [{"type": "startsWith", "filter": "Fr"}, {"type": "blank"}],
            },
            "last_purchase_at": {
                "filterType": "date",
                "type": "lessThan",
                "dateFrom": "2011-05-01 00:00:00",
            },
            "churn_probability": {"filterType": "number", "type": "equals", "filter": float("nan")},
            "risk_band": {"filterType": "text", "type": "regex", "filter": ".*"},
            "customer_key) OR (1=1": {"filterType": "number", "type": "greaterThan", "filter": 0},
        },
        search="Ann",
    )
    assert "O'Brien" not in fragment.sql
    assert "1=1" not in fragment.sql
    assert "regex" not in fragment.sql
    assert "churn_probability" not in fragment.sql  # NaN is not a number to filter on
    assert set(fragment.params.values()) == {"ann", "o'brien", 10.0, 20.0, "fr", date(2011, 5, 1)}
    assert all(re.fullmatch(r"\$g_\d+", p) for p in re.findall(r"\$\w+", fragment.sql))
    assert grid.grid_filter({}).sql == "TRUE"
