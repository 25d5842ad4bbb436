"""Errors the host raises for management operations, each carrying the HTTP status Azure answers with.

The HTTP layer maps ``HostError.http_status`` straight onto the response, so bad input gets the
400/404/409/410/412 of the Durable HTTP API and never a 500.
"""

from __future__ import annotations


class HostError(Exception):
    """A management request the host refuses."""

    http_status = 400


class BadRequest(HostError):
    """Malformed input or an unknown function name (400)."""

    http_status = 400


class InstanceNotFound(HostError):
    """No such instance or entity (404)."""

    http_status = 404


class InstanceExists(HostError):
    """An active instance already has this id (409)."""

    http_status = 409


class InstanceGone(HostError):
    """The instance is already in a terminal state (410)."""

    http_status = 410


class PreconditionFailed(HostError):
    """The instance is not in the state the operation needs (412)."""

    http_status = 412


class NonDeterminismError(RuntimeError):
    """A replay produced actions that differ from the ones recorded earlier."""


class RetryHangWarning(UserWarning):
    """New work was scheduled while an earlier ``*_with_retry`` task was unresolved.

    This pattern can hang silently on the real 1.x extension (azure-functions-durable-python#603).
    """
