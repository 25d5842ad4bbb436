"""Parallel id ranges, checkpoint resume and the per-command batch engine against the simulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.bitrix24.batching import run_commands
from shared.bitrix24.client import Bitrix24Client
from shared.bitrix24.errors import MethodNotFound
from shared.bitrix24.ranges import IdRange, id_bounds, plan_ranges, split_ranges, stream_ranges, stream_records
from shared.families import get_family

USERS = get_family("users")
SimFactory = Callable[..., Awaitable[Any]]


async def user_ids(sim: Any) -> list[int]:
    dump = await sim.get("/_sim/dump")
    return sorted(int(u["ID"]) for u in dump["users"])


def test_split_ranges_covers_the_id_space_without_overlap() -> None:
    ranges = split_ranges(1, 1000, 4)
    assert [(r.after, r.upper) for r in ranges] == [(0, 250), (250, 500), (500, 750), (750, None)]
    assert split_ranges(5, 6, 10) == [IdRange(0, 4, 5), IdRange(1, 5, None, hint=6)]
    assert IdRange.from_json(ranges[1].to_json()) == ranges[1]


async def test_bounds_and_parallel_stream(start_sim: SimFactory) -> None:
    sim = await start_sim()
    expected = await user_ids(sim)
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        assert await id_bounds(client, USERS) == (expected[0], expected[-1])
        # a tiny portal is one range: not worth parallel chains
        assert len(await plan_ranges(client, USERS, 4)) == 1
        ranges = split_ranges(expected[0], expected[-1], 4)
        got = [int(r["ID"]) async for r in _records(stream_ranges(client, USERS, ranges, max_pages=1))]
        via_helper = [int(r["ID"]) async for r in stream_records(client, USERS, checkpoints=ranges, max_pages=1)]
    assert sorted(got) == expected and len(got) == len(set(got))
    assert sorted(via_helper) == expected


async def _records(stream: Any) -> Any:
    async for item in stream:
        for record in item.chunk.records:
            yield record


async def test_resume_from_checkpoints_rereads_nothing_already_delivered(start_sim: SimFactory) -> None:
    sim = await start_sim()
    expected = await user_ids(sim)
    ranges = split_ranges(expected[0], expected[-1], 3)
    checkpoints = {r.index: r for r in ranges}
    delivered: list[int] = []
    async with Bitrix24Client(sim.webhook, limits="off") as client:
        async for item in stream_ranges(client, USERS, ranges, max_pages=1):
            delivered.extend(int(r["ID"]) for r in item.chunk.records)
            checkpoints[item.range.index] = item.range
            if len(delivered) >= len(expected) // 2:
                break  # the "kill" at ~50 %
        async for item in stream_ranges(client, USERS, list(checkpoints.values()), max_pages=1):
            delivered.extend(int(r["ID"]) for r in item.chunk.records)
            checkpoints[item.range.index] = item.range
    assert sorted(delivered) == expected
    assert len(delivered) == len(set(delivered))
    assert all(r.done for r in checkpoints.values())


async def test_batch_engine_keeps_good_commands_and_reports_bad_ones(start_sim: SimFactory) -> None:
    sim = await start_sim(faults="503:0.2,500:0.1", seed=4)
    expected = await user_ids(sim)
    commands: dict[str, tuple[str, dict[str, Any]]] = {
        f"u{uid}": ("user.get", {"FILTER": {"ID": uid}}) for uid in expected[:120]
    }
    commands["bad"] = ("crm.type.get", {"id": 1})
    async with Bitrix24Client(sim.webhook, limits="off", max_backoff_s=0.01, max_tries=30) as client:
        outcomes = await run_commands(client, commands)
    assert set(outcomes) == set(commands)
    for uid in expected[:120]:
        outcome = outcomes[f"u{uid}"]
        assert outcome.ok and int(outcome.result[0]["ID"]) == uid
    bad = outcomes["bad"]
    assert not bad.ok and bad.error is not None
    assert isinstance(bad.error, MethodNotFound) or bad.error.code
    stats = await sim.get("/_sim/stats")
    # 121 commands: three batches, plus retried HTTP requests for the injected faults
    assert stats["by_method"]["user.get"]["calls"] >= 120
