"""``durable_local.testing.running_host`` works in-process and over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import azure.durable_functions as df

from durable_local.testing import running_host


async def test_running_host_in_process(tmp_path: Path, test_app: Any) -> None:
    async with running_host(test_app, tmp_path / "a.sqlite") as host:
        status = await host.wait_for(host.start_new("fan_out", json.dumps(4)))
    assert status["output"] == 12


async def test_running_host_over_http_with_sdk_client(tmp_path: Path, test_app: Any) -> None:
    async with running_host(test_app, tmp_path / "b.sqlite", http=True) as host:
        client = df.DurableOrchestrationClient(host.client_binding())
        iid = await client.start_new("child", None, {"name": "helper"})
        await host.wait_for(iid)
        status = await client.get_status(iid)
    assert status.output == {"greeting": "Hello helper", "parent": None}
