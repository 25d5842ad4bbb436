"""``load_batch``: canonical page blob → import gateway in batches; ids to the id map, failures to dead letters."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from shared.contracts import LoadInput, LoadOutput
from shared.gateway_client import GatewayResult
from shared.services.nested import nested_count
from shared.services.runtime import get_runtime
from shared.transforms import IMPORT_METHODS, MAX_BATCH

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def load_batch(payload: dict[str, Any]) -> dict[str, Any]:
    """Post the page in gateway batches of the throttle's size (capped at the method's maximum)."""
    inp = LoadInput.model_validate(payload)
    runtime = get_runtime()
    method = IMPORT_METHODS[inp.family]
    size = max(1, min(inp.batch_size, MAX_BATCH.get(method, 50)))
    items: list[dict[str, Any]] = await runtime.storage.get_json(inp.canonical_blob)
    total = GatewayResult()
    for start in range(0, len(items), size):
        result = await runtime.gateway.send(
            method, items[start : start + size], scope=f"{inp.run_id}/{inp.canonical_blob}/{start}",
            test_limit=inp.test_limit,
        )
        await runtime.storage.record_ids(inp.family, result.ids, inp.run_id)
        total.merge(result)
    nested = {item["sourceId"]: nested_count(inp.family, item) for item in items}
    dead = await runtime.storage.dead_letter(inp.run_id, inp.family, total.failed) if total.failed else 0
    return LoadOutput(
        imported=total.imported,
        skipped=total.skipped,
        failed=len(total.failed),
        duplicate=len(total.duplicate),
        updated=len(total.updated),
        dead_lettered=dead,
        throttled=total.throttled,
        children_imported=sum(nested.get(sid, 0) for sid in total.written()),
        children_duplicate=sum(nested.get(sid, 0) for sid in total.duplicate),
    ).model_dump(mode="json")
