"""The Bitrix24 errors the simulator answers with: one exception type carrying the real code, text and HTTP status.

Handlers raise `RestError`; the HTTP layer and `batch` turn it into the `{"error", "error_description"}` body.  The
constructors below exist so that every place answering the same condition uses the exact same wording.
"""

from __future__ import annotations


class RestError(Exception):
    """A Bitrix24 REST error as the portal reports it."""

    def __init__(self, code: str, description: str, status: int = 400, **extra: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status
        # some methods add keys after the two standard ones (user.add: "argument")
        self.extra = extra

    def body(self) -> dict[str, str]:
        """The JSON body of the error, in the real key order."""
        return {"error": self.code, "error_description": self.description, **self.extra}


def no_auth() -> RestError:
    return RestError("NO_AUTH_FOUND", "Wrong authorization data", 401)


def method_not_found() -> RestError:
    return RestError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


def insufficient_scope() -> RestError:
    return RestError(
        "insufficient_scope", "The request requires higher privileges than provided by the webhook token", 403
    )


def access_denied(status: int = 400) -> RestError:
    return RestError("ACCESS_DENIED", "Access denied!", status)


def query_limit() -> RestError:
    return RestError("QUERY_LIMIT_EXCEEDED", "Too many requests", 503)


def operation_time_limit() -> RestError:
    return RestError("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429)


def batch_length() -> RestError:
    return RestError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400)


def batch_not_allowed() -> RestError:
    return RestError("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405)


def argument(description: str, code: str = "INVALID_ARG_VALUE") -> RestError:
    return RestError(code, description, 400)


def not_found(description: str = "Not found", code: str = "NOT_FOUND") -> RestError:
    return RestError(code, description, 400)
