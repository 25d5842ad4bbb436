"""Gateway throughput: every import.* method into a target-mode simulator (``--limits box``), one JSON line each.

Starts the simulator and the gateway as child processes on free loopback ports (the gateway pinned to one CPU
core), imports N fresh items per method with a few concurrent clients in batches of the method's maximum, then
resends the same items (all duplicates) and prints ``{"bench": "gateway", "method", "items", "imported",
"failed", "items_per_s", "resend_items_per_s", ...}``. Usage: ``python bench/gateway.py [--scale 1.0]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
CODE = "bench-import-code-000000000000"
SIM_CODE = "benchsimcode"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

Maker = Callable[[int], dict[str, Any]]


def _media(n: int) -> dict[str, Any]:
    content = PNG + n.to_bytes(4, "big")
    return {"sourceId": f"cloud:feed:image:{n}", "name": f"img{n}.png", "contentType": "image/png",
            "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "contentB64": base64.b64encode(content).decode()}


# method → (item maker, items at scale 1.0); prerequisites use ids below 10 and are imported first
PLAN: list[tuple[str, Maker, int]] = [
    ("import.users.batch", lambda n: {"sourceId": f"cloud:user:{n}", "email": f"u{n}@bench.example",
                                      "name": f"User {n}", "lastName": "Bench", "departmentIds": [1]}, 20000),
    ("import.groups.batch", lambda n: {"sourceId": f"cloud:group:{n}", "name": f"Group {n}",
                                       "ownerSourceId": "cloud:user:1",
                                       "members": [{"userSourceId": "cloud:user:2"}]}, 2000),
    ("import.chats.batch", lambda n: {"sourceId": f"cloud:chat:{n}", "title": f"Chat {n}",
                                      "ownerSourceId": "cloud:user:1",
                                      "memberSourceIds": ["cloud:user:1", "cloud:user:2"]}, 2000),
    ("import.chat.messages", lambda n: {"sourceId": f"cloud:chat:message:{n}", "chatSourceId": "cloud:chat:1",
                                        "authorSourceId": "cloud:user:2", "text": f"message {n}"}, 5000),
    ("import.media.upload", _media, 500),
    ("import.feed.posts", lambda n: {"sourceId": f"cloud:feed:post:{n}", "authorSourceId": "cloud:user:1",
                                     "message": f"post {n} [DISK FILE ID=cloud:feed:image:1]"}, 2000),
    ("import.feed.comments", lambda n: {"sourceId": f"cloud:feed:comment:{n}", "postSourceId": "cloud:feed:post:1",
                                        "authorSourceId": "cloud:user:2", "text": f"comment {n}"}, 5000),
    ("import.tasks.batch", lambda n: {"sourceId": f"cloud:task:{n}", "title": f"Task {n}",
                                      "responsibleSourceId": "cloud:user:2", "createdBySourceId": "cloud:user:1"},
     5000),
    ("import.task.comments", lambda n: {"sourceId": f"cloud:task:comment:{n}", "taskSourceId": "cloud:task:1",
                                        "authorSourceId": "cloud:user:2", "text": f"comment {n}"}, 5000),
    ("import.crm.companies", lambda n: {"sourceId": f"cloud:crm:company:{n}", "title": f"Company {n}",
                                        "assignedSourceId": "cloud:user:1"}, 5000),
    ("import.crm.contacts", lambda n: {"sourceId": f"cloud:crm:contact:{n}", "name": f"Contact {n}",
                                       "companySourceId": "cloud:crm:company:1"}, 5000),
    ("import.crm.deals", lambda n: {"sourceId": f"cloud:crm:deal:{n}", "title": f"Deal {n}", "opportunity": n,
                                    "companySourceId": "cloud:crm:company:1",
                                    "contactSourceIds": ["cloud:crm:contact:1"],
                                    "assignedSourceId": "cloud:user:2"}, 10000),
    ("import.crm.spitems", lambda n: {"sourceId": f"cloud:crm:sp:128:{n}", "entityTypeId": 128,
                                      "title": f"Item {n}"}, 5000),
    ("import.workflows.tpls", lambda n: {"sourceId": f"cloud:workflow:tpl:{n}", "name": f"BP {n}",
                                         "documentType": ["crm", "CCrmDocumentDeal", "DEAL"],
                                         "templateDataB64": "AAAA"}, 500),
]
MAX_BATCH = {"import.users.batch": 100, "import.groups.batch": 100, "import.chat.messages": 100,
             "import.feed.comments": 100, "import.task.comments": 100, "import.media.upload": 20,
             "import.workflows.tpls": 20}


def _start(args: list[str], cpu: int | None) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit(f"{args[0]} did not start: {line!r}")
    if cpu is not None and hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(proc.pid, {cpu})
    return proc, line.split()[-1]


async def _post(session: aiohttp.ClientSession, endpoint: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
    for _ in range(20):
        async with session.post(endpoint, json=batch) as resp:
            if resp.status == 200:
                return dict(await resp.json())
            await asyncio.sleep(float(resp.headers.get("Retry-After", "0.2")))
    raise RuntimeError(f"gateway kept refusing {endpoint.rsplit('/', 1)[-1]}")


async def _run(session: aiohttp.ClientSession, endpoint: str, items: list[dict[str, Any]], size: int,
               concurrency: int) -> tuple[float, dict[str, int]]:
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    totals = {"imported": 0, "failed": 0, "duplicate": 0}
    queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    for b in batches:
        queue.put_nowait(b)

    async def worker() -> None:
        while not queue.empty():
            body = await _post(session, endpoint, queue.get_nowait())
            totals["imported"] += body["imported"]
            totals["failed"] += len(body["failed"])
            totals["duplicate"] += len(body["duplicate"])

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, totals


async def _bench(gateway: str, sim: str, scale: float, concurrency: int, only: set[str]) -> None:
    base = f"{gateway}/webhook/1/{CODE}/"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{sim}/rest/1/{SIM_CODE}/crm.type.add",
                                json={"fields": {"title": "Bench", "entityTypeId": 128}}) as resp:
            await resp.read()
        for method, make, _ in PLAN:  # prerequisites: ids 1..2 of every family
            await _post(session, base + method, [make(1), make(2)])
        for method, make, count in PLAN:
            if only and method not in only:
                continue
            n = max(20, int(count * scale))
            items = [make(i) for i in range(10, 10 + n)]
            size = MAX_BATCH.get(method, 50)
            wall, totals = await _run(session, base + method, items, size, concurrency)
            rewall, again = await _run(session, base + method, items, size, concurrency)
            print(json.dumps({
                "bench": "gateway", "method": method, "items": n, "batch": size, "concurrency": concurrency,
                "imported": totals["imported"], "failed": totals["failed"], "wall_s": round(wall, 3),
                "items_per_s": round(totals["imported"] / wall, 1),
                "resend_duplicate": again["duplicate"], "resend_items_per_s": round(n / rewall, 1),
                "gateway_cpus": 1,
            }), flush=True)


def main() -> None:
    """Parse flags, start the two servers, run, stop them by PID."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the item counts")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent client batches")
    parser.add_argument("--method", action="append", default=[], help="only these methods (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gwbench") as tmp:
        sim, sim_url = _start(["sim", "serve", "--port", "0", "--mode", "target", "--limits", "box",
                               "--webhook", f"1/{SIM_CODE}"], cpu=1)
        gw, gw_url = None, ""
        try:
            gw, gw_url = _start(["gateway", "serve", "--port", "0", "--db", str(Path(tmp) / "ledger.sqlite"),
                                 "--target-webhook", f"{sim_url}/rest/1/{SIM_CODE}/", "--import-code", CODE,
                                 "--no-rate-limits"], cpu=0)
            asyncio.run(_bench(gw_url, sim_url, args.scale, args.concurrency, set(args.method)))
        finally:
            for proc in (gw, sim):
                if proc is not None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        proc.kill()


if __name__ == "__main__":
    main()
