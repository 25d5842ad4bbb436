"""``transform_records``: raw page blob → canonical page blob; unusable records go to dead letters."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from shared.contracts import TransformInput, TransformOutput
from shared.services.runtime import get_runtime
from shared.transforms import TRANSFORMS, TransformError
from shared.transforms.errors import UNREADABLE

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def transform_records(payload: dict[str, Any]) -> dict[str, Any]:
    """Map every raw record through the family's transform; write the good ones, dead-letter the rest."""
    inp = TransformInput.model_validate(payload)
    runtime = get_runtime()
    transform = TRANSFORMS[inp.family]
    raw: list[dict[str, Any]] = await runtime.storage.get_json(inp.raw_blob)
    good: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    for record in raw:
        try:
            good.append(transform(record).model_dump(mode="json"))
        except TransformError as exc:
            bad.append({"sourceId": exc.source_id, "code": exc.code, "reason": exc.reason})
    dead = await runtime.storage.dead_letter(inp.run_id, inp.family, bad) if bad else 0
    blob = None
    if good:
        blob = inp.raw_blob.replace("raw/", "canonical/", 1)
        await runtime.storage.put_json(blob, good)
    unreadable = sum(1 for b in bad if b["code"] == UNREADABLE)
    return TransformOutput(canonical_blob=blob, count=len(good), dead_lettered=dead,
                           unreadable=unreadable).model_dump(mode="json")
