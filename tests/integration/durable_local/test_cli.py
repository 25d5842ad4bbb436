"""``host serve`` as a process: announces its address, serves the app, exits cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp


async def test_host_serve_process_lifecycle(tmp_path: Path, app_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli.host import app; app()", "serve", "--port", "0",
         "--app", "dl_test_app:app", "--db", str(tmp_path / "cli.sqlite")],
        cwd=app_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout=30)
        assert line.startswith("listening on http://127.0.0.1:")
        url = line.split("listening on ", 1)[1].strip()
        async with aiohttp.ClientSession() as session, session.get(f"{url}/api/hello/cli") as response:
            assert await response.text() == "hello cli"
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 20)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    assert code == 0
    assert (tmp_path / "cli.sqlite").exists()
