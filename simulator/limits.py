"""The cloud portal's two limits: the leaky bucket on HTTP requests and the per-method operating-time window.

Plans: `standard` (burst 50, drain 2/s), `enterprise` (250, 5/s), `box` and `off` (no limits).  The bucket is charged on
arrival: a request that would push the level over the burst is answered 503 `QUERY_LIMIT_EXCEEDED` and not counted.
Operating time is the simulated server time of each method call, kept in ten one-minute buckets; when a method's sum
exceeds the budget its next call gets 429 `OPERATION_TIME_LIMIT` until the oldest bucket drops out.
"""

from __future__ import annotations

import math
from collections import defaultdict

from simulator import errors
from simulator.clock import Clock

PLANS: dict[str, tuple[float, float] | None] = {
    "standard": (50.0, 2.0),
    "enterprise": (250.0, 5.0),
    "box": None,
    "off": None,
}
WINDOW_MINUTES = 10


class Limiter:
    """Leaky bucket plus operating windows for one portal."""

    def __init__(
        self, plan: str, clock: Clock, operating_limit_s: float, bucket: tuple[float, float] | None = None
    ) -> None:
        self.plan = plan
        self.clock = clock
        self.bucket = bucket if bucket is not None else PLANS[plan]
        self.operating_enabled = plan in ("standard", "enterprise")
        self.operating_limit_s = operating_limit_s
        self._level = 0.0
        self._last = clock.now()
        self._windows: dict[str, dict[int, float]] = defaultdict(dict)

    def admit(self) -> None:
        """Charge one HTTP request to the bucket or raise `QUERY_LIMIT_EXCEEDED`."""
        if self.bucket is None:
            return
        burst, drain = self.bucket
        now = self.clock.now()
        self._level = max(0.0, self._level - (now - self._last) * drain)
        self._last = now
        if self._level + 1.0 > burst:
            raise errors.query_limit()
        self._level += 1.0

    def _window(self, method: str) -> dict[int, float]:
        minute = math.floor(self.clock.now() / 60.0)
        window = self._windows[method]
        for stale in [m for m in window if m <= minute - WINDOW_MINUTES]:
            del window[stale]
        return window

    def check(self, method: str) -> None:
        """Raise `OPERATION_TIME_LIMIT` when `method` has used up its budget."""
        if self.operating_enabled and sum(self._window(method).values()) > self.operating_limit_s:
            raise errors.operation_time_limit()

    def charge(self, method: str, seconds: float) -> None:
        if not self.operating_enabled:
            return
        minute = math.floor(self.clock.now() / 60.0)
        window = self._window(method)
        window[minute] = window.get(minute, 0.0) + seconds

    def operating(self, method: str) -> tuple[float, int] | None:
        """`(operating, operating_reset_at)` for the `time` block, or None when the limiter is off."""
        if not self.operating_enabled:
            return None
        window = self._window(method)
        if not window:
            return 0.0, int(self.clock.now())
        oldest = min(window)
        return round(sum(window.values()), 6), int((oldest + WINDOW_MINUTES) * 60)
