"""user.get over real HTTP: offset paging, `start=-1`, filters, sorting, envelopes, auth and unknown methods."""

from __future__ import annotations

import json
from typing import Any

W = "/rest/1/simcode"


async def get_json(client: Any, path: str, **kwargs: Any) -> tuple[int, Any, str]:
    response = await client.get(path, **kwargs)
    text = await response.text()
    return response.status, json.loads(text), text


async def test_offset_paging_walks_every_user_once(sim: Any) -> None:
    client = await sim()
    counts = await (await client.get("/_sim/counts")).json()
    seen: list[int] = []
    start: int | None = 0
    pages = 0
    while start is not None:
        status, body, text = await get_json(client, f"{W}/user.get", params={"start": str(start)})
        assert status == 200
        assert list(body)[:1] == ["result"] and list(body)[-1] == "time"
        assert body["total"] == counts["users"]
        assert len(body["result"]) <= 50
        seen += [int(u["ID"]) for u in body["result"]]
        if "next" in body:
            # the real key order: result, next, total, time
            assert text.index('"next"') < text.index('"total"') < text.index('"time"')
            assert body["next"] == start + 50
        start = body.get("next")
        pages += 1
    assert 120 <= counts["users"] <= 400
    assert pages >= 3
    assert seen == sorted(seen) and len(set(seen)) == counts["users"]
    assert all(isinstance(u["ID"], str) for u in body["result"])


async def test_start_minus_one_has_no_count_and_no_next(sim: Any) -> None:
    client = await sim()
    status, body, _ = await get_json(
        client, f"{W}/user.get", params={"start": "-1", "FILTER[>ID]": "10", "SORT": "ID", "ORDER": "ASC"}
    )
    assert status == 200
    assert body["total"] == 0 and "next" not in body
    ids = [int(u["ID"]) for u in body["result"]]
    assert len(ids) == 50 and min(ids) > 10 and ids == sorted(ids)


async def test_empty_result_has_no_total(sim: Any) -> None:
    client = await sim()
    _, body, _ = await get_json(client, f"{W}/user.get", params={"FILTER[EMAIL]": "nobody@nowhere"})
    assert body["result"] == [] and "total" not in body and "next" not in body
    _, keyset, _ = await get_json(client, f"{W}/user.get", params={"start": "-1", "FILTER[>ID]": "100000"})
    assert keyset["result"] == [] and "total" not in keyset


async def test_filters_and_sort(sim: Any) -> None:
    client = await sim()
    _, first, _ = await get_json(client, f"{W}/user.get", params={"start": "0"})
    target = first["result"][7]
    # equality on any field, top-level keys as the filter when FILTER is absent
    _, by_email, _ = await get_json(client, f"{W}/user.get", params={"EMAIL": target["EMAIL"]})
    assert [u["ID"] for u in by_email["result"]] == [target["ID"]]
    # @ID set in a JSON body, and a descending sort needs both SORT and ORDER
    response = await client.post(
        f"{W}/user.get", json={"FILTER": {"@ID": [1, 3, int(target["ID"])]}, "SORT": "ID", "ORDER": "DESC"}
    )
    body = await response.json()
    existing = {int(u["ID"]) for u in first["result"]}
    wanted = sorted({1, 3, int(target["ID"])} & existing, reverse=True)
    assert [int(u["ID"]) for u in body["result"]] == wanted
    # ORDER without SORT is ignored: ID ASC
    _, plain, _ = await get_json(client, f"{W}/user.get", params={"ORDER": "DESC"})
    assert plain["result"][0]["ID"] == "1"
    # ACTIVE filter; some generated users are fired, the webhook user is an active admin
    _, inactive, _ = await get_json(client, f"{W}/user.get", params={"FILTER[ACTIVE]": "N"})
    assert inactive["result"] and all(u["ACTIVE"] is False for u in inactive["result"])
    _, me, _ = await get_json(client, f"{W}/profile")
    assert me["result"]["ADMIN"] is True


async def test_method_names_are_case_insensitive_and_json_suffix(sim: Any) -> None:
    client = await sim()
    status, body, _ = await get_json(client, f"{W}/USER.Get.json", params={"start": "-1"})
    assert status == 200 and len(body["result"]) == 50


async def test_wrong_code_and_unknown_method(sim: Any) -> None:
    client = await sim()
    status, body, _ = await get_json(client, "/rest/1/wrong/user.get")
    assert status == 401 and body == {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"}
    status, body, _ = await get_json(client, "/rest/2/simcode/user.get")
    assert status == 401
    status, body, _ = await get_json(client, f"{W}/no.such.method")
    assert status == 404 and body == {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
    response = await client.post(f"{W}/user.get", data=b"{broken", headers={"Content-Type": "application/json"})
    assert response.status == 400 and (await response.json())["error"] == "INVALID_REQUEST"
    stats = await (await client.get("/_sim/stats")).json()
    assert stats["errors"]["NO_AUTH_FOUND"] == 2 and stats["errors"]["ERROR_METHOD_NOT_FOUND"] == 1


async def test_generation_is_deterministic_per_seed(sim: Any) -> None:
    one, two, other = await sim(seed=7), await sim(seed=7), await sim(seed=8)
    dumps = [await (await c.get("/_sim/dump")).json() for c in (one, two, other)]
    assert dumps[0] == dumps[1]  # every family, not only users
    assert dumps[0]["users"] != dumps[2]["users"]
    names = " ".join(u["LAST_NAME"] for u in dumps[0]["users"])
    assert any("а" <= ch <= "я" for ch in names) and any("a" <= ch <= "z" for ch in names)
