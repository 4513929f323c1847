"""The named cleaning rules, in the order they run.

Each rule is one small, pure step. ``reject`` rules mark rows that go to ``rejected_row``
(the first rule that fires names the row's reason); ``transform`` rules rewrite values;
``flag`` rules set fact flags; ``customer`` rules exclude whole customers from customer
analytics and run in the warehouse over the whole history after each load. The default set
reproduces the published high-value-customer study on the UCI Online Retail file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

RuleKind = Literal["parse", "transform", "reject", "flag", "customer"]

NON_PRODUCT_CODES = ("AMAZONFEE", "B", "BANK CHARGES", "M", "S")
CHARITY_CODES = ("CRUK",)
EXCLUDED_CUSTOMERS = ("12346", "16446", "15098", "15749")
HEAVY_RETURN_SHARE = 0.9
#: the first plausible invoice date (earlier ones are format errors or placeholders)
MIN_INVOICE_DATE = date(1990, 1, 1)


@dataclass(frozen=True)
class Rule:
    """One cleaning rule: its name, kind and the sentence the README's table shows."""

    name: str
    kind: RuleKind
    summary: str


@dataclass(frozen=True)
class RuleSet:
    """Which rules run, and their parameters."""

    non_product_codes: tuple[str, ...] = NON_PRODUCT_CODES
    charity_codes: tuple[str, ...] = CHARITY_CODES
    excluded_customers: tuple[str, ...] = EXCLUDED_CUSTOMERS
    heavy_return_share: float = HEAVY_RETURN_SHARE
    disabled: frozenset[str] = field(default_factory=frozenset)
    #: lines dated before this are rejected (``reject_early_dates``)
    min_invoice_date: date = MIN_INVOICE_DATE
    #: how text dates are read (``parse_values``): None detects day/month order from the
    #: file; 'dmy', 'mdy', 'ymd' or a strptime format (``--date-format``)
    date_format: str | None = None

    def enabled(self, name: str) -> bool:
        """Whether rule ``name`` runs."""
        return name not in self.disabled

    def names(self) -> list[str]:
        """The enabled rules' names, in the order they run."""
        return [r.name for r in RULES if self.enabled(r.name)]


RULES: tuple[Rule, ...] = (
    Rule(
        "parse_values",
        "parse",
        "Rows whose invoice number, stock code, date, quantity or unit price is missing or not "
        "readable (a quantity that is not a whole number, a unit price with more than 3 decimals, "
        "which is never rounded, a date in no known format) are rejected, naming the column and "
        "the value.",
    ),
    Rule(
        "uppercase_codes",
        "transform",
        "Invoice numbers and stock codes are trimmed and upper-cased ('85123a' = '85123A').",
    ),
    Rule(
        "normalise_country",
        "transform",
        "Country names are trimmed and mapped to ISO 3166 common names with pycountry, plus the "
        "export spellings EIRE -> Ireland, RSA -> South Africa, USA -> United States.",
    ),
    Rule(
        "reject_non_positive_price",
        "reject",
        "Lines with unit price <= 0 (free samples, write-offs, adjustments) are rejected.",
    ),
    Rule(
        "reject_unspecified_country",
        "reject",
        "Lines whose country is 'Unspecified' or empty are rejected.",
    ),
    Rule(
        "reject_non_product_codes",
        "reject",
        "Lines of fee and adjustment codes AMAZONFEE, B, BANK CHARGES, M, S are rejected "
        "(postage POST/DOT and discounts D stay: they are part of what customers pay).",
    ),
    Rule(
        "reject_future_dates",
        "reject",
        "Lines dated more than a day after the load ran are rejected (clock or format errors).",
    ),
    Rule(
        "reject_early_dates",
        "reject",
        "Lines dated before 1990-01-01 (the setting SEGMENTA_MIN_INVOICE_DATE) are rejected: "
        "placeholder dates such as 0001-01-01 or 1899-12-30 and format errors.",
    ),
    Rule(
        "reject_bad_customer_id",
        "reject",
        "Lines (and customer-table rows) whose customer id is not a whole positive number "
        "('1.785e4', '17850.5', '-17850', 'ABC') are rejected; '17850.0' is read as 17850 and "
        "leading zeros are dropped ('017850' = '17850'). Lines without a customer id stay.",
    ),
    Rule(
        "cruk_as_purchase",
        "transform",
        "Charity lines (stock code CRUK) are counted as purchases: quantity made positive.",
    ),
    Rule("flag_returns", "flag", "Lines with a negative quantity are returns (is_return)."),
    Rule(
        "flag_cancellations",
        "flag",
        "Lines of invoices whose number starts with 'C' are cancellations (is_cancellation).",
    ),
    # the next two run in the warehouse as each file loads (segmenta.etl.invoice_keys)
    Rule(
        "already_loaded_invoice",
        "reject",
        "Lines of an invoice number that an earlier load holds (another file, or an earlier "
        "file of the same command: files load in the order given) are rejected, naming that "
        "load; an invoice counts once. With --replace-invoices they replace it instead.",
    ),
    Rule(
        "replaced_by_later_load",
        "reject",
        "With --replace-invoices (a corrected re-export), the earlier lines of the file's "
        "invoices leave the facts for rejected_row under their own load, naming the load that "
        "replaced them.",
    ),
    Rule(
        "flag_exact_duplicates",
        "flag",
        "A line identical in every column to an earlier line of the same file is flagged "
        "(is_duplicate) and kept, as the study kept it.",
    ),
    Rule(
        "exclude_named_customers",
        "customer",
        "The study's four named customers 12346, 16446, 15098, 15749 are excluded from "
        "customer analytics (their lines stay in the facts).",
    ),
    Rule(
        "exclude_heavy_returners",
        "customer",
        "Customers who returned more than 90% of the units they bought are excluded from "
        "customer analytics (their lines stay in the facts).",
    ),
)
RULES_BY_NAME = {r.name: r for r in RULES}
DEFAULT_RULES = RuleSet()


def describe_rules() -> str:
    """A Markdown table of the rules (the README's table is generated from this)."""
    lines = ["| # | rule | kind | what it does |", "| --- | --- | --- | --- |"]
    for i, rule in enumerate(RULES, start=1):
        lines.append(f"| {i} | `{rule.name}` | {rule.kind} | {rule.summary} |")
    return "\n".join(lines)
