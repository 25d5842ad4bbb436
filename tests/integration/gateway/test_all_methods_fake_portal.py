"""Every import.* method against the recording portal: create, duplicate, update, missing reference,
test_limit and the batch maximum, plus the family-specific rules (nested members, media, link rewriting)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import CASES, NO_UPDATE, FakePortal, media, seed, url, user


@pytest.mark.parametrize("method", sorted(CASES), ids=str)
async def test_method_contract(method: str, fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target)
    await seed(gw)
    make, ref_field, max_batch = CASES[method]
    items = [make(10, "one"), make(11, "two")]
    first = await (await gw.post(url(method), json=items)).json()
    assert first["imported"] == 2 and first["failed"] == [], first
    assert set(first["ids"]) == {i["sourceId"] for i in items}

    again = await (await gw.post(url(method), json=items)).json()
    assert again["imported"] == 0 and sorted(again["duplicate"]) == sorted(first["ids"])
    assert again["ids"] == first["ids"]

    changed = await (await gw.post(url(method), json=[make(10, "changed"), items[1]])).json()
    if method in NO_UPDATE:
        assert changed["imported"] == 0 and changed["skipped_items"][0]["reason"] == "unchanged"
    else:
        assert changed["updated"] == [items[0]["sourceId"]] and changed["imported"] == 1, changed
    assert changed["ids"][items[0]["sourceId"]] == first["ids"][items[0]["sourceId"]]

    if ref_field:
        broken = make(12, "orphan")
        broken[ref_field] = broken[ref_field].rsplit(":", 1)[0] + ":999"
        data = await (await gw.post(url(method), json=[broken, make(13, "fine")])).json()
        assert data["failed"][0]["code"] == "missing_reference" and data["imported"] == 1
        assert ref_field in data["failed"][0]["reason"]

    limited = await (await gw.post(url(method) + "?test_limit=1", json=[make(14, "a"), make(15, "b")])).json()
    assert limited["imported"] == 1 and limited["skipped_items"] == [
        {"sourceId": make(15, "b")["sourceId"], "reason": "test_limit"}]

    too_many = await gw.post(url(method), json=[make(100 + i, "m") for i in range(max_batch + 1)])
    assert too_many.status == 413


async def test_group_members_are_nested_and_added_once(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    await seed(gw)
    group = CASES["import.groups.batch"][0](5, "team")
    data = await (await gw.post(url("import.groups.batch"), json=[group])).json()
    gid = data["ids"]["cloud:group:5"]
    uid2 = (await (await gw.post(url("import.users.batch"), json=[user(2)])).json())["ids"]["cloud:user:2"]
    assert portal.store("groups")[gid]["members"] == {uid2: "E"}
    group["members"].append({"userSourceId": "cloud:user:3", "role": "K"})
    data = await (await gw.post(url("import.groups.batch"), json=[group])).json()
    assert data["updated"] == ["cloud:group:5"] and data["failed"] == []
    assert len(portal.store("groups")[gid]["members"]) == 2
    assert portal.count("sonet_group.user.add") == 2


async def test_media_is_verified_and_links_are_rewritten(
    fake_portal: tuple[FakePortal, str], make_gateway: Any
) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    await seed(gw)
    bad = [
        media(20, contentType="text/html"),
        {**media(21), "sha256": "0" * 64},
        {**media(22), "size": 3},
        media(23, content=b"<html>not a png</html>"),
        {**media(24), "contentB64": "@@@"},
    ]
    data = await (await gw.post(url("import.media.upload"), json=bad)).json()
    assert data["imported"] == 0 and [f["code"] for f in data["failed"]] == ["validation_error"] * 5
    ok = await (await gw.post(url("import.media.upload"), json=[media(25)])).json()
    file_id = ok["ids"]["cloud:feed:image:25"]
    stored_name = portal.store("files")[file_id]["NAME"]
    assert "/" not in stored_name and ".." not in stored_name.split("__")[1][:2]
    post = {"sourceId": "cloud:feed:post:9", "authorSourceId": "cloud:user:1",
            "message": "look [DISK FILE ID=cloud:feed:image:25] here"}
    data = await (await gw.post(url("import.feed.posts"), json=[post])).json()
    stored = portal.store("posts")[data["ids"]["cloud:feed:post:9"]]
    assert stored["POST_MESSAGE"] == f"look [DISK FILE ID=n{file_id}] here"
    assert stored["FILES"] == [f"n{file_id}"]
    missing = {**post, "sourceId": "cloud:feed:post:10", "message": "[DISK FILE ID=cloud:feed:image:77]"}
    data = await (await gw.post(url("import.feed.posts"), json=[missing])).json()
    assert data["failed"][0]["code"] == "missing_reference"


async def test_crm_records_carry_origin_ids(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    await seed(gw)
    deal = CASES["import.crm.deals"][0](7, "big deal")
    data = await (await gw.post(url("import.crm.deals"), json=[deal])).json()
    stored = portal.store("deal")[data["ids"]["cloud:crm:deal:7"]]
    assert stored["ORIGIN_ID"] == "cloud:crm:deal:7" and stored["ORIGINATOR_ID"] == "b24migrate"
    company_id = next(iter(portal.store("company")))
    assert stored["COMPANY_ID"] == company_id and stored["OPPORTUNITY"] == 10.5


@pytest.mark.parametrize(
    ("method", "store", "key_field"),
    [("import.tasks.batch", "tasks", "XML_ID"), ("import.crm.deals", "deal", "ORIGIN_ID"),
     ("import.crm.spitems", "sp", "xmlId"), ("import.groups.batch", "groups", "XML_ID")],
    ids=["task", "deal", "sp-item", "group"],
)
async def test_crash_window_is_reconciled_for_families_with_external_ids(
    method: str, store: str, key_field: str, fake_portal: tuple[FakePortal, str], make_gateway: Any, tmp_path: Path
) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    await seed(gw)
    item = CASES[method][0](30, "crashed")
    from gateway.families.base import ledger_key
    from gateway.ledger import Ledger

    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.record_intents([(ledger_key(item["sourceId"]), "x", "intent")])
    ledger.close()
    portal.store(store)[999] = {"ID": 999, key_field: item["sourceId"]}
    before = len(portal.store(store))
    data = await (await gw.post(url(method), json=[item])).json()
    assert data["ids"] == {item["sourceId"]: 999} and data["failed"] == []
    assert len(portal.store(store)) == before


async def test_a_subtask_may_come_in_the_same_batch_as_its_parent(
    fake_portal: tuple[FakePortal, str], make_gateway: Any
) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    await seed(gw)
    parent = {"sourceId": "cloud:task:50", "title": "parent", "responsibleSourceId": "cloud:user:1"}
    child = {"sourceId": "cloud:task:51", "title": "child", "responsibleSourceId": "cloud:user:1",
             "parentSourceId": "cloud:task:50"}
    loop_a = {**child, "sourceId": "cloud:task:60", "parentSourceId": "cloud:task:61"}
    loop_b = {**child, "sourceId": "cloud:task:61", "parentSourceId": "cloud:task:60"}
    data = await (await gw.post(url("import.tasks.batch"), json=[child, loop_a, parent, loop_b])).json()
    assert data["imported"] == 2 and {f["code"] for f in data["failed"]} == {"missing_reference"}
    assert portal.store("tasks")[data["ids"]["cloud:task:51"]]["PARENT_ID"] == data["ids"]["cloud:task:50"]


async def test_media_as_multipart_parts(fake_portal: tuple[FakePortal, str], make_gateway: Any) -> None:
    import base64
    import json

    import aiohttp

    portal, target = fake_portal
    gw = await make_gateway(target)
    one, two = media(40), media(41)
    content = {m["sourceId"]: base64.b64decode(m["contentB64"]) for m in (one, two)}
    meta = [{k: v for k, v in m.items() if k != "contentB64"} for m in (one, two)]
    form = aiohttp.FormData()
    form.add_field("items", json.dumps(meta), content_type="application/json")
    for sid, data in content.items():
        form.add_field(sid, data, filename="x.png", content_type="image/png")
    data = await (await gw.post(url("import.media.upload"), data=form)).json()
    assert data["imported"] == 2 and data["failed"] == []
    stored = portal.store("files")[data["ids"]["cloud:feed:image:40"]]
    assert stored["CONTENT"] == one["contentB64"]
    # an item whose file part is missing fails alone
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("items", json.dumps([{**meta[0], "sourceId": "cloud:feed:image:42"}]))
    data = await (await gw.post(url("import.media.upload"), data=form)).json()
    assert data["failed"][0]["code"] == "validation_error"
    bad = aiohttp.FormData()
    bad.add_field("files", b"x", filename="x.png")
    assert (await gw.post(url("import.media.upload"), data=bad)).status == 400
