"""Bitrix24 list filters: `{"<prefix><FIELD>": value}` maps turned into row predicates, and sort keys.

Prefixes follow the documented sets (`>=`, `>`, `<=`, `<`, `@`, `!@`, `%`, `=%`, `%=`, `!%`, `!=`, `!`, `=`, `><`).
Values arrive as strings from query strings and as typed JSON from JSON bodies, so every comparison coerces both
sides the way the portal's SQL would: numbers as numbers, ISO dates as instants, everything else as case-insensitive
text.  A term whose field is the table's id and whose operator is a range or a set is reported separately, so the
table can answer it with a binary search instead of a scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

# longest first, so that `>=` is not read as `>` followed by a field named `=X`
_PREFIXES = ("!><", "!=%", "!%=", ">=", "<=", "><", "!@", "=%", "%=", "!%", "!=", ">", "<", "@", "%", "=", "!", "?")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$")
_RU_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$")

Row = dict[str, Any]
# the zone of naive date values (TIMESTAMP_X, site-format filters): the portal's; set by `Portal`
NAIVE_ZONE: list[tzinfo] = [UTC]
Predicate = Callable[[Row], bool]


@dataclass(frozen=True)
class Term:
    """One filter condition: `field` (as the record spells it), operator and raw value."""

    field: str
    op: str
    value: Any


def split_key(key: str) -> tuple[str, str]:
    """`'>=DATE_MODIFY'` → `('>=', 'DATE_MODIFY')`."""
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return ("=" if prefix == "" else prefix), key[len(prefix) :]
    return "=", key


def parse_terms(filter_map: dict[str, Any], resolve: Callable[[str], str]) -> list[Term]:
    """Turn a filter map into terms; `resolve` maps a field name in any case to the record's spelling."""
    terms: list[Term] = []
    for key, value in filter_map.items():
        # `logic` and nested groups (`{"0": {...}, "logic": "OR"}`) are not modelled: they are skipped
        if str(key).lower() == "logic" or (str(key).isdigit() and isinstance(value, dict)):
            continue
        op, name = split_key(str(key))
        terms.append(Term(resolve(name), op, value))
    return terms


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text and (text[0].isdigit() or text[0] in "+-.") and len(text) < 30:
            try:
                return float(text)
            except ValueError:
                return None
    return None


def as_instant(value: Any) -> float | None:
    """An ISO 8601 (or `dd.mm.yyyy`) string as a unix time; naive values are in the portal's zone."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    parsed: datetime | None = None
    if _DATE.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        match = _RU_DATE.match(text)
        if not match:
            return None
        day, month, year, hour, minute, second = match.groups()
        parsed = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=NAIVE_ZONE[0])
    return parsed.timestamp()


def sort_key(value: Any) -> tuple[int, Any]:
    """A total order over mixed values: empties first, then numbers, instants, text."""
    if value is None or value == "" or value == [] or value == {}:
        return (0, 0)
    if isinstance(value, list):
        value = value[0]
    number = _as_number(value)
    if number is not None:
        return (1, number)
    instant = as_instant(value)
    if instant is not None:
        return (2, instant)
    return (3, str(value).casefold())


def _compare(left: Any, right: Any) -> int | None:
    """Three-way comparison with SQL-like coercion; None when the values cannot be compared."""
    if left is None or left == "" or right is None or right == "":
        return None
    a, b = _as_number(left), _as_number(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    ia, ib = as_instant(left), as_instant(right)
    if ia is not None and ib is not None:
        return (ia > ib) - (ia < ib)
    sa, sb = str(left).casefold(), str(right).casefold()
    return (sa > sb) - (sa < sb)


def _equals(left: Any, right: Any) -> bool:
    if isinstance(left, list):
        return any(_equals(item, right) for item in left)
    if isinstance(right, list | dict):
        values = right.values() if isinstance(right, dict) else right
        return any(_equals(left, item) for item in values)
    if isinstance(left, bool):
        if isinstance(right, bool):
            return left == right
        return left == (str(right).strip().lower() in ("y", "true", "1"))
    if left is None or left == "":
        return right is None or right == "" or right is False
    return _compare(left, right) == 0


def _like(left: Any, pattern: Any, anchored: bool) -> bool:
    if left is None:
        return False
    text = str(left).casefold()
    needle = str(pattern).casefold()
    if not anchored:
        return needle.replace("%", "") in text
    regex = "^" + ".*".join(re.escape(part) for part in needle.split("%")) + "$"
    return re.match(regex, text, re.S) is not None


def _set_of(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    if isinstance(value, str) and "," in value:
        return [part.strip() for part in value.split(",")]
    return [value]


def predicate(term: Term) -> Predicate:
    """A row predicate for one term."""
    field, op, value = term.field, term.op, term.value

    def get(row: Row) -> Any:
        return row.get(field)

    if op in ("=", "?"):
        return lambda row: _equals(get(row), value)
    if op in ("!", "!="):
        return lambda row: not _equals(get(row), value)
    if op in (">", ">=", "<", "<="):
        want = {">": (1,), ">=": (0, 1), "<": (-1,), "<=": (-1, 0)}[op]

        def ordered(row: Row) -> bool:
            current = get(row)
            if isinstance(current, list):
                return any(_compare(item, value) in want for item in current)
            return _compare(current, value) in want

        return ordered
    if op in ("@", "!@"):
        members = _set_of(value)
        negate = op == "!@"
        return lambda row: _equals(get(row), members) != negate
    if op in ("><", "!><"):
        bounds = _set_of(value)
        low, high = [*bounds, None, None][:2]
        negate = op == "!><"
        return lambda row: ((_compare(get(row), low) or 0) >= 0 and (_compare(get(row), high) or 0) <= 0) != negate
    if op == "%":
        return lambda row: _like(get(row), value, anchored=False)
    if op in ("=%", "%="):
        return lambda row: _like(get(row), value, anchored=True)
    if op in ("!%", "!=%", "!%="):
        anchored = op != "!%"
        return lambda row: not _like(get(row), value, anchored=anchored)
    return lambda row: _equals(get(row), value)


def combine(terms: Iterable[Term]) -> Predicate | None:
    """One predicate for all terms (AND), or None when there is nothing to check."""
    checks = [predicate(term) for term in terms]
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda row: all(check(row) for check in checks)
