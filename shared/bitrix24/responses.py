"""Typed views of Bitrix24 answers: one call (``B24Response``), one ``batch`` (``BatchResponse``), and stats.

Parsing copes with PHP's serialisation quirks: empty maps arrive as ``[]`` and maps with numeric keys may
arrive as lists, so every batch map is normalised to ``dict[str, …]`` keyed by the command key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.bitrix24.errors import Bitrix24APIError, api_error


@dataclass(frozen=True, slots=True)
class B24Response:
    """One successful REST answer.

    Attributes:
        result: the method's ``result`` as decoded JSON.
        next: the ``start`` of the next page, when the portal says there is one.
        total: the ``total`` count, when present (0 with ``start=-1``).
        time: the ``time`` block (``operating``, ``operating_reset_at`` on the cloud).
        http_requests: HTTP requests it took, retries included.
    """

    result: Any
    next: int | None = None
    total: int | None = None
    time: dict[str, Any] = field(default_factory=dict)
    http_requests: int = 1


def as_key_map(value: Any) -> dict[str, Any]:
    """Normalise a PHP-serialised map (``[]`` when empty, a list for keys 0..n-1) to ``dict[str, Any]``."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class BatchResponse:
    """The outcome of one ``batch`` request, per command.

    Attributes:
        results: command key → its ``result`` (only for commands that succeeded).
        errors: command key → the typed error of that command (``status`` is ``None``: the batch was 200).
        next: command key → ``next`` for commands that have another page.
        total: command key → ``total``.
        times: command key → the command's ``time`` block (``processing``, ``duration``, …).
        time: the ``time`` block of the batch request itself.
        missing: keys that produced neither a result nor an error (not run because of ``halt``).
        http_requests: HTTP requests the batch took, retries included.
    """

    results: dict[str, Any]
    errors: dict[str, Bitrix24APIError]
    next: dict[str, int]
    total: dict[str, int]
    times: dict[str, dict[str, Any]]
    time: dict[str, Any]
    missing: tuple[str, ...] = ()
    http_requests: int = 1

    def ok(self, key: str) -> bool:
        """Whether the command ``key`` succeeded."""
        return key in self.results and key not in self.errors

    @classmethod
    def parse(
        cls,
        response: B24Response,
        methods: Mapping[str, str],
        *,
        portal: str,
    ) -> BatchResponse:
        """Build from the ``batch`` call's response.

        Args:
            response: the successful ``batch`` call.
            methods: command key → method name (to label per-command errors).
            portal: the portal host name.
        """
        body = response.result if isinstance(response.result, Mapping) else {}
        results = as_key_map(body.get("result"))
        raw_errors = as_key_map(body.get("result_error"))
        errors: dict[str, Bitrix24APIError] = {}
        for key, payload in raw_errors.items():
            errors[key] = api_error(
                payload if isinstance(payload, Mapping) else {"error": str(payload)},
                method=methods.get(key, ""),
                portal=portal,
                status=None,
            )
        nexts = {k: n for k, v in as_key_map(body.get("result_next")).items() if (n := _int_or_none(v)) is not None}
        totals = {k: n for k, v in as_key_map(body.get("result_total")).items() if (n := _int_or_none(v)) is not None}
        times = {k: dict(v) for k, v in as_key_map(body.get("result_time")).items() if isinstance(v, Mapping)}
        for key in errors:
            results.pop(key, None)
        missing = tuple(k for k in methods if k not in results and k not in errors)
        return cls(results, errors, nexts, totals, times, dict(response.time), missing, response.http_requests)


@dataclass(slots=True)
class ClientStats:
    """What one client observed; activities report it and the throttle entity learns from it.

    Attributes:
        http_requests: HTTP requests sent (a ``batch`` is one).
        retries: requests re-sent after a transient failure.
        errors: error code (or transport failure kind) → count, including per-command batch errors.
        commands: REST commands executed (a batch of 50 counts 50).
        throttle_wait_s: seconds spent waiting for the leaky bucket.
        operating_wait_s: seconds spent waiting for a method's operating budget or a 429 block.
        last_time: the ``time`` block of the last successful response.
    """

    http_requests: int = 0
    retries: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    commands: int = 0
    throttle_wait_s: float = 0.0
    operating_wait_s: float = 0.0
    last_time: dict[str, Any] = field(default_factory=dict)

    def count_error(self, code: str) -> None:
        """Count one error under its code."""
        self.errors[code] = self.errors.get(code, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            "http_requests": self.http_requests,
            "retries": self.retries,
            "errors": dict(self.errors),
            "commands": self.commands,
            "throttle_wait_s": round(self.throttle_wait_s, 3),
            "operating_wait_s": round(self.operating_wait_s, 3),
            "last_time": dict(self.last_time),
        }
