"""Errors of the modeling layer that the user can act on."""

from __future__ import annotations


class ModelInputError(ValueError):
    """The warehouse or the arguments give the model nothing sound to fit.

    The message says what is missing or wrong and what to do about it.
    """
