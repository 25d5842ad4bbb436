"""Helpers for running an app under the local host in pytest (``async with running_host(...)``).

``running_host`` starts a ``LocalDurableHost`` on a SQLite file, optionally serves it over loopback
HTTP on a free port, and on exit stops everything and closes the SDK client's module-level aiohttp
session (which belongs to the test's event loop and would otherwise leak into the next test).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from durable_local.host import LocalDurableHost
from durable_local.server import serve


async def close_sdk_session() -> None:
    """Close the ``DurableOrchestrationClient``'s shared aiohttp session, if one is open."""
    from azure.durable_functions.models.utils import http_utils

    await http_utils._close_session()


@asynccontextmanager
async def running_host(app: Any, db_path: Path, *, http: bool = False, fast_forward: bool = True,
                       strict: bool = True, **options: Any) -> AsyncIterator[LocalDurableHost]:
    """A started host for ``app``; with ``http=True`` also served (``host.base_url`` is its address).

    Defaults suit tests: timers fast-forward and a non-deterministic replay makes ``wait_for`` raise.
    Other keyword arguments go to ``LocalDurableHost`` (``host_json``, ``activity_overrides``, ...).
    """
    host = LocalDurableHost(app, db_path=db_path, fast_forward=fast_forward, strict=strict, **options)
    if http:
        runner = await serve(host, 0)
        try:
            yield host
        finally:
            await close_sdk_session()
            await runner.cleanup()
        return
    await host.start()
    try:
        yield host
    finally:
        await close_sdk_session()
        await host.stop()
