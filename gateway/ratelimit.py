"""Per-method request rates (the plan's "req/min" column), answered with 429 and ``Retry-After``.

A token bucket per method holding one minute's allowance and refilling continuously, so a client may send the
minute's quota in a burst but never more than the rate over any minute. The clock is injected for tests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimiter:
    """Token buckets keyed by method name."""

    def __init__(self, per_minute: dict[str, int], clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = {m: max(1, n) for m, n in per_minute.items()}
        self._clock = clock
        self._tokens: dict[str, float] = {m: float(n) for m, n in self._rate.items()}
        self._stamp: dict[str, float] = {m: clock() for m in self._rate}

    def acquire(self, method: str) -> float:
        """Take one request's token: 0 when allowed, else the seconds to wait before retrying."""
        per_min = self._rate.get(method)
        if per_min is None:
            return 0.0
        now = self._clock()
        per_s = per_min / 60.0
        tokens = min(float(per_min), self._tokens[method] + (now - self._stamp[method]) * per_s)
        self._stamp[method] = now
        if tokens >= 1.0:
            self._tokens[method] = tokens - 1.0
            return 0.0
        self._tokens[method] = tokens
        return (1.0 - tokens) / per_s


def retry_after_header(wait_s: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait_s)))
