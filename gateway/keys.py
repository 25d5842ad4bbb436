"""Typed keys of the gateway's application and request state."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from gateway.auth import CodeRegistry, IpAllowList
from gateway.importer import Importer
from gateway.locks import KeyLocks
from gateway.methods import MethodSpec
from gateway.ratelimit import RateLimiter
from gateway.settings import GatewaySettings

SETTINGS = web.AppKey("settings", GatewaySettings)
CODES = web.AppKey("codes", CodeRegistry)
IPS = web.AppKey("ips", IpAllowList)
LIMITER = web.AppKey("limiter", RateLimiter)
IMPORTER = web.AppKey("importer", Importer)
BATCH_LOCKS = web.AppKey("batch_locks", KeyLocks)
METHODS = web.AppKey("methods", dict[str, MethodSpec])
OPENAPI = web.AppKey("openapi", dict[str, Any])

ITEM_COUNT = web.RequestKey("item_count", int)
OUTCOME = web.RequestKey("outcome", dict[str, Any])
