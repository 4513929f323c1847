"""The Dash dashboard: read-only pages over the warehouse.

Where things are:

* :mod:`.app`: the shell (``create_app``, ``serve``): navbar, page registration, wiring;
  :mod:`.filter_bar`: the global slicers and the callbacks that sync them with the URL.
* ``pages/<page>.py``: one module per page, owning its ``layout`` and ``register_callbacks``.
  A number on a page comes from its callback, which calls a function of
  ``queries/<page>.py`` (:mod:`.queries`), which runs one ``.sql`` file of
  ``segmenta/warehouse/sql/dashboard/``.
* ``figures/<page>.py``: the page's charts (frames in, plotly JSON out; they only draw).
  ``panels/<page>.py``: a page's larger non-chart outputs (KPI rows, tables, text, a detail
  view), for the pages that have them. :mod:`.grid_columns`: every AG Grid's columns.
* Shared: :mod:`.theme` (colours, number formats, the figure style), :mod:`.components`
  (cards, headers), :mod:`.filters` (the filter and its query string), :mod:`.ids` (every
  component id), :mod:`.state` (the app's reader), :mod:`.security` (sign-in and roles),
  :mod:`.api` (``POST /api/score``), :mod:`.health` (``/healthz``).
"""
