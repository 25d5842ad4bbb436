"""The read-only async Bitrix24 REST client for one inbound webhook: limits, retries and typed errors.

``Bitrix24Client`` sends JSON POST requests to ``https://<portal>/rest/<user>/<code>/<method>``. Before any
I/O it refuses methods outside the read-only allow-list (also inside ``batch``), waits for the method's
operating budget and charges the leaky bucket. Transient failures (503/5xx, timeouts, resets, invalid
JSON) are retried with exponential back-off and jitter from the ``backoff`` package's wait generator, up
to a per-request budget; a 429 ``OPERATION_TIME_LIMIT`` waits until ``operating_reset_at``; other 4xx are
raised at once. The webhook code never leaves ``WebhookUrl.method_url``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
from collections.abc import Generator, Mapping
from types import TracebackType
from typing import Any, Self

import aiohttp
import backoff
import yarl

from shared.bitrix24.encoding import batch_command, php_query
from shared.bitrix24.errors import (
    Bitrix24APIError,
    OperationTimeLimit,
    QueryLimitExceeded,
    WriteRefused,
    api_error,
)
from shared.bitrix24.readonly import BATCH, ensure_read, ensure_read_commands, normalize
from shared.bitrix24.responses import B24Response, BatchResponse, ClientStats
from shared.bitrix24.throttle import LeakyBucket, OperatingBudget, limit_profile
from shared.clock import Clock, SystemClock
from shared.errors import (
    ConfigurationError,
    ConnectionFailed,
    InvalidResponse,
    RequestTimeout,
    Transient,
    TransportError,
)
from shared.redaction import WebhookUrl

log = logging.getLogger(__name__)

MAX_BATCH = 50
USER_AGENT = "b24migrate/0.1 (+read-only export)"


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _error_key(error: BaseException) -> str:
    if isinstance(error, Bitrix24APIError):
        return error.code or (f"HTTP_{error.status}" if error.status is not None else "UNKNOWN")
    if isinstance(error, RequestTimeout):
        return "TIMEOUT"
    if isinstance(error, ConnectionFailed):
        return "CONNECTION"
    if isinstance(error, InvalidResponse):
        return "INVALID_RESPONSE"
    return type(error).__name__


class Bitrix24Client:
    """An async, read-only client for one Bitrix24 portal reached through an inbound webhook.

    Args:
        webhook_url: ``https://<portal>/rest/<user_id>/<code>/`` (secret; never logged).
        session: an aiohttp session to use; when ``None`` the client opens and closes its own.
        limits: the portal plan: ``standard``, ``enterprise``, ``box`` or ``off``.
        clock: the time source for limiter waits and back-off (``SystemClock`` by default).
        timeout_s: total timeout of one HTTP request (the portal cuts requests at 60 s).
        max_tries: attempts per request for transient failures (the per-request retry budget).
        max_block_waits: how many 429 blocks one request waits out before giving up.
        rng: randomness for the back-off jitter (injected for reproducible tests).
        max_backoff_s: cap of one back-off delay.
        bucket: a leaky bucket to share with other clients of the same portal (default: the client's own).
        budget: an operating budget to share with other clients of the same webhook (default: its own).

    Raises:
        ConfigurationError: for a malformed webhook URL or an unknown limits profile.
    """

    def __init__(
        self,
        webhook_url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        limits: str = "standard",
        clock: Clock | None = None,
        timeout_s: float = 60,
        max_tries: int = 8,
        max_block_waits: int = 5,
        rng: random.Random | None = None,
        max_backoff_s: float = 30.0,
        bucket: LeakyBucket | None = None,
        budget: OperatingBudget | None = None,
    ) -> None:
        try:
            self._webhook = WebhookUrl.parse(webhook_url)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self.portal = self._webhook.portal
        self.limits = limit_profile(limits)
        self._clock: Clock = clock or SystemClock()
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.timeout_s = timeout_s
        self.max_tries = max(1, max_tries)
        self.max_block_waits = max_block_waits
        self._rng = rng or random.Random()
        self._max_backoff_s = max_backoff_s
        # the portal limits requests per portal and operating time per webhook: clients of the same portal in
        # one process share these two objects so that together they stay under the limits
        self.bucket: LeakyBucket | None = bucket or (
            LeakyBucket(self.limits.burst, self.limits.drain_per_s, self._clock) if self.limits.burst else None
        )
        self.budget: OperatingBudget | None = budget or (
            OperatingBudget(self.limits.operating_limit_s, self._clock, window_s=self.limits.window_s)
            if self.limits.operating_limit_s
            else None
        )
        self.stats = ClientStats()

    def __repr__(self) -> str:
        return (
            f"Bitrix24Client(portal={self.portal!r}, webhook={self._webhook.redacted!r}, "
            f"limits={self.limits.name!r})"
        )

    @property
    def webhook(self) -> WebhookUrl:
        """The parsed webhook (its ``str``/``repr`` are redacted)."""
        return self._webhook

    def limiter_state(self) -> dict[str, Any]:
        """What the limiter knows now, for the throttle entity and progress reports (no secrets)."""
        return {
            "portal": self.portal,
            "limits": self.limits.name,
            "bucket_level": round(self.bucket.level, 2) if self.bucket is not None else None,
            "bucket_capacity": self.bucket.capacity if self.bucket is not None else None,
            "operating_s": self.budget.snapshot() if self.budget is not None else {},
            "stats": self.stats.as_dict(),
        }

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session (opened on first use); media downloads reuse it."""
        return self._ensure_session()

    @property
    def clock(self) -> Clock:
        """The clock the client waits on."""
        return self._clock

    async def __aenter__(self) -> Self:
        self._ensure_session()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if the client opened it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def call(
        self, method: str, params: Mapping[str, Any] | None = None, *, via_get: bool = False
    ) -> B24Response:
        """Call one read method.

        Args:
            method: the REST method, e.g. ``user.get`` (must be on the read-only allow-list).
            params: JSON-like parameters, sent as a JSON body.
            via_get: send the params as a PHP-bracket query string on a GET instead (for proxies or
                methods that mishandle JSON bodies); the semantics are the same.

        Returns:
            The decoded answer.

        Raises:
            WriteRefused: the method is not an allowed read method (no request is sent).
            Bitrix24APIError: the portal answered with an error that is permanent or outlasted the retries.
            TransportError: no usable answer after the retry budget.
        """
        body = dict(params or {})
        if normalize(method) == BATCH:
            cmd = body.get("cmd", body.get("CMD"))
            if not isinstance(cmd, Mapping | list) or not cmd:
                raise WriteRefused(method, self.portal)
            ensure_read_commands(cmd if isinstance(cmd, Mapping) else [str(c) for c in cmd], self.portal)
            nested = {normalize(str(c).split("?", 1)[0]) for c in (cmd.values() if isinstance(cmd, Mapping) else cmd)}
            return await self._send(method, body, nested=tuple(sorted(nested)), commands=len(cmd))
        ensure_read(method, self.portal)
        return await self._send(method, body, via_get=via_get)

    async def batch(
        self, commands: Mapping[str, tuple[str, Mapping[str, Any]]], *, halt: bool = False
    ) -> BatchResponse:
        """Run up to 50 read commands in one ``batch`` request.

        Args:
            commands: key → ``(method, params)``; keys should not be numeric (PHP would turn them into a list).
                Params may contain ``$result[key][…]`` references to earlier commands.
            halt: stop at the first failing command (later ones come back in ``missing``).

        Returns:
            Per-command results, errors, ``next``/``total`` and times.

        Raises:
            WriteRefused: any command is not an allowed read method (no request is sent).
            ConfigurationError: more than 50 commands, none, or a nested ``batch``.
            Bitrix24APIError, TransportError: the batch request itself failed.
        """
        if not commands:
            raise ConfigurationError("a batch needs at least one command")
        if len(commands) > MAX_BATCH:
            raise ConfigurationError(f"a batch holds at most {MAX_BATCH} commands, got {len(commands)}")
        methods: dict[str, str] = {}
        cmd: dict[str, str] = {}
        for key, (method, params) in commands.items():
            if normalize(method) == BATCH:
                raise ConfigurationError("nested batch is not allowed")
            ensure_read(method, self.portal)
            methods[key] = method
            cmd[key] = batch_command(method, params)
        nested = tuple(sorted({normalize(m) for m in methods.values()}))
        response = await self._send(BATCH, {"halt": 1 if halt else 0, "cmd": cmd}, nested=nested, commands=len(cmd))
        parsed = BatchResponse.parse(response, methods, portal=self.portal)
        for key, error in parsed.errors.items():
            self.stats.count_error(_error_key(error))
            log.debug("batch command %s (%s) on %s failed: %s", key, methods[key], self.portal, error.code)
        if self.budget is not None:
            for key, block in parsed.times.items():
                spent = block.get("processing", block.get("duration"))
                if isinstance(spent, int | float):
                    self.budget.record(methods[key], float(spent))
            for key in parsed.results:
                self.budget.succeeded(methods[key])
        return parsed

    def _delays(self) -> Generator[float, Any, None]:
        gen = backoff.expo(base=2, factor=0.5, max_value=self._max_backoff_s)
        gen.send(None)
        return gen

    async def _send(
        self, method: str, body: dict[str, Any], *, nested: tuple[str, ...] = (), commands: int = 1,
        via_get: bool = False,
    ) -> B24Response:
        delays = self._delays()
        tries = 0
        block_waits = 0
        attempts = 0
        while True:
            await self._wait_for_limits(method, nested)
            self.stats.http_requests += 1
            attempts += 1
            try:
                response = await self._post(method, body, via_get=via_get)
            except OperationTimeLimit as exc:
                self.stats.count_error(_error_key(exc))
                block_waits += 1
                if block_waits > self.max_block_waits:
                    raise
                self.stats.retries += 1
                await self.wait_out_block(method, exc)
                continue
            except Transient as exc:
                self.stats.count_error(_error_key(exc))
                tries += 1
                if tries >= self.max_tries:
                    raise
                if isinstance(exc, QueryLimitExceeded) and self.bucket is not None:
                    self.bucket.saturate()
                step = next(delays)
                # "equal jitter": never less than half the step, so a 503 storm still spreads out
                delay = step / 2 + self._rng.uniform(0, step / 2)
                log.info("retrying %s on %s in %.2fs after %s", method, self.portal, delay, _error_key(exc))
                self.stats.retries += 1
                await self._clock.sleep(delay)
                continue
            except Bitrix24APIError as exc:
                self.stats.count_error(_error_key(exc))
                raise
            self.stats.commands += commands
            self.stats.last_time = dict(response.time)
            if self.budget is not None and method.lower() != BATCH:
                self.budget.observe(method, response.time)
                self.budget.succeeded(method)
            return dataclasses.replace(response, http_requests=attempts)

    async def _wait_for_limits(self, method: str, nested: tuple[str, ...]) -> None:
        if self.budget is not None:
            for name in nested or (method,):
                self.stats.operating_wait_s += await self.budget.wait(name)
        if self.bucket is not None:
            self.stats.throttle_wait_s += await self.bucket.acquire()

    async def wait_out_block(self, method: str, exc: OperationTimeLimit) -> None:
        """Wait until ``method`` is unblocked after a 429 (also used for per-command 429s in a batch)."""
        if self.budget is None:
            await self._clock.sleep(60.0)
            self.stats.operating_wait_s += 60.0
            return
        self.stats.operating_wait_s += await self.budget.wait_out_block(method, exc.time or None)

    async def _post(self, method: str, body: Mapping[str, Any], *, via_get: bool = False) -> B24Response:
        session = self._ensure_session()
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        url = self._webhook.method_url(method)
        if via_get:
            query = php_query(body)
            # already percent-encoded in PHP bracket form: keep yarl from re-quoting it
            full = yarl.URL(url + ("?" + query if query else ""), encoded=True)
            request = session.get(full, headers=headers, timeout=self._timeout)
        else:
            request = session.post(url, json=body, headers=headers, timeout=self._timeout)
        try:
            async with request as resp:
                status = resp.status
                raw = await resp.read()
        except TimeoutError:
            raise RequestTimeout(
                f"{method} on {self.portal} timed out after {self.timeout_s:g}s", portal=self.portal, method=method
            ) from None
        except aiohttp.ClientError as exc:
            raise ConnectionFailed(
                f"{method} on {self.portal}: connection failed ({type(exc).__name__})", portal=self.portal,
                method=method,
            ) from None
        return self._decode(method, status, raw)

    def _decode(self, method: str, status: int, raw: bytes) -> B24Response:
        try:
            payload: Any = json.loads(raw)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            if status >= 400:
                raise api_error(None, method=method, portal=self.portal, status=status)
            raise InvalidResponse(
                f"{method} on {self.portal} answered HTTP {status} with a body that is not a JSON envelope",
                portal=self.portal, method=method, status=status,
            )
        time_block = payload.get("time")
        time_map = dict(time_block) if isinstance(time_block, Mapping) else {}
        if "error" in payload or status >= 400:
            raise api_error(payload, method=method, portal=self.portal, status=status, time=time_map)
        if "result" not in payload:
            raise InvalidResponse(
                f"{method} on {self.portal} answered without a result", portal=self.portal, method=method,
                status=status,
            )
        return B24Response(
            result=payload["result"],
            next=_int_or_none(payload.get("next")),
            total=_int_or_none(payload.get("total")),
            time=time_map,
        )


__all__ = ["MAX_BATCH", "B24Response", "BatchResponse", "Bitrix24Client", "ClientStats", "TransportError"]
