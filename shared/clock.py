"""Time enters ``shared/`` through the ``Clock`` protocol, so limiters and back-off are testable.

``SystemClock`` is the real thing. ``FakeClock`` advances only when asked or when someone sleeps on it,
which lets unit tests exercise a 10-minute operating window or a 30-second back-off in microseconds
(style rule 18).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What ``shared/`` may ask about time."""

    def now(self) -> datetime:
        """Current wall-clock time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for rates and timeouts)."""
        ...

    def time(self) -> float:
        """Current unix time in seconds (Bitrix24's ``operating_reset_at`` is unix time)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (non-positive values return at once)."""
        ...


class SystemClock:
    """The real clock: ``datetime.now(UTC)``, ``time.monotonic`` and ``asyncio.sleep``."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock:
    """A manual clock for tests: ``sleep`` advances time instantly and is recorded in ``sleeps``.

    Args:
        start: the initial wall-clock time (default 2026-01-01T00:00:00Z).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._elapsed = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    def time(self) -> float:
        return self._start.timestamp() + self._elapsed

    def advance(self, seconds: float) -> None:
        """Move time forward without sleeping."""
        self._elapsed += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        # still yield to the loop so concurrent tasks interleave as they would with a real sleep
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now().isoformat()})"
