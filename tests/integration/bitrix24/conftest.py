"""Fixtures of the client's integration tests: simulators on loopback with chosen settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

CODE = "keysetcode77"


class Sim:
    """A running simulator: its base URL, the webhook URL and control-route helpers."""

    def __init__(self, server: TestServer) -> None:
        self.base = f"http://127.0.0.1:{server.port}"
        self.webhook = f"{self.base}/rest/1/{CODE}/"

    async def get(self, route: str) -> Any:
        async with aiohttp.ClientSession() as session, session.get(self.base + route) as resp:
            return await resp.json()

    async def advance(self, seconds: float) -> None:
        async with aiohttp.ClientSession() as session:
            await session.post(self.base + "/_sim/clock", json={"advance": seconds})


SimFactory = Callable[..., Awaitable[Sim]]


@pytest.fixture
async def start_sim() -> AsyncIterator[SimFactory]:
    servers: list[TestServer] = []

    # imported here so the client's other tests run even where the simulator is absent
    simulator_app = pytest.importorskip("simulator.app")
    from simulator.settings import SimSettings

    async def start(**overrides: Any) -> Sim:
        settings = SimSettings(**{"profile": "tiny", "seed": 3, "webhook_code": CODE, **overrides})
        server = TestServer(simulator_app.create_app(settings), host="127.0.0.1", port=0)
        await server.start_server()
        servers.append(server)
        return Sim(server)

    yield start
    for server in servers:
        await server.close()


