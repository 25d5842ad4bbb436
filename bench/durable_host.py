# mypy: disable-error-code="untyped-decorator"
"""Benchmark of the local Durable host (durable_local): host overhead on fan-out and long chains.

Prints one JSON line per measurement:
- ``fan_out``: no-op activities in one ``task_all``: 100 and 1,000 async ones (per-activity overhead at
  both sizes) and 1,000 sync ones in the thread pool (target for 1,000: < 2 s wall, all host overhead);
- ``fan_out_io``: 1,000 activities awaiting 0-50 ms each (seeded): wall time against the ideal
  (total I/O / concurrency cap), i.e. the replay overhead while completions trickle in;
- ``chain``: 1,000 sequential activities, ``continue_as_new`` every 100 (target: < 10 s);
- ``chain_ends``: host overhead per activity in the first and the last generation of the chain,
  to show that it stays flat as the run grows (history is bounded by continue_as_new).

Run: ``.venv/bin/python bench/durable_host.py [--fan-out N] [--chain N] [--every N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import tempfile
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import azure.durable_functions as df

from durable_local.host import LocalDurableHost

app = df.DFApp()
GENERATION_DONE: dict[int, float] = {}


@app.activity_trigger(input_name="value")
async def noop(value: int) -> int:
    return value


@app.activity_trigger(input_name="value")
def sync_noop(value: int) -> int:
    return value


@app.orchestration_trigger(context_name="context")
def fan(context: df.DurableOrchestrationContext) -> Generator[Any, Any, int]:
    spec = context.get_input()
    tasks = [context.call_activity(spec["activity"], i) for i in range(spec["count"])]
    results = yield context.task_all(tasks)
    return len(results)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    state = context.get_input()
    start, total, every = state["start"], state["total"], state["every"]
    for i in range(start, min(start + every, total)):
        yield context.call_activity("noop", i)
    if start + every < total:
        context.continue_as_new({"start": start + every, "total": total, "every": every})
        return None
    return total


async def _fan_out(db: Path, count: int, activity: str = "noop") -> dict[str, Any]:
    async with LocalDurableHost(app, db_path=db) as host:
        started = time.perf_counter()
        iid = host.start_new("fan", json.dumps({"count": count, "activity": activity}))
        status = await host.wait_for(iid, timeout=120)
        wall = time.perf_counter() - started
        assert status["output"] == count, status
        return {"bench": "durable_host.fan_out", "activity": activity, "activities": count,
                "wall_s": round(wall, 3), "per_activity_ms": round(1000 * wall / count, 3),
                "episodes": host.episode_count, "target_s": 2.0, "ok": wall < 2.0}


async def _fan_out_io(db: Path, count: int) -> dict[str, Any]:
    """Activities that await 0-50 ms of simulated I/O: completions trickle in, replays are coalesced."""
    rng = random.Random(7)
    delays = [rng.random() * 0.05 for _ in range(count)]

    async def io_noop(value: int) -> int:
        await asyncio.sleep(delays[value])
        return value

    async with LocalDurableHost(app, db_path=db, activity_overrides={"noop": io_noop}) as host:
        started = time.perf_counter()
        iid = host.start_new("fan", json.dumps({"count": count, "activity": "noop"}))
        await host.wait_for(iid, timeout=120)
        wall = time.perf_counter() - started
        ideal = sum(delays) / host.settings.max_activities
        return {"bench": "durable_host.fan_out_io", "activities": count, "concurrency": host.settings.max_activities,
                "wall_s": round(wall, 3), "ideal_io_s": round(ideal, 3),
                "host_overhead_s": round(wall - ideal, 3), "episodes": host.episode_count}


async def _chain(db: Path, count: int, every: int) -> list[dict[str, Any]]:
    async with LocalDurableHost(app, db_path=db) as host:
        marks: list[float] = []
        started = time.perf_counter()
        iid = host.start_new("chain", json.dumps({"start": 0, "total": count, "every": every}))
        last_input = None
        while True:
            inst = host.instance(iid)
            if inst.input != last_input:
                marks.append(time.perf_counter())
                last_input = inst.input
            if inst.status in ("Completed", "Failed", "Terminated"):
                break
            await asyncio.sleep(0)
        wall = time.perf_counter() - started
        marks.append(time.perf_counter())
        assert inst.output == count, inst.output
        gens = [b - a for a, b in itertools.pairwise(marks) if b > a]
        first, last = gens[0], gens[-1]
        return [
            {"bench": "durable_host.chain", "activities": count, "continue_as_new_every": every,
             "wall_s": round(wall, 3), "per_activity_ms": round(1000 * wall / count, 3),
             "episodes": host.episode_count, "target_s": 10.0, "ok": wall < 10.0},
            {"bench": "durable_host.chain_ends", "generation_size": every,
             "first_generation_per_activity_ms": round(1000 * first / every, 3),
             "last_generation_per_activity_ms": round(1000 * last / every, 3),
             "ratio_last_to_first": round(last / first, 2) if first else None},
        ]


async def _main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small = max(1, args.fan_out // 10)
        for n, activity in ((small, "noop"), (args.fan_out, "noop"), (args.fan_out, "sync_noop")):
            print(json.dumps(await _fan_out(Path(tmp) / f"fan-{n}-{activity}.sqlite", n, activity)), flush=True)
        print(json.dumps(await _fan_out_io(Path(tmp) / "fan-io.sqlite", args.fan_out)), flush=True)
        for line in await _chain(Path(tmp) / "chain.sqlite", args.chain, args.every):
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fan-out", type=int, default=1000)
    parser.add_argument("--chain", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    asyncio.run(_main(parser.parse_args()))
