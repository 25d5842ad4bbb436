"""Following a run through the HTTP API with one progress bar per family (``demo`` and ``watch`` use it)."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cli.http import request_json

TERMINAL = ("Completed", "Failed", "Terminated", "Canceled")


def _info(c: dict[str, Any]) -> str:
    return (f"{c.get('state')}: extracted {c.get('extracted', 0)}, imported {c.get('imported', 0)}, "
            f"duplicate {c.get('duplicate', 0)}, failed {c.get('failed', 0)}")


def follow(host_url: str, run_id: str, console: Console, *, label: str = "", interval_s: float = 0.5,
           timeout_s: float = 24 * 3600) -> dict[str, Any]:
    """Poll ``GET /api/migrations/{run_id}`` until the run ends; returns the last progress document.

    Raises:
        RuntimeError: the API answered with an error, or the run did not end within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    bars: dict[str, Any] = {}
    with Progress(TextColumn("{task.description:<26}"), BarColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[info]}"), console=console) as progress:
        while True:
            status, state = request_json("GET", f"{host_url}/api/migrations/{run_id}")
            if status != 200 or not isinstance(state, dict):
                raise RuntimeError(f"progress of {run_id}: HTTP {status}: {state}")
            for family, counters in (state.get("families") or {}).items():
                if counters.get("state") == "not_supported":
                    continue
                if family not in bars:
                    bars[family] = progress.add_task(f"{label}{family}".strip(), total=1, info="")
                done = counters.get("state") == "done"
                progress.update(bars[family], completed=1 if done else 0, info=_info(counters))
            if state.get("runtimeStatus") in TERMINAL:
                return state
            if time.monotonic() > deadline:
                raise RuntimeError(f"run {run_id} did not end within {timeout_s:.0f}s")
            time.sleep(interval_s)
