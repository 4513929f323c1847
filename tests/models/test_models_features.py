"""Each customer feature on a hand-made invoice set whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from segmenta.models.features import (
    compute_customer_features,
    pivot_attributes,
    read_buyers_between,
    read_customer_attributes,
    read_data_fingerprint,
    read_population,
)
from tests.helpers.models import add_customer_table, add_lines, create_warehouse, lines_frame

# Customer 1: three purchase invoices and one cancellation (a return of 2 units).
#   1001 Mon 2021-03-01: A 2 x 5.00, B 1 x 10.00        -> 3 units, 2 products, 20.00
#   1002 Thu 2021-03-11: A 4 x 5.00                     -> 4 units, 1 product,  20.00
#   1003 Wed 2021-03-31: C 10 x 1.00, B 1 x 10, A 1 x 5 -> 12 units, 3 products, 25.00
#   C1004 Fri 2021-04-02: A -2 x 5.00 (return)
# Customer 2: two invoices on the same Saturday, 2021-04-10 (the last purchase date).
#   2001: D 5 x 2.00 = 10.00; 2002: D 1 x 2.00 = 2.00
# Customer 3 is excluded and customer 0 is unknown: both buy later and must change nothing.
LINES = [
    ("1001", "2021-03-01 10:00", 1, "A", 2, 5.0),
    ("1001", "2021-03-01 10:00", 1, "B", 1, 10.0),
    ("1002", "2021-03-11 12:00", 1, "A", 4, 5.0),
    ("1003", "2021-03-31 09:00", 1, "C", 10, 1.0),
    ("1003", "2021-03-31 09:00", 1, "B", 1, 10.0),
    ("1003", "2021-03-31 09:00", 1, "A", 1, 5.0),
    ("C1004", "2021-04-02 11:00", 1, "A", -2, 5.0),
    ("2001", "2021-04-10 15:00", 2, "D", 5, 2.0),
    ("2002", "2021-04-10 16:30", 2, "D", 1, 2.0),
    ("3001", "2021-05-01 10:00", 3, "A", 100, 5.0),
    ("4001", "2021-06-01 10:00", 0, "A", 50, 5.0),
]
AS_OF = date(2021, 4, 10)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = create_warehouse(tmp_path / "w.duckdb")
    add_lines(path, lines_frame(LINES), excluded={3})
    return path


@pytest.fixture
def con(warehouse: Path):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _row(frame: pl.DataFrame, customer_key: int) -> dict:
    return frame.filter(pl.col("customer_key") == customer_key).row(0, named=True)


def test_population_is_known_not_excluded_customers(con) -> None:
    population = read_population(con)
    assert population.last_date == AS_OF  # not the excluded or unknown customers' later dates
    assert population.first_date == date(2021, 3, 1)
    assert population.n_customers == 2
    assert population.n_lines == 8  # purchase lines only


def test_one_row_per_customer_who_bought(con) -> None:
    frame = compute_customer_features(con, AS_OF)
    assert frame["customer_key"].to_list() == [1, 2]


def test_rfm_features(con) -> None:
    c1 = _row(compute_customer_features(con, AS_OF), 1)
    assert c1["recency_days"] == 10  # 2021-03-31 -> 2021-04-10
    assert c1["frequency"] == 3  # the cancellation is not a purchase invoice
    assert c1["monetary"] == pytest.approx(65.0)
    assert c1["tenure_days"] == 40  # 2021-03-01 -> 2021-04-10
    assert c1["purchase_days"] == 3


def test_item_and_ticket_features(con) -> None:
    c1 = _row(compute_customer_features(con, AS_OF), 1)
    assert c1["items"] == 19
    assert c1["unique_items"] == 3  # A, B, C
    assert c1["avg_ticket"] == pytest.approx(65.0 / 6)  # six purchase lines
    assert c1["basket_size"] == pytest.approx(19 / 3)
    assert c1["unique_basket_size"] == pytest.approx((2 + 1 + 3) / 3)


def test_days_between_purchases(con) -> None:
    frame = compute_customer_features(con, AS_OF)
    assert _row(frame, 1)["avg_days_between"] == pytest.approx(15.0)  # gaps 10 and 20
    assert _row(frame, 2)["avg_days_between"] == 0.0  # two invoices on one day


def test_returns_and_return_rate(con) -> None:
    frame = compute_customer_features(con, AS_OF)
    c1, c2 = _row(frame, 1), _row(frame, 2)
    assert c1["returns"] == 2
    assert c1["return_rate"] == pytest.approx(2 / 19)
    assert c2["returns"] == 0
    assert c2["return_rate"] == 0


def test_revenue_share_by_weekday(con) -> None:
    frame = compute_customer_features(con, AS_OF)
    dow = _row(frame, 1)["revenue_share_dow"]
    assert len(dow) == 7
    expected = [20 / 65, 0, 25 / 65, 20 / 65, 0, 0, 0]  # Monday .. Sunday
    assert list(dow) == pytest.approx(expected)
    assert list(_row(frame, 2)["revenue_share_dow"]) == pytest.approx([0, 0, 0, 0, 0, 1, 0])


def test_revenue_share_by_day_of_month(con) -> None:
    frame = compute_customer_features(con, AS_OF)
    dom = list(_row(frame, 1)["revenue_share_dom"])
    assert len(dom) == 31
    expected = [0.0] * 31
    expected[0], expected[10], expected[30] = 20 / 65, 20 / 65, 25 / 65
    assert dom == pytest.approx(expected)
    assert sum(_row(frame, 2)["revenue_share_dom"]) == pytest.approx(1.0)


def test_second_customer_all_features(con) -> None:
    c2 = _row(compute_customer_features(con, AS_OF), 2)
    assert (c2["recency_days"], c2["tenure_days"], c2["frequency"], c2["purchase_days"]) == (
        0,
        0,
        2,
        1,
    )
    assert (c2["monetary"], c2["items"], c2["unique_items"]) == (12.0, 6, 1)
    assert c2["avg_ticket"] == pytest.approx(6.0)
    assert (c2["basket_size"], c2["unique_basket_size"]) == (3.0, 1.0)


def test_features_as_of_an_earlier_date_ignore_later_lines(con) -> None:
    frame = compute_customer_features(con, date(2021, 3, 15))
    assert frame["customer_key"].to_list() == [1]
    c1 = frame.row(0, named=True)
    assert (c1["frequency"], c1["monetary"], c1["recency_days"], c1["tenure_days"]) == (
        2,
        40.0,
        4,
        14,
    )
    assert c1["returns"] == 0  # the return is dated after 2021-03-15


def test_no_nan_or_infinity(con) -> None:
    frame = compute_customer_features(con, AS_OF).drop("revenue_share_dow", "revenue_share_dom")
    numeric = frame.select(pl.exclude("customer_key"))
    assert not numeric.select(pl.all().is_nan().any()).row(0)[0]
    assert not numeric.select(pl.all().is_infinite().any()).row(0)[0]


def test_buyers_between_is_half_open(con) -> None:
    buyers = read_buyers_between(con, date(2021, 3, 11), date(2021, 3, 31))
    assert buyers["customer_key"].to_list() == [1]  # 2021-03-31 is in, 2021-03-11 is not
    assert read_buyers_between(con, date(2021, 3, 31), date(2021, 4, 9)).is_empty()


def test_customer_attributes_split_numeric_and_text(warehouse: Path) -> None:
    add_customer_table(
        warehouse,
        [
            {
                "customer_key": 10,
                "gender": "Female",
                "age": 40,
                "extra": {"credit_limit": 1500, "tier": "B"},
            },
            {"customer_key": 11, "age": 22, "annual_income_k": 35.0},
        ],
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        attributes = pivot_attributes(read_customer_attributes(con))
    assert attributes.numeric_columns == ("age", "annual_income_k", "credit_limit")
    assert attributes.text_columns == ("gender", "tier")
    wide = attributes.numeric
    assert wide["customer_key"].to_list() == [10, 11]
    assert wide.row(0, named=True) == {
        "customer_key": 10,
        "age": 40.0,
        "annual_income_k": None,
        "credit_limit": 1500.0,
    }
    assert attributes.long_numeric.height == 4  # the non-null numbers only


def test_pivot_of_no_attributes_is_empty() -> None:
    empty = pl.DataFrame(
        schema={
            "customer_key": pl.Int32,
            "attribute": pl.String,
            "value_num": pl.Float64,
            "value_text": pl.String,
        }
    )
    attributes = pivot_attributes(empty)
    assert attributes.numeric_columns == ()
    assert attributes.numeric.is_empty()


def test_fingerprint_changes_with_the_data(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = read_data_fingerprint(con)
        assert read_data_fingerprint(con) == before
    add_lines(warehouse, lines_frame([("5001", "2021-04-10 17:00", 2, "D", 1, 2.0)]))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert read_data_fingerprint(con) != before


def test_empty_warehouse_has_no_population(tmp_path: Path) -> None:
    path = create_warehouse(tmp_path / "empty.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        population = read_population(con)
        assert population.n_customers == 0
        assert population.last_date is None
        assert compute_customer_features(con, AS_OF).is_empty()
