"""`batch`: up to 50 commands in one HTTP request, run in order, with `$result[...]`-style references between them.

Follows the server code the docs cite: keys `CMD`/`HALT` in any case; each command is `method?query` decoded with PHP
rules; references `$result|$next|$total|$time|$error` followed by `[...]` segments are substituted in every parameter
value (the raw value when the whole value is the expression, text otherwise; an unresolvable path substitutes an empty
string); commands beyond 50 are not run and get `ERROR_BATCH_LENGTH_EXCEEDED`; `halt` stops after the first failure;
the five result maps are `[]` when empty.
"""

from __future__ import annotations

import re
import time
from typing import Any

from simulator import errors
from simulator.envelope import time_block
from simulator.params import as_map, parse_php_query, truthy
from simulator.registry import Call, Reply, method

MAX_COMMANDS = 50
_REFERENCE = re.compile(r"\$(result|next|total|time|error)((?:\[[^\]\s]*\])+)")
_SEGMENT = re.compile(r"\[([^\]]*)\]")


def _walk(root: dict[str, Any], path: str) -> Any:
    node: Any = root
    for key in _SEGMENT.findall(path):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.lstrip("-").isdigit() and -len(node) <= int(key) < len(node):
            node = node[int(key)]
        else:
            return ""
    return node


def _substitute(value: Any, maps: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, maps) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, maps) for v in value]
    if not isinstance(value, str) or "$" not in value:
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return _walk(maps[whole.group(1)], whole.group(2))

    def text(match: re.Match[str]) -> str:
        found = _walk(maps[match.group(1)], match.group(2))
        return "" if isinstance(found, dict | list) else str(found).lower() if isinstance(found, bool) else str(found)

    return _REFERENCE.sub(text, value)


def _php_map(values: dict[str, Any]) -> dict[str, Any] | list[Any]:
    """JSON of a PHP array: `[]` when empty, a list when the keys are exactly 0..n-1 (a `cmd` list), else a map."""
    if not values:
        return []
    if list(values) == [str(i) for i in range(len(values))]:
        return list(values.values())
    return values


@method("batch", batchable=False)
def batch(call: Call) -> Reply:
    portal = call.portal
    commands = as_map(call.get("cmd", {}))
    halt = truthy(call.get("halt", False))
    results: dict[str, Any] = {}
    failures: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    nexts: dict[str, Any] = {}
    times: dict[str, Any] = {}
    maps = {"result": results, "error": failures, "total": totals, "next": nexts, "time": times}
    for position, (key, command) in enumerate(commands.items()):
        if position >= MAX_COMMANDS:
            failures[key] = errors.batch_length().body()
            portal.stats.record_error("ERROR_BATCH_LENGTH_EXCEEDED")
            if halt:
                break
            continue
        text = command if isinstance(command, str) else ""
        name, _, query = text.partition("?")
        started = portal.clock.now()
        wall = time.perf_counter()
        try:
            if not name.strip():
                raise errors.method_not_found()
            params = _substitute(parse_php_query(query), maps)
            _, reply = portal.call(name.strip(), params, in_batch=True)
        except errors.RestError as failure:
            failures[key] = failure.body()
            portal.stats.record_error(failure.code)
            if halt:
                break
            continue
        results[key] = reply.result
        if reply.total is not None:
            totals[key] = reply.total
        if reply.next is not None:
            nexts[key] = reply.next
        processing = time.perf_counter() - wall
        times[key] = time_block(portal, started, started + processing, processing, None)
    result = {
        "result": _php_map(results),
        "result_error": _php_map(failures),
        "result_total": _php_map(totals),
        "result_next": _php_map(nexts),
        "result_time": _php_map(times),
    }
    # the outer batch is not charged: each command was charged to its own method
    return Reply(result, cost_s=0.0)
