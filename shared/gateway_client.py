"""Client of the on-prem import gateway: posts canonical records in batches, with retries and idempotency keys.

The gateway URL holds the import code in its path, so it is kept in a ``SecretStr`` and only its redacted form
(``…/webhook/<user>/***/``) ever reaches a message. Each batch carries ``X-Idempotency-Key`` derived from the
method and the exact body, so a retried batch gets the gateway's stored answer instead of a second import.
Transient answers (429 with ``Retry-After``, 5xx, connection errors) are retried here; a 4xx other than 429 is a
permanent error for the whole batch and surfaces as ``GatewayRejected``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from pydantic import SecretStr

from shared.errors import MigrationError, Permanent, Transient
from shared.redaction import redact

_RETRIES = 6


class GatewayError(MigrationError):
    """Any failure talking to the import gateway."""


class GatewayUnavailable(GatewayError, Transient):
    """The gateway could not be reached or kept failing with 5xx/429 through every retry."""


class GatewayRejected(GatewayError, Permanent):
    """The gateway refused the batch as a whole (403, 400, 413, 409)."""


@dataclass
class GatewayResult:
    """The gateway's answer for one or more batches, summed."""

    imported: int = 0
    skipped: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    ids: dict[str, Any] = field(default_factory=dict)
    skipped_items: list[dict[str, Any]] = field(default_factory=list)
    throttled: int = 0

    def merge(self, other: GatewayResult) -> None:
        """Fold another batch's result into these totals."""
        self.add({"imported": other.imported, "skipped": other.skipped, "failed": other.failed,
                  "duplicate": other.duplicate, "updated": other.updated, "ids": other.ids,
                  "skipped_items": other.skipped_items})
        self.throttled += other.throttled

    def written(self) -> set[str]:
        """Source ids created or updated by these batches (not duplicates, not skipped)."""
        return set(self.ids) - set(self.duplicate) - {s["sourceId"] for s in self.skipped_items}

    def add(self, body: dict[str, Any]) -> None:
        """Fold one 200 response body into the totals."""
        self.imported += int(body.get("imported", 0))
        self.skipped += int(body.get("skipped", 0))
        self.failed.extend(body.get("failed") or [])
        self.duplicate.extend(body.get("duplicate") or [])
        self.updated.extend(body.get("updated") or [])
        self.ids.update(body.get("ids") or {})
        self.skipped_items.extend(body.get("skipped_items") or [])


def idempotency_key(scope: str, method: str, body: bytes) -> str:
    """A key equal exactly when scope, method and body are equal.

    The scope names the sending step (run, page blob, offset): a retry of that step replays the gateway's
    stored answer, while a later run sending the same records gets a fresh per-item verdict (duplicate).
    """
    return hashlib.sha256(scope.encode() + b"\n" + method.encode() + b"\n" + body).hexdigest()[:40]


class GatewayClient:
    """Posts ``import.*`` batches to one gateway base URL."""

    def __init__(self, base_url: SecretStr, session: aiohttp.ClientSession, *, max_wait_s: float = 60.0) -> None:
        self._base = base_url.get_secret_value().rstrip("/") + "/"
        self._session = session
        self._max_wait_s = max_wait_s

    def __repr__(self) -> str:
        return f"GatewayClient({redact(self._base)!r})"

    async def send(
        self, method: str, items: Sequence[dict[str, Any]], *, scope: str, test_limit: int | None = None
    ) -> GatewayResult:
        """Post one batch; retries transient failures, honouring ``Retry-After``.

        Args:
            method: the ``import.*`` method.
            items: canonical records as JSON-ready dicts.
            scope: names the sending step for the idempotency key (see ``idempotency_key``).
            test_limit: passed through to the gateway.

        Raises:
            GatewayRejected: the gateway refused the whole batch.
            GatewayUnavailable: it stayed unreachable or overloaded through every retry.
        """
        payload: dict[str, Any] = {"items": list(items)}
        if test_limit is not None:
            payload["test_limit"] = test_limit
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Idempotency-Key": idempotency_key(scope, method, body)}
        result = GatewayResult()
        where = redact(self._base)
        last = ""
        for attempt in range(_RETRIES):
            try:
                async with self._session.post(self._base + method, data=body, headers=headers) as resp:
                    text = await resp.text()
                    if resp.status == 200:
                        result.add(json.loads(text))
                        return result
                    if resp.status == 429:
                        result.throttled += 1
                        wait = min(float(resp.headers.get("Retry-After", "1") or 1), self._max_wait_s)
                        last = f"429 rate limited (retry after {wait:g}s)"
                        await asyncio.sleep(wait)
                        continue
                    if resp.status >= 500:
                        last = f"HTTP {resp.status}"
                    else:
                        raise GatewayRejected(
                            f"gateway {where} refused {method} with HTTP {resp.status}: {text[:200]}"
                        )
            except (TimeoutError, aiohttp.ClientError) as exc:
                last = f"{type(exc).__name__}"
            await asyncio.sleep(min(0.2 * 2**attempt, 5.0))
        raise GatewayUnavailable(f"gateway {where} did not accept {method} after {_RETRIES} attempts: {last}")
