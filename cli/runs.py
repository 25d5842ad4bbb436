"""Driving runs through the function app's HTTP API: start, watch, status, terminate, rewind, validate.

These commands talk to the same routes on Azure and on the local host (``--host``, default the
``B24_HOST_URL`` environment variable or ``http://127.0.0.1:7071``), so an operator's muscle memory carries over.
Errors from the API are printed as they came, with a non-zero exit status.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from cli.http import request_json
from cli.progress import follow

console = Console(stderr=True)
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
    """Follow a run until it ends, with a progress bar per family."""
    try:
        state = follow(_host(host), instance_id, console, interval_s=interval)
    except RuntimeError as exc:
        console.print(str(exc))
        raise typer.Exit(1) from None
    console.print(f"run {instance_id}: {state['runtimeStatus']}")
    raise typer.Exit(0 if state["runtimeStatus"] == "Completed" else 1)


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
    """Write the run's validation report; a run without one is validated now (phase ``validate``)."""
    from shared.report import render_html

    base = _host(host)
    code, state = request_json("GET", f"{base}/api/migrations/{run}")
    if code != 200 or not isinstance(state, dict):
        _print(state)
        raise typer.Exit(1)
    report = (state.get("output") or {}).get("report")
    if not isinstance(report, dict):
        code, started = request_json("POST", f"{base}/api/migrations/validate", {})
        if code != 202 or not isinstance(started, dict):
            _print(started)
            raise typer.Exit(1)
        done = follow(base, started["id"], console, label="validate ")
        report = (done.get("output") or {}).get("report")
        if not isinstance(report, dict):
            console.print(f"validation run {started['id']} ended {done.get('runtimeStatus')}: {done.get('error')}")
            raise typer.Exit(1)
        report["validated_run"] = run
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (out / "report.html").write_text(render_html(report))
    _print(report["acceptance"])
    raise typer.Exit(0 if report["acceptance"]["passed"] else 1)
