"""Helpers shared by list methods: order and filter parameters, `select` masks, the operating-time cost model.

Cost model (simulated server seconds, charged to the method's operating window): every call pays a base cost plus a
little per returned row; a counted page (`start >= 0`) also pays a COUNT proportional to the table size and a scan of
the skipped offset, which is what makes offset paging of a large table burn the budget while `start=-1` keyset pages
stay cheap, as the documentation's own measurement shows.
"""

from __future__ import annotations

from typing import Any

from simulator.filters import Term, parse_terms
from simulator.params import as_list, as_map
from simulator.table import Page, Table

BASE_COST_S = 0.004
ROW_COST_S = 0.0001
COUNT_COST_PER_ROW_S = 2e-6
OFFSET_COST_PER_ROW_S = 1e-6


def page_cost(page: Page) -> float:
    cost = BASE_COST_S + ROW_COST_S * len(page.rows)
    if page.counted:
        cost += COUNT_COST_PER_ROW_S * page.table_size + OFFSET_COST_PER_ROW_S * page.offset
    return cost


def legacy_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Received values as a legacy (UPPER-key) method returns them: scalar numbers become strings."""
    return {
        key: str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        for key, value in fields.items()
    }


def order_of(value: Any, table: Table) -> list[tuple[str, bool]]:
    """`{"ID": "ASC", "DATE_CREATE": "DESC"}` → `[("ID", False), ("DATE_CREATE", True)]`."""
    order: list[tuple[str, bool]] = []
    for field, direction in as_map(value).items():
        order.append((table.resolve(str(field)), str(direction).strip().upper() == "DESC"))
    return order


def terms_of(value: Any, table: Table) -> list[Term]:
    return parse_terms(as_map(value), table.resolve)


def project(
    rows: list[dict[str, Any]],
    select: Any,
    id_field: str | None,
    uf_prefix: str = "UF_",
    explicit: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Apply a `select` list with the `*` and `UF_*` masks; the id is always kept. Unknown names are skipped.

    `explicit` fields (CRM multi-fields such as PHONE, EMAIL) come only when named, never through a mask; with no
    `select` at all the default is `*` plus `UF_*`.
    """
    fields = [str(f) for f in as_list(select)]
    if not fields:
        if not explicit:
            return rows
        fields = ["*", f"{uf_prefix}*"]
    if not explicit and "*" in fields and (f"{uf_prefix}*" in fields or uf_prefix == ""):
        return rows
    wanted = {f.upper() for f in fields if not f.endswith("*")}
    star = "*" in fields
    uf_star = f"{uf_prefix}*" in fields or uf_prefix == ""
    id_upper = (id_field or "").upper()
    uf_upper = uf_prefix.upper()
    decided: dict[str, bool] = {}

    def keep(key: str) -> bool:
        # decided once per field name and request, not once per row
        upper = key.upper()
        if upper in explicit:
            return upper in wanted
        is_uf = bool(uf_upper) and upper.startswith(uf_upper)
        return upper == id_upper or upper in wanted or (star and not is_uf) or (uf_star and is_uf)

    result: list[dict[str, Any]] = []
    for row in rows:
        if star and uf_star and explicit.isdisjoint(row):
            result.append(row)
            continue
        chosen: dict[str, Any] = {}
        for key, value in row.items():
            verdict = decided.get(key)
            if verdict is None:
                verdict = decided[key] = keep(key)
            if verdict:
                chosen[key] = value
        result.append(chosen)
    return result
