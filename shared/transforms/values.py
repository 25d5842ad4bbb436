"""Small pure converters for the shapes the Bitrix24 API returns: string numbers, Y/N flags, dates with offsets.

The legacy REST methods return numbers as strings and dates in the portal's time zone
(``2023-12-28T14:05:48+03:00``); canonical models hold integers, booleans and UTC ISO timestamps.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def to_int(value: Any, default: int = 0) -> int:
    """``"37"`` → 37; empty or unparsable → ``default``."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def to_bool(value: Any) -> bool:
    """``True``/``"Y"``/``"1"``/``"true"`` → ``True``; anything else → ``False``."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("y", "1", "true", "yes")


def to_str(value: Any) -> str:
    """``None`` → ``""``; everything else stripped text."""
    return "" if value is None else str(value).strip()


def to_int_list(value: Any) -> list[int]:
    """``[1, "2"]``, ``"1,2"`` or a scalar → a list of ints, dropping what is not a number."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [int(v) for v in (str(x).strip() for x in items) if v.lstrip("-").isdigit()]


def to_utc_iso(value: Any) -> str | None:
    """An ISO 8601 date/time with any offset → UTC ``YYYY-MM-DDTHH:MM:SSZ``; empty → ``None``.

    A value without an offset is taken as UTC (the portal always sends one for ``datetime`` fields).

    Raises:
        ValueError: when the value is not an ISO 8601 date or date-time.
    """
    text = to_str(value)
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
