"""The gateway's aiohttp application factory: state behind typed keys, ledger and session in cleanup_ctx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from gateway import keys
from gateway.access_log import access_log
from gateway.auth import CodeRegistry, IpAllowList
from gateway.handlers import healthz, import_handler, openapi
from gateway.importer import Importer
from gateway.ledger import Ledger
from gateway.locks import KeyLocks
from gateway.methods import MethodSpec, build_methods
from gateway.openapi import build_openapi
from gateway.ratelimit import RateLimiter
from gateway.settings import GatewaySettings
from gateway.target import TargetPortal


def _limiter(settings: GatewaySettings, methods: dict[str, MethodSpec]) -> RateLimiter:
    if not settings.rate_limits:
        return RateLimiter({})
    rates = {name: spec.rate_per_min for name, spec in methods.items()}
    rates.update(settings.rate_overrides)
    return RateLimiter(rates)


async def _resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    ledger = Ledger(settings.db_path)
    connector = aiohttp.TCPConnector(limit=max(4, settings.sink_concurrency * 2))
    async with aiohttp.ClientSession(connector=connector) as session:
        portal = TargetPortal(
            session,
            settings.target_base(),
            use_batch=settings.sink_batch,
            concurrency=settings.sink_concurrency,
            timeout_s=settings.sink_timeout_s,
        )
        app[keys.IMPORTER] = Importer(ledger, portal)
        try:
            yield
        finally:
            ledger.close()


def create_app(settings: GatewaySettings) -> web.Application:
    """Build the gateway app; nothing touches disk or network until the app starts."""
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[access_log])
    app[keys.SETTINGS] = settings
    app[keys.CODES] = CodeRegistry(settings.import_user_id, list(settings.import_codes), settings.codes_file)
    app[keys.IPS] = IpAllowList(settings.allowed_networks)
    app[keys.METHODS] = build_methods(settings.media_folder_id, settings.media_max_bytes)
    app[keys.LIMITER] = _limiter(settings, app[keys.METHODS])
    app[keys.OPENAPI] = build_openapi(app[keys.METHODS])
    app[keys.BATCH_LOCKS] = KeyLocks()
    app.cleanup_ctx.append(_resources)
    app.router.add_post("/webhook/{uid}/{code}/{method}", import_handler)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/openapi.json", openapi)
    return app
