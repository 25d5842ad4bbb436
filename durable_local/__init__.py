"""The local Durable Functions host: runs a v2 ``function_app.py`` through the SDK's own replay, in SQLite.

Public entry points: ``LocalDurableHost`` (in-process API and pytest use), ``create_app``/``serve``
(the aiohttp server with the app's routes and the Durable management API), ``load_app``.
"""

from __future__ import annotations

from durable_local.discovery import load_app
from durable_local.errors import HostError, NonDeterminismError, RetryHangWarning
from durable_local.host import LocalDurableHost
from durable_local.server import create_app, serve

__all__ = ["HostError", "LocalDurableHost", "NonDeterminismError", "RetryHangWarning", "create_app", "load_app",
           "serve"]
