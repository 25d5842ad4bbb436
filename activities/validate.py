"""``validate_family`` and ``write_report``: count both portals, check links, write the report to Blob.

Both portals are read through the read-only client: the source with its webhook, the target with the optional
read webhook ``B24_TARGET_READ_WEBHOOK_URL``; without it the target side stays unknown and the report says so.
The report (docs/contracts.md §6) goes to ``reports/<run>/report.json`` and ``report.html``.
"""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from shared.contracts import FamilyCount, ReportInput
from shared.errors import MigrationError
from shared.report import build_report, render_html
from shared.services.runtime import get_runtime
from shared.validation import SAMPLED, check_references, count_family, sample_family

bp = df.Blueprint()


@bp.activity_trigger(input_name="payload")
async def validate_family(payload: dict[str, Any]) -> dict[str, Any]:
    """Count one family in the source and in the target."""
    family = str(payload["family"])
    runtime = get_runtime()
    try:
        source = await count_family(runtime.source, family)
        target = await count_family(runtime.target, family) if runtime.target is not None else None
    except MigrationError as exc:
        return FamilyCount(family=family, error=str(exc)).model_dump(mode="json")
    error = None if runtime.target is not None else "no target read webhook configured"
    return FamilyCount(family=family, source=source, target=target, error=error).model_dump(mode="json")


@bp.activity_trigger(input_name="payload")
async def write_report(payload: dict[str, Any]) -> dict[str, Any]:
    """Check references in the target, build the report and store it; returns the report."""
    inp = ReportInput.model_validate(payload)
    runtime = get_runtime()
    families = [c.family for c in inp.counts]
    references = (0, 0)
    samples: dict[str, tuple[int, int]] = {}
    if runtime.target is not None:
        references = await check_references(runtime.target, families)
        for family in families:
            if family in SAMPLED:
                samples[family] = await sample_family(runtime.source, runtime.target, family)
    counts = {c.family: (c.source or 0, c.target or 0) for c in inp.counts}
    media = counts.get("feed_images", (0, 0))
    stats = runtime.source.stats
    report = build_report(
        run_id=inp.run_id, duration_s=inp.duration_s, counts=counts, run_families=inp.counters,
        source_stats={"requests": stats.http_requests, "errors": dict(stats.errors), "writes": 0},
        references=references, media=media, samples=samples,
        extra={"uncounted": {c.family: c.error for c in inp.counts if c.error}},
    )
    if any(c.source is None or c.target is None for c in inp.counts):
        report["acceptance"]["counts_match"] = False
        report["acceptance"]["passed"] = False
    await runtime.storage.put_json(f"reports/{inp.run_id}/report.json", report)
    await runtime.storage.put_text(f"reports/{inp.run_id}/report.html", render_html(report))
    return report
