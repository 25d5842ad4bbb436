"""Families imported inside their parent's records: a workgroup carries its members (``import.groups.batch``).

The extract step reads the children of a page of parents in one or two batch requests (50 parents each) and
attaches them to the raw parent records; the transform nests them; the load step counts them under the child
family's name, so the report shows ``group_members`` with its own numbers.
"""

from __future__ import annotations

from typing import Any

from shared.bitrix24.children import stream_children
from shared.bitrix24.client import Bitrix24Client
from shared.families import get_family
from shared.transforms.work import MEMBERS_KEY

NESTED: dict[str, tuple[str, str, str]] = {"groups": ("group_members", MEMBERS_KEY, "members")}
"""parent family → (child family, key on the raw parent record, list field on the canonical parent)."""


async def attach_children(client: Bitrix24Client, family: str, records: list[dict[str, Any]]) -> tuple[
        int, list[dict[str, Any]], int]:
    """Attach every parent's children; returns (children read, parent failures as dead letters, HTTP requests)."""
    if family not in NESTED or not records:
        return 0, [], 0
    child_family, key, _ = NESTED[family]
    parent_spec, child_spec = get_family(family), get_family(child_family)
    by_id = {str(r[parent_spec.id_field]): r for r in records}
    for record in records:
        record[key] = []
    count = requests = 0
    failures: list[dict[str, Any]] = []
    async for round_ in stream_children(client, child_spec, list(by_id)):
        requests += round_.http_requests
        for child in round_.records:
            parent = by_id.get(str(child.get(child_spec.parent_field or "")))
            if parent is not None:
                parent[key].append(child)
                count += 1
        for failure in round_.failures:
            failures.append({"sourceId": f"cloud:{family.rstrip('s')}:{failure.parent_id}",
                             "code": f"{child_family}_unreadable", "reason": f"{failure.code}: {failure.reason}"})
    return count, failures, requests


def nested_count(family: str, item: dict[str, Any]) -> int:
    """How many nested child records a canonical item carries."""
    if family not in NESTED:
        return 0
    return len(item.get(NESTED[family][2]) or [])
