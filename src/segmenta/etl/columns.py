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


def refuse_duplicate_headers(path: Path, headers: list[str]) -> None:
    """Raise naming the headers that are equal after :func:`normalise_header` ('Quantity'
    twice, 'Customer ID' and 'CustomerID'): which one holds the values cannot be guessed.

    Headers with no letter or digit (empty cells) are not compared."""
    seen: dict[str, tuple[int, str]] = {}
    for i, header in enumerate(headers):
        norm = normalise_header(header)
        if not norm:
            continue
        if norm in seen:
            j, first = seen[norm]
            raise InputError(
                path,
                f"duplicate header: column {j + 1} {first!r} and column {i + 1} {header!r} "
                "name the same column; rename or remove one of them",
            )
        seen[norm] = (i, header)


def match_columns(
    path: Path,
    headers: list[str],
    aliases: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> dict[str, str]:
    """Map canonical names to the file's headers; raise naming what is missing, or the
    headers that are two spellings of one column ('Invoice' and 'InvoiceNo')."""
    refuse_duplicate_headers(path, headers)
    by_norm = {normalise_header(h): h for h in headers}
    found: dict[str, str] = {}
    for canonical, spellings in aliases.items():
        matches = [by_norm[s] for s in spellings if s in by_norm]
        if len(matches) > 1:
            raise InputError(
                path,
                f"conflicting headers: {' and '.join(map(repr, matches))} all name "
                f"{canonical}; keep one of them (rename or remove the others)",
            )
        if matches:
            found[canonical] = matches[0]
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
