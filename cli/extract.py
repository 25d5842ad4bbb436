"""`b24migrate extract`: standalone fast export of one family to NDJSON (contracts.md §2).

Reads the family with the same reader the migration uses (keyset over parallel id ranges, chained
batches, the limiter charged on send) and writes one raw record per line, exactly as the portal returned
it. With `--json` the last line printed is `{"family", "records", "http_requests", "retries", "errors",
"wall_s"}`. The webhook URL is a secret: it is never printed, only its portal host.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.export import ExportReport, stream_family
from shared.errors import MigrationError
from shared.families import FAMILY_NAMES


async def run_extract(
    source: str,
    family: str,
    out: Path,
    *,
    limits: str = "standard",
    parallel: int = 4,
    max_pages: int = 50,
    since: str | None = None,
    task_chats: bool = False,
) -> dict[str, Any]:
    """Export ``family`` from the portal behind ``source`` into ``out``; returns the summary dict."""
    started = time.perf_counter()
    report = ExportReport(family)
    out.parent.mkdir(parents=True, exist_ok=True)
    async with Bitrix24Client(source, limits=limits) as client:
        with out.open("w", encoding="utf-8") as handle:
            async for group in stream_family(client, family, since=since, parallel=parallel, max_pages=max_pages,
                                             report=report, task_chats=task_chats):
                handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in group)
        stats = client.stats
    summary: dict[str, Any] = {
        "family": family,
        "records": report.records,
        "http_requests": stats.http_requests,
        "retries": stats.retries,
        "errors": dict(stats.errors),
        "wall_s": round(time.perf_counter() - started, 3),
    }
    if report.failures:
        # the codes say why; the first 100 parents are enough to act on
        summary["unreachable_count"] = len(report.failures)
        summary["unreachable"] = [{"parent_id": f.parent_id, "code": f.code} for f in report.failures[:100]]
    if report.notes:
        summary["notes"] = report.notes
    return summary


def extract(
    source: Annotated[str, typer.Option("--source", help="the portal's inbound webhook URL (secret)",
                                        envvar="B24_SOURCE_WEBHOOK_URL", show_envvar=False)],
    family: Annotated[str, typer.Option("--family", help=f"one of: {', '.join(FAMILY_NAMES)}")],
    out: Annotated[Path, typer.Option("--out", help="the NDJSON file to write")],
    json_: Annotated[bool, typer.Option("--json", help="print the summary JSON as the last line")] = False,
    limits: Annotated[str, typer.Option("--limits", help="standard, enterprise, box or off")] = "standard",
    parallel: Annotated[int, typer.Option("--parallel", min=1, max=16, help="id ranges read at once")] = 4,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, max=50, help="pages per batch request")] = 50,
    since: Annotated[str | None, typer.Option("--since", help="ISO time: read only records changed since")] = None,
    task_chats: Annotated[bool, typer.Option("--task-chats", help="task_comments: also read new-card task chats")
                          ] = False,
) -> None:
    """Export one family from a Bitrix24 portal to NDJSON (read-only)."""
    if family not in FAMILY_NAMES:
        raise typer.BadParameter(f"unknown family {family!r}; expected one of {', '.join(FAMILY_NAMES)}",
                                 param_hint="--family")
    try:
        summary = asyncio.run(run_extract(source, family, out, limits=limits, parallel=parallel,
                                          max_pages=max_pages, since=since, task_chats=task_chats))
    except MigrationError as exc:
        # the message is redacted by construction and names the portal, never the webhook code
        typer.echo(f"extract failed: {exc}", err=True)
        raise typer.Exit(1) from None
    if json_:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        typer.echo(f"{summary['records']} {family} records → {out} in {summary['wall_s']} s "
                   f"({summary['http_requests']} HTTP requests, {summary['retries']} retries)")
