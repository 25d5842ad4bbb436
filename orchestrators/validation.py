"""``validation_orchestrator``: count every family on both sides at once, then write the report.

The counts fan out (one activity per family, all in flight together), the report is written by one activity;
the orchestrator returns the report itself (15 families of a dozen numbers: far below the payload limit).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
from shared.contracts import VALIDATE_FAMILY, WRITE_REPORT, FamilyCount, ReportInput, ValidationInput

bp = df.Blueprint()

RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=2_000, max_number_of_attempts=3)


def _run(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    inp = ValidationInput.model_validate(context.get_input())
    context.set_custom_status({"phase": "validate", "families": len(inp.families)})
    counted = yield context.task_all([
        context.call_activity_with_retry(VALIDATE_FAMILY, RETRY, {"family": family}) for family in inp.families
    ])
    counts = [FamilyCount.model_validate(c) for c in counted]
    report: dict[str, Any] = yield context.call_activity_with_retry(
        WRITE_REPORT, RETRY,
        ReportInput(run_id=inp.run_id, counts=counts, counters=inp.counters,
                    duration_s=inp.duration_s).model_dump(mode="json"),
    )
    return report


@bp.orchestration_trigger(context_name="context")
def validation_orchestrator(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    """Registered shell; the workflow is ``_run``."""
    return (yield from _run(context))
