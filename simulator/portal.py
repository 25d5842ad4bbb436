"""The simulated portal: its records, clock, limits, counters, and the one place where a method call is executed.

`Portal.call` is shared by the HTTP route and by `batch`: method lookup (case-insensitive), scope and permission
checks, the operating-time limit, the handler itself, then charging the cost and counting the call.  The HTTP layer
adds what only whole requests have: authentication, the leaky bucket, faults and the envelope.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from simulator import errors, filters
from simulator.clock import Clock
from simulator.faults import Faults
from simulator.limits import Limiter
from simulator.registry import Call, Method, Reply, lookup
from simulator.settings import SimSettings
from simulator.stats import Stats
from simulator.table import Table

_log = logging.getLogger("simulator")

# canonical family names (contracts.md §2) and the id key of each family's records
FAMILIES: dict[str, str | None] = {
    "users": "ID",
    "groups": "ID",
    "group_members": None,
    "chats": "id",
    "chat_messages": "id",
    "feed_posts": "ID",
    "feed_comments": "id",
    "feed_images": "ID",
    "tasks": "ID",
    "task_comments": "ID",
    "crm_companies": "ID",
    "crm_contacts": "ID",
    "crm_deals": "ID",
    "crm_sp_items": "id",
    "workflow_templates": "ID",
}


def parse_offset(text: str) -> timezone:
    """`"+03:00"` → a fixed-offset time zone."""
    sign = -1 if text.startswith("-") else 1
    hours, _, minutes = text.lstrip("+-").partition(":")
    return timezone(sign * timedelta(hours=int(hours or 0), minutes=int(minutes or 0)))


class Portal:
    """All state of one simulated Bitrix24 portal."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.clock = Clock(settings.clock_speed)
        self.limiter = Limiter(settings.limits, self.clock, settings.operating_limit_s, settings.bucket)
        self.stats = Stats()
        self.faults = Faults(settings.faults, settings.seed)
        self.scopes = settings.granted_scopes()
        self.tz = parse_offset(settings.time_zone_offset)
        filters.NAIVE_ZONE[0] = self.tz
        self.tables: dict[str, Table] = {name: Table(id_field) for name, id_field in FAMILIES.items()}
        self.crm_types: list[dict[str, Any]] = []
        self.info: dict[str, Any] = {
            "time_zone_offset": settings.time_zone_offset,
            "plan": settings.limits if settings.limits in ("standard", "enterprise") else "standard",
            "admin_user_id": settings.webhook_user_id,
        }
        # a per-process secret that signs download links
        self._link_key = hashlib.sha256(f"{settings.seed}:{time.time_ns()}".encode()).digest()
        # chat ids per user, for `im.recent.list`; rebuilt lazily
        self.extra: dict[str, Any] = {}

    # --- data ---------------------------------------------------------------------------------------------------

    def table(self, family: str) -> Table:
        return self.tables[family]

    def counts(self) -> dict[str, int]:
        return {name: len(table) for name, table in self.tables.items()}

    def load(self, data: dict[str, Any]) -> None:
        """Load a fixture (contracts.md §3); unknown families are ignored, unknown fields kept."""
        if not isinstance(data, dict):
            raise ValueError("a fixture is one JSON object whose keys are family names")
        for name, rows in data.items():
            if name in self.tables and isinstance(rows, list):
                for row in rows:
                    self.tables[name].insert(dict(row))
        if isinstance(data.get("crm_types"), list):
            self.crm_types = [dict(t) for t in data["crm_types"]]
        if isinstance(data.get("portal"), dict):
            self.info.update(data["portal"])
            offset = self.info.get("time_zone_offset")
            if isinstance(offset, str):
                self.tz = parse_offset(offset)
                filters.NAIVE_ZONE[0] = self.tz

    def dump(self) -> dict[str, Any]:
        """The whole portal as a fixture."""
        data: dict[str, Any] = {name: list(table) for name, table in self.tables.items()}
        data["crm_types"] = list(self.crm_types)
        data["portal"] = dict(self.info)
        return data

    def is_admin(self, user_id: int) -> bool:
        if user_id == int(self.info.get("admin_user_id", self.settings.webhook_user_id)):
            return True
        user = self.tables["users"].get(user_id)
        return bool(user and user.get("IS_ADMIN"))

    # --- time ---------------------------------------------------------------------------------------------------

    def iso(self, unix: float) -> str:
        """A unix time as the portal prints it: ISO 8601 with the portal's offset."""
        return datetime.fromtimestamp(unix, self.tz).isoformat(timespec="seconds")

    def now_iso(self) -> str:
        return self.iso(self.clock.now())

    # --- signed links -------------------------------------------------------------------------------------------

    def sign(self, payload: str, expires: int) -> str:
        mac = hmac.new(self._link_key, f"{payload}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{payload}|{expires}|{mac}"

    def verify(self, token: str) -> str | None:
        """The payload of a valid, unexpired token, else None."""
        payload, _, rest = token.rpartition("|")
        payload, _, expires = payload.rpartition("|")
        if not payload or not expires.isdigit():
            return None
        expected = self.sign(payload, int(expires)).rpartition("|")[2]
        if not hmac.compare_digest(expected, rest) or int(expires) < self.clock.now():
            return None
        return payload

    # --- calls --------------------------------------------------------------------------------------------------

    def resolve(self, name: str) -> Method:
        found = lookup(name)
        if found is None:
            raise errors.method_not_found()
        if found.scopes and not (set(found.scopes) & self.scopes):
            raise errors.insufficient_scope()
        return found

    def call(self, name: str, params: dict[str, Any], in_batch: bool = False) -> tuple[Method, Reply]:
        """Execute one method call (top-level or a batch command); raises `RestError`."""
        found = self.resolve(name)
        if in_batch and not found.batchable:
            raise errors.batch_not_allowed()
        key = found.name
        self.stats.calls[key] += 0  # make the method visible in stats even when it fails
        if found.write:
            accepted = self.settings.mode == "target"
            self.stats.record_write(key, params, accepted, self.clock.now())
            if not accepted:
                self.stats.record_call(key, 0.0)
                raise errors.RestError("ACCESS_DENIED", "Write methods are not served by a source portal", 403)
        if found.admin and not self.is_admin(self.settings.webhook_user_id):
            self.stats.record_call(key, 0.0)
            raise errors.access_denied()
        try:
            self.limiter.check(key)
        except errors.RestError:
            self.stats.record_call(key, 0.0)
            raise
        call = Call(self, key, params, self.settings.webhook_user_id, in_batch)
        try:
            reply = found.handler(call)
        except errors.RestError:
            self.stats.record_call(key, 0.0)
            raise
        except Exception as exc:
            # malformed input must never become a 500 with a traceback: answer as the portal's argument check,
            # and keep the traceback in our own log so that a simulator bug stays visible
            _log.debug("method %s failed on its input", key, exc_info=True)
            self.stats.record_call(key, 0.0)
            raise errors.RestError("INVALID_ARG_VALUE", f"Invalid argument: {type(exc).__name__}", 400) from None
        self.limiter.charge(key, reply.cost_s)
        self.stats.record_call(key, reply.cost_s)
        return found, reply
