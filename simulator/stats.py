"""Counters behind `GET /_sim/stats` and the audit of every write call the portal received.

HTTP requests, calls and simulated operating seconds per method (batch commands count under their own method), every
error answered by code, write calls, injected faults.  The write audit keeps method names and parameter keys only, so
that it can prove no write reached a source portal without storing record contents twice.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class Stats:
    """Mutable counters of one portal."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.calls: dict[str, int] = defaultdict(int)
        self.operating: dict[str, float] = defaultdict(float)
        self.errors: dict[str, int] = defaultdict(int)
        self.writes = 0
        self.faults_injected = 0
        self.downloads = 0
        self.audit: list[dict[str, Any]] = []

    def record_call(self, method: str, operating_s: float) -> None:
        self.calls[method] += 1
        self.operating[method] += operating_s

    def record_error(self, code: str) -> None:
        self.errors[code or "(empty)"] += 1

    def record_write(self, method: str, params: dict[str, Any], accepted: bool, at: float) -> None:
        self.writes += 1
        self.audit.append({"method": method, "keys": sorted(params), "accepted": accepted, "at": at})

    def snapshot(self) -> dict[str, Any]:
        methods = sorted(set(self.calls) | set(self.operating))
        return {
            "requests": self.requests,
            "by_method": {
                name: {"calls": self.calls.get(name, 0), "operating_s": round(self.operating.get(name, 0.0), 6)}
                for name in methods
            },
            "errors": dict(self.errors),
            "writes": self.writes,
            "faults_injected": self.faults_injected,
            "downloads": self.downloads,
        }
