"""Tiny synchronous JSON-over-HTTP helpers for the CLI (the CLI never needs concurrency).

Against Azure the function app's routes need a function key: set ``B24_FUNCTION_KEY`` and every request carries
it as ``x-functions-key`` (never on the command line, so it stays out of shell history and process lists).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any


def request_json(method: str, url: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    """Send a JSON request; returns (status, parsed body or text). Never raises on HTTP error statuses."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    # on Azure the HTTP API needs a function key; the local host ignores it
    key = os.environ.get("B24_FUNCTION_KEY")
    if key:
        headers["x-functions-key"] = key
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    text = raw.decode("utf-8", errors="replace")
    try:
        return status, json.loads(text) if text else None
    except json.JSONDecodeError:
        return status, text
