"""Resumable steps for every family: one bounded read per call, with a small JSON cursor to continue.

Durable activities must be short and their inputs and outputs small, so the orchestrator drives a family
as a loop of ``fetch_step(client, family, cursor)`` calls, storing only the returned cursor between them.
Keyset families take one chained batch per step; ``crm_sp_items`` walks its types one after another;
child families take the next ``parents_per_step`` parents (read by keyset from the parent family, or from
the webhook user's chat list) and read all their children; chats and feed posts page by offset (posts
are re-scanned from the top at the end, and duplicates are left to the gateway's idempotency). A step
that fails raises; the same cursor can simply be retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.bitrix24.children import ParentFailure, stream_children
from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.feed import image_parents, page_params
from shared.bitrix24.keyset import fetch_keyset_chunk
from shared.families import get_family
from shared.families.spec import FamilySpec

_PARENTS = {"group_members": "groups", "task_comments": "tasks", "feed_comments": "users"}
_RESCAN_PAGES = 2


@dataclass(slots=True)
class StepResult:
    """One step's records and the cursor of the next step.

    Attributes:
        records: raw records as the portal returned them (child records carry their parent field).
        cursor: JSON-ready state for the next call; pass it back unchanged.
        done: the family is complete (the cursor is then final).
        http_requests: HTTP requests the step took (retries included).
        failures: parents whose children could not be read, with the portal's reason.
        notes: facts for the report.
    """

    records: list[dict[str, Any]]
    cursor: dict[str, Any]
    done: bool
    http_requests: int = 0
    failures: list[ParentFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def _keyset_step(client: Bitrix24Client, spec: FamilySpec, cursor: dict[str, Any], max_pages: int,
                       extra: Mapping[str, Any] | None) -> StepResult:
    chunk = await fetch_keyset_chunk(client, spec, int(cursor.get("after", 0)), max_pages=max_pages,
                                     extra_filter=extra)
    return StepResult(chunk.records, {**cursor, "after": chunk.last_id}, chunk.done, chunk.http_requests)


async def _sp_items_step(client: Bitrix24Client, spec: FamilySpec, cursor: dict[str, Any], max_pages: int,
                         extra: Mapping[str, Any] | None) -> StepResult:
    types = cursor.get("types")
    requests = 0
    notes: list[str] = []
    if types is None:
        found = await fetch_keyset_chunk(client, get_family("crm_types"), 0, max_pages=10)
        requests += found.http_requests
        types = sorted(int(t["entityTypeId"]) for t in found.records)
        notes.append(f"smart-process types: {types}")
    index = int(cursor.get("type_index", 0))
    if index >= len(types):
        return StepResult([], {"types": types, "type_index": index, "after": 0}, True, requests, notes=notes)
    typed = spec.with_params(entityTypeId=types[index])
    chunk = await fetch_keyset_chunk(client, typed, int(cursor.get("after", 0)), max_pages=max_pages,
                                     extra_filter=extra)
    requests += chunk.http_requests
    if chunk.done:
        following = {"types": types, "type_index": index + 1, "after": 0}
        return StepResult(chunk.records, following, index + 1 >= len(types), requests, notes=notes)
    return StepResult(chunk.records, {"types": types, "type_index": index, "after": chunk.last_id}, False, requests,
                      notes=notes)


async def _recent_page(client: Bitrix24Client, offset: int) -> tuple[list[dict[str, Any]], bool, int]:
    spec = get_family("chats")
    response = await client.call(spec.list_method, {"OFFSET": offset, "LIMIT": spec.page_size,
                                                    "SKIP_OPENLINES": "Y"})
    items = spec.records_of(response.result)
    more = bool(response.result.get("hasMore")) if isinstance(response.result, Mapping) else False
    return items, more and bool(items), response.http_requests


def _chat_id(item: Mapping[str, Any]) -> str | None:
    chat = item.get("chat")
    value = item.get("chat_id") or (chat.get("id") if isinstance(chat, Mapping) else None)
    return str(value) if value else None


async def _children_step(client: Bitrix24Client, spec: FamilySpec, cursor: dict[str, Any],
                         parents_per_step: int, since: str | None) -> StepResult:
    requests = 0
    attach: dict[str, dict[str, Any]] = {}
    if spec.name == "chat_messages":
        # chats come from the webhook user's recent list; pages overlap, the gateway drops repeats
        items, more, requests = await _recent_page(client, int(cursor.get("offset", 0)))
        parents = list(dict.fromkeys(c for c in (_chat_id(i) for i in items) if c))
        following: dict[str, Any] = {"offset": int(cursor.get("offset", 0)) + len(items)}
        done = not more
    elif spec.name == "feed_images":
        posts_spec = get_family("feed_posts")
        start = int(cursor.get("start", 0))
        response = await client.call(posts_spec.list_method, page_params(posts_spec, start, since))
        requests += response.http_requests
        attach = image_parents(posts_spec.records_of(response.result))
        parents = list(attach)
        following = {"start": response.next or start}
        done = response.next is None
    else:
        parent_spec = get_family(_PARENTS[spec.name])
        pages = max(1, parents_per_step // parent_spec.page_size)
        chunk = await fetch_keyset_chunk(client, parent_spec, int(cursor.get("after", 0)), max_pages=pages)
        requests += chunk.http_requests
        records = chunk.records
        if spec.name == "task_comments":
            # new-card tasks keep their comments in the task chat: read by chat_messages
            records = [t for t in records if str(t.get("CHAT_ID") or "0") in ("0", "")]
        parents = [str(parent_spec.record_id(r)) for r in records]
        following = {"after": chunk.last_id}
        done = chunk.done
    out = StepResult([], following, done, requests)
    async for part in stream_children(client, spec, parents, attach=attach,
                                      since=since if spec.name != "group_members" else None):
        out.records.extend(part.records)
        out.failures.extend(part.failures)
        out.http_requests += part.http_requests
    return out


async def _chats_step(client: Bitrix24Client, cursor: dict[str, Any]) -> StepResult:
    from shared.bitrix24.batching import run_commands

    offset = int(cursor.get("offset", 0))
    items, more, requests = await _recent_page(client, offset)
    ids = list(dict.fromkeys(c for c in (_chat_id(i) for i in items) if c))
    commands: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for chat_id in ids:
        commands[f"d{chat_id}"] = ("im.dialog.get", {"DIALOG_ID": f"chat{chat_id}"})
        commands[f"u{chat_id}"] = ("im.chat.user.list", {"CHAT_ID": chat_id})
    before = client.stats.http_requests
    outcomes = await run_commands(client, commands) if commands else {}
    out = StepResult([], {"offset": offset + len(items)}, not more, requests + client.stats.http_requests - before)
    for chat_id in ids:
        dialog, users = outcomes[f"d{chat_id}"], outcomes[f"u{chat_id}"]
        if dialog.error is not None or not isinstance(dialog.result, Mapping):
            out.failures.append(ParentFailure(chat_id, dialog.error.code if dialog.error else "EMPTY",
                                              str(dialog.error or "no dialog data")))
            continue
        record = dict(dialog.result)
        record["users"] = list(users.result) if users.ok and isinstance(users.result, list) else []
        out.records.append(record)
    return out


async def _feed_posts_step(client: Bitrix24Client, spec: FamilySpec, cursor: dict[str, Any],
                           since: str | None) -> StepResult:
    from shared.bitrix24.batching import run_commands

    phase = cursor.get("phase", "scan")
    start = int(cursor.get("start", 0))
    if phase == "rescan":
        # posts commented during the scan moved to the top: re-read the first pages once more
        response = await client.call(spec.list_method, page_params(spec, start, since))
        nxt = response.next
        finished = nxt is None or start + 50 >= _RESCAN_PAGES * 50
        return StepResult(spec.records_of(response.result), {"phase": "rescan", "start": nxt or start}, finished,
                          response.http_requests)
    first = await client.call(spec.list_method, page_params(spec, start, since))
    total = first.total or 0
    offsets = list(range(start + 50, min(total, start + 50 * 50), 50))
    records = spec.records_of(first.result)
    before = client.stats.http_requests
    outcomes = await run_commands(client, {f"o{o}": (spec.list_method, page_params(spec, o, since))
                                           for o in offsets})
    for off in offsets:
        outcome = outcomes[f"o{off}"]
        if outcome.error is not None:
            raise outcome.error
        records.extend(spec.records_of(outcome.result))
    requests = first.http_requests + client.stats.http_requests - before
    following = start + 50 * (len(offsets) + 1)
    if following >= total:
        return StepResult(records, {"phase": "rescan", "start": 0}, False, requests)
    return StepResult(records, {"phase": "scan", "start": following}, False, requests)


async def fetch_step(
    client: Bitrix24Client,
    family: str,
    cursor: Mapping[str, Any] | None = None,
    *,
    max_pages: int = 50,
    parents_per_step: int = 100,
    since: str | None = None,
) -> StepResult:
    """Read the next bounded piece of ``family`` after ``cursor``.

    Args:
        client: the read-only source client.
        family: a canonical family name.
        cursor: the previous step's ``cursor`` (``None`` or ``{}`` for the first step).
        max_pages: chained pages per batch for keyset families.
        parents_per_step: parents per step for child families.
        since: ISO time of a delta read (families with a delta field).

    Returns:
        The step's records and the next cursor.

    Raises:
        KeyError: unknown family.
        Bitrix24APIError, TransportError: the step failed; retry it with the same cursor.
    """
    spec = get_family(family)
    state = dict(cursor or {})
    extra = spec.delta_filter(since) if since else None
    if family == "crm_sp_items":
        return await _sp_items_step(client, spec, state, max_pages, extra)
    if spec.paging == "keyset":
        return await _keyset_step(client, spec, state, max_pages, extra)
    if family == "chats":
        return await _chats_step(client, state)
    if family == "feed_posts":
        return await _feed_posts_step(client, spec, state, since)
    return await _children_step(client, spec, state, parents_per_step, since)
