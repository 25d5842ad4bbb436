"""Timer triggers fire on their schedule and on demand, with a TimerRequest and the client binding."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from durable_local.discovery import FunctionSpec
from durable_local.triggers import TimerTriggers


async def test_every_second_schedule_fires_and_passes_bindings() -> None:
    seen: list[tuple[bool, str]] = []

    async def tick(timer: Any, client: str) -> None:
        seen.append((timer.past_due, client))

    spec = FunctionSpec(name="tick", kind="timerTrigger", handler=tick, trigger_param="timer",
                        client_params=("client",), schedule="* * * * * *")
    with ThreadPoolExecutor(max_workers=1) as pool:
        triggers = TimerTriggers({"tick": spec}, lambda: '{"binding": 1}', pool)
        triggers.start()
        try:
            for _ in range(300):
                if seen:
                    break
                await asyncio.sleep(0.01)
        finally:
            await triggers.stop()
    assert seen[0] == (False, '{"binding": 1}')
    assert triggers.runs["tick"] >= 1


async def test_bad_schedule_is_skipped_and_sync_timer_runs_on_demand() -> None:
    calls: list[str] = []
    spec = FunctionSpec(name="sync_tick", kind="timerTrigger", handler=lambda timer: calls.append("ran"),
                        trigger_param="timer", schedule="not a schedule")
    with ThreadPoolExecutor(max_workers=1) as pool:
        triggers = TimerTriggers({"sync_tick": spec}, lambda: "{}", pool)
        triggers.start()
        await triggers.fire("sync_tick")
        await triggers.stop()
    assert calls == ["ran"]
    assert "sync_tick" not in triggers.next_due
