"""Deterministic synthetic retail data shaped like the UCI *Online Retail* export.

:func:`generate_invoices` returns two Polars frames, the invoice lines (the eight columns of
the real export, same names, order and dtypes) and a small customer table with demographics
(CustomerID, Gender, Age, Annual Income (k$)); :func:`write_demo_data` writes them to disk.
The same seed gives byte-identical files.

What the data contains, so that the dashboard and the models have something to show:

* 2024-12-01 to 2025-12-09, closed between Christmas and New Year and on UK bank holidays,
  no Saturday trade, business hours only, a November peak and a quiet first half-year
  (:mod:`~segmenta.demo.trading_calendar`);
* a long tail of products (Zipf-Mandelbrot popularity, log-normal prices, colour variants such as
  ``85123A``/``85123B``, Christmas lines that only sell in the autumn;
  :mod:`~segmenta.demo.catalogue`, :mod:`~segmenta.demo.product_names`) and the non-product
  codes of the real file: ``POST``, ``DOT``, ``M``, ``BANK CHARGES``, ``AMAZONFEE``, ``CRUK``
  (:mod:`~segmenta.demo.fees`);
* customers of different kinds (champions, loyal regulars, occasional buyers, one-off buyers,
  customers who churned months ago, new customers), each with one country (about 87 % in the
  United Kingdom) and demographics mildly tied to behaviour (income -> frequency and basket;
  :mod:`~segmenta.demo.people`, :mod:`~segmenta.demo.countries`);
* guest sales without CustomerID (about 22 % of lines; :mod:`~segmenta.demo.orders`),
  cancellations and returns on ``C`` invoices (about 2 % of lines, a few customers return
  everything; :mod:`~segmenta.demo.returns`), lines priced 0 and about 0.5 % exact duplicate
  lines (:mod:`~segmenta.demo.frames`).

The steps and their order are in :mod:`~segmenta.demo.generate`. Everything is vectorised with
numpy; only the product catalogue is built in a Python loop.
"""

from __future__ import annotations

from segmenta.demo.frames import CUSTOMER_SCHEMA, INVOICE_SCHEMA
from segmenta.demo.generate import generate_invoices
from segmenta.demo.write import GeneratedFiles, write_demo_data

__all__ = [
    "CUSTOMER_SCHEMA",
    "INVOICE_SCHEMA",
    "GeneratedFiles",
    "generate_invoices",
    "write_demo_data",
]
