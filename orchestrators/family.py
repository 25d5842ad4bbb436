"""``family_orchestrator``: moves one family — extract → transform → load, step by step along the id cursor.

Each step is one source ``batch`` request (up to 2,500 records), parked in Blob; the transform and the load work
from the blob names. Counters and the cursor travel in the input across ``continue_as_new``, so a long family
keeps a small history and its counters never go backwards. The throttle entity gives the load batch size and
any cool-down, which is waited out with a durable timer (free while it sleeps).
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df
from shared.contracts import (
    EXTRACT_PAGES,
    LOAD_BATCH,
    THROTTLE_ENTITY,
    TRANSFORM_RECORDS,
    ExtractInput,
    ExtractOutput,
    FamilyInput,
    LoadInput,
    LoadOutput,
    ThrottleReport,
    ThrottleState,
    TransformInput,
    TransformOutput,
)

bp = df.Blueprint()

RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=2_000, max_number_of_attempts=5)


class FamilyFailed(Exception):
    """A permanent source failure (auth, scope) stops the family and, with it, the run."""


def _run(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    inp = FamilyInput.model_validate(context.get_input())
    counters = inp.counters.model_copy(update={"state": "running"})
    cursor, step = inp.cursor, inp.step
    throttle_id = df.EntityId(THROTTLE_ENTITY, inp.run_id)
    for _ in range(inp.steps_per_generation):
        remaining = None if inp.test_limit is None else max(inp.test_limit - counters.extracted, 0)
        ext = ExtractOutput.model_validate(
            (yield context.call_activity_with_retry(
                EXTRACT_PAGES, RETRY,
                ExtractInput(run_id=inp.run_id, family=inp.family, cursor=cursor, step=step,
                             since=inp.since, max_records=remaining).model_dump(mode="json"),
            ))
        )
        if ext.error:
            raise FamilyFailed(f"{inp.family}: {ext.error}")
        counters = counters.plus(extracted=ext.count, http_requests=ext.http_requests,
                                 children_extracted=ext.children, dead_lettered=ext.unreadable_parents)
        if ext.raw_blob:
            counters = yield from _transform_and_load(context, inp, ext.raw_blob, throttle_id, counters)
        cursor, step = ext.cursor, step + 1
        done = ext.done or (inp.test_limit is not None and counters.extracted >= inp.test_limit)
        if done:
            final = counters.model_copy(update={"state": "done"})
            context.set_custom_status({"family": inp.family, **final.model_dump(mode="json")})
            return final.model_dump(mode="json")
        context.set_custom_status({"family": inp.family, **counters.model_dump(mode="json")})
    context.continue_as_new(
        inp.model_copy(update={"cursor": cursor, "step": step, "counters": counters}).model_dump(mode="json")
    )
    return counters.model_dump(mode="json")


def _transform_and_load(
    context: df.DurableOrchestrationContext,
    inp: FamilyInput,
    raw_blob: str,
    throttle_id: df.EntityId,
    counters: Any,
) -> Generator[Any, Any, Any]:
    tr = TransformOutput.model_validate(
        (yield context.call_activity_with_retry(
            TRANSFORM_RECORDS, RETRY,
            TransformInput(run_id=inp.run_id, family=inp.family, raw_blob=raw_blob).model_dump(mode="json"),
        ))
    )
    counters = counters.plus(dead_lettered=tr.dead_lettered, failed=tr.dead_lettered, unreadable=tr.unreadable)
    if not tr.canonical_blob:
        return counters
    throttle = ThrottleState.model_validate((yield context.call_entity(throttle_id, "get")))
    if throttle.cooldown_s > 0:
        yield context.create_timer(context.current_utc_datetime + timedelta(seconds=throttle.cooldown_s))
    ld = LoadOutput.model_validate(
        (yield context.call_activity_with_retry(
            LOAD_BATCH, RETRY,
            LoadInput(run_id=inp.run_id, family=inp.family, canonical_blob=tr.canonical_blob,
                      batch_size=throttle.batch_size).model_dump(mode="json"),
        ))
    )
    context.signal_entity(
        throttle_id, "report",
        ThrottleReport(family=inp.family, throttled=ld.throttled, items=tr.count).model_dump(mode="json"),
    )
    return counters.plus(
        imported=ld.imported, skipped=ld.skipped, failed=ld.failed, duplicate=ld.duplicate,
        updated=ld.updated, dead_lettered=ld.dead_lettered, children_imported=ld.children_imported,
        children_duplicate=ld.children_duplicate,
    )


@bp.orchestration_trigger(context_name="context")
def family_orchestrator(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    """Registered shell; the workflow is ``_run``."""
    return (yield from _run(context))
