"""The client and the keyset reader against the real simulator app over loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.errors import InsufficientScope, NoAuthFound, WriteRefused
from shared.bitrix24.keyset import fetch_keyset_chunk
from shared.families import get_family
from shared.families.spec import FamilySpec

USERS = get_family("users")
CODE = "keysetcode77"
# the fixture `start_sim` (conftest.py) starts simulators; typed loosely because conftest is not importable
Sim = Any
SimFactory = Callable[..., Awaitable[Any]]


class SimClock:
    """A ``Clock`` whose sleeps move the simulator's clock forward instead of waiting for real."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.offset = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def time(self) -> float:
        return time.time() + self.offset

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.sleeps.append(seconds)
            self.offset += seconds
            await self.sim.advance(seconds)


async def read_all(client: Bitrix24Client, spec: FamilySpec, *, max_pages: int = 50,
                   extra_filter: dict[str, Any] | None = None, after: int = 0) -> tuple[list[dict[str, Any]], int]:
    records: list[dict[str, Any]] = []
    requests = 0
    while True:
        chunk = await fetch_keyset_chunk(client, spec, after, max_pages=max_pages, extra_filter=extra_filter)
        records.extend(chunk.records)
        requests += chunk.http_requests
        assert chunk.last_id >= after
        after = chunk.last_id
        if chunk.done:
            return records, requests


async def source_user_ids(sim: Sim) -> list[int]:
    dump = await sim.get("/_sim/dump")
    return sorted(int(u["ID"]) for u in dump["users"])


async def test_one_batch_reads_every_user_once(start_sim: SimFactory) -> None:
    sim = await start_sim()
    expected = await source_user_ids(sim)
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        records, requests = await read_all(client, USERS)
    assert [int(r["ID"]) for r in records] == expected
    assert requests == 1
    stats = await sim.get("/_sim/stats")
    assert stats["requests"] == 1 and stats["writes"] == 0


async def test_small_chains_resume_from_the_checkpoint(start_sim: SimFactory) -> None:
    sim = await start_sim()
    expected = await source_user_ids(sim)
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        records, requests = await read_all(client, USERS, max_pages=2)
    ids = [int(r["ID"]) for r in records]
    assert ids == expected and len(set(ids)) == len(ids)
    assert requests == len(expected) // 100 + 1


async def test_extra_filter_bounds_an_id_range(start_sim: SimFactory) -> None:
    sim = await start_sim()
    expected = await source_user_ids(sim)
    middle = expected[len(expected) // 2]
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        low, _ = await read_all(client, USERS, extra_filter={"<=ID": middle})
        high, _ = await read_all(client, USERS, after=middle)
    assert [int(r["ID"]) for r in low + high] == expected


async def test_write_calls_never_reach_the_portal(start_sim: SimFactory) -> None:
    sim = await start_sim()
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        with pytest.raises(WriteRefused):
            await client.call("user.add", {"EMAIL": "x@example.com"})
        with pytest.raises(WriteRefused):
            await client.batch({"a": ("user.get", {}), "b": ("user.update", {"ID": 1, "NAME": "x"})})
    stats = await sim.get("/_sim/stats")
    assert stats["requests"] == 0 and stats["writes"] == 0


async def test_wrong_webhook_code_names_the_portal(start_sim: SimFactory) -> None:
    sim = await start_sim()
    async with Bitrix24Client(sim.webhook.replace(CODE, "nottheone"), limits="off") as client:
        with pytest.raises(NoAuthFound) as info:
            await fetch_keyset_chunk(client, USERS, 0)
    assert "rejected the webhook (NO_AUTH_FOUND)" in str(info.value)
    assert "nottheone" not in str(info.value) and sim.base.split("//")[1] in str(info.value)


async def test_missing_scope_is_permanent(start_sim: SimFactory) -> None:
    sim = await start_sim(scopes=["crm"])
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        with pytest.raises(InsufficientScope):
            await fetch_keyset_chunk(client, USERS, 0)


async def test_faults_lose_and_duplicate_nothing(start_sim: SimFactory) -> None:
    # limits off on both sides: a 503 makes the client pace itself at 2 req/s, which is right but slow here
    sim = await start_sim(faults="503:0.15,500:0.1,badjson:0.1,html:0.05,reset:0.05,timeout:0.05",
                          fault_timeout_s=0.5)
    expected = await source_user_ids(sim)
    async with Bitrix24Client(sim.webhook, limits="off", timeout_s=0.3, max_backoff_s=0.05,
                              max_tries=20) as client:
        for _ in range(6):
            records, _ = await read_all(client, USERS, max_pages=1)
            assert [int(r["ID"]) for r in records] == expected
    assert client.stats.retries > 0, client.stats
    stats = await sim.get("/_sim/stats")
    assert stats["faults_injected"] > 0


async def test_operating_block_is_waited_out(start_sim: SimFactory) -> None:
    # a budget so small that a few pages exhaust it: the reader must wait on the simulated clock and finish
    sim = await start_sim(limits="standard", operating_limit_s=0.001)
    expected = await source_user_ids(sim)
    clock = SimClock(sim)
    async with Bitrix24Client(sim.webhook, limits="standard", clock=clock) as client:
        records, _ = await read_all(client, USERS, max_pages=1)
    assert [int(r["ID"]) for r in records] == expected
    assert client.stats.errors.get("OPERATION_TIME_LIMIT", 0) > 0
    assert client.stats.operating_wait_s >= 60.0


async def test_get_fallback_encodes_nested_params_like_php(start_sim: SimFactory) -> None:
    sim = await start_sim()
    params = {"SORT": "ID", "ORDER": "DESC", "FILTER": {">ID": 5, "@ID": [7, 9, 11]}, "start": -1}
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        posted = await client.call("user.get", params)
        got = await client.call("user.get", params, via_get=True)
    assert [r["ID"] for r in got.result] == [r["ID"] for r in posted.result] == ["11", "9", "7"]
