"""Multipart media upload: ``import.media.upload`` may send files as parts instead of base64 in JSON.

The form carries an ``items`` part (the JSON array or ``{"items": [...]}`` body, items without ``contentB64``)
and one file part per item whose field name is the item's ``sourceId``. The parts are folded back into the JSON
body the rest of the gateway understands, so validation, checksums and idempotency stay one code path.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import BodyPartReader, web

from gateway.handlers_errors import BadRequest


async def multipart_body(request: web.Request, max_bytes: int) -> bytes:
    """The equivalent JSON body of a multipart upload.

    Raises:
        BadRequest: no ``items`` part, a part that is not a file or JSON, or an item without its file.
        web.HTTPRequestEntityTooLarge: the parts together exceed ``max_bytes``.
    """
    try:
        return await _fold(request, max_bytes)
    except (ValueError, AssertionError, KeyError, RecursionError):
        # aiohttp's reader raises these for a missing boundary or broken part headers
        raise BadRequest("malformed multipart body") from None


async def _fold(request: web.Request, max_bytes: int) -> bytes:
    reader = await request.multipart()
    body: Any = None
    files: dict[str, bytes] = {}
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            raise BadRequest("every part needs a field name")
        chunks: list[bytes] = []
        while chunk := await part.read_chunk(256 * 1024):
            total += len(chunk)
            if total > max_bytes:
                raise web.HTTPRequestEntityTooLarge(max_size=max_bytes, actual_size=total)
            chunks.append(chunk)
        data = b"".join(chunks)
        if part.name == "items":
            body = _json(data)
        else:
            files[part.name] = data
    if body is None:
        raise BadRequest("a multipart upload needs an items part")
    items = body.get("items") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise BadRequest('the items part must be a JSON array or {"items": [...]}')
    for item in items:
        if isinstance(item, dict) and "contentB64" not in item:
            content = files.get(str(item.get("sourceId")))
            if content is not None:
                item["contentB64"] = base64.b64encode(content).decode()
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the items part is not valid JSON") from None
