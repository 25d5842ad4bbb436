"""HTTP handlers of the gateway: the ``import.*`` webhook, ``/healthz``; thin over the importer.

Order of checks on the webhook: client IP, import user id and code (one 403 for both), the method allow-list
(403), the method's rate (429), the body (size 413, JSON 400, shape 400, batch size 413), the batch
``X-Idempotency-Key`` (replay or 409), then the import itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from typing import Any

from aiohttp import web

from gateway import keys
from gateway.errors import access_denied, error
from gateway.handlers_errors import BadRequest
from gateway.importer import dumps
from gateway.methods import MethodSpec, lookup
from gateway.multipart import multipart_body
from gateway.ratelimit import retry_after_header
from gateway.target import TargetAuthError, TargetUnavailable

log = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{1,200}")


MAX_DEPTH = 32
"""Deepest JSON nesting accepted; real items nest three or four levels."""


def _shallow(body: Any) -> bool:
    """True when no container nests deeper than ``MAX_DEPTH`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


def parse_body(raw: bytes, query_limit: str | None) -> tuple[list[Any], int | None]:
    """Items and ``test_limit`` from a JSON array or ``{"items": [...], "test_limit": N}`` body.

    Raises:
        BadRequest: malformed JSON, a wrong shape, or a ``test_limit`` that is not a non-negative integer.
    """
    try:
        body = json.loads(raw)
        if not _shallow(body):
            raise BadRequest(f"the body nests deeper than {MAX_DEPTH} levels")
        # JSON escapes can smuggle lone surrogates that no UTF-8 store or answer can hold
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):
        raise BadRequest("the body is not valid UTF-8 JSON") from None
    limit: Any = None
    if isinstance(body, list):
        items = body
    elif isinstance(body, dict) and isinstance(body.get("items"), list):
        items = body["items"]
        limit = body.get("test_limit")
    else:
        raise BadRequest('the body must be a JSON array of items or {"items": [...]}')
    if query_limit is not None:
        limit = query_limit
    if limit is None:
        return items, None
    try:
        value = int(limit)
    except (TypeError, ValueError):
        raise BadRequest("test_limit must be a non-negative integer") from None
    if isinstance(limit, bool) or value < 0 or (isinstance(limit, float) and not limit.is_integer()):
        raise BadRequest("test_limit must be a non-negative integer")
    return items, value


async def import_handler(request: web.Request) -> web.StreamResponse:
    """``POST /webhook/<import_user_id>/<import_code>/<method>``."""
    app = request.app
    if not app[keys.IPS].allows(request.remote):
        return access_denied()
    if not app[keys.CODES].check(request.match_info["uid"], request.match_info["code"]):
        return access_denied()
    method = request.match_info["method"]
    spec = lookup(method, app[keys.METHODS])
    if spec is None:
        return error(403, "METHOD_NOT_ALLOWED", "only the import.* methods of the gateway are allowed")
    wait = app[keys.LIMITER].acquire(method)
    if wait > 0:
        return error(429, "QUERY_LIMIT_EXCEEDED", f"over the rate of {method}; retry later",
                     headers={"Retry-After": retry_after_header(wait)})
    try:
        if request.content_type.startswith("multipart/") and spec.family == "feed_images":
            raw = await multipart_body(request, app[keys.SETTINGS].max_body_bytes)
        else:
            raw = await request.read()
        items, test_limit = parse_body(raw, request.query.get("test_limit"))
    except BadRequest as exc:
        return error(400, "INVALID_REQUEST", str(exc))
    request[keys.ITEM_COUNT] = len(items)
    if len(items) > spec.max_batch:
        return error(413, "BATCH_TOO_LARGE", f"{method} accepts at most {spec.max_batch} items per request")
    idem_key = request.headers.get("X-Idempotency-Key")
    if not idem_key:
        return await _run(request, spec, items, test_limit)
    if not IDEMPOTENCY_KEY.fullmatch(idem_key):
        return error(400, "INVALID_REQUEST", "X-Idempotency-Key must be 1-200 characters of A-Z a-z 0-9 . _ : -")
    body_sha = hashlib.sha256(raw + b"\0" + str(test_limit).encode()).hexdigest()
    ledger = app[keys.IMPORTER].ledger
    # a key is remembered for a while, not forever: a rerun days later gets fresh per-item answers
    not_before = time.time() - app[keys.SETTINGS].batch_key_ttl_s
    async with app[keys.BATCH_LOCKS].hold([f"{method}\0{idem_key}"]):
        stored = ledger.get_batch(idem_key, method, not_before)
        if stored is not None:
            if stored[0] != body_sha:
                return error(409, "IDEMPOTENCY_KEY_REUSED",
                             "this X-Idempotency-Key was used with a different body")
            return web.Response(text=stored[1], content_type="application/json",
                                headers={"X-Idempotent-Replay": "true"})
        response = await _run(request, spec, items, test_limit)
        if response.status == 200 and isinstance(response, web.Response) and response.text is not None:
            ledger.put_batch(idem_key, method, body_sha, response.text, expired_before=not_before)
        return response


async def _run(request: web.Request, spec: MethodSpec, items: list[Any], test_limit: int | None) -> web.Response:
    try:
        result = await request.app[keys.IMPORTER].run(spec, items, test_limit)
    except TargetUnavailable as exc:
        return error(503, "TARGET_UNAVAILABLE", str(exc), headers={"Retry-After": "5"})
    except TargetAuthError as exc:
        return error(502, "TARGET_AUTH_FAILED", str(exc))
    body = result.as_json()
    request[keys.OUTCOME] = {"imported": result.imported, "failed": len(result.failed),
                             "duplicate": len(result.duplicate)}
    return web.Response(text=dumps(body), content_type="application/json")


async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI document (built once per app)."""
    return web.json_response(request.app[keys.OPENAPI])


async def healthz(request: web.Request) -> web.Response:
    """Liveness (never a code); ``?ledger=1`` adds the committed records per family."""
    body: dict[str, Any] = {"status": "ok", "active_codes": request.app[keys.CODES].active_count}
    if request.query.get("ledger"):
        body["ledger"] = request.app[keys.IMPORTER].ledger.counts()
    return web.json_response(body)
