"""The worker's long-lived dependencies: settings, one HTTP session, the source client, gateway and storage.

Activities are thin adapters (style rule 5): they ask ``get_runtime()`` for these objects instead of building
clients per call, so connection pools and the source limiter are shared by every activity of the worker.
Async clients belong to an event loop, so there is one ``Runtime`` per running loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp

from shared.bitrix24.client import Bitrix24Client
from shared.config import Settings, get_settings
from shared.errors import ConfigurationError
from shared.gateway_client import GatewayClient
from shared.storage.connection import parse_connection
from shared.storage.services import StorageServices


@dataclass
class Runtime:
    """What activities need, created lazily on first use in a loop."""

    settings: Settings
    session: aiohttp.ClientSession
    storage: StorageServices
    _source: Bitrix24Client | None = field(default=None, repr=False)
    _gateway: GatewayClient | None = field(default=None, repr=False)
    _target: Bitrix24Client | None = field(default=None, repr=False)

    @property
    def source(self) -> Bitrix24Client:
        """The read-only client of the cloud portal."""
        if self._source is None:
            if self.settings.source_webhook_url is None:
                raise ConfigurationError("B24_SOURCE_WEBHOOK_URL is not set")
            self._source = Bitrix24Client(
                self.settings.source_webhook_url.get_secret_value(),
                session=self.session,
                limits=self.settings.limits,
            )
        return self._source

    @property
    def target(self) -> Bitrix24Client | None:
        """A read-only client of the on-prem portal for validation, when configured."""
        if self._target is None and self.settings.target_read_webhook_url is not None:
            self._target = Bitrix24Client(
                self.settings.target_read_webhook_url.get_secret_value(), session=self.session, limits="off"
            )
        return self._target

    @property
    def gateway(self) -> GatewayClient:
        """The import gateway client."""
        if self._gateway is None:
            if self.settings.gateway_url is None:
                raise ConfigurationError("B24_GATEWAY_URL is not set")
            self._gateway = GatewayClient(self.settings.gateway_url, self.session)
        return self._gateway


_RUNTIMES: dict[int, Runtime] = {}


def get_runtime() -> Runtime:
    """The runtime of the current event loop (created on first call)."""
    loop = asyncio.get_running_loop()
    runtime = _RUNTIMES.get(id(loop))
    if runtime is None:
        settings = get_settings()
        endpoints = parse_connection(
            settings.storage_connection.get_secret_value(), settings.storage_account_name
        )
        runtime = Runtime(
            settings=settings,
            session=aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)),
            storage=StorageServices(
                endpoints,
                container=settings.raw_container,
                table=settings.idmap_table,
                queue=settings.deadletter_queue,
            ),
        )
        _RUNTIMES[id(loop)] = runtime
    return runtime
