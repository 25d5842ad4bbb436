"""The portal's clock: real time by default, or a faster simulated time so that tests cross a 10-minute window quickly.

Everything time-dependent in the simulator (leaky bucket, operating windows, link expiry, `time` blocks) reads this
clock, never `time.time()` directly.  `advance` jumps forward, which the control route `/_sim/clock` exposes.
"""

from __future__ import annotations

import time


class Clock:
    """Unix time that runs `speed` times faster than the wall clock, plus manual jumps."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._wall0 = time.time()
        self._mono0 = time.monotonic()
        self._jump = 0.0

    def now(self) -> float:
        return self._wall0 + (time.monotonic() - self._mono0) * self.speed + self._jump

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds`; returns the new time."""
        self._jump += max(seconds, 0.0)
        return self.now()
