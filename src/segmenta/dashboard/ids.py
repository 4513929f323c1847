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
