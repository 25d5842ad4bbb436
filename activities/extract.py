"""``check_source``, ``extract_pages`` and ``record_watermark``: the activities that read the cloud portal.

``extract_pages`` runs one bounded, resumable step of the source reader (one chained keyset batch of up to
2,500 records, or the children of the next parents, or the next page of chats or posts), parks the raw records
in Blob (``raw/<run>/<family>/<step>.json``) and returns only the blob name, counts and the reader's cursor.
Workgroups get their members attached, feed images their bytes, because the transform does no I/O.
"""

from __future__ import annotations

import base64
from typing import Any

import azure.durable_functions as df

from shared.bitrix24.feed import download_objects
from shared.bitrix24.steps import fetch_step
from shared.contracts import WATERMARK, ExtractInput, ExtractOutput, SourceCheck
from shared.errors import Permanent
from shared.services.nested import attach_children
from shared.services.runtime import Runtime, get_runtime

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


async def _with_content(runtime: Runtime, records: list[dict[str, Any]]) -> None:
    contents = await download_objects(runtime.source, [r["OBJECT_ID"] for r in records])
    for record in records:
        content = contents.get(str(record["OBJECT_ID"]))
        if isinstance(content, bytes):
            record["CONTENT_B64"] = base64.b64encode(content).decode("ascii")
        else:
            # the transform dead-letters an image without content, with this reason
            record["CONTENT_B64"] = ""
            record["_download_error"] = str(content)


@bp.activity_trigger(input_name="payload")
async def extract_pages(payload: dict[str, Any]) -> dict[str, Any]:
    """One resumable step of the family's reader; the records go to Blob, the cursor back to the orchestrator."""
    inp = ExtractInput.model_validate(payload)
    runtime = get_runtime()
    try:
        step = await fetch_step(runtime.source, inp.family, inp.cursor, max_pages=runtime.settings.pages_per_request,
                                since=inp.since)
    except Permanent as exc:
        return ExtractOutput(raw_blob=None, count=0, cursor=inp.cursor, done=True, http_requests=0,
                             error=str(exc)).model_dump(mode="json")
    records, done = step.records, step.done
    if inp.max_records is not None and len(records) >= inp.max_records:
        records, done = records[: inp.max_records], True
    if inp.family == "feed_images":
        await _with_content(runtime, records)
    children, child_failures, child_requests = await attach_children(runtime.source, inp.family, records)
    failures = [{"sourceId": f"cloud:{inp.family}:parent:{f.parent_id}", "code": f.code, "reason": f.reason}
                for f in step.failures] + child_failures
    dead = await runtime.storage.dead_letter(inp.run_id, inp.family, failures) if failures else 0
    blob = None
    if records:
        blob = f"raw/{inp.run_id}/{inp.family}/{inp.step:06d}.json"
        await runtime.storage.put_json(blob, records)
    return ExtractOutput(
        raw_blob=blob, count=len(records), cursor=step.cursor, done=done,
        http_requests=step.http_requests + child_requests, unreadable_parents=dead, children=children,
    ).model_dump(mode="json")


@bp.activity_trigger(input_name="payload")
async def record_watermark(payload: dict[str, Any]) -> dict[str, Any]:
    """Store the start time of a successful full or delta run as the next delta's ``since``."""
    since = str(payload["since"])
    await get_runtime().storage.set_watermark(WATERMARK, since)
    return {"since": since}
