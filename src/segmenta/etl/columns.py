"""Header spellings of the public retail layouts and customer tables, mapped to our names.

Headers are compared after lower-casing and dropping everything but letters and digits, so
``Customer ID``, ``CustomerID`` and ``customer_id`` are the same header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from segmenta.etl.errors import InputError

#: canonical invoice column -> accepted spellings (normalised)
INVOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "invoice_no": ("invoiceno", "invoice", "invoicenumber", "invoiceid", "orderid", "orderno"),
    "stock_code": ("stockcode", "stockid", "productcode", "sku", "itemcode"),
    "description": ("description", "productdescription", "product", "itemdescription"),
    "quantity": ("quantity", "qty", "units"),
    "invoice_date": ("invoicedate", "date", "orderdate", "invoicedatetime"),
    "unit_price": ("unitprice", "price", "priceperunit"),
    "customer_id": ("customerid", "customer", "customerno", "customernumber", "clientid"),
    "country": ("country", "countryname"),
}
INVOICE_REQUIRED = ("invoice_no", "stock_code", "quantity", "invoice_date", "unit_price")
INVOICE_OPTIONAL = ("description", "customer_id", "country")

#: canonical customer-table column -> accepted spellings (normalised)
CUSTOMER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("customerid", "customer", "custid", "clientid", "id"),
    "gender": ("gender", "genre", "sex"),
    "age": ("age",),
    "annual_income_k": ("annualincomek", "annualincome", "income", "incomek", "annualincomekusd"),
    "spending_score": ("spendingscore1100", "spendingscore", "score"),
    "country": ("country", "countryname"),
}
CUSTOMER_REQUIRED = ("customer_id",)


def normalise_header(name: str) -> str:
    """A header reduced to lower-case letters and digits ('Customer ID' -> 'customerid')."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def match_columns(
    path: Path,
    headers: list[str],
    aliases: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> dict[str, str]:
    """Map canonical names to the file's headers; raise naming what is missing."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    found: dict[str, str] = {}
    for canonical, spellings in aliases.items():
        for spelling in spellings:
            if spelling in by_norm:
                found[canonical] = by_norm[spelling]
                break
    missing = [c for c in required if c not in found]
    if missing:
        wanted = "; ".join(
            f"{c} (one of: {', '.join(_pretty(s) for s in aliases[c][:4])})" for c in missing
        )
        raise InputError(
            path,
            f"required column(s) missing: {wanted}. The file's header is: {', '.join(headers) or '(empty)'}",
        )
    return found


_PRETTY = {
    "invoiceno": "InvoiceNo",
    "invoice": "Invoice",
    "stockcode": "StockCode",
    "quantity": "Quantity",
    "invoicedate": "InvoiceDate",
    "unitprice": "UnitPrice",
    "price": "Price",
    "customerid": "CustomerID / Customer ID",
}


def _pretty(spelling: str) -> str:
    return _PRETTY.get(spelling, spelling)
