"""PHP-style query encoding for the commands of a Bitrix24 ``batch`` call.

Inside ``batch`` every command is a string ``method?query``, and the portal decodes the query with PHP's
``parse_str``, so nested params must use bracket keys (``FIELDS[TITLE]=x&FIELDS[UF_DEPARTMENT][0]=1``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote


def _scalar(value: Any) -> str:
    # PHP sees booleans as strings; Bitrix accepts "Y"/"N" for flags, the callers convert those themselves
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    return str(value)


def drop_none(value: Any) -> Any:
    """``value`` without ``None`` entries in its dicts (an absent param, not an empty one, at the portal)."""
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


def _pairs(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _pairs(f"{prefix}[{key}]", item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _pairs(f"{prefix}[{index}]", item)
    else:
        yield prefix, _scalar(value)


def build_query(params: dict[str, Any]) -> str:
    """Encode ``params`` like PHP's ``http_build_query`` (brackets for nesting, percent-encoding)."""
    parts: list[str] = []
    for key, value in params.items():
        for name, scalar in _pairs(str(key), value):
            parts.append(f"{quote(name, safe='[]')}={quote(scalar, safe='')}")
    return "&".join(parts)


def command(method: str, params: dict[str, Any]) -> str:
    """One ``batch`` command string: ``method?query``."""
    query = build_query(params)
    return f"{method}?{query}" if query else method
