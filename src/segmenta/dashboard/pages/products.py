"""Products: best sellers, return and cancellation rates, revenue over time, who buys a product.

Every figure counts the filtered invoice lines of the covered customers (the global slicers),
so "N customers · M lines" above the page is what the rankings are made of. Postage, fees and
discounts (``dim_product.is_product = FALSE``) are left out. Clicking a product in any chart
lists the customers who buy it and the segments they belong to.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, ctx, dcc, html

from segmenta.dashboard import ids, state
from segmenta.dashboard.components import (
    card_row,
    chart_card,
    current_filters,
    page_header,
    section_card,
)
from segmenta.dashboard.grid_columns import (
    country_column,
    customer_column,
    money_column,
    number_column,
    segment_column,
)
from segmenta.dashboard.queries import products as q
from segmenta.dashboard.theme import (
    CURRENCY,
    D3_MONEY,
    D3_SHORT,
    Figure,
    color_of,
    empty_figure,
    figure,
    fmt_int,
    fmt_money,
    fmt_money_short,
    fmt_pct,
    segment_colors,
)

PATH = "/products"
NAME = "Products"
TITLE = "Products · Segmenta"
ORDER = 4

#: Colours of the product charts: deliberately outside the segment palette, so that a product
#: bar is never mistaken for a segment.
REVENUE_COLOR = "#1F3A5F"
UNITS_COLOR = "#4A7BA7"
RETURN_COLOR = "#A23B3B"
CANCEL_COLOR = "#B7791F"
PRODUCT_LINES = ("#1F3A5F", "#7A5195", "#BC5090", "#EF5675", "#FF764A", "#2A9D8F")
#: Longest product description shown on an axis (the hover has the whole text).
LABEL_CHARS = 34
MIN_LINES_CHOICES = (1, 10, 30, 100, 300)

BUYER_COLUMNS: list[dict[str, Any]] = [
    customer_column(160),
    country_column(120),
    segment_column(140),
    number_column("quantity", "Units"),
    money_column("revenue", "Revenue", decimals=2),
    number_column("invoices", "Invoices"),
    {"field": "last_bought", "headerName": "Last bought", "minWidth": 120},
]


def layout(**_query: object) -> html.Div:
    return html.Div(
        [
            page_header(
                "Products",
                "What the covered customers buy in the selected period and countries: best "
                "sellers, the products they return or cancel most, and revenue over time. "
                "Click a product to see who buys it.",
            ),
            card_row(
                chart_card("Best sellers by revenue", ids.PRODUCTS_TOP_REVENUE, 380),
                chart_card("Best sellers by units", ids.PRODUCTS_TOP_QUANTITY, 380),
                lg=6,
            ),
            html.Div(
                [
                    html.Label(
                        "Minimum volume for the rates:",
                        htmlFor=ids.PRODUCTS_MIN_LINES,
                        className="small text-muted me-2",
                    ),
                    dbc.RadioItems(
                        id=ids.PRODUCTS_MIN_LINES,
                        options=[
                            {"label": f"{n:,} purchase line{'s' if n > 1 else ''}", "value": n}
                            for n in MIN_LINES_CHOICES
                        ],
                        value=q.DEFAULT_MIN_LINES,
                        inline=True,
                        className="d-inline-block small",
                    ),
                ],
                className="mb-2",
            ),
            card_row(
                chart_card("Highest return rate", ids.PRODUCTS_RETURN_RATE, 380),
                chart_card("Highest cancellation rate", ids.PRODUCTS_CANCEL_RATE, 380),
                lg=6,
            ),
            html.Div(
                chart_card(
                    f"Revenue by month: the {q.PRODUCT_TREND_N} best sellers and the selected "
                    "product",
                    ids.PRODUCTS_TREND,
                    360,
                ),
                className="mb-3",
            ),
            dcc.Store(id=ids.PRODUCTS_SELECTED, data=""),
            section_card(
                "Who buys it",
                [
                    html.Div(
                        html.P(
                            "Click a product in a chart above to list its customers and segments.",
                            className="text-muted small mb-0",
                        ),
                        id=ids.PRODUCTS_DETAIL,
                        className="mb-2",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                chart_card("Revenue by segment", ids.PRODUCTS_SEGMENTS, 300),
                                lg=4,
                                className="mb-2",
                            ),
                            dbc.Col(
                                dag.AgGrid(
                                    id=ids.PRODUCTS_BUYERS,
                                    columnDefs=BUYER_COLUMNS,
                                    rowData=[],
                                    defaultColDef={
                                        "sortable": True,
                                        "resizable": True,
                                        "filter": True,
                                        "minWidth": 90,
                                        "flex": 1,
                                    },
                                    dashGridOptions={"animateRows": False, "tooltipShowDelay": 300},
                                    getRowId="params.data.customer_key.toString()",
                                    style={"height": "340px", "width": "100%"},
                                ),
                                lg=8,
                                className="mb-2",
                            ),
                        ],
                        className="g-3",
                    ),
                ],
            ),
        ]
    )


# -- figures -----------------------------------------------------------------------------------
def short_label(stock_code: str, description: str | None) -> str:
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


# -- callback bodies ---------------------------------------------------------------------------
def _min_lines(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value in MIN_LINES_CHOICES:
        return value
    return q.DEFAULT_MIN_LINES


def products_outputs(store: object, min_lines: object, selected: object = "") -> tuple[Any, ...]:
    """The five charts for a filter store value and a minimum volume."""
    filters, _options = current_filters(store)
    reader = state.reader()
    chosen = selected if isinstance(selected, str) else ""
    threshold = _min_lines(min_lines)
    metrics = q.product_metrics(reader, filters)
    by_revenue = q.best_sellers(metrics, "revenue")
    by_quantity = q.best_sellers(metrics, "quantity")
    returns = q.highest_rates(metrics, "return_rate", threshold)
    cancels = q.highest_rates(metrics, "cancellation_rate", threshold)
    trend_products = by_revenue.head(q.PRODUCT_TREND_N)
    if chosen and chosen not in trend_products["stock_code"].to_list():
        trend_products = pl.concat([trend_products, metrics.filter(pl.col("stock_code") == chosen)])
    monthly = q.product_monthly(reader, filters, trend_products["product_key"].to_list())
    return (
        top_revenue_figure(by_revenue, chosen),
        top_quantity_figure(by_quantity, chosen),
        rate_figure(returns, "return_rate", threshold, chosen),
        rate_figure(cancels, "cancellation_rate", threshold, chosen),
        trend_figure(monthly, trend_products, chosen),
    )


def product_from_click(click: object) -> str | None:
    """The stock code in a chart's clickData (customdata[0]), if any."""
    if not isinstance(click, dict):
        return None
    points = click.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    custom = points[0].get("customdata")
    if isinstance(custom, list) and custom and isinstance(custom[0], str):
        return custom[0]
    return None


def detail_outputs(store: object, stock_code: object) -> tuple[Any, Figure, list[dict[str, Any]]]:
    """The 'who buys it' section for a product: header, revenue by segment, buyers."""
    prompt = html.P(
        "Click a product in a chart above to list its customers and segments.",
        className="text-muted small mb-0",
    )
    if not stock_code:
        return prompt, empty_figure("No product selected"), []
    reader = state.reader()
    product = q.product_lookup(reader, stock_code)
    if product is None:
        return prompt, empty_figure("No product selected"), []
    filters, options = current_filters(store)
    colors = segment_colors(options.segments)
    by_segment = q.product_segments(reader, filters, product["product_key"])
    buyers = q.product_buyers(reader, filters, product["product_key"])
    n_customers = int(by_segment["customers"].sum()) if by_segment.height else 0
    revenue = float(by_segment["revenue"].sum()) if by_segment.height else 0.0
    shown = (
        f" (the {fmt_int(buyers.height)} who spent most are listed)"
        if n_customers > buyers.height
        else ""
    )
    header = html.Div(
        [
            html.Span(product["description"], className="fw-semibold"),
            html.Span(f" · stock code {product['stock_code']}", className="text-muted"),
            html.Div(
                f"{fmt_int(n_customers)} covered customer{'s' if n_customers != 1 else ''} "
                f"bought it for {fmt_money(revenue)} under the current filter{shown}.",
                className="small",
            ),
        ],
        className="product-detail-header",
    )
    rows = buyers.with_columns(
        pl.col("last_bought").dt.strftime("%Y-%m-%d"),
        pl.col("revenue").round(2),
        pl.col("segment")
        .replace_strict(colors, default="#9AA0A6", return_dtype=pl.String)
        .alias("segment_color"),
    ).to_dicts()
    return header, segments_figure(by_segment, colors), rows


# -- callbacks -------------------------------------------------------------------------------------
_CHARTS = (
    ids.PRODUCTS_TOP_REVENUE,
    ids.PRODUCTS_TOP_QUANTITY,
    ids.PRODUCTS_RETURN_RATE,
    ids.PRODUCTS_CANCEL_RATE,
    ids.PRODUCTS_TREND,
)


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        *(Output(chart, "figure") for chart in _CHARTS),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.PRODUCTS_MIN_LINES, "value"),
        Input(ids.PRODUCTS_SELECTED, "data"),
    )
    def update_products(store: object, min_lines: object, selected: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return products_outputs(store, min_lines, selected)

    @app.callback(
        Output(ids.PRODUCTS_SELECTED, "data"),
        *(Input(chart, "clickData") for chart in _CHARTS),
        State(ids.PRODUCTS_SELECTED, "data"),
        prevent_initial_call=True,
    )
    def select_product(*args: object) -> str:
        clicks = dict(zip(_CHARTS, args[:-1], strict=True))
        code = product_from_click(clicks.get(ctx.triggered_id))
        if code is None or code == args[-1]:
            raise dash.exceptions.PreventUpdate
        return code

    @app.callback(
        Output(ids.PRODUCTS_DETAIL, "children"),
        Output(ids.PRODUCTS_SEGMENTS, "figure"),
        Output(ids.PRODUCTS_BUYERS, "rowData"),
        Input(ids.PRODUCTS_SELECTED, "data"),
        Input(ids.FILTER_STORE, "data"),
    )
    def product_detail(selected: object, store: object) -> tuple[Any, ...]:
        if store is None:
            raise dash.exceptions.PreventUpdate
        return detail_outputs(store, selected)
