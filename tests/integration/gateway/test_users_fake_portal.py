"""import.users.batch end to end against the recording portal: auth, errors, idempotency, updates, crashes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import IMPORT_CODE, FakePortal, url, user

USERS = "import.users.batch"


async def test_wrong_code_and_wrong_user_id_get_identical_403(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    wrong_code = await gw.post(url(USERS, code="nope"), json=[user(1)])
    wrong_uid = await gw.post(url(USERS, user_id=2), json=[user(1)])
    assert wrong_code.status == wrong_uid.status == 403
    body_code, body_uid = await wrong_code.read(), await wrong_uid.read()
    assert body_code == body_uid
    assert b"nope" not in body_code and IMPORT_CODE.encode() not in body_code
    assert portal.calls == []


async def test_non_import_method_is_refused(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    for method in ("user.add", "import.unknown.thing", "batch"):
        resp = await gw.post(url(method), json=[user(1)])
        assert resp.status == 403, method
    assert portal.calls == []


async def test_malformed_json_and_bad_shapes_are_400(fake_portal: Any, make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target)
    assert (await gw.post(url(USERS), data=b"[{not json")).status == 400
    assert (await gw.post(url(USERS), json={"nothing": 1})).status == 400
    assert (await gw.post(url(USERS) + "?test_limit=-1", json=[user(1)])).status == 400


async def test_happy_path_then_duplicate_then_update(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    first = await (await gw.post(url(USERS), json=[user(1), user(2)])).json()
    assert first["imported"] == 2 and first["failed"] == [] and first["duplicate"] == []
    assert set(first["ids"]) == {"cloud:user:1", "cloud:user:2"}
    stored = portal.users[first["ids"]["cloud:user:1"]]
    assert stored["XML_ID"] == "cloud:user:1" and stored["EMAIL"] == "user1@example.com"

    again = await (await gw.post(url(USERS), json=[user(1), user(2)])).json()
    assert again["imported"] == 0 and sorted(again["duplicate"]) == ["cloud:user:1", "cloud:user:2"]
    assert again["ids"] == first["ids"]
    assert portal.count("user.add") == 2

    changed = await (await gw.post(url(USERS), json=[user(1, name="Renamed"), user(2)])).json()
    assert changed["imported"] == 1 and changed["updated"] == ["cloud:user:1"]
    assert changed["duplicate"] == ["cloud:user:2"]
    assert portal.users[first["ids"]["cloud:user:1"]]["NAME"] == "Renamed"
    assert portal.count("user.update") == 1 and len(portal.users) == 2


async def test_bad_item_goes_to_failed_not_the_batch(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    body = [user(1), {"sourceId": "cloud:user:2"}, {"sourceId": "garbage", "email": "x@y.z"}, "str", user(3)]
    resp = await gw.post(url(USERS), json=body)
    data = await resp.json()
    assert resp.status == 200
    assert data["imported"] == 2
    assert [f["sourceId"] for f in data["failed"]] == ["cloud:user:2", "garbage", ""]
    assert {f["code"] for f in data["failed"]} == {"validation_error"}
    assert len(portal.users) == 2


async def test_portal_rejection_is_a_per_item_failure(fake_portal: Any, make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target)
    await gw.post(url(USERS), json=[user(1)])
    clash = {"sourceId": "cloud:user:9", "email": "user1@example.com"}
    data = await (await gw.post(url(USERS), json=[clash, user(2)])).json()
    assert data["imported"] == 1
    assert data["failed"][0]["sourceId"] == "cloud:user:9" and data["failed"][0]["code"] == "target_error"


async def test_test_limit_in_body_and_query(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    data = await (await gw.post(url(USERS), json={"items": [user(1), user(2), user(3)], "test_limit": 1})).json()
    assert data["imported"] == 1 and data["skipped"] == 2
    assert data["skipped_items"] == [{"sourceId": "cloud:user:2", "reason": "test_limit"},
                                     {"sourceId": "cloud:user:3", "reason": "test_limit"}]
    data = await (await gw.post(url(USERS) + "?test_limit=0", json=[user(4)])).json()
    assert data["imported"] == 0 and data["skipped"] == 1
    assert len(portal.users) == 1


async def test_over_max_batch_is_413(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    resp = await gw.post(url(USERS), json=[user(i) for i in range(101)])
    assert resp.status == 413
    assert portal.calls == []


async def test_intent_left_by_a_crash_is_reconciled_not_duplicated(
    fake_portal: tuple[FakePortal, str], make_gateway: Any, tmp_path: Path
) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    await gw.post(url(USERS), json=[user(1)])
    # simulate the crash window: the portal holds the record, the ledger only the intent
    from gateway.ledger import Ledger

    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.record_intents([("source:user:2", "users", "whatever")])
    ledger.close()
    portal.users[77] = {"ID": "77", "XML_ID": "cloud:user:2", "EMAIL": "user2@example.com"}
    data = await (await gw.post(url(USERS), json=[user(2)])).json()
    assert data["ids"] == {"cloud:user:2": 77}
    assert data["imported"] == 1 and data["failed"] == []
    assert portal.count("user.add") == 1  # only user 1 was ever created by user.add
    assert sum(1 for u in portal.users.values() if u.get("XML_ID") == "cloud:user:2") == 1


async def test_portal_outage_is_503_and_a_resend_completes(fake_portal: Any, make_gateway: Any) -> None:
    portal, target = fake_portal
    gw = await make_gateway(target)
    portal.fail_next = 1
    resp = await gw.post(url(USERS), json=[user(1)])
    assert resp.status == 503 and "Retry-After" in resp.headers
    data = await (await gw.post(url(USERS), json=[user(1)])).json()
    assert data["imported"] == 1
    assert len(portal.users) == 1


async def test_healthz(fake_portal: Any, make_gateway: Any) -> None:
    _, target = fake_portal
    gw = await make_gateway(target)
    await gw.post(url(USERS), json=[user(1)])
    assert await (await gw.get("/healthz")).json() == {"status": "ok", "active_codes": 1}
    data = await (await gw.get("/healthz?ledger=1")).json()
    assert data["status"] == "ok" and data["ledger"] == {"users": 1}
    assert IMPORT_CODE not in str(data)
