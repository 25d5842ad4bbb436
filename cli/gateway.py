"""``b24migrate gateway serve``: run the on-prem import gateway on loopback until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from pathlib import Path
from typing import Annotated

import typer
from aiohttp import web

from gateway.app import create_app
from gateway.settings import GatewaySettings

app = typer.Typer(help="The on-prem import gateway (import.* webhook).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The on-prem import gateway (import.* webhook)."""


async def _serve(settings: GatewaySettings, host: str, port: int) -> None:
    runner = web.AppRunner(create_app(settings), access_log=None, handle_signals=False)
    await runner.setup()
    # bind the socket ourselves so port 0 resolves to the real port before we announce it
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        await runner.cleanup()
        raise SystemExit(f"gateway: cannot listen on {host}:{port}: {exc.strerror}") from None
    site = web.SockSite(runner, sock)
    await site.start()
    print(f"listening on http://{host}:{sock.getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1 (0 picks a free one).")],
    db: Annotated[Path, typer.Option(help="SQLite ledger file.")],
    target_webhook: Annotated[str, typer.Option(help="The on-prem portal's webhook base URL (secret).")],
    import_code: Annotated[str, typer.Option(help="Active import code(s), comma-separated (secret).")] = "",
    import_user_id: Annotated[int, typer.Option(help="The <import_user_id> path segment.")] = 1,
    codes_file: Annotated[
        Path | None, typer.Option(help="File of active codes, one per line, re-read on change (rotation).")
    ] = None,
    allow_ip: Annotated[str, typer.Option(help="Client CIDR allow-list, comma-separated.")] = "",
    no_rate_limits: Annotated[bool, typer.Option(help="Disable the per-method rate limits.")] = False,
    host: Annotated[str, typer.Option(help="Bind address; loopback unless deployed behind TLS.")] = "127.0.0.1",
    log_level: Annotated[str, typer.Option(help="Logging level of the structured access log.")] = "WARNING",
) -> None:
    """Serve ``POST /webhook/<import_user_id>/<import_code>/import.*``, ``/healthz`` and ``/openapi.json``."""
    codes = [c.strip() for c in import_code.split(",") if c.strip()]
    if not codes and codes_file is None:
        raise typer.BadParameter("give --import-code or --codes-file")
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = GatewaySettings(
        db_path=db,
        target_webhook_url=target_webhook,
        import_codes=codes,
        import_user_id=import_user_id,
        codes_file=codes_file,
        allowed_networks=[n.strip() for n in allow_ip.split(",") if n.strip()],
        rate_limits=not no_rate_limits,
    )
    asyncio.run(_serve(settings, host, port))
