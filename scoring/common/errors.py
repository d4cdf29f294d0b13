"""The one family of errors a user is told about."""
from __future__ import annotations


class ReviewError(Exception):
    """Every error a user is told about: the message is Chinese and says what is wrong or what to do. Pages show it,
    the command line prints it and exits 1; anything else is a bug and is never shown as a banner."""


class InputError(ReviewError):
    """What a form or the command line gave cannot be read or does not make a valid record; the message names each
    problem."""
