"""A plain ``func.FunctionApp`` (not ``df.DFApp``) runs through the host the same way."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import azure.functions as func

from durable_local.testing import running_host


def _build_app() -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.orchestration_trigger(context_name="context")  # type: ignore[untyped-decorator]
    def greet(context: Any) -> Generator[Any, Any, Any]:
        names = context.get_input()
        result = yield context.task_all([context.call_activity("shout", n) for n in names])
        return result

    @app.activity_trigger(input_name="name")  # type: ignore[untyped-decorator]
    def shout(name: str) -> str:
        return name.upper()

    return app


async def test_plain_function_app_is_discovered_and_runs(tmp_path: Path) -> None:
    async with running_host(_build_app(), tmp_path / "fa.sqlite") as host:
        assert set(host.registry.orchestrators) == {"greet"}
        assert set(host.registry.activities) == {"shout"}
        status = await host.wait_for(host.start_new("greet", json.dumps(["a", "b"])))
    assert status["output"] == ["A", "B"]
