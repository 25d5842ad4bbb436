"""``extract_pages`` and ``check_source``: read from the cloud portal, park raw pages in Blob, return names."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from shared.bitrix24.keyset import fetch_keyset_chunk
from shared.contracts import WATERMARK, ExtractInput, ExtractOutput, SourceCheck
from shared.errors import Permanent
from shared.families import get_family
from shared.services.nested import attach_children
from shared.services.runtime import get_runtime

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def check_source(payload: dict[str, Any]) -> dict[str, Any]:
    """Fail fast on a wrong webhook: one cheap read (``profile``) before any work starts."""
    runtime = get_runtime()
    try:
        await runtime.source.call("profile")
    except Permanent as exc:
        return SourceCheck(ok=False, error=str(exc)).model_dump(mode="json")
    return SourceCheck(ok=True).model_dump(mode="json")


@bp.activity_trigger(input_name="payload")
async def extract_pages(payload: dict[str, Any]) -> dict[str, Any]:
    """One ``batch`` request of chained keyset pages; the records go to ``raw/<run>/<family>/<step>.json``."""
    inp = ExtractInput.model_validate(payload)
    runtime = get_runtime()
    spec = get_family(inp.family)
    delta = {f">{spec.delta_field}": inp.since} if inp.since and spec.delta_field else None
    try:
        chunk = await fetch_keyset_chunk(
            runtime.source,
            spec,
            inp.after_id,
            max_pages=runtime.settings.pages_per_request,
            extra_filter=delta,
        )
    except Permanent as exc:
        return ExtractOutput(raw_blob=None, count=0, last_id=inp.after_id, done=True, http_requests=0,
                             error=str(exc)).model_dump(mode="json")
    records = chunk.records
    done = chunk.done
    if inp.max_records is not None and len(records) >= inp.max_records:
        records, done = records[: inp.max_records], True
    children, failures, child_requests = await attach_children(runtime.source, inp.family, records)
    if failures:
        await runtime.storage.dead_letter(inp.run_id, inp.family, failures)
    blob = None
    if records:
        blob = f"raw/{inp.run_id}/{inp.family}/{inp.step:06d}.json"
        await runtime.storage.put_json(blob, records)
    last_id = int(records[-1][spec.id_field]) if records else chunk.last_id
    return ExtractOutput(
        raw_blob=blob, count=len(records), last_id=max(last_id, inp.after_id), done=done,
        http_requests=chunk.http_requests + child_requests, children=children,
    ).model_dump(mode="json")


@bp.activity_trigger(input_name="payload")
async def record_watermark(payload: dict[str, Any]) -> dict[str, Any]:
    """Store the start time of a successful full or delta run as the next delta's ``since``."""
    since = str(payload["since"])
    await get_runtime().storage.set_watermark(WATERMARK, since)
    return {"since": since}
