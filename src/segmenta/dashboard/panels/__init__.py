"""The non-chart pieces a page's callbacks fill in, where a page has many: KPI rows, tables,
explanatory text, a detail view. One module per page that needs one.

Like :mod:`segmenta.dashboard.figures`, they only build components from what the page callback
got from :mod:`segmenta.dashboard.queries`: they query nothing.
"""
