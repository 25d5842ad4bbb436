"""``delta_timer``: on the ``DELTA_SCHEDULE`` NCRONTAB, start a delta run as a singleton.

The delta run migrates what changed since the watermark (the start time of the last successful complete run).
It runs under one fixed instance id, so a tick that finds the previous delta still running does nothing; the
watermark moves only when a run succeeds (``record_watermark`` at the end of ``migration_orchestrator``).
"""

from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from shared.contracts import DELTA_INSTANCE_ID, MIGRATION_ORCHESTRATOR, WATERMARK
from shared.services.runtime import get_runtime
from starters.migrations import run_input

bp = df.Blueprint()
log = logging.getLogger(__name__)
ACTIVE = ("Running", "Pending", "ContinuedAsNew", "Suspended")


@bp.timer_trigger(schedule="%DELTA_SCHEDULE%", arg_name="timer", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def delta_timer(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    """Start the delta run unless one is running or no complete run has set a watermark yet."""
    existing = await client.get_status(DELTA_INSTANCE_ID)
    if existing and existing.runtime_status and existing.runtime_status.value in ACTIVE:
        log.info("delta run still %s; this tick does nothing", existing.runtime_status.value)
        return
    since = await get_runtime().storage.get_watermark(WATERMARK)
    if since is None:
        log.info("no complete migration has finished yet; the delta timer waits for one")
        return
    inp = run_input(DELTA_INSTANCE_ID, "delta", since=since)
    await client.start_new(MIGRATION_ORCHESTRATOR, DELTA_INSTANCE_ID, inp.model_dump(mode="json"))
    log.info("delta run started for changes since %s", since)
