"""The gateway client against a scripted loopback server: retries, Retry-After, refusals, idempotency keys."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from shared.gateway_client import GatewayClient, GatewayRejected, GatewayUnavailable, idempotency_key

CODE = "SuperSecretImportCode42"
OK = {"imported": 1, "skipped": 0, "failed": [], "duplicate": [], "ids": {"cloud:user:1": 7}, "updated": [],
      "skipped_items": []}


class Script:
    def __init__(self, answers: list[tuple[int, dict[str, str], object]]) -> None:
        self.answers = answers
        self.keys: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.keys.append(request.headers.get("X-Idempotency-Key", ""))
        status, headers, body = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return web.Response(status=status, headers=headers, text=json.dumps(body))


@pytest.fixture
async def served() -> AsyncIterator[tuple[Script, str, aiohttp.ClientSession]]:
    script = Script([])
    app = web.Application()
    app.router.add_post("/webhook/1/{code}/{method}", script.handle)
    async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as session:
        yield script, f"http://127.0.0.1:{server.port}/webhook/1/{CODE}/", session


async def test_retry_after_is_honoured_then_success(served: tuple[Script, str, aiohttp.ClientSession]) -> None:
    script, base, session = served
    script.answers = [(429, {"Retry-After": "0"}, {"error": "rate"}), (200, {}, OK)]
    result = await GatewayClient(SecretStr(base), session).send("import.users.batch", [{"sourceId": "x"}], scope="s")
    assert result.imported == 1 and result.ids == {"cloud:user:1": 7} and result.throttled == 1
    assert len(set(script.keys)) == 1  # the retry carried the same idempotency key


async def test_refusal_is_permanent_and_hides_the_code(served: tuple[Script, str, aiohttp.ClientSession]) -> None:
    script, base, session = served
    script.answers = [(403, {}, {"error": "forbidden"})]
    with pytest.raises(GatewayRejected) as info:
        await GatewayClient(SecretStr(base), session).send("import.users.batch", [], scope="s")
    assert "403" in str(info.value) and CODE not in str(info.value) and "/webhook/1/***/" in str(info.value)


async def test_server_errors_exhaust_retries(served: tuple[Script, str, aiohttp.ClientSession],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import shared.gateway_client as module

    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr(module.asyncio, "sleep", no_sleep)
    script, base, session = served
    script.answers = [(503, {}, {"error": "down"})]
    with pytest.raises(GatewayUnavailable) as info:
        await GatewayClient(SecretStr(base), session).send("import.users.batch", [], scope="s")
    assert "HTTP 503" in str(info.value) and CODE not in str(info.value)
    assert len(script.keys) == 6


def test_idempotency_key_depends_on_scope_method_and_body() -> None:
    key = idempotency_key("run-1/p/0", "import.users.batch", b"[]")
    assert key == idempotency_key("run-1/p/0", "import.users.batch", b"[]")
    assert key != idempotency_key("run-2/p/0", "import.users.batch", b"[]")
    assert key != idempotency_key("run-1/p/0", "import.users.batch", b"[1]")


def test_results_merge_and_name_what_was_written() -> None:
    from shared.gateway_client import GatewayResult

    total, first, second = GatewayResult(), GatewayResult(), GatewayResult()
    first.add({"imported": 2, "ids": {"a": 1, "b": 2}, "updated": ["b"]})
    second.add({"imported": 0, "skipped": 1, "ids": {"c": 3, "d": 4}, "duplicate": ["c"],
                "skipped_items": [{"sourceId": "d", "reason": "unchanged"}]})
    second.throttled = 1
    total.merge(first)
    total.merge(second)
    assert (total.imported, total.skipped, total.throttled) == (2, 1, 1)
    assert total.duplicate == ["c"] and total.updated == ["b"]
    assert total.written() == {"a", "b"}
