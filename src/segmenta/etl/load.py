"""Load invoice files and a customer table into the warehouse, all or nothing.

``ingest`` runs every file of one command in a single :func:`write_transaction`: the
warehouse changes only if every file loads, and a file whose bytes were loaded before is
skipped (so loading the same file twice doubles nothing). An invoice number an earlier load
(or an earlier file of the same command) holds is not loaded twice either: its lines are
rejected as ``already_loaded_invoice``, or replace the earlier ones (``replace_invoices``;
see :mod:`segmenta.etl.invoice_keys`). Every statement is a SQL file under
``segmenta/warehouse/sql/etl`` run through the :class:`~segmenta.engine.Engine` boundary; the
rules' output reaches it as Parquet files registered as views (``staged_lines``, ...).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from segmenta.engine import DuckDBEngine, Engine
from segmenta.etl import countries
from segmenta.etl.clean import plan_invoices
from segmenta.etl.columns import (
    CUSTOMER_ALIASES,
    INVOICE_ALIASES,
    INVOICE_REQUIRED,
    normalise_header,
)
from segmenta.etl.customers import clean_customer_table, match_note
from segmenta.etl.dimensions import (
    NON_PRODUCT_STOCK_CODES,
    first_spellings,
    invoice_country_spellings,
    new_country_names,
    spellings_of,
    stage_countries,
    stage_new_customers,
)
from segmenta.etl.errors import InputError
from segmenta.etl.invoice_keys import (
    InvoiceKeys,
    drop_invoice_keys,
    settle_invoice_keys,
    stage_invoice_keys,
)
from segmenta.etl.read import SOURCE_ROW, RawTable, new_workdir, read_error, read_table
from segmenta.etl.rules import DEFAULT_RULES, RuleSet
from segmenta.settings import DEFAULT_MEMORY_LIMIT
from segmenta.warehouse.aggregates import refresh_aggregates
from segmenta.warehouse.connection import write_transaction
from segmenta.warehouse.write_errors import classify

log = logging.getLogger(__name__)


#: the rules a customer table's rows go through (load_log.rules)
CUSTOMER_TABLE_RULES = "parse_values,reject_bad_customer_id"


@dataclass
class LoadResult:
    """What loading one file did: rows in, loaded and rejected (by rule), or why it was skipped."""

    source_file: str
    file_kind: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    load_id: int | None = None
    skipped_reason: str | None = None
    rejected_by_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    keys: InvoiceKeys | None = None  # invoices an earlier load held (invoice files)
    replaced_customers: list[int] = field(default_factory=list)
    note: str | None = None  # e.g. how few of a customer table's customers have invoices

    def describe(self) -> str:
        """One line for the command's summary."""
        if self.skipped_reason:
            return f"{self.source_file}: skipped, {self.skipped_reason}"
        rules = ", ".join(f"{k} {v:,}" for k, v in sorted(self.rejected_by_rule.items()))
        return (
            f"{self.source_file}: load {self.load_id}: {self.rows_in:,} rows in, "
            f"{self.rows_loaded:,} loaded, {self.rows_rejected:,} rejected"
            + (f" ({rules})" if rules else "")
            + (self.keys.describe() if self.keys else "")
            + f" in {self.seconds:.2f} s"
            + (f"; {self.note}" if self.note else "")
        )


@dataclass
class IngestReport:
    """The results of one ``ingest`` command, file by file."""

    warehouse: Path
    results: list[LoadResult]
    seconds: float

    def summary(self) -> str:
        """The lines ``segmenta ingest`` prints."""
        lines = [r.describe() for r in self.results]
        lines.append(f"warehouse {self.warehouse} updated in {self.seconds:.2f} s")
        return "\n".join(lines)


def _now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _looks_like_invoices(headers: Sequence[str]) -> bool:
    norm = {normalise_header(h) for h in headers}
    return all(any(s in norm for s in INVOICE_ALIASES[c]) for c in INVOICE_REQUIRED)


def _looks_like_customers(headers: Sequence[str]) -> bool:
    norm = {normalise_header(h) for h in headers}
    return any(s in norm for s in CUSTOMER_ALIASES["customer_id"])


def _already_loaded(engine: Engine, sha: str, kind: str) -> str | None:
    rows = engine.rows("etl/find_loaded_file.sql", {"sha256": sha, "file_kind": kind})
    if not rows:
        return None
    row = rows[0]
    return f"the same bytes were loaded as load {row[0]} ({row[1]}) at {row[2]:%Y-%m-%d %H:%M} UTC"


@dataclass
class StagedInvoices:
    """One invoice file after the rules, written to Parquet files in the load's workdir."""

    accepted: Path
    rejected: Path
    flag_duplicates: bool


def stage_invoices(raw: RawTable, rules: RuleSet, workdir: Path) -> StagedInvoices:
    """Run the rules over the file in one streaming pass (bounded memory, any file size)."""
    accepted = workdir / f"accepted-{raw.sha256[:12]}.parquet"
    rejected = workdir / f"rejected-{raw.sha256[:12]}.parquet"
    try:
        plan = plan_invoices(raw, rules)
        pl.collect_all(
            [
                plan.accepted.sink_parquet(accepted, compression="lz4", lazy=True),
                plan.rejected.sink_parquet(rejected, compression="lz4", lazy=True),
            ],
            engine="streaming",
        )
    except pl.exceptions.PolarsError as exc:
        if (failure := classify(exc)) is not None:  # the work folder's disk, not the input
            raise OSError(failure.code, failure.reason, str(accepted)) from exc
        raise read_error(raw, exc) from None
    return StagedInvoices(accepted, rejected, plan.flag_duplicates)


def load_invoice_file(
    engine: Engine,
    raw: RawTable,
    source_file: str,
    rules: RuleSet,
    workdir: Path,
    *,
    replace_invoices: bool = False,
) -> LoadResult:
    """Run the rules over one invoice file and write its facts, rejections and dimensions.

    Lines of an invoice number that an earlier load holds are rejected as
    ``already_loaded_invoice``, or with ``replace_invoices`` replace the earlier lines.
    """
    started = _now_utc()
    t0 = time.perf_counter()
    result = LoadResult(source_file, "invoices")
    if (why := _already_loaded(engine, raw.sha256, "invoices")) is not None:
        result.skipped_reason = why
        return result
    staged = stage_invoices(raw, rules, workdir)
    load_id = engine.rows("etl/next_load_id.sql")[0][0]
    line_base = engine.rows("etl/next_line_id.sql")[0][0]
    engine.register("staged_file_lines", staged.accepted)
    engine.register("staged_rejected", staged.rejected)
    keys = stage_invoice_keys(engine, replace=replace_invoices)
    result.replaced_customers = settle_invoice_keys(engine, keys, load_id, source_file)
    engine.execute("etl/stage_duplicates.sql", {"enabled": staged.flag_duplicates})

    new = new_country_names(engine, [r[0] for r in engine.rows("etl/staged_countries.sql")])
    if new:
        stage_countries(engine, new, invoice_country_spellings(raw))
    engine.execute("etl/stage_products.sql")
    engine.execute("etl/insert_products.sql", {"non_products": list(NON_PRODUCT_STOCK_CODES)})
    engine.execute("etl/fill_product_descriptions.sql")
    stage_new_customers(engine, engine.query("etl/stage_customers.sql"))
    engine.execute("etl/insert_facts.sql", {"load_id": load_id, "line_base": line_base})
    engine.execute("etl/insert_rejected.sql", {"load_id": load_id, "source_file": source_file})

    result.rows_loaded = engine.rows("etl/staged_line_count.sql")[0][0]
    result.rows_rejected = (
        pl.scan_parquet(staged.rejected).select(pl.len()).collect().item() + keys.rejected_lines
    )
    result.rows_in = result.rows_loaded + result.rows_rejected
    if result.rows_in == 0:  # nothing to account for: refused, and not remembered as loaded
        raise InputError(raw.path, "the file has a header but no data rows", row=1)
    result.rejected_by_rule = dict(engine.rows("etl/staged_rejections_by_rule.sql"))
    if keys.rejected_lines:
        result.rejected_by_rule["already_loaded_invoice"] = keys.rejected_lines
    result.keys = keys
    drop_invoice_keys(engine)
    engine.unregister("staged_file_lines")
    engine.unregister("staged_rejected")
    engine.execute("etl/drop_staged_duplicates.sql")
    engine.execute("etl/drop_staged_products.sql")
    result.load_id = load_id
    _log_load(engine, result, raw, rules, started)
    result.seconds = time.perf_counter() - t0
    return result


def load_customer_file(engine: Engine, raw: RawTable, source_file: str) -> LoadResult:
    """Load one customer table: new customers, their attributes, and the rejected rows."""
    started = _now_utc()
    t0 = time.perf_counter()
    result = LoadResult(source_file, "customers")
    if (why := _already_loaded(engine, raw.sha256, "customers")) is not None:
        result.skipped_reason = why
        return result
    table = clean_customer_table(raw)
    load_id = engine.rows("etl/next_load_id.sql")[0][0]
    names = (
        table.customers["country"].map_elements(
            countries.normalise_country_name, return_dtype=pl.String
        )
        if table.customers["country"].null_count() < table.customers.height
        else table.customers["country"]
    )
    custs = table.customers.with_columns(names.alias("country"))
    if new := new_country_names(engine, custs["country"].unique().to_list()):
        raw_countries = table.customers.select(pl.col("country")).with_row_index(SOURCE_ROW)
        stage_countries(engine, new, first_spellings(spellings_of(raw_countries.lazy())))
    stage_new_customers(
        engine, custs.select("customer_id", pl.col("country").alias("country_name"))
    )
    engine.register("staged_customer_table", custs)
    engine.execute("etl/upsert_customer_table.sql")
    result.note = match_note(custs.height, *engine.rows("etl/customer_table_matches.sql")[0])
    engine.unregister("staged_customer_table")
    if not table.attributes.is_empty():
        engine.register("staged_attributes", table.attributes)
        engine.execute("etl/replace_customer_attributes.sql")
        engine.unregister("staged_attributes")
    if not table.rejected.is_empty():
        staged_rejected = table.rejected.with_columns(
            *[
                pl.lit(None, pl.String).alias(c)
                for c in (
                    "invoice_no",
                    "stock_code",
                    "description",
                    "quantity",
                    "invoice_date",
                    "unit_price",
                    "country",
                )
            ]
        )
        engine.register("staged_rejected", staged_rejected)
        engine.execute("etl/insert_rejected.sql", {"load_id": load_id, "source_file": source_file})
        engine.unregister("staged_rejected")
    result.rows_in = table.rows_in
    result.rows_loaded = table.customers.height
    result.rows_rejected = table.rejected.height
    result.rejected_by_rule = dict(table.rejected.group_by("rule").len().iter_rows())
    result.load_id = load_id
    _log_load(engine, result, raw, DEFAULT_RULES, started, rule_names=CUSTOMER_TABLE_RULES)
    result.seconds = time.perf_counter() - t0
    return result


def _log_load(
    engine: Engine,
    result: LoadResult,
    raw: RawTable,
    rules: RuleSet,
    started: datetime,
    rule_names: str | None = None,
) -> None:
    engine.execute(
        "etl/insert_load_log.sql",
        {
            "load_id": result.load_id,
            "source_file": result.source_file,
            "file_kind": result.file_kind,
            "file_format": raw.file_format,
            "encoding": raw.encoding,
            "sha256": raw.sha256,
            "rows_in": result.rows_in,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
            "rules": rule_names or ",".join(rules.names()),
            "started_at": started,
            "finished_at": _now_utc(),
            "invoices_already_loaded": result.keys.invoices if result.keys else 0,
            "lines_replaced": result.keys.replaced_lines if result.keys else 0,
        },
    )
    log.info(
        "load",
        extra={
            "load_id": result.load_id,
            "file": result.source_file,
            "kind": result.file_kind,
            "rows_in": result.rows_in,
            "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected,
            "seconds": round((_now_utc() - started).total_seconds(), 3),
        },
    )


def refresh_customers(
    engine: Engine, rules: RuleSet, load_ids: list[int], customer_keys: Sequence[int] = ()
) -> None:
    """Recompute the date dimension, and the activity and customer rules of the customers
    that the loads ``load_ids`` touched or ``customer_keys`` names (over their whole history)."""
    engine.execute("etl/fill_dates.sql", {"load_ids": load_ids})
    engine.execute(
        "etl/refresh_customers.sql",
        {
            "load_ids": load_ids,
            "customer_keys": sorted(set(customer_keys)),
            "excluded_ids": list(rules.excluded_customers),
            "heavy_share": rules.heavy_return_share,
            "named_enabled": rules.enabled("exclude_named_customers"),
            "heavy_enabled": rules.enabled("exclude_heavy_returners"),
        },
    )


def ingest(
    warehouse: Path,
    invoice_files: Sequence[Path],
    customer_file: Path | None = None,
    rules: RuleSet = DEFAULT_RULES,
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
    replace_invoices: bool = False,
) -> IngestReport:
    """Load every file into ``warehouse`` in one all-or-nothing transaction.

    The invoice files load in the order given: an invoice number that an earlier load or
    file holds is rejected (``already_loaded_invoice``), or with ``replace_invoices`` its
    earlier lines are replaced by this file's (a corrected re-export).

    ``memory_limit`` and ``threads`` bound DuckDB while it writes (see
    :func:`~segmenta.warehouse.connection.write_transaction`); the CLI passes the settings'.
    """
    t0 = time.perf_counter()
    warehouse = Path(warehouse)
    results: list[LoadResult] = []
    with new_workdir(warehouse) as workdir:
        # Read (and so validate headers of) every file before touching the warehouse.
        raws = [(p, read_table(Path(p), workdir, _looks_like_invoices)) for p in invoice_files]
        for _path, raw in raws:
            clean_invoices_header_check(raw)
        customer_raw = (
            read_table(Path(customer_file), workdir, _looks_like_customers)
            if customer_file
            else None
        )
        with write_transaction(warehouse, memory_limit=memory_limit, threads=threads) as con:
            engine = DuckDBEngine(con)
            engine.execute("etl/upgrade_load_log.sql")
            if engine.rows("etl/float_money_columns.sql"):
                engine.execute("etl/upgrade_money.sql")
            engine.execute("etl/ensure_unknown_members.sql")
            for path, raw in raws:
                results.append(
                    load_invoice_file(
                        engine, raw, str(path), rules, workdir, replace_invoices=replace_invoices
                    )
                )
            if customer_raw is not None and customer_file is not None:
                results.append(load_customer_file(engine, customer_raw, str(customer_file)))
            load_ids = [r.load_id for r in results if r.load_id is not None]
            replaced = [k for r in results for k in r.replaced_customers]
            refresh_customers(engine, rules, load_ids, replaced)
            refresh_aggregates(engine)
    return IngestReport(warehouse, results, time.perf_counter() - t0)


def clean_invoices_header_check(raw: RawTable) -> None:
    """Fail before any work if a required invoice column is missing."""
    from segmenta.etl.columns import match_columns

    match_columns(raw.path, raw.headers, INVOICE_ALIASES, INVOICE_REQUIRED)
