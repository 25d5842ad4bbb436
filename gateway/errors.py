"""Error answers of the gateway: Bitrix24-shaped JSON bodies with fixed bytes where timing or content could leak.

The 403 for a wrong user id or a wrong code is one pre-encoded byte string, so the two cases are
indistinguishable to a caller. No error body ever echoes the path (it carries the import code).
"""

from __future__ import annotations

import json

from aiohttp import web

ACCESS_DENIED_BODY = b'{"error":"ACCESS_DENIED","error_description":"Access denied"}'


def _body(code: str, description: str) -> bytes:
    return json.dumps({"error": code, "error_description": description}).encode()


def access_denied() -> web.Response:
    """403 for a wrong import user id, wrong code, or a client outside the IP allow-list (identical bytes)."""
    return web.Response(status=403, body=ACCESS_DENIED_BODY, content_type="application/json")


def error(status: int, code: str, description: str, headers: dict[str, str] | None = None) -> web.Response:
    """Any other error answer."""
    return web.Response(status=status, body=_body(code, description), content_type="application/json",
                        headers=headers)
