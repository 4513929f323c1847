"""The dashboard's pages, one module each, in navbar order in :data:`segmenta.dashboard.app.PAGES`.

Each module defines ``PATH``, ``NAME``, ``TITLE``, ``ORDER``, ``layout(**query)`` and
``register_callbacks(app)``; its data comes from ``segmenta.dashboard.queries.<page>`` and its
charts from ``segmenta.dashboard.figures.<page>``.
"""
