"""The dashboard's charts: pure figure builders, one module per page.

Each function takes the frames a page callback got from :mod:`segmenta.dashboard.queries` (and
the segment colours) and returns a plotly figure as plain JSON (:data:`~segmenta.dashboard.theme.Figure`).
Figures only draw: they query nothing, so where a number comes from is in the page callback
and the query it calls.
"""
