"""Fixtures for the simulator's integration tests: a real simulator on a free loopback port and a client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from simulator.app import create_app
from simulator.settings import SimSettings

Factory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def sim() -> AsyncIterator[Factory]:
    """`await sim(**settings)` starts a simulator on 127.0.0.1:<free port> and returns a client bound to it."""
    clients: list[TestClient[Any, Any]] = []

    async def start(**kwargs: Any) -> TestClient[Any, Any]:
        client: TestClient[Any, Any] = TestClient(TestServer(create_app(SimSettings(**kwargs)), host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()
