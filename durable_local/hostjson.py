"""The few host.json settings the local host honours.

``extensions.durableTask.maxConcurrentActivityFunctions`` / ``maxConcurrentOrchestratorFunctions``
cap concurrency as on Azure, ``extensions.durableTask.hubName`` names the task hub in client
bindings, and ``extensions.http.routePrefix`` (default ``api``) prefixes the app's HTTP routes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _default_activity_cap() -> int:
    # Azure's default on dedicated plans is 10 x processors
    return 10 * (os.cpu_count() or 1)


@dataclass(frozen=True)
class HostSettings:
    """Settings read from host.json (defaults when absent)."""

    max_activities: int = 0
    max_orchestrators: int = 0
    hub_name: str = "LocalHub"
    route_prefix: str = "api"

    @classmethod
    def load(cls, path: Path | None) -> HostSettings:
        """Read ``path`` if it exists; missing keys keep Azure's defaults."""
        data: dict[str, Any] = {}
        if path is not None and path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
        extensions = data.get("extensions") or {}
        durable = extensions.get("durableTask") or {}
        http = extensions.get("http") or {}
        return cls(
            max_activities=int(durable.get("maxConcurrentActivityFunctions") or _default_activity_cap()),
            max_orchestrators=int(durable.get("maxConcurrentOrchestratorFunctions") or _default_activity_cap()),
            hub_name=str(durable.get("hubName") or "LocalHub"),
            route_prefix=str(http.get("routePrefix", "api")).strip("/"),
        )
