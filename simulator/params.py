"""Decoding request parameters the way PHP and the Bitrix24 REST server do.

Query strings and form bodies go through PHP's `parse_str` rules (`filter[>ID]=5`, `select[]=ID`, nested brackets);
JSON bodies are taken as they are.  PHP arrays are ordered maps, so bracket keys build dicts and a dict whose keys are
exactly `0..n-1` is turned into a list, which is how JSON-encoding the same PHP array would come out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_BRACKETS = re.compile(r"\[([^\]]*)\]")


def insert_param(target: dict[str, Any], name: str, value: str) -> None:
    """Insert `name=value` into `target` with PHP's bracket semantics."""
    first = name.find("[")
    if first <= 0:
        target[name] = value
        return
    base = name[:first]
    keys = _BRACKETS.findall(name[first:])
    if not keys:
        target[name] = value
        return
    node: dict[str, Any] = target
    path = [base, *keys]
    for index, key in enumerate(path):
        last = index == len(path) - 1
        if key == "":
            # `x[]=v` appends at the next integer key, as PHP does
            ints = [int(k) for k in node if k.lstrip("-").isdigit()]
            key = str(max(ints) + 1 if ints else 0)
        if last:
            node[key] = value
        else:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child


def listify(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {k: listify(v) for k, v in value.items()}
        keys = list(converted)
        if keys and keys == [str(i) for i in range(len(keys))]:
            return list(converted.values())
        return converted
    return value


def parse_php_query(text: str) -> dict[str, Any]:
    """Decode a query string or a form body with PHP `parse_str` semantics."""
    result: dict[str, Any] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        insert_param(result, name, value)
    listified = listify(result)
    return listified if isinstance(listified, dict) else {}


def php_intval(value: Any) -> int:
    """PHP `intval`: leading integer of a string, 0 when there is none."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        match = re.match(r"\s*([+-]?\d+)", value)
        return int(match.group(1)) if match else 0
    return 0


def upper_keys(params: dict[str, Any]) -> dict[str, Any]:
    """Upper-case the top-level keys, as legacy methods do with `array_change_key_case`."""
    return {str(k).upper(): v for k, v in params.items()}


def as_list(value: Any) -> list[Any]:
    """A PHP-array parameter as a list (scalars become a one-element list, maps their values)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def as_map(value: Any) -> dict[str, Any]:
    """A PHP-array parameter as a map (lists keep their positional keys)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def truthy(value: Any) -> bool:
    """Bitrix24's loose booleans: Y, true, 1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("y", "true", "1", "yes")
    return False
