"""Driving runs through the function app's HTTP API: start, watch, status, terminate, rewind, validate.

These commands talk to the same routes on Azure and on the local host (``--host``, default the
``B24_HOST_URL`` environment variable or ``http://127.0.0.1:7071``), so an operator's muscle memory carries over.
Errors from the API are printed as they came, with a non-zero exit status.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from cli.http import request_json

console = Console(stderr=True)
TERMINAL = ("Completed", "Failed", "Terminated", "Canceled")
MGMT = "runtime/webhooks/durabletask/instances"


def _host(host: str | None) -> str:
    return (host or os.environ.get("B24_HOST_URL") or "http://127.0.0.1:7071").rstrip("/")


def _print(body: Any) -> None:
    print(json.dumps(body, ensure_ascii=False, indent=2) if not isinstance(body, str) else body)


def start(
    phase: str = typer.Argument(..., help="all, users, groups, chats, feed, tasks, crm, workflows or delta"),
    test_limit: int | None = typer.Option(None, help="Migrate at most N records per family."),
    since: str | None = typer.Option(None, help="Delta runs: only records changed after this ISO time."),
    host: str | None = typer.Option(None, help="Function app base URL."),
) -> None:
    """Start a migration phase; prints the check-status payload."""
    body: dict[str, Any] = {}
    if test_limit is not None:
        body["test_limit"] = test_limit
    if since:
        body["since"] = since
    status, payload = request_json("POST", f"{_host(host)}/api/migrations/{phase}", body)
    _print(payload)
    raise typer.Exit(0 if status == 202 else 1)


def status(instance_id: str, host: str | None = typer.Option(None, help="Function app base URL.")) -> None:
    """Print a run's progress document."""
    code, payload = request_json("GET", f"{_host(host)}/api/migrations/{instance_id}")
    _print(payload)
    raise typer.Exit(0 if code == 200 else 1)


def watch(instance_id: str, host: str | None = typer.Option(None, help="Function app base URL."),
          interval: float = typer.Option(1.0, help="Seconds between polls.")) -> None:
    """Follow a run until it ends, one line per family and poll."""
    while True:
        code, payload = request_json("GET", f"{_host(host)}/api/migrations/{instance_id}")
        if code != 200 or not isinstance(payload, dict):
            _print(payload)
            raise typer.Exit(1)
        for family, c in (payload.get("families") or {}).items():
            console.print(f"{family:<20} {c.get('state', ''):<14} extracted {c.get('extracted', 0):>8} "
                          f"imported {c.get('imported', 0):>8} duplicate {c.get('duplicate', 0):>8} "
                          f"failed {c.get('failed', 0):>6}")
        if payload.get("runtimeStatus") in TERMINAL:
            console.print(f"run {instance_id}: {payload['runtimeStatus']}")
            raise typer.Exit(0 if payload["runtimeStatus"] == "Completed" else 1)
        time.sleep(interval)


def _manage(instance_id: str, action: str, reason: str, host: str | None) -> None:
    code, payload = request_json("POST", f"{_host(host)}/{MGMT}/{instance_id}/{action}?reason={reason}")
    if payload:
        _print(payload)
    console.print(f"{action} {instance_id}: HTTP {code}")
    raise typer.Exit(0 if code in (200, 202) else 1)


def terminate(instance_id: str, reason: str = typer.Option("operator", help="Why."),
              host: str | None = typer.Option(None, help="Function app base URL.")) -> None:
    """Terminate a running instance."""
    _manage(instance_id, "terminate", reason, host)


def rewind(instance_id: str, reason: str = typer.Option("operator", help="Why."),
           host: str | None = typer.Option(None, help="Function app base URL.")) -> None:
    """Rewind a failed instance: its failed work runs again, completed work is kept."""
    _manage(instance_id, "rewind", reason, host)


def validate(
    run: str = typer.Option(..., help="The run (instance id) to validate."),
    out: Path = typer.Option(Path("out/validate"), help="Where report.json and report.html go."),
    host: str | None = typer.Option(None, help="Function app base URL."),
) -> None:
    """Compare source and target for a finished run and write the report (needs the B24_* settings)."""
    from shared.config import get_settings
    from shared.report import build_report, render_html

    code, state = request_json("GET", f"{_host(host)}/api/migrations/{run}")
    if code != 200 or not isinstance(state, dict):
        _print(state)
        raise typer.Exit(1)
    families = {f: c for f, c in (state.get("families") or {}).items() if c.get("state") != "not_supported"}
    settings = get_settings()
    if settings.source_webhook_url is None or settings.target_read_webhook_url is None:
        console.print("set B24_SOURCE_WEBHOOK_URL and B24_TARGET_READ_WEBHOOK_URL to validate")
        raise typer.Exit(2)
    counts, samples = asyncio.run(_counts(settings.source_webhook_url.get_secret_value(),
                                          settings.target_read_webhook_url.get_secret_value(), sorted(families)))
    report = build_report(run_id=run, duration_s=0.0, counts=counts, run_families=families, source_stats={},
                          samples=samples)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (out / "report.html").write_text(render_html(report))
    _print(report["acceptance"])
    raise typer.Exit(0 if report["acceptance"]["passed"] else 1)


async def _counts(source_url: str, target_url: str, families: list[str]) -> tuple[
        dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    from shared.bitrix24.client import Bitrix24Client
    from shared.validation import count_family, sample_users

    async with Bitrix24Client(source_url) as source, Bitrix24Client(target_url, limits="off") as target:
        counts = {f: (await count_family(source, f), await count_family(target, f)) for f in families}
        samples = {"users": await sample_users(source, target)} if "users" in families else {}
    return counts, samples
