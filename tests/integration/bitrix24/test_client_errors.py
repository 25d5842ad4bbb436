"""The client against a scripted loopback server: refusal before I/O, retries, 429 waits, typed errors."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.errors import (
    AccessDenied,
    MethodNotFound,
    NoAuthFound,
    QueryLimitExceeded,
    WriteRefused,
)
from shared.clock import FakeClock
from shared.errors import ConfigurationError, InvalidResponse, RequestTimeout

CODE = "scriptcode123"


@dataclass
class Scripted:
    """The queue of answers and the log of requests of one scripted server."""

    url: str = ""
    answers: list[tuple[int, Any]] = field(default_factory=list)
    requests: list[tuple[str, Any]] = field(default_factory=list)
    delay_s: float = 0.0

    def queue(self, status: int, body: Any) -> None:
        self.answers.append((status, body))


@pytest.fixture
async def scripted() -> AsyncIterator[Scripted]:
    state = Scripted()

    async def handle(request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        raw = await request.read()
        state.requests.append((method, json.loads(raw) if raw else None))
        if request.match_info["code"] != CODE:
            return web.json_response({"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"},
                                     status=401)
        if state.delay_s:
            await asyncio.sleep(state.delay_s)
        status, body = state.answers.pop(0) if state.answers else (200, {"result": [], "time": {}})
        if isinstance(body, bytes | str):
            return web.Response(status=status, body=body, content_type="text/html")
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_post("/rest/{uid}/{code}/{method}", handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    state.url = f"http://127.0.0.1:{server.port}/rest/1/{CODE}/"
    try:
        yield state
    finally:
        await server.close()


OK = {"result": [{"ID": "1"}], "total": 1, "time": {"start": 1.0, "finish": 1.1}}


def _client(url: str, clock: FakeClock | None = None, **kwargs: object) -> Bitrix24Client:
    return Bitrix24Client(url, clock=clock or FakeClock(), rng=random.Random(1), **kwargs)  # type: ignore[arg-type]


async def test_write_methods_are_refused_before_any_io(scripted: Scripted) -> None:
    async with _client(scripted.url) as client:
        with pytest.raises(WriteRefused):
            await client.call("crm.deal.add", {"fields": {"TITLE": "x"}})
        with pytest.raises(WriteRefused):
            await client.batch({"a": ("user.get", {}), "b": ("user.update", {"ID": 1})})
        with pytest.raises(WriteRefused):
            await client.call("batch", {"cmd": {"a": "user.get", "b": "im.message.add?DIALOG_ID=1"}})
        with pytest.raises(ConfigurationError):
            await client.batch({f"k{i}": ("user.get", {}) for i in range(51)})
    assert scripted.requests == []


async def test_call_posts_json_and_decodes_the_envelope(scripted: Scripted) -> None:
    scripted.queue(200, {"result": [{"ID": "1"}], "next": 50, "total": 120, "time": {"operating": 0.5}})
    async with _client(scripted.url) as client:
        response = await client.call("user.get", {"FILTER": {">ID": 0}, "start": 0})
    assert response.result == [{"ID": "1"}]
    assert (response.next, response.total, response.time) == (50, 120, {"operating": 0.5})
    assert scripted.requests == [("user.get", {"FILTER": {">ID": 0}, "start": 0})]
    assert client.stats.http_requests == 1 and client.stats.retries == 0


async def test_transient_failures_are_retried_with_backoff(scripted: Scripted) -> None:
    scripted.queue(503, {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"})
    scripted.queue(500, {"error": "INTERNAL_SERVER_ERROR"})
    scripted.queue(200, "<html>oops</html>")
    scripted.queue(502, "<html>bad gateway</html>")
    scripted.queue(200, OK)
    clock = FakeClock()
    async with _client(scripted.url, clock) as client:
        response = await client.call("user.get")
    assert response.result == [{"ID": "1"}]
    assert response.http_requests == 5
    assert client.stats.retries == 4
    assert client.stats.errors == {"QUERY_LIMIT_EXCEEDED": 1, "INTERNAL_SERVER_ERROR": 1, "INVALID_RESPONSE": 1,
                                   "HTTP_502": 1}
    # exponential steps 0.5, 1, 2, 4 with equal jitter; plus the bucket wait after the 503
    backoff_sleeps = [s for s in clock.sleeps if s > 0]
    assert len(backoff_sleeps) >= 4
    assert 0.25 <= backoff_sleeps[0] <= 1.1


async def test_retry_budget_is_per_request(scripted: Scripted) -> None:
    for _ in range(3):
        scripted.queue(503, {"error": "QUERY_LIMIT_EXCEEDED"})
    async with _client(scripted.url, max_tries=3) as client:
        with pytest.raises(QueryLimitExceeded) as info:
            await client.call("user.get")
    assert info.value.status == 503 and info.value.portal.startswith("127.0.0.1:")
    assert len(scripted.requests) == 3


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (404, {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}, MethodNotFound),
        (400, {"error": "ACCESS_DENIED", "error_description": "Access denied!"}, AccessDenied),
    ],
    ids=["404", "400"],
)
async def test_other_4xx_are_never_retried(scripted: Scripted, status: int, body: dict[str, str], cls: type) -> None:
    scripted.queue(status, body)
    async with _client(scripted.url) as client:
        with pytest.raises(cls):
            await client.call("crm.type.list")
    assert len(scripted.requests) == 1


async def test_wrong_code_fails_fast_naming_the_portal(scripted: Scripted) -> None:
    bad = scripted.url.replace(CODE, "wrongcode999")
    async with _client(bad) as client:
        with pytest.raises(NoAuthFound) as info:
            await client.call("user.get")
    port = bad.split(":")[2].split("/")[0]
    assert str(info.value) == (
        f"the portal 127.0.0.1:{port} rejected the webhook (NO_AUTH_FOUND): check the webhook code"
    )
    assert "wrongcode999" not in repr(info.value) and "wrongcode999" not in repr(client)
    assert len(scripted.requests) == 1


async def test_429_waits_until_operating_reset_at(scripted: Scripted) -> None:
    scripted.queue(429, {"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked",
                         "time": {"finish": 1000.0, "operating_reset_at": 1042}})
    scripted.queue(200, OK)
    clock = FakeClock()
    async with _client(scripted.url, clock) as client:
        await client.call("crm.deal.list")
    assert 42.0 in [round(s, 6) for s in clock.sleeps]
    assert client.stats.operating_wait_s == pytest.approx(42.0)
    assert client.stats.errors == {"OPERATION_TIME_LIMIT": 1}


async def test_timeouts_are_transient(scripted: Scripted) -> None:
    scripted.delay_s = 0.3
    async with _client(scripted.url, timeout_s=0.05, max_tries=2) as client:
        with pytest.raises(RequestTimeout):
            await client.call("user.get")
    assert client.stats.errors == {"TIMEOUT": 2}


async def test_unusable_200_body_is_an_invalid_response(scripted: Scripted) -> None:
    scripted.queue(200, {"unexpected": True})
    async with _client(scripted.url, max_tries=1) as client:
        with pytest.raises(InvalidResponse):
            await client.call("user.get")


async def test_batch_sends_command_strings_and_parses_per_command_outcomes(scripted: Scripted) -> None:
    scripted.queue(200, {"result": {
        "result": {"a": [{"ID": "1"}]},
        "result_error": {"b": {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}},
        "result_total": [], "result_next": {"a": 50},
        "result_time": {"a": {"processing": 0.25}},
    }, "time": {}})
    async with _client(scripted.url) as client:
        out = await client.batch({
            "a": ("user.get", {"FILTER": {">ID": 0}, "start": -1}),
            "b": ("user.get", {"FILTER": {">ID": "$result[a][49][ID]"}}),
            "c": ("user.get", {}),
        }, halt=True)
    method, body = scripted.requests[0]
    assert method == "batch"
    assert body == {"halt": 1, "cmd": {"a": "user.get?FILTER[%3EID]=0&start=-1",
                                       "b": "user.get?FILTER[%3EID]=$result[a][49][ID]", "c": "user.get"}}
    assert out.results == {"a": [{"ID": "1"}]}
    assert isinstance(out.errors["b"], QueryLimitExceeded) and out.errors["b"].status is None
    assert out.next == {"a": 50} and out.total == {} and out.missing == ("c",)
    assert client.stats.errors == {"QUERY_LIMIT_EXCEEDED": 1}
    assert client.budget is not None and client.budget.used("user.get") == pytest.approx(0.25)


async def test_batch_engine_retries_a_failed_command_alone(scripted: Scripted) -> None:
    from shared.bitrix24.batching import run_commands

    good = {f"c{i}": [{"ID": str(i)}] for i in range(50) if i != 7}
    scripted.queue(200, {"result": {"result": good,
                                    "result_error": {"c7": {"error": "QUERY_LIMIT_EXCEEDED", "error_description": ""}},
                                    "result_total": [], "result_next": [], "result_time": []}, "time": {}})
    scripted.queue(200, {"result": {"result": {"c7": [{"ID": "7"}]}, "result_error": [], "result_total": [],
                                    "result_next": [], "result_time": []}, "time": {}})
    clock = FakeClock()
    async with _client(scripted.url, clock) as client:
        outcomes = await run_commands(client, {f"c{i}": ("user.get", {"FILTER": {"ID": i}}) for i in range(50)})
    assert all(o.ok for o in outcomes.values())
    assert outcomes["c7"].attempts == 2 and outcomes["c0"].attempts == 1
    assert [list(body["cmd"]) for _, body in scripted.requests] == [[f"c{i}" for i in range(50)], ["c7"]]


async def test_batch_engine_reports_permanent_command_errors(scripted: Scripted) -> None:
    from shared.bitrix24.batching import run_commands

    denied = {"error": "ACCESS_DENIED", "error_description": "Access denied!"}
    scripted.queue(200, {"result": {"result": {"a": []}, "result_error": {"b": denied}, "result_total": [],
                                    "result_next": [], "result_time": []}, "time": {}})
    async with _client(scripted.url) as client:
        outcomes = await run_commands(client, {"a": ("user.get", {}), "b": ("crm.type.list", {})})
    assert outcomes["a"].ok and isinstance(outcomes["b"].error, AccessDenied)
    assert len(scripted.requests) == 1


async def test_a_failed_command_in_a_keyset_chain_loses_nothing(scripted: Scripted) -> None:
    """B3: one command of a 50-page chain fails; the pages before it are kept and the read continues after them."""
    from urllib.parse import parse_qsl

    from shared.bitrix24.keyset import fetch_keyset_chunk
    from shared.families import get_family

    total = 400

    def chain_answer(cmd: dict[str, str], fail_key: str | None) -> dict[str, Any]:
        results: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        after = 0
        for index, (key, command) in enumerate(cmd.items()):
            query = dict(parse_qsl(command.partition("?")[2]))
            value = query.get("FILTER[>ID]", "0")
            after = int(value) if value.isdigit() else after  # a reference continues after the previous page
            if key == fail_key:
                errors[key] = {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
                break  # halt=1
            rows = [{"ID": str(i)} for i in range(after + 1, min(after + 50, total) + 1)]
            results[key] = rows
            after = int(rows[-1]["ID"]) if rows else after
            if len(rows) < 50 or index == len(cmd) - 1:
                break
        return {"result": {"result": results, "result_error": errors or [], "result_total": [],
                           "result_next": [], "result_time": []}, "time": {}}

    async def feed(max_pages: int, after: int) -> Any:
        async with _client(scripted.url) as client:
            return await fetch_keyset_chunk(client, get_family("users"), after, max_pages=max_pages)

    # first chunk: req_3 fails, so pages 0..2 (150 users) come back and the chunk is not done
    from shared.bitrix24.encoding import batch_command
    from shared.bitrix24.keyset import chain_commands

    first_cmd = {k: batch_command(m, p) for k, (m, p) in chain_commands(get_family("users"), 0, 10).items()}
    scripted.queue(200, chain_answer(first_cmd, "req_3"))
    chunk = await feed(10, 0)
    assert (len(chunk.records), chunk.last_id, chunk.done) == (150, 150, False)
    second_cmd = {k: batch_command(m, p) for k, (m, p) in chain_commands(get_family("users"), 150, 10).items()}
    scripted.queue(200, chain_answer(second_cmd, None))
    rest = await feed(10, 150)
    ids = [int(r["ID"]) for r in chunk.records + rest.records]
    assert ids == list(range(1, total + 1)) and rest.done
    assert scripted.requests[0][1]["halt"] == 1
