"""HTTP API of the function app (docs/contracts.md §5): start a phase, read a run's progress.

``POST /api/migrations/{phase}`` validates the body and starts ``migration_orchestrator``; the answer is the
standard Durable check-status payload (202). ``GET /api/migrations/{instance_id}`` folds the run's custom status,
each family's sub-orchestration status and the throttle entity into one progress document. Bad requests get a
JSON 400 or 404, never a traceback.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.config import get_settings
from shared.contracts import (
    MIGRATION_ORCHESTRATOR,
    NESTED_FAMILIES,
    PHASES,
    THROTTLE_ENTITY,
    FamilyCounters,
    MigrationInput,
)

bp = df.Blueprint()

FAMILIES = tuple(f for phase in PHASES.values() for f in phase)
STARTABLE_PHASES = ("all", *PHASES, "delta", "validate")


class StartBody(BaseModel):
    """Body of ``POST /api/migrations/{phase}``; every field optional."""

    model_config = ConfigDict(extra="forbid")

    test_limit: int | None = Field(default=None, ge=1)
    families: list[str] = Field(default_factory=list)
    since: str | None = None


def _json(status: int, body: Any) -> func.HttpResponse:
    return func.HttpResponse(json.dumps(body, ensure_ascii=False), status_code=status, mimetype="application/json")


def parse_start(phase: str, raw: bytes) -> MigrationInput | str:
    """Validate a start request; returns the orchestrator input or an error message."""
    if phase not in STARTABLE_PHASES:
        return f"unknown phase {phase!r}; expected one of {', '.join(STARTABLE_PHASES)}"
    try:
        body = StartBody.model_validate(json.loads(raw) if raw.strip() else {})
    except json.JSONDecodeError:
        return "body is not valid JSON"
    except ValidationError as exc:
        return "invalid body: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    unknown = sorted(set(body.families) - set(FAMILIES))
    if unknown:
        return f"unknown families: {', '.join(unknown)}"
    if phase == "delta" and not body.since:
        return "a delta run needs 'since' (ISO timestamp)"
    return run_input("run-" + uuid.uuid4().hex[:12], phase, families=body.families, test_limit=body.test_limit,
                     since=body.since)


def run_input(run_id: str, phase: str, **fields: Any) -> MigrationInput:
    """The orchestrator input of a new run: the clock and the settings are read here, never in the orchestrator."""
    return MigrationInput(
        run_id=run_id, phase=phase, steps_per_generation=get_settings().steps_per_generation,
        started_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **fields,
    )


@bp.route(route="migrations/{phase}", methods=["POST"])
@bp.durable_client_input(client_name="client")
async def start_migration(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Start one phase (or ``all``) of a migration."""
    parsed = parse_start(req.route_params.get("phase", ""), req.get_body() or b"")
    if isinstance(parsed, str):
        return _json(400, {"error": parsed})
    await client.start_new(MIGRATION_ORCHESTRATOR, parsed.run_id, parsed.model_dump(mode="json"))
    response: func.HttpResponse = client.create_check_status_response(req, parsed.run_id)
    return response


@bp.route(route="migrations/{instance_id}", methods=["GET"])
@bp.durable_client_input(client_name="client")
async def migration_status(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Progress of one run: state and counters per family, throttle state, ETA."""
    instance_id = req.route_params.get("instance_id", "")
    status = await client.get_status(instance_id, show_input=True)
    if not status or not getattr(status, "runtime_status", None):
        return _json(404, {"error": f"no migration {instance_id!r}"})
    custom = status.custom_status if isinstance(status.custom_status, dict) else {}
    output = status.output if isinstance(status.output, dict) else {}
    families: dict[str, Any] = dict(output.get("families") or custom.get("families") or {})
    for family, counters in list(families.items()):
        if isinstance(counters, dict) and counters.get("state") in ("pending", "running"):
            child = await client.get_status(f"{instance_id}:{family}")
            live = child.custom_status if child and isinstance(child.custom_status, dict) else None
            if live:
                counters = FamilyCounters.model_validate({k: v for k, v in live.items() if k != "family"})
                families[family] = counters.model_dump(mode="json")
                nested = NESTED_FAMILIES.get(family)
                if nested in families:
                    families[nested] = counters.nested().model_dump(mode="json")
    throttle = await client.read_entity_state(df.EntityId(THROTTLE_ENTITY, instance_id))
    runtime = status.runtime_status.value if status.runtime_status else "Unknown"
    body = {
        "instanceId": instance_id,
        "runtimeStatus": runtime,
        "phase": (status.input_ or {}).get("phase") if isinstance(status.input_, dict) else None,
        "families": families,
        "throttle": throttle.entity_state if throttle and throttle.entity_exists else {},
        "eta_s": 0.0 if runtime in ("Completed", "Failed", "Terminated") else None,
        "output": output if runtime == "Completed" else None,
        "error": status.output if runtime == "Failed" else None,
        "createdTime": _iso(status.created_time),
        "lastUpdatedTime": _iso(status.last_updated_time),
    }
    return _json(200, body)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None
