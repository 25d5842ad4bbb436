"""Crash test: SIGKILL the gateway process in the middle of 20 concurrent batches, restart it on the same
ledger, resend everything: the target portal holds every record exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).parent))
from gw_kit import CODE, IMPORT_CODE, ServeThread, target_app, url, user

BATCHES, PER_BATCH = 20, 50
ROOT = Path(__file__).resolve().parents[3]


def _slow_answers(delay_s: float, written: list[int]) -> Any:
    @web.middleware
    async def slow(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                   ) -> web.StreamResponse:
        # the write happens first, the answer comes late: the kill lands between portal write and ledger commit
        response = await handler(request)
        written.append(1)
        await asyncio.sleep(delay_s)
        return response

    return slow


def _start_gateway(db: Path, target: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli.gateway import app; app()", "serve", "--port", "0", "--db", str(db),
         "--target-webhook", target, "--import-code", IMPORT_CODE, "--no-rate-limits"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), line
    return proc, line.split()[-1]


async def _send(session: aiohttp.ClientSession, base: str, batch: list[dict[str, Any]]) -> int:
    try:
        async with session.post(base + url("import.users.batch"), json=batch) as resp:
            await resp.read()
            return resp.status
    except aiohttp.ClientError:
        return 0


async def _resend(session: aiohttp.ClientSession, base: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
    async with session.post(base + url("import.users.batch"), json=batch) as resp:
        assert resp.status == 200
        return dict(await resp.json())


async def _dump_users(target: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(target + "/_sim/dump") as resp:
        return list((await resp.json())["users"])


async def test_sigkill_mid_import_then_resend_yields_each_record_once(tmp_path: Path) -> None:
    app, fake = target_app()
    written: list[int] = []
    app.middlewares.append(_slow_answers(0.3, written))
    batches = [[user(b * PER_BATCH + i, departmentIds=[1]) for i in range(PER_BATCH)] for b in range(BATCHES)]
    db = tmp_path / "ledger.sqlite"
    with ServeThread(app) as target:
        webhook = f"{target.base}/rest/1/{CODE}/"
        proc, base = _start_gateway(db, webhook)
        async with aiohttp.ClientSession() as session:
            sends = [asyncio.ensure_future(_send(session, base, b)) for b in batches]
            for _ in range(500):
                if written:
                    break
                await asyncio.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            first = await asyncio.gather(*sends)
        assert first.count(200) < BATCHES, "the kill came too late to test anything"
        with sqlite3.connect(db) as con:
            pending = con.execute("SELECT COUNT(*) FROM records WHERE target_id IS NULL").fetchone()[0]
        # the crash window was hit: intents whose portal write may have happened
        assert pending > 0

        proc, base = _start_gateway(db, webhook)
        try:
            async with aiohttp.ClientSession() as session:
                results = await asyncio.gather(*(_resend(session, base, b) for b in batches))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        users = list(fake.users.values()) if fake is not None else await _dump_users(target.base)
    xml_ids = [u["XML_ID"] for u in users]
    assert len(xml_ids) == BATCHES * PER_BATCH
    assert len(set(xml_ids)) == len(xml_ids)
    assert all(r["failed"] == [] for r in results)
    assert sum(len(r["ids"]) for r in results) == BATCHES * PER_BATCH
    # some records were written before the kill and are now duplicates or reconciled, never created twice
    assert sum(len(r["duplicate"]) for r in results) + sum(r["imported"] for r in results) == BATCHES * PER_BATCH
