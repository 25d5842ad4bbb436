"""The aiohttp application of the simulator: Bitrix24 REST routes plus the `/_sim/*` control routes.

REST requests go through, in order: fault injection, webhook authentication (constant-time), the leaky bucket,
parameter decoding (query, PHP form, multipart or JSON), the method call and the envelope.  Every error is answered
in the Bitrix24 shape with its real status; nothing the caller sends can produce a traceback.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import hmac
import json
import time
from typing import Any
from urllib.parse import quote

from aiohttp import web

import simulator.methods  # noqa: F401  (registers every method handler)
from simulator import errors
from simulator.envelope import dumps, success, time_block, to_xml
from simulator.faults import parse_spec
from simulator.params import insert_param, listify, parse_php_query
from simulator.portal import Portal
from simulator.settings import SimSettings

PORTAL = web.AppKey("portal", Portal)
_HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
_LOOPBACK = ("127.0.0.1", "::1", None)


def build_portal(settings: SimSettings) -> Portal:
    """A portal filled from the fixture, from the profile (source mode) or empty (target mode)."""
    parse_spec(settings.faults)
    portal = Portal(settings)
    if settings.fixture is not None:
        portal.load(json.loads(settings.fixture.read_text(encoding="utf-8")))
    elif settings.mode == "source":
        from simulator.gen.build import populate

        # generated records live for the whole process: the cyclic GC would rescan millions of them while they are
        # built and on every later full collection, so it is paused while building and they are frozen after
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            populate(portal, settings.profile, settings.seed)
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()
    return portal


def create_app(settings: SimSettings) -> web.Application:
    """The simulator as an aiohttp application (bind it to 127.0.0.1 only)."""
    app = web.Application(client_max_size=256 * 1024 * 1024)
    app[PORTAL] = build_portal(settings)
    app.router.add_get("/rest/download.json", _download)
    app.router.add_get("/bitrix/tools/disk/uf.php", _download)
    app.router.add_route("*", "/rest/{user_id}/{code}/{method}", _webhook)
    app.router.add_route("*", "/rest/{method}", _oauth)
    app.router.add_get("/_sim/stats", _stats)
    app.router.add_get("/_sim/counts", _counts)
    app.router.add_get("/_sim/dump", _dump)
    app.router.add_get("/_sim/audit", _audit)
    app.router.add_post("/_sim/reset-stats", _reset_stats)
    app.router.add_post("/_sim/clock", _clock)
    return app


def _error_response(failure: errors.RestError) -> web.Response:
    return web.Response(status=failure.status, body=dumps(failure.body()), content_type="application/json")


async def _decode(request: web.Request) -> dict[str, Any]:
    """Merge query and body parameters as PHP's `$_REQUEST` would (the body wins); a broken body is a 400."""
    try:
        return await _decode_body(request)
    except errors.RestError:
        raise
    except Exception:
        raise errors.RestError("INVALID_REQUEST", "Wrong request body", 400) from None


async def _decode_body(request: web.Request) -> dict[str, Any]:
    params = parse_php_query(request.query_string)
    if not request.body_exists:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        raw = await request.read()
        if raw.strip():
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise errors.RestError("INVALID_REQUEST", "Invalid JSON body", 400) from None
            if isinstance(body, dict):
                params.update(body)
            elif body not in (None, [], ""):
                raise errors.RestError("INVALID_REQUEST", "Invalid JSON body", 400)
    elif ctype == "multipart/form-data":
        form = await request.post()
        collected: dict[str, Any] = {}
        for name, value in form.items():
            if isinstance(value, str):
                text = value
            elif isinstance(value, bytes | bytearray):
                text = bytes(value).decode("utf-8", "replace")
            else:
                # a file part: Bitrix24 takes files as base64 in fields; keep the bytes losslessly as text
                text = value.file.read().decode("latin-1")
            insert_param(collected, name, text)
        listed = listify(collected)
        params.update(listed if isinstance(listed, dict) else {})
    else:
        raw = await request.read()
        params.update(parse_php_query(raw.decode("utf-8", "replace")))
    return params


async def _webhook(request: web.Request) -> web.StreamResponse:
    portal = request.app[PORTAL]
    settings = portal.settings
    user_id = request.match_info["user_id"]
    code = request.match_info["code"]
    authorised = user_id == str(settings.webhook_user_id) and hmac.compare_digest(
        code.encode(), settings.webhook_code.encode()
    )
    return await _serve(request, request.match_info["method"], authorised)


async def _oauth(request: web.Request) -> web.StreamResponse:
    portal = request.app[PORTAL]
    token = request.query.get("auth", "")
    if not token and request.body_exists and request.content_type != "application/json":
        token = str((await request.post()).get("auth", ""))
    elif not token and request.content_type == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
            token = str(body.get("auth", "")) if isinstance(body, dict) else ""
        except ValueError:
            token = ""
    authorised = bool(token) and hmac.compare_digest(token.encode(), portal.settings.webhook_code.encode())
    return await _serve(request, request.match_info["method"], authorised)


async def _inject(request: web.Request, portal: Portal, fault: str) -> web.StreamResponse | None:
    """Answer with an injected fault; None means the request proceeds (badjson corrupts it afterwards)."""
    portal.stats.faults_injected += 1
    if fault == "503":
        portal.stats.record_error("QUERY_LIMIT_EXCEEDED")
        return _error_response(errors.query_limit())
    if fault == "500":
        portal.stats.record_error("INTERNAL_SERVER_ERROR")
        return _error_response(errors.RestError("INTERNAL_SERVER_ERROR", "Internal server error", 500))
    if fault == "html":
        return web.Response(status=502, text=_HTML_502, content_type="text/html")
    if fault in ("timeout", "reset"):
        if fault == "timeout":
            await asyncio.sleep(portal.settings.fault_timeout_s)
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError
    return None


async def _serve(request: web.Request, raw_name: str, authorised: bool) -> web.StreamResponse:
    portal = request.app[PORTAL]
    portal.stats.requests += 1
    # download links are absolute, so handlers need the address the caller used
    portal.extra["base_url"] = f"{request.scheme}://{request.host}"
    fault = portal.faults.draw()
    if fault is not None:
        injected = await _inject(request, portal, fault)
        if injected is not None:
            return injected
    name, as_xml = raw_name, False
    lowered = raw_name.lower()
    if lowered.endswith(".json"):
        name = raw_name[:-5]
    elif lowered.endswith(".xml"):
        name, as_xml = raw_name[:-4], True
    started = portal.clock.now()
    wall = time.perf_counter()
    try:
        if not authorised:
            raise errors.no_auth()
        portal.limiter.admit()
        params = await _decode(request)
        params.pop("auth", None)
        found, reply = portal.call(name, params)
    except errors.RestError as failure:
        portal.stats.record_error(failure.code)
        return _error_response(failure)
    processing = time.perf_counter() - wall
    body = success(reply, time_block(portal, started, started + processing, processing, found.name))
    if as_xml:
        return web.Response(body=to_xml(body), content_type="text/xml", charset="utf-8")
    payload = dumps(body)
    if fault == "badjson":
        payload = payload[: max(len(payload) // 2, 1)]
    return web.Response(body=payload, content_type="application/json", charset="utf-8")


async def _download(request: web.Request) -> web.Response:
    """Serve the bytes behind a signed `DOWNLOAD_URL`; a bad or expired link gets the portal's HTML 404 page."""
    portal = request.app[PORTAL]
    portal.stats.downloads += 1
    payload = portal.verify(request.query.get("token", ""))
    kind, _, object_id = (payload or "").partition("|")
    rows = portal.table("feed_images").where("OBJECT_ID", object_id) if kind == "disk" else []
    if not rows:
        return web.Response(
            status=404, text="<html><body><h1>404 Not Found</h1></body></html>", content_type="text/html"
        )
    row = rows[0]
    data = base64.b64decode(str(row.get("CONTENT_B64", "")))
    name = str(row.get("NAME", "file"))
    headers = {"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"}
    ctype = "image/png" if name.lower().endswith(".png") else "application/octet-stream"
    return web.Response(body=data, content_type=ctype, headers=headers)


def _local_only(request: web.Request) -> None:
    if request.remote not in _LOOPBACK:
        raise web.HTTPForbidden(text="control routes are loopback only")


async def _stats(request: web.Request) -> web.Response:
    _local_only(request)
    return web.json_response(request.app[PORTAL].stats.snapshot())


async def _counts(request: web.Request) -> web.Response:
    _local_only(request)
    return web.json_response(request.app[PORTAL].counts())


async def _dump(request: web.Request) -> web.Response:
    _local_only(request)
    return web.Response(body=dumps(request.app[PORTAL].dump()), content_type="application/json")


async def _audit(request: web.Request) -> web.Response:
    _local_only(request)
    return web.json_response({"writes": request.app[PORTAL].stats.audit})


async def _reset_stats(request: web.Request) -> web.Response:
    _local_only(request)
    request.app[PORTAL].stats.reset()
    return web.json_response({"ok": True})


async def _clock(request: web.Request) -> web.Response:
    """`POST /_sim/clock {"advance": seconds}`: move the simulated clock forward (tests of the 10-minute window)."""
    _local_only(request)
    portal = request.app[PORTAL]
    body = await request.json() if request.body_exists else {}
    now = portal.clock.advance(float(body.get("advance", 0))) if isinstance(body, dict) else portal.clock.now()
    return web.json_response({"now": now})
