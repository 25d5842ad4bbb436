"""Structured access log: one JSON line per request, without bodies and with the import code masked."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from gateway import keys

log = logging.getLogger("gateway.access")

_WEBHOOK = re.compile(r"^(/webhook/[^/]*/)[^/]*(/.*)?$")


def redact_path(path: str) -> str:
    """``/webhook/1/<code>/import.users.batch`` → ``/webhook/1/***/import.users.batch``."""
    return _WEBHOOK.sub(lambda m: f"{m.group(1)}***{m.group(2) or ''}", path)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def access_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log method, redacted path, status, duration, client, item count and outcome counters."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        if log.isEnabledFor(logging.INFO):
            entry = {
                "method": request.method,
                "path": redact_path(request.path),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "remote": request.remote,
                "items": request.get(keys.ITEM_COUNT),
                "outcome": request.get(keys.OUTCOME),
            }
            log.info("%s", json.dumps(entry, separators=(",", ":")))
