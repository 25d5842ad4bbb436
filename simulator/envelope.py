"""Response bodies in the real portal's shape: `{"result", "next", "total", "time"}` and the `time` block.

Key order matters to clients that compare raw bodies, so dicts are built in the order the PHP server emits them.
JSON is produced once per request with orjson; empty PHP arrays stay `[]`.
"""

from __future__ import annotations

from typing import Any

import orjson

from simulator.portal import Portal
from simulator.registry import Reply


def time_block(portal: Portal, start: float, finish: float, processing: float, method: str | None) -> dict[str, Any]:
    """The `time` object; `operating` keys appear only when the cloud limiter is active."""
    block: dict[str, Any] = {
        "start": round(start, 6),
        "finish": round(finish, 6),
        "duration": round(finish - start, 6),
        "processing": round(processing, 6),
        "date_start": portal.iso(start),
        "date_finish": portal.iso(finish),
    }
    if method is not None:
        operating = portal.limiter.operating(method)
        if operating is not None:
            block["operating_reset_at"] = operating[1]
            block["operating"] = operating[0]
    return block


def success(reply: Reply, time: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"result": reply.result}
    if reply.next is not None:
        body["next"] = int(reply.next)
    if reply.total is not None:
        body["total"] = int(reply.total)
    body["time"] = time
    return body


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON; orjson, because encoding 2,500 records per batch dominates the simulator's CPU time."""
    return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)


def to_xml(body: Any) -> bytes:
    """The `.xml` flavour: `<response><result>…</result>…</response>`, lists as `<item>` elements."""
    from xml.sax.saxutils import escape

    def render(name: str, value: Any) -> str:
        tag = name if name and name[0].isalpha() and name.replace("_", "").isalnum() else "item"
        if isinstance(value, dict):
            inner = "".join(render(str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            inner = "".join(render("item", v) for v in value)
        elif isinstance(value, bool):
            inner = "true" if value else "false"
        elif value is None:
            inner = ""
        else:
            inner = escape(str(value))
        return f"<{tag}>{inner}</{tag}>"

    return ('<?xml version="1.0" encoding="utf-8"?>' + render("response", body)).encode("utf-8")
