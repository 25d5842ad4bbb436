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
    python bench/extract.py --latency 0                        # raw simulator speed (no server time)

``--latency F`` (default 1) delays every simulator answer by F × the operating seconds it charged, the way
a real portal spends server time before it answers; the simulator itself only counts that time.

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
    from aiohttp.typedefs import Handler

    from simulator.app import create_app
    from simulator.settings import SimSettings

    settings = SimSettings(fixture=Path(args.fixture) if args.fixture else None, profile=args.profile,
                           limits=args.limits, faults=args.faults, seed=args.seed,
                           webhook_code=CODE, operating_limit_s=args.operating_limit,
                           fault_timeout_s=args.fault_timeout, clock_speed=args.clock_speed)

    application = create_app(settings)
    if args.latency > 0:
        from simulator.app import PORTAL

        stats = application[PORTAL].stats

        @web.middleware
        async def latency(request: web.Request, handler: Handler) -> web.StreamResponse:
            # a real portal spends the operating time it charges before it answers; the simulator only counts
            # it, so delay each answer by the server time it was charged (requests still run concurrently)
            before = sum(stats.operating.values())
            response = await handler(request)
            await asyncio.sleep(max(0.0, sum(stats.operating.values()) - before) * args.latency)
            return response

        application.middlewares.append(latency)

    async def run() -> None:
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(f"listening on http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


def _rss_mb() -> float:
    # VmHWM is this process image's own peak; ru_maxrss would include the parent's peak inherited over fork
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class _Seen:
    """Exactly-once check in a bitmap (a set of a million ints would dominate the RSS being measured)."""

    def __init__(self) -> None:
        self.bits = bytearray(1 << 17)
        self.records = 0
        self.duplicates = 0
        self.distinct = 0

    def add(self, record_id: int) -> None:
        self.records += 1
        byte, bit = divmod(record_id, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(byte - len(self.bits) + (1 << 16)))
        if self.bits[byte] >> bit & 1:
            self.duplicates += 1
        else:
            self.bits[byte] |= 1 << bit
            self.distinct += 1


class _ScaledClock:
    """The client's clock when the simulator runs ``speed`` times faster than real time."""

    def __init__(self, speed: float) -> None:
        from shared.clock import SystemClock

        self.speed = speed
        self.system = SystemClock()

    def now(self) -> Any:
        return self.system.now()

    def monotonic(self) -> float:
        return self.system.monotonic() * self.speed

    def time(self) -> float:
        return self.system.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


async def _ours(url: str, args: argparse.Namespace) -> dict[str, Any]:
    from shared.bitrix24.client import Bitrix24Client
    from shared.bitrix24.export import stream_family
    from shared.bitrix24.ranges import IdRange, plan_ranges, stream_ranges
    from shared.families import get_family

    spec = get_family(args.family)
    seen = _Seen()
    extra: dict[str, Any] = {}
    clock = _ScaledClock(args.clock_speed) if args.clock_speed != 1.0 else None
    async with Bitrix24Client(f"{url}/rest/1/{CODE}/", limits=args.client_limits, timeout_s=args.timeout,
                              clock=clock) as client:
        if spec.paging != "keyset":
            async for group in stream_family(client, args.family, parallel=args.parallel):
                for record in group:
                    seen.add(spec.record_id(record))
        else:
            ranges = await plan_ranges(client, spec, args.parallel)
            checkpoints: dict[int, IdRange] = {r.index: r for r in ranges}
            async for item in stream_ranges(client, spec, ranges):
                for record in item.chunk.records:
                    seen.add(spec.record_id(record))
                checkpoints[item.range.index] = item.range
                if args.resume and seen.records >= args.deals // 2:
                    break  # the "kill": everything after the saved checkpoints is lost
            if args.resume:
                delivered = seen.records
                # checkpoints survive as JSON, as they would in storage
                resumed = [IdRange.from_json(json.loads(json.dumps(r.to_json()))) for r in checkpoints.values()]
                async for item in stream_ranges(client, spec, resumed):
                    for record in item.chunk.records:
                        seen.add(spec.record_id(record))
                extra = {"killed_at": delivered, "reread_after_resume": seen.duplicates}
            extra["ranges"] = len(ranges)
        extra.update({"client_retries": client.stats.retries, "client_errors": dict(client.stats.errors),
                      "client_operating_wait_s": round(client.stats.operating_wait_s, 1)})
    return {"seen": seen, **extra}


async def _fast_bitrix24(url: str, args: argparse.Namespace) -> dict[str, Any]:
    from fast_bitrix24 import BitrixAsync

    bitrix = BitrixAsync(f"{url}/rest/1/{CODE}/", verbose=False)
    rows = await bitrix.get_all(METHOD, {"select": SELECT})
    session = getattr(bitrix.srh, "session", None)
    if session is not None and not session.closed:
        await session.close()
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
    if args.resume and "seen" in out:
        # a resumed read may re-read what was in flight; count distinct records for exactness
        out["seen"].duplicates = 0
    wall = time.perf_counter() - started
    seen = out.pop("seen", None)
    if seen is None:
        seen = _Seen()
        for record_id in out.pop("ids"):
            seen.add(record_id)
    expected = args.expected if args.expected is not None else args.deals
    result = {"records": seen.records, "unique": seen.distinct,
              "exactly_once": seen.duplicates == 0 and seen.distinct == expected,
              "wall_s": round(wall, 2), "peak_rss_mb": _rss_mb(), **out}
    if error:
        result["error"] = error
    print(json.dumps(result), flush=True)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def run_one(name: str, fixture: Path | None, args: argparse.Namespace) -> dict[str, Any]:
    source = ["--fixture", str(fixture)] if fixture is not None else ["--profile", args.profile]
    sim_cmd = [sys.executable, __file__, "serve", *source, "--limits", args.limits,
               "--faults", args.faults, "--seed", str(args.seed), "--operating-limit", str(args.operating_limit),
               "--fault-timeout", str(args.fault_timeout), "--clock-speed", str(args.clock_speed),
               "--latency", str(args.latency)]
    sim = subprocess.Popen(sim_cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"simulator did not start: {line!r}")
        url = line.removeprefix("listening on ")
        expected = _get(url + "/_sim/counts").get(args.family, 0)
        cmd = [sys.executable, __file__, "contender", name, "--url", url, "--deals", str(args.deals),
               "--expected", str(expected), "--family", args.family, "--parallel", str(args.parallel),
               "--timeout", str(args.timeout), "--clock-speed", str(args.clock_speed),
               "--client-limits", args.client_limits or args.limits]
        if args.resume:
            cmd.append("--resume")
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=args.max_wall)
        lines = done.stdout.strip().splitlines()
        result = json.loads(lines[-1]) if lines else {"error": done.stderr[-300:]}
        stats = _get(url + "/_sim/stats")
    finally:
        sim.terminate()
        sim.wait(10)
    errors = stats.get("errors", {})
    return {"contender": name, "family": args.family, "expected": expected, "limits": args.limits,
            "faults": args.faults or None, "latency": args.latency, **result, "http_requests": stats.get("requests"),
            "errors_503": errors.get("QUERY_LIMIT_EXCEEDED", 0), "errors_429": errors.get("OPERATION_TIME_LIMIT", 0),
            "operating_s": {m: round(float(v.get("operating_s", 0.0)), 2)
                            for m, v in stats.get("by_method", {}).items() if v.get("operating_s")},
            "commands": sum(int(v.get("calls", 0)) for v in stats.get("by_method", {}).values()),
            "faults_injected": stats.get("faults_injected", 0), "sim_writes": stats.get("writes", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode")
    srv = sub.add_parser("serve")
    srv.add_argument("--fixture")
    srv.add_argument("--profile", default="tiny")
    srv.add_argument("--limits", default="standard")
    srv.add_argument("--faults", default="")
    srv.add_argument("--seed", type=int, default=1)
    srv.add_argument("--operating-limit", type=float, default=480.0)
    srv.add_argument("--fault-timeout", type=float, default=65.0)
    srv.add_argument("--clock-speed", type=float, default=1.0)
    srv.add_argument("--latency", type=float, default=1.0)
    con = sub.add_parser("contender")
    con.add_argument("contender", choices=CONTENDERS)
    con.add_argument("--url", required=True)
    con.add_argument("--deals", type=int, required=True)
    con.add_argument("--expected", type=int)
    con.add_argument("--family", default="crm_deals")
    con.add_argument("--parallel", type=int, default=4)
    con.add_argument("--timeout", type=float, default=60.0)
    con.add_argument("--clock-speed", type=float, default=1.0)
    con.add_argument("--client-limits", default="standard")
    con.add_argument("--resume", action="store_true")
    for name, kind, default in (("--deals", int, 100_000), ("--limits", str, "standard"), ("--faults", str, ""),
                                ("--seed", int, 1), ("--operating-limit", float, 480.0),
                                ("--fault-timeout", float, 65.0), ("--clock-speed", float, 1.0),
                                ("--latency", float, 1.0), ("--family", str, "crm_deals"), ("--profile", str, None),
                                ("--client-limits", str, None),
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
    if args.profile:
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            print(json.dumps(run_one(name, None, args)), flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "portal.json"
        make_fixture(fixture, args.deals)
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            print(json.dumps(run_one(name, fixture, args)), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
