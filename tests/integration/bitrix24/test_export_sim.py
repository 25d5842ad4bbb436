"""Every family read end to end from the simulator: counts match the portal, nothing is read twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from shared.bitrix24.children import stream_children
from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.export import ExportReport, family_fields, stream_family
from shared.families import FAMILY_NAMES, get_family

SimFactory = Callable[..., Awaitable[Any]]


def _identity(family: str, record: dict[str, Any]) -> tuple[Any, ...]:
    spec = get_family(family)
    if family == "group_members":
        return (record["GROUP_ID"], record["USER_ID"])
    if family == "crm_sp_items":
        return (record["entityTypeId"], record["id"])
    return (spec.record_id(record),)


@pytest.fixture
async def tiny(start_sim: SimFactory) -> Any:
    return await start_sim(seed=5)


@pytest.mark.parametrize("family", FAMILY_NAMES)
async def test_family_export_matches_the_portal(tiny: Any, family: str) -> None:
    counts = await tiny.get("/_sim/counts")
    report = ExportReport(family)
    seen: list[tuple[Any, ...]] = []
    async with Bitrix24Client(tiny.webhook, limits="standard") as client:
        async for group in stream_family(client, family, report=report, parallel=2):
            seen.extend(_identity(family, r) for r in group)
    assert len(seen) == len(set(seen)), "a record was read twice"
    assert len(seen) == counts[family] == report.records
    assert report.failures == []
    stats = await tiny.get("/_sim/stats")
    assert stats["writes"] == 0 and stats["errors"] == {}


async def test_delta_read_filters_on_the_change_field(tiny: Any) -> None:
    async with Bitrix24Client(tiny.webhook, limits="off") as client:
        everything = [r async for g in stream_family(client, "crm_deals") for r in g]
        dates = sorted(r["DATE_MODIFY"] for r in everything)
        since = dates[len(dates) // 2]
        changed = [r async for g in stream_family(client, "crm_deals", since=since) for r in g]
    assert changed and len(changed) < len(everything)
    assert all(r["DATE_MODIFY"] > since for r in changed)


async def test_unreachable_chats_are_reported(start_sim: SimFactory) -> None:
    # a webhook owned by user 7: chats without that user answer ACCESS_ERROR and must be reported, not skipped
    sim = await start_sim(seed=5, webhook_user_id=7)
    dump = await sim.get("/_sim/dump")
    member_of = {str(c["id"]) for c in dump["chats"] if 7 in {int(u) for u in c["users"]}}
    all_chats = [str(c["id"]) for c in dump["chats"]]
    assert member_of and len(member_of) < len(all_chats)
    failures: list[Any] = []
    read_from: set[str] = set()
    async with Bitrix24Client(sim.webhook.replace("/rest/1/", "/rest/7/"), limits="off") as client:
        async for part in stream_children(client, get_family("chat_messages"), all_chats):
            failures.extend(part.failures)
            read_from.update(str(r["chat_id"]) for r in part.records)
    assert {f.parent_id for f in failures} == set(all_chats) - member_of
    assert {f.code for f in failures} == {"ACCESS_ERROR"}
    assert read_from <= member_of


async def test_task_comments_of_both_cards(tiny: Any) -> None:
    dump = await tiny.get("/_sim/dump")
    new_card = {str(t["CHAT_ID"]): str(t["ID"]) for t in dump["tasks"] if str(t.get("CHAT_ID") or "0") != "0"}
    assert new_card
    in_task_chats = [m for m in dump["chat_messages"] if str(m["chat_id"]) in new_card]
    async with Bitrix24Client(tiny.webhook, limits="off") as client:
        records = [r async for g in stream_family(client, "task_comments", task_chats=True) for r in g]
    chat_records = [r for r in records if r.get("source") == "task_chat"]
    assert len(records) - len(chat_records) == len(dump["task_comments"])
    assert len(chat_records) == len(in_task_chats)
    assert all(r["TASK_ID"] == new_card[str(r["chat_id"])] for r in chat_records)


@pytest.mark.parametrize("family", ["users", "crm_deals", "crm_sp_items"])
async def test_field_metadata(tiny: Any, family: str) -> None:
    async with Bitrix24Client(tiny.webhook, limits="off") as client:
        type_id = None
        if family == "crm_sp_items":
            types = await client.call("crm.type.list", {})
            type_id = types.result["types"][0]["entityTypeId"]
        fields = await family_fields(client, family, entity_type_id=type_id)
    assert fields and ("ID" in fields or "id" in fields)


def _after(value: str, since: str) -> bool:
    from shared.bitrix24.children import instant

    moment, threshold = instant(value), instant(since)
    assert moment is not None and threshold is not None
    return moment >= threshold


@pytest.mark.parametrize(
    ("family", "table", "field"),
    [("chat_messages", "chat_messages", "date"), ("feed_comments", "feed_comments", "date"),
     ("task_comments", "task_comments", "POST_DATE"), ("feed_posts", "feed_posts", "DATE_PUBLISH")],
    ids=["chat-messages-scan", "feed-comments-scan", "task-comments-filter", "feed-posts-log-date"],
)
async def test_delta_reads_of_cursor_and_child_families(tiny: Any, family: str, table: str, field: str) -> None:
    dump = await tiny.get("/_sim/dump")
    rows = dump[table]
    if family == "chat_messages":
        rows = [m for m in rows if m["chat_id"] in {c["id"] for c in dump["chats"]}]
    dates = sorted(r[field] for r in rows)
    since = dates[len(dates) * 2 // 3]
    expected = sum(1 for r in rows if _after(r[field], since) and (family != "task_comments" or r[field] != since))
    async with Bitrix24Client(tiny.webhook, limits="off") as client:
        got = [r async for g in stream_family(client, family, since=since) for r in g]
    assert got and len(got) < len(rows)
    assert len(got) == expected
    assert all(_after(r[field], since) for r in got)


async def test_blanked_comment_texts_are_reported(tiny: Any) -> None:
    report = ExportReport("feed_comments")
    async with Bitrix24Client(tiny.webhook, limits="off") as client:
        records = [r async for g in stream_family(client, "feed_comments", report=report) for r in g]
    blank = sum(1 for r in records if not r.get("text"))
    assert blank > 0
    assert any(note.startswith(f"{blank} feed comments came back with empty text") for note in report.notes)
