"""Per-parent reads: members per group, comments per task or author, messages per chat, files per post.

Child methods take one parent id per call, so the reader batches 50 parents per request and streams the
records out round by round. Cursor families (``im.dialog.messages.get`` backwards with ``LAST_ID``,
``log.blogcomment.user.get`` forwards with ``FIRST_ID``) keep one cursor per parent and send the next page
of every unfinished parent in the next round, so 50 chats advance together. A parent whose call fails
for good (``ACCESS_ERROR`` for a chat the webhook user is not in, a deleted group) is reported in
``ChildRound.failures`` with the reason, never silently skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.bitrix24.batching import run_commands
from shared.bitrix24.client import MAX_BATCH, Bitrix24Client
from shared.families.spec import FamilySpec


@dataclass(frozen=True, slots=True)
class ParentFailure:
    """A parent whose children could not be read.

    Attributes:
        parent_id: the parent's id.
        code: the Bitrix24 error code (``ACCESS_ERROR``, ``NOT_FOUND``, …).
        reason: the redacted error message.
    """

    parent_id: str
    code: str
    reason: str


@dataclass(slots=True)
class ChildRound:
    """The records of one round of child reads (up to 50 × ``rounds_per_yield`` parents) and its failures."""

    records: list[dict[str, Any]] = field(default_factory=list)
    failures: list[ParentFailure] = field(default_factory=list)
    http_requests: int = 0


def instant(value: Any) -> datetime | None:
    """An ISO date-time from the portal as an aware datetime (naive values are taken as UTC), else ``None``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def child_params(spec: FamilySpec, parent_id: str, cursor: int | None, since: str | None = None) -> dict[str, Any]:
    """Params of one child call for ``parent_id`` (and the cursor, for cursor families)."""
    params: dict[str, Any] = dict(spec.base_params)
    if since and spec.delta_field:
        params[spec.filter_param] = {f">{spec.delta_field}": since}
    value: Any = parent_id
    if spec.name == "chat_messages" and not str(parent_id).startswith("chat"):
        value = f"chat{parent_id}"
    params[spec.parent_param or "ID"] = value
    if spec.limit_param:
        params[spec.limit_param] = page_limit(spec)
    if spec.cursor_param and cursor:
        params[spec.cursor_param] = cursor
    return params


def page_limit(spec: FamilySpec) -> int:
    """Rows one child call returns at most (``im.dialog.messages.get`` caps ``LIMIT`` at 50)."""
    return 50 if spec.name == "chat_messages" else spec.page_size


def _next_cursor(spec: FamilySpec, page: list[dict[str, Any]], cursor: int | None) -> int | None:
    """The next cursor, or ``None`` when the parent is finished (a short page is the last one)."""
    if not spec.cursor_param or len(page) < page_limit(spec):
        return None
    ids = [spec.record_id(r) for r in page]
    if spec.cursor_param == "LAST_ID":
        # backward scan: continue below the oldest id seen
        low = min(ids)
        return low if cursor is None or low < cursor else None
    high = max(ids)
    return high if cursor is None or high > cursor else None


async def stream_children(
    client: Bitrix24Client,
    spec: FamilySpec,
    parent_ids: Iterable[int | str],
    *,
    parents_per_round: int = MAX_BATCH * 2,
    attach: Mapping[str, Mapping[str, Any]] | None = None,
    since: str | None = None,
) -> AsyncIterator[ChildRound]:
    """Read the children of every parent, 50 parents per batch request.

    Args:
        client: the read-only source client.
        spec: a ``children`` or per-parent ``cursor`` family (``parent_param`` set).
        parent_ids: the parents, in any order (consumed lazily, ``parents_per_round`` at a time).
        parents_per_round: parents in flight per round (a multiple of 50 uses full batches).
        attach: parent id → extra fields to add to each child record (e.g. a task's ``CHAT_ID``).
        since: ISO time of a delta read: a ``delta_field`` filter where the method has one; for newest-first
            scans (``delta_scan_field``) only newer records are kept and a parent stops at the first older one.

    Yields:
        One ``ChildRound`` per round; records carry ``spec.parent_field`` = the parent id.
    """
    source = iter(parent_ids)
    threshold = instant(since) if since else None
    active: dict[str, int | None] = {}
    exhausted = False
    while True:
        while not exhausted and len(active) < parents_per_round:
            nxt = next(source, None)
            if nxt is None:
                exhausted = True
            else:
                active.setdefault(str(nxt), None)
        if not active:
            return
        commands = {f"p{i}": (spec.list_method, child_params(spec, pid, cursor, since))
                    for i, (pid, cursor) in enumerate(active.items())}
        keys = dict(zip(commands, list(active), strict=True))
        before = client.stats.http_requests
        outcomes = await run_commands(client, commands)
        out = ChildRound(http_requests=client.stats.http_requests - before)
        for key, pid in keys.items():
            outcome = outcomes[key]
            if outcome.error is not None:
                out.failures.append(ParentFailure(pid, outcome.error.code, str(outcome.error)))
                del active[pid]
                continue
            page = spec.records_of(outcome.result)
            extra = (attach or {}).get(pid, {})
            reached_old = False
            if threshold is not None and spec.delta_scan_field:
                fresh = [r for r in page if not _older(r.get(spec.delta_scan_field), threshold)]
                reached_old = len(fresh) < len(page)
                kept = fresh
            else:
                kept = page
            for record in kept:
                if spec.parent_field:
                    record.setdefault(spec.parent_field, _typed(pid))
                for name, value in extra.items():
                    record.setdefault(name, value)
                out.records.append(record)
            following = None if reached_old else _next_cursor(spec, page, active[pid])
            if following is None:
                del active[pid]
            else:
                active[pid] = following
        yield out


def _older(value: Any, threshold: datetime) -> bool:
    moment = instant(value)
    return moment is not None and moment < threshold


def _typed(parent_id: str) -> int | str:
    return int(parent_id) if parent_id.isdigit() else parent_id
