"""`b24migrate extract` against a simulator on loopback: NDJSON out, the summary JSON last, no secret shown."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from aiohttp import web
from typer.testing import CliRunner

CODE = "clicode555"


@pytest.fixture
def sim_url() -> Iterator[str]:
    """A tiny simulator served from a background thread (the CLI runs its own event loop)."""
    simulator_app = pytest.importorskip("simulator.app")
    from simulator.settings import SimSettings

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, object] = {}

    async def start() -> None:
        runner = web.AppRunner(simulator_app.create_app(SimSettings(profile="tiny", seed=2, webhook_code=CODE)))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        state["port"] = runner.addresses[0][1]
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield f"http://127.0.0.1:{state['port']}"
    runner = state["runner"]
    assert isinstance(runner, web.AppRunner)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def _app() -> typer.Typer:
    from cli.main import app

    return app


def test_extract_writes_ndjson_and_prints_the_summary_last(sim_url: str, tmp_path: Path) -> None:
    out = tmp_path / "users.ndjson"
    result = CliRunner().invoke(_app(), ["extract", "--source", f"{sim_url}/rest/1/{CODE}/", "--family", "users",
                                         "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert set(summary) >= {"family", "records", "http_requests", "retries", "errors", "wall_s"}
    lines = out.read_text(encoding="utf-8").splitlines()
    assert summary["family"] == "users" and summary["records"] == len(lines) == 180
    ids = [int(json.loads(line)["ID"]) for line in lines]
    assert len(set(ids)) == len(ids)
    assert summary["http_requests"] <= 2 and summary["errors"] == {}
    assert CODE not in result.output


def test_wrong_code_fails_naming_the_portal_only(sim_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["extract", "--source", f"{sim_url}/rest/1/wrong-secret-1/", "--family",
                                         "users", "--out", str(tmp_path / "u.ndjson")])
    assert result.exit_code == 1
    assert "rejected the webhook (NO_AUTH_FOUND)" in result.output
    assert "wrong-secret-1" not in result.output


def test_unknown_family_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["extract", "--source", "https://p.bitrix24.ru/rest/1/abc/", "--family",
                                         "leads", "--out", str(tmp_path / "x.ndjson")])
    assert result.exit_code == 2
