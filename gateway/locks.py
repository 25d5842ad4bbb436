"""Per-key asyncio locks, so two concurrent batches carrying the same record never both create it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager


class KeyLocks:
    """Locks keyed by ledger key; taken in sorted order (no deadlock) and dropped when nobody holds them."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, keys: Iterable[str]) -> AsyncIterator[None]:
        """Hold every lock of ``keys`` for the body of the ``async with``."""
        ordered = sorted(set(keys))
        for key in ordered:
            self._users[key] = self._users.get(key, 0) + 1
            self._locks.setdefault(key, asyncio.Lock())
        taken: list[str] = []
        try:
            for key in ordered:
                await self._locks[key].acquire()
                taken.append(key)
            yield
        finally:
            for key in taken:
                self._locks[key].release()
            for key in ordered:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key]
                    del self._locks[key]
