"""The products page's charts: best sellers, highest return and cancellation rates, revenue by
month per product and the selected product's revenue by segment. Their customdata starts
with the stock code, for the click that selects a product.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from segmenta.dashboard.theme import (
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    Figure,
    color_of,
    empty_figure,
    figure,
    fmt_int,
    fmt_money_short,
    fmt_pct,
)

#: Colours of the product charts: deliberately outside the segment palette, so that a product
#: bar is never mistaken for a segment.
REVENUE_COLOR = "#1F3A5F"


UNITS_COLOR = "#4A7BA7"


RETURN_COLOR = "#A23B3B"


CANCEL_COLOR = "#B7791F"


PRODUCT_LINES = ("#1F3A5F", "#7A5195", "#BC5090", "#EF5675", "#FF764A", "#2A9D8F")


#: Longest product description shown on an axis (the hover has the whole text).
LABEL_CHARS = 34


def short_label(stock_code: str, description: str | None) -> str:
    """A product's axis label: its description (or stock code), cut to :data:`LABEL_CHARS`."""
    text = (description or stock_code).strip()
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS - 1].rstrip() + "\u2026"
    return text


def _axis_labels(frame: pl.DataFrame) -> list[str]:
    """Readable, unique y-axis labels (two products may share a description)."""
    labels = []
    for code, description in frame.select("stock_code", "description").iter_rows():
        label = short_label(code, description)
        labels.append(label if label not in labels else f"{label} ({code})")
    return labels


def _hbar(
    frame: pl.DataFrame,
    value: str,
    text: list[str],
    hover: str,
    x_title: str,
    color: str,
    selected: str,
    xaxis: dict[str, Any] | None = None,
) -> Figure:
    codes = frame["stock_code"].to_list()
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": _axis_labels(frame),
        "x": frame[value].to_list(),
        "text": text,
        "textposition": "auto",
        "cliponaxis": False,
        "marker": {
            "color": color,
            "line": {"color": ["#212529" if c == selected else color for c in codes], "width": 2},
        },
        "customdata": [
            [c, d, q, r, n]
            for c, d, q, r, n in frame.select(
                "stock_code", "description", "quantity", "revenue", "purchase_lines"
            ).iter_rows()
        ],
        "hovertemplate": hover,
    }
    return figure(
        [trace],
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
        xaxis={"title": {"text": x_title}, "rangemode": "tozero", **(xaxis or {})},
        showlegend=False,
        clickmode="event",
    )


_HOVER_HEAD = "<b>%{customdata[1]}</b><br>Stock code %{customdata[0]}<br>"


def top_revenue_figure(top: pl.DataFrame, selected: str = "") -> Figure:
    """The best sellers by gross revenue (``selected`` outlined)."""
    if top.is_empty():
        return empty_figure("No product sales under the current filter")
    return _hbar(
        top,
        "revenue",
        [fmt_money_short(v) for v in top["revenue"].to_list()],
        _HOVER_HEAD + "Revenue %{x:" + D3_MONEY + "}<br>%{customdata[2]:,} units"
        "<br>%{customdata[4]:,} purchase lines<extra></extra>",
        "Gross revenue",
        REVENUE_COLOR,
        selected,
        {"tickprefix": CURRENCY, "tickformat": D3_SHORT},
    )


def top_quantity_figure(top: pl.DataFrame, selected: str = "") -> Figure:
    """The best sellers by units bought (``selected`` outlined)."""
    if top.is_empty():
        return empty_figure("No product sales under the current filter")
    return _hbar(
        top,
        "quantity",
        [fmt_int(v) for v in top["quantity"].to_list()],
        _HOVER_HEAD + "%{x:,} units<br>Revenue %{customdata[3]:" + D3_MONEY + "}"
        "<br>%{customdata[4]:,} purchase lines<extra></extra>",
        "Units bought",
        UNITS_COLOR,
        selected,
        {"tickformat": D3_SHORT},
    )


def rate_figure(
    ranked: pl.DataFrame, rate: str, min_lines: int, selected: str = "", extra: str = ""
) -> Figure:
    """The products with the highest return or cancellation rate (``rate``)."""
    if ranked.is_empty():
        return empty_figure(f"No product with {min_lines:,}+ purchase lines has any")
    label = "Return rate" if rate == "return_rate" else "Cancellation rate"
    frame = ranked.with_columns(pl.col(rate).alias("_rate"))
    detail = (
        "%{customdata[5]:,} units returned of %{customdata[2]:,} bought"
        if rate == "return_rate"
        else "%{customdata[5]:,} cancelled lines, %{customdata[4]:,} purchase lines"
    )
    fig = _hbar(
        frame,
        "_rate",
        [
            f"{fmt_pct(v)} · {fmt_int(n)} lines"
            for v, n in frame.select(rate, "purchase_lines").rows()
        ],
        _HOVER_HEAD + f"{label} %{{x:.1%}}<br>{detail}<extra></extra>",
        label + extra,
        RETURN_COLOR if rate == "return_rate" else CANCEL_COLOR,
        selected,
        {"tickformat": ".0%"},
    )
    second = "returned" if rate == "return_rate" else "cancelled_lines"
    for point, value in zip(fig["data"][0]["customdata"], frame[second].to_list(), strict=True):
        point.append(value)
    return fig


def trend_figure(monthly: pl.DataFrame, products: pl.DataFrame, selected: str = "") -> Figure:
    """One line per product (revenue by month); the selected product drawn thicker."""
    if monthly.is_empty():
        return empty_figure("No product sales under the current filter")
    names = {
        key: (code, description)
        for key, code, description in products.select(
            "product_key", "stock_code", "description"
        ).iter_rows()
    }
    traces = []
    for i, key in enumerate(products["product_key"].to_list()):
        rows = monthly.filter(pl.col("product_key") == key)
        if rows.is_empty():
            continue
        code, description = names[key]
        is_selected = code == selected
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": short_label(code, description),
                "x": [d.isoformat() for d in rows["month"].to_list()],
                "y": rows["revenue"].to_list(),
                "customdata": [[code, description, q] for q in rows["quantity"].to_list()],
                "line": {
                    "width": 4 if is_selected else 2,
                    "color": "#212529" if is_selected else PRODUCT_LINES[i % len(PRODUCT_LINES)],
                },
                "marker": {"size": 7 if is_selected else 5},
                "hovertemplate": "<b>%{customdata[1]}</b> (%{customdata[0]})<br>%{x|%b %Y}: "
                "%{y:" + D3_MONEY + "}, %{customdata[2]:,} units<extra></extra>",
            }
        )
    return figure(
        traces,
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
        xaxis={"type": "date", "tickformat": "%b %Y", "dtick": "M1"},
        yaxis={"title": {"text": "Gross revenue"}, "tickprefix": CURRENCY, "tickformat": D3_SHORT},
        hovermode="closest",
        clickmode="event",
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )


def segments_figure(by_segment: pl.DataFrame, colors: dict[str, str]) -> Figure:
    """The selected product's revenue per segment of its buyers."""
    if by_segment.is_empty():
        return empty_figure("No covered customer bought it")
    segments = by_segment["segment"].to_list()
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": segments,
        "x": by_segment["revenue"].to_list(),
        "marker": {"color": [color_of(colors, s) for s in segments]},
        "text": [
            f"{fmt_money_short(r)} · {fmt_int(n)}"
            for r, n in by_segment.select("revenue", "customers").rows()
        ],
        "textposition": "auto",
        "customdata": by_segment.select("customers", "quantity").rows(),
        "hovertemplate": "<b>%{y}</b><br>Revenue %{x:" + D3_MONEY + "}<br>%{customdata[0]:,} "
        "customers, %{customdata[1]:,} units<extra></extra>",
    }
    return figure(
        [trace],
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": "Revenue"}, "tickprefix": CURRENCY, "tickformat": D3_SHORT},
        showlegend=False,
    )
