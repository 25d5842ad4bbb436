"""Bitrix24 error codes map to typed, classified errors that name the portal and never the secret."""

from __future__ import annotations

import pickle

import pytest

from shared.bitrix24.errors import (
    AccessDenied,
    AuthenticationFailed,
    BadRequest,
    Bitrix24APIError,
    ExpiredToken,
    InsufficientScope,
    InternalServerError,
    MethodNotFound,
    NoAuthFound,
    OperationTimeLimit,
    QueryLimitExceeded,
    ServerError,
    WriteRefused,
    api_error,
)
from shared.errors import MigrationError, Permanent, Transient

SECRET = "abcdef123456"


@pytest.mark.parametrize(
    ("code", "status", "cls", "transient"),
    [
        ("QUERY_LIMIT_EXCEEDED", 503, QueryLimitExceeded, True),
        ("query_limit_exceeded", 503, QueryLimitExceeded, True),
        ("OPERATION_TIME_LIMIT", 429, OperationTimeLimit, True),
        ("INTERNAL_SERVER_ERROR", 500, InternalServerError, True),
        ("NO_AUTH_FOUND", 401, NoAuthFound, False),
        ("EXPIRED_TOKEN", 401, ExpiredToken, False),
        ("insufficient_scope", 401, InsufficientScope, False),
        ("ACCESS_DENIED", 400, AccessDenied, False),
        ("ERROR_METHOD_NOT_FOUND", 404, MethodNotFound, False),
        ("", 502, ServerError, True),
        ("SOMETHING_NEW", 503, ServerError, True),
        ("", 400, BadRequest, False),
        ("", 401, AuthenticationFailed, False),
        ("CHAT_ID_EMPTY", None, BadRequest, False),
        ("SOMETHING_ELSE", 200, BadRequest, False),
    ],
    ids=lambda v: str(v) if not isinstance(v, type) else v.__name__,
)
def test_code_wins_then_status(code: str, status: int | None, cls: type[Bitrix24APIError], transient: bool) -> None:
    err = api_error({"error": code, "error_description": "x"}, method="user.get", portal="p.bitrix24.ru", status=status)
    assert type(err) is cls
    assert isinstance(err, MigrationError)
    assert isinstance(err, Transient) is transient
    assert isinstance(err, Permanent) is (not transient)
    assert (err.method, err.portal, err.status, err.code) == ("user.get", "p.bitrix24.ru", status, code)


def test_auth_failure_names_the_portal_not_the_secret() -> None:
    err = api_error(
        {"error": "NO_AUTH_FOUND", "error_description": f"Wrong authorization data for /rest/1/{SECRET}/"},
        method="user.get", portal="example.bitrix24.ru", status=401,
    )
    assert str(err) == (
        "the portal example.bitrix24.ru rejected the webhook (NO_AUTH_FOUND): check the webhook code"
    )
    assert SECRET not in repr(err)


def test_descriptions_are_redacted() -> None:
    err = api_error({"error": "ACCESS_DENIED", "error_description": f"see https://h/rest/1/{SECRET}/x"},
                    method="crm.type.list", portal="h", status=403)
    assert SECRET not in str(err)
    assert "crm.type.list on h failed with ACCESS_DENIED (HTTP 403)" in str(err)


def test_operation_time_limit_exposes_reset_time() -> None:
    err = api_error({"error": "OPERATION_TIME_LIMIT"}, method="crm.deal.list", portal="h", status=429,
                    time={"operating_reset_at": 1700000000})
    assert isinstance(err, OperationTimeLimit)
    assert err.reset_at == 1700000000.0


def test_errors_survive_pickling() -> None:
    err = api_error({"error": "QUERY_LIMIT_EXCEEDED"}, method="batch", portal="h", status=503)
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is QueryLimitExceeded and clone.status == 503 and str(clone) == str(err)
    refused = pickle.loads(pickle.dumps(WriteRefused("crm.deal.add", "h")))
    assert refused.method == "crm.deal.add" and isinstance(refused, Permanent)


def test_write_refused_is_permanent_and_carries_context() -> None:
    err = WriteRefused("user.add", "p.bitrix24.ru")
    assert isinstance(err, Permanent) and isinstance(err, MigrationError)
    assert (err.method, err.portal, err.status) == ("user.add", "p.bitrix24.ru", None)
    assert "read-only" in str(err)
