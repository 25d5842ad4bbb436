"""Serving the app's own ``@app.route`` functions: route templates, ``HttpRequest`` in, ``HttpResponse`` out.

Route templates follow the Functions host (ASP.NET style): ``{name}``, ``{name:constraint}``,
``{name?}`` and a trailing catch-all ``{*rest}``; matching is case-insensitive on literals. For each
``durable_client_input`` parameter the host injects the client binding JSON, exactly what the
decorator's middleware turns into a ``DurableOrchestrationClient``.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

import azure.functions as func
from aiohttp import web
from multidict import CIMultiDict

from durable_local.discovery import FunctionSpec, with_context

_PARAM = re.compile(r"^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::[^}?]*)?(\??)\}$")
_INT = re.compile(r"^-?\d+$")


def match_route(template: str, path: str) -> dict[str, str] | None:
    """Route parameters when ``path`` matches ``template``, else None."""
    pattern = [s for s in template.strip("/").split("/") if s]
    parts = [s for s in path.strip("/").split("/") if s]
    params: dict[str, str] = {}
    for i, segment in enumerate(pattern):
        found = _PARAM.match(segment)
        if found is None:
            if i >= len(parts) or parts[i].lower() != segment.lower():
                return None
            continue
        catch_all, name, optional = found.groups()
        if catch_all:
            params[name] = "/".join(parts[i:])
            return params
        if i >= len(parts):
            if optional:
                continue
            return None
        if ":int" in segment and not _INT.match(parts[i]):
            return None
        params[name] = parts[i]
    return params if len(parts) <= len(pattern) else None


def find_function(functions: Mapping[str, FunctionSpec], method: str,
                  path: str) -> tuple[FunctionSpec, dict[str, str]] | None:
    """The HTTP function serving ``method path`` (literal routes win over parameterised ones)."""
    candidates = sorted(functions.values(), key=lambda f: (f.route or f.name).count("{"))
    for spec in candidates:
        params = match_route(spec.route or spec.name, path)
        if params is not None and (not spec.methods or method.upper() in spec.methods):
            return spec, params
    return None


async def call_http_function(spec: FunctionSpec, request: web.Request, route_params: dict[str, str],
                             client_binding: str, executor: Executor) -> web.StreamResponse:
    """Invoke one HTTP function with a ``func.HttpRequest`` and convert what it returns."""
    body = await request.read()
    http_request = func.HttpRequest(
        method=request.method, url=str(request.url), headers=dict(request.headers),
        params=dict(request.query), route_params=route_params, body=body,
    )
    kwargs: dict[str, Any] = {spec.trigger_param: http_request}
    for name in spec.client_params:
        kwargs[name] = client_binding
    with_context(spec, kwargs)
    if inspect.iscoroutinefunction(spec.handler):
        result = await spec.handler(**kwargs)
    else:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(executor, functools.partial(spec.handler, **kwargs))
        if inspect.isawaitable(result):
            result = await result
    return to_web_response(result)


def to_web_response(result: Any) -> web.StreamResponse:
    """Convert a function's return value (``HttpResponse``, str, bytes or None) to an aiohttp response."""
    if result is None:
        return web.Response(status=204)
    if isinstance(result, str | bytes):
        return web.Response(body=result.encode() if isinstance(result, str) else result,
                            content_type="text/plain")
    headers = CIMultiDict(dict(result.headers))
    content_type = headers.pop("Content-Type", None) or result.mimetype or "text/plain"
    if ";" in content_type:
        content_type = content_type.split(";", 1)[0].strip()
    return web.Response(status=result.status_code, body=result.get_body(), headers=headers,
                        content_type=content_type, charset=result.charset if content_type.startswith("text")
                        or content_type.endswith("json") else None)
