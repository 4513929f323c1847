"""Component ids of the app shell (navbar, global slicers, URL state). Page ids live in pages/."""

from __future__ import annotations

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
#: A short text of what the filter is.
FILTER_SUMMARY = "filter-summary"
#: Banner shown when the warehouse has no model run.
STATUS_BANNER = "status-banner"

NAVBAR = "navbar"
NAVBAR_TOGGLER = "navbar-toggler"
NAVBAR_COLLAPSE = "navbar-collapse"
#: Pattern-matching id type of the navbar's page links: {"type": NAV_LINK, "index": path}.
NAV_LINK = "nav-link"

# -- issue 5 pages (page-prefixed) ------------------------------------------------------------
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
#: dcc.Store bumped after each rename attempt, so the page redraws (and reverts a refused edit).
MODEL_RENAMED = "model-renamed"

# Score a customer
#: Pattern-matching id types of the form's inputs and their messages: {"type": ..., "index": name}.
SCORE_FIELD = "score-field"
SCORE_FEEDBACK = "score-feedback"
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
