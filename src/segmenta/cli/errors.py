"""The command line's own user error."""

from __future__ import annotations


class CliError(Exception):
    """An error the user can act on: printed without a traceback, exit status 2."""
