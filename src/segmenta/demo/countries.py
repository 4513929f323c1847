"""The countries of the export: how many customers each has, and its share of guest invoices.

Spelled as the UCI export spells them (``EIRE``, ``USA``, ``RSA``, ``Unspecified``); the ETL's
``normalise_country`` rule maps them to ISO names. About 87 % of customers are in the United
Kingdom; the other customers are spread as in the real file.
"""

from __future__ import annotations

# (country as the export spells it, customers in the real file, share of guest invoices)
COUNTRIES: tuple[tuple[str, float, float], ...] = (
    ("United Kingdom", 0.0, 0.955),
    ("Germany", 95, 0.003),
    ("France", 87, 0.006),
    ("Spain", 31, 0.0),
    ("Belgium", 25, 0.0),
    ("Switzerland", 21, 0.004),
    ("Portugal", 19, 0.002),
    ("Italy", 15, 0.0),
    ("Finland", 12, 0.0),
    ("Austria", 11, 0.0),
    ("Norway", 10, 0.0),
    ("Netherlands", 9, 0.0),
    ("Australia", 9, 0.0),
    ("Channel Islands", 9, 0.0),
    ("Denmark", 9, 0.0),
    ("Cyprus", 8, 0.0),
    ("Sweden", 8, 0.0),
    ("Japan", 8, 0.0),
    ("Poland", 6, 0.0),
    ("EIRE", 6, 0.012),
    ("USA", 4, 0.0),
    ("Canada", 4, 0.0),
    ("Israel", 4, 0.002),
    ("Greece", 4, 0.0),
    ("Unspecified", 3, 0.006),
    ("Malta", 2, 0.0),
    ("United Arab Emirates", 2, 0.0),
    ("Bahrain", 2, 0.001),
    ("Iceland", 1, 0.0),
    ("Lithuania", 1, 0.0),
    ("Czech Republic", 1, 0.0),
    ("Lebanon", 1, 0.0),
    ("RSA", 1, 0.0),
    ("Saudi Arabia", 1, 0.0),
    ("Singapore", 1, 0.0),
    ("Brazil", 1, 0.0),
    ("European Community", 1, 0.0),
    ("Hong Kong", 0, 0.009),
)
#: Share of customers in the United Kingdom (its customer count above is not used).
UK_CUSTOMER_SHARE = 0.87
#: Indices into COUNTRIES of the United Kingdom and of "Unspecified".
UK = 0
UNSPECIFIED = [c[0] for c in COUNTRIES].index("Unspecified")
# Countries whose few customers are large wholesalers in the real file.
BIG_BUYER_COUNTRIES = ("EIRE", "Netherlands", "Australia")
