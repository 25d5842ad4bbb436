"""PHP bracket encoding of nested parameters, as Bitrix24's ``parse_str`` expects them.

Batch commands are strings ``method?query`` that the portal decodes with PHP's ``parse_str``, and GET
fallbacks send the same query in the URL, so nested filters must be flattened to ``filter[>ID]=5`` and
lists to ``select[0]=ID`` (indexed, so order survives and a list of one stays a list). Batch reference
expressions such as ``$result[req_0][49][ID]`` are left readable: ``$``, ``[`` and ``]`` are not escaped in
values, which ``parse_str`` accepts unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

# brackets stay literal in keys (the portal splits on them); everything else reserved is escaped
_KEY_SAFE = "[]"
_VALUE_SAFE = "$[]"


def _scalar(value: Any) -> str:
    # PHP's http_build_query renders booleans as 1/0; Bitrix24 reads them through intval or Y/N checks
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        # http_build_query drops nulls; sending "" would turn them into empty-string filters
        return
    if isinstance(value, Mapping):
        if not value:
            # an empty map must still reach the server as an (empty) array key; PHP has no syntax for it,
            # so the closest faithful rendering is an empty value that intval/empty() treat as "none"
            yield prefix, ""
            return
        for key, item in value.items():
            yield from _flatten(f"{prefix}[{key}]", item)
        return
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if not value:
            yield prefix, ""
            return
        for index, item in enumerate(value):
            yield from _flatten(f"{prefix}[{index}]", item)
        return
    yield prefix, _scalar(value)


def php_pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten nested params into PHP bracket ``(key, value)`` pairs.

    Args:
        params: a JSON-like mapping (dicts, lists, scalars; ``None`` values are dropped).

    Returns:
        Pairs such as ``("filter[>ID]", "5")`` and ``("select[0]", "ID")`` in input order.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        pairs.extend(_flatten(str(key), value))
    return pairs


def php_query(params: Mapping[str, Any]) -> str:
    """Encode nested params as a PHP bracket query string (without a leading ``?``)."""
    return "&".join(
        f"{quote(key, safe=_KEY_SAFE)}={quote(value, safe=_VALUE_SAFE)}" for key, value in php_pairs(params)
    )


def batch_command(method: str, params: Mapping[str, Any] | None = None) -> str:
    """One ``batch`` command string: ``method`` or ``method?query``."""
    query = php_query(params or {})
    return f"{method}?{query}" if query else method
