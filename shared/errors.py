"""The one exception tree of the migrator: a root, two retry markers and the families of failures.

Every error the project raises on purpose derives from ``MigrationError``. Whether a caller may retry is
told by the two marker mixins, so activities classify at their boundary with ``except Transient`` /
``except Permanent`` instead of matching on concrete types (style rule 7)::

    Exception
    ├── Transient                       marker: the same call may succeed later (retry, back off)
    ├── Permanent                       marker: retrying the same call cannot help (report it)
    └── MigrationError                  root of everything raised on purpose
        ├── ConfigurationError          (Permanent, ValueError) bad settings or arguments
        ├── TransportError              (Transient) no usable HTTP answer
        │   ├── RequestTimeout          the request did not finish in time
        │   ├── ConnectionFailed        refused or reset connection
        │   └── InvalidResponse         the body was not the JSON envelope (HTML page, truncated JSON)
        └── shared.bitrix24.errors.Bitrix24APIError
            ├── one subclass per Bitrix24 ``error`` code (QueryLimitExceeded, OperationTimeLimit,
            │   NoAuthFound, InsufficientScope, AccessDenied, MethodNotFound, InternalServerError, …),
            │   each also Transient or Permanent
            ├── status fallbacks (ServerError 5xx, AuthenticationFailed 401, Forbidden 403, …)
            └── WriteRefused            (Permanent) the read-only client refused a write method

Messages never contain secrets: anything that may hold a webhook URL goes through
``shared.redaction.redact`` before it becomes part of a message.
"""

from __future__ import annotations

from shared.redaction import redact


class Transient(Exception):
    """Marker: the failure is temporary and the same call may succeed when retried later."""


class Permanent(Exception):
    """Marker: the failure will repeat on retry; report it instead (dead letter, report entry)."""


class MigrationError(Exception):
    """Root of every error the migrator raises on purpose.

    The message is redacted on construction, so a stray URL with a webhook code cannot leak through
    ``str(exc)``, ``repr(exc)`` or a traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))

    @property
    def message(self) -> str:
        """The redacted human-readable message."""
        return str(self.args[0]) if self.args else ""


class ConfigurationError(MigrationError, Permanent, ValueError):
    """A setting or argument is invalid (malformed webhook URL, unknown limits profile, …)."""


class TransportError(MigrationError, Transient):
    """No usable HTTP answer arrived from a remote portal or gateway.

    Attributes:
        portal: host (and port) of the remote side.
        method: the REST method being called, when known.
        status: HTTP status when a response arrived but could not be used, else ``None``.
    """

    def __init__(self, message: str, *, portal: str = "", method: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.portal = portal
        self.method = method
        self.status = status


class RequestTimeout(TransportError):
    """The request did not complete within the client's timeout."""


class ConnectionFailed(TransportError):
    """The connection was refused, reset or closed before a full response arrived."""


class InvalidResponse(TransportError):
    """The response body was not the expected JSON envelope (HTML error page, truncated JSON, …)."""
