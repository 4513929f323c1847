"""Tools for driving a running or in-process dashboard: tests, benchmarks and scripts share them.

``callbacks`` posts Dash callbacks as the renderer does (over a Flask test client or HTTP);
``chromium`` starts the offline headless Chromium the browser tests and screenshots use.
Neither is imported by ``import segmenta``; Selenium and requests are imported only when used.
"""
