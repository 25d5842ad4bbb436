"""Benchmark: records per second the simulator serves through `batch` with `--limits off` (one process, one core).

Starts `b24migrate sim serve` as a child process (its event loop is single-threaded, so it uses one core), then reads
a family with chained keyset pages: 50 commands of `start=-1` pages per `batch`, each command's `>ID` taken from the
previous one's 50th row by `$result[...]` reference, as the migrator's extractor does.  Prints one JSON line.

    .venv/bin/python bench/simulator.py [--profile medium] [--method crm.deal.list] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent


def _command(method: str, first: Any, key: str | None) -> dict[str, str]:
    id_key = "id" if method == "crm.item.list" else "ID"
    extra = "&entityTypeId=2" if method == "crm.item.list" else ""
    order = "SORT=ID&ORDER=ASC" if method == "user.get" else f"order[{id_key}]=ASC"
    where = "FILTER" if method == "user.get" else "filter"
    path = "[items]" if method == "crm.item.list" else ""
    cmd = {"p0": f"{method}?{order}&{where}[>{id_key}]={first}&start=-1{extra}"}
    for k in range(1, 50):
        ref = f"$result[p{k - 1}]{path}[49][{id_key}]"
        cmd[f"p{k}"] = f"{method}?{order}&{where}[>{id_key}]={ref}&start=-1{extra}"
    return cmd


async def _read(base: str, method: str, seconds: float) -> dict[str, Any]:
    records = requests = 0
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() - started < seconds:
            last: Any = 0
            while True:
                async with session.post(
                    f"{base}/rest/1/simcode/batch", json={"halt": 1, "cmd": _command(method, last, None)}
                ) as response:
                    body = orjson.loads(await response.read())
                requests += 1
                pages = [p for p in body["result"]["result"].values()] if body["result"]["result"] else []
                rows = [r for page in pages for r in (page["items"] if isinstance(page, dict) else page)]
                records += len(rows)
                if not rows or len(rows) < 2500:
                    break
                last = rows[-1]["id" if method == "crm.item.list" else "ID"]
    wall = time.perf_counter() - started
    return {
        "records": records,
        "http_requests": requests,
        "wall_s": round(wall, 3),
        "records_per_s": round(records / wall, 1),
    }


def _peak_rss_mb(pid: int) -> float | None:
    """The simulator process's peak resident set (Linux `VmHWM`), or None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--method", default="crm.deal.list", choices=("crm.deal.list", "user.get", "crm.item.list"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cpu", type=int, default=0, help="pin the simulator process to this CPU (-1: no pinning)")
    args = parser.parse_args()
    cpu = args.cpu if args.cpu >= 0 and hasattr(os, "sched_setaffinity") else None
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cli.sim import app; app()",
            "serve",
            "--port",
            "0",
            "--profile",
            args.profile,
            "--limits",
            "off",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        # one core for the simulator: the requirement is throughput on a single core
        preexec_fn=(lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        startup = time.perf_counter() - started
        base = line.removeprefix("listening on ")
        result = asyncio.run(_read(base, args.method, args.seconds))
        result["server_peak_rss_mb"] = _peak_rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    print(
        json.dumps(
            {
                "bench": "simulator_batch",
                "profile": args.profile,
                "method": args.method,
                "server_cpu": cpu,
                "startup_s": round(startup, 2),
                **result,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
