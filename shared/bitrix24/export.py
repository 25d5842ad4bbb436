"""One entry point for reading any family: ``stream_family`` picks the right reader from the family spec.

Keyset families go through parallel id ranges; ``crm_sp_items`` first discovers the smart-process types
with ``crm.type.list``; child families read their parents' ids first (groups for members, tasks for
comments, users for feed comments, posts for images, the webhook user's chats for messages); the feed
uses its offset reader. Records are yielded in groups as they arrive, exactly as the portal returned them
(plus the parent field of child families). What could not be read is collected in ``ExportReport``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.bitrix24.batching import run_commands
from shared.bitrix24.children import ParentFailure, stream_children
from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.feed import image_parents, stream_feed_posts
from shared.bitrix24.ranges import plan_ranges, stream_ranges
from shared.families import get_family
from shared.families.spec import FamilySpec


@dataclass(slots=True)
class ExportReport:
    """What one family export saw besides its records.

    Attributes:
        family: the family name.
        records: records yielded.
        failures: parents whose children could not be read, with the portal's reason.
        notes: other facts worth a line in the report (new-card tasks, smart-process types, …).
    """

    family: str
    records: int = 0
    failures: list[ParentFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {"family": self.family, "records": self.records,
                "failures": [{"parent_id": f.parent_id, "code": f.code, "reason": f.reason} for f in self.failures],
                "notes": list(self.notes)}


async def keyset_all(client: Bitrix24Client, spec: FamilySpec, *, parallel: int = 4, max_pages: int = 50,
                     extra_filter: Mapping[str, Any] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
    """Every record of a keyset family, in groups of one chunk, read in parallel id ranges."""
    ranges = await plan_ranges(client, spec, parallel, extra_filter)
    async for item in stream_ranges(client, spec, ranges, max_pages=max_pages, extra_filter=extra_filter):
        if item.chunk.records:
            yield item.chunk.records


async def _collect(stream: AsyncIterator[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [record async for group in stream for record in group]


async def recent_chat_ids(client: Bitrix24Client) -> list[str]:
    """Ids of every chat in the webhook user's recent list (pages overlap: de-duplicated, order kept)."""
    spec = get_family("chats")
    seen: dict[str, None] = {}
    offset = 0
    while True:
        response = await client.call(spec.list_method, {"OFFSET": offset, "LIMIT": spec.page_size,
                                                        "SKIP_OPENLINES": "Y"})
        items = spec.records_of(response.result)
        for item in items:
            chat = item.get("chat")
            chat_id = item.get("chat_id") or (chat.get("id") if isinstance(chat, Mapping) else None)
            if chat_id:
                seen.setdefault(str(chat_id), None)
        more = response.result.get("hasMore") if isinstance(response.result, Mapping) else False
        if not items or not more:
            return list(seen)
        offset += len(items)


async def _chats(client: Bitrix24Client, report: ExportReport) -> AsyncIterator[list[dict[str, Any]]]:
    ids = await recent_chat_ids(client)
    for start in range(0, len(ids), 25):
        part = ids[start:start + 25]
        commands: dict[str, tuple[str, Mapping[str, Any]]] = {}
        for chat_id in part:
            commands[f"d{chat_id}"] = ("im.dialog.get", {"DIALOG_ID": f"chat{chat_id}"})
            commands[f"u{chat_id}"] = ("im.chat.user.list", {"CHAT_ID": chat_id})
        outcomes = await run_commands(client, commands)
        group: list[dict[str, Any]] = []
        for chat_id in part:
            dialog, users = outcomes[f"d{chat_id}"], outcomes[f"u{chat_id}"]
            if dialog.error is not None or not isinstance(dialog.result, Mapping):
                code = dialog.error.code if dialog.error else "EMPTY"
                report.failures.append(ParentFailure(chat_id, code, str(dialog.error or "no dialog data")))
                continue
            record = dict(dialog.result)
            record["users"] = list(users.result) if users.ok and isinstance(users.result, list) else []
            group.append(record)
        if group:
            yield group


async def _children(client: Bitrix24Client, spec: FamilySpec, parents: list[str], report: ExportReport,
                    attach: Mapping[str, Mapping[str, Any]] | None = None, since: str | None = None
                    ) -> AsyncIterator[list[dict[str, Any]]]:
    async for part in stream_children(client, spec, parents, attach=attach, since=since):
        report.failures.extend(part.failures)
        if part.records:
            yield part.records


async def _ids(client: Bitrix24Client, family: str, parallel: int) -> list[str]:
    spec = get_family(family)
    return [str(spec.record_id(r)) for r in await _collect(keyset_all(client, spec, parallel=parallel))]


async def _sp_items(client: Bitrix24Client, spec: FamilySpec, report: ExportReport, parallel: int, max_pages: int,
                    extra: Mapping[str, Any] | None) -> AsyncIterator[list[dict[str, Any]]]:
    types = await _collect(keyset_all(client, get_family("crm_types"), parallel=1))
    report.notes.append(f"smart-process types: {sorted(int(t['entityTypeId']) for t in types)}")
    for crm_type in types:
        typed = spec.with_params(entityTypeId=int(crm_type["entityTypeId"]))
        async for group in keyset_all(client, typed, parallel=parallel, max_pages=max_pages, extra_filter=extra):
            yield group


async def _task_comments(client: Bitrix24Client, spec: FamilySpec, report: ExportReport, parallel: int,
                         task_chats: bool, since: str | None) -> AsyncIterator[list[dict[str, Any]]]:
    tasks = await _collect(keyset_all(client, get_family("tasks"), parallel=parallel))
    legacy = [str(t["ID"]) for t in tasks if str(t.get("CHAT_ID") or "0") in ("0", "")]
    chats = {str(t["CHAT_ID"]): {"TASK_ID": str(t["ID"]), "source": "task_chat"}
             for t in tasks if str(t.get("CHAT_ID") or "0") not in ("0", "")}
    if chats and not task_chats:
        report.notes.append(f"{len(chats)} tasks use the new task card: their comments are messages of the task "
                            "chat (family chat_messages, or task_comments with task_chats=True)")
    async for group in _children(client, spec, legacy, report, since=since):
        yield group
    if task_chats and chats:
        # new task card: comments live in the task chat; tag each message with its task
        async for group in _children(client, get_family("chat_messages"), list(chats), report, attach=chats,
                                     since=since):
            yield group


async def family_fields(client: Bitrix24Client, family: str, *, entity_type_id: int | None = None
                        ) -> dict[str, Any]:
    """The field metadata of a family (``*.fields``), for the custom-field whitelist; ``{}`` when it has none.

    Args:
        entity_type_id: the smart-process type, for ``crm_sp_items``.
    """
    spec = get_family(family)
    if not spec.fields_method:
        return {}
    params: dict[str, Any] = {}
    if spec.fields_method == "crm.item.fields":
        params["entityTypeId"] = entity_type_id
    result = (await client.call(spec.fields_method, params)).result
    if isinstance(result, Mapping) and isinstance(result.get("fields"), Mapping):
        result = result["fields"]
    return dict(result) if isinstance(result, Mapping) else {}


async def stream_family(
    client: Bitrix24Client,
    family: str,
    *,
    since: str | None = None,
    parallel: int = 4,
    max_pages: int = 50,
    report: ExportReport | None = None,
    task_chats: bool = False,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every record of ``family`` as the portal returned it, in groups as they arrive.

    Args:
        client: the read-only source client.
        family: a canonical family name (contracts.md §2).
        since: ISO time for a delta read: a ``>field`` filter for keyset families and task comments,
            ``LOG_DATE_FROM`` for the feed, a newest-first scan that stops at older records for chat
            messages and feed comments; chats and group members are read in full.
        parallel: id ranges read concurrently for keyset families.
        max_pages: chained pages per batch request.
        report: filled with failures and notes while streaming.
        task_chats: for ``task_comments``, also read the task chats of new-card tasks (records tagged
            ``TASK_ID`` and ``source: task_chat``); off by default because those messages are also
            ``chat_messages``.

    Raises:
        KeyError: unknown family.
        Bitrix24APIError, TransportError: the export cannot continue.
    """
    spec = get_family(family)
    report = report if report is not None else ExportReport(family)
    extra = spec.delta_filter(since) if since else None
    stream: AsyncIterator[list[dict[str, Any]]]
    if family == "crm_sp_items":
        stream = _sp_items(client, spec, report, parallel, max_pages, extra)
    elif spec.paging == "keyset":
        stream = keyset_all(client, spec, parallel=parallel, max_pages=max_pages, extra_filter=extra)
    elif family == "group_members":
        # no delta filter exists for members: every group is re-read
        stream = _children(client, spec, await _ids(client, "groups", parallel), report)
    elif family == "feed_comments":
        stream = _children(client, spec, await _ids(client, "users", parallel), report, since=since)
    elif family == "task_comments":
        stream = _task_comments(client, spec, report, parallel, task_chats, since)
    elif family == "chats":
        stream = _chats(client, report)
    elif family == "chat_messages":
        stream = _children(client, spec, await recent_chat_ids(client), report, since=since)
    elif family == "feed_posts":
        stream = stream_feed_posts(client, spec, since=since)
    elif family == "feed_images":
        posts = await _collect(stream_feed_posts(client, get_family("feed_posts"), since=since))
        parents = image_parents(posts)
        stream = _children(client, spec, list(parents), report, attach=parents)
    else:  # pragma: no cover - the registry and this dispatcher are tested together
        raise KeyError(f"no reader for family {family!r}")
    blank = 0
    async for group in stream:
        report.records += len(group)
        if family == "feed_comments":
            blank += sum(1 for r in group if not r.get("text"))
        yield group
    if blank:
        report.notes.append(f"{blank} feed comments came back with empty text: log.blogcomment.user.get blanks "
                            "other authors' texts for an admin webhook; their full text needs each author's own "
                            "webhook or OAuth token")
    if family in ("chats", "chat_messages"):
        report.notes.append("only chats the webhook user takes part in are listed (im.recent.list); no documented "
                            "method enumerates the other chats of the portal")
