"""Crash safety: ``kill -9`` the host process at random points; the run still completes exactly right.

An orchestration fans out 200 activities and then runs a sub-orchestration chain. The host process
(``host serve``) is SIGKILLed at five random moments and restarted on the same SQLite file each time.
After every kill the test reads which activity completions the database had committed; no process
started afterwards may start any of those activities again (completed work is never re-run), while
every activity runs at least once and the output is correct.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

COUNT, CHAIN = 200, 20
TASK_SCHEDULED, TASK_COMPLETED = 4, 5


async def _spawn(app_dir: Path, db: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli.host import app; app()", "serve", "--port", "0",
         "--app", "dl_test_app:app", "--db", str(db)],
        cwd=app_dir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout=30)
    assert line.startswith("listening on "), line
    return proc, line.split("listening on ", 1)[1].strip()


def _reap(proc: subprocess.Popen[str]) -> None:
    proc.wait(timeout=30)
    if proc.stdout is not None:
        proc.stdout.close()


def _committed_completions(db: Path) -> set[int]:
    """Activity numbers whose completion the database holds (in a history or an inbox)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT instance_id, event FROM history UNION ALL "
                            "SELECT instance_id, event FROM inbox").fetchall()
    finally:
        conn.close()
    scheduled: dict[tuple[str, int], int] = {}
    completed: list[tuple[str, int]] = []
    for iid, raw in rows:
        event = json.loads(raw)
        if event["EventType"] == TASK_SCHEDULED:
            scheduled[(iid, event["EventId"])] = json.loads(event["Input"])["i"]
        elif event["EventType"] == TASK_COMPLETED:
            completed.append((iid, event["TaskScheduledId"]))
    return {scheduled[key] for key in completed}


def _runs(log: Path) -> list[tuple[str, int, int]]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [(kind, int(i), int(pid)) for kind, i, pid in (line.split() for line in lines)]


async def _status(url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(
            f"{url}/runtime/webhooks/durabletask/instances/chaos-1") as response:
        return dict(await response.json())


async def test_sigkill_at_five_random_points(tmp_path: Path, app_dir: Path) -> None:
    db, log = tmp_path / "chaos.sqlite", tmp_path / "runs.log"
    spec = {"count": COUNT, "chain": CHAIN, "sleep": 0.08, "log": str(log)}
    rng = random.Random(20261203)
    proc, url = await _spawn(app_dir, db)
    async with aiohttp.ClientSession() as session, session.post(
            f"{url}/runtime/webhooks/durabletask/orchestrators/chaos/chaos-1", json=spec) as response:
        assert response.status == 202
    checkpoints: list[tuple[int, set[int]]] = []
    generations = [proc.pid]
    try:
        for _ in range(5):
            await asyncio.sleep(rng.uniform(0.15, 0.8))
            proc.send_signal(signal.SIGKILL)
            _reap(proc)
            checkpoints.append((len(generations), _committed_completions(db)))
            proc, url = await _spawn(app_dir, db)
            generations.append(proc.pid)
        for _ in range(600):
            status = await _status(url)
            if status["runtimeStatus"] not in ("Running", "Pending"):
                break
            await asyncio.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        _reap(proc)
    assert status["runtimeStatus"] == "Completed", status
    assert status["output"] == {"sum": sum(range(COUNT)), "sub": sum(range(COUNT, COUNT + CHAIN))}
    runs = _runs(log)
    assert {i for kind, i, _ in runs if kind == "done"} == set(range(COUNT + CHAIN))
    assert any(done for _, done in checkpoints), "no kill landed after any completion"
    for first_later_generation, committed in checkpoints:
        later_pids = set(generations[first_later_generation:])
        rerun = {i for kind, i, pid in runs if kind == "start" and pid in later_pids and i in committed}
        assert not rerun, f"completed activities re-ran after a kill: {sorted(rerun)}"
