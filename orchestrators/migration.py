"""``migration_orchestrator``: walks the families in dependency order, one sub-orchestration each.

Sub-orchestrations get deterministic ids (``<run>:<family>``), so a rerun or a rewind resumes a family instead of
starting a second copy. A pre-flight read fails the run at once on a wrong or revoked source webhook.
Families whose transform is not built yet are reported as ``not_supported`` rather than silently skipped.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
from shared.contracts import (
    CHECK_SOURCE,
    FAMILY_ORCHESTRATOR,
    NESTED_FAMILIES,
    PHASES,
    RECORD_WATERMARK,
    VALIDATION_ORCHESTRATOR,
    FamilyCounters,
    FamilyInput,
    MigrationInput,
    SourceCheck,
    ValidationInput,
)
from shared.transforms import TRANSFORMS

bp = df.Blueprint()


class MigrationFailed(Exception):
    """Raised inside the orchestrator so the instance ends ``Failed`` with a readable output."""


def families_of(inp: MigrationInput) -> list[str]:
    """The families a run covers, in dependency order."""
    if inp.families:
        order = [f for phase in PHASES.values() for f in phase]
        # a nested child family (group members) travels with its parent, so it is always reported with it
        wanted = set(inp.families) | {child for parent, child in NESTED_FAMILIES.items() if parent in inp.families}
        return [f for f in order if f in wanted]
    if inp.phase in ("all", "delta", "validate"):
        return [f for phase in PHASES.values() for f in phase]
    return list(PHASES.get(inp.phase, ()))


def _run(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    inp = MigrationInput.model_validate(context.get_input())
    started = context.current_utc_datetime
    families = families_of(inp)
    children = {child: parent for parent, child in NESTED_FAMILIES.items()}
    summary: dict[str, Any] = {
        f: FamilyCounters(
            state="pending" if f in TRANSFORMS or children.get(f) in TRANSFORMS else "not_supported"
        ).model_dump(mode="json")
        for f in families
    }
    context.set_custom_status({"phase": inp.phase, "current": "preflight", "families": summary})
    check = SourceCheck.model_validate((yield context.call_activity(CHECK_SOURCE, {})))
    if not check.ok:
        raise MigrationFailed(f"source portal check failed: {check.error}")
    for family in families if inp.phase != "validate" else []:
        if family not in TRANSFORMS:
            continue
        context.set_custom_status({"phase": inp.phase, "current": family, "families": summary})
        child = FamilyInput(
            run_id=inp.run_id, family=family, test_limit=inp.test_limit, since=inp.since,
            steps_per_generation=inp.steps_per_generation,
        )
        summary[family] = yield context.call_sub_orchestrator(
            FAMILY_ORCHESTRATOR, child.model_dump(mode="json"), f"{inp.run_id}:{family}"
        )
        nested = NESTED_FAMILIES.get(family)
        if nested in summary:
            summary[nested] = FamilyCounters.model_validate(summary[family]).nested().model_dump(mode="json")
    if inp.started_at and inp.phase in ("all", "delta") and not inp.families and inp.test_limit is None:
        # only a complete run moves the watermark, and only after every family succeeded
        yield context.call_activity(RECORD_WATERMARK, {"since": inp.started_at})
    report: dict[str, Any] | None = None
    if inp.test_limit is None:
        # a partial (test_limit) run cannot match the source's counts, so only complete runs are validated
        context.set_custom_status({"phase": inp.phase, "current": "validation", "families": summary})
        migrated = {f: c for f, c in summary.items() if c.get("state") != "not_supported"}
        report = yield context.call_sub_orchestrator(
            VALIDATION_ORCHESTRATOR,
            ValidationInput(
                run_id=inp.run_id, families=list(migrated),
                counters=migrated if inp.phase != "validate" else {},
                duration_s=(context.current_utc_datetime - started).total_seconds(),
            ).model_dump(mode="json"),
            f"{inp.run_id}:validation",
        )
    context.set_custom_status({"phase": inp.phase, "current": "done", "families": summary})
    return {"run_id": inp.run_id, "phase": inp.phase, "families": summary, "report": report}


@bp.orchestration_trigger(context_name="context")
def migration_orchestrator(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    """Registered shell; the workflow is ``_run``."""
    return (yield from _run(context))
