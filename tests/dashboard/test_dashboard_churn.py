"""Churn page: risk figures against independent queries, the at-risk list and its export, and
the model's evaluation as stored by the run."""

from __future__ import annotations

import csv
import io
import json

import dash
import polars as pl
import pytest
from flask.testing import FlaskClient

from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard import ids
from segmenta.dashboard.filters import FilterOptions, Filters
from segmenta.dashboard.pages import churn
from segmenta.dashboard.panels import churn as churn_panels
from segmenta.dashboard.queries import churn as churn_q
from segmenta.dashboard.queries import common
from segmenta.settings import Settings
from segmenta.warehouse.connection import WarehouseReader
from tests.helpers.dashboard import PURCHASE, busiest_country, call, customer_table_warehouse_at


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    client = app.server.test_client()
    assert client.get("/churn").status_code == 200
    return client


# -- data -----------------------------------------------------------------------------------------
def test_churn_customers_are_the_covered_scored_customers(
    reader: WarehouseReader, options: FilterOptions
) -> None:
    country = busiest_country(reader)
    segment = list(options.segments)[-1]
    for filters in (
        Filters(),
        Filters(countries=(country,)),
        Filters(segments=(segment,), risk_bands=("high", "medium")),
    ):
        frame = churn_q.churn_customers(reader, filters)
        assert frame.height == common.coverage(reader, filters)[0], filters
        assert frame["churn_probability"].is_between(0, 1).all()
        if filters.segments:
            assert set(frame["segment"]) == set(filters.segments)
        if filters.risk_bands:
            assert set(frame["risk_band"]) <= set(filters.risk_bands)
    # revenue: over the filtered lines; without a filter over every line, which on the demo
    # warehouse (no line newer than the run) is the run's monetary feature
    local = churn_q.churn_customers(reader, Filters(countries=(country,)))
    expected = reader.query(
        f"""SELECT f.customer_key, sum(f.amount) FILTER (WHERE {PURCHASE}) AS revenue
        FROM fact_invoice_line f JOIN dim_country k USING (country_key)
        WHERE k.country_name = $c AND f.customer_key IN (SELECT customer_key FROM customer_360)
        GROUP BY 1""",
        {"c": country},
    )
    joined = local.join(expected, on="customer_key", suffix="_expected")
    assert joined.height == local.height
    assert (joined["revenue"] - joined["revenue_expected"].fill_null(0)).abs().max() <= 0.0051
    everyone = churn_q.churn_customers(reader, Filters())
    monetary = reader.query("SELECT customer_key, monetary FROM customer_360")
    both = everyone.join(monetary, on="customer_key")
    assert (both["revenue"] - both["monetary"]).abs().max() <= 0.0051


def test_histogram_and_summaries_add_up(reader: WarehouseReader) -> None:
    frame = churn_q.churn_customers(reader, Filters())
    hist = churn_q.churn_histogram(frame)
    assert hist["customers"].sum() == frame.height
    assert hist["bin"].min() >= 0
    assert hist["bin"].max() <= churn_q.CHURN_BINS - 1
    exact = frame.filter(pl.col("churn_probability") < 0.05).height
    assert hist.filter(pl.col("bin") == 0)["customers"].sum() == exact
    by_segment = churn_q.churn_by_segment(frame)
    assert by_segment["customers"].sum() == frame.height
    assert by_segment["high_risk"].sum() == (frame["risk_band"] == "high").sum()
    at_risk = (frame["revenue"] * frame["churn_probability"]).sum()
    assert by_segment["revenue_at_risk"].sum() == pytest.approx(at_risk)
    for row in by_segment.iter_rows(named=True):
        members = frame.filter(pl.col("segment_id") == row["segment_id"])
        assert row["mean_probability"] == pytest.approx(members["churn_probability"].mean())
    by_country = churn_q.churn_by_country(frame, top=3)
    assert by_country.height == 3
    counts = frame.group_by("country").len().sort("len", descending=True)["len"].to_list()[:3]
    assert by_country["customers"].to_list() == counts


def test_at_risk_list_is_high_risk_by_revenue_at_risk(reader: WarehouseReader) -> None:
    frame = churn_q.churn_customers(reader, Filters())
    ranked = churn_q.churn_at_risk(frame, None)
    assert ranked.height == (frame["risk_band"] == "high").sum()
    values = ranked["value_at_risk"].to_list()
    assert values == sorted(values, reverse=True)
    top = ranked.row(0, named=True)
    assert top["value_at_risk"] == pytest.approx(top["revenue"] * top["churn_probability"])
    assert top["churn_probability"] >= 2 / 3
    assert churn_q.churn_at_risk(frame).height == min(churn_q.AT_RISK_SHOWN, ranked.height)


# -- callbacks ------------------------------------------------------------------------------------
def churn_call(client: FlaskClient, store: str) -> dict:
    return call(client, f"{ids.CHURN_KPIS}.children", {f"{ids.FILTER_STORE}.data": store})


def test_churn_callback_follows_the_slicers(
    client: FlaskClient, reader: WarehouseReader, options: FilterOptions
) -> None:
    segment = list(options.segments)[-1]
    for filters in (Filters(), Filters(segments=(segment,))):
        out = churn_call(client, filters.to_query())
        n = common.coverage(reader, filters)[0]
        assert f"{n:,}" in json.dumps(out[ids.CHURN_KPIS]["children"])
        bars = out[ids.CHURN_HISTOGRAM]["figure"]["data"]
        assert sum(sum(t["y"]) for t in bars) == n
        assert {t["name"] for t in bars} == (set(filters.segments) or set(options.segments))
        by_segment = out[ids.CHURN_BY_SEGMENT]["figure"]["data"][0]
        assert set(by_segment["y"]) == {t["name"] for t in bars}
        rows = out[ids.CHURN_AT_RISK]["rowData"]
        expected = churn_q.churn_at_risk(churn_q.churn_customers(reader, filters))
        assert [r["customer_key"] for r in rows] == expected["customer_key"].to_list()
        if filters.segments:
            assert {r["segment"] for r in rows} <= set(filters.segments)


def test_at_risk_export_has_every_high_risk_customer(
    client: FlaskClient, reader: WarehouseReader
) -> None:
    store = "?risk=high"
    out = call(
        client,
        f"{ids.CHURN_DOWNLOAD}.data",
        {f"{ids.CHURN_EXPORT}.n_clicks": 1},
        {f"{ids.FILTER_STORE}.data": store},
        triggered=f"{ids.CHURN_EXPORT}.n_clicks",
    )
    download = out[ids.CHURN_DOWNLOAD]["data"]
    assert download["filename"] == "segmenta-churn-at-risk.csv"
    rows = list(csv.DictReader(io.StringIO(download["content"])))
    high = churn_q.churn_customers(reader, Filters(risk_bands=("high",)))
    assert len(rows) == high.height > churn_q.AT_RISK_SHOWN
    values = [float(r["value_at_risk"]) for r in rows]
    assert values == sorted(values, reverse=True)
    assert list(rows[0]) == [
        "customer_key",
        "customer_id",
        "display_name",
        "country",
        "segment",
        "churn_probability",
        "revenue",
        "value_at_risk",
    ]


def test_export_defuses_spreadsheet_formulas(
    app: dash.Dash, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pl.DataFrame(
        {
            "customer_key": [1],
            "customer_id": ["1"],
            "display_name": ['=HYPERLINK("http://evil")'],
            "country": ["UK"],
            "segment_id": [1],
            "segment": ["@SUM(A1)"],
            "churn_probability": [0.9],
            "risk_band": ["high"],
            "revenue": [10.0],
        }
    )
    monkeypatch.setattr(churn_q, "churn_customers", lambda reader, filters: frame)
    with app.server.test_request_context("/"):
        content = churn.export_csv("")["content"]
    assert "'=HYPERLINK" in content
    assert "'@SUM(A1)" in content


def test_the_evaluation_is_the_runs_own(client: FlaskClient, reader: WarehouseReader) -> None:
    out = call(client, f"{ids.CHURN_ROC}.figure", {f"{ids.FILTER_STORE}.data": ""})
    run = common.model_run_info(reader)
    metrics = run["metrics"]
    roc = out[ids.CHURN_ROC]["figure"]["data"]
    names = [t["name"] for t in roc]
    assert f"Classifier (logistic regression) (AUC {metrics['churn_auc']:.3f})" in names
    assert f"Baseline: recency alone (AUC {metrics['recency_auc']:.3f})" in names
    assert f"Baseline: BG/NBD (AUC {metrics['bgnbd_auc']:.3f})" in names
    curves = churn_q.churn_curves(reader)
    classifier = next(t for t in roc if t["name"].startswith("Classifier"))
    stored = curves.filter((pl.col("model") == "classifier") & (pl.col("curve") == "roc"))
    assert classifier["x"] == stored.sort("point")["x"].to_list()
    # the trapezoid area under the drawn curve is the stored AUC
    xs, ys = classifier["x"], classifier["y"]
    area = sum((xs[i + 1] - xs[i]) * (ys[i + 1] + ys[i]) / 2 for i in range(len(xs) - 1))
    assert area == pytest.approx(metrics["churn_auc"], abs=0.01)
    calibration = out[ids.CHURN_CALIBRATION]["figure"]["data"]
    assert len(calibration) == 4  # the diagonal and the three models
    table = json.dumps(out[ids.CHURN_EVAL_TABLE]["children"])
    for key in ("churn_auc", "recency_auc", "bgnbd_auc", "churn_brier"):
        assert f"{metrics[key]:.3f}" in table
    definition = json.dumps(out[ids.CHURN_DEFINITION]["children"])
    horizon = run["parameters"]["horizon_days"]
    assert f"no purchase in the {horizon} days after a date" in definition
    assert run["parameters"]["churn"]["cutoff_date"] in definition
    assert f"{metrics['churn_n_test']:,} held out" in definition
    # the slicers do not change the evaluation
    filtered = call(client, f"{ids.CHURN_ROC}.figure", {f"{ids.FILTER_STORE}.data": "?risk=low"})
    assert filtered == out


@pytest.mark.parametrize(
    ("aucs", "sentence"),
    [
        ((0.75, 0.70, 0.72), "better than both baselines"),
        ((0.71, 0.70, 0.72), "beats recency alone but not BG/NBD"),
        ((0.71, 0.72, 0.70), "beats BG/NBD but not recency alone"),
        ((0.60, 0.70, 0.72), "does not beat either baseline"),
    ],
)
def test_the_verdict_is_honest(aucs: tuple[float, float, float], sentence: str) -> None:
    metrics = dict(zip(("churn_auc", "recency_auc", "bgnbd_auc"), aucs, strict=True))
    assert sentence in churn_panels.verdict(metrics)
    assert churn_panels.verdict({}) == ""


@pytest.mark.slow
def test_a_run_without_churn_says_so(tmp_path_factory: pytest.TempPathFactory) -> None:
    warehouse = customer_table_warehouse_at(tmp_path_factory.getbasetemp() / "dashboard")
    client = dashboard_app.create_app(Settings(warehouse=warehouse)).server.test_client()
    client.get("/")
    out = churn_call(client, "")
    assert "has no churn model" in json.dumps(out[ids.CHURN_HISTOGRAM]["figure"])
    assert out[ids.CHURN_AT_RISK]["rowData"] == []
    evaluation = call(client, f"{ids.CHURN_ROC}.figure", {f"{ids.FILTER_STORE}.data": ""})
    assert "This model run has no churn model" in json.dumps(evaluation[ids.CHURN_EVAL_TABLE])
