"""The handlers of the ``segmenta`` subcommands: each takes the parsed flags and the settings.

Each handler imports the layer it needs inside the function, so a command loads only its own
dependencies (``segmenta status`` never imports scikit-learn or Dash).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from segmenta.cli.errors import CliError
from segmenta.cli.explain import explain_page
from segmenta.settings import Settings

if TYPE_CHECKING:
    from segmenta.etl.rules import RuleSet


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
        rules=_ingest_rules(settings),
        memory_limit=settings.memory_limit,
        replace_invoices=args.replace_invoices,
    )
    print(report.summary())
    return 0


def _ingest_rules(settings: Settings) -> RuleSet:
    """The default rules with the settings' date range and date format (checked here)."""
    from segmenta.etl.dates import formats_for
    from segmenta.etl.rules import DEFAULT_RULES

    try:
        formats_for(settings.date_format)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return replace(
        DEFAULT_RULES,
        min_invoice_date=settings.min_invoice_date,
        date_format=settings.date_format,
    )


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
        print(explain_page(args, settings))
        return 0
    if args.query is None:
        raise CliError("sql: give a query, e.g. segmenta sql 'SELECT count(*) FROM dim_customer'")
    from segmenta.warehouse.analyst import format_result, run_read_only_query

    frame = run_read_only_query(settings.warehouse, args.query, limit=args.limit)
    print(format_result(frame, args.format))
    return 0


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
