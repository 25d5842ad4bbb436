"""Benchmark: reading one big family from the simulator with our reader, fast_bitrix24 and b24pysdk.

For each contender a fresh simulator process serves the same fixture (default: 100,000 ``crm_deals``
read with ``select: ["*", "UF_*"]``) with the chosen limits and faults, so that no contender inherits
another's leaky bucket or operating window. Each contender runs in its own process (for a clean peak
RSS), and the bench prints one JSON line per contender: records, distinct ids, whether every id arrived
exactly once, HTTP requests, 503 and 429 counts and operating seconds (from the simulator's
``/_sim/stats``), wall seconds and peak RSS.

    python bench/extract.py                      # acceptance run of issue 4 (100k deals, standard limits)
    python bench/extract.py --faults 503:0.05,500:0.01,timeout:0.01,reset:0.005,badjson:0.005 --only ours
    python bench/extract.py --operating-limit 2 --only ours    # a forced 429 block, waited out
    python bench/extract.py --resume --only ours               # kill at ~50 % and resume from checkpoints

b24pysdk only speaks https; for loopback the bench points its base URL at http (a bench-only patch).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODE = "benchcode"
METHOD = "crm.deal.list"
SELECT = ["*", "UF_*"]
CONTENDERS = ("ours", "fast_bitrix24", "b24pysdk")


def make_fixture(path: Path, deals: int) -> None:
    """A portal with one admin user and ``deals`` deals shaped as ``crm.deal.list`` returns them."""
    users = [{"ID": "1", "ACTIVE": True, "NAME": "Admin", "LAST_NAME": "Bench", "EMAIL": "admin@example.com",
              "IS_ADMIN": True}]
    stages = ("NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "WON", "LOSE")
    rows = []
    for i in range(1, deals + 1):
        rows.append({
            "ID": str(i), "TITLE": f"Deal {i}", "TYPE_ID": "SALE", "STAGE_ID": stages[i % len(stages)],
            "CATEGORY_ID": "0", "CURRENCY_ID": "RUB", "OPPORTUNITY": f"{(i * 37) % 100000}.00",
            "COMPANY_ID": str(i % 500), "CONTACT_ID": str(i % 900), "ASSIGNED_BY_ID": "1", "CREATED_BY_ID": "1",
            "MODIFY_BY_ID": "1", "DATE_CREATE": "2025-03-01T10:00:00+03:00",
            "DATE_MODIFY": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00+03:00", "OPENED": "Y", "CLOSED": "N",
            "COMMENTS": "", "SOURCE_ID": "WEB", "UF_CRM_BENCH_SCORE": str(i % 10),
        })
    data = {"users": users, "crm_deals": rows,
            "portal": {"time_zone_offset": "+03:00", "plan": "standard", "admin_user_id": 1}}
    path.write_text(json.dumps(data), encoding="utf-8")


def serve(args: argparse.Namespace) -> None:
    """Child mode: run one simulator with the given settings and print its port."""
    from aiohttp import web

    from simulator.app import create_app
    from simulator.settings import SimSettings

    settings = SimSettings(fixture=Path(args.fixture), limits=args.limits, faults=args.faults, seed=args.seed,
                           webhook_code=CODE, operating_limit_s=args.operating_limit,
                           fault_timeout_s=args.fault_timeout, clock_speed=args.clock_speed)

    async def run() -> None:
        runner = web.AppRunner(create_app(settings), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(f"listening on http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def _ours(url: str, args: argparse.Namespace) -> dict[str, Any]:
    from shared.bitrix24.client import Bitrix24Client
    from shared.bitrix24.ranges import IdRange, plan_ranges, stream_ranges
    from shared.families import get_family

    spec = get_family("crm_deals")
    ids: list[int] = []
    extra: dict[str, Any] = {}
    async with Bitrix24Client(f"{url}/rest/1/{CODE}/", limits="standard", timeout_s=args.timeout) as client:
        ranges = await plan_ranges(client, spec, args.parallel)
        checkpoints: dict[int, IdRange] = {r.index: r for r in ranges}
        async for item in stream_ranges(client, spec, ranges):
            ids.extend(spec.record_id(r) for r in item.chunk.records)
            checkpoints[item.range.index] = item.range
            if args.resume and len(ids) >= args.deals // 2:
                break  # the "kill": everything after the saved checkpoints is lost
        if args.resume:
            delivered = len(ids)
            resumed = [IdRange.from_json(json.loads(json.dumps(r.to_json()))) for r in checkpoints.values()]
            async for item in stream_ranges(client, spec, resumed):
                ids.extend(spec.record_id(r) for r in item.chunk.records)
            extra = {"killed_at": delivered, "ranges": len(ranges)}
        extra.update({"client_retries": client.stats.retries, "client_errors": dict(client.stats.errors),
                      "ranges": len(ranges)})
    return {"ids": ids, **extra}


async def _fast_bitrix24(url: str, args: argparse.Namespace) -> dict[str, Any]:
    from fast_bitrix24 import BitrixAsync

    bitrix = BitrixAsync(f"{url}/rest/1/{CODE}/", verbose=False)
    rows = await bitrix.get_all(METHOD, {"select": SELECT})
    return {"ids": [int(r["ID"]) for r in rows]}


def _b24pysdk(url: str, args: argparse.Namespace) -> dict[str, Any]:
    import importlib

    from b24pysdk.credentials.bitrix_token import BitrixWebhook

    # b24pysdk builds https://<domain>/rest; the simulator listens on plain http on loopback
    caller = importlib.import_module("b24pysdk.api.callers.call_method")
    caller._MethodCaller._base_url = property(lambda self: f"http://{self._domain}/rest")
    token = BitrixWebhook(domain=url.split("//", 1)[1], webhook_token=f"1/{CODE}")
    response = token.call_list_fast(METHOD, {"select": SELECT})
    rows = response["result"] if isinstance(response, dict) else response.result
    ids = [int(r["ID"]) for r in rows]
    return {"ids": ids}


def contender(args: argparse.Namespace) -> None:
    """Child mode: run one contender against ``args.url`` and print its JSON result."""
    started = time.perf_counter()
    error = None
    try:
        if args.contender == "ours":
            out = asyncio.run(_ours(args.url, args))
        elif args.contender == "fast_bitrix24":
            out = asyncio.run(_fast_bitrix24(args.url, args))
        else:
            out = _b24pysdk(args.url, args)
    except Exception as exc:  # a contender that crashes is a result, reported as such
        out, error = {"ids": []}, f"{type(exc).__name__}: {exc}"[:300]
    wall = time.perf_counter() - started
    ids = out.pop("ids")
    unique = set(ids)
    result = {"records": len(ids), "unique": len(unique),
              "exactly_once": len(ids) == len(unique) == args.deals and unique == set(range(1, args.deals + 1)),
              "wall_s": round(wall, 2), "peak_rss_mb": _rss_mb(), **out}
    if error:
        result["error"] = error
    print(json.dumps(result), flush=True)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def run_one(name: str, fixture: Path, args: argparse.Namespace) -> dict[str, Any]:
    sim_cmd = [sys.executable, __file__, "serve", "--fixture", str(fixture), "--limits", args.limits,
               "--faults", args.faults, "--seed", str(args.seed), "--operating-limit", str(args.operating_limit),
               "--fault-timeout", str(args.fault_timeout), "--clock-speed", str(args.clock_speed)]
    sim = subprocess.Popen(sim_cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"simulator did not start: {line!r}")
        url = line.removeprefix("listening on ")
        cmd = [sys.executable, __file__, "contender", name, "--url", url, "--deals", str(args.deals),
               "--parallel", str(args.parallel), "--timeout", str(args.timeout)]
        if args.resume:
            cmd.append("--resume")
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=args.max_wall)
        lines = done.stdout.strip().splitlines()
        result = json.loads(lines[-1]) if lines else {"error": done.stderr[-300:]}
        stats = _get(url + "/_sim/stats")
    finally:
        sim.terminate()
        sim.wait(10)
    by_method = stats.get("by_method", {}).get(METHOD, {})
    return {"contender": name, "family": "crm_deals", "deals": args.deals, "limits": args.limits,
            "faults": args.faults or None, **result, "http_requests": stats.get("requests"),
            "errors_503": stats.get("errors", {}).get("QUERY_LIMIT_EXCEEDED", 0),
            "errors_429": stats.get("errors", {}).get("OPERATION_TIME_LIMIT", 0),
            "operating_s": round(float(by_method.get("operating_s", 0.0)), 2),
            "commands": by_method.get("calls"), "faults_injected": stats.get("faults_injected", 0),
            "sim_writes": stats.get("writes", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode")
    srv = sub.add_parser("serve")
    srv.add_argument("--fixture", required=True)
    srv.add_argument("--limits", default="standard")
    srv.add_argument("--faults", default="")
    srv.add_argument("--seed", type=int, default=1)
    srv.add_argument("--operating-limit", type=float, default=480.0)
    srv.add_argument("--fault-timeout", type=float, default=65.0)
    srv.add_argument("--clock-speed", type=float, default=1.0)
    con = sub.add_parser("contender")
    con.add_argument("contender", choices=CONTENDERS)
    con.add_argument("--url", required=True)
    con.add_argument("--deals", type=int, required=True)
    con.add_argument("--parallel", type=int, default=4)
    con.add_argument("--timeout", type=float, default=60.0)
    con.add_argument("--resume", action="store_true")
    for name, kind, default in (("--deals", int, 100_000), ("--limits", str, "standard"), ("--faults", str, ""),
                                ("--seed", int, 1), ("--operating-limit", float, 480.0),
                                ("--fault-timeout", float, 65.0), ("--clock-speed", float, 1.0),
                                ("--parallel", int, 4), ("--timeout", float, 60.0), ("--max-wall", float, 900.0)):
        parser.add_argument(name, type=kind, default=default)
    parser.add_argument("--only", default=",".join(CONTENDERS), help="comma-separated contenders")
    parser.add_argument("--resume", action="store_true", help="ours: stop at ~50 %% and resume from checkpoints")
    args = parser.parse_args()
    if args.mode == "serve":
        serve(args)
        return
    if args.mode == "contender":
        contender(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "portal.json"
        make_fixture(fixture, args.deals)
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            print(json.dumps(run_one(name, fixture, args)), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
