"""The REST caller that writes into the on-prem Bitrix24 portal through its inbound webhook.

JSON POST to ``<webhook>/<method>``; many calls go out as ``batch`` requests of up to 50 commands with
``halt=0`` so one bad record never fails its neighbours. Write calls are never retried here: a timeout may
hide a write that happened, so the importer's ledger intent plus a lookup by external id decides on the next
attempt. Read calls (lookups) retry transient failures. The webhook URL is never logged or shown in a repr.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from gateway.query import command, drop_none

log = logging.getLogger(__name__)

BATCH_SIZE = 50
_TRANSIENT_CODES = frozenset({"QUERY_LIMIT_EXCEEDED", "INTERNAL_SERVER_ERROR", "ERROR_UNEXPECTED_ANSWER"})


class TargetUnavailable(Exception):
    """The portal could not be reached or answered with a transient failure; the whole request is retryable."""


class TargetAuthError(Exception):
    """The portal refused the gateway's own webhook (wrong code, missing scope): an operator must fix it."""


@dataclass(frozen=True)
class CallResult:
    """The outcome of one portal call: ``result`` on success, else a Bitrix24 error code and text."""

    result: Any = None
    error: str = ""
    description: str = ""

    @property
    def ok(self) -> bool:
        """True when the portal answered without an error."""
        return not self.error


def _as_dict(value: Any) -> dict[str, Any]:
    # PHP encodes an empty associative array as [] (bitrix24-api.md §3)
    return value if isinstance(value, dict) else {}


class TargetPortal:
    """Calls the on-prem portal; one instance per app, sharing one ``aiohttp.ClientSession``."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        use_batch: bool = True,
        concurrency: int = 8,
        timeout_s: float = 30.0,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/") + "/"
        self._use_batch = use_batch
        self._gate = asyncio.Semaphore(max(1, concurrency))
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.http_requests = 0

    def __repr__(self) -> str:
        return f"TargetPortal(batch={self._use_batch})"

    async def _post(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        self.http_requests += 1
        try:
            async with self._gate, self._session.post(
                self._base + method, json=drop_none(params), timeout=self._timeout
            ) as resp:
                status = resp.status
                try:
                    body = await resp.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    body = None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TargetUnavailable(f"portal unreachable during {method}: {type(exc).__name__}") from None
        if status >= 500 or not isinstance(body, dict):
            raise TargetUnavailable(f"portal answered HTTP {status} to {method}")
        error = str(body.get("error", "") or "")
        if error.upper() in _TRANSIENT_CODES or status == 429:
            raise TargetUnavailable(f"portal busy ({error or status}) during {method}")
        if status in (401, 403) and error.upper() in {"NO_AUTH_FOUND", "INVALID_CREDENTIALS", "INSUFFICIENT_SCOPE"}:
            raise TargetAuthError(f"portal refused the gateway webhook ({error}) for {method}")
        return status, body

    async def call(self, method: str, params: dict[str, Any]) -> CallResult:
        """One call; a Bitrix24 error comes back in the result, transport failures raise.

        Raises:
            TargetUnavailable: network failure, 5xx, or a rate-limit answer.
            TargetAuthError: the portal refused the gateway's webhook.
        """
        _, body = await self._post(method, params)
        if "error" in body and body.get("error") is not None and "result" not in body:
            return CallResult(error=str(body["error"]) or "ERROR", description=str(body.get("error_description", "")))
        return CallResult(result=body.get("result"))

    async def read(self, method: str, params: dict[str, Any], attempts: int = 3) -> CallResult:
        """A read-only call, retried on transient failures (safe: it changes nothing)."""
        for attempt in range(attempts):
            try:
                return await self.call(method, params)
            except TargetUnavailable:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")

    async def _batch(self, calls: list[tuple[str, dict[str, Any]]]) -> list[CallResult]:
        cmd = {f"c{i}": command(method, params) for i, (method, params) in enumerate(calls)}
        _, body = await self._post("batch", {"halt": 0, "cmd": cmd})
        if "result" not in body:
            code = str(body.get("error", "") or "ERROR")
            if code.upper() == "ERROR_METHOD_NOT_FOUND":
                # a portal (or simulator) without batch: fall back to one request per call from now on
                log.warning("target portal has no batch method; writing one call per request")
                self._use_batch = False
                return await self._singles(calls)
            return [CallResult(error=code, description=str(body.get("error_description", "")))] * len(calls)
        outer = _as_dict(body["result"])
        results = _as_dict(outer.get("result"))
        errors = _as_dict(outer.get("result_error"))
        out: list[CallResult] = []
        for i in range(len(calls)):
            key = f"c{i}"
            if key in errors:
                err = errors[key]
                if isinstance(err, dict):
                    out.append(CallResult(error=str(err.get("error") or "ERROR"),
                                          description=str(err.get("error_description", ""))))
                else:
                    out.append(CallResult(error="ERROR", description=str(err)))
            elif key in results:
                out.append(CallResult(result=results[key]))
            else:
                out.append(CallResult(error="NO_RESULT", description="the portal returned no result for the command"))
        return out

    async def _singles(self, calls: list[tuple[str, dict[str, Any]]]) -> list[CallResult]:
        return list(await asyncio.gather(*(self.call(m, p) for m, p in calls)))

    async def call_many(self, calls: list[tuple[str, dict[str, Any]]], batch: bool = True) -> list[CallResult]:
        """Run many calls, in ``batch`` chunks of 50 when enabled; results keep the order of ``calls``.

        Chunks that succeed are returned even when another chunk fails in transport: the calls of a failed
        chunk come back with the pseudo error ``UNAVAILABLE`` (outcome unknown), so the caller commits the rest.
        """
        if not calls:
            return []
        chunks = [calls[i : i + BATCH_SIZE] for i in range(0, len(calls), BATCH_SIZE)]
        run = self._batch_safe if self._use_batch and batch else self._singles_safe
        parts = await asyncio.gather(*(run(c) for c in chunks))
        return [r for part in parts for r in part]

    async def _batch_safe(self, calls: list[tuple[str, dict[str, Any]]]) -> list[CallResult]:
        try:
            return await self._batch(calls)
        except TargetUnavailable as exc:
            return [CallResult(error=UNAVAILABLE, description=str(exc))] * len(calls)

    async def _singles_safe(self, calls: list[tuple[str, dict[str, Any]]]) -> list[CallResult]:
        out: list[CallResult] = []
        for res in await asyncio.gather(*(self.call(m, p) for m, p in calls), return_exceptions=True):
            if isinstance(res, TargetUnavailable):
                out.append(CallResult(error=UNAVAILABLE, description=str(res)))
            elif isinstance(res, BaseException):
                raise res
            else:
                out.append(res)
        return out


UNAVAILABLE = "TARGET_UNAVAILABLE"
"""Pseudo error code of a call whose outcome is unknown (transport failure): never a permanent failure."""
