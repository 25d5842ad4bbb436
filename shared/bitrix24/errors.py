"""Bitrix24 REST errors: one class per ``error`` code, a fallback per HTTP status, and ``WriteRefused``.

Codes are matched case-insensitively (Bitrix mixes ``QUERY_LIMIT_EXCEEDED`` and ``expired_token``), and
the code wins over the HTTP status because the portal reports the same code with different statuses
(bitrix24-api.md §7). Every error carries ``method``, ``portal`` (host name) and ``status``; none carries
the webhook code. The tree is drawn in ``shared.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from shared.errors import MigrationError, Permanent, Transient

_BY_CODE: dict[str, type[Bitrix24APIError]] = {}


class Bitrix24APIError(MigrationError):
    """The portal answered with an ``error`` envelope (or an error status without a usable body).

    Attributes:
        code: the Bitrix24 ``error`` value as sent (may be ``""`` for module exceptions).
        description: the ``error_description`` text.
        method: the REST method called (the batch command's method for per-command errors).
        portal: the portal host name.
        status: HTTP status, or ``None`` for a command inside a ``batch`` (the batch itself was 200).
        time: the response's ``time`` block when one came with the error (``operating_reset_at``).
    """

    ERROR: ClassVar[str] = ""
    """The Bitrix24 ``error`` code this class stands for (empty: a status fallback or the root)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.ERROR:
            _BY_CODE[cls.ERROR.lower()] = cls

    def __init__(
        self,
        *,
        code: str,
        description: str = "",
        method: str = "",
        portal: str = "",
        status: int | None = None,
        time: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.description = description
        self.method = method
        self.portal = portal
        self.status = status
        self.time: dict[str, Any] = dict(time or {})
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = f"{self.method} on {self.portal}" if self.method else self.portal
        status = f" (HTTP {self.status})" if self.status is not None else ""
        text = f": {self.description}" if self.description else ""
        return f"{where} failed with {self.code or 'an error'}{status}{text}"

    def __reduce__(self) -> tuple[Any, ...]:
        # keyword-only __init__ needs help to survive pickling across process boundaries
        return (_rebuild, (type(self), self.code, self.description, self.method, self.portal, self.status,
                           self.time))


def _rebuild(cls: type[Bitrix24APIError], code: str, description: str, method: str, portal: str,
             status: int | None, time: dict[str, Any]) -> Bitrix24APIError:
    return cls(code=code, description=description, method=method, portal=portal, status=status, time=time)


# --- retryable codes --------------------------------------------------------------------------------

class QueryLimitExceeded(Bitrix24APIError, Transient):
    """503: the portal's leaky bucket overflowed; back off."""

    ERROR = "QUERY_LIMIT_EXCEEDED"


class OperationTimeLimit(Bitrix24APIError, Transient):
    """429: this method's operating budget is spent; wait until ``operating_reset_at``."""

    ERROR = "OPERATION_TIME_LIMIT"

    @property
    def reset_at(self) -> float | None:
        """Unix time when the method unblocks, when the portal told us."""
        value = self.time.get("operating_reset_at")
        return float(value) if isinstance(value, int | float) else None


class OverloadLimit(Bitrix24APIError, Transient):
    """503: REST is manually blocked for overload; retrying later is the only option."""

    ERROR = "OVERLOAD_LIMIT"


class InternalServerError(Bitrix24APIError, Transient):
    """500: a server-side failure."""

    ERROR = "INTERNAL_SERVER_ERROR"


class UnexpectedAnswer(Bitrix24APIError, Transient):
    """500: the server produced an unexpected response."""

    ERROR = "ERROR_UNEXPECTED_ANSWER"


class ServerError(Bitrix24APIError, Transient):
    """Any 5xx without a known code."""


class TooManyRequests(Bitrix24APIError, Transient):
    """429 without a known code."""


# --- authentication and permission (fatal for a webhook) ---------------------------------------------

class AuthenticationFailed(Bitrix24APIError, Permanent):
    """The portal rejected the webhook credentials; the message names the portal, never the code."""

    def _compose(self) -> str:
        return (
            f"the portal {self.portal} rejected the webhook ({self.code or 'HTTP ' + str(self.status)}): "
            "check the webhook code"
        )


class NoAuthFound(AuthenticationFailed):
    """401: wrong webhook code (or user id)."""

    ERROR = "NO_AUTH_FOUND"


class ExpiredToken(AuthenticationFailed):
    """401: an OAuth token or an expiring webhook has expired."""

    ERROR = "expired_token"


class InvalidToken(AuthenticationFailed):
    """401: the token is not known to the portal."""

    ERROR = "invalid_token"


class InvalidCredentials(AuthenticationFailed):
    """401/403: the credentials are not valid for this request."""

    ERROR = "INVALID_CREDENTIALS"


class Forbidden(Bitrix24APIError, Permanent):
    """403 without a known code; the webhook user lacks a permission."""


class InsufficientScope(Forbidden):
    """403: the webhook was created without the scope this method needs."""

    ERROR = "insufficient_scope"

    def _compose(self) -> str:
        return (
            f"the webhook on {self.portal} lacks the scope {self.method or 'this method'} needs "
            f"(insufficient_scope): add the scope to the webhook"
        )


class AccessDenied(Forbidden):
    """400/403: the method or the plan refuses this caller (admin-only methods, free plans)."""

    ERROR = "ACCESS_DENIED"


class UserAccessError(Forbidden):
    """403: the user may not use the application."""

    ERROR = "user_access_error"


class WrongAuthType(Forbidden):
    """403: this method does not accept this kind of authentication."""

    ERROR = "WRONG_AUTH_TYPE"


class AccessError(Forbidden):
    """403 from ``im.*``: the webhook user is not a participant of the chat."""

    ERROR = "ACCESS_ERROR"


class PortalDeleted(Bitrix24APIError, Permanent):
    """The portal no longer exists."""

    ERROR = "PORTAL_DELETED"


# --- request problems ------------------------------------------------------------------------------

class BadRequest(Bitrix24APIError, Permanent):
    """400 (or another 4xx) without a known code."""


class NotFoundStatus(Bitrix24APIError, Permanent):
    """404 without a known code."""


class MethodNotFound(NotFoundStatus):
    """404: the method does not exist (or the webhook URL is malformed)."""

    ERROR = "ERROR_METHOD_NOT_FOUND"


class BatchLengthExceeded(BadRequest):
    """A batch command beyond the 50th was not executed."""

    ERROR = "ERROR_BATCH_LENGTH_EXCEEDED"


class BatchMethodNotAllowed(BadRequest):
    """Nested batch and upload/download are not allowed inside batch."""

    ERROR = "ERROR_BATCH_METHOD_NOT_ALLOWED"


class InvalidRequest(BadRequest):
    """400: e.g. ``Https required``."""

    ERROR = "INVALID_REQUEST"


class WrongEncoding(BadRequest):
    """The response could not be JSON-encoded server-side."""

    ERROR = "WRONG_ENCODING"


class NotFound(BadRequest):
    """``crm.item.*``/``crm.type.*``: unknown entity type or record."""

    ERROR = "NOT_FOUND"


class InvalidArgValue(BadRequest):
    """``crm.item.*``: an argument value is invalid."""

    ERROR = "INVALID_ARG_VALUE"


class ErrorArgument(BadRequest):
    """``disk.*``: an argument is invalid."""

    ERROR = "ERROR_ARGUMENT"


class ErrorNotFound(BadRequest):
    """``disk.*``: the object does not exist."""

    ERROR = "ERROR_NOT_FOUND"


class ErrorCore(BadRequest):
    """Legacy tasks methods wrap their exceptions in ``ERROR_CORE``."""

    ERROR = "ERROR_CORE"


class DialogIdEmpty(BadRequest):
    """``im.dialog.messages.get`` without ``DIALOG_ID``."""

    ERROR = "DIALOG_ID_EMPTY"


class WriteRefused(MigrationError, Permanent):
    """The read-only source client refused a method that is not on its allow-list (before any I/O).

    Attributes:
        method: the refused method name.
        portal: the portal host name.
        status: always ``None`` (no request was made).
    """

    def __init__(self, method: str, portal: str = "") -> None:
        self.method = method
        self.portal = portal
        self.status: int | None = None
        where = f" on {portal}" if portal else ""
        super().__init__(f"refused {method!r}{where}: the source client is read-only and the method is not on "
                         "its read-only allow-list")

    def __reduce__(self) -> tuple[Any, ...]:
        return (WriteRefused, (self.method, self.portal))


_BY_STATUS: dict[int, type[Bitrix24APIError]] = {
    400: BadRequest,
    401: AuthenticationFailed,
    403: Forbidden,
    404: NotFoundStatus,
    429: TooManyRequests,
}


def error_class(code: str, status: int | None) -> type[Bitrix24APIError]:
    """The class for a Bitrix24 ``error`` code (case-insensitive), else for the HTTP status."""
    by_code = _BY_CODE.get(code.lower()) if code else None
    if by_code is not None:
        return by_code
    if status is not None and status >= 500:
        return ServerError
    # an unknown code on a batch command (no status) or on a 2xx/4xx answer is the method refusing this
    # request: permanent, so that callers classifying by marker never meet an unclassified error
    return _BY_STATUS.get(status, BadRequest) if status is not None else BadRequest


def api_error(
    payload: Mapping[str, Any] | None,
    *,
    method: str,
    portal: str,
    status: int | None,
    time: Mapping[str, Any] | None = None,
) -> Bitrix24APIError:
    """Build the typed error for an error envelope ``{"error", "error_description"}``.

    Args:
        payload: the decoded error body, or ``None`` when the body was unusable.
        method: the method that failed.
        portal: the portal host name.
        status: the HTTP status, or ``None`` for a command inside a batch.
        time: the ``time`` block, when the response had one.

    Returns:
        An instance of the most specific class; the caller raises it.
    """
    body = payload or {}
    code = str(body.get("error") or "")
    description = str(body.get("error_description") or "")
    cls = error_class(code, status)
    return cls(code=code, description=description, method=method, portal=portal, status=status,
               time=time if time is not None else _as_mapping(body.get("time")))


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def is_retryable(error: BaseException) -> bool:
    """Whether the error is worth retrying (a ``Transient`` marker)."""
    return isinstance(error, Transient)
