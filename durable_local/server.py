"""The host's aiohttp server: the app's HTTP routes plus the Durable management API and its RPC twin.

``/api/<route>`` (host.json ``routePrefix``) serves the app's ``@app.route`` functions.
``/runtime/webhooks/durabletask/...`` is the public management API and ``/durabletask/...`` the RPC
base the Python ``DurableOrchestrationClient`` calls (its binding's ``rpcBaseUrl``); both are served
by the same handlers, so the unmodified client and plain ``curl`` work over real loopback HTTP.
Refused operations answer with the status Azure uses (400/404/409/410/412), never 500.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from durable_local.errors import BadRequest, HostError, InstanceGone
from durable_local.host import LocalDurableHost
from durable_local.http_bridge import call_http_function, find_function
from durable_local.model import ACTIVE, COMPLETED, FAILED
from durable_local.status import RPC_PATH, WEBHOOK_PATH, management_urls

log = logging.getLogger(__name__)

HOST_KEY = web.AppKey("durable_local_host", LocalDurableHost)
TASKS_KEY = web.AppKey("durable_local_admin_tasks", set)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_RUNNING_CODES = ACTIVE | {"ContinuedAsNew"}


def _host(request: web.Request) -> LocalDurableHost:
    return request.app[HOST_KEY]


def _flag(request: web.Request, name: str, default: bool = False) -> bool:
    value = request.query.get(name)
    return default if value is None else value.strip().lower() in ("true", "1", "yes")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json", headers=headers)


def _error(status: int, message: str) -> web.Response:
    # ExceptionMessage is what DurableOrchestrationClient.start_new reads on a 400
    return _json({"Message": message, "ExceptionMessage": message}, status=status)


async def serialized_body(request: web.Request) -> str | None:
    """The request body as the serialized JSON value the orchestration sees (400 if not JSON).

    The Python client double-encodes (it posts ``json=df_dumps(value)``), ``curl`` does not; a JSON
    string whose content is itself JSON is taken as the client's serialized value.
    """
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest("Only application/json request content is supported") from exc
    if isinstance(value, str):
        try:
            json.loads(value)
        except json.JSONDecodeError:
            return json.dumps(value)
        return value
    return json.dumps(value)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except HostError as exc:
        return _error(exc.http_status, str(exc))
    except ValueError as exc:  # malformed query values (dates, numbers)
        return _error(400, str(exc))


def _payload(request: web.Request, instance_id: str) -> dict[str, str]:
    host = _host(request)
    return management_urls(host.base_url, instance_id, host.settings.hub_name)


async def start_orchestration(request: web.Request) -> web.StreamResponse:
    """``POST orchestrators/{name}[/{id}][?timeout=s]`` -> 202 + check-status payload.

    With ``timeout`` (seconds) it waits like the Functions host: 200 with the output when the
    instance completes in time (500 with the status when it fails), else the usual 202.
    """
    host = _host(request)
    input_json = await serialized_body(request)
    iid = host.start_new(request.match_info["name"], input_json, request.match_info.get("id") or None,
                         request.query.get("version", ""))
    if "timeout" in request.query:  # wait-for-completion form of the start API
        try:
            status = await host.wait_for(iid, timeout=float(request.query["timeout"]))
        except TimeoutError:
            pass
        else:
            if status["runtimeStatus"] == COMPLETED:
                return _json(status["output"])
            return _json(status, status=500 if status["runtimeStatus"] == FAILED else 200)
    payload = _payload(request, iid)
    return _json(payload, status=202, headers={"Location": payload["statusQueryGetUri"], "Retry-After": "10"})


async def get_instance(request: web.Request) -> web.StreamResponse:
    """``GET instances/{id}``: 202 while running, 200 when done, 404 when unknown."""
    host = _host(request)
    iid = request.match_info["id"]
    body = host.get_status(iid, show_input=_flag(request, "showInput", True),
                           show_history=_flag(request, "showHistory"),
                           show_history_output=_flag(request, "showHistoryOutput"))
    if body is None:
        return web.Response(status=404)
    if body["runtimeStatus"] in _RUNNING_CODES:
        location = _payload(request, iid)["statusQueryGetUri"]
        return _json(body, status=202, headers={"Location": location, "Retry-After": "5"})
    if body["runtimeStatus"] == FAILED and _flag(request, "returnInternalServerErrorOnFailure"):
        return _json(body, status=500)
    return _json(body)


async def list_instances(request: web.Request) -> web.StreamResponse:
    """``GET instances?createdTimeFrom&createdTimeTo&runtimeStatus&instanceIdPrefix&top``."""
    host = _host(request)
    statuses = [s for s in request.query.get("runtimeStatus", "").split(",") if s] or None
    found = host.query(request.query.get("createdTimeFrom"), request.query.get("createdTimeTo"), statuses,
                       request.query.get("instanceIdPrefix"))
    start = int(request.headers.get("x-ms-continuation-token") or 0)
    top = int(request.query.get("top") or 0) or len(found)
    page = found[start:start + top]
    headers = {"x-ms-continuation-token": str(start + top)} if start + top < len(found) else {}
    show_input = _flag(request, "showInput", True)
    return _json([host.get_status(i.id, show_input=show_input) for i in page], headers=headers)


async def purge_instance(request: web.Request) -> web.StreamResponse:
    """``DELETE instances/{id}`` -> 200 ``{instancesDeleted}``; 404; 412 while active."""
    deleted = _host(request).purge(request.match_info["id"])
    return _json({"instancesDeleted": deleted})


async def purge_instances(request: web.Request) -> web.StreamResponse:
    """``DELETE instances?createdTimeFrom&createdTimeTo&runtimeStatus`` (createdTimeFrom required)."""
    if "createdTimeFrom" not in request.query:
        raise BadRequest("createdTimeFrom is required")
    statuses = [s for s in request.query.get("runtimeStatus", "").split(",") if s] or None
    deleted = _host(request).purge_by(request.query["createdTimeFrom"], request.query.get("createdTimeTo"),
                                      statuses)
    if not deleted:
        return web.Response(status=404)
    return _json({"instancesDeleted": deleted})


async def raise_event(request: web.Request) -> web.StreamResponse:
    """``POST instances/{id}/raiseEvent/{event}`` -> 202; 404; 410 when terminal; 400 when not JSON."""
    host = _host(request)
    iid = request.match_info["id"]
    if not host.instance(iid).active:  # 404 / 410 before looking at the body
        raise InstanceGone(f"Instance with ID {iid} is gone: it is {host.instance(iid).status}.")
    data = await serialized_body(request)
    host.raise_event(iid, request.match_info["event"], data)
    return web.Response(status=202)


async def instance_operation(request: web.Request) -> web.StreamResponse:
    """``POST instances/{id}/{terminate|suspend|resume|rewind|restart}``."""
    host = _host(request)
    iid, op = request.match_info["id"], request.match_info["op"]
    reason = request.query.get("reason", "")
    if op == "terminate":
        host.terminate(iid, reason)
    elif op == "suspend":
        host.suspend(iid, reason)
    elif op == "resume":
        host.resume(iid, reason)
    elif op == "rewind":
        host.rewind(iid, reason)
    elif op == "restart":
        new_id = host.restart(iid, _flag(request, "restartWithNewInstanceId", True))
        payload = _payload(request, new_id)
        return _json(payload, status=202, headers={"Location": payload["statusQueryGetUri"]})
    else:
        return _error(404, f"Unknown operation '{op}'")
    return web.Response(status=202)


async def read_entity(request: web.Request) -> web.StreamResponse:
    """``GET entities/{name}/{key}`` -> 200 with the state, 404 when it does not exist."""
    state = _host(request).read_entity(request.match_info["name"], request.match_info["key"])
    if state is None:
        return web.Response(status=404)
    return web.Response(text=state, content_type="application/json")


async def signal_entity(request: web.Request) -> web.StreamResponse:
    """``POST entities/{name}/{key}?op=X`` -> 202."""
    data = await serialized_body(request)
    _host(request).signal_entity(request.match_info["name"], request.match_info["key"],
                                 request.query.get("op", ""), data)
    return web.Response(status=202)


async def list_entities(request: web.Request) -> web.StreamResponse:
    """``GET entities[/{name}]``."""
    return _json(_host(request).list_entities(request.match_info.get("name")))


async def admin_invoke(request: web.Request) -> web.StreamResponse:
    """``POST /admin/functions/{name}``: run a timer function now (202), as the Functions host's admin API."""
    host = _host(request)
    name = request.match_info["name"]
    if name not in host.registry.timers:
        return _error(404, f"Function '{name}' is not a timer function of this app.")
    task = asyncio.create_task(host.timer_triggers.fire(name))
    request.app[TASKS_KEY].add(task)
    task.add_done_callback(request.app[TASKS_KEY].discard)
    return web.Response(status=202)


async def app_function(request: web.Request) -> web.StreamResponse:
    """Serve one of the app's HTTP functions."""
    host = _host(request)
    found = find_function(host.registry.http, request.method, request.match_info["tail"])
    if found is None:
        return web.Response(status=404)
    spec, params = found
    try:
        return await call_http_function(spec, request, params, host.client_binding(), host.executor)
    except Exception:  # a failing function answers 500, as on the Functions host
        log.exception("HTTP function %s failed", spec.name)
        return web.Response(status=500)


def _management_routes(prefix: str) -> list[web.RouteDef]:
    p = prefix.rstrip("/")
    return [
        web.post(p + "/orchestrators/{name}", start_orchestration),
        web.post(p + "/orchestrators/{name}/{id}", start_orchestration),
        web.get(p + "/instances", list_instances),
        web.get(p + "/instances/", list_instances),
        web.delete(p + "/instances", purge_instances),
        web.delete(p + "/instances/", purge_instances),
        web.get(p + "/instances/{id}", get_instance),
        web.delete(p + "/instances/{id}", purge_instance),
        web.post(p + "/instances/{id}/raiseEvent/{event}", raise_event),
        web.post(p + "/instances/{id}/{op}", instance_operation),
        web.get(p + "/entities", list_entities),
        web.get(p + "/entities/{name}", list_entities),
        web.get(p + "/entities/{name}/{key}", read_entity),
        web.post(p + "/entities/{name}/{key}", signal_entity),
    ]


def create_app(host: LocalDurableHost) -> web.Application:
    """The aiohttp application serving ``host``; the host is started and stopped with the app."""
    app = web.Application(middlewares=[_errors])
    app[HOST_KEY] = host
    app[TASKS_KEY] = set()
    app.router.add_post("/admin/functions/{name}", admin_invoke)
    app.add_routes(_management_routes(WEBHOOK_PATH))
    app.add_routes(_management_routes(RPC_PATH))
    prefix = host.settings.route_prefix
    app.router.add_route("*", f"/{prefix}/{{tail:.*}}" if prefix else "/{tail:.*}", app_function)

    async def lifecycle(_: web.Application) -> Any:
        await host.start()
        yield
        await host.stop()

    app.cleanup_ctx.append(lifecycle)
    return app


async def serve(host: LocalDurableHost, port: int, bind: str = "127.0.0.1") -> web.AppRunner:
    """Start serving on ``bind:port`` (0 picks a free port); ``host.base_url`` is the real address.

    The socket is bound before the host starts, so timer triggers that run on startup already hand
    out client bindings pointing at the right port.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((bind, port))
    host.base_url = f"http://{bind}:{sock.getsockname()[1]}"
    runner = web.AppRunner(create_app(host), access_log=None)
    try:
        await runner.setup()
        await web.SockSite(runner, sock).start()
    except BaseException:
        await runner.cleanup()
        sock.close()
        raise
    return runner
