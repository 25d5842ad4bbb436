"""Fixtures: a target portal on loopback (the fake or the simulator) and a gateway in front of it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gateway.app import create_app
from gateway.settings import GatewaySettings

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import CODE, IMPORT_CODE, FakePortal

GatewayFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def fake_portal() -> AsyncIterator[tuple[FakePortal, str]]:
    portal = FakePortal()
    server = TestServer(portal.app, host="127.0.0.1", port=0)
    await server.start_server()
    yield portal, str(server.make_url(f"/rest/1/{CODE}/"))
    await server.close()


@pytest.fixture
async def make_gateway(tmp_path: Path) -> AsyncIterator[GatewayFactory]:
    clients: list[TestClient[Any, Any]] = []

    async def factory(target_url: str, **overrides: Any) -> TestClient[Any, Any]:
        settings = GatewaySettings(
            db_path=overrides.pop("db_path", tmp_path / "ledger.sqlite"),
            target_webhook_url=target_url,
            import_codes=overrides.pop("import_codes", [IMPORT_CODE]),
            **overrides,
        )
        client = TestClient(TestServer(create_app(settings), host="127.0.0.1", port=0))
        await client.start_server()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


SIM_CODE = "target-sim-code"


@pytest.fixture
async def target_sim() -> AsyncIterator[tuple[str, str]]:
    """A target-mode simulator on loopback: ``(webhook base URL, control base URL)``."""
    sim_app = pytest.importorskip("simulator.app")
    sim_settings = pytest.importorskip("simulator.settings")
    settings = sim_settings.SimSettings(mode="target", webhook_user_id=1, webhook_code=SIM_CODE)
    server = TestServer(sim_app.create_app(settings), host="127.0.0.1", port=0)
    await server.start_server()
    yield str(server.make_url(f"/rest/1/{SIM_CODE}/")), str(server.make_url("/"))
    await server.close()
