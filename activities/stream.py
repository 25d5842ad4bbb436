"""``extract_stream``: read a whole non-keyset family (chats, feed, children, smart processes) into raw blobs.

Families without a plain id cursor are read by the source client's family reader in one activity, cut into
raw pages of ``PAGE`` records (``raw/<run>/<family>/s<n>.json``); the orchestrator then transforms and loads
page by page. Feed images get their bytes attached here (a fresh ``DOWNLOAD_URL`` per image), because the
transform step does no I/O. Parents whose children could not be read go to dead letters with the reason.
"""

from __future__ import annotations

import base64
from typing import Any

import azure.durable_functions as df

from shared.bitrix24.export import ExportReport, stream_family
from shared.bitrix24.feed import download_object
from shared.contracts import ExtractStreamInput, ExtractStreamOutput
from shared.errors import MigrationError, Permanent
from shared.services.runtime import Runtime, get_runtime

bp = df.Blueprint()

PAGE = 2_500


async def _with_content(runtime: Runtime, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for record in records:
        try:
            record["CONTENT_B64"] = base64.b64encode(
                await download_object(runtime.source, record["OBJECT_ID"])
            ).decode("ascii")
        except MigrationError as exc:
            # the transform dead-letters an image without content, with this reason
            record["CONTENT_B64"] = ""
            record["_download_error"] = str(exc)
    return records


@bp.activity_trigger(input_name="payload")
async def extract_stream(payload: dict[str, Any]) -> dict[str, Any]:
    """Every record of the family (up to ``max_records``), parked in raw pages; returns the page names."""
    inp = ExtractStreamInput.model_validate(payload)
    runtime = get_runtime()
    report = ExportReport(inp.family)
    before = runtime.source.stats.http_requests
    blobs: list[str] = []
    pending: list[dict[str, Any]] = []
    count = 0

    async def flush() -> None:
        name = f"raw/{inp.run_id}/{inp.family}/s{len(blobs):06d}.json"
        await runtime.storage.put_json(name, pending)
        blobs.append(name)
        pending.clear()

    try:
        async for group in stream_family(runtime.source, inp.family, since=inp.since, report=report):
            if inp.max_records is not None:
                group = group[: max(inp.max_records - count, 0)]
            if inp.family == "feed_images":
                group = await _with_content(runtime, group)
            pending.extend(group)
            count += len(group)
            while len(pending) >= PAGE:
                rest = pending[PAGE:]
                del pending[PAGE:]
                await flush()
                pending.extend(rest)
            if inp.max_records is not None and count >= inp.max_records:
                break
        if pending:
            await flush()
    except Permanent as exc:
        return ExtractStreamOutput(raw_blobs=[], count=0, http_requests=0, error=str(exc)).model_dump(mode="json")
    failures = [{"sourceId": f"cloud:{inp.family}:parent:{f.parent_id}", "code": f.code, "reason": f.reason}
                for f in report.failures]
    dead = await runtime.storage.dead_letter(inp.run_id, inp.family, failures) if failures else 0
    return ExtractStreamOutput(
        raw_blobs=blobs, count=count, http_requests=runtime.source.stats.http_requests - before,
        unreadable_parents=dead, notes=report.notes,
    ).model_dump(mode="json")
