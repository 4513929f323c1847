"""The ``segmenta`` command line: generate, ingest, model, score, sql, status, doctor, serve, demo.

:mod:`~segmenta.cli.parser` defines the flags, :mod:`~segmenta.cli.commands` the handlers;
this module builds the one settings object from the flags and ``SEGMENTA_*`` variables and
turns a user error into one line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from segmenta.cli import commands
from segmenta.cli.errors import CliError
from segmenta.cli.parser import EXPLAIN_PAGES, build_parser
from segmenta.settings import Settings

__all__ = [
    "EXPLAIN_PAGES",
    "USER_ERRORS",
    "CliError",
    "build_parser",
    "is_user_error",
    "main",
    "resource_failure",
]

COMMANDS = {
    "generate": commands.cmd_generate,
    "ingest": commands.cmd_ingest,
    "model": commands.cmd_model,
    "score": commands.cmd_score,
    "sql": commands.cmd_sql,
    "status": commands.cmd_status,
    "doctor": commands.cmd_doctor,
    "hash-password": commands.cmd_hash_password,
    "serve": commands.cmd_serve,
    "demo": commands.cmd_demo,
}


def _settings(args: argparse.Namespace) -> Settings:
    """The run's settings: the command's flags first, then ``SEGMENTA_*`` variables."""
    return Settings.from_env(
        warehouse=getattr(args, "warehouse", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        debug=getattr(args, "debug", None),
        seed=getattr(args, "seed", None),
        date_format=getattr(args, "date_format", None),
    )


#: errors a user can act on: printed as one line, exit status 2 (matched by qualified name so
#: that importing the CLI does not import every layer)
USER_ERRORS = frozenset(
    {
        "segmenta.cli.errors.CliError",
        "segmenta.settings.SettingsError",
        "segmenta.etl.errors.InputError",
        "segmenta.warehouse.analyst.QueryRefusedError",
        "segmenta.warehouse.connection.WarehouseMissingError",
        "segmenta.warehouse.connection.WarehouseBusyError",
        "segmenta.warehouse.write_errors.WarehouseWriteError",
        "segmenta.models.errors.ModelInputError",
        "segmenta.models.scoring.ScoringInputError",
        "segmenta.models.artifacts.UnsafeArtifactError",
        "segmenta.models.artifacts.ArtifactVersionError",
        "segmenta.dashboard.security.UsersFileError",
    }
)


def is_user_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of :data:`USER_ERRORS` (or a subclass of one)."""
    return any(f"{cls.__module__}.{cls.__qualname__}" in USER_ERRORS for cls in type(exc).__mro__)


def main(argv: Sequence[str] | None = None) -> int:
    from segmenta.logs import configure

    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        configure(settings.log_level)
        return COMMANDS[args.command](args, settings)
    except Exception as exc:
        message = str(exc) if is_user_error(exc) else resource_failure(exc)
        if message is None:
            raise
        print(f"segmenta {args.command}: error: {message}", file=sys.stderr)
        return 2


def resource_failure(exc: BaseException) -> str | None:
    """One line for a full disk, a missing permission or too little memory that no layer
    turned into a user error (writes always do: this is the safety net), else None."""
    from segmenta.warehouse.write_errors import classify

    if (failure := classify(exc)) is None:
        return None
    where = f" ({failure.file})" if failure.file else ""
    return f"{failure.reason}{where}; nothing was written. Fix that, then run the command again"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
