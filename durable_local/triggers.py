"""Timer triggers: fire each ``@app.timer_trigger`` on its NCRONTAB schedule, or on demand.

Invocation mirrors the Functions host: the function gets a ``func.TimerRequest`` under its trigger
parameter and, for ``durable_client_input`` parameters, the client binding JSON. Schedules run in
real (wall-clock) time; ``POST /admin/functions/<name>`` triggers one immediately, like the
Functions host's admin API.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import inspect
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from azure.functions.timer import TimerRequest

from durable_local.discovery import FunctionSpec, with_context
from durable_local.ncrontab import Schedule

log = logging.getLogger(__name__)


async def invoke_timer(spec: FunctionSpec, client_binding: str, executor: Executor, past_due: bool = False) -> Any:
    """Run one timer function once."""
    kwargs: dict[str, Any] = {spec.trigger_param: TimerRequest(past_due=past_due)}
    for name in spec.client_params:
        kwargs[name] = client_binding
    with_context(spec, kwargs)
    if inspect.iscoroutinefunction(spec.handler):
        return await spec.handler(**kwargs)
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(executor, functools.partial(spec.handler, **kwargs))
    return await result if inspect.isawaitable(result) else result


class TimerTriggers:
    """One asyncio task per timer function, sleeping until its next occurrence."""

    def __init__(self, specs: dict[str, FunctionSpec], binding: Callable[[], str], executor: Executor) -> None:
        self.specs = specs
        self.binding = binding
        self.executor = executor
        self.runs: dict[str, int] = {}
        self.next_due: dict[str, dt.datetime] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start the schedule loops (a bad schedule is logged and skipped, not fatal)."""
        for spec in self.specs.values():
            try:
                schedule = Schedule.parse(spec.schedule or "")
            except ValueError as exc:
                log.warning("timer trigger %s is not scheduled: %s", spec.name, exc)
                continue
            self._tasks.append(asyncio.create_task(self._loop(spec, schedule), name=f"timer:{spec.name}"))

    async def stop(self) -> None:
        """Cancel the schedule loops."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def fire(self, name: str, past_due: bool = False) -> None:
        """Invoke the timer function ``name`` now; failures are logged as the Functions host does."""
        spec = self.specs[name]
        self.runs[name] = self.runs.get(name, 0) + 1
        try:
            await invoke_timer(spec, self.binding(), self.executor, past_due)
        except Exception:
            log.exception("timer function %s failed", name)

    async def _loop(self, spec: FunctionSpec, schedule: Schedule) -> None:
        if spec.run_on_startup:
            await self.fire(spec.name)
        while True:
            now = dt.datetime.now(dt.UTC)
            due = schedule.next_after(now)
            self.next_due[spec.name] = due
            await asyncio.sleep((due - now).total_seconds())
            await self.fire(spec.name)
