"""batch over real HTTP: chained keyset pages with `$result[...]` references, the five maps, halt, the 50 limit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

W = "/rest/1/simcode"


async def test_chained_keyset_pages_read_every_user(sim: Any) -> None:
    client = await sim()
    counts = await (await client.get("/_sim/counts")).json()
    cmd = {"req_0": "user.get?" + urlencode({"start": -1, "SORT": "ID", "ORDER": "ASC", "FILTER[>ID]": 0})}
    for k in range(1, 10):
        cmd[f"req_{k}"] = (
            "user.get?"
            + urlencode({"start": -1, "SORT": "ID", "ORDER": "ASC"})
            + (f"&FILTER[>ID]=$result[req_{k - 1}][49][ID]")
        )
    response = await client.post(f"{W}/batch", json={"halt": 1, "cmd": cmd})
    assert response.status == 200
    body = await response.json()
    assert list(body) == ["result", "time"]
    maps = body["result"]
    assert list(maps) == ["result", "result_error", "result_total", "result_next", "result_time"]
    ids = [int(u["ID"]) for key in cmd for u in maps["result"].get(key, [])]
    assert len(ids) == counts["users"] and ids == sorted(set(ids))
    # start=-1 pages: total 0 for pages with rows, no next at all, and PHP's [] for empty maps
    assert maps["result_next"] == [] and maps["result_error"] == []
    assert maps["result_total"]["req_0"] == 0
    keys = {"start", "finish", "duration", "processing", "date_start", "date_finish"}
    assert set(maps["result_time"]["req_0"]) == keys
    stats = await (await client.get("/_sim/stats")).json()
    assert stats["requests"] == 1 and stats["by_method"]["user.get"]["calls"] == 10


async def test_references_to_next_total_and_whole_values(sim: Any) -> None:
    client = await sim()
    cmd = {
        "first": "user.get?start=0",
        "again": "user.get?start=$next[first]",
        "one": "user.get?ID=$result[first][3][ID]",
        "count": "user.get?start=$total[first]",
    }
    body = await (await client.post(f"{W}/batch", json={"cmd": cmd})).json()
    maps = body["result"]
    assert maps["result_next"]["first"] == 50 and maps["result_next"]["again"] == 100
    assert maps["result"]["again"][0]["ID"] == maps["result"]["first"][-1]["ID"] or int(
        maps["result"]["again"][0]["ID"]
    ) > int(maps["result"]["first"][-1]["ID"])
    assert maps["result"]["one"][0]["ID"] == maps["result"]["first"][3]["ID"]
    # start past the end: an empty user.get result, which carries no total at all
    assert maps["result"]["count"] == [] and "count" not in maps["result_total"]


async def test_form_encoded_batch_with_double_encoded_commands(sim: Any) -> None:
    client = await sim()
    first = (await (await client.get(f"{W}/user.get")).json())["result"]
    wanted = [first[4]["ID"], first[9]["ID"]]
    query = urlencode({"FILTER[@ID][0]": wanted[0], "FILTER[@ID][1]": wanted[1]})
    form = urlencode({"cmd[a]": "user.get?" + query, "cmd[b]": "nope"})
    response = await client.post(f"{W}/batch", data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    maps = (await response.json())["result"]
    assert [u["ID"] for u in maps["result"]["a"]] == wanted
    assert maps["result_error"]["b"]["error"] == "ERROR_METHOD_NOT_FOUND"


async def test_halt_stops_after_first_failure(sim: Any) -> None:
    client = await sim()
    cmd = {"a": "user.get?start=-1", "b": "unknown.method", "c": "user.get?start=-1"}
    maps = (await (await client.post(f"{W}/batch", json={"halt": 1, "cmd": cmd})).json())["result"]
    assert list(maps["result"]) == ["a"] and list(maps["result_error"]) == ["b"]
    maps = (await (await client.post(f"{W}/batch", json={"halt": 0, "cmd": cmd})).json())["result"]
    assert list(maps["result"]) == ["a", "c"]


async def test_more_than_50_commands_get_per_command_errors(sim: Any) -> None:
    client = await sim()
    cmd = [f"user.get?start=-1&FILTER[ID]={i + 1}" for i in range(53)]
    response = await client.post(f"{W}/batch", json={"cmd": cmd})
    assert response.status == 200
    maps = (await response.json())["result"]
    assert len(maps["result"]) == 50
    assert set(maps["result_error"]) == {"50", "51", "52"}
    assert maps["result_error"]["50"] == {
        "error": "ERROR_BATCH_LENGTH_EXCEEDED",
        "error_description": "Max batch length exceeded",
    }
    nested = (await (await client.post(f"{W}/batch", json={"cmd": {"x": "batch?cmd[y]=user.get"}})).json())["result"]
    assert nested["result_error"]["x"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"
    stats = await (await client.get("/_sim/stats")).json()
    assert stats["errors"]["ERROR_BATCH_LENGTH_EXCEEDED"] == 3
