"""The batch engine: any number of independent read commands, 50 per request, with per-command outcomes.

Commands are packed 50 to a ``batch`` (without ``halt``, so one failure does not stop the others). A
command that fails transiently (its own 503/429/500 inside the batch) or was not run is re-sent *alone
with the other failures*, never with the commands that already succeeded, so one bad command costs one
retry, not 49 (anchors.md §2.6 "can beat" 4). Permanent failures come back as outcomes for the caller
to report (dead letter, "unreachable chat"), not as exceptions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from shared.bitrix24.client import MAX_BATCH, Bitrix24Client
from shared.bitrix24.errors import Bitrix24APIError, OperationTimeLimit
from shared.errors import Transient

Command = tuple[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The final outcome of one command.

    Attributes:
        key: the command key.
        result: the command's ``result`` when it succeeded.
        error: the last error when it failed for good (permanent, or transient beyond the attempts).
        total: the command's ``total``, when given.
        next: the command's ``next``, when given.
        attempts: how many times the command was sent.
    """

    key: str
    result: Any = None
    error: Bitrix24APIError | None = None
    total: int | None = None
    next: int | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        """Whether the command succeeded."""
        return self.error is None


def chunked(keys: list[str], size: int = MAX_BATCH) -> Iterator[list[str]]:
    """Split keys into groups of at most ``size``."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


async def run_commands(
    client: Bitrix24Client,
    commands: Mapping[str, Command],
    *,
    max_attempts: int = 5,
    concurrency: int = 2,
) -> dict[str, Outcome]:
    """Run independent commands in batches of 50 and retry failed ones on their own.

    Args:
        client: the read-only source client.
        commands: key → ``(method, params)``; commands must not reference each other.
        max_attempts: sends per command before its transient error becomes its outcome.
        concurrency: batches in flight at once (the client's limiter still paces them).

    Returns:
        key → ``Outcome`` for every command.

    Raises:
        WriteRefused: a command is not an allowed read method (before any I/O).
        TransportError, Bitrix24APIError: a whole batch request failed beyond the client's retries.
    """
    outcomes: dict[str, Outcome] = {}
    attempts: dict[str, int] = dict.fromkeys(commands, 0)
    pending = list(commands)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def send(keys: list[str]) -> list[str]:
        async with gate:
            response = await client.batch({k: commands[k] for k in keys})
        retry: list[str] = []
        blocked: dict[str, OperationTimeLimit] = {}
        for key in keys:
            attempts[key] += 1
            if key in response.results:
                outcomes[key] = Outcome(key, response.results[key], None, response.total.get(key),
                                        response.next.get(key), attempts[key])
                continue
            error = response.errors.get(key)
            if error is not None and not isinstance(error, Transient):
                outcomes[key] = Outcome(key, error=error, attempts=attempts[key])
            elif attempts[key] >= max_attempts:
                if error is None:
                    error = Bitrix24APIError(code="", description="the command was never run", method=commands[key][0],
                                             portal=client.portal)
                outcomes[key] = Outcome(key, error=error, attempts=attempts[key])
            else:
                if isinstance(error, OperationTimeLimit):
                    blocked.setdefault(commands[key][0].lower(), error)
                retry.append(key)
        for method, error in blocked.items():
            # one wait per blocked method, however many of its commands were refused
            await client.wait_out_block(method, error)
        return retry

    while pending:
        groups = list(chunked(pending))
        retried = await asyncio.gather(*(send(group) for group in groups))
        pending = [key for group in retried for key in group]
        if pending:
            # transient failures inside a batch are usually the portal catching its breath
            await client.clock.sleep(0.5)
    return outcomes
