"""Schemathesis against ``/openapi.json``: no 5xx and no response outside the documented schema, every method.

The gateway and its target portal (the target-mode simulator when present, else the recording portal) run in
a background thread on loopback; the examples per operation are bounded to keep the suite fast.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis import checks

from gateway.app import create_app
from gateway.methods import METHODS
from gateway.openapi import build_openapi
from gateway.settings import GatewaySettings

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import CODE, IMPORT_CODE, FakePortal

EXAMPLES = 12
schema = schemathesis.openapi.from_dict(build_openapi(METHODS))


class _Stack:
    """A target portal plus a gateway, served from their own event loop thread."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.base = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _target_app(self) -> tuple[web.Application, str]:
        try:
            from simulator.app import create_app as sim_app
            from simulator.settings import SimSettings
        except ImportError:
            return FakePortal().app, f"/rest/1/{CODE}/"
        return sim_app(SimSettings(mode="target", webhook_user_id=1, webhook_code=CODE)), f"/rest/1/{CODE}/"

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        target_app, prefix = self._target_app()
        target = web.AppRunner(target_app, access_log=None)
        await target.setup()
        site = web.TCPSite(target, "127.0.0.1", 0)
        await site.start()
        host, port = target.addresses[0][:2]
        gw_settings = GatewaySettings(db_path=self.db, target_webhook_url=f"http://{host}:{port}{prefix}",
                                      import_codes=[IMPORT_CODE], rate_limits=False)
        gateway = web.AppRunner(create_app(gw_settings), access_log=None)
        await gateway.setup()
        await web.TCPSite(gateway, "127.0.0.1", 0).start()
        ghost, gport = gateway.addresses[0][:2]
        self.base = f"http://{ghost}:{gport}"
        self._ready.set()
        await self._stop.wait()
        await gateway.cleanup()
        await target.cleanup()

    def _run(self) -> None:
        self._loop.run_until_complete(self._serve())

    def __enter__(self) -> _Stack:
        self._thread.start()
        assert self._ready.wait(15), "gateway stack did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Stack]:
    with _Stack(tmp_path_factory.mktemp("fuzz") / "ledger.sqlite") as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_5xx_and_schema_conformant(case: Any, stack: _Stack, http: requests.Session) -> None:
    if case.path_parameters is not None and "import_code" in case.path_parameters:
        # mostly valid credentials, so the fuzzer reaches the import path and not only the 403
        case.path_parameters = {"import_user_id": 1, "import_code": IMPORT_CODE}
    case.call_and_validate(base_url=stack.base, session=http, checks=CHECKS)


def test_openapi_is_served(stack: _Stack, http: requests.Session) -> None:
    doc = http.get(stack.base + "/openapi.json", timeout=10).json()
    assert set(METHODS) <= {p.rsplit("/", 1)[-1] for p in doc["paths"]}
    users = doc["paths"]["/webhook/{import_user_id}/{import_code}/import.users.batch"]["post"]
    assert {"200", "400", "403", "409", "413", "429"} <= set(users["responses"])
