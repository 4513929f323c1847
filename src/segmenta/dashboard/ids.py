"""Every component id of the dashboard, as a constant: the shell's first, then each page's.

One convention everywhere: a page's ids are named ``PAGE_THING`` and grouped under the page's
heading below; layouts and callbacks use the constants, never a string literal (a test walks
the layouts for ids that are not declared here). Pattern-matching ids are dicts whose
``"type"`` is a constant here (``{"type": NAV_LINK, "index": path}``), with the ``ALL``
patterns the callbacks use as constants too. The strings are what the browser sees: the
tests, screenshots and benchmarks select elements by them, so they do not change.
"""

from __future__ import annotations

from typing import Any

from dash import ALL

#: dcc.Location holding the filter state in its query string (refresh=False: writing it does
#: not reload or re-route).
URL = "url"
#: dcc.Location used to navigate from a callback (drill-through): refresh="callback-nav".
NAV = "nav"
#: dcc.Store with the canonical query string of the current filter ("" = no filter). Every
#: page's callbacks take it as Input and re-validate it server-side.
FILTER_STORE = "filter-store"

FILTER_DATES = "filter-dates"
FILTER_COUNTRY = "filter-country"
FILTER_SEGMENT = "filter-segment"
FILTER_RISK = "filter-risk"
FILTER_CLEAR = "filter-clear"
#: "N customers · M lines" for the current filter.
COVERAGE = "coverage"
MODEL_FRESHNESS = "model-freshness"
#: A short text of what the filter is.
FILTER_SUMMARY = "filter-summary"
#: Banner shown when the warehouse has no model run.
STATUS_BANNER = "status-banner"

NAVBAR = "navbar"
NAVBAR_TOGGLER = "navbar-toggler"
NAVBAR_COLLAPSE = "navbar-collapse"
#: Pattern-matching id type of the navbar's page links: {"type": NAV_LINK, "index": path}.
NAV_LINK = "nav-link"
#: Every navbar link (callback pattern).
NAV_LINKS: dict[str, Any] = {"type": NAV_LINK, "index": ALL}

# -- pages, in navbar order ------------------------------------------------------------------
# Overview
OVERVIEW_KPIS = "overview-kpis"
OVERVIEW_CUSTOMERS_BAR = "overview-customers-bar"
OVERVIEW_REVENUE_BAR = "overview-revenue-bar"
OVERVIEW_BUBBLE = "overview-bubble"
OVERVIEW_SEGMENT_TABLE = "overview-segment-table"

# Customers
CUSTOMERS_GRID = "customers-grid"
CUSTOMERS_SEARCH = "customers-search"
CUSTOMERS_EXPORT = "customers-export"
CUSTOMERS_DOWNLOAD = "customers-download"
CUSTOMERS_MATCHES = "customers-matches"
CUSTOMERS_PURGE = "customers-purge"
CUSTOMERS_DETAIL = "customers-detail"
CUSTOMERS_DETAIL_BODY = "customers-detail-body"

# Map
MAP_METRIC = "map-metric"
MAP_GRAPH = "map-graph"
MAP_TABLE = "map-table"

# Age / gender
DEMOGRAPHICS_NOTICE = "demographics-notice"
DEMOGRAPHICS_CHARTS = "demographics-charts"
DEMOGRAPHICS_AGE = "demographics-age"
DEMOGRAPHICS_GENDER = "demographics-gender"
DEMOGRAPHICS_AGE_REVENUE = "demographics-age-revenue"
DEMOGRAPHICS_GENDER_REVENUE = "demographics-gender-revenue"
DEMOGRAPHICS_SEGMENT = "demographics-segment"
DEMOGRAPHICS_SCATTER = "demographics-scatter"

# Products
PRODUCTS_TOP_REVENUE = "products-top-revenue"
PRODUCTS_TOP_QUANTITY = "products-top-quantity"
PRODUCTS_RETURN_RATE = "products-return-rate"
PRODUCTS_CANCEL_RATE = "products-cancel-rate"
PRODUCTS_MIN_LINES = "products-min-lines"
PRODUCTS_TREND = "products-trend"
#: dcc.Store with the stock code of the clicked product ("" or None = none).
PRODUCTS_SELECTED = "products-selected"
PRODUCTS_DETAIL = "products-detail"
PRODUCTS_SEGMENTS = "products-segments"
PRODUCTS_BUYERS = "products-buyers"

# Churn
CHURN_KPIS = "churn-kpis"
CHURN_HISTOGRAM = "churn-histogram"
CHURN_BY_SEGMENT = "churn-by-segment"
CHURN_BY_COUNTRY = "churn-by-country"
CHURN_AT_RISK = "churn-at-risk"
CHURN_AT_RISK_NOTE = "churn-at-risk-note"
CHURN_EXPORT = "churn-export"
CHURN_DOWNLOAD = "churn-download"
CHURN_ROC = "churn-roc"
CHURN_CALIBRATION = "churn-calibration"
CHURN_EVAL_TABLE = "churn-eval-table"
CHURN_DEFINITION = "churn-definition"

# Segmentation model
MODEL_SUMMARY = "model-summary"
MODEL_ELBOW = "model-elbow"
MODEL_SILHOUETTE = "model-silhouette"
MODEL_SCATTER = "model-scatter"
MODEL_SCATTER_NOTE = "model-scatter-note"
MODEL_HEATMAP = "model-heatmap"
MODEL_SEGMENTS = "model-segments"
MODEL_RENAME_STATUS = "model-rename-status"
#: The alert a rename attempt shows in MODEL_RENAME_STATUS.
MODEL_RENAME_ALERT = "model-rename-alert"
#: dcc.Store bumped after each rename attempt, so the page redraws (and reverts a refused edit).
MODEL_RENAMED = "model-renamed"

# Score a customer
#: Pattern-matching id types of the form's inputs and their messages: {"type": ..., "index": name}.
SCORE_FIELD = "score-field"
SCORE_FEEDBACK = "score-feedback"
#: Every input of the form and every message (callback patterns).
SCORE_FIELDS: dict[str, Any] = {"type": SCORE_FIELD, "index": ALL}
SCORE_FEEDBACKS: dict[str, Any] = {"type": SCORE_FEEDBACK, "index": ALL}
SCORE_FORM = "score-form"
#: The result card's segment name and churn probability.
SCORE_SEGMENT = "score-segment"
SCORE_CHURN = "score-churn"
SCORE_ERROR_ALERT = "score-error-alert"
SCORE_SUBMIT = "score-submit"
SCORE_ERROR = "score-error"
SCORE_RESULT = "score-result"
SCORE_DISTANCES = "score-distances"
SCORE_PROJECTION = "score-projection"

# SQL
SQL_EDITOR = "sql-editor"
SQL_EXAMPLES = "sql-examples"
SQL_RUN = "sql-run"
SQL_STATUS = "sql-status"
SQL_RESULT = "sql-result"
SQL_CSV = "sql-csv"
SQL_DOWNLOAD = "sql-download"
#: dcc.Store with the text of the last query that ran (the CSV export runs it again).
SQL_LAST_QUERY = "sql-last-query"
SQL_SCHEMA = "sql-schema"
SQL_WORKSPACE = "sql-workspace"
