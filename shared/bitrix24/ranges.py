"""Parallel keyset export over id ranges, streamed as an async iterator with per-range checkpoints.

One keyset chain is sequential by nature (page ``k`` needs page ``k-1``'s last id), so a big family is cut
into ``K`` disjoint id ranges ``(after, upper]`` that are read concurrently, each by its own chain of
chained batches (anchors.md §10: 4 ranges read 100k items 3.6× faster than one chain). Chunks are handed
to the consumer through a bounded queue, so memory stays flat however big the family is. Every chunk
carries the range's new checkpoint; a reader restarted with the saved checkpoints re-reads at most the one
batch per range that was in flight when it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.keyset import KeysetChunk, fetch_keyset_chunk
from shared.families.spec import FamilySpec


@dataclass(frozen=True, slots=True)
class IdRange:
    """One slice of the id space: ids ``> after`` and ``<= upper`` (``upper=None``: no upper bound).

    Attributes:
        index: the range's position (stable across restarts).
        after: the checkpoint: the last id read so far (the range's lower bound before the first read).
        upper: the inclusive upper bound.
        done: nothing is left to read in this range.
        hint: for the open last range, the largest id seen when the ranges were planned.
    """

    index: int
    after: int
    upper: int | None
    done: bool = False
    hint: int | None = None

    def pages_needed(self, page_size: int, max_pages: int) -> int:
        """Pages worth chaining in the next batch: no more than the ids left below the bound can fill.

        Chaining past the end of the data is not free: a reference to a row that does not exist resolves
        to an empty filter, and the portal would read (and charge) pages we then discard.
        """
        bound = self.upper if self.upper is not None else self.hint
        if bound is None:
            return max_pages
        left = bound - self.after
        return max(1, min(max_pages, -(-left // page_size) + 1))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready checkpoint."""
        return {"index": self.index, "after": self.after, "upper": self.upper, "done": self.done, "hint": self.hint}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IdRange:
        """Rebuild a checkpoint written by ``to_json``."""
        upper, hint = data.get("upper"), data.get("hint")
        return cls(int(data["index"]), int(data["after"]), None if upper is None else int(upper), bool(data["done"]),
                   None if hint is None else int(hint))


@dataclass(frozen=True, slots=True)
class RangeChunk:
    """One chunk of one range, plus that range's checkpoint after it."""

    range: IdRange
    chunk: KeysetChunk


async def id_bounds(client: Bitrix24Client, spec: FamilySpec, extra_filter: Mapping[str, Any] | None = None
                    ) -> tuple[int, int] | None:
    """The smallest and the largest id of the family (one ``batch`` of two one-row reads).

    Returns:
        ``(min_id, max_id)``, or ``None`` when the family is empty.
    """
    ascending = spec.keyset_params(0, extra_filter)
    descending = spec.keyset_params(0, extra_filter)
    if spec.sort_style == "sort_order":
        descending["ORDER"] = "DESC"
    else:
        descending[spec.order_param] = {spec.filter_id_field: "DESC"}
    response = await client.batch({"low": (spec.list_method, ascending), "high": (spec.list_method, descending)})
    for error in response.errors.values():
        raise error
    low = spec.records_of(response.results.get("low"))
    high = spec.records_of(response.results.get("high"))
    if not low or not high:
        return None
    return spec.record_id(low[0]), spec.record_id(high[0])


def split_ranges(low: int, high: int, parts: int) -> list[IdRange]:
    """Cut ``[low, high]`` into ``parts`` ranges of equal id width; the last one is open-ended.

    The last range has no upper bound, so records created during the export above ``high`` are read too.
    """
    parts = max(1, min(parts, high - low + 1))
    width = (high - low + 1) / parts
    ranges: list[IdRange] = []
    after = low - 1
    for index in range(parts):
        upper = None if index == parts - 1 else low - 1 + round(width * (index + 1))
        ranges.append(IdRange(index, after, upper, hint=high if upper is None else None))
        if upper is not None:
            after = upper
    return ranges


async def plan_ranges(client: Bitrix24Client, spec: FamilySpec, parts: int,
                      extra_filter: Mapping[str, Any] | None = None) -> list[IdRange]:
    """Ranges for a fresh export: split by the family's id bounds (one range when it is small or empty)."""
    bounds = await id_bounds(client, spec, extra_filter)
    if bounds is None:
        return [IdRange(0, 0, None)]
    low, high = bounds
    # a range below ~2 batches of records is not worth its own chain
    useful = max(1, (high - low + 1) // (spec.page_size * 50 * 2))
    return split_ranges(low, high, min(parts, useful))


def _range_filter(extra_filter: Mapping[str, Any] | None, spec: FamilySpec, upper: int | None) -> dict[str, Any]:
    merged = dict(extra_filter or {})
    if upper is not None:
        merged[f"<={spec.filter_id_field}"] = upper
    return merged


async def stream_ranges(
    client: Bitrix24Client,
    spec: FamilySpec,
    ranges: Sequence[IdRange],
    *,
    max_pages: int = 50,
    extra_filter: Mapping[str, Any] | None = None,
    queue_size: int | None = None,
) -> AsyncIterator[RangeChunk]:
    """Read every range concurrently and yield chunks as they arrive.

    Args:
        client: the source client (its limiter paces all ranges together).
        spec: the keyset family.
        ranges: the ranges with their checkpoints (ranges already ``done`` are skipped).
        max_pages: pages per batch request.
        extra_filter: filter applied to every range (delta filters, …).
        queue_size: chunks buffered ahead of the consumer (default: one per range).

    Yields:
        ``RangeChunk``s; within one range in id order. Persist ``chunk.range`` to resume later.

    Raises:
        Whatever a range reader raised (the other readers are cancelled first).
    """
    pending = [r for r in ranges if not r.done]
    if not pending:
        return
    queue: asyncio.Queue[RangeChunk | BaseException | None] = asyncio.Queue(maxsize=queue_size or len(pending))

    async def read(current: IdRange) -> None:
        bounds = _range_filter(extra_filter, spec, current.upper)
        try:
            while not current.done:
                pages = current.pages_needed(spec.page_size, max_pages)
                chunk = await fetch_keyset_chunk(client, spec, current.after, max_pages=pages, extra_filter=bounds)
                current = replace(current, after=chunk.last_id, done=chunk.done)
                await queue.put(RangeChunk(current, chunk))
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # handed to the consumer, which re-raises it
            await queue.put(exc)
            return
        await queue.put(None)

    tasks = [asyncio.create_task(read(r)) for r in pending]
    finished = 0
    try:
        while finished < len(tasks):
            item = await queue.get()
            if item is None:
                finished += 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def stream_records(
    client: Bitrix24Client,
    spec: FamilySpec,
    *,
    parallel: int = 4,
    max_pages: int = 50,
    extra_filter: Mapping[str, Any] | None = None,
    checkpoints: Sequence[IdRange] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Every record of a keyset family, read in ``parallel`` id ranges (order across ranges is not defined).

    Args:
        checkpoints: saved ranges to resume from; a fresh plan is made when ``None``.
    """
    ranges = list(checkpoints) if checkpoints is not None else await plan_ranges(client, spec, parallel, extra_filter)
    async for item in stream_ranges(client, spec, ranges, max_pages=max_pages, extra_filter=extra_filter):
        for record in item.chunk.records:
            yield record
