"""``b24migrate gateway serve``: run the on-prem import gateway on loopback until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer

from cli.serving import serve_app
from gateway.app import create_app
from gateway.settings import GatewaySettings

app = typer.Typer(help="The on-prem import gateway (import.* webhook).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The on-prem import gateway (import.* webhook)."""


async def _serve(settings: GatewaySettings, host: str, port: int) -> None:
    await serve_app(create_app(settings), host, port, "gateway")


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
