"""`b24migrate sim serve`: run one simulated Bitrix24 portal on loopback until SIGTERM or SIGINT.

Prints exactly one line, `listening on http://127.0.0.1:<port>`, once the socket accepts connections, so that
scripts (the demo, tests) can wait for it.  `--port 0` picks a free port and prints it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import typer

from cli.serving import serve_app
from simulator.app import create_app
from simulator.settings import LIMIT_PLANS, PROFILES, SimSettings

app = typer.Typer(help="The Bitrix24 REST simulator.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The Bitrix24 REST simulator."""


def _webhook(value: str) -> tuple[int, str]:
    user_id, sep, code = value.partition("/")
    if not sep or not user_id.isdigit() or not code:
        raise typer.BadParameter("expected UID/CODE, e.g. 1/simcode")
    return int(user_id), code


async def _run(settings: SimSettings, port: int) -> None:
    await serve_app(create_app(settings), "127.0.0.1", port, "simulator")


@app.command()
def serve(
    port: int = typer.Option(..., "--port", help="TCP port on 127.0.0.1 (0 picks a free one)"),
    profile: str = typer.Option("tiny", "--profile", help=f"generated portal size: {', '.join(PROFILES)}"),
    fixture: Path | None = typer.Option(None, "--fixture", help="serve this fixture JSON instead of a profile"),
    seed: int = typer.Option(1, "--seed", help="generator and fault seed"),
    mode: str = typer.Option("source", "--mode", help="source (generated, read-only) or target (empty, writable)"),
    limits: str = typer.Option("off", "--limits", help=f"rate limits: {', '.join(LIMIT_PLANS)}"),
    faults: str = typer.Option("", "--faults", help="e.g. 503:0.05,500:0.01,timeout:0.01,reset:0.005"),
    webhook: str = typer.Option("1/simcode", "--webhook", help="webhook user id and code, UID/CODE"),
    scopes: str | None = typer.Option(None, "--scopes", help="comma-separated webhook scopes (default: all)"),
    clock_speed: float = typer.Option(1.0, "--clock-speed", help="simulated seconds per real second"),
) -> None:
    """Serve a simulated Bitrix24 portal on 127.0.0.1 until SIGTERM/SIGINT."""
    user_id, code = _webhook(webhook)
    if fixture is not None and not fixture.is_file():
        raise typer.BadParameter(f"fixture not found: {fixture}", param_hint="--fixture")
    try:
        settings = SimSettings(
            profile=profile,
            fixture=fixture,
            seed=seed,
            mode=mode,
            limits=limits,
            faults=faults,
            webhook_user_id=user_id,
            webhook_code=code,
            scopes=[s.strip() for s in scopes.split(",") if s.strip()] if scopes is not None else None,
            clock_speed=clock_speed,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        asyncio.run(_run(settings, port))
    except ValueError as exc:
        # a fixture that is not JSON, or not an object of families
        print(f"cannot load the portal: {exc}", file=sys.stderr, flush=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", file=sys.stderr, flush=True)
        raise typer.Exit(2) from None
