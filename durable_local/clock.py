"""The host's clock: real UTC time plus an offset that a fast-forward jump can advance.

Durable timers fire in real time by default. With fast-forward on, the host jumps the offset to the
next timer whenever nothing else can run, so a one-hour timer costs nothing in a test while every
timestamp the orchestrator sees still moves forward consistently. ``stamp()`` hands out strictly
increasing timestamps, which replay needs (durable-local-host.md §2.5).
"""

from __future__ import annotations

import datetime as dt

from durable_local.wire import UTC, format_ts

_TICK = dt.timedelta(microseconds=1)


class HostClock:
    """Real time + jump offset, with strictly increasing history stamps."""

    def __init__(self) -> None:
        self._offset = dt.timedelta(0)
        self._last = dt.datetime.min.replace(tzinfo=UTC)

    def now(self) -> dt.datetime:
        """The host's current UTC time."""
        return dt.datetime.now(UTC) + self._offset

    def advance_to(self, when: dt.datetime) -> None:
        """Jump forward so that ``now() >= when`` (never backwards)."""
        gap = when - self.now()
        if gap > dt.timedelta(0):
            self._offset += gap

    def observe(self, stamp: dt.datetime) -> None:
        """Make later stamps exceed one already used (e.g. loaded from the database)."""
        if stamp > self._last:
            self._last = stamp
        self.advance_to(stamp)

    def stamp_dt(self) -> dt.datetime:
        """A strictly increasing current time."""
        now = self.now()
        self._last = now if now > self._last else self._last + _TICK
        return self._last

    def stamp(self) -> str:
        """``stamp_dt()`` rendered in the history format."""
        return format_ts(self.stamp_dt())
