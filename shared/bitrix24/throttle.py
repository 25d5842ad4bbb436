"""Client-side limiting for one portal: a leaky bucket charged on send and a per-method operating budget.

The cloud portal counts every HTTP request (a ``batch`` is one) in a leaky bucket of ``burst`` that drains
``drain_per_s`` per second, and answers 503 ``QUERY_LIMIT_EXCEEDED`` above it; separately it sums the
server time of each method over a sliding 10-minute window and answers 429 ``OPERATION_TIME_LIMIT`` above
its budget (bitrix24-api.md §6). ``LeakyBucket`` charges a request *before* it is sent, with a small
safety margin on both the burst and the drain rate, so that concurrent callers never overflow the portal.
``OperatingBudget`` learns each method's usage from the ``time`` blocks the portal returns and from our
own per-command measurements, and makes callers of a nearly exhausted method wait until the portal's
``operating_reset_at``. All waiting goes through an injected ``Clock``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.clock import Clock
from shared.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class LimitProfile:
    """The limits of one Bitrix24 plan.

    Attributes:
        name: ``standard``, ``enterprise``, ``box`` or ``off``.
        burst: requests the bucket holds before the portal blocks (``None``: no bucket).
        drain_per_s: requests per second the bucket drains.
        operating_limit_s: per-method server seconds per window (``None``: no budget).
        window_s: the sliding window of the operating budget.
    """

    name: str
    burst: int | None
    drain_per_s: float
    operating_limit_s: float | None
    window_s: float = 600.0


PROFILES: dict[str, LimitProfile] = {
    "standard": LimitProfile("standard", burst=50, drain_per_s=2.0, operating_limit_s=480.0),
    "enterprise": LimitProfile("enterprise", burst=250, drain_per_s=5.0, operating_limit_s=480.0),
    # an on-prem box has the limiter off by default (bitrix24-api.md §6)
    "box": LimitProfile("box", burst=None, drain_per_s=0.0, operating_limit_s=None),
    "off": LimitProfile("off", burst=None, drain_per_s=0.0, operating_limit_s=None),
}


def limit_profile(name: str) -> LimitProfile:
    """Look up a profile by name.

    Raises:
        ConfigurationError: for an unknown name.
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigurationError(f"unknown limits profile {name!r}; expected one of {', '.join(PROFILES)}") from None


class LeakyBucket:
    """A leaky bucket charged on send, shared by every coroutine that talks to one portal.

    Args:
        burst: the portal's bucket size ``X``.
        drain_per_s: the portal's drain rate ``Y``.
        clock: the time source.
        burst_margin: requests kept free below ``burst`` (clock skew, other clients of the portal).
        drain_factor: fraction of ``drain_per_s`` we assume, so our estimate never drains faster than the portal.
    """

    def __init__(
        self,
        burst: int,
        drain_per_s: float,
        clock: Clock,
        *,
        burst_margin: int = 2,
        drain_factor: float = 0.95,
    ) -> None:
        if burst <= burst_margin or drain_per_s <= 0:
            raise ConfigurationError("the bucket needs burst > margin and a positive drain rate")
        self.capacity = float(burst - burst_margin)
        self.drain_per_s = drain_per_s * drain_factor
        self._clock = clock
        self._level = 0.0
        self._stamp = clock.monotonic()
        self._lock = asyncio.Lock()
        self.waited_s = 0.0
        """Total seconds callers spent waiting for the bucket."""

    def _drain(self) -> None:
        now = self._clock.monotonic()
        self._level = max(0.0, self._level - (now - self._stamp) * self.drain_per_s)
        self._stamp = now

    @property
    def level(self) -> float:
        """The estimated number of requests currently in the portal's bucket."""
        self._drain()
        return self._level

    def delay(self) -> float:
        """Seconds until one more request fits (0 when it fits now)."""
        self._drain()
        excess = self._level + 1.0 - self.capacity
        return excess / self.drain_per_s if excess > 0 else 0.0

    async def acquire(self) -> float:
        """Wait until one request fits, then charge it. Callers are served in arrival order.

        Returns:
            The seconds this caller waited.
        """
        async with self._lock:
            waited = 0.0
            while (wait := self.delay()) > 0:
                await self._clock.sleep(wait)
                waited += wait
            self._level += 1.0
            self.waited_s += waited
            return waited

    def saturate(self) -> None:
        """The portal said the bucket is full (503): assume it is, so the next sends pace themselves."""
        self._drain()
        self._level = max(self._level, self.capacity)


class _MethodUsage:
    """What we know about one method's operating time in the current window."""

    def __init__(self) -> None:
        self.reported_s = 0.0
        self.reported_at = 0.0
        self.unblock_at: float | None = None
        self.own: deque[tuple[float, float]] = deque()
        self.blocks = 0
        """Consecutive 429s without a successful call in between."""


class OperatingBudget:
    """Per-method operating-time accounting with a safety margin.

    Usage is the larger of what the portal last reported for the method (``time.operating``, valid for the
    window it describes) and the sum of our own measurements in the window (per-command ``processing`` from
    batch results, for methods the portal does not report separately). When usage reaches
    ``limit * (1 - safety_margin)``, callers of that method wait until the portal's ``operating_reset_at``
    (or until our oldest measurement leaves the window).

    Args:
        limit_s: the per-method budget in seconds per window.
        clock: the time source.
        window_s: the sliding window length.
        safety_margin: fraction of the budget kept in reserve.
    """

    def __init__(self, limit_s: float, clock: Clock, *, window_s: float = 600.0, safety_margin: float = 0.1) -> None:
        self.limit_s = limit_s
        self.window_s = window_s
        self.threshold_s = limit_s * (1.0 - safety_margin)
        self._clock = clock
        self._usage: dict[str, _MethodUsage] = {}
        self.waited_s = 0.0
        """Total seconds callers spent waiting for a method's budget."""

    def _get(self, method: str) -> _MethodUsage:
        return self._usage.setdefault(method.lower(), _MethodUsage())

    def observe(self, method: str, time_block: Mapping[str, Any] | None) -> None:
        """Record a response's ``time`` block for ``method`` (the whole call's method)."""
        if not time_block:
            return
        usage = self._get(method)
        now = self._clock.monotonic()
        operating = time_block.get("operating")
        if isinstance(operating, int | float):
            usage.reported_s = float(operating)
            usage.reported_at = now
        reset_at = time_block.get("operating_reset_at")
        server_now = time_block.get("finish", time_block.get("start"))
        if isinstance(reset_at, int | float) and isinstance(server_now, int | float):
            # convert the portal's unix deadline into our monotonic clock via the portal's own "now",
            # so a skewed (or simulated) server clock does not distort the wait
            usage.unblock_at = now + max(0.0, float(reset_at) - float(server_now))

    def record(self, method: str, seconds: float) -> None:
        """Add our own measurement of ``seconds`` of server time spent in ``method``."""
        if seconds > 0:
            self._get(method).own.append((self._clock.monotonic(), seconds))

    def used(self, method: str) -> float:
        """The best estimate of the method's operating seconds in the current window."""
        usage = self._get(method)
        now = self._clock.monotonic()
        while usage.own and usage.own[0][0] <= now - self.window_s:
            usage.own.popleft()
        own = sum(seconds for _, seconds in usage.own)
        reported = usage.reported_s if now - usage.reported_at < self.window_s else 0.0
        return max(own, reported)

    def delay(self, method: str) -> float:
        """Seconds the next call of ``method`` should wait (0 when the budget allows it now)."""
        if self.used(method) < self.threshold_s:
            return 0.0
        usage = self._get(method)
        now = self._clock.monotonic()
        if usage.unblock_at is not None and usage.unblock_at > now:
            return usage.unblock_at - now
        if usage.own:
            return max(0.0, usage.own[0][0] + self.window_s - now)
        # reported usage without a reset time: one window-minute is the portal's granularity
        return self.window_s / 10

    async def wait(self, method: str) -> float:
        """Sleep until ``method`` has budget again. Returns the seconds waited."""
        wait = self.delay(method)
        if wait > 0:
            await self._clock.sleep(wait)
            self.waited_s += wait
            # the window has moved: forget the stale report so we do not wait twice for it
            usage = self._get(method)
            usage.reported_s = 0.0
            usage.unblock_at = None
        return wait

    def blocked(self, method: str, time_block: Mapping[str, Any] | None) -> float:
        """The portal answered 429 for ``method``: the seconds to wait before retrying it.

        Uses the error's own ``time`` block when it carries ``operating_reset_at``, else the last one seen
        for the method. Without either (a 429 on a command inside a ``batch`` carries no ``time``), it waits
        one window-minute, doubling on each consecutive block up to the whole window, so the wait always
        ends after the portal's oldest minute bucket has dropped out.
        """
        self.observe(method, time_block)
        usage = self._get(method)
        usage.blocks += 1
        now = self._clock.monotonic()
        if usage.unblock_at is not None and usage.unblock_at > now:
            return usage.unblock_at - now
        return float(min(self.window_s, self.window_s / 10 * 2.0 ** (usage.blocks - 1)))

    def succeeded(self, method: str) -> None:
        """A call of ``method`` went through: reset its consecutive-block count."""
        usage = self._usage.get(method.lower())
        if usage is not None:
            usage.blocks = 0

    async def wait_out_block(self, method: str, time_block: Mapping[str, Any] | None) -> float:
        """Sleep through a 429 block of ``method`` and forget the spent window. Returns the seconds waited."""
        wait = self.blocked(method, time_block)
        await self._clock.sleep(wait)
        self.waited_s += wait
        usage = self._get(method)
        usage.reported_s = 0.0
        usage.unblock_at = None
        usage.own.clear()
        return wait

    def snapshot(self) -> dict[str, float]:
        """Estimated operating seconds per method (for stats and reports)."""
        return {method: round(self.used(method), 3) for method in self._usage}
