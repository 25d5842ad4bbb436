"""Serving an aiohttp app from the CLI: bind on loopback, announce the real port, run until SIGTERM/SIGINT.

The simulator, the gateway and the local host all print one ``listening on http://<host>:<port>`` line (flushed)
once they accept connections, so the demo and the tests can start them with ``--port 0`` or a chosen port alike.
A busy port is a one-line error, never a traceback.
"""

from __future__ import annotations

import asyncio
import signal
import socket

from aiohttp import web


async def wait_for_stop_signal() -> None:
    """Return once the process receives SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def serve_app(app: web.Application, host: str, port: int, name: str) -> None:
    """Serve ``app`` on ``host:port`` (0 picks a free port) until a stop signal.

    Raises:
        SystemExit: the address cannot be bound (message names the server and the reason).
    """
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    # bind the socket ourselves so port 0 resolves to the real port before we announce it
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        await runner.cleanup()
        raise SystemExit(f"{name}: cannot listen on {host}:{port}: {exc.strerror}") from None
    site = web.SockSite(runner, sock)
    await site.start()
    print(f"listening on http://{host}:{sock.getsockname()[1]}", flush=True)
    try:
        await wait_for_stop_signal()
    finally:
        await runner.cleanup()
