"""One family's records, kept in id order, and the list query every read method is built on.

Rows are stored exactly as the read methods return them (legacy UPPER keys with string numbers, or camelCase with
typed values); the table only needs to know which key is the id.  Queries answer the two paging styles of the real
server (ORM offsets and old-style pages rounded to 50) and `start=-1`, which skips the COUNT.  Id ranges (`>ID`, `@ID`)
are answered by binary search, so a keyset page costs the same at the start and at the end of a million rows.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from simulator.filters import Row, Term, combine, sort_key

PAGE = 50


@dataclass
class Page:
    """One answered list page and what computing it cost."""

    rows: list[Row]
    next: int | None
    total: int
    counted: bool
    offset: int
    table_size: int


class Table:
    """Records of one family, ordered by integer id."""

    def __init__(self, id_field: str | None = "ID", rows: Iterable[Row] = ()) -> None:
        # id_field None: the rows have no id of their own (group members); a hidden sequence orders them
        self.id_field = id_field
        self._ids: list[int] = []
        self._rows: list[Row] = []
        self._by_id: dict[int, Row] = {}
        self._fields: dict[str, str] = {}
        self._known: set[str] = set()
        self._indexes: dict[str, tuple[Callable[[Row], Any], dict[Any, list[Row]]]] = {}
        self._seq = 0
        for row in rows:
            self.insert(row)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)

    def _row_id(self, row: Row) -> int:
        if self.id_field is None:
            self._seq += 1
            return self._seq
        return int(row[self.id_field])

    def max_id(self) -> int:
        return self._ids[-1] if self._ids else 0

    def insert(self, row: Row) -> Row:
        """Add a row (or replace the row with the same id)."""
        row_id = self._row_id(row)
        if not self._known.issuperset(row.keys()):
            for key in row:
                self._fields.setdefault(key.lower(), key)
                self._known.add(key)
        if row_id in self._by_id:
            old = self._by_id[row_id]
            index = bisect.bisect_left(self._ids, row_id)
            self._rows[index] = row
            self._by_id[row_id] = row
            if old is not row:
                self._indexes.clear()
            return row
        if not self._ids or row_id > self._ids[-1]:
            self._ids.append(row_id)
            self._rows.append(row)
        else:
            index = bisect.bisect_left(self._ids, row_id)
            self._ids.insert(index, row_id)
            self._rows.insert(index, row)
        self._by_id[row_id] = row
        for keyfunc, index_map in self._indexes.values():
            index_map.setdefault(keyfunc(row), []).append(row)
        return row

    def invalidate(self) -> None:
        """Drop the secondary indexes after rows were changed in place."""
        self._indexes.clear()

    def extend(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.insert(row)

    def get(self, row_id: Any) -> Row | None:
        try:
            return self._by_id.get(int(row_id))
        except (TypeError, ValueError):
            return None

    def resolve(self, name: str) -> str:
        """A field name in any case → the spelling the rows use (unknown names are kept)."""
        return self._fields.get(name.lower(), name)

    def where(self, field: str, value: Any) -> list[Row]:
        """Rows whose `field` equals `value`, from a lazily built hash index."""
        return self.lookup(field, _index_key(value), lambda row: _index_key(row.get(field)))

    def lookup(self, name: str, key: Any, keyfunc: Callable[[Row], Any]) -> list[Row]:
        """Rows whose `keyfunc(row)` equals `key`; the index `name` is built on first use and kept up to date."""
        entry = self._indexes.get(name)
        if entry is None:
            index_map: dict[Any, list[Row]] = {}
            for row in self._rows:
                index_map.setdefault(keyfunc(row), []).append(row)
            entry = (keyfunc, index_map)
            self._indexes[name] = entry
        return entry[1].get(key, [])

    def _id_slice(self, terms: list[Term]) -> tuple[int, int, set[int] | None, list[Term]]:
        """Narrow the scan with id terms: a [lo, hi) slice of the id list, an optional id set, the rest."""
        lo, hi = 0, len(self._ids)
        only: set[int] | None = None
        rest: list[Term] = []
        id_name = (self.id_field or "").lower()
        for term in terms:
            if term.field.lower() != id_name or not id_name:
                rest.append(term)
                continue
            values = (
                term.value
                if isinstance(term.value, list)
                else list(term.value.values())
                if isinstance(term.value, dict)
                else [term.value]
            )
            try:
                numbers = [int(float(v)) for v in values if v not in (None, "")]
            except (TypeError, ValueError):
                rest.append(term)
                continue
            if not numbers:
                # an empty id bound (an unresolved batch reference) matches nothing
                return 0, 0, None, []
            if term.op in ("=", "@") or (term.op == "?" and len(numbers) == 1):
                chosen = set(numbers)
                only = chosen if only is None else only & chosen
            elif term.op == ">":
                lo = max(lo, bisect.bisect_right(self._ids, numbers[0]))
            elif term.op == ">=":
                lo = max(lo, bisect.bisect_left(self._ids, numbers[0]))
            elif term.op == "<":
                hi = min(hi, bisect.bisect_left(self._ids, numbers[0]))
            elif term.op == "<=":
                hi = min(hi, bisect.bisect_right(self._ids, numbers[0]))
            else:
                rest.append(term)
        return lo, hi, only, rest

    def _walk(self, lo: int, hi: int, check: Callable[[Row], bool] | None, descending: bool, size: int) -> list[Row]:
        rows = self._rows
        page: list[Row] = []
        for index in range(hi - 1, lo - 1, -1) if descending else range(lo, hi):
            row = rows[index]
            if check is None or check(row):
                page.append(row)
                if len(page) >= size:
                    break
        return page

    def query(
        self,
        terms: list[Term],
        order: list[tuple[str, bool]],
        start: int,
        old_style: bool = False,
        page_size: int = PAGE,
        rows: list[Row] | None = None,
    ) -> Page:
        """Answer one list page.

        `order` is `[(field, descending)]` (empty = id ascending); `start < 0` disables counting as on the real
        server; `old_style` rounds `start` down to a page boundary (CDBResult methods).  `rows`, when given, replaces
        the table's own rows as the candidate set (a parent's children from an index).
        """
        counted = start >= 0
        offset = max(start, 0)
        if old_style:
            offset = (offset // page_size) * page_size
        if rows is None:
            lo, hi, only, rest = self._id_slice(terms)
            if only is not None:
                candidates = [
                    self._by_id[i]
                    for i in sorted(only)
                    if i in self._by_id and lo <= bisect.bisect_left(self._ids, i) < hi
                ]
            elif not counted and _by_id(order, self.id_field):
                # the keyset page (`start=-1`, `>ID`, id order): walk the index range, never copy the table
                return Page(
                    self._walk(lo, hi, combine(rest), bool(order and order[0][1]), page_size),
                    None,
                    0,
                    False,
                    0,
                    len(self._rows),
                )
            else:
                candidates = self._rows if (lo, hi) == (0, len(self._ids)) else self._rows[lo:hi]
        else:
            candidates, rest = rows, terms
        check = combine(rest)
        by_id_only = _by_id(order, self.id_field)
        descending = bool(order and order[0][1]) if by_id_only else False
        if by_id_only:
            sequence: Iterable[Row] = reversed(candidates) if descending else candidates
            if not counted:
                page: list[Row] = []
                for row in sequence:
                    if check is None or check(row):
                        page.append(row)
                        if len(page) >= page_size:
                            break
                return Page(page, None, 0, False, 0, len(self._rows))
            if check is None:
                # nothing to test per row: count and slice without copying the table
                total = len(candidates)
                if descending:
                    page = list(reversed(candidates[max(total - offset - page_size, 0) : max(total - offset, 0)]))
                else:
                    page = candidates[offset : offset + page_size]
                return _finish(page, total, offset, page_size, old_style, len(self._rows))
            matched = [row for row in sequence if check(row)]
        else:
            matched = list(candidates) if check is None else [row for row in candidates if check(row)]
            for field, desc in reversed(order):
                matched.sort(key=_sorter(field), reverse=desc)
        if not counted:
            return Page(matched[:page_size], None, 0, False, 0, len(self._rows))
        return _finish(
            matched[offset : offset + page_size], len(matched), offset, page_size, old_style, len(self._rows)
        )


def _index_key(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _sorter(field: str) -> Callable[[Row], tuple[int, Any]]:
    return lambda row: sort_key(row.get(field))


def _finish(page: list[Row], total: int, offset: int, page_size: int, old_style: bool, size: int) -> Page:
    """A counted page: ORM methods continue right after the rows returned, old ones at the next page boundary."""
    more = offset + len(page) < total if not old_style else offset + page_size < total
    following = (offset + len(page) if not old_style else offset + page_size) if more else None
    return Page(page, following, total, True, offset, size)


def _by_id(order: list[tuple[str, bool]], id_field: str | None) -> bool:
    """True when the requested order is the id alone (or nothing, which means id ascending)."""
    return not order or (len(order) == 1 and bool(id_field) and order[0][0].lower() == (id_field or "").lower())
