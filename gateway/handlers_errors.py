"""The request-level error the body readers raise; the handler turns it into a 400 answer."""

from __future__ import annotations


class BadRequest(Exception):
    """The request body or query cannot be used; the text goes to the 400 answer."""
