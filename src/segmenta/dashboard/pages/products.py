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
from segmenta.dashboard.figures.products import (
    rate_figure,
    segments_figure,
    top_quantity_figure,
    top_revenue_figure,
    trend_figure,
)
from segmenta.dashboard.grid_columns import PRODUCT_BUYER_COLUMNS
from segmenta.dashboard.queries import products as q
from segmenta.dashboard.theme import Figure, empty_figure, fmt_int, fmt_money, segment_colors

PATH = "/products"
NAME = "Products"
TITLE = "Products · Segmenta"
ORDER = 4

MIN_LINES_CHOICES = (1, 10, 30, 100, 300)


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
                                    columnDefs=PRODUCT_BUYER_COLUMNS,
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
