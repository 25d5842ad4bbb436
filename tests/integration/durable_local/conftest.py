"""Fixtures for the durable_local tests: the test app, a host on a temporary SQLite file, and a server."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from durable_local.discovery import load_app
from durable_local.host import LocalDurableHost
from durable_local.server import serve

APP_DIR = Path(__file__).resolve().parents[2] / "durable_local_app"


@pytest.fixture
def app_dir() -> Path:
    return APP_DIR


@pytest.fixture
def test_app() -> Any:
    return load_app("dl_test_app:app", cwd=APP_DIR)


@pytest.fixture
def app_module(test_app: Any) -> Any:
    module = sys.modules["dl_test_app"]
    module.RUNS.clear()
    module.FLAKY_FAILS.clear()
    module.NONDETERMINISTIC_CALLS.clear()
    return module


@pytest.fixture
async def host(tmp_path: Path, test_app: Any, app_module: Any) -> AsyncIterator[LocalDurableHost]:
    instance = LocalDurableHost(test_app, db_path=tmp_path / "host.sqlite", host_json=APP_DIR / "host.json",
                                fast_forward=True)
    await instance.start()
    yield instance
    await instance.stop()


async def _close_sdk_session() -> None:
    # the SDK keeps one module-level aiohttp session; it belongs to this test's event loop
    from azure.durable_functions.models.utils import http_utils

    await http_utils._close_session()


@pytest.fixture
async def served(tmp_path: Path, test_app: Any, app_module: Any) -> AsyncIterator[LocalDurableHost]:
    instance = LocalDurableHost(test_app, db_path=tmp_path / "host.sqlite", host_json=APP_DIR / "host.json",
                                fast_forward=True)
    runner = await serve(instance, 0)
    yield instance
    await _close_sdk_session()
    await runner.cleanup()
