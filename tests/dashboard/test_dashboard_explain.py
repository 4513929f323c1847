"""``segmenta sql --explain-page``: the SQL it prints is the SQL the pages run.

Each printed query, run with its printed parameters, returns the frame the page's query
function returns for the same filter; queries whose parameters a click sets are printed with
``null`` values and only checked for being listed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from segmenta.cli import EXPLAIN_PAGES, main
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.queries import churn as churn_q
from segmenta.dashboard.queries import common, render
from segmenta.dashboard.queries import customers as customers_q
from segmenta.dashboard.queries import demographics as demographics_q
from segmenta.dashboard.queries import map as map_q
from segmenta.dashboard.queries import model as model_q
from segmenta.dashboard.queries import overview as overview_q
from segmenta.dashboard.queries import products as products_q
from segmenta.dashboard.queries import sql as sql_q
from segmenta.dashboard.queries.explain_page import PAGES, explain_page
from segmenta.dashboard.queries.grid import GridRequest
from segmenta.warehouse.connection import WarehouseReader
from tests.helpers.dashboard import busiest_country

Query = Callable[[WarehouseReader, Filters], pl.DataFrame]

#: (page, query) -> the page's function that runs it, for the frames to compare
RUNS: dict[tuple[str, str], Query] = {
    ("overview", "segment_summary"): overview_q.segment_summary,
    ("overview", "filter_segments"): lambda r, f: common.segment_descriptions(r),
    ("map", "country_metrics"): map_q.country_metrics,
    ("demographics", "demographic_groups"): demographics_q.demographic_groups,
    ("demographics", "income_spending"): demographics_q.income_spending,
    ("products", "product_metrics"): products_q.product_metrics,
    ("churn", "churn_customers"): churn_q.churn_customers,
    ("churn", "churn_curves"): lambda r, f: churn_q.churn_curves(r),
    ("model", "k_sweep"): lambda r, f: model_q.k_sweep(r),
    ("model", "segment_profiles"): lambda r, f: model_q.segment_profiles(r),
    ("model", "segment_coverage"): model_q.segment_coverage,
    ("model", "projection_sample"): model_q.projection_sample,
    ("score", "projection_sample"): lambda r, f: model_q.projection_sample(
        r, f, model_q.SCORE_BACKGROUND_POINTS
    ),
    ("sql", "schema_columns"): lambda r, f: sql_q.schema_columns(r),
}


def _printed(text: str) -> list[tuple[str, str, dict[str, object]]]:
    """(name, sql, params) of each query in ``--explain-page`` output."""
    queries = []
    for block in text.split("\n\n-- == ")[1:]:
        header, _, rest = block.partition("\n")
        body, _, params_text = rest.rpartition("\n-- parameters:")
        params = {}
        for line in params_text.splitlines()[1:]:
            match = re.fullmatch(r"--   \$(\w+) = (.*)", line)
            assert match, line
            params[match[1]] = json.loads(match[2])
        queries.append((header.split(":")[0], body, params))
    return queries


def _filter_query(reader: WarehouseReader, options: FilterOptions) -> str:
    return f"?country={busiest_country(reader)}&segment={next(iter(options.segments))}"


def test_the_command_knows_every_page_and_says_so_in_its_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert tuple(PAGES) == EXPLAIN_PAGES
    with pytest.raises(SystemExit):
        main(["sql", "--help"])
    text = capsys.readouterr().out
    assert "--explain-page PAGE" in text
    for flag in ("--filters", "--date-from", "--date-to", "--country", "--segment", "--risk"):
        assert flag in text


def test_an_unknown_page_is_one_line_naming_the_pages(
    demo_warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "--explain-page", "nope", "--warehouse", str(demo_warehouse)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert all(page in err for page in PAGES)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("filtered", [False, True], ids=["no-filter", "filtered"])
def test_the_printed_sql_returns_what_the_page_reads(
    page: str,
    filtered: bool,
    reader: WarehouseReader,
    options: FilterOptions,
    demo_warehouse: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    search = _filter_query(reader, options) if filtered else ""
    filters = Filters.from_query(search, options)
    args = ["sql", "--explain-page", page, "--filters", search, "--warehouse", str(demo_warehouse)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"-- dashboard page {page!r}, filter: {filters.describe()}")
    printed = _printed(out)
    expected = explain_page(page, filters, options)
    assert [name for name, _, _ in printed] == [q.name for q in expected]
    assert "coverage" in [name for name, _, _ in printed]
    compared = 0
    for (name, text, params), query in zip(printed, expected, strict=True):
        assert text == query.sql.rstrip()
        assert "{{" not in text
        if any(value is None for value in params.values()):
            assert query.note.startswith("when "), name  # a click sets it
            continue
        frame = reader.query(text, params or None)
        if name == "coverage":
            assert frame.row(0) == common.coverage(reader, filters)
            compared += 1
        elif (page, name) in RUNS:
            assert_frame_equal(frame, RUNS[page, name](reader, filters))
            compared += 1
        elif name.startswith("customer_grid"):
            _check_grid(reader, filters, frame, params)
            compared += 1
    assert compared >= 2, f"{page}: at least one of its own queries is checked"


def _check_grid(
    reader: WarehouseReader, filters: Filters, frame: pl.DataFrame, params: dict[str, object]
) -> None:
    """A customers-grid query: the row count, the first block or the export."""
    rows, total = customers_q.customer_page(reader, filters, GridRequest())
    if "n" in frame.columns:
        assert frame["n"][0] == total
    elif params["limit"] == customers_q.EXPORT_ROW_LIMIT:
        exported = customers_q.customer_export(reader, filters, GridRequest())
        assert frame["customer_id"].to_list() == exported["customer_id"].to_list()
    else:
        assert frame["customer_key"].to_list() == rows["customer_key"].to_list()


def test_rendered_slots_say_where_they_come_from(options: FilterOptions) -> None:
    filters = Filters(countries=(next(iter(options.countries)),))
    query = render.explain("coverage", filters, options)
    assert "/* customer_filter */ (TRUE)" in query.sql
    assert "/* line_filter */ (list_contains($f_country_keys, f.country_key))" in query.sql
    assert query.params == {"f_country_keys": [next(iter(options.countries.values()))]}
