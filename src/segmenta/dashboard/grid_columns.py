"""AG Grid column definitions: the shared column builders (one look for customer lists
everywhere) and the columns of every page's grid, in navbar order."""

from __future__ import annotations

from typing import Any

from segmenta.dashboard.labels import (
    AS_OF_RUN_TIP,
    FREQUENCY_HEADER,
    RECENCY_HEADER,
    SEGMENT_TIP,
)
from segmenta.dashboard.theme import CURRENCY
from segmenta.warehouse.renames import MAX_LABEL_LENGTH

Column = dict[str, Any]


def customer_column(min_width: int = 160) -> Column:
    """The customer's display name, pinned left; the real id on hover."""
    return {
        "field": "display_name",
        "headerName": "Customer",
        "minWidth": min_width,
        "pinned": "left",
        "tooltipField": "customer_id",
        "headerTooltip": "Customer name (hover for the customer id)",
    }


def country_column(min_width: int = 120) -> Column:
    """The customer's home country."""
    return {"field": "country", "headerName": "Country", "minWidth": min_width}


def segment_column(min_width: int = 140) -> Column:
    """The segment name with its colour as a left border (rows carry ``segment_color``)."""
    return {
        "field": "segment",
        "headerName": "Segment",
        "minWidth": min_width,
        "cellStyle": {"function": "({borderLeft: '6px solid ' + params.data.segment_color})"},
    }


def number_column(field: str, header: str, d3_format: str = ",", **extra: Any) -> Column:
    """A right-aligned number formatted with d3-format (``","``, ``".0%"``, ...)."""
    return {
        "field": field,
        "headerName": header,
        "type": "rightAligned",
        "valueFormatter": {"function": f"d3.format('{d3_format}')(params.value)"},
        **extra,
    }


def money_column(field: str, header: str, decimals: int = 0, **extra: Any) -> Column:
    """A right-aligned amount in the invoices' currency."""
    return {
        **number_column(field, header, **extra),
        "valueFormatter": {"function": f"'{CURRENCY}' + d3.format(',.{decimals}f')(params.value)"},
    }


# -- overview: the segment table --------------------------------------------------------------------
_NUM = {"type": "rightAligned", "filter": False}


OVERVIEW_SEGMENT_COLUMNS: list[dict[str, Any]] = [
    {
        "field": "segment",
        "headerName": "Segment",
        "pinned": "left",
        "minWidth": 170,
        "cellStyle": {
            "function": "({borderLeft: '6px solid ' + params.data.color, fontWeight: 600})"
        },
        "tooltipField": "description",
    },
    {
        "field": "customers",
        "headerName": "Customers",
        **_NUM,
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {
        "field": "customer_share",
        "headerName": "% customers",
        **_NUM,
        "valueFormatter": {"function": "d3.format('.1%')(params.value)"},
    },
    {
        "field": "revenue_per_customer",
        "headerName": "Revenue / customer",
        **_NUM,
        "valueFormatter": {"function": f"'{CURRENCY}' + d3.format(',.0f')(params.value)"},
    },
    {
        "field": "recency_days",
        "headerName": RECENCY_HEADER,
        "headerTooltip": AS_OF_RUN_TIP,
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format(',.0f')(params.value)"
        },
    },
    {
        "field": "frequency",
        "headerName": FREQUENCY_HEADER,
        "headerTooltip": AS_OF_RUN_TIP,
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format(',.1f')(params.value)"
        },
    },
    {
        "field": "return_rate",
        "headerName": "Return rate",
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format('.1%')(params.value)"
        },
    },
    {
        "field": "invoices",
        "headerName": "Invoices",
        **_NUM,
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {
        "field": "items",
        "headerName": "Items",
        **_NUM,
        "valueFormatter": {"function": "d3.format(',.0f')(params.value)"},
    },
    {
        "field": "revenue",
        "headerName": "Revenue",
        **_NUM,
        "valueFormatter": {"function": f"'{CURRENCY}' + d3.format(',.0f')(params.value)"},
    },
    {
        "field": "revenue_share",
        "headerName": "% revenue",
        **_NUM,
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format('.1%')(params.value)"
        },
    },
]


# -- customers: the server-side grid (its filters run in the warehouse) -----------------------------
_TEXT_FILTER = {
    "filter": "agTextColumnFilter",
    "filterParams": {
        "filterOptions": [
            "contains",
            "notContains",
            "equals",
            "notEqual",
            "startsWith",
            "endsWith",
        ],
        "maxNumConditions": 2,
        "debounceMs": 400,
    },
}


_NUMBER_FILTER = {
    "filter": "agNumberColumnFilter",
    "filterParams": {
        "filterOptions": [
            "equals",
            "notEqual",
            "lessThan",
            "lessThanOrEqual",
            "greaterThan",
            "greaterThanOrEqual",
            "inRange",
            "blank",
            "notBlank",
        ],
        "maxNumConditions": 2,
        "debounceMs": 400,
    },
    "type": "rightAligned",
}


_DATE_FILTER = {
    "filter": "agDateColumnFilter",
    "filterParams": {
        "filterOptions": ["equals", "lessThan", "greaterThan", "inRange", "blank", "notBlank"],
        "maxNumConditions": 1,
    },
}


def _fmt(expr: str) -> dict[str, str]:
    return {"function": f"params.value == null ? '' : {expr}"}


CUSTOMERS_GRID_COLUMNS: list[dict[str, Any]] = [
    {
        "field": "display_name",
        "headerName": "Name",
        "minWidth": 180,
        "pinned": "left",
        **_TEXT_FILTER,
    },
    {"field": "customer_id", "headerName": "Customer ID", "minWidth": 140, **_TEXT_FILTER},
    {"field": "country", "headerName": "Country", "minWidth": 150, **_TEXT_FILTER},
    {
        "field": "segment",
        "headerName": "Segment",
        "headerTooltip": SEGMENT_TIP,
        "minWidth": 150,
        "cellStyle": {
            "function": "params.data ? ({borderLeft: '6px solid ' + params.data.segment_color}) : {}"
        },
        **_TEXT_FILTER,
    },
    {
        "field": "churn_probability",
        "headerName": "Churn (as of the run)",
        "headerTooltip": "Churn probability: no purchase in the model's horizon, as of the"
        " latest run's as-of date",
        "valueFormatter": _fmt("d3.format('.0%')(params.value)"),
        **_NUMBER_FILTER,
    },
    {
        "field": "risk_band",
        "headerName": "Risk",
        "headerTooltip": AS_OF_RUN_TIP,
        "minWidth": 100,
        **_TEXT_FILTER,
    },
    {
        "field": "revenue",
        "headerName": "Revenue",
        "valueFormatter": _fmt(f"'{CURRENCY}' + d3.format(',.0f')(params.value)"),
        **_NUMBER_FILTER,
    },
    {
        "field": "invoices",
        "headerName": "Invoices",
        "valueFormatter": _fmt("d3.format(',.0f')(params.value)"),
        **_NUMBER_FILTER,
    },
    {
        "field": "recency_days",
        "headerName": RECENCY_HEADER,
        "headerTooltip": AS_OF_RUN_TIP,
        "valueFormatter": _fmt("d3.format(',.0f')(params.value)"),
        **_NUMBER_FILTER,
    },
    {
        "field": "return_rate",
        "headerName": "Return rate",
        "valueFormatter": _fmt("d3.format('.1%')(params.value)"),
        **_NUMBER_FILTER,
    },
    {"field": "last_purchase_at", "headerName": "Last purchase", "minWidth": 130, **_DATE_FILTER},
]


# -- map: the country table -------------------------------------------------------------------------
def _map_money(field: str, d3_format: str = ",.0f") -> dict[str, Any]:
    return {
        "field": field,
        "type": "rightAligned",
        "valueFormatter": {
            "function": f"params.value == null ? '\u2013' : '{CURRENCY}' + d3.format('{d3_format}')(params.value)"
        },
    }


MAP_COUNTRY_COLUMNS: list[dict[str, Any]] = [
    {"field": "country", "headerName": "Country", "minWidth": 150, "pinned": "left"},
    {
        "field": "customers",
        "headerName": "Customers",
        "type": "rightAligned",
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {**_map_money("revenue", ".3~s"), "headerName": "Revenue"},
    {
        "field": "invoices",
        "headerName": "Invoices",
        "type": "rightAligned",
        "valueFormatter": {"function": "d3.format(',')(params.value)"},
    },
    {**_map_money("revenue_per_customer"), "headerName": "Revenue / customer"},
    {
        "field": "churn_rate",
        "headerName": "Churn rate",
        "type": "rightAligned",
        "valueFormatter": {
            "function": "params.value == null ? '\u2013' : d3.format('.1%')(params.value)"
        },
    },
]


# -- products: who buys the selected product --------------------------------------------------------
PRODUCT_BUYER_COLUMNS: list[dict[str, Any]] = [
    customer_column(160),
    country_column(120),
    segment_column(140),
    number_column("quantity", "Units"),
    money_column("revenue", "Revenue", decimals=2),
    number_column("invoices", "Invoices"),
    {"field": "last_bought", "headerName": "Last bought", "minWidth": 120},
]


# -- churn: high-value customers at high risk -------------------------------------------------------
CHURN_AT_RISK_COLUMNS: list[dict[str, Any]] = [
    customer_column(150),
    country_column(130),
    segment_column(130),
    number_column("churn_probability", "Churn", ".0%"),
    money_column("revenue", "Revenue"),
    money_column(
        "value_at_risk",
        "Revenue at risk",
        headerTooltip="Expected revenue at risk: revenue x churn probability",
        sort="desc",
    ),
]


# -- model: the segments (the name is editable for analysts) ----------------------------------------
def model_segment_columns(editable: bool) -> list[dict[str, Any]]:
    """The segments table's columns; ``editable``: analysts rename a segment in the name cell."""
    name_column: dict[str, Any] = {
        "field": "segment",
        "headerName": "Name" + (" (double-click to rename)" if editable else ""),
        "minWidth": 200,
        "pinned": "left",
        "editable": editable,
        "cellStyle": {
            "function": "({borderLeft: '8px solid ' + params.data.color, fontWeight: 600})"
        },
    }
    if editable:
        name_column["cellEditorParams"] = {"maxLength": MAX_LABEL_LENGTH}
    return [
        {"field": "segment_id", "headerName": "#", "maxWidth": 60, "type": "rightAligned"},
        name_column,
        {"field": "description", "headerName": "What sets it apart", "minWidth": 280, "flex": 3},
        {
            "field": "n_customers",
            "headerName": "Customers (run)",
            "type": "rightAligned",
            "valueFormatter": {"function": "d3.format(',')(params.value)"},
        },
        {
            "field": "covered",
            "headerName": "Covered by the filter",
            "type": "rightAligned",
            "valueFormatter": {"function": "d3.format(',')(params.value)"},
        },
        {"field": "generated_name", "headerName": "Generated name", "minWidth": 150},
        {
            "field": "renamed",
            "headerName": "Renamed by, when (UTC)",
            "minWidth": 190,
            "tooltipField": "renamed",
        },
    ]
