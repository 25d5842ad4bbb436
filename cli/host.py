"""``b24migrate host serve``: run the local Durable host for a v2 function app until SIGTERM/SIGINT.

The app module is imported with the current working directory on ``sys.path`` (``--app MODULE:ATTR``,
default ``function_app:app``); instances that were running when the previous process stopped (or was
killed) resume from the SQLite database given by ``--db``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from pathlib import Path

import typer

from cli.serving import wait_for_stop_signal

app = typer.Typer(help="The local Durable Functions host (durable_local).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The local Durable Functions host (durable_local)."""


async def _serve(target: str, port: int, db: Path, host_json: Path | None, fast_forward: bool) -> None:
    from durable_local.discovery import load_app
    from durable_local.host import LocalDurableHost
    from durable_local.server import serve as start_server

    function_app = load_app(target)
    if host_json is None and Path("host.json").is_file():
        host_json = Path("host.json")
    host = LocalDurableHost(function_app, db_path=db, host_json=host_json, fast_forward=fast_forward,
                            timer_triggers=True)
    try:
        runner = await start_server(host, port)
    except OSError as exc:
        await host.stop()
        raise typer.Exit(_fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")) from exc
    print(f"listening on {host.base_url}", flush=True)
    try:
        await wait_for_stop_signal()
    finally:
        # close the SDK's keep-alive session first so the server has no open connection to wait for
        await _close_client_session()
        await runner.cleanup()
        _exit_if_threads_linger()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return 1


def _exit_if_threads_linger() -> None:
    # a sync activity still running in the thread pool would block interpreter exit; its work row
    # is still in the database, so it simply runs again on the next start (at-least-once)
    if threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


async def _close_client_session() -> None:
    # the SDK's DurableOrchestrationClient keeps one module-level session open to this server
    from azure.durable_functions.models.utils import http_utils

    await http_utils._close_session()


@app.command()
def serve(
    port: int = typer.Option(7071, "--port", help="Loopback port (0 picks a free one)."),
    target: str = typer.Option("function_app:app", "--app", help="The v2 app as MODULE:ATTR."),
    db: Path = typer.Option(Path("out/durable_local/host.sqlite"), "--db", help="SQLite state file."),
    host_json: Path | None = typer.Option(None, "--host-json", help="host.json (default: ./host.json)."),
    fast_forward: bool = typer.Option(False, "--fast-forward", help="Jump the clock to due durable timers."),
    log_level: str = typer.Option("WARNING", "--log-level", help="Python logging level."),
) -> None:
    """Serve the app's HTTP routes and the Durable management API on 127.0.0.1."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(target, port, db, host_json, fast_forward))
