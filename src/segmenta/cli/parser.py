"""The ``segmenta`` argument parser: every subcommand, its flags and their help.

``scripts/cli_doc.py`` builds the README's command table from :func:`build_parser`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _add_warehouse(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file (default: $SEGMENTA_WAREHOUSE or ./warehouse.duckdb)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``segmenta COMMAND [options]``."""
    parser = argparse.ArgumentParser(
        prog="segmenta",
        description="Customer segmentation: invoices -> DuckDB star schema -> segments, churn, dashboard.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("generate", help="write synthetic demo invoices and a customer table")
    p.add_argument("--customers", type=int, default=5000, help="number of customers (default 5000)")
    p.add_argument(
        "--seed", type=int, default=None, help="random seed (default $SEGMENTA_SEED or 42)"
    )
    p.add_argument(
        "--out", type=Path, default=Path("demo-data"), help="output folder (default demo-data)"
    )
    p.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default="csv",
        help="invoice file format (default csv; customers.csv is always CSV)",
    )

    p = sub.add_parser(
        "ingest", help="load invoice exports (CSV, XLSX, Parquet) and a customer table"
    )
    p.add_argument("files", nargs="*", type=Path, help="invoice files")
    p.add_argument(
        "--customers", type=Path, default=None, help="customer table (CSV, XLSX, Parquet)"
    )
    p.add_argument(
        "--replace-invoices",
        action="store_true",
        help="a corrected re-export: an invoice number already loaded replaces the earlier "
        "lines (kept in rejected_row) instead of being rejected as already_loaded_invoice",
    )
    p.add_argument(
        "--date-format",
        default=None,
        metavar="FORMAT",
        help="how to read text dates: dmy (05/06/2011 is 5 June), mdy (May 6), ymd, or a "
        "strptime format such as '%%d/%%m/%%Y %%H:%%M' (default $SEGMENTA_DATE_FORMAT, else "
        "detected from each file; a file whose dates read both ways is refused)",
    )
    _add_warehouse(p)

    p = sub.add_parser("model", help="compute features, segments and churn scores as one model run")
    p.add_argument("--k", default="auto", help="number of segments, or 'auto' (sweep k = 2..12)")
    p.add_argument("--algorithm", choices=["kmeans", "gmm"], default="kmeans")
    p.add_argument("--horizon", type=int, default=90, help="churn horizon in days (default 90)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument(
        "--features",
        default=None,
        help="comma-separated columns to cluster on (default: RFM for invoices, every numeric "
        "column for a customer table), e.g. annual_income_k,spending_score",
    )
    _add_warehouse(p)

    p = sub.add_parser("score", help="score one customer against the latest model run")
    p.add_argument("--json", required=True, dest="payload", help="the customer's figures as JSON")
    _add_warehouse(p)

    _add_sql_parser(sub)

    p = sub.add_parser("status", help="summarise what is loaded and modelled")
    _add_warehouse(p)

    p = sub.add_parser("hash-password", help="print a users-file line for dashboard sign-in")
    p.add_argument("user")
    p.add_argument("--role", choices=["viewer", "analyst"], default="viewer")

    p = sub.add_parser("doctor", help="check the installation and the warehouse's integrity")
    _add_warehouse(p)

    p = sub.add_parser("serve", help="serve the dashboard")
    _add_warehouse(p)
    p.add_argument("--host", default=None, help="default $SEGMENTA_HOST or 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="default $SEGMENTA_PORT or 8050")
    p.add_argument(
        "--debug", action="store_true", default=None, help="Dash debug mode (never in production)"
    )

    p = sub.add_parser(
        "demo", help="generate demo data, ingest it, fit the models and serve the dashboard"
    )
    p.add_argument("--customers", type=int, default=5000)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--out", type=Path, default=Path("demo-data"))
    p.add_argument("--no-serve", action="store_true", help="stop after building the warehouse")
    _add_warehouse(p)
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    return parser


#: Pages ``segmenta sql --explain-page`` knows, for its help (a test keeps them in step with
#: ``segmenta.dashboard.queries.explain_page.PAGES``, which the command itself checks against).
EXPLAIN_PAGES = (
    *("overview", "customers", "map", "demographics", "products"),
    *("churn", "model", "score", "sql"),
)


def _add_sql_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sql",
        help="run a read-only query against the warehouse, or show the SQL a dashboard page runs",
        description="Run one read-only query (SELECT, WITH ... SELECT) against the warehouse. "
        "With --explain-page PAGE, run nothing: print every query the dashboard page PAGE runs "
        "(its name, its SQL with the filter's slots filled, and its bound parameters) for the "
        "filter given by --filters and the --date-from/--date-to/--country/--segment/--risk "
        "flags, like `dbt compile`; the warehouse is read only for the slicers' options.",
        epilog="example: segmenta sql --explain-page customers --filters '?country=France&segment=Champions'",
    )
    p.add_argument("query", nargs="?", default=None, help="the query (not with --explain-page)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--limit", type=int, default=None, help="print at most this many rows")
    p.add_argument(
        "--explain-page",
        metavar="PAGE",
        default=None,
        help=f"print the queries of a dashboard page instead: {', '.join(EXPLAIN_PAGES)}",
    )
    p.add_argument(
        "--filters",
        metavar="QUERY",
        default="",
        help="the filter as the dashboard's URL query string, e.g. '?country=France&segment=2'",
    )
    p.add_argument("--date-from", metavar="YYYY-MM-DD", default=None, help="first invoice date")
    p.add_argument("--date-to", metavar="YYYY-MM-DD", default=None, help="last invoice date")
    for flag, what in (("country", "a country"), ("segment", "a segment"), ("risk", "a risk band")):
        p.add_argument(
            f"--{flag}", action="append", default=[], help=f"{what} (repeat for several)"
        )
    _add_warehouse(p)
