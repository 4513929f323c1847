"""The ``segmenta`` command line: generate, ingest, model, score, sql, status, serve, demo."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from segmenta.settings import Settings

if TYPE_CHECKING:
    from segmenta.dashboard.filters import FilterOptions, Filters


class CliError(Exception):
    """An error the user can act on: printed without a traceback, exit status 2."""


def _add_warehouse(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file (default: $SEGMENTA_WAREHOUSE or ./warehouse.duckdb)",
    )


def build_parser() -> argparse.ArgumentParser:
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


def _settings(args: argparse.Namespace) -> Settings:
    """The run's settings: the command's flags first, then ``SEGMENTA_*`` variables."""
    return Settings.from_env(
        warehouse=getattr(args, "warehouse", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        debug=getattr(args, "debug", None),
        seed=getattr(args, "seed", None),
    )


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.demo import write_demo_data

    files = write_demo_data(
        args.out, n_customers=args.customers, seed=settings.seed, fmt=args.format
    )
    print(f"wrote {files.n_lines:,} invoice lines to {files.invoices}")
    print(f"wrote {files.n_customers:,} customers to {files.customers}")
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.etl.load import ingest

    if not args.files and args.customers is None:
        raise CliError("ingest: name at least one invoice file or --customers FILE")
    report = ingest(
        settings.warehouse,
        list(args.files),
        customer_file=args.customers,
        memory_limit=settings.memory_limit,
    )
    print(report.summary())
    return 0


def cmd_model(args: argparse.Namespace, settings: Settings) -> int:
    k: int | None
    if args.k == "auto":
        k = None
    else:
        try:
            k = int(args.k)
        except ValueError:
            raise CliError(f"--k: expected 'auto' or a whole number, got {args.k!r}") from None
        if not 2 <= k <= 50:
            raise CliError(f"--k: expected 2..50, got {k}")
    from segmenta.models.run import run_model

    features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None
    summary = run_model(
        settings.warehouse,
        k=k,
        algorithm=args.algorithm,
        horizon_days=args.horizon,
        seed=settings.seed,
        features=features,
        memory_limit=settings.memory_limit,
    )
    print(summary.describe())
    return 0


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.models.scoring import ScoringInputError, score_customer

    try:
        payload = json.loads(args.payload)
    except json.JSONDecodeError as exc:
        raise CliError(f"--json: not valid JSON ({exc})") from None
    try:
        result = score_customer(settings.warehouse, payload)
    except ScoringInputError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(result, indent=2))
    return 0


def cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    if args.explain_page is not None:
        if args.query is not None:
            raise CliError("sql: give a query or --explain-page PAGE, not both")
        print(_explain_page(args, settings))
        return 0
    if args.query is None:
        raise CliError("sql: give a query, e.g. segmenta sql 'SELECT count(*) FROM dim_customer'")
    from segmenta.warehouse.analyst import format_result, run_read_only_query

    frame = run_read_only_query(settings.warehouse, args.query, limit=args.limit)
    print(format_result(frame, args.format))
    return 0


def _explain_page(args: argparse.Namespace, settings: Settings) -> str:
    """``segmenta sql --explain-page``: the page's queries for the filter the flags give."""
    from segmenta.dashboard.queries.common import filter_options
    from segmenta.dashboard.queries.explain_page import PAGES, explain_page, format_explained
    from segmenta.warehouse.connection import WarehouseReader

    if args.explain_page not in PAGES:
        raise CliError(
            f"--explain-page: unknown page {args.explain_page!r}; pages: {', '.join(PAGES)}"
        )
    reader = WarehouseReader(settings.warehouse)
    try:
        options = filter_options(reader)
        filters = _explained_filters(args, options)
        queries = explain_page(args.explain_page, filters, options)
    finally:
        reader.close()
    header = f"-- dashboard page {args.explain_page!r}, filter: {filters.describe()}"
    return header + "\n\n" + format_explained(queries)


def _explained_filters(args: argparse.Namespace, options: FilterOptions) -> Filters:
    """The filter of ``--filters`` plus the flags, validated like the dashboard's URL; a value
    the dashboard would drop (an unknown country, a bad date) is an error here instead, and a
    segment may be given by its number."""
    from urllib.parse import parse_qs

    from segmenta.dashboard.filters import Filters, parse_date

    try:
        asked = parse_qs(args.filters.removeprefix("?"), strict_parsing=bool(args.filters))
    except ValueError:
        raise CliError(f"--filters: not a URL query string: {args.filters!r}") from None
    for key, values in (("from", [args.date_from]), ("to", [args.date_to])):
        asked.setdefault(key, []).extend(v for v in values if v)
    for key in ("country", "segment", "risk"):
        asked.setdefault(key, []).extend(getattr(args, key))
    for key in ("from", "to"):
        if len(asked[key]) > 1 or any(parse_date(v) is None for v in asked[key]):
            raise CliError(f"--date-{key}: expected one YYYY-MM-DD date, got {asked[key]}")
    by_number = {str(number): name for name, number in options.segments.items()}
    asked["segment"] = [by_number.get(v, v) for v in asked["segment"]]
    known = {"country": options.countries, "segment": options.segments, "risk": options.risk_bands}
    for key, allowed in known.items():
        unknown = [v for v in asked[key] if v not in allowed]
        if unknown:
            raise CliError(
                f"--{key}: not in the warehouse: {', '.join(unknown)} (known: {', '.join(allowed)})"
            )
    return Filters.from_values(
        options,
        date_from=(asked["from"] or [None])[0],
        date_to=(asked["to"] or [None])[0],
        countries=asked["country"],
        segments=asked["segment"],
        risk_bands=asked["risk"],
    )


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.warehouse.status import describe_status

    print(describe_status(settings.warehouse))
    return 0


def cmd_hash_password(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from werkzeug.security import generate_password_hash

    if ":" in args.user or not args.user.strip():
        raise CliError("hash-password: the user name must be non-empty and contain no ':'")
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise CliError("hash-password: the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise CliError("hash-password: use at least 8 characters")
    print(f"{args.user}:{args.role}:{generate_password_hash(password)}")
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.warehouse.doctor import run_doctor

    report, healthy = run_doctor(settings.warehouse)
    print(report)
    return 0 if healthy else 1


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.dashboard.app import serve

    serve(settings, announce=lambda line: print(line, flush=True))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from segmenta.demo import write_demo_data
    from segmenta.etl.load import ingest

    files = write_demo_data(args.out, n_customers=args.customers, seed=settings.seed)
    print(
        f"generated {files.n_lines:,} invoice lines and {files.n_customers:,} customers in {args.out}"
    )
    report = ingest(
        settings.warehouse,
        [files.invoices],
        customer_file=files.customers,
        memory_limit=settings.memory_limit,
    )
    print(report.summary())
    from segmenta.models.run import run_model

    summary = run_model(settings.warehouse, seed=settings.seed, memory_limit=settings.memory_limit)
    print(summary.describe())
    if args.no_serve:
        return 0
    return cmd_serve(args, settings)


COMMANDS = {
    "generate": cmd_generate,
    "ingest": cmd_ingest,
    "model": cmd_model,
    "score": cmd_score,
    "sql": cmd_sql,
    "status": cmd_status,
    "doctor": cmd_doctor,
    "hash-password": cmd_hash_password,
    "serve": cmd_serve,
    "demo": cmd_demo,
}


#: errors a user can act on: printed as one line, exit status 2 (matched by qualified name so
#: that importing the CLI does not import every layer)
USER_ERRORS = frozenset(
    {
        "segmenta.cli.CliError",
        "segmenta.etl.errors.InputError",
        "segmenta.warehouse.analyst.QueryRefusedError",
        "segmenta.warehouse.connection.WarehouseMissingError",
        "segmenta.warehouse.connection.WarehouseBusyError",
        "segmenta.warehouse.connection.WarehouseWriteError",
        "segmenta.models.errors.ModelInputError",
        "segmenta.models.scoring.ScoringInputError",
        "segmenta.models.artifacts.UnsafeArtifactError",
        "segmenta.models.artifacts.ArtifactVersionError",
        "segmenta.dashboard.security.UsersFileError",
    }
)


def is_user_error(exc: BaseException) -> bool:
    return any(f"{cls.__module__}.{cls.__qualname__}" in USER_ERRORS for cls in type(exc).__mro__)


def main(argv: Sequence[str] | None = None) -> int:
    from segmenta.logs import configure

    args = build_parser().parse_args(argv)
    settings = _settings(args)
    configure(settings.log_level)
    try:
        return COMMANDS[args.command](args, settings)
    except Exception as exc:
        if not is_user_error(exc):
            raise
        print(f"segmenta {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
